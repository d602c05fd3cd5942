"""The protocol's pure steps, without HTTP: reading a request, and negotiating a media type."""

from __future__ import annotations

import pytest

from cybertreaty.errors import BadRequest, NotAcceptable, UnsupportedMediaType
from cybertreaty.graph.formats import Family
from cybertreaty.graph.sparql_text import with_using
from cybertreaty.graph.store import Dataset
from cybertreaty.service import sparql_protocol
from cybertreaty.service.sparql_protocol import (
    Kind,
    parse_accept,
    parse_request,
    quality,
    result_formats,
)

G1, G2 = "http://example.org/g1", "http://example.org/g2"


def test_get_query_with_dataset() -> None:
    params = [
        ("query", "ASK {}"),
        ("default-graph-uri", G1),
        ("named-graph-uri", G2),
        ("named-graph-uri", G1),
    ]
    operation = parse_request("GET", None, params, b"")
    assert operation is not None
    assert (operation.kind, operation.text) == (Kind.QUERY, "ASK {}")
    assert operation.dataset == Dataset((G1,), (G2, G1))


def test_get_without_query_is_the_service_description() -> None:
    assert parse_request("GET", None, [], b"") is None
    assert parse_request("HEAD", None, [("default-graph-uri", G1)], b"") is None


def test_post_form_reads_body_and_url() -> None:
    body = b"query=SELECT+%2A+WHERE+%7B%7D&default-graph-uri=http%3A%2F%2Fexample.org%2Fg1"
    operation = parse_request("POST", "application/x-www-form-urlencoded; charset=UTF-8", [], body)
    assert (
        operation is not None
        and operation.text == "SELECT * WHERE {}"
        and operation.dataset.default_graphs == (G1,)
    )
    update = parse_request("POST", "application/x-www-form-urlencoded", [], b"update=CLEAR+ALL")
    assert update is not None and update.kind is Kind.UPDATE


def test_post_direct() -> None:
    query = parse_request(
        "POST", "application/sparql-query", [("named-graph-uri", G1)], "ASK { «x» }".encode()
    )
    assert query is not None and query.text == "ASK { «x» }" and query.dataset.named_graphs == (G1,)
    with pytest.raises(BadRequest, match="UTF-8"):
        parse_request("POST", "application/sparql-query; charset=UTF-16", [], "ASK {}".encode("utf-16"))
    update = parse_request("POST", "application/sparql-update", [], b"CLEAR ALL")
    assert update is not None and update.kind is Kind.UPDATE


@pytest.mark.parametrize(
    ("method", "content_type", "params", "body", "error"),
    [
        ("GET", None, [("update", "CLEAR ALL")], b"", BadRequest),
        ("GET", None, [("query", "ASK {}"), ("query", "ASK {}")], b"", BadRequest),
        ("POST", "application/x-www-form-urlencoded", [], b"query=ASK+%7B%7D&update=CLEAR+ALL", BadRequest),
        ("POST", "application/x-www-form-urlencoded", [], b"", BadRequest),
        ("POST", "application/sparql-query", [("query", "ASK {}")], b"ASK {}", BadRequest),
        ("POST", "text/plain", [], b"ASK {}", UnsupportedMediaType),
        ("POST", None, [], b"ASK {}", UnsupportedMediaType),
        ("POST", "application/sparql-query", [], b"\xff\xfe", BadRequest),
        ("GET", None, [("query", "ASK {}"), ("default-graph-uri", "no iri")], b"", BadRequest),
    ],
    ids=[
        "update-get",
        "two-queries",
        "query-and-update",
        "nothing",
        "query-twice",
        "text-plain",
        "no-type",
        "bad-utf8",
        "bad-iri",
    ],
)
def test_malformed_requests(
    method: str, content_type: str | None, params: list[tuple[str, str]], body: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        parse_request(method, content_type, params, body)


def test_update_dataset_becomes_using_clauses() -> None:
    params = [("using-graph-uri", G1), ("using-named-graph-uri", G2)]
    update = parse_request(
        "POST", "application/sparql-update", params, b"DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )
    assert update is not None and update.dataset == Dataset((G1,), (G2,))
    text = with_using(update.text, update.dataset.default_graphs, update.dataset.named_graphs)
    assert text == f"DELETE {{ ?s ?p ?o }} USING <{G1}> USING NAMED <{G2}> WHERE {{ ?s ?p ?o }}"
    two = "INSERT { <x:a> <x:b> ?o } WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }"
    assert (
        with_using(two, (G1,), ())
        == f"INSERT {{ <x:a> <x:b> ?o }} USING <{G1}> WHERE {{ ?s ?p ?o }} ; DELETE WHERE {{ ?s ?p ?o }}"
    )
    with pytest.raises(BadRequest, match="WITH"):
        with_using(f"WITH <{G2}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", (G1,), ())
    assert (
        with_using("WITH <x:g> DELETE WHERE { ?s ?p ?o }", (), ()) == "WITH <x:g> DELETE WHERE { ?s ?p ?o }"
    )


def test_format_hints_collected_in_order() -> None:
    params = [("query", "ASK {}"), ("format", "tsv,text/tab-separated-values"), ("output", "json")]
    operation = parse_request("GET", None, params, b"")
    assert operation is not None and operation.formats == ("tsv", "text/tab-separated-values", "json")


def test_parse_accept() -> None:
    ranges = parse_accept("text/html;level=1;q=0.5, application/*;q=0.2, */*;q=0.01, bogus, text/csv;q=x")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 0.5),
        ("application", "*", 0.2),
        ("*", "*", 0.01),
        ("text", "csv", 0.0),
    ]
    assert quality(ranges, "application/json") == 0.2  # the most specific range decides
    assert quality(ranges, "text/csv") == 0.0
    assert quality(parse_accept(None), "anything/at-all") == 1.0


