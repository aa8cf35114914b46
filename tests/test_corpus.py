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


def test_the_corpus_readme_lists_every_file():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert listed == {p.name for p in CORPUS.iterdir() if p.name != "README.md"}


def test_a_byte_order_mark_is_read_past(places):
    assert "created 1" in run_import("households", CORPUS / "byte-order-mark.csv")
    assert Household.objects.get().reference == "C-0001"


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
