"""Query worker processes for the embedded store: the only way to stop a pyoxigraph query.

pyoxigraph has no timeout and holds the GIL-free Rust evaluation until it ends, so each query runs
in a worker process that opened the read-only store once. When a query passes its time limit the
parent kills that worker and starts a replacement in the background; the other workers keep
answering. Workers are fresh Python processes (graph/processes.py): forking a process that
already holds a RocksDB handle and threads is unsafe.

This module is imported by the workers, so it imports only pyoxigraph and our small modules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

import pyoxigraph as ox

from cybertreaty.errors import EngineStopped, QuerySyntaxError, QueryTimeout
from cybertreaty.graph import processes, results
from cybertreaty.graph.formats import ResultFormat, by_key
from cybertreaty.graph.sparql_text import QueryForm

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 900.0  # seconds a new worker may take to open (and copy) the store


class WorkerError(Exception):
    """The engine failed while evaluating a query (not a syntax error); carries its message."""


@dataclass(frozen=True)
class QueryJob:
    """One query, with everything a worker needs; it crosses the process boundary by pickle."""

    sparql: str
    tabular: str | None  # format key for SELECT/ASK results
    graph: str | None  # format key for CONSTRUCT/DESCRIBE results
    default_graphs: tuple[str, ...] | None = None  # None: the store's default graph (the union)
    named_graphs: tuple[str, ...] | None = None
    max_rows: int | None = None
    prefixes: Mapping[str, str] = field(default_factory=dict)
    form_hint: QueryForm | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class JobResult:
    body: bytes
    media_type: str | None  # None: the result's family had no acceptable format
    form: QueryForm
    truncated: bool
    count: int | None


def execute(store: ox.Store, job: QueryJob) -> JobResult:
    """Run ``job`` on ``store`` and serialize its result (cut after ``job.max_rows``)."""
    answer = store.query(job.sparql, **_query_options(job))
    if isinstance(answer, ox.QueryBoolean):
        fmt = _format(job.tabular)
        body = results.serialize_boolean(fmt, bool(answer)) if fmt else b""
        return JobResult(body, fmt.media_type if fmt else None, QueryForm.ASK, False, None)
    limit = job.max_rows
    if isinstance(answer, ox.QuerySolutions):
        fmt = _format(job.tabular)
        variables = [v.value for v in answer.variables]
        rows = [tuple(s) for s in islice(answer, None if limit is None else limit + 1)]
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if truncated else rows
        body = results.serialize_rows(fmt, variables, rows, truncated) if fmt else b""
        return JobResult(body, fmt.media_type if fmt else None, QueryForm.SELECT, truncated, len(rows))
    form = QueryForm.DESCRIBE if job.form_hint is QueryForm.DESCRIBE else QueryForm.CONSTRUCT
    fmt = _format(job.graph)
    triples = list(islice(answer, None if limit is None else limit + 1))
    truncated = limit is not None and len(triples) > limit
    triples = triples[:limit] if truncated else triples
    body = results.serialize_triples(fmt, triples, dict(job.prefixes)) if fmt else b""
    return JobResult(body, fmt.media_type if fmt else None, form, truncated, len(triples))


def _format(key: str | None) -> ResultFormat | None:
    return by_key(key) if key else None


def _query_options(job: QueryJob) -> dict[str, Any]:
    options: dict[str, Any] = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        # The protocol's dataset replaces the store's: unnamed parts are empty.
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    return options


def parse_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """Our error from pyoxigraph's, keeping its message ("error at 3:17: expected ...")."""
    message = str(error)
    line = column = None
    head = message.removeprefix("error at ").split(":", 2)
    if len(head) == 3 and head[0].isdigit() and head[1].isdigit():
        line, column = int(head[0]), int(head[1])
    return QuerySyntaxError(f"SPARQL syntax error: {message}", line, column)


