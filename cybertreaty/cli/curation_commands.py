"""Commands for curators: import facts into data/, diff two versions, cut a release."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cybertreaty.cli.common import DEFAULT_OUT, fail
from cybertreaty.graph.iris import DEFAULT_BASE, Iris
from cybertreaty.paths import data_dir

_DATA = click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of curated CSV files (default: the project's data/).",
)
_BASE = click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="CYBERTREATY_BASE_IRI",
    help="Base of every data IRI (env CYBERTREATY_BASE_IRI).",
)


def _iris(base: str) -> Iris:
    try:
        return Iris(base)
    except ValueError as exc:
        fail(str(exc))


@click.command("import")
@click.argument("file", type=click.Path(path_type=str, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check everything and show what would change; write nothing.")
@click.option(
    "--kind", default=None, help="The data/ file the rows go to (e.g. consents); default: from the header."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "turtle", "ntriples", "nquads", "trig", "json-ld"]),
    default=None,
    help="Input format; default: from the extension ('-' for stdin needs it).",
)
@_DATA
@_BASE
def import_(
    file: str, dry_run: bool, kind: str | None, fmt: str | None, data: Path | None, base: str
) -> None:
    """Add the facts of FILE to data/, all or nothing.

    FILE is a CSV with the header of one data/ file (plus, for a source not in sources.csv yet,
    source_url, source_title, source_kind and optionally source_publisher, source_published,
    source_retrieved), a JSON array of objects with the same keys, or RDF (Turtle, N-Triples,
    N-Quads, TriG, JSON-LD) whose ct:Signature and consent nodes become rows. Every row is
    checked; the resulting graph must conform to shapes/. If anything fails, every problem is
    listed as file:line: field: reason and nothing is written.

    Exit 0 imported (or would be, with --dry-run), 1 rows rejected, 2 the input cannot be read.
    """
    from cybertreaty.curation.diff_render import render_text
    from cybertreaty.curation.errors import CurationError, ImportRejected
    from cybertreaty.curation.importer import import_file

    if fmt is None and file == "-":
        fail("standard input needs --format")
    try:
        plan = import_file(
            file,
            data or data_dir(),
            kind=kind,
            fmt=fmt,
            dry_run=dry_run,
            iris=_iris(base),
        )
    except ImportRejected as exc:
        fail(str(exc), 1)
    except CurationError as exc:
        fail(str(exc))
    verb = "would add" if dry_run else "added"
    for row in plan.rows:
        click.echo(f"{verb} {row}: {','.join(row.addition.record)}")
    if dry_run:
        click.echo(render_text(plan.diff), nl=False)
    click.echo(f"{verb} {len(plan.rows)} row{'s' if len(plan.rows) != 1 else ''}. {plan.diff.summary()}")


@click.command()
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--git",
    "use_git",
    is_flag=True,
    help="OLD and NEW are git revisions of data/ (NEW default: the work tree).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "rdf-patch", "sparql-update"]),
    default="text",
    show_default=True,
    help="text: by entity, with labels; rdf-patch: A/D lines (RDF Patch); sparql-update: DELETE/INSERT DATA.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout."
)
@_DATA
@_BASE
def diff(
    old: str, new: str | None, use_git: bool, fmt: str, output: Path | None, data: Path | None, base: str
) -> None:
    """Show the facts added, removed and changed between two builds, or two git revisions of data/.

    OLD and NEW are build folders (holding cybertreaty.nq) or dump files (.nq, .nq.gz, .trig);
    with --git they are revisions (HEAD~1, a tag, a hash). Build timestamps are ignored.

    Exit 0 no differences, 1 differences, 2 trouble (like diff(1)).
    """
    from cybertreaty.curation import revisions
    from cybertreaty.curation.diff import diff_quads
    from cybertreaty.curation.diff_render import render_patch, render_text
    from cybertreaty.curation.errors import CurationError

    if new is None and not use_git:
        fail("give OLD and NEW (or --git REV [REV])")
    folder, iris = data or data_dir(), _iris(base)
    try:
        if use_git:
            before = revisions.revision_quads(folder, old, iris)
            after = revisions.revision_quads(folder, new, iris) if new else revisions.data_quads(folder, iris)
        else:
            assert new is not None
            before, after = revisions.build_quads(Path(old)), revisions.build_quads(Path(new))
    except CurationError as exc:
        fail(str(exc))
    changes = diff_quads(before, after)
    text = render_text(changes) if fmt == "text" else render_patch(changes, fmt)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    sys.exit(0 if changes.empty else 1)


@click.command()
@click.argument("version")
@_DATA
@click.option(
    "--releases",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT / "releases",
    show_default=True,
    help="Folder holding one folder per release.",
)
@click.option(
    "--changelog",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("CHANGELOG.md"),
    show_default=True,
    help="The changelog to add this release's entry to (newest first).",
)
@_BASE
def release(version: str, data: Path | None, releases: Path, changelog: Path, base: str) -> None:
    """Build release VERSION (semver) into RELEASES/VERSION with SHA-256 checksums, DCAT/VoID
    metadata and a changelog entry made from the diff with the previous release.

    An existing or older version is refused; a failed write leaves earlier releases intact.
    """
    from cybertreaty.curation.release import NotConforming, ReleaseError
    from cybertreaty.curation.release import release as run_release

    try:
        done = run_release(version, data or data_dir(), releases, changelog, iris=_iris(base))
    except ReleaseError as exc:
        fail(str(exc), 1 if isinstance(exc, NotConforming) else 2)
    click.echo(done.entry, nl=False)
    click.echo(
        f"released {done.version} into {done.folder}/ (verify: cd {done.folder} && sha256sum -c SHA256SUMS)"
    )
