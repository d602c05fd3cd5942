"""Real SPARQL clients against our running endpoint: SPARQLWrapper in each return format,
rdflib's SPARQLStore, and the Oxigraph server calling us through a federated SERVICE query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML
from SPARQLWrapper import SPARQLWrapper as Wrapper

from tests.service.conftest import Endpoint, needs_oxigraph
from tests.service.servers import OxigraphServer

CT = "https://w3id.org/cybertreaty/ontology#"
STATE = "https://w3id.org/cybertreaty/id/state/"
PREFIXES = f"PREFIX ct: <{CT}> PREFIX rdfs: <{RDFS}>\n"
STATES = (
    PREFIXES
    + "SELECT ?s ?label WHERE { ?s a ct:State ; rdfs:label ?label FILTER(lang(?label) = 'en') } ORDER BY ?s"
)
CONSTRUCT = PREFIXES + "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s a ct:State ; rdfs:label ?label }"
EXPECTED = [(STATE + "DEU", "Germany"), (STATE + "FRA", "France"), (STATE + "VNM", "Viet Nam")]


def wrapper(
    endpoint: Endpoint, query: str, fmt: str, method: str = GET, request: str = URLENCODED
) -> Wrapper:
    sparql = Wrapper(endpoint.url)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    sparql.setRequestMethod(request)
    return sparql


@pytest.mark.parametrize(
    ("method", "request_method"), [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
)
def test_sparqlwrapper_json(endpoint: Endpoint, method: str, request_method: str) -> None:
    result: Any = wrapper(endpoint, STATES, JSON, method, request_method).queryAndConvert()
    bindings = result["results"]["bindings"]
    assert [(b["s"]["value"], b["label"]["value"]) for b in bindings] == EXPECTED


def test_sparqlwrapper_xml(endpoint: Endpoint) -> None:
    document: Any = wrapper(endpoint, STATES, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == [s for s, _ in EXPECTED]


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(endpoint: Endpoint, fmt: str, separator: str) -> None:
    text = wrapper(endpoint, STATES, fmt).queryAndConvert()
    lines = (text.decode() if isinstance(text, bytes) else str(text)).strip().splitlines()
    assert len(lines) == 4
    if fmt == CSV:
        assert lines[1:] == [f"{s},{label}" for s, label in EXPECTED]
    else:
        assert lines[1:] == [f'<{s}>\t"{label}"@en' for s, label in EXPECTED]


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3, XML])
def test_sparqlwrapper_construct(endpoint: Endpoint, fmt: str) -> None:
    converted: Any = wrapper(endpoint, CONSTRUCT, fmt).queryAndConvert()
    graph = (
        converted if isinstance(converted, Graph) else Graph().parse(data=converted, format=_rdflib_name(fmt))
    )
    assert len(graph) == 5
    assert (URIRef(STATE + "VNM"), RDFS.label, Literal("Viet Nam", lang="en")) in graph


def _rdflib_name(fmt: str) -> str:
    return {TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml")


def test_sparqlwrapper_ask(endpoint: Endpoint) -> None:
    result: Any = wrapper(endpoint, PREFIXES + f"ASK {{ <{STATE}FRA> a ct:State }}", JSON).queryAndConvert()
    assert result["boolean"] is True


def test_rdflib_sparqlstore(endpoint: Endpoint) -> None:
    graph = Graph(store=SPARQLStore(endpoint.url, returnFormat="json"))
    rows = [(str(s), str(label)) for s, label in cast(Any, graph.query(STATES))]
    assert rows == EXPECTED
    labels = set(graph.objects(URIRef(STATE + "FRA"), RDFS.label))
    assert labels == {Literal("France", lang="en"), Literal("France", lang="fr")}
    xml_store = Graph(store=SPARQLStore(endpoint.url, returnFormat="xml"))
    assert [(str(s), str(label)) for s, label in cast(Any, xml_store.query(STATES))] == EXPECTED


@needs_oxigraph
@pytest.mark.external
def test_federated_query_from_oxigraph_joins_our_data(
    endpoint: Endpoint, start_oxigraph: Callable[[], OxigraphServer], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("federation")
    other = OxigraphServer(folder / "data")
    try:
        capitals = (
            f'INSERT DATA {{ <{STATE}FRA> <http://example.org/capital> "Paris" . '
            f'<{STATE}VNM> <http://example.org/capital> "Hanoi" . }}'
        )
        assert httpx.post(other.update_url, data={"update": capitals}).status_code == 204
        query = PREFIXES + (
            "SELECT ?label ?capital WHERE { ?s <http://example.org/capital> ?capital . "
            f"SERVICE <{endpoint.url}> {{ ?s a ct:State ; rdfs:label ?label "
            "FILTER(lang(?label) = 'en') } } "
            "ORDER BY ?label"
        )
        response = httpx.post(
            other.query_url, data={"query": query}, headers={"Accept": "text/csv"}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.text.replace("\r", "").splitlines() == [
            "label,capital",
            "France,Paris",
            "Viet Nam,Hanoi",
        ]
    finally:
        other.stop()
