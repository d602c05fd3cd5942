"""The one store interface the service (SPARQL endpoint, REST API, CLI) talks to.

Two implementations: ``EmbeddedStore`` (the pyoxigraph store written by ``cybertreaty build``,
queried in killable worker processes) and ``RemoteStore`` (any SPARQL 1.1 engine over HTTP). Both
enforce the same limits here, not in the views: time limit, row cap with an explicit
``truncated`` flag, a cap on concurrent queries, and no outbound requests except to allowlisted
SERVICE endpoints.

The dataset: every fact lives in the named graph of its source, and the default graph is the
merge (as a set) of all named graphs; it is materialised by the build and kept so after every
update, which is what the Service Description promises with sd:UnionDefaultGraph.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rdflib import BNode, URIRef
from rdflib.term import Identifier

from cybertreaty.errors import NotAcceptable, ServerBusy, UnknownResource
from cybertreaty.graph.formats import Family, ResultFormat, media_types
from cybertreaty.graph.sparql_text import QueryForm, where_group_start

if TYPE_CHECKING:
    import pyoxigraph as ox

    from cybertreaty.settings import Settings

DEFAULT_VALIDATOR = "cybertreaty.graph.validate:validate"


@dataclass(frozen=True)
class Dataset:
    """The SPARQL protocol's default-graph-uri / named-graph-uri; empty means the store's dataset."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class Formats:
    """The result format chosen for each kind of result (None: the client accepts none of ours)."""

    tabular: ResultFormat | None
    graph: ResultFormat | None

    def for_form(self, form: QueryForm) -> ResultFormat:
        chosen = self.tabular if form.is_tabular else self.graph
        if chosen is None:
            family = Family.TABULAR if form.is_tabular else Family.GRAPH
            raise NotAcceptable(media_types(family), f"a {form.value} query")
        return chosen


