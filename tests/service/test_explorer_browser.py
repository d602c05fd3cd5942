"""The explorer in a real browser: headless Debian Chromium against the real server on loopback,
serving the real graph built from data/.

The map must colour every State as the REST API answers (the expected counts are read from the API
here), switch to the vote on resolution 74/247, show a State's status, date and source on hover
and on keyboard focus, and open its page on Enter. No page may send a request that leaves the
server, log an error (a Content-Security-Policy violation is one) or throw. A screenshot of each
page is kept in build/test-artifacts/.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cybertreaty.service import explorer_assets
from tests.service.api.helpers import all_items, get_json
from tests.service.browser import Browser, PageLog, chromium_path
from tests.service.real_graph import BASE, RealServer, real_build, real_server

__all__ = ["real_build", "real_server"]  # the real graph's fixtures, shared with this module

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
MAP_DRAWN = "document.querySelectorAll('svg.map a.state[data-value]').length"
STATUSES = (
    "ratified",
    "signed-at-ceremony",
    "signed-later",
    "signed",
    "reported-not-signed",
    "no-information",
)
VOTES = ("yes", "no", "abstain", "not-voting", "no-record")

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (`make test` installs it)"),
    pytest.mark.skipif(
        bool(explorer_assets.vendor_missing()), reason="npm packages missing: run `make install`"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(timeout=30) as chromium:
        # Headless pages have no window focus: without this, focus events never fire.
        chromium.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
        yield chromium


@pytest.fixture(scope="module")
def states(real_server: RealServer) -> list[dict[str, Any]]:
    """The States the map draws, as the API answers (the EU is an organisation, not drawn)."""
    with httpx.Client(timeout=30) as http:
        rows = all_items(http, real_server, "/api/explorer/treaties/uncc/states")
    return [row for row in rows if row["actor_kind"] == "state"]


def assert_stayed_on(base: str, log: PageLog) -> None:
    """Every request went to our server, nothing was logged as an error, nothing was thrown."""
    elsewhere = [url for _, url in log.requests if not url.startswith((base + "/", "data:", "about:"))]
    assert not elsewhere, f"requests left {base}: {elsewhere}"
    assert not log.exceptions, log.exceptions
    errors = [line for line in log.console if line.startswith("error")]
    assert not errors, errors  # a Content-Security-Policy violation or a missing file would show here


def js(value: object) -> str:
    return json.dumps(value)


def open_map(browser: Browser, server: RealServer, count: int) -> None:
    browser.navigate(server.url + "/explorer/map")
    browser.wait_for(f"{MAP_DRAWN} === {count}", "every State painted")


def key(browser: Browser, name: str, code: int) -> None:
    """A real key press, as the keyboard sends it."""
    text = {"Enter": "\r"}.get(name, "")
    for kind in ("keyDown", "keyUp"):
        event = {"type": kind, "key": name, "code": name, "windowsVirtualKeyCode": code}
        browser.send(
            "Input.dispatchKeyEvent", {**event, "text": text} if kind == "keyDown" and text else event
        )


def hover(browser: Browser, selector: str) -> None:
    """Move the mouse to the middle of an element, checking that the element is what is there."""
    point = browser.evaluate(
        f"(() => {{ const e = document.querySelector({js(selector)}); e.scrollIntoView({{block: 'center'}});"
        " const r = e.getBoundingClientRect(); const x = r.x + r.width / 2, y = r.y + r.height / 2;"
        " const top = document.elementFromPoint(x, y); return {x, y, hit: e === top || e.contains(top)};"
        " })()"
    )
    assert point["hit"], f"{selector} is not under its own centre"
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": point["x"], "y": point["y"]})


def dom_counts(browser: Browser, values: tuple[str, ...]) -> dict[str, int]:
    count = "document.querySelectorAll(`svg.map a.state[data-value='${v}']`).length"
    script = f"{js(values)}.map(v => {count})"
    return {value: n for value, n in zip(values, browser.evaluate(script), strict=True) if n}


def fills(browser: Browser, values: tuple[str, ...]) -> dict[str, set[str]]:
    """The colours the States of each value are painted in, and their legend swatch's colour."""
    script = (
        f"Object.fromEntries({js(values)}.map(v => [v, ["
        " ...new Set([...document.querySelectorAll(`svg.map a.state[data-value='${v}'] .shape`)]"
        "   .map(e => getComputedStyle(e).fill)),"
        " ...[...document.querySelectorAll(`#legend .swatch-fill[data-value='${v}']`)]"
        "   .map(e => 'legend ' + getComputedStyle(e).fill)]]))"
    )
    return {value: set(colours) for value, colours in browser.evaluate(script).items() if colours}


def assert_one_colour_each(colours: dict[str, set[str]]) -> None:
    """Each value: one fill on the map, the same as its legend swatch; no two values share one."""
    painted = {}
    for value, seen in colours.items():
        on_map = {c for c in seen if not c.startswith("legend ")}
        legend = {c.removeprefix("legend ") for c in seen if c.startswith("legend ")}
        if not on_map:
            continue  # a value no State has (none has ratified yet) is only in the legend
        assert len(on_map) == 1 and legend == on_map, (value, seen)
        painted[value] = on_map.pop()
    assert len(set(painted.values())) == len(painted), painted


