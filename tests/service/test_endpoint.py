"""The SPARQL 1.1 Protocol at /sparql, against the running server, once per backend: the ways to
send a query, the dataset parameters, errors, HEAD, CORS, gzip and the limits.

Answers are checked against rdflib evaluating the same query on the fixture (the `oracle`)."""

from __future__ import annotations

import csv as csv_module
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator

import httpx
import pytest

from cybertreaty.graph.store import Store
from tests.service.conftest import BACKENDS, SETTINGS, Endpoint
from tests.service.servers import AppServer
from tests.service.sparql_client import (
    ALPHA,
    BETA,
    JSON_RESULTS,
    LABELS,
    PREFIXES,
    STATE,
    STATES,
    oracle_rows,
    rows,
    send,
)


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


MAX_RESULT_BYTES = 100_000
# Ten rows of one 16,384-character value each (doubled 14 times): within the row cap of 30, over
# the size cap.
BIG_VALUES = (
    'SELECT ?n ?v WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 9 10 } BIND(CONCAT(STR(?n), "x") AS ?v0) '
    + " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(13))
    + " BIND(?v13 AS ?v) }"
)


@pytest.fixture(scope="module", params=BACKENDS)
def small_results(
    request: pytest.FixtureRequest, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> Endpoint:
    store = make_store(request.param, max_bytes=MAX_RESULT_BYTES)
    return Endpoint(request.param, serve(SETTINGS, store), store)


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "text/csv", "text/tab-separated-values"]
)
def test_size_cap_is_signalled(client: httpx.Client, small_results: Endpoint, accept: str) -> None:
    """A few huge values pass a row cap: the size cap cuts them, and says so."""
    response = send(client, small_results, BIG_VALUES, accept=accept)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["x-sparql-truncated"] == "true"
    kept = int(response.headers["x-sparql-rows"])
    assert kept == MAX_RESULT_BYTES // 16_400  # six rows fit, not seven
    assert len(response.content) <= MAX_RESULT_BYTES
    if accept.endswith("json"):
        body = json.loads(response.content)
        assert body["truncated"] is True and len(body["results"]["bindings"]) == kept


def test_size_cap_cuts_graphs(client: httpx.Client, small_results: Endpoint) -> None:
    construct = BIG_VALUES.replace("SELECT ?n ?v WHERE", "CONSTRUCT { ?s <http://e/p> ?v } WHERE", 1)
    construct = construct.replace("AS ?v) }", "AS ?v) BIND(IRI(CONCAT('http://e/', STR(?n))) AS ?s) }")
    response = send(client, small_results, construct, accept="application/n-triples")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["x-sparql-truncated"] == "true"
    assert len(response.text.splitlines()) == int(response.headers["x-sparql-rows"]) == 6


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
