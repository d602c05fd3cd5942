"""Our statements as QuickStatements (v1) commands, for a curator to review and run on Wikidata.

One command per line, columns separated by tabs: item, property, value, then qualifier pairs
(``P585  +2025-10-25T00:00:00Z/11``) and reference pairs (``S854  "url"  S813  +…/11``). Times are
``+YYYY-MM-DDT00:00:00Z/precision`` with the unknown parts zero (``+1956-00-00T00:00:00Z/9``),
strings are in double quotes, and ``!S`` starts a further reference on the same line.

Only sourced facts are exported: every statement carries at least one reference, and facts that a
source flags unverified or contradicted never reach the statement shape (see the CONSTRUCTs).

An entity without a Wikidata item (the UN Convention against Cybercrime, Five Eyes …) becomes a
``CREATE`` block: ``CREATE``, its ``Len``/``Den``/``Aen`` lines, its own statements with subject
``LAST``, then the statements of existing items that point to it with value ``LAST``.
QuickStatements folds the ``LAST`` lines right after ``CREATE`` into the new item and honours
``!S`` there, so such a statement is one line with all its references; a statement on an existing
item is repeated once per reference instead (QuickStatements adds each reference to the one
statement it finds by its value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from cybertreaty.graph.store import Store
from cybertreaty.graph.wikidata import queries
from cybertreaty.graph.wikidata.shape import Item, Reference, Statement, Time, Value, statements
from cybertreaty.graph.wikidata.source import Source, as_source

INSTANCE_OF = "P31"  # written only inside the block that creates its subject


@dataclass(frozen=True)
class NewItem:
    """What a CREATE block needs to know about an entity that has no Wikidata item."""

    iri: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Export:
    text: str  # the QuickStatements v1 commands, one per line
    statements: int  # statements written (a statement with several references counts once)
    created: tuple[str, ...]  # IRIs of the entities written as CREATE blocks, in order
    skipped: tuple[Statement, ...]  # statements QuickStatements cannot express (two new items)


def export(graph: ox.Store | Store | Source, *, skip: Collection[tuple[str, str, str]] = ()) -> Export:
    """QuickStatements for our sourced statements, leaving out those whose key is in ``skip``
    (e.g. what a comparison found Wikidata already states)."""
    source = as_source(graph)
    found = [s for s in statements(source) if s.key not in skip]
    return write(found, new_items(source))


def new_items(source: Source) -> dict[str, NewItem]:
    """Label, description and aliases of every entity without a Wikidata item, by IRI."""
    items = {}
    for row in source.rows(queries.load("new-items").sparql):
        iri, label = row["entity"].value, row["label"].value
        description = row["classLabel"].value.lower()
        if "adoptedThrough" in row:
            description += f" adopted by {row['adoptedThrough'].value}"
        aliases = tuple(sorted(a for a in row["aliases"].value.split("\n") if a)) if "aliases" in row else ()
        items[iri] = NewItem(iri, label, description, aliases)
    return items


def write(found: Sequence[Statement], items: dict[str, NewItem]) -> Export:
    """The commands for ``found``: statements on existing items first, then one block per new item."""
    lines: list[str] = []
    written, skipped = 0, []
    creating: dict[str, list[Statement]] = defaultdict(list)  # new item -> statements that need it
    for statement in sorted(found, key=Statement.sort_key):
        new = _new_parts(statement)
        if len(new) > 1:
            skipped.append(statement)
        elif new:
            creating[new[0]].append(statement)
        elif statement.pid != INSTANCE_OF:
            lines += _per_reference(statement, statement.subject.qid or "")
            written += 1
    needed = sorted(iri for iri, group in creating.items() if any(s.pid != INSTANCE_OF for s in group))
    for iri in needed:
        block, count = _create_block(items[iri], creating[iri])
        lines += block
        written += count
    return Export("".join(line + "\n" for line in lines), written, tuple(needed), tuple(skipped))


def _new_parts(statement: Statement) -> list[str]:
    """IRIs of the subject and value that have no Wikidata item."""
    parts = [statement.subject]
    if isinstance(statement.value, Item):
        parts.append(statement.value)
    return [part.iri for part in parts if part.qid is None]


def _create_block(item: NewItem, group: Sequence[Statement]) -> tuple[list[str], int]:
    lines = ["CREATE", _command("LAST", "Len", _string(item.label))]
    lines.append(_command("LAST", "Den", _string(item.description)))
    lines += [_command("LAST", "Aen", _string(alias)) for alias in item.aliases]
    own = [s for s in group if s.subject.iri == item.iri]
    pointing = [s for s in group if s.subject.iri != item.iri]
    # The new item's own statements come straight after CREATE, so QuickStatements folds them in.
    lines += [_all_references(s) for s in own]
    for statement in pointing:
        lines += _per_reference(statement, statement.subject.qid or "")
    return lines, len(own) + len(pointing)


def _all_references(statement: Statement) -> str:
    cells = _claim(statement, "LAST")
    for number, reference in enumerate(statement.references):
        cells += _reference(reference, new_group=number > 0)
    return "\t".join(cells)


def _per_reference(statement: Statement, subject: str) -> list[str]:
    return ["\t".join(_claim(statement, subject) + _reference(ref)) for ref in statement.references]


def _claim(statement: Statement, subject: str) -> list[str]:
    cells = [subject, statement.pid, _value(statement.value)]
    for pid, value in statement.qualifiers:
        cells += [pid, _value(value)]
    return cells


def _reference(reference: Reference, *, new_group: bool = False) -> list[str]:
    cells = ["!S854" if new_group else "S854", _string(reference.url)]
    if reference.retrieved is not None:
        cells += ["S813", time(reference.retrieved)]
    return cells


def _value(value: Value) -> str:
    if isinstance(value, Item):
        return value.qid or "LAST"  # an item without a QID is only ever the one just created
    if isinstance(value, Time):
        return time(value)
    return _string(value)


def time(value: Time) -> str:
    """A time as QuickStatements writes it: ``+2025-10-25T00:00:00Z/11``, ``+1956-00-00T00:00:00Z/9``."""
    year, month, day = ([*value.text.split("-"), "00", "00"])[:3]
    return f"+{year}-{month}-{day}T00:00:00Z/{value.precision}"


def _string(text: str) -> str:
    # QuickStatements has no escapes: a tab or line break would split the command.
    return '"' + " ".join(text.split()) + '"'


def _command(*cells: str) -> str:
    return "\t".join(cells)
