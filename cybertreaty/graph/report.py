"""The curator's validation report: typed results, read from a SHACL report graph, and their
text, JSON and Turtle renderings.

``validate.py`` runs pySHACL and looks labels and sources up in the data; this module never
touches pySHACL or a store.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Identifier, Literal, Node, URIRef

from cybertreaty.graph.vocab import PREFIXES

_EXTRA_PREFIXES = {"sh": "http://www.w3.org/ns/shacl#", "shp": "https://w3id.org/cybertreaty/shapes#"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Severity(enum.Enum):
    """SHACL result severities, most severe first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def rank(self) -> int:
        """0 for the most severe; sorts results most severe first."""
        return list(Severity).index(self)

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        """The severity named by ``sh:Violation``, ``sh:Warning`` or ``sh:Info``."""
        return cls(iri.rsplit("#", 1)[-1])


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with what a curator needs to find and fix it.

    ``path`` is a SPARQL property path written with the prefixes of ``vocab.PREFIXES``
    (``ct:iso3166Alpha3``, ``ct:date|ct:approximateDate|ct:dateUnknown``), or None for results of
    node-level (SPARQL) constraints, which ``shape`` then names. ``sources`` are the IRIs of the
    source documents the focus node cites.
    """

    severity: Severity
    focus_node: str
    focus_label: str | None
    path: str | None
    value: Identifier | None
    message: str
    shape: str
    sources: tuple[str, ...] = ()

    @property
    def path_or_shape(self) -> str:
        """The path when there is one, else the name of the shape that produced the result."""
        return self.path if self.path is not None else self.shape

    def sort_key(self) -> tuple[int, str, str]:
        return (self.severity.rank, self.path_or_shape, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON object (the items of ``as_json()``'s ``results``)."""
        return {
            "severity": self.severity.value,
            "focusNode": self.focus_node,
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
            "shape": self.shape,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a graph: ``conforms`` is True when no result is a Violation."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: rdflib.Graph

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.results if r.severity is severity)

    def summary(self) -> dict[str, Any]:
        """Counts by severity, the number of results and of focus nodes, and ``conforms``."""
        return {
            "conforms": self.conforms,
            "results": len(self.results),
            "focusNodes": len({r.focus_node for r in self.results}),
            "bySeverity": {s.value: self.count(s) for s in Severity},
        }

    def as_text(self) -> str:
        return render_text(self)

    def as_json(self) -> str:
        return render_json(self)

    def as_turtle(self) -> str:
        return render_turtle(self)


def compact(iri: str) -> str:
    """``ct:date`` for an IRI in a known namespace, ``<iri>`` otherwise."""
    for prefix, namespace in {**PREFIXES, **_EXTRA_PREFIXES}.items():
        if iri.startswith(namespace) and _is_local_name(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _is_local_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "_-" for c in name)


def format_value(value: Identifier) -> str:
    """A value as a curator reads it: ``"vn"``, ``"2025"^^xsd:gYear``, ``wd:Q881`` or ``<iri>``."""
    if isinstance(value, Literal):
        text = json.dumps(str(value), ensure_ascii=False)
        if value.language:
            return f"{text}@{value.language}"
        if value.datatype is not None and str(value.datatype) != _XSD_STRING:
            return f"{text}^^{compact(str(value.datatype))}"
        return text
    if isinstance(value, URIRef):
        return compact(str(value))
    return str(value.n3())


def source_id(iri: str) -> str:
    """The short id of a source document (the last segment of its IRI): ``unvotes``."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def ordered(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Results grouped by focus node: the groups most severe first, then by label and IRI."""
    by_node: dict[str, list[ValidationResult]] = {}
    for result in results:
        by_node.setdefault(result.focus_node, []).append(result)

    def group_key(group: list[ValidationResult]) -> tuple[int, str, str]:
        first = group[0]
        label = (first.focus_label or first.focus_node).casefold()
        return (min(r.severity.rank for r in group), label, first.focus_node)

    groups = sorted((sorted(g, key=ValidationResult.sort_key) for g in by_node.values()), key=group_key)
    return [result for group in groups for result in group]


