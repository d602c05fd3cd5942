"""Releases: semver only, never overwritten, checksummed, described, and safe on a failing disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cybertreaty.cli import main
from cybertreaty.curation.release import sha256
from cybertreaty.curation.semver import precedence
from tests.curation.conftest import snapshot

DCAT = "http://www.w3.org/ns/dcat#"
RELEASE = "https://w3id.org/cybertreaty/dataset/"


def release(minimal: Path, tmp_path: Path, version: str) -> tuple[int, str]:
    arguments = ["release", version, "--data", str(minimal), "--releases", str(tmp_path / "releases")]
    result = CliRunner().invoke(main, [*arguments, "--changelog", str(tmp_path / "CHANGELOG.md")])
    return result.exit_code, result.output


@pytest.mark.parametrize("version", ["v1.0.0", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "latest", "1.0.0+"])
def test_a_version_that_is_not_semver_is_refused(minimal: Path, tmp_path: Path, version: str) -> None:
    assert release(minimal, tmp_path, version) == (
        2,
        f"error: {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0; see semver.org)\n",
    )
    assert not (tmp_path / "CHANGELOG.md").exists()


def test_an_existing_or_older_version_is_refused(minimal: Path, tmp_path: Path) -> None:
    assert release(minimal, tmp_path, "1.1.0")[0] == 0
    before = snapshot(tmp_path / "releases")
    releases = tmp_path / "releases"
    assert release(minimal, tmp_path, "1.1.0") == (
        2,
        f"error: release 1.1.0 already exists in {releases}; releases are never overwritten\n",
    )
    assert release(minimal, tmp_path, "1.1.0-rc.1") == (
        2,
        "error: 1.1.0-rc.1 is not newer than the latest release 1.1.0\n",
    )
    assert release(minimal, tmp_path, "1.1.0+build.7") == (
        2,
        "error: 1.1.0+build.7 is not newer than the latest release 1.1.0\n",
    )
    assert snapshot(tmp_path / "releases") == before


def test_semver_precedence_follows_the_specification() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
    ]
    ordered += ["1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"]
    assert sorted(reversed(ordered), key=precedence) == ordered


def test_the_metadata_gives_version_date_counts_licence_sources_and_checksums(
    minimal: Path, tmp_path: Path
) -> None:
    assert release(minimal, tmp_path, "0.9.0")[0] == 0
    assert release(minimal, tmp_path, "1.0.0")[0] == 0
    folder = tmp_path / "releases" / "1.0.0"
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(path=folder / "void.ttl"))

    def values(subject: str, predicate: str) -> list[str]:
        found = graph.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
        return sorted(q.object.value for q in found if isinstance(q.object, ox.NamedNode | ox.Literal))

    node = RELEASE + "1.0.0"
    assert values(node, DCAT + "version") == ["1.0.0"]
    assert values(node, DCAT + "previousVersion") == [RELEASE + "0.9.0"]
    assert values(node, DCAT + "isVersionOf") == ["https://w3id.org/cybertreaty/dataset"]
    assert len(values(node, "http://purl.org/dc/terms/issued")) == 1
    assert values(node, "http://purl.org/dc/terms/license") == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    nq = ox.parse(path=folder / "cybertreaty.nq")
    assert values(node, "http://rdfs.org/ns/void#triples") == [str(len({q.triple for q in nq}))]
    assert len(values(node, "http://purl.org/dc/terms/source")) == 4  # the four sources of the test data
    checksum = values(f"{node}#sha256-cybertreaty.nq", "http://spdx.org/rdf/terms#checksumValue")
    assert checksum == [sha256(folder / "cybertreaty.nq")]
    assert values(f"{node}#dump-cybertreaty.nq", DCAT + "downloadURL") == [
        "https://w3id.org/cybertreaty/release/1.0.0/cybertreaty.nq"
    ]


def test_data_that_does_not_conform_is_not_released(minimal: Path, tmp_path: Path) -> None:
    with (minimal / "votes.csv").open("a", encoding="utf-8") as handle:
        handle.write("a-res-74-247-plenary,PSE,yes,unvotes,,\n")  # the totals say 1 yes, this makes 2
    code, output = release(minimal, tmp_path, "1.0.0")
    assert code == 1
    assert output.startswith("error: the graph does not conform to shapes/; nothing was released:\n")
    assert "The recorded yes total is 1, but the per-State votes with that option add up to 2" in output
    assert list((tmp_path / "releases").iterdir()) == []


def test_a_full_disk_leaves_the_previous_release_intact(minimal: Path, tmp_path: Path) -> None:
    assert release(minimal, tmp_path, "1.0.0")[0] == 0
    before = snapshot(tmp_path / "releases" / "1.0.0")
    changelog = (tmp_path / "CHANGELOG.md").read_bytes()
    # A real write error: the kernel refuses any file over 20 kB (EFBIG), as a full disk would.
    limited = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
        "from cybertreaty.cli import main; main()"
    )
    arguments = ["release", "1.1.0", "--data", str(minimal), "--releases", str(tmp_path / "releases")]
    done = subprocess.run(
        [sys.executable, "-c", limited, *arguments, "--changelog", str(tmp_path / "CHANGELOG.md")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "error: cannot write release 1.1.0: File too large (os error 27); nothing was released, "
        "earlier releases are intact\n"
    )
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == ["1.0.0"]
    assert snapshot(tmp_path / "releases" / "1.0.0") == before
    assert (tmp_path / "CHANGELOG.md").read_bytes() == changelog
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "releases" / "1.0.0", capture_output=True
    )
    assert check.returncode == 0
