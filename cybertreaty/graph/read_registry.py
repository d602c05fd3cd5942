"""Readers for the registry files: sources, places, States, organisations, instruments, Wikidata links.

These define the ids that every other file refers to, so they are read first.
"""

from __future__ import annotations

from pathlib import Path

import pycountry
from pyoxigraph import NamedNode

from cybertreaty.graph.claims import (
    DOUBTS,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    Claims,
    Entity,
    Registry,
    Triple,
    claim_notes,
    english,
    iri,
    typed,
)
from cybertreaty.graph.csvrows import read_rows
from cybertreaty.graph.errors import RowError
from cybertreaty.graph.vocab import CT, ORG, PROV, SCHEMA, WD

DCTERMS = "http://purl.org/dc/terms/"
OWL_SAME_AS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")
SKOS = "http://www.w3.org/2004/02/skos/core#"

# The source whose graph holds ISO 3166 codes and names; sources.csv must define it.
PYCOUNTRY_SOURCE = "pycountry"

SOURCE_KINDS = {
    "official": CT.OfficialRecord,
    "news": CT.NewsReport,
    "dataset": CT.Dataset,
    "secondary": CT.SecondarySource,
    "ai-generated": CT.AIGeneratedSource,
}

ORGANISATION_CLASSES = {
    "international-organization": [CT.InternationalOrganization],
    "reio": [CT.RegionalEconomicIntegrationOrganization, CT.InternationalOrganization],
    "informal-alliance": [CT.InformalAlliance],
    "organ": [CT.Organ],
}

INSTRUMENT_CLASSES = {
    "treaty": CT.Treaty,
    "protocol": CT.Protocol,
    "resolution": CT.Resolution,
    "draft-resolution": CT.DraftResolution,
    "draft-amendment": CT.DraftAmendment,
}


def read_sources(path: Path, registry: Registry, claims: Claims) -> None:
    """Each source becomes a ct:SourceDocument described in the meta graph."""
    columns = ("id", "title", "publisher", "url", "published", "retrieved", "kind", "doubt", "note")
    urls: dict[str, int] = {}
    meta = registry.iris.meta_graph()
    for row in read_rows(path, columns):
        source_id = row.slug("id")
        if source_id in registry.sources:
            raise row.error("id", f"{source_id!r} is defined twice")
        url = row.get("url")
        if url:
            if not url.startswith(("http://", "https://")):
                raise row.error("url", f"{url!r} is not an http(s) URL")
            if url in urls:
                raise row.error("url", f"the same URL is already source at line {urls[url]}")
            urls[url] = row.line
        node = registry.iris.source(source_id)
        title = row.required("title")
        registry.sources[source_id] = Entity(node, title, row.choice("kind", tuple(SOURCE_KINDS)))
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.SourceDocument)),
            (node, NamedNode(DCTERMS + "title"), english(title)),
            (node, RDFS_LABEL, english(title)),
            (node, iri(CT.sourceKind), iri(SOURCE_KINDS[row.get("kind")])),
            (node, iri(CT.graphOf), registry.iris.source_graph(source_id)),
            (node, NamedNode(DCTERMS + "identifier"), typed(source_id, "string")),
        ]
        if row.get("publisher"):
            triples.append((node, NamedNode(DCTERMS + "publisher"), english(row.get("publisher"))))
        if url:
            triples.append((node, iri(SCHEMA.url), NamedNode(url)))
        published = row.when("published", optional=True)
        if published.precision in ("day", "month", "year"):
            kind = {"day": "date", "month": "gYearMonth", "year": "gYear"}[published.precision]
            triples.append((node, NamedNode(DCTERMS + "issued"), typed(published.value, kind)))
        retrieved = row.date("retrieved", optional=True)
        if retrieved:
            triples.append((node, iri(CT.retrievedOn), typed(retrieved.isoformat(), "date")))
        doubt = row.doubt()
        if doubt:
            triples.append((node, iri(CT.doubt), iri(DOUBTS[doubt])))
        if row.get("note"):
            triples.append((node, RDFS_COMMENT, english(row.get("note"))))
        graph = registry.iris.source_graph(source_id)
        triples.append((graph, RDF_TYPE, iri(PROV.Entity)))
        triples.append((graph, iri(PROV.wasDerivedFrom), node))
        claims.add_to(meta, triples)


def read_places(path: Path, registry: Registry, claims: Claims) -> None:
    for row in read_rows(path, ("id", "label", "sources", "note")):
        place_id = row.slug("id")
        if place_id in registry.places:
            raise row.error("id", f"{place_id!r} is defined twice")
        node = registry.iris.place(place_id)
        label = row.required("label")
        registry.places[place_id] = Entity(node, label, "place")
        triples: list[Triple] = [(node, RDF_TYPE, iri(SCHEMA.Place)), (node, RDFS_LABEL, english(label))]
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


