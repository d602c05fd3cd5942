"""Put the built graph into an external SPARQL engine (`cybertreaty load --endpoint URL`).

The engine ends up holding the data exactly as the embedded store does: every named graph of the
dump, and as the default graph their merge (a set), so the engine must not also run in its own
union-default-graph mode. Each named graph is replaced as a whole.

With a Graph Store Protocol URL (Oxigraph: ``http://host:7878/store``) each graph is one PUT;
otherwise SPARQL Update ``INSERT DATA`` requests of ``batch_size`` triples are sent. Blank-node
labels are scoped to one request, so a blank node shared between batches (or graphs) would be
split; the built graph uses IRIs only.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, cast

import httpx
import pyoxigraph as ox

from cybertreaty.errors import UpstreamError

DEFAULT_BATCH = 10_000


@dataclass(frozen=True)
class LoadReport:
    graphs: int  # named graphs loaded
    quads: int  # quads in the named graphs
    default_triples: int  # triples in the default graph (their merge)
    engine_triples: int  # triples the engine then reports in its default graph


def load(
    endpoint_url: str,
    dump_path: Path,
    *,
    graph_store_url: str | None = None,
    update_url: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    timeout: float = 300.0,
) -> LoadReport:
    """Load ``dump_path`` (N-Quads, optionally .gz) into the engine at ``endpoint_url``.

    ``update_url`` defaults to ``endpoint_url`` (engines that take updates on the query URL).
    """
    graphs = read_graphs(dump_path)
    merge = sorted({t for triples in graphs.values() for t in triples}, key=str)
    with httpx.Client(timeout=timeout) as client:
        for name, triples in graphs.items():
            if graph_store_url:
                _put_graph(client, graph_store_url, name, triples)
            else:
                _update_graph(client, update_url or endpoint_url, name, triples, batch_size)
        if graph_store_url:
            _put_graph(client, graph_store_url, None, merge)
        else:
            _update_graph(client, update_url or endpoint_url, None, merge, batch_size)
        engine_triples = _count(client, endpoint_url)
    quads = sum(len(t) for t in graphs.values())
    return LoadReport(len(graphs), quads, len(merge), engine_triples)


def read_graphs(dump_path: Path) -> dict[str, list[ox.Triple]]:
    """The dump's named graphs; quads in the default graph are refused (they would be lost)."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    with dump_path.open("rb") as raw:
        handle = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if dump_path.suffix == ".gz" else raw)
        for quad in ox.parse(handle, format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise ValueError(f"{dump_path}: a quad outside a named graph: {quad}")
            graphs[quad.graph_name.value].append(quad.triple)
    return dict(graphs)


def _put_graph(client: httpx.Client, url: str, graph: str | None, triples: Sequence[ox.Triple]) -> None:
    params = {"graph": graph} if graph else {"default": ""}
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    response = client.put(url, params=params, content=body, headers={"Content-Type": "application/n-triples"})
    _check(response, f"PUT {graph or 'default graph'}")


def _update_graph(
    client: httpx.Client, url: str, graph: str | None, triples: Sequence[ox.Triple], batch_size: int
) -> None:
    target = f"GRAPH {ox.NamedNode(graph)}" if graph else "DEFAULT"
    _post_update(client, url, f"DROP SILENT {target}")
    for batch in _batches(triples, batch_size):
        data = (ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        block = f"GRAPH {ox.NamedNode(graph)} {{\n{data}}}" if graph else data
        _post_update(client, url, f"INSERT DATA {{\n{block}}}")


def _batches(triples: Sequence[ox.Triple], size: int) -> Iterable[list[ox.Triple]]:
    iterator = iter(triples)
    while batch := list(islice(iterator, size)):
        yield batch


def _post_update(client: httpx.Client, url: str, sparql: str) -> None:
    response = client.post(
        url, content=sparql.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    _check(response, "SPARQL Update")


def _count(client: httpx.Client, endpoint_url: str) -> int:
    response = client.post(
        endpoint_url,
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    _check(response, "count query")
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _check(response: httpx.Response, what: str) -> None:
    if not response.is_success:
        raise UpstreamError(f"{what} failed: {response.status_code} {response.text[:500]}")
