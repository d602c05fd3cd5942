"""Importing JSON rows and RDF (signatures and consents mapped back to rows), and what is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cybertreaty.curation.errors import ImportRejected, InputRejected
from cybertreaty.curation.importer import import_file
from cybertreaty.graph.build import assemble
from cybertreaty.graph.iris import Iris
from tests.curation.conftest import CONSENTS, TEST_SOURCE, TODAY, snapshot, write
from tests.service.servers import Canary

ID = "https://w3id.org/cybertreaty/id/"
PREFIXES = f"""
@prefix ct: <https://w3id.org/cybertreaty/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
@prefix id: <{ID}> .
"""


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


def test_json_rows_are_imported_like_csv_rows(minimal: Path, tmp_path: Path) -> None:
    rows = [
        {
            "type": "ratification",
            "actor": "Viet Nam",
            "instrument": "uncc",
            "date": "2026-03-01",
            "sources": ["untc-xviii-16"],
            "reservations": False,
        }
    ]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    plan = import_file(str(source), minimal, kind="consents", today=TODAY)
    assert [(str(p), p.addition.record) for p in plan.rows] == [
        (
            "consents.csv:2",
            ["ratification", "VNM", "uncc", "2026-03-01", "", "false", "untc-xviii-16", "", "", ""],
        )
    ]
    assert (minimal / "consents.csv").read_text().splitlines()[-1] == (
        "ratification,VNM,uncc,2026-03-01,,false,untc-xviii-16,,,"
    )


def test_json_problems_name_the_line_of_each_object(minimal: Path, tmp_path: Path) -> None:
    rows = [
        {
            "type": "ratification",
            "actor": "VNM",
            "instrument": "uncc",
            "date": "2026-03-01",
            "sources": "untc-xviii-16",
        },
        {
            "type": "ratification",
            "actor": "Atlantis",
            "instrument": "uncc",
            "date": "2026-03-01",
            "sources": "x",
        },
    ]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(str(source), minimal, kind="consents", today=TODAY)
    assert [(p.line, p.field) for p in caught.value.problems] == [(9, "actor")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"type": "ratification",\n  "actor": }]', "{f}:2: is not valid JSON: Expecting value (column 12)"),
        ('{"type": "ratification"}', "{f}: has no rows to import"),
        ("[1, 2]", "{f}:1: is not a JSON object; each row is an object"),
        (
            '[{"type": "ratification", "sources": {"id": "x"}}]',
            '{f}:1: sources: {{"id": "x"}} is not text, a number, true/false or a list of ids',
        ),
        (
            '[{"type": "ratification", "stance": "x"}]',
            "{f}:1: keys are wrong for consents.csv (unknown columns: stance); expected " + CONSENTS,
        ),
    ],
    ids=["malformed", "object-is-json-ld", "not-objects", "nested-value", "unknown-key"],
)
def test_malformed_json_rows_are_refused(minimal: Path, tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    with pytest.raises((InputRejected, ImportRejected)) as caught:
        import_file(str(source), minimal, kind="consents", today=TODAY)
    assert str(caught.value).splitlines()[-1].strip() == message.format(f=source)


SIGNED_AND_RATIFIED = (
    PREFIXES
    + """
<https://example.org/any/signature> a ct:Signature ;
    ct:actor id:state\\/PSE ; ct:instrument id:treaty\\/uncc ; ct:date "2025-10-26"^^xsd:date ;
    ct:place id:place\\/hanoi ; ct:source id:source\\/untc-xviii-16 ; ct:quote "signed in Hanoi" .
[] a ct:Ratification ;
    ct:actor <http://www.wikidata.org/entity/Q881> ; ct:instrument id:treaty\\/uncc ;
    ct:approximateDate "2026-03"^^xsd:gYearMonth ; ct:source <https://example.org/test-only/notice> .
<https://example.org/test-only/notice> a ct:SourceDocument ; dcterms:title "TEST ONLY notice" ;
    schema:url <https://example.org/test-only/notice> ; ct:sourceKind ct:OfficialRecord .
