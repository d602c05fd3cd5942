"""The SPARQL 1.1 Protocol at /sparql, against the running server, once per backend.

Answers are checked against rdflib evaluating the same query on the fixture (the `oracle`), and
every result format is parsed back by an independent parser (rdflib's)."""

from __future__ import annotations

import csv as csv_module
import gzip
import io
import json
import re
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
from rdflib import Dataset as RdflibDataset
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDFS
from rdflib.query import Result

from tests.service.conftest import Endpoint

CT = "https://w3id.org/cybertreaty/ontology#"
STATE = "https://w3id.org/cybertreaty/id/state/"
ALPHA = "https://w3id.org/cybertreaty/graph/source/alpha"
BETA = "https://w3id.org/cybertreaty/graph/source/beta"
PREFIXES = f"PREFIX ct: <{CT}> PREFIX rdfs: <{RDFS}> PREFIX state: <{STATE}>\n"
LABELS = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
STATES = PREFIXES + "SELECT ?s WHERE { ?s a ct:State } ORDER BY ?s"
STATE_LABELS = PREFIXES + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ct:State ; rdfs:label ?l }"
JSON_RESULTS = "application/sparql-results+json"


Params = list[tuple[str, str]]


def send(
    client: httpx.Client,
    endpoint: Endpoint,
    query: str,
    *,
    method: str = "get",
    accept: str | None = None,
    params: Params | None = None,
) -> httpx.Response:
    """One query by one of the protocol's three ways of sending it."""
    headers = {"Accept": accept} if accept else {}
    extra: Params = params or []
    if method == "get":
        return client.get(endpoint.url, params=[("query", query), *extra], headers=headers)
    if method == "post-form":
        return client.post(endpoint.url, data={"query": query, **_grouped(extra)}, headers=headers)
    return client.post(
        endpoint.url,
        params=tuple(extra),
        content=query.encode(),
        headers={**headers, "Content-Type": "application/sparql-query"},
    )


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def parse_graph(content: bytes, rdflib_format: str) -> Graph:
    """A graph from any RDF format; N-Quads and TriG go through a dataset (their default graph)."""
    if rdflib_format in ("nquads", "trig"):
        dataset = RdflibDataset()
        dataset.parse(data=content, format=rdflib_format)
        return dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    return Graph().parse(data=content, format=rdflib_format)


def rows(response: httpx.Response, fmt: str = "json") -> list[tuple[str, ...]]:
    result = Result.parse(io.BytesIO(response.content), format=fmt)
    return [tuple(str(value) for value in row) for row in cast(Any, result)]


def oracle_rows(oracle: object, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in oracle.query(query)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", ["get", "post-form", "post-direct"])
def test_every_way_of_sending_a_query(
    client: httpx.Client, endpoint: Endpoint, oracle: object, method: str
) -> None:
    response = send(client, endpoint, LABELS, method=method)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON_RESULTS)
    assert rows(response) == oracle_rows(oracle, LABELS)


def test_union_default_graph_is_a_set(client: httpx.Client, endpoint: Endpoint) -> None:
    # France is stated with the same triples in two sources: the union lists its labels once.
    query = PREFIXES + "SELECT ?label WHERE { state:FRA rdfs:label ?label } ORDER BY ?label"
    assert rows(send(client, endpoint, query)) == [("France",), ("France",)]  # @en and @fr
    langs = json.loads(send(client, endpoint, query).content)["results"]["bindings"]
    assert [b["label"]["xml:lang"] for b in langs] == ["en", "fr"]


def test_named_graphs_are_the_sources(client: httpx.Client, endpoint: Endpoint) -> None:
    query = PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { state:FRA a ct:State } } ORDER BY ?g"
    assert rows(send(client, endpoint, query)) == [(ALPHA,), (BETA,)]


