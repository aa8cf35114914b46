from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from homecoming.core.errors import ApplicationError
from homecoming.core.tabular import (
    ImportReport,
    Row,
    RowReader,
    Table,
    read_table,
    stream_table,
)


def test_it_reads_csv_with_bom_and_skips_the_hxl_row(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(
        "\ufeffKind,Name \n#loc+type,#loc+name\nvillage,Zar\n\n,\ncity,Kəlbəcər\n", encoding="utf-8"
    )
    table = read_table(path)
    assert table.columns == ["kind", "name"]
    assert [(r.number, r.values) for r in table.rows] == [
        (3, {"kind": "village", "name": "Zar"}),
        (6, {"kind": "city", "name": "Kəlbəcər"}),
    ]


def test_it_reads_xlsx_dates_and_whole_numbers_as_text(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "as_of", "value"])
    sheet.append(["Zar", dt.datetime(2025, 9, 15), 139.0])  # noqa: DTZ001 (Excel cells have no zone)
    path = tmp_path / "figures.xlsx"
    workbook.save(path)
    assert read_table(path).rows[0].values == {"name": "Zar", "as_of": "2025-09-15", "value": "139"}


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("latin1.csv", "name\nK\xe9\n".encode("latin-1"), "not UTF-8"),
        ("places.txt", b"name\nZar\n", "unsupported file type"),
        ("broken.xlsx", b"not a zip", "not a readable XLSX"),
    ],
)
def test_it_refuses_unreadable_files_with_a_clear_message(tmp_path, filename, content, message):
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(ApplicationError, match=message):
        read_table(path)


def test_row_reader_reports_every_bad_cell_with_row_and_column():
    errors = []
    reader = RowReader(
        Row(
            7,
            {
                "lat": "95",
                "when": "2999-01-01",
                "kind": "town",
                "name": "Z\u200bar",
                "count": "12a",
            },
        ),
        errors,
    )
    assert reader.decimal("lat", minimum=-90, maximum=90) is None
    assert reader.date("when") is None
    assert reader.choice("kind", ["city", "village"]) is None
    assert reader.text("name") == ""
    assert reader.decimal("count") is None
    assert not reader.ok
    assert [str(e) for e in errors] == [
        "row 7, lat: must be between -90 and 90 (got 95)",
        "row 7, when: 2999-01-01 is in the future",
        "row 7, kind: 'town' is not one of city, village",
        "row 7, count: '12a' is not a number",
    ]


def test_a_cell_no_import_may_take_is_reported_once_by_the_report_whatever_reads_it():
    row = Row(7, {"name": "Z\u200bar", "reference": "=1+1", "count": "12"})
    table = Table(name="f.csv", columns=["name", "reference", "count"], rows=[row])
    report = ImportReport.begin("places", table, dry_run=False, required={"name"})
    reader = RowReader(row, report.errors)
    assert reader.text("name", required=True) == ""  # read as empty, not reported again
    assert reader.raw("reference") == ""
    assert reader.integer("count") == 12
    assert [str(e) for e in report.errors] == [
        "row 7, name: contains invisible characters (U+200B)",
        "row 7, reference: '=1+1' would run as a formula in a spreadsheet",
    ]


def test_row_reader_accepts_thousands_separators_and_checks_geojson():
    errors = []
    reader = RowReader(
        Row(
            2,
            {
                "n": "1,661",
                "shape": '{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}',
            },
        ),
        errors,
    )
    assert reader.decimal("n") == 1661
    assert reader.geojson("shape", kinds=("Polygon",)) is None
    assert "Self-intersection" in errors[0].message


def test_a_streamed_table_reads_the_file_at_each_pass_and_refuses_a_fault_when_it_reaches_it(
    tmp_path,
):
    path = tmp_path / "households.csv"
    rows = "".join(f"H-{n},Zar\n" for n in range(3000))  # past the reader's first chunk
    path.write_text("household,name\n" + rows + "household,name\n", encoding="utf-8")
    table = stream_table(path)
    assert table.columns == ["household", "name"]
    numbers = []
    with pytest.raises(ApplicationError, match="row 3002 repeats the header row"):
        numbers += [row.number for row in table.rows]
    path.write_text("household,name\n" + rows, encoding="utf-8")
    assert [row.number for row in table.rows][-1] == 3001
    assert table.rows.expected() == 3000


def test_a_byte_that_is_not_utf8_far_into_a_streamed_file_is_named_with_its_line(tmp_path):
    path = tmp_path / "households.csv"
    path.write_bytes(b"household,name\n" + b"H-1,Zar\n" * 5000 + b"H-2,K\xe9\n")
    table = stream_table(path)
    with pytest.raises(ApplicationError, match="byte 0xE9 on line 5002"):
        list(table.rows)


def test_a_streamed_report_checks_each_cell_as_the_row_is_read():
    table = Table("t.csv", ["name"], [Row(2, {"name": "Zar"}), Row(3, {"name": "=1+1"})])
    report = ImportReport.begin_streamed("places", table, dry_run=False, required={"name"})
    assert report.errors == []
    assert [row.number for row in report.read(table)] == [2, 3]
    assert (report.rows, [str(e) for e in report.errors]) == (
        2,
        ["row 3, name: '=1+1' would run as a formula in a spreadsheet"],
    )
