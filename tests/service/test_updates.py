"""Writes: SPARQL Update and the Graph Store Protocol, only with the token, SHACL-validated, all or
nothing. Each backend gets a fresh writable server (an update_dir for the embedded store, an
update URL for the Oxigraph server)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

from cybertreaty.graph.store import Store
from cybertreaty.graph.vocab import VOID
from tests.service.conftest import BACKENDS, SETTINGS, TOKEN, Endpoint
from tests.service.servers import AppServer, Canary

CT = "https://w3id.org/cybertreaty/ontology#"
STATE = "https://w3id.org/cybertreaty/id/state/"
ALPHA = "https://w3id.org/cybertreaty/graph/source/alpha"
BETA = "https://w3id.org/cybertreaty/graph/source/beta"
NEW = "https://w3id.org/cybertreaty/graph/source/gamma"
PREFIXES = f"PREFIX ct: <{CT}> PREFIX rdfs: <{RDFS}> PREFIX state: <{STATE}>\n"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# A State without its ISO codes violates the project's shapes (shapes/cybertreaty.shapes.ttl).
BAD_STATE = (
    PREFIXES + f'INSERT DATA {{ GRAPH <{BETA}> {{ state:XXX a ct:State ; rdfs:label "Nowhere"@en }} }}'
)
GOOD_LABEL = PREFIXES + f'INSERT DATA {{ GRAPH <{BETA}> {{ state:DEU rdfs:label "Allemagne"@fr }} }}'
CHAD = f"""@prefix ct: <{CT}> . @prefix rdfs: <{RDFS}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
<{STATE}TCD> a ct:State ; rdfs:label "Chad"@en ; ct:iso3166Alpha3 "TCD" ; ct:iso3166Alpha2 "TD" ;
    ct:iso3166Numeric "148" ; owl:sameAs <http://www.wikidata.org/entity/Q657> .
