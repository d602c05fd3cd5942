"""The built graph says what the sources say: signatures, non-signatures, votes, sponsors,
memberships, Wikidata links and reported counts, checked against shared/sources and shared/reference.

Each expected value below comes from a source document (newshour, UNODC) or from the verified
reference tables (UNTC, Dutch treaty database, Voeten/unvotes, MFA Russia, OWID), not from data/.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple, Variable

BASE = "https://w3id.org/cybertreaty/"
PREFIXES = {
    "ct": "https://w3id.org/cybertreaty/ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "state": BASE + "id/state/",
    "org-id": BASE + "id/org/",
    "treaty": BASE + "id/treaty/",
    "resolution": BASE + "id/resolution/",
    "draft": BASE + "id/draft/",
    "place": BASE + "id/place/",
    "event": BASE + "id/vote-event/",
    "source": BASE + "id/source/",
    "wd": "http://www.wikidata.org/entity/",
}
NEWSHOUR_GRAPH = NamedNode(BASE + "graph/source/newshour-2025-10-29")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# Hanoi signatories that the newshour article does not name (reference README, section 1.2).
MISSING_FROM_ARTICLE = (
    *("AZE", "BFA", "BRN", "CUB", "DJI", "GNB", "KAZ", "MDV", "MLI"),
    *("NAM", "NRU", "PLW", "PNG", "RWA", "SAU", "UZB", "ZWE"),
)


def _substitutions(
    bindings: dict[str, NamedNode | Literal],
) -> dict[Variable, NamedNode | BlankNode | Literal | Triple]:
    return {Variable(name): term for name, term in bindings.items()}


def _select(store: pyoxigraph.Store, query: str, **bindings: NamedNode | Literal) -> list[tuple[str, ...]]:
    """Rows of a SELECT as sorted tuples of lexical values.

    Bindings are substituted as RDF terms by the engine (SPARQL SEP-0007), which requires each bound
    variable to be projected; the bound columns are left out of the rows returned.
    """
    answer = store.query(query, prefixes=PREFIXES, substitutions=_substitutions(bindings))
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    names = [v.value for v in answer.variables if v.value not in bindings]
    return sorted(tuple("" if s[n] is None else s[n].value for n in names) for s in answer)


def _ask(store: pyoxigraph.Store, query: str, **bindings: NamedNode | Literal) -> bool:
    answer = store.query(query, prefixes=PREFIXES, substitutions=_substitutions(bindings))
    assert isinstance(answer, pyoxigraph.QueryBoolean)
    return bool(answer)


def _state(iso3: str) -> NamedNode:
    return NamedNode(BASE + "id/state/" + iso3)


HANOI_SIGNATORIES = """
    SELECT DISTINCT ?actor WHERE {
      ?signature a ct:Signature ; ct:instrument treaty:uncc ; ct:place place:hanoi ; ct:actor ?actor .
      FILTER NOT EXISTS { ?signature ct:doubt ct:Contradicted }
    }"""

NEWSHOUR_SIGNATORIES = """
    SELECT DISTINCT ?actor ?newshour WHERE {
      GRAPH ?newshour { ?signature a ct:Signature ; ct:instrument treaty:uncc ; ct:actor ?actor }
    }"""


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


# --- The Hanoi signing ceremony ------------------------------------------------------------------


def test_72_signatories_signed_in_hanoi(graph_store: pyoxigraph.Store) -> None:
    assert len(_select(graph_store, HANOI_SIGNATORIES)) == 72


def test_hanoi_signatories_are_70_un_members_palestine_and_the_eu(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?kind (COUNT(DISTINCT ?actor) AS ?n) WHERE {
          ?signature a ct:Signature ; ct:instrument treaty:uncc ; ct:place place:hanoi ; ct:actor ?actor .
          FILTER NOT EXISTS { ?signature ct:doubt ct:Contradicted }
          VALUES ?kind { ct:UNMemberState ct:ObserverState ct:RegionalEconomicIntegrationOrganization }
          ?actor a ?kind .
        } GROUP BY ?kind""",
    )
    assert {(_local(k).rsplit("#", 1)[1], int(n)) for k, n in rows} == {
        ("UNMemberState", 70),
        ("ObserverState", 1),
        ("RegionalEconomicIntegrationOrganization", 1),
    }


