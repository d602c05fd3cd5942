"""What we need to know about a SPARQL request before the engine runs it.

pyoxigraph exposes no parser without evaluation, and evaluation may already contact a SERVICE, so
the checks here work on the token stream of the SPARQL lexical grammar (section 19.8): comments,
strings, IRIs and prefixed names are recognised as whole tokens, and only bare words can be
keywords. That gives the query form (for content negotiation), whether the query names its own
dataset (FROM), and every IRI a SERVICE or LOAD would fetch.

Where the lexer and the engine might disagree the rules lean towards refusing: a word that
merely *contains* SERVICE or LOAD counts as that keyword (no other SPARQL keyword contains
them), a SERVICE whose IRI cannot be resolved to an absolute IRI is refused, and when the text
mentions "service" or "load" but the lexer found no such keyword, rdflib's parser double-checks.
"""

from __future__ import annotations

import functools
import re
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate, islice
from typing import Any

from cybertreaty.errors import BadRequest, QueryRefused, QueryTimeout


class QueryForm(StrEnum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def is_tabular(self) -> bool:
        return self in (QueryForm.SELECT, QueryForm.ASK)


# pyoxigraph's parser and evaluator recurse once per nesting level: about 800 nested
# EXISTS { FILTER( ... levels overflow a worker's 8 MB stack and kill it (SIGSEGV). Real queries
# nest a few dozen levels; this bound keeps every known form well below the crash.
MAX_NESTING = 256
# Longest request text the rdflib double-check of check_outbound() parses (~1 s of CPU at most).
MAX_PARSER_CHECK = 8192
_NESTING = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}

# Functions whose value is new at each evaluation. BNODE() is one too, but a fresh blank node is
# the same answer up to its label, as CONSTRUCT's blank nodes are.
VOLATILE_FUNCTIONS = frozenset({"NOW", "RAND", "UUID", "STRUUID"})

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

