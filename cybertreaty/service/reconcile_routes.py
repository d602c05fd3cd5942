"""Reconciliation at /reconcile, in the shape of the OpenRefine reconciliation API, so curators can
link a spreadsheet column of names or codes to the graph's States and organisations.

``GET /reconcile`` returns the service manifest. ``POST /reconcile`` (form field ``queries``, or
``GET /reconcile?queries=…``) takes a JSON object of queries, ``{"q0": {"query": "Viet Nam",
"type": "State", "limit": 3}}``, and answers ``{"q0": {"result": [candidates]}}``. Each candidate's
``id`` is the curated id the data files use (``VNM``, ``eu``); its ``description`` carries the IRI
and what matched. The matching itself is ``cybertreaty.graph.wikidata.reconcile``; this module only
translates. A malformed request is a 400 whose message names the problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from cybertreaty.errors import BadRequest, UnsupportedMediaType
from cybertreaty.graph.vocab import CT
from cybertreaty.graph.wikidata.reconcile import TYPES, Candidate, Index
from cybertreaty.graph.wikidata.source import as_source
from cybertreaty.service.sparql_routes import settings_of, store_of

router = APIRouter()

MAX_QUERIES = 100  # per request: OpenRefine sends batches of 10 by default
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Query:
    text: str
    type: str | None
    limit: int


# Both routes read their input raw (a JSON object inside a form field), so it is documented here.
_QUERIES_DOC = 'A JSON object of queries, e.g. {"q0": {"query": "Viet Nam", "type": "State"}}.'
_BAD_QUERIES: dict[int | str, dict[str, Any]] = {
    400: {"description": "`queries` is missing, repeated or malformed; the message says why"}
}


@router.get(
    "/reconcile",
    summary="Reconciliation service manifest, or answers to ?queries=",
    responses=_BAD_QUERIES,
    openapi_extra={
        "parameters": [
            {
                "name": "queries",
                "in": "query",
                "required": False,
                "description": _QUERIES_DOC,
                "schema": {"type": "string"},
            }
        ]
    },
)
async def reconcile_get(request: Request) -> Response:
    raw = request.query_params.getlist("queries")
    if not raw:
        return JSONResponse(manifest(settings_of(request).base_iri))
    return await _answer(request, _one(raw))


@router.post(
    "/reconcile",
    summary="Reconcile names, ISO codes or QIDs to States and organisations",
    responses={**_BAD_QUERIES, 415: {"description": f"The body is not a form ({FORM})"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"queries": {"type": "string", "description": _QUERIES_DOC}},
                        "required": ["queries"],
                    }
                }
            },
        }
    },
)
async def reconcile_post(request: Request) -> Response:
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type != FORM:
        raise UnsupportedMediaType(f"Send the queries as a form ({FORM}) with a 'queries' field.")
    try:
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise BadRequest("The form is not UTF-8.") from None
    return await _answer(request, _one(form.get("queries", [])))


def manifest(base_iri: str) -> dict[str, Any]:
    types = [{"id": t, "name": t} for t in TYPES]
    return {
        "versions": ["0.1", "0.2"],
        "name": "cybertreaty: States and organisations",
        "identifierSpace": base_iri + "id/",
        "schemaSpace": str(CT._NS),
        "defaultTypes": types,
    }


def _one(values: list[str]) -> str:
    if len(values) != 1:
        raise BadRequest(f"Give exactly one 'queries' parameter (got {len(values)}).")
    return values[0]


async def _answer(request: Request, raw: str) -> Response:
    batch = parse_queries(raw)
    index = await run_in_threadpool(_index, request)
    answers = {
        key: {"result": [_candidate(c) for c in index.reconcile(q.text, type=q.type, limit=q.limit)]}
        for key, q in batch.items()
    }
    return JSONResponse(answers)


def parse_queries(raw: str) -> dict[str, Query]:
    """The batch of queries, or BadRequest naming what is wrong with it."""
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BadRequest(f"'queries' is not JSON: {error}") from None
    if not isinstance(batch, dict) or not batch:
        raise BadRequest('\'queries\' must be a JSON object of queries, e.g. {"q0": {"query": "Viet Nam"}}.')
    if len(batch) > MAX_QUERIES:
        raise BadRequest(f"At most {MAX_QUERIES} queries per request (got {len(batch)}).")
    return {str(key): _query(str(key), value) for key, value in batch.items()}


def _query(key: str, value: object) -> Query:
    if not isinstance(value, dict):
        raise BadRequest(f"queries[{key}] must be an object with a 'query' string.")
    text = value.get("query")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest(f"queries[{key}]: 'query' must be a non-empty string.")
    kind = value.get("type")
    if kind is not None and kind not in TYPES:
        raise BadRequest(f"queries[{key}]: unknown type {kind!r}; known types: {', '.join(TYPES)}.")
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"queries[{key}]: 'limit' must be an integer from 1 to {MAX_LIMIT}.")
    return Query(text, kind, limit)


def _index(request: Request) -> Index:
    """The names index, rebuilt when the statistics cache was refreshed (after each accepted write)."""
    stats = request.app.state.statistics.get()
    cached = getattr(request.app.state, "reconcile_index", None)
    if cached is None or cached[0] is not stats:
        cached = (stats, Index.load(as_source(store_of(request))))
        request.app.state.reconcile_index = cached
    index: Index = cached[1]
    return index


def _candidate(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "name": candidate.name,
        "type": [{"id": candidate.type, "name": candidate.type}],
        "score": candidate.score,
        "match": candidate.match,
        "description": f"{candidate.iri} (matched {candidate.via})",
    }
