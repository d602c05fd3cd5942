"""Benchmark the SPARQL endpoint (issue 4): our /sparql over the embedded store, the Oxigraph
server on the same data, and rdflib-endpoint (the plain-rdflib alternative).

For each dataset (synthetic data following the ontology at about 10k, 100k and 1M triples, and the
real graph built from data/) every target is started as its own process on loopback, the answers
to a fixed query mix are compared across targets (as multisets of rows), and then p50/p95 latency
and throughput are measured at concurrency 1 and 8, the targets taking turns (``--rounds``). One
table is printed, with ratios against the Oxigraph server, and the numbers are written to
bench/results/ as JSON. ``--disk`` adds our endpoint reading its store from disk, ``--floor`` a bare
uvicorn app giving one canned answer (the least any Python server here costs); ``--timeout``
bounds each request (a target that passes it is shown with ">=", its time a lower bound).

    .venv/bin/python bench/sparql_endpoint.py --sizes real 10k 100k --repeat 10 --rdflib-repeat 3
    .venv/bin/python bench/sparql_endpoint.py --sizes 1m --repeat 3 --rdflib-repeat 1 --disk

rdflib-endpoint pins its own dependencies, so it runs from a separate virtualenv; by default one
is made under the system temp folder with `pip install rdflib-endpoint[cli]` (PyPI). Not a test:
nothing here runs in `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from cybertreaty.graph.build import assemble, ontology_quads, write_store
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.load import load
from cybertreaty.paths import data_dir

RESULTS = Path(__file__).parent / "results"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
BASE = "https://w3id.org/cybertreaty/"
CT, ORG = BASE + "ontology#", "http://www.w3.org/ns/org#"
RDF_TYPE, LABEL = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
)
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = (
    f"PREFIX ct: <{CT}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX org: <{ORG}>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
)
QUERIES: dict[str, str] = {
    "lookup": 'SELECT ?label WHERE { ?s ct:iso3166Alpha3 "VNM" ; rdfs:label ?label }',
    "join": "SELECT ?actorLabel ?instrumentLabel ?date WHERE { ?a a ct:Signature ; ct:actor ?actor ; "
    "ct:instrument ?i ; ct:date ?date . ?actor rdfs:label ?actorLabel . ?i rdfs:label ?instrumentLabel "
    "FILTER(lang(?actorLabel) = 'en' && lang(?instrumentLabel) = 'en') } "
    "ORDER BY ?date ?actorLabel LIMIT 100",
    "aggregate": "SELECT ?i (COUNT(DISTINCT ?actor) AS ?n) WHERE { ?a a ct:Signature ; ct:instrument ?i ; "
    "ct:actor ?actor } GROUP BY ?i ORDER BY DESC(?n) ?i LIMIT 50",
    "optional": "SELECT ?s ?code ?same WHERE { ?s a ct:State ; ct:iso3166Alpha3 ?code "
    "OPTIONAL { ?s owl:sameAs ?same } } ORDER BY ?code LIMIT 200",
    "not-exists": "SELECT ?s WHERE { ?s a ct:State "
    "FILTER NOT EXISTS { ?r a ct:Ratification ; ct:actor ?s } } ORDER BY ?s",
    "path": "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class . ?class rdfs:subClassOf* ct:Action } "
    "GROUP BY ?class ORDER BY ?class",
    "votes": "SELECT ?event ?option (COUNT(*) AS ?n) WHERE { ?v ct:voteEvent ?event ; ct:option ?option } "
    "GROUP BY ?event ?option ORDER BY ?event ?option LIMIT 200",
    "members": "SELECT ?group (COUNT(DISTINCT ?s) AS ?n) WHERE { ?m org:member ?s ; "
    "org:organization/rdfs:label ?group FILTER(lang(?group) = 'en') } GROUP BY ?group ORDER BY ?group",
}


# --- data ----------------------------------------------------------------------------------------


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + path)


def ct(name: str) -> ox.NamedNode:
    return ox.NamedNode(CT + name)


def synthetic(target: int, seed: int = 4) -> list[ox.Quad]:
    """About ``target`` triples shaped like the built graph: States, organisations, treaties,
    signatures, ratifications and recorded votes, each in the named graph of a source."""
    rng = random.Random(seed)
    quads: list[ox.Quad] = list(ontology_quads())
    registry = iri("graph/source/registry")
    sources = [iri(f"graph/source/s{k:02d}") for k in range(20)]

    def add(graph: ox.NamedNode, s: ox.NamedNode, p: ox.NamedNode, o: Any) -> None:
        quads.append(ox.Quad(s, p, o, graph))

    states = [iri(f"id/state/{code}") for code in ["VNM", *(f"S{n:03d}" for n in range(199))]]
    for state in states:
        code = state.value.rsplit("/", 1)[1]
        add(registry, state, ox.NamedNode(RDF_TYPE), ct("State"))
        add(registry, state, ox.NamedNode(LABEL), ox.Literal(f"State {code}", language="en"))
        add(registry, state, ct("iso3166Alpha3"), ox.Literal(code))
        if rng.random() < 0.9:
            add(
                registry,
                state,
                ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                iri(f"wd/Q{rng.randint(1, 10**6)}"),
            )
    for g in range(10):
        group = iri(f"id/org/group-{g}")
        add(registry, group, ox.NamedNode(LABEL), ox.Literal(f"Group {g}", language="en"))
        for state in rng.sample(states, 30):
            membership = iri(f"id/membership/group-{g}-{state.value.rsplit('/', 1)[1]}")
            add(registry, membership, ox.NamedNode(ORG + "member"), state)
            add(registry, membership, ox.NamedNode(ORG + "organization"), group)
    n = 0
    while len(quads) < target:  # each instrument brings ~2,200 quads: signatures, ratifications, a vote
        _instrument(add, rng, states, sources, registry, n)
        n += 1
    return quads


def _instrument(
    add: Callable[..., None],
    rng: random.Random,
    states: Sequence[ox.NamedNode],
    sources: Sequence[ox.NamedNode],
    registry: ox.NamedNode,
    n: int,
) -> None:
    instrument = iri(f"id/treaty/t{n:05d}")
    add(registry, instrument, ox.NamedNode(RDF_TYPE), ct("Treaty"))
    add(registry, instrument, ox.NamedNode(LABEL), ox.Literal(f"Treaty {n}", language="en"))
    event = iri(f"id/vote-event/t{n:05d}")
    for state in states:
        code = state.value.rsplit("/", 1)[1]
        source = sources[rng.randrange(len(sources))]
        graphs = [source] + (
            [sources[(sources.index(source) + 1) % len(sources)]] if rng.random() < 0.1 else []
        )
        for kind, chance in (("Signature", 0.6), ("Ratification", 0.4)):
            if rng.random() >= chance:
                continue
            action = iri(f"id/action/{kind.lower()}-{code}-t{n:05d}")
            day = ox.Literal(
                f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                datatype=ox.NamedNode(XSD + "date"),
            )
            for graph in graphs:  # some facts are stated by two sources: the union must not repeat them
                for p, o in (
                    (ox.NamedNode(RDF_TYPE), ct(kind)),
                    (ct("actor"), state),
                    (ct("instrument"), instrument),
                    (ct("date"), day),
                    (ct("source"), iri(f"id/source/{graph.value[-3:]}")),
                ):
                    add(graph, action, p, o)
        vote = iri(f"id/vote/t{n:05d}/{code}")
        option = ct(rng.choice(["Yes", "No", "Abstain", "NotVoting"]))
        for p, o in (
            (ox.NamedNode(RDF_TYPE), ct("Vote")),
            (ct("voteEvent"), event),
            (ct("actor"), state),
            (ct("option"), option),
        ):
            add(source, vote, p, o)


def real_graph() -> list[ox.Quad]:
    return assemble(data_dir(), Iris(), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


# --- targets -------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Target:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_ready(url: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=5).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_ours(quads: list[ox.Quad], folder: Path, workers: int | None, in_memory: bool) -> Target:
    write_store(quads, folder / "store")
    port = free_port()
    # The time limit is the benchmark's own (--timeout); everything else is the served default.
    options = f"workers={workers}," if workers else ""
    code = (
        "from pathlib import Path; from cybertreaty.service.server import run;"
        "from cybertreaty.settings import Settings;"
        f"run(Settings(store=Path({str(folder / 'store')!r}), port={port}, max_result_rows=1_000_000,"
        f" query_timeout=3600, max_concurrent_queries=64, in_memory={in_memory}, {options}),"
        " log_level='warning')"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}/sparql"
    wait_ready(url)
    return Target("cybertreaty", url, process)


def start_oxigraph(quads: list[ox.Quad], folder: Path) -> Target:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_ready(url)
    dump = folder / "data.nq"
    load(url, dump, graph_store_url=f"http://127.0.0.1:{port}/store")
    return Target("oxigraph", url, process)


def start_rdflib_endpoint(binary: Path, folder: Path) -> Target:
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "serve", str(folder / "data.nq"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"  # its endpoint is the root path
    wait_ready(url, timeout=3600)
    return Target("rdflib-endpoint", url, process)


def rdflib_endpoint_binary(option: str) -> Path | None:
    """The rdflib-endpoint command: the given path, none, or one installed in a temporary venv."""
    if option == "none":
        return None
    if option != "auto":
        return Path(option)
    venv = Path(tempfile.gettempdir()) / "cybertreaty-bench-rdflib-endpoint"
    binary = venv / "bin" / "rdflib-endpoint"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "rdflib-endpoint[cli]"], check=True)
    return binary


# --- measuring -----------------------------------------------------------------------------------


def new_client(timeout: float, encoding: str | None) -> httpx.Client:
    """A client for the measurements; ``encoding`` replaces httpx's Accept-Encoding (gzip, ...)."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    return httpx.Client(timeout=timeout, headers=headers)


