"""An import is all or nothing even when it is killed with kill -9, or a write fails half-way."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cybertreaty.curation import commit
from cybertreaty.curation.errors import CurationError
from cybertreaty.curation.importer import import_file
from tests.curation.conftest import CONSENTS, TODAY, snapshot, write

ROW = "ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,,,"
CLI = [sys.executable, "-c", "from cybertreaty.cli import main; main()"]


def files(folder: Path) -> dict[str, str]:
    shot = snapshot(folder)
    del shot["(siblings)"]
    return shot


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.glob(".data.import-*"))


def start_import(source: Path, data: Path, pause_at: str | None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != commit.PAUSE_ENV}
    if pause_at:
        env[commit.PAUSE_ENV] = pause_at
    command = [*CLI, "import", str(source), "--data", str(data)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_when_paused(process: subprocess.Popen[str], step: str) -> None:
    """Wait for the import to report that it stopped at ``step``, then SIGKILL it."""
    assert process.stderr is not None
    stderr = process.stderr
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stderr.readline()), daemon=True)
    reader.start()
    reader.join(60)
    assert line == [f"paused at {step}\n"], line
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def rerun(source: Path, data: Path) -> subprocess.CompletedProcess[str]:
    process = start_import(source, data, None)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("step", ["staging", "staged"])
def test_an_import_killed_before_the_swap_leaves_data_byte_identical(
    minimal: Path, tmp_path: Path, step: str
) -> None:
    source = write(tmp_path / "in.csv", CONSENTS, ROW)
    before = files(minimal)
    kill_when_paused(start_import(source, minimal, step), step)
    assert files(minimal) == before
    assert len(leftovers(minimal)) == 1  # the half-written copy, beside data/ (never inside it)
    done = rerun(source, minimal)
    assert done.returncode == 0, done.stderr
    assert "added consents.csv:2: " + ROW in done.stdout
    assert leftovers(minimal) == []
    assert (minimal / "consents.csv").read_text().splitlines() == [CONSENTS, ROW]


def test_an_import_killed_after_the_swap_is_complete(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CONSENTS, ROW)
    kill_when_paused(start_import(source, minimal, "swapped"), "swapped")
    assert (minimal / "consents.csv").read_text().splitlines() == [CONSENTS, ROW]
    again = rerun(source, minimal)  # the next import tidies the old copy up, then refuses the duplicate
    assert again.returncode == 1
    assert "row: duplicates consents.csv:2" in again.stderr
    assert leftovers(minimal) == []


class Killed(BaseException):
    """Stands for a kill -9 in the middle of the fallback swap."""


def test_without_an_atomic_exchange_a_cut_swap_is_rolled_back(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commit, "_exchange", lambda a, b: False)
    before = files(minimal)
    staged = commit.new_staging(minimal)
    (staged / "consents.csv").write_text(CONSENTS + "\n" + ROW + "\n")

    def die_half_way(step: str) -> None:
        if step == "half-swapped":
            raise Killed

    monkeypatch.setattr(commit, "pause", die_half_way)
    with pytest.raises(Killed):
        commit.swap(staged, minimal)
    assert not minimal.exists()
    commit.recover(minimal)  # what the next import does first, under its lock
    assert files(minimal) == before
    assert leftovers(minimal) == []


def test_without_an_atomic_exchange_an_import_still_completes(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commit, "_exchange", lambda a, b: False)
    import_file(str(write(tmp_path / "in.csv", CONSENTS, ROW)), minimal, today=TODAY)
    assert (minimal / "consents.csv").read_text().splitlines() == [CONSENTS, ROW]
    assert leftovers(minimal) == []


def test_a_write_error_leaves_data_unchanged_with_a_clear_error(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(folder: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(commit, "fsync_tree", disk_full)
    source = write(tmp_path / "in.csv", CONSENTS, ROW)
    before = snapshot(minimal)
    with pytest.raises(CurationError) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert str(caught.value) == (
        f"cannot write the import beside {minimal.resolve()}: No space left on device; data/ is unchanged"
    )
    assert snapshot(minimal) == before


def test_one_import_at_a_time(minimal: Path, tmp_path: Path) -> None:
    with commit.import_lock(minimal.resolve()), pytest.raises(CurationError) as caught:
        import_file(str(write(tmp_path / "in.csv", CONSENTS, ROW)), minimal, today=TODAY)
    assert str(caught.value) == (
        f"another import into {minimal.resolve()} is running; try again when it has finished"
    )
