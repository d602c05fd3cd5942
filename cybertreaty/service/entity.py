"""What the server says about one data IRI when it is dereferenced: its description.

The description is a symmetric concise bounded description (CBD) with labels and provenance:

1. every triple with the entity as subject; hash IRIs under the entity's own IRI
   (``…/membership/eu-FRA#interval``) are parts of it and are followed like the blank nodes of a
   CBD (our data has no blank nodes);
2. every triple with the entity as object (who points to it: the actions of a State, the votes
   of a vote event, the claims that cite a source), up to ``MAX_INCOMING``;
3. the ``rdfs:label`` of every IRI these triples link to, and of their predicates, so a reader
   (or the HTML page) can name what it links to without dereferencing everything;
4. provenance: the named graph (source document) of every triple in 1 and 2. N-Quads and TriG
   keep each triple in its graph, with ``<graph> prov:wasDerivedFrom <source>`` in the meta graph;
   the triple formats carry the merge, and the labels are in the default graph of all formats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import PROV, RDFS
from rdflib.term import Identifier

from cybertreaty.graph.store import Store
from cybertreaty.graph.terms import to_oxigraph

MAX_INCOMING = 2000  # rows; a treaty has a few hundred, more would not help a reader
MAX_DEPTH = 3  # levels of hash IRIs below the entity (membership -> #interval -> #start)

_PREFIXES = """
PREFIX ct: <https://w3id.org/cybertreaty/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
OUTGOING = (
    _PREFIXES
    + """
SELECT ?p ?o ?g ?p_label ?o_label ?source ?source_label WHERE {
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?p rdfs:label ?p_label }
  OPTIONAL { ?o rdfs:label ?o_label }
  OPTIONAL { ?source ct:graphOf ?g . OPTIONAL { ?source rdfs:label ?source_label } }
}"""
)
INCOMING = (
    _PREFIXES
    + """
SELECT ?s ?p ?g ?s_label ?s_type ?type_label ?p_label ?source ?source_label WHERE {
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?s rdfs:label ?s_label }
  OPTIONAL { ?s a ?s_type . OPTIONAL { ?s_type rdfs:label ?type_label } }
  OPTIONAL { ?p rdfs:label ?p_label }
  OPTIONAL { ?source ct:graphOf ?g . OPTIONAL { ?source rdfs:label ?source_label } }
}"""
)


@dataclass
class Statement:
    """One triple of the description and the named graphs that hold it."""

    subject: URIRef
    predicate: URIRef
    object: Identifier
    graphs: set[URIRef] = field(default_factory=set)


@dataclass
class Description:
    entity: URIRef
    outgoing: list[Statement] = field(default_factory=list)  # subject: the entity or one of its parts
    incoming: list[Statement] = field(default_factory=list)
    labels: dict[URIRef, str] = field(default_factory=dict)
    types: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))  # of incoming subjects
    sources: dict[URIRef, URIRef] = field(default_factory=dict)  # named graph -> its source document
    truncated: bool = False

    @property
    def found(self) -> bool:
        return bool(self.outgoing)

    @property
    def label(self) -> str | None:
        return self.labels.get(self.entity)

    def quads(self, meta_graph: URIRef) -> list[ox.Quad]:
        """Statements in their graphs, labels in the default graph, graph -> source in the meta graph."""
        quads = [
            ox.Quad(_iri(s.subject), _iri(s.predicate), _ox(s.object), _iri(g))
            for s in self.outgoing + self.incoming
            for g in sorted(s.graphs)
        ]
        quads += [ox.Quad(*t, ox.DefaultGraph()) for t in self._label_triples()]
        quads += [
            ox.Quad(_iri(g), _iri(PROV.wasDerivedFrom), _iri(src), _iri(meta_graph))
            for g, src in self.sources.items()
        ]
        return quads

    def triples(self) -> list[ox.Triple]:
        merged = {(s.subject, s.predicate, s.object) for s in self.outgoing + self.incoming}
        triples = [ox.Triple(_iri(s), _iri(p), _ox(o)) for s, p, o in sorted(merged)]
        return triples + [ox.Triple(*t) for t in self._label_triples()]

    def _label_triples(self) -> Iterable[tuple[ox.NamedNode, ox.NamedNode, ox.Literal]]:
        for iri, text in sorted(self.labels.items()):
            if iri != self.entity:  # the entity's own label is already a statement
                yield ox.NamedNode(str(iri)), ox.NamedNode(str(RDFS.label)), ox.Literal(text)


def _iri(term: Identifier) -> ox.NamedNode:
    # Subjects, predicates and graph names of our data are IRIs (the build writes no blank nodes).
    return ox.NamedNode(str(term))


def _ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    converted = to_oxigraph(term)
    assert not isinstance(converted, ox.Triple)
    return converted


def describe(store: Store, entity: URIRef) -> Description:
    """The description of ``entity`` (empty ``outgoing`` when the graph has no such subject)."""
    description = Description(entity)
    _outgoing(store, description)
    if description.found:
        _incoming(store, description)
    return description


def _outgoing(store: Store, description: Description) -> None:
    """The entity's triples, then those of its hash-IRI parts, level by level."""
    statements: dict[tuple[URIRef, URIRef, Identifier], Statement] = {}
    level = [description.entity]
    for _ in range(MAX_DEPTH):
        parts: list[URIRef] = []
        for subject in level:
            for row in store.select(OUTGOING, bindings={"s": subject}).rows:
                p, o, g = URIRef(row["p"]), row["o"], URIRef(row["g"])
                key = (subject, p, o)
                statements.setdefault(key, Statement(subject, p, o)).graphs.add(g)
                _note(description, row, (("p", "p_label"), ("o", "o_label")))
                if (
                    isinstance(o, URIRef)
                    and str(o).startswith(str(description.entity) + "#")
                    and o not in parts
                ):
                    parts.append(o)
        level = [p for p in parts if p not in {s for s, _, _ in statements}]
        if not level:
            break
    description.outgoing = list(statements.values())
    for statement in description.outgoing:
        if statement.subject == description.entity and statement.predicate == RDFS.label:
            description.labels.setdefault(description.entity, str(statement.object))


def _incoming(store: Store, description: Description) -> None:
    statements: dict[tuple[URIRef, URIRef], Statement] = {}
    result = store.select(INCOMING, bindings={"o": description.entity}, max_rows=MAX_INCOMING)
    description.truncated = result.truncated
    for row in result.rows:
        s, p, g = URIRef(row["s"]), URIRef(row["p"]), URIRef(row["g"])
        statements.setdefault((s, p), Statement(s, p, description.entity)).graphs.add(g)
        if "s_type" in row:
            description.types[s].add(URIRef(row["s_type"]))
        _note(description, row, (("s", "s_label"), ("p", "p_label"), ("s_type", "type_label")))
    description.incoming = list(statements.values())


def _note(description: Description, row: dict[str, Identifier], pairs: Iterable[tuple[str, str]]) -> None:
    """Record the labels and the graph's source document that a row carries."""
    for term, label in pairs:
        if label in row and isinstance(row.get(term), URIRef):
            description.labels.setdefault(URIRef(row[term]), str(row[label]))
    if "source" in row:
        source = URIRef(row["source"])
        description.sources[URIRef(row["g"])] = source
        if "source_label" in row:
            description.labels.setdefault(source, str(row["source_label"]))