def ask(client: httpx.Client, url: str, query: str) -> tuple[float, httpx.Response | None]:
    """Seconds taken and the response; None when the client's time limit passed first (the time
    is then a lower bound: the target needs at least that long)."""
    started = time.perf_counter()
    try:
        response = client.post(
            url, data={"query": PREFIXES + query}, headers={"Accept": "application/sparql-results+json"}
        )
    except httpx.TimeoutException:
        return time.perf_counter() - started, None
    return time.perf_counter() - started, response


def rows(response: httpx.Response) -> list[tuple[str, ...]]:
    """The answer as a sorted multiset of rows (lexical values with their kind and datatype)."""
    body = response.json()
    names = body["head"]["vars"]
    found = []
    for binding in body["results"]["bindings"]:
        cells = []
        for name in names:
            term = binding.get(name, {})
            datatype = term.get("datatype", "")
            datatype = "" if datatype == XSD + "string" else datatype
            cells.append(
                f"{term.get('type', '')}|{term.get('value', '')}|{term.get('xml:lang', '')}|{datatype}"
            )
        found.append(tuple(cells))
    return sorted(found)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    per_query: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    timed_out: int = 0  # requests cut by the client's time limit: their latency is a lower bound
    wall: float = 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pick(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

        return {
            "requests": len(ordered),
            "errors": self.errors,
            "timed_out": self.timed_out,
            "p50_ms": pick(0.5),
            "p95_ms": pick(0.95),
            "throughput_rps": len(ordered) / self.wall if self.wall else 0.0,
            "p50_ms_by_query": {q: statistics.median(v) * 1000 for q, v in self.per_query.items()},
        }


def measure(
    targets: Sequence[Target], concurrency: int, repeats: dict[str, int], options: Options
) -> dict[str, Run]:
    """Each target's latencies for the query mix (``repeats[name]`` times each query), at
    ``concurrency`` clients. The targets take turns in ``rounds`` slices of their jobs, in a
    different order each round, so that a slower or busier minute of the machine is shared by all
    of them rather than landing on one (runs measured one after the other differed by 30%)."""
    runs = {t.name: Run() for t in targets}
    slices: dict[str, list[list[str]]] = {}
    for target in targets:
        jobs = [name for name in QUERIES for _ in range(repeats[target.name])]
        random.Random(1).shuffle(jobs)
        slices[target.name] = [jobs[k :: options.rounds] for k in range(options.rounds)]
    lock, local = threading.Lock(), threading.local()

    def one(target: Target, name: str) -> None:
        clients = local.__dict__.setdefault("clients", {})
        client = clients.get(target.url) or clients.setdefault(
            target.url, new_client(options.timeout, options.accept_encoding)
        )
        seconds, response = ask(client, target.url, QUERIES[name])
        run = runs[target.name]
        with lock:
            run.latencies.append(seconds)
            run.per_query.setdefault(name, []).append(seconds)
            if response is None:
                run.timed_out += 1
            else:
                run.errors += not response.is_success

    with ThreadPoolExecutor(concurrency) as pool:
        for k in range(options.rounds):
            for target in [*targets[k % len(targets) :], *targets[: k % len(targets)]]:
                started = time.perf_counter()
                list(pool.map(partial(one, target), slices[target.name][k]))
                runs[target.name].wall += time.perf_counter() - started
    return runs


def compare(targets: Sequence[Target], options: Options) -> dict[str, Any]:
    """Run each query once on every target (a warm-up too); the answers must be identical.

    A target that passes the time limit is left out of that query's comparison and named."""
    report: dict[str, Any] = {}
    with new_client(options.timeout, options.accept_encoding) as client:
        for name, query in QUERIES.items():
            # The floor answers every query with the same canned result: nothing to compare.
            responses = {t.name: ask(client, t.url, query)[1] for t in targets if t.name != FLOOR}
            answers = {t: rows(r) for t, r in responses.items() if r is not None}
            reference = answers[targets[0].name]
            report[name] = {
                "rows": len(reference),
                "identical": all(a == reference for a in answers.values()),
                "timed_out": sorted(t for t, r in responses.items() if r is None),
            }
    return report


@dataclass(frozen=True)
class Options:
    repeat: int  # times each query runs per measurement (twice that at concurrency 8)
    timeout: float  # the client's time limit per request, in seconds
    rdflib_binary: Path | None
    rdflib_repeat: int  # rdflib-endpoint is slow enough at 1M that one run of each query says enough
    workers: int | None  # our query workers (None: the served default)
    disk: bool  # also measure our endpoint reading the store from disk (in_memory=false)
    rounds: int  # the targets take turns this many times (see measure)
    floor: bool  # also measure a bare uvicorn app's canned answer (see FLOOR_APP)
    accept_encoding: str | None = None  # None: httpx's default (gzip, deflate, ...)


def bench_dataset(label: str, quads: list[ox.Quad], options: Options) -> dict[str, Any]:
    triples = len({q.triple for q in quads})
    print(f"\n== {label}: {len(quads)} quads, {triples} distinct triples", flush=True)
    with tempfile.TemporaryDirectory(prefix="cybertreaty-bench-") as tmp:
        folder = Path(tmp)
        (folder / "data.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        starters = [
            partial(start_oxigraph, quads, folder),
            partial(start_ours, quads, folder, options.workers, True),
        ]
        if options.disk:
            starters.append(partial(start_ours_on_disk, quads, folder, options.workers))
        if options.floor:
            starters.append(partial(start_floor))
        if options.rdflib_binary is not None:
            starters.append(partial(start_rdflib_endpoint, options.rdflib_binary, folder))
        targets: list[Target] = []
        try:
            for start in starters:
                began = time.perf_counter()
                targets.append(start())
                print(f"   {targets[-1].name} ready in {time.perf_counter() - began:.1f} s", flush=True)
            equality = compare(targets, options)
            measured: dict[str, dict[str, Any]] = {t.name: {} for t in targets}
            for c in (1, 8):
                repeats = {
                    t.name: (options.rdflib_repeat if t.name == "rdflib-endpoint" else options.repeat)
                    * (2 if c > 1 else 1)
                    for t in targets
                }
                for name, run in measure(targets, c, repeats, options).items():
                    measured[name][str(c)] = run.summary()
                print(f"   measured at concurrency {c}", flush=True)
        finally:
            for target in targets:
                target.stop()
    return {
        "dataset": label,
        "quads": len(quads),
        "triples": triples,
        "results": equality,
        "targets": measured,
    }


# The floor of any Python server here: uvicorn answering every request with one canned SPARQL JSON
# result, no framework and no query. What our endpoint costs beyond it is ours to reduce.
FLOOR_APP = """
import sys, uvicorn
BODY = (b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":'
        b'{"type":"literal","value":"Viet Nam","xml:lang":"en"}}]}}')
HEADERS = [(b"content-type", b"application/sparql-results+json"),
           (b"content-length", str(len(BODY)).encode())]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
FLOOR = "uvicorn-floor"


def start_floor() -> Target:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", FLOOR_APP, str(port)])
    url = f"http://127.0.0.1:{port}/sparql"
    wait_ready(url)
    return Target(FLOOR, url, process)


def start_ours_on_disk(quads: list[ox.Quad], folder: Path, workers: int | None) -> Target:
    (folder / "disk").mkdir()
    target = start_ours(quads, folder / "disk", workers, False)
    return Target("cybertreaty-disk", target.url, target.process)


def table(datasets: Sequence[dict[str, Any]]) -> str:
    """One line per dataset, target and concurrency; ">=" marks a time that is a lower bound
    (some requests passed the client's time limit)."""
    lines = [
        f"{'dataset':<8} {'target':<16} {'conc':>4} {'p50 ms':>11} {'p95 ms':>11} {'req/s':>8} "
        f"{'p50 / oxigraph':>15} {'req/s / oxigraph':>17} {'identical':>9}"
    ]
    for data in datasets:
        identical = all(r["identical"] for r in data["results"].values())
        for name, by_conc in data["targets"].items():
            for conc, stats in by_conc.items():
                ref = data["targets"]["oxigraph"][conc]
                p50, rps = stats["p50_ms"], stats["throughput_rps"]
                p95 = stats["p95_ms"]
                bound = ">=" if stats.get("timed_out") else ""
                ratio = p50 / ref["p50_ms"]
                lines.append(
                    f"{data['dataset']:<8} {name:<16} {conc:>4} {bound + f'{p50:.2f}':>11} "
                    f"{bound + f'{p95:.2f}':>11} {rps:>8.1f} "
                    f"{bound + f'{ratio:.2f}x':>15} {rps / ref['throughput_rps']:>16.2f}x "
                    f"{'-' if name == FLOOR else 'yes' if identical else 'NO':>9}"
                )
        for query, result in data["results"].items():
            if result.get("timed_out"):
                lines.append(
                    f"   {data['dataset']} {query}: not compared for {', '.join(result['timed_out'])} "
                    "(time limit)"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k", "real"], choices=[*SIZES, "real"])
    parser.add_argument("--repeat", type=int, default=5, help="times each query runs per measurement")
    parser.add_argument("--timeout", type=float, default=3600, help="client time limit per request (s)")
    parser.add_argument("--rdflib-endpoint", default="auto", help="its command, 'auto' (temp venv) or 'none'")
    parser.add_argument("--rdflib-repeat", type=int, help="repeats for rdflib-endpoint (default: --repeat)")
    parser.add_argument("--workers", type=int, help="our query workers (default: the served default)")
    parser.add_argument("--disk", action="store_true", help="also measure our store read from disk")
    parser.add_argument("--rounds", type=int, default=5, help="turns the targets take, interleaved")
    parser.add_argument(
        "--floor", action="store_true", help="also measure a bare uvicorn app (canned answer)"
    )
    parser.add_argument(
        "--accept-encoding",
        help="the clients' Accept-Encoding, e.g. 'identity' so that no target compresses "
        "(default: httpx's, which asks for gzip; the Oxigraph server ignores it, we compress)",
    )
    args = parser.parse_args(argv)
    options = Options(
        args.repeat,
        args.timeout,
        rdflib_endpoint_binary(args.rdflib_endpoint),
        args.rdflib_repeat or args.repeat,
        args.workers,
        args.disk,
        max(1, args.rounds),
        args.floor,
        args.accept_encoding,
    )
    datasets = []
    for size in args.sizes:
        quads = real_graph() if size == "real" else synthetic(SIZES[size])
        datasets.append(bench_dataset(size, quads, options))
    print("\n" + table(datasets))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"sparql_endpoint-{stamp}.json"
    meta = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "pyoxigraph": ox.__version__,
        "queries": QUERIES,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    out.write_text(json.dumps({"meta": meta, "datasets": datasets}, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
