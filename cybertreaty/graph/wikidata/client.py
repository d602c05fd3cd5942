"""Asking a Wikidata-shaped SPARQL endpoint (the Wikidata Query Service, or a local stand-in).

Requests go through SPARQLWrapper with a User-Agent that names this project (the Wikimedia
User-Agent policy asks for one), a timeout, and retries with exponential back-off when the
endpoint answers 429 (too many requests) or 503 (unavailable). A ``Retry-After`` header is
honoured; if it asks for a longer wait than the policy allows, the client gives up at once rather
than hold a terminal for an hour.
"""

from __future__ import annotations

import email.utils
import math
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from cybertreaty import __version__
from cybertreaty.errors import UpstreamError
from cybertreaty.graph.sparql_text import where_group_start
from cybertreaty.graph.wikidata.shape import QID, WD

USER_AGENT = f"cybertreaty/{__version__} (https://w3id.org/cybertreaty/; comparison with Wikidata)"
RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # requests in all, the first included
    base_delay: float = 1.0  # seconds before the first retry; doubles with each retry
    max_delay: float = 60.0  # the longest wait; a longer Retry-After makes the client give up
    timeout: float = 60.0  # seconds for one request


DEFAULT_POLICY = RetryPolicy()


class EndpointError(UpstreamError):
    """The endpoint could not be reached, refused the query, or kept answering 429/503."""


Sleep = Callable[[float], None]


def select(
    endpoint: str, sparql: str, *, policy: RetryPolicy = DEFAULT_POLICY, sleep: Sleep | None = None
) -> list[dict[str, str]]:
    """The rows of a SELECT as {variable: value}, unbound variables left out. ``sleep`` waits
    between attempts (time.sleep unless a test passes its own)."""
    wait = sleep or time.sleep
    for attempt in range(policy.attempts):
        try:
            return _rows(_ask(endpoint, sparql, policy.timeout))
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_STATUSES:
                raise EndpointError(f"{endpoint} answered HTTP {error.code}: {error.reason}") from None
            if attempt + 1 == policy.attempts:
                raise EndpointError(
                    f"{endpoint} still answered HTTP {error.code} after {policy.attempts} attempts"
                ) from None
            wait(delay(error.headers.get("Retry-After"), attempt, policy, endpoint))
        except (SPARQLWrapperException, urllib.error.URLError, OSError, ValueError) as error:
            raise EndpointError(f"asking {endpoint} failed: {error}") from None
    raise AssertionError("unreachable: the loop returns or raises")


def delay(
    retry_after: str | None, attempt: int, policy: RetryPolicy, endpoint: str = "the endpoint"
) -> float:
    """Seconds to wait before retry number ``attempt + 1``: what Retry-After asks (in seconds or as
    an HTTP date), else base_delay doubled per earlier retry, never more than max_delay."""
    backoff = min(policy.base_delay * 2.0**attempt, policy.max_delay)
    asked = _retry_after_seconds(retry_after)
    if asked is None:
        return backoff
    if asked > policy.max_delay:
        raise EndpointError(
            f"{endpoint} asks to retry after {asked:.0f} s, longer than the {policy.max_delay:.0f} s "
            "this client waits; try again later"
        )
    return asked


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # an unreadable header: fall back to our own back-off
    return max(0.0, when.timestamp() - time.time())


def _ask(endpoint: str, sparql: str, timeout: float) -> Any:
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(sparql)
    client.setMethod(POST)  # long VALUES blocks would make a GET URL too long
    client.setReturnFormat(JSON)
    client.setOnlyConneg(True)  # ask by Accept header only, no engine-specific format parameters
    client.setTimeout(max(1, math.ceil(timeout)))  # SPARQLWrapper takes whole seconds; 0 would mean none
    return client.queryAndConvert()


def _rows(answer: Any) -> list[dict[str, str]]:
    try:
        bindings = answer["results"]["bindings"]
        return [{name: cell["value"] for name, cell in row.items()} for row in bindings]
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a SPARQL JSON SELECT result ({error})") from None


def with_values(sparql: str, variable: str, qids: Sequence[str]) -> str:
    """The query with ``VALUES ?variable { wd:Q… }`` at the start of its WHERE group.

    Each QID is checked against the QID pattern and written by pyoxigraph as an IRI, so nothing but
    a well-formed item IRI can enter the query text."""
    offset = where_group_start(sparql)
    if offset is None or not variable.isidentifier():
        raise ValueError(f"cannot bind ?{variable}: the query has no WHERE group or the name is not valid")
    for qid in qids:
        if not QID.fullmatch(qid):
            raise ValueError(f"not a Wikidata item id: {qid!r}")
    terms = " ".join(str(ox.NamedNode(WD + qid)) for qid in sorted(set(qids)))
    return f"{sparql[:offset]} VALUES ?{variable} {{ {terms} }} {sparql[offset:]}"
