"""`cybertreaty import` on the command line: output, exit codes (0 / 1 rows / 2 input) and stdin."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cybertreaty.cli import main
from tests.curation.conftest import CONSENTS, snapshot, write

ROW = "ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,,,"


def test_import_prints_each_row_added(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CONSENTS, ROW)
    result = CliRunner().invoke(main, ["import", str(source), "--data", str(minimal)])
    assert (result.exit_code, result.output) == (
        0,
        f"added consents.csv:2: {ROW}\nadded 1 row. 6 facts added, 0 removed, 0 changed on 1 entity.\n",
    )


def test_a_dry_run_prints_the_change_and_writes_nothing(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CONSENTS, ROW)
    before = snapshot(minimal)
    result = CliRunner().invoke(main, ["import", str(source), "--data", str(minimal), "--dry-run"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"would add consents.csv:2: {ROW}"
    assert lines[1] == (
        "+ Viet Nam: ratification, United Nations Convention against Cybercrime "
        "<https://w3id.org/cybertreaty/id/action/ratification-VNM-uncc-2025-11-03>"
    )
    assert lines[-1] == "would add 1 row. 6 facts added, 0 removed, 0 changed on 1 entity."
    assert snapshot(minimal) == before


def test_rejected_rows_exit_1_with_every_problem(minimal: Path, tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv", CONSENTS, "ratification,Atlantis,uncc,2025-11-03,,,untc-xviii-16,,,", ROW, ROW
    )
    result = CliRunner().invoke(main, ["import", str(source), "--data", str(minimal)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: 2 problems; nothing was written:",
        f"  {source}:2: actor: 'Atlantis' is not a known State: give an ISO 3166-1 code (FRA), an English "
        "name (France) or a Wikidata QID (Q142), or an organisation id from organisations.csv",
        f"  {source}:4: row: duplicates {source}:3: the same fact from the same source (untc-xviii-16)",
    ]


def test_unreadable_input_exits_2(minimal: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["import", str(tmp_path / "missing.csv"), "--data", str(minimal)])
    assert (result.exit_code, result.output) == (
        2,
        f"error: {tmp_path / 'missing.csv'}: cannot be read: No such file or directory\n",
    )
    result = CliRunner().invoke(
        main, ["import", str(write(tmp_path / "in.xlsx", "x")), "--data", str(minimal)]
    )
    assert result.exit_code == 2
    assert (
        "cannot tell the format from '.xlsx': use .csv, .json, .ttl, .nt, .nq, .trig, .jsonld or --format"
        in (result.output)
    )


def test_standard_input_needs_a_format(minimal: Path) -> None:
    result = CliRunner().invoke(main, ["import", "-", "--data", str(minimal)], input=f"{CONSENTS}\n{ROW}\n")
    assert (result.exit_code, result.output) == (2, "error: standard input needs --format\n")
    result = CliRunner().invoke(
        main,
        ["import", "-", "--format", "csv", "--data", str(minimal), "--dry-run"],
        input=f"{CONSENTS}\n{ROW}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"would add consents.csv:2: {ROW}"


def test_cells_with_commas_and_quotes_are_written_as_csv_and_read_back(minimal: Path, tmp_path: Path) -> None:
    row = 'ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,"ratified, with a ""reservation""",,'
    source = write(tmp_path / "in.csv", CONSENTS, row)
    assert CliRunner().invoke(main, ["import", str(source), "--data", str(minimal)]).exit_code == 0
    assert (minimal / "consents.csv").read_text(encoding="utf-8").splitlines()[-1] == row
    again = CliRunner().invoke(main, ["import", str(source), "--data", str(minimal)])
    assert again.exit_code == 1 and "row: duplicates consents.csv:2" in again.output
