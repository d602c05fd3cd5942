"""A cache of the REST API's query answers, for the embedded store.

The API asks a small set of fixed questions (named queries with typed parameters), and the
embedded store changes only when this server accepts a write, which moves it to a new store
generation with a new data version (Store.data_version). An answer is kept under the version it was
read from, so a write makes every older answer unreachable at once; nothing can be served stale.
With an external engine the data may change behind our back (it has no version), so nothing is
cached there.

Measured on the real graph (bench/load.py, 2 cores, 8 clients): the answers cost 20-60 ms of query
evaluation each, which kept the API's p99 latency above 200 ms; served from here, an answer costs
only its rendering.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from fastapi import Request
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from cybertreaty.graph.store import SelectResult, Store

MAX_ROWS = 200_000  # rows kept over all answers; the least recently used go first


class AnswerCache:
    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self._answers: OrderedDict[Hashable, SelectResult] = OrderedDict()
        self._rows = 0
        self._max_rows = max_rows
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> SelectResult | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: SelectResult) -> None:
        size = len(answer.rows) + 1
        if size > self._max_rows:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._rows += size
            while self._rows > self._max_rows:
                _, old = self._answers.popitem(last=False)
                self._rows -= len(old.rows) + 1


async def select(
    request: Request,
    sparql: str,
    bindings: Mapping[str, Identifier] | None = None,
    max_rows: int | None = None,
) -> SelectResult:
    """``store.select`` in the thread pool, answered from the app's cache when the same question was
    already asked of the same data version."""
    store: Store = request.app.state.store
    version = store.data_version
    if version is None:
        return await run_in_threadpool(store.select, sparql, bindings=bindings, max_rows=max_rows)
    cache: AnswerCache | None = getattr(request.app.state, "api_answers", None)
    if cache is None:  # created on first use, in the event loop: no race
        cache = request.app.state.api_answers = AnswerCache()
    terms = tuple(sorted((name, term.n3()) for name, term in (bindings or {}).items()))
    key = (version, sparql, terms, max_rows)
    answer = cache.get(key)
    if answer is None:
        answer = await run_in_threadpool(store.select, sparql, bindings=bindings, max_rows=max_rows)
        cache.put(key, answer)
    return answer
