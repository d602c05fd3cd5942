"""Serializers for query results we cut at the row limit.

pyoxigraph serializes a whole result natively but cannot stop after N rows, so SELECT rows are
read up to the limit and written here (SPARQL 1.1 JSON, XML, CSV and TSV); graphs and booleans use
pyoxigraph's own writers. When a result was cut, JSON gets a top-level ``"truncated": true``
member placed *before* ``"results"`` (pyoxigraph's JSON reader, used by Oxigraph for federated
queries, rejects members after the bindings; other readers ignore unknown members). The HTTP
layer adds the header ``X-SPARQL-Truncated: true`` in every format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from cybertreaty.graph.formats import ResultFormat

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

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


def serialize_rows(
    fmt: ResultFormat, variables: Sequence[str], rows: Iterable[Row], truncated: bool
) -> bytes:
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt.key]
    return writer(variables, rows, truncated)


def serialize_triples(fmt: ResultFormat, triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> bytes:
    rdf_format = RDF_FORMATS[fmt.key]
    data: Sequence[Any] = triples
    if rdf_format.supports_datasets:
        # N-Quads and TriG write quads: a query result is a graph, so it goes in the default graph.
        data = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    out = ox.serialize(data, format=rdf_format, prefixes=prefixes if _prefixable(rdf_format) else None)
    return out or b""


def _prefixable(rdf_format: ox.RdfFormat) -> bool:
    return rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


def serialize_boolean(fmt: ResultFormat, value: bool) -> bytes:
    if fmt.key == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.key == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
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


def _json(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    names = [_json_string(name) + ":" for name in variables]
    written: dict[Term, str] = {}  # values repeat across rows (labels, classes): write each once
    bindings = []
    for row in rows:
        cells = []
        for name, value in zip(names, row, strict=True):
            if value is not None:
                text = written.get(value)
                if text is None:
                    text = written[value] = term_json(value)
                cells.append(name + text)
        bindings.append("{" + ",".join(cells) + "}")
    head = '{"head":{"vars":[' + ",".join(_json_string(name) for name in variables) + "]}"
    if truncated:
        head += ',"truncated":true'
    return (head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}").encode()


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


def _xml(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for name, value in zip(variables, row, strict=True):
            if value is not None:
                out.append(f"<binding name={quoteattr(name)}>{_term_xml(value)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _term_csv(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _csv(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_term_csv(v) for v in row] for row in rows)
    return buffer.getvalue().encode()


def _tsv(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    # Terms in TSV are written in Turtle/N-Triples syntax, which str() of a pyoxigraph term gives.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if v is None else str(v) for v in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()
