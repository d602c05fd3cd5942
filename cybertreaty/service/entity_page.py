"""The HTML view of a description: what the entity page template shows, as plain data.

IRIs under the configured base become links to this server (``/id/...``, ``/ontology#Term``),
Wikidata items and other IRIs become outbound links (plain anchors: the page itself requests
nothing from elsewhere), and every value carries links to the source documents that state it.
The template escapes everything (Jinja2 autoescape).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Identifier

from cybertreaty.graph.vocab import PREFIXES
from cybertreaty.service.entity import Description, Statement

WIKIDATA = "http://www.wikidata.org/entity/"
_FIRST = (str(RDF.type), str(RDFS.label))


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    iri: str
    external: bool = False


@dataclass
class Value:
    link: Link | None = None
    text: str = ""
    note: str = ""  # datatype or language of a literal
    sources: list[Link] = field(default_factory=list)


@dataclass
class Property:
    predicate: Link
    values: list[Value]


@dataclass
class Part:
    """A hash IRI under the entity (e.g. a membership's #interval), described in place."""

    anchor: str
    heading: Link
    properties: list[Property]


@dataclass
class Referrer:
    subject: Link
    types: list[Link]
    sources: list[Link]


@dataclass
class Inverse:
    predicate: Link
    referrers: list[Referrer]


@dataclass
class EntityPage:
    iri: str
    title: str
    types: list[Link]
    properties: list[Property]
    parts: list[Part]
    inverse: list[Inverse]
    sources: list[Link]
    truncated: bool


@dataclass(frozen=True)
class Linker:
    """Turns IRIs into links: local ones to this server, the rest outbound."""

    base: str
    labels: Mapping[URIRef, str]

    def local_path(self, iri: str) -> str | None:
        return "/" + iri[len(self.base) :] if iri.startswith(self.base) else None

    def short(self, iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def link(self, iri: str) -> Link:
        label = self.labels.get(URIRef(iri))
        if iri.startswith(WIKIDATA):
            return Link(f"Wikidata {iri[len(WIKIDATA) :]}", iri, iri, external=True)
        local = self.local_path(iri)
        if local is not None:
            return Link(label or self.short(iri), local, iri)
        return Link(label or self.short(iri), iri, iri, external=True)


def build_page(description: Description, base: str) -> EntityPage:
    entity = description.entity
    parts = sorted({s.subject for s in description.outgoing if s.subject != entity}, key=str)
    # A part is named by its fragment: "#interval" reads better than its whole IRI.
    labels = {**{p: "#" + str(p).rsplit("#", 1)[-1] for p in parts}, **description.labels}
    linker = Linker(base, labels)
    own = [s for s in description.outgoing if s.subject == entity]
    all_sources = {g for s in own for g in s.graphs}
    return EntityPage(
        iri=str(entity),
        title=description.label or linker.short(str(entity)),
        types=[linker.link(str(s.object)) for s in own if s.predicate == RDF.type],
        properties=_properties(own, description, linker),
        parts=[_part(p, description, linker) for p in parts],
        inverse=_inverse(description, linker),
        sources=sorted(_sources(all_sources, description, linker), key=lambda link: link.text),
        truncated=description.truncated,
    )


def _properties(statements: Iterable[Statement], description: Description, linker: Linker) -> list[Property]:
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for statement in statements:
        grouped[str(statement.predicate)].append(statement)

    def order(iri: str) -> tuple[int, str]:
        return (_FIRST.index(iri) if iri in _FIRST else len(_FIRST), linker.link(iri).text.lower())

    return [
        Property(linker.link(p), sorted((_value(s, description, linker) for s in grouped[p]), key=_value_key))
        for p in sorted(grouped, key=order)
    ]


def _value_key(value: Value) -> str:
    return (value.link.text if value.link else value.text).lower()


def _value(statement: Statement, description: Description, linker: Linker) -> Value:
    sources = sorted(_sources(statement.graphs, description, linker), key=lambda link: link.text)
    term: Identifier = statement.object
    if isinstance(term, URIRef):
        return Value(link=linker.link(str(term)), sources=sources)
    note = ""
    if isinstance(term, Literal):
        if term.language:
            note = f"@{term.language}"
        elif term.datatype is not None and term.datatype != XSD.string:
            note = linker.short(str(term.datatype))
    return Value(text=str(term), note=note, sources=sources)


def _sources(graphs: Iterable[URIRef], description: Description, linker: Linker) -> list[Link]:
    """The source documents of these named graphs (a graph without one links to itself)."""
    links = {}
    for graph in graphs:
        source = description.sources.get(graph)
        links[str(source or graph)] = linker.link(str(source or graph))
    return list(links.values())


def _part(subject: URIRef, description: Description, linker: Linker) -> Part:
    statements = [s for s in description.outgoing if s.subject == subject]
    anchor = str(subject).rsplit("#", 1)[-1]
    return Part(
        anchor, Link("#" + anchor, "#" + anchor, str(subject)), _properties(statements, description, linker)
    )


def _inverse(description: Description, linker: Linker) -> list[Inverse]:
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for statement in description.incoming:
        grouped[str(statement.predicate)].append(statement)
    inverse = []
    for predicate in sorted(grouped, key=lambda iri: linker.link(iri).text.lower()):
        referrers = [
            Referrer(
                subject=linker.link(str(s.subject)),
                types=[linker.link(str(t)) for t in sorted(description.types.get(s.subject, ()))],
                sources=sorted(_sources(s.graphs, description, linker), key=lambda link: link.text),
            )
            for s in grouped[predicate]
        ]
        inverse.append(
            Inverse(linker.link(predicate), sorted(referrers, key=lambda r: r.subject.text.lower()))
        )
    return inverse
