"""The REST API's own errors, and 422 for parameters FastAPI rejects, all as RFC 9457 problems.

``http_errors`` writes every error under /api/ as ``application/problem+json`` with the members
``type``, ``title``, ``status`` and ``detail``; the errors here add the extension members
``errors`` (which parameter, where, why) and ``suggestions`` (what the client may have meant).
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError

from cybertreaty.errors import CybertreatyError, UnknownResource
from cybertreaty.service.http_errors import error_response


def _suggestions(suggestions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"suggestions": list(suggestions)} if suggestions else {}


class ParameterError(CybertreatyError):
    """A parameter value that is well formed but unusable (an id nothing has): 422, naming it."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(
        self, parameter: str, location: str, detail: str, suggestions: Sequence[dict[str, Any]] = ()
    ) -> None:
        super().__init__(f"Parameter '{parameter}' ({location}): {detail}")
        problem = {"parameter": parameter, "location": location, "detail": detail}
        self.extensions: dict[str, Any] = {"errors": [problem], **_suggestions(suggestions)}


class EntityNotFound(UnknownResource):
    """The State, treaty, resolution... a path names does not exist: 404, with the closest ones."""

    def __init__(self, message: str, suggestions: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = _suggestions(suggestions)


async def handle_validation(request: Request, error: Exception) -> Response:
    """422 for what FastAPI's checks reject (a malformed date, a value outside an enum...).

    Under /api/ it is a problem naming each parameter; elsewhere FastAPI's own answer is kept.
    """
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith("/api/"):
        return await request_validation_exception_handler(request, error)
    problems = [_problem(e) for e in error.errors()]
    named = ", ".join(f"'{p['parameter']}' ({p['location']}): {p['detail']}" for p in problems)
    message = f"Invalid parameter{'s' if len(problems) > 1 else ''}: {named}"
    return error_response(request, HTTPStatus.UNPROCESSABLE_ENTITY, message, extensions={"errors": problems})


def _problem(error: Any) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ())]
    where = location[0] if location else "request"
    name = ".".join(location[1:]) or where
    return {"parameter": name, "location": where, "detail": str(error.get("msg", "not valid"))}