def test_newshour_names_55_signatories_all_of_them_hanoi_signatories(graph_store: pyoxigraph.Store) -> None:
    named = {row[0] for row in _select(graph_store, NEWSHOUR_SIGNATORIES, newshour=NEWSHOUR_GRAPH)}
    hanoi = {row[0] for row in _select(graph_store, HANOI_SIGNATORIES)}
    assert len(named) == 55  # 54 States and the European Union
    assert named <= hanoi


def test_exactly_17_hanoi_signatories_are_missing_from_the_article(graph_store: pyoxigraph.Store) -> None:
    named = {row[0] for row in _select(graph_store, NEWSHOUR_SIGNATORIES, newshour=NEWSHOUR_GRAPH)}
    hanoi = {row[0] for row in _select(graph_store, HANOI_SIGNATORIES)}
    assert sorted(_local(a) for a in hanoi - named) == sorted(MISSING_FROM_ARTICLE)


@pytest.mark.parametrize("iso3", MISSING_FROM_ARTICLE)
def test_signatory_missing_from_the_article_has_a_dated_hanoi_signature(
    graph_store: pyoxigraph.Store, iso3: str
) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?date ?actor WHERE {
          ?signature a ct:Signature ; ct:instrument treaty:uncc ; ct:actor ?actor ; ct:place place:hanoi ;
                     ct:date|ct:approximateDate ?date .
        }""",
        actor=_state(iso3),
    )
    assert rows
    assert all(date.startswith("2025-10") for (date,) in rows)


def test_viet_nam_signed_first_as_host(graph_store: pyoxigraph.Store) -> None:
    assert _select(
        graph_store,
        """
        SELECT DISTINCT ?actor WHERE { ?s a ct:Signature ; ct:instrument treaty:uncc ; ct:firstToSign true ;
                                          ct:actor ?actor }""",
    ) == [(BASE + "id/state/VNM",)]
    assert _ask(
        graph_store,
        """
        ASK { ?h a ct:CeremonyHosting ; ct:actor state:VNM ; ct:instrument treaty:uncc ;
                 ct:place place:hanoi }""",
    )


def test_hanoi_ceremony_dates_and_the_earlier_tbc_plan_are_both_kept(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?start ?end ?planned WHERE {
          ?c a ct:SigningCeremony ; ct:ceremonyFor treaty:uncc ; ct:place place:hanoi .
          OPTIONAL { ?c ct:startDate ?start } OPTIONAL { ?c ct:endDate ?end }
          OPTIONAL { ?c ct:plannedDate ?planned }
        }""",
    )
    assert ("2025-10-25", "2025-10-26", "") in rows
    assert ("", "", "dates TBC \N{EN DASH} likely mid-2025") in rows


def test_false_us_and_canada_hanoi_signatures_are_kept_as_contradicted(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT DISTINCT ?actor WHERE {
          ?s a ct:Signature ; ct:instrument treaty:uncc ; ct:place place:hanoi ; ct:actor ?actor ;
             ct:doubt ct:Contradicted .
        }""",
    )
    assert {_local(a) for (a,) in rows} == {"ARE", "CAN", "USA"}


# --- Non-signatures, signing is not ratifying ----------------------------------------------------


def test_five_eyes_members_not_signed_by_the_article_date_are_can_nzl_usa(
    graph_store: pyoxigraph.Store,
) -> None:
    rows = _select(
        graph_store,
        """
        SELECT DISTINCT ?state WHERE {
          ?m a org:Membership ; org:organization org-id:five-eyes ; org:member ?state .
          ?r a ct:NonSignatureReport ; ct:actor ?state ; ct:instrument treaty:uncc ;
             ct:date "2025-10-29"^^xsd:date .
        }""",
    )
    assert sorted(_local(s) for (s,) in rows) == ["CAN", "NZL", "USA"]


def test_newshour_lists_seven_states_that_had_not_signed(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT DISTINCT ?state ?newshour WHERE {
          GRAPH ?newshour { ?r a ct:NonSignatureReport ; ct:actor ?state ; ct:instrument treaty:uncc }
        }""",
        newshour=NEWSHOUR_GRAPH,
    )
    assert sorted(_local(s) for (s,) in rows) == ["CAN", "IND", "ISR", "JPN", "MEX", "NZL", "USA"]


