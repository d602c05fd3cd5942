"""Benchmark: time build and SHACL validation on the real data and on a synthetic graph N times larger.

    .venv/bin/python bench/build_validate.py [--scale 100] [--repeat 3]

Prints a table (median of --repeat runs per step). The synthetic data are the real files plus
scale-1 copies of every vote event with its per-State votes, every treaty with its signatures and
consents, and every reported count, under new ids, so the shapes have proportionally more to check.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph

from cybertreaty.graph.build import assemble, build, fill_store
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.validate import validate
from cybertreaty.paths import data_dir

BUILT_AT = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    header, _ = _rows(path)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, lineterminator="\n").writerows(rows)


def synthesise(source: Path, target: Path, scale: int) -> None:
    """Copy source to target and add scale-1 renamed copies of the repeatable facts."""
    shutil.copytree(source, target)
    _, events = _rows(source / "vote_events.csv")
    _, votes = _rows(source / "votes.csv")
    _, instruments = _rows(source / "instruments.csv")
    _, signatures = _rows(source / "signatures.csv")
    _, consents = _rows(source / "consents.csv")
    treaties = {r["id"] for r in instruments if r["kind"] in ("treaty", "protocol")}
    for copy in range(1, scale):
        suffix = f"-syn{copy}"
        _append(target / "vote_events.csv", [{**e, "id": e["id"] + suffix} for e in events])
        _append(target / "votes.csv", [{**v, "vote_event": v["vote_event"] + suffix} for v in votes])
        _append(
            target / "instruments.csv",
            [{**i, "id": i["id"] + suffix} for i in instruments if i["id"] in treaties],
        )
        _append(
            target / "signatures.csv", [{**s, "instrument": s["instrument"] + suffix} for s in signatures]
        )
        _append(target / "consents.csv", [{**c, "instrument": c["instrument"] + suffix} for c in consents])


def _time(step: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(name: str, data: Path, repeat: int) -> dict[str, object]:
    out = Path(tempfile.mkdtemp(prefix="ct-bench-"))
    try:
        assemble_s, quads = _time(lambda: assemble(data, Iris(), BUILT_AT), repeat)
        assert isinstance(quads, list)
        build_s, _ = _time(lambda: build(data, out / "b", Iris(), built=BUILT_AT), repeat)

        def run_validation() -> object:
            store = pyoxigraph.Store()
            fill_store(store, quads)
            return validate(store)

        validate_s, report = _time(run_validation, repeat)
        conforms = getattr(report, "conforms", None)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "graph": name,
        "quads": len(quads),
        "assemble_s": assemble_s,
        "build_s": build_s,
        "validate_s": validate_s,
        "total_s": build_s + validate_s,
        "conforms": conforms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [measure("real", data_dir(), args.repeat)]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "data"
        synthesise(data_dir(), synthetic, args.scale)
        results.append(measure(f"synthetic x{args.scale}", synthetic, 1))
    header = ("graph", "quads", "assemble_s", "build_s", "validate_s", "total_s", "conforms")
    print(" | ".join(f"{h:>16}" for h in header))
    print("-|-".join("-" * 16 for _ in header))
    for row in results:
        cells = [f"{row[h]:>16.3f}" if isinstance(row[h], float) else f"{row[h]!s:>16}" for h in header]
        print(" | ".join(cells))
    print("target: the real graph builds and validates in under 3 s (total_s of 'real').")


if __name__ == "__main__":
    main()
