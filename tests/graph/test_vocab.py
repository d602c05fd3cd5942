"""The ontology file and the vocab module agree, and every term is documented."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from cybertreaty.graph.vocab import CT, ONTOLOGY_IRI, ONTOLOGY_VERSION
from cybertreaty.paths import ontology_file

NS = str(CT._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file())


def _terms(ontology: Graph) -> set[str]:
    return {str(s)[len(NS) :] for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_vocab_declares_exactly_the_ontology_terms(ontology: Graph) -> None:
    declared = set(CT.__annotations__)
    assert declared == _terms(ontology)


def test_an_undeclared_term_raises() -> None:
    with pytest.raises(AttributeError):
        _ = CT.Signatur


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}")
    assert str(ontology.value(header, OWL.versionInfo)) == ONTOLOGY_VERSION


KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def test_every_class_and_property_has_an_english_label_and_comment(ontology: Graph) -> None:
    undocumented = []
    for kind in KINDS:
        for term in ontology.subjects(RDF.type, kind):
            labels = [
                lit for lit in ontology.objects(term, RDFS.label) if getattr(lit, "language", None) == "en"
            ]
            comments = [
                c for c in ontology.objects(term, RDFS.comment) if getattr(c, "language", None) == "en"
            ]
            if len(labels) != 1 or len(comments) != 1:
                undocumented.append(str(term))
    assert undocumented == []
    assert len(set(ontology.subjects(RDF.type, OWL.Class))) >= 40


@pytest.mark.parametrize(
    ("term", "wikidata"),
    [
        ("Signature", "P1891"),
        ("ConsentToBeBound", "P6193"),
        ("iso3166Alpha2", "P297"),
        ("iso3166Alpha3", "P298"),
        ("source", "P854"),
        ("retrievedOn", "P813"),
        ("date", "P585"),
    ],
)
def test_alignment_to_wikidata_properties(ontology: Graph, term: str, wikidata: str) -> None:
    aligned = ontology.value(URIRef(NS + term), URIRef(NS + "wikidataProperty"))
    assert aligned == URIRef("http://www.wikidata.org/entity/" + wikidata)


def test_membership_qualifiers_align_to_start_and_end_time(ontology: Graph) -> None:
    qualifier = URIRef(NS + "wikidataQualifier")
    assert ontology.value(URIRef(NS + "startDate"), qualifier) == URIRef(
        "http://www.wikidata.org/entity/P580"
    )
    assert ontology.value(URIRef(NS + "endDate"), qualifier) == URIRef("http://www.wikidata.org/entity/P582")
