"""The errors the store and the service raise, each with its HTTP status.

The graph layer raises them without knowing about HTTP; one handler in the service maps them to
responses (``cybertreaty.service.http_errors``). Anything that is not a ``CybertreatyError`` is a
bug: it is logged and answered with a generic 500, never echoed.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import ClassVar, Protocol


class CybertreatyError(Exception):
    """Base of the errors a client may see. ``message`` is safe to show."""

    status: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, message: str | None = None) -> None:
        self.message = message or HTTPStatus(self.status).description
        super().__init__(self.message)

    def headers(self) -> dict[str, str]:
        """Extra response headers this error needs (e.g. WWW-Authenticate)."""
        return {}


class BadRequest(CybertreatyError):
    """The request does not follow the SPARQL 1.1 Protocol (missing or repeated parameters...)."""

    status = HTTPStatus.BAD_REQUEST


class QuerySyntaxError(BadRequest):
    """The engine's parser rejected the query or update; carries its message and position."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class NotAcceptable(CybertreatyError):
    """No media type we can produce for this result matches the Accept header."""

    status = HTTPStatus.NOT_ACCEPTABLE

    def __init__(self, supported: Sequence[str], what: str = "this result") -> None:
        self.supported = tuple(supported)
        super().__init__(
            f"None of the requested media types can be produced for {what}. Supported: "
            + ", ".join(self.supported)
        )


class UnsupportedMediaType(CybertreatyError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class QueryRefused(CybertreatyError):
    """The query would fetch a remote IRI (SERVICE, LOAD) that is not on the allowlist."""

    status = HTTPStatus.FORBIDDEN


class QueryTimeout(CybertreatyError):
    """The query ran longer than the time limit and was stopped."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


class ValidationTimeout(QueryTimeout):
    """Validating an upload (POST /validate) ran longer than its time limit and was stopped."""


class EngineStopped(CybertreatyError):
    """The worker process evaluating the query died (an engine crash on a pathological query, or a
    kill from outside); it is being replaced, so the client may retry or simplify the query."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


class UpstreamTimeout(QueryTimeout):
    """The external engine did not answer within the time limit."""

    status = HTTPStatus.GATEWAY_TIMEOUT


class ServerBusy(CybertreatyError):
    """Too many queries are running; the client should retry shortly."""

    status = HTTPStatus.SERVICE_UNAVAILABLE

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class UpstreamError(CybertreatyError):
    """The external engine failed or could not be reached."""

    status = HTTPStatus.BAD_GATEWAY


class PayloadTooLarge(CybertreatyError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class Unauthorized(CybertreatyError):
    """No credentials were sent for an operation that needs the update token."""

    status = HTTPStatus.UNAUTHORIZED

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="cybertreaty"'}


class Forbidden(CybertreatyError):
    """Wrong credentials, or writes are disabled on this server."""

    status = HTTPStatus.FORBIDDEN


class UnknownResource(CybertreatyError):
    status = HTTPStatus.NOT_FOUND


class Report(Protocol):
    """What an update rejection carries: the SHACL report, already rendered."""

    @property
    def conforms(self) -> bool: ...

    def render(self, fmt: str) -> str: ...


class UpdateRejected(CybertreatyError):
    """The update would leave the graph not conforming to the shapes; nothing was written."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, report: Report, message: str | None = None) -> None:
        self.report = report
        super().__init__(message or "The update was rejected: the result would not conform to the shapes.")
