"""The audit trail: every create, update and delete kept with who, when and why."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest

from conftest import make_table
from homecoming.accounts.models import Role, User
from homecoming.cli import main
from homecoming.mineaction.models import Accident, HazardArea, Victim
from homecoming.mineaction.services import casualties_import
from homecoming.mineaction.tests.fixtures import activity_row
from homecoming.places.models import Settlement
from homecoming.registry.imports import households_import
from homecoming.registry.models import Consent, Household, IdentityDocument, Member
from homecoming.registry.services import consent_record

pytestmark = pytest.mark.django_db


def household_row(household: str, relation: str, given: str, **values) -> dict:
    return {
        "household": household,
        "relation": relation,
        "given_name": given,
        "family_name": "Məmmədov",
        "sex": "male",
        "birth_date": "1975-03-02",
        "origin_settlement": "Zar",
        "document_type": "",
        "document_number": "",
    } | values


def test_an_import_writes_a_created_row_per_record_with_the_file_as_reason(places):
    rows = [
        household_row("K-1", "head", "Elvin", document_type="id_card", document_number="AZE 1"),
        household_row("K-1", "spouse", "Aygün", sex="female", birth_date="1979-01-01"),
        household_row("K-2", "head", "Rəşad", birth_date="1968-11-30"),
    ]
    assert households_import(table=make_table(rows, name="spring.csv")).ok
    for model, count in ((Household, 2), (Member, 3), (IdentityDocument, 1)):
        trail = model.history.all()
        assert trail.count() == count
        assert {(h.history_type, h.history_change_reason) for h in trail} == {
            ("+", "import households spring.csv")
        }
    assert {h.given_name for h in Member.history.all()} == {"Elvin", "Aygün", "Rəşad"}


def test_a_dry_run_leaves_no_trail(places):
    report = households_import(
        table=make_table([household_row("K-1", "head", "Elvin")]), dry_run=True
    )
    assert report.ok
    assert not Household.history.exists()


def test_a_change_through_a_page_names_the_officer(
    client_for, kalbajar_officer, make_household, places
):
    household = make_household(places.zar)
    response = client_for(kalbajar_officer).post(f"/registry/households/{household.pk}/verify/")
    assert response.status_code == 302
    last = household.history.latest()
    assert (last.history_type, last.history_user, last.status) == (
        "~",
        kalbajar_officer,
        "verified",
    )
    assert last.prev_record.status == "registered"


def test_a_new_consent_records_the_withdrawal_of_the_earlier_one(
    kalbajar_officer, make_household, places
):
    household = make_household(places.zar)
    first = consent_record(
        household=household, by=kalbajar_officer, given_on=dt.date(2025, 1, 5), document="C-1"
    )
    consent_record(
        household=household, by=kalbajar_officer, given_on=dt.date(2025, 3, 1), document="C-2"
    )
    withdrawn = first.history.latest()
    assert (withdrawn.history_type, withdrawn.withdrawn_on) == ("~", dt.date(2025, 3, 1))
    assert Consent.history.filter(history_type="+").count() == 2


def test_deletions_are_kept_and_reimports_name_their_file(places):
    row = {
        "accident": "ACC-1",
        "date": "2024-06-01",
        "district": "Kalbajar",
        "settlement": "",
        "device": "at_mine",
        "outcome": "killed",
        "group": "civilian",
        "age_group": "adult",
        "sex": "male",
    }
    assert casualties_import(table=make_table([row], name="first.csv")).ok
    assert casualties_import(table=make_table([row | {"outcome": "injured"}], name="second.csv")).ok
    kinds = list(
        Victim.history.order_by("history_id").values_list(
            "history_type", "outcome", "history_change_reason"
        )
    )
    assert kinds == [
        ("+", "killed", "import casualties first.csv"),
        ("-", "killed", "import casualties second.csv"),
        ("+", "injured", "import casualties second.csv"),
    ]
    assert Accident.history.count() == 2


def test_the_status_refresh_after_an_import_keeps_each_hazard_areas_change(
    zar_hazards, import_activities
):
    hazard = HazardArea.objects.get(code="HA-0001")
    import_activities(activity_row("CL-1", "HA-0001", cleared_m2=str(hazard.area_m2 / 2)))
    last = hazard.history.latest()
    assert (last.history_type, last.status, last.released_m2) == (
        "~",
        HazardArea.Status.IN_PROGRESS,
        pytest.approx(hazard.area_m2 / 2),
    )
    assert last.prev_record.status == HazardArea.Status.OPEN
    assert last.history_change_reason == "import landrelease test.csv"


def test_a_users_role_districts_and_disabling_are_kept_but_never_the_password(make_user, places):
    user = make_user("officer", Role.VIEWER)
    user.role = Role.REGISTRATION_OFFICER
    user.save()
    user.districts.set([places.kalbajar])
    user.is_active = False
    user.set_password("a-new-long-password-2025")
    user.save()
    trail = list(User.history.filter(id=user.pk).order_by("history_id"))
    assert [h.role for h in trail][-1] == Role.REGISTRATION_OFFICER
    assert [d.area for d in trail[-1].districts.all()] == [places.kalbajar]
    assert trail[-1].is_active is False
    assert "password" not in {f.name for f in User.history.model._meta.get_fields()}


def test_settlements_keep_their_history_under_inheritance(places):
    settlement = Settlement.objects.get(pk=places.zar.pk)
    settlement.name_ru = "Зар"
    settlement.save()
    assert settlement.history.latest().name_ru == "Зар"
    assert settlement.history.count() == 2


# The command may close the database connection when it ends (as a process would), which
# inside a test's transaction loses it on PostgreSQL: this test commits instead.
@pytest.mark.django_db(transaction=True)
def test_a_command_names_itself_and_who_ran_it(places):
    main(
        [
            "homecoming",
            "shell",
            "-c",
            f"from homecoming.places.models import Settlement; s = Settlement.objects.get(pk={places.zar.pk}); s.note = 'checked'; s.save()",
        ]
    )
    last = Settlement.history.filter(id=places.zar.pk).latest()
    assert last.note == "checked"
    assert last.history_user is None
    assert last.history_change_reason.startswith("homecoming shell -c from homecoming.places")
    assert last.history_change_reason.endswith(f"(by {getpass.getuser()})")
