"""The registry of named queries: every packaged query loads, is documented and answers its example
on the real graph; a broken header or a broken query stops the loader (and so the server) with an
error naming the file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cybertreaty.service.api_routes import create_router
from cybertreaty.service.app import create_app
from cybertreaty.service.registry import RegistryError, load_registry, packaged_registry
from cybertreaty.settings import Settings
from tests.service.real_graph import RealServer

EXPECTED_QUERIES = 23

GOOD = """#+ summary: The votes of a State
#+ description: Each vote.
#+ route: /states/{state}/test-votes
#+ params: state: iso3, as_of: date?
#+ param state: The State.
#+ param as_of: Only votes on or before this date.
#+ columns: vote: iri, day: text?
#+ column vote: The vote.
#+ column day: Its date.
#+ example: state=VNM
#+ tags: test
PREFIX ct: <https://w3id.org/cybertreaty/ontology#>
SELECT ?vote (STR(?date) AS ?day) WHERE {
  ?vote ct:actor ?state ; ct:date ?date .
  FILTER (!BOUND(?as_of) || ?date <= ?as_of)
}
"""


def _broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new)


BROKEN = {
    "unknown-key": (_broken("#+ tags: test", "#+ tag: test"), "unknown header key 'tag'"),
    "no-summary": (_broken("#+ summary: The votes of a State\n", ""), "missing header line '#+ summary"),
    "repeated-key": (_broken("#+ tags: test", "#+ tags: test\n#+ tags: again"), "given twice"),
    "empty-value": (_broken("#+ tags: test", "#+ tags:"), "has no value"),
    "not-a-header-line": (_broken("#+ tags: test", "#+ tags = test"), "a header line reads"),
    "unknown-param-type": (_broken("as_of: date?", "as_of: day?"), "unknown type 'day'"),
    "undescribed-param": (
        _broken("#+ param as_of: Only votes on or before this date.\n", ""),
        "param 'as_of'",
    ),
    "described-nothing": (_broken("#+ tags: test", "#+ param when: x\n#+ tags: test"), "'#+ param when'"),
    "undescribed-column": (_broken("#+ column day: Its date.\n", ""), "column 'day'"),
    "unknown-column-type": (_broken("day: text?", "day: string?"), "unknown type 'string'"),
    "columns-differ": (_broken("SELECT ?vote (STR", "SELECT ?vote ?date (STR"), "the query projects"),
    "syntax-error": (_broken("FILTER (!BOUND", "FILTER (!!BOUND BOUND"), "the query does not parse"),
    "not-select": (_broken("SELECT ?vote (STR(?date) AS ?day) WHERE", "ASK"), "must be a SELECT"),
    "param-unused": (_broken("FILTER (!BOUND(?as_of) || ?date <= ?as_of)", ""), "never used"),
    "param-assigned": (
        _broken("?date <= ?as_of)", "?date <= ?as_of) BIND (?date AS ?as_of)"),
        "assigned with AS",
    ),
    "route-param-undeclared": (_broken("/states/{state}/test-votes", "/states/{iso}/test-votes"), "{iso}"),
    "optional-path-param": (_broken("state: iso3,", "state: iso3?,"), "cannot be optional"),
    "bad-route": (_broken("/states/{state}/test-votes", "states/votes/"), "route"),
    "bad-default": (_broken("as_of: date?", "as_of: date = tomorrow"), "param 'as_of'"),
    "bad-example": (_broken("#+ example: state=VNM", "#+ example: state=VNM, as_of=soon"), "param 'as_of'"),
    "example-missing-required": (
        _broken("#+ example: state=VNM", "#+ example: as_of=2025-01-01"),
        "required",
    ),
    "reserved-name": (
        _broken("as_of: date?", "limit: date?")
        .replace("?as_of", "?limit")
        .replace("param as_of", "param limit"),
        "reserved",
    ),
    "calls-service": (
        _broken("?vote ct:actor ?state", "SERVICE <http://example.org/sparql> { ?vote ct:actor ?state }"),
        "SERVICE",
    ),
    "no-query": (GOOD.split("PREFIX")[0], "no query"),
}


def test_every_packaged_query_loads() -> None:
    registry = packaged_registry()
    assert len(registry.queries) == EXPECTED_QUERIES
    for query in registry.queries:
        assert query.summary and query.description and query.tags
        assert all(p.description for p in query.params)
        assert all(c.description for c in query.columns)


def test_a_good_file_loads(tmp_path: Path) -> None:
    (tmp_path / "test-votes.rq").write_text(GOOD, encoding="utf-8")
    (query,) = load_registry(tmp_path).queries
    assert [(p.name, p.type.name, p.required, p.in_path) for p in query.params] == [
        ("state", "iso3", True, True),
        ("as_of", "date", False, False),
    ]
    assert [(c.name, c.type, c.optional) for c in query.columns] == [
        ("vote", "iri", False),
        ("day", "text", True),
    ]
    assert query.example_request() == "/api/states/VNM/test-votes"


def test_the_broken_cases_are_all_collected() -> None:
    assert len(BROKEN) == 24


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_stops_the_loader(tmp_path: Path, case: str) -> None:
    text, reason = BROKEN[case]
    (tmp_path / "good.rq").write_text(GOOD.replace("test-votes", "good-votes"), encoding="utf-8")
    (tmp_path / "broken.rq").write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as raised:
        load_registry(tmp_path)
    assert raised.value.name == "broken"
    assert reason in raised.value.reason
    assert str(raised.value).startswith("broken.rq: ")


def test_two_queries_cannot_share_a_route(tmp_path: Path) -> None:
    (tmp_path / "one.rq").write_text(GOOD, encoding="utf-8")
    (tmp_path / "two.rq").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RegistryError, match=r"already the route of one\.rq"):
        load_registry(tmp_path)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="no named queries"):
        load_registry(tmp_path)


def test_a_broken_registry_stops_the_app_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server does not start half-documented: create_app raises before serving anything."""
    (tmp_path / "broken.rq").write_text(BROKEN["syntax-error"][0], encoding="utf-8")
    monkeypatch.setattr("cybertreaty.service.registry.queries_dir", lambda: tmp_path)
    packaged_registry.cache_clear()
    try:
        with pytest.raises(RegistryError, match=r"broken\.rq"):
            create_app(Settings(workers=1))
    finally:
        packaged_registry.cache_clear()


@pytest.mark.parametrize("name", sorted(q.name for q in packaged_registry().queries))
def test_every_query_answers_its_example(client: httpx.Client, real_server: RealServer, name: str) -> None:
    query = packaged_registry()[name]
    response = client.get(real_server.url + query.example_request())
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["query"] == name
    assert page["total"] >= 1
    assert set(page["items"][0]) == {c.name for c in query.columns}


def test_the_combined_answers_need_their_queries(tmp_path: Path) -> None:
    (tmp_path / "test-votes.rq").write_text(GOOD, encoding="utf-8")
    with pytest.raises(RegistryError, match="State profile"):
        create_router(load_registry(tmp_path))
