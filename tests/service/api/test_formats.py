"""Content negotiation (JSON, JSON-LD, CSV), pagination, and the OpenAPI document and /docs page
that come from the registry."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.service.registry import packaged_registry
from tests.service.api.helpers import all_items, get_json
from tests.service.real_graph import BASE, RealServer

VOTES = "/api/resolutions/a-res-74-247/votes"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/*", "text/html,*/*;q=0.8"])
def test_json_is_the_default(client: httpx.Client, real_server: RealServer, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(real_server.url + VOTES, headers=headers, params={"limit": 1})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "Accept" in response.headers["vary"]


def test_csv_has_the_columns_and_the_page(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + VOTES, headers={"Accept": "text/csv"}, params={"option": "no"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    query = packaged_registry()["resolution-votes"]
    assert list(rows[0]) == [c.name for c in query.columns]
    assert len(rows) == 60
    assert {r["vote_option"] for r in rows} == {"no"}
    assert response.headers["x-total-count"] == "60"


def test_csv_joins_list_cells(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/api/states/AUS/actions", headers={"Accept": "text/csv"})
    signature = next(r for r in csv.DictReader(io.StringIO(response.text)) if r["action_type"] == "Signature")
    assert set(signature["sources"].split(" ")) >= {BASE + "id/source/untc-xviii-16"}


def test_json_ld_is_rdf(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(
        real_server.url + "/api/treaties/uncc/signature-status",
        headers={"Accept": "application/ld+json"},
        params={"group": "five-eyes", "as_of": "2025-10-29"},
    )
    assert response.headers["content-type"] == "application/ld+json"
    triples = parse_json_ld(response.text)
    actors = {t.object for t in triples if t.predicate == ox.NamedNode(BASE + "api#actor")}
    assert ox.NamedNode(BASE + "id/state/NZL") in actors  # IRIs are nodes, not strings
    assert len(actors) == 5


def test_json_ld_of_a_profile(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/api/states/VNM", headers={"Accept": "application/ld+json"})
    document = response.json()
    assert document["@context"]["@vocab"] == BASE + "api#"
    wikidata = {t.object for t in parse_json_ld(response.text) if t.predicate.value == BASE + "api#wikidata"}
    assert wikidata == {ox.NamedNode("http://www.wikidata.org/entity/Q881")}


def parse_json_ld(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)]


def test_pages_follow_next_links(client: httpx.Client, real_server: RealServer) -> None:
    whole = get_json(client, real_server, VOTES, limit=1000)
    assert whole["total"] == 193 and whole["next"] is None and len(whole["items"]) == 193
    paged = all_items(client, real_server, VOTES, limit=50)
    assert [v["vote"] for v in paged] == [v["vote"] for v in whole["items"]]
    second = get_json(client, real_server, VOTES, limit=50, offset=50)
    assert second["previous"].endswith("offset=0&limit=50")
    assert second["next"].endswith("offset=100&limit=50")
    response = client.get(real_server.url + VOTES, params={"limit": 50, "offset": 50})
    assert 'rel="next"' in response.headers["link"] and 'rel="prev"' in response.headers["link"]


def test_params_as_applied(client: httpx.Client, real_server: RealServer) -> None:
    page = get_json(client, real_server, "/api/cross/voted-then-signed")
    assert page["params"] == {"resolution": "a-res-74-247", "option": "no", "treaty": "uncc"}
    page = get_json(client, real_server, "/api/states/vnm/votes")
    assert page["params"] == {"state": "VNM"}


@pytest.fixture(scope="module")
def openapi(real_server: RealServer) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(real_server.url + "/openapi.json", timeout=30).json()
    return document


def test_openapi_lists_every_named_query(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1")
    for query in packaged_registry().queries:
        operation = openapi["paths"][query.path]["get"]
        assert operation["operationId"] == query.name
        assert operation["summary"] == query.summary
        documented = {p["name"]: p for p in operation["parameters"]}
        assert set(documented) == {p.name for p in query.params} | {"limit", "offset"}
        assert all(p["description"] for p in documented.values())
        assert set(operation["responses"]["200"]["content"]) == {
            "application/json",
            "application/ld+json",
            "text/csv",
        }


def test_openapi_errors_are_problem_json(openapi: dict[str, Any]) -> None:
    for path, operations in openapi["paths"].items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status >= "400":
                    assert set(response["content"]) == {"application/problem+json"}, (path, status)
                    assert response["content"]["application/problem+json"]["schema"]["$ref"].endswith(
                        "/Problem"
                    )


def test_every_answer_field_is_described_with_an_example(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    for name, schema in schemas.items():
        if name.endswith(("Row", "Page")) or name in ("StateProfile", "TreatyStatus", "Problem", "Candidate"):
            for field, spec in schema["properties"].items():
                assert spec.get("description"), (name, field)
                if name.endswith("Row"):
                    assert spec.get("examples"), (name, field)


def test_docs_page_is_generated_from_openapi(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/docs")
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]  # no script at all
    for query in packaged_registry().queries:
        assert f'id="{query.name}"' in response.text
        assert json.dumps(query.path)[1:-1] in response.text
    assert "cdn" not in response.text.lower()
