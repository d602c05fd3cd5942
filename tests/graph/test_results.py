"""Writing query results cut at the row and size limits (graph/results.py): a size cut keeps
exactly the rows that fit, in bytes (not characters), and says that it cut."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cybertreaty.graph.formats import FORMATS, Family, ResultFormat, by_key, formats_for
from cybertreaty.graph.results import Cut, write_solutions, write_triples

VARIABLES = ["label", "iri"]
# Non-ASCII labels: two bytes a character in UTF-8, so a cap counted in characters would let
# bodies twice its size through.
ROWS = [(ox.Literal(f"{n:03d} " + "é" * 50, language="fr"), ox.NamedNode(f"http://e/{n}")) for n in range(20)]
TABULAR = formats_for(Family.TABULAR)


@pytest.mark.parametrize("fmt", TABULAR, ids=lambda f: f.key)
@pytest.mark.parametrize("kept", [0, 1, 7])
def test_a_size_cut_keeps_exactly_the_rows_that_fit(fmt: ResultFormat, kept: int) -> None:
    by_rows = write_solutions(fmt, VARIABLES, ROWS, Cut(rows=kept))  # the body of `kept` rows, cut
    assert by_rows.truncated
    fits = len(by_rows.body)
    written = write_solutions(fmt, VARIABLES, ROWS, Cut(bytes=fits))
    assert (written.body, written.count, written.truncated) == (by_rows.body, kept, True)
    one_less = write_solutions(fmt, VARIABLES, ROWS, Cut(bytes=fits - 1))
    assert (one_less.count, one_less.truncated) == (max(kept - 1, 0), True)
    assert len(one_less.body) <= fits - 1 or kept == 0  # the empty result is the least there is
    # Cut by rows, the flag in the head must fit too (JSON writes "truncated": true).
    both = write_solutions(fmt, VARIABLES, ROWS, Cut(rows=kept, bytes=fits - 1))
    assert (both.count, both.truncated) == (max(kept - 1, 0), True)


@pytest.mark.parametrize("fmt", TABULAR, ids=lambda f: f.key)
def test_a_result_within_both_limits_is_whole(fmt: ResultFormat) -> None:
    whole = write_solutions(fmt, VARIABLES, ROWS, Cut())
    assert (whole.count, whole.truncated) == (20, False)
    exact = write_solutions(fmt, VARIABLES, ROWS, Cut(rows=20, bytes=len(whole.body)))
    assert (exact.body, exact.count, exact.truncated) == (whole.body, 20, False)


def test_rows_are_read_lazily() -> None:
    """A cut stops reading: an endless stream of solutions is fine."""

    def endless() -> object:
        n = 0
        while True:
            n += 1
            yield (ox.Literal(str(n)), None)

    written = write_solutions(by_key("json"), VARIABLES, endless(), Cut(bytes=10_000))  # type: ignore[arg-type]
    assert written.truncated and 0 < written.count < 10_000 and len(written.body) <= 10_000


BIG = "x" * 100_000
TRIPLES = [
    ox.Triple(ox.NamedNode(f"http://e/s{n}"), ox.NamedNode("http://e/p"), ox.Literal(BIG)) for n in range(10)
]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.family is Family.GRAPH], ids=lambda f: f.key)
def test_a_graph_is_cut_at_the_last_triple_whose_terms_fit(fmt: ResultFormat) -> None:
    written = write_triples(fmt, TRIPLES, {}, Cut(bytes=350_000))  # three 100 kB values fit, not four
    assert (written.count, written.truncated) == (3, True)
    assert written.body.count(BIG.encode()) == 3
    assert write_triples(fmt, TRIPLES, {}, Cut(rows=2)).count == 2
    assert write_triples(fmt, TRIPLES, {}, Cut()).count == 10
