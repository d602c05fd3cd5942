"""The embedded backend: the pyoxigraph store written by `cybertreaty build`, opened read-only.

Queries run in a pool of worker processes (graph/worker.py) so that a runaway query can be
killed. Writes, when enabled, never touch the served directory: they produce a new immutable
generation in ``update_dir`` (graph/writes.py) and the workers are moved to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Identifier

from cybertreaty.errors import Forbidden, UpdateRejected, UpstreamError
from cybertreaty.graph import sparql_text
from cybertreaty.graph.formats import ResultFormat
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
from cybertreaty.graph.worker import JobResult, QueryJob, WorkerError, WorkerPool
from cybertreaty.graph.writes import Change, ChangeWriter, Generations, WriteJob, run_write_in_process
from cybertreaty.settings import Settings


class EmbeddedStore(ChangeWriter):
    kind = "embedded"

    def __init__(
        self,
        path: Path,
        *,
        workers: int = 2,
        query_timeout: float = 10.0,
        update_timeout: float = 120.0,
        max_rows: int | None = 10_000,
        max_bytes: int | None = None,
        max_concurrent: int = 16,
        allowlist: Iterable[str] = (),
        update_dir: Path | None = None,
        validator: str = DEFAULT_VALIDATOR,
        in_memory: bool = True,
        max_query_memory: int = 0,
    ) -> None:
        if not (path / "CURRENT").exists():
            raise FileNotFoundError(f"no store at {path}; run `cybertreaty build` first")
        self._generations = Generations(path, update_dir)
        self._pool = WorkerPool(
            self._generations.current(), workers, in_memory=in_memory, memory_limit=max_query_memory
        )
        self._query_timeout = query_timeout
        self._update_timeout = update_timeout
        self._max_rows = max_rows
        self._max_bytes = max_bytes
        self._limits = Limits(max_concurrent)
        self._allowlist = tuple(allowlist)
        self._validator = validator
        self._write_lock = threading.Lock()
        self._scratch: Path | None = None  # a temporary store we created and must remove
        self._version = version_of(self._pool.path)

    @classmethod
    def from_settings(cls, settings: Settings, *, validator: str = DEFAULT_VALIDATOR) -> EmbeddedStore:
        return cls(
            settings.store,
            workers=settings.workers,
            query_timeout=settings.query_timeout,
            update_timeout=settings.update_timeout,
            max_rows=settings.max_result_rows,
            max_bytes=settings.max_result_bytes,
            max_concurrent=settings.max_concurrent_queries,
            allowlist=settings.service_allowlist,
            update_dir=settings.update_dir,
            validator=validator,
            in_memory=settings.in_memory,
            max_query_memory=settings.max_query_memory,
        )

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], **options: object) -> EmbeddedStore:
        """A store holding ``quads`` (named graphs) in a temporary directory, removed by close()."""
        from cybertreaty.graph.build import fill_store

        scratch = Path(tempfile.mkdtemp(prefix="cybertreaty-store-"))
        store = ox.Store(str(scratch / "store"))
        fill_store(store, list(quads))
        store.flush()
        del store  # closes RocksDB so the workers can open it read-only
        embedded = cls(scratch / "store", **options)  # type: ignore[arg-type]
        embedded._scratch = scratch
        return embedded

    @property
    def writable(self) -> bool:
        return self._generations.update_dir is not None

    @property
    def allowlist(self) -> tuple[str, ...]:
        return self._allowlist

    @property
    def data_version(self) -> str:
        return self._version

    @property
    def base_path(self) -> Path:
        """The built store (generation zero); its folder also holds the build's void.ttl."""
        return self._generations.base

    @property
    def path(self) -> Path:
        """The store directory being served (the built store, or the latest update generation)."""
        return self._pool.path

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
        job, fetches = self._job(sparql, formats, dataset, max_rows, base_iri, timeout)
        result, elapsed = self._run(job, timeout, fetches)
        return _outcome(result, elapsed, formats)

    async def query_async(
        self,
        sparql: str,
        *,
        formats: Formats,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        started = time.perf_counter()
        prepare = functools.partial(self._job, sparql, formats, dataset, None, base_iri, None)
        with self._limits:
            # Lexing a long text takes a while: in a thread, not in the event loop serving everyone.
            short = len(sparql) <= sparql_text.CACHED_TEXT
            job, fetches = prepare() if short else await asyncio.to_thread(prepare)
            with _upstream(fetches):
                result = await self._pool.run_async(job, self._query_timeout)
        return _outcome(result, time.perf_counter() - started, formats)

    def _job(
        self,
        sparql: str,
        formats: Formats,
        dataset: Dataset | None,
        max_rows: int | None,
        base_iri: str | None,
        timeout: float | None,
    ) -> tuple[QueryJob, bool]:
        """The worker's job for a query, and whether it calls a SERVICE (checked here first, within
        the time limit)."""
        shape = sparql_text.check_outbound(sparql, self._allowlist, timeout=timeout or self._query_timeout)
        if shape.form is not None:
            formats.for_form(shape.form)  # 406 before any work when the form is known
        dataset = dataset or Dataset()
        job = QueryJob(
            sparql,
            formats.tabular.key if formats.tabular else None,
            formats.graph.key if formats.graph else None,
            dataset.default_graphs if dataset.given else None,
            dataset.named_graphs if dataset.given else None,
            max_rows if max_rows is not None else self._max_rows,
            prefixes=PREFIXES,
            form_hint=shape.form,
            base_iri=base_iri,
            max_bytes=self._max_bytes,
        )
        return job, bool(shape.fetches)

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
        shape = sparql_text.check_outbound(sparql, self._allowlist, timeout=timeout or self._query_timeout)
        job = QueryJob(sparql, "json", None, max_rows=max_rows, max_bytes=self._max_bytes)
        result, elapsed = self._run(job, timeout, bool(shape.fetches))
        if result.form is not QueryForm.SELECT:
            raise ValueError(f"select() needs a SELECT query, got {result.form.value}")
        return parse_select(result.body, result.truncated, elapsed)

    def _run(self, job: QueryJob, timeout: float | None, fetches: bool) -> tuple[JobResult, float]:
        started = time.perf_counter()
        with self._limits, _upstream(fetches):
            result = self._pool.run(job, timeout or self._query_timeout)
        return result, time.perf_counter() - started

    def graph_get(self, graph: str | None, fmt: ResultFormat) -> QueryOutcome:
        return graph_get(self, graph, fmt)

    def _write(self, change: Change) -> WriteOutcome:
        if not self.writable:
            raise Forbidden("This store accepts no updates (no update_dir is configured).")
        started = time.perf_counter()
        with self._write_lock:
            target = self._generations.next_path()
            job = WriteJob(str(self._generations.current()), str(target), change, self._validator)
            try:
                result = run_write_in_process(job, self._update_timeout)
                if not result.report.conforms:
                    raise UpdateRejected(result.report)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            self._pool.reload(target)
            self._version = version_of(target)
            self._generations.publish(target)
        return WriteOutcome(time.perf_counter() - started, result.triples_before, result.triples_after)

    def statistics(self) -> Statistics:
        return statistics(self)

    def quads(self) -> Iterator[ox.Quad]:
        store = ox.Store.read_only(str(self.path))
        return (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))

    def close(self) -> None:
        self._pool.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def version_of(path: Path) -> str:
    """The served store's identity, read when its workers load it: its folder, and which RocksDB
    manifest its CURRENT file names and when that was written (a new build rewrites it; every
    update is a new folder)."""
    current = path / "CURRENT"
    stat = current.stat()
    seed = f"{path.resolve()}|{current.read_text(encoding='ascii').strip()}|{stat.st_mtime_ns}|{stat.st_ino}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def _outcome(result: JobResult, elapsed: float, formats: Formats) -> QueryOutcome:
    if result.media_type is None:
        formats.for_form(result.form)  # raises NotAcceptable
    assert result.media_type is not None
    return QueryOutcome(result.body, result.media_type, result.form, result.truncated, elapsed, result.count)


@contextlib.contextmanager
def _upstream(fetches: bool) -> Iterator[None]:
    """An engine failure of a query with an (allowlisted) SERVICE is the remote endpoint's fault."""
    try:
        yield
    except WorkerError as error:
        if fetches:
            raise UpstreamError(f"A SERVICE call failed: {error}") from None
        raise
