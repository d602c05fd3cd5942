"""HTTP validators on /sparql (service/http_cache.py): a GET or HEAD answer over the embedded
store carries a weak ETag named by the data's version and the request; If-None-Match gets a 304
without running the query; an update changes the tag. Answers that may differ at the next
evaluation (an external engine's data, NOW(), RAND(), SERVICE) carry none."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from cybertreaty.graph.store import Store
from tests.service.conftest import SETTINGS, TOKEN, Endpoint
from tests.service.servers import AppServer
from tests.service.sparql_client import BETA, LABELS, PREFIXES, STATE_LABELS, STATES, send

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"


def revalidate(client: httpx.Client, url: str, query: str, held: str, method: str = "GET") -> httpx.Response:
    return client.request(method, url, params={"query": query}, headers={"If-None-Match": held})


@pytest.mark.parametrize("query", [LABELS, STATE_LABELS], ids=["select", "construct"])
def test_answers_are_tagged_and_revalidated(client: httpx.Client, endpoint: Endpoint, query: str) -> None:
    first = send(client, endpoint, query)
    assert first.status_code == 200
    if endpoint.backend == "remote":  # the engine's data may change behind our back
        assert "etag" not in first.headers
        assert revalidate(client, endpoint.url, query, "*").status_code == 200
        return
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    assert send(client, endpoint, query).headers["etag"] == tag  # the same answer, the same tag
    for held in (tag, f'"other", {tag.removeprefix("W/")}', "*"):  # weak comparison, lists, any
        for method in ("GET", "HEAD"):
            again = revalidate(client, endpoint.url, query, held, method)
            assert again.status_code == 304 and again.content == b"", (held, method)
            assert again.headers["etag"] == tag and "Accept" in again.headers["vary"]
    assert revalidate(client, endpoint.url, query, 'W/"other"').status_code == 200
    assert client.head(endpoint.url, params={"query": query}).headers["etag"] == tag


@pytest.fixture(scope="module")
def embedded(make_store: Callable[..., Store], serve: Callable[..., AppServer]) -> str:
    """An endpoint over the embedded store, whose answers are tagged."""
    return serve(SETTINGS, make_store("embedded")).sparql


@pytest.mark.parametrize(
    ("change", "request_args"),
    [
        ("another format", {"headers": {"Accept": "text/csv"}}),
        ("a format parameter", {"params": {"query": LABELS, "format": "xml"}}),
        ("a dataset", {"params": {"query": LABELS, "default-graph-uri": BETA}}),
        ("another query", {"params": {"query": LABELS + " LIMIT 3"}}),
    ],
)
def test_what_changes_the_answer_changes_the_tag(
    client: httpx.Client, embedded: str, change: str, request_args: dict[str, object]
) -> None:
    tag = client.get(embedded, params={"query": LABELS}).headers["etag"]
    args: dict[str, object] = {"params": {"query": LABELS}, **request_args}
    other = client.get(embedded, **args)  # type: ignore[arg-type]
    assert other.status_code == 200 and other.headers["etag"] != tag, change


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (NOW() AS ?t) WHERE {}",
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        PREFIXES + "SELECT * WHERE { ?s a ct:State }  # " + "x" * 5000,  # too long to lex in the loop
    ],
    ids=["now", "rand", "struuid", "long"],
)
def test_answers_that_may_change_carry_no_tag(client: httpx.Client, endpoint: Endpoint, query: str) -> None:
    response = send(client, endpoint, query)
    assert response.status_code == 200 and "etag" not in response.headers
    assert revalidate(client, endpoint.url, query, "*").status_code == 200


def test_post_answers_carry_no_tag(client: httpx.Client, endpoint: Endpoint) -> None:
    response = send(client, endpoint, STATES, method="post-form")
    assert response.status_code == 200 and "etag" not in response.headers


def test_revalidation_runs_no_query(
    client: httpx.Client, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> None:
    """With the one query slot taken by a runaway query, a new query is refused (503) while a
    revalidation is answered: a 304 needs no worker."""
    store = make_store("embedded", query_timeout=5.0, max_concurrent=1)
    url = serve(SETTINGS, store).sparql
    tag = client.get(url, params={"query": LABELS}).headers["etag"]
    runaway = threading.Thread(target=lambda: httpx.get(url, params={"query": RUNAWAY}, timeout=30))
    runaway.start()
    time.sleep(0.5)
    try:
        assert client.get(url, params={"query": LABELS}).status_code == 503  # busy
        assert revalidate(client, url, LABELS, tag).status_code == 304
    finally:
        runaway.join(30)


def test_an_update_changes_the_tag(
    client: httpx.Client, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> None:
    store = make_store("embedded", writable=True, update_timeout=60)
    url = serve(dataclasses.replace(SETTINGS, update_token=TOKEN), store).sparql
    before = client.get(url, params={"query": LABELS})
    tag = before.headers["etag"]
    label = PREFIXES + f'INSERT DATA {{ GRAPH <{BETA}> {{ state:DEU rdfs:label "Allemagne"@fr }} }}'
    done = client.post(url, data={"update": label}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert done.status_code == 204, done.text
    after = revalidate(client, url, LABELS, tag)
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert b"Allemagne" in after.content and b"Allemagne" not in before.content


def test_if_none_match_any_needs_an_answer(client: httpx.Client, embedded: str) -> None:
    """``If-None-Match: *`` asks whether an answer exists: a query in error has none."""
    broken = revalidate(client, embedded, "SELECT * WHERE {", "*")
    assert broken.status_code == 400 and "syntax error" in broken.text
    assert revalidate(client, embedded, LABELS, "*").status_code == 304
