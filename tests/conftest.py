"""Shared fixtures: the real graph, built once per test session from data/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyoxigraph
import pytest
from pyoxigraph import Quad

from cybertreaty.graph.build import assemble, fill_store
from cybertreaty.graph.iris import Iris
from cybertreaty.paths import data_dir

BUILT_AT = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def graph_quads() -> Sequence[Quad]:
    """Every quad of the real graph, assembled from data/ with the default base IRI."""
    return assemble(data_dir(), Iris(), BUILT_AT)


@pytest.fixture(scope="session")
def graph_store(graph_quads: Sequence[Quad]) -> pyoxigraph.Store:
    """The real graph in an in-memory store; its default graph is the merge of all named graphs.

    Query it with plain `graph_store.query(q)`: the default graph already is the union, as a set.
    Do NOT pass use_default_graph_as_union=True (that adds every named graph again, so rows repeat).
    """
    store = pyoxigraph.Store()
    fill_store(store, graph_quads)
    return store
