"""What the linked-data routes share: content negotiation, RDF serialization, and the HTML pages'
templates and security headers (linked_data, ontology_docs, dumps and api_docs use it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jinja2
import pyoxigraph as ox
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from cybertreaty.errors import NotAcceptable
from cybertreaty.graph.formats import Family, ResultFormat, by_key
from cybertreaty.graph.vocab import PREFIXES
from cybertreaty.service.sparql_protocol import choose

HTML = ResultFormat("html", "text/html", Family.GRAPH, "", ("application/xhtml+xml",), ("html",))
# Turtle first: a client that accepts anything (*/*) gets Turtle; a browser names text/html.
RDF_FORMATS: tuple[ResultFormat, ...] = tuple(
    ResultFormat(
        f.key, f.media_type, f.family, f.iri, (), f.tokens
    )  # no aliases: application/xml is not RDF/XML
    for f in (by_key(k) for k in ("turtle", "jsonld", "ntriples", "nquads", "trig", "rdfxml"))
)
PAGE_FORMATS = (RDF_FORMATS[0], HTML, *RDF_FORMATS[1:])
FORMAT_NAMES = {
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "ntriples": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "rdfxml": "RDF/XML",
}
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
STATIC_FILES = {"site.css": "text/css; charset=utf-8"}
# Nothing but our own style sheet: no script, no frame, no request elsewhere (the empty data: icon
# keeps browsers from asking for /favicon.ico).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Alternate:
    name: str
    media_type: str
    href: str


def choose_format(request: Request, candidates: Sequence[ResultFormat], what: str) -> ResultFormat:
    """The ``format`` parameter's choice, else the Accept header's (406 when neither names one)."""
    token = request.query_params.get("format")
    if token is not None:
        chosen = next(
            (f for f in candidates if token.lower() in f.tokens or token.lower() == f.media_type), None
        )
    else:
        chosen, _ = choose(request.headers.get("accept"), candidates)
    if chosen is None:
        names = [f"{f.media_type} (format={f.tokens[0]})" for f in candidates]
        raise NotAcceptable(names, what)
    return chosen


def serialize(data: Sequence[ox.Quad] | Sequence[ox.Triple], fmt: ResultFormat) -> bytes:
    rdf_format = OX_FORMATS[fmt.key]
    prefixable = rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    return ox.serialize(data, format=rdf_format, prefixes=dict(PREFIXES) if prefixable else None) or b""


def rdf_response(body: bytes, fmt: ResultFormat, headers: dict[str, str] | None = None) -> Response:
    # Every RDF syntax we write is UTF-8 text.
    media_type = f"{fmt.media_type}; charset=utf-8"
    return Response(body, media_type=media_type, headers={"Vary": "Accept", **(headers or {})})


def html_response(html: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(
        html,
        headers={"Vary": "Accept", "Content-Security-Policy": CONTENT_SECURITY_POLICY, **(headers or {})},
    )


@cache
def templates() -> jinja2.Environment:
    # The one environment of every page (entities, ontology, API docs, editor, explorer). Autoescape
    # everywhere: labels, quotes, notes and example texts are text, never markup.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cybertreaty.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["code"] = inline_code
    return environment


def inline_code(text: str) -> Markup:
    """Text with `backticks` shown as code: escaped first, so only the <code> tags are markup."""
    return Markup(re.sub(r"`([^`<>]+)`", r"<code>\1</code>", str(escape(text))))


def alternates(path: str, formats: Sequence[ResultFormat]) -> list[Alternate]:
    return [Alternate(FORMAT_NAMES[f.key], f.media_type, f"{path}?format={f.tokens[0]}") for f in formats]
