"""Every way an import is refused, each with its exact message; nothing is ever written.

Rows are checked against a copy of the small test dataset (VNM and the EU signed the UN
convention on 2025-10-25; the USA had not, as of 2025-10-29; signature is open until 2026-12-31).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cybertreaty.curation.errors import CurationError, ImportRejected, InputRejected
from cybertreaty.curation.importer import import_file
from tests.curation.conftest import CONSENTS, NEW_SOURCE, SIGNATURES, TEST_SOURCE, TODAY, snapshot, write

WIKIDATA = "entity,qid,relation,sources,doubt,note"

# (id, input lines, expected problems; "{f}" is the input file)
ROW_CASES = [
    (
        "unknown-state",
        [CONSENTS, "ratification,Narnia,uncc,2026-03-01,,,untc-xviii-16,,,"],
        [
            "{f}:2: actor: 'Narnia' is not a known State: give an ISO 3166-1 code (FRA), an English name "
            "(France) or a Wikidata QID (Q142), or an organisation id from organisations.csv"
        ],
    ),
    (
        "state-not-in-states-csv",
        [SIGNATURES, "France,uncc,2025-10-25,hanoi,,,,untc-xviii-16,,,"],
        [
            "{f}:2: actor: 'France' is France (FRA), which is not a State in states.csv "
            "(the UN member and observer States)"
        ],
    ),
    (
        "qid-not-linked",
        [SIGNATURES, "Q142,uncc,2025-10-25,hanoi,,,,untc-xviii-16,,,"],
        ["{f}:2: actor: Q142 is not linked to any State or organisation in wikidata_links.csv"],
    ),
    (
        "qid-not-q-digits",
        [WIKIDATA, "USA,Q30a,same-as,unvotes,,"],
        ["{f}:2: qid: 'Q30a' is not a Wikidata item id (Q followed by digits, e.g. Q881)"],
    ),
    (
        "qid-with-leading-zero",
        [WIKIDATA, "USA,Q030,same-as,unvotes,,"],
        ["{f}:2: qid: 'Q030' is not a Wikidata item id (Q followed by digits, e.g. Q881)"],
    ),
    (
        "date-wrong-format",
        [CONSENTS, "ratification,VNM,uncc,01/03/2026,,,untc-xviii-16,,,"],
        ["{f}:2: date: '01/03/2026' is not a date in the form YYYY-MM-DD"],
    ),
    (
        "date-impossible",
        [CONSENTS, "ratification,VNM,uncc,2026-02-30,,,untc-xviii-16,,,"],
        ["{f}:2: date: '2026-02-30' is not a date in the form YYYY-MM-DD"],
    ),
    (
        "signature-before-window",
        [SIGNATURES, "USA,uncc,2025-10-24,hanoi,,,,untc-xviii-16,,,"],
        [
            "{f}:2: date: 2025-10-24 is outside the signature window of uncc (opened 2025-10-25, closes "
            "2026-12-31); after it closes a State can only accede"
        ],
    ),
    (
        "signature-month-after-window",
        [SIGNATURES, "PSE,uncc,2027-01,,,,,untc-xviii-16,,,"],
        ["{f}:2: date: 2027-01 is in the future (today is 2026-11-23)"],
    ),
    (
        "date-in-the-future",
        [CONSENTS, "ratification,VNM,uncc,2026-12-01,,,untc-xviii-16,,,"],
        ["{f}:2: date: 2026-12-01 is in the future (today is 2026-11-23)"],
    ),
    (
        "ratification-without-signature",
        [CONSENTS, "ratification,USA,uncc,2026-03-01,,,untc-xviii-16,,,"],
        [
            "{f}:2: type: ratification of uncc by USA, but signatures.csv has no signature of it: add the "
            "signature with its source (first, or in the same import), or record an accession"
        ],
    ),
    (
        "ratification-before-signature",
        [
            CONSENTS,
            "ratification,VNM,uncc,2025-10,,,untc-xviii-16,,,",
            "approval,eu,uncc,2025,,,untc-xviii-16,,,",
        ],
        [],  # same month / same year as the signature: not before it, accepted
    ),
    (
        "consent-dated-before-signature",
        [CONSENTS, "accession,VNM,uncc,2025-09-30,,,untc-xviii-16,,,"],
        ["{f}:2: date: 2025-09-30 is before the signature of uncc by VNM on 2025-10-25"],
    ),
    (
        "duplicate-of-existing-row",
        [SIGNATURES, "Viet Nam,uncc,2025-10-25,hanoi,,true,,untc-xviii-16,another quote,,"],
        [
            "{f}:2: row: duplicates signatures.csv:2: the same fact from the same source (untc-xviii-16)",
        ],
    ),
    (
        "duplicate-inside-the-import",
        [
            CONSENTS,
            "ratification,VNM,uncc,2026-03-01,,,untc-xviii-16,,,",
            "ratification,VNM,uncc,2026-03-01,,,untc-xviii-16,,,",
        ],
        ["{f}:3: row: duplicates {f}:2: the same fact from the same source (untc-xviii-16)"],
    ),
    (
        "missing-source",
        [CONSENTS, "ratification,VNM,uncc,2026-03-01,,,un-notification-2026,,,"],
        [
            "{f}:2: sources: 'un-notification-2026' is not an id in sources.csv: cite an existing source, "
            "or add it with source_url, source_title and source_kind"
        ],
    ),
    (
        "no-source-at-all",
        [CONSENTS, "ratification,VNM,uncc,2026-03-01,,,,,,"],
        [
            "{f}:2: sources: is empty; every row cites a source: ids from sources.csv, or a new one "
            "with source_url"
        ],
    ),
    (
        "new-source-without-title-or-kind",
        [f"{CONSENTS},{NEW_SOURCE}", "ratification,VNM,uncc,2026-03-01,,,,,,,https://example.org/x,,"],
        ["{f}:2: source_title: is empty; this column is required"],
    ),
    (
        "new-source-with-a-bad-kind",
        [f"{CONSENTS},{NEW_SOURCE}", "ratification,VNM,uncc,2026-03-01,,,,,,,https://example.org/x,X,blog"],
        ["{f}:2: source_kind: 'blog' is not one of: official, news, dataset, secondary, ai-generated"],
    ),
    (
        "every-bad-row-is-reported",
        [
            CONSENTS,
            "ratification,VNM,uncc,2026-03-01,,,untc-xviii-16,,,",
            "ratification,Narnia,uncc,2026-03-01,,,untc-xviii-16,,,",
            "ratification,VNM,cets-185,2026-03-01,,,untc-xviii-16,,,",
            "ratification,USA,uncc,2026-03-01,,,nope,,,",
        ],
        [
            "{f}:3: actor: 'Narnia' is not a known State: give an ISO 3166-1 code (FRA), an English name "
            "(France) or a Wikidata QID (Q142), or an organisation id from organisations.csv",
            "{f}:4: instrument: 'cets-185' is not an id in instruments.csv",
            "{f}:5: sources: 'nope' is not an id in sources.csv: cite an existing source, or add it with "
            "source_url, source_title and source_kind",
        ],
    ),
]


@pytest.mark.parametrize(("lines", "expected"), [c[1:] for c in ROW_CASES], ids=[c[0] for c in ROW_CASES])
def test_a_bad_row_is_refused_with_its_exact_problem(
    minimal: Path, tmp_path: Path, lines: list[str], expected: list[str]
) -> None:
    source = write(tmp_path / "in.csv", *lines)
    before = snapshot(minimal)
    if not expected:
        plan = import_file(str(source), minimal, today=TODAY, dry_run=True)
        assert len(plan.rows) == len(lines) - 1
        return
    with pytest.raises(ImportRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert [str(p) for p in caught.value.problems] == [e.format(f=source) for e in expected]
    assert snapshot(minimal) == before


def test_the_row_cases_are_all_collected() -> None:
    assert len(ROW_CASES) == 20


CSV_CASES = [
    (
        "wrong-columns",
        f"{CONSENTS.replace(',sources', '')}\n".encode(),
        1,
        "header matches no file of data/; closest is consents.csv (missing columns: sources): fix the header "
        "or give --kind",
    ),
    (
        "extra-column",
        f"{CONSENTS},comment\n".encode(),
        1,
        "header matches no file of data/; closest is consents.csv (unknown columns: comment): fix the header "
        "or give --kind",
    ),
    ("repeated-column", f"{CONSENTS},note\n".encode(), 1, "header repeats columns: note"),
    (
        "latin-1",
        f"{SIGNATURES}\n".encode() + "PSE,uncc,unknown,hanoi,,,,untc-xviii-16,São Tomé,,\n".encode("latin-1"),
        2,
        "is not valid UTF-8 (byte 128); save it as UTF-8",
    ),
    (
        "bom",
        b"\xef\xbb\xbf" + f"{SIGNATURES}\n".encode(),
        1,
        "starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
    ),
    (
        "quoted-newline",
        f'{SIGNATURES}\nPSE,uncc,unknown,hanoi,,,,untc-xviii-16,"two\nlines",,\n'.encode(),
        2,
        "quote: has a line break inside quotes; data/ keeps one row per line, so write it on one line",
    ),
    (
        "unclosed-quote",
        f'{SIGNATURES}\nPSE,uncc,unknown,hanoi,,,,untc-xviii-16,"open,,\n'.encode(),
        2,
        "is not valid CSV: unexpected end of data (a quote is opened and never closed)",
    ),
    ("short-row", f"{SIGNATURES}\nPSE,uncc,unknown\n".encode(), 2, "has 3 fields but the header has 11"),
    ("empty", b"", 1, "is empty; it needs a header row"),
    ("header-only", f"{SIGNATURES}\n".encode(), 0, "has no rows to import"),
]


@pytest.mark.parametrize(("raw", "line", "reason"), [c[1:] for c in CSV_CASES], ids=[c[0] for c in CSV_CASES])
def test_a_malformed_csv_is_refused_naming_line_and_reason(
    minimal: Path, tmp_path: Path, raw: bytes, line: int, reason: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(raw)
    before = snapshot(minimal)
    with pytest.raises(InputRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    where = f"{source}:{line}" if line else str(source)
    assert str(caught.value) == f"{where}: {reason}"
    assert snapshot(minimal) == before


def test_the_csv_cases_are_all_collected() -> None:
    assert len(CSV_CASES) == 10


def test_kind_names_the_file_when_the_header_is_ambiguous_or_wrong(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", f"{CONSENTS},comment")
    with pytest.raises(InputRejected) as caught:
        import_file(str(source), minimal, kind="consents", today=TODAY)
    assert str(caught.value) == (
        f"{source}:1: header is wrong for consents.csv (unknown columns: comment); expected {CONSENTS}"
    )
    with pytest.raises(InputRejected, match="unknown kind 'treaties': use one of sources, places"):
        import_file(str(source), minimal, kind="treaties", today=TODAY)


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB in no time and no disk

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(InputRejected) as caught:
        import_file(str(huge), minimal, today=TODAY)
    assert str(caught.value) == (
        f"{huge}: is too large (104857600 bytes); the limit is 10000000 bytes (10 MB): split it"
    )


def test_a_future_date_depends_on_today(minimal: Path, tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", CONSENTS, "ratification,VNM,uncc,2026-12-01,,,untc-xviii-16,,,")
    plan = import_file(str(source), minimal, today=dt.date(2026, 12, 2), dry_run=True)
    assert [str(p) for p in plan.rows] == ["consents.csv:2"]


def test_a_row_the_shapes_reject_is_refused_after_the_row_checks(minimal: Path, tmp_path: Path) -> None:
    # A vote passes every row check, but the recorded totals of the vote (1 yes) would no longer
    # match the per-State votes (2 yes): the whole graph would not conform.
    source = write(
        tmp_path / "in.csv",
        "vote_event,actor,option,sources,doubt,note",
        "a-res-74-247-plenary,PSE,yes,unvotes,,",
    )
    before = snapshot(minimal)
    with pytest.raises(ImportRejected) as caught:
        import_file(str(source), minimal, today=TODAY)
    assert [str(p) for p in caught.value.problems] == [
        f"{minimal.resolve()}: Vote totals: Plenary vote on resolution 74/247: The recorded yes total is 1, "
        "but the per-State votes with that option add up to 2: check the totals in vote_events.csv "
        "against votes.csv."
    ]
    assert snapshot(minimal) == before


def test_data_that_does_not_build_is_named_before_any_import(minimal: Path, tmp_path: Path) -> None:
    with (minimal / "states.csv").open("a", encoding="utf-8") as handle:
        handle.write("XXA,Examplestan,member,unvotes,,\n")
    source = write(tmp_path / "in.csv", CONSENTS, "ratification,VNM,uncc,2026-03-01,,,untc-xviii-16,,,")
    with pytest.raises(
        CurationError, match=r"data/ itself does not build, fix it first: .*states.csv:5: iso3"
    ):
        import_file(str(source), minimal, today=TODAY)


def test_new_source_rows_are_only_for_files_that_cite_sources(minimal: Path, tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        f"id,label,sources,note,{NEW_SOURCE}",
        f"geneva,Geneva,,,{TEST_SOURCE}",
    )
    plan = import_file(str(source), minimal, today=TODAY, dry_run=True)
    assert [(str(p), p.addition.values.get("sources")) for p in plan.rows] == [
        ("sources.csv:6", None),
        ("places.csv:3", "example-org-depositary-notification"),
    ]
