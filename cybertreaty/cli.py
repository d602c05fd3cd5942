"""The `cybertreaty` command line: build, validate, query, serve, load.

Exit codes: 0 success (for validate: the graph conforms), 1 the data do not conform,
2 the input could not be read or the command was used wrongly.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cybertreaty import __version__
from cybertreaty.graph.errors import DataError
from cybertreaty.graph.iris import DEFAULT_BASE, Iris
from cybertreaty.paths import data_dir

DEFAULT_OUT = Path("build")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cybertreaty")
def main() -> None:
    """Build, check, query and serve the cybertreaty knowledge graph."""


@main.command()
@click.option("--data", "data", type=click.Path(path_type=Path), default=None,
              help="Folder of curated CSV files (default: the project's data/).")
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder to write the dumps, VoID description and store to.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, envvar="CYBERTREATY_BASE_IRI",
              help="Base of every data IRI (env CYBERTREATY_BASE_IRI).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation before writing.")
def build(data: Path | None, out: Path, base: str, no_validate: bool) -> None:
    """Read data/, check every row, and write the graph (N-Quads, TriG, Turtle, JSON-LD, VoID, store).

    The output folder is replaced only when the whole build succeeded.
    """
    from cybertreaty.graph.build import build as run_build

    started = time.perf_counter()
    try:
        iris = Iris(base)
    except ValueError as exc:
        _fail(str(exc))
    check = None if no_validate else _shacl_gate
    try:
        result = run_build(data or data_dir(), out, iris, check=check)
    except DataError as exc:
        _fail(str(exc), 1 if isinstance(exc, NotConforming) else 2)
    elapsed = time.perf_counter() - started
    click.echo(f"built {result.quads} quads in {result.graphs} graphs into {result.out}/ in {elapsed:.2f} s")


class NotConforming(DataError):
    """The assembled graph has SHACL violations; the build was not written."""


def _shacl_gate(quads: object) -> None:
    from cybertreaty.graph.validate import validate_quads

    report = validate_quads(quads)  # type: ignore[arg-type]
    if not report.conforms:
        click.echo(report.as_text(), err=True)
        raise NotConforming("the graph does not conform to shapes/; nothing was written")


@main.command()
@click.argument("sparql_file", required=False, type=click.File("r"))
@click.option("-e", "--expression", help="The SPARQL query text (instead of a file).")
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_OUT / "store", show_default=True,
              help="The store written by `cybertreaty build`.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(sparql_file: click.utils.LazyFile | None, expression: str | None, store: Path, fmt: str) -> None:
    """Run a SPARQL query (FILE.rq, '-' for stdin, or -e TEXT) on the built store and print the answer.

    The default graph is the union of all named graphs; the ct:, rdfs:, org: … prefixes are predeclared.
    """
    from cybertreaty.graph import tabulate

    if (sparql_file is None) == (expression is None):
        _fail("give exactly one of FILE.rq or -e SPARQL")
    text = expression if expression is not None else sparql_file.read()  # type: ignore[union-attr]
    try:
        answer = tabulate.run(tabulate.open_store(store), text)
    except FileNotFoundError as exc:
        _fail(str(exc))
    except SyntaxError as exc:
        _fail(f"SPARQL syntax error: {exc}")
    click.echo(tabulate.render(answer, fmt), nl=False)
