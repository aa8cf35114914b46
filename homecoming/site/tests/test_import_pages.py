"""Imports from the browser: upload, check by the worker, confirm, import by the worker,
history. The worker is the real one (`homecoming db_worker`), run as its own process."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import make_table
from homecoming.accounts.models import Role
from homecoming.core.tests.threads import at_once, refusals
from homecoming.registry.models import ChangeRequest, Household, HouseholdEvent
from homecoming.site.imports import (
    IMPORT_RULES,
    IMPORTERS,
    KIND_LABELS,
    import_as,
    import_kinds_for,
    read,
)
from homecoming.site.models import ImportRun
from homecoming.site.services import (
    import_checks_expire,
    import_run_confirm,
    import_run_process,
    import_run_upload,
    kept_path,
)

HEADER = "household,relation,given_name,family_name,sex,birth_date,origin_settlement\n"
GOOD = (
    HEADER + "W-001,head,Elvin,Məmmədov,male,1975-03-02,Zar\n"
    "W-001,spouse,Aynur,Məmmədova,female,1978-06-11,Zar\n"
    "W-002,head,Leyla,Əliyeva,female,1969-12-01,Kalbajar city\n"
)
# Row 3: a birth date in the future; row 4: a relation no import knows and a formula.
BAD = (
    HEADER + "W-001,head,Elvin,Məmmədov,male,1975-03-02,Zar\n"
    "W-001,spouse,Aynur,Məmmədova,female,2199-06-11,Zar\n"
    "W-002,aunt,=HYPERLINK(1),Əliyeva,female,1969-12-01,Kalbajar city\n"
)

N_AT_ONCE = 6


def upload(client, text: str, kind: str = "households", name: str = "spring.csv"):
    return client.post(
        reverse("import_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


@pytest.mark.django_db(transaction=True)
def test_a_file_with_errors_is_checked_by_the_worker_and_its_errors_shown_row_by_row(
    kalbajar_officer, client_for, run_worker
):
    client = client_for(kalbajar_officer)
    response = upload(client, BAD)
    run = ImportRun.objects.get()
    assert response.url == reverse("import_detail", args=[run.pk])
    assert run.status == ImportRun.Status.QUEUED
    assert run.checksum == hashlib.sha256(BAD.encode()).hexdigest()
    assert (run.file_name, run.uploaded_by) == ("spring.csv", kalbajar_officer)

    run_worker()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED
    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "The check found 3 errors: nothing will be imported" in page
    assert "<td>birth_date</td><td>2199-06-11</td><td>2199-06-11 is in the future</td>" in page
    assert "<td>relation</td><td>aunt</td><td>&#x27;aunt&#x27; is not one of" in page
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_annotated_file_holds_the_rows_with_their_errors_and_no_formula(
    kalbajar_officer, client_for, run_worker
):
    client = client_for(kalbajar_officer)
    upload(client, BAD)
    run_worker()
    run = ImportRun.objects.get()

    response = client.get(reverse("import_annotated", args=[run.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="spring-errors.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["household"] for r in rows] == ["W-001", "W-001", "W-002"]
    assert rows[0]["errors"] == ""
    assert rows[1]["errors"] == "birth_date: 2199-06-11 is in the future"
    assert rows[2]["given_name"] == "'=HYPERLINK(1)"  # neutralised: a spreadsheet shows it
    assert "given_name: '=HYPERLINK(1)' would run as a formula" in rows[2]["errors"]


@pytest.mark.django_db(transaction=True)
def test_a_checked_file_is_imported_by_the_worker_once_confirmed_and_kept_in_the_history(
    kalbajar_officer, client_for, run_worker
):
    client = client_for(kalbajar_officer)
    upload(client, GOOD)
    run_worker()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED
    assert (run.check_report["created"], run.check_report["errors"]) == (2, [])
    assert not Household.objects.exists()  # the check wrote nothing
    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert '<dd class="would-create">2</dd>' in page

    client.post(reverse("import_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.confirmed_by) == (ImportRun.Status.QUEUED, kalbajar_officer)
    run_worker()

    run.refresh_from_db()
    assert (run.status, run.created, run.report["written"]) == (ImportRun.Status.DONE, 2, True)
    assert sorted(Household.objects.values_list("reference", flat=True)) == ["W-001", "W-002"]
    # The confirming officer registered them: each household's history names them.
    assert set(
        HouseholdEvent.objects.filter(action="registered").values_list("by__username", flat=True)
    ) == {kalbajar_officer.username}
    history = client.get(reverse("import_list")).content.decode()
    assert "spring.csv" in history
    assert "Imported" in history


@pytest.mark.django_db(transaction=True)
def test_an_import_refused_by_changes_since_its_check_fails_whole(
    kalbajar_officer, client_for, run_worker, places
):
    client = client_for(kalbajar_officer)
    upload(client, GOOD)
    run_worker()
    run = ImportRun.objects.get()
    client.post(reverse("import_confirm", args=[run.pk]))
    Household.objects.create(
        reference="W-002", origin_settlement=places.zar, registered_on=dt.date(2024, 5, 1)
    )

    run_worker()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.report["errors"][0]["message"].startswith("W-002 is already registered")
    assert Household.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_progress_bar_answers_while_the_worker_works_and_reloads_the_page_after(
    kalbajar_officer, client_for, run_worker
):
    client = client_for(kalbajar_officer)
    upload(client, GOOD)
    run = ImportRun.objects.get()
    waiting = client.get(reverse("import_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert '<progress max="100" value="0"' in waiting.content.decode()
    run_worker()
    run.refresh_from_db()
    assert run.progress_done == run.progress_total == 3  # rows checked
    done = client.get(reverse("import_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_file_checked_with_errors_cannot_be_confirmed(
    kalbajar_officer, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = import_run_upload(
        user=kalbajar_officer,
        kind="households",
        upload=SimpleUploadedFile("spring.csv", BAD.encode()),
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.REFUSED)
    client = client_for(kalbajar_officer)

    response = client.post(reverse("import_confirm", args=[run.pk]), follow=True)

    assert "This file cannot be imported now" in response.content.decode()
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_an_officer_imports_no_household_outside_their_districts(kalbajar_officer):
    rows = [
        {
            "household": "W-9",
            "relation": "head",
            "given_name": "Elvin",
            "family_name": "Məmmədov",
            "sex": "male",
            "birth_date": "1975-03-02",
            "origin_settlement": "Ballija",
        },
    ]
    report = import_as(kalbajar_officer, "households", make_table(rows), dry_run=True)
    assert [str(e) for e in report.errors] == [
        "row 2, origin_settlement: AZ0201001 is outside the districts you work in"
    ]


def test_a_field_edit_imported_from_the_browser_is_proposed_in_the_importing_officers_name(
    places, admin
):
    fixtures = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "kobo"
    for name in ("kobo-xml-names.xlsx", "kobo-edited-xml-names.xlsx"):
        report = import_as(admin, "kobo", read("kobo", str(fixtures / name)), dry_run=False)
        assert report.ok, report.errors
    request = ChangeRequest.objects.get()
    assert request.requested_by == admin


def test_each_role_imports_the_kinds_of_its_work(make_user, kalbajar_officer, admin, planner):
    assert import_kinds_for(kalbajar_officer) == ["households", "kobo"]
    assert import_kinds_for(admin) == list(IMPORTERS)
    assert import_kinds_for(planner) == []
    assert import_kinds_for(make_user("demining", Role.MINE_ACTION)) == [
        "hazards",
        "landrelease",
        "devices",
        "casualties",
    ]
    assert import_kinds_for(make_user("builder", Role.RECONSTRUCTION)) == [
        "projects",
        "units",
        "utilities",
    ]
    assert import_kinds_for(make_user("editor", Role.MONITORING_EDITOR)) == ["figures"]


def test_a_mine_action_manager_of_one_district_imports_no_national_register(make_user, places):
    user = make_user("demining", Role.MINE_ACTION, (places.kalbajar,))
    assert import_kinds_for(user) == []


def test_every_import_kind_has_a_rule_and_a_name():
    assert set(IMPORT_RULES) == set(IMPORTERS) == set(KIND_LABELS)


def test_the_import_pages_are_for_roles_that_import(planner, kalbajar_officer, client_for):
    assert client_for(planner).get(reverse("import_list")).status_code == 403
    assert client_for(planner).get(reverse("import_upload")).status_code == 403
    assert "Imports" not in client_for(planner).get(reverse("home")).content.decode()
    page = client_for(kalbajar_officer).get(reverse("import_upload")).content.decode()
    assert '<option value="households">' in page
    assert '<option value="hazards">' not in page
    home = client_for(kalbajar_officer).get(reverse("home")).content.decode()
    assert f'href="{reverse("import_list")}"' in home


def test_an_officer_may_not_import_a_kind_of_another_role(kalbajar_officer, client_for):
    response = upload(client_for(kalbajar_officer), "code,kind\n", kind="hazards")
    assert "Select a valid choice" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_officer_sees_only_their_own_uploads(
    kalbajar_officer, khojaly_officer, admin, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = import_run_upload(
        user=kalbajar_officer, kind="households", upload=SimpleUploadedFile("spring.csv", b"x")
    )
    other = client_for(khojaly_officer)
    assert other.get(reverse("import_detail", args=[run.pk])).status_code == 404
    assert other.post(reverse("import_confirm", args=[run.pk])).status_code == 404
    assert "spring.csv" not in other.get(reverse("import_list")).content.decode()
    assert "spring.csv" in client_for(admin).get(reverse("import_list")).content.decode()


def test_a_task_delivered_twice_checks_the_file_once(kalbajar_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    run = import_run_upload(
        user=kalbajar_officer,
        kind="households",
        upload=SimpleUploadedFile("spring.csv", GOOD.encode()),
    )
    import_run_process(run_id=run.pk)
    run.refresh_from_db()
    checked_at = run.finished_at
    import_run_process(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (ImportRun.Status.CHECKED, checked_at)


@pytest.mark.django_db(transaction=True)
def test_n_confirmations_of_one_checked_file_at_once_queue_one_import(kalbajar_officer):
    run = ImportRun.objects.create(
        kind="households",
        file_name="spring.csv",
        checksum="0" * 64,
        size=1,
        uploaded_by=kalbajar_officer,
        status=ImportRun.Status.CHECKED,
    )
    outcomes = at_once(
        [lambda: import_run_confirm(user=kalbajar_officer, run=run) for _ in range(N_AT_ONCE)]
    )
    assert sum(refusals(outcomes).values()) == N_AT_ONCE - 1
    assert ImportRun.objects.get().status == ImportRun.Status.QUEUED
    assert DBTaskResult.objects.count() == 1  # the worker is given the import once


def test_a_confirmed_import_writes_what_its_check_read_without_reading_the_file_again(
    kalbajar_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = import_run_upload(
        user=kalbajar_officer,
        kind="households",
        upload=SimpleUploadedFile("spring.csv", GOOD.encode()),
    )
    import_run_process(run_id=run.pk)
    Path(ImportRun.objects.get().file.path).unlink()  # the import must not need it
    import_run_confirm(user=kalbajar_officer, run=run)

    import_run_process(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.created, run.rows) == (ImportRun.Status.DONE, 2, 3)
    assert sorted(Household.objects.values_list("reference", flat=True)) == ["W-001", "W-002"]
    assert not kept_path(run).exists()  # what the check kept goes with the import


def test_a_check_left_unconfirmed_loses_what_it_kept_and_a_late_confirmation_checks_again(
    kalbajar_officer, settings, tmp_path
):
    """What a check keeps holds the file's people: it goes when the check is refused, and
    after IMPORT_CHECK_KEPT_HOURS unconfirmed; a confirmation after that still imports,
    from the uploaded file, checked again."""
    settings.MEDIA_ROOT = tmp_path
    refused, waiting = (
        import_run_upload(
            user=kalbajar_officer, kind="households", upload=SimpleUploadedFile(name, text.encode())
        )
        for name, text in (("bad.csv", BAD), ("spring.csv", GOOD))
    )
    for run in (refused, waiting):
        import_run_process(run_id=run.pk)
    assert not kept_path(refused).exists()
    assert kept_path(waiting).exists()

    in_time = ImportRun.objects.get(pk=waiting.pk).finished_at + dt.timedelta(hours=71)
    assert import_checks_expire(now=in_time) == 0
    assert import_checks_expire(now=in_time + dt.timedelta(hours=2)) == 1
    assert not kept_path(waiting).exists()

    import_run_confirm(user=kalbajar_officer, run=waiting)
    import_run_process(run_id=waiting.pk)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.created) == (ImportRun.Status.DONE, 2)


def test_the_import_of_a_kept_check_keeps_to_the_confirming_officers_districts(
    admin, kalbajar_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    text = HEADER + "W-009,head,Elvin,Məmmədov,male,1975-03-02,Ballija\n"
    run = import_run_upload(
        user=admin, kind="households", upload=SimpleUploadedFile("spring.csv", text.encode())
    )
    import_run_process(run_id=run.pk)
    assert ImportRun.objects.get().status == ImportRun.Status.CHECKED
    import_run_confirm(user=kalbajar_officer, run=run)

    import_run_process(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert [(e["row"], e["message"]) for e in run.report["errors"]] == [
        (2, "AZ0201001 is outside the districts you work in")
    ]
    assert not Household.objects.exists()
