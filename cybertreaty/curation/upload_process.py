"""Validating an upload in a child process that is killed at its time limit.

pySHACL cannot be interrupted, and its cost has no bound but the body limit: 5,000 signatures
that each lack their actor took 297 s on the build machine (7.4 s since validate.py stopped
pySHACL from counting the data graph for every result), and a 10 MB body holds far more. POST
/validate is open to anyone, so each upload is checked in a process of its own
(graph/processes.py) that is killed when it passes ``validation_timeout``; the server's threads
are never held by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from cybertreaty.curation.errors import InputRejected, InputTooLarge
from cybertreaty.curation.upload import validate_upload
from cybertreaty.errors import EngineStopped, ValidationTimeout
from cybertreaty.graph import processes
from cybertreaty.graph.iris import Iris


@dataclass(frozen=True)
class UploadJob:
    """One upload to check, with everything the child needs; it crosses to it by pickle."""

    data: bytes
    fmt: str  # an input format of upload.UPLOAD_FORMATS
    report: str  # "json" or "turtle": the report's text the child sends back
    data_dir: str  # CSV rows are checked against this data/
    kind: str | None
    base_iri: str
    limit: int  # bytes


def check_child(conn: Connection) -> None:
    """The child process: check one upload, send back its report or why it could not be read."""
    job: UploadJob = conn.recv()
    try:
        outcome = validate_upload(
            job.data,
            job.fmt,
            data_dir=Path(job.data_dir),
            kind=job.kind,
            iris=Iris(job.base_iri),
            limit=job.limit,
        )
    except InputTooLarge as exc:
        conn.send(("too-large", exc.problem))
        return
    except InputRejected as exc:
        conn.send(("rejected", exc.problem))
        return
    conn.send(("ok", outcome.as_turtle() if job.report == "turtle" else outcome.as_json()))


def validate_in_process(job: UploadJob, timeout: float) -> str:
    """The report's text. Raises InputTooLarge or InputRejected as validate_upload does,
    ValidationTimeout past ``timeout`` seconds, EngineStopped if the child dies."""
    reply = processes.run_once(f"{__name__}:check_child", job, timeout)
    if reply is None:
        raise ValidationTimeout(
            f"The validation was stopped after the time limit of {timeout:g} s; nothing was stored. "
            "Uploads with many violations take longest: check a part of the data, or run "
            "`cybertreaty validate` on your own machine."
        )
    status, detail = reply
    if status == "too-large":
        raise InputTooLarge(detail)
    if status == "rejected":
        raise InputRejected(detail)
    if status != "ok":
        raise EngineStopped("The validation process stopped before the end; retry with a smaller upload.")
    text: str = detail
    return text
