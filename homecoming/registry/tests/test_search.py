"""Registry search: any spelling, a document number, a phone, a reference, the origin —
through the indexed key table, whichever way the household was written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import make_table
from homecoming.accounts.models import Role
from homecoming.registry import selectors
from homecoming.registry.fieldforms import kobo_import, kobo_table
from homecoming.registry.imports import households_import
from homecoming.registry.models import Household
from homecoming.registry.search_keys import SEARCH_WORDS, query_search_keys, query_words
from homecoming.registry.selectors import (
    household_list_for_user,
    household_search,
    household_search_listed,
)
from homecoming.registry.services import (
    DocumentInput,
    MemberInput,
    change_request_create,
    change_request_decide,
    household_register,
)

pytestmark = pytest.mark.django_db
KOBO_EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "kobo-submissions.json"

HEAD = MemberInput(
    relation="head",
    given_name="Elvin",
    family_name="Məmmədov",
    patronymic="Rövşən oğlu",
    sex="male",
    birth_date=dt.date(1975, 3, 2),
    phone="+994 55 765 43 21",
    documents=(DocumentInput("id_card", "AZE1234567"),),
)
SPOUSE = MemberInput(
    relation="spouse",
    given_name="Aygün",
    family_name="Əli-Heydərova",
    sex="female",
    birth_date=dt.date(1979, 8, 14),
)


def found(user, q: str = "", settlement: str = "") -> set[str]:
    households = household_search(household_list_for_user(user), q=q, settlement=settlement)
    return set(households.values_list("reference", flat=True))


@pytest.fixture
def registered(kalbajar_officer, places) -> Household:
    return household_register(
        by=kalbajar_officer,
        origin_settlement=places.zar,
        members=[HEAD, SPOUSE],
        phone="+994 50 123 45 67",
    )


@pytest.fixture
def second_officer(make_user, places):
    return make_user("second", Role.REGISTRATION_OFFICER, (places.kalbajar,))


@pytest.mark.parametrize("q", ["AZE1234567", "aze 1234567", "AZE-123-45-67"])
def test_a_household_is_found_by_a_document_number_however_it_is_typed(planner, registered, q):
    assert found(planner, q) == {registered.reference}


def test_a_document_number_that_differs_by_one_digit_finds_nothing(planner, registered):
    assert found(planner, "AZE1234568") == set()


@pytest.mark.parametrize(
    "q", ["+994 50 123 45 67", "050 123 45 67", "0501234567", "(050) 123-45-67", "055 765 43 21"]
)
def test_a_household_is_found_by_its_or_a_members_phone_in_either_form(planner, registered, q):
    assert found(planner, q) == {registered.reference}


def test_the_reference_is_found_in_any_case(planner, registered):
    assert found(planner, registered.reference.lower()) == {registered.reference}


def test_every_word_must_match_one_and_the_same_member(planner, registered):
    assert found(planner, "elvin MAMMADOV rovshan") == {registered.reference}
    assert found(planner, "Elvin Quliyev") == set()
    # Aygün is in the household, Rövşən is Elvin's father's name: not one person.
    assert found(planner, "Aygün Rövşən") == set()


def test_each_part_of_a_hyphenated_name_is_a_word(planner, registered):
    assert found(planner, "Heydərova") == {registered.reference}
    assert found(planner, "Айгюн Али-Гейдарова") == {registered.reference}


def test_a_query_of_punctuation_finds_nothing(planner, registered):
    assert found(planner, "- -") == set()


def test_the_origin_settlement_narrows_a_search(client_for, planner, places, make_household):
    zar = make_household(places.zar, ("Elvin", "Məmmədov"))
    make_household(places.ballija, ("Elvin", "Mamedov"))
    page = client_for(planner).get(
        "/registry/households/", {"q": "Мамедов", "settlement": places.zar.code}
    )
    assert [h.reference for h in page.context["page"]] == [zar.reference]


def test_the_api_search_parameter_finds_by_phone_and_spelling(api_for, planner, registered):
    api = api_for(planner)
    for q in ("050 123 45 67", "Мамедов Эльвин"):
        answer = api.get("/api/registry/households/", {"q": q}).json()
        assert [h["reference"] for h in answer["results"]] == [registered.reference]


def test_an_imported_household_is_found_by_spelling_document_and_phone(planner, places):
    row = {
        "household": "K-1",
        "relation": "head",
        "given_name": "Рашад",
        "family_name": "Кулиев",
        "sex": "male",
        "birth_date": "1968-11-30",
        "phone": "+994 70 111 22 33",
        "document_type": "id_card",
        "document_number": "AZE 7654321",
        "origin_settlement": "Zar",
    }
    report = households_import(table=make_table([row]))
    assert report.ok, report.errors
    for q in ("Rəşad Quliyev", "Rashad Guliyev", "aze7654321", "070 111 22 33", "k-1"):
        assert found(planner, q) == {"K-1"}, q


def test_a_kobo_submission_is_found_once_imported(planner, places):
    assert kobo_import(table=kobo_table(KOBO_EXAMPLE)).ok
    household = Household.objects.get()
    for q in ("AZE17120099", "Рашад Кулиев", "Sabina Kuliyeva"):
        assert found(planner, q) == {household.reference}, q


def test_a_member_added_by_an_approved_change_is_found(
    planner, registered, kalbajar_officer, second_officer
):
    request = change_request_create(
        household=registered,
        by=kalbajar_officer,
        part="membership",
        proposed={
            "add": [
                {
                    "relation": "child",
                    "given_name": "Nərmin",
                    "family_name": "Məmmədova",
                    "sex": "female",
                    "birth_date": "2024-02-01",
                }
            ]
        },
        reason="birth certificate",
    )
    assert found(planner, "Nərmin") == set()
    change_request_decide(request=request, by=second_officer, approve=True)
    assert found(planner, "Narmin Mamedova") == {registered.reference}


def test_documents_added_and_removed_by_an_approved_change_are_found_or_not(
    planner, registered, kalbajar_officer, second_officer
):
    head = registered.members.get(relation="head")
    request = change_request_create(
        household=registered,
        by=kalbajar_officer,
        part="documents",
        proposed={
            "add": [{"member": head.pk, "type": "passport", "number": "C01234567"}],
            "remove": [head.documents.get().pk],
        },
        reason="new passport; the old card was lost",
    )
    change_request_decide(request=request, by=second_officer, approve=True)
    assert found(planner, "C01234567") == {registered.reference}
    assert found(planner, "AZE1234567") == set()


def test_the_search_reads_the_key_index_and_scans_no_table(planner, registered):
    households = household_search(household_list_for_user(planner), q="Mamedov Elvin")
    sql, params = households.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[3] for row in cursor.fetchall()]
            assert not [step for step in plan if step.startswith("SCAN")], plan
        else:
            # A test database is small enough for PostgreSQL to prefer reading whole
            # tables; without that choice, the plan must find the keys in their index.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
    assert any("member_search_key " in step for step in plan), plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_the_keys_of_members_registered_before_it(planner, places):
    before = [("registry", "0005_historicalchangerequest_historicalconsent_and_more")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        household = old.get_model("registry", "Household").objects.create(
            reference="OLD-1",
            origin_settlement_id=places.zar.pk,
            registered_on=dt.date(2020, 1, 1),
            phone="050 123 45 67",
        )
        member = old.get_model("registry", "Member").objects.create(
            household=household,
            relation="head",
            given_name="Əli",
            family_name="Hüseynov",
            sex="male",
        )
        old.get_model("registry", "IdentityDocument").objects.create(
            member=member, type="id_card", number="AZE7777777"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    for q in ("Али Гусейнов", "AZE7777777", "+994501234567", "old-1"):
        assert found(planner, q) == {"OLD-1"}, q


@pytest.fixture
def many_mammadovs(places, make_household, monkeypatch):
    """Twelve households of Elvin Məmmədovs, half of Zar, their references (M-01 to M-12)
    in the reverse order of their registration, and a search that lists at most two."""
    monkeypatch.setattr(selectors, "SEARCH_LIST_LIMIT", 2)
    households = [
        make_household(places.zar if i % 2 else places.ballija, ("Elvin", "Məmmədov"))
        for i in range(12)
    ]
    for i, household in enumerate(households):
        Household.objects.filter(pk=household.pk).update(reference=f"M-{12 - i:02d}")
    # Elvin and a Məmmədova, but no Elvin Məmmədov: not found by both words.
    make_household(places.zar, ("Elvin", "Quliyev"), ("Aygün", "Məmmədova"))
    return households


def test_a_search_that_finds_more_than_the_limit_lists_them_all_by_reference_and_says_so(
    client_for, planner, many_mammadovs
):
    page = client_for(planner).get("/registry/households/", {"q": "Mamedov Elvin"})
    assert [h.reference for h in page.context["page"]] == [f"M-{n:02d}" for n in range(1, 13)]
    assert page.context["more"] is True
    assert "More than 2 households match" in page.content.decode()


def test_a_search_past_the_limit_still_needs_every_word_on_one_member_and_the_origin(
    planner, places, many_mammadovs
):
    visible = household_list_for_user(planner)
    found = household_search_listed(visible, q="Elvin Mammadov", settlement=places.zar.code)
    zar = ["M-01", "M-03", "M-05", "M-07", "M-09", "M-11"]
    assert [h.reference for h in found.households] == zar
    assert (found.count, found.more) == (2, True)
    found = household_search_listed(visible, q="Aygün Məmmədova")
    assert (found.count, found.more) == (1, False)


def test_a_search_within_the_limit_counts_exactly(planner, places, many_mammadovs, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_LIST_LIMIT", 20)
    found = household_search_listed(household_list_for_user(planner), q="Mammadov")
    assert (found.count, found.more) == (13, False)
    assert [h.reference for h in found.households][:2] == ["M-01", "M-02"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL costs its own")
def test_a_search_past_the_limit_reads_households_in_order_of_reference_and_sorts_nothing(
    planner, many_mammadovs
):
    found = household_search_listed(household_list_for_user(planner), q="Mammadov")
    sql, params = found.households[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[3] for row in cursor.fetchall()]
    assert not [step for step in plan if "TEMP B-TREE" in step], plan
    assert any("registry_membersearchkey_1 (member_id=? AND key=?)" in s for s in plan), plan


@pytest.mark.parametrize("limit", [2, 20])  # past the limit, and within it
def test_an_officer_lists_and_counts_only_their_districts_matches(
    khojaly_officer, places, many_mammadovs, monkeypatch, limit
):
    monkeypatch.setattr(selectors, "SEARCH_LIST_LIMIT", limit)
    found = household_search_listed(household_list_for_user(khojaly_officer), q="Mammadov")
    ballija = ["M-02", "M-04", "M-06", "M-08", "M-10", "M-12"]  # Khojaly; Zar is Kalbajar's
    assert [h.reference for h in found.households] == ballija
    assert (found.count, found.more) == (min(6, limit), limit < 6)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
@pytest.mark.django_db
def test_postgresql_keeps_the_frequencies_of_common_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attname = 'key'"
            " AND attrelid = 'registry_membersearchkey'::regclass"
        )
        assert cursor.fetchone()[0] == 1000  # migration 0007


LONG_QUERY = "Elvin Məmmədov Mamedov Мамедов Mammadov ELVIN Elvin Quliyev Aygün Rəşad Əli Zar"


@pytest.mark.parametrize("limit", [2, 20])  # past the list's limit, and within it
def test_a_query_of_any_length_is_answered_with_its_first_words_on_the_page_api_and_export(
    client_for, api_for, planner, many_mammadovs, monkeypatch, limit
):
    monkeypatch.setattr(selectors, "SEARCH_LIST_LIMIT", limit)
    client = client_for(planner)
    page = client.get("/registry/households/", {"q": LONG_QUERY})
    assert page.status_code == 200
    assert len(page.context["page"]) == 12  # past the limit too: every match is listed
    assert page.context["left_out"] == ["Quliyev", "Aygün", "Rəşad", "Əli", "Zar"]
    assert "it left out: <strong>Quliyev Aygün Rəşad Əli Zar</strong>" in page.content.decode()
    listed = api_for(planner).get("/api/registry/households/", {"q": LONG_QUERY})
    assert (listed.status_code, listed.json()["count"]) == (200, 12)
    export = client.get("/registry/households/export.csv", {"q": LONG_QUERY})
    assert b"".join(export.streaming_content).decode().count("\nM-") == 12


def test_a_name_query_uses_each_word_once_and_at_most_six():
    words = "Elvin Elvin Məmmədov a b c d e f g"
    assert len(query_search_keys(words)) == SEARCH_WORDS == 6
    assert query_words(words) == (["Elvin", "Məmmədov", "a", "b", "c", "d"], ["e", "f", "g"])
    assert query_words("+994 50 123 45 67 1 2 3 4 5 6 7") == ([], [])
