"""QuickStatements export of the real graph: exact lines, CREATE blocks for items without a QID,
only sourced and undoubted facts, valid v1 syntax, and the same text on every run."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox
import pytest

from cybertreaty.graph.build import fill_store
from cybertreaty.graph.wikidata.export import Export, export, time
from cybertreaty.graph.wikidata.shape import DAY, MONTH, YEAR, Time

QDND = (
    "https://en.qdnd.vn/foreign-affairs/multilateral-relations/"
    "hanoi-convention-vietnam-s-key-role-in-multilateral-cooperation-584013"
)
IANS = "https://ianslive.in/timor-leste-becomes-11th-member-of-asean--20251026134029"
FVEY = "https://github.com/tymyrddin/tymyrddin.github.io/blob/HEAD/_posts/2018-08-28-fvey-alliance.md"
RETRIEVED = "S813\t+2026-11-22T00:00:00Z/11"

# The value forms QuickStatements v1 parses (its parseValueV1): item, LAST, "string", time.
_VALUE = r'(Q[1-9]\d*|LAST|"[^"\t]*"|\+\d{4}-\d\d-\d\dT00:00:00Z/(9|10|11))'
_STATEMENT = re.compile(rf"(Q[1-9]\d*|LAST)\tP[1-9]\d*\t{_VALUE}(\t(P[1-9]\d*|!?S[1-9]\d*)\t{_VALUE})*")
_TERM = re.compile(r'LAST\t[LDA]en\t"[^"\t]+"')


@pytest.fixture(scope="module")
def exported(graph_store: ox.Store) -> Export:
    return export(graph_store)


@pytest.fixture(scope="module")
def lines(exported: Export) -> list[str]:
    return exported.text.splitlines()


def block(lines: Sequence[str], label: str) -> list[str]:
    """The lines of the CREATE block whose label is ``label``, up to the next CREATE."""
    start = lines.index(f'LAST\tLen\t"{label}"') - 1
    assert lines[start] == "CREATE"
    end = next((i for i in range(start + 1, len(lines)) if lines[i] == "CREATE"), len(lines))
    return list(lines[start:end])


def test_viet_nams_signature_is_a_line_in_the_treatys_create_block(lines: list[str]) -> None:
    uncc = block(lines, "United Nations Convention against Cybercrime")
    assert uncc[:4] == [
        "CREATE",
        'LAST\tLen\t"United Nations Convention against Cybercrime"',
        'LAST\tDen\t"treaty adopted by General Assembly resolution 79/243"',
        'LAST\tAen\t"Hanoi Convention"',
    ]
    assert f'LAST\tP1891\tQ881\tP585\t+2025-10-25T00:00:00Z/11\tS854\t"{QDND}"\t{RETRIEVED}' in uncc
    # The statements follow CREATE without a break, so QuickStatements folds them into the new item.
    assert all(line.startswith("LAST\t") for line in uncc[1:])
    assert uncc[4].startswith("LAST\tP31\tQ131569\t")


def test_a_statement_with_several_sources_is_one_line_with_several_references(lines: list[str]) -> None:
    (eu,) = [line for line in lines if line.startswith("LAST\tP1891\tQ458\t")]
    assert eu.count("\tS854\t") == 1 and eu.count("\t!S854\t") == 2
    assert (
        '\tS854\t"https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"'
        in eu
    )


def test_existing_items_get_one_line_per_reference(lines: list[str]) -> None:
    assert f'Q881\tP463\tQ7768\tP580\t+1995-00-00T00:00:00Z/9\tS854\t"{IANS}"\t{RETRIEVED}' in lines
    assert 'Q881\tP298\t"VNM"\tS854\t"https://pypi.org/project/pycountry/"' in lines
    france_eu = [line for line in lines if line.startswith("Q142\tP463\tQ458\t")]
    assert len(france_eu) == 2 and not any("!S" in line for line in france_eu)


def test_five_eyes_is_created_and_its_members_point_to_it(lines: list[str]) -> None:
    five_eyes = block(lines, "Five Eyes")
    assert five_eyes[:4] == [
        "CREATE",
        'LAST\tLen\t"Five Eyes"',
        'LAST\tDen\t"informal alliance"',
        'LAST\tAen\t"UKUSA Agreement"',
    ]
    members = five_eyes[4:]
    assert sorted(line.split("\t")[0] for line in members) == ["Q145", "Q16", "Q30", "Q408", "Q664"]
    assert all(line.split("\t")[1:3] == ["P463", "LAST"] for line in members)
    assert f'Q145\tP463\tLAST\tP580\t+1946-03-00T00:00:00Z/10\tS854\t"{FVEY}"\t{RETRIEVED}' in members


def test_items_are_created_only_when_a_statement_needs_them(exported: Export) -> None:
    assert exported.created == (
        "https://w3id.org/cybertreaty/id/org/five-eyes",
        "https://w3id.org/cybertreaty/id/treaty/cets-185",
        "https://w3id.org/cybertreaty/id/treaty/uncc",
    )
    assert exported.text.count("CREATE\n") == 3
    assert exported.skipped == ()


def test_every_line_is_valid_quickstatements_v1_and_every_statement_is_sourced(lines: list[str]) -> None:
    for line in lines:
        assert line == "CREATE" or _TERM.fullmatch(line) or _STATEMENT.fullmatch(line), line
        if _STATEMENT.fullmatch(line):
            assert "\tS854\t" in line, f"unsourced: {line}"


def test_no_unverified_or_contradicted_fact_is_exported(lines: list[str]) -> None:
    uncc = block(lines, "United Nations Convention against Cybercrime")
    signers = {line.split("\t")[2] for line in uncc if line.startswith("LAST\tP1891\t")}
    parties = {line.split("\t")[2] for line in uncc if line.startswith("LAST\tP6193\t")}
    assert len(signers) >= 72
    assert not {"Q16", "Q30", "Q878"} & signers  # Canada, United States, UAE: claims that are doubted
    assert parties == set()  # Qatar's and Viet Nam's ratifications are unverified


def test_the_export_is_deterministic(
    graph_store: ox.Store, exported: Export, graph_quads: Sequence[ox.Quad]
) -> None:
    assert export(graph_store).text == exported.text
    shuffled = ox.Store()
    fill_store(shuffled, list(reversed(graph_quads)))
    assert export(shuffled).text == exported.text


def test_statements_wikidata_has_can_be_left_out(graph_store: ox.Store, exported: Export) -> None:
    fewer = export(graph_store, skip={("Q881", "P298", "VNM"), ("Q881", "P463", "Q7768")})
    assert fewer.statements == exported.statements - 2
    assert "Q881\tP298" not in fewer.text and "Q881\tP463\tQ7768" not in fewer.text
    assert "Q881\tP297" in fewer.text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Time("2025-10-25", DAY), "+2025-10-25T00:00:00Z/11"),
        (Time("2025-10", MONTH), "+2025-10-00T00:00:00Z/10"),
        (Time("1956", YEAR), "+1956-00-00T00:00:00Z/9"),
    ],
    ids=["day", "month", "year"],
)
def test_times_use_the_quickstatements_format(value: Time, written: str) -> None:
    assert time(value) == written
