"""Validating an upload without storing it: RDF against the shapes, or CSV rows against data/.

RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD) is validated as a graph on its own, like
``cybertreaty validate -``. CSV rows (one data/ file's columns) get every import check against the
current data, then the SHACL report of data/ with them added, exactly what ``cybertreaty import
--dry-run`` would decide. Nothing is written anywhere but a temporary folder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import RDF, SH

from cybertreaty.curation.errors import ImportRejected, InputRejected, InputTooLarge, Origin, Problem
from cybertreaty.curation.importer import check_upload
from cybertreaty.curation.inputs import MAX_INPUT_BYTES
from cybertreaty.graph import validate
from cybertreaty.graph.iris import Iris
from cybertreaty.graph.report import ValidationReport

UPLOAD = "upload"

# Media type -> input format.
UPLOAD_FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "text/csv": "csv",
}


@dataclass(frozen=True)
class UploadReport:
    """The SHACL report of the upload (None when rows failed before a graph could be made), and
    the row problems of a CSV upload."""

    report: ValidationReport | None
    problems: tuple[Problem, ...] = ()
    rows: int = 0  # CSV rows that passed every check

    @property
    def conforms(self) -> bool:
        return not self.problems and self.report is not None and self.report.conforms

    def as_json(self) -> str:
        """``{"summary", "results", "rows"}``: the SHACL report's JSON plus the row problems."""
        empty: dict[str, Any] = {"summary": {}, "results": []}
        document = json.loads(self.report.as_json()) if self.report is not None else empty
        document["summary"]["conforms"] = self.conforms
        document["summary"]["rowProblems"] = len(self.problems)
        document["rows"] = [p.to_dict() for p in self.problems]
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def as_turtle(self) -> str:
        """The SHACL validation report; row problems become results whose focus is ``file:line``."""
        if self.report is not None and not self.problems:
            return self.report.as_turtle()
        return _problems_report(self.problems)


def validate_upload(
    data: bytes,
    fmt: str,
    *,
    data_dir: Path,
    kind: str | None = None,
    iris: Iris | None = None,
    limit: int = MAX_INPUT_BYTES,
) -> UploadReport:
    """Raises InputTooLarge, or InputRejected when the upload cannot be parsed (naming why)."""
    if len(data) > limit:
        raise InputTooLarge(Problem(UPLOAD, 0, "", f"is larger than the limit of {limit} bytes"))
    if fmt != "csv":
        return UploadReport(_validate_rdf(data, fmt))
    try:
        plan = check_upload(f"{UPLOAD}.csv", data, "csv", data_dir, kind=kind, iris=iris)
    except ImportRejected as rejected:
        return UploadReport(None, rejected.problems)
    return UploadReport(plan.report, tuple(plan.violations(data_dir)), len(plan.rows))


def _validate_rdf(data: bytes, fmt: str) -> ValidationReport:
    try:
        store = validate.load_dataset([validate.STDIN], rdf_format=fmt, stdin=io.BytesIO(data))
    except validate.InputError as exc:
        raise InputRejected(Problem(UPLOAD, 0, "", exc.message)) from None
    return validate.validate(store)


def _problems_report(problems: Sequence[Problem]) -> str:
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(False)))
    for problem in problems:
        result = rdflib.BNode()
        location = str(Origin(problem.file, problem.line, problem.item))
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.focusNode, rdflib.Literal(location)))
        message = f"{problem.field}: {problem.reason}" if problem.field else problem.reason
        graph.add((result, SH.resultMessage, rdflib.Literal(message, lang="en")))
    return graph.serialize(format="turtle")
