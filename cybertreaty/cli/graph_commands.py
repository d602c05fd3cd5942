"""Commands on the graph itself: build, validate, query."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import click
from pyoxigraph import Quad

from cybertreaty.cli.common import DEFAULT_OUT, fail
from cybertreaty.graph.errors import DataError
from cybertreaty.graph.iris import DEFAULT_BASE, Iris
from cybertreaty.paths import data_dir


@click.command()
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of curated CSV files (default: the project's data/).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write the dumps, VoID description and store to.",
)
@click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="CYBERTREATY_BASE_IRI",
    help="Base of every data IRI (env CYBERTREATY_BASE_IRI).",
)
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
        fail(str(exc))
    check = None if no_validate else _shacl_gate
    try:
        result = run_build(data or data_dir(), out, iris, check=check)
    except DataError as exc:
        fail(str(exc), 1 if isinstance(exc, NotConforming) else 2)
    elapsed = time.perf_counter() - started
    click.echo(f"built {result.quads} quads in {result.graphs} graphs into {result.out}/ in {elapsed:.2f} s")


class NotConforming(DataError):
    """The assembled graph has SHACL violations; the build was not written."""


def _shacl_gate(quads: Sequence[Quad]) -> None:
    from cybertreaty.graph.validate import validate_quads

    report = validate_quads(quads)
    if not report.conforms:
        click.echo(report.as_text(), err=True)
        raise NotConforming("the graph does not conform to shapes/; nothing was written")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The build to validate when no PATH is given (its cybertreaty.nq).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: grouped by entity, most severe first; json: results and counts; turtle: the SHACL report.",
)
@click.option(
    "--input-format",
    type=click.Choice(["nquads", "trig", "turtle", "ntriples", "json-ld"]),
    default=None,
    help="Format of the input; required for '-' (stdin), otherwise taken from the file extension.",
)
def validate(paths: tuple[Path, ...], out: Path, fmt: str, input_format: str | None) -> None:
    """Check the built graph, or the RDF files given (or '-' for stdin), against shapes/.

    Exit 0 when the data conform (Warnings and Infos allowed), 1 on any Violation, 2 when the
    input could not be read.
    """
    import cybertreaty.graph.validate as shacl

    sources = [str(p) for p in paths] or [str(out / "cybertreaty.nq")]
    if not paths and not (out / "cybertreaty.nq").exists():
        fail(f"no build at {out}/; run `cybertreaty build` first or give files to validate")
    try:
        dataset = shacl.load_dataset(sources, rdf_format=input_format, stdin=sys.stdin.buffer)
        report = shacl.validate(dataset)
    except shacl.InputError as exc:
        fail(str(exc))
    renderers: dict[str, Callable[[], str]] = {
        "text": report.as_text,
        "json": report.as_json,
        "turtle": report.as_turtle,
    }
    rendered = renderers[fmt]()
    click.echo(rendered.rstrip("\n"))
    sys.exit(shacl.exit_code(report))


@click.command()
@click.argument("sparql_file", required=False, type=click.File("r"))
@click.option("-e", "--expression", help="The SPARQL query text (instead of a file).")
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT / "store",
    show_default=True,
    help="The store written by `cybertreaty build`.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def query(sparql_file: TextIO | None, expression: str | None, store: Path, fmt: str) -> None:
    """Run a SPARQL query (FILE.rq, '-' for stdin, or -e TEXT) on the built store and print the answer.

    The default graph is the union of all named graphs; the ct:, rdfs:, org: … prefixes are predeclared.
    """
    from cybertreaty.graph import tabulate

    if (sparql_file is None) == (expression is None):
        fail("give exactly one of FILE.rq or -e SPARQL")
    text = expression if expression is not None else sparql_file.read()  # type: ignore[union-attr]
    try:
        answer = tabulate.run(tabulate.open_store(store), text)
    except FileNotFoundError as exc:
        fail(str(exc))
    except SyntaxError as exc:
        fail(f"SPARQL syntax error: {exc}")
    click.echo(tabulate.render(answer, fmt), nl=False)
