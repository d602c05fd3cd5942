"""Load test of the whole service on loopback: a realistic mix of REST API, SPARQL, linked-data and
page requests from 1, 8 and 32 concurrent clients, each level for a fixed time.

By default the real graph is built from data/ into a temporary folder and served by
`cybertreaty serve` (default settings: query workers = min(4, CPUs)) as its own process; ``--url``
targets a server that is already running instead. Each client is an asyncio task that sends one
request after the other (closed loop, keep-alive connections). For each level and route group the
script prints throughput, p50/p95/p99 latency and errors (any status but 200, or no answer), and
writes the numbers to bench/results/load-<time>.json.

    .venv/bin/python bench/load.py                  # 10 s per level
    .venv/bin/python bench/load.py --seconds 30 --levels 1 8 32 64

Target (issue 9): zero errors, and p99 of the API routes under 100 ms at 8 clients. Not a test:
nothing here runs in `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cybertreaty.graph.build import build
from cybertreaty.graph.iris import Iris
from cybertreaty.paths import data_dir
from cybertreaty.service.examples import packaged_examples

RESULTS = Path(__file__).parent / "results"
BASE = "https://w3id.org/cybertreaty/"
STATES = ("VNM", "USA", "FRA", "DEU", "CHN", "RUS", "BRA", "ZAF", "IND", "GBR", "JPN", "NGA", "EGY", "ARG")
GROUPS = ("eu", "asean", "au", "caricom", "coe", "five-eyes")
DATES = ("2025-10-25", "2025-10-29", "2025-12-31", "2026-06-01")
ERRORS: dict[str, str] = {}  # the first answer of each kind of error, to say why it failed


@dataclass(frozen=True)
class Request:
    group: str  # api, sparql, linked-data, pages
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def request_mix() -> list[tuple[float, Request]]:
    """(weight, request): mostly REST API calls, then SPARQL, entity pages and RDF, a few HTML pages."""
    rng = random.Random(9)
    mix: list[tuple[float, Request]] = []
    for state in STATES:
        mix += [
            (2.0, Request("api", "GET", f"/api/states/{state}")),
            (1.0, Request("api", "GET", f"/api/states/{state}/actions")),
            (1.0, Request("api", "GET", f"/api/states/{state}/votes")),
            (1.0, Request("linked-data", "GET", f"/id/state/{state}", headers={"Accept": "text/turtle"})),
            (0.5, Request("linked-data", "GET", f"/id/state/{state}", headers={"Accept": "text/html"})),
        ]
    for group in GROUPS:
        day = rng.choice(DATES)
        mix += [
            (2.0, Request("api", "GET", "/api/treaties/uncc/signature-status", {"group": group})),
            (1.0, Request("api", "GET", f"/api/groups/{group}/positions")),
            (1.0, Request("api", "GET", "/api/treaties/uncc/parties", {"as_of": day})),
        ]
    mix += [
        (3.0, Request("api", "GET", "/api/treaties/uncc/status", {"as_of": "2025-10-29"})),
        (2.0, Request("api", "GET", "/api/treaties/uncc/signature-status", {"status": "signed"})),
        (2.0, Request("api", "GET", "/api/resolutions/a-res-74-247/votes", {"option": "no"})),
        (1.0, Request("api", "GET", "/api/resolutions/a-res-74-247/vote-totals")),
        (2.0, Request("api", "GET", "/api/search", {"q": "Viet Nam"})),
        (1.0, Request("api", "GET", "/api/sources")),
        (1.0, Request("api", "GET", "/api/treaties/uncc/signature-status", headers={"Accept": "text/csv"})),
        (1.0, Request("pages", "GET", "/", headers={"Accept": "text/html"})),
        (0.5, Request("pages", "GET", "/explorer/map", headers={"Accept": "text/html"})),
        (0.5, Request("pages", "GET", "/sparql", headers={"Accept": "text/html"})),
    ]
    for example in packaged_examples():
        if example.federated:
            continue  # they call Wikidata; the loopback server makes no outbound request
        for accept in ("application/sparql-results+json", "text/csv"):
            mix.append(
                (1.5, Request("sparql", "POST", "/sparql", {"query": example.sparql}, {"Accept": accept}))
            )
    mix.append((3.0, Request("sparql", "GET", "/sparql", {"query": "ASK { ?s a ?o }"})))
    return mix


@dataclass
class Sample:
    group: str
    seconds: float
    status: int  # 0: no answer

    @property
    def ok(self) -> bool:
        return self.status == 200


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def client_loop(
    http: httpx.AsyncClient, mix: list[tuple[float, Request]], seed: int, until: float, samples: list[Sample]
) -> None:
    rng = random.Random(seed)
    weights = [w for w, _ in mix]
    requests = [r for _, r in mix]
    while time.monotonic() < until:
        request = rng.choices(requests, weights)[0]
        started = time.perf_counter()
        try:
            if request.method == "POST":
                response = await http.post(request.path, data=request.params, headers=request.headers)
            else:
                response = await http.get(request.path, params=request.params, headers=request.headers)
            status = response.status_code
            if status != 200:
                ERRORS.setdefault(f"{status} {request.path}", response.text.strip()[:120])
        except httpx.HTTPError as error:
            status = 0
            ERRORS.setdefault(f"no answer {request.path}", repr(error)[:120])
        samples.append(Sample(request.group, time.perf_counter() - started, status))


async def level(url: str, clients: int, seconds: float, warmup: float) -> list[Sample]:
    mix = request_mix()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        if warmup:
            await asyncio.gather(
                *(client_loop(http, mix, 1000 + i, time.monotonic() + warmup, []) for i in range(clients))
            )
        ERRORS.clear()  # only the measured time counts
        samples: list[Sample] = []
        until = time.monotonic() + seconds
        await asyncio.gather(*(client_loop(http, mix, i, until, samples) for i in range(clients)))
    return samples


def summarise(clients: int, seconds: float, samples: list[Sample]) -> list[dict[str, Any]]:
    rows = []
    groups = sorted({s.group for s in samples})
    for group in [*groups, "all"]:
        chosen = [s for s in samples if group in ("all", s.group)]
        latencies = [s.seconds * 1000 for s in chosen]
        rows.append(
            {
                "clients": clients,
                "group": group,
                "requests": len(chosen),
                "per_second": len(chosen) / seconds,
                "p50_ms": percentile(latencies, 0.50),
                "p95_ms": percentile(latencies, 0.95),
                "p99_ms": percentile(latencies, 0.99),
                "errors": sum(not s.ok for s in chosen),
                "error_statuses": dict(Counter(str(s.status) for s in chosen if not s.ok)),
            }
        )
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def real_graph_server() -> Iterator[str]:
    """`cybertreaty serve` over the real graph, built from data/ into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="cybertreaty-load-") as folder:
        out, log = Path(folder) / "build", Path(folder) / "serve.log"
        build(data_dir(), out, Iris(BASE))
        port = free_port()
        env = {**os.environ, "CYBERTREATY_STORE": str(out / "store"), "CYBERTREATY_PORT": str(port)}
        command = [sys.executable, "-c", "from cybertreaty.cli import main; main()", "serve"]
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*command, "--log-level", "warning"], env=env, stdout=sink, stderr=sink
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(30)


