"""The data an import is checked against: what data/ holds now, read with the build's readers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from cybertreaty.curation.errors import CurationError
from cybertreaty.curation.kinds import FILE_READERS, Kind, catalog
from cybertreaty.curation.resolve import Resolver
from cybertreaty.graph.claims import Claims, Registry
from cybertreaty.graph.csvrows import Row, read_rows
from cybertreaty.graph.errors import RowError
from cybertreaty.graph.iris import Iris


@dataclass(frozen=True)
class Current:
    """data/ as it is: its kinds, the ids it defines, every row, and how to resolve a State."""

    data_dir: Path
    iris: Iris
    kinds: dict[str, Kind]
    registry: Registry
    rows: dict[str, list[Row]]  # by file name
    resolver: Resolver

    def registry_copy(self) -> Registry:
        """A registry an import may add ids to without touching this one."""
        r = self.registry
        return dataclasses.replace(
            r,
            sources=dict(r.sources),
            places=dict(r.places),
            states=dict(r.states),
            organisations=dict(r.organisations),
            instruments=dict(r.instruments),
            vote_events=dict(r.vote_events),
        )


def load_current(data_dir: Path, iris: Iris) -> Current:
    """Read data/; a bad row there stops the import (fix data/ first: it would not build either)."""
    try:
        kinds = catalog(data_dir)
        registry = Registry(iris)
        claims = Claims(iris)
        for filename, reader in FILE_READERS:
            reader(data_dir / filename, registry, claims)
        rows = {k.filename: list(read_rows(data_dir / k.filename, k.columns)) for k in kinds.values()}
    except RowError as exc:
        raise CurationError(f"data/ itself does not build, fix it first: {exc}") from None
    except OSError as exc:
        raise CurationError(f"cannot read {data_dir}: {exc.strerror or exc}") from None
    return Current(data_dir, iris, kinds, registry, rows, _resolver(registry, rows["wikidata_links.csv"]))


def _resolver(registry: Registry, links: list[Row]) -> Resolver:
    states = {iso3: entity.label for iso3, entity in registry.states.items()}
    qids = {row.get("qid"): row.get("entity") for row in links if row.get("relation") == "same-as"}
    return Resolver(states, registry.organisations, qids)
