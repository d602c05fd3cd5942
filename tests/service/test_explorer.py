"""The explorer without a browser: its pages and files are served, and the API answers its pages draw
are right on the real graph (tests/service/test_explorer_browser.py drives the pages in Chromium).

The status per State that colours the map (explorer-state-status) is checked against the REST API's
other questions (signature-status, treaty-parties) and against the facts the sources give: 72
signatures at the Hanoi ceremony (UN Treaty Collection), Mauritius signing on 19 Nov 2025 (Dutch
treaty database), the US reported as not having signed (newshour, 29 Oct 2025), the vote on
resolution 74/247 (79 in favour, 60 against, 33 abstaining, 21 not voting).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx
import pytest

from cybertreaty.service import explorer, explorer_assets
from cybertreaty.service.explorer_home import Count, Release
from tests.service.api.helpers import all_items, get_json
from tests.service.real_graph import BASE, RealServer, real_build, real_server

__all__ = ["real_build", "real_server"]  # the real graph's fixtures, shared with this module

UNCC_STATES = "/api/explorer/treaties/uncc/states"
PAGES = ("/", "/explorer/map", "/explorer/timeline")
EXTERNAL_LOAD = re.compile(r"""(?:src="|<link [^>]*href=")(?:https?:)?//""")  # scripts, images, styles


@pytest.fixture(scope="module")
def statuses(real_server: RealServer) -> dict[str, dict[str, Any]]:
    """The map's rows, by actor id."""
    with httpx.Client(timeout=30) as http:
        return {row["actor_id"]: row for row in all_items(http, real_server, UNCC_STATES)}


