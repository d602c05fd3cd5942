"""``cybertreaty release VERSION``: a versioned, checksummed build and its changelog entry.

    releases/1.2.0/
        cybertreaty.nq  cybertreaty.nq.gz  cybertreaty.trig  cybertreaty.ttl  cybertreaty.jsonld
        void.ttl     DCAT/VoID: version, date, counts, licence, sources, SHA-256 of each dump
        CHANGES.md   this release's changelog entry (also added to CHANGELOG.md)
        SHA256SUMS   every file above, for `sha256sum -c SHA256SUMS`

The data must build and conform to shapes/. Everything is written into a hidden folder beside the
releases, flushed to disk, and renamed to ``releases/VERSION`` only when complete; CHANGELOG.md is
then replaced in one rename. A full disk or any write error removes the partial folder and leaves
every earlier release and the changelog as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cybertreaty.curation import changelog, commit
from cybertreaty.curation.diff import GraphDiff, diff_quads
from cybertreaty.curation.errors import CurationError
from cybertreaty.curation.release_meta import describe_release
from cybertreaty.curation.revisions import DUMP, build_quads
from cybertreaty.curation.semver import is_semver, precedence
from cybertreaty.graph.build import VOID_FILE, assemble, write_dumps
from cybertreaty.graph.errors import DataError
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.validate import validate_quads
from cybertreaty.graph.vocab import PREFIXES

SUMS = "SHA256SUMS"
CHANGES = "CHANGES.md"


class ReleaseError(CurationError):
    """The release was refused or could not be written; nothing of it was kept."""


class NotConforming(ReleaseError):
    """The data build but do not conform to shapes/; nothing was released."""


@dataclass(frozen=True)
class Release:
    version: str
    folder: Path
    previous: str | None
    diff: GraphDiff | None
    entry: str


def release(
    version: str,
    data_dir: Path,
    releases: Path,
    changelog_path: Path,
    *,
    iris: Iris | None = None,
    built: dt.datetime | None = None,
) -> Release:
    iris = iris or Iris()
    built = built or dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not is_semver(version):
        raise ReleaseError(
            f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0; see semver.org)"
        )
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(f"cannot create {releases}: {exc.strerror or exc}") from None
    with _lock(releases):
        previous = _previous(version, releases)
        quads = _checked_graph(data_dir, iris, built)
        return _write(version, previous, quads, releases, changelog_path, iris, built)


@contextlib.contextmanager
def _lock(releases: Path) -> Iterator[None]:
    fd = os.open(releases, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(f"another release into {releases} is running") from None
        for leftover in releases.glob(".release-*"):  # a killed release's partial folder
            shutil.rmtree(leftover, ignore_errors=True)
        yield
    finally:
        os.close(fd)


def published(releases: Path) -> list[str]:
    """The complete releases (a semver folder with its SHA256SUMS), oldest first."""
    found = [p.name for p in releases.iterdir() if p.is_dir() and is_semver(p.name) and (p / SUMS).is_file()]
    return sorted(found, key=precedence)


def _previous(version: str, releases: Path) -> str | None:
    if (releases / version).exists():
        raise ReleaseError(f"release {version} already exists in {releases}; releases are never overwritten")
    existing = published(releases)
    if existing and precedence(version) <= precedence(existing[-1]):
        raise ReleaseError(f"{version} is not newer than the latest release {existing[-1]}")
    return existing[-1] if existing else None


def _checked_graph(data_dir: Path, iris: Iris, built: dt.datetime) -> list[ox.Quad]:
    try:
        quads = assemble(data_dir, iris, built)
    except DataError as exc:
        raise ReleaseError(f"data/ does not build: {exc}") from None
    report = validate_quads(quads)
    if not report.conforms:
        raise NotConforming(
            "the graph does not conform to shapes/; nothing was released:\n" + report.as_text()
        )
    return quads


def _write(
    version: str,
    previous: str | None,
    quads: list[ox.Quad],
    releases: Path,
    changelog_path: Path,
    iris: Iris,
    built: dt.datetime,
) -> Release:
    diff = diff_quads(build_quads(releases / previous / DUMP), quads) if previous else None
    entry = changelog.entry(version, built.date(), diff, previous, len(quads))
    staging = Path(tempfile.mkdtemp(prefix=f".release-{version}-", dir=releases))
    prepared: Path | None = None
    try:
        _fill(staging, quads, iris, built, version, previous, entry)
        current = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else None
        prepared = changelog.prepare(changelog_path, changelog.with_entry(current, entry))
        os.chmod(staging, 0o755)  # mkdtemp made it private; a release is for everyone to read
        staging.rename(releases / version)
        commit.fsync_dir(releases)
        os.replace(prepared, changelog_path)
        commit.fsync_dir(changelog_path.parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if prepared is not None:
            prepared.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise ReleaseError(
            f"cannot write release {version}: {reason}; nothing was released, earlier releases are intact"
        ) from None
    return Release(version, releases / version, previous, diff, entry)


def _fill(
    folder: Path,
    quads: list[ox.Quad],
    iris: Iris,
    built: dt.datetime,
    version: str,
    previous: str | None,
    entry: str,
) -> None:
    dumps = write_dumps(quads, folder)
    sums = {d.filename: sha256(folder / d.filename) for d in dumps}
    metadata = describe_release(quads, iris, dumps, built, version, previous, sums)
    ox.serialize(metadata, folder / VOID_FILE, ox.RdfFormat.TURTLE, prefixes=_prefixes())
    (folder / CHANGES).write_text(entry, encoding="utf-8")
    lines = [f"{sha256(folder / name)}  {name}\n" for name in sorted(p.name for p in folder.iterdir())]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")
    commit.fsync_tree(folder)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _prefixes() -> dict[str, str]:
    return {
        **PREFIXES,
        "dcat": "http://www.w3.org/ns/dcat#",
        "void": "http://rdfs.org/ns/void#",
        "spdx": "http://spdx.org/rdf/terms#",
    }
