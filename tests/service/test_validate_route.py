"""POST /validate: RDF or CSV rows in, the SHACL report out (JSON, or Turtle by negotiation);
nothing stored, clear 4xx answers for what cannot be validated."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from cybertreaty.graph.build import assemble
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.store import Store
from cybertreaty.service.app import create_app
from cybertreaty.settings import Settings
from tests.curation.conftest import CONSENTS, MINIMAL, snapshot
from tests.service.servers import Canary

ROOT = Path(__file__).parents[2]
LIMIT = 2_000_000
ROW = "ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,,,"
NO_ACTOR = """
@prefix ct: <https://w3id.org/cybertreaty/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/s> a ct:Signature ; ct:instrument <https://w3id.org/cybertreaty/id/treaty/uncc> ;
    ct:date "2025-10-25"^^xsd:date ; ct:source <https://w3id.org/cybertreaty/id/source/untc-xviii-16> .
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project home whose data/ is the small test dataset (CSV rows are checked against it)."""
    root = tmp_path_factory.mktemp("home")
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(MINIMAL, root / "data")
    return root


@pytest.fixture(scope="module")
def client(home: Path, make_store: Callable[..., Store]) -> Iterator[TestClient]:
    app = create_app(Settings(max_body_bytes=LIMIT), make_store("embedded"))
    with pytest.MonkeyPatch.context() as patch, TestClient(app) as test_client:
        patch.setenv("CYBERTREATY_HOME", str(home))
        yield test_client


def post(
    client: TestClient, body: str | bytes, content_type: str, accept: str = "application/json", **params: str
) -> httpx.Response:
    data = body.encode() if isinstance(body, str) else body
    response: httpx.Response = client.post(
        "/validate", content=data, params=params, headers={"Content-Type": content_type, "Accept": accept}
    )
    return response


MINIMAL_QUADS = assemble(MINIMAL, Iris(), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
RDF_TYPES = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
]


@pytest.mark.parametrize(("content_type", "fmt"), RDF_TYPES, ids=[t for t, _ in RDF_TYPES])
def test_each_rdf_format_is_validated(client: TestClient, content_type: str, fmt: ox.RdfFormat) -> None:
    quads = MINIMAL_QUADS if fmt.supports_datasets else [ox.Quad(*q.triple) for q in MINIMAL_QUADS]
    body = ox.serialize(sorted(set(quads), key=str), format=fmt) or b""
    response = post(client, body, f"{content_type}; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    summary = response.json()["summary"]
    assert summary["conforms"] is True
    assert summary["bySeverity"] == {"Violation": 0, "Warning": 2, "Info": 0}  # two States without a QID


def test_violations_are_reported_in_json(client: TestClient) -> None:
    report = post(client, NO_ACTOR, "text/turtle").json()
    assert report["summary"]["conforms"] is False
    assert {r["path"] for r in report["results"] if r["severity"] == "Violation"} >= {"ct:actor"}
    assert report["rows"] == []


def test_the_shacl_report_in_turtle_by_negotiation(client: TestClient) -> None:
    response = post(client, NO_ACTOR, "text/turtle", accept="text/turtle")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = list(ox.parse(response.content, ox.RdfFormat.TURTLE))
    conforms = [t.object.value for t in graph if t.predicate.value == "http://www.w3.org/ns/shacl#conforms"]
    assert conforms == ["false"]


def test_csv_rows_are_checked_against_the_current_data_and_nothing_is_stored(
    client: TestClient, home: Path
) -> None:
    before = snapshot(home / "data")
    report = post(client, f"{CONSENTS}\n{ROW}\n", "text/csv").json()
    assert report["summary"]["conforms"] is True and report["summary"]["rowProblems"] == 0
    assert report["rows"] == []
    assert snapshot(home / "data") == before


def test_a_bad_csv_row_is_reported_with_line_field_and_reason(client: TestClient) -> None:
    body = f"{CONSENTS}\n{ROW}\nratification,USA,uncc,2025-11-03,,,untc-xviii-16,,,\n"
    report = post(client, body, "text/csv").json()
    assert report["summary"] == {"conforms": False, "rowProblems": 1}
    assert report["rows"] == [
        {
            "file": "upload.csv",
            "line": 3,
            "item": "",
            "field": "type",
            "reason": "ratification of uncc by USA, but signatures.csv has no signature of it: add the "
            "signature with its source (first, or in the same import), or record an accession",
        }
    ]
    turtle = post(client, body, "text/csv", accept="text/turtle").text
    assert '"upload.csv:3"' in turtle and "sh:conforms false" in turtle


@pytest.mark.parametrize(
    ("body", "content_type", "params", "message"),
    [
        (
            b"\xef\xbb\xbf" + CONSENTS.encode(),
            "text/csv",
            {},
            "upload.csv:1: starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
        ),
        (
            f"{CONSENTS},extra\n".encode(),
            "text/csv",
            {},
            "upload.csv:1: header matches no file of data/; closest is consents.csv (unknown columns: "
            "extra): fix the header or give --kind",
        ),
        (
            f"{CONSENTS}\n".encode(),
            "text/csv",
            {"kind": "votes"},
            "upload.csv:1: header is wrong for votes.csv",
        ),
        (
            b"<a> <b> .",
            "text/turtle",
            {},
            "upload: Parser error at line 1 between columns 1 and 4: No scheme found in an absolute IRI",
        ),
        (
            b'{"@id": ',
            "application/ld+json",
            {},
            "upload: malformed JSON at line 1 column 9: Expecting value",
        ),
    ],
    ids=["csv-bom", "csv-columns", "csv-kind", "turtle", "json-ld"],
)
def test_unparseable_input_is_a_400_naming_the_problem(
    client: TestClient, body: bytes, content_type: str, params: dict[str, str], message: str
) -> None:
    response = post(client, body, content_type, **params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith(message)


@pytest.mark.parametrize("where", ["remote", "file"])
def test_a_json_ld_context_is_refused_and_never_fetched(
    client: TestClient, canary: Canary, tmp_path: Path, where: str
) -> None:
    context_file = tmp_path / "context.jsonld"
    context_file.write_text('{"@context": {}}')
    context = canary.url.replace("/sparql", "/ctx") if where == "remote" else context_file.as_uri()
    hits = len(canary.hits)
    response = post(
        client, json.dumps({"@context": context, "@id": "https://example.org/x"}), "application/ld+json"
    )
    assert response.status_code == 400
    assert response.text.startswith(f"upload: JSON-LD @context refers to the remote document {context!r}")
    assert len(canary.hits) == hits


def test_an_upload_over_the_limit_is_a_413(client: TestClient) -> None:
    response = post(client, b"#" * (LIMIT + 1), "text/turtle")
    assert response.status_code == 413
    assert response.text == f"The request body is larger than the limit of {LIMIT} bytes.\n"


def test_other_content_types_and_accepts_are_refused(client: TestClient) -> None:
    response = post(client, "x", "application/pdf")
    assert response.status_code == 415
    assert response.text.startswith("Send the data as one of: text/turtle, ")
    response = post(client, NO_ACTOR, "text/turtle", accept="text/html")
    assert response.status_code == 406
    assert response.text.startswith(
        "None of the requested media types can be produced for a validation report."
    )


CT = "https://w3id.org/cybertreaty/ontology#"


def unsourced_signatures(count: int) -> bytes:
    """Signatures with neither actor nor instrument nor source: every one is a violation, and
    each costs pySHACL time (3,000 take about 4 s)."""
    lines = []
    for n in range(count):
        subject = f"<https://example.org/signature/{n}>"
        lines.append(f"{subject} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CT}Signature> .")
        lines.append(f'{subject} <{CT}date> "2025-10-25"^^<http://www.w3.org/2001/XMLSchema#date> .')
    return "\n".join(lines).encode()


SLOW = unsourced_signatures(6000)  # about 9 s of pySHACL (1.5 MB): twice the 4 s limit


@pytest.fixture(scope="module")
def strict(home: Path, make_store: Callable[..., Store]) -> Iterator[TestClient]:
    """One validation at a time, each stopped after 4 s: a small upload needs about 0.3 s in its
    process, more than 1 s when the whole suite loads the machine."""
    settings = Settings(max_body_bytes=LIMIT, validation_timeout=4.0, max_concurrent_validations=1)
    app = create_app(settings, make_store("embedded"))
    with pytest.MonkeyPatch.context() as patch, TestClient(app) as test_client:
        patch.setenv("CYBERTREATY_HOME", str(home))
        yield test_client


def test_a_slow_validation_is_stopped_at_its_time_limit(strict: TestClient) -> None:
    started = time.monotonic()
    response = post(strict, SLOW, "application/n-triples")
    assert response.status_code == 503, response.text[:300]
    assert "stopped after the time limit of 4 s" in response.text
    assert time.monotonic() - started < 10  # the time limit, plus starting the process
    assert post(strict, unsourced_signatures(2), "application/n-triples").status_code == 200


def test_validations_at_once_are_capped(strict: TestClient) -> None:
    """While one upload is being checked, another gets 503 at once, with Retry-After."""
    slow: dict[str, httpx.Response] = {}
    thread = threading.Thread(target=lambda: slow.update(r=post(strict, SLOW, "application/n-triples")))
    thread.start()
    time.sleep(0.3)
    try:
        second = post(strict, unsourced_signatures(2), "application/n-triples")
        assert second.status_code == 503 and "Too many validations" in second.text
        assert second.headers["retry-after"] == "1"
    finally:
        thread.join(30)
    assert slow["r"].status_code == 503  # the slow one passed its time limit
    assert post(strict, unsourced_signatures(2), "application/n-triples").status_code == 200
