from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from homecoming.places.models import Settlement

pytestmark = pytest.mark.django_db

GOOD = """code,kind,name,name_az,parent,lat,lon,coordinates
#loc+code,#loc+type,#loc+name,#loc+name+i_az,#loc+code+parent,#geo+lat,#geo+lon,#geo+precision
AZ,country,Azerbaijan,Azərbaycan,,,,
,economic_region,East Zangezur,Şərqi Zəngəzur,AZ,,,
,district,Kalbajar,Kəlbəcər,AZ01,40.10,46.04,approximate
,village,Zar,Zar,AZ0101,40.01,46.20,approximate
"""


def test_import_places_writes_a_good_file_and_reports_counts(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import", "places", str(path))
    assert "places.csv: 4 row(s) read\ncreated 4, updated 0" in capsys.readouterr().out
    assert Settlement.objects.get().code == "AZ0101001"


def test_a_dry_run_prints_the_same_report_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import", "places", str(path), "--dry-run", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["written"], report["errors"]) == (4, False, [])
    assert not Settlement.objects.exists()


def test_a_bad_file_fails_with_the_row_report_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text(GOOD + ",village,Moz,Moz,AZ0101,40.0,460\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"1 error\(s\): nothing was imported"):
        call_command("import", "places", str(path))
    assert "row 7, lon: must be between -180 and 180 (got 460)" in capsys.readouterr().out
    assert not Settlement.objects.exists()


def test_a_missing_file_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "places", str(tmp_path / "nope.csv"))


def test_import_places_reads_xlsx_with_the_same_rules(tmp_path, capsys):
    from openpyxl import Workbook

    workbook = Workbook()
    for line in GOOD.splitlines():
        workbook.active.append(line.split(","))
    workbook.active.append(["", "village", "Vang", "Vəng", "AZ0101", 40.06, 45.93, "approximate"])
    path = tmp_path / "places.xlsx"
    workbook.save(path)
    call_command("import", "places", str(path))
    assert "created 5, updated 0" in capsys.readouterr().out
    assert Settlement.objects.get(name="Vang").lat == Decimal("40.060000")


def test_households_imported_with_by_name_the_officer_who_registered_them(
    tmp_path, places, kalbajar_officer
):
    import csv

    from homecoming.registry.models import HouseholdEvent
    from homecoming.registry.tests.test_imports import member

    path = tmp_path / "households.csv"
    rows = [member("H-1", "head", "Elvin"), member("H-2", "head", "Rauf", family_name="Əliyev")]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CommandError, match="households and kobo imports only"):
        call_command("import", "places", str(path), "--by", "kalbajar")
    call_command("import", "households", str(path), "--by", "kalbajar")
    registered = HouseholdEvent.objects.filter(action="registered")
    assert [event.by for event in registered] == [kalbajar_officer, kalbajar_officer]
