"""Reconciliation over the real graph: real spellings, codes and items map to the right entity."""

from __future__ import annotations

import pycountry
import pyoxigraph as ox
import pytest

from cybertreaty.graph.wikidata.reconcile import Index, fold, variants

# (what a spreadsheet says, the entity, whether it is a confident match)
SPELLINGS = [
    ("Vietnam", "VNM", True),
    ("Viet Nam", "VNM", True),
    ("viet-nam", "VNM", True),
    ("Socialist Republic of Viet Nam", "VNM", True),
    ("VN", "VNM", True),
    ("vnm", "VNM", True),
    ("704", "VNM", True),
    ("Q881", "VNM", True),
    ("http://www.wikidata.org/entity/Q881", "VNM", True),
    ("Türkiye", "TUR", True),
    ("TURKIYE", "TUR", True),
    ("Turkey", "TUR", False),  # the old name: only similar to Türkiye, so offered but not matched
    ("Côte d'Ivoire", "CIV", True),
    ("Cote d\u2019Ivoire", "CIV", True),  # a typographic apostrophe
    ("Republic of Korea", "KOR", True),  # pycountry's "Korea, Republic of", turned round
    ("South Korea", "KOR", True),
    ("State of Palestine", "PSE", True),
    ("Holy See", "VAT", True),
    ("Russia", "RUS", False),  # begins "Russian Federation"
    ("4", "AFG", True),  # numeric codes keep their leading zeros: 004
    ("Q35", "DNK", True),
    ("European Union", "eu", True),
    ("EU", "eu", True),
    ("Five Eyes", "five-eyes", True),
    ("UNODC", "unodc", True),
    ("Council of Europe", "coe", True),
]


@pytest.fixture(scope="module")
def index(graph_store: ox.Store) -> Index:
    return Index.load(graph_store)


@pytest.mark.parametrize(("query", "entity", "match"), SPELLINGS, ids=[q for q, _, _ in SPELLINGS])
def test_spellings_codes_and_items_find_the_entity(
    index: Index, query: str, entity: str, match: bool
) -> None:
    best = index.reconcile(query)[0]
    assert (best.id, best.match) == (entity, match)
    assert best.iri.endswith(f"/{entity}")
    assert (best.score == 100) is match


def test_the_spellings_cover_what_the_brief_lists() -> None:
    assert len(SPELLINGS) == 26


def test_ivory_coast_is_found_only_if_pycountry_knows_the_name(index: Index) -> None:
    civ = pycountry.countries.get(alpha_3="CIV")
    names = {getattr(civ, a, "") for a in ("name", "official_name", "common_name")}
    known = any("ivory" in fold(n) for n in names)
    found = index.reconcile("Ivory Coast")
    assert [c.id for c in found[:1]] == (["CIV"] if known else [])


def test_a_close_match_scores_below_a_same_as(index: Index) -> None:
    (denmark,) = index.reconcile("Q756617")  # the Kingdom of Denmark, recorded as a close match
    assert (denmark.id, denmark.score, denmark.match) == ("DNK", 90, False)


def test_ambiguity_is_left_to_the_curator(index: Index) -> None:
    both = index.reconcile("AU")
    assert {(c.id, c.score, c.match) for c in both} == {("au", 100, False), ("AUS", 100, False)}
    (state,) = index.reconcile("AU", type="State")
    assert (state.id, state.match, state.via) == ("AUS", True, 'ISO 3166-1 alpha-2 "AU"')
    (union,) = index.reconcile("AU", type="Organisation")
    assert (union.id, union.name, union.match) == ("au", "African Union", True)
    koreas = index.reconcile("Korea")
    assert {c.id for c in koreas[:2]} == {"KOR", "PRK"} and not any(c.match for c in koreas)


def test_noise_finds_nothing_and_limits_hold(index: Index) -> None:
    assert index.reconcile("xyz") == []
    assert index.reconcile("Q999999999") == []
    assert len(index.reconcile("Republic", limit=3)) <= 3


def test_an_unknown_type_is_refused(index: Index) -> None:
    with pytest.raises(ValueError, match="unknown type 'Treaty'; known types: State, Organisation"):
        index.reconcile("uncc", type="Treaty")


def test_folding_and_variants() -> None:
    assert fold("Côte d\u2019Ivoire") == fold("COTE D'IVOIRE") == "cote d ivoire"
    assert fold("The Gambia") == "gambia"
    assert variants("Korea, Republic of") == {"korea republic of", "republic of korea"}
    assert variants("Holy See (Vatican City State)") == {
        "holy see vatican city state",
        "holy see",
        "vatican city state",
    }
