"""Every file of the bad-input corpus (tests/corpus/README.md) through ``homecoming import``:
the clear error it must give, and proof that nothing was written; or, for the files that are
accepted after cleaning, the cleaned values. Files too big to commit are made here."""

from __future__ import annotations

import re
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from homecoming.registry.models import Household, Member

CORPUS = Path(__file__).resolve().parent / "corpus"
MB = 1024 * 1024

pytestmark = pytest.mark.django_db

# file, import kind, what the user is told (every line must appear)
REFUSED = [
    (
        "formula-injection.csv",
        "households",
        [
            """row 3, given_name: '=HYPERLINK("http://example.org' would run as a formula in a spreadsheet""",
            """row 4, family_name: "-2+3+cmd|' /C calc'!A0" would run as a formula in a spreadsheet""",
            "row 5, given_name: '@SUM(1+1)' would run as a formula in a spreadsheet",
            "3 error(s): nothing was imported",
        ],
    ),
    (
        "formula-injection.xlsx",
        "households",
        ["row 3, given_name: '=1+1' would run as a formula in a spreadsheet"],
    ),
    (
        "zero-width-characters.csv",
        "households",
        ["row 3, given_name: contains invisible characters (U+200B)"],
    ),
    (
        "right-to-left-override.csv",
        "households",
        ["row 3, family_name: contains invisible characters (U+202E)"],
    ),
    (
        "control-characters.csv",
        "households",
        ["row 3, given_name: contains invisible characters (U+0000)"],
    ),
    (
        "mixed-scripts.csv",
        "households",
        ["row 3, given_name: 'Еlvin' mixes Latin and Cyrillic letters in one word"],
    ),
    (
        "excel-serial-dates.csv",
        "households",
        [
            "row 3, birth_date: 27455 looks like an Excel serial date (1975-03-02 if so); give the date as YYYY-MM-DD"
        ],
    ),
    (
        "malformed-dates.csv",
        "households",
        [
            "row 3, birth_date: '1975-02-30' is not a real date in the form YYYY-MM-DD (or a year)",
            "row 4, birth_date: '02/03/1975' is not a real date in the form YYYY-MM-DD (or a year)",
            "row 5, birth_date: 2999-01-01 is in the future",
            "row 6, birth_date: 1875-06-01 is before 1900",
        ],
    ),
    (
        "duplicate-document-numbers.csv",
        "households",
        ["row 3, document_number: AZE12345678 is also given on row 2 (household C-0001)"],
    ),
    (
        "duplicate-person.csv",
        "households",
        [
            "row 3, given_name: the same person (names and birth date) is in household C-0001 on row 2; a member belongs to one household"
        ],
    ),
    ("duplicate-hazard-codes.csv", "hazards", ["row 3, code: HA-0900 is also given on row 2"]),
    (
        "self-intersecting-polygon.csv",
        "hazards",
        ["row 2, geometry: is not a valid Polygon: Self-intersection"],
    ),
    (
        "not-a-feature-collection.geojson",
        "hazards",
        ["not-a-feature-collection.geojson: a GeoJSON FeatureCollection is expected"],
    ),
    (
        "too-long-reference.csv",
        "households",
        ["row 3, household: C-999999999999999999… is longer than 64 characters"],
    ),
    (
        "missing-columns.csv",
        "households",
        [
            "row 1, birth_date: required column is missing",
            "row 1, origin_settlement: required column is missing",
            "row 1, sex: required column is missing",
        ],
    ),
    ("windows-1251.csv", "households", ["windows-1251.csv: not UTF-8 text"]),
    (
        "semicolon-separated.csv",
        "households",
        [
            "semicolon-separated.csv: the columns are separated by semicolons; save the file as comma-separated CSV (UTF-8)"
        ],
    ),
    (
        "empty.csv",
        "households",
        ["empty.csv: the file is empty; the first row must name the columns"],
    ),
    (
        "csv-renamed.xlsx",
        "households",
        [
            "csv-renamed.xlsx: not a readable XLSX workbook (not a zip archive: a CSV or other file renamed .xlsx?"
        ],
    ),
    (
        "excel-97-renamed.xlsx",
        "households",
        [
            "excel-97-renamed.xlsx: not a readable XLSX workbook (it is an Excel 97-2003 .xls file; save it as .xlsx)"
        ],
    ),
    (
        "entity-expansion.xlsx",
        "households",
        [
            "entity-expansion.xlsx: not a readable XLSX workbook (its XML declares entities or external references, which imports refuse: EntitiesForbidden(name='lol'"
        ],
    ),
    (
        "external-entity.xlsx",
        "households",
        [
            "external-entity.xlsx: not a readable XLSX workbook (its XML declares entities or external references, which imports refuse: EntitiesForbidden(name='xxe', system_id='file:///etc/passwd'"
        ],
    ),
    # The household reference follows the rules of every other column.
    (
        "reference-nul-byte.csv",
        "households",
        ["row 2, household: contains invisible characters (U+0000)"],
    ),
    (
        "reference-right-to-left-override.csv",
        "households",
        ["row 2, household: contains invisible characters (U+202E)"],
    ),
    (
        "reference-zero-width-space.csv",
        "households",
        ["row 2, household: contains invisible characters (U+200B)"],
    ),
    (
        "reference-formula.csv",
        "households",
        [
            """row 2, household: '=HYPERLINK("http://example.org' would run as a formula in a spreadsheet"""
        ],
    ),
    (
        "reference-script-tag.csv",
        "households",
        [
            "row 2, household: '<script>alert(1)</script>' is not a household reference: use the letters A-Z, digits and - _ . /"
        ],
    ),
    # Invisible characters outside the control and format categories.
    (
        "hangul-fillers.csv",
        "households",
        [
            "row 2, given_name: contains invisible characters (U+3164)",
            "row 3, family_name: contains invisible characters (U+115F)",
            "row 4, given_name: contains invisible characters (U+1160)",
            "row 5, given_name: contains invisible characters (U+FFA0)",
            "4 error(s): nothing was imported",
        ],
    ),
    (
        "combining-grapheme-joiner.csv",
        "households",
        ["row 2, given_name: contains invisible characters (U+034F)"],
    ),
    (
        "variation-selectors.csv",
        "households",
        [
            "row 2, given_name: contains invisible characters (U+FE0F)",
            "row 3, family_name: contains invisible characters (U+E0100)",
        ],
    ),
    (
        "blank-braille-name.csv",
        "households",
        ["row 2, given_name: contains invisible characters (U+2800)"],
    ),
    # Letters and digits that look like others.
    (
        "greek-lookalike.csv",
        "households",
        [
            "row 2, given_name: 'Αlvin' has letters or digits of another script or form (U+0391 GREEK CAPITAL LETTER ALPHA); use Latin or Cyrillic letters and the digits 0-9"
        ],
    ),
    (
        "fullwidth-forms.csv",
        "households",
        [
            "row 2, given_name: 'Ｅlvin' has letters or digits of another script or form (U+FF25 FULLWIDTH LATIN CAPITAL LETTER E)",
            "row 3, document_number: 'AZE１２３４５６７８' has letters or digits of another script or form (U+FF11 FULLWIDTH DIGIT ONE",
        ],
    ),
    (
        "mixed-script-document-number.csv",
        "households",
        ["row 2, document_number: 'АZE12345678' mixes Latin and Cyrillic letters in one word"],
    ),
    # Dates are read whole.
    (
        "dates-with-trailing-text.csv",
        "households",
        [
            "row 2, birth_date: '1975-03-02 or 03' is not a real date in the form YYYY-MM-DD (or a year)",
            "row 3, document_expiry: '2031-05-01T99:99' is not a date in the form YYYY-MM-DD",
            "row 4, birth_date: '19820404' is not a real date in the form YYYY-MM-DD (or a year)",
        ],
    ),
    (
        "impossible-dates.csv",
        "households",
        [
            "row 2, birth_date: '0000-00-00' is not a real date in the form YYYY-MM-DD (or a year)",
            "row 3, birth_date: '31/02/1980' is not a real date in the form YYYY-MM-DD (or a year)",
            "row 4, birth_date: '1982-02-29' is not a real date in the form YYYY-MM-DD (or a year)",
        ],
    ),
    (
        "document-number-two-types.csv",
        "households",
        ["row 3, document_number: AZE12345678 is also given on row 2 (household C-0001)"],
    ),
    (
        "empty-origin-settlement.csv",
        "households",
        ["row 2, origin_settlement: is required", "1 error(s): nothing was imported"],
    ),
    # A file whose structure is broken.
    (
        "unclosed-quote.csv",
        "households",
        [
            'unclosed-quote.csv: row 3: a quote (") opened on this row is never closed, so the rest of the file would be read as one cell'
        ],
    ),
    (
        "header-repeated.csv",
        "households",
        [
            "header-repeated.csv: row 3 repeats the header row (two files pasted together?); remove it"
        ],
    ),
    (
        "duplicate-header.csv",
        "households",
        [
            "duplicate-header.csv: row 1: columns 3 and 8 are both named 'given_name'; which one holds the data cannot be told"
        ],
    ),
    (
        "cells-beyond-header.csv",
        "households",
        [
            "cells-beyond-header.csv: row 3, column 8: 'AZE12345678' is in a column the header does not name"
        ],
    ),
    (
        "spreadsheet-errors.csv",
        "households",
        [
            "row 2, given_name: '#N/A' is a spreadsheet error, not a value: correct the formula it came from",
            "row 3, birth_date: '#VALUE!' is a spreadsheet error, not a value",
            "2 error(s): nothing was imported",
        ],
    ),
    (
        "utf-16.csv",
        "households",
        ["utf-16.csv: not UTF-8 text (it is UTF-16, as Excel saves 'Unicode text')"],
    ),
    (
        "several-sheets.xlsx",
        "households",
        [
            "several-sheets.xlsx: the workbook has data on sheets other than the first (more); an import reads one sheet"
        ],
    ),
    (
        "formula-cells.xlsx",
        "households",
        ["""row 2, family_name: '=UPPER("məmmədov")' would run as a formula in a spreadsheet"""],
    ),
    (
        "device-counts.csv",
        "devices",
        [
            "row 2, ap_mines: must be at least 0 (got -3)",
            "row 3, ap_mines: 'NaN' is not a number",
            "row 3, at_mines: 'Infinity' is not a number",
            "row 3, uxo: '1e3' is not a number",
            "row 4, ap_mines: 99999999999 is larger than any number taken here (2,147,483,647)",
        ],
    ),
    (
        "stretched-dimension.xlsx",
        "households",
        [
            "stretched-dimension.xlsx: row 1048576 reaches column 16,384; an import reads at most 1,000 columns"
        ],
    ),
    (
        "kobo-broken-sheet-xml.xlsx",
        "kobo",
        [
            "kobo-broken-sheet-xml.xlsx: not a readable XLSX workbook (unclosed token: line 1, column 693)"
        ],
    ),
    (
        "utility-without-settlement.csv",
        "utilities",
        ["row 2, settlement: is required", "1 error(s): nothing was imported"],
    ),
    (
        "figure-too-large.csv",
        "figures",
        [
            "row 2, value: 99999999999999999999 is larger than any number taken here (1,000,000,000,000)",
        ],
    ),
    (
        "geojson-property-object.geojson",
        "hazards",
        ["geojson-property-object.geojson: feature 1, source: is a list or an object, not a value"],
    ),
    # Kobo exports that do not hold together.
    (
        "kobo-orphan-member.xlsx",
        "kobo",
        [
            "kobo-orphan-member.xlsx, sheet 'members': row 3: the member's submission (_parent_index '2') is not in the export"
        ],
    ),
    (
        "kobo-duplicate-uuid.json",
        "kobo",
        [
            "kobo-duplicate-uuid.json: submissions 1 and 2 have one submission id (uuid-1); a submission is imported once"
        ],
    ),
    (
        "kobo-duplicate-column.xlsx",
        "kobo",
        [
            "kobo-duplicate-column.xlsx, sheet 'members': row 1: columns 2 and 7 are both named 'given_name'"
        ],
    ),
    (
        "kobo-duplicate-key.json",
        "kobo",
        [
            "kobo-duplicate-key.json: not a JSON export (the key 'origin_settlement' is given twice in one object)"
        ],
    ),
    (
        "kobo-cells-beyond-header.xlsx",
        "kobo",
        [
            "kobo-cells-beyond-header.xlsx, sheet 'homecoming_household': row 2, column 6: 'AZE12345678' is in a column the header does not name"
        ],
    ),
    (
        "kobo-top-level-number.json",
        "kobo",
        [
            "kobo-top-level-number.json: not a submissions export (a list of submissions, KoboToolbox's API answer with its results, or ODK Central's OData feed is expected)"
        ],
    ),
    (
        "kobo-results-number.json",
        "kobo",
        ["kobo-results-number.json: not a submissions export"],
    ),
    (
        "kobo-members-number.json",
        "kobo",
        ["kobo-members-number.json: submission 1: its members are not a list"],
    ),
    (
        "kobo-lone-surrogate.json",
        "kobo",
        ["row 1, given_name: contains invisible characters (U+D800)"],
    ),
]

