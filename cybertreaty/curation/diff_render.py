"""A graph diff as text for curators, and as a patch for machines.

Patches come in two formats:

- ``rdf-patch``: RDF Patch (https://afs.github.io/rdf-patch/), one transaction (``TX .`` … ``TC .``)
  of ``D`` (delete) lines, then ``A`` (add) lines, each an N-Quads quad;
- ``sparql-update``: ``DELETE DATA`` then ``INSERT DATA``, per named graph, which any SPARQL 1.1
  engine (and this project's token-guarded endpoint) applies as is.

Both only touch named graphs present in the diff; blank nodes would lose their identity across
documents, and the build never makes any.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from cybertreaty.curation.diff import Change, EntityChanges, GraphDiff, GraphName, Term
from cybertreaty.graph.report import compact
from cybertreaty.graph.vocab import ONTOLOGY_IRI

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_MARKS = {"added": "+", "removed": "-", "changed": "~"}
PATCH_FORMATS = ("rdf-patch", "sparql-update")


def render_text(diff: GraphDiff) -> str:
    """Entities by label, each with its changed facts and the source graph they are in."""
    lines: list[str] = []
    for entity in diff.entities:
        lines.append(_heading(entity))
        lines.extend(f"    {_change_line(change)}" for change in entity.changes)
    lines.append(diff.summary())
    return "\n".join(lines) + "\n"


def _heading(entity: EntityChanges) -> str:
    name = f"{entity.label} <{entity.subject}>" if entity.label else f"<{entity.subject}>"
    return f"{_MARKS[entity.status]} {name}"


def _change_line(change: Change) -> str:
    where = f"  [{graph_name(change.graph)}]"
    prop = term_text(change.predicate)
    if change.kind == "changed":
        assert change.old is not None and change.new is not None
        return f"~ {prop} {term_text(change.old)} → {term_text(change.new)}{where}"
    value = change.new if change.old is None else change.old
    assert value is not None
    return f"{_MARKS[change.kind]} {prop} {term_text(value)}{where}"


def term_text(term: Term) -> str:
    """``ct:date``, ``"2025-10-25"^^xsd:date``, ``"Angola"@en`` or ``<iri>``."""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        text = json.dumps(term.value, ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != _XSD_STRING:
            return f"{text}^^{compact(term.datatype.value)}"
        return text
    return str(term)


def graph_name(graph: GraphName) -> str:
    """The short name of a graph: the source id for a source's graph."""
    if isinstance(graph, ox.DefaultGraph):
        return "default graph"
    value = graph.value if isinstance(graph, ox.NamedNode) else str(graph)
    if "/graph/source/" in value:
        return "source " + value.rsplit("/", 1)[1]
    if value.endswith("/graph/meta"):
        return "metadata"
    if value == ONTOLOGY_IRI:
        return "ontology"
    return f"<{value}>"


def render_patch(diff: GraphDiff, fmt: str) -> str:
    if fmt == "rdf-patch":
        return render_rdf_patch(diff)
    if fmt == "sparql-update":
        return render_sparql_update(diff)
    raise ValueError(f"unknown patch format {fmt!r}: use one of {', '.join(PATCH_FORMATS)}")


def render_rdf_patch(diff: GraphDiff) -> str:
    lines = ["TX ."]
    lines += [f"D {_nquad(q)} ." for q in diff.removed]
    lines += [f"A {_nquad(q)} ." for q in diff.added]
    lines.append("TC .")
    return "\n".join(lines) + "\n"


def _nquad(quad: ox.Quad) -> str:
    terms = [str(quad.subject), str(quad.predicate), str(quad.object)]
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        terms.append(str(quad.graph_name))
    return " ".join(terms)


def render_sparql_update(diff: GraphDiff) -> str:
    operations = []
    if diff.removed:
        operations.append("DELETE DATA {\n" + _blocks(diff.removed) + "}")
    if diff.added:
        operations.append("INSERT DATA {\n" + _blocks(diff.added) + "}")
    return " ;\n".join(operations) + ("\n" if operations else "")


def _blocks(quads: Iterable[ox.Quad]) -> str:
    graphs: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        triple = f"{quad.subject} {quad.predicate} {quad.object} ."
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        graphs[key].append(triple)
    text = []
    for graph, triples in graphs.items():
        body = "".join(f"    {t}\n" for t in triples)
        text.append(f"  GRAPH {graph} {{\n{body}  }}\n" if graph else body)
    return "".join(text)
