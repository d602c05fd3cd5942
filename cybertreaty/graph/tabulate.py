"""Run a SPARQL query on a built store and render the answer for a terminal or a pipe."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat

from cybertreaty.graph.vocab import PREFIXES

Cell = NamedNode | BlankNode | Literal | None


def open_store(path: Path) -> pyoxigraph.Store:
    if not (path / "CURRENT").exists():
        raise FileNotFoundError(f"no store at {path}; run `cybertreaty build` first")
    return pyoxigraph.Store.read_only(str(path))


def run(store: pyoxigraph.Store, sparql: str) -> QuerySolutions | QueryBoolean | pyoxigraph.QueryTriples:
    """Query the store's default graph (the merge of all named graphs), with the project's prefixes."""
    return store.query(sparql, prefixes=dict(PREFIXES))


def render(answer: object, fmt: str) -> str:
    if isinstance(answer, QueryBoolean):
        return ("true" if bool(answer) else "false") + "\n"
    if isinstance(answer, QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [[solution[v] for v in variables] for solution in answer]
        return {"table": table, "csv": as_csv, "json": as_json}[fmt](variables, rows)
    assert isinstance(answer, pyoxigraph.QueryTriples)
    output = pyoxigraph.serialize(answer, format=RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    return output.decode() if output else ""


def short(cell: Cell) -> str:
    """A compact form for reading: prefixed names, plain literal values."""
    if cell is None:
        return ""
    if isinstance(cell, NamedNode):
        for prefix, namespace in PREFIXES.items():
            if cell.value.startswith(namespace):
                return f"{prefix}:{cell.value[len(namespace) :]}"
        return cell.value
    if isinstance(cell, BlankNode):
        return f"_:{cell.value}"
    return cell.value


def table(variables: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    cells = [[short(c) for c in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def as_csv(variables: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(variables)
    writer.writerows([["" if c is None else c.value for c in row] for row in rows])
    return buffer.getvalue()


def as_json(variables: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    records = [
        {v: (None if c is None else c.value) for v, c in zip(variables, row, strict=True)} for row in rows
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
