"""Result formats and content negotiation at /sparql, once per backend: every format parsed back
by an independent parser (rdflib's), Accept q-values, 406, and the `format` parameter."""

from __future__ import annotations

import io
from typing import Any, cast

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from rdflib.query import Result

from tests.service.conftest import Endpoint
from tests.service.sparql_client import (
    CT,
    JSON_RESULTS,
    LABELS,
    PREFIXES,
    STATE,
    STATE_LABELS,
    STATES,
    oracle_rows,
    parse_graph,
    rows,
    send,
)


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
