"""Validate the graph against shapes/ with pySHACL and turn the report into curator messages.

    store = load_dataset(["build/graph.nq"])        # InputError (exit 2) if a file cannot be read
    report = validate(store)
    print(report.as_text())
    sys.exit(exit_code(report))                       # 0 conforms, 1 violations

Data is validated in a pyoxigraph Store: on a graph of realistic size that is an order of magnitude
faster than an rdflib Dataset, whose SPARQL engine re-parses every constraint query for every focus
node. An rdflib Dataset or Graph passed to :func:`validate` is copied into a Store first.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
from collections.abc import Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import DCTERMS, RDFS, SH
from rdflib.term import BNode, Literal, Node, URIRef

from cybertreaty import paths
from cybertreaty.graph.report import (
    Severity,
    ValidationReport,
    ValidationResult,
    render_json,
    render_text,
    render_turtle,
    results_from_graph,
)
from cybertreaty.graph.vocab import CT, ORG


def _data_graphs_are_true() -> None:
    """pySHACL writes each result's focus node as ``(datagraph or sg, node)``: the ``or`` asks the
    data graph for its truth, which Python answers with ``len()``, and over a pyoxigraph store that
    counts every triple again. That made validation quadratic in the number of violations: 5,000
    signatures lacking their actor took 297 s (7.4 s once a data graph is simply true), 500 took
    4.2 s (0.64 s, the same report). A data graph object is always true, as pySHACL means it."""
    from pyshacl import graph_abstraction

    data_graph = getattr(graph_abstraction, "OxigraphDataGraph", None)
    if data_graph is not None and "__bool__" not in vars(data_graph):
        data_graph.__bool__ = lambda self: True


_data_graphs_are_true()

__all__ = [
    "EXIT_CONFORMS",
    "EXIT_INPUT_ERROR",
    "EXIT_VIOLATIONS",
    "FORMATS",
    "InputError",
    "Severity",
    "ValidationError",
    "ValidationReport",
    "ValidationResult",
    "exit_code",
    "load_dataset",
    "load_ontology",
    "load_shapes",
    "render_json",
    "render_text",
    "render_turtle",
    "to_store",
    "validate",
    "validate_quads",
]

EXIT_CONFORMS = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT_ERROR = 2

FORMATS: Mapping[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
}
"""Format names accepted by :func:`load_dataset` (e.g. for a CLI ``--format`` choice)."""

_EXTENSIONS: Mapping[str, str] = {
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

STDIN = "-"


class InputError(Exception):
    """An input file could not be read or parsed; the CLI exits with :data:`EXIT_INPUT_ERROR`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class ValidationError(RuntimeError):
    """pySHACL could not run the shapes (a broken shapes graph, not bad data)."""


# --- loading -------------------------------------------------------------------------------------


def load_shapes() -> rdflib.Graph:
    """Every ``*.ttl`` file of ``shapes/``, as written."""
    return _parse_shapes(paths.shapes_dir())


def load_ontology() -> rdflib.Graph:
    """The ontology (``ontology/cybertreaty.ttl``); validation reads subclass axioms from it."""
    return rdflib.Graph().parse(paths.ontology_file(), format="turtle")


