"""``cybertreaty import``: add facts to data/ from a CSV, JSON or RDF file, all or nothing.

    result = import_file("new.csv", data_dir)            # ImportRejected lists every problem
    result = import_file("new.csv", data_dir, dry_run=True)

1. The input is refused before it is read if it is over the size limit, then parsed strictly.
2. Every row is checked against data/ as it is (curation/checks.py); problems are collected.
3. A complete copy of data/ with the rows appended is written next to it, and the whole graph is
   assembled from that copy and validated against shapes/: what is validated is exactly what will
   be committed.
4. The copy replaces data/ in one atomic swap (curation/commit.py). A dry run does steps 1-3 in a
   temporary folder and reports what would change.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from cybertreaty.curation import commit
from cybertreaty.curation.checks import Addition, check_rows
from cybertreaty.curation.current import Current, load_current
from cybertreaty.curation.diff import GraphDiff, diff_quads
from cybertreaty.curation.errors import ImportRejected, InputRejected, Problem
from cybertreaty.curation.inputs import Candidate, csv_candidates, format_of, json_candidates, read_limited
from cybertreaty.curation.rdf_rows import rdf_candidates
from cybertreaty.curation.staging import stage
from cybertreaty.graph.build import assemble
from cybertreaty.graph.errors import RowError
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.validate import Severity, ValidationReport, validate_quads

# Assembled graphs are compared, never written: any fixed time keeps their timestamps equal.
_ASSEMBLED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Placed:
    """An accepted row and the line it takes in its data/ file."""

    addition: Addition
    line: int

    def __str__(self) -> str:
        return f"{self.addition.kind.filename}:{self.line}"


@dataclass(frozen=True)
class Plan:
    """What an import does: rows placed, the graph's change, and the SHACL report of the result."""

    rows: tuple[Placed, ...]
    diff: GraphDiff
    report: ValidationReport

    def violations(self, data_dir: Path) -> list[Problem]:
        """The report's Violations, each traced to the row that made its focus node where possible."""
        problems = []
        for result in self.report.results:
            if result.severity is not Severity.VIOLATION:
                continue
            row = next((p for p in self.rows if _made(p.addition, result.focus_node)), None)
            name = result.focus_label or result.focus_node
            if row is not None:
                problems.append(row.addition.origin.problem(result.path_or_shape, result.message))
            else:
                problems.append(Problem(str(data_dir), 0, result.path_or_shape, f"{name}: {result.message}"))
        return problems


def _made(addition: Addition, node: str) -> bool:
    prefix = addition.node_prefix
    return bool(prefix) and (node == prefix or node.startswith(prefix + "-"))


def import_file(
    name: str,
    data_dir: Path,
    *,
    kind: str | None = None,
    fmt: str | None = None,
    dry_run: bool = False,
    iris: Iris | None = None,
    today: dt.date | None = None,
    stdin: BinaryIO | None = None,
) -> Plan:
    """Import ``name`` (``-``: stdin) into data_dir; raises ImportRejected (rows) or InputRejected."""
    data = read_limited(name, stdin=stdin)
    fmt = format_of(name, data, fmt)
    data_dir = data_dir.resolve()
    options = _Options(name, data, fmt, kind, iris or Iris(), today or dt.date.today())
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="cybertreaty-import-") as scratch:
            return _plan(options, load_current(data_dir, options.iris), Path(scratch) / "data")
    with commit.import_lock(data_dir):
        staged = commit.new_staging(data_dir)
        try:
            plan = _plan(options, load_current(data_dir, options.iris), staged, durable=True)
            commit.pause("staged")
            commit.swap(staged, data_dir)
            commit.pause("swapped")
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return plan


def check_upload(
    name: str, data: bytes, fmt: str, data_dir: Path, *, kind: str | None = None, iris: Iris | None = None
) -> Plan:
    """What importing ``data`` would do, SHACL report included, without the Violations raising."""
    options = _Options(name, data, fmt, kind, iris or Iris(), dt.date.today())
    with tempfile.TemporaryDirectory(prefix="cybertreaty-upload-") as scratch:
        return _plan(options, load_current(data_dir, options.iris), Path(scratch) / "data", strict=False)


@dataclass(frozen=True)
class _Options:
    name: str
    data: bytes
    fmt: str
    kind: str | None
    iris: Iris
    today: dt.date


def _plan(
    options: _Options, current: Current, staged: Path, *, durable: bool = False, strict: bool = True
) -> Plan:
    candidates = read_candidates(options, current)
    if not candidates:
        raise InputRejected(Problem(options.name, 0, "", "has no rows to import"))
    additions = check_rows(candidates, current, options.today)
    lines = stage(current.data_dir, staged, additions, durable=durable)
    rows = tuple(Placed(a, line) for a, line in zip(additions, lines, strict=True))
    old = assemble(current.data_dir, options.iris, _ASSEMBLED_AT)
    new = _assemble_staged(staged, current.data_dir, rows, options.iris)
    plan = Plan(rows, diff_quads(old, new), validate_quads(new))
    if strict and not plan.report.conforms:
        raise ImportRejected(plan.violations(current.data_dir))
    return plan


def read_candidates(options: _Options, current: Current) -> list[Candidate]:
    """The input's rows; RDF nodes that map to no row are problems reported with the rows'."""
    if options.fmt == "csv":
        return csv_candidates(options.name, options.data, current.kinds, options.kind)
    if options.fmt == "json":
        return json_candidates(options.name, options.data, current.kinds, options.kind)
    candidates, problems = rdf_candidates(options.name, options.data, options.fmt, current)
    if problems:
        try:
            check_rows(candidates, current, options.today)
        except ImportRejected as rejected:
            problems += rejected.problems
        raise ImportRejected(problems)
    return candidates


def _assemble_staged(staged: Path, data_dir: Path, rows: Sequence[Placed], iris: Iris) -> list[ox.Quad]:
    """The graph of the staged copy; a row error there is traced back to the imported row."""
    try:
        return assemble(staged, iris, _ASSEMBLED_AT)
    except RowError as exc:
        filename = os.path.basename(exc.path)
        row = next((p for p in rows if p.addition.kind.filename == filename and p.line == exc.line), None)
        if row is not None:
            raise ImportRejected([row.addition.origin.problem(exc.field, exc.reason)]) from None
        raise ImportRejected([Problem(str(data_dir / filename), exc.line, exc.field, exc.reason)]) from None
