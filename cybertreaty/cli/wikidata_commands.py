"""`cybertreaty wikidata …`: compare the graph with Wikidata, export QuickStatements, reconcile names,
and list the entities that have no Wikidata item. Every command reads the store `cybertreaty build`
wrote."""

from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph

from cybertreaty.cli.common import DEFAULT_OUT, fail
from cybertreaty.errors import CybertreatyError

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

_store_option = click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT / "store",
    show_default=True,
    help="The store written by `cybertreaty build`.",
)


def _open(store: Path) -> pyoxigraph.Store:
    from cybertreaty.graph.tabulate import open_store

    try:
        return open_store(store)
    except (FileNotFoundError, OSError) as exc:
        fail(str(exc))


@click.group()
def wikidata() -> None:
    """Compare with Wikidata, export QuickStatements, reconcile names and codes to our entities."""


@wikidata.command()
@click.option("--endpoint", required=True, help=f"A Wikidata-shaped SPARQL endpoint, e.g. {WIKIDATA_SPARQL}")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--actor",
    "actors",
    multiple=True,
    help="Compare only this State (ISO3 code) or organisation (id); repeat for more. Default: all.",
)
@_store_option
def compare(endpoint: str, fmt: str, actors: tuple[str, ...], store: Path) -> None:
    """What the endpoint says about our signatories, memberships and ISO codes: missing there,
    missing here and in conflict."""
    from cybertreaty.graph.wikidata.compare import compare as run_compare

    try:
        result = run_compare(endpoint, _open(store), actors=set(actors) or None)
    except CybertreatyError as exc:
        fail(exc.message)
    except ValueError as exc:
        fail(str(exc))
    click.echo(result.as_table() if fmt == "table" else result.as_json(), nl=False)


@wikidata.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write to FILE (default: stdout).")
@click.option(
    "--endpoint",
    default=None,
    help="Leave out what this Wikidata-shaped endpoint already states (alike or in conflict).",
)
@_store_option
def export(out: Path | None, endpoint: str | None, store: Path) -> None:
    """QuickStatements (v1) for our sourced statements, with qualifiers and references; items that
    have no Wikidata item yet are CREATE blocks."""
    from cybertreaty.graph.wikidata.compare import compare as run_compare
    from cybertreaty.graph.wikidata.export import export as run_export

    graph = _open(store)
    skip: frozenset[tuple[str, str, str]] = frozenset()
    try:
        if endpoint:
            skip = run_compare(endpoint, graph).present_there
    except CybertreatyError as exc:
        fail(exc.message)
    result = run_export(graph, skip=skip)
    if out is None:
        click.echo(result.text, nl=False)
    else:
        try:
            out.write_text(result.text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
    created = ", ".join(result.created) or "none"
    click.echo(f"{result.statements} statements; new items: {created}", err=True)
    for statement in result.skipped:
        click.echo(f"not exportable (two new items): {statement.key}", err=True)


@wikidata.command()
@click.argument("name")
@click.option("--type", "kind", type=click.Choice(["State", "Organisation"]), default=None)
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@_store_option
def reconcile(name: str, kind: str | None, limit: int, store: Path) -> None:
    """Which State or organisation NAME (a name, ISO code, id or QID) is, with a score."""
    from cybertreaty.graph.wikidata.reconcile import Index

    candidates = Index.load(_open(store)).reconcile(name, type=kind, limit=limit)
    if not candidates:
        fail(f"no State or organisation matches {name!r}", 1)
    for c in candidates:
        mark = "match" if c.match else ""
        click.echo(f"{c.score:>3}  {c.id:<12} {c.type:<12} {c.name}  [{c.via}] {mark}".rstrip())


@wikidata.command("missing-links")
@_store_option
def missing_links(store: Path) -> None:
    """States, organisations and treaties that have no Wikidata item yet."""
    from cybertreaty.graph.wikidata.links import missing_links as find

    for link in find(_open(store)):
        close = f"  (close match: {link.close_match})" if link.close_match else ""
        click.echo(f"{link.kind:<12} {link.id:<28} {link.label}{close}")