def test_every_reported_ratification_of_the_uncc_is_unverified(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?consent ?doubt WHERE {
          ?consent a ?cls ; ct:instrument treaty:uncc .
          ?cls rdfs:subClassOf* ct:ConsentToBeBound .
          OPTIONAL { ?consent ct:doubt ?doubt }
        }""",
    )
    assert rows
    assert {doubt for _, doubt in rows} == {PREFIXES["ct"] + "Unverified"}


def test_azerbaijan_has_domestic_approvals_and_no_dated_consent(graph_store: pyoxigraph.Store) -> None:
    approvals = _select(
        graph_store,
        """
        SELECT ?date WHERE { ?a a ct:DomesticApproval ; ct:actor state:AZE ; ct:instrument treaty:uncc ;
                                ct:date ?date }""",
    )
    assert approvals == [("2026-02-10",), ("2026-02-23",)]
    assert not _ask(
        graph_store,
        """
        ASK { ?c a ?cls ; ct:actor state:AZE ; ct:instrument treaty:uncc .
              ?cls rdfs:subClassOf* ct:ConsentToBeBound .
              { ?c ct:date ?d } UNION { ?c ct:approximateDate ?d } }""",
    )


# --- Reported counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count_of", "value", "doubted"),
    [("Signatories", 72, False), ("Ratifications", 72, True)],
    ids=["72-signatories", "72-ratifications-headline-contradicted"],
)
def test_newshour_reports_72(graph_store: pyoxigraph.Store, count_of: str, value: int, doubted: bool) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?count ?doubt ?kind ?value WHERE {
          ?count a ct:ReportedCount ; ct:about treaty:uncc ; ct:countOf ?kind ; ct:countValue ?value ;
                 ct:source source:newshour-2025-10-29 .
          OPTIONAL { ?count ct:doubt ?doubt }
        }""",
        kind=NamedNode(PREFIXES["ct"] + count_of),
        value=Literal(str(value), datatype=XSD_INTEGER),
    )
    assert len(rows) == 1
    assert (rows[0][1] == PREFIXES["ct"] + "Contradicted") is doubted


def test_the_74_signatories_claim_is_never_uncontested(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?count ?doubt WHERE {
          ?count a ct:ReportedCount ; ct:about treaty:uncc ; ct:countOf ct:Signatories ; ct:countValue 74 .
          OPTIONAL { ?count ct:doubt ?doubt }
        }""",
    )
    assert len(rows) == 3
    assert {_local(d).rsplit("#", 1)[1] for _, d in rows} == {"Contradicted", "Unverified"}


# --- Votes, sponsors, resolution 79/243 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "iso3", "option"),
    [
        ("unga-plenary-74-247", "USA", "No"),
        ("unga-plenary-74-247", "IND", "Yes"),
        ("unga-plenary-74-247", "MEX", "Abstain"),
        ("unga-plenary-74-247", "AGO", "NotVoting"),
        ("unga-plenary-74-247", "GBR", "No"),
        ("unga-plenary-74-247", "BOL", "Abstain"),
        ("unga-plenary-74-247", "SRB", "Yes"),
        ("unga-plenary-73-187", "USA", "No"),
        ("unga-plenary-73-187", "IND", "Yes"),
        ("unga-plenary-73-187", "MEX", "Abstain"),
        ("unga-plenary-73-187", "AGO", "Yes"),
    ],
)
def test_state_vote(graph_store: pyoxigraph.Store, event: str, iso3: str, option: str) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?option ?event ?actor WHERE {
          ?vote a ct:Vote ; ct:voteEvent ?event ; ct:actor ?actor ; ct:option ?option }""",
        event=NamedNode(BASE + "id/vote-event/" + event),
        actor=_state(iso3),
    )
    assert rows == [(PREFIXES["ct"] + option,)]


