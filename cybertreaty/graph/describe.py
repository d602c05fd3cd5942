"""The dataset's own description in VoID and DCAT: counts, named graphs, dumps, endpoint.

Counts are computed from the quads the build wrote, so the description cannot drift from the data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad, Triple

from cybertreaty import __version__
from cybertreaty.graph.claims import RDF_TYPE, RDFS_LABEL, english, iri, typed
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.vocab import DCAT, ONTOLOGY_IRI, PREFIXES, SD, VOID

DCTERMS = "http://purl.org/dc/terms/"
LICENCE = NamedNode("https://creativecommons.org/licenses/by/4.0/")


@dataclass(frozen=True)
class Dump:
    """A file the build wrote and the server offers for download."""

    filename: str
    media_type: str  # of the data inside, as DCAT 3 asks even for a compressed file
    size: int
    compress_format: str | None = None  # e.g. application/gzip


def describe(quads: Sequence[Quad], iris: Iris, dumps: Sequence[Dump], built: dt.datetime) -> list[Triple]:
    dataset = iris.dataset()
    triples = [
        Triple(dataset, RDF_TYPE, iri(VOID.Dataset)),
        Triple(dataset, RDF_TYPE, iri(DCAT.Dataset)),
        Triple(dataset, NamedNode(DCTERMS + "title"), english("cybertreaty knowledge graph")),
        Triple(dataset, RDFS_LABEL, english("cybertreaty knowledge graph")),
        Triple(
            dataset,
            NamedNode(DCTERMS + "description"),
            english(
                "States, organisations, treaties, General Assembly resolutions, recorded votes and the "
                "actions of States around the United Nations Convention against Cybercrime and the Council "
                "of Europe Convention on Cybercrime. Every fact is in the named graph of the source document "
                "it is taken from."
            ),
        ),
        Triple(dataset, NamedNode(DCTERMS + "license"), LICENCE),
        Triple(dataset, NamedNode(DCTERMS + "modified"), typed(built.date().isoformat(), "date")),
        Triple(dataset, iri(DCAT.version), typed(__version__, "string")),
        Triple(dataset, iri(VOID.sparqlEndpoint), iris.sparql_endpoint()),
        Triple(dataset, iri(VOID.uriSpace), typed(iris.base + "id/", "string")),
        Triple(dataset, iri(VOID.vocabulary), NamedNode(PREFIXES["ct"])),
        Triple(dataset, NamedNode(DCTERMS + "conformsTo"), NamedNode(ONTOLOGY_IRI)),
    ]
    triples += [
        Triple(dataset, iri(VOID.vocabulary), NamedNode(PREFIXES[p])) for p in ("org", "prov", "skos")
    ]
    triples += _counts(dataset, quads)
    triples += _subsets(dataset, quads)
    triples += _distributions(dataset, iris, dumps)
    return triples


def _counts(dataset: NamedNode, quads: Sequence[Quad]) -> list[Triple]:
    union = {q.triple for q in quads}
    subjects = {t.subject for t in union}
    classes = Counter(
        t.object for t in {Triple(t.subject, t.predicate, t.object) for t in union if t.predicate == RDF_TYPE}
    )
    triples = [
        Triple(dataset, iri(VOID.triples), typed(str(len(union)), "integer")),
        Triple(dataset, iri(VOID.distinctSubjects), typed(str(len(subjects)), "integer")),
        Triple(dataset, iri(VOID.properties), typed(str(len({t.predicate for t in union})), "integer")),
        Triple(dataset, iri(VOID.classes), typed(str(len(classes)), "integer")),
    ]
    for cls, count in sorted(classes.items(), key=lambda item: str(item[0])):
        assert isinstance(cls, NamedNode)
        partition = NamedNode(f"{dataset.value}#class-{cls.value.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
        triples += [
            Triple(dataset, iri(VOID.classPartition), partition),
            Triple(partition, iri(VOID["class"]), cls),
            Triple(partition, iri(VOID.entities), typed(str(count), "integer")),
        ]
    return triples


def _subsets(dataset: NamedNode, quads: Sequence[Quad]) -> list[Triple]:
    """One VoID subset per named graph, so clients see the graphs the SPARQL dataset holds."""
    per_graph = Counter(q.graph_name for q in quads)
    triples = []
    for graph, count in sorted(per_graph.items(), key=lambda item: str(item[0])):
        assert isinstance(graph, NamedNode)
        triples += [
            Triple(dataset, iri(VOID.subset), graph),
            Triple(graph, RDF_TYPE, iri(VOID.Dataset)),
            Triple(graph, RDF_TYPE, iri(SD.NamedGraph)),
            Triple(graph, iri(SD.name), graph),
            Triple(graph, iri(VOID.triples), typed(str(count), "integer")),
        ]
    return triples


def _distributions(dataset: NamedNode, iris: Iris, dumps: Sequence[Dump]) -> list[Triple]:
    triples = []
    for dump in dumps:
        url = iris.dump(dump.filename)
        distribution = NamedNode(f"{dataset.value}#dump-{dump.filename}")
        triples += [
            Triple(dataset, iri(VOID.dataDump), url),
            Triple(dataset, iri(DCAT.distribution), distribution),
            Triple(distribution, RDF_TYPE, iri(DCAT.Distribution)),
            Triple(distribution, iri(DCAT.downloadURL), url),
            Triple(
                distribution,
                iri(DCAT.mediaType),
                NamedNode(f"https://www.iana.org/assignments/media-types/{dump.media_type}"),
            ),
            Triple(distribution, iri(DCAT.byteSize), typed(str(dump.size), "nonNegativeInteger")),
            Triple(distribution, NamedNode(DCTERMS + "format"), typed(dump.media_type, "string")),
        ]
        if dump.compress_format:
            iana = f"https://www.iana.org/assignments/media-types/{dump.compress_format}"
            triples.append(Triple(distribution, iri(DCAT.compressFormat), NamedNode(iana)))
    return triples