@pytest.mark.parametrize("method", ["get", "post-form", "post-direct"])
def test_default_graph_uri_replaces_the_default_graph(
    client: httpx.Client, endpoint: Endpoint, method: str
) -> None:
    response = send(client, endpoint, STATES, method=method, params=[("default-graph-uri", BETA)])
    assert rows(response) == [(STATE + "FRA",), (STATE + "VNM",)]


def test_two_default_graph_uris_are_merged(client: httpx.Client, endpoint: Endpoint) -> None:
    response = send(
        client, endpoint, STATES, params=[("default-graph-uri", ALPHA), ("default-graph-uri", BETA)]
    )
    # Oxigraph evaluates a multi-graph default graph as a bag (France twice), so compare sets.
    assert set(rows(response)) == {(STATE + c,) for c in ("DEU", "FRA", "VNM")}


def test_named_graph_uri_limits_graph_and_empties_default(client: httpx.Client, endpoint: Endpoint) -> None:
    graphs = PREFIXES + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert rows(send(client, endpoint, graphs, params=[("named-graph-uri", ALPHA)])) == [(ALPHA,)]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert rows(send(client, endpoint, count, params=[("named-graph-uri", ALPHA)])) == [("0",)]


def test_from_clause_and_its_override(client: httpx.Client, endpoint: Endpoint) -> None:
    query = PREFIXES + f"SELECT ?s FROM <{BETA}> WHERE {{ ?s a ct:State }} ORDER BY ?s"
    assert rows(send(client, endpoint, query)) == [(STATE + "FRA",), (STATE + "VNM",)]
    # The protocol's dataset wins over the query's FROM.
    overridden = send(client, endpoint, query, params=[("default-graph-uri", ALPHA)])
    assert rows(overridden) == [(STATE + "DEU",), (STATE + "FRA",)]


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_in_every_format(
    client: httpx.Client, endpoint: Endpoint, oracle: object, accept: str, parser: str
) -> None:
    response = send(client, endpoint, LABELS, accept=accept)
    assert response.headers["content-type"].split(";")[0] == accept
    assert rows(response, parser) == oracle_rows(oracle, LABELS)


QUOTE = (
    PREFIXES
    + "SELECT ?quote ?n ?day WHERE { ?a ct:quote ?quote . "
    + "?t ct:entryIntoForceThreshold ?n ; ct:openedForSignatureOn ?day }"
)


@pytest.mark.parametrize("parser", ["json", "xml", "tsv"])
def test_literals_survive_every_typed_format(
    client: httpx.Client, endpoint: Endpoint, oracle: object, parser: str
) -> None:
    accept = {
        "json": JSON_RESULTS,
        "xml": "application/sparql-results+xml",
        "tsv": "text/tab-separated-values",
    }[parser]
    result = Result.parse(io.BytesIO(send(client, endpoint, QUOTE, accept=accept).content), format=parser)
    expected = next(iter(oracle.query(QUOTE)))  # type: ignore[attr-defined]
    (row,) = list(cast(Any, result))
    assert tuple(row) == tuple(expected)  # same lexical forms, datatypes and languages
    assert "\t" in str(row[0]) and "\n" in str(row[0]) and "Hà Nội" in str(row[0])


def test_csv_quotes_what_needs_quoting(client: httpx.Client, endpoint: Endpoint, oracle: object) -> None:
    text = send(client, endpoint, QUOTE, accept="text/csv").content.decode()
    assert text.startswith("quote,n,day\r\n")
    assert rows(send(client, endpoint, QUOTE, accept="text/csv"), "csv") == oracle_rows(oracle, QUOTE)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (JSON_RESULTS, b'"boolean":true'),
        ("application/sparql-results+xml", b"<boolean>true</boolean>"),
        ("text/csv", b"true"),
        ("text/tab-separated-values", b"true"),
    ],
)
def test_ask_in_every_format(client: httpx.Client, endpoint: Endpoint, accept: str, expected: bytes) -> None:
    response = send(client, endpoint, PREFIXES + "ASK { state:VNM a ct:State }", accept=accept)
    assert response.status_code == 200
    assert expected in response.content.replace(b" ", b"")
    if accept in (JSON_RESULTS, "application/sparql-results+xml"):
        fmt = "json" if "json" in accept else "xml"
        assert Result.parse(io.BytesIO(response.content), format=fmt).askAnswer is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_in_every_format(
    client: httpx.Client, endpoint: Endpoint, oracle: object, accept: str, rdflib_format: str
) -> None:
    response = send(client, endpoint, STATE_LABELS, accept=accept)
    assert response.headers["content-type"].split(";")[0] == accept
    got = parse_graph(response.content, rdflib_format)
    expected = oracle.query(STATE_LABELS).graph  # type: ignore[attr-defined]
    assert len(got) == 5
    assert isomorphic(got, expected)


