"""The pre-commit check of data/, shapes/ and ontology/: fast, so it can run on every commit.

    python -m cybertreaty.curation.precommit [--shacl]

Every ``ontology/*.ttl`` and ``shapes/*.ttl`` must parse, and data/ must assemble (every CSV row
passes the build's checks); with ``--shacl`` the graph must also conform to the shapes (about two
seconds). Exit 0 when all pass, 1 otherwise, with each problem on its own line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from cybertreaty import paths
from cybertreaty.graph.build import assemble
from cybertreaty.graph.errors import DataError
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.validate import validate_quads


def turtle_problems(folders: Sequence[Path]) -> list[str]:
    problems = []
    for folder in folders:
        for path in sorted(folder.glob("*.ttl")):
            try:
                for _ in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
                    pass
            except (SyntaxError, OSError) as exc:
                problems.append(f"{path}: {exc}")
    return problems


def data_problems(data_dir: Path, *, shacl: bool) -> list[str]:
    try:
        quads = assemble(data_dir, Iris(), dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    except DataError as exc:
        return [str(exc)]
    if not shacl:
        return []
    report = validate_quads(quads)
    return [] if report.conforms else [f"{data_dir} does not conform to shapes/:\n{report.as_text()}"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shacl", action="store_true", help="also validate the graph against shapes/")
    args = parser.parse_args(argv)
    problems = turtle_problems([paths.ontology_dir(), paths.shapes_dir()])
    if not problems:  # broken shapes would make the data checks meaningless
        problems = data_problems(paths.data_dir(), shacl=args.shacl)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