_PN_CHARS = r"\w\u00B7\u0300-\u036F\u203F-\u2040\u00C0-\uFFFF"
# Strings are matched as runs ("unrolled": [^"\\]* then escapes), never one character per
# alternation: that made a 1.5 MB literal cost 0.25 s. A run of brackets is one token (its depth is
# counted in C, see _depths), and so is a run of punctuation that cannot start any other token;
# tokens() splits both into single characters again for the callers that need each one.
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''|\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
               |'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'|"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*")
  | (?P<var>[?$][{_PN_CHARS}]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[{_PN_CHARS}.\-]*)
  | (?P<pname>(?:[{_PN_CHARS}][{_PN_CHARS}.\-]*)?:(?:[{_PN_CHARS}.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[{_PN_CHARS}]+)
  | (?P<brackets>[{{}}()\[\]]+)
  | (?P<others>(?:[,;*=!|&/^>%~`\\]+|\.(?!\d)|[+\-](?!\.?\d))+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int  # offset in the query text


def tokens(sparql: str) -> Iterator[Token]:
    """Significant tokens (no whitespace or comments), each bracket on its own as 'other'.
    Never raises: unknown text is 'other'."""
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind in ("brackets", "others"):
            start = match.start()
            for offset, char in enumerate(match.group()):
                yield Token("other", char, start + offset)
        elif kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


@dataclass(frozen=True)
class Shape:
    """What the lexer learned about a query or update."""

    form: QueryForm | None = None
    is_update: bool = False
    has_dataset_clause: bool = False
    # IRIs SERVICE or LOAD would fetch; None where the target is a variable or cannot be resolved.
    fetches: tuple[tuple[str, str | None], ...] = ()
    # Deepest nesting of { ( [ brackets, counted together (see MAX_NESTING).
    depth: int = 0
    # Calls a function whose value differs at each evaluation (NOW, RAND, UUID...): the same query
    # over the same data may answer differently.
    volatile: bool = False


# Requests up to this length have their Shape remembered: an endpoint sees the same queries again
# and again (examples, API queries, client polling), and lexing one costs 40-100 us of the request.
CACHED_TEXT = 4096
# Tokens lexed between looks at the clock (see analyse's deadline): about a millisecond's worth.
CLOCK_EVERY = 2048


class TooLongToCheck(Exception):
    """Lexing the request passed its deadline (a text of millions of tiny tokens)."""


def analyse(sparql: str, deadline: float | None = None) -> Shape:
    """The query form, dataset clause and outbound fetches of ``sparql``.

    Lexing costs up to a microsecond a token, outside any worker, so a body of millions of tiny
    tokens could hold the server for seconds: past ``deadline`` (a time.monotonic() value) this
    raises TooLongToCheck. The tokens are streamed, never all held in memory at once.
    """
    if len(sparql) <= CACHED_TEXT:
        return _analyse_cached(sparql)
    return _analyse(sparql, deadline)


Lexeme = tuple[str, str]  # (kind, text) of a significant token


def _lexemes(sparql: str, deadline: float | None) -> Iterator[Lexeme]:
    for count, match in enumerate(_TOKEN.finditer(sparql)):
        if deadline is not None and not count % CLOCK_EVERY and time.monotonic() > deadline:
            raise TooLongToCheck(f"lexing stopped after {count} tokens")
        kind = match.lastgroup or "other"
        if kind != "ws" and kind != "comment":
            yield kind, match.group()


def _analyse(sparql: str, deadline: float | None = None) -> Shape:
    form: QueryForm | None = None
    is_update = has_dataset_clause = volatile = False
    fetches: list[tuple[str, str | None]] = []
    prefixes: dict[str, str] = {}
    in_prologue = True
    depth = deepest = 0
    stream = _lexemes(sparql, deadline)
    # The two tokens after the one at hand: PREFIX and SERVICE/LOAD look that far ahead.
    window: deque[Lexeme] = deque(islice(stream, 3))
    while window:
        kind, text = window.popleft()
        following = next(stream, None)
        if following is not None:
            window.append(following)
        if kind == "brackets":
            depth, deepest = _depths(text, depth, deepest, deadline)
            continue
        if kind != "word":
            continue
        word = text.upper()
        if word == "PREFIX" and _is_prefix_decl(window):
            prefixes[window[0][1][:-1]] = window[1][1][1:-1]
            continue
        if in_prologue and word != "BASE":
            in_prologue = False
            form = QueryForm.__members__.get(word)
            is_update = word in UPDATE_KEYWORDS
        if "SERVICE" in word:
            fetches.append(("SERVICE", _target(window, prefixes)))
        elif "LOAD" in word:
            fetches.append(("LOAD", _target(window, prefixes)))
        elif "FROM" in word:
            has_dataset_clause = True
        volatile = volatile or word in VOLATILE_FUNCTIONS
    return Shape(form, is_update, has_dataset_clause, tuple(fetches), deepest, volatile)


_analyse_cached = functools.lru_cache(maxsize=1024)(_analyse)


# Brackets counted per call into C: a C call holds the GIL, so a 10 MB run counted at once would
# stop the event loop (and every other request) for 0.4 s.
BRACKETS_AT_ONCE = 65536


def _depths(brackets: str, depth: int, deepest: int, deadline: float | None) -> tuple[int, int]:
    """The nesting depth after a run of brackets, and the deepest reached."""
    for start in range(0, len(brackets), BRACKETS_AT_ONCE):
        if deadline is not None and start and time.monotonic() > deadline:
            raise TooLongToCheck(f"counting stopped after {start} brackets")
        chunk = brackets[start : start + BRACKETS_AT_ONCE]
        levels = list(accumulate(map(_NESTING.__getitem__, chunk), initial=depth))
        depth, deepest = levels[-1], max(deepest, *levels)
    return depth, deepest


def _is_prefix_decl(ahead: Sequence[Lexeme]) -> bool:
    return len(ahead) >= 2 and ahead[0][0] == "pname" and ahead[0][1].endswith(":") and ahead[1][0] == "iri"


def _target(ahead: Sequence[Lexeme], prefixes: dict[str, str]) -> str | None:
    """The absolute IRI that a SERVICE/LOAD followed by ``ahead`` names, or None if unknown."""
    i = 1 if ahead and ahead[0][0] == "word" and ahead[0][1].upper() == "SILENT" else 0
    if i >= len(ahead):
        return None
    kind, text = ahead[i]
    if kind == "iri":
        iri = text[1:-1]
    elif kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    else:
        return None
    # A relative IRI would be resolved by the engine against BASE; we do not guess how.
    return iri if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None


def check_outbound(
    sparql: str, allowlist: Sequence[str], *, update: bool = False, timeout: float | None = None
) -> Shape:
    """Refuse (QueryRefused) any SERVICE or LOAD whose IRI is not in ``allowlist``.

    Every query and update passes here before an engine sees it, so the structural limit that
    keeps the engine alive is checked here too: deeper nesting than MAX_NESTING is a 400. Lexing
    a long text takes at most ``timeout`` seconds (then QueryTimeout), like running it.
    """
    try:
        shape = analyse(sparql, None if timeout is None else time.monotonic() + timeout)
    except TooLongToCheck:
        raise QueryTimeout(
            f"The request text was still being checked when the time limit of {timeout:g} s passed, "
            "so it was not run: it is unusually long. Shorten it, or send bulk data to the Graph "
            "Store Protocol at /store."
        ) from None
    if shape.depth > MAX_NESTING:
        raise BadRequest(
            f"The request nests brackets {shape.depth} levels deep; at most {MAX_NESTING} are allowed."
        )
    for keyword, iri in shape.fetches:
        if iri is None or iri not in allowlist:
            raise QueryRefused(_refusal(keyword, iri, allowlist))
    lowered = sparql.lower()
    if not shape.fetches and ("service" in lowered or "load" in lowered):
        if len(sparql) > MAX_PARSER_CHECK:
            # rdflib's parser costs up to ~0.15 ms a character of server CPU, outside any time
            # limit: a 10 MB body would hold the server for minutes. Too long to double-check,
            # so refused, as the rules lean (the words may still appear in a shorter request).
            raise QueryRefused(
                f"The request mentions 'service' or 'load' outside a SERVICE or LOAD keyword and is "
                f"{len(sparql)} characters long: only requests of at most {MAX_PARSER_CHECK} characters "
                "can be checked for outbound requests in that case. Shorten it (for bulk data, use "
                "the Graph Store Protocol at /store)."
            )
        for keyword, iri in _parser_fetches(sparql, update=update):
            if iri is None or iri not in allowlist:
                raise QueryRefused(_refusal(keyword, iri, allowlist))
    return shape


def _refusal(keyword: str, iri: str | None, allowlist: Sequence[str]) -> str:
    target = f"<{iri}>" if iri else "an IRI that is not an absolute IRI given in the query"
    allowed = ", ".join(f"<{a}>" for a in allowlist) if allowlist else "none"
    return (
        f"{keyword} to {target} is not allowed: this endpoint makes no outbound requests except to "
        f"the endpoints on its allowlist (allowed: {allowed})."
    )


def _parser_fetches(sparql: str, *, update: bool) -> list[tuple[str, str | None]]:
    """SERVICE/LOAD targets according to rdflib's parser; [] when rdflib cannot parse it."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate  # slow to import: only when needed

    try:
        tree: Any = parseUpdate(sparql) if update else parseQuery(sparql)
    except Exception:
        # rdflib's grammar differs from the engine's in corners; the lexer verdict stands.
        return []
    prefixes: dict[str, str] = {}
    found: list[tuple[str, str | None]] = []
    _walk(tree, prefixes, found)
    return found


def _walk(node: Any, prefixes: dict[str, str], found: list[tuple[str, str | None]]) -> None:
    from pyparsing import ParseResults

    name = getattr(node, "name", None)
    if name == "PrefixDecl":
        prefixes[str(node.get("prefix") or "")] = str(node["iri"])
    elif name == "ServiceGraphPattern":
        found.append(("SERVICE", _resolve(node.get("term"), prefixes)))
    elif name == "Load":
        found.append(("LOAD", _resolve(node.get("iri"), prefixes)))
    if isinstance(node, dict):
        children: Any = node.values()
    elif isinstance(node, list | ParseResults):
        children = node
    else:
        return
    for child in children:
        if not isinstance(child, str):
            _walk(child, prefixes, found)


def _resolve(term: Any, prefixes: dict[str, str]) -> str | None:
    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        return prefixes[prefix] + str(term.get("localname") or "") if prefix in prefixes else None
    text = str(term)
    return text if type(term).__name__ == "URIRef" and ":" in text else None


def where_group_start(sparql: str) -> int | None:
    """Offset just inside the ``{`` that opens the query's main WHERE group, or None."""
    toks = list(tokens(sparql))
    anchor = next((i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "WHERE"), None)
    if anchor is None:
        form = analyse(sparql).form
        if form not in (QueryForm.SELECT, QueryForm.ASK, QueryForm.DESCRIBE):
            return None
        anchor = next(i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == form.value)
    brace = next((t for t in toks[anchor:] if t.text == "{"), None)
    return None if brace is None else brace.start + 1


def join_updates(first: str, second: str) -> str:
    """One update request running ``first`` then ``second`` (the grammar's ``;`` sequence)."""
    toks = list(tokens(first))
    separator = "\n" if not toks or toks[-1].text == ";" else "\n;\n"
    return first + separator + second


def with_using(update: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """The protocol's using-graph-uri / using-named-graph-uri as USING clauses in ``update``.

    pyoxigraph's update() takes no dataset, so each DELETE/INSERT ... WHERE operation gets the
    clauses written before its WHERE (found as a top-level WHERE right after a template's ``}``).
    The IRIs must already be checked (no ``>`` or spaces). An update that names its own dataset
    (USING, WITH) together with these parameters is refused, as the protocol requires.
    """
    if not default_graphs and not named_graphs:
        return update
    clauses = [f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs]
    toks = list(tokens(update))
    depth, offsets = 0, []
    for i, tok in enumerate(toks):
        depth += {"{": 1, "}": -1}.get(tok.text, 0)
        if tok.kind != "word" or depth != 0:
            continue
        word = tok.text.upper()
        if word in ("USING", "WITH"):
            raise BadRequest(
                f"The update has a {word} clause: it cannot also take using-graph-uri parameters."
            )
        if word == "WHERE" and i > 0 and toks[i - 1].text == "}":
            offsets.append(tok.start)
    for offset in reversed(offsets):
        update = update[:offset] + " ".join(clauses) + " " + update[offset:]
    return update


# Words without which an update can only write the default graph (GRAPH <g>, NAMED, ALL, USING,
# WITH, and COPY/MOVE/ADD/LOAD ... TO/INTO <g>).
_NAMED_GRAPH_WORDS = frozenset({"GRAPH", "NAMED", "ALL", "WITH", "USING", "COPY", "MOVE", "ADD", "LOAD"})


def may_write_named_graphs(update: str) -> bool:
    """Whether ``update`` has any operation that can write a named graph."""
    return any(t.kind == "word" and t.text.upper() in _NAMED_GRAPH_WORDS for t in tokens(update))
