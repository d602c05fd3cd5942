"""What the readers of data/ share: the ids seen so far, and the collector of sourced triples.

Each row's triples go into the named graph of every source the row cites, so the dataset answers
"who says what" directly, and the union of the graphs is the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from cybertreaty.graph.csvrows import Row, When
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.vocab import CT

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")

Subject = NamedNode | BlankNode
Object = NamedNode | BlankNode | Literal
Triple = tuple[Subject, NamedNode, Object]


def iri(term: object) -> NamedNode:
    """An rdflib URIRef (from vocab) as a pyoxigraph node."""
    return NamedNode(str(term))


def typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


def english(value: str) -> Literal:
    return Literal(value, language="en")


def when_triples(subject: Subject, when: When) -> list[Triple]:
    """ct:date for a day, ct:approximateDate for a month or year, nothing otherwise."""
    if when.precision == "day":
        return [(subject, iri(CT.date), typed(when.value, "date"))]
    if when.precision == "month":
        return [(subject, iri(CT.approximateDate), typed(when.value, "gYearMonth"))]
    if when.precision == "year":
        return [(subject, iri(CT.approximateDate), typed(when.value, "gYear"))]
    return []


def partial_date(when: When) -> Literal | None:
    """A start or end date at its own precision, for memberships and ceremonies."""
    kinds = {"day": "date", "month": "gYearMonth", "year": "gYear"}
    return typed(when.value, kinds[when.precision]) if when.precision in kinds else None


@dataclass
class Entity:
    """An id from a registry file, with what other rows need to know about it."""

    node: NamedNode
    label: str
    kind: str


@dataclass
class Registry:
    """The ids defined by the registry files; rows elsewhere may only refer to these."""

    iris: Iris
    sources: dict[str, Entity] = field(default_factory=dict)
    places: dict[str, Entity] = field(default_factory=dict)
    states: dict[str, Entity] = field(default_factory=dict)
    organisations: dict[str, Entity] = field(default_factory=dict)
    instruments: dict[str, Entity] = field(default_factory=dict)
    vote_events: dict[str, Entity] = field(default_factory=dict)

    def row_sources(self, row: Row) -> list[str]:
        ids = row.ids("sources")
        for source_id in ids:
            if source_id not in self.sources:
                raise row.error("sources", f"{source_id!r} is not an id in sources.csv")
        return ids

    def actor(self, row: Row, column: str) -> Entity:
        """A State by ISO3 code or an organisation by id."""
        value = row.required(column)
        found = self.states.get(value) or self.organisations.get(value)
        if found is None:
            raise row.error(
                column, f"{value!r} is neither a State in states.csv nor an id in organisations.csv"
            )
        return found

    def state(self, row: Row, column: str) -> Entity:
        value = row.iso3(column)
        if value not in self.states:
            raise row.error(column, f"{value!r} is not a State in states.csv")
        return self.states[value]

    def lookup(self, row: Row, column: str, table: dict[str, Entity], filename: str) -> Entity:
        value = row.required(column)
        if value not in table:
            raise row.error(column, f"{value!r} is not an id in {filename}")
        return table[value]

    def instrument(self, row: Row, column: str, kinds: Sequence[str] = ()) -> Entity:
        found = self.lookup(row, column, self.instruments, "instruments.csv")
        if kinds and found.kind not in kinds:
            raise row.error(column, f"{row.get(column)!r} is a {found.kind}; expected {' or '.join(kinds)}")
        return found


@dataclass
class Claims:
    """Collects quads; a triple cited by several sources is stored once in each source's graph."""

    iris: Iris
    quads: list[Quad] = field(default_factory=list)

    def add(self, triples: Iterable[Triple], sources: Sequence[str]) -> None:
        graphs = [self.iris.source_graph(s) for s in sources]
        for s, p, o in triples:
            for g in graphs:
                self.quads.append(Quad(s, p, o, g))

    def add_to(self, graph: NamedNode, triples: Iterable[Triple]) -> None:
        for s, p, o in triples:
            self.quads.append(Quad(s, p, o, graph))


def claim_notes(subject: Subject, row: Row, registry: Registry) -> list[Triple]:
    """The columns every claim row may carry: sources, quote, doubt and note."""
    triples: list[Triple] = [
        (subject, iri(CT.source), registry.sources[s].node) for s in registry.row_sources(row)
    ]
    if "quote" in row.values and row.get("quote"):
        triples.append((subject, iri(CT.quote), english(row.get("quote"))))
    doubt = row.doubt() if "doubt" in row.values else ""
    if doubt:
        triples.append((subject, iri(CT.doubt), iri(DOUBTS[doubt])))
    if row.get("note"):
        triples.append((subject, RDFS_COMMENT, english(row.get("note"))))
    return triples


DOUBTS = {
    "unverified": CT.Unverified,
    "derived": CT.Derived,
    "secondary": CT.Secondary,
    "contradicted": CT.Contradicted,
}
