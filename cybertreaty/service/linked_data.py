"""Dereferenceable linked data: every data IRI under the configured base answers on this server.

``GET /id/{path}`` maps ``<base>id/{path}`` to its description (``entity.describe``): an HTML page
for a browser, or Turtle, JSON-LD, N-Triples, RDF/XML, and N-Quads or TriG (which keep each triple
in the named graph of the source that states it) for an RDF client, by content negotiation with
``Vary: Accept``; ``?format=ttl`` (or html, jsonld, nt, nq, trig, rdf) picks one for a link. The
base maps to the server's root, so an IRI and its page have the same path. An IRI the graph has
nothing about is a 404. ``GET /graph/{path}`` serves a named graph (``<base>graph/...``).

The pages load nothing but our own style sheet: no script at all, and a Content-Security-Policy
that lets the browser fetch nothing from elsewhere.
"""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from cybertreaty.errors import UnknownResource
from cybertreaty.service import api_docs, dumps, ontology_docs
from cybertreaty.service.entity import describe
from cybertreaty.service.entity_page import build_page
from cybertreaty.service.rdf_pages import (
    HTML,
    OX_FORMATS,
    PAGE_FORMATS,
    RDF_FORMATS,
    STATIC_FILES,
    alternates,
    choose_format,
    html_response,
    rdf_response,
    serialize,
    templates,
)
from cybertreaty.service.sparql_routes import settings_of, store_of

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the linked-data routes: /id, /graph, /ontology, /dump, /void, /docs and the style sheet."""
    app.include_router(router)
    app.include_router(ontology_docs.router)
    app.include_router(dumps.router)
    app.include_router(api_docs.router)


def entity_iri(base: str, path: str) -> URIRef:
    """The IRI of /id/{path}, its segments encoded as graph.iris encodes ids."""
    return URIRef(base + "id/" + "/".join(quote(segment, safe="-._~") for segment in path.split("/")))


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"])
async def entity(request: Request, path: str) -> Response:
    fmt = choose_format(request, PAGE_FORMATS, "an entity")
    base = settings_of(request).base_iri
    iri = entity_iri(base, path)
    description = await run_in_threadpool(describe, store_of(request), iri)
    if not description.found:
        raise UnknownResource(f"The graph has nothing about <{iri}>.")
    if fmt is HTML:
        page = build_page(description, base)
        html = (
            templates()
            .get_template("entity.html")
            .render(page=page, formats=alternates(request.url.path, RDF_FORMATS))
        )
        return html_response(html)
    meta = URIRef(base + "graph/meta")
    data = description.quads(meta) if OX_FORMATS[fmt.key].supports_datasets else description.triples()
    return rdf_response(await run_in_threadpool(serialize, data, fmt), fmt)


@router.api_route("/graph/{path:path}", methods=["GET", "HEAD"])
async def named_graph(request: Request, path: str) -> Response:
    """A named graph: its triples; a browser is sent to the page of the graph's source document."""
    fmt = choose_format(request, PAGE_FORMATS, "a named graph")
    base = settings_of(request).base_iri
    if fmt is HTML:
        if path.startswith("source/"):
            return RedirectResponse("/id/" + path, status_code=303, headers={"Vary": "Accept"})
        fmt = RDF_FORMATS[0]
    store = store_of(request)
    # Encoded like an entity IRI: a raw path could hold characters no IRI may (a backslash was a 500).
    graph = base + "graph/" + "/".join(quote(segment, safe="-._~") for segment in path.split("/"))
    outcome = await run_in_threadpool(store.graph_get, graph, fmt)
    return rdf_response(outcome.body, fmt)


@router.get("/static/site/{name}")
def static_file(name: str) -> Response:
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        raise UnknownResource(f"No such file: {name}")
    text = files("cybertreaty.service").joinpath("static", "site", name).read_text(encoding="utf-8")
    return Response(text, media_type=media_type, headers={"Cache-Control": "no-cache"})
