"""The real graph, built from data/ by `cybertreaty.graph.build.build` into a temporary folder
(dumps, void.ttl and store, as `cybertreaty build` writes them), served by the real app under
uvicorn on loopback. Shared by the REST API and linked-data tests through their conftest files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cybertreaty.graph.build import build
from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.store import Store
from cybertreaty.paths import data_dir
from cybertreaty.settings import Settings
from tests.service.servers import AppServer

BASE = "https://w3id.org/cybertreaty/"
BUILT_AT = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


@dataclass(frozen=True)
class RealServer:
    """The app over the real graph: its URL and the build folder it serves."""

    url: str
    build: Path


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-graph") / "build"
    build(data_dir(), out, Iris(BASE), built=BUILT_AT)
    return out


@pytest.fixture(scope="session")
def real_server(real_build: Path, serve: Callable[[Settings, Store], AppServer]) -> Iterator[RealServer]:
    settings = Settings(store=real_build / "store", workers=2, base_iri=BASE)
    store = EmbeddedStore.from_settings(settings)
    yield RealServer(serve(settings, store).base, real_build)
    store.close()
