"""The command line: each command's output and exit code, run in-process and as the installed script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cybertreaty.cli import main

MINIMAL = Path(__file__).parent / "graph" / "data" / "minimal"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "build"
    result = CliRunner().invoke(main, ["build", "--data", str(MINIMAL), "--out", str(out), "--no-validate"])
    assert result.exit_code == 0, result.output
    return out


def test_build_reports_what_it_wrote(built: Path) -> None:
    assert (built / "cybertreaty.nq").exists()
    assert (built / "store").is_dir()


def test_build_rejects_a_bad_row_with_exit_2_and_names_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    with (data / "states.csv").open("a", encoding="utf-8") as handle:
        handle.write("XXA,Examplestan,member,unvotes,,\n")
    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"error: {data / 'states.csv'}:5: iso3: 'XXA' is not an ISO 3166-1 alpha-3 code" in result.output
    assert not (tmp_path / "out").exists()


def test_build_rejects_a_relative_base_iri(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--data", str(MINIMAL), "--out", str(tmp_path / "o"), "--base", "cybertreaty/"]
    )
    assert result.exit_code == 2
    assert "must be absolute and end with '/'" in result.output


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("table", "ct:Signature\n(1 row)\n"),
        ("csv", "c\nhttps://w3id.org/cybertreaty/ontology#Signature\n"),
        ("json", '"c": "https://w3id.org/cybertreaty/ontology#Signature"'),
    ],
)
def test_query_prints_the_answer_in_each_format(built: Path, fmt: str, expected: str) -> None:
    query = "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(?c = ct:Signature) }"
    result = CliRunner().invoke(
        main, ["query", "--store", str(built / "store"), "-e", query, "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_query_reads_a_file(built: Path, tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(?s) AS ?n) WHERE { ?s a ct:Signature }", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--store", str(built / "store"), str(rq), "--format", "csv"])
    assert result.output == "n\n3\n"


def test_query_ask_answers_true_or_false(built: Path) -> None:
    result = CliRunner().invoke(
        main, ["query", "--store", str(built / "store"), "-e", "ASK { ?s ct:iso3166Alpha3 'VNM' }"]
    )
    assert result.output == "true\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "SELEC ?s"], "error: SPARQL syntax error:"),
        ([], "error: give exactly one of FILE.rq or -e SPARQL"),
    ],
)
def test_query_errors_exit_2(built: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["query", "--store", str(built / "store"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_query_without_a_build_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--store", str(tmp_path / "none"), "-e", "ASK {}"])
    assert result.exit_code == 2
    assert "run `cybertreaty build` first" in result.output


@pytest.mark.parametrize("command", ["build", "validate", "query", "serve", "load"])
def test_every_command_has_help_from_the_installed_script(command: str) -> None:
    script = Path(sys.executable).parent / "cybertreaty"
    completed = subprocess.run([str(script), command, "--help"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "Usage: cybertreaty " + command in completed.stdout


VIOLATING_TURTLE = """
@prefix ct: <https://w3id.org/cybertreaty/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/id/state/XXA> a ct:State ; rdfs:label "Examplestan"@en ; ct:iso3166Alpha3 "xxa" .
"""


def test_validate_the_built_graph_exits_0(built: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--out", str(built)])
    assert result.exit_code == 0, result.output
    assert "Conforms: 0 violations" in result.output


def test_validate_violations_exit_1_and_name_the_entity(tmp_path: Path) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(VIOLATING_TURTLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(data)])
    assert result.exit_code == 1
    assert "[Violation] Examplestan (https://example.org/id/state/XXA)" in result.output


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_validate_reports_in_machine_formats(tmp_path: Path, fmt: str) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(VIOLATING_TURTLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(data), "--format", fmt])
    assert result.exit_code == 1
    if fmt == "json":
        import json

        assert json.loads(result.output)["summary"]["conforms"] is False
    else:
        import rdflib

        report = rdflib.Graph().parse(data=result.output, format="turtle")
        assert (None, rdflib.SH.conforms, rdflib.Literal(False)) in report


def test_validate_reads_stdin_with_an_explicit_format() -> None:
    result = CliRunner().invoke(main, ["validate", "-", "--input-format", "turtle"], input=VIOLATING_TURTLE)
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-"], "", "standard input needs an explicit format"),
        (["-", "--input-format", "turtle"], "garbage <", "Parser error at line 1"),
        (["/nonexistent/file.ttl"], "", "/nonexistent/file.ttl"),
        (["--out", "/nonexistent-build"], "", "run `cybertreaty build` first"),
    ],
)
def test_validate_unreadable_input_exits_2(args: list[str], stdin: str, message: str) -> None:
    result = CliRunner().invoke(main, ["validate", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.output
