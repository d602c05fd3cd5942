"""What a Wikidata-shaped SPARQL endpoint says about our entities, set against what we say.

Three checks, each asking the endpoint only about items we link to:
- the signatories (P1891) and parties (P6193) of each treaty that has a Wikidata item, with dates;
- "member of" (P463) between our States and the organisations we record memberships of (the UN is
  left out: we model UN membership as a class, not as org:Membership rows);
- the ISO 3166-1 codes (P297, P298) of our States.

Each difference is a ``Finding``: missing there (we state it, Wikidata does not), missing here
(Wikidata states it, we do not), or a conflict (both state it and disagree: another date at our
precision, or another code).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field, replace

import pyoxigraph as ox

from cybertreaty.graph.store import Store
from cybertreaty.graph.wikidata import client, queries
from cybertreaty.graph.wikidata.shape import WD, Item, Statement, Time, statements, value_key
from cybertreaty.graph.wikidata.source import Source, as_source

PROPERTY_LABELS = {
    "P1891": "signatory",
    "P6193": "ratified by",
    "P463": "member of",
    "P297": "ISO 3166-1 alpha-2",
    "P298": "ISO 3166-1 alpha-3",
    "P585": "point in time",
    "P580": "start time",
    "P582": "end time",
}
TREATY_PROPERTIES = ("P1891", "P6193")
CODE_PROPERTIES = ("P297", "P298")
KINDS = ("missing-there", "missing-here", "conflict")
_SECTIONS = {"missing-there": "missing_there", "missing-here": "missing_here", "conflict": "conflicts"}


@dataclass(frozen=True, order=True)
class Finding:
    kind: str  # one of KINDS
    subject: str  # QID
    property: str  # PID
    value: str  # QID or literal
    subject_label: str = ""
    value_label: str = ""
    ours: str = ""  # what we state (qualifiers, or the code), when it helps to see it
    theirs: str = ""


@dataclass(frozen=True)
class Comparison:
    endpoint: str
    findings: tuple[Finding, ...]
    agreed: int  # statements both sides make alike
    # (subject, property, value) of our statements that Wikidata already makes, alike or not.
    present_there: frozenset[tuple[str, str, str]] = field(default=frozenset(), repr=False)

    def of_kind(self, kind: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == kind)

    def summary(self) -> dict[str, int]:
        return {"agreed": self.agreed, **{_SECTIONS[kind]: len(self.of_kind(kind)) for kind in KINDS}}

    def as_json(self) -> str:
        body = {
            "endpoint": self.endpoint,
            "summary": self.summary(),
            **{_SECTIONS[kind]: self._dicts(kind) for kind in KINDS},
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"

    def _dicts(self, kind: str) -> list[dict[str, str]]:
        return [{k: v for k, v in asdict(f).items() if k != "kind"} for f in self.of_kind(kind)]

    def as_table(self) -> str:
        header = ("finding", "subject", "property", "value", "ours", "theirs")
        rows = [
            (
                f.kind,
                _named(f.subject, f.subject_label),
                _named(f.property, PROPERTY_LABELS.get(f.property, "")),
                _named(f.value, f.value_label),
                f.ours,
                f.theirs,
            )
            for f in self.findings
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [_line(row, widths) for row in [header, tuple("-" * w for w in widths), *rows]]
        counts = self.summary()
        tail = (
            f"{counts['agreed']} agreed, {counts['missing_there']} missing there, "
            f"{counts['missing_here']} missing here, {counts['conflicts']} in conflict ({self.endpoint})"
        )
        return "\n".join([*lines, tail]) + "\n"


def _line(cells: Iterable[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()


def _named(identifier: str, label: str) -> str:
    return f"{identifier} ({label})" if label else identifier


@dataclass(frozen=True)
class Ours:
    """Our side: the entities linked to Wikidata items and our statements about them."""

    labels: dict[str, str]  # QID -> our label
    kinds: dict[str, str]  # QID -> State, Organisation or Treaty
    scope: frozenset[str] | None  # the actors (QIDs) asked about; None: all of them
    statements: list[Statement]

    def of_kind(self, *kinds: str) -> list[str]:
        return sorted(q for q, kind in self.kinds.items() if kind in kinds)

    def actors(self, *kinds: str) -> list[str]:
        """Linked actors of these kinds that are in scope."""
        return [q for q in self.of_kind(*kinds) if self.scope is None or q in self.scope]


Ask = Callable[[str], list[dict[str, str]]]
Outcome = tuple[list[Finding], int, set[tuple[str, str, str]]]  # findings, agreed, present there
Facts = dict[tuple[str, str, str], list[dict[str, str]]]  # (subject, property, value) -> qualifier sets


def compare(
    endpoint: str,
    graph: ox.Store | Store | Source,
    *,
    actors: Collection[str] | None = None,
    policy: client.RetryPolicy = client.DEFAULT_POLICY,
    sleep: client.Sleep | None = None,
) -> Comparison:
    """Compare our graph with the endpoint; ``actors`` (ISO3 codes, organisation ids) narrows the
    States and signatories looked at (ValueError for an id that is not linked to an item)."""
    ours = _ours(as_source(graph), actors)

    def ask(sparql: str) -> list[dict[str, str]]:
        return client.select(endpoint, sparql, policy=policy, sleep=sleep)

    findings: list[Finding] = []
    agreed, present = 0, set()
    for check in (_treaty_parties, _memberships, _codes):
        found, same, there = check(ours, ask)
        findings += found
        agreed += same
        present |= there
    labelled = [_label(f, ours.labels) for f in findings]
    labelled.sort(key=lambda f: (KINDS.index(f.kind), f))
    return Comparison(endpoint, tuple(labelled), agreed, frozenset(present))


def _ours(source: Source, actors: Collection[str] | None) -> Ours:
    labels, kinds, scope, seen = {}, {}, set(), set()
    for row in source.rows(queries.load("linked-items").sparql):
        qid = row["item"].value.removeprefix(WD)
        labels[qid], kinds[qid] = row["label"].value, row["kind"].value
        seen.add(row["id"].value)
        if actors is not None and row["id"].value in actors:
            scope.add(qid)
    unknown = sorted(set(actors or ()) - seen)
    if unknown:
        raise ValueError(f"not a State or organisation linked to a Wikidata item: {', '.join(unknown)}")
    ours = Ours(labels, kinds, frozenset(scope) if actors is not None else None, [])
    mapped = statements(source, ("signatory", "ratified-by", "member-of", "iso-codes"))
    return replace(ours, statements=[s for s in mapped if _comparable(s, ours)])


def _comparable(statement: Statement, ours: Ours) -> bool:
    """Both ends linked to an item, and the actor (the signatory, party or member State) in scope."""
    value = statement.value.qid if isinstance(statement.value, Item) else None
    subject = statement.subject.qid
    if statement.pid in TREATY_PROPERTIES:
        return subject in ours.kinds and value in ours.actors("State", "Organisation")
    if statement.pid == "P463":
        return subject in ours.actors("State") and value in ours.kinds
    return subject in ours.actors("State")


def _treaty_parties(ours: Ours, ask: Ask) -> Outcome:
    treaties = ours.of_kind("Treaty")
    if not treaties:
        return [], 0, set()
    sparql = client.with_values(queries.load("remote-treaty-parties").sparql, "subject", treaties)
    theirs = _facts(ask(sparql), lambda row: {"P585": row["time"]} if "time" in row else {})
    if ours.scope is not None:  # a narrowed comparison reports only the actors it was asked about
        theirs = {key: found for key, found in theirs.items() if key[2] in ours.scope}
    return _multi([s for s in ours.statements if s.pid in TREATY_PROPERTIES], theirs)


def _memberships(ours: Ours, ask: Ask) -> Outcome:
    mine = [s for s in ours.statements if s.pid == "P463"]
    groupings = sorted({value_key(s.value) for s in mine})
    states = ours.actors("State")
    if not groupings or not states:
        return [], 0, set()
    sparql = queries.load("remote-memberships").sparql
    sparql = client.with_values(client.with_values(sparql, "subject", states), "value", groupings)
    rows = [{**row, "property": "P463"} for row in ask(sparql)]
    theirs = _facts(
        rows, lambda row: {p: row[v] for p, v in (("P580", "start"), ("P582", "end")) if v in row}
    )
    return _multi(mine, theirs)


def _codes(ours: Ours, ask: Ask) -> Outcome:
    states = ours.actors("State")
    if not states:
        return [], 0, set()
    sparql = client.with_values(queries.load("remote-iso-codes").sparql, "subject", states)
    theirs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in ask(sparql):
        theirs[(_qid(row["subject"]), row["property"])].add(row["value"])
    mine: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in ours.statements:
        if s.pid in CODE_PROPERTIES:
            mine[(value_key(s.subject), s.pid)].add(value_key(s.value))
    return _single(mine, theirs)


def _facts(rows: Iterable[dict[str, str]], qualifiers: Callable[[dict[str, str]], dict[str, str]]) -> Facts:
    facts: Facts = defaultdict(list)
    for row in rows:
        facts[(_qid(row["subject"]), row["property"], _qid(row["value"]))].append(qualifiers(row))
    return facts


def _multi(mine: list[Statement], theirs: Facts) -> Outcome:
    """Properties with many values: compare value by value, then the dates of shared values."""
    findings, agreed, present = [], 0, set()
    by_key = {s.key: s for s in mine}
    for key, statement in by_key.items():
        if key not in theirs:
            findings.append(_finding("missing-there", key, _qualifiers(statement)))
            continue
        present.add(key)
        clash = _date_clash(statement, theirs[key])
        if clash:
            findings.append(_finding("conflict", key, _qualifiers(statement), clash))
        else:
            agreed += 1
    for key, qualifier_sets in theirs.items():
        if key not in by_key:
            shown = "; ".join(sorted(_shown(q) for q in qualifier_sets if q))
            findings.append(_finding("missing-here", key, "", shown))
    return findings, agreed, present


def _date_clash(statement: Statement, qualifier_sets: list[dict[str, str]]) -> str:
    """Their dates, if no statement of theirs agrees with ours on every date both give."""
    ours = {pid: value for pid, value in statement.qualifiers if isinstance(value, Time)}

    def agrees(theirs: dict[str, str]) -> bool:
        return all(pid not in theirs or when.agrees_with(theirs[pid]) for pid, when in ours.items())

    if not ours or any(agrees(q) for q in qualifier_sets):
        return ""
    return "; ".join(sorted(_shown(q) for q in qualifier_sets))


def _single(mine: dict[tuple[str, str], set[str]], theirs: dict[tuple[str, str], set[str]]) -> Outcome:
    """Properties with one value (codes): a different value is a conflict, not two findings."""
    findings, agreed, present = [], 0, set()
    for (subject, pid), values in sorted(mine.items()):
        other = theirs.get((subject, pid), set())
        present |= {(subject, pid, v) for v in values} if other else set()
        if not other:
            findings += [_finding("missing-there", (subject, pid, v), v) for v in sorted(values)]
        elif other == values:
            agreed += len(values)
        else:
            for value in sorted(values):
                findings.append(_finding("conflict", (subject, pid, value), value, ", ".join(sorted(other))))
    return findings, agreed, present


def _qualifiers(statement: Statement) -> str:
    return ", ".join(f"{PROPERTY_LABELS.get(p, p)} {value_key(v)}" for p, v in statement.qualifiers)


def _shown(qualifiers: dict[str, str]) -> str:
    """Their qualifiers for reading: dates cut to the day (Wikidata stores them as dateTimes)."""
    return ", ".join(
        f"{PROPERTY_LABELS.get(p, p)} {v.lstrip('+')[:10]}" for p, v in sorted(qualifiers.items())
    )


def _finding(kind: str, key: tuple[str, str, str], ours: str = "", theirs: str = "") -> Finding:
    return Finding(kind, key[0], key[1], key[2], ours=ours, theirs=theirs)


def _qid(value: str) -> str:
    return value.removeprefix(WD)


def _label(finding: Finding, labels: dict[str, str]) -> Finding:
    return Finding(
        finding.kind,
        finding.subject,
        finding.property,
        finding.value,
        labels.get(finding.subject, ""),
        labels.get(finding.value, ""),
        finding.ours,
        finding.theirs,
    )