def open_store(path: str, in_memory: bool) -> ox.Store:
    """The store at ``path``, read-only on disk, or copied into memory.

    pyoxigraph answers 3-4x faster from memory than from a read-only RocksDB; the copy costs
    memory (about 0.5 GB per million triples, per worker) and start-up time (about 10 s per
    million). It goes through an N-Quads file so that no large buffer is held.
    """
    on_disk = ox.Store.read_only(path)
    if not in_memory:
        return on_disk
    memory = ox.Store()
    with tempfile.NamedTemporaryFile(suffix=".nq") as dump:
        on_disk.dump(dump.name, format=ox.RdfFormat.N_QUADS)
        memory.bulk_load(path=dump.name, format=ox.RdfFormat.N_QUADS)
    return memory


def worker_main(conn: Connection, path: str, in_memory: str = "1") -> None:
    """The worker process: open the store, then answer jobs until told to stop."""
    try:
        store = open_store(path, in_memory == "1")
    except (OSError, SyntaxError) as error:
        conn.send(("failed", str(error)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent went away
            return
        if job is None:
            return
        try:
            conn.send(("ok", execute(store, job)))
        except SyntaxError as error:
            conn.send(("syntax", str(error)))
        except Exception as error:  # reported to the parent, which decides what the client sees
            conn.send(("error", f"{type(error).__name__}: {error}"))


class Worker:
    """One worker process. Starting returns at once; ``wait_ready`` waits until its store is open."""

    def __init__(self, path: Path, generation: int, in_memory: bool) -> None:
        self.generation = generation
        self.path = path
        self.process: subprocess.Popen[bytes]
        self.process, self.conn = processes.start(
            f"{__name__}:worker_main", str(path), "1" if in_memory else "0"
        )

    def wait_ready(self) -> Worker:
        if not self.conn.poll(STARTUP_TIMEOUT):
            self.kill()
            raise RuntimeError(f"query worker did not open {self.path} within {STARTUP_TIMEOUT} s")
        try:
            status, detail = self.conn.recv()
        except EOFError:
            status, detail = "failed", "the process exited"
        if status != "ready":
            self.kill()
            raise RuntimeError(f"query worker could not open {self.path}: {detail}")
        return self

    def run(self, job: QueryJob, timeout: float) -> tuple[str, Any]:
        """Send ``job``; the reply, or raise TimeoutError (the caller then kills this worker)."""
        self.conn.send(job)
        if not self.conn.poll(timeout):
            raise TimeoutError
        reply: tuple[str, Any] = self.conn.recv()
        return reply

    async def run_async(self, job: QueryJob, timeout: float) -> tuple[str, Any]:
        """``run`` for an event loop: waits for the reply without holding a thread.

        The job is small and the worker is waiting for it, so sending does not block for long; the
        reply is read once its first bytes arrive, while the worker is writing the rest.
        """
        self.conn.send(job)
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        fd = self.conn.fileno()

        def wake() -> None:
            if not readable.done():
                readable.set_result(None)

        loop.add_reader(fd, wake)
        try:
            await asyncio.wait_for(readable, timeout)
        except TimeoutError:
            raise TimeoutError from None
        finally:
            loop.remove_reader(fd)
            # uvloop (libuv) makes a watched descriptor non-blocking; the connection reads and
            # writes whole messages, which needs blocking mode.
            os.set_blocking(fd, True)
        reply: tuple[str, Any] = self.conn.recv()
        return reply

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            processes.kill(self.process)
        self.conn.close()

    def kill(self) -> None:
        processes.kill(self.process)
        self.conn.close()


class WorkerPool:
    """A fixed number of query workers over one store directory (which ``reload`` can change)."""

    def __init__(self, path: Path, size: int, *, in_memory: bool = True) -> None:
        self._path = path
        self._size = size
        self._in_memory = in_memory
        self._generation = 0
        # LIFO: the worker used last answers next, with its caches still warm (FIFO rotates through
        # every worker and costs ~1 ms a query once there are more workers than queries at once).
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False
        for worker in self._start_all(path, 0):
            self._idle.put(worker)

    def _start_all(self, path: Path, generation: int) -> list[Worker]:
        """``size`` workers, started together (they copy the store in parallel), once all are ready."""
        started = [Worker(path, generation, self._in_memory) for _ in range(self._size)]
        try:
            return [worker.wait_ready() for worker in started]
        except BaseException:
            for worker in started:
                worker.kill()
            raise

    @property
    def path(self) -> Path:
        return self._path

    def run(self, job: QueryJob, timeout: float) -> JobResult:
        """Run ``job`` in a free worker; QueryTimeout if it (with the wait) takes over ``timeout``."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            reply = worker.run(job, max(0.0, deadline - time.monotonic()))
        except BaseException as error:
            self._fail(worker, error, timeout)
        return self._settle(worker, reply)

    async def run_async(self, job: QueryJob, timeout: float) -> JobResult:
        """``run`` for an event loop (the SPARQL endpoint): no thread waits for the worker.

        If the caller is cancelled (the server is stopping) the worker is replaced: it is still
        evaluating and its late reply must not reach the next job.
        """
        deadline = time.monotonic() + timeout
        worker = self._take(None)
        if worker is None:  # all busy: wait for one in a thread, as run() does
            worker = await asyncio.to_thread(self._acquire, deadline)
        try:
            reply = await worker.run_async(job, max(0.0, deadline - time.monotonic()))
        except BaseException as error:
            self._fail(worker, error, timeout)
        return self._settle(worker, reply)

    def _fail(self, worker: Worker, error: BaseException, timeout: float) -> NoReturn:
        """The worker did not answer: replace it, and raise what the caller should see."""
        self._replace(worker)
        if isinstance(error, TimeoutError):
            raise QueryTimeout(f"The query was stopped after the time limit of {timeout:g} s.") from None
        if isinstance(error, EOFError | OSError):
            # The process died under the query: pyoxigraph overflows its stack on some very long or
            # deep queries (SIGSEGV), or it was killed from outside. Not a bug of ours: a clean 503.
            raise EngineStopped(
                "The query engine stopped while evaluating this query and is being restarted; "
                "retry, or simplify the query if it is very long or deeply nested."
            ) from None
        # A broken pipe, an unreadable reply or a cancelled caller: this worker cannot be trusted.
        raise error

    def _settle(self, worker: Worker, reply: tuple[str, Any]) -> JobResult:
        """Return the worker to the pool and turn its reply into a result or our error."""
        self._release(worker)
        status, detail = reply
        if status == "syntax":
            raise parse_syntax_error(SyntaxError(detail))
        if status == "error":
            raise WorkerError(detail)
        result: JobResult = detail
        return result

    def _acquire(self, deadline: float) -> Worker:
        worker = self._take(deadline)
        assert worker is not None
        return worker

    def _take(self, deadline: float | None) -> Worker | None:
        """A live idle worker of the current generation, waiting until ``deadline`` for one
        (QueryTimeout after it); with no deadline, None at once if none is idle."""
        while True:
            try:
                if deadline is None:
                    worker = self._idle.get_nowait()
                else:
                    worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                if deadline is None:
                    return None
                raise QueryTimeout("No query worker became free within the time limit.") from None
            if worker.generation != self._generation:
                self._retire(worker)
            elif worker.alive:
                return worker
            else:  # died while idle (killed from outside): start another, or the pool would shrink
                self._replace(worker)

    def _release(self, worker: Worker) -> None:
        if worker.generation == self._generation and not self._closed:
            self._idle.put(worker)
        else:
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        threading.Thread(target=worker.stop, daemon=True).start()

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        generation = self._generation
        if generation == worker.generation and not self._closed:
            threading.Thread(target=self._start_one, args=(generation,), daemon=True).start()

    def _start_one(self, generation: int) -> None:
        try:
            fresh = Worker(self._path, generation, self._in_memory).wait_ready()
        except Exception:
            log.exception("could not start a replacement query worker")
            return
        self._release(fresh)

    def reload(self, path: Path) -> None:
        """Serve ``path`` from now on: new workers start now, old ones retire when free."""
        with self._lock:
            fresh = self._start_all(path, self._generation + 1)
            self._path = path
            self._generation += 1
            for worker in fresh:
                self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        self._generation += 1
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return
