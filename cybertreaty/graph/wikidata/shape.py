"""Our data in Wikidata's statement shape: the CONSTRUCTs of ``queries/`` read back into values.

The CONSTRUCTs produce Wikibase RDF (``p:``/``ps:``/``pq:``/``pqv:``, ``prov:wasDerivedFrom``,
``pr:``). An entity without a Wikidata item keeps our IRI there, so the exporter can see which
items it has to create. This module reads that RDF into ``Statement`` values that the exporter
and the comparison share.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from cybertreaty.graph.wikidata import queries
from cybertreaty.graph.wikidata.source import Source

WD = "http://www.wikidata.org/entity/"
P = "http://www.wikidata.org/prop/"
PS = P + "statement/"
PQ = P + "qualifier/"
PQV = P + "qualifier/value/"
PR = P + "reference/"
WIKIBASE = "http://wikiba.se/ontology#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

QID = re.compile(r"Q[1-9][0-9]*")
_CLAIM = re.compile(re.escape(P) + r"(P[1-9][0-9]*)")

# Precision codes of Wikibase time values, and how many characters of an ISO date they keep.
DAY, MONTH, YEAR = 11, 10, 9
_DATE_CHARS = {DAY: 10, MONTH: 7, YEAR: 4}


@dataclass(frozen=True, order=True)
class Item:
    """A Wikidata item, or one of our entities that has none yet (then ``qid`` is None)."""

    iri: str

    @property
    def qid(self) -> str | None:
        local = self.iri.removeprefix(WD)
        return local if local != self.iri and QID.fullmatch(local) else None


@dataclass(frozen=True, order=True)
class Time:
    """A date at day, month or year precision; ``text`` holds only the known part (``2025-10``)."""

    text: str
    precision: int

    @classmethod
    def from_datetime(cls, value: str, precision: int) -> Time:
        if precision not in _DATE_CHARS:
            raise ValueError(f"unsupported time precision {precision} (day 11, month 10, year 9)")
        return cls(value.lstrip("+")[: _DATE_CHARS[precision]], precision)

    def agrees_with(self, other_datetime: str) -> bool:
        """Whether another time (an xsd:dateTime, e.g. from Wikidata) says the same at our precision."""
        return other_datetime.lstrip("+")[: len(self.text)] == self.text


Value = Item | Time | str
Node = ox.NamedNode | ox.BlankNode | ox.Literal
Graph = dict[str, dict[str, list[Node]]]  # subject (N-Triples form) -> predicate IRI -> objects


def value_key(value: Value) -> str:
    """A value as one string: the QID or IRI of an item, the date of a time, a literal as is."""
    if isinstance(value, Item):
        return value.qid or value.iri
    if isinstance(value, Time):
        return value.text
    return value


@dataclass(frozen=True, order=True)
class Reference:
    url: str
    retrieved: Time | None = None


@dataclass(frozen=True)
class Statement:
    subject: Item
    pid: str  # the property, e.g. "P1891"
    value: Value
    qualifiers: tuple[tuple[str, Value], ...] = ()
    references: tuple[Reference, ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (value_key(self.subject), self.pid, value_key(self.value))

    def sort_key(self) -> tuple[str, int, str, str]:
        qualifiers = " ".join(f"{p}={value_key(v)}" for p, v in self.qualifiers)
        return (value_key(self.subject), int(self.pid[1:]), value_key(self.value), qualifiers)


def statements(source: Source, mappings: Sequence[str] = queries.MAPPINGS) -> list[Statement]:
    """Every statement the named mappings produce, dominated duplicates dropped, in a stable order."""
    found: list[Statement] = []
    for name in mappings:
        found += read_statements(source.triples(queries.load(name).sparql))
    return sorted(drop_dominated(found), key=Statement.sort_key)


def read_statements(triples: Iterable[ox.Triple]) -> list[Statement]:
    """The statements in Wikibase RDF: each ``?subject p:Pn ?statement`` with its parts."""
    graph: Graph = defaultdict(lambda: defaultdict(list))
    claims: list[tuple[str, str, str]] = []
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode | ox.BlankNode) or isinstance(obj, ox.Triple):
            continue
        graph[str(subject)][predicate].append(obj)
        claim = _CLAIM.fullmatch(predicate)
        if claim and isinstance(subject, ox.NamedNode):
            claims.append((subject.value, claim[1], str(obj)))
    return [_statement(graph, subject, pid, node) for subject, pid, node in sorted(set(claims))]


def _statement(graph: Graph, subject: str, pid: str, node: str) -> Statement:
    parts = graph[node]
    values = parts.get(PS + pid)
    if not values:
        raise ValueError(f"statement {node} has no ps:{pid} value")
    qualifiers = sorted(
        (predicate.removeprefix(PQ), _value(graph, obj, parts.get(PQV + predicate.removeprefix(PQ), [])))
        for predicate, objects in parts.items()
        if predicate.startswith(PQ) and not predicate.startswith(PQV)
        for obj in objects
    )
    references = sorted({_reference(graph[str(ref)]) for ref in parts.get(PROV_DERIVED, [])})
    return Statement(Item(subject), pid, _value(graph, values[0], []), tuple(qualifiers), tuple(references))


def _value(graph: Graph, obj: Node, value_nodes: Sequence[Node]) -> Value:
    if isinstance(obj, ox.NamedNode):
        return Item(obj.value)
    if isinstance(obj, ox.Literal) and obj.datatype.value.endswith("#dateTime"):
        precision = DAY
        for node in value_nodes:
            found = graph[str(node)].get(WIKIBASE + "timePrecision")
            if found and isinstance(found[0], ox.Literal):
                precision = int(found[0].value)
        return Time.from_datetime(obj.value, precision)
    return obj.value if isinstance(obj, ox.Literal) else str(obj)


def _reference(parts: dict[str, list[Node]]) -> Reference:
    urls = parts.get(PR + "P854", [])
    if not urls:
        raise ValueError("a reference without a reference URL (P854)")
    url = urls[0].value if isinstance(urls[0], ox.NamedNode | ox.Literal) else str(urls[0])
    retrieved = parts.get(PR + "P813", [])
    when = retrieved[0] if retrieved and isinstance(retrieved[0], ox.Literal) else None
    return Reference(url, Time.from_datetime(when.value, DAY) if when is not None else None)


def drop_dominated(found: Iterable[Statement]) -> list[Statement]:
    """One statement per subject, property, value and qualifiers (their references merged), and
    none whose qualifiers another with the same value has, and more: it adds no fact. (A source
    that names a party without a date must not be cited for the date another source gives, and two
    statements with one value would be duplicates in Wikidata.)"""
    merged: dict[Statement, set[Reference]] = defaultdict(set)
    for statement in found:  # equal statements differ at most in their references
        merged[statement].update(statement.references)
    by_key: dict[tuple[str, str, str], list[Statement]] = defaultdict(list)
    for statement, references in merged.items():
        by_key[statement.key].append(replace(statement, references=tuple(sorted(references))))
    return [
        statement
        for group in by_key.values()
        for statement in group
        if not any(set(statement.qualifiers) < set(other.qualifiers) for other in group)
    ]
