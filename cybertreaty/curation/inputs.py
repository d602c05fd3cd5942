"""Reading what a curator imports: size-limited, then CSV or a JSON list of rows, strictly.

Every problem that makes a file unreadable is an :class:`InputRejected` naming file, line and
reason; nothing is guessed (no encoding sniffing, no BOM stripping, no column renaming).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cybertreaty.curation.errors import InputRejected, InputTooLarge, Origin, Problem
from cybertreaty.curation.kinds import Kind, closest, detect, lookup

MAX_INPUT_BYTES = 10_000_000
STDIN = "-"

# A row may add a source document that sources.csv does not have yet (see curation/sources.py).
SOURCE_COLUMNS = (
    "source_url",
    "source_title",
    "source_publisher",
    "source_kind",
    "source_published",
    "source_retrieved",
)

RDF_EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld"}
FORMATS = ("csv", "json", "turtle", "ntriples", "nquads", "trig", "json-ld")


@dataclass
class Candidate:
    """A row an import proposes to add, before its checks: values by column, and its origin."""

    kind: Kind
    origin: Origin
    values: dict[str, str]
    # For rows made from other columns (a new source from source_*): reader field -> input field.
    renamed: dict[str, str] = field(default_factory=dict)

    def problem(self, column: str, reason: str) -> Problem:
        return self.origin.problem(self.renamed.get(column, column), reason)


def read_limited(name: str, *, stdin: BinaryIO | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``name`` (``-``: standard input), refusing more than ``limit`` bytes.

    A file's size is checked with stat() before it is opened, so a huge file is never read.
    """
    if name == STDIN:
        data = (stdin or _stdin()).read(limit + 1)
        if len(data) > limit:
            raise InputTooLarge(Problem(name, 0, "", _too_large(limit, "more than that")))
        return data
    path = Path(name)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputTooLarge(Problem(name, 0, "", _too_large(limit, f"{size} bytes")))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputRejected(Problem(name, 0, "", f"cannot be read: {exc.strerror or exc}")) from None
    if len(data) > limit:  # it grew since stat()
        raise InputTooLarge(Problem(name, 0, "", _too_large(limit, "more than that")))
    return data


def _stdin() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def _too_large(limit: int, size: str) -> str:
    return f"is too large ({size}); the limit is {limit} bytes ({limit // 1_000_000} MB): split it"


def format_of(name: str, data: bytes, explicit: str | None) -> str:
    """The input format: explicit, else by extension; ``.json`` is a list of rows unless it is JSON-LD."""
    if explicit is not None:
        return explicit
    suffix = os.path.splitext(name)[1].lower()
    if suffix == ".csv":
        return "csv"
    if suffix in RDF_EXTENSIONS:
        return RDF_EXTENSIONS[suffix]
    if suffix == ".json":
        return "json-ld" if _looks_like_json_ld(data) else "json"
    known = ", ".join([".csv", ".json", *RDF_EXTENSIONS])
    raise InputRejected(
        Problem(
            name, 0, "", f"cannot tell the format from {suffix or 'no extension'!r}: use {known} or --format"
        )
    )


def _looks_like_json_ld(data: bytes) -> bool:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False  # reported as malformed JSON by the row reader
    if isinstance(document, dict):
        return True
    return isinstance(document, list) and any(
        isinstance(item, dict) and any(key.startswith("@") for key in item) for item in document
    )


# --- CSV ----------------------------------------------------------------------------------------


