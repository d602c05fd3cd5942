"""The REST API's named queries: one ``queries/api/<name>.rq`` file per question, loaded strictly.

Each file starts with a header of ``#+ key: value`` lines, then the SPARQL::

    #+ summary: Who signed a treaty and who did not
    #+ description: Every State, or every member of a group, with ...
    #+ route: /treaties/{treaty}/signature-status
    #+ params: treaty: treaty, group: group?, as_of: date?, status: signature-status?
    #+ param treaty: The treaty, by its id.
    #+ columns: actor: iri, name: text, signature_dates: tokens, sources: iris
    #+ column actor: The State or organisation.
    #+ example: treaty=uncc, group=five-eyes
    #+ tags: treaties, signatures

- ``params``: ``name: type`` (a type of ``api_params.TYPES``), ``?`` when optional, ``= value`` for a
  default. Each becomes the query variable of the same name, bound as a typed RDF term by a
  ``VALUES`` block (``graph.store.bind``); an optional parameter left out stays unbound, which the
  query tests with ``BOUND``. A ``{name}`` in the route is a path parameter.
- ``columns``: the SELECT's variables, in order, each ``name: type`` (``COLUMN_TYPES``), ``?``
  when a row may lack it. List types are GROUP_CONCATs: ``iris`` and ``tokens`` separated by
  spaces, ``texts`` by U+001F.
- every parameter and column has its ``param NAME`` / ``column NAME`` line: the API's
  documentation is these lines.

Everything is checked when the registry loads, and any problem stops it with a ``RegistryError``
naming the file (grlc's warn-and-continue is what this avoids): unknown keys or types, missing
descriptions, a query pyoxigraph cannot parse (alone and with its parameters bound), projected
variables that differ from the columns, a parameter the query never uses, a route used twice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

import pyoxigraph
from rdflib.term import Identifier

from cybertreaty.graph.sparql_text import analyse, tokens
from cybertreaty.graph.store import bind
from cybertreaty.rq_header import HeaderError, split_header
from cybertreaty.service.api_params import TYPES, Kind, ParamType

REQUIRED_KEYS = ("summary", "description", "route", "columns")
OPTIONAL_KEYS = ("params", "example", "tags")
COLUMN_TYPES = ("iri", "text", "integer", "boolean", "iris", "tokens", "texts")
LIST_TYPES = ("iris", "tokens", "texts")
RESERVED = ("limit", "offset")  # pagination parameters every list route has
API_PREFIX = "/api"  # routes are relative to it
PLACEHOLDER_BASE = "https://example.org/"

_DECLARATION = re.compile(
    r"(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>[a-z][a-z0-9-]*)(?P<optional>\?)?(?:\s*=\s*(?P<default>\S+))?"
)
_ROUTE = re.compile(r"(/[a-z0-9-]+|/\{[a-z_][a-z0-9_]*\})+")


class RegistryError(ValueError):
    """A named query that cannot be served: names the file and what to fix."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}.rq: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    required: bool
    default: str | None
    description: str
    in_path: bool


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of COLUMN_TYPES
    optional: bool
    description: str

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


@dataclass(frozen=True)
class NamedQuery:
    """One question: its header and its SPARQL (header lines removed)."""

    name: str
    summary: str
    description: str
    route: str  # under /api, e.g. /states/{state}/votes
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    example: Mapping[str, str]
    tags: tuple[str, ...]
    sparql: str

    @property
    def path(self) -> str:
        return API_PREFIX + self.route

    def example_request(self) -> str:
        """The path and query string of the header's example."""
        path, query = self.path, []
        for param in self.params:
            value = self.example.get(param.name)
            if value is not None and param.in_path:
                path = path.replace("{" + param.name + "}", value)
            elif value is not None:
                query.append(f"{param.name}={value}")
        return path + ("?" + "&".join(query) if query else "")


@dataclass(frozen=True)
class Registry:
    queries: tuple[NamedQuery, ...]

    def __getitem__(self, name: str) -> NamedQuery:
        for query in self.queries:
            if query.name == name:
                return query
        raise KeyError(name)


def queries_dir() -> Traversable:
    return files("cybertreaty.service").joinpath("queries", "api")


