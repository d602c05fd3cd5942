"""The kinds of row an import can add: one per file of data/, with the build's own reader.

A kind's columns are the header of its file in data/ (the contract data/README.md describes), so
this table never repeats them. Each row is checked with the very reader ``cybertreaty build``
uses, which is how imports and builds share one set of checks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cybertreaty.graph import build
from cybertreaty.graph.claims import Claims, Registry
from cybertreaty.graph.read_actions import ACTION_FILES, ActionFile

Reader = Callable[[Path, Registry, Claims], None]

# The files that define ids or facts read one file at a time, in the order the build reads them.
FILE_READERS: tuple[tuple[str, Reader], ...] = build.FILE_READERS

# Columns naming a State (or, for ACTOR_COLUMNS, a State or an organisation): an import accepts a
# State there by ISO code, name or Wikidata QID and writes its ISO3 code.
STATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "memberships.csv": ("member",),
    "votes.csv": ("actor",),
    "engagements.csv": ("invitee",),
}
ACTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "wikidata_links.csv": ("entity",),
    "signatures.csv": ("actor",),
    "consents.csv": ("actor",),
    "domestic_steps.csv": ("actor",),
    "non_signatures.csv": ("actor",),
    "sponsorships.csv": ("actor",),
    "engagements.csv": ("actor",),
    "positions.csv": ("actor", "on_behalf_of"),
}

# Columns that describe the claim rather than the fact: rows differing only there state one fact.
ANNOTATIONS = ("sources", "quote", "doubt", "note")


@dataclass(frozen=True)
class Kind:
    """One file of data/: its columns and how the build reads a row of it."""

    filename: str
    columns: tuple[str, ...]
    reader: Reader | None = None  # files read whole by the build (registry and fact files)
    action: ActionFile | None = None  # action files, whose rows the build parses one by one

    @property
    def name(self) -> str:
        return self.filename.removesuffix(".csv")

    @property
    def state_columns(self) -> tuple[str, ...]:
        return STATE_COLUMNS.get(self.filename, ())

    @property
    def actor_columns(self) -> tuple[str, ...]:
        return ACTOR_COLUMNS.get(self.filename, ())

    @property
    def cites_sources(self) -> bool:
        return "sources" in self.columns

    def fact_key(self, values: dict[str, str]) -> tuple[str, ...]:
        """The fact a row states, without who states it: two rows with one key say the same."""
        return tuple(_same(values.get(c, "")) for c in self.columns if c not in ANNOTATIONS)


def _same(value: str) -> str:
    # An empty flag and 'false' mean the same (csvrows.Row.boolean).
    value = value.strip()
    return "" if value == "false" else value


def catalog(data_dir: Path) -> dict[str, Kind]:
    """Every kind of data/, by name ("signatures"), with the columns of its file's header."""
    kinds: dict[str, Kind] = {}
    for filename, reader in FILE_READERS:
        kinds[filename.removesuffix(".csv")] = Kind(filename, header_of(data_dir / filename), reader=reader)
    for spec in ACTION_FILES:
        kinds[spec.name.removesuffix(".csv")] = Kind(spec.name, header_of(data_dir / spec.name), action=spec)
    return kinds


def header_of(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle), []))


def detect(columns: Iterable[str], kinds: dict[str, Kind]) -> Kind | None:
    """The kind whose columns are exactly ``columns`` (in any order), if one is."""
    wanted = set(columns)
    return next((k for k in kinds.values() if set(k.columns) == wanted), None)


def closest(columns: Iterable[str], kinds: dict[str, Kind]) -> tuple[Kind, list[str], list[str]]:
    """The kind sharing most columns with ``columns``, with the columns missing and unknown."""
    wanted = list(columns)
    best = max(kinds.values(), key=lambda k: (len(set(k.columns) & set(wanted)), -len(k.columns)))
    missing = [c for c in best.columns if c not in wanted]
    unknown = [c for c in wanted if c not in best.columns]
    return best, missing, unknown


def lookup(name: str, kinds: dict[str, Kind]) -> Kind | None:
    """A kind by name, with or without ``.csv`` (``consents``, ``consents.csv``)."""
    return kinds.get(name.removesuffix(".csv"))
