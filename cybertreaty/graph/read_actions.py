"""Readers for the action files: each row is one ct:Action with one actor, one instrument, a date
(or an explicit 'date unknown') and its sources.

Action IRIs are deterministic. A row without a date joins the dated node of the same action when
exactly one exists, so a source that names a signatory without a date supports the same node as
the treaty record that dates it; 'date unknown' is stated only where no source gives a date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from cybertreaty.graph.claims import (
    RDF_TYPE,
    RDFS_LABEL,
    Claims,
    Entity,
    Registry,
    Triple,
    claim_notes,
    english,
    iri,
    typed,
    when_triples,
)
from cybertreaty.graph.csvrows import Row, When, read_rows
from cybertreaty.graph.vocab import CT

TREATIES = ("treaty", "protocol")
DRAFTS = ("draft-resolution", "draft-amendment", "resolution")


@dataclass
class PendingAction:
    """An action row parsed but not yet emitted: its node is fixed once all rows are read."""

    row: Row
    kind: str  # the IRI prefix, e.g. 'signature'
    cls: NamedNode
    actor: Entity
    instrument: Entity
    when: When
    qualifier: str  # what else distinguishes this action (stance, as-of date)
    extra: list[Triple] = field(default_factory=list)  # triples with the placeholder subject


PLACEHOLDER = NamedNode("urn:cybertreaty:placeholder")


def _common(
    registry: Registry, row: Row, kind: str, cls: object, instrument_kinds: Sequence[str]
) -> PendingAction:
    return PendingAction(
        row=row,
        kind=kind,
        cls=iri(cls),
        actor=registry.actor(row, "actor"),
        instrument=registry.instrument(row, "instrument", instrument_kinds),
        when=row.when("date"),
        qualifier="",
    )


def _place(registry: Registry, row: Row) -> list[Triple]:
    if not row.get("place"):
        return []
    return [(PLACEHOLDER, iri(CT.place), registry.lookup(row, "place", registry.places, "places.csv").node)]


def _flag(row: Row, column: str, predicate: object) -> list[Triple]:
    return [(PLACEHOLDER, iri(predicate), typed("true", "boolean"))] if row.boolean(column) else []


def signature(registry: Registry, row: Row) -> PendingAction:
    action = _common(registry, row, "signature", CT.Signature, TREATIES)
    action.extra += _place(registry, row)
    action.extra += _flag(row, "place_inferred", CT.placeInferred)
    action.extra += _flag(row, "first", CT.firstToSign)
    action.extra += _flag(row, "reservations", CT.withReservations)
    return action


CONSENT_CLASSES = {
    "ratification": CT.Ratification,
    "acceptance": CT.Acceptance,
    "approval": CT.Approval,
    "accession": CT.Accession,
    "consent": CT.ConsentToBeBound,
}


def consent(registry: Registry, row: Row) -> PendingAction:
    kind = row.choice("type", tuple(CONSENT_CLASSES))
    action = _common(registry, row, kind, CONSENT_CLASSES[kind], TREATIES)
    in_force = row.date("entry_into_force", optional=True)
    if in_force:
        action.extra.append(
            (PLACEHOLDER, iri(CT.entryIntoForceForActor), typed(in_force.isoformat(), "date"))
        )
    action.extra += _flag(row, "reservations", CT.withReservations)
    return action


def domestic_step(registry: Registry, row: Row) -> PendingAction:
    action = _common(registry, row, "domestic-approval", CT.DomesticApproval, TREATIES)
    description = row.required("description")
    action.extra.append(
        (PLACEHOLDER, NamedNode("http://purl.org/dc/terms/description"), english(description))
    )
    return action


def non_signature(registry: Registry, row: Row) -> PendingAction:
    as_of = row.date("as_of")
    assert as_of is not None
    return PendingAction(
        row=row,
        kind="not-signed",
        cls=iri(CT.NonSignatureReport),
        actor=registry.actor(row, "actor"),
        instrument=registry.instrument(row, "instrument", TREATIES),
        when=When("day", as_of.isoformat()),
        qualifier=as_of.isoformat(),
    )


SPONSOR_CLASSES = {"sponsor": CT.Sponsorship, "co-sponsor": CT.Cosponsorship}


def sponsorship(registry: Registry, row: Row) -> PendingAction:
    kind = row.choice("type", tuple(SPONSOR_CLASSES))
    return _common(registry, row, kind, SPONSOR_CLASSES[kind], DRAFTS)


ENGAGEMENT_CLASSES = {
    "negotiation-initiative": CT.NegotiationInitiative,
    "ceremony-hosting": CT.CeremonyHosting,
    "negotiation-abstention": CT.NegotiationAbstention,
    "negotiation-participation": CT.NegotiationParticipation,
    "signature-intent": CT.SignatureIntent,
    "accession-invitation": CT.AccessionInvitation,
}


def engagement(registry: Registry, row: Row) -> PendingAction:
    kind = row.choice("type", tuple(ENGAGEMENT_CLASSES))
    action = _common(registry, row, kind, ENGAGEMENT_CLASSES[kind], ())
    action.extra += _place(registry, row)
    if kind == "accession-invitation":
        invitee = registry.state(row, "invitee")
        action.extra.append((PLACEHOLDER, iri(CT.invitee), invitee.node))
        action.qualifier = row.get("invitee")
    elif row.get("invitee"):
        raise row.error("invitee", "is only for accession-invitation rows")
    return action


STANCES = {
    "supports": CT.SupportsInstrument,
    "opposes": CT.OpposesInstrument,
    "human-rights-safeguards": CT.HumanRightsConcerns,
    "under-review": CT.UnderReview,
    "cooperation-from-within": CT.ImplementFromWithin,
}


def position(registry: Registry, row: Row) -> PendingAction:
    action = _common(registry, row, "position", CT.PositionStatement, ())
    stance = row.choice("stance", tuple(STANCES))
    action.qualifier = stance
    action.extra.append((PLACEHOLDER, iri(CT.stance), iri(STANCES[stance])))
    if row.get("on_behalf_of"):
        action.extra.append((PLACEHOLDER, iri(CT.onBehalfOf), registry.actor(row, "on_behalf_of").node))
    return action


@dataclass(frozen=True)
class ActionFile:
    name: str
    columns: tuple[str, ...]
    parse: Callable[[Registry, Row], PendingAction]


_ANNOTATED = ("sources", "quote", "doubt", "note")
ACTION_FILES = (
    ActionFile(
        "signatures.csv",
        ("actor", "instrument", "date", "place", "place_inferred", "first", "reservations", *_ANNOTATED),
        signature,
    ),
    ActionFile(
        "consents.csv",
        ("type", "actor", "instrument", "date", "entry_into_force", "reservations", *_ANNOTATED),
        consent,
    ),
    ActionFile(
        "domestic_steps.csv", ("actor", "instrument", "date", "description", *_ANNOTATED), domestic_step
    ),
    ActionFile("non_signatures.csv", ("actor", "instrument", "as_of", *_ANNOTATED), non_signature),
    ActionFile("sponsorships.csv", ("type", "actor", "instrument", "date", *_ANNOTATED), sponsorship),
    ActionFile(
        "engagements.csv",
        ("type", "actor", "instrument", "date", "place", "invitee", *_ANNOTATED),
        engagement,
    ),
    ActionFile(
        "positions.csv",
        ("actor", "instrument", "stance", "date", "on_behalf_of", *_ANNOTATED),
        position,
    ),
)


def read_actions(data_dir: Path, registry: Registry, claims: Claims) -> None:
    pending = [
        spec.parse(registry, row)
        for spec in ACTION_FILES
        for row in read_rows(data_dir / spec.name, spec.columns)
    ]
    for action, node, state_unknown in _resolve(registry, pending):
        _emit(registry, claims, action, node, state_unknown)


def _key(action: PendingAction) -> tuple[str, str, str, str]:
    return (action.kind, action.actor.node.value, action.instrument.node.value, action.qualifier)


def _resolve(registry: Registry, pending: list[PendingAction]) -> list[tuple[PendingAction, NamedNode, bool]]:
    """Fix each row's node; undated rows join the one dated node of the same action, if any."""
    dated: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for action in pending:
        if action.when.value:
            dated[_key(action)].add(action.when.value)
    resolved = []
    for action in pending:
        dates = dated.get(_key(action), set())
        date_part = action.when.value or (next(iter(dates)) if len(dates) == 1 else "date-unknown")
        if action.qualifier and action.qualifier == date_part:
            date_part = ""  # the as-of date already names the node
        actor_id = action.row.get("actor")
        instrument_id = action.row.get("instrument")
        qualifier = "-".join(part for part in (action.qualifier, date_part) if part)
        node = registry.iris.action(action.kind, actor_id, instrument_id, qualifier)
        # An undated row that joined no dated node (none, or several to choose from) stays undated.
        resolved.append((action, node, not action.when.value and len(dates) != 1))
    return resolved


def _emit(registry: Registry, claims: Claims, action: PendingAction, node: NamedNode, unknown: bool) -> None:
    kind_label = action.kind.replace("-", " ")
    triples: list[Triple] = [
        (node, RDF_TYPE, action.cls),
        (node, RDFS_LABEL, english(f"{action.actor.label}: {kind_label}, {action.instrument.label}")),
        (node, iri(CT.actor), action.actor.node),
        (node, iri(CT.instrument), action.instrument.node),
    ]
    if unknown:
        # Said only where no source dates the action: the graph states what it does not know.
        triples.append((node, iri(CT.dateUnknown), typed("true", "boolean")))
    triples += when_triples(node, action.when)
    triples += [(node if s == PLACEHOLDER else s, p, o) for s, p, o in action.extra]
    triples += claim_notes(node, action.row, registry)
    claims.add(triples, registry.row_sources(action.row))
