"""The package's SPARQL, kept as `.rq` files in ``queries/`` and loaded by name.

Each file starts with a header::

    #+ summary: Signatures as Wikidata "signatory" (P1891) statements ...
    #+ description: One statement per ct:Signature node ...

Both keys are required and no other key is allowed. A file with a bad header, or whose query does
not parse, raises ``QueryFileError`` naming the file: a broken query must fail loudly, at first use
and in the tests, never run half-described.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pyoxigraph

from cybertreaty.rq_header import HeaderError, split_header

HEADER_KEYS = ("summary", "description")

# The CONSTRUCTs that turn our data into Wikidata's statement shape, one per mapping.
MAPPINGS = ("signatory", "ratified-by", "member-of", "iso-codes", "instance-of")


class QueryFileError(ValueError):
    """A query file that cannot be used; the message names the file and what to fix."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    description: str
    sparql: str


def names() -> tuple[str, ...]:
    """Every query in the package, by name (the file stem), sorted."""
    folder = files("cybertreaty.graph.wikidata").joinpath("queries")
    return tuple(sorted(e.name.removesuffix(".rq") for e in folder.iterdir() if e.name.endswith(".rq")))


@cache
def load(name: str) -> NamedQuery:
    """The query in ``queries/<name>.rq``, parsed and checked once per process."""
    resource = files("cybertreaty.graph.wikidata").joinpath("queries").joinpath(f"{name}.rq")
    if not resource.is_file():
        raise QueryFileError(f"{name}.rq: no such query (known: {', '.join(names())})")
    return parse(name, resource.read_text(encoding="utf-8"))


def parse(name: str, text: str) -> NamedQuery:
    header, body = _split(name, text)
    for key in HEADER_KEYS:
        if key not in header:
            raise QueryFileError(f"{name}.rq: missing header line '#+ {key}: ...'")
    try:
        # None of these queries calls SERVICE, so evaluating on an empty store only parses.
        pyoxigraph.Store().query(body)
    except SyntaxError as error:
        raise QueryFileError(f"{name}.rq: the query does not parse: {error}") from None
    return NamedQuery(name, header["summary"], header["description"], body)


def _split(name: str, text: str) -> tuple[dict[str, str], str]:
    try:
        return split_header(text, lambda key: key in HEADER_KEYS, ", ".join(HEADER_KEYS))
    except HeaderError as error:
        raise QueryFileError(f"{name}.rq: {error}") from None