def test_non_voting_states_are_marked_derived(graph_store: pyoxigraph.Store) -> None:
    assert not _ask(
        graph_store,
        """
        ASK { ?vote a ct:Vote ; ct:option ct:NotVoting . FILTER NOT EXISTS { ?vote ct:doubt ct:Derived } }""",
    )


@pytest.mark.parametrize(
    ("event", "totals"),
    [
        ("unga-plenary-74-247", {"Yes": 79, "No": 60, "Abstain": 33, "NotVoting": 21}),
        ("unga-plenary-73-187", {"Yes": 94, "No": 59, "Abstain": 33, "NotVoting": 7}),
    ],
)
def test_plenary_vote_totals_match_193_recorded_votes(
    graph_store: pyoxigraph.Store, event: str, totals: dict[str, int]
) -> None:
    node = NamedNode(BASE + "id/vote-event/" + event)
    recorded = _select(
        graph_store,
        """
        SELECT ?yes ?no ?abstain ?notVoting ?event WHERE {
          ?event ct:yesCount ?yes ; ct:noCount ?no ; ct:abstainCount ?abstain ;
                 ct:notVotingCount ?notVoting }""",
        event=node,
    )
    assert recorded == [tuple(str(totals[k]) for k in ("Yes", "No", "Abstain", "NotVoting"))]
    rows = _select(
        graph_store,
        """
        SELECT ?event ?option (COUNT(?vote) AS ?n) WHERE {
          ?vote a ct:Vote ; ct:voteEvent ?event ; ct:option ?option } GROUP BY ?event ?option""",
        event=node,
    )
    assert {_local(o).rsplit("#", 1)[1]: int(n) for o, n in rows} == totals
    assert sum(totals.values()) == 193


@pytest.mark.parametrize(
    ("event", "yes", "no", "abstain"),
    [("unga-third-committee-74-247", 88, 58, 34), ("unga-third-committee-73-187", 88, 55, 29)],
)
def test_third_committee_vote_totals(
    graph_store: pyoxigraph.Store, event: str, yes: int, no: int, abstain: int
) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?yes ?no ?abstain ?event WHERE {
          ?event ct:votingBody org-id:unga-third-committee ; ct:yesCount ?yes ; ct:noCount ?no ;
                 ct:abstainCount ?abstain }""",
        event=NamedNode(BASE + "id/vote-event/" + event),
    )
    assert rows == [(str(yes), str(no), str(abstain))]


def test_resolution_79_243_adopted_without_a_vote_has_no_vote_event(graph_store: pyoxigraph.Store) -> None:
    assert _ask(graph_store, "ASK { resolution:a-res-79-243 ct:adoptionMethod ct:AdoptedWithoutVote }")
    assert not _ask(graph_store, "ASK { resolution:a-res-79-243 ct:adoptionMethod ct:AdoptedByRecordedVote }")
    assert not _ask(graph_store, "ASK { ?e a ct:VoteEvent ; ct:resultingResolution resolution:a-res-79-243 }")
    assert not _ask(
        graph_store,
        """
        ASK { ?vote a ct:Vote ; ct:voteEvent ?e . ?e ct:resultingResolution resolution:a-res-79-243 }""",
    )


def test_193_votes_for_79_243_are_only_a_contradicted_claim(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?count ?doubt WHERE {
          ?count a ct:ReportedCount ; ct:about resolution:a-res-79-243 ; ct:countOf ct:VotesInFavour .
          OPTIONAL { ?count ct:doubt ?doubt } }""",
    )
    assert [doubt for _, doubt in rows] == [PREFIXES["ct"] + "Contradicted"]


