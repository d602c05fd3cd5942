"""Strict reading of the curated CSV files: every problem names file, line and field.

A curator fixes data from these messages alone, so each error says what is wrong and what is
expected, and reading stops at nothing silently (no skipped rows, no guessed values).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cybertreaty.graph.errors import RowError

_SLUG = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^[0-9]{4}$")
_DOUBTS = ("unverified", "derived", "secondary", "contradicted")


@dataclass(frozen=True)
class Row:
    """One data row: its values by column, and where it stands so errors can point at it."""

    path: Path
    line: int
    values: dict[str, str]

    def error(self, field: str, reason: str) -> RowError:
        return RowError(str(self.path), self.line, field, reason)

    def get(self, field: str) -> str:
        return self.values[field].strip()

    def required(self, field: str) -> str:
        value = self.get(field)
        if not value:
            raise self.error(field, "is empty; this column is required")
        return value

    def slug(self, field: str) -> str:
        value = self.required(field)
        if not _SLUG.match(value):
            raise self.error(field, f"{value!r} is not an id (lower-case letters, digits, '-' or '.')")
        return value

    def iso3(self, field: str) -> str:
        value = self.required(field)
        if not _ISO3.match(value):
            raise self.error(field, f"{value!r} is not an ISO 3166-1 alpha-3 code (three capital letters)")
        return value

    def qid(self, field: str) -> str:
        value = self.required(field)
        if not _QID.match(value):
            raise self.error(field, f"{value!r} is not a Wikidata item id (Q followed by digits, e.g. Q881)")
        return value

    def choice(self, field: str, allowed: Sequence[str], *, optional: bool = False) -> str:
        value = self.get(field)
        if optional and not value:
            return ""
        if value not in allowed:
            raise self.error(field, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def integer(self, field: str, *, optional: bool = False) -> int | None:
        value = self.get(field)
        if optional and not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise self.error(field, f"{value!r} is not a whole number") from None
        if number < 0:
            raise self.error(field, f"{number} is negative")
        return number

    def boolean(self, field: str) -> bool:
        value = self.get(field)
        if value in ("", "false"):
            return False
        if value == "true":
            return True
        raise self.error(field, f"{value!r} is not 'true', 'false' or empty")

    def date(self, field: str, *, optional: bool = False) -> dt.date | None:
        value = self.get(field)
        if optional and not value:
            return None
        return self._exact_date(field, value)

    def when(self, field: str, *, optional: bool = False) -> When:
        """A date as precise as the source allows: a day, a month, a year, or 'unknown'."""
        value = self.get(field)
        if not value:
            if optional:
                return When("none", "")
            raise self.error(field, "is empty; write a date (YYYY-MM-DD, YYYY-MM, YYYY) or 'unknown'")
        if value == "unknown":
            return When("unknown", "")
        if _YEAR_MONTH.match(value):
            return When("month", value)
        if _YEAR.match(value):
            return When("year", value)
        return When("day", self._exact_date(field, value).isoformat())

    def doubt(self) -> str:
        return self.choice("doubt", _DOUBTS, optional=True)

    def ids(self, field: str) -> list[str]:
        """A space-separated list of ids (at least one)."""
        values = self.required(field).split()
        for value in values:
            if not _SLUG.match(value):
                raise self.error(field, f"{value!r} is not an id (lower-case letters, digits, '-' or '.')")
        if len(set(values)) != len(values):
            raise self.error(field, "names the same id twice")
        return values

    def _exact_date(self, field: str, value: str) -> dt.date:
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(field, f"{value!r} is not a date in the form YYYY-MM-DD") from None


@dataclass(frozen=True)
class When:
    """A parsed date column: precision is 'day', 'month', 'year', 'unknown' or 'none' (empty)."""

    precision: str
    value: str


def read_rows(path: Path, columns: Sequence[str]) -> Iterator[Row]:
    """Yield the rows of a CSV whose header must be exactly `columns` (order free)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RowError(str(path), 0, "", f"cannot be read: {exc.strerror}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise RowError(str(path), 1, "", "starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RowError(
            str(path), line, "", f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise RowError(str(path), 1, "", "is empty; it needs a header row") from None
    except csv.Error as exc:
        raise RowError(str(path), 1, "", f"has a malformed header: {exc}") from None
    _check_header(path, header, columns)
    yield from _rows(path, reader, header)


def _check_header(path: Path, header: list[str], columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if duplicated:
        problems.append(f"repeated columns: {', '.join(duplicated)}")
    if problems:
        expected = ",".join(columns)
        raise RowError(str(path), 1, "", f"header is wrong ({'; '.join(problems)}); expected {expected}")


def _rows(path: Path, reader: Iterator[list[str]], header: list[str]) -> Iterator[Row]:
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RowError(str(path), line + 1, "", f"is not valid CSV: {exc}") from None
        start = line + 1
        # csv.reader's line_num counts physical lines, so quoted newlines keep numbering right.
        line = reader.line_num  # type: ignore[attr-defined]
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise RowError(str(path), start, "", f"has {len(record)} fields but the header has {len(header)}")
        yield Row(path, start, dict(zip(header, record, strict=True)))
