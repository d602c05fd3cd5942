"""Query worker processes for the embedded store: the only way to stop a pyoxigraph query.

pyoxigraph has no timeout and holds the GIL-free Rust evaluation until it ends, so each query runs
in a worker process. Workers are forked from a zygote process that opened the store once
(graph/zygote.py), so they share its memory and start in milliseconds. When a query passes its
time limit the parent kills that worker and forks a replacement; the other workers keep answering.

This module is imported by the workers, so it imports only pyoxigraph and our small modules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

import pyoxigraph as ox

from cybertreaty.errors import EngineStopped, QuerySyntaxError, QueryTimeout
from cybertreaty.graph import results, zygote
from cybertreaty.graph.formats import ResultFormat, by_key
from cybertreaty.graph.sparql_text import QueryForm
from cybertreaty.graph.zygote import Zygote

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 900.0  # seconds a new zygote may take to open (and copy) the store
WATCH_INTERVAL = 1.0  # seconds between checks that idle workers are alive


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
    max_bytes: int | None = None
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
    """Run ``job`` on ``store`` and serialize its result (cut at ``job.max_rows``/``max_bytes``)."""
    answer = store.query(job.sparql, **_query_options(job))
    tabular, graph = _format(job.tabular), _format(job.graph)
    form, fmt, written = results.write_answer(
        answer,
        lambda form: tabular if form.is_tabular else graph,
        job.form_hint,
        dict(job.prefixes),
        results.Cut(job.max_rows, job.max_bytes),
    )
    return JobResult(written.body, fmt.media_type if fmt else None, form, written.truncated, written.count)


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


def serve(conn: Connection, store: ox.Store) -> None:
    """The worker loop (in a process forked by the zygote): answer jobs until told to stop."""
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent went away
            return
        if job is None:
            return
        try:
            conn.send(("ok", execute(store, job)))
        except MemoryError:
            # Over max_query_memory in Python code (in Rust the process aborts): leave at once, as
            # the abort does, so the parent answers 503 and forks a fresh worker.
            os._exit(1)
        except SyntaxError as error:
            conn.send(("syntax", str(error)))
        except Exception as error:  # reported to the parent, which decides what the client sees
            conn.send(("error", f"{type(error).__name__}: {error}"))


class Worker:
    """The parent's handle on one worker process (a child of the zygote)."""

    def __init__(self, zygote: Zygote, generation: int) -> None:
        self.generation = generation
        self.pid, self.conn = zygote.fork()

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
            await asyncio.wait_for(readable, timeout)  # TimeoutError: the caller kills this worker
        finally:
            loop.remove_reader(fd)
            # uvloop (libuv) makes a watched descriptor non-blocking; the connection reads and
            # writes whole messages, which needs blocking mode.
            os.set_blocking(fd, True)
        reply: tuple[str, Any] = self.conn.recv()
        return reply

    @property
    def alive(self) -> bool:
        return zygote.alive(self.pid)

    def stop(self) -> None:
        """Let the worker finish: it exits when its connection closes."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.conn.close()

    def kill(self) -> None:
        # SIGKILL: a worker busy inside Rust code would not notice a polite signal.
        zygote.kill(self.pid)
        self.conn.close()


class WorkerPool:
    """A fixed number of query workers over one store directory (which ``reload`` can change)."""

    def __init__(self, path: Path, size: int, *, in_memory: bool = True, memory_limit: int = 0) -> None:
        self._path = path
        self._size = size
        self._in_memory = in_memory
        self._memory_limit = memory_limit
        self._generation = 0
        # LIFO: the worker used last answers next, with its caches still warm (FIFO rotates through
        # every worker and costs ~1 ms a query once there are more workers than queries at once).
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._zygote, workers = self._start_all(path, 0)
        for worker in workers:
            self._idle.put(worker)
        # Idle workers that die (killed from outside) are replaced within a second: with LIFO
        # hand-out, one at the bottom of the stack might otherwise go unnoticed for long.
        self._stopping = threading.Event()
        threading.Thread(target=self._watch, name="query-worker-watch", daemon=True).start()

    def _start_all(self, path: Path, generation: int) -> tuple[Zygote, list[Worker]]:
        """A zygote for ``path`` (it opens the store) and ``size`` workers forked from it."""
        parent = Zygote(path, self._in_memory, STARTUP_TIMEOUT, self._memory_limit)
        started: list[Worker] = []
        try:
            for _ in range(self._size):
                started.append(Worker(parent, generation))
        except BaseException:
            for worker in started:
                worker.kill()
            parent.stop()
            raise
        return parent, started

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

        If the caller is cancelled (its client went away, or the server is stopping) the worker is
        replaced: it is still evaluating and its late reply must not reach the next job.
        """
        deadline = time.monotonic() + timeout
        worker = self._take(None) or await self._acquire_async(deadline)
        try:
            reply = await worker.run_async(job, max(0.0, deadline - time.monotonic()))
        except BaseException as error:
            self._fail(worker, error, timeout)
        return self._settle(worker, reply)

    async def _acquire_async(self, deadline: float) -> Worker:
        """All busy: wait for a worker in a thread, as run() does. If the caller is cancelled
        meanwhile, the worker the thread still gets is given back, or the pool would shrink."""
        acquiring = asyncio.ensure_future(asyncio.to_thread(self._acquire, deadline))
        try:
            return await asyncio.shield(acquiring)
        except asyncio.CancelledError:
            acquiring.add_done_callback(self._give_back)
            raise

    def _give_back(self, acquired: asyncio.Future[Worker]) -> None:
        if not acquired.cancelled() and acquired.exception() is None:
            self._release(acquired.result())

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
                "retry, or simplify the query if it is very long, deeply nested, or needs more "
                "memory than a query may use."
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

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_INTERVAL):
            with self._idle.mutex:  # take the dead ones out of the queue itself
                dead = [worker for worker in self._idle.queue if not worker.alive]
                for worker in dead:
                    self._idle.queue.remove(worker)
            for worker in dead:
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
            fresh = Worker(self._zygote, generation)
        except Exception:  # the zygote was stopped meanwhile (reload, close), or it died
            try:
                fresh = Worker(self._revive(generation), generation)
            except Exception:
                if generation == self._generation and not self._closed:
                    log.exception("could not start a replacement query worker")
                return
        self._release(fresh)

    def _revive(self, generation: int) -> Zygote:
        """The zygote of ``generation``, started again if it died (killed from outside, OOM)."""
        with self._lock:
            if generation != self._generation or self._closed:
                raise RuntimeError("the pool moved on")
            if self._zygote.process.poll() is not None:
                log.warning("the query workers' zygote died; starting another")
                self._zygote = Zygote(self._path, self._in_memory, STARTUP_TIMEOUT, self._memory_limit)
            return self._zygote

    def reload(self, path: Path) -> None:
        """Serve ``path`` from now on: new workers start now, old ones retire when free."""
        with self._lock:
            parent, fresh = self._start_all(path, self._generation + 1)
            previous, self._zygote = self._zygote, parent
            self._path = path
            self._generation += 1
            for worker in fresh:
                self._idle.put(worker)
        previous.stop()  # its busy workers finish their queries and exit when retired

    def close(self) -> None:
        self._closed = True
        self._stopping.set()
        self._generation += 1
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        self._zygote.stop()
