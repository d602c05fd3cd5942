"""The query editor: `/sparql` in a browser opens YASGUI, served entirely from our own origin.

YASGUI (`@zazuko/yasgui`, pinned in package.json) is installed from npm into node_modules/ by the
Makefile and served by `router` under /static/yasgui/; our own page script and style sheet are
package data under /static/editor/. Nothing is loaded from a CDN, and the page's
Content-Security-Policy makes the browser refuse any script, style or request to another origin.

`render_editor(request)` is what the SPARQL route answers to a browser (Accept: text/html).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse

from cybertreaty.graph.vocab import PREFIXES
from cybertreaty.paths import project_root
from cybertreaty.service.examples import ExampleQuery, packaged_examples
from cybertreaty.service.rdf_pages import templates

log = logging.getLogger(__name__)

YASGUI_PACKAGE = "@zazuko/yasgui"
YASGUI_DIR_ENV = "CYBERTREATY_YASGUI_DIR"

# Only these files are served: a fixed allowlist needs no path handling that could be traversed.
YASGUI_FILES = {
    "yasgui.min.js": "text/javascript",
    "yasgui.min.css": "text/css",
    "yasgui.min.js.map": "application/json",
}
EDITOR_FILES = {"editor.js": "text/javascript", "editor.css": "text/css"}

# The page runs only our own scripts and talks only to our own origin (YASGUI inlines styles and
# draws its icons as data: images, hence those two allowances).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The assets' URLs carry YASGUI's version, so a browser may keep them for a day without going stale.
ASSET_CACHE_CONTROL = "public, max-age=86400"

router = APIRouter(include_in_schema=False)


def yasgui_dir() -> Path:
    """Where YASGUI's built files are: node_modules/ of the checkout, or CYBERTREATY_YASGUI_DIR."""
    override = os.environ.get(YASGUI_DIR_ENV)
    if override:
        return Path(override)
    return project_root() / "node_modules" / YASGUI_PACKAGE / "build"


def yasgui_version() -> str | None:
    """The installed YASGUI version (from its package.json), or None when it is not installed."""
    manifest = yasgui_dir().parent / "package.json"
    try:
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return str(version)


@router.get("/static/yasgui/{name}")
def yasgui_asset(name: str) -> Response:
    media_type = YASGUI_FILES.get(name)
    path = yasgui_dir() / name
    if media_type is None:
        return PlainTextResponse(f"No such file: {name}\n", status_code=404)
    if not path.is_file():
        message = f"The query editor's files are not installed ({path} is missing): run `make install`.\n"
        return PlainTextResponse(message, status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": ASSET_CACHE_CONTROL})


@router.get("/static/editor/{name}")
def editor_asset(name: str) -> Response:
    media_type = EDITOR_FILES.get(name)
    if media_type is None:
        return PlainTextResponse(f"No such file: {name}\n", status_code=404)
    text = files("cybertreaty.service").joinpath("static", "editor", name).read_text(encoding="utf-8")
    return Response(text, media_type=media_type, headers={"Cache-Control": "no-cache"})


@dataclass(frozen=True)
class EditorPage:
    """What the page template needs; `config` goes to the page script as JSON."""

    endpoint: str
    examples: tuple[ExampleQuery, ...]
    yasgui_version: str | None

    def config(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "starterQuery": starter_query(),
            "prefixes": PREFIXES,
            "examples": {e.name: _example_json(e) for e in self.examples},
        }


def _example_json(example: ExampleQuery) -> dict[str, Any]:
    return {"title": example.summary, "query": example.sparql, "federated": example.federated}


def starter_query() -> str:
    """The query a new tab opens with: the project's prefixes and a first look at the graph."""
    lines = [f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()]
    lines += ["", "SELECT ?class (COUNT(?s) AS ?instances)", "WHERE { ?s a ?class }", "GROUP BY ?class"]
    lines += ["ORDER BY DESC(?instances)", "LIMIT 25", ""]
    return "\n".join(lines)


def endpoint_url(request: Request) -> str:
    """The endpoint the editor queries: the URL this page was requested at, without its query."""
    return str(request.url.replace(query="", fragment=""))


def render_editor(request: Request) -> Response:
    """The editor page for a browser that asked /sparql for text/html."""
    page = EditorPage(endpoint_url(request), packaged_examples(), yasgui_version())
    if page.yasgui_version is None:
        log.warning("YASGUI is missing under %s: the editor cannot load; run `make install`", yasgui_dir())
    html = templates().get_template("editor.html").render(page=page, config=page.config())
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Vary": "Accept"}
    return HTMLResponse(html, headers=headers)
