"""The changelog: one entry per release, generated from the diff with the previous release."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cybertreaty.curation.diff import EntityChanges, GraphDiff

HEADER = (
    "# Changelog\n\n"
    "What changed in the data of each release, newest first. Entries are written by "
    "`cybertreaty release` from the diff with the previous release; run `cybertreaty diff` on two "
    "releases for every fact.\n\n"
)
MAX_LISTED = 30  # entities listed per section; the rest are counted


def entry(version: str, day: dt.date, diff: GraphDiff | None, previous: str | None, quads: int) -> str:
    """The Markdown entry of a release (``diff`` None: the first release)."""
    lines = [f"## {version} - {day.isoformat()}", ""]
    if diff is None or previous is None:
        lines += [f"First release: {quads} facts.", ""]
        return "\n".join(lines) + "\n"
    lines += [f"Compared with {previous}: {diff.summary()}", ""]
    for status, title in (("added", "Added"), ("changed", "Changed"), ("removed", "Removed")):
        entities = [e for e in diff.entities if e.status == status]
        if entities:
            lines += [f"### {title}", "", *_items(entities), ""]
    return "\n".join(lines) + "\n"


def _items(entities: list[EntityChanges]) -> list[str]:
    items = [f"- {_name(e)} ({_facts(e)})" for e in entities[:MAX_LISTED]]
    if len(entities) > MAX_LISTED:
        items.append(f"- … and {len(entities) - MAX_LISTED} more")
    return items


def _name(entity: EntityChanges) -> str:
    return f"{entity.label} <{entity.subject}>" if entity.label else f"<{entity.subject}>"


def _facts(entity: EntityChanges) -> str:
    counts = {
        kind: sum(1 for c in entity.changes if c.kind == kind) for kind in ("added", "removed", "changed")
    }
    return ", ".join(f"{n} {'fact' if n == 1 else 'facts'} {kind}" for kind, n in counts.items() if n)


def with_entry(current: str | None, new_entry: str) -> str:
    """The changelog text with ``new_entry`` above the newest entry; the rest kept as it is."""
    if not current:
        return HEADER + new_entry
    lines = current.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    before = "".join(lines[:first])
    if before and not before.endswith("\n\n"):
        before = before.rstrip("\n") + "\n\n"
    return before + new_entry + "".join(lines[first:])


def prepare(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary file beside ``path`` and flush it; the caller renames it in."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed release
        stale.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary
