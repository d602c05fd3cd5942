"""The federated example queries through our SPARQL endpoint, with the Wikidata-shaped stand-in
server in place of the Wikidata Query Service: they work when its URL is on the SERVICE allowlist
and are refused, contacting nothing, when it is not."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import httpx
import pyoxigraph as ox
import pytest

from cybertreaty.graph.embedded import EmbeddedStore
from cybertreaty.service.app import create_app
from cybertreaty.service.examples import packaged_examples
from cybertreaty.settings import Settings
from tests.graph.wikidata.conftest import needs_oxigraph
from tests.graph.wikidata.servers import AppOnLoopback, WikidataStandIn

pytestmark = [pytest.mark.external, needs_oxigraph]

WDQS = "https://query.wikidata.org/sparql"
CSV = {"Accept": "text/csv"}


@pytest.fixture(scope="module")
def endpoint(graph_quads: Sequence[ox.Quad], wikidata_stand_in: WikidataStandIn) -> Iterator[str]:
    allowlist = (wikidata_stand_in.url,)
    store = EmbeddedStore.from_quads(graph_quads, workers=1, allowlist=allowlist)
    server = AppOnLoopback(create_app(Settings(workers=1, service_allowlist=allowlist), store))
    try:
        yield f"{server.base}/sparql"
    finally:
        server.stop()
        store.close()


def example(name: str, service: str | None = None) -> str:
    sparql = next(e for e in packaged_examples() if e.name == name).sparql
    assert f"SERVICE <{WDQS}>" in sparql
    # The stand-in takes the place of the Wikidata Query Service; nothing else in the query changes.
    return sparql if service is None else sparql.replace(f"SERVICE <{WDQS}>", f"SERVICE <{service}>")


def rows(endpoint: str, query: str) -> list[list[str]]:
    response = httpx.get(endpoint, params={"query": query}, headers=CSV, timeout=60)
    assert response.status_code == 200, response.text
    return [line.split(",") for line in response.text.splitlines()[1:]]


def test_signatories_with_their_population(endpoint: str, wikidata_stand_in: WikidataStandIn) -> None:
    found = rows(endpoint, example("federated-wikidata-population", wikidata_stand_in.url))
    # Our signatories that the stand-in gives a population; the United States' signature is
    # contradicted in our graph, so its population (5000 in the stand-in) is not joined.
    assert [(r[0].rsplit("/", 1)[-1], r[3]) for r in found] == [
        ("FRA", "3000"),
        ("TUR", "2000"),
        ("VNM", "1000"),
    ]


def test_eu_members_checked_against_wikidata(endpoint: str, wikidata_stand_in: WikidataStandIn) -> None:
    found = rows(endpoint, example("federated-wikidata-eu-members", wikidata_stand_in.url))
    agrees = {r[0].rsplit("/", 1)[-1]: r[3] for r in found}
    assert len(agrees) == 27
    assert {state for state, value in agrees.items() if value == "true"} == {"FRA", "DEU"}


def test_a_service_off_the_allowlist_is_refused(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": example("federated-wikidata-population")}, headers=CSV)
    assert response.status_code == 403
    assert f"SERVICE to <{WDQS}> is not allowed" in response.text
