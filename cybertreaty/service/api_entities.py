"""Request values to RDF terms, with the entity checks and suggestions of the REST API.

A parameter that names an entity (a State, a treaty...) becomes its IRI under the configured base
only if the graph has that entity. If not, the client gets a 404 (the entity is the route's path)
or a 422 (it is a query parameter), both with the closest entities as suggestions: States and
organisations from the reconciliation index (any spelling, ISO code, QID), treaties, resolutions
and sources by a fuzzy match of their ids, labels, short titles and symbols.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from cybertreaty.graph.store import Store
from cybertreaty.graph.wikidata.reconcile import Index, fold
from cybertreaty.graph.wikidata.source import as_source
from cybertreaty.service import api_cache
from cybertreaty.service.api_errors import EntityNotFound, ParameterError
from cybertreaty.service.api_params import Kind, ParamType
from cybertreaty.service.registry import NamedQuery, Param
from cybertreaty.service.sparql_routes import settings_of, store_of

NOUNS = {
    "iso3": "State with the ISO 3166-1 alpha-3 code",
    "group": "grouping with members with the id",
    "treaty": "treaty with the id",
    "resolution": "resolution with the id",
    "source": "source document with the id",
}
MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Resolved:
    """A query's parameters as bound terms, and as applied (canonical text, defaults filled in)."""

    bindings: dict[str, Identifier]
    applied: dict[str, str | None]


async def resolve(request: Request, query: NamedQuery, values: Mapping[str, Any]) -> Resolved:
    bindings: dict[str, Identifier] = {}
    applied: dict[str, str | None] = {}
    for param in query.params:
        raw = values.get(param.name)
        value = param.default if raw is None else raw
        if value is None:
            applied[param.name] = None
            continue
        bindings[param.name], applied[param.name] = await _term(request, param, value)
    return Resolved(bindings, applied)


async def _term(request: Request, param: Param, value: str | dt.date) -> tuple[Identifier, str]:
    base = settings_of(request).base_iri
    ptype = param.type
    if ptype.kind is not Kind.ENTITY:
        try:
            term = ptype.to_term(value, base)
        except ValueError as error:  # FastAPI checks these first; kept for the registry's own callers
            raise ParameterError(param.name, _where(param), str(error)) from None
        return term, value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value).strip()
    canonical = ptype.normalise(text)
    if canonical is not None:
        iri = ptype.entity_iri(base, canonical)
        rows = (await api_cache.select(request, ptype.exists, {"entity": iri})).rows
        if rows:
            return iri, canonical
    suggestions = await suggest(request, ptype, text)
    message = f"There is no {NOUNS[ptype.name]} '{text}'."
    if suggestions:
        message += " Did you mean " + " or ".join(f"{s['id']} ({s['name']})" for s in suggestions[:3]) + "?"
    if param.in_path:
        raise EntityNotFound(message, suggestions)
    raise ParameterError(param.name, "query", message, suggestions)


def _where(param: Param) -> str:
    return "path" if param.in_path else "query"


async def suggest(request: Request, ptype: ParamType, text: str) -> list[dict[str, Any]]:
    """The entities closest to ``text``, best first (at most MAX_SUGGESTIONS)."""
    if ptype.reconcile_type is not None:
        index = await run_in_threadpool(reconcile_index, request)
        found = index.reconcile(text, type=ptype.reconcile_type, limit=MAX_SUGGESTIONS * 2)
        base = settings_of(request).base_iri + f"id/{ptype.segment}/"
        return [
            {"id": c.id, "name": c.name, "iri": c.iri, "score": c.score}
            for c in found
            if c.iri.startswith(base)
        ][:MAX_SUGGESTIONS]
    names = await run_in_threadpool(_candidates, request, ptype)
    return _fuzzy(text, names)


def _fuzzy(text: str, names: Mapping[str, tuple[str, set[str]]]) -> list[dict[str, Any]]:
    """Entities whose id or any name resembles ``text``: containment counts as a strong match."""
    wanted = fold(text)
    scored: list[tuple[int, str, str]] = []  # (score, iri, label)
    for iri, (label, keys) in names.items():
        best = max(_similarity(wanted, fold(key)) for key in keys)
        if best >= 60:
            scored.append((best, iri, label))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [
        {"id": iri.rsplit("/", 1)[-1], "name": label, "iri": iri, "score": score}
        for score, iri, label in scored[:MAX_SUGGESTIONS]
    ]


def _similarity(wanted: str, key: str) -> int:
    """0-100: 100 for the same text, 90 when one contains the other, else difflib's ratio."""
    if wanted == key:
        return 100
    if wanted and key and (wanted in key or key in wanted):
        return 90
    return round(difflib.SequenceMatcher(None, wanted, key).ratio() * 100)


def _cached(request: Request, key: str, build: Any) -> Any:
    """A value derived from the graph, rebuilt when the statistics cache was refreshed (after a write)."""
    stats = request.app.state.statistics.get()
    cache: dict[str, tuple[object, Any]] | None = getattr(request.app.state, "api_cache", None)
    if cache is None:
        cache = request.app.state.api_cache = {}
    if key not in cache or cache[key][0] is not stats:
        cache[key] = (stats, build())
    return cache[key][1]


def reconcile_index(request: Request) -> Index:
    store: Store = store_of(request)
    index: Index = _cached(request, "reconcile", lambda: Index.load(as_source(store)))
    return index


def _candidates(request: Request, ptype: ParamType) -> dict[str, tuple[str, set[str]]]:
    store: Store = store_of(request)

    def build() -> dict[str, tuple[str, set[str]]]:
        names: dict[str, tuple[str, set[str]]] = {}
        for row in store.select(ptype.candidates).rows:
            iri = str(row["entity"])
            _, keys = names.setdefault(iri, (str(row["label"]), {iri.rsplit("/", 1)[-1]}))
            keys.add(str(row["name"]))
        return names

    result: dict[str, tuple[str, set[str]]] = _cached(request, "candidates:" + ptype.name, build)
    return result
