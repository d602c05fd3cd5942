"""The REST API's answers on the real graph, checked against the sources.

Expected values come from the source documents, not from data/: the newshour article of
29 Oct 2025 (72 signatories, of which it names 55; the Five Eyes members that had not signed; the
EU's thirteen member States that signed; Viet Nam first to sign as host), the UN Treaty Collection
(72 signatories; 40 instruments for entry into force, article 65(1)) and the General Assembly's
recorded vote on resolution 74/247 (79 in favour, 60 against, 33 abstaining; 21 non-voting derived
from the Voeten dataset).
"""

from __future__ import annotations

import httpx
import pytest

from tests.service.api.helpers import all_items, get_json, ids
from tests.service.real_graph import BASE, RealServer

UNCC = "/api/treaties/uncc"


# --- Who signed, who did not, by group ---------------------------------------------------------


def test_five_eyes_members_that_had_not_signed_on_29_october_2025(
    client: httpx.Client, real_server: RealServer
) -> None:
    items = all_items(
        client,
        real_server,
        f"{UNCC}/signature-status",
        group="five-eyes",
        as_of="2025-10-29",
        status="not-signed",
    )
    assert ids(items, "actor_id") == {"CAN", "NZL", "USA"}
    # The false claims that Canada and the US signed in Hanoi are kept, flagged, and not counted.
    flagged = {i["actor_id"]: i["doubted_claims"] for i in items}
    assert flagged["CAN"] and flagged["USA"] and not flagged["NZL"]
    assert all(i["reported_not_signed_as_of"] == ["2025-10-29"] for i in items)


def test_five_eyes_members_that_signed_are_australia_and_the_uk(
    client: httpx.Client, real_server: RealServer
) -> None:
    items = all_items(client, real_server, f"{UNCC}/signature-status", group="five-eyes", as_of="2025-10-29")
    status = {i["actor_id"]: i["signature_status"] for i in items}
    assert status == {
        "AUS": "signed",
        "GBR": "signed",
        "CAN": "not-signed",
        "NZL": "not-signed",
        "USA": "not-signed",
    }


def test_canada_s_later_signature_is_only_uncertain(client: httpx.Client, real_server: RealServer) -> None:
    """An AI-generated digest (unverified) reports a signature in July 2026: flagged, never certain."""
    items = all_items(client, real_server, f"{UNCC}/signature-status", group="five-eyes", status="uncertain")
    assert ids(items, "actor_id") == {"CAN"}


