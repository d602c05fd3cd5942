"""The ontology IRI serves the ontology: Turtle, RDF/XML, JSON-LD, N-Triples, and for a browser an
HTML documentation of every term, each at the anchor of its hash IRI."""

from __future__ import annotations

import re

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.graph.vocab import CT, ONTOLOGY_IRI, ONTOLOGY_VERSION
from cybertreaty.paths import ontology_file
from tests.service.real_graph import RealServer

RDF_FORMATS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
]


def ontology_triples() -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE)}


@pytest.mark.parametrize(("media_type", "fmt"), RDF_FORMATS, ids=[m for m, _ in RDF_FORMATS])
@pytest.mark.parametrize("path", ["/ontology", f"/ontology/{ONTOLOGY_VERSION}"])
def test_the_ontology_in_every_format(
    client: httpx.Client, real_server: RealServer, path: str, media_type: str, fmt: ox.RdfFormat
) -> None:
    response = client.get(real_server.url + path, headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    assert {q.triple for q in ox.parse(response.content, format=fmt)} == ontology_triples()


def test_turtle_is_the_file_as_written(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/ontology")  # no Accept: Turtle
    assert response.content == ontology_file().read_bytes()


def test_the_version_iri_is_immutable(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + f"/ontology/{ONTOLOGY_VERSION}")
    assert "immutable" in response.headers["cache-control"]
    assert "immutable" not in client.get(real_server.url + "/ontology").headers.get("cache-control", "")
    assert client.get(real_server.url + "/ontology/0.0.9").status_code == 404


def test_html_documents_every_term(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/ontology", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text
    anchors = set(re.findall(r'<section class="term" id="([^"]+)">', response.text))
    namespace = str(CT._NS)
    terms = {
        t.subject.value[len(namespace) :] for t in ontology_triples() if t.subject.value.startswith(namespace)
    }
    assert anchors == terms
    signature = response.text.split('id="Signature"', 1)[1].split("</section>", 1)[0]
    assert "Signing expresses an intention to become a party" in signature
    assert 'href="#Action"' in signature  # its superclass, on the same page
    assert "Wikidata P1891" in signature  # its Wikidata alignment
    vote = response.text.split('id="Vote"', 1)[1].split("</section>", 1)[0]
    assert "opengov#Vote" in vote  # skos:closeMatch
    actor = response.text.split('id="actor"', 1)[1].split("</section>", 1)[0]
    assert 'href="#Action"' in actor and 'href="#Actor"' in actor  # domain and range
    assert ONTOLOGY_IRI in response.text
