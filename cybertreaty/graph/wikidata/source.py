"""Where the Wikidata tools read our graph from: a pyoxigraph store (a build, or the tests' fixture)
or the service's store (embedded or remote) behind ``cybertreaty.graph.store.Store``.

Both are queried on their default graph, which is the merge of all named graphs; queries that need
to know which source says what use ``GRAPH``.
"""

from __future__ import annotations

from typing import Protocol

import pyoxigraph as ox

from cybertreaty.graph.formats import by_key
from cybertreaty.graph.store import Formats, Store
from cybertreaty.graph.terms import to_oxigraph

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]


class Source(Protocol):
    def rows(self, sparql: str) -> list[Row]:
        """The solutions of a SELECT, unbound variables left out of each row."""
        ...

    def triples(self, sparql: str) -> list[ox.Triple]:
        """The triples of a CONSTRUCT."""
        ...


class OxigraphSource:
    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def rows(self, sparql: str) -> list[Row]:
        solutions = self._store.query(sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("rows() needs a SELECT query")
        names = [v.value for v in solutions.variables]
        return [_row(names, solution) for solution in solutions]

    def triples(self, sparql: str) -> list[ox.Triple]:
        result = self._store.query(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("triples() needs a CONSTRUCT query")
        return list(result)


class StoreSource:
    """The service's store. Its row cap would cut results silently, so a capped result is an error."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def rows(self, sparql: str) -> list[Row]:
        result = self._store.select(sparql)
        return [{name: _term(to_oxigraph(value)) for name, value in row.items()} for row in result.rows]

    def triples(self, sparql: str) -> list[ox.Triple]:
        outcome = self._store.query(sparql, formats=Formats(None, by_key("ntriples")))
        if outcome.truncated:
            raise ValueError("the store's row cap cut this result short; raise max_result_rows")
        return [q.triple for q in ox.parse(outcome.body, format=ox.RdfFormat.N_TRIPLES)]


def as_source(graph: ox.Store | Store | Source) -> Source:
    """A Source over whichever store the caller has."""
    if isinstance(graph, ox.Store):
        return OxigraphSource(graph)
    if isinstance(graph, OxigraphSource | StoreSource):
        return graph
    return StoreSource(graph)  # type: ignore[arg-type]


def _row(names: list[str], solution: ox.QuerySolution) -> Row:
    row: Row = {}
    for name in names:
        value = solution[name]
        if value is not None:
            row[name] = _term(value)
    return row


def _term(value: object) -> Term:
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    raise ValueError(f"unexpected term in a result: {value!r}")
