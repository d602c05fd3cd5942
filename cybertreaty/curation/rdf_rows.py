"""RDF back to rows: the ct: signatures and consents to be bound of a Turtle, N-Triples, N-Quads,
TriG or JSON-LD file, as rows of signatures.csv and consents.csv.

A node maps to the row the build would make it from (see graph/read_actions.py), so what an
import adds is what ``cybertreaty build`` would write for that row. A source the upload describes
(a ct:SourceDocument with schema:url) is added like a row's source_* columns. Anything else is
reported, not dropped: an import that silently ignored part of its input would lose data.
JSON-LD never reaches the network (graph/validate.py refuses remote and file: contexts).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from cybertreaty.curation.current import Current
from cybertreaty.curation.diff import Term
from cybertreaty.curation.errors import InputRejected, Origin, Problem
from cybertreaty.curation.inputs import STDIN, Candidate
from cybertreaty.graph import validate
from cybertreaty.graph.claims import DOUBTS
from cybertreaty.graph.read_actions import CONSENT_CLASSES
from cybertreaty.graph.report import compact
from cybertreaty.graph.vocab import CT, SCHEMA, WD

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
_DESCRIPTIVE = {RDF_TYPE, RDFS + "label", "http://www.w3.org/2004/02/skos/core#prefLabel"}
_DOUBT_NAMES = {str(iri): name for name, iri in DOUBTS.items()}
_CONSENT_TYPES = {str(cls): name for name, cls in CONSENT_CLASSES.items()}
_SIGNATURE = str(CT.Signature)
_SOURCE_DOCUMENT = str(CT.SourceDocument)
_SOURCE_KINDS = {
    str(CT.OfficialRecord): "official",
    str(CT.NewsReport): "news",
    str(CT.Dataset): "dataset",
    str(CT.SecondarySource): "secondary",
    str(CT.AIGeneratedSource): "ai-generated",
}

# column -> predicate, for the columns both files share, then each file's own.
_COMMON = {
    "actor": str(CT.actor),
    "instrument": str(CT.instrument),
    "quote": str(CT.quote),
    "doubt": str(CT.doubt),
    "note": RDFS + "comment",
    "reservations": str(CT.withReservations),
}
_SIGNATURE_COLUMNS = {
    **_COMMON,
    "place": str(CT.place),
    "place_inferred": str(CT.placeInferred),
    "first": str(CT.firstToSign),
}
_CONSENT_COLUMNS = {**_COMMON, "entry_into_force": str(CT.entryIntoForceForActor)}
_DATES = {str(CT.date), str(CT.approximateDate), str(CT.dateUnknown)}
_SOURCE = str(CT.source)


@dataclass
class _Node:
    properties: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def types(self) -> set[str]:
        return {o.value for o in self.properties.get(RDF_TYPE, []) if isinstance(o, ox.NamedNode)}


def rdf_candidates(
    name: str, data: bytes, fmt: str, current: Current
) -> tuple[list[Candidate], list[Problem]]:
    """Rows for every action node, and a problem for every node or property that is not imported."""
    try:
        store = validate.load_dataset([STDIN], rdf_format=fmt, stdin=io.BytesIO(data))
    except validate.InputError as exc:
        raise InputRejected(Problem(name, 0, "", exc.message)) from None
    nodes: dict[ox.NamedNode | ox.BlankNode, _Node] = defaultdict(_Node)
    for quad in store:
        nodes[quad.subject].properties[quad.predicate.value].append(quad.object)
    mapper = _Mapper(name, current, nodes)
    for subject, node in nodes.items():
        mapper.add(subject, node)
    return mapper.candidates, mapper.problems


class _Mapper:
    def __init__(self, name: str, current: Current, nodes: dict[ox.NamedNode | ox.BlankNode, _Node]) -> None:
        self.name = name
        self.current = current
        self.nodes = nodes
        self.base = current.iris.base + "id/"
        self.candidates: list[Candidate] = []
        self.problems: list[Problem] = []

    def add(self, subject: ox.NamedNode | ox.BlankNode, node: _Node) -> None:
        types = node.types()
        origin = Origin(self.name, 0, str(subject))
        if _SIGNATURE in types:
            self._row(origin, node, "signatures", _SIGNATURE_COLUMNS, {})
        elif types & set(_CONSENT_TYPES):
            self._consent(origin, node, types & set(_CONSENT_TYPES))
        elif _SOURCE_DOCUMENT in types or (self._known(subject) and set(node.properties) <= _DESCRIPTIVE):
            return  # read where an action cites it; what data/ says about known entities stays
        else:
            named = ", ".join(compact(t) for t in sorted(types)) or "a node without rdf:type"
            reason = (
                f"is {named}; only ct:Signature and consents to be bound (ct:Ratification, ct:Accession, …) "
                "are imported from RDF, with the ct:SourceDocument they cite"
            )
            self.problems.append(origin.problem("rdf:type", reason))

    def _consent(self, origin: Origin, node: _Node, types: set[str]) -> None:
        # The general class may come with the specific one (e.g. from a reasoner): keep the specific.
        specific = types - {str(CT.ConsentToBeBound)} or types
        if len(specific) > 1:
            named = ", ".join(compact(t) for t in sorted(specific))
            self.problems.append(origin.problem("rdf:type", f"is {named}; a consent has one type"))
            return
        self._row(origin, node, "consents", _CONSENT_COLUMNS, {"type": _CONSENT_TYPES[specific.pop()]})

    def _known(self, subject: ox.NamedNode | ox.BlankNode) -> bool:
        return isinstance(subject, ox.NamedNode) and subject.value.startswith(self.base)

    def _row(
        self, origin: Origin, node: _Node, kind: str, columns: dict[str, str], values: dict[str, str]
    ) -> None:
        values = dict(values)
        read = {RDF_TYPE, RDFS + "label", _SOURCE, *_DATES, *columns.values()}
        for predicate in sorted(set(node.properties) - read):
            self.problems.append(origin.problem(compact(predicate), "is not a property the importer reads"))
        for column, predicate in columns.items():
            value = self._single(origin, node, predicate, column)
            if value is not None:
                values[column] = self._text(column, value)
        values["date"] = self._date(origin, node)
        values.update(self._sources(origin, node))
        self.candidates.append(Candidate(self.current.kinds[kind], origin, values))

    def _single(self, origin: Origin, node: _Node, predicate: str, column: str) -> Term | None:
        objects = node.properties.get(predicate, [])
        if len(objects) > 1:
            self.problems.append(
                origin.problem(column, f"{compact(predicate)} has {len(objects)} values; a row has one")
            )
        return objects[0] if objects else None

    def _text(self, column: str, value: Term) -> str:
        """The CSV cell for an RDF value: ids for the dataset's IRIs, QIDs for Wikidata items."""
        if isinstance(value, ox.Literal):
            return value.value
        if not isinstance(value, ox.NamedNode):
            return str(value)
        iri = value.value
        if column == "doubt":
            return _DOUBT_NAMES.get(iri, iri)
        if iri.startswith(str(WD)):
            return iri.rsplit("/", 1)[1]
        if iri.startswith(self.base):
            return unquote(iri.rsplit("/", 1)[1])
        return iri

    def _date(self, origin: Origin, node: _Node) -> str:
        dates = [o for p in (str(CT.date), str(CT.approximateDate)) for o in node.properties.get(p, [])]
        if len(dates) > 1:
            self.problems.append(origin.problem("date", f"has {len(dates)} dates; a row has one"))
        return dates[0].value if dates and isinstance(dates[0], ox.Literal) else "unknown"

    def _sources(self, origin: Origin, node: _Node) -> dict[str, str]:
        """Cited sources: ids of known ones; a new one described in the upload as source_* columns."""
        ids: list[str] = []
        extra: dict[str, str] = {}
        for cited in node.properties.get(_SOURCE, []):
            source_id = self._text("sources", cited)
            described = self.nodes.get(cited) if isinstance(cited, ox.NamedNode | ox.BlankNode) else None
            is_new = source_id not in self.current.registry.sources and described is not None
            if is_new and not extra and described is not None:
                extra = _source_columns(described, self._text)
                if cited.value.startswith(self.base):
                    ids.append(source_id)
            else:
                ids.append(source_id)
        return {"sources": " ".join(ids), **extra}


def _source_columns(node: _Node, text: Callable[[str, Term], str]) -> dict[str, str]:
    def first(predicate: str) -> str:
        objects = node.properties.get(predicate, [])
        return text("", objects[0]) if objects else ""

    kind = node.properties.get(str(CT.sourceKind), [])
    return {
        "source_url": first(str(SCHEMA.url)),
        "source_title": first(DCTERMS + "title") or first(RDFS + "label"),
        "source_publisher": first(DCTERMS + "publisher"),
        "source_kind": _SOURCE_KINDS.get(kind[0].value, kind[0].value) if kind else "",
        "source_published": first(DCTERMS + "issued"),
        "source_retrieved": first(str(CT.retrievedOn)),
    }
