"""The lexer's view of a request (graph/sparql_text.py): query form, dataset clause, outbound
fetches and nesting depth, the same from a reference lexer that reads one character at a time,
and bounded in time for texts of millions of tokens."""

from __future__ import annotations

import random
import re
import time

import pytest

from cybertreaty.errors import QueryRefused, QueryTimeout
from cybertreaty.graph import sparql_text
from cybertreaty.graph.sparql_text import QueryForm, TooLongToCheck


@pytest.mark.parametrize(
    ("query", "form", "dataset", "fetches"),
    [
        (
            "PREFIX s: <http://e/> BASE <http://b/> select * from <g> { SERVICE s:x {} }",
            QueryForm.SELECT,
            True,
            [("SERVICE", "http://e/x")],
        ),
        ('SELECT * { ?s ?p "SERVICE <http://x/> {}" } # SERVICE <http://y/>', QueryForm.SELECT, False, []),
        ("SELECT * { ?s <http://x/SERVICE> ?o ; ex:SERVICE ?o ; ?service ?o }", QueryForm.SELECT, False, []),
        ("ASK { ?s ?p trueSERVICE <http://evil/> {} }", QueryForm.ASK, False, [("SERVICE", "http://evil/")]),
        ("SELECT * { SERVICE SILENT ?e {} }", QueryForm.SELECT, False, [("SERVICE", None)]),
        ("SELECT * { SERVICE <relative> {} }", QueryForm.SELECT, False, [("SERVICE", None)]),
        ("SELECT * { SERVICE nope:x {} }", QueryForm.SELECT, False, [("SERVICE", None)]),
        ("SELECT * { ?s ?p '''multi\nline SERVICE <http://x/> {}''' }", QueryForm.SELECT, False, []),
        ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT, False, []),
        ("describe <x:a>", QueryForm.DESCRIBE, False, []),
        ("LOAD <http://x/data.ttl> INTO GRAPH <http://g/>", None, False, [("LOAD", "http://x/data.ttl")]),
    ],
)
def test_lexer_view_of_queries(
    query: str, form: QueryForm | None, dataset: bool, fetches: list[tuple[str, str | None]]
) -> None:
    shape = sparql_text.analyse(query)
    assert (shape.form, shape.has_dataset_clause, list(shape.fetches)) == (form, dataset, fetches)


def test_check_outbound_allowlist() -> None:
    allowed = "https://query.wikidata.org/sparql"
    sparql_text.check_outbound(f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}", [allowed])
    with pytest.raises(QueryRefused, match="wikidata"):
        sparql_text.check_outbound("SELECT * { SERVICE <https://evil.example/sparql> {} }", [allowed])
    with pytest.raises(QueryRefused, match="LOAD"):
        sparql_text.check_outbound("LOAD <https://evil.example/x.ttl>", [allowed], update=True)


def test_where_group_and_joined_updates() -> None:
    query = "PREFIX a: <x:> SELECT (COUNT(*) AS ?n) FROM <g> { ?s a ?o } GROUP BY ?s"
    assert query[: sparql_text.where_group_start(query)].endswith("FROM <g> {")
    assert sparql_text.where_group_start("DESCRIBE <x:a>") is None
    assert sparql_text.join_updates("CLEAR ALL # note", "CLEAR ALL") == "CLEAR ALL # note\n;\nCLEAR ALL"
    assert sparql_text.join_updates("CLEAR ALL ;", "CLEAR ALL") == "CLEAR ALL ;\nCLEAR ALL"