def _parse_shapes(shapes_dir: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def _shapes_for_pyshacl(shapes_dir: Path) -> rdflib.Graph:
    """The shapes with each ``sh:select`` folded onto one line.

    pySHACL checks every query for MINUS/VALUES/SERVICE with regexes whose cost grows with the
    number of lines times the length, once per focus node; on one line they are 10-20 times cheaper.
    A query holding ``#`` (a comment or an IRI fragment) is left as written.
    """
    graph = _parse_shapes(shapes_dir)
    for node, query in list(graph.subject_objects(SH.select)):
        text = str(query)
        if "#" not in text:
            folded = " ".join(line.strip() for line in text.splitlines() if line.strip())
            graph.set((node, SH.select, Literal(folded)))
    return graph


@functools.cache
def _ontology(ontology_file: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file, format="turtle")


def load_dataset(
    sources: Iterable[str | os.PathLike[str]],
    *,
    rdf_format: str | None = None,
    stdin: BinaryIO | None = None,
) -> ox.Store:
    """Parse RDF files (``-`` for standard input) into one store, or raise :class:`InputError`.

    The format comes from ``rdf_format`` (a key of :data:`FORMATS`) or else from each file's
    extension; standard input needs ``rdf_format``. Parse errors carry the parser's line and
    column. JSON-LD never reaches the network: a document with an ``@context`` that is, lists or
    ``@import``s a URL, at any depth, is refused before it is parsed (a JSON literal value holding
    an ``@context`` key is refused too: better safe).
    """
    store = ox.Store()
    for source in sources:
        name = os.fspath(source)
        fmt = _format_of(name, rdf_format)
        data = _read(name, stdin)
        if fmt is ox.RdfFormat.JSON_LD:
            _check_json_ld(name, data)
        try:
            store.load(data, fmt)
        except SyntaxError as e:
            raise InputError(name, str(e)) from e
    return store


def _format_of(name: str, rdf_format: str | None) -> ox.RdfFormat:
    if rdf_format is not None:
        if rdf_format not in FORMATS:
            raise InputError(name, f"unknown RDF format {rdf_format!r}: use one of {', '.join(FORMATS)}")
        return FORMATS[rdf_format]
    if name == STDIN:
        raise InputError(name, f"standard input needs an explicit format: one of {', '.join(FORMATS)}")
    suffix = Path(name).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(_EXTENSIONS)
        raise InputError(name, f"cannot tell the RDF format from {suffix or 'no extension'!r}: use {known}")
    return FORMATS[_EXTENSIONS[suffix]]


def _read(name: str, stdin: BinaryIO | None) -> bytes:
    try:
        if name == STDIN:
            return (stdin or sys.stdin.buffer).read()
        return Path(name).read_bytes()
    except OSError as e:
        raise InputError(name, f"cannot read it: {e.strerror or e}") from e


def _check_json_ld(name: str, data: bytes) -> None:
    try:
        document = json.loads(data)
        contexts = list(_contexts(document))
    except UnicodeDecodeError as e:
        raise InputError(name, f"JSON-LD is not UTF-8: {e.reason}") from e
    except json.JSONDecodeError as e:
        raise InputError(name, f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}") from e
    except RecursionError:
        # Refused before pyoxigraph sees it: its JSON-LD parser overflows the stack (SIGSEGV, the
        # whole process) on documents nested a few thousand levels deep.
        raise InputError(name, "the JSON-LD document is nested too deeply") from None
    if not isinstance(document, dict | list):
        # pyoxigraph reads a bare JSON string or number as an empty graph; JSON-LD 1.1 says the
        # document is an object or an array, so anything else is an error, not a conforming upload.
        raise InputError(name, "a JSON-LD document is a JSON object or array")
    for context in contexts:
        remote = _remote_reference(context)
        if remote is not None:
            raise InputError(
                name,
                f"JSON-LD @context refers to the remote document {remote!r}; contexts are never "
                "fetched, so inline the context as a JSON object",
            )


def _contexts(document: Any) -> Iterator[Any]:
    """Every ``@context`` value anywhere in a JSON document (top level, nested, term-scoped)."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "@context":
                yield value
            yield from _contexts(value)
    elif isinstance(document, list):
        for item in document:
            yield from _contexts(item)


def _remote_reference(context: Any) -> str | None:
    if isinstance(context, str):
        return context
    if isinstance(context, list):
        return next((r for r in map(_remote_reference, context) if r is not None), None)
    if isinstance(context, dict) and isinstance(context.get("@import"), str):
        return str(context["@import"])
    return None


def to_store(data: rdflib.Graph) -> ox.Store:
    """Copy an rdflib Dataset (its named graphs kept) or Graph (into the default graph) to a store."""
    store = ox.Store()
    bnodes: dict[BNode, ox.BlankNode] = {}
    if isinstance(data, rdflib.Dataset):
        quads = (
            ox.Quad(_ox(s, bnodes), _ox(p, bnodes), _ox(o, bnodes), _ox_graph(g, bnodes))
            for s, p, o, g in data.quads((None, None, None, None))
        )
    else:
        quads = (
            ox.Quad(_ox(s, bnodes), _ox(p, bnodes), _ox(o, bnodes), ox.DefaultGraph())
            for s, p, o in data.triples((None, None, None))
        )
    store.extend(quads)
    return store


def _ox(term: Node, bnodes: dict[BNode, ox.BlankNode]) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        if term not in bnodes:
            try:
                bnodes[term] = ox.BlankNode(str(term))
            except ValueError:
                bnodes[term] = ox.BlankNode()
        return bnodes[term]
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in a pyoxigraph Store")


def _ox_graph(graph: Node | None, bnodes: dict[BNode, ox.BlankNode]) -> Any:
    if graph is None or graph == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(graph, rdflib.Graph):
        return _ox_graph(graph.identifier, bnodes)
    return _ox(graph, bnodes)


# --- validating ----------------------------------------------------------------------------------


def validate(data: rdflib.Dataset | rdflib.Graph | ox.Store) -> ValidationReport:
    """Validate ``data`` (named graphs are validated as their union) against ``shapes/``.

    Results that would read the same to a curator (one value failing two constraints of one
    property shape, e.g. ``"72"`` as a count is neither an integer nor >= 0) are reported once;
    ``report.graph`` keeps every result pySHACL gave. ``data`` is not modified.
    """
    store = data if isinstance(data, ox.Store) else to_store(data)
    shapes = _shapes_for_pyshacl(paths.shapes_dir())
    with _quiet_ill_typed_literals():
        # pySHACL's oxigraph types lag its runtime: 0.40 validates a pyoxigraph.Store.
        target: Any = _flattened(store)
        _, report_graph, _ = pyshacl.validate(
            target,
            shacl_graph=shapes,
            ont_graph=_ontology(paths.ontology_file()),
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,
        )
        if not isinstance(report_graph, rdflib.Graph):
            raise ValidationError(f"pySHACL could not run the shapes: {report_graph}")
        lookup = _Lookup(store)
        results = results_from_graph(report_graph, shapes, label=lookup.label, sources=lookup.sources)
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph)


def validate_quads(quads: Iterable[ox.Quad]) -> ValidationReport:
    """Validate quads before they are written anywhere (the build's gate)."""
    store = ox.Store()
    store.bulk_extend(quads)
    return validate(store)


def _flattened(store: ox.Store) -> ox.Store:
    """A private copy holding every distinct triple once, in the default graph.

    No shape looks at graph names, and Oxigraph's union default graph is a bag (a fact two sources
    support, or a store whose default graph materialises the merge, is seen twice or more), so the
    set of triples validates the same and faster; being private, pySHACL may mix the ontology into
    it in place instead of cloning it.
    """
    flat = ox.Store()
    flat.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in {q.triple for q in store}
    )
    return flat


class _IllTypedLiteralFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


@contextlib.contextmanager
def _quiet_ill_typed_literals() -> Generator[None, None, None]:
    """rdflib logs a traceback for every ill-typed literal it meets (``"31/01/2020"^^xsd:date``);
    during validation the shapes report those as results, so the tracebacks are only noise."""
    logger = logging.getLogger("rdflib.term")
    quiet = _IllTypedLiteralFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def exit_code(report: ValidationReport) -> int:
    """:data:`EXIT_CONFORMS` (0) without Violations, else :data:`EXIT_VIOLATIONS` (1)."""
    return EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS


class _Lookup:
    """Labels and cited sources of focus nodes, read from the validated store."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def _objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: URIRef) -> list[Any]:
        quads = self._store.quads_for_pattern(subject, ox.NamedNode(str(predicate)), None, None)
        return [q.object for q in quads]

    def _subject(self, node: Node) -> ox.NamedNode | ox.BlankNode | None:
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, BNode):
            try:
                return ox.BlankNode(str(node))
            except ValueError:
                return None
        return None

    def _label_of(self, subject: ox.NamedNode | ox.BlankNode) -> str | None:
        for predicate in (RDFS.label, DCTERMS.title):
            labels = [o for o in self._objects(subject, predicate) if isinstance(o, ox.Literal)]
            if labels:
                labels.sort(key=lambda o: (o.language not in ("en", None), o.language or "", o.value))
                return str(labels[0].value)
        return None

    def _first_label(self, subject: ox.NamedNode | ox.BlankNode, predicate: URIRef) -> str | None:
        for obj in self._objects(subject, predicate):
            if isinstance(obj, ox.NamedNode | ox.BlankNode):
                return self._label_of(obj) or obj.value
        return None

    def label(self, node: Node) -> str | None:
        """rdfs:label (English first) or dcterms:title; for an action its actor's label; for a
        membership "member in grouping"."""
        subject = self._subject(node)
        if subject is None:
            return None
        own = self._label_of(subject)
        if own is not None:
            return own
        actor = self._first_label(subject, CT.actor)
        if actor is not None:
            return actor
        member = self._first_label(subject, ORG.member)
        if member is not None:
            grouping = self._first_label(subject, ORG.organization)
            return f"{member} in {grouping}" if grouping else member
        return None

    def sources(self, node: Node) -> tuple[str, ...]:
        """The ct:source documents of the node, else those whose named graph (ct:graphOf) holds it."""
        subject = self._subject(node)
        if subject is None:
            return ()
        cited = {o.value for o in self._objects(subject, CT.source) if isinstance(o, ox.NamedNode)}
        if not cited:
            graph_of = ox.NamedNode(str(CT.graphOf))
            graphs = {q.graph_name for q in self._store.quads_for_pattern(subject, None, None, None)}
            for graph in graphs:
                if isinstance(graph, ox.NamedNode):
                    docs = self._store.quads_for_pattern(None, graph_of, graph, None)
                    cited.update(q.subject.value for q in docs if isinstance(q.subject, ox.NamedNode))
        return tuple(sorted(cited))
