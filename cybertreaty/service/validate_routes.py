"""``POST /validate``: upload RDF or CSV, get the SHACL report; nothing is stored.

The body's Content-Type says what it is (Turtle, N-Triples, N-Quads, TriG, JSON-LD, or CSV rows of
one data/ file, whose kind comes from the header or ``?kind=``). The report is JSON by default,
or the SHACL validation report in Turtle for ``Accept: text/turtle``. A thin translation over
cybertreaty.curation.upload: 413 over the size limit, 400 naming why input cannot be parsed
(JSON-LD contexts are never fetched: a remote or file: @context is refused), 415 for other types,
503 when max_concurrent_validations uploads are already being checked or when one passes
validation_timeout (each is checked in a process of its own, killed then).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from cybertreaty import paths
from cybertreaty.curation.errors import InputRejected, InputTooLarge
from cybertreaty.curation.upload import UPLOAD_FORMATS
from cybertreaty.curation.upload_process import UploadJob, validate_in_process
from cybertreaty.errors import BadRequest, NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from cybertreaty.graph.formats import Family, ResultFormat
from cybertreaty.graph.iris import DEFAULT_BASE
from cybertreaty.graph.store import Limits
from cybertreaty.service.sparql_protocol import choose

router = APIRouter()

_REPORTS = (
    ResultFormat("json", "application/json", Family.GRAPH, ""),
    ResultFormat("turtle", "text/turtle", Family.GRAPH, ""),
)


def _body_schema(media_type: str) -> dict[str, object]:
    # A JSON-LD document is a JSON object or array; every other upload format is text.
    return {"type": ["object", "array"]} if media_type == "application/ld+json" else {"type": "string"}


@router.post(
    "/validate",
    summary="Validate uploaded RDF or CSV rows against the shapes, storing nothing",
    responses={
        200: {"description": "The validation report (conforms or not)", "content": {"text/turtle": {}}},
        400: {"description": "The upload cannot be parsed; the message says why"},
        413: {"description": "The upload is over the size limit"},
        503: {"description": "Too many validations are running, or this one passed its time limit"},
        406: {"description": "The Accept header names neither JSON nor Turtle"},
        415: {"description": "The Content-Type is not one of the accepted formats"},
    },
    # The body is read raw (its Content-Type says what it is), so FastAPI cannot document it.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media_type: {"schema": _body_schema(media_type)} for media_type in UPLOAD_FORMATS},
        }
    },
)
async def validate_upload_route(request: Request, kind: str | None = None) -> Response:
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    fmt = UPLOAD_FORMATS.get(media_type)
    if fmt is None:
        accepted = ", ".join(UPLOAD_FORMATS)
        raise UnsupportedMediaType(f"Send the data as one of: {accepted} (got {media_type!r}).")
    chosen, _ = choose(request.headers.get("accept"), _REPORTS)
    if chosen is None:
        raise NotAcceptable([f.media_type for f in _REPORTS], "a validation report")
    body = await request.body()
    settings = request.app.state.settings
    job = UploadJob(
        body, fmt, chosen.key, str(paths.data_dir()), kind, _base(settings.base_iri), settings.max_body_bytes
    )
    try:
        with _limits(request):
            text = await run_in_threadpool(validate_in_process, job, settings.validation_timeout)
    except InputTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from None
    except InputRejected as exc:
        raise BadRequest(str(exc)) from None
    return Response(text, media_type=f"{chosen.media_type}; charset=utf-8", headers={"Vary": "Accept"})


def _limits(request: Request) -> Limits:
    """The app's cap on validations at once (max_concurrent_validations)."""
    limits: Limits | None = getattr(request.app.state, "validation_limits", None)
    if limits is None:  # created on first use, in the event loop: no race
        maximum = request.app.state.settings.max_concurrent_validations
        limits = request.app.state.validation_limits = Limits(maximum, what="validations")
    return limits


def _base(base: str) -> str:
    # The data's IRIs are minted under a slash base; a '#' base (allowed for the service) is not one.
    return base if base.endswith("/") else DEFAULT_BASE
