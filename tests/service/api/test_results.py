"""The small steps between the store's rows and the API's answers, without HTTP."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from starlette.datastructures import URL

from cybertreaty.service.api_entities import _similarity
from cybertreaty.service.api_results import Window, convert, to_csv
from cybertreaty.service.registry import Column

XSD = "http://www.w3.org/2001/XMLSchema#"


def column(kind: str, optional: bool = False) -> Column:
    return Column("x", kind, optional, "x")


@pytest.mark.parametrize(
    ("kind", "term", "value"),
    [
        ("iri", URIRef("https://example.org/a"), "https://example.org/a"),
        ("text", Literal("Viet Nam"), "Viet Nam"),
        ("integer", Literal("72", datatype=URIRef(XSD + "integer")), 72),
        ("boolean", Literal("true", datatype=URIRef(XSD + "boolean")), True),
        ("boolean", Literal("false", datatype=URIRef(XSD + "boolean")), False),
        (
            "iris",
            Literal(" https://example.org/a  https://example.org/b "),
            ["https://example.org/a", "https://example.org/b"],
        ),
        ("tokens", Literal(""), []),
        ("texts", Literal("one, two\x1f\x1fthree"), ["one, two", "three"]),
        ("iris", None, []),
    ],
)
def test_convert(kind: str, term: URIRef | Literal | None, value: object) -> None:
    assert convert(column(kind), term) == value


def test_an_optional_cell_may_be_absent() -> None:
    assert convert(column("text", optional=True), None) is None
    assert convert(column("text", optional=True), Literal("")) is None


def test_window_links() -> None:
    url = URL("http://h/api/x?group=eu&limit=2")
    assert Window(2, 0).links(url, 5) == ("http://h/api/x?group=eu&offset=2&limit=2", None)
    following, preceding = Window(2, 4).links(url, 5)
    assert following is None
    assert preceding == "http://h/api/x?group=eu&offset=2&limit=2"
    assert Window(2, 1).links(url, 5)[1] == "http://h/api/x?group=eu&offset=0&limit=2"


def test_csv_cells() -> None:
    columns = [
        Column("a", "iris", False, "a"),
        Column("b", "texts", False, "b"),
        Column("c", "boolean", True, "c"),
    ]
    text = to_csv(columns, [{"a": ["x", "y"], "b": ["one", "two"], "c": None}])
    assert text == 'a,b,c\r\nx y,"one\ntwo",\r\n'


@pytest.mark.parametrize(
    ("wanted", "key", "score"),
    [
        ("uncc", "uncc", 100),
        ("budapest", "convention on cybercrime budapest convention", 90),
        ("abc", "xyz", 0),
    ],
)
def test_similarity(wanted: str, key: str, score: int) -> None:
    assert _similarity(wanted, key) == score