# Refused against what an earlier file registered: (earlier file, file, kind, expected).
REFUSED_AFTER = [
    (
        "document-registered.csv",
        "document-registered-other-type.csv",
        "households",
        ["row 2, document_number: AZE12345678 is already registered"],
    ),
]

# Files made at run time (big, or only repetitive): (name, content, kind, expected).
NESTED = "[" * 200_000 + "]" * 200_000
MADE = [
    (
        "cell-over-the-field-limit.csv",
        "household,relation,given_name,family_name,sex,birth_date,origin_settlement\n"
        "C-0001,head,Elvin,Məmmədov,male,1975-03-02,Zar\n"
        f"C-0002,head,{'x' * 200_000},Nəsirov,male,1980-01-01,Zar\n",
        "households",
        [
            'cell-over-the-field-limit.csv: row 3: a cell is longer than 131,072 characters: is a quote (") left open?'
        ],
    ),
    (
        "deeply-nested.json",
        NESTED,
        "kobo",
        ["deeply-nested.json: not a JSON export (it is nested too deeply)"],
    ),
    (
        "deeply-nested.geojson",
        '{"type": "FeatureCollection", "features": ' + NESTED + "}",
        "hazards",
        ["deeply-nested.geojson: not a GeoJSON file (it is nested too deeply)"],
    ),
    (
        "deeply-nested-geometry.csv",
        "code,kind,district,geometry,source,info_date\n"
        f'HA-0901,confirmed,Kalbajar,"{"[" * 60_000}",Survey,2021-03-01\n',
        "hazards",
        ["row 2, geometry: is not GeoJSON (it is nested too deeply)"],
    ),
    (
        "number-of-5000-digits.json",
        '[{"_uuid": "uuid-1", "origin_settlement": ' + "1" * 5000 + "}]",
        "kobo",
        ["number-of-5000-digits.json: not a JSON export (Exceeds the limit (4300 digits)"],
    ),
]


