from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from defusedxml.ElementTree import iterparse as defused_iterparse
from openpyxl.xml import functions

from homecoming.core.errors import ApplicationError
from homecoming.core.safety import looks_like_formula, open_workbook, size_text

VALID_WORKBOOK = Path(__file__).resolve().parents[3] / "tests" / "corpus" / "households-valid.xlsx"


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", '=HYPERLINK("x")'],
)
def test_cells_a_spreadsheet_would_run_are_formulas(cell):
    assert looks_like_formula(cell)


@pytest.mark.parametrize(
    "cell", ["-12.5", "+994 50 123 45 67", "+994(12)555-01-01", "-", "Zar", "1,250", ""]
)
def test_numbers_phones_and_names_are_not_formulas(cell):
    assert not looks_like_formula(cell)


def test_sizes_read_as_people_say_them():
    assert [size_text(n) for n in (900, 512 * 1024, 200 * 1024**2, int(2.1 * 1024**3))] == [
        "900 bytes",
        "512 KB",
        "200 MB",
        "2.1 GB",
    ]


def test_openpyxl_parses_sheets_through_defusedxml():
    assert openpyxl.DEFUSEDXML
    assert functions.iterparse is defused_iterparse


def test_workbooks_are_refused_when_defusedxml_is_switched_off(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)  # what OPENPYXL_DEFUSEDXML=False does
    with (
        pytest.raises(ApplicationError, match="XLSX imports need defusedxml"),
        open_workbook(VALID_WORKBOOK),
    ):
        pass
