"""The IRIs of the data: slash IRIs under one configurable base.

Every IRI is derived from the curated ids alone, so the same fact gets the same IRI in every build
and two sources reporting the same action land on the same node.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import NamedNode

DEFAULT_BASE = "https://w3id.org/cybertreaty/"

# Instrument kinds share one id space but get the path segment of their family.
_INSTRUMENT_SEGMENT = {
    "treaty": "treaty",
    "protocol": "treaty",
    "resolution": "resolution",
    "draft-resolution": "draft",
    "draft-amendment": "draft",
}


@dataclass(frozen=True)
class Iris:
    """Mints the dataset's IRIs from ids; `base` ends with '/'."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith("/") or "://" not in self.base:
            raise ValueError(f"base IRI {self.base!r} must be absolute and end with '/'")

    def _id(self, *segments: str) -> NamedNode:
        return NamedNode(self.base + "id/" + "/".join(quote(s, safe="-._~") for s in segments))

    def state(self, iso3: str) -> NamedNode:
        return self._id("state", iso3)

    def organisation(self, org_id: str) -> NamedNode:
        return self._id("org", org_id)

    def instrument(self, kind: str, instrument_id: str) -> NamedNode:
        return self._id(_INSTRUMENT_SEGMENT[kind], instrument_id)

    def place(self, place_id: str) -> NamedNode:
        return self._id("place", place_id)

    def source(self, source_id: str) -> NamedNode:
        return self._id("source", source_id)

    def ceremony(self, ceremony_id: str) -> NamedNode:
        return self._id("ceremony", ceremony_id)

    def membership(self, org_id: str, member: str, role: str) -> NamedNode:
        suffix = "" if role in ("member", "founding-member") else f"-{role}"
        return self._id("membership", f"{org_id}-{member}{suffix}")

    def action(self, kind: str, actor: str, instrument: str, qualifier: str) -> NamedNode:
        name = f"{kind}-{actor}-{instrument}" + (f"-{qualifier}" if qualifier else "")
        return self._id("action", name)

    def vote_event(self, event_id: str) -> NamedNode:
        return self._id("vote-event", event_id)

    def vote(self, event_id: str, actor: str) -> NamedNode:
        return self._id("vote", event_id, actor)

    def reported_count(self, about: str, count_of: str, value: int, as_of: str, source: str) -> NamedNode:
        return self._id("count", f"{about}-{count_of}-{value}-{as_of or 'undated'}-{source}")

    def source_graph(self, source_id: str) -> NamedNode:
        return NamedNode(self.base + "graph/source/" + source_id)

    def meta_graph(self) -> NamedNode:
        return NamedNode(self.base + "graph/meta")

    def dataset(self) -> NamedNode:
        return NamedNode(self.base + "dataset")

    def sparql_endpoint(self) -> NamedNode:
        return NamedNode(self.base + "sparql")

    def dump(self, filename: str) -> NamedNode:
        return NamedNode(self.base + "dump/" + filename)
