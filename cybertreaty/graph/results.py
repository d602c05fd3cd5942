"""Serializers for query results we cut at the row and size limits.

pyoxigraph serializes a whole result natively but cannot stop after N rows or bytes, so SELECT rows
are read lazily up to the limits and written here (SPARQL 1.1 JSON, XML, CSV and TSV); graphs are
cut here and written by pyoxigraph, as are booleans. When a result was cut, JSON gets a top-level
``"truncated": true`` member placed *before* ``"results"`` (pyoxigraph's JSON reader, used by
Oxigraph for federated queries, rejects members after the bindings; other readers ignore unknown
members). The HTTP layer adds the header ``X-SPARQL-Truncated: true`` in every format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from cybertreaty.graph.formats import ResultFormat
from cybertreaty.graph.sparql_text import QueryForm

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
_IMPLICIT_DATATYPES = frozenset({XSD_STRING, RDF_LANG_STRING, RDF_DIR_LANG_STRING})

# A JSON string literal for a str, non-ASCII kept as is (C implementation; json.dumps's escaping).
_json_string = encode_basestring

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


@dataclass(frozen=True)
class Cut:
    """How much of a result may be sent: the rest is cut off and the result flagged."""

    rows: int | None = None  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE); None: no limit
    bytes: int | None = None  # size of the body; None: no limit (see write_triples for graphs)


@dataclass(frozen=True)
class Written:
    body: bytes
    count: int | None  # rows or triples written (None for ASK)
    truncated: bool


def write_answer(
    answer: ox.QueryBoolean | ox.QuerySolutions | Iterable[ox.Triple],
    choose: Callable[[QueryForm], ResultFormat | None],
    hint: QueryForm | None,
    prefixes: dict[str, str],
    cut: Cut,
) -> tuple[QueryForm, ResultFormat | None, Written]:
    """Any query's answer, its form, and the format ``choose`` gives for that form; written in it
    and cut at ``cut``, or not written when ``choose`` gives None (the caller answers 406).
    CONSTRUCT and DESCRIBE answers look alike: ``hint``, the lexer's form of the query, tells."""
    if isinstance(answer, ox.QueryBoolean):
        form = QueryForm.ASK
    elif isinstance(answer, ox.QuerySolutions):
        form = QueryForm.SELECT
    else:
        form = QueryForm.DESCRIBE if hint is QueryForm.DESCRIBE else QueryForm.CONSTRUCT
    fmt = choose(form)
    if fmt is None:
        return form, None, Written(b"", None, False)
    if isinstance(answer, ox.QueryBoolean):
        return form, fmt, Written(serialize_boolean(fmt, bool(answer)), None, False)
    if isinstance(answer, ox.QuerySolutions):
        return form, fmt, write_solutions(fmt, [v.value for v in answer.variables], answer, cut)
    return form, fmt, write_triples(fmt, answer, prefixes, cut)


def write_solutions(
    fmt: ResultFormat, variables: Sequence[str], solutions: Iterable[Row], cut: Cut
) -> Written:
    """``solutions`` in ``fmt``, read lazily and cut after ``cut.rows`` rows or at the last row
    that keeps the body within ``cut.bytes`` (a single row longer than that leaves none)."""
    layout = _LAYOUTS[fmt.key](variables)
    joiner = len(layout.joiner)
    size = len(layout.head(False)) + len(layout.tail) - joiner
    lines: list[bytes] = []
    truncated = False
    for row in solutions:
        if cut.rows is not None and len(lines) >= cut.rows:
            truncated = True
            break
        text = layout.line(row).encode()
        if cut.bytes is not None and size + joiner + len(text) > cut.bytes:
            truncated = True
            break
        lines.append(text)
        size += joiner + len(text)
    if truncated and cut.bytes is not None:  # a cut result says so in its head: make room for that
        flagged = size + len(layout.head(True)) - len(layout.head(False))
        while lines and flagged > cut.bytes:
            flagged -= joiner + len(lines.pop())
    return Written(layout.head(truncated) + layout.joiner.join(lines) + layout.tail, len(lines), truncated)


def write_triples(
    fmt: ResultFormat, triples: Iterable[ox.Triple], prefixes: dict[str, str], cut: Cut
) -> Written:
    """``triples`` in ``fmt`` by pyoxigraph's writer, cut after ``cut.rows`` triples or at the last
    triple whose terms' text (IRIs, values, datatypes; what dominates any syntax) keeps the result
    within ``cut.bytes``. Cutting first keeps a huge graph from ever being written out whole."""
    kept: list[ox.Triple] = []
    size = 0
    truncated = False
    for triple in triples:
        if cut.rows is not None and len(kept) >= cut.rows:
            truncated = True
            break
        size += _text_size(triple)
        if cut.bytes is not None and size > cut.bytes:
            truncated = True
            break
        kept.append(triple)
    rdf_format = RDF_FORMATS[fmt.key]
    data: Sequence[Any] = kept
    if rdf_format.supports_datasets:
        # N-Quads and TriG write quads: a query result is a graph, so it goes in the default graph.
        data = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in kept]
    out = ox.serialize(data, format=rdf_format, prefixes=prefixes if _prefixable(rdf_format) else None)
    return Written(out or b"", len(kept), truncated)


