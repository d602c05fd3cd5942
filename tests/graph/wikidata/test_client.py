"""The endpoint client against a scripted loopback server: retries with back-off on 429 and 503,
Retry-After honoured (in seconds or as a date), a bounded number of attempts, our User-Agent.
Waits are recorded instead of slept, so the tests are fast and the delays can be asserted."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import pytest

from cybertreaty.graph.wikidata.client import (
    USER_AGENT,
    EndpointError,
    RetryPolicy,
    delay,
    select,
    with_values,
)
from tests.graph.wikidata.servers import Scripted

POLICY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.5, timeout=5)
QUERY = "SELECT ?x WHERE { ?s ?p ?x }"


@pytest.fixture
def waits() -> list[float]:
    return []


def serve(statuses: list[int], retry_after: str | None = None) -> Iterator[Scripted]:
    server = Scripted(statuses, retry_after)
    yield server
    server.close()


@pytest.fixture
def busy_once() -> Iterator[Scripted]:
    yield from serve([429])


@pytest.fixture
def unavailable() -> Iterator[Scripted]:
    yield from serve([503, 503, 503, 503, 503])


@pytest.fixture
def asks_to_wait() -> Iterator[Scripted]:
    yield from serve([503, 429], retry_after="2")


@pytest.fixture
def asks_too_much() -> Iterator[Scripted]:
    yield from serve([429], retry_after="3600")


@pytest.fixture
def refuses() -> Iterator[Scripted]:
    yield from serve([403])


def test_a_429_is_retried_and_the_answer_read(busy_once: Scripted, waits: list[float]) -> None:
    assert select(busy_once.url, QUERY, policy=POLICY, sleep=waits.append) == [{"x": "ok"}]
    assert waits == [0.01]
    assert busy_once.agents == [USER_AGENT, USER_AGENT]
    assert USER_AGENT.startswith("cybertreaty/")


def test_back_off_doubles_and_attempts_are_bounded(unavailable: Scripted, waits: list[float]) -> None:
    with pytest.raises(EndpointError, match="still answered HTTP 503 after 4 attempts"):
        select(unavailable.url, QUERY, policy=POLICY, sleep=waits.append)
    assert waits == [0.01, 0.02, 0.04]
    assert len(unavailable.agents) == 4


def test_retry_after_in_seconds_is_honoured(asks_to_wait: Scripted, waits: list[float]) -> None:
    patient = RetryPolicy(attempts=4, base_delay=0.01, max_delay=5, timeout=5)
    assert select(asks_to_wait.url, QUERY, policy=patient, sleep=waits.append) == [{"x": "ok"}]
    assert waits == [2.0, 2.0]  # what the server asked for, not our own back-off


def test_a_retry_after_longer_than_the_policy_allows_gives_up(
    asks_too_much: Scripted, waits: list[float]
) -> None:
    with pytest.raises(EndpointError, match="asks to retry after 3600 s"):
        select(asks_too_much.url, QUERY, policy=POLICY, sleep=waits.append)
    assert waits == [] and len(asks_too_much.agents) == 1


def test_other_errors_are_not_retried(refuses: Scripted, waits: list[float]) -> None:
    with pytest.raises(EndpointError, match="answered HTTP 403"):
        select(refuses.url, QUERY, policy=POLICY, sleep=waits.append)
    assert waits == [] and len(refuses.agents) == 1


def test_an_unreachable_endpoint_is_an_endpoint_error() -> None:
    server = Scripted([])
    url = server.url
    server.close()
    with pytest.raises(EndpointError, match="failed"):
        select(url, QUERY, policy=POLICY, sleep=lambda _: None)


def test_real_waits_are_short_with_a_short_policy(busy_once: Scripted) -> None:
    started = time.monotonic()
    assert select(busy_once.url, QUERY, policy=POLICY) == [{"x": "ok"}]
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("retry_after", "attempt", "expected"),
    [(None, 0, 0.01), (None, 2, 0.04), (None, 10, 0.5), ("0", 3, 0.0), ("1", 0, 0.0 + 1), ("soon", 1, 0.02)],
    ids=["first", "third", "capped", "zero", "seconds", "unreadable"],
)
def test_delay(retry_after: str | None, attempt: int, expected: float) -> None:
    policy = RetryPolicy(base_delay=0.01, max_delay=0.5) if retry_after != "1" else RetryPolicy(max_delay=5)
    assert delay(retry_after, attempt, policy) == pytest.approx(expected)


def test_delay_reads_an_http_date() -> None:
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= delay(soon, 0, RetryPolicy(max_delay=60)) <= 30
    with pytest.raises(EndpointError, match="longer than the 10 s"):
        delay(soon, 0, RetryPolicy(max_delay=10))


def test_values_are_bound_as_item_iris_only() -> None:
    bound = with_values("SELECT ?s WHERE { ?s ?p ?o }", "s", ["Q881", "Q43", "Q881"])
    assert bound == (
        "SELECT ?s WHERE { VALUES ?s { <http://www.wikidata.org/entity/Q43> "
        "<http://www.wikidata.org/entity/Q881> }  ?s ?p ?o }"
    )
    with pytest.raises(ValueError, match="not a Wikidata item id"):
        with_values("SELECT ?s WHERE { ?s ?p ?o }", "s", ["Q1> } ?s ?p ?o . { <x"])
