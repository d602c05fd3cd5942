"""The pre-commit hooks: fast local checks that each run, and fail on broken data, shapes or ontology."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cybertreaty.curation import precommit

ROOT = Path(__file__).parents[2]
CONFIG = ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, str]:
    """Hook id -> entry, read from the config (kept flat enough to read without a YAML parser)."""
    text = CONFIG.read_text(encoding="utf-8")
    ids = re.findall(r"^\s+- id: (\S+)$", text, re.MULTILINE)
    entries = re.findall(r"^\s+entry: (.+)$", text, re.MULTILINE)
    return dict(zip(ids, entries, strict=True))


def test_the_hooks_are_local_and_use_the_project_tools() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    assert hooks() == {
        "ruff-check": ".venv/bin/ruff check --force-exclude",
        "ruff-format": ".venv/bin/ruff format --check --force-exclude",
        "graph-sources": ".venv/bin/python -m cybertreaty.curation.precommit --shacl",
    }
    assert text.count("language: system") == 3 and "pytest" not in text


@pytest.mark.parametrize("hook", ["ruff-check", "ruff-format", "graph-sources"])
def test_each_hook_passes_on_the_project_quickly(hook: str) -> None:
    command = shlex.split(hooks()[hook])
    if not (ROOT / command[0]).exists():
        pytest.skip(f"{command[0]} is not installed (run `make install`)")
    if not command[0].endswith("python"):
        command.append("cybertreaty/curation/precommit.py")  # pre-commit passes the staged files
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 15


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(ROOT / "tests" / "graph" / "data" / "minimal", tmp_path / "data")
    monkeypatch.setenv("CYBERTREATY_HOME", str(tmp_path))
    return tmp_path


def test_the_check_passes_on_good_sources(home: Path) -> None:
    assert precommit.main(["--shacl"]) == 0


def test_a_bad_row_fails_the_check(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (home / "data" / "signatures.csv").open("a", encoding="utf-8") as handle:
        handle.write("VNM,uncc,25/10/2025,hanoi,,,,untc-xviii-16,,,\n")
    assert precommit.main([]) == 1
    assert capsys.readouterr().err == (
        f"error: {home / 'data' / 'signatures.csv'}:6: date: '25/10/2025' is not a date "
        "in the form YYYY-MM-DD\n"
    )


def test_broken_turtle_fails_the_check(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (home / "shapes" / "cybertreaty.shapes.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nshp:Broken a sh:NodeShape ;\n")
    assert precommit.main([]) == 1
    assert capsys.readouterr().err.startswith(f"error: {home / 'shapes' / 'cybertreaty.shapes.ttl'}: ")


def test_data_that_does_not_conform_fails_only_with_shacl(home: Path) -> None:
    with (home / "data" / "votes.csv").open("a", encoding="utf-8") as handle:
        handle.write("a-res-74-247-plenary,PSE,yes,unvotes,,\n")
    assert precommit.main([]) == 0
    assert precommit.main(["--shacl"]) == 1