def decode(name: str, raw: bytes) -> str:
    """UTF-8 text without a BOM, as data/README.md requires."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputRejected(
            Problem(name, 1, "", "starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputRejected(
            Problem(name, line, "", f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8")
        ) from None


def csv_records(name: str, raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and every record with the line it starts on; blank lines are skipped."""
    reader = csv.reader(io.StringIO(decode(name, raw), newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise InputRejected(Problem(name, 1, "", "is empty; it needs a header row")) from None
    except csv.Error as exc:
        raise InputRejected(Problem(name, 1, "", f"has a malformed header: {exc}")) from None
    return header, list(_records(name, reader, header))


def _records(name: str, reader: Iterator[list[str]], header: list[str]) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        start = line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            hint = " (a quote is opened and never closed)" if "unexpected end of data" in str(exc) else ""
            raise InputRejected(Problem(name, start, "", f"is not valid CSV: {exc}{hint}")) from None
        line = reader.line_num  # type: ignore[attr-defined]  # physical lines, so quoted newlines count
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            reason = f"has {len(record)} fields but the header has {len(header)}"
            raise InputRejected(Problem(name, start, "", reason))
        for column, cell in zip(header, record, strict=True):
            if "\n" in cell or "\r" in cell:
                reason = (
                    "has a line break inside quotes; data/ keeps one row per line, so write it on one line"
                )
                raise InputRejected(Problem(name, start, column, reason))
        yield start, record


def csv_candidates(name: str, raw: bytes, kinds: dict[str, Kind], kind_name: str | None) -> list[Candidate]:
    header, records = csv_records(name, raw)
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise InputRejected(Problem(name, 1, "", f"header repeats columns: {', '.join(repeated)}"))
    kind = choose_kind(name, header, kinds, kind_name, exact=True, what="header")
    return [
        Candidate(kind, Origin(name, line), {c: v.strip() for c, v in zip(header, record, strict=True)})
        for line, record in records
    ]


def choose_kind(
    name: str, columns: list[str], kinds: dict[str, Kind], kind_name: str | None, *, exact: bool, what: str
) -> Kind:
    """The kind named by --kind, or the one whose columns the input has; else a header error.

    ``exact``: every column of the kind must be present (CSV); otherwise absent ones are empty.
    ``what`` names the columns in messages: the CSV "header" or the JSON objects' "keys".
    """
    fact_columns = [c for c in columns if c not in SOURCE_COLUMNS]
    if kind_name is not None:
        kind = lookup(kind_name, kinds)
        if kind is None:
            raise InputRejected(
                Problem(name, 0, "", f"unknown kind {kind_name!r}: use one of {', '.join(kinds)}")
            )
    else:
        found = detect(fact_columns, kinds)
        if found is None:
            best, missing, unknown = closest(fact_columns, kinds)
            matches = "matches" if what == "header" else "match"
            reason = (
                f"{what} {matches} no file of data/; closest is {best.filename} "
                f"({_differences(missing, unknown)}): fix the {what} or give --kind"
            )
            raise InputRejected(Problem(name, 1, "", reason))
        kind = found
    missing = [c for c in kind.columns if c not in fact_columns] if exact else []
    unknown = [c for c in fact_columns if c not in kind.columns]
    if missing or unknown:
        expected = ",".join(kind.columns)
        verb = "is" if what == "header" else "are"
        reason = (
            f"{what} {verb} wrong for {kind.filename} ({_differences(missing, unknown)}); expected {expected}"
        )
        raise InputRejected(Problem(name, 1, "", reason))
    return kind


def _differences(missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown columns: {', '.join(unknown)}")
    return "; ".join(parts)


# --- JSON rows -----------------------------------------------------------------------------------


def json_candidates(name: str, raw: bytes, kinds: dict[str, Kind], kind_name: str | None) -> list[Candidate]:
    """A JSON array of objects with the columns of one data/ file as keys."""
    items = json_items(name, decode(name, raw))
    columns = list(dict.fromkeys(key for _, item in items for key in item))
    kind = choose_kind(name, columns, kinds, kind_name, exact=False, what="keys")
    candidates = []
    for line, item in items:
        origin = Origin(name, line)
        values = {c: "" for c in kind.columns}
        values.update({key: _cell(origin, key, value) for key, value in item.items()})
        candidates.append(Candidate(kind, origin, values))
    return candidates


def json_items(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a top-level JSON array, each with the line it starts on."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"is not valid JSON: {exc.msg} (column {exc.colno})"
        raise InputRejected(Problem(name, exc.lineno, "", reason)) from None
    if not isinstance(document, list):
        raise InputRejected(Problem(name, 1, "", "must be a JSON array of objects, one per row"))
    decoder = json.JSONDecoder()
    items, index = [], text.index("[") + 1
    for expected in document:
        index = _skip(text, index, ",")
        item, end = decoder.raw_decode(text, index)
        assert item == expected
        line = text.count("\n", 0, index) + 1
        if not isinstance(item, dict):
            raise InputRejected(Problem(name, line, "", "is not a JSON object; each row is an object"))
        items.append((line, item))
        index = end
    return items


def _skip(text: str, index: int, separator: str) -> int:
    while text[index].isspace() or text[index] == separator:
        index += 1
    return index


def _cell(origin: Origin, key: str, value: Any) -> str:
    """A JSON value as CSV text: strings as they are, true/false, integers, lists of ids joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value).strip()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " ".join(v.strip() for v in value)
    raise InputRejected(
        origin.problem(key, f"{json.dumps(value)} is not text, a number, true/false or a list of ids")
    )
