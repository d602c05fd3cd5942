"""Fixtures of the security tests: the real graph built from data/ (tests/service/real_graph.py),
served by the real app under uvicorn on loopback with the limits each test module chooses, and
helpers to tell a clean refusal from a crash."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.service.real_graph import BASE, real_build
from tests.service.servers import AppServer

__all__ = ["BASE", "real_build"]

SIMPLE = "ASK { ?s ?p ?o }"
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


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http
