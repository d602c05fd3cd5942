"""The SPARQL 1.1 Graph Store HTTP Protocol at /store, with indirect graph identification:
``/store?graph=<IRI>`` for a named graph, ``/store?default`` for the default graph.

GET and HEAD are public. PUT, POST and DELETE need the update token and go through the same
checked, validated, all-or-nothing write path as SPARQL Update. The default graph is the merge
of the named graphs, so it can be read but not written.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request, Response
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from cybertreaty.errors import BadRequest, NotAcceptable
from cybertreaty.graph.formats import Family, formats_for, media_types
from cybertreaty.graph.store import GRAPH_EXISTS_QUERY
from cybertreaty.service.sparql_protocol import check_iri, choose
from cybertreaty.service.sparql_routes import authorize, body_response, store_of

router = APIRouter()


def target_graph(request: Request) -> str | None:
    """The graph IRI the request names, or None for the default graph."""
    graphs = request.query_params.getlist("graph")
    default = "default" in request.query_params
    if default == bool(graphs) or len(graphs) > 1:
        raise BadRequest("Name exactly one graph: ?graph=<IRI> or ?default.")
    if default:
        return None
    graph = graphs[0]
    check_iri("graph", graph)
    return graph


@router.api_route("/store", methods=["GET", "HEAD"], include_in_schema=False)
async def get_graph(request: Request) -> Response:
    graph = target_graph(request)
    fmt, _ = choose(request.headers.get("accept"), formats_for(Family.GRAPH))
    if fmt is None:
        raise NotAcceptable(media_types(Family.GRAPH), "a graph")
    outcome = await run_in_threadpool(store_of(request).graph_get, graph, fmt)
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers["X-SPARQL-Truncated"] = "true"
    return body_response(request, outcome.body, outcome.media_type, headers)


@router.api_route("/store", methods=["PUT", "POST", "DELETE"], include_in_schema=False)
async def write_graph(request: Request) -> Response:
    authorize(request)
    graph = target_graph(request)
    if graph is None:
        raise BadRequest("The default graph is the merge of the named graphs; write a named graph instead.")
    store = store_of(request)
    if request.method == "DELETE":
        await run_in_threadpool(store.graph_delete, graph)
        return _written(request, HTTPStatus.NO_CONTENT)
    body = await request.body()
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    existed = bool(
        (await run_in_threadpool(store.select, GRAPH_EXISTS_QUERY, bindings={"g": URIRef(graph)})).rows
    )
    write = store.graph_put if request.method == "PUT" else store.graph_post
    await run_in_threadpool(write, graph, body, media_type)
    return _written(request, HTTPStatus.NO_CONTENT if existed else HTTPStatus.CREATED)


def _written(request: Request, status: int) -> Response:
    request.app.state.statistics.invalidate()
    return Response(status_code=status)
