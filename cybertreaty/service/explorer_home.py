"""What the home page says about the dataset: its release (from the build's VoID description, the
file /void serves) and how many things of each kind it holds (the `explorer-counts` named query, the
same one /api/explorer/counts answers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from fastapi import Request

from cybertreaty.graph.build import VOID_FILE
from cybertreaty.graph.vocab import DCAT, VOID
from cybertreaty.service.api_entities import Resolved
from cybertreaty.service.api_results import select_rows
from cybertreaty.service.dumps import build_dir
from cybertreaty.service.registry import packaged_registry
from cybertreaty.service.sparql_routes import settings_of

DCTERMS = "http://purl.org/dc/terms/"
COUNTS_QUERY = "explorer-counts"
Facts = dict[str, dict[str, list[str]]]  # subject -> predicate -> values (IRIs and literals as text)
CT = "https://w3id.org/cybertreaty/ontology#"
SOURCE_CLASS = CT + "SourceDocument"


@dataclass(frozen=True)
class Dump:
    name: str
    href: str  # on this server
    media_type: str
    size: int | None


@dataclass(frozen=True)
class Release:
    """The dataset as its VoID description states it."""

    title: str
    description: str
    version: str | None
    modified: str | None
    triples: int | None
    graphs: int
    dumps: tuple[Dump, ...]


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    iri: str

    @property
    def href(self) -> str:
        """Its documentation: our ontology's page for our classes, the class IRI for others."""
        return "/ontology#" + self.iri.removeprefix(CT) if self.iri.startswith(CT) else self.iri


async def counts(request: Request) -> list[Count]:
    query = packaged_registry()[COUNTS_QUERY]
    rows, _ = await select_rows(request, query, Resolved({}, {}))
    return [Count(str(row["label"]), int(row["count"]), str(row["class"])) for row in rows]


def sources_count(kinds: list[Count]) -> int:
    return next((c.count for c in kinds if c.iri == SOURCE_CLASS), 0)


def release(request: Request) -> Release | None:
    """The build's VoID description, or None when the served store has none beside it."""
    path = build_dir(request) / VOID_FILE
    if not path.is_file():
        return None
    return read_void(path, settings_of(request).base_iri)


def read_void(path: Path, base_iri: str) -> Release:
    facts: Facts = defaultdict(lambda: defaultdict(list))
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if isinstance(triple.subject, ox.NamedNode) and isinstance(triple.object, ox.NamedNode | ox.Literal):
            facts[triple.subject.value][triple.predicate.value].append(triple.object.value)
    dataset = facts[base_iri + "dataset"]

    def first(predicate: str) -> str | None:
        values = dataset.get(predicate, [])
        return values[0] if values else None

    triples = first(str(VOID.triples))
    return Release(
        title=first(DCTERMS + "title") or "cybertreaty knowledge graph",
        description=first(DCTERMS + "description") or "",
        version=first(str(DCAT.version)),
        modified=first(DCTERMS + "modified"),
        triples=int(triples) if triples is not None else None,
        graphs=len(dataset.get(str(VOID.subset), [])),
        dumps=tuple(_dumps(facts, dataset, base_iri)),
    )


def _dumps(facts: Facts, dataset: dict[str, list[str]], base_iri: str) -> list[Dump]:
    """Each void:dataDump under <base>dump/, as the /dump/ URL of this server, with its size."""
    prefix = base_iri + "dump/"
    details: dict[str, tuple[str, int | None]] = {}  # download URL -> media type, size (dcat:Distribution)
    for node in facts.values():
        urls = node.get(str(DCAT.downloadURL), [])
        if urls:
            sizes = node.get(str(DCAT.byteSize), [])
            formats = node.get(DCTERMS + "format", [])
            details[urls[0]] = (formats[0] if formats else "", int(sizes[0]) if sizes else None)
    found = []
    for url in sorted(dataset.get(str(VOID.dataDump), [])):
        name = url.removeprefix(prefix)
        if url.startswith(prefix) and "/" not in name:
            media_type, byte_size = details.get(url, ("", None))
            found.append(Dump(name, "/dump/" + name, media_type, byte_size))
    return found