@dataclass(frozen=True)
class QueryOutcome:
    """A serialized query result, ready to send."""

    body: bytes
    media_type: str
    form: QueryForm
    truncated: bool
    elapsed: float  # seconds
    count: int | None = None  # rows or triples (None for ASK)


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT as rdflib terms, for code that wants values rather than bytes."""

    variables: tuple[str, ...]
    rows: list[dict[str, Identifier]]
    truncated: bool
    elapsed: float


@dataclass(frozen=True)
class Statistics:
    """Triple counts: the default graph (the union) and each named graph."""

    triples: int
    graphs: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteOutcome:
    """What an accepted write did."""

    elapsed: float
    triples_before: int
    triples_after: int


class Store(Protocol):
    """What every backend offers. Methods block (the web layer calls them from a thread pool), except
    ``query_async``, which the SPARQL endpoint awaits."""

    kind: str  # "embedded" or "remote"

    @property
    def writable(self) -> bool:
        """Whether this store can accept updates (it was given somewhere to write)."""
        ...

    @property
    def allowlist(self) -> tuple[str, ...]:
        """Endpoints a SERVICE clause may call."""
        ...

    @property
    def data_version(self) -> str | None:
        """Names the data being served: the same for as long as every answer stays the same, new
        after any change (an update, a new build). None when that cannot be known: an external
        engine's data may change behind our back. HTTP validators (ETags) are built from it."""
        ...

    def query(
        self,
        sparql: str,
        *,
        formats: Formats,
        dataset: Dataset | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """Run a query and serialize its result in the format chosen for its form.

        ``base_iri`` resolves relative IRIs in the query (the endpoint's URL, as the protocol says).

        Raises QuerySyntaxError, NotAcceptable, QueryRefused, QueryTimeout, ServerBusy,
        UpstreamError."""
        ...

    async def query_async(
        self,
        sparql: str,
        *,
        formats: Formats,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ) -> QueryOutcome:
        """``query`` with the store's own limits, for an event loop (the SPARQL endpoint): the
        embedded store waits for its worker process without holding a thread."""
        ...

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        """Run a SELECT with variables bound to RDF terms (never pasted into the text)."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> WriteOutcome:
        """Apply a SPARQL Update as one transaction, after SHACL validation (UpdateRejected)."""
        ...

    def graph_get(self, graph: str | None, fmt: ResultFormat) -> QueryOutcome:
        """Graph Store Protocol GET of a named graph (None: the default graph)."""
        ...

    def graph_put(self, graph: str, data: bytes, media_type: str) -> WriteOutcome: ...

    def graph_post(self, graph: str, data: bytes, media_type: str) -> WriteOutcome: ...

    def graph_delete(self, graph: str) -> WriteOutcome: ...

    def statistics(self) -> Statistics: ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (the default graph is their merge, so it is left out)."""
        ...

    def close(self) -> None: ...


class Limits:
    """Concurrency cap: a query (or other costly work) either gets a slot at once or is refused
    with 503."""

    def __init__(self, max_concurrent: int, what: str = "queries") -> None:
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._what = what

    def __enter__(self) -> None:
        if not self._slots.acquire(blocking=False):
            raise ServerBusy(f"Too many {self._what} are running; try again in a moment.")

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


STATISTICS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
TOTAL_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def statistics(store: Store, timeout: float | None = None) -> Statistics:
    """Counts by query, so they hold for both backends and after updates."""
    total = store.select(TOTAL_QUERY, timeout=timeout, max_rows=None).rows
    per_graph = store.select(STATISTICS_QUERY, timeout=timeout, max_rows=None).rows
    return Statistics(
        triples=int(total[0]["n"]) if total else 0,
        graphs={str(r["g"]): int(r["n"]) for r in per_graph},
    )


GRAPH_EXISTS_QUERY = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


def graph_get(store: Store, graph: str | None, fmt: ResultFormat) -> QueryOutcome:
    """Graph Store Protocol GET: a named graph (404 if it has no triples) or the default graph."""
    formats = Formats(None, fmt)
    if graph is None:
        return store.query("CONSTRUCT WHERE { ?s ?p ?o }", formats=formats)
    if not store.select(GRAPH_EXISTS_QUERY, bindings={"g": URIRef(graph)}).rows:
        raise UnknownResource(f"There is no graph <{graph}>.")
    return store.query("CONSTRUCT WHERE { ?s ?p ?o }", formats=formats, dataset=Dataset((graph,)))


def bind(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with a ``VALUES`` block binding ``bindings``, at the start of its WHERE group.

    Both backends bind this way, so a query means the same on each: the values join the main
    pattern before any aggregate. Each value is written by pyoxigraph's term serializer from a
    typed term (IRI or literal), never copied from text; blank nodes cannot be bound.
    """
    from cybertreaty.graph.terms import to_oxigraph

    offset = where_group_start(sparql)
    if offset is None:
        raise ValueError("cannot bind variables: the query has no WHERE group")
    names = sorted(bindings)
    if any(isinstance(bindings[n], BNode) for n in names):
        raise ValueError("blank nodes cannot be bound (VALUES takes IRIs and literals)")
    for name in names:
        if not name.isidentifier():
            raise ValueError(f"not a variable name: {name!r}")
    terms = " ".join(str(to_oxigraph(bindings[n])) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    return sparql[:offset] + block + sparql[offset:]


def parse_select(body: bytes, truncated: bool, elapsed: float) -> SelectResult:
    """SPARQL JSON results as rows of rdflib terms."""
    import pyoxigraph as ox

    from cybertreaty.graph.terms import to_rdflib

    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("select() needs a SELECT query, got ASK")
    variables = tuple(v.value for v in solutions.variables)
    rows = [
        {name: to_rdflib(term) for name, term in zip(variables, solution, strict=True) if term is not None}
        for solution in solutions
    ]
    return SelectResult(variables, rows, truncated, elapsed)


def open_store(settings: Settings, *, validator: str = DEFAULT_VALIDATOR) -> Store:
    """The store the settings name: the external engine if ``endpoint`` is set, else the embedded one."""
    if settings.endpoint:
        from cybertreaty.graph.remote import RemoteStore

        return RemoteStore.from_settings(settings, validator=validator)
    from cybertreaty.graph.embedded import EmbeddedStore

    return EmbeddedStore.from_settings(settings, validator=validator)
