"""The DCAT/VoID description of a release: version, date, counts, licence, sources, checksums.

It is the build's own description (graph/describe.py: counts, named graphs, licence, dumps) moved
onto the release's IRI ``<base>dataset/<version>``, whose dumps live at
``<base>release/<version>/<file>``, plus what only a release has: dcat:isVersionOf,
dcat:previousVersion, dcterms:issued, the sources it draws on, and a SPDX SHA-256 checksum per dump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from cybertreaty.graph.claims import RDF_TYPE, english, iri, typed
from cybertreaty.graph.describe import Dump, describe
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.vocab import CT, DCAT

DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"


def release_iri(iris: Iris, version: str) -> NamedNode:
    return NamedNode(f"{iris.dataset().value}/{version}")


def describe_release(
    quads: Sequence[Quad],
    iris: Iris,
    dumps: Sequence[Dump],
    built: dt.datetime,
    version: str,
    previous: str | None,
    checksums: Mapping[str, str],
) -> list[Triple]:
    release = release_iri(iris, version)
    moved = [_move(t, iris, release, version) for t in describe(quads, iris, dumps, built)]
    triples = [t for t in moved if t.predicate != iri(DCAT.version)]
    triples += [
        Triple(release, iri(DCAT.version), typed(version, "string")),
        Triple(release, iri(DCAT.isVersionOf), iris.dataset()),
        Triple(release, NamedNode(DCTERMS + "issued"), typed(built.date().isoformat(), "date")),
        Triple(release, NamedNode(DCTERMS + "title"), english(f"cybertreaty knowledge graph {version}")),
    ]
    if previous is not None:
        triples.append(Triple(release, iri(DCAT.previousVersion), release_iri(iris, previous)))
    triples += _sources(quads, release)
    triples += _checksums(release, checksums)
    return [t for t in triples if not _is_old_title(t, release, version)]


def _move(triple: Triple, iris: Iris, release: NamedNode, version: str) -> Triple:
    """Put the build's description on the release: its IRI, and versioned download URLs."""

    def moved(term: NamedNode | BlankNode | Literal | Triple) -> NamedNode | BlankNode | Literal | Triple:
        if not isinstance(term, NamedNode):
            return term
        dataset, dumps = iris.dataset().value, iris.base + "dump/"
        if term.value == dataset or term.value.startswith(dataset + "#"):
            return NamedNode(release.value + term.value[len(dataset) :])
        if term.value.startswith(dumps):
            return NamedNode(f"{iris.base}release/{version}/{term.value[len(dumps) :]}")
        return term

    subject, obj = moved(triple.subject), moved(triple.object)
    assert isinstance(subject, NamedNode | BlankNode)
    return Triple(subject, triple.predicate, obj)


def _is_old_title(triple: Triple, release: NamedNode, version: str) -> bool:
    return (
        triple.subject == release
        and triple.predicate.value == DCTERMS + "title"
        and isinstance(triple.object, Literal)
        and not triple.object.value.endswith(version)
    )


def _sources(quads: Sequence[Quad], release: NamedNode) -> list[Triple]:
    """dcterms:source for every source document, with its title and URL for readers of this file."""
    documents = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == iri(CT.SourceDocument)}
    triples = []
    for quad in quads:
        if quad.subject in documents and quad.predicate.value in (DCTERMS + "title", "http://schema.org/url"):
            triples.append(quad.triple)
    triples += [
        Triple(release, NamedNode(DCTERMS + "source"), d) for d in documents if isinstance(d, NamedNode)
    ]
    return sorted(set(triples), key=str)


def _checksums(release: NamedNode, checksums: Mapping[str, str]) -> list[Triple]:
    triples = []
    for filename, digest in sorted(checksums.items()):
        distribution = NamedNode(f"{release.value}#dump-{filename}")
        checksum = NamedNode(f"{release.value}#sha256-{filename}")
        triples += [
            Triple(distribution, NamedNode(SPDX + "checksum"), checksum),
            Triple(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum")),
            Triple(checksum, NamedNode(SPDX + "algorithm"), NamedNode(SPDX + "checksumAlgorithm_sha256")),
            Triple(checksum, NamedNode(SPDX + "checksumValue"), typed(digest, "hexBinary")),
        ]
    return triples
