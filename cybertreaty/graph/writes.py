"""Writes: every update runs on a copy, is checked and SHACL-validated, and only then committed.

A write (a SPARQL Update or a Graph Store Protocol operation) is applied to a copy of the current
data in a separate process, so a runaway update can be killed like a runaway query and a failing
one leaves nothing behind. On the copy:

1. the change is applied (pyoxigraph applies one update request atomically);
2. the default graph must be untouched: it is the merge of the named graphs, so writing it directly
   is refused (write into a named graph instead);
3. the default graph is re-materialised as the merge of the named graphs;
4. the SHACL validator runs over the result. Only if it conforms does the caller publish the copy
   (embedded store) or send the same change to the external engine (remote store).
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from cybertreaty.errors import (
    BadRequest,
    CybertreatyError,
    EngineStopped,
    QueryTimeout,
    UnknownResource,
    UnsupportedMediaType,
)
from cybertreaty.graph import processes, sparql_text
from cybertreaty.graph.store import WriteOutcome

log = logging.getLogger(__name__)

# Rebuild the default graph as the set-merge of the named graphs (see graph/build.py fill_store).
MATERIALIZE_UPDATE = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
)

RDF_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Change:
    """A write, described so that it can cross a process boundary and be replayed remotely."""

    kind: str  # "update", "put", "post" or "delete"
    sparql: str = ""
    graph: str | None = None
    data: bytes = b""
    media_type: str = ""
    base_iri: str | None = None  # for relative IRIs in an update

    def apply(self, store: ox.Store) -> None:
        if self.kind == "update":
            store.update(self.sparql, base_iri=self.base_iri)
            return
        graph = ox.NamedNode(self.graph or "")
        if self.kind == "delete":
            if not store.contains_named_graph(graph):
                raise UnknownResource(f"There is no graph <{graph.value}>.")
            store.remove_graph(graph)
            return
        triples = parse_graph(self.data, self.media_type, graph.value)
        if self.kind == "put":
            store.remove_graph(graph)
        store.add_graph(graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def may_write_named_graphs(self) -> bool:
        return self.kind != "update" or sparql_text.may_write_named_graphs(self.sparql)

    def as_sparql(self) -> str:
        """The same change as a SPARQL Update, for an external engine."""
        if self.kind == "update":
            return with_base(self.sparql, self.base_iri)
        graph = str(ox.NamedNode(self.graph or ""))
        if self.kind == "delete":
            return f"DROP GRAPH {graph}"
        triples = parse_graph(self.data, self.media_type, self.graph or "")
        # Terms are written by pyoxigraph's N-Triples serializer, never copied from the request.
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        insert = f"INSERT DATA {{ GRAPH {graph} {{\n{body.decode()}}} }}"
        return f"DROP SILENT GRAPH {graph} ;\n{insert}" if self.kind == "put" else insert


class ChangeWriter:
    """The writes of the Store interface, each described as a Change for the backend's ``_write``
    (the embedded store applies it to a new generation, the remote one sends it to the engine)."""

    @property
    def allowlist(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _write(self, change: Change) -> WriteOutcome:
        raise NotImplementedError

    def update(self, sparql: str, *, base_iri: str | None = None) -> WriteOutcome:
        sparql_text.check_outbound(sparql, self.allowlist, update=True)
        return self._write(Change("update", sparql=sparql, base_iri=base_iri))

    def graph_put(self, graph: str, data: bytes, media_type: str) -> WriteOutcome:
        return self._write(Change("put", graph=graph, data=data, media_type=media_type))

    def graph_post(self, graph: str, data: bytes, media_type: str) -> WriteOutcome:
        return self._write(Change("post", graph=graph, data=data, media_type=media_type))

    def graph_delete(self, graph: str) -> WriteOutcome:
        return self._write(Change("delete", graph=graph))


def with_base(sparql: str, base_iri: str | None) -> str:
    """``sparql`` with a leading BASE (for engines we cannot pass a base IRI to); a BASE written
    in the text comes later and still wins. Kept on the first line, so only columns there shift."""
    if base_iri is None:
        return sparql
    return f"BASE {ox.NamedNode(base_iri)} {sparql}"


def parse_graph(data: bytes, media_type: str, base_iri: str) -> list[ox.Triple]:
    rdf_format = RDF_MEDIA_TYPES.get(media_type)
    if rdf_format is None:
        raise UnsupportedMediaType(
            f"Cannot read {media_type or 'a body without Content-Type'}; send one of: "
            + ", ".join(RDF_MEDIA_TYPES)
        )
    if rdf_format is ox.RdfFormat.JSON_LD:
        try:
            json.loads(data)
        except RecursionError:
            # pyoxigraph's JSON-LD parser overflows the stack (SIGSEGV) a few thousand levels deep;
            # Python's JSON reader stops far earlier, cleanly.
            raise BadRequest("The JSON-LD body is nested too deeply.") from None
        except ValueError:
            pass  # not JSON: pyoxigraph's parser says where, below
    if rdf_format is ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
        # pyoxigraph expands internal entities: 600 bytes of nested ones make a 1 GB literal (a
        # "billion laughs"). It reads only UTF-8 RDF/XML, so this byte test cannot be dodged.
        raise BadRequest("RDF/XML with entity declarations (<!ENTITY) is not accepted; write the values out.")
    try:
        return [q.triple for q in ox.parse(data, rdf_format, base_iri=base_iri, without_named_graphs=True)]
    except SyntaxError as error:
        raise BadRequest(f"The {media_type} body could not be parsed: {error}") from None


@dataclass(frozen=True)
class RenderedReport:
    """A validation report rendered in the child process (report objects need not pickle)."""

    conforms: bool
    renderings: Mapping[str, str] = field(default_factory=dict)

    def render(self, fmt: str) -> str:
        return self.renderings.get(fmt) or self.renderings.get("text", "")


def render_report(report: Any) -> RenderedReport:
    """Render the validator's report as text, JSON and Turtle, whichever it can do."""
    renderings: dict[str, str] = {}
    for fmt in ("text", "json", "turtle"):
        for name in (f"as_{fmt}", f"to_{fmt}"):
            method = getattr(report, name, None)
            if callable(method):
                renderings[fmt] = str(method())
                break
    renderings.setdefault("text", str(report))
    return RenderedReport(bool(report.conforms), renderings)


