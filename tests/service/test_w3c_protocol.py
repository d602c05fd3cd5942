"""The W3C SPARQL 1.1 Protocol suite (34 cases) and Service Description suite (3 cases), replayed
over real HTTP against the running server. The cases are transcribed in protocol/cases.py.

Two servers, each on its own store built from the suite's data files (the kasei.us graphs under
their original IRIs, since there is no network): a read-only one for the query cases, and one with
updates enabled (bearer token, update directory) for the update cases. Every update case starts by
clearing what it uses, so they can share a store.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.store import Store
from cybertreaty.settings import Settings
from tests.service.protocol.cases import (
    KASEI_GRAPHS,
    PROTOCOL_CASES,
    SERVICE_DESCRIPTION_CASES,
    ProtocolCase,
    Request,
    ServiceDescriptionCase,
)
from tests.service.servers import AppServer
from tests.service.validator import REFERENCE as VALIDATOR

DATA = Path(__file__).parent / "protocol" / "data"
ENDPOINT_PATH = "/sparql"
UPDATE_TOKEN = "w3c-protocol-suite-token"

# The manifests' entries, in their order: a case dropped from cases.py fails the count below.
MANIFEST_PROTOCOL_ENTRIES = 34
MANIFEST_SERVICE_DESCRIPTION_ENTRIES = 3

# Cases this server cannot run, with the reason. Each is skipped with that reason, after checking
# that the server still refuses its first request as documented (so the reason stays true: a server
# that starts supporting the case fails here until the entry is removed). Nothing else is skipped:
# test_skipped_cases_are_exactly_the_listed_ones checks it.
NOT_RUNNABLE: dict[str, str] = {}
REFUSAL = "using-graph-uri and using-named-graph-uri are not supported"
OUTCOMES: dict[str, str] = {}  # case name -> "skipped" or "run", for the check at the end

SPARQL_RESULTS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = set(SPARQL_RESULTS) | {"text/csv"}
# "expect one of: RDF/XML, Turtle, N-Triples, RDFa" (the manifest's words for DESCRIBE/CONSTRUCT)
RDF_TYPES = {
    "text/turtle": pyoxigraph.RdfFormat.TURTLE,
    "application/n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "application/rdf+xml": pyoxigraph.RdfFormat.RDF_XML,
}


def kasei_quads() -> list[pyoxigraph.Quad]:
    quads = []
    for graph in KASEI_GRAPHS:
        name = pyoxigraph.NamedNode(graph.name)
        for triple in pyoxigraph.parse(path=DATA / graph.file, format=pyoxigraph.RdfFormat.N_TRIPLES):
            quads.append(pyoxigraph.Quad(triple.subject, triple.predicate, triple.object, name))
    return quads


@pytest.fixture(scope="module")
def query_server(serve: Callable[[Settings, Store], AppServer]) -> Iterator[str]:
    store = EmbeddedStore.from_quads(kasei_quads(), workers=1)
    yield serve(Settings(workers=1), store).base
    store.close()


@pytest.fixture(scope="module")
def update_server(
    serve: Callable[[Settings, Store], AppServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    updates = tmp_path_factory.mktemp("w3c-updates")
    store = EmbeddedStore.from_quads(kasei_quads(), workers=1, update_dir=updates, validator=VALIDATOR)
    yield serve(Settings(workers=1, update_token=UPDATE_TOKEN), store).base
    store.close()


def send(client: httpx.Client, request: Request) -> httpx.Response:
    """Replay one ht:Request: the manifest's /sparql/ path prefix is rewritten to our endpoint."""
    assert request.path.startswith("/sparql/")
    path = ENDPOINT_PATH + request.path.removeprefix("/sparql/")  # "" or "?query=..."
    headers = dict(request.headers)
    # Updates need the token; sent on every request, so a 4xx below is the protocol error the case
    # is about, never a missing credential.
    headers["Authorization"] = f"Bearer {UPDATE_TOKEN}"
    body = None if request.body is None else request.body.encode(request.body_encoding.lower())
    return client.request(request.method, path, headers=headers, content=body)


def describe(request: Request, response: httpx.Response) -> str:
    """The exchange, for a failure message the lead can act on."""
    sent = f"{request.method} {request.path}\n  headers: {request.headers}\n  body: {request.body!r}"
    answered = f"{response.status_code} {response.headers.get('content-type')}\n  {response.text[:800]!r}"
    return f"\n  request: {sent}\n  response: {answered}"


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def check_boolean(response: httpx.Response, expected: bool | None) -> None:
    kind = media_type(response)
    assert kind in BOOLEAN_TYPES, f"an ASK result, got {kind!r}"
    answer = pyoxigraph.parse_query_results(response.content, SPARQL_RESULTS[kind])
    assert isinstance(answer, pyoxigraph.QueryBoolean)
    if expected is not None:
        assert bool(answer) is expected


def check_tabular(response: httpx.Response) -> None:
    kind = media_type(response)
    assert kind in TABULAR_TYPES, f"a SELECT result (XML, JSON, CSV or TSV), got {kind!r}"
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["value"] and len(rows) == 2
        return
    answer = pyoxigraph.parse_query_results(response.content, SPARQL_RESULTS[kind])
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    assert [v.value for v in answer.variables] == ["value"]
    assert len(list(answer)) == 1


