"""The dumps are downloadable at the URLs the VoID description lists, and nothing else is."""

from __future__ import annotations

import gzip
import http.client

import httpx
import pyoxigraph as ox
import pytest

from tests.service.real_graph import BASE, RealServer

DUMP = ox.NamedNode("http://rdfs.org/ns/void#dataDump")
MEDIA_TYPES = {
    "cybertreaty.nq": "application/n-quads",
    "cybertreaty.nq.gz": "application/gzip",
    "cybertreaty.trig": "application/trig",
    "cybertreaty.ttl": "text/turtle",
    "cybertreaty.jsonld": "application/ld+json",
    "void.ttl": "text/turtle",
}


def listed_dumps(real_server: RealServer) -> list[str]:
    void = ox.parse(path=str(real_server.build / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return sorted(t.object.value for t in void if t.predicate == DUMP)


def test_void_lists_the_five_dumps_under_the_base(real_server: RealServer) -> None:
    assert listed_dumps(real_server) == sorted(BASE + "dump/" + n for n in MEDIA_TYPES if n != "void.ttl")


@pytest.mark.parametrize("name", sorted(MEDIA_TYPES))
def test_each_dump_downloads(client: httpx.Client, real_server: RealServer, name: str) -> None:
    url = real_server.url + "/dump/" + name  # <base>dump/{name}, with the base mapped to this server
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == MEDIA_TYPES[name]
    on_disk = (real_server.build / name).read_bytes()
    assert int(response.headers["content-length"]) == len(on_disk)
    assert response.content == on_disk
    etag = response.headers["etag"]
    assert etag.startswith('"sha256-')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.head(url).headers["etag"] == etag


def test_the_gzip_dump_holds_the_n_quads(client: httpx.Client, real_server: RealServer) -> None:
    packed = client.get(real_server.url + "/dump/cybertreaty.nq.gz").content
    assert gzip.decompress(packed) == (real_server.build / "cybertreaty.nq").read_bytes()


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/dump/..%2Fvoid.ttl",
        b"/dump/%2e%2e/void.ttl",
        b"/dump/../void.ttl",
        b"/dump/..",
        b"/dump/store",
        b"/dump/store%2FCURRENT",
        b"/dump/cybertreaty.nq%00",
        b"/dump/%2Fetc%2Fpasswd",
        b"/dump/.void.ttl",
    ],
)
def test_nothing_else_is_served(real_server: RealServer, raw_path: bytes) -> None:
    # Sent byte for byte with http.client: httpx would normalise dot segments ("/dump/.." -> "/").
    parts = httpx.URL(real_server.url)
    connection = http.client.HTTPConnection(parts.host, parts.port, timeout=30)
    try:
        connection.putrequest("GET", raw_path.decode("latin-1"), skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 404


@pytest.mark.parametrize("path", ["/void", "/dataset"])
def test_void_description(client: httpx.Client, real_server: RealServer, path: str) -> None:
    turtle = client.get(real_server.url + path)
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert turtle.content == (real_server.build / "void.ttl").read_bytes()
    as_json = client.get(real_server.url + path, headers={"Accept": "application/ld+json"})
    triples = {q.triple for q in ox.parse(as_json.content, format=ox.RdfFormat.JSON_LD)}
    assert {t.object.value for t in triples if t.predicate == DUMP} == set(listed_dumps(real_server))