def load_validator(reference: str) -> Callable[[ox.Store], Any]:
    """``module:function`` → the function (imported in the write process)."""
    module, _, name = reference.partition(":")
    validator: Callable[[ox.Store], Any] = getattr(importlib.import_module(module), name)
    return validator


def default_graph(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def named_triples(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


@dataclass(frozen=True)
class WriteJob:
    source: str | bytes  # a store directory, or N-Quads of the named graphs (remote copy)
    target: str | None  # where to write the new store; None: in memory
    change: Change
    validator: str


@dataclass(frozen=True)
class WriteResult:
    report: RenderedReport
    triples_before: int
    triples_after: int


def run_write(job: WriteJob) -> WriteResult:
    """Apply, check and validate ``job.change`` on a copy (runs in a child process)."""
    before = _open_source(job.source)
    if job.target is not None:
        before.backup(job.target)
        after = ox.Store(job.target)
    else:
        after = ox.Store()
        after.bulk_extend(before)
    default_before = default_graph(before)
    job.change.apply(after)
    check_default_graph(default_before, after, job.change.may_write_named_graphs())
    after.update(MATERIALIZE_UPDATE)
    report = render_report(load_validator(job.validator)(after))
    triples_after = len(default_graph(after))
    after.flush()
    return WriteResult(report, len(default_before), triples_after)


def check_default_graph(default_before: set[ox.Triple], after: ox.Store, named: bool) -> None:
    """Refuse writes to the default graph that re-materialising it would silently undo.

    The default graph is the merge of the named graphs. A triple added to it that no named graph
    states would be dropped, and a change by an update that cannot touch any named graph (say
    DELETE DATA of a triple a source still states, or CLEAR DEFAULT) would be reverted. When an
    update works on named graphs too (CLEAR ALL, then INSERT DATA into graphs...), the default graph
    is simply recomputed from them.
    """
    default_after = default_graph(after)
    stray = default_after - default_before - named_triples(after)
    if stray or (default_after != default_before and not named):
        raise BadRequest(
            "The default graph is the merge of the named graphs and cannot be written directly; "
            "write into a named graph (GRAPH <...>)."
        )


def _open_source(source: str | bytes) -> ox.Store:
    if isinstance(source, str):
        return ox.Store.read_only(source)
    store = ox.Store()
    store.bulk_extend(ox.parse(source, ox.RdfFormat.N_QUADS))
    store.update(MATERIALIZE_UPDATE)
    return store


# Errors a write may raise in the child, rebuilt in the parent by name (they carry only a message).
_PORTABLE_ERRORS: dict[str, type[CybertreatyError]] = {
    cls.__name__: cls for cls in (BadRequest, UnknownResource, UnsupportedMediaType)
}


def write_child(conn: Any) -> None:
    job: WriteJob = conn.recv()
    try:
        conn.send(("ok", run_write(job)))
    except SyntaxError as error:
        conn.send(("syntax", str(error)))
    except CybertreatyError as error:
        conn.send((type(error).__name__, error.message))
    except Exception as error:
        conn.send(("error", f"{type(error).__name__}: {error}"))


def run_write_in_process(job: WriteJob, timeout: float) -> WriteResult:
    """``run_write`` in a fresh process that is killed after ``timeout`` seconds."""
    from cybertreaty.graph.worker import WorkerError, parse_syntax_error

    started = time.monotonic()
    reply = processes.run_once(f"{__name__}:write_child", job, timeout)
    if reply is None:
        raise QueryTimeout(f"The update was stopped after the time limit of {timeout:g} s; nothing written.")
    status, detail = reply
    if status == "ok":
        result: WriteResult = detail
        return result
    if status == "syntax":
        raise parse_syntax_error(SyntaxError(detail))
    if status == "stopped":
        raise EngineStopped("The process applying the update stopped before the end; nothing was written.")
    if status in _PORTABLE_ERRORS:
        raise _PORTABLE_ERRORS[status](detail)
    raise WorkerError(f"{detail} (after {time.monotonic() - started:.1f} s)")


class Generations:
    """Immutable store generations in ``update_dir``; CURRENT names the one being served.

    The built store is generation zero and is never written. Each accepted update writes a new
    directory (a hard-linked RocksDB backup of the current one, then the change) and publishes it
    by atomically replacing CURRENT. Delete update_dir to go back to the built store.

    CURRENT also records which build the generations grew from; after a new `cybertreaty build`
    the fresh build is served (with a warning) rather than updates made to an older one.
    """

    KEEP = 3

    def __init__(self, base: Path, update_dir: Path | None) -> None:
        self.base = base
        self.update_dir = update_dir

    def current(self) -> Path:
        if self.update_dir is None or not (self.update_dir / "CURRENT").exists():
            return self.base
        name, _, origin = (self.update_dir / "CURRENT").read_text(encoding="utf-8").partition("\n")
        generation = self.update_dir / name.strip()
        if origin.strip() != self._origin() or not generation.is_dir():
            log.warning(
                "%s holds updates to another build of %s: serving the build", self.update_dir, self.base
            )
            return self.base
        return generation

    def _origin(self) -> str:
        """Which build this is: the store's path and when its RocksDB CURRENT file was written."""
        marker = self.base / "CURRENT"
        stamp = marker.stat().st_mtime_ns if marker.exists() else 0
        return f"{self.base.resolve()} {stamp}"

    def next_path(self) -> Path:
        if self.update_dir is None:
            raise RuntimeError("no update_dir")
        self.update_dir.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.update_dir.glob("gen-*") if p.name[4:].isdigit()]
        return self.update_dir / f"gen-{max(numbers, default=0) + 1:06d}"

    def publish(self, path: Path) -> None:
        assert self.update_dir is not None
        marker = self.update_dir / "CURRENT"
        staging = self.update_dir / "CURRENT.tmp"
        staging.write_text(f"{path.name}\n{self._origin()}\n", encoding="utf-8")
        staging.replace(marker)
        self._prune()

    def _prune(self) -> None:
        import shutil

        assert self.update_dir is not None
        generations = sorted(p for p in self.update_dir.glob("gen-*") if p.is_dir())
        # Older generations may still be read by workers finishing a query; on POSIX their open
        # files stay readable after the directory is removed.
        for old in generations[: -self.KEEP]:
            shutil.rmtree(old, ignore_errors=True)
