"""The build's dumps at stable URLs, and its VoID description.

``GET /dump/{filename}`` serves the files the build's ``void.ttl`` lists as ``void:dataDump``
(``<base>dump/cybertreaty.nq`` is ``/dump/cybertreaty.nq`` here) and ``void.ttl`` itself, from the
build folder beside the served store, with their media type, Content-Length and a strong ETag
(a hash of the content, so two identical builds give the same ETag; If-None-Match gets a 304).
Only those names are served: a name is looked up, never joined to a path, so ``..`` or an
encoded slash can reach nothing else. ``GET /void`` (and ``/dataset``, the dataset's own IRI)
serve the VoID description by content negotiation.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from cybertreaty.errors import UnknownResource
from cybertreaty.graph.build import VOID_FILE
from cybertreaty.graph.vocab import VOID
from cybertreaty.service import http_cache, rdf_pages
from cybertreaty.service.sparql_routes import settings_of, store_of

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".gz": "application/gzip",  # the file is a gzip archive; its member is N-Quads
}
VOID_FORMATS = tuple(f for f in rdf_pages.RDF_FORMATS if f.key in ("turtle", "jsonld", "ntriples", "rdfxml"))


def build_dir(request: Request) -> Path:
    """The folder the served store was built into (its parent); it holds the dumps and void.ttl."""
    base: Path | None = getattr(store_of(request), "base_path", None)
    return (base if base is not None else settings_of(request).store).parent


def listed_dumps(void_file: Path, base_iri: str) -> frozenset[str]:
    """The file names void.ttl lists as dumps under <base>dump/, plus void.ttl itself."""
    if not void_file.is_file():
        return frozenset()
    prefix = base_iri + "dump/"
    names = {VOID_FILE}
    for triple in ox.parse(path=str(void_file), format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == str(VOID.dataDump) and isinstance(triple.object, ox.NamedNode):
            url = triple.object.value
            if url.startswith(prefix) and "/" not in url[len(prefix) :]:
                names.add(url[len(prefix) :])
    return frozenset(names)


@cache
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def etag(path: Path) -> str:
    stat = path.stat()
    return f'"sha256-{_digest(path, stat.st_mtime_ns, stat.st_size)[:32]}"'


@router.api_route("/dump/{filename}", methods=["GET", "HEAD"])
async def dump(request: Request, filename: str) -> Response:
    folder = build_dir(request)
    if filename not in listed_dumps(folder / VOID_FILE, settings_of(request).base_iri):
        raise UnknownResource(f"No dump is called {filename!r}; the dataset's dumps are listed at /void.")
    path = folder / filename
    if not path.is_file():
        raise UnknownResource(f"The dump {filename!r} is listed but missing from the build.")
    tag = await run_in_threadpool(etag, path)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if http_cache.not_modified(request, tag, exists=True):
        return Response(status_code=304, headers=headers)
    media_type = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(
        path, media_type=media_type, headers=headers, filename=filename, content_disposition_type="inline"
    )


@router.api_route("/void", methods=["GET", "HEAD"])
@router.api_route("/dataset", methods=["GET", "HEAD"])
async def void(request: Request) -> Response:
    fmt = rdf_pages.choose_format(request, VOID_FORMATS, "the VoID description")
    path = build_dir(request) / VOID_FILE
    if not path.is_file():
        raise UnknownResource("This server's build has no VoID description (void.ttl).")
    data = path.read_bytes()
    if fmt.key == "turtle":
        return rdf_pages.rdf_response(data, fmt)
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    return rdf_pages.rdf_response(rdf_pages.serialize(triples, fmt), fmt)
