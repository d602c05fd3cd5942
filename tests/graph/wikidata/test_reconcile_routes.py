"""The reconciliation endpoint at /reconcile, served by uvicorn on loopback over the real graph in
the embedded store: the manifest, OpenRefine-shaped answers, and 400s that name the problem."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.graph.wikidata.servers import AppOnLoopback

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def client(graph_quads: Sequence[ox.Quad]) -> Iterator[httpx.Client]:
    store = EmbeddedStore.from_quads(graph_quads, workers=1)
    server = AppOnLoopback(create_app(Settings(workers=1), store))
    try:
        with httpx.Client(base_url=server.base, timeout=30) as http:
            yield http
    finally:
        server.stop()
        store.close()


def post(client: httpx.Client, queries: object) -> dict[str, object]:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)}, headers=FORM)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_manifest(client: httpx.Client) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["versions"] == ["0.1", "0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/cybertreaty/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/cybertreaty/ontology#"
    assert [t["id"] for t in manifest["defaultTypes"]] == ["State", "Organisation"]


def test_a_batch_of_queries(client: httpx.Client) -> None:
    answers = post(
        client,
        {
            "q0": {"query": "Viet Nam"},
            "q1": {"query": "Türkiye", "type": "State", "limit": 1},
            "q2": {"query": "AU", "type": "Organisation"},
            "q3": {"query": "Q881"},
            "q4": {"query": "no such place"},
        },
    )
    assert set(answers) == {"q0", "q1", "q2", "q3", "q4"}
    (viet_nam,) = answers["q0"]["result"]  # type: ignore[index]
    assert viet_nam == {
        "id": "VNM",
        "name": "Vietnam",
        "type": [{"id": "State", "name": "State"}],
        "score": 100,
        "match": True,
        "description": 'https://w3id.org/cybertreaty/id/state/VNM (matched label "Vietnam")',
    }
    assert [c["id"] for c in answers["q1"]["result"]] == ["TUR"]  # type: ignore[index]
    assert [(c["id"], c["match"]) for c in answers["q2"]["result"]] == [("au", True)]  # type: ignore[index]
    assert answers["q3"]["result"][0]["id"] == "VNM"  # type: ignore[index]
    assert answers["q4"] == {"result": []}


def test_queries_in_the_query_string(client: httpx.Client) -> None:
    response = client.get("/reconcile", params={"queries": json.dumps({"q0": {"query": "704"}})})
    assert response.status_code == 200
    assert response.json()["q0"]["result"][0]["id"] == "VNM"


BAD = [
    ("not json", "'queries' is not JSON"),
    ("[]", "'queries' must be a JSON object of queries"),
    ('{"q0": "Viet Nam"}', "queries[q0] must be an object with a 'query' string"),
    ('{"q0": {"query": "  "}}', "queries[q0]: 'query' must be a non-empty string"),
    ('{"q0": {"query": "x", "type": "Treaty"}}', "queries[q0]: unknown type 'Treaty'; known types: State"),
    ('{"q0": {"query": "x", "limit": 0}}', "queries[q0]: 'limit' must be an integer from 1 to 100"),
    ('{"q0": {"query": "x", "limit": true}}', "queries[q0]: 'limit' must be an integer from 1 to 100"),
]


@pytest.mark.parametrize(("queries", "message"), BAD, ids=[m.split(":")[0][:30] for _, m in BAD])
def test_a_bad_batch_is_a_400_naming_the_problem(client: httpx.Client, queries: str, message: str) -> None:
    response = client.post("/reconcile", data={"queries": queries}, headers=FORM)
    assert response.status_code == 400
    assert message in response.text


def test_the_queries_field_is_required_once(client: httpx.Client) -> None:
    missing = client.post("/reconcile", content=b"other=1", headers=FORM)
    assert missing.status_code == 400 and "exactly one 'queries' parameter (got 0)" in missing.text
    twice = client.post("/reconcile", content=b"queries=%7B%7D&queries=%7B%7D", headers=FORM)
    assert twice.status_code == 400 and "(got 2)" in twice.text


def test_a_json_body_is_refused_with_what_to_send(client: httpx.Client) -> None:
    response = client.post("/reconcile", json={"queries": {"q0": {"query": "x"}}})
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.text
