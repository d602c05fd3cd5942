"""The remote backend: any SPARQL 1.1 engine over HTTP (Oxigraph server, Fuseki, Virtuoso...).

We ask the engine for formats we can stream-parse (SPARQL JSON results, N-Triples), stop reading
at the row cap, and serialize the answer ourselves, so clients get the same bytes and the same
limits as from the embedded store. The engine is expected to hold the data the way `load()`
puts it there: named graphs plus their merge as the default graph (so it must NOT run in its own
union-default-graph mode).
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib.term import Identifier

from cybertreaty.errors import (
    CybertreatyError,
    Forbidden,
    QuerySyntaxError,
    UpdateRejected,
    UpstreamError,
    UpstreamTimeout,
)
from cybertreaty.graph import results, sparql_text
from cybertreaty.graph.formats import ResultFormat, by_key
from cybertreaty.graph.sparql_text import QueryForm
from cybertreaty.graph.store import (
    DEFAULT_VALIDATOR,
    Dataset,
    Formats,
    Limits,
    QueryOutcome,
    SelectResult,
    Statistics,
    WriteOutcome,
    bind,
    graph_get,
    parse_select,
    statistics,
)
from cybertreaty.graph.vocab import PREFIXES
from cybertreaty.graph.worker import parse_syntax_error
from cybertreaty.graph.writes import (
    MATERIALIZE_UPDATE,
    Change,
    ChangeWriter,
    WriteJob,
    run_write_in_process,
    with_base,
)
from cybertreaty.settings import Settings

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
QUADS_QUERY = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class RemoteStore(ChangeWriter):
    kind = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        query_timeout: float = 10.0,
        update_timeout: float = 120.0,
        max_rows: int | None = 10_000,
        max_bytes: int | None = None,
        max_concurrent: int = 16,
        allowlist: Iterable[str] = (),
        validator: str = DEFAULT_VALIDATOR,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self._query_timeout = query_timeout
        self._update_timeout = update_timeout
        self._max_rows = max_rows
        self._max_bytes = max_bytes
        self._limits = Limits(max_concurrent)
        self._allowlist = tuple(allowlist)
        self._validator = validator
        self._write_lock = threading.Lock()
        self._client = httpx.Client(transport=transport, follow_redirects=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, validator: str = DEFAULT_VALIDATOR) -> RemoteStore:
        assert settings.endpoint is not None
        return cls(
            settings.endpoint,
            update_endpoint=settings.update_endpoint,
            query_timeout=settings.query_timeout,
            update_timeout=settings.update_timeout,
            max_rows=settings.max_result_rows,
            max_bytes=settings.max_result_bytes,
            max_concurrent=settings.max_concurrent_queries,
            allowlist=settings.service_allowlist,
            validator=validator,
        )

    @property
    def writable(self) -> bool:
        return self.update_endpoint is not None

    @property
    def allowlist(self) -> tuple[str, ...]:
        return self._allowlist

    @property
    def data_version(self) -> None:
        return None  # the engine's data may change without us knowing: nothing can be validated

    def query(
        self,
        sparql: str,
        *,
        formats: Formats,
        dataset: Dataset | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        shape = sparql_text.check_outbound(sparql, self._allowlist, timeout=timeout or self._query_timeout)
        if shape.form is not None:
            formats.for_form(shape.form)
        limit = max_rows if max_rows is not None else self._max_rows
        started = time.perf_counter()
        text = with_base(sparql, base_iri)
        try:
            with self._limits, self._request(text, dataset, timeout) as answer:
                cut = results.Cut(limit, self._max_bytes)
                form, fmt, written = results.write_answer(
                    answer, formats.for_form, shape.form, dict(PREFIXES), cut
                )
                del answer
        except QuerySyntaxError as error:
            raise _unshift(error, len(text) - len(sparql)) from None
        except CybertreatyError as error:
            # pyoxigraph's result objects must be dropped on the thread that made them; a
            # traceback keeping this frame alive would drop them wherever it is collected.
            raise error.with_traceback(None) from None
        assert fmt is not None  # for_form raises NotAcceptable rather than give None
        elapsed = time.perf_counter() - started
        return QueryOutcome(written.body, fmt.media_type, form, written.truncated, elapsed, written.count)

    async def query_async(
        self,
        sparql: str,
        *,
        formats: Formats,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        # The HTTP client is synchronous: wait for it in a thread.
        return await asyncio.to_thread(
            self.query, sparql, formats=formats, dataset=dataset, base_iri=base_iri
        )

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        if bindings:
            sparql = bind(sparql, bindings)
        outcome = self.query(
            sparql, formats=Formats(by_key("json"), None), timeout=timeout, max_rows=max_rows
        )
        if outcome.form is not QueryForm.SELECT:
            raise ValueError(f"select() needs a SELECT query, got {outcome.form.value}")
        return parse_select(outcome.body, outcome.truncated, outcome.elapsed)

    @contextmanager
    def _request(self, sparql: str, dataset: Dataset | None, timeout: float | None) -> Iterator[Any]:
        """POST the query; yield the parsed (streaming) answer: solutions, boolean or triples."""
        timeout = timeout or self._query_timeout
        deadline = time.monotonic() + timeout
        form: list[tuple[str, str]] = [("query", sparql)]
        form += [("default-graph-uri", g) for g in (dataset.default_graphs if dataset else ())]
        form += [("named-graph-uri", g) for g in (dataset.named_graphs if dataset else ())]
        try:
            with self._client.stream(
                "POST", self.endpoint, data=dict_multi(form), headers={"Accept": ACCEPT}, timeout=timeout
            ) as response:
                _check_status(response)
                yield _parse_answer(response, deadline)
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"The SPARQL engine did not answer within {timeout:g} s.") from None
        except httpx.TransportError as error:
            raise UpstreamError(f"The SPARQL engine could not be reached: {error}") from None
        except SyntaxError as error:  # the body is not what its media type says (e.g. cut off)
            raise UpstreamError(f"The SPARQL engine's answer could not be parsed: {error}") from None
        except OSError as error:
            if time.monotonic() > deadline:
                raise UpstreamTimeout(f"The SPARQL engine did not answer within {timeout:g} s.") from None
            raise UpstreamError(f"The SPARQL engine's answer could not be read: {error}") from None

    def graph_get(self, graph: str | None, fmt: ResultFormat) -> QueryOutcome:
        return graph_get(self, graph, fmt)

    def _write(self, change: Change) -> WriteOutcome:
        """Validate on a local copy of the engine's data, then send the change (one request)."""
        if self.update_endpoint is None:
            raise Forbidden("This store accepts no updates (no update_endpoint is configured).")
        started = time.perf_counter()
        with self._write_lock:
            snapshot = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS) or b""
            result = run_write_in_process(
                WriteJob(snapshot, None, change, self._validator), self._update_timeout
            )
            if not result.report.conforms:
                raise UpdateRejected(result.report)
            self._send_update(sparql_text.join_updates(change.as_sparql(), MATERIALIZE_UPDATE))
        return WriteOutcome(time.perf_counter() - started, result.triples_before, result.triples_after)

    def _send_update(self, sparql: str) -> None:
        assert self.update_endpoint is not None
        try:
            response = self._client.post(
                self.update_endpoint, data={"update": sparql}, timeout=self._update_timeout
            )
        except httpx.HTTPError as error:
            raise UpstreamError(f"The SPARQL engine could not be reached: {error}") from None
        _check_status(response)

    def statistics(self) -> Statistics:
        return statistics(self)

    def quads(self) -> Iterator[ox.Quad]:
        """All quads of the named graphs, read without the row cap."""
        with self._request(QUADS_QUERY, None, self._update_timeout) as answer:
            quads = [ox.Quad(s[0], s[1], s[2], s[3]) for s in answer]
        return iter(quads)

    def close(self) -> None:
        self._client.close()