"""


@pytest.fixture(scope="module", params=BACKENDS)
def writable(
    request: pytest.FixtureRequest, make_store: Callable[..., Store], serve: Callable[..., AppServer]
) -> Endpoint:
    store = make_store(request.param, writable=True, update_timeout=60)
    return Endpoint(request.param, serve(dataclasses.replace(SETTINGS, update_token=TOKEN), store), store)


def update(
    client: httpx.Client, url: str, sparql: str, headers: dict[str, str] | None = None, direct: bool = False
) -> httpx.Response:
    if direct:
        return client.post(
            url,
            content=sparql.encode(),
            headers={**(headers or {}), "Content-Type": "application/sparql-update"},
        )
    return client.post(url, data={"update": sparql}, headers=headers or {})


def count(client: httpx.Client, url: str, query: str = COUNT) -> int:
    response = client.get(url, params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])


def ask(client: httpx.Client, url: str, query: str) -> bool:
    response = client.get(
        url, params={"query": PREFIXES + query}, headers={"Accept": "application/sparql-results+json"}
    )
    return bool(json.loads(response.content)["boolean"])


def test_read_only_endpoint_refuses_updates(client: httpx.Client, endpoint: Endpoint) -> None:
    response = update(client, endpoint.url, GOOD_LABEL, AUTH)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert (
        client.put(
            f"{endpoint.base}/store",
            params={"graph": NEW},
            content=CHAD.encode(),
            headers={**AUTH, "Content-Type": "text/turtle"},
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong-token-0123456789"}, 403),
        ({"Authorization": f"Basic {TOKEN}"}, 403),
    ],
    ids=["no-token", "bad-token", "wrong-scheme"],
)
def test_updates_need_the_token(
    client: httpx.Client, writable: Endpoint, headers: dict[str, str], status: int
) -> None:
    response = update(client, writable.url, GOOD_LABEL, headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert not ask(client, writable.url, 'ASK { state:DEU rdfs:label "Allemagne"@fr }')


def test_non_conforming_update_is_rejected_whole(client: httpx.Client, writable: Endpoint) -> None:
    before = count(client, writable.url)
    # The first operation alone would conform; the second does not: neither may be written.
    both = GOOD_LABEL + " ;\n" + BAD_STATE.split("\n", 1)[1]
    response = update(client, writable.url, both, AUTH)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/plain")
    assert "would not conform" in response.text and f"{STATE}XXX" in response.text
    assert count(client, writable.url) == before
    assert not ask(client, writable.url, "ASK { state:XXX ?p ?o }")
    assert not ask(client, writable.url, 'ASK { state:DEU rdfs:label "Allemagne"@fr }')


def test_rejection_report_in_json_and_turtle(client: httpx.Client, writable: Endpoint) -> None:
    as_json = update(client, writable.url, BAD_STATE, {**AUTH, "Accept": "application/json"})
    assert as_json.status_code == 422
    report = json.loads(as_json.content)
    assert report["summary"]["conforms"] is False
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert {r["focusNode"] for r in violations} == {f"{STATE}XXX"}
    assert any(r["path"] == "ct:iso3166Alpha3" for r in violations)
    as_turtle = update(client, writable.url, BAD_STATE, {**AUTH, "Accept": "text/turtle"})
    results = Graph().parse(data=as_turtle.content, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#focusNode"), URIRef(f"{STATE}XXX")) in results


@pytest.mark.parametrize("direct", [False, True], ids=["form", "sparql-update"])
def test_conforming_update_is_committed(client: httpx.Client, writable: Endpoint, direct: bool) -> None:
    label = f"Allemagne-{int(direct)}"
    before = count(client, writable.url)
    sparql = PREFIXES + f'INSERT DATA {{ GRAPH <{BETA}> {{ state:DEU rdfs:label "{label}"@fr }} }}'
    response = update(client, writable.url, sparql, AUTH, direct=direct)
    assert response.status_code == 204, response.text
    assert ask(client, writable.url, f'ASK {{ state:DEU rdfs:label "{label}"@fr }}')  # in the union
    assert ask(client, writable.url, f'ASK {{ GRAPH <{BETA}> {{ state:DEU rdfs:label "{label}"@fr }} }}')
    assert count(client, writable.url) == before + 1
    described = Graph().parse(data=client.get(writable.url, headers={"Accept": "text/turtle"}).content)
    assert Literal(before + 1, datatype=XSD.integer) in set(described.objects(None, VOID.triples))


def test_union_stays_the_merge_after_deletes(client: httpx.Client, writable: Endpoint) -> None:
    fra_fr = 'state:FRA rdfs:label "France"@fr'
    assert (
        update(
            client, writable.url, PREFIXES + f"DELETE DATA {{ GRAPH <{BETA}> {{ {fra_fr} }} }}", AUTH
        ).status_code
        == 204
    )
    assert ask(client, writable.url, f"ASK {{ {fra_fr} }}")  # still stated by alpha
    assert (
        update(
            client, writable.url, PREFIXES + f"DELETE DATA {{ GRAPH <{ALPHA}> {{ {fra_fr} }} }}", AUTH
        ).status_code
        == 204
    )
    assert not ask(client, writable.url, f"ASK {{ {fra_fr} }}")  # no source states it any more


def test_default_graph_cannot_be_written_directly(client: httpx.Client, writable: Endpoint) -> None:
    response = update(client, writable.url, PREFIXES + 'INSERT DATA { state:DEU rdfs:comment "x" }', AUTH)
    assert response.status_code == 400
    assert "named graph" in response.text
    assert not ask(client, writable.url, 'ASK { state:DEU rdfs:comment "x" }')


def test_update_syntax_error(client: httpx.Client, writable: Endpoint) -> None:
    response = update(client, writable.url, "INSERT DATA { GRAPH <x:g> { <x:s> <x:p> } }", AUTH)
    assert response.status_code == 400
    assert "error at 1:" in response.text


def test_graph_store_protocol(client: httpx.Client, writable: Endpoint) -> None:
    store = f"{writable.base}/store"
    turtle = {**AUTH, "Content-Type": "text/turtle"}
    assert client.get(store, params={"graph": NEW}).status_code == 404
    assert (
        client.put(
            store, params={"graph": NEW}, content=CHAD.encode(), headers={"Content-Type": "text/turtle"}
        ).status_code
        == 401
    )
    assert client.put(store, params={"graph": NEW}, content=CHAD.encode(), headers=turtle).status_code == 201
    got = Graph().parse(
        data=client.get(store, params={"graph": NEW}, headers={"Accept": "text/turtle"}).content
    )
    assert isomorphic(got, Graph().parse(data=CHAD, format="turtle"))
    assert ask(client, writable.url, 'ASK { state:TCD rdfs:label "Chad"@en }')
    extra = f'<{STATE}TCD> <{RDFS.label}> "Tchad"@fr .\n'.encode()
    posted = client.post(
        store, params={"graph": NEW}, content=extra, headers={**AUTH, "Content-Type": "application/n-triples"}
    )
    assert posted.status_code == 204
    assert len(Graph().parse(data=client.get(store, params={"graph": NEW}).content, format="turtle")) == 7
    assert client.delete(store, params={"graph": NEW}, headers=AUTH).status_code == 204
    assert client.get(store, params={"graph": NEW}).status_code == 404
    assert not ask(client, writable.url, "ASK { state:TCD ?p ?o }")
    assert client.delete(store, params={"graph": NEW}, headers=AUTH).status_code == 404


def test_graph_store_rejects_bad_writes(client: httpx.Client, writable: Endpoint) -> None:
    store = f"{writable.base}/store"
    turtle = {**AUTH, "Content-Type": "text/turtle"}
    nowhere = f"<{STATE}XXX> a <{CT}State> .".encode()
    assert client.put(store, params={"graph": NEW}, content=nowhere, headers=turtle).status_code == 422
    assert client.get(store, params={"graph": NEW}).status_code == 404
    assert client.put(store, params={"default": ""}, content=CHAD.encode(), headers=turtle).status_code == 400
    assert (
        client.put(store, params={"graph": NEW}, content=b"not turtle {", headers=turtle).status_code == 400
    )
    assert (
        client.put(
            store,
            params={"graph": NEW},
            content=CHAD.encode(),
            headers={**AUTH, "Content-Type": "text/plain"},
        ).status_code
        == 415
    )
    default = client.get(store, params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert default.status_code == 200
    assert default.headers["x-sparql-truncated"] == "true"  # the default graph is larger than the row cap
    assert len(default.content.splitlines()) == SETTINGS.max_result_rows


def test_protocol_dataset_for_updates(client: httpx.Client, writable: Endpoint) -> None:
    note = PREFIXES + f'INSERT {{ GRAPH <{BETA}> {{ ?t rdfs:comment "seen" }} }} WHERE {{ ?t a ct:Treaty }}'
    # Only alpha states the treaty: with beta as the WHERE's default graph nothing matches.
    response = client.post(
        writable.url,
        params={"using-graph-uri": BETA},
        content=note.encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 204
    assert not ask(client, writable.url, 'ASK { ?t rdfs:comment "seen" }')
    response = client.post(
        writable.url,
        params={"using-graph-uri": ALPHA},
        content=note.encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 204
    assert ask(client, writable.url, f'ASK {{ GRAPH <{BETA}> {{ ?t rdfs:comment "seen" }} }}')
    conflict = client.post(
        writable.url,
        params={"using-graph-uri": ALPHA},
        content=f"WITH <{BETA}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}".encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert conflict.status_code == 400 and "WITH" in conflict.text


@pytest.mark.parametrize(
    "sparql",
    [
        PREFIXES + 'DELETE DATA { state:FRA rdfs:label "France"@en }',
        "CLEAR DEFAULT",
        "DELETE WHERE { ?s ?p ?o }",
    ],
    ids=["delete-data", "clear-default", "delete-where"],
)
def test_changes_to_the_default_graph_alone_are_refused(
    client: httpx.Client, writable: Endpoint, sparql: str
) -> None:
    before = count(client, writable.url)
    response = update(client, writable.url, sparql, AUTH)
    assert response.status_code == 400 and "merge of the named graphs" in response.text
    assert count(client, writable.url) == before


def test_json_ld_with_a_remote_context_is_not_fetched(
    client: httpx.Client, writable: Endpoint, canary: Canary
) -> None:
    document = json.dumps({"@context": canary.url, "@id": f"{STATE}TCD", "name": "Chad"}).encode()
    response = client.put(
        f"{writable.base}/store",
        params={"graph": NEW},
        content=document,
        headers={**AUTH, "Content-Type": "application/ld+json"},
    )
    assert response.status_code == 400 and "remote contexts" in response.text
    assert canary.hits == []
