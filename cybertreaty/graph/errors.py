"""Errors the graph layer raises about data: each names where the problem is and what to fix."""

from __future__ import annotations


class DataError(Exception):
    """Data could not be turned into a graph; nothing was written."""


class RowError(DataError):
    """A bad value in a curated file, located by file, line and field."""

    def __init__(self, path: str, line: int, field: str, reason: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class BuildError(DataError):
    """The build could not finish (e.g. the output folder cannot be written)."""
