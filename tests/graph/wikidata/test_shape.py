"""Our graph in Wikidata's statement shape: the CONSTRUCTs over the real graph, read back."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cybertreaty.graph.wikidata import queries
from cybertreaty.graph.wikidata.shape import (
    DAY,
    MONTH,
    YEAR,
    Item,
    Reference,
    Statement,
    Time,
    drop_dominated,
    statements,
)
from cybertreaty.graph.wikidata.source import as_source

WD = "http://www.wikidata.org/entity/"
UNCC = Item("https://w3id.org/cybertreaty/id/treaty/uncc")
QDND = (
    "https://en.qdnd.vn/foreign-affairs/multilateral-relations/"
    "hanoi-convention-vietnam-s-key-role-in-multilateral-cooperation-584013"
)
RETRIEVED = Time("2026-11-22", DAY)


@pytest.fixture(scope="module")
def shaped(graph_store: ox.Store) -> list[Statement]:
    return statements(as_source(graph_store))


def find(shaped: list[Statement], subject: str, pid: str, value: str) -> list[Statement]:
    return [s for s in shaped if s.key == (subject, pid, value)]


def test_viet_nams_signature_is_one_dated_statement_with_the_source_that_dates_it(
    shaped: list[Statement],
) -> None:
    (signature,) = find(shaped, UNCC.iri, "P1891", "Q881")
    assert signature.subject == UNCC  # no QID is known for the treaty: our IRI stands in
    assert signature.qualifiers == (("P585", Time("2025-10-25", DAY)),)
    # newshour names Viet Nam as a signatory without a date, so it is not cited for the date.
    assert signature.references == (Reference(QDND, RETRIEVED),)


def test_membership_dates_keep_their_precision(shaped: list[Statement]) -> None:
    (asean,) = find(shaped, "Q881", "P463", "Q7768")
    assert asean.qualifiers == (("P580", Time("1995", YEAR)),)
    (five_eyes_uk,) = find(shaped, "Q145", "P463", "https://w3id.org/cybertreaty/id/org/five-eyes")
    assert five_eyes_uk.qualifiers == (("P580", Time("1946-03", MONTH)),)


def test_iso_codes_are_direct_claims_and_sourced_statements(
    graph_store: ox.Store, shaped: list[Statement]
) -> None:
    triples = graph_store.query(queries.load("iso-codes").sparql)
    assert isinstance(triples, ox.QueryTriples)
    direct = {(t.subject.value, t.predicate.value, t.object.value) for t in triples}
    assert (WD + "Q881", "http://www.wikidata.org/prop/direct/P297", "VN") in direct
    assert (WD + "Q881", "http://www.wikidata.org/prop/direct/P298", "VNM") in direct
    (code,) = find(shaped, "Q881", "P298", "VNM")
    assert code.references == (Reference("https://pypi.org/project/pycountry/"),)
    assert len([s for s in shaped if s.pid in ("P297", "P298")]) == 2 * 195


def test_observers_are_not_members(shaped: list[Statement]) -> None:
    # Timor-Leste (Q574) was an ASEAN observer from 2022 and has been a member since 26 Oct 2025.
    memberships = [s for s in shaped if s.key == ("Q574", "P463", "Q7768")]
    assert [dict(s.qualifiers).get("P582") for s in memberships] == [None]


def test_every_kind_of_consent_is_ratified_by(shaped: list[Statement]) -> None:
    cets = "https://w3id.org/cybertreaty/id/treaty/cets-185"
    (accession,) = find(shaped, cets, "P6193", "Q1008")  # Côte d'Ivoire acceded on 29 Jul 2024
    assert accession.qualifiers == (("P585", Time("2024-07-29", DAY)),)
    (ratification,) = find(shaped, cets, "P6193", "Q142")
    assert ratification.qualifiers == (("P585", Time("2006-01-10", DAY)),)


def test_only_entities_without_an_item_get_instance_of(shaped: list[Statement]) -> None:
    typed = {s.subject.iri: s.value for s in shaped if s.pid == "P31"}
    treaty = Item(WD + "Q131569")
    assert typed == {
        "https://w3id.org/cybertreaty/id/treaty/uncc": treaty,
        "https://w3id.org/cybertreaty/id/treaty/cets-185": treaty,
        "https://w3id.org/cybertreaty/id/treaty/cets-224": treaty,
        "https://w3id.org/cybertreaty/id/treaty/ets-189": treaty,
    }


DOUBTFUL_ONLY = """
PREFIX ct: <https://w3id.org/cybertreaty/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?treaty ?pid ?item WHERE {
  ?action ct:actor/owl:sameAs ?item ; ct:instrument ?treaty .
  { ?action a ct:Signature BIND ("P1891" AS ?pid) }
  UNION
  { ?action a/rdfs:subClassOf* ct:ConsentToBeBound BIND ("P6193" AS ?pid) }
  # every source that reports the action flags it unverified or contradicted
  FILTER NOT EXISTS {
    GRAPH ?g { ?action ct:source ?doc }
    FILTER NOT EXISTS { GRAPH ?g { ?action ct:doubt ?d } FILTER (?d IN (ct:Unverified, ct:Contradicted)) }
  }
}
"""


def test_no_unverified_or_contradicted_fact_is_shaped(graph_store: ox.Store, shaped: list[Statement]) -> None:
    solutions = graph_store.query(DOUBTFUL_ONLY)
    assert isinstance(solutions, ox.QuerySolutions)
    doubtful = {(s["treaty"].value, s["pid"].value, s["item"].value.removeprefix(WD)) for s in solutions}
    # Canada's and the United States' claimed Hanoi signatures, Qatar's and Viet Nam's ratifications
    expected = {(UNCC.iri, "P1891", "Q16"), (UNCC.iri, "P1891", "Q30")}
    assert expected | {(UNCC.iri, "P6193", "Q846"), (UNCC.iri, "P6193", "Q881")} <= doubtful
    assert not doubtful & {s.key for s in shaped}
    assert find(shaped, UNCC.iri, "P1891", "Q881"), "Viet Nam's signature is not in doubt"


def test_a_statement_that_another_one_qualifies_further_is_dropped() -> None:
    subject, value = Item("https://example.org/treaty"), Item(WD + "Q1")
    dated = Statement(
        subject, "P1891", value, (("P585", Time("2025-10-25", DAY)),), (Reference("https://a"),)
    )
    undated = Statement(subject, "P1891", value, (), (Reference("https://b"),))
    same = Statement(subject, "P1891", value, dated.qualifiers, (Reference("https://c"),))
    other_day = Statement(
        subject, "P1891", value, (("P585", Time("2025-10-26", DAY)),), (Reference("https://d"),)
    )
    kept = drop_dominated([dated, undated, same, other_day])
    assert sorted(kept, key=Statement.sort_key) == [dated, other_day]
    merged = next(s for s in kept if s == dated)
    assert merged.references == (Reference("https://a"), Reference("https://c"))
