"""The curator's round trip on a copy of the real data/: import a ratification with its source in
one command, build, find it in the store and through the SPARQL endpoint, see exactly that change
in the diff, and release it with checksums that `sha256sum -c` verifies."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cybertreaty.cli import main
from cybertreaty.graph.build import build
from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.graph.iris import Iris
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.curation.conftest import CONSENTS, NEW_SOURCE

BASE = "https://w3id.org/cybertreaty/"
TEST_URL = "https://example.org/cybertreaty-test-only/ratification-notice"
BEFORE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)  # a later build time, which the diff must ignore


@dataclass(frozen=True)
class RoundTrip:
    tmp: Path
    data: Path
    iso3: str
    label: str
    date: str
    old_build: Path
    new_build: Path
    import_output: str

    @property
    def node(self) -> str:
        return f"{BASE}id/action/ratification-{self.iso3}-uncc-{self.date}"


def signed_but_not_bound(data: Path) -> tuple[str, str]:
    """A State that signed the UN convention on a known day and has no consent to it yet."""
    with (data / "consents.csv").open(encoding="utf-8") as handle:
        bound = {row["actor"] for row in csv.DictReader(handle) if row["instrument"] == "uncc"}
    with (data / "signatures.csv").open(encoding="utf-8") as handle:
        signed = [
            (row["actor"], row["date"])
            for row in csv.DictReader(handle)
            if row["instrument"] == "uncc"
            and re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"])
            and not row["doubt"]
        ]
    return next(
        (actor, day)
        for actor, day in sorted(signed)
        if re.fullmatch("[A-Z]{3}", actor) and actor not in bound
    )


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> RoundTrip:
    from cybertreaty.paths import data_dir

    tmp = tmp_path_factory.mktemp("roundtrip")
    data = tmp / "data"
    shutil.copytree(data_dir(), data)
    iso3, signed = signed_but_not_bound(data)
    day = (dt.date.fromisoformat(signed) + dt.timedelta(days=30)).isoformat()
    with (data / "states.csv").open(encoding="utf-8") as handle:
        label = next(row["label"] for row in csv.DictReader(handle) if row["iso3"] == iso3)
    build(data, tmp / "build-1", Iris(), built=BEFORE)
    release(tmp, data, "1.0.0")
    source = tmp / "ratification.csv"
    source.write_text(
        f"{CONSENTS},{NEW_SOURCE}\n"
        f"ratification,{label},uncc,{day},,,,,,,{TEST_URL},TEST ONLY: a made-up notice for tests,official\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", str(source), "--data", str(data)])
    assert result.exit_code == 0, result.output
    build(data, tmp / "build-2", Iris(), built=AFTER)
    return RoundTrip(tmp, data, iso3, label, day, tmp / "build-1", tmp / "build-2", result.output)


def release(tmp: Path, data: Path, version: str) -> str:
    arguments = ["release", version, "--data", str(data), "--releases", str(tmp / "releases")]
    result = CliRunner().invoke(main, [*arguments, "--changelog", str(tmp / "CHANGELOG.md")])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_import_adds_one_row_and_its_source(trip: RoundTrip) -> None:
    lines = trip.import_output.splitlines()
    assert lines[0].startswith("added sources.csv:") and lines[0].endswith(f",{TEST_URL},,,official,,")
    assert re.fullmatch(
        rf"added consents\.csv:\d+: ratification,{trip.iso3},uncc,{trip.date},,,[a-z0-9-]+,,,", lines[1]
    )
    assert lines[2] == "added 2 rows. 15 facts added, 0 removed, 0 changed on 3 entities."


def test_the_built_store_holds_the_ratification_with_its_source(trip: RoundTrip) -> None:
    store = ox.Store.read_only(str(trip.new_build / "store"))
    answer = store.query(ratification_query(trip))
    assert isinstance(answer, ox.QuerySolutions)
    assert [(s["date"].value, s["url"].value) for s in answer] == [(trip.date, TEST_URL)]


def ratification_query(trip: RoundTrip) -> str:
    return f"""
        PREFIX ct: <https://w3id.org/cybertreaty/ontology#>
        SELECT ?date ?url WHERE {{
          ?r a ct:Ratification ; ct:actor <{BASE}id/state/{trip.iso3}> ;
             ct:instrument <{BASE}id/treaty/uncc> ; ct:date ?date ; ct:source ?s .
          ?s <http://schema.org/url> ?url }}"""


def test_the_endpoint_answers_with_the_ratification(trip: RoundTrip) -> None:
    store = EmbeddedStore(trip.new_build / "store", workers=1)
    try:
        with TestClient(create_app(Settings(workers=1), store)) as client:
            response = client.get(
                "/sparql",
                params={"query": ratification_query(trip)},
                headers={"Accept": "application/sparql-results+json"},
            )
    finally:
        store.close()
    assert response.status_code == 200
    bindings = response.json()["results"]["bindings"]
    assert [(b["date"]["value"], b["url"]["value"]) for b in bindings] == [(trip.date, TEST_URL)]


def test_the_diff_shows_exactly_that_fact(trip: RoundTrip) -> None:
    result = CliRunner().invoke(main, ["diff", str(trip.old_build), str(trip.new_build)])
    assert result.exit_code == 1  # like diff(1): there are differences
    headings = [line for line in result.output.splitlines() if not line.startswith(" ")]
    source = f"{BASE}id/source/example-org-ratification-notice"
    assert sorted(headings[:-1]) == sorted(
        [
            f"+ {trip.label}: ratification, United Nations Convention against Cybercrime <{trip.node}>",
            f"+ TEST ONLY: a made-up notice for tests <{source}>",
            f"+ <{BASE}graph/source/example-org-ratification-notice>",
        ]
    )
    assert f'    + ct:date "{trip.date}"^^xsd:date  [source example-org-ratification-notice]' in result.output
    assert headings[-1] == "15 facts added, 0 removed, 0 changed on 3 entities."


def test_the_rdf_patch_adds_exactly_the_new_quads(trip: RoundTrip) -> None:
    result = CliRunner().invoke(
        main, ["diff", str(trip.old_build), str(trip.new_build), "--format", "rdf-patch"]
    )
    lines = result.output.splitlines()
    assert lines[0] == "TX ." and lines[-1] == "TC ."
    old = set(ox.parse(path=trip.old_build / "cybertreaty.nq"))
    new = set(ox.parse(path=trip.new_build / "cybertreaty.nq"))
    stamp = "http://www.w3.org/ns/prov#generatedAtTime"
    expected = {f"A {q} ." for q in new - old if q.predicate.value != stamp}
    assert set(lines[1:-1]) == expected and len(expected) == 15


def test_the_sparql_update_patch_turns_the_old_build_into_the_new(trip: RoundTrip) -> None:
    result = CliRunner().invoke(
        main, ["diff", str(trip.old_build), str(trip.new_build), "--format", "sparql-update"]
    )
    store = ox.Store()
    store.extend(ox.parse(path=trip.old_build / "cybertreaty.nq"))
    store.update(result.output)
    stamp = "http://www.w3.org/ns/prov#generatedAtTime"
    patched = {q for q in store if q.predicate.value != stamp}
    new = {q for q in ox.parse(path=trip.new_build / "cybertreaty.nq") if q.predicate.value != stamp}
    assert patched == new


def test_two_builds_of_the_same_data_at_different_times_do_not_differ(trip: RoundTrip) -> None:
    again = trip.tmp / "build-3"
    build(trip.data, again, Iris(), built=BEFORE)
    result = CliRunner().invoke(main, ["diff", str(trip.new_build / "cybertreaty.nq"), str(again)])
    assert (result.exit_code, result.output) == (0, "No differences.\n")


def test_the_release_records_the_change_and_its_checksums_verify(trip: RoundTrip) -> None:
    output = release(trip.tmp, trip.data, "1.1.0")
    assert "released 1.1.0 into" in output
    for version in ("1.0.0", "1.1.0"):
        folder = trip.tmp / "releases" / version
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.count(": OK") == 7  # 5 dumps, void.ttl, CHANGES.md
    changelog = (trip.tmp / "CHANGELOG.md").read_text(encoding="utf-8")
    newest, older = changelog.index("## 1.1.0 - "), changelog.index("## 1.0.0 - ")
    assert newest < older
    assert "Compared with 1.0.0: 15 facts added, 0 removed, 0 changed on 3 entities." in changelog
    assert (
        f"- {trip.label}: ratification, United Nations Convention against Cybercrime <{trip.node}> "
        "(6 facts added)" in changelog
    )