@pytest.mark.parametrize(("kind", "expected"), [("Sponsorship", 8), ("Cosponsorship", 47)])
def test_sponsors_of_draft_a_c_3_74_l_11(graph_store: pyoxigraph.Store, kind: str, expected: int) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?kind (COUNT(DISTINCT ?actor) AS ?n) WHERE {
          ?s a ?kind ; ct:instrument draft:a-c-3-74-l-11 ; ct:actor ?actor } GROUP BY ?kind""",
        kind=NamedNode(PREFIXES["ct"] + kind),
    )
    assert rows == [(str(expected),)]


def test_newshour_co_sponsors_are_among_the_mfa_co_sponsors(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?newshour ?actor (COUNT(DISTINCT ?source) AS ?n) WHERE {
          GRAPH ?newshour { ?s a ct:Cosponsorship ; ct:actor ?actor }
          ?s ct:source ?source .
        } GROUP BY ?newshour ?actor""",
        newshour=NEWSHOUR_GRAPH,
    )
    assert sorted(_local(a) for a, _ in rows) == ["BLR", "NIC", "PRK", "VEN"]
    assert all(int(n) == 2 for _, n in rows)  # newshour and the Russian MFA support the same node


# --- States, memberships, Wikidata ---------------------------------------------------------------


def test_195_states_193_members_and_2_observers(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?status (COUNT(DISTINCT ?state) AS ?n) WHERE {
          VALUES ?status { ct:UNMemberState ct:ObserverState } ?state a ?status } GROUP BY ?status""",
    )
    counts = {(_local(s).rsplit("#", 1)[1], int(n)) for s, n in rows}
    assert counts == {("UNMemberState", 193), ("ObserverState", 2)}
    observers = _select(graph_store, "SELECT ?s WHERE { ?s a ct:ObserverState }")
    assert sorted(_local(s) for (s,) in observers) == ["PSE", "VAT"]


@pytest.mark.parametrize(
    ("organisation", "members"),
    # CARICOM has 15 full members, but Montserrat is a territory, not a State in the graph.
    [("eu", 27), ("asean", 11), ("caricom", 14), ("coe", 46), ("au", 54), ("five-eyes", 5)],
)
def test_membership_count(graph_store: pyoxigraph.Store, organisation: str, members: int) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?org (COUNT(DISTINCT ?state) AS ?n) WHERE {
          ?m a org:Membership ; org:organization ?org ; org:member ?state ; org:role ?role .
          FILTER (?role != ct:Observer) } GROUP BY ?org""",
        org=NamedNode(BASE + "id/org/" + organisation),
    )
    assert rows == [(str(members),)]


def test_timor_leste_joined_asean_on_26_october_2025(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?role ?start WHERE {
          ?m a org:Membership ; org:organization org-id:asean ; org:member state:TLS ;
             org:role ?role ; ct:startDate ?start }""",
    )
    assert (PREFIXES["ct"] + "FullMember", "2025-10-26") in rows


def test_montserrat_and_the_sahrawi_republic_are_not_states(graph_store: pyoxigraph.Store) -> None:
    assert not _ask(graph_store, "ASK { { state:MSR ?p ?o } UNION { state:ESH ?p ?o } }")


@pytest.mark.parametrize(
    ("iso3", "qid"), [("VNM", "Q881"), ("NLD", "Q29999"), ("DNK", "Q35"), ("TUR", "Q43"), ("PSE", "Q219060")]
)
def test_state_wikidata_item(graph_store: pyoxigraph.Store, iso3: str, qid: str) -> None:
    rows = _select(graph_store, "SELECT ?item ?state WHERE { ?state owl:sameAs ?item }", state=_state(iso3))
    assert rows == [("http://www.wikidata.org/entity/" + qid,)]


def test_denmark_realm_is_only_a_close_match(graph_store: pyoxigraph.Store) -> None:
    assert _ask(graph_store, "ASK { state:DNK skos:closeMatch wd:Q756617 }")
    assert not _ask(graph_store, "ASK { state:DNK owl:sameAs wd:Q756617 }")


def test_every_state_has_exactly_one_wikidata_item(graph_store: pyoxigraph.Store) -> None:
    rows = _select(
        graph_store,
        """
        SELECT ?state (COUNT(?item) AS ?n) WHERE { ?state a ct:State . OPTIONAL { ?state owl:sameAs ?item } }
        GROUP BY ?state""",
    )
    assert len(rows) == 195
    assert {n for _, n in rows} == {"1"}