def tooltip(browser: Browser) -> str:
    browser.wait_for("!document.getElementById('map-tooltip').hidden", "the tooltip")
    return str(browser.evaluate("document.getElementById('map-tooltip').innerText"))


# --- The map --------------------------------------------------------------------------------------


def test_map_colours_each_state_by_its_status(
    browser: Browser, real_server: RealServer, states: list[dict[str, Any]]
) -> None:
    open_map(browser, real_server, len(states))
    browser.screenshot(ARTIFACTS / "explorer-map-status.png")
    expected = Counter(row["status"] for row in states)
    assert dom_counts(browser, STATUSES) == expected
    assert expected["signed-at-ceremony"] == 71 and expected["signed-later"] == 1  # and the EU: 72 in Hanoi
    assert_one_colour_each(fills(browser, STATUSES))
    value = "document.querySelector('a.state[data-iso3={}]').dataset.value"
    assert browser.evaluate(value.format("VNM")) == "signed-at-ceremony"
    assert browser.evaluate(value.format("USA")) == "reported-not-signed"
    assert browser.evaluate(value.format("MUS")) == "signed-later"
    hatched = browser.evaluate(
        "[...document.querySelectorAll('a.state .doubted')].map(e => e.parentNode.dataset.iso3)"
    )
    assert sorted(hatched) == sorted(row["actor_id"] for row in states if "unverified" in row["doubts"])
    assert sorted(hatched) == ["CAN", "QAT", "VNM"]
    legend = browser.evaluate(
        "document.querySelector('#legend li[data-value=\"signed-at-ceremony\"]').innerText"
    )
    assert "Signed at the Hanoi ceremony" in legend and "71" in legend
    assert browser.evaluate("document.querySelectorAll('#map-table tbody tr').length") == len(states)
    assert "European Union" in browser.evaluate("document.getElementById('reio-note').innerText")
    assert_stayed_on(real_server.url, browser.log)


def test_map_switches_to_the_vote_on_74_247(
    browser: Browser, real_server: RealServer, states: list[dict[str, Any]], client: httpx.Client
) -> None:
    open_map(browser, real_server, len(states))
    browser.click("input[name=layer][value=vote]")
    browser.wait_for("document.getElementById('map').dataset.layer === 'vote'", "the vote layer")
    browser.screenshot(ARTIFACTS / "explorer-map-vote.png")
    votes = all_items(client, real_server, "/api/resolutions/a-res-74-247/votes")
    expected = Counter(row["vote_option"] for row in votes)
    expected["no-record"] = len(states) - len(votes)  # the two observer States do not vote
    assert dom_counts(browser, VOTES) == expected
    assert dom_counts(browser, VOTES) == {
        "yes": 79,
        "no": 60,
        "abstain": 33,
        "not-voting": 21,
        "no-record": 2,
    }
    assert_one_colour_each(fills(browser, VOTES))
    assert browser.evaluate("getComputedStyle(document.querySelector('svg.map .doubted')).display") == "none"
    assert "79 yes; 60 no; 33 abstained; 21 did not vote" in browser.evaluate(
        "document.getElementById('map-summary').textContent"
    )
    assert_stayed_on(real_server.url, browser.log)


def test_group_overlays(
    browser: Browser, real_server: RealServer, states: list[dict[str, Any]], client: httpx.Client
) -> None:
    open_map(browser, real_server, len(states))
    choose = (
        "(() => {{ const s = document.getElementById('group'); s.value = {};"
        " s.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()"
    )
    browser.evaluate(choose.format(js("eu")))
    browser.wait_for("document.getElementById('map').dataset.overlay === 'group'", "the EU overlay")
    browser.screenshot(ARTIFACTS / "explorer-map-eu.png")
    members = {
        r["iso3"] for r in all_items(client, real_server, "/api/explorer/groups/eu/members") if r["current"]
    }
    outlined = browser.evaluate(
        "[...document.querySelectorAll('a.state[data-role=member]')].map(e => e.dataset.iso3)"
    )
    assert set(outlined) == members and len(members) == 27
    assert browser.evaluate("document.querySelectorAll('#map-table tbody tr').length") == 27
    faded = "getComputedStyle(document.querySelector('a.state[data-iso3=USA]')).opacity"
    assert float(browser.evaluate(faded)) < 0.5
    browser.evaluate(choose.format(js("cets-185")))
    browser.wait_for("document.getElementById('map').dataset.overlay === 'treaty'", "the Budapest overlay")
    parties = all_items(client, real_server, "/api/treaties/cets-185/parties")
    marked = browser.evaluate("document.querySelectorAll('a.state:not([data-role=none])').length")
    assert marked == len({r["actor_id"] for r in parties if r["actor_kind"] == "state"})
    assert_stayed_on(real_server.url, browser.log)


