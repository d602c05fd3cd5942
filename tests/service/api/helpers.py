"""Small helpers of the REST API tests."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import httpx

from tests.service.real_graph import RealServer


def get_json(client: httpx.Client, server: RealServer, path: str, **params: Any) -> Any:
    response = client.get(server.url + path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def all_items(client: httpx.Client, server: RealServer, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of a list route, following its `next` links."""
    page = get_json(client, server, path, **params)
    items = list(page["items"])
    while page["next"]:
        response = client.get(page["next"])
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
    assert len(items) == page["total"]
    return items


def ids(items: list[dict[str, Any]], key: str) -> set[str]:
    return {str(item[key]) for item in items}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The one error shape of the API: RFC 9457 problem details, with the status's own title."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == HTTPStatus(status).phrase
    assert problem["status"] == status
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert set(problem) <= {"type", "title", "status", "detail", "errors", "suggestions"}
    return problem
