"""The diff: facts added, removed and changed by entity, timestamps ignored, patches that apply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cybertreaty.cli import main
from cybertreaty.curation.diff import diff_quads
from cybertreaty.curation.diff_render import render_rdf_patch, render_sparql_update, render_text
from tests.curation.conftest import MINIMAL

EX = "https://example.org/"
G = ox.NamedNode("https://w3id.org/cybertreaty/graph/source/untc")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DATE = ox.NamedNode("https://w3id.org/cybertreaty/ontology#date")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def quad(s: str, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, g: ox.NamedNode = G) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), p, o, g)


def day(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=XSD_DATE)


OLD = [
    quad("sig", LABEL, ox.Literal("Viet Nam: signature", language="en")),
    quad("sig", DATE, day("2025-10-25")),
    quad("gone", LABEL, ox.Literal("Gone", language="en")),
    quad("gone", DATE, day("2020-01-01")),
    ox.Quad(
        G, ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime"), ox.Literal("2026-01-01T00:00:00Z"), G
    ),
]
NEW = [
    quad("sig", LABEL, ox.Literal("Viet Nam: signature", language="en")),
    quad("sig", DATE, day("2025-10-26")),
    quad("new", DATE, day("2026-03-01")),
    ox.Quad(
        G, ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime"), ox.Literal("2026-02-02T00:00:00Z"), G
    ),
]


def test_text_groups_changes_by_entity_with_labels() -> None:
    assert render_text(diff_quads(OLD, NEW)) == (
        f"- Gone <{EX}gone>\n"
        '    - rdfs:label "Gone"@en  [source untc]\n'
        '    - ct:date "2020-01-01"^^xsd:date  [source untc]\n'
        f"+ <{EX}new>\n"
        '    + ct:date "2026-03-01"^^xsd:date  [source untc]\n'
        f"~ Viet Nam: signature <{EX}sig>\n"
        '    ~ ct:date "2025-10-25"^^xsd:date → "2025-10-26"^^xsd:date  [source untc]\n'
        "1 facts added, 2 removed, 1 changed on 3 entities.\n"
    )


def test_the_rdf_patch_deletes_then_adds() -> None:
    assert render_rdf_patch(diff_quads(OLD, NEW)).splitlines() == [
        "TX .",
        f'D <{EX}gone> <http://www.w3.org/2000/01/rdf-schema#label> "Gone"@en <{G.value}> .',
        f'D <{EX}gone> <{DATE.value}> "2020-01-01"^^<{XSD_DATE.value}> <{G.value}> .',
        f'D <{EX}sig> <{DATE.value}> "2025-10-25"^^<{XSD_DATE.value}> <{G.value}> .',
        f'A <{EX}new> <{DATE.value}> "2026-03-01"^^<{XSD_DATE.value}> <{G.value}> .',
        f'A <{EX}sig> <{DATE.value}> "2025-10-26"^^<{XSD_DATE.value}> <{G.value}> .',
        "TC .",
    ]


def test_the_sparql_update_applies_the_diff() -> None:
    store = ox.Store()
    store.extend(OLD)
    store.update(render_sparql_update(diff_quads(OLD, NEW)))
    stamp = "http://www.w3.org/ns/prov#generatedAtTime"
    assert {q for q in store if q.predicate.value != stamp} == {q for q in NEW if q.predicate.value != stamp}


def test_no_difference_gives_an_empty_patch() -> None:
    same = diff_quads(NEW, list(NEW))
    assert same.empty and render_text(same) == "No differences.\n"
    assert render_sparql_update(same) == "" and render_rdf_patch(same) == "TX .\nTC .\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throwaway git repository holding a copy of the small dataset in data/, two commits deep."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root / "data")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "data")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one")
    with (root / "data" / "signatures.csv").open("a", encoding="utf-8") as handle:
        handle.write("PSE,uncc,2025-10-26,hanoi,,,,untc-xviii-16,,,\n")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-am", "two")
    return root


def test_diff_between_git_revisions_of_data(repo: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--git", "HEAD~1", "HEAD", "--data", str(repo / "data")])
    assert result.exit_code == 1, result.output
    node = "https://w3id.org/cybertreaty/id/action/signature-PSE-uncc-2025-10-26"
    assert (
        result.output.splitlines()[0]
        == f"+ State of Palestine: signature, United Nations Convention against Cybercrime <{node}>"
    )
    # The undated newshour row now joins the dated node: the date-unknown node goes.
    assert result.output.splitlines()[-1] == "13 facts added, 7 removed, 0 changed on 2 entities."


def test_diff_of_a_revision_with_the_work_tree(repo: Path) -> None:
    (repo / "data" / "signatures.csv").write_text(
        (repo / "data" / "signatures.csv").read_text().replace("PSE,uncc,2025-10-26", "PSE,uncc,2025-10-25")
    )
    result = CliRunner().invoke(main, ["diff", "--git", "HEAD", "--data", str(repo / "data")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "13 facts added, 13 removed, 0 changed on 2 entities."
    assert "signature-PSE-uncc-2025-10-25>" in result.output.splitlines()[0]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--git", "no-such-rev", "HEAD"], "error: git rev-parse: 'no-such-rev' is not a commit\n"),
        (
            ["nowhere", "HEAD"],
            "error: nowhere: not a build folder or dump; give a folder with cybertreaty.nq "
            "or a .nq/.trig file\n",
        ),
        (["only-one"], "error: give OLD and NEW (or --git REV [REV])\n"),
    ],
    ids=["unknown-revision", "not-a-build", "one-side"],
)
def test_diff_errors_are_named(repo: Path, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["diff", *arguments, "--data", str(repo / "data")])
    assert (result.exit_code, result.output) == (2, message)