def test_a_state_s_tooltip_shows_status_date_and_source(
    browser: Browser, real_server: RealServer, states: list[dict[str, Any]], client: httpx.Client
) -> None:
    open_map(browser, real_server, len(states))
    sources = {row["source"]: row["title"] for row in all_items(client, real_server, "/api/sources")}
    hover(browser, "circle.marker[data-iso3=MUS]")  # a small State: its dot
    text = tooltip(browser)
    assert "Mauritius" in text and "Signed later · 19 Nov 2025" in text
    assert sources[f"{BASE}id/source/verdragen-uncc"] in text
    hover(browser, "a.state[data-iso3=IND] .shape")
    text = tooltip(browser)
    assert "India" in text and "Reported as not having signed, as of 29 Oct 2025" in text
    assert sources[f"{BASE}id/source/newshour-2025-10-29"] in text
    hover(browser, "circle.marker[data-iso3=QAT]")
    text = tooltip(browser)
    assert "Not counted: Ratification, date unknown: unverified" in text
    browser.screenshot(ARTIFACTS / "explorer-map-tooltip.png")
    assert_stayed_on(real_server.url, browser.log)


def test_keyboard_reaches_every_state_and_enter_opens_its_page(
    browser: Browser, real_server: RealServer, states: list[dict[str, Any]]
) -> None:
    open_map(browser, real_server, len(states))
    focusable = "[...document.querySelectorAll('svg.map a.state')].filter(e => e.tabIndex === 0).length"
    assert browser.evaluate(focusable) == len(states)
    browser.evaluate("document.getElementById('group').focus(); true")
    key(browser, "Tab", 9)
    first = states[0]  # the API lists them by name, as the map does
    active = "document.activeElement.dataset.iso3"
    assert browser.evaluate(active) == first["actor_id"]
    assert first["name"] in tooltip(browser)
    key(browser, "Tab", 9)
    assert browser.evaluate(active) == states[1]["actor_id"]
    assert states[1]["name"] in tooltip(browser)
    browser.screenshot(ARTIFACTS / "explorer-map-keyboard.png")
    key(browser, "Enter", 13)
    browser.wait_for(f"location.pathname === {js('/id/state/' + states[1]['actor_id'])}", "the State's page")
    browser.wait_for("document.readyState === 'complete'", "the State's page loaded")
    assert browser.evaluate("document.querySelector('h1').innerText") == states[1]["name"]
    assert_stayed_on(real_server.url, browser.log)


# --- The timeline and the home page ---------------------------------------------------------------


def test_timeline(browser: Browser, real_server: RealServer, client: httpx.Client) -> None:
    browser.navigate(real_server.url + "/explorer/timeline")
    browser.wait_for("document.querySelectorAll('#events-table tbody tr').length > 10", "the events")
    browser.screenshot(ARTIFACTS / "explorer-timeline.png")
    force = get_json(client, real_server, "/api/treaties/uncc/status")["entry_into_force"]
    number = browser.evaluate("document.getElementById('progress-number').innerText")
    assert number == f"{force['counted']} of {force['threshold']} instruments"
    cells = "document.querySelectorAll('svg.cells .cell[data-state={}]').length"
    assert browser.evaluate(cells.format("counted")) == force["counted"]
    assert browser.evaluate(cells.format("uncertain")) == len(force["uncertain"]) == 2
    assert browser.evaluate("document.querySelectorAll('svg.cells .cell').length") == force["threshold"] == 40
    assert "does not count in addition" in browser.evaluate(
        "document.getElementById('progress-text').innerText"
    )
    table = str(browser.evaluate("document.getElementById('events-table').innerText"))
    for text in (
        "General Assembly resolution 73/187 adopted by a recorded vote",
        "General Assembly resolution 74/247 adopted by a recorded vote",
        "79 in favour, 60 against, 33 abstaining, 21 not voting",
        "General Assembly resolution 79/243 adopted without a vote",
        "United Nations Convention against Cybercrime adopted",
        "72 signatures at the signing ceremony in Hanoi, Viet Nam",
        "Mauritius signed",
        "Claim: Qatar: ratification",
    ):
        assert text in table, text
    links = browser.evaluate(
        "[...document.querySelectorAll('#events-table tbody th a')].map(a => a.pathname)"
    )
    assert all(path.startswith("/id/") for path in links)
    browser.evaluate("document.getElementById('timeline-title').scrollIntoView(); true")
    browser.evaluate("document.querySelector('svg.timeline a.event').focus(); true")
    browser.wait_for("!document.getElementById('timeline-tooltip').hidden", "the timeline's tooltip")
    assert "73/187" in browser.evaluate("document.getElementById('timeline-tooltip').innerText")
    browser.screenshot(ARTIFACTS / "explorer-timeline-chart.png")
    assert_stayed_on(real_server.url, browser.log)


def test_home_page(browser: Browser, real_server: RealServer) -> None:
    browser.navigate(real_server.url + "/")
    browser.screenshot(ARTIFACTS / "explorer-home.png")
    assert (
        browser.evaluate("document.querySelector('h1').innerText")
        == "The UN Convention against Cybercrime at a glance"
    )
    assert browser.evaluate("document.querySelectorAll('table.counts tbody tr').length") > 20
    assert browser.evaluate("document.scripts.length") == 0
    assert_stayed_on(real_server.url, browser.log)
