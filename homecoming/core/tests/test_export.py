from __future__ import annotations

from homecoming.core.export import csv_lines


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    lines = list(
        csv_lines(["name", "n"], [["=HYPERLINK(1)", 3], ["+1", -2], ["@SUM", "-x"], ["Zar", "ok"]])
    )
    assert lines == [
        "name,n\r\n",
        "'=HYPERLINK(1),3\r\n",
        "'+1,-2\r\n",
        "'@SUM,'-x\r\n",
        "Zar,ok\r\n",
    ]