def load_registry(directory: Traversable | None = None) -> Registry:
    """Every ``*.rq`` of ``directory`` (default: the packaged ones); raises RegistryError on any problem."""
    folder = directory if directory is not None else queries_dir()
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".rq")), key=lambda e: e.name)
    if not entries:
        raise RegistryError(str(folder), "no named queries (*.rq) found")
    queries = tuple(parse_query(e.name.removesuffix(".rq"), e.read_text(encoding="utf-8")) for e in entries)
    routes: dict[str, str] = {}
    for query in queries:
        shape = re.sub(r"\{[^}]+\}", "{}", query.route)
        if shape in routes:
            raise RegistryError(query.name, f"route {query.route} is already the route of {routes[shape]}.rq")
        routes[shape] = query.name
    return Registry(queries)


@cache
def packaged_registry() -> Registry:
    """The packaged named queries, parsed once per process (they do not change while it runs)."""
    return load_registry()


def parse_query(name: str, text: str) -> NamedQuery:
    header, sparql = _split(name, text)
    route = header["route"]
    if not _ROUTE.fullmatch(route):
        raise RegistryError(
            name, f"route {route!r} must look like /a/{{param}}/b (lower case, no trailing /)"
        )
    path_names = set(re.findall(r"\{([^}]+)\}", route))
    params = _params(name, header, path_names)
    columns = _columns(name, header)
    query = NamedQuery(
        name=name,
        summary=header["summary"],
        description=header["description"],
        route=route,
        params=params,
        columns=columns,
        example=_example(name, header.get("example", ""), params),
        tags=tuple(t.strip() for t in header.get("tags", "").split(",") if t.strip()),
        sparql=sparql,
    )
    _check_sparql(query)
    return query


def _split(name: str, text: str) -> tuple[dict[str, str], str]:
    """The header lines as a dict (``param x`` and ``column x`` keys included) and the SPARQL."""

    def allowed(key: str) -> bool:
        return key in REQUIRED_KEYS + OPTIONAL_KEYS or key.split(" ")[0] in ("param", "column")

    try:
        header, sparql = split_header(
            text, allowed, ", ".join((*REQUIRED_KEYS, *OPTIONAL_KEYS, "param NAME", "column NAME"))
        )
    except HeaderError as error:
        raise RegistryError(name, str(error)) from None
    for key in REQUIRED_KEYS:
        if key not in header:
            raise RegistryError(name, f"missing header line '#+ {key}: ...'")
    return header, sparql


def _declarations(name: str, key: str, value: str) -> Iterable[re.Match[str]]:
    for item in (part.strip() for part in value.split(",")):
        match = _DECLARATION.fullmatch(item)
        if match is None:
            raise RegistryError(
                name, f"{key}: {item!r} does not read 'name: type', 'name: type?' or 'name: type = x'"
            )
        yield match


def _described(name: str, header: Mapping[str, str], family: str, names: list[str]) -> dict[str, str]:
    described = {k.split(" ", 1)[1]: v for k, v in header.items() if k.startswith(family + " ")}
    for missing in [n for n in names if n not in described]:
        raise RegistryError(name, f"{family} {missing!r} has no '#+ {family} {missing}: <description>' line")
    for extra in [n for n in described if n not in names]:
        raise RegistryError(name, f"'#+ {family} {extra}' describes a {family} that is not declared")
    return described


def _params(name: str, header: Mapping[str, str], path_names: set[str]) -> tuple[Param, ...]:
    matches = list(_declarations(name, "params", header["params"])) if "params" in header else []
    described = _described(name, header, "param", [m["name"] for m in matches])
    params = []
    for match in matches:
        pname, ptype, default = match["name"], match["type"], match["default"]
        if ptype not in TYPES:
            raise RegistryError(name, f"param {pname!r}: unknown type {ptype!r} (known: {', '.join(TYPES)})")
        if pname in RESERVED:
            raise RegistryError(name, f"param {pname!r}: the name is reserved for pagination")
        required = match["optional"] is None and default is None
        if pname in path_names and not required:
            raise RegistryError(name, f"path param {pname!r} cannot be optional or have a default")
        if default is not None:
            _check_value(name, pname, TYPES[ptype], default)
        params.append(Param(pname, TYPES[ptype], required, default, described[pname], pname in path_names))
    if len({p.name for p in params}) != len(params):
        raise RegistryError(name, "a param is declared twice")
    for missing in path_names - {p.name for p in params}:
        raise RegistryError(name, f"route parameter {{{missing}}} is not declared in '#+ params:'")
    return tuple(params)


