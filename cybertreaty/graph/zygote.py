"""The zygote: one process that opens the store once and forks query workers from it.

Copying the store into memory costs about 10 s and 0.5 GB per million triples. Done once in the
zygote, every worker forked from it shares those pages (copy-on-write; queries only read them), a
worker starts in milliseconds, and a worker killed at its time limit is replaced at once.

Forking is safe only in a process with a single thread, so the zygote never opens RocksDB (whose
open starts background threads): a short-lived helper process dumps the store to N-Quads, and the
zygote loads that into pyoxigraph's in-memory store, which starts no threads. When the store is
read from disk instead (``in_memory`` false), each worker opens it read-only after the fork.

Protocol on the zygote's connection: it sends ("ready", None) or ("failed", message) once; then
each "fork" it receives is answered by one message carrying the worker's process id and, as
ancillary data, the parent's end of a new socket pair to that worker. None (or the parent going
away) stops it; its workers keep running until their own connections close.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import struct
import subprocess
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from cybertreaty.graph import processes

_PID = struct.Struct("!q")


def dump_main(conn: Connection, path: str, out: str) -> None:
    """Helper process: write the store at ``path`` to ``out`` as N-Quads."""
    try:
        ox.Store.read_only(path).dump(out, format=ox.RdfFormat.N_QUADS)
    except OSError as error:
        conn.send(("failed", str(error)))
        return
    conn.send(("ready", None))


def _memory_copy(path: str, timeout: float) -> ox.Store:
    with tempfile.TemporaryDirectory(prefix="cybertreaty-zygote-") as folder:
        dump = str(Path(folder) / "store.nq")
        process, conn = processes.start(f"{__name__}:dump_main", path, dump)
        try:
            status, detail = _reply(conn, timeout, f"dumping {path}")
        finally:
            conn.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
        if status != "ready":
            raise OSError(detail)
        store = ox.Store()
        store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    return store


def _reply(conn: Connection, timeout: float, what: str) -> tuple[str, str | None]:
    if not conn.poll(timeout):
        raise TimeoutError(f"{what} took over {timeout:g} s")
    try:
        reply: tuple[str, str | None] = conn.recv()
    except EOFError:
        return "failed", "the process exited"
    return reply


def zygote_main(conn: Connection, path: str, in_memory: str, timeout: str, memory_limit: str = "0") -> None:
    """The zygote process: load the store, then fork a worker for each request."""
    from cybertreaty.graph.worker import serve  # the worker loop imports this module

    # Ctrl-C in a terminal reaches the whole process group: the server stops the zygote and its
    # workers itself, so they ignore it (the forked workers inherit this).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A query over max_query_memory ends in Rust's allocation-failure abort: one line of log, not a
    # hundred-line backtrace per attempt when the environment asks Rust for backtraces.
    os.environ["RUST_BACKTRACE"] = "0"
    try:
        store = _memory_copy(path, float(timeout)) if in_memory == "1" else None
    except (OSError, SyntaxError, TimeoutError) as error:
        conn.send(("failed", str(error)))
        return
    # Dead workers are reaped by the kernel: the zygote never waits for them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    channel = socket.socket(fileno=os.dup(conn.fileno()))
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                channel.close()
                conn.close()
                ours.close()
                worker_store = store if store is not None else ox.Store.read_only(path)
                limit_memory(int(memory_limit))
                serve(Connection(theirs.detach()), worker_store)
            finally:
                os._exit(0)
        theirs.close()
        socket.send_fds(channel, [_PID.pack(pid)], [ours.fileno()])
        ours.close()


def limit_memory(budget: int) -> None:
    """Cap this process's address space at what it maps now plus ``budget`` bytes (0: no cap).

    A query that allocates more fails its allocation: pyoxigraph aborts (Python raises
    MemoryError), the worker dies, and the parent answers 503 and forks a replacement. The store
    shared with the zygote is already mapped, so it is not counted against the budget.
    """
    if budget <= 0:
        return
    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + budget if hard == resource.RLIM_INFINITY else min(mapped + budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Zygote:
    """The parent's handle on a zygote process serving one store directory."""

    def __init__(self, path: Path, in_memory: bool, timeout: float, memory_limit: int = 0) -> None:
        self.path = path
        self._lock = threading.Lock()  # one fork request at a time on the connection
        self.process, self._conn = processes.start(
            f"{__name__}:zygote_main", str(path), "1" if in_memory else "0", str(timeout), str(memory_limit)
        )
        self._channel = socket.socket(fileno=os.dup(self._conn.fileno()))
        try:
            status, detail = _reply(self._conn, timeout, f"opening {path}")
        except TimeoutError as error:
            self.stop()
            raise RuntimeError(f"query workers could not open {path}: {error}") from None
        if status != "ready":
            self.stop()
            raise RuntimeError(f"query workers could not open {path}: {detail}")

    def fork(self) -> tuple[int, Connection]:
        """A new worker: its process id and the connection to it."""
        with self._lock:
            self._conn.send("fork")
            data, fds, _flags, _address = socket.recv_fds(self._channel, _PID.size, 1)
        if len(data) != _PID.size or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise RuntimeError(f"the zygote for {self.path} stopped")
        (pid,) = _PID.unpack(data)
        return pid, Connection(fds[0])

    def stop(self) -> None:
        """Stop the zygote (its workers stay until their connections close)."""
        with contextlib.suppress(OSError):
            self._conn.send(None)
        self._channel.close()
        self._conn.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            processes.kill(self.process)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (workers are the zygote's children, reaped by the kernel)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
