"""The pages in a real browser (headless Debian Chromium): a State's page, the ontology's
documentation and the API reference render their content, run no script, and make no request that
leaves the server. Screenshots are kept in build/test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.browser import Browser, PageLog, chromium_path
from tests.service.real_graph import RealServer

ARTIFACTS = Path(__file__).resolve().parents[3] / "build" / "test-artifacts"

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed (`make test` installs it)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(timeout=30) as chromium:
        yield chromium


def assert_stayed_on(base: str, log: PageLog) -> None:
    elsewhere = [url for _, url in log.requests if not url.startswith((base + "/", "data:", "about:"))]
    assert not elsewhere, f"requests left {base}: {elsewhere}"
    assert not log.exceptions, log.exceptions
    errors = [line for line in log.console if line.startswith("error")]
    assert not errors, errors  # a Content-Security-Policy violation or a missing file would show here


def text_of(browser: Browser, selector: str) -> str:
    return str(browser.evaluate(f"document.querySelector({selector!r}).innerText"))


def test_state_page(browser: Browser, real_server: RealServer) -> None:
    browser.navigate(real_server.url + "/id/state/VNM")
    browser.screenshot(ARTIFACTS / "linked-data-state-VNM.png")
    assert text_of(browser, "h1") == "Vietnam"
    body = text_of(browser, "article")
    assert "Socialist Republic of Viet Nam" in body
    assert "Wikidata Q881" in body
    assert "Vietnam: signature, United Nations Convention against Cybercrime" in body
    styled = browser.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse")
    assert styled == "collapse"  # our style sheet loaded
    assert browser.evaluate("document.scripts.length") == 0
    assert_stayed_on(real_server.url, browser.log)


def test_ontology_documentation(browser: Browser, real_server: RealServer) -> None:
    browser.navigate(real_server.url + "/ontology#Signature")
    browser.screenshot(ARTIFACTS / "ontology-signature.png")
    assert "Signing expresses an intention to become a party" in text_of(browser, "#Signature")
    top = browser.evaluate("document.getElementById('Signature').getBoundingClientRect().top")
    assert 0 <= top < 100  # the hash IRI opens at its term
    assert_stayed_on(real_server.url, browser.log)


def test_api_reference(browser: Browser, real_server: RealServer) -> None:
    browser.navigate(real_server.url + "/docs")
    browser.screenshot(ARTIFACTS / "api-docs.png")
    assert text_of(browser, "h1") == "REST API"
    operation = text_of(browser, "#signature-status")
    assert "/api/treaties/{treaty}/signature-status" in operation
    assert "five-eyes" in operation
    assert_stayed_on(real_server.url, browser.log)
