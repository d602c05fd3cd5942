"""Every error path of the REST API answers with one body shape, RFC 9457 problem details, and the
SPARQL protocol's errors stay text/plain as the protocol requires."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from cybertreaty.errors import QueryTimeout, ServerBusy
from cybertreaty.graph.store import SelectResult, Store
from cybertreaty.settings import Settings
from tests.service.api.helpers import assert_problem
from tests.service.real_graph import RealServer
from tests.service.servers import AppServer

UNCC = "/api/treaties/uncc"


def test_unknown_state_is_404_with_suggestions(client: httpx.Client, real_server: RealServer) -> None:
    problem = assert_problem(client.get(real_server.url + "/api/states/vietnam"), 404)
    assert problem["suggestions"][0]["id"] == "VNM"
    assert "Did you mean VNM" in problem["detail"]


def test_unknown_state_code_is_404(client: httpx.Client, real_server: RealServer) -> None:
    problem = assert_problem(client.get(real_server.url + "/api/states/XYZ/votes"), 404)
    assert "'XYZ'" in problem["detail"]


@pytest.mark.parametrize(
    ("path", "suggested"),
    [
        ("/api/treaties/budapest/status", "cets-185"),
        ("/api/treaties/hanoi-convention/signature-status", "uncc"),
        ("/api/resolutions/74-247/votes", "a-res-74-247"),
        ("/api/sources/newshour/claims", "newshour-2025-10-29"),
        ("/api/groups/five-eye/positions", "five-eyes"),
    ],
)
def test_unknown_entity_in_the_path_is_404_with_suggestions(
    client: httpx.Client, real_server: RealServer, path: str, suggested: str
) -> None:
    problem = assert_problem(client.get(real_server.url + path), 404)
    assert problem["suggestions"][0]["id"] == suggested


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        (f"{UNCC}/signature-status", {"as_of": "2025-13-01"}, "as_of"),
        (f"{UNCC}/signature-status", {"status": "maybe"}, "status"),
        (f"{UNCC}/signature-status", {"group": "Five Eyes"}, "group"),
        ("/api/resolutions/a-res-74-247/votes", {"option": "against"}, "option"),
        ("/api/cross/voted-then-signed", {"resolution": "A/RES/74/247"}, "resolution"),
        ("/api/states/VNM/votes", {"limit": "0"}, "limit"),
        ("/api/states/VNM/votes", {"limit": "5000"}, "limit"),
        ("/api/states/VNM/votes", {"offset": "-1"}, "offset"),
        ("/api/search", {}, "q"),
        ("/api/search", {"q": "x", "type": "Person"}, "type"),
        (f"{UNCC}/status", {"as_of": "yesterday"}, "as_of"),
    ],
)
def test_malformed_parameter_is_422_naming_it(
    client: httpx.Client, real_server: RealServer, path: str, params: dict[str, str], parameter: str
) -> None:
    problem = assert_problem(client.get(real_server.url + path, params=params), 422)
    assert [e["parameter"] for e in problem["errors"]] == [parameter]
    assert f"'{parameter}'" in problem["detail"]


def test_unknown_group_is_422_with_suggestions(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + f"{UNCC}/signature-status", params={"group": "fiveeyes"})
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {"parameter": "group", "location": "query", "detail": problem["errors"][0]["detail"]}
    ]
    assert problem["suggestions"][0]["id"] == "five-eyes"


def test_unknown_route_and_method(client: httpx.Client, real_server: RealServer) -> None:
    assert_problem(client.get(real_server.url + "/api/nothing-here"), 404)
    assert_problem(client.post(real_server.url + "/api/states/VNM"), 405)


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/states/VNM/votes", "application/xml"),
        ("/api/states/VNM", "text/csv"),  # a profile is not one table
        (f"{UNCC}/status", "text/html"),
        ("/api/search?q=x", "text/csv"),
    ],
)
def test_unacceptable_media_type_is_406(
    client: httpx.Client, real_server: RealServer, path: str, accept: str
) -> None:
    problem = assert_problem(client.get(real_server.url + path, headers={"Accept": accept}), 406)
    assert "application/json" in problem["detail"]


def test_sparql_protocol_errors_stay_text_plain(client: httpx.Client, real_server: RealServer) -> None:
    response = client.get(real_server.url + "/sparql", params={"query": "SELEC * WHERE {}"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    response = client.get(real_server.url + "/id/state/XYZ")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")


class FailingStore:
    """A store whose every query fails with ``error``: the error paths the real graph never takes."""

    kind = "embedded"
    writable = False
    allowlist: tuple[str, ...] = ()
    data_version = None  # nothing cached: every question reaches select()

    def __init__(self, error: Exception) -> None:
        self.error = error

    def select(self, sparql: str, **options: Any) -> SelectResult:
        raise self.error

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def failing(serve: Callable[[Settings, Store], AppServer]) -> Iterator[Callable[[Exception], str]]:
    def start(error: Exception) -> str:
        return serve(Settings(workers=1), FailingStore(error)).base  # type: ignore[arg-type]

    yield start


@pytest.mark.parametrize(
    ("error", "status", "headers"),
    [
        (QueryTimeout("The query ran longer than 10 s and was stopped."), 503, {}),
        (ServerBusy("Too many queries are running; try again in a moment."), 503, {"retry-after": "1"}),
        (RuntimeError("secret internal detail"), 500, {}),
    ],
    ids=["timeout", "busy", "bug"],
)
def test_store_failures_are_problems(
    client: httpx.Client,
    failing: Callable[[Exception], str],
    error: Exception,
    status: int,
    headers: dict[str, str],
) -> None:
    response = client.get(failing(error) + "/api/states/VNM")
    problem = assert_problem(response, status)
    assert "secret" not in problem["detail"]  # a bug is logged, never echoed
    for name, value in headers.items():
        assert response.headers[name] == value
