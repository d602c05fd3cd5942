"""The two sides of a diff: a build (its folder or a dump file), or data/ at a git revision.

A git revision is read with ``git ls-tree`` and ``git show`` into a temporary folder (the work
tree is never touched) and assembled with the current readers and ontology.
"""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import tempfile
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from cybertreaty.curation.errors import CurationError
from cybertreaty.graph.build import assemble
from cybertreaty.graph.errors import DataError
from cybertreaty.graph.iris import Iris

DUMP = "cybertreaty.nq"
_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
}
_ASSEMBLED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # timestamps are ignored by the diff


def build_quads(path: Path) -> list[ox.Quad]:
    """The quads of a build folder (its cybertreaty.nq) or of a dump (.nq, .nq.gz, .trig, .nt, .ttl)."""
    if path.is_dir():
        path = path / DUMP
    name = path.name.removesuffix(".gz")
    fmt = _FORMATS.get(Path(name).suffix)
    if fmt is None:
        raise CurationError(
            f"{path}: not a build folder or dump; give a folder with {DUMP} or a .nq/.trig file"
        )
    try:
        with path.open("rb") as raw:
            handle = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw)
            return list(ox.parse(handle, fmt))
    except OSError as exc:
        raise CurationError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except SyntaxError as exc:
        raise CurationError(f"{path}: {exc}") from None


def data_quads(data_dir: Path, iris: Iris) -> list[ox.Quad]:
    """The graph of a data/ folder as it is on disk."""
    try:
        return assemble(data_dir, iris, _ASSEMBLED_AT)
    except DataError as exc:
        raise CurationError(f"{data_dir} does not build: {exc}") from None


def revision_quads(data_dir: Path, revision: str, iris: Iris) -> list[ox.Quad]:
    """The graph of data/ as committed at ``revision`` (any git revision: HEAD~1, a tag, a hash)."""
    top = Path(_git(data_dir, "rev-parse", "--show-toplevel").decode().strip())
    prefix = _git(data_dir, "rev-parse", "--show-prefix").decode().strip()
    commit = (
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", what=revision)
        .decode()
        .strip()
    )
    names = [
        n for n in _git(top, "ls-tree", "-r", "-z", "--name-only", commit, "--", prefix).split(b"\0") if n
    ]
    if not names:
        raise CurationError(f"{revision}: has no {prefix or 'data/'} folder")
    with tempfile.TemporaryDirectory(prefix="cybertreaty-rev-") as scratch:
        folder = Path(scratch) / "data"
        for name in names:
            target = folder / name.decode()[len(prefix) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(top, "show", f"{commit}:{name.decode()}"))
        try:
            return assemble(folder, iris, _ASSEMBLED_AT)
        except DataError as exc:
            reason = str(exc).replace(str(folder), "data")
            raise CurationError(
                f"data/ at {revision} does not build with the current readers: {reason}"
            ) from None


def _git(where: Path, *args: str, what: str = "") -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise CurationError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"{what!r} is not a commit"
        raise CurationError(f"git {args[0]}: {message}")
    return done.stdout