# The grammar as first written: one character per alternation inside strings and a token for
# each punctuation character. Slow (a 1.5 MB literal took 0.25 s, 2 MB of brackets 4 s) but plain
# to read against SPARQL 1.1 section 19.8: the fast lexer must split every text the same way.
_PN = r"\w\u00B7\u0300-\u036F\u203F-\u2040\u00C0-\uFFFF"
REFERENCE = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$][{_PN}]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[{_PN}.\-]*)
  | (?P<pname>(?:[{_PN}][{_PN}.\-]*)?:(?:[{_PN}.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[{_PN}]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def spaced(pieces: str) -> list[str]:
    return pieces.split(" ")


PIECES = [
    *spaced("SELECT ASK CONSTRUCT DESCRIBE PREFIX BASE SERVICE SILENT LOAD FROM INSERT WITH x"),
    *spaced("p: e:x ex:SERVICE trueSERVICE a:b\\,c %20 : é \u00b7 ?v $w @en _:b 1.5 .5 +1 -.5"),
    *spaced("<http://x/> <rel> < > { } ( ) [ ] {{(( ]])) , ; * = ! | & / ^ ^^ % ~ ` + - . .."),
    *[" ", "\n", "'", '"', "'''", '"""', "\\", "\\'", '\\"', "#c\n", "p: <http://e/>"],
]


def reference_tokens(text: str) -> list[tuple[str, str, int]]:
    return [
        (m.lastgroup or "other", m.group(), m.start())
        for m in REFERENCE.finditer(text)
        if m.lastgroup not in ("ws", "comment")
    ]


def reference_depth(text: str) -> int:
    depth = deepest = 0
    for kind, token, _ in reference_tokens(text):
        if kind == "other" and token in "{}()[]":
            depth += 1 if token in "{([" else -1
            deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_lexer_splits_text_as_the_reference_does(seed: int) -> None:
    """Random texts made of the grammar's tricky pieces: same tokens, same nesting depth."""
    rng = random.Random(seed)
    for _ in range(2500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        assert [(t.kind, t.text, t.start) for t in sparql_text.tokens(text)] == reference_tokens(text), text
        assert sparql_text._analyse(text).depth == reference_depth(text), text


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("ASK {" + "(" * 70_000 + ")" * 70_000 + "}", 70_001),  # runs longer than BRACKETS_AT_ONCE
        ("ASK { " + "{}" * 50_000 + " }", 2),
        ("ASK { FILTER(" + "(," * 3_000 + ") }", 3_002),
    ],
)
def test_nesting_is_counted_through_long_runs_of_brackets(text: str, depth: int) -> None:
    assert sparql_text.analyse(text).depth == depth == reference_depth(text)


@pytest.mark.parametrize(
    ("text", "kind", "needed"),
    [
        ("ASK {" + " a" * 600_000 + "}", "words", 600_000),
        ("SELECT * {" + " ?v" * 400_000 + "}", "variables", 400_000),
        ("ASK {" + "(" * 3_000_000 + "}", "brackets", 1),
    ],
)
def test_lexing_stops_at_its_deadline(text: str, kind: str, needed: int) -> None:
    """A text of millions of tokens is not lexed past its deadline (it would hold the server)."""
    with pytest.raises(TooLongToCheck):
        sparql_text.analyse(text, deadline=time.monotonic())
    with pytest.raises(QueryTimeout, match=r"still being checked when the time limit of 0\.001 s passed"):
        sparql_text.check_outbound(text, [], timeout=0.001)
    assert sparql_text.analyse(text).form is not None, kind  # without a deadline it is answered


def test_a_long_text_within_its_time_is_checked_as_usual() -> None:
    allowed = "http://allowed.example/sparql"
    literal = "x" * 1_500_000 + '\\" FROM <g> '  # an escaped quote: the literal goes on
    query = f'SELECT * {{ ?s ?p "{literal}" SERVICE <{allowed}> {{}} }}'
    shape = sparql_text.check_outbound(query, [allowed], timeout=10)
    assert (shape.form, shape.has_dataset_clause, shape.fetches) == (
        QueryForm.SELECT,
        False,
        (("SERVICE", allowed),),
    )
    with pytest.raises(QueryRefused, match=r"<http://evil\.example/>"):
        sparql_text.check_outbound(query.replace(allowed, "http://evil.example/"), [allowed], timeout=10)
