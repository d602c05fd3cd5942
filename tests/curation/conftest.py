"""Fixtures for the curation tests: private copies of data/ to import into, and a snapshot to
prove that a refused import changed nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from cybertreaty.paths import data_dir

MINIMAL = Path(__file__).parents[1] / "graph" / "data" / "minimal"
TODAY = dt.date(2026, 11, 23)  # checks that compare with today get a fixed one
CONSENTS = "type,actor,instrument,date,entry_into_force,reservations,sources,quote,doubt,note"
SIGNATURES = "actor,instrument,date,place,place_inferred,first,reservations,sources,quote,doubt,note"
NEW_SOURCE = "source_url,source_title,source_kind"
TEST_SOURCE = (
    "https://example.org/cybertreaty-test-only/depositary-notification,TEST ONLY: not a real source,official"
)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the small test dataset (VNM, USA, PSE, eu; the UN convention)."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A private copy of the project's data/ (imports never touch the real one)."""
    target = tmp_path / "real" / "data"
    shutil.copytree(data_dir(), target)
    return target


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (and its siblings' names) by SHA-256, to compare byte for byte."""
    files = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }
    files["(siblings)"] = " ".join(sorted(p.name for p in folder.parent.iterdir()))
    return files


def write(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path
