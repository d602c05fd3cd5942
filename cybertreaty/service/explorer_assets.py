"""The explorer's static files: our own scripts and style sheet (package data, /static/explorer/) and
the map's geometry and projection code from npm (node_modules/, /static/vendor/).

The npm packages are pinned by package.json and package-lock.json and installed by the Makefile's
`npm ci`, like the query editor's YASGUI; nothing is loaded from a CDN. Both routes serve only the
names of a fixed allowlist, so no request path is ever joined to a directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse, PlainTextResponse

from cybertreaty.paths import project_root

NODE_MODULES_ENV = "CYBERTREATY_NODE_MODULES"
JS = "text/javascript; charset=utf-8"
OWN_FILES = {
    "common.js": JS,
    "map.js": JS,
    "timeline.js": JS,
    "explorer.css": "text/css; charset=utf-8",
}
# Vendored files change only with their package's version, which their URLs carry (?v=).
VENDOR_CACHE_CONTROL = "public, max-age=86400"


@dataclass(frozen=True)
class VendorFile:
    package: str
    path: str  # inside the package
    media_type: str


VENDOR_FILES = {
    # Natural Earth 1:50m countries as TopoJSON, keyed by ISO 3166-1 numeric code (ISC; data public domain).
    "countries-50m.json": VendorFile("world-atlas", "countries-50m.json", "application/json"),
    "topojson-client.min.js": VendorFile("topojson-client", "dist/topojson-client.min.js", JS),
    # d3-geo's bundle expects d3-array's on the page before it (both ISC).
    "d3-array.min.js": VendorFile("d3-array", "dist/d3-array.min.js", JS),
    "d3-geo.min.js": VendorFile("d3-geo", "dist/d3-geo.min.js", JS),
}

router = APIRouter(include_in_schema=False)


def node_modules() -> Path:
    """node_modules/ of the checkout, or CYBERTREATY_NODE_MODULES."""
    override = os.environ.get(NODE_MODULES_ENV)
    return Path(override) if override else project_root() / "node_modules"


@cache
def _package_version(package: str, folder: Path) -> str | None:
    try:
        manifest = json.loads((folder / package / "package.json").read_text(encoding="utf-8"))
        return str(manifest["version"])
    except (OSError, ValueError, KeyError):
        return None


def vendor_url(name: str) -> str:
    """The URL of a vendored file, with its package's version so caches never serve a stale one."""
    vendor = VENDOR_FILES[name]
    version = _package_version(vendor.package, node_modules()) or "missing"
    return f"/static/vendor/{name}?v={version}"


def vendor_missing() -> list[str]:
    """The npm packages the explorer needs that are not installed (empty when all are)."""
    folder = node_modules()
    return sorted({v.package for v in VENDOR_FILES.values() if not (folder / v.package / v.path).is_file()})


@router.get("/static/vendor/{name}")
def vendor_asset(name: str) -> Response:
    vendor = VENDOR_FILES.get(name)
    if vendor is None:
        return PlainTextResponse(f"No such file: {name}\n", status_code=404)
    path = node_modules() / vendor.package / vendor.path
    if not path.is_file():
        message = f"The explorer's map files are not installed ({path} is missing): run `make install`.\n"
        return PlainTextResponse(message, status_code=404)
    return FileResponse(path, media_type=vendor.media_type, headers={"Cache-Control": VENDOR_CACHE_CONTROL})


@router.get("/static/explorer/{name}")
def explorer_asset(name: str) -> Response:
    media_type = OWN_FILES.get(name)
    if media_type is None:
        return PlainTextResponse(f"No such file: {name}\n", status_code=404)
    text = files("cybertreaty.service").joinpath("static", "explorer", name).read_text(encoding="utf-8")
    return Response(text, media_type=media_type, headers={"Cache-Control": "no-cache"})
