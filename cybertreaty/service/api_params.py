"""The types of the REST API's parameters: what a value looks like, and the RDF term it becomes.

A named query declares each parameter with one of these types (``state: iso3``, ``as_of: date``).
The type gives the OpenAPI schema (pattern, enum, example), turns the text of a request into a
typed RDF term for the store's binding mechanism (an IRI under the configured base, an
``xsd:date`` literal, an ontology term), and, for entities, how to check that the entity exists
and what to suggest when it does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from cybertreaty.graph.vocab import CT

PREFIXES = """
PREFIX ct: <https://w3id.org/cybertreaty/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _iso_date_text(value: object) -> object:
    """Only YYYY-MM-DD reaches pydantic's date parser, which alone also reads a number as a Unix time
    (``as_of=0`` would silently be 1970-01-01, and ``86400`` 1970-01-02)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Input should be a date written YYYY-MM-DD")
    return value


# The type of every date parameter of the API (its OpenAPI schema stays string/date).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]


class Kind(StrEnum):
    ENTITY = "entity"  # an IRI under <base>id/{segment}/
    DATE = "date"  # an xsd:date literal
    CHOICE = "choice"  # one of a fixed set of codes, each mapped to a term


@dataclass(frozen=True)
class ParamType:
    name: str
    kind: Kind
    summary: str  # what a value looks like, for the docs
    example: str
    pattern: str | None = None  # checked by FastAPI for query parameters (422)
    segment: str = ""  # ENTITY: the IRI path segment (state, org, treaty...)
    exists: str = ""  # ENTITY: SELECT with ?entity bound; a row means the entity exists
    candidates: str = ""  # ENTITY: SELECT ?entity ?label ?name: the names to suggest from
    reconcile_type: str | None = None  # ENTITY: the reconciliation type that suggests instead
    choices: Mapping[str, Identifier] = field(default_factory=dict)  # CHOICE: code -> term

    def normalise(self, value: str) -> str | None:
        """The canonical spelling of an entity id, or None when it cannot be one."""
        if self.name == "iso3":
            return value.upper() if re.fullmatch(r"[A-Za-z]{3}", value) else None
        return value if self.pattern is None or re.fullmatch(self.pattern, value) else None

    def entity_iri(self, base_iri: str, value: str) -> URIRef:
        return URIRef(f"{base_iri}id/{self.segment}/{value}")

    def to_term(self, value: str | dt.date, base_iri: str) -> Identifier:
        """The RDF term for a value already checked by the request layer (ValueError if not valid)."""
        if self.kind is Kind.DATE:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            return Literal(day.isoformat(), datatype=XSD.date)
        text = str(value)
        if self.kind is Kind.CHOICE:
            if text not in self.choices:
                raise ValueError(f"{text!r} is not one of {', '.join(self.choices)}")
            return self.choices[text]
        canonical = self.normalise(text)
        if canonical is None:
            raise ValueError(f"{text!r} is not {self.summary}")
        return self.entity_iri(base_iri, canonical)


_SLUG = r"^[a-z0-9][a-z0-9-]*$"
_EXISTS_A = PREFIXES + "SELECT ?entity WHERE { VALUES ?class { %s } ?entity a ?class } LIMIT 1"
_CANDIDATES = PREFIXES + (
    "SELECT ?entity ?label ?name WHERE { VALUES ?class { %s } ?entity a ?class ; rdfs:label ?label . "
    "{ ?entity rdfs:label ?name } UNION { ?entity %s ?name } }"
)


def _plain(*codes: str) -> dict[str, Identifier]:
    return {code: Literal(code) for code in codes}


ACTION_TYPES = (
    *("Signature", "ConsentToBeBound", "Ratification", "Acceptance", "Approval", "Accession"),
    *("DomesticApproval", "NonSignatureReport", "SignatureIntent", "Sponsorship", "Cosponsorship"),
    *("PositionStatement", "NegotiationInitiative", "NegotiationParticipation", "NegotiationAbstention"),
    *("CeremonyHosting", "AccessionInvitation"),
)

TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType(
            "iso3",
            Kind.ENTITY,
            "an ISO 3166-1 alpha-3 code (three letters, e.g. VNM)",
            "VNM",
            pattern=r"^[A-Za-z]{3}$",
            segment="state",
            exists=_EXISTS_A % "ct:State",
            reconcile_type="State",
        ),
        ParamType(
            "group",
            Kind.ENTITY,
            "the id of a grouping with members (eu, asean, au, caricom, coe, five-eyes)",
            "five-eyes",
            pattern=_SLUG,
            segment="org",
            exists=PREFIXES + "SELECT ?entity WHERE { ?membership org:organization ?entity } LIMIT 1",
            reconcile_type="Organisation",
        ),
        ParamType(
            "treaty",
            Kind.ENTITY,
            "the id of a treaty (uncc, cets-185, ets-189, cets-224)",
            "uncc",
            pattern=_SLUG,
            segment="treaty",
            exists=_EXISTS_A % "ct:Treaty ct:Protocol",
            candidates=_CANDIDATES % ("ct:Treaty ct:Protocol", "ct:shortTitle|dcterms:identifier"),
        ),
        ParamType(
            "resolution",
            Kind.ENTITY,
            "the id of a General Assembly resolution (e.g. a-res-74-247 for A/RES/74/247)",
            "a-res-74-247",
            pattern=_SLUG,
            segment="resolution",
            exists=_EXISTS_A % "ct:Resolution",
            candidates=_CANDIDATES % ("ct:Resolution", "ct:unSymbol"),
        ),
        ParamType(
            "source",
            Kind.ENTITY,
            "the id of a source document (e.g. newshour-2025-10-29)",
            "newshour-2025-10-29",
            pattern=_SLUG,
            segment="source",
            exists=_EXISTS_A % "ct:SourceDocument",
            candidates=_CANDIDATES % ("ct:SourceDocument", "dcterms:identifier"),
        ),
        ParamType("date", Kind.DATE, "a date, YYYY-MM-DD", "2025-10-29"),
        ParamType(
            "option",
            Kind.CHOICE,
            "a vote option",
            "no",
            choices={"yes": CT.Yes, "no": CT.No, "abstain": CT.Abstain, "not-voting": CT.NotVoting},
        ),
        ParamType(
            "signature-status",
            Kind.CHOICE,
            "a signature status",
            "not-signed",
            choices=_plain("signed", "uncertain", "not-signed"),
        ),
        ParamType(
            "party-status", Kind.CHOICE, "a party status", "party", choices=_plain("party", "uncertain")
        ),
        ParamType("action-type", Kind.CHOICE, "an action class", "Signature", choices=_plain(*ACTION_TYPES)),
        ParamType(
            "source-kind",
            Kind.CHOICE,
            "a kind of source",
            "official",
            choices=_plain("official", "news", "dataset", "secondary", "ai-generated"),
        ),
        ParamType(
            "doubt",
            Kind.CHOICE,
            "a doubt flag",
            "contradicted",
            choices=_plain("contradicted", "unverified", "secondary", "derived"),
        ),
    )
}
