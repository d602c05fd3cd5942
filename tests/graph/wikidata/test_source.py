"""The two ways the Wikidata tools read our graph agree: a pyoxigraph store, and the service's
store interface (here the embedded store, queried in worker processes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.wikidata import missing_links
from cybertreaty.graph.wikidata.export import export
from cybertreaty.graph.wikidata.queries import load
from cybertreaty.graph.wikidata.source import OxigraphSource, StoreSource, as_source


@pytest.fixture(scope="module")
def service_store(graph_quads: Sequence[ox.Quad]) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore.from_quads(graph_quads, workers=1, max_rows=None)
    yield store
    store.close()


def test_the_service_store_gives_the_same_export(service_store: EmbeddedStore, graph_store: ox.Store) -> None:
    assert isinstance(as_source(service_store), StoreSource)
    assert isinstance(as_source(graph_store), OxigraphSource)
    assert export(service_store).text == export(graph_store).text
    assert missing_links(service_store) == missing_links(graph_store)


def test_rows_leave_out_unbound_variables(graph_store: ox.Store) -> None:
    rows = as_source(graph_store).rows(load("missing-links").sparql)
    five_eyes = next(r for r in rows if r["id"].value == "five-eyes")
    assert "closeMatch" not in five_eyes and five_eyes["kind"].value == "Organisation"


def test_a_result_cut_by_the_row_cap_is_an_error(graph_quads: Sequence[ox.Quad]) -> None:
    capped = EmbeddedStore.from_quads(graph_quads, workers=1, max_rows=10)
    try:
        with pytest.raises(ValueError, match="row cap cut this result short"):
            as_source(capped).triples(load("signatory").sparql)
    finally:
        capped.close()
