"""The small hand-written dataset of the query-editor tests (data/examples.trig).

Like the real build (cybertreaty.graph.build.fill_store), a store of it holds every named graph
and, as its default graph, their merge: queries without GRAPH see the union, once per triple.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from cybertreaty.graph.build import fill_store

EXAMPLES_TRIG = Path(__file__).parent / "data" / "examples.trig"


def examples_quads() -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=EXAMPLES_TRIG, format=pyoxigraph.RdfFormat.TRIG))


def examples_store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    fill_store(store, examples_quads())
    return store
