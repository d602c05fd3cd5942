"""From the store's rows to the API's answers: typed values, pages, and the three formats.

Rows come from ``Store.select`` as rdflib terms; each column's declared type turns them into JSON
values (a GROUP_CONCAT becomes a list). An answer is sent as JSON (the default), JSON-LD (the same
document with an ``@context``) or CSV (the rows only), as the Accept header asks; anything else is
a 406 that lists the three.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from rdflib.term import Identifier
from starlette.datastructures import URL
from starlette.responses import Response

from cybertreaty.errors import NotAcceptable
from cybertreaty.graph.formats import Family, ResultFormat
from cybertreaty.service import api_cache
from cybertreaty.service.api_entities import Resolved
from cybertreaty.service.models import Problem, jsonld_context
from cybertreaty.service.registry import Column, NamedQuery
from cybertreaty.service.sparql_protocol import choose
from cybertreaty.service.sparql_routes import settings_of

JSON = ResultFormat("json", "application/json", Family.TABULAR, "")
JSONLD = ResultFormat("jsonld", "application/ld+json", Family.TABULAR, "")
CSV = ResultFormat("csv", "text/csv", Family.TABULAR, "")
FORMATS = (JSON, JSONLD, CSV)
DOCUMENT_FORMATS = (JSON, JSONLD)  # answers that are not one table have no CSV form

TEXT_SEPARATOR = "\x1f"  # the GROUP_CONCAT separator of `texts` columns (U+001F, unit separator)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def negotiate(accept: str | None, candidates: Sequence[ResultFormat] = FORMATS) -> ResultFormat:
    chosen, _ = choose(accept, candidates)
    if chosen is None:
        raise NotAcceptable([f.media_type for f in candidates], "this answer")
    return chosen


def convert_row(columns: Sequence[Column], row: Mapping[str, Identifier]) -> dict[str, Any]:
    return {column.name: convert(column, row.get(column.name)) for column in columns}


def convert(column: Column, term: Identifier | None) -> Any:
    """A JSON value for one cell; list types split their GROUP_CONCAT (empty parts dropped)."""
    if column.is_list:
        text = "" if term is None else str(term)
        parts = text.split(TEXT_SEPARATOR) if column.type == "texts" else text.split()
        return [part for part in (p.strip() for p in parts) if part]
    if term is None or (column.optional and str(term) == ""):
        return None
    if column.type == "integer":
        return int(str(term))
    if column.type == "boolean":
        return str(term) in ("true", "1")
    return str(term)


@dataclass(frozen=True)
class Window:
    """Which rows of an answer a request asked for."""

    limit: int
    offset: int

    def links(self, url: URL, total: int) -> tuple[str | None, str | None]:
        """URLs of the next and previous pages (None at either end)."""
        after = self.offset + self.limit
        following = str(url.include_query_params(offset=after, limit=self.limit)) if after < total else None
        preceding = None
        if self.offset > 0:
            start = max(0, self.offset - self.limit)
            preceding = str(url.include_query_params(offset=start, limit=self.limit))
        return following, preceding


def page_headers(next_url: str | None, previous_url: str | None, total: int) -> dict[str, str]:
    links = [f'<{u}>; rel="{rel}"' for u, rel in ((next_url, "next"), (previous_url, "prev")) if u]
    headers = {"X-Total-Count": str(total)}
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def render(
    document: Mapping[str, Any],
    fmt: ResultFormat,
    *,
    context: Mapping[str, Any],
    table: tuple[Sequence[Column], Sequence[Mapping[str, Any]]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The answer in ``fmt``: JSON as is, JSON-LD with ``context``, CSV from ``table``."""
    all_headers = {"Vary": "Accept", **(headers or {})}
    if fmt is CSV:
        assert table is not None, "CSV needs the table"
        body = to_csv(*table)
        return Response(body, headers=all_headers, media_type="text/csv; charset=utf-8")
    if fmt is JSONLD:
        document = {"@context": context, **document}
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return Response(body, headers=all_headers, media_type=fmt.media_type)


def to_csv(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> str:
    """RFC 4180 CSV; list cells are joined with spaces (IRIs, codes, dates) or newlines (texts)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(c, row.get(c.name)) for c in columns])
    return buffer.getvalue()


def _cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ("\n" if column.type == "texts" else " ").join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def select_rows(
    request: Request, query: NamedQuery, resolved: Resolved
) -> tuple[list[dict[str, Any]], bool]:
    """The query's rows as JSON values, and whether the server's row limit cut them."""
    limit = settings_of(request).max_result_rows
    result = await api_cache.select(request, query.sparql, resolved.bindings, limit)
    return [convert_row(query.columns, row) for row in result.rows], result.truncated


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        404: "Unknown entity; `suggestions` lists the closest ones.",
        406: "None of the Accept header's media types can be produced.",
        422: "A parameter is not valid; `errors` names it.",
        503: "The query took too long or the server is busy.",
    }
    return {
        status: {
            "model": Problem,
            "description": described[status],
            "content": {"application/problem+json": {}},
        }
        for status in statuses
    }


def formats_response(csv: bool = True) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {"application/ld+json": {"schema": {"type": "object"}}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return {200: {"content": content, "description": "The answer (JSON by default; see Accept)."}}


def context_for(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    """The JSON-LD context of an answer: the API's terms under <base>api#, IRIs as @id."""
    return jsonld_context(model, settings_of(request).base_iri + "api#")


def single(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The one row of a one-row query (the entity was checked to exist, so there is one)."""
    if len(rows) != 1:
        raise RuntimeError(f"expected one row, got {len(rows)}")
    return rows[0]
