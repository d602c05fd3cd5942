"""`cybertreaty wikidata …` in-process, over a store written from the real graph."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cybertreaty.cli import main
from cybertreaty.graph.build import write_store
from cybertreaty.graph.wikidata.export import export
from tests.graph.wikidata.conftest import needs_oxigraph
from tests.graph.wikidata.servers import WikidataStandIn


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, graph_quads: Sequence[ox.Quad]) -> Path:
    path = tmp_path_factory.mktemp("wikidata-cli") / "store"
    write_store(graph_quads, path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["wikidata", *args])
    return result.exit_code, result.stdout, result.stderr


def test_export_to_a_file_is_the_export_of_the_graph(
    store_dir: Path, tmp_path: Path, graph_store: ox.Store
) -> None:
    out = tmp_path / "uncc.qs"
    code, stdout, stderr = run("export", "--store", str(store_dir), "--out", str(out))
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8") == export(graph_store).text
    assert "new items: https://w3id.org/cybertreaty/id/org/five-eyes," in stderr


def test_export_to_stdout(store_dir: Path) -> None:
    code, stdout, _ = run("export", "--store", str(store_dir))
    assert code == 0 and stdout.count("CREATE\n") == 3


def test_reconcile_prints_candidates(store_dir: Path) -> None:
    code, stdout, _ = run("reconcile", "Viet Nam", "--store", str(store_dir))
    assert code == 0
    assert stdout.split()[:3] == ["100", "VNM", "State"] and stdout.rstrip().endswith("match")


def test_reconcile_without_a_candidate_exits_1(store_dir: Path) -> None:
    code, _, stderr = run("reconcile", "Atlantis", "--store", str(store_dir))
    assert (code, stderr) == (1, "error: no State or organisation matches 'Atlantis'\n")


def test_missing_links(store_dir: Path) -> None:
    code, stdout, _ = run("missing-links", "--store", str(store_dir))
    assert code == 0
    assert "Organisation five-eyes" in " ".join(stdout.split())
    assert "Treaty uncc United Nations Convention against Cybercrime" in " ".join(stdout.split())


def test_a_missing_store_is_an_error(tmp_path: Path) -> None:
    code, _, stderr = run("export", "--store", str(tmp_path / "nowhere"))
    assert code == 2 and stderr.startswith("error: no store at ")


def test_an_unreachable_endpoint_is_an_error(store_dir: Path) -> None:
    code, _, stderr = run("compare", "--endpoint", "http://127.0.0.1:9/sparql", "--store", str(store_dir))
    assert code == 2
    assert stderr.startswith("error: asking http://127.0.0.1:9/sparql failed")


@pytest.mark.external
@needs_oxigraph
def test_compare_as_json_and_an_export_of_what_is_missing(
    store_dir: Path, wikidata_stand_in: WikidataStandIn, graph_store: ox.Store
) -> None:
    code, stdout, _ = run(
        "compare",
        "--endpoint",
        wikidata_stand_in.url,
        "--format",
        "json",
        "--actor",
        "DEU",
        "--actor",
        "VNM",
        "--store",
        str(store_dir),
    )
    assert code == 0
    report = json.loads(stdout)
    # Without the test-only treaty link, only memberships and codes are compared.
    assert report["summary"] == {"agreed": 6, "missing_there": 0, "missing_here": 0, "conflicts": 1}
    code, stdout, _ = run("export", "--endpoint", wikidata_stand_in.url, "--store", str(store_dir))
    assert code == 0
    full = export(graph_store).text.splitlines()
    fewer = stdout.splitlines()
    assert 'Q881\tP297\t"VN"\tS854\t"https://pypi.org/project/pycountry/"' in full
    assert 'Q881\tP297\t"VN"\tS854\t"https://pypi.org/project/pycountry/"' not in fewer
    assert not [line for line in fewer if line.startswith("Q183\tP298\t")], "a conflict is not exported"
    assert set(fewer) < set(full)


def test_an_actor_without_an_item_is_a_usage_error(store_dir: Path) -> None:
    code, _, stderr = run(
        "compare",
        "--endpoint",
        "http://127.0.0.1:9/sparql",
        "--actor",
        "five-eyes",
        "--actor",
        "VMN",
        "--store",
        str(store_dir),
    )
    assert (code, stderr) == (
        2,
        "error: not a State or organisation linked to a Wikidata item: VMN, five-eyes\n",
    )