def dict_multi(pairs: list[tuple[str, str]]) -> Any:
    """httpx takes repeated form fields as a dict of lists."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _unshift(error: QuerySyntaxError, columns: int) -> QuerySyntaxError:
    """The engine's syntax error with its position on line 1 moved back past our BASE prefix."""
    if columns == 0 or error.line != 1 or error.column is None:
        return error
    column = max(1, error.column - columns)
    message = error.message.replace(f"error at 1:{error.column}", f"error at 1:{column}", 1)
    return QuerySyntaxError(message, 1, column)


def _check_status(response: httpx.Response) -> None:
    if response.is_success:
        return
    response.read()
    detail = response.text.strip()[:2000]
    if response.status_code == 400:
        raise parse_syntax_error(SyntaxError(detail))
    raise UpstreamError(f"The SPARQL engine answered {response.status_code}: {detail}")


class _Body(io.RawIOBase):
    """The response body as a file for pyoxigraph's streaming parsers, checking the deadline."""

    def __init__(self, response: httpx.Response, deadline: float) -> None:
        self._chunks = response.iter_bytes()
        self._pending = b""
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if time.monotonic() > self._deadline:
            raise TimeoutError("deadline passed while reading the engine's answer")
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _parse_answer(response: httpx.Response, deadline: float) -> Any:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    body = io.BufferedReader(_Body(response, deadline))
    if media_type == "application/sparql-results+json":
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if media_type == "application/n-triples":
        return (q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    raise UpstreamError(
        f"The SPARQL engine answered with {media_type or 'no media type'}, which we did not ask."
    )