def row_counts() -> dict[str, int]:
    """Rows of every table the project's models own: proof that an import wrote nothing."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def run_import(kind: str, path: Path) -> str:
    """What ``homecoming import`` tells the user: its report and, when it fails, its error."""
    out = StringIO()
    try:
        call_command("import", kind, str(path), stdout=out)
    except CommandError as exc:
        return f"{out.getvalue()}\n{exc}"
    return out.getvalue()


@pytest.mark.parametrize(("name", "kind", "expected"), REFUSED, ids=[c[0] for c in REFUSED])
def test_each_bad_file_is_refused_with_a_clear_error_and_nothing_written(
    places, name, kind, expected
):
    before = row_counts()
    told = run_import(kind, CORPUS / name)
    for line in expected:
        assert line in told
    assert row_counts() == before


@pytest.mark.parametrize(
    ("earlier", "name", "kind", "expected"), REFUSED_AFTER, ids=[c[1] for c in REFUSED_AFTER]
)
def test_a_file_that_clashes_with_what_is_registered_is_refused_and_nothing_written(
    places, earlier, name, kind, expected
):
    assert "created 1" in run_import(kind, CORPUS / earlier)
    before = row_counts()
    told = run_import(kind, CORPUS / name)
    for line in expected:
        assert line in told
    assert row_counts() == before


@pytest.mark.parametrize(("name", "content", "kind", "expected"), MADE, ids=[c[0] for c in MADE])
def test_each_bad_file_made_at_run_time_is_refused_in_words_and_nothing_written(
    places, tmp_path, name, content, kind, expected
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = row_counts()
    told = run_import(kind, path)
    for line in expected:
        assert line in told
    assert row_counts() == before


def test_the_corpus_readme_lists_every_file():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert listed == {p.name for p in CORPUS.iterdir() if p.name != "README.md"}


def test_a_byte_order_mark_is_read_past(places):
    assert "created 1" in run_import("households", CORPUS / "byte-order-mark.csv")
    assert Household.objects.get().reference == "C-0001"


def test_crlf_and_lf_line_ends_mixed_in_one_file_are_read_alike(places):
    assert "created 2" in run_import("households", CORPUS / "crlf-and-lf-mixed.csv")


def test_names_are_stored_trimmed_and_composed(places):
    assert "created 1" in run_import("households", CORPUS / "names-cleaned.csv")
    member = Member.objects.get()
    # "Me" + U+0301 (combining acute) is stored as the one letter "é" (NFC).
    assert (member.given_name, member.family_name) == ("Rəna Aygün", "Mémmədova")


def test_a_file_with_only_its_header_imports_nothing(places):
    before = row_counts()
    assert "0 row(s) read\ncreated 0, updated 0" in run_import(
        "households", CORPUS / "header-only.csv"
    )
    assert row_counts() == before


def test_the_well_formed_workbook_imports(places):
    """The hand-built XLSX files are read at all: the refused ones fail for their stated reason."""
    assert "created 1" in run_import("households", CORPUS / "households-valid.xlsx")


def workbook_with(tmp_path: Path, parts: dict[str, int]) -> Path:
    """The corpus's valid workbook with extra parts, each of that many zero bytes."""
    path = tmp_path / "households.xlsx"
    shutil.copy(CORPUS / "households-valid.xlsx", path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, size in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for _ in range(size // MB):
                    part.write(bytes(MB))
                part.write(bytes(size % MB))
    return path


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            {"xl/media/padding.bin": 210 * MB},
            r"households\.xlsx: the workbook expands to 210 MB, more than the 200 MB limit",
        ),
        (
            {"xl/media/padding.bin": 20 * MB},
            r"households\.xlsx: xl/media/padding\.bin is compressed \d{3,4} to 1, more than the "
            r"100 to 1 limit \(a zip bomb\?\)",
        ),
        (
            {f"xl/media/part{i}.bin": 0 for i in range(1000)},
            r"households\.xlsx: the workbook holds 1005 parts, more than the 1000 limit",
        ),
    ],
    ids=["expands-too-far", "compressed-too-hard", "too-many-parts"],
)
def test_an_xlsx_bomb_is_refused_before_it_is_parsed(places, tmp_path, parts, expected):
    path = workbook_with(tmp_path, parts)
    assert path.stat().st_size < 2 * MB
    before = row_counts()
    assert re.search(expected, run_import("households", path))
    assert row_counts() == before


def test_a_huge_file_is_refused_before_it_is_read(places, tmp_path):
    path = tmp_path / "households.csv"
    with path.open("wb") as file:
        file.write((CORPUS / "header-only.csv").read_bytes())
        file.truncate(51 * MB)  # sparse: takes no disk space
    before = row_counts()
    told = run_import("households", path)
    assert "households.csv: the file is 51 MB, more than the 50 MB limit for an import" in told
    assert row_counts() == before
