"""Every data IRI dereferences: /id/{path} describes <base>id/{path} as HTML for a browser and as
RDF for a client, by content negotiation, with its sources and the labels of what it links to."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from markupsafe import escape
from rdflib import Literal, URIRef

from cybertreaty.service.entity import Description, Statement
from cybertreaty.service.entity_page import build_page
from cybertreaty.service.rdf_pages import templates
from tests.service.real_graph import BASE, RealServer

VNM = "/id/state/VNM"
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NEWSHOUR = ox.NamedNode(BASE + "graph/source/newshour-2025-10-29")

FORMATS = [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
    (None, "text/turtle", ox.RdfFormat.TURTLE),
]


def get_rdf(client: httpx.Client, url: str, accept: str | None) -> tuple[httpx.Response, list[ox.Quad]]:
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    fmt = next(f for _, m, f in FORMATS if m == media_type)
    quads = list(ox.parse(response.content, format=fmt))
    return response, quads


@pytest.mark.parametrize(("accept", "media_type", "fmt"), FORMATS, ids=lambda v: str(v))
def test_a_state_in_every_rdf_format(
    client: httpx.Client, real_server: RealServer, accept: str | None, media_type: str, fmt: ox.RdfFormat
) -> None:
    response, quads = get_rdf(client, real_server.url + VNM, accept)
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    subject = ox.NamedNode(BASE + "id/state/VNM")
    triples = {q.triple for q in quads}
    assert ox.Triple(subject, OWL_SAME_AS, ox.NamedNode("http://www.wikidata.org/entity/Q881")) in triples
    assert ox.Triple(subject, RDFS_LABEL, ox.Literal("Vietnam", language="en")) in triples
    # Incoming links with their labels: the signature and the vote point to Viet Nam.
    signature = ox.NamedNode(BASE + "id/action/signature-VNM-uncc-2025-10-25")
    assert (
        ox.Triple(signature, ox.NamedNode("https://w3id.org/cybertreaty/ontology#actor"), subject) in triples
    )
    assert any(t.subject == signature and t.predicate == RDFS_LABEL for t in triples)


def test_quads_say_who_says_what(client: httpx.Client, real_server: RealServer) -> None:
    _, quads = get_rdf(client, real_server.url + VNM, "application/n-quads")
    actor = ox.NamedNode("https://w3id.org/cybertreaty/ontology#actor")
    signature = ox.NamedNode(BASE + "id/action/signature-VNM-uncc-2025-10-25")
    graphs = {q.graph_name for q in quads if q.subject == signature and q.predicate == actor}
    assert graphs == {NEWSHOUR, ox.NamedNode(BASE + "graph/source/qdnd-hanoi-convention")}
    derived = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    meta = ox.NamedNode(BASE + "graph/meta")
    assert ox.Quad(NEWSHOUR, derived, ox.NamedNode(BASE + "id/source/newshour-2025-10-29"), meta) in quads


def test_hash_iri_parts_are_described_with_the_entity(client: httpx.Client, real_server: RealServer) -> None:
    _, quads = get_rdf(client, real_server.url + "/id/membership/asean-VNM", "text/turtle")
    subjects = {q.subject.value for q in quads}
    assert {BASE + "id/membership/asean-VNM#interval", BASE + "id/membership/asean-VNM#start"} <= subjects


@pytest.mark.parametrize(
    "path",
    [
        "/id/vote/unga-plenary-74-247/VNM",
        "/id/vote-event/unga-plenary-74-247",
        "/id/org/eu",
        "/id/treaty/uncc",
        "/id/resolution/a-res-74-247",
        "/id/draft/a-c-3-74-l-11",
        "/id/place/hanoi",
        "/id/ceremony/hanoi-2025",
        "/id/source/newshour-2025-10-29",
        "/id/action/signature-VNM-uncc-2025-10-25",
        "/id/membership/eu-FRA",
        "/id/count/uncc-signatories-72-2025-10-29-newshour-2025-10-29",
    ],
)
def test_every_kind_of_data_iri_dereferences(
    client: httpx.Client, real_server: RealServer, path: str
) -> None:
    _, quads = get_rdf(client, real_server.url + path, "text/turtle")
    assert ox.NamedNode(BASE + path.removeprefix("/")) in {q.subject for q in quads}
    page = client.get(real_server.url + path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_html_page_for_a_browser(client: httpx.Client, real_server: RealServer) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(real_server.url + VNM, headers={"Accept": accept})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp
    text = response.text
    assert "<script" not in text
    assert "<h1>Vietnam</h1>" in text
    assert 'href="/ontology#State"' in text  # the class, in the ontology's documentation
    assert 'href="http://www.wikidata.org/entity/Q881"' in text
    assert 'href="/id/action/signature-VNM-uncc-2025-10-25"' in text  # referred to by its signature
    assert 'href="/id/source/newshour-2025-10-29"' in text  # and the sources
    assert 'href="/id/state/VNM?format=nq"' in text


def test_format_parameter(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + VNM, params={"format": "jsonld"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/ld+json")


def test_head(client: httpx.Client, real_server: RealServer) -> None:
    response = client.head(real_server.url + VNM, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")


def test_unknown_iri_is_404(client: httpx.Client, real_server: RealServer) -> None:
    for path in ("/id/state/XYZ", "/id/nothing", "/id/state/VNM/extra"):
        response = client.get(real_server.url + path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("accept", "params"), [("text/plain", {}), ("image/png", {}), (None, {"format": "csv"})]
)
def test_unsupported_format_is_406(
    client: httpx.Client, real_server: RealServer, accept: str | None, params: dict[str, str]
) -> None:
    response = client.get(real_server.url + VNM, headers={"Accept": accept} if accept else {}, params=params)
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_named_graphs_dereference(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(
        real_server.url + "/graph/source/newshour-2025-10-29", headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) > 100
    browser = client.get(
        real_server.url + "/graph/source/newshour-2025-10-29",
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert browser.status_code == 303
    assert browser.headers["location"] == "/id/source/newshour-2025-10-29"
    assert client.get(real_server.url + "/graph/source/nothing").status_code == 404


def test_page_escapes_what_the_data_says() -> None:
    """Labels, quotes and notes are text: a label that looks like markup is shown, not run."""
    entity = URIRef(BASE + "id/state/XSS")
    hostile = '<script>alert("x")</script> & "quotes"'
    description = Description(entity)
    description.outgoing = [
        Statement(
            entity,
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal(hostile),
            {URIRef(BASE + "g")},
        )
    ]
    description.labels[entity] = hostile
    page = build_page(description, BASE)
    rendered = templates().get_template("entity.html").render(page=page, formats=[])
    assert "<script>" not in rendered
    assert str(escape(hostile)) in rendered


def test_inline_code_escapes_first() -> None:
    from cybertreaty.service.rdf_pages import inline_code

    assert str(inline_code("use `as_of` <b>")) == "use <code>as_of</code> &lt;b&gt;"
