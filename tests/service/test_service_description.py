"""GET /sparql without a query: the Service Description and VoID, by content negotiation."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from cybertreaty.graph.formats import FORMATS
from cybertreaty.graph.vocab import SD, VOID
from tests.service.conftest import Endpoint

DESCRIPTION_FORMATS = [
    ("text/turtle", "turtle"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
]


def description(client: httpx.Client, url: str, accept: str = "text/turtle", fmt: str = "turtle") -> Graph:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    return Graph().parse(data=response.content, format=fmt)


@pytest.mark.parametrize(("accept", "fmt"), DESCRIPTION_FORMATS)
def test_description_in_every_format(client: httpx.Client, endpoint: Endpoint, accept: str, fmt: str) -> None:
    graph = description(client, endpoint.url, accept, fmt)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(endpoint.url)


def test_sd_endpoint_is_the_url_requested(client: httpx.Client, endpoint: Endpoint) -> None:
    # W3C service-description test: "contains a matching sd:endpoint triple".
    other = endpoint.url.replace("127.0.0.1", "localhost")
    graph = description(client, other)
    assert set(graph.objects(None, SD.endpoint)) == {URIRef(other)}


def test_result_formats_are_exactly_what_we_serve(client: httpx.Client, endpoint: Endpoint) -> None:
    graph = description(client, endpoint.url)
    advertised = {str(o) for o in graph.objects(None, SD.resultFormat)}
    assert advertised == {f.iri for f in FORMATS}
    assert len(advertised) == 10


def test_features_and_languages(client: httpx.Client, endpoint: Endpoint) -> None:
    graph = description(client, endpoint.url)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert set(graph.objects(service, SD.feature)) == {SD.UnionDefaultGraph}  # no allowlist: no federation
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}  # read-only


def test_void_counts_match_the_data(client: httpx.Client, endpoint: Endpoint, oracle: object) -> None:
    graph = description(client, endpoint.url)
    union = set(oracle.triples((None, None, None)))  # type: ignore[attr-defined]
    (dataset,) = graph.subjects(RDF.type, SD.Dataset)
    assert graph.value(dataset, VOID.triples) == Literal(len(union), datatype=XSD.integer)
    default_graph = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default_graph, VOID.triples) == Literal(len(union), datatype=XSD.integer)
    named = {
        str(graph.value(n, SD.name)): int(str(graph.value(graph.value(n, SD.graph), VOID.triples)))
        for n in graph.objects(dataset, SD.namedGraph)
    }
    expected = {str(g.identifier): len(g) for g in oracle.graphs() if len(g)}  # type: ignore[attr-defined]
    expected.pop("urn:x-rdflib:default", None)
    assert named == expected
    # The default graph really is the union: the same count through the endpoint.
    count = client.get(
        endpoint.url,
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert count.text.split()[1] == str(len(union))


def test_browser_gets_the_editor(client: httpx.Client, endpoint: Endpoint) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    response = client.get(endpoint.url, headers={"Accept": browser})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<form" in response.text or "yasgui" in response.text.lower()


def test_default_is_turtle_and_unservable_is_406(client: httpx.Client, endpoint: Endpoint) -> None:
    assert client.get(endpoint.url).headers["content-type"].startswith("text/turtle")
    refused = client.get(endpoint.url, headers={"Accept": "application/sparql-results+json"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.text