def test_the_thirteen_eu_member_states_that_signed(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(
        client, real_server, f"{UNCC}/signature-status", group="eu", as_of="2025-10-29", status="signed"
    )
    assert ids(items, "actor_id") == {
        *("AUT", "BEL", "CZE", "GRC", "FRA", "IRL", "LUX", "POL", "PRT", "SVK", "SVN", "ESP", "SWE"),
    }


def test_the_eu_itself_signed(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, f"{UNCC}/signature-status", as_of="2025-10-29", status="signed")
    assert "eu" in ids(items, "actor_id")


@pytest.mark.parametrize(
    ("group", "named"),
    [
        # newshour: "Signatories from the continent include Algeria, Angola, the Democratic Republic of the
        # Congo, Egypt, Libya, Nigeria, Uganda, the United Republic of Tanzania, and Togo."
        ("au", {"DZA", "AGO", "COD", "EGY", "LBY", "NGA", "UGA", "TZA", "TGO"}),
        ("asean", {"VNM", "KHM", "LAO", "MYS", "PHL", "THA"}),
        ("caricom", {"JAM"}),
    ],
    ids=["african-union", "asean", "caricom"],
)
def test_group_signatories_include_those_the_sources_name(
    client: httpx.Client, real_server: RealServer, group: str, named: set[str]
) -> None:
    items = all_items(client, real_server, f"{UNCC}/signature-status", group=group, as_of="2025-10-29")
    signed = {i["actor_id"] for i in items if i["signature_status"] == "signed"}
    assert named <= signed
    assert {i["signature_status"] for i in items} <= {"signed", "not-signed"}
    assert all(i["signatures"] for i in items if i["signature_status"] == "signed")


def test_african_union_positions(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, "/api/groups/au/positions")
    assert {"DZA", "AGO", "NGA", "UGA"} <= ids(items, "actor_id")
    assert {i["stance"] for i in items} == {"supports"}
    assert all(i["sources"] for i in items)


# --- A treaty's status -------------------------------------------------------------------------


def test_uncc_status_after_hanoi(client: httpx.Client, real_server: RealServer) -> None:
    status = get_json(client, real_server, f"{UNCC}/status", as_of="2025-10-29")
    signatories = status["signatories"]
    assert signatories["reported"] == 72
    assert signatories["named"] == 72  # 70 UN members, the State of Palestine and the EU (UNTC)
    assert signatories["uncertain"] == 0
    assert signatories["summary"] == "72 signatories reported, 72 named in the graph"
    assert {i["actor_id"] for i in status["signatory_list"]} >= {"VNM", "PSE", "eu", "AUS", "GBR"}
    assert status["facts"]["entry_into_force_threshold"] == 40


def test_uncc_status_on_the_first_day(client: httpx.Client, real_server: RealServer) -> None:
    """65 signed on 25 Oct (WAM, QNA); four more signed in Hanoi on a day no source gives."""
    status = get_json(client, real_server, f"{UNCC}/status", as_of="2025-10-25")
    assert status["signatories"]["named"] == 65
    assert status["signatories"]["uncertain"] == 4


def test_entry_into_force_counts_no_unverified_ratification(
    client: httpx.Client, real_server: RealServer
) -> None:
    """Only an AI-generated outlet reports ratifications (Qatar, Viet Nam): uncertain, not counted."""
    eif = get_json(client, real_server, f"{UNCC}/status")["entry_into_force"]
    assert eif["threshold"] == 40
    assert eif["counted"] == 0
    assert eif["remaining"] == 40
    assert sorted(eif["uncertain"]) == ["QAT", "VNM"]
    assert eif["reio_counts_separately"] is False  # article 65(1)
    assert eif["entered_into_force_on"] is None
    assert eif["summary"].startswith("0 of 40 instruments; 2 claimed but unverified or undated, not counted")


def test_the_budapest_convention_is_in_force(client: httpx.Client, real_server: RealServer) -> None:
    eif = get_json(client, real_server, "/api/treaties/cets-185/status")["entry_into_force"]
    assert eif["entered_into_force_on"] == "2004-07-01"  # the CoE's treaty chart
    assert eif["remaining"] == 0
    assert "threshold of 5 is reached" in eif["summary"]


def test_reported_counts_keep_the_doubted_ones_flagged(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, f"{UNCC}/reported-counts")
    doubted = {(i["count_of"], i["value"]) for i in items if i["doubts"]}
    assert ("ratifications", 72) in doubted  # the newshour headline "72 States ratify"
    assert ("signatories", 74) in doubted


def test_budapest_convention_parties(client: httpx.Client, real_server: RealServer) -> None:
    parties = all_items(client, real_server, "/api/treaties/cets-185/parties")
    assert {"ALB", "AND", "FRA", "USA", "GBR"} <= {
        p["actor_id"] for p in parties if p["party_status"] == "party"
    }


# --- A State's profile -------------------------------------------------------------------------


def test_viet_nam_profile(client: httpx.Client, real_server: RealServer) -> None:
    profile = get_json(client, real_server, "/api/states/vnm")
    names = profile["names"]
    assert (names["iso3"], names["iso2"], names["iso_numeric"]) == ("VNM", "VN", "704")
    assert names["iso_name"] == "Viet Nam"
    assert names["wikidata"] == ["http://www.wikidata.org/entity/Q881"]
    assert [m["organisation_id"] for m in profile["memberships"]] == ["asean"]
    (signature,) = profile["signatures"]
    assert signature["date"] == "2025-10-25"
    assert signature["place"] == BASE + "id/place/hanoi"
    assert signature["first_to_sign"] is True
    assert signature["sources"]
    votes = {v["resolution"]: v["vote_option"] for v in profile["votes"]}
    assert votes[BASE + "id/resolution/a-res-74-247"] == "yes"
    assert profile["sponsorships"] == []  # not a sponsor or co-sponsor of A/C.3/74/L.11
    (consent,) = profile["consents"]
    assert consent["doubts"] == ["unverified"]
    assert profile["links"]["linked_data"] == "/id/state/VNM"


def test_finland_spoke_for_the_eu(client: httpx.Client, real_server: RealServer) -> None:
    profile = get_json(client, real_server, "/api/states/FIN")
    (position,) = profile["positions"]
    assert position["stance"] == "opposes"
    assert position["on_behalf_of"] == BASE + "id/org/eu"
    assert position["doubts"] == ["secondary"]


def test_non_signature_report_in_the_profile(client: httpx.Client, real_server: RealServer) -> None:
    (report,) = get_json(client, real_server, "/api/states/NZL")["non_signature_reports"]
    assert report["date"] == "2025-10-29"
    assert report["sources"] == [BASE + "id/source/newshour-2025-10-29"]


def test_state_actions_filter_by_type(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, "/api/states/AZE/actions", type="DomesticApproval")
    assert sorted(i["date"] for i in items) == ["2026-02", "2026-02-10", "2026-02-23"]


# --- A resolution's vote -----------------------------------------------------------------------


def test_74_247_totals(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, "/api/resolutions/a-res-74-247/vote-totals")
    plenary = next(i for i in items if i["vote_event"].endswith("unga-plenary-74-247"))
    assert (plenary["yes"], plenary["no"], plenary["abstain"], plenary["not_voting"]) == (79, 60, 33, 21)
    counted = (
        plenary["counted_yes"],
        plenary["counted_no"],
        plenary["counted_abstain"],
        plenary["counted_not_voting"],
    )
    assert counted == (79, 60, 33, 21)
    committee = next(i for i in items if "third-committee" in i["vote_event"])
    assert (committee["yes"], committee["no"], committee["abstain"]) == (88, 58, 34)


def test_74_247_votes_by_option_and_group(client: httpx.Client, real_server: RealServer) -> None:
    against = all_items(client, real_server, "/api/resolutions/a-res-74-247/votes", option="no")
    assert len(against) == 60
    eu_against = all_items(
        client, real_server, "/api/resolutions/a-res-74-247/votes", option="no", group="eu"
    )
    assert len(eu_against) == 27
    five_eyes = all_items(client, real_server, "/api/resolutions/a-res-74-247/votes", group="five-eyes")
    assert {v["iso3"]: v["vote_option"] for v in five_eyes} == dict.fromkeys(
        ["AUS", "CAN", "GBR", "NZL", "USA"], "no"
    )


# --- Cross-questions ---------------------------------------------------------------------------


def test_budapest_parties_that_signed_the_uncc(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, "/api/cross/parties-that-signed")
    # newshour: "several parties to the Budapest Convention have signed the new UN treaty, including Brazil,
    # Chile, Costa Rica, Côte d'Ivoire, the Dominican Republic, Ecuador, Ghana, Morocco, Peru, the
    # Philippines, Sri Lanka..."
    named = {"BRA", "CHL", "CRI", "CIV", "DOM", "ECU", "GHA", "MAR", "PER", "PHL", "LKA"}
    assert named <= ids(items, "iso3")
    assert not ids(items, "iso3") & {"CAN", "USA"}  # their Hanoi signatures are contradicted


def test_states_that_voted_against_74_247_and_later_signed(
    client: httpx.Client, real_server: RealServer
) -> None:
    items = all_items(client, real_server, "/api/cross/voted-then-signed")
    assert {"AUS", "GBR", "FRA", "ESP"} <= ids(items, "iso3")
    assert not ids(items, "iso3") & {"CAN", "USA", "NZL"}
    assert all(i["vote_option"] == "no" and i["vote_dates"] == ["2019-12-27"] for i in items)


def test_co_sponsors_of_74_247_that_signed(client: httpx.Client, real_server: RealServer) -> None:
    items = all_items(client, real_server, "/api/cross/sponsors-that-signed")
    # The draft's original sponsors (A/C.3/74/L.11) that signed in Hanoi.
    assert {"RUS", "CHN", "BLR", "KHM", "NIC", "PRK", "VEN"} <= ids(items, "iso3")
    russia = next(i for i in items if i["iso3"] == "RUS")
    assert "Sponsorship" in russia["sponsorship_types"]


# --- Sources -----------------------------------------------------------------------------------


def test_source_documents(client: httpx.Client, real_server: RealServer) -> None:
    official = all_items(client, real_server, "/api/sources", kind="official")
    assert "untc-xviii-16" in ids(official, "source_id")
    assert {s["source_kind"] for s in official} == {"official"}


def test_what_newshour_says(client: httpx.Client, real_server: RealServer) -> None:
    claims = all_items(client, real_server, "/api/sources/newshour-2025-10-29/claims")
    by_claim = {c["claim"]: c for c in claims}
    signature = by_claim[BASE + "id/action/signature-VNM-uncc-2025-10-25"]
    assert "Viet Nam, as the host country, was the first to sign the Convention." in signature["quotes"]
    assert BASE + "id/action/not-signed-NZL-uncc-2025-10-29" in by_claim


def test_disagreements(client: httpx.Client, real_server: RealServer) -> None:
    dates = all_items(client, real_server, "/api/disagreements/dates", treaty="uncc")
    assert {(d["action_type"], d["date"], d["other_date"]) for d in dates} >= {
        ("Signature", "2025-10", "2026-07")
    }
    contradicted = all_items(client, real_server, "/api/disagreements/doubted-claims")
    assert {
        BASE + "id/action/signature-CAN-uncc-2025-10",
        BASE + "id/action/signature-USA-uncc-2025-10",
        BASE + "id/action/signature-ARE-uncc-2025-10",
    } <= ids(contradicted, "claim")
    assert all(c["notes"] for c in contradicted)
    counts = all_items(client, real_server, "/api/disagreements/counts", treaty="uncc")
    assert {72, 74} <= {c["value"] for c in counts if c["count_of"] == "signatories"}


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("VN", "VNM"),
        ("704", "VNM"),
        ("Q881", "VNM"),
        ("eu", "eu"),
        ("Socialist Republic of Viet Nam", "VNM"),
    ],
)
def test_search(client: httpx.Client, real_server: RealServer, query: str, expected: str) -> None:
    found = get_json(client, real_server, "/api/search", q=query)["items"]
    assert found[0]["id"] == expected
    assert found[0]["page"].startswith("/id/")
