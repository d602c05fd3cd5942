"""Fixtures for the endpoint tests: the fixture dataset, real servers on loopback, and the same
endpoint over both backends (the embedded store and the Oxigraph server), so one test suite runs
against each.

Limits are tight so the safety tests are quick: 1 s per query, 30 rows, 64 KiB bodies, 3
concurrent queries over 2 workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset as RdflibDataset

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.remote import RemoteStore
from cybertreaty.graph.store import Store
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.service.servers import OXIGRAPH, AppServer, Canary, OxigraphServer
from tests.service.validator import REFERENCE as VALIDATOR

FIXTURE = Path(__file__).parent / "data" / "endpoint.trig"
TOKEN = "test-token-0123456789abcdef"
LIMITS = {"query_timeout": 1.0, "max_rows": 30, "max_concurrent": 3}
SETTINGS = Settings(
    query_timeout=1.0, max_result_rows=30, max_body_bytes=65536, max_concurrent_queries=3, workers=2
)

needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the `oxigraph` server binary is not installed")
BACKENDS = ["embedded", pytest.param("remote", marks=[pytest.mark.external, needs_oxigraph])]


@dataclass
class Endpoint:
    """A running server: its backend name, URLs and store."""

    backend: str
    server: AppServer
    store: Store

    @property
    def url(self) -> str:
        return self.server.sparql

    @property
    def base(self) -> str:
        return self.server.base


@pytest.fixture(scope="session")
def fixture_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE)))


@pytest.fixture(scope="session")
def oracle() -> RdflibDataset:
    """The fixture in rdflib, whose default graph is the union: an independent source of answers."""
    dataset = RdflibDataset(default_union=True)
    dataset.parse(FIXTURE, format="trig")
    return dataset


@pytest.fixture(scope="session")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


@pytest.fixture(scope="session")
def start_oxigraph(
    tmp_path_factory: pytest.TempPathFactory, fixture_quads: list[ox.Quad]
) -> Iterator[Callable[[], OxigraphServer]]:
    """Start a fresh Oxigraph server loaded with the fixture (stopped at the end of the session)."""
    started: list[OxigraphServer] = []

    def start() -> OxigraphServer:
        folder = tmp_path_factory.mktemp("oxigraph")
        server = OxigraphServer(folder / "data")
        started.append(server)
        server.load(fixture_quads, folder)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def make_store(
    fixture_quads: list[ox.Quad],
    start_oxigraph: Callable[[], OxigraphServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Store]]:
    """Build a fresh store of either backend over the fixture; closed at the end of the session."""
    stores: list[Store] = []

    def make(
        backend: str, *, writable: bool = False, allowlist: tuple[str, ...] = (), **limits: float
    ) -> Store:
        options = {**LIMITS, **limits}
        store: Store
        if backend == "embedded":
            update_dir = tmp_path_factory.mktemp("generations") if writable else None
            store = EmbeddedStore.from_quads(
                fixture_quads,
                workers=2,
                allowlist=allowlist,
                update_dir=update_dir,
                validator=VALIDATOR,
                **options,
            )
        else:
            oxigraph = start_oxigraph()
            store = RemoteStore(
                oxigraph.query_url,
                update_endpoint=oxigraph.update_url if writable else None,
                allowlist=allowlist,
                validator=VALIDATOR,
                **options,  # type: ignore[arg-type]
            )
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Settings, Store], AppServer]]:
    """Run an app over a store under uvicorn; stopped at the end of the session."""
    servers: list[AppServer] = []

    def start(settings: Settings, store: Store) -> AppServer:
        server = AppServer(create_app(settings, store)).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session", params=BACKENDS)
def endpoint(
    request: pytest.FixtureRequest, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> Endpoint:
    """The read-only endpoint over each backend, shared by the tests that do not disturb it."""
    store = make_store(request.param)
    return Endpoint(request.param, serve(SETTINGS, store), store)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as http:
        yield http
