"""HTTP validators (RFC 9110 section 8.8 and 13.1.2): entity tags, and If-None-Match answered
with 304 Not Modified, so clients and caches revalidate instead of fetching again."""

from __future__ import annotations

import hashlib

from starlette.requests import Request


def entity_tag(*parts: str) -> str:
    """A weak ETag naming an answer made from ``parts`` (the data's version and what was asked).

    Weak: two answers with this tag are the same answer, not always the same bytes (CONSTRUCT
    writes fresh blank node labels on every evaluation, and gzip may or may not be applied).
    """
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def if_none_match(request: Request) -> set[str]:
    """The entity tags of the If-None-Match header, without their weak marks (the comparison for
    If-None-Match is the weak one)."""
    header = request.headers.get("if-none-match", "")
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def not_modified(request: Request, tag: str, *, exists: bool) -> bool:
    """Whether a GET or HEAD for the answer tagged ``tag`` gets a 304: the client holds it.

    ``If-None-Match: *`` asks whether any answer exists, which only ``exists`` can say: a query's
    answer exists once it has run without error.
    """
    held = if_none_match(request)
    matched = tag.removeprefix("W/") in held or (exists and "*" in held)
    return matched and request.method in ("GET", "HEAD")