def render_text(report: ValidationReport) -> str:
    """Results grouped by focus node, most severe first, each group headed by label, IRI, sources."""
    lines: list[str] = []
    for node, group_iter in groupby(ordered(report.results), key=lambda r: r.focus_node):
        group = list(group_iter)
        head = group[0]
        lines.append(_group_heading(head, node))
        lines.extend(_result_line(r, head.severity) for r in group)
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def _group_heading(head: ValidationResult, node: str) -> str:
    name = f"{head.focus_label} ({node})" if head.focus_label else node
    cited = ", ".join(source_id(s) for s in head.sources) if head.sources else None
    sources = f"sources: {cited}" if cited else "no source cited"
    return f"[{head.severity.value}] {name} — {sources}"


def _result_line(result: ValidationResult, group_severity: Severity) -> str:
    tag = "" if result.severity is group_severity else f"[{result.severity.value}] "
    where = result.path_or_shape
    if result.value is not None:
        where = f"{where} {format_value(result.value)}"
    return f"  {tag}{where}: {result.message}"


def _summary_line(report: ValidationReport) -> str:
    counts = [_plural(report.count(s), s.value.lower()) for s in Severity]
    nodes = _plural(len({r.focus_node for r in report.results}), "node")
    verdict = "Conforms" if report.conforms else "Does not conform"
    return f"{verdict}: {', '.join(counts)} on {nodes}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_json(report: ValidationReport, *, indent: int | None = 2) -> str:
    """``{"summary": {...}, "results": [...]}`` with the results in :func:`ordered` order."""
    document = {
        "summary": report.summary(),
        "results": [r.to_dict() for r in ordered(report.results)],
    }
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def render_turtle(report: ValidationReport) -> str:
    """The SHACL validation report graph as Turtle, with the project's prefixes."""
    graph = rdflib.Graph()
    for prefix, namespace in {**PREFIXES, **_EXTRA_PREFIXES}.items():
        graph.bind(prefix, namespace)
    graph += report.graph
    return graph.serialize(format="turtle")


# --- reading a SHACL report graph ---------------------------------------------------------------


def results_from_graph(
    report_graph: rdflib.Graph,
    shapes: rdflib.Graph,
    *,
    label: Callable[[Node], str | None],
    sources: Callable[[Node], tuple[str, ...]],
) -> tuple[ValidationResult, ...]:
    """The report's results; ``label`` and ``sources`` look a focus node up in the data.

    Results that read the same (one value failing two constraints of one property shape) are
    kept once, in the order of the report graph.
    """
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        if focus is None:
            raise ValueError(f"a SHACL result without a focus node: {node}")
        shape = report_graph.value(node, SH.sourceShape)
        path = report_graph.value(node, SH.resultPath)
        value = report_graph.value(node, SH.value)
        results.append(
            ValidationResult(
                severity=Severity.from_iri(str(report_graph.value(node, SH.resultSeverity))),
                focus_node=str(focus),
                focus_label=label(focus),
                path=None if path is None else path_text(path, report_graph),
                value=value if isinstance(value, Identifier) and value != focus else None,
                message=_english(report_graph.objects(node, SH.resultMessage)) or "(no message)",
                shape=_shape_name(shapes, shape),
                sources=sources(focus),
            )
        )
    return tuple(dict.fromkeys(results))


def _shape_name(shapes: rdflib.Graph, shape: Node | None) -> str:
    if shape is None:
        return ""
    return _english(shapes.objects(shape, SH.name)) or str(shape)


def _english(literals: Iterable[Node]) -> str | None:
    """The English (or untagged) text among ``literals``, else any."""
    texts = sorted(
        (lit.language not in (None, "en"), str(lit)) for lit in literals if isinstance(lit, Literal)
    )
    return texts[0][1] if texts else None


def path_text(path: Node, graph: rdflib.Graph) -> str:
    """A SHACL path as SPARQL property-path text: ``ct:date``, ``^org:member``, ``a|b``, ``a/b``."""
    if isinstance(path, URIRef):
        return compact(str(path))
    for predicate, operator in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({path_text(inner, graph)}){operator}"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{path_text(inverse, graph)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(path_text(p, graph) for p in Collection(graph, alternatives))
    return "/".join(path_text(p, graph) for p in Collection(graph, path))