def _columns(name: str, header: Mapping[str, str]) -> tuple[Column, ...]:
    matches = list(_declarations(name, "columns", header["columns"]))
    described = _described(name, header, "column", [m["name"] for m in matches])
    columns = []
    for match in matches:
        if match["type"] not in COLUMN_TYPES:
            known = ", ".join(COLUMN_TYPES)
            raise RegistryError(
                name, f"column {match['name']!r}: unknown type {match['type']!r} (known: {known})"
            )
        if match["default"] is not None:
            raise RegistryError(name, f"column {match['name']!r}: columns have no default")
        optional = match["optional"] is not None
        columns.append(Column(match["name"], match["type"], optional, described[match["name"]]))
    return tuple(columns)


def _check_value(name: str, param: str, ptype: ParamType, value: str) -> None:
    try:
        ptype.to_term(value, PLACEHOLDER_BASE)
    except ValueError as error:
        raise RegistryError(name, f"param {param!r}: {error}") from None


def _example(name: str, text: str, params: tuple[Param, ...]) -> dict[str, str]:
    example: dict[str, str] = {}
    known = {p.name: p for p in params}
    for item in (part.strip() for part in text.split(",") if part.strip()):
        key, equals, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or key not in known:
            raise RegistryError(name, f"example: {item!r} does not read 'param=value' for a declared param")
        _check_value(name, key, known[key].type, value)
        example[key] = value
    for param in params:
        if param.required and param.name not in example:
            raise RegistryError(name, f"example: give a value for the required param {param.name!r}")
    return example


def _check_sparql(query: NamedQuery) -> None:
    """The query parses, projects exactly the columns, uses every param, and still parses when bound."""
    if analyse(query.sparql).fetches:
        raise RegistryError(
            query.name, "the query calls SERVICE or LOAD: API queries answer from the graph only"
        )
    variables = _projected(query.name, query.sparql)
    expected = [c.name for c in query.columns]
    if variables != expected:
        raise RegistryError(
            query.name, f"the query projects {variables}, but '#+ columns:' declares {expected}"
        )
    toks = list(tokens(query.sparql))
    used = {t.text[1:] for t in toks if t.kind == "var"}
    # A bound variable cannot be assigned again: VALUES already binds it where AS would.
    assigned = {b.text[1:] for a, b in itertools.pairwise(toks) if a.text.upper() == "AS" and b.kind == "var"}
    for param in query.params:
        if param.name not in used:
            raise RegistryError(
                query.name, f"param {param.name!r} is never used as ?{param.name} in the query"
            )
        if param.name in assigned:
            raise RegistryError(
                query.name, f"param {param.name!r} is assigned with AS ?{param.name}: rename one"
            )
    bindings = {p.name: _sample_term(query, p) for p in query.params}
    try:
        bound = bind(query.sparql, bindings)
    except ValueError as error:
        raise RegistryError(query.name, f"the parameters cannot be bound: {error}") from None
    _projected(query.name, bound)


def _sample_term(query: NamedQuery, param: Param) -> Identifier:
    value = query.example.get(param.name) or param.default or param.type.example
    return param.type.to_term(value, PLACEHOLDER_BASE)


def _projected(name: str, sparql: str) -> list[str]:
    # pyoxigraph has no parse-only call; on an empty in-memory store the query costs nothing.
    try:
        answer = pyoxigraph.Store().query(sparql)
    except SyntaxError as error:
        raise RegistryError(name, f"the query does not parse: {error}") from None
    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise RegistryError(name, "the query must be a SELECT")
    return [v.value for v in answer.variables]


def entity_params(query: NamedQuery) -> list[Param]:
    return [p for p in query.params if p.type.kind is Kind.ENTITY]
