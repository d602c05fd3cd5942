"""``/docs``: the REST API's reference, generated on the server from the OpenAPI document.

FastAPI's own pages load Swagger UI or ReDoc from a CDN; this page is plain HTML rendered with
Jinja2 from ``app.openapi()`` (the same document as /openapi.json), so it needs no script, loads
nothing from elsewhere, and cannot drift from the routes: every operation with its parameters,
media types, errors and the fields of its answer, each with its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response

from cybertreaty.service import rdf_pages

router = APIRouter(include_in_schema=False)


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    description: str
    example: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    media_types: list[str]
    errors: list[tuple[str, str]]
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, description)


@dataclass
class Group:
    tag: str
    operations: list[Operation]


def _schema_type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_schema_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return "list of " + _schema_type(schema.get("items", {}))
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def _fields(spec: dict[str, Any], response: dict[str, Any]) -> list[tuple[str, str, str]]:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
    if not ref:
        return []
    component = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    rows = []
    for name, prop in component.get("properties", {}).items():
        rows.append((name, _schema_type(prop), str(prop.get("description", ""))))
        items = prop.get("items", {})
        if name == "items" and "$ref" in items:  # a page: document its rows too
            row = spec["components"]["schemas"][items["$ref"].rsplit("/", 1)[-1]]
            rows += [
                (f"items[].{n}", _schema_type(p), str(p.get("description", "")))
                for n, p in row["properties"].items()
            ]
    return rows


def _operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Operation:
    parameters = [
        Parameter(
            p["name"],
            p["in"],
            bool(p.get("required")),
            _schema_type(p.get("schema", {})),
            str(p.get("description", "")),
            str((p.get("schema", {}).get("examples") or [""])[0]),
        )
        for p in op.get("parameters", [])
    ]
    responses = op.get("responses", {})
    ok = responses.get("200", {})
    return Operation(
        anchor=str(op.get("operationId", path)),
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")),
        description=str(op.get("description", "")),
        parameters=parameters,
        media_types=list(ok.get("content", {})),
        errors=[
            (status, str(r.get("description", ""))) for status, r in responses.items() if status != "200"
        ],
        fields=_fields(spec, ok),
    )


def groups(spec: dict[str, Any]) -> list[Group]:
    """The API's operations (paths under /api), grouped by their first tag, in the document's order."""
    by_tag: dict[str, list[Operation]] = {}
    for path, operations in spec.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, op in operations.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(spec, path, method, op))
    return [Group(tag, sorted(ops, key=lambda o: o.path)) for tag, ops in by_tag.items()]


@router.get("/docs")
async def docs(request: Request) -> Response:
    # The routes do not change while the app runs: render once per app.
    html: str | None = getattr(request.app.state, "api_docs_html", None)
    if html is None:
        html = request.app.state.api_docs_html = render(request.app.openapi())
    return rdf_pages.html_response(html)


def render(spec: dict[str, Any]) -> str:
    info = spec["info"]
    template = rdf_pages.templates().get_template("api_docs.html")
    return template.render(
        title=info["title"], version=info["version"], openapi=spec["openapi"], groups=groups(spec)
    )
