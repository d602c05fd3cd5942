"""Building the graph: outputs, determinism, atomicity, and every bad-row case named precisely."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import NamedNode, RdfFormat

from cybertreaty.graph.build import DUMP_FORMATS, STORE_DIR, VOID_FILE, assemble, build
from cybertreaty.graph.errors import RowError
from cybertreaty.graph.iris import Iris

MINIMAL = Path(__file__).parent / "data" / "minimal"
BUILT_AT = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
BASE = "https://w3id.org/cybertreaty/"
CT = "https://w3id.org/cybertreaty/ontology#"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def _store(quads: list[pyoxigraph.Quad]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.extend(quads)
    return store


def _select(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    names = [v.value for v in answer.variables]
    return sorted(tuple("" if s[n] is None else s[n].value for n in names) for s in answer)


def test_every_output_is_written_and_parses(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = build(MINIMAL, out, Iris(), built=BUILT_AT)
    for filename, fmt in DUMP_FORMATS:
        parsed = list(pyoxigraph.parse(path=out / filename, format=fmt))
        assert parsed, filename
    nquads = list(pyoxigraph.parse(path=out / "cybertreaty.nq", format=RdfFormat.N_QUADS))
    assert len(nquads) == result.quads
    void = list(pyoxigraph.parse(path=out / VOID_FILE, format=RdfFormat.TURTLE))
    triples_count = [
        t.object.value
        for t in void
        if t.predicate.value == "http://rdfs.org/ns/void#triples" and t.subject == NamedNode(BASE + "dataset")
    ]
    assert triples_count == [str(len({q.triple for q in nquads}))]
    store = pyoxigraph.Store.read_only(str(out / STORE_DIR))
    assert len(store) == result.quads + len({q.triple for q in nquads})  # named graphs + their merge


def test_builds_of_the_same_data_are_identical(tmp_path: Path) -> None:
    first = build(MINIMAL, tmp_path / "one", Iris(), built=BUILT_AT)
    second = build(MINIMAL, tmp_path / "two", Iris(), built=BUILT_AT)
    for filename in ("cybertreaty.nq", "cybertreaty.trig", "cybertreaty.nq.gz", VOID_FILE):
        one = hashlib.sha256((first.out / filename).read_bytes()).hexdigest()
        two = hashlib.sha256((second.out / filename).read_bytes()).hexdigest()
        assert one == two, filename


def test_base_iri_is_configurable() -> None:
    quads = assemble(MINIMAL, Iris("https://example.org/kg/"), BUILT_AT)
    subjects = {q.subject.value for q in quads if q.subject.value.startswith("https://example.org/kg/id/")}
    assert "https://example.org/kg/id/state/VNM" in subjects
    assert not any(q.subject.value.startswith(BASE + "id/") for q in quads)


def test_each_row_lands_in_the_graph_of_each_source_it_cites() -> None:
    store = _store(assemble(MINIMAL, Iris(), BUILT_AT))
    rows = _select(
        store,
        f"""
        SELECT ?g WHERE {{ GRAPH ?g {{
          <{BASE}id/action/signature-VNM-uncc-2025-10-25> a <{CT}Signature> }} }}""",
    )
    assert rows == [(BASE + "graph/source/newshour-2025-10-29",), (BASE + "graph/source/untc-xviii-16",)]


def test_an_undated_row_joins_the_dated_node_and_date_unknown_is_said_only_when_no_source_dates_it() -> None:
    store = _store(assemble(MINIMAL, Iris(), BUILT_AT))
    rows = _select(
        store,
        f"""
        SELECT ?s ?d ?u WHERE {{ ?s a <{CT}Signature> .
          OPTIONAL {{ ?s <{CT}date> ?d }} OPTIONAL {{ ?s <{CT}dateUnknown> ?u }} }}""",
    )
    assert set(rows) == {
        (BASE + "id/action/signature-PSE-uncc-date-unknown", "", "true"),
        (BASE + "id/action/signature-VNM-uncc-2025-10-25", "2025-10-25", ""),
        (BASE + "id/action/signature-eu-uncc-2025-10-25", "2025-10-25", ""),
    }


def test_the_store_default_graph_is_the_merge_without_repeats(tmp_path: Path) -> None:
    build(MINIMAL, tmp_path / "b", Iris(), built=BUILT_AT)
    store = pyoxigraph.Store.read_only(str(tmp_path / "b" / STORE_DIR))
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{CT}Signature> }}")
    assert isinstance(answer, pyoxigraph.QuerySolutions)
    assert next(iter(answer))["n"].value == "3"


def test_iso_codes_and_names_come_from_pycountry_in_its_own_graph() -> None:
    store = _store(assemble(MINIMAL, Iris(), BUILT_AT))
    rows = _select(
        store,
        f"""
        SELECT ?a2 ?n ?name WHERE {{ GRAPH <{BASE}graph/source/pycountry> {{
          <{BASE}id/state/VNM> <{CT}iso3166Alpha2> ?a2 ; <{CT}iso3166Numeric> ?n ;
          <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }} }}""",
    )
    assert rows == [("VN", "704", "Viet Nam")]


# Each case: file, the line to append or replace (by 1-based line number), and the exact error.
BAD_ROWS = [
    pytest.param(
        "states.csv",
        None,
        "VNM,Viet Nam again,member,unvotes,,",
        "states.csv:5: iso3: 'VNM' is listed twice",
        id="duplicate-state",
    ),
    pytest.param(
        "states.csv",
        None,
        "XXA,Examplestan,member,unvotes,,",
        "states.csv:5: iso3: 'XXA' is not an ISO 3166-1 alpha-3 code known to pycountry",
        id="unknown-iso3",
    ),
    pytest.param(
        "states.csv",
        None,
        "vnm,Viet Nam,member,unvotes,,",
        "states.csv:5: iso3: 'vnm' is not an ISO 3166-1 alpha-3 code (three capital letters)",
        id="lowercase-iso3",
    ),
    pytest.param(
        "states.csv",
        None,
        "FRA,France,member,nowhere,,",
        "states.csv:5: sources: 'nowhere' is not an id in sources.csv",
        id="unknown-source",
    ),
    pytest.param(
        "states.csv",
        None,
        "FRA,France,member,,,",
        "states.csv:5: sources: is empty; this column is required",
        id="missing-source",
    ),
    pytest.param(
        "states.csv",
        None,
        "FRA,France,maybe,unvotes,,",
        "states.csv:5: un_status: 'maybe' is not one of: member, observer",
        id="bad-choice",
    ),
    pytest.param(
        "wikidata_links.csv",
        None,
        "USA,30,same-as,unvotes,,",
        "wikidata_links.csv:4: qid: '30' is not a Wikidata item id (Q followed by digits, e.g. Q881)",
        id="bad-qid",
    ),
    pytest.param(
        "wikidata_links.csv",
        None,
        "ZZZ,Q30,same-as,unvotes,,",
        "wikidata_links.csv:4: entity: 'ZZZ' is neither a State in states.csv nor an id in organisations.csv",
        id="unknown-entity",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,2025-13-01,hanoi,,,,untc-xviii-16,,,",
        "signatures.csv:6: date: '2025-13-01' is not a date in the form YYYY-MM-DD",
        id="bad-date",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,25/10/2025,hanoi,,,,untc-xviii-16,,,",
        "signatures.csv:6: date: '25/10/2025' is not a date in the form YYYY-MM-DD",
        id="date-format",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,,hanoi,,,,untc-xviii-16,,,",
        "signatures.csv:6: date: is empty; write a date (YYYY-MM-DD, YYYY-MM, YYYY) or 'unknown'",
        id="empty-date",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,a-res-74-247,2025-10-25,hanoi,,,,untc-xviii-16,,,",
        "signatures.csv:6: instrument: 'a-res-74-247' is a resolution; expected treaty or protocol",
        id="signing-a-resolution",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,2025-10-25,paris,,,,untc-xviii-16,,,",
        "signatures.csv:6: place: 'paris' is not an id in places.csv",
        id="unknown-place",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,2025-10-25,hanoi,yes,,,untc-xviii-16,,,",
        "signatures.csv:6: place_inferred: 'yes' is not 'true', 'false' or empty",
        id="bad-boolean",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,2025-10-25,hanoi,,,,untc-xviii-16,,maybe,",
        "signatures.csv:6: doubt: 'maybe' is not one of: unverified, derived, secondary, contradicted",
        id="bad-doubt",
    ),
    pytest.param(
        "signatures.csv",
        None,
        "USA,uncc,2025-10-25,hanoi",
        "signatures.csv:6: has 4 fields but the header has 11",
        id="short-row",
    ),
    pytest.param(
        "votes.csv",
        None,
        "a-res-74-247-plenary,VNM,no,unvotes,,",
        "votes.csv:4: actor: VNM already has a vote in a-res-74-247-plenary at line 2",
        id="duplicate-vote",
    ),
    pytest.param(
        "votes.csv",
        None,
        "a-res-74-247-plenary,PSE,maybe,unvotes,,",
        "votes.csv:4: option: 'maybe' is not one of: yes, no, abstain, not-voting",
        id="bad-option",
    ),
    pytest.param(
        "vote_events.csv",
        None,
        "e2,Vote,a-c-3-74-l-11,,unga,2019-12-27,-1,0,0,0,,unvotes,,,",
        "vote_events.csv:3: yes: -1 is negative",
        id="negative-total",
    ),
    pytest.param(
        "reported_counts.csv",
        None,
        "uncc,signatories,seventy,2025-10-29,newshour-2025-10-29,,,",
        "reported_counts.csv:3: value: 'seventy' is not a whole number",
        id="not-a-number",
    ),
    pytest.param(
        "memberships.csv",
        None,
        "five-eyes,VNM,member,2020,2019,newshour-2025-10-29,,",
        "memberships.csv:3: end: 2019 is before the start 2020",
        id="membership-dates-reversed",
    ),
    pytest.param(
        "instrument_facts.csv",
        None,
        "uncc,colour,blue,untc-xviii-16,,,",
        "instrument_facts.csv:6: property: 'colour' is not one of: ",
        id="unknown-property",
    ),
    pytest.param(
        "sources.csv",
        None,
        "dup,Again,x,https://newshour.media/2025/10/29/in-hanoi-72-states-ratify-the-un-convention-on-cybercrime,,,news,,",
        "sources.csv:6: url: the same URL is already source at line 3",
        id="duplicate-url",
    ),
    pytest.param(
        "states.csv",
        1,
        "iso3,label,status,sources,doubt,note",
        "states.csv:1: header is wrong (missing columns: un_status; unknown columns: status); "
        "expected iso3,label,un_status,sources,doubt,note",
        id="wrong-header",
    ),
]


@pytest.mark.parametrize(("filename", "replace_line", "text", "expected"), BAD_ROWS)
def test_a_bad_row_is_rejected_with_file_line_field_and_reason(
    data: Path, filename: str, replace_line: int | None, text: str, expected: str
) -> None:
    path = data / filename
    lines = path.read_text(encoding="utf-8").splitlines()
    if replace_line is None:
        lines.append(text)
    else:
        lines[replace_line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RowError) as caught:
        assemble(data, Iris(), BUILT_AT)
    assert str(caught.value).startswith(
        str(data / expected.split(":", 1)[0]) + ":" + expected.split(":", 1)[1]
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            b"\xef\xbb\xbfiso3,label,un_status,sources,doubt,note\n",
            "states.csv:1: starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
            id="bom",
        ),
        pytest.param(
            "iso3,label,un_status,sources,doubt,note\nCIV,C\xf4te d'Ivoire,member,unvotes,,\n".encode(
                "latin-1"
            ),
            "states.csv:2: is not valid UTF-8 (byte 45); save it as UTF-8",
            id="latin-1",
        ),
        pytest.param(b"", "states.csv:1: is empty; it needs a header row", id="empty-file"),
        pytest.param(
            b'iso3,label,un_status,sources,doubt,note\nFRA,"France\n',
            "states.csv:2: is not valid CSV",
            id="unclosed-quote",
        ),
    ],
)
def test_an_unreadable_file_is_rejected_with_its_line(data: Path, content: bytes, expected: str) -> None:
    (data / "states.csv").write_bytes(content)
    with pytest.raises(RowError) as caught:
        assemble(data, Iris(), BUILT_AT)
    assert str(caught.value).startswith(str(data / "states.csv") + expected[len("states.csv") :])


def test_a_quoted_newline_keeps_the_line_numbers_right(data: Path) -> None:
    path = data / "states.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        + 'FRA,France,member,unvotes,,"two\nlines"\nXXA,X,member,unvotes,,\n',
        encoding="utf-8",
    )
    with pytest.raises(RowError) as caught:
        assemble(data, Iris(), BUILT_AT)
    assert caught.value.line == 7


def test_a_failed_build_leaves_the_previous_build_untouched(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(data, out, Iris(), built=BUILT_AT)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with (data / "votes.csv").open("a", encoding="utf-8") as handle:
        handle.write("a-res-74-247-plenary,XYZ,yes,unvotes,,\n")
    with pytest.raises(RowError):
        build(data, out, Iris(), built=BUILT_AT)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build")] == []


def test_a_failing_check_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    def refuse(quads: object) -> None:
        raise RowError("shapes", 0, "", "refused")

    with pytest.raises(RowError):
        build(MINIMAL, tmp_path / "never", Iris(), check=refuse, built=BUILT_AT)
    assert list(tmp_path.iterdir()) == []


def test_an_undated_row_that_cannot_choose_between_two_dates_stays_date_unknown(data: Path) -> None:
    with (data / "signatures.csv").open("a", encoding="utf-8") as handle:
        handle.write("USA,uncc,2025-10-25,hanoi,,,,untc-xviii-16,,contradicted,\n")
        handle.write("USA,uncc,2026-07,,,,,unvotes,,unverified,\n")
        handle.write("USA,uncc,unknown,,,,,newshour-2025-10-29,,,\n")
    store = _store(assemble(data, Iris(), BUILT_AT))
    rows = _select(
        store,
        f"""
        SELECT ?s ?d ?a ?u WHERE {{ ?s a <{CT}Signature> ; <{CT}actor> <{BASE}id/state/USA> .
          OPTIONAL {{ ?s <{CT}date> ?d }} OPTIONAL {{ ?s <{CT}approximateDate> ?a }}
          OPTIONAL {{ ?s <{CT}dateUnknown> ?u }} }}""",
    )
    assert set(rows) == {
        (BASE + "id/action/signature-USA-uncc-2025-10-25", "2025-10-25", "", ""),
        (BASE + "id/action/signature-USA-uncc-2026-07", "", "2026-07", ""),
        (BASE + "id/action/signature-USA-uncc-date-unknown", "", "", "true"),
    }
