"""Loopback servers for the Wikidata tests: an Oxigraph server holding the Wikidata-shaped
fixture, and a scripted HTTP server that answers 429/503 before it answers 200."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
FIXTURE = Path(__file__).parent / "data" / "wikidata-fixture.ttl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class WikidataStandIn:
    """`oxigraph serve` on a directory loaded with the fixture by `oxigraph load`."""

    def __init__(self, folder: Path) -> None:
        assert OXIGRAPH is not None
        location = folder / "wikidata"
        subprocess.run(
            [OXIGRAPH, "load", "--location", str(location), "--file", str(FIXTURE)],
            check=True,
            capture_output=True,
        )
        self.port = free_port()
        self.process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def _wait(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url, params={"query": "ASK {}"}).is_success:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph did not come up on port {self.port} within {timeout} s")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


EMPTY_RESULT = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}


@dataclass
class Scripted:
    """A SPARQL-endpoint impostor that answers with ``statuses`` in turn (200: a one-row result),
    sending ``retry_after`` with every non-200 answer, and records each request's User-Agent."""

    statuses: list[int]
    retry_after: str | None = None
    agents: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        script = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                script.agents.append(self.headers.get("User-Agent", ""))
                status = script.statuses.pop(0) if script.statuses else 200
                body = json.dumps(EMPTY_RESULT).encode() if status == 200 else b"slow down"
                self.send_response(status)
                if status != 200 and script.retry_after is not None:
                    self.send_header("Retry-After", script.retry_after)
                self.send_header(
                    "Content-Type", "application/sparql-results+json" if status == 200 else "text/plain"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class AppOnLoopback:
    """Our FastAPI app under a real uvicorn server on a free loopback port, in a thread."""

    def __init__(self, app: object) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 30 s")
            time.sleep(0.02)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
