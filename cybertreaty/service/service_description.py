"""GET /sparql without a query: the SPARQL 1.1 Service Description, with a VoID description of
the dataset, by content negotiation (Turtle, RDF/XML, JSON-LD, N-Triples).

sd:endpoint is the URL the client requested (or the configured public URL), sd:resultFormat lists
exactly the formats of graph/formats.py, and the counts are read from the store (cached until the
next write), so the description cannot drift from what the endpoint does.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from cybertreaty.graph.formats import FORMATS, Family, ResultFormat, by_key
from cybertreaty.graph.store import Statistics, Store
from cybertreaty.graph.vocab import DCAT, PREFIXES, SD, VOID
from cybertreaty.settings import Settings

DESCRIPTION_FORMATS: tuple[ResultFormat, ...] = tuple(
    by_key(k) for k in ("turtle", "rdfxml", "jsonld", "ntriples")
)
_RDFLIB_NAMES = {"turtle": "turtle", "rdfxml": "xml", "jsonld": "json-ld", "ntriples": "nt"}

# Counts in a built void.ttl go stale after an update; we state our own, from the store.
_STALE = {
    VOID.triples,
    VOID.entities,
    VOID.distinctSubjects,
    VOID.properties,
    VOID.classes,
    VOID.sparqlEndpoint,
}


class StatisticsCache:
    """Store counts, computed on first use and again after each accepted write."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._value: Statistics | None = None
        self._lock = threading.Lock()

    def get(self) -> Statistics:
        with self._lock:
            if self._value is None:
                self._value = self._store.statistics()
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


def describe(endpoint: str, settings: Settings, store: Store, stats: Statistics) -> Graph:
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "sd": str(SD), "void": str(VOID), "dcat": str(DCAT)}.items():
        graph.bind(prefix, namespace)
    graph.bind("formats", "http://www.w3.org/ns/formats/")
    dataset = URIRef(settings.base_iri + "dataset")
    _service(graph, URIRef(endpoint), dataset, settings, store)
    _dataset(graph, URIRef(endpoint), dataset, stats)
    _built_metadata(graph, store)
    return graph


def _service(graph: Graph, endpoint: URIRef, dataset: URIRef, settings: Settings, store: Store) -> None:
    service = URIRef(f"{endpoint}#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.updates_enabled and store.writable:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    # The default graph is the merge of the named graphs (materialised, so a set, not a bag).
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if store.allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultDataset, dataset))


def _dataset(graph: Graph, endpoint: URIRef, dataset: URIRef, stats: Statistics) -> None:
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    for name, count in sorted(stats.graphs.items()):
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((dataset, VOID.subset, URIRef(name)))
        graph.add((URIRef(name), RDF.type, VOID.Dataset))
        graph.add((URIRef(name), VOID.triples, Literal(count, datatype=XSD.integer)))


def _built_metadata(graph: Graph, store: Store) -> None:
    """Title, licence, dumps... from the build's void.ttl beside the store, without its counts."""
    path: Path | None = getattr(store, "base_path", None)
    void_file = path.parent / "void.ttl" if path is not None else None
    if void_file is None or not void_file.is_file():
        return
    built = Graph().parse(void_file, format="turtle")
    for triple in built:
        if triple[1] not in _STALE and triple[1] != VOID.subset:
            graph.add(triple)


def serialize(graph: Graph, fmt: ResultFormat) -> bytes:
    assert fmt.family is Family.GRAPH
    return graph.serialize(format=_RDFLIB_NAMES[fmt.key], encoding="utf-8")
