"""Readers for facts about instruments, ceremonies, memberships and reported counts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from cybertreaty.graph.claims import (
    RDF_TYPE,
    RDFS_LABEL,
    Claims,
    Object,
    Registry,
    Triple,
    claim_notes,
    english,
    iri,
    partial_date,
    typed,
)
from cybertreaty.graph.csvrows import Row, read_rows
from cybertreaty.graph.vocab import CT, ORG, TIME

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCTERMS_IDENTIFIER = NamedNode("http://purl.org/dc/terms/identifier")
DCTERMS_TITLE = NamedNode("http://purl.org/dc/terms/title")

ValueParser = Callable[[Row, Registry], Object]


def _text(row: Row, registry: Registry) -> Object:
    return english(row.required("value"))


def _string(row: Row, registry: Registry) -> Object:
    return typed(row.required("value"), "string")


def _date(row: Row, registry: Registry) -> Object:
    day = row.date("value")
    assert day is not None  # required: date() without optional never returns None
    return typed(day.isoformat(), "date")


def _integer(row: Row, registry: Registry) -> Object:
    return typed(str(row.integer("value")), "integer")


def _boolean(row: Row, registry: Registry) -> Object:
    row.choice("value", ("true", "false"))
    return typed(row.get("value"), "boolean")


def _organisation(row: Row, registry: Registry) -> Object:
    return registry.lookup(row, "value", registry.organisations, "organisations.csv").node


def _instrument(row: Row, registry: Registry) -> Object:
    return registry.instrument(row, "value").node


def _adoption_method(row: Row, registry: Registry) -> Object:
    method = row.choice("value", ("recorded-vote", "without-vote"))
    return iri(CT.AdoptedByRecordedVote if method == "recorded-vote" else CT.AdoptedWithoutVote)


# property column value -> (predicate, how to read the value)
FACT_PROPERTIES: dict[str, tuple[NamedNode, ValueParser]] = {
    "title": (DCTERMS_TITLE, _text),
    "short_title": (iri(CT.shortTitle), _text),
    "identifier": (DCTERMS_IDENTIFIER, _string),
    "un_symbol": (iri(CT.unSymbol), _string),
    "adopted_on": (iri(CT.adoptedOn), _date),
    "adopted_by": (iri(CT.adoptedBy), _organisation),
    "adopted_through": (iri(CT.adoptedThrough), _instrument),
    "adoption_method": (iri(CT.adoptionMethod), _adoption_method),
    "opened_for_signature_on": (iri(CT.openedForSignatureOn), _date),
    "signature_closes_on": (iri(CT.signatureClosesOn), _date),
    "entry_into_force_threshold": (iri(CT.entryIntoForceThreshold), _integer),
    "entry_into_force_delay_days": (iri(CT.entryIntoForceDelayDays), _integer),
    "entry_into_force_condition": (iri(CT.entryIntoForceCondition), _text),
    "reio_counts_separately": (iri(CT.reioInstrumentCountsSeparately), _boolean),
    "entered_into_force_on": (iri(CT.enteredIntoForceOn), _date),
    "depositary": (iri(CT.depositary), _organisation),
    "secretariat": (iri(CT.secretariat), _organisation),
    "supplements": (iri(CT.supplements), _instrument),
    "amends": (iri(CT.amends), _instrument),
    "resulting_resolution": (iri(CT.resultingResolution), _instrument),
    "session": (iri(CT.session), _integer),
    "agenda_item": (iri(CT.agendaItem), _string),
}


def read_instrument_facts(path: Path, registry: Registry, claims: Claims) -> None:
    """One property of an instrument per row; a quote is kept on a reified statement."""
    columns = ("instrument", "property", "value", "sources", "quote", "doubt", "note")
    for row in read_rows(path, columns):
        instrument = registry.instrument(row, "instrument")
        name = row.choice("property", tuple(FACT_PROPERTIES))
        predicate, parse = FACT_PROPERTIES[name]
        value = parse(row, registry)
        sources = registry.row_sources(row)
        triples: list[Triple] = [(instrument.node, predicate, value)]
        if row.get("quote") or row.doubt() or row.get("note"):
            # The quote, doubt and note belong to this one statement, not to the instrument.
            digest = hashlib.sha256(f"{instrument.node.value} {predicate.value} {value}".encode()).hexdigest()
            statement = NamedNode(f"{registry.iris.base}id/statement/{digest[:16]}")
            triples += [
                (statement, RDF_TYPE, NamedNode(RDF + "Statement")),
                (statement, NamedNode(RDF + "subject"), instrument.node),
                (statement, NamedNode(RDF + "predicate"), predicate),
                (statement, NamedNode(RDF + "object"), value),
            ]
            triples += claim_notes(statement, row, registry)
        claims.add(triples, sources)


def read_ceremonies(path: Path, registry: Registry, claims: Claims) -> None:
    columns = (
        *("id", "label", "treaty", "place", "start", "end", "planned", "theme"),
        *("sources", "quote", "doubt", "note"),
    )
    for row in read_rows(path, columns):
        node = registry.iris.ceremony(row.slug("id"))
        treaty = registry.instrument(row, "treaty", ("treaty", "protocol"))
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.SigningCeremony)),
            (node, RDFS_LABEL, english(row.required("label"))),
            (node, iri(CT.ceremonyFor), treaty.node),
        ]
        if row.get("place"):
            triples.append(
                (node, iri(CT.place), registry.lookup(row, "place", registry.places, "places.csv").node)
            )
        start, end = row.date("start", optional=True), row.date("end", optional=True)
        if start and end and end < start:
            raise row.error("end", f"{end} is before the start {start}")
        if start:
            triples.append((node, iri(CT.startDate), typed(start.isoformat(), "date")))
        if end:
            triples.append((node, iri(CT.endDate), typed(end.isoformat(), "date")))
        if row.get("planned"):
            triples.append((node, iri(CT.plannedDate), english(row.get("planned"))))
        if row.get("theme"):
            triples.append((node, iri(CT.theme), english(row.get("theme"))))
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


MEMBERSHIP_ROLES = {
    "member": CT.FullMember,
    "founding-member": CT.FoundingMember,
    "associate-member": CT.AssociateMember,
    "observer": CT.Observer,
}


def read_memberships(path: Path, registry: Registry, claims: Claims) -> None:
    """org:Membership nodes with ct:startDate/ct:endDate and the same interval in OWL-Time."""
    columns = ("organisation", "member", "role", "start", "end", "sources", "doubt", "note")
    for row in read_rows(path, columns):
        grouping = registry.lookup(row, "organisation", registry.organisations, "organisations.csv")
        member = registry.state(row, "member")
        role = row.choice("role", tuple(MEMBERSHIP_ROLES))
        node = registry.iris.membership(row.get("organisation"), row.get("member"), role)
        start, end = row.when("start", optional=True), row.when("end", optional=True)
        if start.value and end.value and end.value < start.value[: len(end.value)]:
            raise row.error("end", f"{end.value} is before the start {start.value}")
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(ORG.Membership)),
            (node, RDFS_LABEL, english(f"{member.label}: {role.replace('-', ' ')} of {grouping.label}")),
            (node, iri(ORG.member), member.node),
            (node, iri(ORG.organization), grouping.node),
            (node, iri(ORG.role), iri(MEMBERSHIP_ROLES[role])),
        ]
        triples += _interval(node, partial_date(start), partial_date(end))
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


def _interval(node: NamedNode, start: Literal | None, end: Literal | None) -> list[Triple]:
    if start is None and end is None:
        return []
    interval = NamedNode(node.value + "#interval")
    triples: list[Triple] = [
        (node, iri(ORG.memberDuring), interval),
        (interval, RDF_TYPE, iri(TIME.Interval)),
    ]
    for literal, predicate, bound, edge in (
        (start, CT.startDate, "#start", TIME.hasBeginning),
        (end, CT.endDate, "#end", TIME.hasEnd),
    ):
        if literal is None:
            continue
        instant = NamedNode(node.value + bound)
        time_property = {"date": TIME.inXSDDate, "gYearMonth": TIME.inXSDgYearMonth, "gYear": TIME.inXSDgYear}
        kind = literal.datatype.value.rsplit("#", 1)[1]
        triples += [
            (node, iri(predicate), literal),
            (interval, iri(edge), instant),
            (instant, RDF_TYPE, iri(TIME.Instant)),
            (instant, iri(time_property[kind]), literal),
        ]
    return triples


COUNT_KINDS = {
    "signatories": CT.Signatories,
    "parties": CT.Parties,
    "ratifications": CT.Ratifications,
    "signatories-only": CT.SignatoriesOnly,
    "co-sponsors": CT.CoSponsors,
    "votes-in-favour": CT.VotesInFavour,
}


def read_reported_counts(path: Path, registry: Registry, claims: Claims) -> None:
    columns = ("about", "count_of", "value", "as_of", "sources", "quote", "doubt", "note")
    for row in read_rows(path, columns):
        about_id = row.required("about")
        about = registry.instruments.get(about_id) or registry.vote_events.get(about_id)
        if about is None:
            raise row.error("about", f"{about_id!r} is not an id in instruments.csv or vote_events.csv")
        kind = row.choice("count_of", tuple(COUNT_KINDS))
        value = row.integer("value")
        assert value is not None
        as_of = row.when("as_of")
        sources = registry.row_sources(row)
        node = registry.iris.reported_count(about_id, kind, value, as_of.value, sources[0])
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.ReportedCount)),
            (node, RDFS_LABEL, english(f"{value} {kind.replace('-', ' ')} of {about.label} reported")),
            (node, iri(CT.about), about.node),
            (node, iri(CT.countOf), iri(COUNT_KINDS[kind])),
            (node, iri(CT.countValue), typed(str(value), "integer")),
        ]
        as_of_literal = partial_date(as_of)
        if as_of_literal is not None:
            triples.append((node, iri(CT.asOf), as_of_literal))
        triples += claim_notes(node, row, registry)
        claims.add(triples, sources)