def check_rdf(response: httpx.Response) -> None:
    kind = media_type(response)
    assert kind in RDF_TYPES, f"RDF/XML, Turtle or N-Triples, got {kind!r}"
    list(pyoxigraph.parse(response.content, format=RDF_TYPES[kind]))  # raises if it is not RDF


def check(request: Request, response: httpx.Response) -> None:
    assert response.status_code // 100 in request.expected_status, "unexpected status"
    if request.expected_status == (4,):
        # A 401/403 would mean the token was refused, not that the protocol error was detected.
        assert response.status_code not in (401, 403), "refused as unauthorised, not as a protocol error"
    if request.expected_format == "boolean":
        check_boolean(response, request.expected_boolean)
    elif request.expected_format == "tabular":
        check_tabular(response)
    elif request.expected_format == "RDF":
        check_rdf(response)


@pytest.mark.parametrize("case", PROTOCOL_CASES, ids=lambda c: c.name)
def test_protocol_case(case: ProtocolCase, request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue("update_server" if case.is_update else "query_server")
    with httpx.Client(base_url=base, timeout=60) as client:
        if case.name in NOT_RUNNABLE:
            refused = send(client, case.requests[0])
            assert refused.status_code == 400 and REFUSAL in refused.text, describe(case.requests[0], refused)
            OUTCOMES[case.name] = "skipped"
            pytest.skip(NOT_RUNNABLE[case.name])
        OUTCOMES[case.name] = "run"
        for step in case.requests:
            response = send(client, step)
            try:
                check(step, response)
            except AssertionError as failure:
                raise AssertionError(
                    f"{case.name} ({case.title}): {failure}{describe(step, response)}"
                ) from None


# --- Service Description ------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
# What an RDF client asks for (the W3C validator parsed whatever RDF it was given).
SD_ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/n-triples;q=0.8"


def service_description(base: str) -> tuple[str, pyoxigraph.Store]:
    url = base + ENDPOINT_PATH
    response = httpx.get(url, headers={"Accept": SD_ACCEPT}, timeout=60)
    assert response.status_code == 200, describe(Request("GET", "/sparql/"), response)
    kind = media_type(response)
    assert kind in RDF_TYPES, f"the service description is RDF, got {kind!r}"
    graph = pyoxigraph.Store()
    graph.load(response.content, format=RDF_TYPES[kind], base_iri=url)
    return url, graph


def _returns_rdf(url: str, graph: pyoxigraph.Store) -> None:
    assert len(graph) > 0


def _has_endpoint_triple(url: str, graph: pyoxigraph.Store) -> None:
    endpoint = pyoxigraph.NamedNode(SD + "endpoint")
    assert list(graph.quads_for_pattern(None, endpoint, pyoxigraph.NamedNode(url))), (
        f"no ?s sd:endpoint <{url}>"
    )


def _conforms_to_schema(url: str, graph: pyoxigraph.Store) -> None:
    # The W3C validator's check: every sd:NamedGraph has an sd:name.
    named_graphs = {
        q.subject for q in graph.quads_for_pattern(None, RDF_TYPE, pyoxigraph.NamedNode(SD + "NamedGraph"))
    }
    unnamed = [
        g
        for g in named_graphs
        if not list(graph.quads_for_pattern(g, pyoxigraph.NamedNode(SD + "name"), None))
    ]
    assert not unnamed, f"sd:NamedGraph without sd:name: {unnamed}"


SD_CHECKS: dict[str, Callable[[str, pyoxigraph.Store], None]] = {
    "returns-rdf": _returns_rdf,
    "has-endpoint-triple": _has_endpoint_triple,
    "conforms-to-schema": _conforms_to_schema,
}


@pytest.mark.parametrize("case", SERVICE_DESCRIPTION_CASES, ids=lambda c: c.name)
def test_service_description_case(case: ServiceDescriptionCase, query_server: str) -> None:
    url, graph = service_description(query_server)
    SD_CHECKS[case.name](url, graph)


# --- the suite is complete ---------------------------------------------------------------------


def test_every_case_of_both_manifests_is_here() -> None:
    assert len(PROTOCOL_CASES) == MANIFEST_PROTOCOL_ENTRIES
    assert len({c.name for c in PROTOCOL_CASES}) == MANIFEST_PROTOCOL_ENTRIES
    assert len(SERVICE_DESCRIPTION_CASES) == MANIFEST_SERVICE_DESCRIPTION_ENTRIES
    assert {c.name for c in SERVICE_DESCRIPTION_CASES} == set(SD_CHECKS)
    assert set(NOT_RUNNABLE) <= {c.name for c in PROTOCOL_CASES}
    assert sum(len(c.requests) for c in PROTOCOL_CASES) == 39  # the 5 update cases with a follow-up ASK


def test_skipped_cases_are_exactly_the_listed_ones() -> None:
    """Runs after the cases (pytest keeps definition order): of the cases that ran in this session,
    exactly those in NOT_RUNNABLE were skipped."""
    skipped = {name for name, outcome in OUTCOMES.items() if outcome == "skipped"}
    assert skipped == set(NOT_RUNNABLE) & set(OUTCOMES)
