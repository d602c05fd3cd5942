"""The SPARQL endpoint: /sparql for queries (GET, POST form, POST application/sparql-query),
updates (POST form or application/sparql-update, with the bearer token), HEAD, and, without a
query, the service description (or the query editor for a browser)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from cybertreaty.errors import Forbidden, NotAcceptable, Unauthorized
from cybertreaty.graph import sparql_text
from cybertreaty.graph.sparql_text import with_using
from cybertreaty.graph.store import Formats, QueryOutcome, Store
from cybertreaty.service import http_cache
from cybertreaty.service import service_description as sd
from cybertreaty.service.editor import render_editor
from cybertreaty.service.sparql_protocol import (
    Kind,
    Operation,
    choose,
    parse_accept,
    parse_request,
    quality,
    result_formats,
)
from cybertreaty.settings import Settings

router = APIRouter()

TRUNCATED_HEADER = "X-SPARQL-Truncated"
# Headers a browser script may read on a cross-origin response (see app.py's CORS setup).
EXPOSED_HEADERS = (TRUNCATED_HEADER, "X-SPARQL-Rows", "Server-Timing", "ETag")


def endpoint_url(request: Request) -> str:
    """This endpoint's URL: the configured public URL, else the URL requested (without query)."""
    # A request URL has no fragment; cutting at "?" is 3x cheaper than URL.replace (every query pays it).
    return settings_of(request).public_url or str(request.url).partition("?")[0]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Bodies longer than this are read (percent-decoded, split into fields) in a thread: a 10 MB form
# takes about a second, and the event loop serves every other request meanwhile.
LONG_BODY = 65536


async def sparql(request: Request) -> Response:
    body = await request.body()
    read = functools.partial(
        parse_request,
        request.method,
        request.headers.get("content-type"),
        list(request.query_params.multi_items()),
        body,
    )
    operation = read() if len(body) <= LONG_BODY else await asyncio.to_thread(read)
    if operation is None:
        return await describe_service(request)
    if operation.kind is Kind.UPDATE:
        return await run_update(request, operation)
    return await run_query(request, operation)


async def run_query(request: Request, operation: Operation) -> Response:
    formats = result_formats(request.headers.get("accept"), operation.formats)
    base = endpoint_url(request)  # resolves the query's relative IRIs, so it shapes the answer
    tag = _entity_tag(request, operation, formats, base)
    validators = {"ETag": tag, "Cache-Control": "no-cache"} if tag else {}
    if tag and http_cache.not_modified(request, tag, exists=False):  # the client holds it: no query
        return _not_modified(validators)
    work = asyncio.ensure_future(
        store_of(request).query_async(
            operation.text, formats=formats, dataset=operation.dataset, base_iri=base
        )
    )
    if not await _answered_unless_client_leaves(request, work):
        return Response(status_code=CLIENT_CLOSED)  # nobody is listening; uvicorn drops it
    outcome = work.result()  # raises the query's error, if any
    if tag and http_cache.not_modified(request, tag, exists=True):  # If-None-Match: *
        return _not_modified(validators)
    return _result_response(request, outcome, validators)


def _not_modified(validators: dict[str, str]) -> Response:
    return Response(status_code=HTTPStatus.NOT_MODIFIED, headers={**validators, "Vary": "Accept"})


def _entity_tag(request: Request, operation: Operation, formats: Formats, base: str) -> str | None:
    """The ETag of a GET or HEAD answer over data of a known version: the same query, dataset,
    formats and limits over the same data give the same answer. Not for POST (not cached), long
    queries (not lexed in the event loop), nor queries with NOW(), RAND()... or a SERVICE call."""
    version = store_of(request).data_version
    if version is None or request.method not in ("GET", "HEAD"):
        return None
    if len(operation.text) > sparql_text.CACHED_TEXT:
        return None
    shape = sparql_text.analyse(operation.text)  # remembered: the store's check gets it for free
    if shape.volatile or shape.fetches:
        return None
    settings = settings_of(request)
    return http_cache.entity_tag(
        version,
        operation.text,
        "|".join(operation.dataset.default_graphs) if operation.dataset.given else "-",
        "|".join(operation.dataset.named_graphs),
        formats.tabular.key if formats.tabular else "-",
        formats.graph.key if formats.graph else "-",
        base,
        f"{settings.max_result_rows}|{settings.max_result_bytes}",
    )


