"""Writing the copy of data/ an import validates and then swaps in."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Sequence
from pathlib import Path

from cybertreaty.curation import commit
from cybertreaty.curation.checks import Addition
from cybertreaty.curation.errors import CurationError


def stage(data_dir: Path, staged: Path, additions: Sequence[Addition], *, durable: bool) -> list[int]:
    """Copy data_dir to ``staged`` with the rows appended; returns the line each row gets.

    Existing lines are kept byte for byte, so the change reviews as added lines only. ``durable``:
    flush every file and folder to disk, as the copy is about to become data/.
    """
    try:
        return _write_copy(data_dir, staged, additions, durable=durable)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CurationError(
            f"cannot write the import beside {data_dir}: {reason}; data/ is unchanged"
        ) from None


def _write_copy(data_dir: Path, staged: Path, additions: Sequence[Addition], *, durable: bool) -> list[int]:
    shutil.copytree(data_dir, staged, dirs_exist_ok=True)
    shutil.copystat(data_dir, staged)  # mkdtemp made it private; data/ keeps its own mode
    by_file: dict[str, list[Addition]] = {}
    for addition in additions:
        by_file.setdefault(addition.kind.filename, []).append(addition)
    next_line = {}
    for filename, rows in by_file.items():
        target = staged / filename
        existing = target.read_bytes()
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        next_line[filename] = existing.count(b"\n") + 1
        target.write_bytes(existing + _csv(rows).encode("utf-8"))
        commit.pause("staging")  # half-way: one file written, maybe others not yet
    lines = []
    for addition in additions:
        lines.append(next_line[addition.kind.filename])
        next_line[addition.kind.filename] += 1
    if durable:
        commit.fsync_tree(staged)
    return lines


def _csv(rows: Sequence[Addition]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row.record)
    return buffer.getvalue()
