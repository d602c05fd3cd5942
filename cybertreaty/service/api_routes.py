"""The REST API under /api: one GET route per named query of the registry, plus a few answers
that combine queries (a State's profile, a treaty's status), search, and the list of queries.

Each registry route is generated from its ``.rq`` header: the path, the typed parameters (OpenAPI
schema, examples, FastAPI's checks), the row model and the documentation. Parameters reach the
store only as RDF terms (``Store.select(bindings=...)``); the query text is never edited. Lists
paginate with ``limit``/``offset`` and ``next``/``previous`` links; answers are JSON, JSON-LD or
CSV by content negotiation; every error is an RFC 9457 problem (api_errors).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from cybertreaty.service import api_compose
from cybertreaty.service.api_entities import resolve
from cybertreaty.service.api_errors import handle_validation
from cybertreaty.service.api_params import IsoDate, Kind
from cybertreaty.service.api_results import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Window,
    context_for,
    formats_response,
    negotiate,
    page_headers,
    problem_responses,
    render,
    select_rows,
)
from cybertreaty.service.models import page_model, row_model
from cybertreaty.service.registry import API_PREFIX, NamedQuery, Param, Registry, packaged_registry


def install(app: FastAPI, registry: Registry | None = None) -> None:
    """Add the API's routes and its 422 handler to ``app``."""
    app.include_router(create_router(registry or packaged_registry()))
    app.add_exception_handler(RequestValidationError, handle_validation)
    _problems_in_openapi(app)


def _problems_in_openapi(app: FastAPI) -> None:
    """Document the API's error bodies under their real media type, application/problem+json.

    FastAPI files a response model of a route's ``responses`` under the route's own media type
    (application/json); this moves it, once, when the OpenAPI document is first built.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec = build()
        for path, operations in spec.get("paths", {}).items():
            if not path.startswith(API_PREFIX + "/"):
                continue
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if (
                        str(status) >= "400"
                        and "application/problem+json" in content
                        and "application/json" in content
                    ):
                        content["application/problem+json"] = content.pop("application/json")
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def create_router(registry: Registry) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    # <base>api# is the vocabulary of the JSON-LD answers; its terms are documented at /docs.
    router.add_api_route("", _to_docs, methods=["GET", "HEAD"], include_in_schema=False)
    rows = {query.name: row_model(query) for query in registry.queries}
    api_compose.add_routes(router, registry, rows)
    for query in registry.queries:
        _add_route(router, query, rows[query.name])
    return router


async def _to_docs() -> Response:
    return RedirectResponse("/docs", status_code=303)


def _add_route(router: APIRouter, query: NamedQuery, row: type[BaseModel]) -> None:
    page = page_model(query, row)

    async def endpoint(request: Request, **values: Any) -> Response:
        window = Window(values.pop("limit"), values.pop("offset"))
        return await answer_page(request, query, values, window, page)

    endpoint.__signature__ = _signature(query)  # type: ignore[attr-defined]
    endpoint.__name__ = query.name.replace("-", "_")
    router.add_api_route(
        query.route,
        endpoint,
        methods=["GET"],
        response_model=page,
        summary=query.summary,
        description=_description(query),
        tags=list(query.tags[:1]),
        operation_id=query.name,
        responses={**formats_response(), **problem_responses(404, 406, 422, 503)},
    )


def _description(query: NamedQuery) -> str:
    return f"{query.description}\n\nNamed query `{query.name}`. Example: `GET {query.example_request()}`"


def _signature(query: NamedQuery) -> inspect.Signature:
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for param in query.params:
        default = inspect.Parameter.empty if param.in_path else param.default
        params.append(inspect.Parameter(param.name, keyword, default=default, annotation=annotation(param)))
    limit = Query(ge=1, le=MAX_LIMIT, description=f"Most rows on a page (at most {MAX_LIMIT}).")
    offset = Query(ge=0, description="Rows to skip: the `next` link of a page gives the next offset.")
    params.append(
        inspect.Parameter("limit", keyword, default=DEFAULT_LIMIT, annotation=Annotated[int, limit])
    )
    params.append(inspect.Parameter("offset", keyword, default=0, annotation=Annotated[int, offset]))
    return inspect.Signature(params)


def annotation(param: Param) -> Any:
    """The FastAPI parameter for ``param``: its type, checks, description and example."""
    ptype = param.type
    text = f"{param.description} Format: {ptype.summary}."
    example = ptype.example
    if param.in_path:
        return Annotated[str, Path(description=text, examples=[example])]
    kind: Any = str
    pattern = ptype.pattern
    if ptype.kind is Kind.DATE:
        kind, pattern = IsoDate, None
    elif ptype.kind is Kind.CHOICE:
        kind, pattern = Literal.__getitem__(tuple(ptype.choices)), None
    if param.default is not None:
        return Annotated[kind, Query(description=text, examples=[example], pattern=pattern)]
    return Annotated[kind | None, Query(description=text, examples=[example], pattern=pattern)]


async def answer_page(
    request: Request, query: NamedQuery, values: Mapping[str, Any], window: Window, page: type[BaseModel]
) -> Response:
    fmt = negotiate(request.headers.get("accept"))  # 406 before any work
    resolved = await resolve(request, query, values)
    rows, truncated = await select_rows(request, query, resolved)
    next_url, previous_url = window.links(request.url, len(rows))
    items = rows[window.offset : window.offset + window.limit]
    document = page.model_validate(
        {
            "query": query.name,
            "params": resolved.applied,
            "total": len(rows),
            "offset": window.offset,
            "limit": window.limit,
            "truncated": truncated,
            "next": next_url,
            "previous": previous_url,
            "items": items,
        }
    ).model_dump(mode="json")
    return render(
        document,
        fmt,
        context=context_for(request, page),
        table=(query.columns, items),
        headers=page_headers(next_url, previous_url, len(rows)),
    )
