import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from homecoming.core.audit import bulk_create_audited, change_reason, records_insert_audited
from homecoming.core.bulk import ids_take, records_insert
from homecoming.registry.models import Household, HouseholdEvent, Member

pytestmark = pytest.mark.django_db(transaction=True)


def household_record(pk: int, places, reference: str) -> dict:
    return {
        "id": pk,
        "reference": reference,
        "origin_settlement_id": places.zar.pk,
        "registered_on": dt.date(2025, 3, 1),
        "displaced_on": None,
    }


def test_ids_are_new_even_after_the_newest_row_was_deleted(places, make_household):
    kept, deleted = make_household(places.zar), make_household(places.zar)
    newest = deleted.pk
    deleted.delete()
    with transaction.atomic():
        ids = ids_take(Household, 3)
    assert len(set(ids)) == 3
    assert min(ids) > newest > kept.pk


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL ids come from a sequence")
def test_sqlite_ids_are_taken_only_inside_a_transaction():
    with pytest.raises(RuntimeError, match="transaction"):
        ids_take(Household, 1)


def test_inserted_records_read_back_through_the_models_with_defaults_filled(places):
    with transaction.atomic():
        [household_id] = ids_take(Household, 1)
        records_insert(Household, [household_record(household_id, places, "B-1")])
        [member_id] = ids_take(Member, 1)
        member = {
            "id": member_id,
            "household_id": household_id,
            "relation": "head",
            "given_name": "Aygün",
            "family_name": "Həsənova",
            "sex": "female",
            "birth_date": dt.date(1979, 2, 28),
            "birth_year_only": True,
            "vulnerabilities": ["disability", "chronic_illness"],
        }
        records_insert(Member, [member])
        records_insert(HouseholdEvent, [{"household_id": household_id, "action": "registered"}])
    household = Household.objects.get(pk=household_id)
    assert (household.reference, household.status, household.intention) == (
        "B-1",
        Household.Status.REGISTERED,
        Household.Intention.UNKNOWN,
    )
    [read] = household.members.all()
    assert (read.given_name, read.birth_date, read.birth_year_only, read.vulnerabilities) == (
        "Aygün",
        dt.date(1979, 2, 28),
        True,
        ["disability", "chronic_illness"],
    )
    assert read.joined_reason == Member.Joined.REGISTRATION
    [event] = household.events.all()
    assert event.details == {}
    assert abs(event.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_the_audited_insert_writes_the_history_row_the_orm_would(places):
    with transaction.atomic(), change_reason("import households spring.csv"):
        bulk_create_audited(
            Household,
            [
                Household(
                    reference="ORM-1",
                    origin_settlement=places.zar,
                    registered_on=dt.date(2025, 3, 1),
                )
            ],
        )
        [pk] = ids_take(Household, 1)
        records_insert_audited(Household, [household_record(pk, places, "ROWS-1")])
    written = {
        h.reference: h for h in Household.history.all() if h.reference in {"ORM-1", "ROWS-1"}
    }
    ignored = {"id", "reference", "history_id", "history_date"}
    fields = [f.attname for f in Household.history.model._meta.concrete_fields]
    assert {f: getattr(written["ROWS-1"], f) for f in fields if f not in ignored} == {
        f: getattr(written["ORM-1"], f) for f in fields if f not in ignored
    }
    assert written["ROWS-1"].id == pk
    assert written["ROWS-1"].history_change_reason == "import households spring.csv"


def test_the_audited_insert_names_the_signed_in_user(places, kalbajar_officer):
    request = RequestFactory().get("/")
    request.user = kalbajar_officer
    HistoricalRecords.context.request = request  # what simple-history's middleware does
    try:
        with transaction.atomic():
            [pk] = ids_take(Household, 1)
            records_insert_audited(Household, [household_record(pk, places, "U-1")])
    finally:
        del HistoricalRecords.context.request
    assert Household.history.get(id=pk).history_user == kalbajar_officer
