"""The result formats we serve: one table used by negotiation, serialization and the Service
Description, so what is advertised is exactly what is produced."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Results of SELECT/ASK are tables (or a boolean); results of CONSTRUCT/DESCRIBE are graphs."""

    TABULAR = "tabular"
    GRAPH = "graph"


@dataclass(frozen=True)
class ResultFormat:
    key: str
    media_type: str
    family: Family
    iri: str  # the format's IRI in http://www.w3.org/ns/formats/, for sd:resultFormat
    aliases: tuple[str, ...] = ()  # other media types that clients send for the same format
    tokens: tuple[str, ...] = ()  # values of the `format` request parameter

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


_F = "http://www.w3.org/ns/formats/"

FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "json",
        "application/sparql-results+json",
        Family.TABULAR,
        _F + "SPARQL_Results_JSON",
        ("application/json",),
        ("json", "srj"),
    ),
    ResultFormat(
        "xml",
        "application/sparql-results+xml",
        Family.TABULAR,
        _F + "SPARQL_Results_XML",
        ("application/xml", "text/xml"),
        ("xml", "srx"),
    ),
    ResultFormat("csv", "text/csv", Family.TABULAR, _F + "SPARQL_Results_CSV", (), ("csv",)),
    ResultFormat("tsv", "text/tab-separated-values", Family.TABULAR, _F + "SPARQL_Results_TSV", (), ("tsv",)),
    ResultFormat(
        "turtle", "text/turtle", Family.GRAPH, _F + "Turtle", ("application/x-turtle",), ("turtle", "ttl")
    ),
    ResultFormat(
        "ntriples",
        "application/n-triples",
        Family.GRAPH,
        _F + "N-Triples",
        (),
        ("nt", "ntriples", "n-triples"),
    ),
    ResultFormat(
        "rdfxml",
        "application/rdf+xml",
        Family.GRAPH,
        _F + "RDF_XML",
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf", "xml", "rdf+xml"),
    ),
    ResultFormat(
        "jsonld",
        "application/ld+json",
        Family.GRAPH,
        _F + "JSON-LD",
        ("application/json",),
        ("jsonld", "json-ld", "json"),
    ),
    ResultFormat(
        "nquads", "application/n-quads", Family.GRAPH, _F + "N-Quads", (), ("nq", "nquads", "n-quads")
    ),
    ResultFormat("trig", "application/trig", Family.GRAPH, _F + "TriG", (), ("trig",)),
)


def formats_for(family: Family) -> tuple[ResultFormat, ...]:
    """Formats of one family, in our order of preference (the first is the default)."""
    return tuple(f for f in FORMATS if f.family is family)


def by_key(key: str) -> ResultFormat:
    return next(f for f in FORMATS if f.key == key)


def media_types(family: Family | None = None) -> tuple[str, ...]:
    """Canonical media types we produce (for 406 messages), optionally of one family."""
    return tuple(f.media_type for f in FORMATS if family is None or f.family is family)
