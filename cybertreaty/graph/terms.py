"""Conversions between rdflib terms (what callers of the store use) and pyoxigraph terms."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from cybertreaty.graph.results import RDF_LANG_STRING, XSD_STRING, Term


def to_oxigraph(term: Identifier) -> Term:
    """A pyoxigraph term for an rdflib URIRef, BNode or Literal (ValueError if it is not valid)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot bind {term!r}: only IRIs, blank nodes and literals can be bound")


def to_rdflib(term: Term) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # xsd:string is the plain literal of RDF 1.1; rdflib compares them as different terms.
        plain = datatype in (RDF_LANG_STRING, XSD_STRING)
        return Literal(term.value, datatype=None if plain else URIRef(datatype))
    raise ValueError(f"quoted triples are not supported here: {term}")
