"""What curation reports when it refuses something: every problem names where it is and why.

An import is all or nothing, so a refusal carries *every* problem found, not just the first; a
curator fixes the input from these messages alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Origin:
    """Where a candidate row comes from: a file and line (CSV, JSON) or a node (RDF, line 0)."""

    file: str
    line: int = 0
    item: str = ""  # the RDF node a row was read from, e.g. "<https://…/action/x>"

    def problem(self, field: str, reason: str) -> Problem:
        return Problem(self.file, self.line, field, reason, self.item)

    def __str__(self) -> str:
        return self.file + (f":{self.line}" if self.line else "") + (f" {self.item}" if self.item else "")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse: ``file:line: field: reason`` (field empty for whole-file problems)."""

    file: str
    line: int
    field: str
    reason: str
    item: str = ""

    def __str__(self) -> str:
        where = Origin(self.file, self.line, self.item)
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "item": self.item,
            "field": self.field,
            "reason": self.reason,
        }


class CurationError(Exception):
    """Curation could not do what was asked; nothing was written. ``str()`` is for the user."""


class InputRejected(CurationError):
    """The input cannot be read at all (too large, not UTF-8, malformed CSV, JSON or RDF)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class InputTooLarge(InputRejected):
    """The input is over the size limit; it was refused before being read."""


class ImportRejected(CurationError):
    """Some rows failed their checks (or the resulting graph would not conform): nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}; nothing was written:\n{lines}")