def page(client: httpx.Client, server: RealServer, path: str) -> str:
    response = client.get(server.url + path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe" not in policy
    return response.text


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere(client: httpx.Client, real_server: RealServer, path: str) -> None:
    html = page(client, real_server, path)
    assert not EXTERNAL_LOAD.search(html), "every script and style sheet is on this server"
    assert "<script>" not in html and " style=" not in html and "onclick=" not in html
    for href in ("/", "/explorer/map", "/explorer/timeline", "/docs", "/sparql", "/ontology", "/void"):
        assert f'href="{href}"' in html


def test_home_page_says_what_the_graph_holds(client: httpx.Client, real_server: RealServer) -> None:
    html = page(client, real_server, "/")
    sources = get_json(client, real_server, "/api/sources")["total"]
    counts = {row["label"]: row["count"] for row in all_items(client, real_server, "/api/explorer/counts")}
    assert counts["State"] == 195 and counts["Source document"] == sources
    assert f'<a href="/api/sources">{sources} source documents</a>' in html
    assert '<a href="/ontology#State">State</a></th><td class="number">195</td>' in html
    # The release, from the build's VoID description (tests/service/real_graph.py builds on 2026-11-23).
    assert '<time datetime="2026-11-23">2026-11-23</time>' in html
    for dump in ("cybertreaty.nq", "cybertreaty.trig", "cybertreaty.ttl", "cybertreaty.jsonld"):
        assert f'href="/dump/{dump}"' in html
        assert client.head(f"{real_server.url}/dump/{dump}").status_code == 200
    assert 'href="/id/treaty/uncc"' in html


def test_map_and_timeline_pages_carry_their_settings(client: httpx.Client, real_server: RealServer) -> None:
    html = page(client, real_server, "/explorer/map")
    assert f'data-base-iri="{BASE}"' in html and 'data-treaty="uncc"' in html
    assert 'data-resolution="a-res-74-247"' in html
    assert 'data-atlas="/static/vendor/countries-50m.json?v=2.0.2"' in html
    for option in ("eu", "au", "asean", "caricom", "coe", "five-eyes", "cets-185"):
        assert f'<option value="{option}"' in html
    assert '<script type="module" src="/static/explorer/map.js"></script>' in html
    timeline = page(client, real_server, "/explorer/timeline")
    assert '<script type="module" src="/static/explorer/timeline.js"></script>' in timeline


def test_templates_escape_data() -> None:
    """A label from the data is text: markup in it is escaped, never rendered."""
    kinds = [Count("<script>alert(1)</script>", 1, "https://w3id.org/cybertreaty/ontology#State")]
    release = Release('"><img src=x>', "<b>bold</b>", "1", "2026-01-01", 1, 1, ())
    html = explorer.render("home.html", page="home", kinds=kinds, sources=1, release=release, treaty="uncc")
    text = bytes(html.body).decode()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text


# --- Static files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(explorer_assets.OWN_FILES))
def test_our_scripts_and_style_sheet(client: httpx.Client, real_server: RealServer, name: str) -> None:
    response = client.get(f"{real_server.url}/static/explorer/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == explorer_assets.OWN_FILES[name]
    assert "innerHTML" not in response.text and "insertAdjacentHTML" not in response.text


@pytest.mark.skipif(bool(explorer_assets.vendor_missing()), reason="npm packages missing: run `make install`")
@pytest.mark.parametrize("name", sorted(explorer_assets.VENDOR_FILES))
def test_vendored_files_from_node_modules(client: httpx.Client, real_server: RealServer, name: str) -> None:
    response = client.get(f"{real_server.url}{explorer_assets.vendor_url(name)}")
    assert response.status_code == 200
    expected = explorer_assets.VENDOR_FILES[name].media_type
    assert response.headers["content-type"].split(";")[0] == expected.split(";")[0]
    assert "max-age" in response.headers["cache-control"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/package.json",
        "/static/vendor/..%2F..%2Fpackage.json",
        "/static/vendor/%2e%2e%2fd3-geo%2fpackage.json",
        "/static/explorer/..%2F..%2Fexplorer.py",
        "/static/explorer/map.ts",
    ],
)
def test_only_allowlisted_files_are_served(client: httpx.Client, real_server: RealServer, path: str) -> None:
    assert client.get(real_server.url + path).status_code == 404


# --- The answers the map draws --------------------------------------------------------------------


def test_every_state_and_the_eu_has_one_status(statuses: dict[str, dict[str, Any]]) -> None:
    states = [row for row in statuses.values() if row["actor_kind"] == "state"]
    assert len(states) == 195
    assert all(re.fullmatch(r"\d{3}", row["iso_numeric"]) for row in states)
    assert statuses["eu"]["actor_kind"] == "reio" and statuses["eu"]["iso_numeric"] is None
    known = {
        "ratified",
        "signed-at-ceremony",
        "signed-later",
        "signed",
        "reported-not-signed",
        "no-information",
    }
    assert {row["status"] for row in statuses.values()} <= known


def test_72_signed_at_the_hanoi_ceremony(statuses: dict[str, dict[str, Any]]) -> None:
    hanoi = {code for code, row in statuses.items() if row["status"] == "signed-at-ceremony"}
    assert len(hanoi) == 72 and "eu" in hanoi  # 71 States and the European Union
    assert statuses["VNM"]["dates"] == ["2025-10-25"] and statuses["VNM"]["places"] == ["Hanoi, Viet Nam"]
    assert f"{BASE}id/source/newshour-2025-10-29" in statuses["VNM"]["sources"]
    assert statuses["MLI"]["dates"] == ["2025-10-26"]  # the ceremony's second day


def test_mauritius_signed_later(statuses: dict[str, dict[str, Any]]) -> None:
    mauritius = statuses["MUS"]
    assert mauritius["status"] == "signed-later"
    assert mauritius["dates"] == ["2025-11-19"]
    assert mauritius["places"] == ["United Nations Headquarters, New York"]
    assert mauritius["sources"] == [f"{BASE}id/source/verdragen-uncc"]


def test_reported_as_not_signed_and_false_claims_kept_visible(statuses: dict[str, dict[str, Any]]) -> None:
    usa = statuses["USA"]
    assert usa["status"] == "reported-not-signed" and usa["dates"] == ["2025-10-29"]
    assert usa["sources"] == [f"{BASE}id/source/newshour-2025-10-29"]
    assert usa["doubts"] == ["contradicted"]  # the false report that it signed in Hanoi
    canada = statuses["CAN"]  # an unverified later signature does not make Canada a signatory
    assert canada["status"] == "reported-not-signed" and "unverified" in canada["doubts"]
    assert statuses["ARE"]["status"] == "no-information" and statuses["ARE"]["doubts"] == ["contradicted"]


def test_unverified_ratifications_are_doubted_not_counted(statuses: dict[str, dict[str, Any]]) -> None:
    assert not [code for code, row in statuses.items() if row["status"] == "ratified"]
    for code in ("QAT", "VNM"):
        assert statuses[code]["status"] == "signed-at-ceremony"
        assert statuses[code]["doubted"] == ["Ratification, date unknown: unverified"]
        assert statuses[code]["doubts"] == ["unverified"]


def test_statuses_agree_with_the_api_s_other_answers(
    client: httpx.Client, real_server: RealServer, statuses: dict[str, dict[str, Any]]
) -> None:
    """Signed on the map = signed by signature-status; ratified = a party by treaty-parties."""
    signature = {
        r["actor_id"]: r for r in all_items(client, real_server, "/api/treaties/uncc/signature-status")
    }
    parties = all_items(client, real_server, "/api/treaties/uncc/parties")
    signed = {code for code, row in statuses.items() if row["status"].startswith("signed")}
    assert signed == {code for code, row in signature.items() if row["signature_status"] == "signed"}
    ratified = {code for code, row in statuses.items() if row["status"] == "ratified"}
    assert ratified == {row["actor_id"] for row in parties if row["party_status"] == "party"}
    reported = {code for code, row in statuses.items() if row["status"] == "reported-not-signed"}
    assert reported == {
        code
        for code, row in signature.items()
        if row["reported_not_signed_as_of"] and row["signature_status"] != "signed"
    }
    assert reported == {"CAN", "IND", "ISR", "JPN", "MEX", "NLD", "NZL", "USA"}


def test_the_vote_on_74_247(client: httpx.Client, real_server: RealServer) -> None:
    votes = all_items(client, real_server, "/api/resolutions/a-res-74-247/votes")
    assert Counter(v["vote_option"] for v in votes) == {"yes": 79, "no": 60, "abstain": 33, "not-voting": 21}


@pytest.mark.parametrize(("group", "members"), [("eu", 27), ("five-eyes", 5), ("asean", 11), ("coe", 46)])
def test_group_members(client: httpx.Client, real_server: RealServer, group: str, members: int) -> None:
    rows = all_items(client, real_server, f"/api/explorer/groups/{group}/members")
    current = {r["iso3"] for r in rows if r["current"] and r["role"] != "observer"}
    assert len(current) == members


def test_timor_leste_was_an_asean_observer_before_it_joined(
    client: httpx.Client, real_server: RealServer
) -> None:
    rows = [
        r for r in all_items(client, real_server, "/api/explorer/groups/asean/members") if r["iso3"] == "TLS"
    ]
    roles = {r["role"]: (r["start"], r["end"], r["current"]) for r in rows}
    assert roles == {"observer": ("2022", "2025-10-26", False), "member": ("2025-10-26", None, True)}


# --- The answers the timeline draws ---------------------------------------------------------------


def test_timeline_events(client: httpx.Client, real_server: RealServer) -> None:
    rows = all_items(client, real_server, "/api/explorer/treaties/uncc/timeline")
    by_label = {(r["kind"], r["label"]): r for r in rows}
    for number, method in (
        ("73/187", "recorded-vote"),
        ("74/247", "recorded-vote"),
        ("79/243", "without-vote"),
    ):
        assert by_label[("resolution-adopted", f"General Assembly resolution {number}")]["detail"] == method
    plenary = [r for r in rows if r["kind"] == "vote" and r["date"] == "2019-12-27"]
    assert [(r["yes"], r["no"], r["abstain"], r["not_voting"]) for r in plenary] == [(79, 60, 33, 21)]
    treaty = {r["kind"]: r["date"] for r in rows if r["event"] == f"{BASE}id/treaty/uncc"}
    assert treaty == {
        "treaty-adopted": "2024-12-24",
        "opened-for-signature": "2025-10-25",
        "signature-closes": "2026-12-31",
    }
    ceremony = [r for r in rows if r["kind"] == "ceremony"]
    assert [(r["date"], r["end_date"]) for r in ceremony] == [("2025-10-25", "2025-10-26")]
    signers = {
        r["actor_id"] for r in rows if r["kind"] == "signature" and r["at_ceremony"] and not r["doubts"]
    }
    assert len(signers) == 72
    later = [r for r in rows if r["kind"] == "signature" and not r["at_ceremony"] and not r["doubts"]]
    assert [(r["actor_id"], r["date"]) for r in later] == [("MUS", "2025-11-19")]
    consents = {r["actor_id"]: r["doubts"] for r in rows if r["kind"] == "consent"}
    assert consents == {"QAT": ["unverified"], "VNM": ["unverified"]}


def test_entry_into_force_count(client: httpx.Client, real_server: RealServer) -> None:
    force = get_json(client, real_server, "/api/treaties/uncc/status")["entry_into_force"]
    assert (force["counted"], force["threshold"], force["remaining"]) == (0, 40, 40)
    assert sorted(force["uncertain"]) == ["QAT", "VNM"] and force["reio_counts_separately"] is False
