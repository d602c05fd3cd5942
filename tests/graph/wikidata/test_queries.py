"""The query files: every one loads and parses, a broken header fails loudly, and each mapping
uses the Wikidata properties the ontology's ct:wikidataProperty / ct:wikidataQualifier name."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cybertreaty.graph.wikidata import queries
from cybertreaty.paths import ontology_file

EXPECTED = {
    "signatory",
    "ratified-by",
    "member-of",
    "iso-codes",
    "instance-of",
    "missing-links",
    "linked-items",
    "names",
    "new-items",
    "remote-treaty-parties",
    "remote-memberships",
    "remote-iso-codes",
}
CT = "https://w3id.org/cybertreaty/ontology#"
ORG = "http://www.w3.org/ns/org#"
WD = "http://www.wikidata.org/entity/"

# (mapping, the ontology term whose annotations it follows)
ALIGNED = [
    ("signatory", CT + "Signature"),
    ("ratified-by", CT + "ConsentToBeBound"),
    ("member-of", ORG + "Membership"),
    ("iso-codes", CT + "iso3166Alpha2"),
    ("iso-codes", CT + "iso3166Alpha3"),
]


def test_every_query_loads_and_parses() -> None:
    assert set(queries.names()) == EXPECTED
    for name in queries.names():
        query = queries.load(name)
        assert query.summary and query.description
        assert not query.sparql.startswith("#+")
    assert set(queries.MAPPINGS) <= EXPECTED


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("SELECT * WHERE { ?s ?p ?o }\n", "missing header line '#+ summary"),
        ("#+ summary: s\nSELECT * WHERE { ?s ?p ?o }\n", "missing header line '#+ description"),
        ("#+ summary: s\n#+ description: d\n#+ tags: x\nASK {}\n", "unknown header key 'tags'"),
        ("#+ summary: s\n#+ summary: t\n#+ description: d\nASK {}\n", "header key 'summary' given twice"),
        ("#+ summary:\n#+ description: d\nASK {}\n", "line 1: header key 'summary' has no value"),
        ("#+ summary: s\n#+ description: d\n", "has a header but no query"),
        ("#+ summary: s\n#+ description: d\nSELECT WHERE {\n", "does not parse"),
    ],
    ids=[
        "no-header",
        "no-description",
        "unknown-key",
        "repeated-key",
        "empty-value",
        "no-query",
        "bad-sparql",
    ],
)
def test_a_broken_file_names_itself_and_the_problem(text: str, reason: str) -> None:
    with pytest.raises(queries.QueryFileError) as error:
        queries.parse("broken", text)
    assert str(error.value).startswith("broken.rq: ")
    assert reason in str(error.value)


def test_an_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(queries.QueryFileError, match=r"no such query .*signatory"):
        queries.load("no-such-query")


def _annotation(term: str, annotation: str) -> set[str]:
    store = ox.Store()
    store.load(path=str(ontology_file()), format=ox.RdfFormat.TURTLE)
    quads = store.quads_for_pattern(ox.NamedNode(term), ox.NamedNode(CT + annotation), None)
    return {q.object.value.removeprefix(WD) for q in quads if isinstance(q.object, ox.NamedNode)}


@pytest.mark.parametrize(("mapping", "term"), ALIGNED, ids=[f"{m}-{t.rsplit('#')[-1]}" for m, t in ALIGNED])
def test_each_mapping_follows_the_ontology_alignment(mapping: str, term: str) -> None:
    sparql = queries.load(mapping).sparql
    (prop,) = _annotation(term, "wikidataProperty")
    assert f"p:{prop} " in sparql and f"ps:{prop} " in sparql and f"wdt:{prop} " in sparql
    for qualifier in _annotation(term, "wikidataQualifier"):
        assert f"pq:{qualifier} " in sparql and f"pqv:{qualifier} " in sparql
