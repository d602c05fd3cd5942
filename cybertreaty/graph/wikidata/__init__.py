"""Wikidata interoperability: our data in Wikidata's statement shape, its export as QuickStatements,
a comparison with a Wikidata-shaped SPARQL endpoint, reconciliation of names and codes to our
entities, and the list of entities that have no Wikidata item.

Every Wikidata item used here comes from data/wikidata_links.csv (owl:sameAs in the graph); an
entity without one stays unlinked and is never guessed.
"""

from cybertreaty.graph.wikidata.links import MissingLink, missing_links

__all__ = ["MissingLink", "missing_links"]
