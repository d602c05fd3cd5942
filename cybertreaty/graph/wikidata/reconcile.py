"""Recognise a State or organisation from what a spreadsheet calls it.

A query may be a name in any common spelling (our label, the ISO short name, the official name,
the common name, other names: "Viet Nam", "Vietnam", "Türkiye", "Cote d'Ivoire"), an ISO 3166-1
alpha-2, alpha-3 or numeric code ("VN", "VNM", "704"), our curated id ("eu"), or a Wikidata item
("Q881" or its IRI). Names are compared without case, accents, punctuation or spaces, and also in
the "Republic of Korea" order of an ISO name written "Korea, Republic of".

Scores: 100 for an exact name, code, id or item; 90 for a Wikidata close match; otherwise a
similarity score below 100 (difflib's ratio, so "Turkey" still finds Türkiye), 80 when every
word of the query is a word of the name ("Korea" finds both Koreas), or 75 when every word of the
query begins a word of the name ("Russia" finds the Russian Federation). A candidate is a ``match``
only when it is the one candidate that scores 100: ambiguity ("AU": Australia's code and the
African Union's id) is left to the curator.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from cybertreaty.graph.store import Store
from cybertreaty.graph.wikidata import queries
from cybertreaty.graph.wikidata.shape import QID, WD
from cybertreaty.graph.wikidata.source import Row, Source, as_source

TYPES = ("State", "Organisation")
EXACT, CLOSE_MATCH, ALL_WORDS, WORD_STARTS = 100, 90, 80, 75
FUZZY_FLOOR = 0.75  # below this similarity a name is not offered at all
_CODES = ("ISO 3166-1 alpha-2", "ISO 3166-1 alpha-3", "ISO 3166-1 numeric", "id")
_ITEMS = {"Wikidata item": EXACT, "Wikidata close match": CLOSE_MATCH}


@dataclass(frozen=True)
class Key:
    """One way to recognise an entity: a name, code, id or item, and which kind of key it is."""

    entity: str  # IRI
    type: str  # State or Organisation
    label: str
    via: str  # e.g. "ISO 3166-1 alpha-2", "official name"
    text: str


@dataclass(frozen=True, order=True)
class Candidate:
    score: int
    id: str  # the curated id: ISO3 code or organisation slug
    iri: str
    name: str
    type: str
    via: str  # what matched, e.g. 'ISO 3166-1 alpha-2 "VN"'
    match: bool = False


def fold(text: str) -> str:
    """Case, accents and punctuation removed, words separated by one space: "Côte d'Ivoire" ->
    "cote d ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", plain.replace("&", " and ")).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def variants(name: str) -> set[str]:
    """The folded name, also with an ISO-style inversion undone ('Korea, Republic of'), and split
    at a parenthesis ('Holy See (Vatican City State)' is also 'Holy See' and 'Vatican City State')."""
    found = {fold(name)}
    head, comma, tail = name.partition(", ")
    if comma and tail:
        found.add(fold(f"{tail} {head}"))
    outside, paren, inside = name.partition(" (")
    if paren and inside.endswith(")"):
        found |= {fold(outside), fold(inside[:-1])}
    return {v for v in found if v}


class Index:
    """Every key of every State and organisation, ready to match queries against."""

    def __init__(self, keys: Iterable[Key]) -> None:
        self.keys = tuple(keys)
        names = [k for k in self.keys if k.via not in _CODES and k.via not in _ITEMS]
        self._names = [(k, v.replace(" ", ""), set(v.split())) for k in names for v in variants(k.text)]

    @classmethod
    def load(cls, graph: ox.Store | Store | Source) -> Index:
        return cls.from_rows(as_source(graph).rows(queries.load("names").sparql))

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> Index:
        return cls(
            Key(r["entity"].value, r["kind"].value, r["label"].value, r["via"].value, r["key"].value)
            for r in rows
        )

    def reconcile(self, query: str, *, type: str | None = None, limit: int = 5) -> list[Candidate]:
        """The best candidates for ``query``, best first; ``type`` keeps only States or organisations."""
        if type is not None and type not in TYPES:
            raise ValueError(f"unknown type {type!r}; known types: {', '.join(TYPES)}")
        best: dict[str, Candidate] = {}
        for key, score, via in self._hits(query.strip()):
            if type is None or key.type == type:
                candidate = _candidate(key, score, via)
                if key.entity not in best or candidate.score > best[key.entity].score:
                    best[key.entity] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.name, c.id))[:limit]
        if ranked and ranked[0].score == EXACT and (len(ranked) == 1 or ranked[1].score < EXACT):
            ranked[0] = Candidate(**{**ranked[0].__dict__, "match": True})
        return ranked

    def _hits(self, query: str) -> Iterable[tuple[Key, int, str]]:
        # Names first: when a name and a code both match exactly, the name is what the curator sees.
        yield from self._name_hits(query)
        yield from self._item_hits(query)
        yield from self._code_hits(query)

    def _item_hits(self, query: str) -> Iterable[tuple[Key, int, str]]:
        qid = query.removeprefix(WD).upper()
        if QID.fullmatch(qid):
            for key in self.keys:
                if key.via in _ITEMS and key.text == WD + qid:
                    yield key, _ITEMS[key.via], f"{key.via} {qid}"

    def _code_hits(self, query: str) -> Iterable[tuple[Key, int, str]]:
        code = query.casefold()
        if code.isdigit():
            code = code.zfill(3)  # ISO numeric codes keep their leading zeros: "4" is "004"
        for key in self.keys:
            if key.via in _CODES and key.text.casefold() == code:
                yield key, EXACT, f'{key.via} "{key.text}"'

    def _name_hits(self, query: str) -> Iterable[tuple[Key, int, str]]:
        folded = fold(query)
        if len(folded.replace(" ", "")) < 3:
            return  # two letters are a code or nothing; as a name they would match noise
        compact, words = folded.replace(" ", ""), set(folded.split())
        long_words = [w for w in words if len(w) > 3]  # "of", "the", "st" begin too many words
        matcher = difflib.SequenceMatcher(None, b=compact)
        for key, name, name_words in self._names:
            shown = f'{key.via} "{key.text}"'
            if name == compact:
                yield key, EXACT, shown
            elif words <= name_words:
                yield key, ALL_WORDS, shown
            elif long_words and all(any(n.startswith(w) for n in name_words) for w in long_words):
                yield key, WORD_STARTS, shown
            else:
                matcher.set_seq1(name)  # the quick upper bounds skip most names cheaply
                if matcher.real_quick_ratio() >= FUZZY_FLOOR and matcher.quick_ratio() >= FUZZY_FLOOR:
                    ratio = matcher.ratio()
                    if ratio >= FUZZY_FLOOR:
                        yield key, min(round(ratio * 100), EXACT - 1), shown + " (similar)"


def _candidate(key: Key, score: int, via: str) -> Candidate:
    return Candidate(score, key.entity.rsplit("/", 1)[-1], key.entity, key.label, key.type, via)
