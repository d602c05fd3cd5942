"""Property-based fuzzing of every operation of the OpenAPI document, as the running server serves it
(real uvicorn on loopback, the real graph built from data/).

Schemathesis sends the documented examples, boundary values of every parameter (its "coverage"
phase, valid and invalid), random requests and sequences of them (stateful phase). Every response
must be no 5xx, carry a documented status code and media type, and match the documented schema
(body and headers); a request the schema forbids must be refused.

It runs as its own command line (``schemathesis run``), the interface schemathesis keeps stable
(its pytest plugin does not work with pytest 9), with a fixed seed and a bounded number of cases:
MAX_EXAMPLES random ones per operation plus the deterministic coverage cases, about 2,000 in all.
The routes the document leaves out get a seeded random fuzz of their own (1,500 requests).
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.security.conftest import real_settings, serving

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
MAX_EXAMPLES = 15
SEED = 20261123
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
)
# Entity ids are free text in the schema but random strings name nothing (a documented 404/422),
# and schemathesis's filters for path parameters discard many candidates: not failures.
HEALTH_CHECKS_OFF = "filter_too_much,too_slow"


@pytest.fixture(scope="module")
def api_base(real_build: Path) -> Iterator[str]:
    # The default limits of `cybertreaty serve`, with two workers for a 2-core machine.
    with serving(real_settings(real_build, workers=2)) as base:
        yield base


def test_openapi_document_fuzzed(api_base: str, tmp_path: Path) -> None:
    report = tmp_path / "schemathesis.json"
    command = [
        SCHEMATHESIS,
        "run",
        f"{api_base}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--suppress-health-check",
        HEALTH_CHECKS_OFF,
        # Repeatable runs: no randomness between runs and no examples remembered from earlier ones.
        "--generation-deterministic",
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    # No project configuration file is picked up from the working directory: only these options.
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert report.is_file(), run.stdout + run.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    if result["errors"] and not result["failures"]:
        # An error of the tool itself (seen once in ~20 runs: "tuple index out of range" inside
        # Hypothesis's target optimisation), not an answer of ours: run once more. A failed check
        # is never retried.
        print(f"\nschemathesis erred without a failure, retrying once: {result['errors']}")
        run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        result = json.loads(report.read_text(encoding="utf-8"))
    output = run.stdout[-6000:]
    assert result["complete"] and result["stop_reason"] == "completed", output
    assert result["failures"] == [] and result["errors"] == [], output
    assert result["exit_code"] == 0 and run.returncode == 0, output
    operations = result["operations"]
    assert operations["tested"] == operations["total"] >= 25, operations
    assert all(phase["status"] == "success" for phase in result["phases"].values()), result["phases"]
    cases = result["test_cases"]
    assert cases["generated"] >= 20 * operations["total"], cases
    print(f"\nschemathesis: {cases['generated']} cases over {operations['total']} operations, no failure")


# Routes the OpenAPI document leaves out (the SPARQL protocol, the Graph Store Protocol, linked data,
# files and pages): each gets random text, percent-encoded, where a client may put any.
OUTSIDE_OPENAPI = (
    "/id/{}",
    "/id/state/{}",
    "/id/state/VNM?format={}",
    "/graph/{}",
    "/graph/source/{}",
    "/store?graph={}",
    "/sparql?query={}",
    "/sparql?query=ASK%7B%7D&default-graph-uri={}",
    "/sparql?query=ASK%7B%7D&named-graph-uri={}",
    "/sparql?query=ASK%7B%7D&format={}",
    "/ontology/{}",
    "/ontology?format={}",
    "/dump/{}",
    "/void?format={}",
    "/explorer/{}",
    "/static/vendor/{}",
    "/static/site/{}",
    "/{}",
)
ALPHABET = string.printable + '\\\x00\x01\x7f\u00e9\u2028\U0001f600<>"{}|^`%#?/'
ACCEPTS = ("*/*", "text/html", "text/turtle", "application/ld+json;q=0.5, text/csv;q=x", "x/y", "")


def test_routes_outside_the_openapi_document(api_base: str) -> None:
    """Random text in every path segment and parameter of the other routes: never a 5xx. (This
    found two 500s: control characters in default-graph-uri or ?graph=, and a backslash in /graph/.)"""
    rng = random.Random(SEED)
    failures: dict[str, str] = {}
    with httpx.Client(base_url=api_base, timeout=30) as client:
        for _ in range(1500):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
            path = rng.choice(OUTSIDE_OPENAPI).format(quote(text.encode(), safe=""))
            response = client.get(path, headers={"Accept": rng.choice(ACCEPTS)})
            if response.status_code >= 500:
                failures.setdefault(path.split("?")[0].split("/")[1], f"{path}: {response.status_code}")
    assert failures == {}
