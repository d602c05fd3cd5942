"""Commands that run or feed a SPARQL service: serve, load."""

from __future__ import annotations

from pathlib import Path

import click

from cybertreaty.cli.common import DEFAULT_OUT, fail


@click.command()
@click.option("--host", default=None, help="Interface to listen on [env CYBERTREATY_HOST; 127.0.0.1].")
@click.option("--port", type=int, default=None, help="TCP port [env CYBERTREATY_PORT; 8000].")
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="Built store to serve read-only [env CYBERTREATY_STORE; build/store].",
)
@click.option(
    "--endpoint",
    default=None,
    help="Serve over an external SPARQL 1.1 engine at this query URL instead [env CYBERTREATY_ENDPOINT].",
)
@click.option(
    "--update-endpoint",
    default=None,
    help="Update URL of the external engine [env CYBERTREATY_UPDATE_ENDPOINT].",
)
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info")
def serve(
    host: str | None,
    port: int | None,
    store: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    log_level: str,
) -> None:
    """Serve the SPARQL endpoint, REST API, linked data and pages on http://HOST:PORT/.

    Every other setting is read from its CYBERTREATY_* environment variable (see the README).
    """
    from cybertreaty.service.server import run
    from cybertreaty.settings import Settings, SettingsError

    if store is not None and endpoint is not None:
        fail("give --store or --endpoint, not both")
    try:
        settings = Settings.from_env(
            host=host, port=port, store=store, endpoint=endpoint, update_endpoint=update_endpoint
        )
        run(settings, log_level=log_level)
    except (SettingsError, FileNotFoundError) as exc:
        fail(str(exc))


@click.command()
@click.option("--endpoint", required=True, help="Query URL of the external SPARQL engine.")
@click.option("--update-endpoint", default=None, help="Its SPARQL Update URL (default: the query URL).")
@click.option(
    "--graph-store",
    default=None,
    help="Its Graph Store Protocol URL (e.g. http://host:7878/store); faster than SPARQL Update.",
)
@click.option(
    "--dump",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT / "cybertreaty.nq",
    show_default=True,
    help="The N-Quads dump written by `cybertreaty build` (.nq or .nq.gz).",
)
def load(endpoint: str, update_endpoint: str | None, graph_store: str | None, dump: Path) -> None:
    """Put the built graph into an external SPARQL engine: every named graph, and their merge as
    its default graph. Each graph is replaced as a whole."""
    from cybertreaty.errors import UpstreamError
    from cybertreaty.graph.load import load as run_load

    if not dump.exists():
        fail(f"no dump at {dump}; run `cybertreaty build` first")
    try:
        report = run_load(endpoint, dump, graph_store_url=graph_store, update_url=update_endpoint)
    except UpstreamError as exc:
        fail(str(exc))
    click.echo(
        f"loaded {report.quads} quads in {report.graphs} named graphs and {report.default_triples} "
        f"default-graph triples; the engine reports {report.engine_triples} triples in its default graph"
    )