@contextmanager
def running(url: str) -> Iterator[str]:
    yield url.rstrip("/")


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'clients':>7} {'group':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['clients']:>7} {row['group']:<12} {row['requests']:>8} {row['per_second']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>6}"
            + (f"  {row['error_statuses']}" if row["errors"] else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server to load (default: start one on the real graph)")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32], help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time before each level")
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = running(args.url) if args.url else real_graph_server()
    with target as url:
        rows: list[dict[str, Any]] = []
        examples: dict[str, dict[str, str]] = {}
        for clients in args.levels:
            samples = asyncio.run(level(url, clients, args.seconds, args.warmup))
            rows += summarise(clients, args.seconds, samples)
            examples[str(clients)] = dict(ERRORS)
    print_table(rows)
    api8 = next((r for r in rows if r["clients"] == 8 and r["group"] == "api"), None)
    errors = sum(r["errors"] for r in rows if r["group"] == "all")
    verdict = {
        "zero_errors": errors == 0,
        "api_p99_under_100ms_at_8": api8 is not None and api8["p99_ms"] < 100,
    }
    for clients, errors in examples.items():
        for kind, text in sorted(errors.items()):
            print(f"error at {clients} clients, {kind}: {text}")
    print(f"\ntarget: zero errors {'met' if verdict['zero_errors'] else 'MISSED'}; ", end="")
    if api8 is not None:
        met = "met" if verdict["api_p99_under_100ms_at_8"] else "MISSED"
        print(f"API p99 at 8 clients {api8['p99_ms']:.1f} ms < 100 ms {met}")
    report = {
        "when": stamp,
        "url": args.url or "real graph, cybertreaty serve defaults",
        "cpus": os.cpu_count(),
        "seconds_per_level": args.seconds,
        "rows": rows,
        "verdict": verdict,
        "errors": examples,
    }
    path = RESULTS / f"load-{stamp}.json"
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