"""
)


def test_turtle_signatures_and_consents_become_rows(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.ttl", SIGNED_AND_RATIFIED)
    plan = import_file(str(source), minimal, today=TODAY)
    assert sorted((str(p), ",".join(p.addition.record)) for p in plan.rows) == [
        ("consents.csv:2", "ratification,VNM,uncc,2026-03,,,example-org-notice,,,"),
        ("signatures.csv:6", "PSE,uncc,2025-10-26,hanoi,,,,untc-xviii-16,signed in Hanoi,,"),
        (
            "sources.csv:6",
            "example-org-notice,TEST ONLY notice,,https://example.org/test-only/notice,,,official,,",
        ),
    ]


def test_an_action_node_of_a_build_imports_back_to_the_same_row(minimal: Path, tmp_path: Path) -> None:
    """CSV -> graph -> RDF -> CSV: the RDF the build writes for a row imports as that row."""
    first = tmp_path / "first"
    first.mkdir()
    row = "accession,USA,uncc,2026-02-14,2026-05-15,true,untc-xviii-16,deposited,derived,a note"
    import_file(str(write(tmp_path / "in.csv", CONSENTS, row)), minimal, today=TODAY, dry_run=True)
    quads = assemble_with_row(minimal, tmp_path, row)
    node = f"{ID}action/accession-USA-uncc-2026-02-14"
    dump = tmp_path / "node.nq"
    dump.write_bytes(
        ox.serialize([q for q in quads if str(q.subject) == f"<{node}>"], format=ox.RdfFormat.N_QUADS) or b""
    )
    plan = import_file(str(dump), minimal, today=TODAY, dry_run=True)
    assert [",".join(p.addition.record) for p in plan.rows] == [row]


def assemble_with_row(minimal: Path, tmp_path: Path, row: str) -> list[ox.Quad]:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(minimal, copy)
    with (copy / "consents.csv").open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    return assemble(copy, Iris(), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_rdf_that_is_not_a_signature_or_consent_is_reported_not_dropped(
    minimal: Path, tmp_path: Path
) -> None:
    text = (
        PREFIXES
        + """
    <https://example.org/v> a ct:Vote ; ct:actor id:state\\/VNM .
    <https://example.org/s> a ct:Signature ; ct:actor id:state\\/PSE ; ct:instrument id:treaty\\/uncc ;
        ct:date "2025-10-26"^^xsd:date ; ct:source id:source\\/untc-xviii-16 ; ct:stance ct:Supports .
    """
    )
    source = write(tmp_path / "in.ttl", text)
    before = snapshot(minimal)
    with pytest.raises(ImportRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert [str(p) for p in caught.value.problems] == [
        f"{source} <https://example.org/s>: ct:stance: is not a property the importer reads",
        f"{source} <https://example.org/v>: rdf:type: is ct:Vote; only ct:Signature and consents to be bound "
        "(ct:Ratification, ct:Accession, …) are imported from RDF, with the ct:SourceDocument they cite",
    ]
    assert snapshot(minimal) == before


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "in.ttl",
            "<a> <b> .",
            "Parser error at line 1 between columns 1 and 4: No scheme found in an absolute IRI",
        ),
        ("in.nt", "<http://a> <http://b> .", "Parser error at line 1"),
        (
            "in.jsonld",
            '{"@id": "http://a", ',
            "malformed JSON at line 2 column 1: Expecting property name enclosed in double quotes",
        ),
        ("in.trig", "GRAPH <http://g> { <http://a> <http://b> <http://c> ", "Parser error"),
    ],
    ids=["turtle", "n-triples", "json-ld", "trig"],
)
def test_malformed_rdf_is_refused_with_the_parser_message(
    minimal: Path, tmp_path: Path, name: str, text: str, message: str
) -> None:
    source = write(tmp_path / name, text)
    with pytest.raises(InputRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert str(caught.value).startswith(f"{source}: {message}")


@pytest.mark.parametrize("where", ["remote", "file", "nested-import"])
def test_a_json_ld_context_is_never_fetched(
    minimal: Path, tmp_path: Path, canary: Canary, where: str
) -> None:
    secret = write(
        tmp_path / "context.jsonld", '{"@context": {"ct": "https://w3id.org/cybertreaty/ontology#"}}'
    )
    contexts = {
        "remote": canary.url.replace("/sparql", "/context.jsonld"),
        "file": secret.as_uri(),
        "nested-import": {"@import": canary.url.replace("/sparql", "/imported.jsonld")},
    }
    document = {"@context": contexts[where], "@id": "https://example.org/s", "@type": "ct:Signature"}
    source = tmp_path / "in.jsonld"
    source.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert "JSON-LD @context refers to the remote document" in str(caught.value)
    assert "contexts are never fetched, so inline the context as a JSON object" in str(caught.value)
    assert canary.hits == []


def test_a_dry_run_reports_the_rows_and_the_graph_change_and_writes_nothing(
    minimal: Path, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "in.csv",
        f"{CONSENTS},source_url,source_title,source_kind",
        f"ratification,VNM,uncc,2026-03-01,,,,,,,{TEST_SOURCE}",
    )
    before = snapshot(minimal)
    plan = import_file(str(source), minimal, today=TODAY, dry_run=True)
    assert [str(p) for p in plan.rows] == ["sources.csv:6", "consents.csv:2"]
    assert plan.diff.summary() == "15 facts added, 0 removed, 0 changed on 3 entities."
    assert snapshot(minimal) == before


def test_a_consent_typed_also_with_the_general_class_keeps_the_specific_type(
    minimal: Path, tmp_path: Path
) -> None:
    text = (
        PREFIXES
        + """
    [] a ct:Ratification, ct:ConsentToBeBound ; ct:actor id:state\\/VNM ; ct:instrument id:treaty\\/uncc ;
        ct:date "2025-11-03"^^xsd:date ; ct:source id:source\\/untc-xviii-16 .
    [] a ct:Ratification, ct:Accession ; ct:actor id:state\\/USA ; ct:instrument id:treaty\\/uncc ;
        ct:source id:source\\/untc-xviii-16 .
    """
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(str(write(tmp_path / "in.ttl", text)), minimal, today=TODAY)
    (problem,) = caught.value.problems
    assert (problem.field, problem.reason) == (
        "rdf:type",
        "is ct:Accession, ct:Ratification; a consent has one type",
    )
    plan = import_file(
        str(write(tmp_path / "in.ttl", text.split("[] a ct:Ratification, ct:Accession")[0])),
        minimal,
        today=TODAY,
        dry_run=True,
    )
    assert [",".join(p.addition.record) for p in plan.rows] == [
        "ratification,VNM,uncc,2025-11-03,,,untc-xviii-16,,,"
    ]
