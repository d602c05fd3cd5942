"""The explorer: the home page at ``/``, and two pages that draw the REST API's answers for people
who would rather look than read: a world map of the UN Convention's status per State
(``/explorer/map``) and a timeline from the first resolution to entry into force
(``/explorer/timeline``).

The home page is rendered here from the ``explorer-counts`` named query and the build's VoID
description. The map and the timeline are drawn in the browser by our own small scripts
(static/explorer/) from the JSON of the API's named queries, so a page shows exactly what
/api answers; the map's geometry and projection code come from npm (explorer_assets). Each page
sends a Content-Security-Policy that runs only our own scripts and lets the browser talk only to
this server. Every value from the data is escaped: Jinja2 autoescapes, the scripts write text only.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from cybertreaty.service import explorer_assets, explorer_home
from cybertreaty.service.rdf_pages import templates
from cybertreaty.service.sparql_routes import settings_of

TREATY = "uncc"
VOTE_RESOLUTION = "a-res-74-247"
# Budapest Convention parties are an overlay like the groupings, answered by treaty-parties.
GROUPS = (
    ("eu", "European Union"),
    ("au", "African Union"),
    ("asean", "ASEAN"),
    ("caricom", "CARICOM"),
    ("coe", "Council of Europe"),
    ("five-eyes", "Five Eyes"),
)
BUDAPEST = ("cets-185", "Budapest Convention parties")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

router = APIRouter(include_in_schema=False)
router.include_router(explorer_assets.router)


@dataclass(frozen=True)
class PageConfig:
    """What a page's script needs, rendered as data-* attributes (no inline script)."""

    base_iri: str
    treaty: str = TREATY
    resolution: str = VOTE_RESOLUTION


def render(template: str, **context: object) -> HTMLResponse:
    html = templates().get_template(f"explorer/{template}").render(**context)
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


@router.api_route("/", methods=["GET", "HEAD"])
async def home(request: Request) -> HTMLResponse:
    kinds = await explorer_home.counts(request)
    release = await run_in_threadpool(explorer_home.release, request)
    return render(
        "home.html",
        page="home",
        kinds=kinds,
        sources=explorer_home.sources_count(kinds),
        release=release,
        treaty=TREATY,
    )


@router.api_route("/explorer/map", methods=["GET", "HEAD"])
async def world_map(request: Request) -> HTMLResponse:
    return render(
        "map.html",
        page="map",
        config=PageConfig(settings_of(request).base_iri),
        groups=GROUPS,
        budapest=BUDAPEST,
        vendor=explorer_assets.vendor_url,
        missing=explorer_assets.vendor_missing(),
    )


@router.api_route("/explorer/timeline", methods=["GET", "HEAD"])
async def timeline(request: Request) -> HTMLResponse:
    return render("timeline.html", page="timeline", config=PageConfig(settings_of(request).base_iri))
