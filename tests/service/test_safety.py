"""A public endpoint is attacked: time limit, concurrency limit, and no outbound requests.

Each backend gets its own server here, since these tests kill query workers on purpose."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.store import Store
from tests.service.conftest import BACKENDS, SETTINGS, TOKEN, Endpoint, needs_oxigraph
from tests.service.servers import SIMPLE, AppServer, Canary, OxigraphServer, recovered

# Six-way cartesian product of ~50 triples with an aggregate: ~10^10 rows, far beyond 1 s.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"


@pytest.fixture(scope="module", params=BACKENDS)
def limited(
    request: pytest.FixtureRequest, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> Endpoint:
    store = make_store(request.param)
    return Endpoint(request.param, serve(SETTINGS, store), store)


def test_runaway_query_is_stopped_while_others_are_answered(client: httpx.Client, limited: Endpoint) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(limited.url, params={"query": RUNAWAY}, timeout=30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    meanwhile = client.get(limited.url, params={"query": SIMPLE})
    assert meanwhile.status_code == 200 and b"true" in meanwhile.content
    assert thread.is_alive()  # the simple query did not wait for the runaway one
    thread.join(30)
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == (503 if limited.backend == "embedded" else 504)
    assert "time limit" in response.text or "did not answer within" in response.text
    assert float(outcome["seconds"]) < SETTINGS.query_timeout + 2  # type: ignore[arg-type]
    assert recovered(client, limited.url)


def test_abandoned_query_stops_and_frees_its_worker(
    fixture_quads: list[ox.Quad], serve: Callable[..., AppServer]
) -> None:
    """A client that gives up on a long query (closes the connection) stops it: with one worker
    and a 30 s time limit, the next query is answered within seconds instead of after the limit."""
    store = EmbeddedStore.from_quads(fixture_quads, workers=1, query_timeout=30)
    try:
        url = serve(dataclasses.replace(SETTINGS, workers=1, query_timeout=30), store).sparql
        for _ in range(2):  # the second finds the first's worker replaced
            with pytest.raises(httpx.ReadTimeout):
                httpx.get(url, params={"query": RUNAWAY}, timeout=1.0)
            started = time.monotonic()
            answer = httpx.get(url, params={"query": SIMPLE}, timeout=20)
            assert answer.status_code == 200 and b"true" in answer.content
            assert time.monotonic() - started < 5
    finally:
        store.close()


def test_client_leaving_while_waiting_for_a_worker_loses_no_worker(
    fixture_quads: list[ox.Quad], serve: Callable[..., AppServer]
) -> None:
    """A query waiting for a busy pool whose client goes away must not take the next free worker
    with it: the pool (of one) still answers afterwards."""
    store = EmbeddedStore.from_quads(fixture_quads, workers=1, query_timeout=3)
    try:
        url = serve(dataclasses.replace(SETTINGS, workers=1, query_timeout=3), store).sparql
        busy: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: busy.setdefault("runaway", httpx.get(url, params={"query": RUNAWAY}, timeout=20))
        )
        thread.start()
        time.sleep(0.3)
        with pytest.raises(httpx.ReadTimeout):  # waits for the one worker, then gives up
            httpx.get(url, params={"query": SIMPLE}, timeout=1.0)
        thread.join(20)
        assert busy["runaway"].status_code == 503
        answer = httpx.get(url, params={"query": SIMPLE}, timeout=20)
        assert answer.status_code == 200 and b"true" in answer.content
    finally:
        store.close()


# Request bodies that take seconds of server CPU to read or lex before any worker sees them: a
# million tiny tokens, and a percent-encoded form. Each once held the event loop, so that every
# other client waited (6-20 s for 10 MB bodies).
LONG_TEXTS = {
    "tiny-tokens": ("application/sparql-query", ("ASK {" + " a" * 4_900_000 + "}").encode()),
    "percent-encoded": ("application/x-www-form-urlencoded", b"query=ASK+%7B" + b"%20a" * 2_400_000 + b"%7D"),
}


@pytest.fixture(scope="module", params=BACKENDS)
def roomy(
    request: pytest.FixtureRequest, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> Endpoint:
    """Bodies up to 12 MB, and 2 s to check and run each query."""
    store = make_store(request.param, query_timeout=2.0)
    settings = dataclasses.replace(SETTINGS, max_body_bytes=12_000_000, query_timeout=2.0)
    return Endpoint(request.param, serve(settings, store), store)


@pytest.mark.parametrize("name", LONG_TEXTS)
def test_long_request_texts_do_not_hold_up_other_requests(
    client: httpx.Client, roomy: Endpoint, name: str
) -> None:
    content_type, body = LONG_TEXTS[name]
    outcome: dict[str, httpx.Response] = {}

    def long_one() -> None:
        headers = {"Content-Type": content_type}
        outcome["response"] = httpx.post(roomy.url, content=body, headers=headers, timeout=60)

    thread = threading.Thread(target=long_one)
    thread.start()
    time.sleep(0.3)  # the body is on its way or being read
    waits = []
    while thread.is_alive():
        started = time.monotonic()
        answer = client.get(roomy.url, params={"query": SIMPLE})
        waits.append(time.monotonic() - started)
        assert answer.status_code == 200 and b"true" in answer.content
        time.sleep(0.05)
    thread.join()
    assert len(waits) >= 3, f"the long request was over after {len(waits)} others"
    assert max(waits) < 1.0, f"another query waited {max(waits):.1f} s"
    response = outcome["response"]
    # A syntax error if checked in time (pyoxigraph then refuses it), else the time limit's 503.
    assert response.status_code in (400, 503), response.text[:200]
    if response.status_code == 503:
        assert "still being checked when the time limit of 2 s passed" in response.text
    assert recovered(client, roomy.url)


def test_concurrency_limit(client: httpx.Client, limited: Endpoint) -> None:
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def fire() -> None:
        response = httpx.get(limited.url, params={"query": RUNAWAY}, timeout=30)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    busy = [r for r in responses if r.headers.get("retry-after") == "1"]
    assert len(responses) == 6
    assert len(busy) == 6 - SETTINGS.max_concurrent_queries
    assert all(r.status_code == 503 and "Too many queries" in r.text for r in busy)
    assert all(r.status_code in (503, 504) for r in responses)
    assert recovered(client, limited.url)


OUTBOUND = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX c: <{base}> SELECT * WHERE {{ service c:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "ASK {{ ?s ?p true SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
]


@pytest.mark.parametrize(
    "template", OUTBOUND, ids=["plain", "silent", "prefixed", "variable", "glued", "subquery"]
)
def test_service_is_refused_and_never_contacted(
    client: httpx.Client, endpoint: Endpoint, canary: Canary, template: str
) -> None:
    query = template.format(url=canary.url, base=canary.url.removesuffix("sparql"))
    response = client.get(endpoint.url, params={"query": query})
    assert response.status_code == 403
    assert "not allowed" in response.text and "allowlist" in response.text
    assert canary.hits == []


def test_mentions_of_service_are_not_refused(
    client: httpx.Client, endpoint: Endpoint, canary: Canary
) -> None:
    mention = f"SERVICE <{canary.url}>"
    query = f'SELECT * WHERE {{ ?s <http://example.org/service> "{mention} {{}}" }} # {mention}'
    assert client.get(endpoint.url, params={"query": query}).status_code == 200
    from_clause = client.get(
        endpoint.url, params={"query": f"SELECT * FROM <{canary.url}> WHERE {{ ?s ?p ?o }}"}
    )
    assert from_clause.status_code == 200  # FROM names a graph of the store; it is never fetched
    assert canary.hits == []


@needs_oxigraph
@pytest.mark.external
def test_allowlisted_service_is_called(
    client: httpx.Client,
    make_store: Callable[..., Store],
    serve: Callable[..., AppServer],
    start_oxigraph: Callable[[], OxigraphServer],
) -> None:
    remote = start_oxigraph()
    server = serve(SETTINGS, make_store("embedded", allowlist=(remote.query_url,)))
    state = "<https://w3id.org/cybertreaty/ontology#State>"
    query = f"SELECT ?s WHERE {{ SERVICE <{remote.query_url}> {{ ?s a {state} }} }}"
    response = client.get(server.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert sorted(response.text.split()[1:]) == [
        f"https://w3id.org/cybertreaty/id/state/{c}" for c in ("DEU", "FRA", "VNM")
    ]
    description = client.get(server.sparql, headers={"Accept": "application/n-triples"}).text
    assert "BasicFederatedQuery" in description


@pytest.mark.parametrize("backend", BACKENDS)
def test_load_in_an_update_is_refused(
    client: httpx.Client,
    make_store: Callable[..., Store],
    serve: Callable[..., AppServer],
    canary: Canary,
    backend: str,
) -> None:
    settings = dataclasses.replace(SETTINGS, update_token=TOKEN)
    server = serve(settings, make_store(backend, writable=True))
    for update in (f"LOAD <{canary.url}>", f"LOAD SILENT <{canary.url}> INTO GRAPH <http://example.org/g>"):
        response = client.post(
            server.sparql, data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 403
        assert "LOAD" in response.text
    assert canary.hits == []
