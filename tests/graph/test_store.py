"""The store layer without HTTP: both backends behind one interface, the outbound-request guard,
result serializers, writes and generations, and loading an external engine."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
import uvloop
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS

from cybertreaty.errors import (
    EngineStopped,
    Forbidden,
    NotAcceptable,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
    UnknownResource,
    UpdateRejected,
)
from cybertreaty.graph import results
from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.formats import FORMATS, Family, by_key, formats_for
from cybertreaty.graph.load import load, read_graphs
from cybertreaty.graph.remote import RemoteStore
from cybertreaty.graph.sparql_text import QueryForm
from cybertreaty.graph.store import Dataset, Formats, Limits, Store, bind
from cybertreaty.graph.writes import Generations
from tests.service.servers import OXIGRAPH, OxigraphServer
from tests.service.validator import REFERENCE as VALIDATOR

FIXTURE = Path(__file__).parent.parent / "service" / "data" / "endpoint.trig"
STATE = "https://w3id.org/cybertreaty/id/state/"
CT = "https://w3id.org/cybertreaty/ontology#"
BETA = "https://w3id.org/cybertreaty/graph/source/beta"
LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
JSON = Formats(by_key("json"), by_key("turtle"))
needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the `oxigraph` server binary is not installed")


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE)))


@pytest.fixture(scope="module")
def embedded(quads: list[ox.Quad]) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore.from_quads(quads, workers=2, query_timeout=5, max_rows=30)
    yield store
    store.close()


@pytest.fixture(scope="module")
def oxigraph(quads: list[ox.Quad], tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    if OXIGRAPH is None:
        pytest.skip("the `oxigraph` server binary is not installed")
    folder = tmp_path_factory.mktemp("oxigraph")
    server = OxigraphServer(folder / "data")
    server.load(quads, folder)
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["embedded", pytest.param("remote", marks=pytest.mark.external)])
def store(request: pytest.FixtureRequest, embedded: EmbeddedStore) -> Iterator[Store]:
    if request.param == "embedded":
        yield embedded
        return
    server = request.getfixturevalue("oxigraph")
    remote = RemoteStore(server.query_url, query_timeout=5, max_rows=30)
    yield remote
    remote.close()


def union(quads: list[ox.Quad]) -> set[ox.Triple]:
    return {q.triple for q in quads}


def test_query_outcome(store: Store) -> None:
    outcome = store.query(LABELS, formats=JSON)
    assert outcome.form is QueryForm.SELECT
    assert outcome.media_type == "application/sparql-results+json"
    assert outcome.count == 6 and not outcome.truncated and outcome.elapsed > 0
    construct = store.query("CONSTRUCT WHERE { ?s a ?o }", formats=JSON)
    assert construct.form is QueryForm.CONSTRUCT and construct.media_type == "text/turtle"


def test_select_binds_terms_never_text(store: Store) -> None:
    query = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    france = store.select(query, bindings={"s": URIRef(STATE + "FRA")})
    assert [r["label"] for r in france.rows] == [Literal("France", lang="en"), Literal("France", lang="fr")]
    by_label = store.select(
        "SELECT ?s WHERE { ?s ?p ?label }", bindings={"label": Literal("Viet Nam", lang="en")}
    )
    assert [r["s"] for r in by_label.rows] == [URIRef(STATE + "VNM")]
    hostile = Literal('x" } UNION { ?s ?p ?label } #')
    assert store.select("SELECT ?s WHERE { ?s ?p ?label }", bindings={"label": hostile}).rows == []


def test_select_needs_select(store: Store) -> None:
    with pytest.raises(ValueError, match="SELECT"):
        store.select("ASK { ?s ?p ?o }")


def test_statistics_and_quads(store: Store, quads: list[ox.Quad]) -> None:
    stats = store.statistics()
    assert stats.triples == len(union(quads))
    names = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert stats.graphs == {g.value: sum(1 for q in quads if q.graph_name == g) for g in names}
    assert set(store.quads()) == set(quads)


def test_syntax_error_carries_position(store: Store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        store.query("SELECT * WHERE {\n ?s ?p }", formats=JSON)
    assert (caught.value.line, caught.value.column) == (2, 9)


def test_not_acceptable_before_running(store: Store) -> None:
    with pytest.raises(NotAcceptable) as caught:
        store.query(LABELS, formats=Formats(None, by_key("turtle")))
    assert "application/sparql-results+json" in caught.value.supported


def test_truncation(store: Store) -> None:
    outcome = store.query("SELECT * WHERE { ?s ?p ?o }", formats=JSON, max_rows=4)
    assert outcome.truncated and outcome.count == 4
    assert store.select("SELECT * WHERE { ?s ?p ?o }", max_rows=4).truncated


def test_dataset(store: Store) -> None:
    outcome = store.query(
        "SELECT ?s WHERE { ?s a <https://w3id.org/cybertreaty/ontology#State> }",
        formats=Formats(by_key("csv"), None),
        dataset=Dataset((BETA,)),
    )
    assert sorted(outcome.body.decode().split()[1:]) == [STATE + "FRA", STATE + "VNM"]


def test_graph_get(store: Store) -> None:
    turtle = by_key("turtle")
    assert b"Viet Nam" in store.graph_get(BETA, turtle).body
    with pytest.raises(UnknownResource):
        store.graph_get("http://example.org/none", turtle)


def test_outbound_guard(store: Store) -> None:
    with pytest.raises(QueryRefused, match="allowlist"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", formats=JSON)


def test_writes_need_a_writable_store(store: Store) -> None:
    with pytest.raises(Forbidden):
        store.update("INSERT DATA { GRAPH <x:g> { <x:s> <x:p> <x:o> } }")


def test_bind_writes_a_values_block() -> None:
    with pytest.raises(ValueError, match="blank"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s": BNode()})
    with pytest.raises(ValueError, match="variable"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"s) {} } #": URIRef("http://x/a")})
    bound = bind("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("http://x/a"), "o": Literal('1" }', lang="en")})
    assert bound == 'SELECT * WHERE { VALUES (?o ?s) { ("1\\" }"@en <http://x/a>) }  ?s ?p ?o }'


def test_bound_variables_work_under_aggregates(store: Store) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    (row,) = store.select(query, bindings={"s": URIRef(STATE + "DEU")}).rows
    assert int(row["n"]) == 2


def test_embedded_timeout_kills_and_replaces_the_worker(embedded: EmbeddedStore) -> None:
    runaway = RUNAWAY
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        embedded.query(runaway, formats=JSON, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert embedded.query("ASK {}", formats=JSON, timeout=30).body == b'{"head": {}, "boolean": true}'


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
EVENT_LOOPS = {"asyncio": asyncio.run, "uvloop": uvloop.run}  # uvicorn serves on uvloop when installed


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_query_async_answers_as_query_does(store: Store, loop: str) -> None:
    """The endpoint's path (awaited) and the API's (blocking) give the same bytes, and the
    connection to the worker still works for long texts afterwards (uvloop leaves watched
    descriptors non-blocking, which once broke every long message)."""
    waited = EVENT_LOOPS[loop](store.query_async(LABELS, formats=JSON))
    assert waited.body == store.query(LABELS, formats=JSON).body and waited.count == 6
    long = f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o != '{'x' * 500_000}') }} LIMIT 1"
    assert EVENT_LOOPS[loop](store.query_async(long, formats=JSON)).count == 1
    assert store.query(long, formats=JSON).count == 1


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_cancelled_async_query_kills_its_worker(embedded: EmbeddedStore, loop: str) -> None:
    """A caller that goes away (server shutdown) must not leave its query running, nor its late
    reply in the connection for the next job."""
    before = workers_pids(embedded)

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(embedded.query_async(RUNAWAY, formats=JSON))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    EVENT_LOOPS[loop](cancel_midway())
    killed = before - workers_pids(embedded)
    assert len(killed) == 1
    (pid,) = killed
    deadline = time.monotonic() + 2  # the time limit (5 s) must not be what stops it
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}"), "the cancelled query's worker still runs"
    assert embedded.query("ASK {}", formats=JSON, timeout=30).body == b'{"head": {}, "boolean": true}'


def test_workers_come_back_after_the_zygote_dies(quads: list[ox.Quad]) -> None:
    """Workers are forked from a zygote; if it is killed (as an OOM kill would), the next worker
    that has to be replaced brings a new zygote, and the pool never shrinks."""
    store = EmbeddedStore.from_quads(quads, workers=2, query_timeout=1)
    try:
        zygote = store._pool._zygote.process
        zygote.kill()
        zygote.wait(5)
        with pytest.raises(QueryTimeout):
            store.query(RUNAWAY, formats=JSON)  # its worker is killed and must be replaced
        deadline = time.monotonic() + 30
        while len(workers_pids(store)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers_pids(store)) == 2
        assert store._pool._zygote.process.poll() is None
        assert store.query("ASK {}", formats=JSON).body == b'{"head": {}, "boolean": true}'
    finally:
        store.close()


MEMORY_BOMB = (Path(__file__).parents[1] / "security" / "corpus" / "string-doubling.rq").read_text()


@pytest.mark.parametrize("loop", EVENT_LOOPS)
def test_memory_cap_stops_a_query_long_before_its_time_limit(quads: list[ox.Quad], loop: str) -> None:
    """A query that doubles a string 30 times reaches ~1 GB in ~5 s; capped at 200 MB beyond the
    shared store it dies within a second or two, cleanly (503 class), and the worker is replaced."""
    store = EmbeddedStore.from_quads(quads, workers=1, query_timeout=30, max_query_memory=200_000_000)
    try:
        for run in (store.query, lambda q, **k: EVENT_LOOPS[loop](store.query_async(q, **k))):
            started = time.monotonic()
            with pytest.raises(EngineStopped, match="more memory than a query may use"):
                run(MEMORY_BOMB, formats=JSON)
            assert time.monotonic() - started < 10  # the 30 s time limit is not what stopped it
            assert store.query("ASK {}", formats=JSON, timeout=30).count is None  # replaced, answering
    finally:
        store.close()


def workers_pids(store: EmbeddedStore) -> set[int]:
    """Process ids of the pool's idle workers: all of them, between queries, once the replacement
    of any worker killed before has joined (it is forked in the background)."""
    deadline = time.monotonic() + 10
    while len(store._pool._idle.queue) < store._pool._size and time.monotonic() < deadline:
        time.sleep(0.02)
    return {worker.pid for worker in list(store._pool._idle.queue)}


def test_limits() -> None:
    limits = Limits(1)
    with limits, pytest.raises(ServerBusy), limits:
        pass
    with limits:  # released again
        pass


def test_updates_make_generations(quads: list[ox.Quad], tmp_path: Path) -> None:
    update_dir = tmp_path / "generations"
    store = EmbeddedStore.from_quads(quads, workers=1, update_dir=update_dir, validator=VALIDATOR)
    try:
        base = store.base_path
        label = f'<{STATE}DEU> <{RDFS.label}> "Allemagne"@fr'
        outcome = store.update(f"INSERT DATA {{ GRAPH <{BETA}> {{ {label} }} }}")
        assert outcome.triples_after == outcome.triples_before + 1
        assert (update_dir / "CURRENT").read_text().splitlines()[0] == "gen-000001"
        assert store.path == update_dir / "gen-000001"
        untouched = len(quads) + len(union(quads))  # named graphs + their merge
        assert len(ox.Store.read_only(str(base))) == untouched
        with pytest.raises(UpdateRejected) as caught:
            store.update(f"INSERT DATA {{ GRAPH <{BETA}> {{ <{STATE}XXX> a <{CT}State> }} }}")
        assert not caught.value.report.conforms and "XXX" in caught.value.report.render("text")
        rejected_copy_gone = sorted(p.name for p in update_dir.iterdir()) == ["CURRENT", "gen-000001"]
        assert rejected_copy_gone
        reopened = EmbeddedStore(base, workers=1, update_dir=update_dir)
        try:
            hit = reopened.select(f"SELECT * WHERE {{ {label} }}")
            assert len(hit.rows) == 1  # the update survives a restart
        finally:
            reopened.close()
    finally:
        store.close()


def test_generations_prune_and_follow_a_new_build(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "CURRENT").write_text("MANIFEST-000001\n")
    generations = Generations(tmp_path / "base", tmp_path / "updates")
    assert generations.current() == tmp_path / "base"
    for _ in range(5):
        target = generations.next_path()
        target.mkdir()
        generations.publish(target)
    assert generations.current().name == "gen-000005"
    assert sorted(p.name for p in (tmp_path / "updates").glob("gen-*")) == [
        "gen-000003",
        "gen-000004",
        "gen-000005",
    ]
    os.utime(tmp_path / "base" / "CURRENT", ns=(1, 1))  # as if `cybertreaty build` wrote a new store
    assert generations.current() == tmp_path / "base"


def test_serializers_read_back_by_pyoxigraph(quads: list[ox.Quad]) -> None:
    store = ox.Store()
    store.extend(quads)
    query = "SELECT ?s ?p ?o ?missing WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o"
    expected = [tuple(s) for s in cast(ox.QuerySolutions, store.query(query))]
    for fmt in formats_for(Family.TABULAR):
        if fmt.key == "csv":
            continue  # CSV drops datatypes and languages by design
        cut = results.Cut(rows=len(expected) - 1)  # a cut result, flagged, still reads back
        written = results.write_solutions(fmt, ["s", "p", "o", "missing"], expected, cut)
        assert (written.count, written.truncated) == (len(expected) - 1, True)
        parsed = ox.parse_query_results(
            io.BytesIO(written.body), format=ox.QueryResultsFormat.from_media_type(fmt.media_type)
        )
        assert [tuple(s) for s in parsed] == expected[:-1]  # type: ignore[union-attr]


def test_format_table_matches_pyoxigraph() -> None:
    for fmt in FORMATS:
        known = ox.RdfFormat.from_media_type(fmt.media_type) or ox.QueryResultsFormat.from_media_type(
            fmt.media_type
        )
        assert known is not None
        # pyoxigraph 0.5.13 names JSON-LD .../formats/data/JSON-LD; the W3C registry says .../formats/JSON-LD.
        assert fmt.iri == ("http://www.w3.org/ns/formats/JSON-LD" if fmt.key == "jsonld" else known.iri)


@needs_oxigraph
@pytest.mark.external
def test_load_by_sparql_update(quads: list[ox.Quad], tmp_path: Path) -> None:
    dump = tmp_path / "dump.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    assert sum(len(t) for t in read_graphs(dump).values()) == len(quads)
    server = OxigraphServer(tmp_path / "data")
    try:
        report = load(server.query_url, dump, update_url=server.update_url, batch_size=7)
        assert (report.graphs, report.quads) == (3, len(quads))
        assert report.default_triples == report.engine_triples == len(union(quads))
        again = load(server.query_url, dump, update_url=server.update_url)  # replaces, does not add
        assert again.engine_triples == len(union(quads))
    finally:
        server.stop()


def test_workers_can_read_from_disk(quads: list[ox.Quad]) -> None:
    store = EmbeddedStore.from_quads(quads, workers=1, in_memory=False)
    try:
        assert store.statistics().triples == len(union(quads))
    finally:
        store.close()
