"""Exports written by KoboToolbox's own export code (formpack) and by ODK Central, as the
import reads them: tests/fixtures/kobo/README.md says how each file was made."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homecoming.core.errors import ApplicationError
from homecoming.registry.fieldforms import kobo_import, kobo_table
from homecoming.registry.models import ChangeRequest, Household

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "kobo"
ROOT = "5b0e6a1f-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
EDIT = "9e8d7c6b-5a49-4838-a7b6-c5d4e3f2a1b0"
VARIANTS = [
    "kobo-default-labels.xlsx",
    "kobo-azerbaijani-labels.xlsx",
    "kobo-untranslated-labels.xlsx",
    "kobo-xml-names.xlsx",
    "kobo-xml-names-no-hxl.xlsx",
    "kobo-xml-names-group-slash.xlsx",
    "kobo-xml-names-group-dot.xlsx",
    "kobo-xml-names-group-colon.xlsx",
    "kobo-labels-group-slash.xlsx",
    "kobo-azerbaijani-labels-group-dot.xlsx",
    "kobo-api.json",
    "central-odata.json",
    "central-csv.zip",
]


def _imported(name: str, **options):
    report = kobo_import(table=kobo_table(FIXTURES / name), **options)
    assert report.ok, report.errors
    return report


@pytest.mark.parametrize("name", VARIANTS)
def test_every_export_kobo_and_central_write_registers_the_two_families(places, name):
    report = _imported(name)
    assert report.created == 2
    household = Household.objects.get(reference=f"KOBO-{ROOT}")
    assert household.origin_settlement == places.zar
    assert (household.accommodation, household.intention) == ("hostel", "return_now")
    assert household.registered_on.isoformat() == "2026-11-30"
    head, spouse = household.members.order_by("id")
    assert (head.relation, head.given_name, head.sex) == ("head", "Rəşad", "male")
    assert head.documents.get().number == "AZE17120099"
    assert (spouse.relation, spouse.birth_date.isoformat()) == ("spouse", "1974-10-21")
    other = Household.objects.exclude(pk=household.pk).get()
    assert (other.origin_settlement, other.accommodation) == (places.ballija, "with_relatives")


@pytest.mark.parametrize("name", ["kobo-default-labels.csv", "kobo-xml-names.csv"])
def test_a_csv_export_is_refused_with_the_export_to_make(places, name):
    with pytest.raises(ApplicationError, match="not their members.*export the submissions"):
        kobo_table(FIXTURES / name)


@pytest.mark.parametrize(
    ("first", "edited"),
    [
        ("kobo-xml-names.xlsx", "kobo-edited-xml-names.xlsx"),
        ("kobo-default-labels.xlsx", "kobo-edited-labels.xlsx"),
        ("kobo-api.json", "kobo-edited-api.json"),
        ("central-odata.json", "central-odata-edited.json"),
    ],
)
def test_an_edited_submission_proposes_its_changes_to_the_household_it_edits(
    places, kalbajar_officer, first, edited
):
    _imported(first)
    household = Household.objects.get(reference=f"KOBO-{ROOT}")
    report = _imported(edited, by=kalbajar_officer)
    assert (report.created, report.updated) == (0, 2)
    assert Household.objects.count() == 2
    request = ChangeRequest.objects.get()
    assert (request.household, request.part, request.requested_by) == (
        household,
        ChangeRequest.Part.MEMBERSHIP,
        kalbajar_officer,
    )
    assert [m["given_name"] for m in request.proposed["add"]] == ["Aysu"]
    assert request.proposed["end"] == []
    assert request.proposed["add"][0]["joined_reason"] == "birth"
    assert household.members.count() == 2  # nothing changes before a second officer approves
    again = _imported(edited, by=kalbajar_officer)
    assert (again.created, again.updated) == (0, 2)
    assert ChangeRequest.objects.count() == 1


def test_an_edit_needs_the_officer_who_proposes_it(places):
    _imported("kobo-api.json")
    report = kobo_import(table=kobo_table(FIXTURES / "kobo-edited-api.json"))
    assert [(e.row, e.column) for e in report.errors] == [(1, "household")]
    assert "second officer" in report.errors[0].message
    assert not ChangeRequest.objects.exists()


def test_the_import_command_names_the_officer_of_the_edits(places, kalbajar_officer):
    _imported("kobo-xml-names.xlsx")
    with pytest.raises(CommandError):
        call_command("import", "kobo", str(FIXTURES / "kobo-edited-xml-names.xlsx"))
    out = io.StringIO()
    call_command(
        "import", "kobo", str(FIXTURES / "kobo-edited-xml-names.xlsx"), "--by", "kalbajar",
        stdout=out,
    )  # fmt: skip
    assert ChangeRequest.objects.get().household.reference == f"KOBO-{ROOT}"


def test_the_central_feed_without_its_members_is_refused_with_the_query_to_make(places, tmp_path):
    data = json.loads((FIXTURES / "central-odata.json").read_text())
    for item in data["value"]:
        del item["members"]
        item["members@odata.navigationLink"] = f"Submissions('{item['__id']}')/members"
    path = tmp_path / "central.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ApplicationError, match=r"\$expand=\*"):
        kobo_table(path)


def test_a_zip_without_the_members_file_is_refused(places, tmp_path):
    path = tmp_path / "central.zip"
    with (
        zipfile.ZipFile(FIXTURES / "central-csv.zip") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for name in source.namelist():
            if not name.endswith("-members.csv"):
                target.writestr(name, source.read(name))
    with pytest.raises(ApplicationError, match="members.csv"):
        kobo_table(path)


def test_one_pushed_submission_reads_as_an_export_of_one(places):
    report = _imported("kobo-rest-service.json")
    assert report.created == 1
    assert Household.objects.get().reference == f"KOBO-{ROOT}"