def read_states(path: Path, registry: Registry, claims: Claims) -> None:
    """States: UN status from the row's sources; ISO codes and names from pycountry."""
    if PYCOUNTRY_SOURCE not in registry.sources:
        raise _missing_source(path)
    columns = ("iso3", "label", "un_status", "sources", "doubt", "note")
    for row in read_rows(path, columns):
        iso3 = row.iso3("iso3")
        if iso3 in registry.states:
            raise row.error("iso3", f"{iso3!r} is listed twice")
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            raise row.error("iso3", f"{iso3!r} is not an ISO 3166-1 alpha-3 code known to pycountry")
        node = registry.iris.state(iso3)
        label = row.required("label")
        registry.states[iso3] = Entity(node, label, "state")
        status = (
            CT.UNMemberState
            if row.choice("un_status", ("member", "observer")) == "member"
            else CT.ObserverState
        )
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(CT.State)),
            (node, RDF_TYPE, iri(status)),
            (node, RDFS_LABEL, english(label)),
        ]
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))
        claims.add(_iso_triples(node, country), [PYCOUNTRY_SOURCE])


def _iso_triples(node: NamedNode, country: object) -> list[Triple]:
    def get(name: str) -> str:
        return str(getattr(country, name, "") or "")

    triples: list[Triple] = [
        (node, iri(CT.iso3166Alpha2), typed(get("alpha_2"), "string")),
        (node, iri(CT.iso3166Alpha3), typed(get("alpha_3"), "string")),
        (node, iri(CT.iso3166Numeric), typed(get("numeric"), "string")),
        (node, NamedNode(SKOS + "prefLabel"), english(get("name"))),
    ]
    if get("official_name"):
        triples.append((node, iri(CT.officialName), english(get("official_name"))))
    if get("common_name"):
        triples.append((node, NamedNode(SKOS + "altLabel"), english(get("common_name"))))
    return triples


def read_organisations(path: Path, registry: Registry, claims: Claims) -> None:
    columns = ("id", "label", "kind", "parent", "official_name", "sources", "doubt", "note")
    rows = list(read_rows(path, columns))
    for row in rows:  # first pass: ids, so a parent may be listed after its organs
        org_id = row.slug("id")
        if org_id in registry.organisations:
            raise row.error("id", f"{org_id!r} is defined twice")
        kind = row.choice("kind", tuple(ORGANISATION_CLASSES))
        registry.organisations[org_id] = Entity(
            registry.iris.organisation(org_id), row.required("label"), kind
        )
    for row in rows:
        entity = registry.organisations[row.get("id")]
        node = entity.node
        triples: list[Triple] = [(node, RDF_TYPE, iri(cls)) for cls in ORGANISATION_CLASSES[entity.kind]]
        triples.append((node, RDFS_LABEL, english(entity.label)))
        if row.get("official_name"):
            triples.append((node, iri(CT.officialName), english(row.get("official_name"))))
        if row.get("parent"):
            parent = registry.lookup(row, "parent", registry.organisations, "organisations.csv")
            triples.append((node, iri(ORG.unitOf), parent.node))
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


def read_instruments(path: Path, registry: Registry, claims: Claims) -> None:
    for row in read_rows(path, ("id", "kind", "label", "sources", "note")):
        instrument_id = row.slug("id")
        if instrument_id in registry.instruments:
            raise row.error("id", f"{instrument_id!r} is defined twice")
        kind = row.choice("kind", tuple(INSTRUMENT_CLASSES))
        node = registry.iris.instrument(kind, instrument_id)
        label = row.required("label")
        registry.instruments[instrument_id] = Entity(node, label, kind)
        triples: list[Triple] = [
            (node, RDF_TYPE, iri(INSTRUMENT_CLASSES[kind])),
            (node, RDFS_LABEL, english(label)),
        ]
        triples += claim_notes(node, row, registry)
        claims.add(triples, registry.row_sources(row))


def read_wikidata_links(path: Path, registry: Registry, claims: Claims) -> None:
    columns = ("entity", "qid", "relation", "sources", "doubt", "note")
    seen: dict[tuple[str, str], int] = {}
    for row in read_rows(path, columns):
        entity = registry.actor(row, "entity")
        qid = row.qid("qid")
        relation = row.choice("relation", ("same-as", "close-match"))
        key = (row.get("entity"), qid)
        if key in seen:
            raise row.error("qid", f"{qid} is already linked to {key[0]} at line {seen[key]}")
        seen[key] = row.line
        predicate = OWL_SAME_AS if relation == "same-as" else NamedNode(SKOS + "closeMatch")
        claims.add([(entity.node, predicate, iri(WD[qid]))], registry.row_sources(row))


def _missing_source(path: Path) -> RowError:
    return RowError(
        str(path.parent / "sources.csv"),
        0,
        "id",
        f"no source {PYCOUNTRY_SOURCE!r}: ISO 3166 codes and names come from pycountry and must cite it",
    )