# A query still running after this many seconds is watched for its client going away: then it is
# cancelled, which kills its worker (embedded store) so an abandoned query stops using a CPU.
# Quicker queries, nearly all of them, never pay for the watch.
WATCH_AFTER = 0.25
CLIENT_CLOSED = 499  # nginx's status for "client closed the request"; never actually sent


async def _answered_unless_client_leaves(request: Request, work: asyncio.Future[QueryOutcome]) -> bool:
    """Wait for ``work``; False if the client disconnects first. ``work`` never outlives this
    call unfinished: it is cancelled if the client leaves or this request is cancelled."""
    try:
        done, _ = await asyncio.wait({work}, timeout=WATCH_AFTER)
        if not done:
            gone = asyncio.ensure_future(_disconnected(request))
            try:
                either: set[asyncio.Future[Any]] = {work, gone}
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            finally:
                gone.cancel()
    finally:
        if not work.done():
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
    return not work.cancelled()


async def _disconnected(request: Request) -> None:
    """Returns once the client has closed the connection (the body has already been read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _result_response(request: Request, outcome: QueryOutcome, validators: dict[str, str]) -> Response:
    headers = {
        **validators,
        "Vary": "Accept",
        "Server-Timing": f"query;dur={outcome.elapsed * 1000:.1f}",
    }
    if outcome.count is not None:
        headers["X-SPARQL-Rows"] = str(outcome.count)
    if outcome.truncated:
        headers[TRUNCATED_HEADER] = "true"
    return body_response(request, outcome.body, _with_charset(outcome.media_type), headers)


def body_response(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    """The response, or for HEAD the same headers without the body."""
    if request.method == "HEAD":
        headers = {**headers, "Content-Length": str(len(body))}
        return Response(b"", headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)


def _with_charset(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("+json", "+xml", "/json", "/trig"))
    textual = textual or media_type in ("application/n-triples", "application/n-quads")
    return f"{media_type}; charset=utf-8" if textual else media_type


async def run_update(request: Request, operation: Operation) -> Response:
    authorize(request)
    store = store_of(request)
    dataset = operation.dataset
    text = with_using(operation.text, dataset.default_graphs, dataset.named_graphs)
    await run_in_threadpool(store.update, text, base_iri=endpoint_url(request))
    request.app.state.statistics.invalidate()
    return Response(status_code=HTTPStatus.NO_CONTENT)


def authorize(request: Request) -> None:
    """Writes need ``Authorization: Bearer <update_token>``; without a token, no writes at all."""
    token = settings_of(request).update_token
    if token is None or not store_of(request).writable:
        raise Forbidden("This endpoint is read-only: updates are not enabled.")
    header = request.headers.get("authorization")
    if not header:
        raise Unauthorized("Updates need an 'Authorization: Bearer <token>' header.")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Forbidden("The bearer token is not valid for updates.")


async def describe_service(request: Request) -> Response:
    accept = request.headers.get("accept")
    chosen, q = choose(accept, sd.DESCRIPTION_FORMATS)
    if request.method == "GET" and quality(parse_accept(accept), "text/html") > q:
        return render_editor(request)
    if chosen is None:
        supported = [f.media_type for f in sd.DESCRIPTION_FORMATS] + ["text/html"]
        raise NotAcceptable(supported, "the service description")
    settings = settings_of(request)
    endpoint = endpoint_url(request)
    stats = await run_in_threadpool(request.app.state.statistics.get)
    graph = sd.describe(endpoint, settings, store_of(request), stats)
    body = await run_in_threadpool(sd.serialize, graph, chosen)
    return body_response(request, body, _with_charset(chosen.media_type), {"Vary": "Accept"})


# A plain Starlette route, not a FastAPI one: the endpoint takes no typed parameters, is not in the
# OpenAPI document, and skips FastAPI's per-request dependency solving (~30 us of each query).
router.routes.append(Route("/sparql", sparql, methods=["GET", "HEAD", "POST"]))
