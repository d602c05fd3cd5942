"""Sending queries to the endpoint under test the three ways the protocol allows, and reading
answers back with rdflib's parsers (independent of ours)."""

from __future__ import annotations

import io
from typing import Any, cast

import httpx
from rdflib import Dataset as RdflibDataset
from rdflib import Graph
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
