"""The query editor in a real browser: headless Debian Chromium against the real server.

The page must load YASGUI from our own origin only, run an example query through our /sparql and
show its rows. A screenshot of the result is kept in build/test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.store import Store
from cybertreaty.service import editor
from cybertreaty.settings import Settings
from tests.service.browser import Browser, PageLog, chromium_path
from tests.service.fixture_data import examples_quads
from tests.service.servers import AppServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (`make test` installs it)"),
    pytest.mark.skipif(editor.yasgui_version() is None, reason="YASGUI is not installed: run `make install`"),
]

ROWS = "document.querySelectorAll('.yasr tbody tr').length"
RESULTS_TEXT = "document.querySelector('.yasr tbody') ? document.querySelector('.yasr tbody').innerText : ''"


@pytest.fixture(scope="module")
def server(serve: Callable[[Settings, Store], AppServer]) -> Iterator[str]:
    """The real app on a loopback port, over a store holding the small example dataset."""
    store = EmbeddedStore.from_quads(examples_quads(), workers=1)
    yield serve(Settings(workers=1), store).base
    store.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with Browser(timeout=30) as chromium:
        yield chromium


def assert_stayed_on(base: str, log: PageLog) -> None:
    """Every request the page sent went to our server (data: URLs never leave the browser)."""
    elsewhere = [url for _, url in log.requests if not url.startswith((base + "/", "data:", "about:"))]
    assert not elsewhere, f"requests left {base}: {elsewhere}"
    assert not log.exceptions, log.exceptions
    errors = [line for line in log.console if line.startswith("error")]
    assert not errors, errors  # a Content-Security-Policy violation would be reported here


def open_editor(browser: Browser, base: str) -> None:
    browser.navigate(base + "/sparql")
    browser.wait_for("!!(window.cybertreatyEditor && document.querySelector('.yasqe .CodeMirror'))", "YASGUI")
    endpoint = browser.evaluate("window.cybertreatyEditor.yasgui.getTab().getEndpoint()")
    assert endpoint == base + "/sparql"


def test_example_query_runs_and_shows_rows(browser: Browser, server: str) -> None:
    open_editor(browser, server)
    browser.click('button.ct-example[data-example="uncc-signatories"]')
    rows = browser.wait_for(f"{ROWS} >= 6 && {ROWS}", "the example's result rows")
    text = browser.evaluate(RESULTS_TEXT)
    browser.screenshot(ARTIFACTS / "editor-uncc-signatories.png")
    assert rows == 6
    for name in (
        "Viet Nam",
        "Australia",
        "France",
        "Russian Federation",
        "State of Palestine",
        "United Kingdom",
    ):
        assert name in text
    assert "Hanoi" in text
    tab_title = browser.evaluate("window.cybertreatyEditor.yasgui.getTab().getName()")
    assert tab_title == "Who signed the UN Convention against Cybercrime, when and where"
    posts = [url for method, url in browser.log.requests if method == "POST"]
    assert posts == [server + "/sparql"], "the query went to our endpoint, once"
    assert_stayed_on(server, browser.log)


def test_editor_run_button_queries_our_endpoint(browser: Browser, server: str) -> None:
    open_editor(browser, server)
    starter = browser.evaluate("window.cybertreatyEditor.yasgui.getTab().getQuery()")
    assert "PREFIX ct: <https://w3id.org/cybertreaty/ontology#>" in starter
    browser.evaluate(
        "window.cybertreatyEditor.yasgui.getTab().setQuery("
        "'PREFIX ct: <https://w3id.org/cybertreaty/ontology#>\\n"
        "SELECT ?state WHERE { ?state a ct:ObserverState }') && true"
    )
    browser.click(".yasqe_queryButton")
    browser.wait_for(f"{ROWS} >= 1", "the result row")
    assert "https://w3id.org/cybertreaty/id/state/PSE" in browser.evaluate(RESULTS_TEXT)
    browser.screenshot(ARTIFACTS / "editor-run-button.png")
    assert_stayed_on(server, browser.log)
