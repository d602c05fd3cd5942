"""The query editor's example queries: `.rq` files with a `#+ key: value` header, loaded strictly.

Each file in ``queries/examples/`` starts with header lines such as::

    #+ summary: Who signed the UN Convention against Cybercrime, when and where
    #+ description: Every signatory with the date and place of its signature.
    #+ tags: uncc, signatures

`summary` and `description` are required, `tags` is optional, any other key is an error. A file
with a missing or unknown header, or a query that does not parse, stops the loader with an
`ExampleError` naming the file: a broken example must fail at startup and in the tests, never be
served half-described (grlc's warn-and-continue is what this avoids).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import pyoxigraph
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery

from cybertreaty.rq_header import HeaderError, split_header

REQUIRED_KEYS = ("summary", "description")
OPTIONAL_KEYS = ("tags",)
# Tag of a query that calls SERVICE: the server runs it only when the remote endpoint is allowlisted.
FEDERATED_TAG = "federated"


class ExampleError(ValueError):
    """An example query file that cannot be served: names the file and says what to fix."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class ExampleQuery:
    """One example: its file stem, its header and the SPARQL text (header lines removed)."""

    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    sparql: str

    @property
    def federated(self) -> bool:
        return FEDERATED_TAG in self.tags


def examples_dir() -> Traversable:
    """The folder of example queries shipped inside the package."""
    return files("cybertreaty.service").joinpath("queries", "examples")


def parse_example(name: str, text: str) -> ExampleQuery:
    """Parse one example file's text; raises ExampleError with the reason."""
    header, body = _split_header(name, text)
    for key in REQUIRED_KEYS:
        if key not in header:
            raise ExampleError(name, f"missing header line '#+ {key}: ...'")
    tags = tuple(tag.strip() for tag in header.get("tags", "").split(",") if tag.strip())
    example = ExampleQuery(name, header["summary"], header["description"], tags, body)
    check_query(example)
    return example


def _split_header(name: str, text: str) -> tuple[dict[str, str], str]:
    keys = REQUIRED_KEYS + OPTIONAL_KEYS
    try:
        return split_header(text, lambda key: key in keys, ", ".join(keys))
    except HeaderError as error:
        raise ExampleError(name, str(error)) from None


def check_query(example: ExampleQuery) -> None:
    """Check that the query parses, and that the `federated` tag is set exactly when it uses SERVICE.

    pyoxigraph has no parse-only call, and a query it is given is evaluated at once, SERVICE calls
    included (seen with pyoxigraph 0.5.13: a loopback canary was contacted before any solution
    was read). So a query without SERVICE is parsed by pyoxigraph against an empty store, where
    evaluating it costs nothing, while a federated one is parsed by rdflib's parser alone, which
    never evaluates: checking an example must not send a request to Wikidata.
    """
    uses_service = _uses_service(example)
    if uses_service and not example.federated:
        raise ExampleError(example.name, f"the query calls SERVICE: add '{FEDERATED_TAG}' to '#+ tags:'")
    if example.federated and not uses_service:
        raise ExampleError(example.name, f"tagged '{FEDERATED_TAG}' but the query calls no SERVICE")
    if not uses_service:
        try:
            pyoxigraph.Store().query(example.sparql)
        except SyntaxError as error:
            raise ExampleError(example.name, f"the query does not parse: {error}") from None


def _uses_service(example: ExampleQuery) -> bool:
    try:
        tree = parseQuery(example.sparql)
    except Exception as error:  # pyparsing's ParseException and rdflib's own errors alike
        raise ExampleError(example.name, f"the query does not parse: {error}") from None
    return any(getattr(node, "name", None) == "ServiceGraphPattern" for node in _walk(tree))


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValue is a dict, ParseResults a list)."""
    yield node
    children: Iterable[Any]
    if isinstance(node, dict):
        children = node.values()
    elif isinstance(node, list | tuple | ParseResults):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child)


def load_examples(directory: Traversable | None = None) -> tuple[ExampleQuery, ...]:
    """All examples in `directory` (default: the packaged ones), sorted by name; raises on any error."""
    folder = directory if directory is not None else examples_dir()
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name)
    if not entries:
        raise ExampleError(str(folder), "no example queries (*.rq) found")
    return tuple(parse_example(e.name.removesuffix(".rq"), e.read_text(encoding="utf-8")) for e in entries)


@cache
def packaged_examples() -> tuple[ExampleQuery, ...]:
    """The packaged examples, parsed once per process (the files do not change while it runs)."""
    return load_examples()
