"""Every check an imported row goes through, all problems collected.

In order, per row: its State columns resolve to a State in states.csv; the sources it cites exist
and have a URL; the build's own reader accepts it (ids, dates, choices, QIDs: the same code that
``cybertreaty build`` runs); its date is not in the future and, for a signature, inside the treaty's
signature window; a ratification, acceptance or approval follows a signature; and it does not
repeat a fact the same source already states. Rows that pass are accepted in turn, so a later row
may rely on an earlier one (a consent on a signature imported with it).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cybertreaty.curation.current import Current
from cybertreaty.curation.dates import Period, period
from cybertreaty.curation.errors import ImportRejected, Origin, Problem
from cybertreaty.curation.inputs import Candidate
from cybertreaty.curation.kinds import FILE_READERS, Kind
from cybertreaty.curation.resolve import Unresolved
from cybertreaty.curation.sources import NewSources
from cybertreaty.graph.claims import Claims, claim_notes
from cybertreaty.graph.csvrows import Row
from cybertreaty.graph.errors import RowError
from cybertreaty.graph.read_actions import ACTION_FILES, PLACEHOLDER

SIGNED_FIRST = ("ratification", "acceptance", "approval")  # consents that follow a signature
_ORDER = [name for name, _ in FILE_READERS] + [spec.name for spec in ACTION_FILES]


@dataclass(frozen=True)
class Addition:
    """A row that passed every check: what goes into which file, and where it came from."""

    kind: Kind
    values: dict[str, str]  # exactly the kind's columns, in its order
    origin: Origin
    node_prefix: str = ""  # IRI prefix of the action node it makes (to trace SHACL results back)

    @property
    def record(self) -> list[str]:
        return [self.values[c] for c in self.kind.columns]


def check_rows(candidates: Iterable[Candidate], current: Current, today: dt.date) -> list[Addition]:
    """The rows to add, or ImportRejected with every problem of every row."""
    sources = NewSources(current)
    problems: list[Problem] = []
    ready = []
    for row in candidates:
        found = resolve_states(row, current) + sources.take(row)
        if found:
            problems += found
        else:
            ready.append(row)
    # New sources first (rows cite them), then in build order (a consent after its signature).
    ready.sort(key=lambda row: _ORDER.index(row.kind.filename))
    with tempfile.TemporaryDirectory(prefix="cybertreaty-check-") as scratch:
        checker = _Checker(current, today, Path(scratch))
        for row in [*sources.candidates(), *ready]:
            problems += checker.check(row)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.file, p.line, p.item)))
    return checker.additions


def resolve_states(row: Candidate, current: Current) -> list[Problem]:
    """Write the ISO3 code of the State each State column names (by code, name or QID)."""
    problems = []
    columns = [(c, False) for c in row.kind.state_columns] + [(c, True) for c in row.kind.actor_columns]
    for column, organisations in columns:
        value = row.values.get(column, "").strip()
        if not value:
            continue  # the reader says whether it may be empty
        try:
            resolve = current.resolver.actor if organisations else current.resolver.state
            row.values[column] = resolve(value)
        except Unresolved as exc:
            problems.append(row.problem(column, exc.reason))
    return problems


class _Checker:
    def __init__(self, current: Current, today: dt.date, scratch: Path) -> None:
        self.current = current
        self.registry = current.registry_copy()
        self.today = today
        self.scratch = scratch
        self.additions: list[Addition] = []
        self.facts: dict[str, list[tuple[tuple[str, ...], set[str], str]]] = {}
        self.signed: dict[tuple[str, str], list[str]] = {}  # (actor, instrument) -> signature dates
        self.urls: dict[str, str] = {}  # source URL -> "'id' (where)"
        self.failed_sources: set[str] = set()
        for filename, rows in current.rows.items():
            kind = current.kinds[filename.removesuffix(".csv")]
            for existing in rows:
                self._remember(kind, existing.values, f"{filename}:{existing.line}")
        self.windows = signature_windows(current.rows["instrument_facts.csv"])

    def check(self, row: Candidate) -> list[Problem]:
        if self.failed_sources & set(row.values.get("sources", "").split()):
            return []  # its new source was refused, and that problem is already reported
        problems = self._cited_sources(row)
        if problems:
            return problems
        prefix, error = self._read(row)
        if error is not None:
            if row.kind.filename == "sources.csv":
                self.failed_sources.add(row.values.get("id", ""))
            return [error]
        problems = [*self._dates(row), *self._signed_first(row), *self._duplicate(row)]
        if not problems:
            values = {c: row.values.get(c, "") for c in row.kind.columns}
            self._remember(row.kind, values, str(row.origin))
            self.additions.append(Addition(row.kind, values, row.origin, prefix))
        return problems

    def _cited_sources(self, row: Candidate) -> list[Problem]:
        if not row.kind.cites_sources:
            return []
        ids = row.values.get("sources", "").split()
        if not ids:
            reason = "is empty; every row cites a source: ids from sources.csv, or a new one with source_url"
            return [row.problem("sources", reason)]
        problems = []
        for source_id in ids:
            if source_id not in self.registry.sources:
                reason = (
                    f"{source_id!r} is not an id in sources.csv: cite an existing source, or add it with "
                    "source_url, source_title and source_kind"
                )
                problems.append(row.problem("sources", reason))
        return problems

    def _read(self, row: Candidate) -> tuple[str, Problem | None]:
        """Run the build's reader on the row; returns the node prefix of an action row."""
        try:
            if row.kind.action is not None:
                return self._read_action(row), None
            self._read_file_row(row)
        except RowError as exc:
            return "", row.problem(exc.field, exc.reason)
        return "", None

    def _read_action(self, row: Candidate) -> str:
        assert row.kind.action is not None
        parsed = Row(
            Path(row.origin.file), row.origin.line, {c: row.values.get(c, "") for c in row.kind.columns}
        )
        action = row.kind.action.parse(self.registry, parsed)
        claim_notes(PLACEHOLDER, parsed, self.registry)  # sources, doubt
        node = self.current.iris.action(
            action.kind, parsed.get("actor"), parsed.get("instrument"), action.qualifier
        )
        return node.value

    def _read_file_row(self, row: Candidate) -> None:
        """Registry and fact files are read whole by the build: read a file of just this row."""
        path = self.scratch / row.kind.filename
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(row.kind.columns)
            writer.writerow([row.values.get(c, "") for c in row.kind.columns])
        if row.kind.filename == "sources.csv":
            self._unique_url(row)
        assert row.kind.reader is not None
        row.kind.reader(path, self.registry, Claims(self.current.iris))

    def _unique_url(self, row: Candidate) -> None:
        url = row.values.get("url", "")
        if url in self.urls:
            raise RowError("", 0, "url", f"is already the URL of source {self.urls[url]}")

    def _dates(self, row: Candidate) -> list[Problem]:
        column = "as_of" if row.kind.filename == "non_signatures.csv" else "date"
        if row.kind.action is None or not row.values.get(column):
            return []
        when = period(row.values[column])
        if when is None:
            return []
        if when.start > self.today:
            return [row.problem(column, f"{row.values[column]} is in the future (today is {self.today})")]
        if row.kind.filename == "signatures.csv":
            return self._in_window(row, when)
        return []

    def _in_window(self, row: Candidate, when: Period) -> list[Problem]:
        instrument = row.values["instrument"]
        opens, closes = self.windows.get(instrument, (None, None))
        if (opens and when.end < opens) or (closes and when.start > closes):
            window = f"opened {opens or 'on an unknown date'}, closes {closes or 'never'}"
            reason = (
                f"{row.values['date']} is outside the signature window of {instrument} ({window}); "
                "after it closes a State can only accede"
            )
            return [row.problem("date", reason)]
        return []

    def _signed_first(self, row: Candidate) -> list[Problem]:
        """A consent never precedes a signature, and a ratification needs one (SHACL says so too)."""
        if row.kind.filename != "consents.csv" or row.values.get("doubt") == "contradicted":
            return []
        kind, actor, instrument = row.values["type"], row.values["actor"], row.values["instrument"]
        signed = self.signed.get((actor, instrument))
        if not signed:
            if kind not in SIGNED_FIRST:
                return []
            reason = (
                f"{kind} of {instrument} by {actor}, but signatures.csv has no signature of it: add the "
                "signature with its source (first, or in the same import), or record an accession"
            )
            return [row.problem("type", reason)]
        consented = row.values["date"]
        for signature in signed:
            n = min(len(consented), len(signature))
            if period(consented) and period(signature) and consented[:n] < signature[:n]:
                reason = f"{consented} is before the signature of {instrument} by {actor} on {signature}"
                return [row.problem("date", reason)]
        return []

    def _duplicate(self, row: Candidate) -> list[Problem]:
        if not row.kind.cites_sources:
            return []
        key = row.kind.fact_key(row.values)
        cited = set(row.values["sources"].split())
        for other_key, other_sources, where in self.facts.get(row.kind.filename, []):
            shared = cited & other_sources
            if other_key == key and shared:
                reason = (
                    f"duplicates {where}: the same fact from the same source ({', '.join(sorted(shared))})"
                )
                return [row.problem("row", reason)]
        return []

    def _remember(self, kind: Kind, values: dict[str, str], where: str) -> None:
        if kind.filename == "sources.csv" and values.get("url", "").strip():
            self.urls[values["url"].strip()] = f"{values['id'].strip()!r} ({where})"
        if kind.cites_sources:
            sources = set(values.get("sources", "").split())
            self.facts.setdefault(kind.filename, []).append((kind.fact_key(values), sources, where))
        if kind.filename == "signatures.csv" and values.get("doubt", "").strip() != "contradicted":
            key = (values["actor"].strip(), values["instrument"].strip())
            self.signed.setdefault(key, []).append(values["date"].strip())


def signature_windows(facts: list[Row]) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Per instrument: the latest opening and earliest closing date its sources give."""
    opens: dict[str, dt.date] = {}
    closes: dict[str, dt.date] = {}
    for row in facts:
        if row.get("doubt") == "contradicted":
            continue
        prop, instrument = row.get("property"), row.get("instrument")
        if prop == "opened_for_signature_on":
            day = dt.date.fromisoformat(row.get("value"))
            opens[instrument] = max(day, opens.get(instrument, day))
        elif prop == "signature_closes_on":
            day = dt.date.fromisoformat(row.get("value"))
            closes[instrument] = min(day, closes.get(instrument, day))
    return {i: (opens.get(i), closes.get(i)) for i in {*opens, *closes}}
