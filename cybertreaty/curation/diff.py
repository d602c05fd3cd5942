"""What changed between two versions of the graph: facts added, removed and changed, by entity.

A fact is a quad: the same triple stated by a second source is a new fact (in that source's
graph). Build timestamps are not facts: prov:generatedAtTime and dcterms:modified are ignored, so
two builds of the same data show no difference. A (subject, predicate, graph) that loses exactly
one value and gains exactly one is reported as a change of that value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from cybertreaty.graph.vocab import PROV

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

IGNORED_PREDICATES = frozenset({str(PROV.generatedAtTime), "http://purl.org/dc/terms/modified"})
_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
)


@dataclass(frozen=True)
class Change:
    """One value of (subject, predicate) in one graph: added (old None), removed (new None) or changed."""

    predicate: ox.NamedNode
    graph: GraphName
    old: Term | None
    new: Term | None

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


@dataclass(frozen=True)
class EntityChanges:
    """The changes to one subject, with its label (from the new graph, else the old one)."""

    subject: str
    label: str | None
    status: str  # "added" (it is new), "removed" (it is gone) or "changed"
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class GraphDiff:
    added: tuple[ox.Quad, ...]
    removed: tuple[ox.Quad, ...]
    entities: tuple[EntityChanges, ...]

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entities for c in e.changes if c.kind == kind)

    def summary(self) -> str:
        if self.empty:
            return "No differences."
        entities = len(self.entities)
        counts = f"{self.count('added')} facts added, {self.count('removed')} removed"
        noun = "entity" if entities == 1 else "entities"
        return f"{counts}, {self.count('changed')} changed on {entities} {noun}."


def diff_quads(old: Iterable[ox.Quad], new: Iterable[ox.Quad]) -> GraphDiff:
    before = {q for q in old if q.predicate.value not in IGNORED_PREDICATES}
    after = {q for q in new if q.predicate.value not in IGNORED_PREDICATES}
    added, removed = _sorted(after - before), _sorted(before - after)
    old_subjects = {q.subject for q in before}
    new_subjects = {q.subject for q in after}
    labels = {**_labels(before), **_labels(after)}
    grouped: dict[Term, list[Change]] = defaultdict(list)
    for (subject, predicate, graph), (gone, came) in _by_slot(added, removed).items():
        grouped[subject] += _changes(predicate, graph, gone, came)
    entities = []
    for subject, changes in grouped.items():
        status = (
            "added"
            if subject not in old_subjects
            else "removed"
            if subject not in new_subjects
            else "changed"
        )
        entities.append(EntityChanges(_text(subject), labels.get(subject), status, tuple(changes)))
    entities.sort(key=lambda e: ((e.label or e.subject).casefold(), e.subject))
    return GraphDiff(tuple(added), tuple(removed), tuple(entities))


def _sorted(quads: set[ox.Quad]) -> list[ox.Quad]:
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.graph_name), str(q.object)))


Slot = tuple[Term, ox.NamedNode, GraphName]


def _by_slot(added: list[ox.Quad], removed: list[ox.Quad]) -> dict[Slot, tuple[list[Term], list[Term]]]:
    slots: dict[Slot, tuple[list[Term], list[Term]]] = defaultdict(lambda: ([], []))
    for quad in removed:
        slots[(quad.subject, quad.predicate, quad.graph_name)][0].append(quad.object)
    for quad in added:
        slots[(quad.subject, quad.predicate, quad.graph_name)][1].append(quad.object)
    return slots


def _changes(
    predicate: ox.NamedNode,
    graph: GraphName,
    gone: list[Term],
    came: list[Term],
) -> list[Change]:
    if len(gone) == 1 and len(came) == 1:
        return [Change(predicate, graph, gone[0], came[0])]
    return [Change(predicate, graph, o, None) for o in gone] + [
        Change(predicate, graph, None, o) for o in came
    ]


def _labels(quads: set[ox.Quad]) -> dict[Term, str]:
    """An English (or untagged) label per subject, preferring rdfs:label."""
    found: dict[Term, tuple[int, str]] = {}
    for quad in quads:
        obj = quad.object
        if quad.predicate.value not in _LABELS or not isinstance(obj, ox.Literal):
            continue
        if obj.language not in (None, "en"):
            continue
        rank = (_LABELS.index(quad.predicate.value), obj.value)
        if quad.subject not in found or rank < found[quad.subject]:
            found[quad.subject] = rank
    return {subject: value for subject, (_, value) in found.items()}


def _text(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)
