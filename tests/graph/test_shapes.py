"""Every node shape of shapes/ against its fixtures in tests/graph/shapes/<ShapeLocalName>/.

Both fixtures are loaded on top of ``base.trig``, a small valid world, and validated with every
shape: ``valid.trig`` must give no result at all, ``invalid.trig`` exactly the results listed in
``expected.json`` (severity, focus node relative to the id base, path or shape name, message).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from cybertreaty import paths
from cybertreaty.graph.validate import ValidationReport, load_dataset, load_shapes, validate

FIXTURES = Path(__file__).parent / "shapes"
BASE = FIXTURES / "base.trig"
ID = "https://w3id.org/cybertreaty/id/"
SHAPES = "https://w3id.org/cybertreaty/shapes"
SHP = SHAPES + "#"

CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())

Row = tuple[str, str, str, str]


def _shapes_graph() -> rdflib.Graph:
    return load_shapes()


def _node_shapes(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef))


def _rows(report: ValidationReport) -> list[Row]:
    return sorted((r.severity.value, r.focus_node, r.path_or_shape, r.message) for r in report.results)


def _expected(case: str) -> list[Row]:
    entries = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    return sorted(
        (e["severity"], ID + e["focus"], e.get("path", e.get("shape")), e["message"]) for e in entries
    )


def _validate(*files: Path) -> ValidationReport:
    return validate(load_dataset([BASE, *files]))


def test_every_node_shape_has_a_case() -> None:
    """Guard: one fixture directory per sh:NodeShape, so no shape goes untested."""
    node_shapes = [str(s).removeprefix(SHP) for s in _node_shapes(_shapes_graph())]
    assert len(CASES) == len(node_shapes)
    assert node_shapes == CASES
    for case in CASES:
        assert {p.name for p in (FIXTURES / case).iterdir()} == {
            "valid.trig",
            "invalid.trig",
            "expected.json",
        }


def test_base_world_gives_no_result() -> None:
    assert _validate().results == ()


@pytest.mark.parametrize("case", CASES)
def test_valid_fixture_gives_no_result(case: str) -> None:
    report = _validate(FIXTURES / case / "valid.trig")
    assert _rows(report) == []
    assert report.conforms


@pytest.mark.parametrize("case", CASES)
def test_invalid_fixture_gives_exactly_the_expected_results(case: str) -> None:
    report = _validate(FIXTURES / case / "invalid.trig")
    assert _rows(report) == _expected(case)


@pytest.mark.parametrize("case", CASES)
def test_invalid_fixture_exercises_its_own_shape(case: str) -> None:
    graph = _shapes_graph()
    shape = rdflib.URIRef(SHP + case)
    names = {str(graph.value(shape, SH.name))}
    names |= {str(graph.value(p, SH.name)) for p in graph.objects(shape, SH.property)}
    report = _validate(FIXTURES / case / "invalid.trig")
    assert names & {r.shape for r in report.results}


def _documented_shapes(graph: rdflib.Graph) -> list[rdflib.term.Node]:
    node_shapes: list[rdflib.term.Node] = list(_node_shapes(graph))
    return node_shapes + [p for s in node_shapes for p in graph.objects(s, SH.property)]


def test_every_shape_and_property_shape_has_name_severity_and_message() -> None:
    graph = _shapes_graph()
    shapes = _documented_shapes(graph)
    assert len(shapes) > len(CASES)
    for shape in shapes:
        for predicate in (SH.name, SH.severity, SH.message):
            assert graph.value(shape, predicate) is not None, f"{shape} has no {predicate}"


def test_sparql_constraints_use_the_declared_prefixes_and_no_comments() -> None:
    """validate.py folds each query onto one line, which a # comment would break."""
    graph = _shapes_graph()
    constraints = list(graph.subjects(SH.select, None))
    assert constraints
    for constraint in constraints:
        assert graph.value(constraint, SH.prefixes) == rdflib.URIRef(SHAPES)
        assert "#" not in str(graph.value(constraint, SH.select))
    declared = {str(graph.value(d, SH.prefix)) for d in graph.objects(rdflib.URIRef(SHAPES), SH.declare)}
    assert {"ct", "rdf", "rdfs", "xsd", "org"} <= declared


def test_shapes_do_not_depend_on_the_data_base_iri() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(paths.shapes_dir().glob("*.ttl")))
    assert "cybertreaty/id/" not in text
    assert "cybertreaty/graph/" not in text
