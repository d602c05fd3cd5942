"""The editor's example queries: every file loads strictly, parses, and answers what it promises."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from cybertreaty.service.examples import ExampleError, ExampleQuery, load_examples, packaged_examples
from tests.service.fixture_data import examples_store

CT = "https://w3id.org/cybertreaty/ontology#"
STATE = "https://w3id.org/cybertreaty/id/state/"
GRAPH = "https://w3id.org/cybertreaty/graph/source/"

FEDERATED_EXAMPLES = {
    "federated-wikidata-capitals",
    "federated-wikidata-eu-members",
    "federated-wikidata-population",
}
EXPECTED_EXAMPLES = FEDERATED_EXAMPLES | {
    "budapest-parties-signed-uncc",
    "five-eyes-not-signed",
    "reported-signatory-counts",
    "states-wikidata",
    "uncc-entry-into-force",
    "uncc-signatories",
    "votes-74-247-by-option",
    "who-says-what",
}
LOCAL_EXAMPLES = sorted(EXPECTED_EXAMPLES - FEDERATED_EXAMPLES)

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def fixture_store() -> pyoxigraph.Store:
    return examples_store()


def example(name: str) -> ExampleQuery:
    return next(e for e in packaged_examples() if e.name == name)


def run(store: pyoxigraph.Store, name: str) -> Rows:
    """The example's rows, each a dict of variable name to the term's plain value."""
    solutions = store.query(example(name).sparql)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [
        {n: (None if t is None else t.value) for n, t in zip(names, row, strict=True)} for row in solutions
    ]


def test_every_example_is_loaded() -> None:
    examples = packaged_examples()
    assert {e.name for e in examples} == EXPECTED_EXAMPLES
    for e in examples:
        assert e.summary and e.description and "PREFIX" in e.sparql
        assert not e.sparql.startswith("#+"), "the header is not part of the query"


def test_only_the_wikidata_examples_are_federated() -> None:
    federated = [e for e in packaged_examples() if e.federated]
    assert {e.name for e in federated} == FEDERATED_EXAMPLES
    for e in federated:
        assert "needs-allowlist" in e.tags
        assert "SERVICE <https://query.wikidata.org/sparql>" in e.sparql


def _signatories(rows: Rows) -> None:
    by_state = {r["signatory"].removeprefix(STATE): r for r in rows}
    assert set(by_state) == {"VNM", "AUS", "FRA", "RUS", "PSE", "GBR"}
    assert by_state["VNM"]["sources"] == "2"  # the treaty record and the news report
    assert by_state["VNM"]["place"] == "Hanoi"
    assert by_state["GBR"]["date"] == "2025-10"  # only the month is known
    assert rows[-1]["name"] == "United Kingdom", "exact days first, approximate dates last"


def _five_eyes(rows: Rows) -> None:
    assert {r["name"]: r["reportedNotSignedAsOf"] for r in rows} == {
        "Canada": None,
        "New Zealand": None,
        "United States": "2025-10-29",
    }


def _votes(rows: Rows) -> None:
    counted = {r["option"].removeprefix(CT): (r["states"], r["recordedTotal"]) for r in rows}
    assert counted == {"Yes": ("2", "79"), "No": ("3", "60")}


def _budapest(rows: Rows) -> None:
    assert {r["name"]: r["consent"].removeprefix(CT) for r in rows} == {
        "Australia": "ConsentToBeBound",
        "France": "Ratification",
        "United Kingdom": "ConsentToBeBound",
    }
    france = next(r for r in rows if r["name"] == "France")
    assert (france["budapestDate"], france["unccSignatureDate"]) == ("2006-01-10", "2025-10-25")


def _who_says_what(rows: Rows) -> None:
    assert [(r["graph"].removeprefix(GRAPH), r["type"].removeprefix(CT)) for r in rows] == [
        ("newshour", "Signature"),
        ("untc", "Signature"),
    ]
    assert rows[0]["quote"] == "Viet Nam, as host, was the first to sign."


def _reported_counts(rows: Rows) -> None:
    assert [(r["reported"], r["asOf"]) for r in rows] == [
        ("65", "2025-10-25"),
        ("72", "2025-10-29"),
        ("72", "2025-11-01"),
    ]
    assert {r["signatoriesInGraph"] for r in rows} == {"6"}


def _states(rows: Rows) -> None:
    assert len(rows) == 9
    assert {r["iso3"]: r["wikidataItem"] for r in rows}["VNM"] == "http://www.wikidata.org/entity/Q881"


def _entry_into_force(rows: Rows) -> None:
    assert rows == [
        {"threshold": "40", "delayDays": "90", "consentsByStates": "0", "signatureClosesOn": "2026-12-31"}
    ]


CHECKS: dict[str, Callable[[Rows], None]] = {
    "uncc-signatories": _signatories,
    "five-eyes-not-signed": _five_eyes,
    "votes-74-247-by-option": _votes,
    "budapest-parties-signed-uncc": _budapest,
    "who-says-what": _who_says_what,
    "reported-signatory-counts": _reported_counts,
    "states-wikidata": _states,
    "uncc-entry-into-force": _entry_into_force,
}


def test_every_local_example_has_a_check() -> None:
    assert sorted(CHECKS) == LOCAL_EXAMPLES


@pytest.mark.parametrize("name", LOCAL_EXAMPLES)
def test_example_answers_on_the_fixture(fixture_store: pyoxigraph.Store, name: str) -> None:
    CHECKS[name](run(fixture_store, name))


@pytest.mark.parametrize("name", LOCAL_EXAMPLES)
def test_example_answers_on_the_real_graph(graph_store: pyoxigraph.Store, name: str) -> None:
    assert run(graph_store, name), f"{name} returns no row on the real graph"


# --- the loader is strict -------------------------------------------------------------------

GOOD_HEADER = "#+ summary: A title\n#+ description: What it shows.\n"
GOOD_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n"


def load_one(tmp_path: Path, text: str) -> ExampleQuery:
    (tmp_path / "case.rq").write_text(text, encoding="utf-8")
    (loaded,) = load_examples(tmp_path)
    return loaded


def test_a_good_file_loads(tmp_path: Path) -> None:
    loaded = load_one(tmp_path, GOOD_HEADER + "#+ tags: a, b\n" + GOOD_QUERY)
    assert (loaded.name, loaded.summary, loaded.description) == ("case", "A title", "What it shows.")
    assert loaded.tags == ("a", "b")
    assert loaded.sparql == GOOD_QUERY


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("#+ summary: A title\n" + GOOD_QUERY, "missing header line '#+ description: ...'"),
        ("#+ description: Only this.\n" + GOOD_QUERY, "missing header line '#+ summary: ...'"),
        (GOOD_QUERY, "missing header line '#+ summary: ...'"),
        (GOOD_HEADER + "#+ title: Extra\n" + GOOD_QUERY, "line 3: unknown header key 'title'"),
        (GOOD_HEADER + "#+ summary: Again\n" + GOOD_QUERY, "line 3: header key 'summary' given twice"),
        ("#+ summary:\n#+ description: x\n" + GOOD_QUERY, "line 1: header key 'summary' has no value"),
        ("#+ summary A title\n" + GOOD_QUERY, "line 1: a header line reads '#+ key: value'"),
        (GOOD_HEADER, "the file has a header but no query"),
        (GOOD_HEADER + "SELECT * WHERE { ?s ?p }\n", "the query does not parse"),
        (GOOD_HEADER + "SELECT * WHERE { ?s undeclared:p ?o }\n", "the query does not parse"),
        (
            GOOD_HEADER + "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }\n",
            "the query calls SERVICE: add 'federated' to '#+ tags:'",
        ),
        (
            GOOD_HEADER + "#+ tags: federated\n" + GOOD_QUERY,
            "tagged 'federated' but the query calls no SERVICE",
        ),
    ],
)
def test_a_bad_file_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ExampleError) as raised:
        load_one(tmp_path, text)
    assert raised.value.name == "case"
    assert raised.value.reason.startswith(reason)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExampleError, match="no example queries"):
        load_examples(tmp_path)


def test_checking_a_federated_example_contacts_nothing(tmp_path: Path) -> None:
    """Loading must not evaluate SERVICE: a canary on loopback sees no connection."""
    with socket.socket() as canary:
        canary.bind(("127.0.0.1", 0))
        canary.listen(1)
        canary.setblocking(False)
        port = canary.getsockname()[1]
        text = (
            GOOD_HEADER
            + "#+ tags: federated\n"
            + f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}\n"
        )
        assert load_one(tmp_path, text).federated
        with pytest.raises(BlockingIOError):
            canary.accept()
