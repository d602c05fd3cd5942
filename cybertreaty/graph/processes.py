"""Child processes for work that may have to be killed (queries, updates, upload validation).

Children are started as ``python -m cybertreaty.graph.processes <fd> <module:function> ...`` with
one end of a socket pair, over which parent and child exchange pickled messages (multiprocessing's
Connection); the function gets the connection and the remaining arguments. (Running the target
module itself as ``__main__`` would make its classes unpicklable in the parent.) Unlike multiprocessing's
"spawn", this never re-imports the parent's ``__main__``, so the store works from any script,
REPL or server; unlike "fork", the child does not inherit the parent's threads or RocksDB handles.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import Any


def start(target: str, *args: str) -> tuple[subprocess.Popen[bytes], Connection]:
    """Run ``target`` (``module:function``) in a new Python process; the process and a connection."""
    parent, child = socket.socketpair()
    # The child sees the same import path as the parent (e.g. a validator in a test package).
    path = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    env = {**os.environ, "PYTHONPATH": path}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(child.fileno()), target, *args],
            pass_fds=(child.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
    finally:
        child.close()
    return process, Connection(parent.detach())


def run_once(target: str, job: object, timeout: float) -> tuple[str, Any] | None:
    """Send ``job`` to ``target`` in a fresh process and return its one reply (a status and a
    detail); ("stopped", None) if the process died first, None if ``timeout`` seconds passed. The
    process is killed in every case."""
    process, conn = start(target)
    try:
        conn.send(job)
        if not conn.poll(timeout):
            return None
        reply: tuple[str, Any] = conn.recv()
        return reply
    except (EOFError, OSError):
        # It died (an engine crash, a kill from outside): depending on the moment, the connection
        # reports that as an end of file or as a reset.
        return "stopped", None
    finally:
        kill(process)
        conn.close()


def _child_main(argv: list[str]) -> None:
    """In the child: connect to the parent and run the target function."""
    connection = Connection(int(argv[1]))
    module, _, function = argv[2].partition(":")
    getattr(importlib.import_module(module), function)(connection, *argv[3:])


def kill(process: subprocess.Popen[bytes]) -> None:
    # SIGKILL: a child busy inside Rust code would not notice a polite signal.
    process.kill()
    process.wait(5)


if __name__ == "__main__":
    _child_main(sys.argv)
