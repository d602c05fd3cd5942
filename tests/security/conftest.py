"""Fixtures of the security tests: the real graph built from data/ (tests/service/real_graph.py),
served by the real app under uvicorn on loopback with the limits each test module chooses, and
helpers to tell a clean refusal from a crash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.service.real_graph import BASE, real_build
from tests.service.servers import SIMPLE, AppServer, recovered

__all__ = ["BASE", "SIMPLE", "real_build", "recovered"]

# The only texts a 503 of /sparql may carry: a time-out, a busy server, or a stopped engine.
CLEAN_503 = (
    "time limit",
    "No query worker became free",
    "Too many queries",
    "The query engine stopped",
)


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app over the embedded store ``settings`` names, under uvicorn; yields its base URL."""
    store = EmbeddedStore.from_settings(settings)
    try:
        with AppServer(create_app(settings, store)) as server:
            yield server.base
    finally:
        store.close()


def real_settings(build: Path, **limits: object) -> Settings:
    return Settings(store=build / "store", base_iri=BASE, **limits)  # type: ignore[arg-type]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http
