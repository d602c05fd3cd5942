"""The ontology at its own IRI: ``/ontology`` (and ``/ontology/{version}``, its owl:versionIRI).

An RDF client gets the ontology as Turtle (the file as written), RDF/XML, JSON-LD or N-Triples; a
browser gets HTML documentation generated here from the same file: every class, property and
code-list member with its label, comment, superclasses, domain and range, Wikidata alignment and
skos:closeMatch, each at an anchor named after the term, so the hash IRI ``ct:Signature``
(``…/ontology#Signature``) opens at its entry. The version IRI serves the same content with a
long-lived immutable cache header; any other version is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from cybertreaty.errors import UnknownResource
from cybertreaty.graph.vocab import CT, ONTOLOGY_IRI
from cybertreaty.paths import ontology_file
from cybertreaty.service import rdf_pages as linked_data
from cybertreaty.service.entity_page import Link, Linker

router = APIRouter(include_in_schema=False)

ONTOLOGY_FORMATS = tuple(
    f for f in linked_data.RDF_FORMATS if f.key in ("turtle", "rdfxml", "jsonld", "ntriples")
)
PAGE_FORMATS = (ONTOLOGY_FORMATS[0], linked_data.HTML, *ONTOLOGY_FORMATS[1:])
IMMUTABLE = "public, max-age=31536000, immutable"
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
)


@dataclass
class Term:
    anchor: str
    iri: str
    label: str
    comment: str
    facts: list[tuple[str, list[Link]]] = field(default_factory=list)  # (what, links), e.g. ("Domain", [...])
    notation: str = ""


@dataclass
class Section:
    key: str
    title: str
    terms: list[Term]


@dataclass
class OntologyPage:
    iri: str
    version_iri: str
    version: str
    title: str
    description: list[str]
    license: str
    sections: list[Section]


@cache
def _ontology(mtime_ns: int) -> tuple[bytes, Graph]:
    # Keyed by the file's modification time, so an edited ontology is served without a restart.
    data = ontology_file().read_bytes()
    return data, Graph().parse(data=data, format="turtle")


def ontology() -> tuple[bytes, Graph]:
    return _ontology(ontology_file().stat().st_mtime_ns)


@router.api_route("/ontology", methods=["GET", "HEAD"])
async def latest(request: Request) -> Response:
    return _answer(request, {})


@router.api_route("/ontology/{version}", methods=["GET", "HEAD"])
async def versioned(request: Request, version: str) -> Response:
    _, graph = ontology()
    version_iri = str(graph.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) or "")
    if version_iri != f"{ONTOLOGY_IRI}/{version}":
        raise UnknownResource(
            f"This server has no version {version!r} of the ontology (it has <{version_iri}>)."
        )
    return _answer(request, {"Cache-Control": IMMUTABLE})


def _answer(request: Request, headers: dict[str, str]) -> Response:
    fmt = linked_data.choose_format(request, PAGE_FORMATS, "the ontology")
    data, _ = ontology()
    if fmt is linked_data.HTML:
        html = _html(ontology_file().stat().st_mtime_ns, settings_base(request), request.url.path)
        return linked_data.html_response(html, headers)
    if fmt.key == "turtle":
        return linked_data.rdf_response(data, fmt, headers)  # the file as its authors wrote it
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    return linked_data.rdf_response(linked_data.serialize(triples, fmt), fmt, headers)


@cache
def _html(mtime_ns: int, base: str, path: str) -> str:
    """The documentation page, rendered once per version of the file (and per path it is served at)."""
    _, graph = _ontology(mtime_ns)
    formats = linked_data.alternates(path, ONTOLOGY_FORMATS)
    template = linked_data.templates().get_template("ontology.html")
    return template.render(page=build_page(graph, base), formats=formats)


def settings_base(request: Request) -> str:
    return str(request.app.state.settings.base_iri)


def build_page(graph: Graph, base: str) -> OntologyPage:
    ontology_iri = URIRef(ONTOLOGY_IRI)
    labels = {URIRef(str(s)): str(o) for s, o in graph.subject_objects(RDFS.label)}
    linker = _OntologyLinker(base, labels)
    sections = [
        Section(key, title, _terms(graph, linker, sorted(_ours(graph.subjects(RDF.type, kind)))))
        for key, title, kind in SECTIONS
    ]
    typed = {s for _, _, kind in SECTIONS for s in graph.subjects(RDF.type, kind)}
    members = sorted(_ours(s for s in graph.subjects(RDF.type, None) if s not in typed and s != ontology_iri))
    sections.append(Section("individuals", "Code-list members", _terms(graph, linker, members)))
    return OntologyPage(
        iri=ONTOLOGY_IRI,
        version_iri=str(graph.value(ontology_iri, OWL.versionIRI) or ""),
        version=str(graph.value(ontology_iri, OWL.versionInfo) or ""),
        title=str(graph.value(ontology_iri, DCTERMS.title) or "Ontology"),
        description=[str(graph.value(ontology_iri, p) or "") for p in (RDFS.comment, DCTERMS.description)],
        license=str(graph.value(ontology_iri, DCTERMS.license) or ""),
        sections=sections,
    )


class _OntologyLinker(Linker):
    """Terms of this ontology link to their anchor on the same page."""

    def link(self, iri: str) -> Link:
        namespace = str(CT._NS)
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return Link(f"ct:{local}", f"#{local}", iri)
        return super().link(iri)


def _ours(nodes: Iterable[Node]) -> set[URIRef]:
    return {URIRef(str(n)) for n in nodes if isinstance(n, URIRef) and str(n).startswith(str(CT._NS))}


# (what the page calls it, predicate, inverse?) in the order the page shows them.
_FACTS: tuple[tuple[str, URIRef, bool], ...] = (
    ("Type", RDF.type, False),
    ("Subclass of", RDFS.subClassOf, False),
    ("Superclass of", RDFS.subClassOf, True),
    ("Subproperty of", RDFS.subPropertyOf, False),
    ("Domain", RDFS.domain, False),
    ("Range", RDFS.range, False),
    ("Disjoint with", OWL.disjointWith, False),
    ("Members", RDF.type, True),
    ("Wikidata property", CT.wikidataProperty, False),
    ("Wikidata qualifier", CT.wikidataQualifier, False),
    ("Close match", SKOS.closeMatch, False),
)
_SKIP_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def _terms(graph: Graph, linker: Linker, iris: Iterable[URIRef]) -> list[Term]:
    return [_term(graph, linker, iri) for iri in iris]


def _term(graph: Graph, linker: Linker, iri: URIRef) -> Term:
    local = str(iri)[len(str(CT._NS)) :]
    term = Term(
        anchor=local,
        iri=str(iri),
        label=str(graph.value(iri, RDFS.label) or local),
        comment=str(graph.value(iri, RDFS.comment) or ""),
        notation=str(graph.value(iri, SKOS.notation) or ""),
    )
    for what, predicate, inverse in _FACTS:
        values = graph.subjects(predicate, iri) if inverse else graph.objects(iri, predicate)
        links = [linker.link(str(v)) for v in sorted(values, key=str) if isinstance(v, URIRef)]
        if predicate == RDF.type and not inverse:
            links = [link for link in links if URIRef(link.iri) not in _SKIP_TYPES]
        if links:
            term.facts.append((what, links))
    return term
