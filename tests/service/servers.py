"""Real servers for the endpoint tests, all on loopback: our app under uvicorn (in a thread), the
Oxigraph server from the `oxigraph` package (a subprocess), and a canary that records every
request it gets (to prove that a SERVICE or LOAD is never sent out)."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI

from cybertreaty.graph.load import load

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(check: object, timeout: float = 30.0, what: str = "server") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if callable(check) and check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


SIMPLE = "ASK { ?s ?p ?o }"


def recovered(client: httpx.Client, sparql: str, timeout: float = 30.0) -> bool:
    """True once two simple queries in a row are answered (killed workers have been replaced)."""
    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline and streak < 2:
        ok = client.get(sparql, params={"query": SIMPLE}).status_code == 200
        streak = streak + 1 if ok else 0
        if not ok:
            time.sleep(0.1)
    return streak == 2


class AppServer:
    """Our FastAPI app under a real uvicorn server on a free loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    def __enter__(self) -> AppServer:
        self.thread.start()
        wait_until(lambda: self.server.started, what="uvicorn")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class OxigraphServer:
    """`oxigraph serve` on a fresh directory, loaded with our data by cybertreaty.graph.load."""

    def __init__(self, location: Path, timeout_s: int = 3) -> None:
        assert OXIGRAPH is not None
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                OXIGRAPH,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout-s",
                str(timeout_s),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: httpx.get(f"{self.base}/query?query=ASK%7B%7D").is_success, what="oxigraph")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    def load(self, quads: list[ox.Quad], folder: Path) -> None:
        dump = folder / "dump.nq"
        dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        load(self.query_url, dump, graph_store_url=f"{self.base}/store")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


@dataclass
class Canary:
    """A loopback HTTP server that answers 500 to everything and remembers each request."""

    hits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(500)
                self.end_headers()

            do_GET = do_POST = do_PUT = do_HEAD = _record

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    def close(self) -> None:
        self.server.shutdown()
