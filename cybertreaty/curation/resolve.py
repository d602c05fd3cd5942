"""Which State a curator means: an ISO 3166-1 code, an English name, or a Wikidata QID.

Resolution is exact (codes, pycountry's names, the labels of states.csv, the same-as links of
wikidata_links.csv); a fuzzy match is only ever offered as a suggestion, never applied, because
guessing a State would invent a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pycountry

_QID = re.compile(r"^Q[1-9][0-9]*$")


class Unresolved(LookupError):
    """The value names no known State (or organisation); ``reason`` says what to write instead."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Resolver:
    """Maps what a curator writes to the id data/ uses: ISO3 for States, slugs for organisations."""

    def __init__(
        self, states: Mapping[str, str], organisations: Iterable[str], qids: Mapping[str, str]
    ) -> None:
        self._states = dict(states)  # ISO3 -> label in states.csv
        self._organisations = set(organisations)
        self._qids = dict(qids)  # QID -> entity id (ISO3 or organisation id), from same-as links
        self._labels = {label.casefold(): iso3 for iso3, label in self._states.items()}

    def state(self, value: str) -> str:
        return self._resolve(value.strip(), organisations=False)

    def actor(self, value: str) -> str:
        return self._resolve(value.strip(), organisations=True)

    def _resolve(self, value: str, *, organisations: bool) -> str:
        if value in self._states or (organisations and value in self._organisations):
            return value
        if _QID.match(value):
            return self._by_qid(value, organisations=organisations)
        iso3 = self._by_name(value)
        if iso3 is not None:
            return iso3
        raise Unresolved(self._unknown(value, organisations=organisations))

    def _by_qid(self, qid: str, *, organisations: bool) -> str:
        entity = self._qids.get(qid)
        if entity is None:
            raise Unresolved(f"{qid} is not linked to any State or organisation in wikidata_links.csv")
        if entity in self._states or (organisations and entity in self._organisations):
            return entity
        raise Unresolved(f"{qid} is the Wikidata item of {entity!r}, which is not a State")

    def _by_name(self, value: str) -> str | None:
        by_label = self._labels.get(value.casefold())
        if by_label is not None:
            return by_label
        try:
            country = pycountry.countries.lookup(value)
        except LookupError:
            return None
        iso3 = str(country.alpha_3)
        if iso3 not in self._states:
            raise Unresolved(
                f"{value!r} is {country.name} ({iso3}), which is not a State in states.csv "
                "(the UN member and observer States)"
            )
        return iso3

    def _unknown(self, value: str, *, organisations: bool) -> str:
        accepted = "an ISO 3166-1 code (FRA), an English name (France) or a Wikidata QID (Q142)"
        if organisations:
            accepted += ", or an organisation id from organisations.csv"
        hint = self._suggestion(value)
        return f"{value!r} is not a known State: give {accepted}" + (
            f"; did you mean {hint}?" if hint else ""
        )

    def _suggestion(self, value: str) -> str | None:
        if len(value) < 3:
            return None
        try:
            matches = pycountry.countries.search_fuzzy(value)
        except LookupError:
            return None
        for country in matches:
            if country.alpha_3 in self._states:
                return f"{country.alpha_3} ({self._states[country.alpha_3]})"
        return None
