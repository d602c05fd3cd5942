"""Which States, organisations and treaties have no Wikidata item (the `missing-links` query)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cybertreaty.graph.store import Store
from cybertreaty.graph.wikidata import queries
from cybertreaty.graph.wikidata.source import Source, as_source


@dataclass(frozen=True)
class MissingLink:
    iri: str
    id: str  # the curated id: ISO3 code, organisation or instrument slug
    label: str
    kind: str  # "State", "Organisation" or "Treaty"
    close_match: str | None = None  # a Wikidata item recorded as close, not the same


def missing_links(graph: ox.Store | Store | Source) -> list[MissingLink]:
    """Entities that no citable source has linked to a Wikidata item yet, sorted by kind and id."""
    rows = as_source(graph).rows(queries.load("missing-links").sparql)
    links = {
        MissingLink(
            row["entity"].value,
            row["id"].value,
            row["label"].value,
            row["kind"].value,
            row["closeMatch"].value if "closeMatch" in row else None,
        )
        for row in rows
    }
    return sorted(links, key=lambda link: (link.kind, link.id))
