from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from homecoming.registry.fieldforms import household_xlsform, kobo_import, kobo_table
from homecoming.registry.models import Household

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "kobo-submissions.json"


def test_the_xlsform_has_the_members_repeat_and_the_settlements(places):
    workbook = load_workbook(io.BytesIO(household_xlsform()))
    names = [row[1] for row in workbook["survey"].iter_rows(min_row=2, values_only=True)]
    assert names[names.index("members") + 1 : names.index("members") + 3] == [
        "relation",
        "given_name",
    ]
    settlements = [
        row[1] for row in workbook["choices"].iter_rows(values_only=True) if row[0] == "settlement"
    ]
    assert places.zar.code in settlements


def test_json_submissions_import_once(places):
    table = kobo_table(EXAMPLE)
    report = kobo_import(table=table)
    assert (report.ok, report.created) == (True, 1), report.errors
    household = Household.objects.get()
    assert household.reference == "KOBO-8d1f0a2c-4b7e-4f3a-9c55-0f1e2d3c4b5a"
    assert [m.given_name for m in household.members.all()] == ["Rəşad", "Səbinə"]
    again = kobo_import(table=kobo_table(EXAMPLE))
    assert (again.ok, again.created, again.updated) == (True, 0, 1)
    assert Household.objects.count() == 1


def test_an_xlsx_export_with_a_members_sheet_imports(places, tmp_path):
    workbook = Workbook()
    main = workbook.active
    main.append(["origin_settlement", "accommodation", "intention", "_uuid", "_index"])
    main.append([places.zar.code, "sanatorium", "return_later", "uuid-1", 1])
    repeat = workbook.create_sheet("members")
    repeat.append(
        [
            "members/relation",
            "members/given_name",
            "members/family_name",
            "members/sex",
            "members/birth_date",
            "_parent_index",
        ]
    )
    repeat.append(["head", "Aygün", "Həsənova", "female", "1980-02-03", 1])
    repeat.append(["child", "Nurlan", "Həsənov", "male", "2009-06-30", 1])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    report = kobo_import(table=kobo_table(path))
    assert report.ok, report.errors
    assert Household.objects.get().members.count() == 2


def test_a_bad_submission_refuses_the_file_and_names_the_submission(places, tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data.append(
        {
            **data[0],
            "_uuid": "second",
            "meta/instanceID": "uuid:second",
            "meta/rootUuid": "uuid:second",
            "members": [
                {
                    "members/relation": "head",
                    "members/given_name": "Elvin",
                    "members/family_name": "Əliyev",
                    "members/sex": "male",
                    "members/birth_date": "2999-01-01",
                }
            ],
        }
    )
    path = tmp_path / "submissions.json"
    path.write_text(json.dumps(data))
    report = kobo_import(table=kobo_table(path))
    assert [str(e) for e in report.errors] == ["row 2, birth_date: 2999-01-01 is in the future"]
    assert not Household.objects.exists()


def test_the_xlsform_speaks_azerbaijani_in_its_choices_and_constraint_messages(places):
    workbook = load_workbook(io.BytesIO(household_xlsform()))
    survey = list(workbook["survey"].iter_rows(values_only=True))
    header = survey[0]
    birth = next(row for row in survey if row[1] == "birth_date")
    message = birth[header.index("constraint_message::Azerbaijani (az)")]
    assert message == "Bu tarix gələcəkdədir."
    assert message != birth[header.index("constraint_message::English (en)")]
    choices = {(row[0], row[1]): row[3] for row in workbook["choices"].iter_rows(values_only=True)}
    assert choices["relation", "head"] == "Ailə başçısı"
    assert choices["accommodation", "hostel"] == "Yataqxana"
    assert choices["settlement", places.zar.code] == "Zar (Kəlbəcər)"


def test_a_submission_is_registered_on_the_day_it_reached_the_server(places):
    kobo_import(table=kobo_table(EXAMPLE))
    assert Household.objects.get().registered_on.isoformat() == "2026-11-30"