@pytest.mark.parametrize(
    ("accept", "hints", "tabular", "graph"),
    [
        (None, (), "json", "turtle"),
        ("text/turtle", (), None, "turtle"),
        ("application/json", (), "json", "jsonld"),
        ("application/xml", (), "xml", "rdfxml"),
        ("text/*;q=0.5, application/n-triples", (), "csv", "ntriples"),
        ("application/sparql-results+json", ("csv",), "csv", None),
        ("*/*", ("xml",), "xml", "rdfxml"),
        ("*/*", ("yaml",), "json", "turtle"),
    ],
)
def test_result_formats(
    accept: str | None, hints: tuple[str, ...], tabular: str | None, graph: str | None
) -> None:
    formats = result_formats(accept, hints)
    assert (
        formats.tabular.key if formats.tabular else None,
        formats.graph.key if formats.graph else None,
    ) == (tabular, graph)
    assert result_formats(accept, hints) is formats  # the second time from the cache


@pytest.mark.parametrize("accept", ["text/turtle", "application/sparql-results+json", "text/*;q=0.5"])
def test_long_accept_headers_are_negotiated_but_not_cached(accept: str) -> None:
    """A header over CACHED_ACCEPT gets the same answer, worked out each time: a client sending
    ever-new long headers cannot fill the cache."""
    padded = accept + ", x-padding/x;q=0" * (sparql_protocol.CACHED_ACCEPT // 16)
    assert len(padded) > sparql_protocol.CACHED_ACCEPT
    before = sparql_protocol._cached_formats.cache_info().currsize
    assert result_formats(padded) == result_formats(accept)
    assert result_formats(padded) is not result_formats(padded)
    assert sparql_protocol._cached_formats.cache_info().currsize <= before + 1  # only the short one


def test_nothing_acceptable_lists_everything() -> None:
    for _ in range(2):  # a 406 is not cached as an answer: the second request gets it too
        with pytest.raises(NotAcceptable) as caught:
            result_formats("image/png, text/html;q=0.9")
    assert len(caught.value.supported) == 10
    assert "text/tab-separated-values" in caught.value.message


def test_negotiation_prefers_our_order_on_ties() -> None:
    assert sparql_protocol.negotiate("application/sparql-results+xml, text/csv", Family.TABULAR).key == "xml"  # type: ignore[union-attr]
    assert sparql_protocol.negotiate("text/csv, application/sparql-results+xml", Family.TABULAR).key == "xml"  # type: ignore[union-attr]


@pytest.mark.parametrize(("extra", "accepted"), [(sparql_protocol.MAX_FORM_FIELDS - 1, True), (10**6, False)])
def test_forms_have_a_bounded_number_of_fields(extra: int, accepted: bool) -> None:
    """Splitting a body of a million fields would take seconds: more than MAX_FORM_FIELDS is a 400."""
    body = ("a=b&" * extra + "query=ASK%20%7B%7D").encode()
    if accepted:
        assert parse_request("POST", sparql_protocol.FORM, [], body).text == "ASK {}"  # type: ignore[union-attr]
    else:
        with pytest.raises(BadRequest, match="more than 1000 fields"):
            parse_request("POST", sparql_protocol.FORM, [], body)
