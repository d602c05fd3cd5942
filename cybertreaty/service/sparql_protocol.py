"""The SPARQL 1.1 Protocol as small pure functions: read an HTTP request into an operation, and
choose the result media type from the Accept header. No I/O here; tested without HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import parse_qsl

import pyoxigraph

from cybertreaty.errors import BadRequest, NotAcceptable, UnsupportedMediaType
from cybertreaty.graph.formats import Family, ResultFormat, formats_for, media_types
from cybertreaty.graph.store import Dataset, Formats

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class Kind(StrEnum):
    QUERY = "query"
    UPDATE = "update"


@dataclass(frozen=True)
class Operation:
    kind: Kind
    text: str
    dataset: Dataset
    # Values of the non-standard `format` / `output` parameters (tokens or media types), in order.
    formats: tuple[str, ...] = ()


Params = Sequence[tuple[str, str]]


def parse_request(
    method: str, content_type: str | None, query_params: Params, body: bytes
) -> Operation | None:
    """The operation an HTTP request asks for; None for a GET without query (service description)."""
    media_type, charset = _media_type(content_type)
    if method in ("GET", "HEAD"):
        if _values(query_params, "update"):
            raise BadRequest("An update must be sent with POST, not GET.")
        if not _values(query_params, "query"):
            return None
        return _operation(Kind.QUERY, query_params)
    if method != "POST":
        raise BadRequest(f"Method {method} is not part of the SPARQL protocol.")
    if media_type == FORM:
        params = list(query_params) + _form_fields(_decode(body, charset))
        has_query, has_update = bool(_values(params, "query")), bool(_values(params, "update"))
        if has_query == has_update:
            raise BadRequest("A form POST must carry exactly one 'query' or one 'update' parameter.")
        return _operation(Kind.QUERY if has_query else Kind.UPDATE, params)
    if media_type in (SPARQL_QUERY, SPARQL_UPDATE):
        kind = Kind.QUERY if media_type == SPARQL_QUERY else Kind.UPDATE
        if _values(query_params, "query") or _values(query_params, "update"):
            raise BadRequest(f"A {media_type} POST carries the operation in its body, not in the URL.")
        return _operation(kind, query_params, text=_decode(body, charset))
    raise UnsupportedMediaType(
        f"POST needs Content-Type {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, not {media_type or 'none'}."
    )


# A form needs a few fields (query, and any graph IRIs); a body of millions of them would take
# seconds to split.
MAX_FORM_FIELDS = 1000


def _form_fields(form: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(form, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise BadRequest(f"The form has more than {MAX_FORM_FIELDS} fields.") from None


def _operation(kind: Kind, params: Params, text: str | None = None) -> Operation:
    if text is None:
        texts = _values(params, kind.value)
        if len(texts) != 1:
            raise BadRequest(f"Exactly one '{kind.value}' parameter is allowed, got {len(texts)}.")
        text = texts[0]
    if kind is Kind.QUERY:
        dataset = Dataset(_iris(params, "default-graph-uri"), _iris(params, "named-graph-uri"))
    else:
        dataset = Dataset(_iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri"))
    # SPARQLWrapper sends format=tsv&format=text/tab-separated-values&output=tsv...: take them all.
    hints = [
        v.strip() for key in ("format", "output") for value in _values(params, key) for v in value.split(",")
    ]
    return Operation(kind, text, dataset, tuple(h for h in hints if h))


def _values(params: Params, name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _iris(params: Params, name: str) -> tuple[str, ...]:
    iris = tuple(_values(params, name))
    for iri in iris:
        check_iri(name, iri)
    return iris


def check_iri(name: str, iri: str) -> None:
    """BadRequest unless ``iri`` is an absolute IRI the engine accepts (control characters, spaces
    and the like reached pyoxigraph before and made a 500)."""
    if ":" not in iri or any(c in iri for c in ' <>"{}|^`\\'):
        raise BadRequest(f"{name} must be an absolute IRI, got {iri!r}.")
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        raise BadRequest(f"{name} must be an absolute IRI, got {iri!r}.") from None


def _media_type(content_type: str | None) -> tuple[str, str]:
    if not content_type:
        return "", "utf-8"
    media_type, *params = (part.strip() for part in content_type.split(";"))
    charset = "utf-8"
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def _decode(body: bytes, charset: str) -> str:
    # The protocol fixes UTF-8 for queries and updates (W3C test bad_query_non_utf8).
    if charset.replace("-", "").replace("_", "") != "utf8":
        raise BadRequest(f"Queries and updates must be sent as UTF-8, not {charset}.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.") from None


@dataclass(frozen=True)
class MediaRange:
    type: str  # e.g. "text", "*"
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(accept: str | None) -> list[MediaRange]:
    """The Accept header's media ranges; an absent or empty header accepts anything."""
    ranges = []
    for item in (accept or "*/*").split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if "/" not in media_type:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        kind, _, sub = media_type.lower().partition("/")
        ranges.append(MediaRange(kind, sub, q))
    return ranges or [MediaRange("*", "*", 1.0)]


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """q of the most specific range matching ``media_type`` (RFC 9110 section 12.5.1)."""
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda r: r.specificity).q


def _named(ranges: Sequence[MediaRange], media_type: str) -> float:
    return max((r.q for r in ranges if r.specificity == 2 and r.matches(media_type)), default=0.0)


def choose(accept: str | None, candidates: Sequence[ResultFormat]) -> tuple[ResultFormat | None, float]:
    """The acceptable candidate with the highest q (ties: the candidates' order), and its q."""
    ranges = parse_accept(accept)
    best: ResultFormat | None = None
    best_q = 0.0
    for candidate in candidates:
        # Aliases (application/json for results...) count only when named: text/* means text/csv,
        # not SPARQL XML results under its alias text/xml.
        q = max([quality(ranges, candidate.media_type), *(_named(ranges, a) for a in candidate.aliases)])
        if q > best_q:
            best, best_q = candidate, q
    return best, best_q


def negotiate(accept: str | None, family: Family, hints: Sequence[str] = ()) -> ResultFormat | None:
    """The format for results of ``family``.

    The first ``format``/``output`` hint that names one of the family's formats (a token such as
    ``csv`` or a media type) wins; hints naming nothing we serve are ignored and Accept decides.
    """
    candidates = formats_for(family)
    for hint in hints:
        wanted = hint.lower()
        chosen = next((f for f in candidates if wanted in f.tokens or f.matches(wanted)), None)
        if chosen is not None:
            return chosen
    return choose(accept, candidates)[0]


# Clients send the same few Accept headers again and again, and negotiating costs ~35 us a query.
# Longer headers are worked out each time, so a hostile client cannot fill the cache with them.
CACHED_ACCEPT = 1024


def result_formats(accept: str | None, hints: Sequence[str] = ()) -> Formats:
    """Formats for both kinds of result; 406 at once if neither kind can be served."""
    if accept is None or len(accept) <= CACHED_ACCEPT:
        return _cached_formats(accept, tuple(hints))
    return _formats(accept, hints)


@lru_cache(maxsize=256)
def _cached_formats(accept: str | None, hints: tuple[str, ...]) -> Formats:
    return _formats(accept, hints)


def _formats(accept: str | None, hints: Sequence[str]) -> Formats:
    formats = Formats(negotiate(accept, Family.TABULAR, hints), negotiate(accept, Family.GRAPH, hints))
    if formats.tabular is None and formats.graph is None:
        raise NotAcceptable(media_types(), "a SPARQL query")
    return formats
