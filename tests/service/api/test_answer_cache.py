"""The REST API's answer cache (cybertreaty/service/api_cache.py): one evaluation per question and
data version, a fresh answer after every accepted write, nothing cached over an external engine,
and a bounded size."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from rdflib import URIRef
from rdflib.term import Identifier
from starlette.datastructures import State

from cybertreaty.graph.store import SelectResult, Store
from cybertreaty.service import api_cache

LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
DEU = URIRef("https://w3id.org/cybertreaty/id/state/DEU")
BETA = "https://w3id.org/cybertreaty/graph/source/beta"


class Counting:
    """A store stand-in that counts its evaluations."""

    def __init__(self, kind: str, data_version: str | None) -> None:
        self.kind = kind
        self.data_version = data_version
        self.calls = 0

    def select(
        self, sparql: str, *, bindings: Mapping[str, Identifier] | None = None, max_rows: int | None = None
    ) -> SelectResult:
        self.calls += 1
        return SelectResult(("n",), [{"n": URIRef(f"x:{self.calls}")}], False, 0.0)


def request_over(store: Any) -> Any:
    return SimpleNamespace(app=SimpleNamespace(state=State({"store": store})))


def ask(request: Any, sparql: str = LABELS, bindings: Mapping[str, Identifier] | None = None) -> SelectResult:
    return asyncio.run(api_cache.select(request, sparql, bindings, 100))


def test_one_evaluation_per_question_and_version() -> None:
    store = Counting("embedded", "version-1")
    request = request_over(store)
    first = ask(request, bindings={"s": DEU})
    assert ask(request, bindings={"s": DEU}) is first and store.calls == 1
    ask(request, bindings={"s": URIRef("https://w3id.org/cybertreaty/id/state/FRA")})
    ask(request, sparql=LABELS + " LIMIT 1", bindings={"s": DEU})
    assert store.calls == 3  # other bindings, other text: other questions
    store.data_version = "version-2"  # an accepted write moved the store to new data
    assert ask(request, bindings={"s": DEU}) is not first and store.calls == 4


def test_nothing_is_cached_over_an_external_engine() -> None:
    store = Counting("remote", None)
    request = request_over(store)
    ask(request)
    ask(request)
    assert store.calls == 2


def test_the_cache_is_bounded() -> None:
    cache = api_cache.AnswerCache(max_rows=5)
    row: dict[str, Identifier] = {"n": URIRef("x:1")}
    for key in range(4):
        cache.put(key, SelectResult(("n",), [row], False, 0.0))  # 2 rows each with its overhead
    assert [k for k in range(4) if cache.get(k) is not None] == [2, 3]
    cache.put("huge", SelectResult(("n",), [row] * 10, False, 0.0))
    assert cache.get("huge") is None and cache.get(3) is not None


def test_a_write_is_seen_at_once(make_store: Callable[..., Store]) -> None:
    """Over a real writable embedded store: a committed update changes the data version, so the
    cached answer from before the write is never served again."""
    store = make_store("embedded", writable=True, update_timeout=60)
    request = request_over(store)
    before = [str(r["label"]) for r in ask(request, LABELS, {"s": DEU}).rows]
    assert "Allemagne" not in before
    label = f'<{DEU}> <http://www.w3.org/2000/01/rdf-schema#label> "Allemagne"@fr'
    store.update(f"INSERT DATA {{ GRAPH <{BETA}> {{ {label} }} }}")
    after = [str(r["label"]) for r in ask(request, LABELS, {"s": DEU}).rows]
    assert after == sorted([*before, "Allemagne"])
