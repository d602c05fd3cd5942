"""New sources given inside an import: a row may cite a document sources.csv does not have yet.

The row carries its URL in ``source_url`` (plus ``source_title``, ``source_kind`` and optionally
``source_publisher``, ``source_published``, ``source_retrieved``). If a source with that URL
exists, the row cites it; otherwise one sources.csv row is added per URL, with the id the row
names in ``sources`` (the one id not in sources.csv) or, when it names none, an id made from the URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cybertreaty.curation.current import Current
from cybertreaty.curation.errors import Problem
from cybertreaty.curation.inputs import SOURCE_COLUMNS, Candidate

# sources.csv column -> the import column it comes from, so reader errors name the input's column.
_FROM = {
    "id": "sources",
    "title": "source_title",
    "publisher": "source_publisher",
    "url": "source_url",
    "published": "source_published",
    "retrieved": "source_retrieved",
    "kind": "source_kind",
}


class NewSources:
    """Collects the sources an import adds, one per URL, as candidate rows of sources.csv."""

    def __init__(self, current: Current) -> None:
        self._kind = current.kinds["sources"]
        self._by_url = {
            row.get("url"): row.get("id") for row in current.rows["sources.csv"] if row.get("url")
        }
        self._ids = set(current.registry.sources)
        self._added: dict[str, Candidate] = {}

    def candidates(self) -> list[Candidate]:
        return list(self._added.values())

    def take(self, row: Candidate) -> list[Problem]:
        """Move the row's source_* columns into a citation (and maybe a new source row)."""
        given = {c: row.values.pop(c, "").strip() for c in SOURCE_COLUMNS}
        if not any(given.values()):
            return []
        if not row.kind.cites_sources:
            return [row.problem("source_url", f"{row.kind.filename} rows cite no sources; remove source_*")]
        url = given["source_url"]
        if not url:
            return [
                row.problem("source_url", "is empty; the source_* columns add a source, which needs its URL")
            ]
        ids = row.values.get("sources", "").split()
        known = self._by_url.get(url)
        if known is not None:
            _cite(row, ids, known)
            return []
        if url in self._added:
            return self._cite_added(row, ids, given)
        unknown = [i for i in ids if i not in self._ids]
        if len(unknown) > 1:
            reason = (
                f"{', '.join(map(repr, unknown))} are not ids in sources.csv; source_url adds only one source"
            )
            return [row.problem("sources", reason)]
        new_id = (
            unknown[0] if unknown else _new_id(url, self._ids | {c.values["id"] for c in self.candidates()})
        )
        _cite(row, ids, new_id)
        values = {column: "" for column in self._kind.columns}
        values.update({column: given[source] for column, source in _FROM.items() if source in given})
        values["id"] = new_id
        self._added[url] = Candidate(self._kind, row.origin, values, renamed=dict(_FROM))
        return []

    def _cite_added(self, row: Candidate, ids: list[str], given: dict[str, str]) -> list[Problem]:
        """A second row citing a source the import adds: it must describe it the same way."""
        source = self._added[given["source_url"]]
        for column, field in _FROM.items():
            value = given.get(field, "")
            if field != "source_url" and value and value != source.values[column]:
                reason = (
                    f"{value!r} differs from {source.values[column]!r} given for this URL at {source.origin}"
                )
                return [row.problem(field, reason)]
        _cite(row, ids, source.values["id"])
        return []


def _cite(row: Candidate, ids: list[str], source_id: str) -> None:
    if source_id not in ids:
        ids = [*ids, source_id]
    row.values["sources"] = " ".join(ids)


def _new_id(url: str, taken: set[str]) -> str:
    """A readable id from the URL: host and last path segment (``un-org-cn-123-2026``)."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    last = next((s for s in reversed(parts.path.split("/")) if s), "")
    last = last.rsplit(".", 1)[0] if "." in last else last
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host} {last}".lower()).strip("-")[:60].strip("-") or "source"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
