"""Fixtures for the Wikidata tests: the Wikidata-shaped stand-in server and our graph with the
treaty linked to the stand-in's treaty item (in a test-only graph; data/ knows no such item)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox
import pytest

from cybertreaty.graph.build import fill_store
from tests.graph.wikidata.servers import OXIGRAPH, WikidataStandIn

UNCC = "https://w3id.org/cybertreaty/id/treaty/uncc"
TREATY_STAND_IN = "Q999999999"  # see data/wikidata-fixture.ttl: made up, never in data/
SCOPE = {"VNM", "TUR", "FRA", "DEU", "eu"}

needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the `oxigraph` server binary is not installed")


@pytest.fixture(scope="session")
def wikidata_stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WikidataStandIn]:
    if OXIGRAPH is None:
        pytest.skip("the `oxigraph` server binary is not installed")
    server = WikidataStandIn(tmp_path_factory.mktemp("wikidata"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def linked_store(graph_quads: Sequence[ox.Quad]) -> ox.Store:
    """The real graph plus one triple: the treaty linked to the stand-in's treaty item."""
    link = ox.Quad(
        ox.NamedNode(UNCC),
        ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
        ox.NamedNode(f"http://www.wikidata.org/entity/{TREATY_STAND_IN}"),
        ox.NamedNode("urn:cybertreaty:test:treaty-link"),
    )
    store = ox.Store()
    fill_store(store, [*graph_quads, link])
    return store
