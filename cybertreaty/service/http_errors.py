"""One place that turns errors into HTTP responses.

SPARQL protocol errors are text/plain with the message (for a syntax error: the parser's message
and position). Under /api/ the same errors are RFC 9457 problem+json, for the REST API. Anything
that is not one of our errors is a bug: it is logged with its traceback and the client gets a
generic 500, never the exception text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cybertreaty.errors import CybertreatyError, UpdateRejected
from cybertreaty.graph.formats import Family, ResultFormat
from cybertreaty.service.sparql_protocol import choose

log = logging.getLogger("cybertreaty.service")

GENERIC_500 = "Internal server error. The problem was logged; please report it if it persists."

_REPORT_FORMATS = (
    ResultFormat("text", "text/plain", Family.GRAPH, ""),
    ResultFormat("json", "application/json", Family.GRAPH, ""),
    ResultFormat("turtle", "text/turtle", Family.GRAPH, ""),
)


def error_response(
    request: Request,
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    """text/plain, or under /api/ a problem with any ``extensions`` members (RFC 9457 section 3.2)."""
    if request.url.path.startswith("/api/"):
        problem = {
            "type": "about:blank",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": message,
        }
        problem |= {k: v for k, v in (extensions or {}).items() if k not in problem}
        return Response(json.dumps(problem), status, headers=headers, media_type="application/problem+json")
    return Response(message + "\n", status, headers=headers, media_type="text/plain; charset=utf-8")


async def handle_ours(request: Request, error: Exception) -> Response:
    assert isinstance(error, CybertreatyError)
    if isinstance(error, UpdateRejected):
        return _rejection(request, error)
    if error.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, error.message)
    extensions = getattr(error, "extensions", None)  # the REST API's errors add members (api_errors)
    return error_response(request, error.status, error.message, error.headers(), extensions)


def _rejection(request: Request, error: UpdateRejected) -> Response:
    """422 with the SHACL report, in the format the client accepts (text by default)."""
    chosen, _ = choose(request.headers.get("accept"), _REPORT_FORMATS)
    fmt = chosen or _REPORT_FORMATS[0]
    report = error.report.render(fmt.key) or error.report.render("text")
    body = report if fmt.key != "text" else f"{error.message}\n\n{report}"
    return Response(body, error.status, media_type=f"{fmt.media_type}; charset=utf-8")


async def handle_http(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    return error_response(request, error.status_code, str(error.detail), dict(error.headers or {}))


async def handle_unexpected(request: Request, error: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(request, HTTPStatus.INTERNAL_SERVER_ERROR, GENERIC_500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(CybertreatyError, handle_ours)
    app.add_exception_handler(StarletteHTTPException, handle_http)
    app.add_exception_handler(Exception, handle_unexpected)
