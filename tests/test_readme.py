"""The README documents every command, setting and route a user meets, and its reference is current."""

from __future__ import annotations

import pytest

from cybertreaty.readme import README, render
from cybertreaty.service.registry import NamedQuery, packaged_registry
from cybertreaty.settings import SETTINGS, SettingInfo

TEXT = README.read_text(encoding="utf-8")


def test_generated_sections_are_up_to_date() -> None:
    assert render(TEXT) == TEXT, "run `python -m cybertreaty.readme`"


def test_quick_start_is_exactly_make_serve_and_make_test() -> None:
    fence = TEXT.index("```sh", TEXT.index("## Quick start")) + len("```sh")
    block = TEXT[fence : TEXT.index("```", fence)]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make serve", "make test"]


@pytest.mark.parametrize("info", SETTINGS, ids=lambda i: i.name)
def test_every_setting_is_documented(info: SettingInfo) -> None:
    assert f"`{info.env}`" in TEXT


ROUTES = ["/sparql", "/store", "/api/", "/docs", "/openapi.json", "/id/", "/graph/source/", "/ontology"]
ROUTES += ["/dump/", "/void", "/dataset", "/reconcile", "/validate"]


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_family_is_documented(route: str) -> None:
    assert f" {route}" in TEXT


@pytest.mark.parametrize("query", packaged_registry().queries, ids=lambda q: q.name)
def test_every_named_query_is_documented(query: NamedQuery) -> None:
    assert f"`GET {query.path}`" in TEXT
