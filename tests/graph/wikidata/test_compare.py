"""The comparison against a real Oxigraph server holding the Wikidata-shaped fixture: exactly the
three differences the fixture plants are reported, in a table and as JSON."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from cybertreaty.graph.wikidata.client import RetryPolicy
from cybertreaty.graph.wikidata.compare import Comparison, Finding, compare
from tests.graph.wikidata.conftest import SCOPE, TREATY_STAND_IN, needs_oxigraph
from tests.graph.wikidata.servers import WikidataStandIn

pytestmark = [pytest.mark.external, needs_oxigraph]

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.1, timeout=10)
TREATY_LABEL = "United Nations Convention against Cybercrime"


@pytest.fixture(scope="module")
def narrowed(wikidata_stand_in: WikidataStandIn, linked_store: ox.Store) -> Comparison:
    return compare(wikidata_stand_in.url, linked_store, actors=SCOPE, policy=FAST)


def test_exactly_the_planted_differences_are_found(narrowed: Comparison) -> None:
    assert narrowed.findings == (
        Finding(
            "missing-there",
            TREATY_STAND_IN,
            "P1891",
            "Q142",
            TREATY_LABEL,
            "France",
            ours="point in time 2025-10-25",
        ),
        Finding(
            "missing-here",
            TREATY_STAND_IN,
            "P1891",
            "Q183",
            TREATY_LABEL,
            "Germany",
            theirs="point in time 2025-10-26",
        ),
        Finding("conflict", "Q183", "P298", "DEU", "Germany", ours="DEU", theirs="GER"),
    )
    # 3 signatures (Viet Nam, Türkiye, the EU), 6 memberships, 7 ISO codes agree.
    assert narrowed.summary() == {"agreed": 16, "missing_there": 1, "missing_here": 1, "conflicts": 1}


def test_what_wikidata_already_states_is_known_for_the_export(narrowed: Comparison) -> None:
    assert ("Q183", "P298", "DEU") in narrowed.present_there  # in conflict: not to be added again
    assert ("Q881", "P463", "Q7768") in narrowed.present_there
    assert (TREATY_STAND_IN, "P1891", "Q142") not in narrowed.present_there


def test_the_json_report(narrowed: Comparison) -> None:
    report = json.loads(narrowed.as_json())
    assert report["summary"] == narrowed.summary()
    assert report["missing_there"] == [
        {
            "subject": TREATY_STAND_IN,
            "property": "P1891",
            "value": "Q142",
            "subject_label": TREATY_LABEL,
            "value_label": "France",
            "ours": "point in time 2025-10-25",
            "theirs": "",
        }
    ]
    assert [f["value"] for f in report["missing_here"]] == ["Q183"]
    assert [(f["subject"], f["ours"], f["theirs"]) for f in report["conflicts"]] == [("Q183", "DEU", "GER")]


def test_the_table(narrowed: Comparison, wikidata_stand_in: WikidataStandIn) -> None:
    table = narrowed.as_table().splitlines()
    assert table[0].split() == ["finding", "subject", "property", "value", "ours", "theirs"]
    assert table[2].startswith("missing-there  Q999999999 (United Nations Convention against Cybercrime)")
    assert "P1891 (signatory)" in table[2] and "Q142 (France)" in table[2]
    assert table[4].split() == [
        "conflict",
        "Q183",
        "(Germany)",
        "P298",
        "(ISO",
        "3166-1",
        "alpha-3)",
        "DEU",
        "DEU",
        "GER",
    ]
    assert table[-1] == (
        f"16 agreed, 1 missing there, 1 missing here, 1 in conflict ({wikidata_stand_in.url})"
    )


def test_without_narrowing_every_state_and_signatory_is_asked_about(
    wikidata_stand_in: WikidataStandIn, linked_store: ox.Store
) -> None:
    whole = compare(wikidata_stand_in.url, linked_store, policy=FAST)
    here = {(f.subject, f.value) for f in whole.of_kind("missing-here")}
    # The United States' signature is in the fixture; ours is contradicted, so it is not a fact here.
    assert here == {(TREATY_STAND_IN, "Q183"), (TREATY_STAND_IN, "Q30")}
    assert whole.of_kind("conflict") == narrowed_conflicts()
    there = whole.of_kind("missing-there")
    assert len({f.subject for f in there if f.property == "P297"}) == 195 - 5  # 5 States in the fixture
    # Türkiye's EU membership is deprecated in the fixture, and not ours: it is not reported.
    assert not [f for f in whole.findings if f.subject == "Q43" and f.value == "Q458"]


def narrowed_conflicts() -> tuple[Finding, ...]:
    return (Finding("conflict", "Q183", "P298", "DEU", "Germany", ours="DEU", theirs="GER"),)


def test_a_treaty_without_an_item_is_not_asked_about(
    wikidata_stand_in: WikidataStandIn, graph_store: ox.Store
) -> None:
    plain = compare(wikidata_stand_in.url, graph_store, actors=SCOPE, policy=FAST)
    assert [f for f in plain.findings if f.property == "P1891"] == []
    assert plain.findings == narrowed_conflicts()
    assert plain.agreed == 13  # the memberships and codes only
