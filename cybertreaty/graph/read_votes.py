"""Readers for recorded votes: one ct:VoteEvent per vote with its totals, one ct:Vote per State.

Adoption without a vote is an instrument fact (ct:adoptionMethod), never a vote event, so no
State is recorded as having voted on a text nobody voted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
)
from cybertreaty.graph.csvrows import read_rows
from cybertreaty.graph.vocab import CT

OPTIONS = {"yes": CT.Yes, "no": CT.No, "abstain": CT.Abstain, "not-voting": CT.NotVoting}
_TOTALS = (
    ("yes", CT.yesCount),
    ("no", CT.noCount),
    ("abstain", CT.abstainCount),
    ("not_voting", CT.notVotingCount),
)


@dataclass
class _Event(Entity):
    """A vote event with what its votes repeat: the draft voted on and the date."""

    motion: Entity
    date: str


def read_vote_events(path: Path, registry: Registry, claims: Claims) -> None:
    columns = (
        *("id", "label", "motion", "resulting_resolution", "body", "date", "yes", "no", "abstain"),
        *("not_voting", "roll_call_id", "sources", "quote", "doubt", "note"),
    )
    for row in read_rows(path, columns):
        event_id = row.slug("id")
        if event_id in registry.vote_events:
            raise row.error("id", f"{event_id!r} is defined twice")
        node = registry.iris.vote_event(event_id)
        motion = registry.instrument(row, "motion", ("draft-resolution", "draft-amendment"))
        day = row.date("date")
        assert day is not None
        label = row.required("label")
        registry.vote_events[event_id] = _Event(node, label, "vote-event", motion, day.isoformat())
        body = registry.lookup(row, "body", registry.organisations, "organisations.csv")
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.VoteEvent)),
            (node, RDFS_LABEL, english(label)),
            (node, iri(CT.motion), motion.node),
            (node, iri(CT.votingBody), body.node),
            (node, iri(CT.date), typed(day.isoformat(), "date")),
        ]
        if row.get("resulting_resolution"):
            resolution = registry.instrument(row, "resulting_resolution", ("resolution",))
            triples.append((node, iri(CT.resultingResolution), resolution.node))
        for column, predicate in _TOTALS:
            total = row.integer(column, optional=True)
            if total is not None:
                triples.append((node, iri(predicate), typed(str(total), "integer")))
        if row.get("roll_call_id"):
            triples.append((node, iri(CT.rollCallId), typed(row.get("roll_call_id"), "string")))
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


def read_votes(path: Path, registry: Registry, claims: Claims) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in read_rows(path, ("vote_event", "actor", "option", "sources", "doubt", "note")):
        event = registry.lookup(row, "vote_event", registry.vote_events, "vote_events.csv")
        assert isinstance(event, _Event)
        actor = registry.state(row, "actor")
        key = (row.get("vote_event"), row.get("actor"))
        if key in seen:
            raise row.error("actor", f"{key[1]} already has a vote in {key[0]} at line {seen[key]}")
        seen[key] = row.line
        option = row.choice("option", tuple(OPTIONS))
        node = registry.iris.vote(row.get("vote_event"), row.get("actor"))
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.Vote)),
            (node, RDFS_LABEL, english(f"{actor.label}: {option.replace('-', ' ')}, {event.label}")),
            (node, iri(CT.voteEvent), event.node),
            (node, iri(CT.actor), actor.node),
            (node, iri(CT.instrument), event.motion.node),
            (node, iri(CT.option), iri(OPTIONS[option])),
            (node, iri(CT.date), typed(event.date, "date")),
        ]
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))