def test_construct_with_blank_nodes(client: httpx.Client, endpoint: Endpoint) -> None:
    query = PREFIXES + "CONSTRUCT { ?s ct:named [ rdfs:label ?l ] } WHERE { ?s a ct:State ; rdfs:label ?l }"
    got = Graph().parse(data=send(client, endpoint, query, accept="text/turtle").content, format="turtle")
    assert len(set(got.objects(None, URIRef(CT + "named")))) == 5
    assert Literal("Viet Nam", lang="en") in set(got.objects(None, RDFS.label))


def test_describe(client: httpx.Client, endpoint: Endpoint, oracle: object) -> None:
    response = send(client, endpoint, PREFIXES + "DESCRIBE state:VNM", accept="application/n-triples")
    got = Graph().parse(data=response.content, format="nt")
    about = {t for t in oracle.triples((URIRef(STATE + "VNM"), None, None))}  # type: ignore[attr-defined]
    assert about and about <= set(got)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", JSON_RESULTS),
        ("application/json", JSON_RESULTS),
        ("text/*", "text/csv"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        (
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
            "application/sparql-results+xml",
        ),
        ("", JSON_RESULTS),
    ],
)
def test_accept_q_values(client: httpx.Client, endpoint: Endpoint, accept: str, expected: str) -> None:
    response = send(client, endpoint, STATES, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


def test_construct_negotiation(client: httpx.Client, endpoint: Endpoint) -> None:
    response = send(
        client, endpoint, STATE_LABELS, accept="application/sparql-results+json;q=1, text/turtle;q=0.2"
    )
    assert response.headers["content-type"].startswith("text/turtle")  # JSON results cannot hold a graph


@pytest.mark.parametrize(
    ("query", "accept"), [(STATES, "text/turtle"), (STATE_LABELS, "text/csv"), (STATES, "image/png")]
)
def test_unservable_accept_is_406_listing_types(
    client: httpx.Client, endpoint: Endpoint, query: str, accept: str
) -> None:
    response = send(client, endpoint, query, accept=accept)
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("text/plain")
    assert "application/sparql-results+json" in response.text or "text/turtle" in response.text


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (STATES, "csv", "text/csv"),
        (STATES, "xml", "application/sparql-results+xml"),
        (STATE_LABELS, "xml", "application/rdf+xml"),
        (STATE_LABELS, "nt", "application/n-triples"),
        (STATES, "application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept(
    client: httpx.Client, endpoint: Endpoint, query: str, fmt: str, expected: str
) -> None:
    response = send(client, endpoint, query, accept=JSON_RESULTS, params=[("format", fmt)])
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_unknown_format_hint_leaves_accept_in_charge(client: httpx.Client, endpoint: Endpoint) -> None:
    assert (
        send(client, endpoint, STATES, params=[("format", "yaml")])
        .headers["content-type"]
        .startswith(JSON_RESULTS)
    )
    refused = send(client, endpoint, STATES, accept="text/turtle", params=[("format", "yaml")])
    assert refused.status_code == 406


def test_sparqlwrapper_style_hints(client: httpx.Client, endpoint: Endpoint) -> None:
    hints = [("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv")]
    response = send(client, endpoint, STATES, params=hints)
    assert response.headers["content-type"].startswith("text/tab-separated-values")


@pytest.mark.parametrize("method", ["get", "post-form", "post-direct"])
def test_syntax_error_is_400_with_position(client: httpx.Client, endpoint: Endpoint, method: str) -> None:
    response = send(client, endpoint, "SELECT * WHERE {\n  ?s ?p \n}", method=method)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert re.search(r"error at 3:\d+: expected", response.text)  # the parser's line:column and message
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 400),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "POST", "data": {"format": "json"}}, 400),
        ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        (
            {
                "method": "POST",
                "content": b"ASK {}",
                "params": {"query": "ASK {}"},
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
        ),
        ({"method": "PUT", "content": b"ASK {}"}, 405),
        ({"method": "GET", "params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
    ],
    ids=[
        "update-via-get",
        "two-queries",
        "no-query",
        "query-and-update",
        "wrong-media-type",
        "query-in-url-and-body",
        "put",
        "bad-graph-iri",
    ],
)
def test_malformed_protocol_requests(
    client: httpx.Client, endpoint: Endpoint, request_args: dict[str, object], status: int
) -> None:
    args = dict(request_args)
    response = client.request(str(args.pop("method")), endpoint.url, **args)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.strip()


def test_head_has_headers_without_body(client: httpx.Client, endpoint: Endpoint) -> None:
    get = send(client, endpoint, LABELS)
    head = client.head(endpoint.url, params={"query": LABELS})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)
    description = client.head(endpoint.url, headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and description.headers["content-type"].startswith("text/turtle")


def test_cors_preflight_and_exposed_headers(client: httpx.Client, endpoint: Endpoint) -> None:
    preflight = client.options(
        endpoint.url,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    simple = client.get(endpoint.url, params={"query": STATES}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "x-sparql-truncated" in simple.headers["access-control-expose-headers"].lower()


def test_gzip(client: httpx.Client, endpoint: Endpoint) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 25"
    raw = client.get(endpoint.url, params={"query": query}, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    with client.stream(
        "GET", endpoint.url, params={"query": query}, headers={"Accept-Encoding": "gzip"}
    ) as stream:
        compressed = b"".join(stream.iter_raw())
    assert len(json.loads(gzip.decompress(compressed))["results"]["bindings"]) == 25
    plain = client.get(endpoint.url, params={"query": query}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_result_cap_is_signalled(client: httpx.Client, endpoint: Endpoint, oracle: object) -> None:
    total = len(set(oracle.triples((None, None, None))))  # type: ignore[attr-defined]
    assert total > 30
    response = send(client, endpoint, "SELECT * WHERE { ?s ?p ?o }")
    body = json.loads(response.content)
    assert response.headers["x-sparql-truncated"] == "true"
    assert body["truncated"] is True
    assert len(body["results"]["bindings"]) == 30
    csv = send(client, endpoint, "SELECT * WHERE { ?s ?p ?o }", accept="text/csv")
    assert csv.headers["x-sparql-truncated"] == "true"
    assert len(list(csv_module.reader(io.StringIO(csv.text)))) == 31  # header + 30 rows
    graph = send(client, endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert graph.headers["x-sparql-truncated"] == "true" and len(graph.text.splitlines()) == 30


def test_results_under_the_cap_are_not_flagged(client: httpx.Client, endpoint: Endpoint) -> None:
    response = send(client, endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 30")
    assert "x-sparql-truncated" not in response.headers
    assert "truncated" not in json.loads(response.content)
    assert response.headers["x-sparql-rows"] == "30"


def test_body_limit(client: httpx.Client, endpoint: Endpoint) -> None:
    padding = "#" + "x" * 70_000 + "\nASK {}"
    declared = client.post(
        endpoint.url, content=padding.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(70):
            yield b"#" + b"x" * 1000 + b"\n"

    streamed = client.post(
        endpoint.url, content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert streamed.status_code == 413
    assert send(client, endpoint, "ASK {}").status_code == 200