def _text_size(term: Term) -> int:
    if isinstance(term, ox.Triple):
        return _text_size(term.subject) + _text_size(term.predicate) + _text_size(term.object) + 4
    if isinstance(term, ox.Literal):
        return len(term.value.encode()) + len(term.language or term.datatype.value) + 4
    return len(term.value.encode()) + 2


def _prefixable(rdf_format: ox.RdfFormat) -> bool:
    return rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


def serialize_boolean(fmt: ResultFormat, value: bool) -> bytes:
    if fmt.key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.key == "xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS}">'
            f"<head></head><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    # CSV and TSV have no boolean form in the spec; like Oxigraph we write the bare value.
    return b"true" if value else b"false"


def term_json(term: Term) -> str:
    """``term`` as a SPARQL JSON results term object, as JSON text.

    Written directly rather than through dicts and json.dumps: serialization is most of the
    worker's time on results of a few hundred rows, and this is about three times faster.
    """
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Literal):
        out = '{"type":"literal","value":' + _json_string(term.value)
        if term.language:
            out += ',"xml:lang":' + _json_string(term.language)
            if term.direction is not None:
                out += ',"its:dir":' + _json_string(str(term.direction.value))
        elif term.datatype.value not in _IMPLICIT_DATATYPES:
            out += ',"datatype":' + _json_string(term.datatype.value)
        return out + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    return (
        '{"type":"triple","value":{"subject":'
        + term_json(term.subject)
        + ',"predicate":'
        + term_json(term.predicate)
        + ',"object":'
        + term_json(term.object)
        + "}}"
    )


@dataclass(frozen=True)
class Layout:
    """A results format for given variables: body = head + joiner.join(rows' text) + tail."""

    line: Callable[[Row], str]
    head: Callable[[bool], bytes]  # given whether the result was cut
    joiner: bytes
    tail: bytes


def _json(variables: Sequence[str]) -> Layout:
    names = [_json_string(name) + ":" for name in variables]
    written: dict[Term, str] = {}  # values repeat across rows (labels, classes): write each once
    head = '{"head":{"vars":[' + ",".join(_json_string(name) for name in variables) + "]}"

    def line(row: Row) -> str:
        cells = []
        for name, value in zip(names, row, strict=True):
            if value is not None:
                text = written.get(value)
                if text is None:
                    text = written[value] = term_json(value)
                cells.append(name + text)
        return "{" + ",".join(cells) + "}"

    def opening(truncated: bool) -> bytes:
        return (head + (',"truncated":true' if truncated else "") + ',"results":{"bindings":[').encode()

    return Layout(line, opening, b",", b"]}}")


def _term_xml(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        attrs = ""
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value not in _IMPLICIT_DATATYPES:
            attrs = f" datatype={quoteattr(term.datatype.value)}"
        return f"<literal{attrs}>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
        f"</predicate><object>{_term_xml(term.object)}</object></triple>"
    )


def _xml(variables: Sequence[str]) -> Layout:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    opening = f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS}"><head>{head}</head><results>'.encode()
    tags = [f"<binding name={quoteattr(name)}>" for name in variables]

    def line(row: Row) -> str:
        cells = [
            tag + _term_xml(value) + "</binding>"
            for tag, value in zip(tags, row, strict=True)
            if value is not None
        ]
        return "<result>" + "".join(cells) + "</result>"

    return Layout(line, lambda _truncated: opening, b"", b"</results></sparql>\n")


def _term_csv(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


class _Echo:
    """A file for csv.writer whose write() returns the line: writerow() then returns it too."""

    def write(self, line: str) -> str:
        return line


def _csv(variables: Sequence[str]) -> Layout:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    header: str = writer.writerow(variables)

    def line(row: Row) -> str:
        text: str = writer.writerow([_term_csv(v) for v in row])
        return text

    return Layout(line, lambda _truncated: header.encode(), b"", b"")


def _tsv(variables: Sequence[str]) -> Layout:
    # Terms in TSV are written in Turtle/N-Triples syntax, which str() of a pyoxigraph term gives.
    header = "\t".join(f"?{v}" for v in variables).encode()

    def line(row: Row) -> str:
        return "\n" + "\t".join("" if v is None else str(v) for v in row)

    return Layout(line, lambda _truncated: header, b"", b"\n")


_LAYOUTS: dict[str, Callable[[Sequence[str]], Layout]] = {
    "json": _json,
    "xml": _xml,
    "csv": _csv,
    "tsv": _tsv,
}
