"""The API's answers that combine named queries: a State's profile and a treaty's status on a date,
plus search (the reconciliation index) and the list of named queries.

Each part of a combined answer is a registry query (and its own route), so the combination adds
only arithmetic: sorting a State's actions into sections, counting signatories and instruments.
Counting is honest about doubt: a claim that a source contradicts is never counted, and one that
only an unverified source makes is reported as uncertain, not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from cybertreaty.service.api_entities import Resolved, reconcile_index, resolve
from cybertreaty.service.api_params import IsoDate
from cybertreaty.service.api_results import (
    DOCUMENT_FORMATS,
    context_for,
    formats_response,
    negotiate,
    problem_responses,
    render,
    select_rows,
    single,
)
from cybertreaty.service.models import (
    Candidate,
    EntryIntoForce,
    QueryInfo,
    QueryParamInfo,
    SearchResults,
    SignatoryCount,
    state_profile_model,
    treaty_status_model,
)
from cybertreaty.service.registry import NamedQuery, Registry, RegistryError
from cybertreaty.service.sparql_routes import settings_of

SECTIONS = {
    "Signature": "signatures",
    "NonSignatureReport": "non_signature_reports",
    "ConsentToBeBound": "consents",
    "Ratification": "consents",
    "Acceptance": "consents",
    "Approval": "consents",
    "Accession": "consents",
    "DomesticApproval": "domestic_steps",
    "Sponsorship": "sponsorships",
    "Cosponsorship": "sponsorships",
    "PositionStatement": "positions",
}
STATE = Annotated[
    str, Path(description="The State, by its ISO 3166-1 alpha-3 code (e.g. VNM).", examples=["VNM"])
]
TREATY = Annotated[str, Path(description="The treaty, by its id (uncc, cets-185...).", examples=["uncc"])]
AS_OF = Annotated[
    IsoDate | None,
    Query(
        description="The date of the status (YYYY-MM-DD); omitted: everything recorded.",
        examples=["2025-10-29"],
    ),
]


# The named queries the combined answers are made of.
NEEDED = (
    *("state", "state-memberships", "state-actions", "state-votes"),
    *("treaty", "signature-status", "treaty-parties", "treaty-reported-counts"),
)


def add_routes(router: APIRouter, registry: Registry, rows: Mapping[str, type[BaseModel]]) -> None:
    for name in NEEDED:
        if name not in rows:
            raise RegistryError(
                name, "this named query is missing: the State profile and treaty status need it"
            )
    profile = state_profile_model(rows)
    status = treaty_status_model(rows)
    errors = problem_responses(404, 406, 422, 503)

    @router.get(
        "/states/{state}",
        response_model=profile,
        summary="A State's profile: names, codes, memberships, signature, ratification, votes, positions",
        description="Everything the graph says about the State, each fact with its sources and doubt flags. "
        "Each part is also its own route (see `links`). JSON or JSON-LD.",
        tags=["states"],
        operation_id="state-profile",
        responses={**formats_response(csv=False), **errors},
    )
    async def state_profile(request: Request, state: STATE) -> Response:
        document = await _profile(request, registry, state)
        return _send(request, profile, document)

    @router.get(
        "/treaties/{treaty}/status",
        response_model=status,
        summary="A treaty's status on a date: signatories, parties, counts, progress toward entry into force",
        description="Who had signed and who was a party by `as_of`, how many signatories the sources report "
        "against how many the graph names, and how many instruments count toward entry into force (for the "
        "UN Convention: 40, where an instrument of the EU does not count in addition to its member States', "
        "article 65(1)). Unverified claims are listed as uncertain and never counted. JSON or JSON-LD.",
        tags=["treaties"],
        operation_id="treaty-status",
        responses={**formats_response(csv=False), **errors},
    )
    async def treaty_status(request: Request, treaty: TREATY, as_of: AS_OF = None) -> Response:
        document = await _status(request, registry, treaty, as_of)
        return _send(request, status, document)

    _add_search(router)
    _add_queries(router, registry)


def _send(request: Request, model: type[BaseModel], document: dict[str, Any]) -> Response:
    fmt = negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)
    body = model.model_validate(document).model_dump(mode="json")
    return render(body, fmt, context=context_for(request, model))


async def _rows(request: Request, query: NamedQuery, resolved: Resolved) -> list[dict[str, Any]]:
    bindings = {k: v for k, v in resolved.bindings.items() if k in {p.name for p in query.params}}
    rows, _ = await select_rows(request, query, Resolved(bindings, {}))
    return rows


async def _profile(request: Request, registry: Registry, state: str) -> dict[str, Any]:
    negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)  # 406 before any work
    resolved = await resolve(request, registry["state"], {"state": state})
    code = resolved.applied["state"]
    document: dict[str, Any] = {"names": single(await _rows(request, registry["state"], resolved))}
    document["memberships"] = await _rows(request, registry["state-memberships"], resolved)
    document["votes"] = await _rows(request, registry["state-votes"], resolved)
    for action in await _rows(request, registry["state-actions"], resolved):
        section = SECTIONS.get(action["action_type"], "other_actions")
        document.setdefault(section, []).append(action)
    api = f"/api/states/{code}"
    document["links"] = {
        "self": api,
        "linked_data": f"/id/state/{code}",
        **{part: f"{api}/{part}" for part in ("names", "memberships", "actions", "votes")},
    }
    return document


async def _status(request: Request, registry: Registry, treaty: str, as_of: dt.date | None) -> dict[str, Any]:
    negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)
    resolved = await resolve(request, registry["signature-status"], {"treaty": treaty, "as_of": as_of})
    facts = single(await _rows(request, registry["treaty"], resolved))
    signatures = await _rows(request, registry["signature-status"], resolved)
    parties = await _rows(request, registry["treaty-parties"], resolved)
    counts = await _rows(request, registry["treaty-reported-counts"], resolved)
    listed = [row for row in signatures if row["signature_status"] != "not-signed"]
    code = resolved.applied["treaty"]
    return {
        "treaty": facts["treaty"],
        "as_of": resolved.applied["as_of"],
        "facts": facts,
        "signatories": signatory_count(listed, counts),
        "entry_into_force": entry_into_force(facts, parties),
        "signatory_list": listed,
        "parties": parties,
        "reported_counts": counts,
        "links": {
            "self": f"/api/treaties/{code}/status",
            "linked_data": f"/id/treaty/{code}",
            **{
                part: f"/api/treaties/{code}/{part}"
                for part in ("signature-status", "parties", "reported-counts")
            },
        },
    }


def signatory_count(
    listed: Sequence[Mapping[str, Any]], counts: Sequence[Mapping[str, Any]]
) -> SignatoryCount:
    """How many signed: named in the graph (certain, uncertain) and the latest undoubted report."""
    named = sum(1 for row in listed if row["signature_status"] == "signed")
    uncertain = len(listed) - named
    reports = [c for c in counts if c["count_of"] == "signatories" and not c["doubts"]]
    dated = [c for c in reports if c["reported_as_of"]]
    chosen = dated or reports
    best = max(chosen, key=lambda c: (c["reported_as_of"] or "", c["value"]), default=None)
    same = [
        c
        for c in chosen
        if best is not None and (c["reported_as_of"], c["value"]) == (best["reported_as_of"], best["value"])
    ]
    reported = best["value"] if best else None
    summary = f"{named} named in the graph" + (f", {uncertain} uncertain" if uncertain else "")
    if reported is not None:
        summary = f"{reported} signatories reported, " + summary
    return SignatoryCount(
        named=named,
        uncertain=uncertain,
        reported=reported,
        reported_as_of=best["reported_as_of"] if best else None,
        reported_by=sorted({s for c in same for s in c["sources"]}),
        summary=summary,
    )


def entry_into_force(facts: Mapping[str, Any], parties: Sequence[Mapping[str, Any]]) -> EntryIntoForce:
    """Instruments that count toward entry into force: States' undoubted consents, plus a REIO's only
    when the treaty says its instrument counts separately."""
    separately = facts["reio_counts_separately"]
    certain = [p for p in parties if p["party_status"] == "party"]
    reio = [p["actor_id"] for p in certain if p["actor_kind"] == "reio" and separately is not True]
    counted = sum(1 for p in certain if p["actor_kind"] == "state" or separately is True)
    uncertain = [p["actor_id"] for p in parties if p["party_status"] == "uncertain"]
    threshold = facts["entry_into_force_threshold"]
    remaining = max(0, threshold - counted) if threshold is not None else None
    if threshold is None:
        summary = f"{counted} instruments"
    elif counted < threshold:
        summary = f"{counted} of {threshold} instruments"
    else:
        summary = f"{counted} instruments (the threshold of {threshold} is reached)"
    if uncertain:
        summary += (
            f"; {len(uncertain)} claimed but unverified or undated, not counted ({', '.join(uncertain)})"
        )
    if reio:
        summary += f"; not counted in addition to member States': {', '.join(reio)}"
    if facts["entered_into_force_on"]:
        summary += f"; entered into force on {facts['entered_into_force_on']}"
    return EntryIntoForce(
        threshold=threshold,
        counted=counted,
        uncertain=uncertain,
        not_counted_reio=reio,
        remaining=remaining,
        reio_counts_separately=separately,
        entered_into_force_on=facts["entered_into_force_on"],
        summary=summary,
    )


def _add_search(router: APIRouter) -> None:
    @router.get(
        "/search",
        response_model=SearchResults,
        summary="Find States and organisations by any name, ISO code or Wikidata QID",
        description='Names in any common spelling ("Viet Nam", "Vietnam", "Türkiye", "Turkey", official '
        "names), ISO 3166-1 alpha-2, alpha-3 or numeric codes, organisation ids (eu) and Wikidata items "
        "(Q881).",
        tags=["search"],
        operation_id="search",
        responses={**formats_response(csv=False), **problem_responses(406, 422)},
    )
    async def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, description="What to look for.", examples=["Viet Nam"])],
        type: Annotated[
            Literal["State", "Organisation"] | None, Query(description="Only States or only organisations.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=50, description="Most candidates returned.")] = 5,
    ) -> Response:
        negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)
        index = await run_in_threadpool(reconcile_index, request)
        base = settings_of(request).base_iri
        items = [_candidate(c, base) for c in index.reconcile(q, type=type, limit=limit)]
        return _send(request, SearchResults, {"query": q, "items": items})


def _candidate(candidate: Any, base: str) -> Candidate:
    path = "/" + candidate.iri.removeprefix(base) if candidate.iri.startswith(base) else candidate.iri
    api = f"/api/states/{candidate.id}" if candidate.type == "State" else None
    return Candidate(
        id=candidate.id,
        iri=candidate.iri,
        name=candidate.name,
        type=candidate.type,
        score=candidate.score,
        match=candidate.match,
        matched=candidate.via,
        api=api,
        page=path,
    )


def _add_queries(router: APIRouter, registry: Registry) -> None:
    infos = [
        QueryInfo(
            name=q.name,
            summary=q.summary,
            description=q.description,
            route=q.path,
            example=q.example_request(),
            tags=list(q.tags),
            params=[
                QueryParamInfo(
                    name=p.name,
                    type=p.type.name,
                    required=p.required,
                    default=p.default,
                    description=p.description,
                )
                for p in q.params
            ],
            columns={c.name: c.description for c in q.columns},
            sparql=q.sparql,
        )
        for q in registry.queries
    ]

    @router.get(
        "/queries",
        response_model=list[QueryInfo],
        summary="The named queries behind this API, with their parameters, columns and SPARQL",
        tags=["queries"],
        operation_id="queries",
    )
    async def queries() -> list[QueryInfo]:
        return infos
