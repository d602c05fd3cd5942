"""The query editor page and its static files, without a browser (tests/service/test_editor_browser.py
drives the real thing in Chromium)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from cybertreaty.graph.vocab import PREFIXES
from cybertreaty.service import editor
from cybertreaty.service.examples import ExampleQuery, packaged_examples

HTML = {"Accept": "text/html"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The editor's router alone, with /sparql answering browsers as the SPARQL route does."""
    app = FastAPI()
    app.include_router(editor.router)

    @app.get("/sparql")
    def sparql(request: Request) -> Response:
        return editor.render_editor(request)

    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def page_config(html: str) -> dict[str, object]:
    match = re.search(r'<script id="ct-editor-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its configuration as JSON"
    config: dict[str, object] = json.loads(match.group(1))
    return config


def test_page_presets_our_endpoint_prefixes_and_examples(client: TestClient) -> None:
    response = client.get("/sparql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    config = page_config(response.text)
    assert config["endpoint"] == "http://testserver/sparql"
    assert config["prefixes"] == PREFIXES
    examples = config["examples"]
    assert isinstance(examples, dict)
    assert set(examples) == {e.name for e in packaged_examples()}
    for e in packaged_examples():
        assert examples[e.name] == {"title": e.summary, "query": e.sparql, "federated": e.federated}
        assert f'data-example="{e.name}"' in response.text
    assert "needs SERVICE allowlist" in response.text
    starter = config["starterQuery"]
    assert isinstance(starter, str)
    assert all(f"PREFIX {p}: <{iri}>" in starter for p, iri in PREFIXES.items())


def test_page_loads_nothing_from_another_origin(client: TestClient) -> None:
    response = client.get("/sparql?ignored=1", headers=HTML)
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources, "the page loads its scripts and styles"
    assert all(s.startswith("/static/") or s == "data:," for s in sources), sources
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert page_config(response.text)["endpoint"] == "http://testserver/sparql", "query string dropped"


def test_page_escapes_example_text(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = ExampleQuery(
        name="x",
        summary="<b>bold</b>",
        description="</script><script>alert(1)</script>",
        tags=(),
        sparql="SELECT * WHERE { ?s ?p '</script>' }\n",
    )
    monkeypatch.setattr(editor, "packaged_examples", lambda: (hostile,))
    html = client.get("/sparql", headers=HTML).text
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert page_config(html)["examples"] == {
        "x": {"title": "<b>bold</b>", "query": hostile.sparql, "federated": False}
    }


def test_yasgui_files_are_served_from_node_modules(client: TestClient) -> None:
    version = editor.yasgui_version()
    if version is None:
        pytest.skip("YASGUI is not installed: run `make install`")
    script = client.get(f"/static/yasgui/yasgui.min.js?v={version}")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "Yasgui" in script.text
    style = client.get("/static/yasgui/yasgui.min.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert f"yasgui.min.js?v={version}" in client.get("/sparql", headers=HTML).text


def test_pinned_yasgui_version_is_the_installed_one() -> None:
    root = Path(__file__).resolve().parents[2]
    pinned = json.loads((root / "package.json").read_text())["dependencies"]["@zazuko/yasgui"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "package.json pins an exact version"
    locked = json.loads((root / "package-lock.json").read_text())["packages"]
    assert locked["node_modules/@zazuko/yasgui"]["version"] == pinned
    hosts = {
        re.sub(r"^(https?://[^/]+)/.*", r"\1", p["resolved"]) for p in locked.values() if "resolved" in p
    }
    assert hosts <= {"https://registry.npmjs.org"}, "the lockfile points only at the npm registry"
    if editor.yasgui_version() is not None:
        assert editor.yasgui_version() == pinned


def test_our_page_script_and_style_are_served(client: TestClient) -> None:
    script = client.get("/static/editor/editor.js")
    assert script.status_code == 200 and "new Yasgui(" in script.text
    assert client.get("/static/editor/editor.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    "path",
    [
        "/static/yasgui/package.json",
        "/static/yasgui/..%2Fpackage.json",
        "/static/yasgui/yasgui.esm.js",
        "/static/editor/..%2F..%2Feditor.py",
        "/static/editor/editor.html",
    ],
)
def test_only_listed_files_are_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_missing_yasgui_says_how_to_install_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(editor.YASGUI_DIR_ENV, str(tmp_path / "nowhere"))
    response = client.get("/static/yasgui/yasgui.min.js")
    assert response.status_code == 404 and "make install" in response.text
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200 and "yasgui.min.js?v=missing" in page.text
    assert 'id="ct-editor-missing"' in page.text
