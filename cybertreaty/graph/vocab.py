"""The ontology's terms, declared once (a DefinedNamespace: a typo raises), and the other
namespaces the graph uses. tests/graph/test_vocab.py checks this list against ontology/."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/cybertreaty/ontology"
ONTOLOGY_VERSION = "0.1.0"


class CT(DefinedNamespace):
    """https://w3id.org/cybertreaty/ontology#"""

    _NS = Namespace("https://w3id.org/cybertreaty/ontology#")
    _fail = True

    AIGeneratedSource: URIRef
    Abstain: URIRef
    Acceptance: URIRef
    Accession: URIRef
    AccessionInvitation: URIRef
    Action: URIRef
    Actor: URIRef
    AdoptedByRecordedVote: URIRef
    AdoptedWithoutVote: URIRef
    AdoptionMethod: URIRef
    Approval: URIRef
    AssociateMember: URIRef
    CeremonyHosting: URIRef
    CoSponsors: URIRef
    ConsentToBeBound: URIRef
    Contradicted: URIRef
    Cosponsorship: URIRef
    CountKind: URIRef
    Dataset: URIRef
    Derived: URIRef
    DomesticApproval: URIRef
    Doubt: URIRef
    Draft: URIRef
    DraftAmendment: URIRef
    DraftResolution: URIRef
    FoundingMember: URIRef
    FullMember: URIRef
    HumanRightsConcerns: URIRef
    ImplementFromWithin: URIRef
    InformalAlliance: URIRef
    Instrument: URIRef
    InternationalGrouping: URIRef
    InternationalOrganization: URIRef
    MembershipRole: URIRef
    NegotiationAbstention: URIRef
    NegotiationInitiative: URIRef
    NegotiationParticipation: URIRef
    NewsReport: URIRef
    No: URIRef
    NonSignatureReport: URIRef
    NotVoting: URIRef
    Observer: URIRef
    ObserverState: URIRef
    OfficialRecord: URIRef
    OpposesInstrument: URIRef
    Organ: URIRef
    Parties: URIRef
    PositionStatement: URIRef
    Protocol: URIRef
    Ratification: URIRef
    Ratifications: URIRef
    RegionalEconomicIntegrationOrganization: URIRef
    ReportedCount: URIRef
    Resolution: URIRef
    Secondary: URIRef
    SecondarySource: URIRef
    Signatories: URIRef
    SignatoriesOnly: URIRef
    Signature: URIRef
    SignatureIntent: URIRef
    SigningCeremony: URIRef
    SourceDocument: URIRef
    SourceKind: URIRef
    Sponsorship: URIRef
    Stance: URIRef
    State: URIRef
    SupportsInstrument: URIRef
    Treaty: URIRef
    UNMemberState: URIRef
    UnderReview: URIRef
    Unverified: URIRef
    Vote: URIRef
    VoteEvent: URIRef
    VoteOption: URIRef
    VotesInFavour: URIRef
    Yes: URIRef
    about: URIRef
    abstainCount: URIRef
    actor: URIRef
    adoptedBy: URIRef
    adoptedOn: URIRef
    adoptedThrough: URIRef
    adoptionMethod: URIRef
    agendaItem: URIRef
    amends: URIRef
    approximateDate: URIRef
    asOf: URIRef
    ceremonyFor: URIRef
    countOf: URIRef
    countValue: URIRef
    date: URIRef
    dateUnknown: URIRef
    depositary: URIRef
    doubt: URIRef
    endDate: URIRef
    enteredIntoForceOn: URIRef
    entryIntoForceCondition: URIRef
    entryIntoForceDelayDays: URIRef
    entryIntoForceForActor: URIRef
    entryIntoForceThreshold: URIRef
    firstToSign: URIRef
    graphOf: URIRef
    instrument: URIRef
    invitee: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    iso3166Numeric: URIRef
    motion: URIRef
    noCount: URIRef
    notVotingCount: URIRef
    officialName: URIRef
    onBehalfOf: URIRef
    openedForSignatureOn: URIRef
    option: URIRef
    place: URIRef
    placeInferred: URIRef
    plannedDate: URIRef
    quote: URIRef
    reioInstrumentCountsSeparately: URIRef
    resultingResolution: URIRef
    retrievedOn: URIRef
    rollCallId: URIRef
    secretariat: URIRef
    session: URIRef
    shortTitle: URIRef
    signatureClosesOn: URIRef
    source: URIRef
    sourceKind: URIRef
    stance: URIRef
    startDate: URIRef
    supplements: URIRef
    theme: URIRef
    unSymbol: URIRef
    voteEvent: URIRef
    votingBody: URIRef
    wikidataProperty: URIRef
    wikidataQualifier: URIRef
    withReservations: URIRef
    yesCount: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("http://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

# Prefixes written into serialisations and offered to query authors.
PREFIXES: dict[str, str] = {
    "ct": str(CT._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "time": str(TIME),
    "wd": str(WD),
}
