"""Offers and departures for field work: a filtered, paged offers list with reminders; a
passenger list with names and phones, confirmed in bulk, exported to a workbook."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from homecoming.accounts.models import AccessLog
from homecoming.housing.models import HousingUnit
from homecoming.registry.models import Household, Member
from homecoming.registry.services import consent_record
from homecoming.returns.models import Passenger, Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
    offer_decline,
    offers_remind,
    passenger_answer,
    passengers_confirm,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SOON = TODAY + dt.timedelta(days=10)


@pytest.fixture
def offers(places, make_household, zar_ready, planner, kalbajar_officer):
    """Two Zar households offered a 3-room home: Rəşidov's (3 people, consent on file,
    phone) and Əliyev's (3 people, no consent). Returns them in that order."""
    first = make_household(places.zar, ("Tural", "Rəşidov"), ("Aysel", "Rəşidova"), ("Nur", "X"))
    second = make_household(places.zar, ("Vüqar", "Əliyev"), ("Leyla", "Əliyeva"), ("Ali", "Ə"))
    values = {"status": "verified", "intention": "return_now", "displaced_on": dt.date(1993, 4, 2)}
    Household.objects.filter(pk__in=[first.pk, second.pk]).update(**values)
    Household.objects.filter(pk=first.pk).update(phone="+994 50 111 22 33")
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    allocation_approve(run=run, by=planner, on=TODAY - dt.timedelta(days=20))
    consent_record(household=first, by=kalbajar_officer, given_on=TODAY, document="CF-1")
    return [Reservation.objects.get(household=first), Reservation.objects.get(household=second)]


def _rows(response) -> list[str]:
    return re.findall(r'<tr id="offer-(\d+)"', response.content.decode())


def test_the_offers_list_finds_an_offer_by_a_name_in_another_spelling(
    offers, kalbajar_officer, client_for
):
    client = client_for(kalbajar_officer)
    found = client.get("/returns/offers/", {"q": "Rashidov"})
    assert _rows(found) == [str(offers[0].pk)]
    assert "1 offer" in found.text
    assert "1 offers" not in found.text
    assert _rows(client.get("/returns/offers/", {"q": offers[1].household.reference})) == [
        str(offers[1].pk)
    ]


def test_a_home_of_one_room_is_said_in_the_singular(offers, kalbajar_officer, client_for):
    HousingUnit.objects.filter(pk=offers[0].unit_id).update(rooms=1)
    page = client_for(kalbajar_officer).get("/returns/offers/").text
    assert "· 1 room ·" in page
    assert "1 rooms" not in page
    assert "· 3 rooms ·" in page


def test_the_offers_list_filters_by_answer_deadline_settlement_and_run(
    offers, kalbajar_officer, client_for, places
):
    client = client_for(kalbajar_officer)
    offer_accept(offer=offers[0], by=kalbajar_officer)
    assert _rows(client.get("/returns/offers/", {"answer": "accepted"})) == [str(offers[0].pk)]
    assert _rows(client.get("/returns/offers/", {"answer": "pending"})) == [str(offers[1].pk)]
    # Offered 20 days ago, answer by 14 days after: past its deadline.
    assert _rows(client.get("/returns/offers/", {"deadline": "overdue"})) == [str(offers[1].pk)]
    assert _rows(client.get("/returns/offers/", {"deadline": "soon"})) == []
    Reservation.objects.filter(pk=offers[1].pk).update(offer_deadline=TODAY + dt.timedelta(days=7))
    assert _rows(client.get("/returns/offers/", {"deadline": "soon"})) == [str(offers[1].pk)]
    zar = {"destination": places.zar.code, "run": offers[0].run_id}
    assert len(_rows(client.get("/returns/offers/", zar))) == 2


def test_the_offers_list_pages_with_its_filters_kept(
    offers, kalbajar_officer, client_for, monkeypatch
):
    monkeypatch.setattr("homecoming.returns.views.OFFERS_PER_PAGE", 1)
    client = client_for(kalbajar_officer)
    first = client.get("/returns/offers/", {"answer": "pending"})
    following = [unescape(link) for link in re.findall(r'href="(\?[^"]*page=2[^"]*)"', first.text)]
    assert following
    assert all("answer=pending" in link for link in following)
    second = client.get("/returns/offers/" + following[0])
    assert second.context["page"].number == 2
    # Waiting for an answer, the nearest deadline first: each offer once, on one page.
    assert sorted(_rows(first) + _rows(second)) == sorted(str(o.pk) for o in offers)


def test_accept_is_disabled_with_its_reason_where_no_consent_is_recorded(
    offers, kalbajar_officer, client_for
):
    page = client_for(kalbajar_officer).get("/returns/offers/").content.decode()
    with_consent, without = (
        page[page.index(f'id="offer-{o.pk}"') :].split("</tr>")[0] for o in offers
    )
    assert 'value="accept" class="primary">' in with_consent
    assert re.search(r'value="accept" class="primary" disabled', without)
    assert "No consent recorded" in without
    assert f"/registry/households/{offers[1].household.pk}/#consent" in without


def test_a_withdrawn_consent_disables_accept_as_the_server_refuses_it(
    offers, kalbajar_officer, client_for
):
    offers[0].household.consents.update(withdrawn_on=TODAY)
    client = client_for(kalbajar_officer)
    row = client.get("/returns/offers/").content.decode().split(f'id="offer-{offers[0].pk}"')[1]
    assert "No consent recorded" in row.split("</tr>")[0]
    client.post(f"/returns/offers/{offers[0].pk}/answer/", {"answer": "accept"})
    assert Reservation.objects.get(pk=offers[0].pk).answer == "pending"


def test_an_answer_returns_to_the_list_with_its_filters(offers, kalbajar_officer, client_for):
    response = client_for(kalbajar_officer).post(
        f"/returns/offers/{offers[0].pk}/answer/",
        {"answer": "accept", "filters": "answer=pending&q=Rashidov"},
    )
    assert response.url == "/returns/offers/?answer=pending&q=Rashidov"


def test_reminders_are_recorded_in_words_and_list_the_phones_to_call(
    offers, kalbajar_officer, client_for
):
    offer_decline(offer=offers[1], by=kalbajar_officer, reason="too far")
    client = client_for(kalbajar_officer)
    response = client.post(
        "/returns/offers/remind/",
        {"offer": [o.pk for o in offers], "filters": "answer=pending"},
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith("/returns/offers/calls/?")
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "A reminder is recorded in the history of 1 household.",
        f"{offers[1].household.reference} not reminded: This offer has already been answered.",
    ]
    page = response.text
    assert "+994 50 111 22 33" in page
    assert "Tural Rəşidov" in page
    assert offers[1].household.reference not in page.split('id="to-call"')[1]
    assert "no gateway" in page
    assert 'href="/returns/offers/?answer=pending"' in page
    events = list(offers[0].household.events.values_list("action", flat=True))
    assert events.count("reminded to answer the offer") == 1
    assert not offers[1].household.events.filter(action="reminded to answer the offer").exists()
    history = client.get(f"/registry/households/{offers[0].household.pk}/")
    assert "Reminded to answer the offer" in history.text


def test_an_officer_of_another_district_cannot_remind_the_offer(
    offers, khojaly_officer, client_for
):
    client_for(khojaly_officer).post("/returns/offers/remind/", {"offer": [offers[0].pk]})
    assert not offers[0].household.events.filter(action="reminded to answer the offer").exists()
    assert offers_remind(offers=[], by=khojaly_officer) == []


@pytest.fixture
def departure(offers, planner, kalbajar_officer, places):
    """A departure to Zar in ten days with both households on it (the second consented too)."""
    consent_record(
        household=offers[1].household, by=kalbajar_officer, given_on=TODAY, document="CF-2"
    )
    for offer in offers:
        offer_accept(offer=offer, by=kalbajar_officer)
    cohort = cohort_plan(
        by=planner, destination=places.zar, move_date=SOON, seats=8, transport="bus"
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    return cohort


def test_the_passenger_list_shows_names_members_and_phones(
    departure, kalbajar_officer, client_for, offers
):
    offers[1].household.members.exclude(relation="head").update(left_on=TODAY)
    page = client_for(kalbajar_officer).get(f"/returns/cohorts/{departure.pk}/").text
    assert "Tural Rəşidov, Aysel Rəşidova, Nur X" in page
    assert "3 persons" in page
    assert "1 person: Vüqar Əliyev" in page
    assert "1 persons" not in page
    assert "+994 50 111 22 33" in page
    assert "@page" in page
    assert "counter(pages)" in page


def test_a_member_phone_is_called_when_the_household_has_none(
    departure, kalbajar_officer, client_for, offers
):
    Member.objects.filter(household=offers[1].household).update(phone="+994 55 000 00 01")
    page = client_for(kalbajar_officer).get(f"/returns/cohorts/{departure.pk}/").content.decode()
    assert "+994 55 000 00 01" in page


def test_selected_seats_are_confirmed_each_on_its_own_and_refusals_are_said(
    departure, kalbajar_officer, client_for
):
    first, second = Passenger.objects.order_by("-persons")
    passenger_answer(passenger=second, by=kalbajar_officer, travels=True)
    client = client_for(kalbajar_officer)
    response = client.post(
        f"/returns/cohorts/{departure.pk}/confirm/",
        {"passenger": [first.pk, second.pk]},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        f"1 seat confirmed: {first.reservation.household.reference}.",
        f"{second.reservation.household.reference} not confirmed: "
        "This household's seat is already confirmed.",
    ]
    assert set(Passenger.objects.values_list("status", flat=True)) == {"confirmed"}


def test_a_bulk_confirmation_reports_each_outcome(departure, kalbajar_officer):
    first, second = Passenger.objects.order_by("-persons")
    passenger_answer(passenger=second, by=kalbajar_officer, travels=False, note="ill")
    outcomes = passengers_confirm(passengers=[first, second], by=kalbajar_officer)
    assert [(o.done, o.refusal) for o in outcomes] == [
        (True, ""),
        (False, "This household's journey is already recorded."),
    ]
    assert outcomes[0].record.status == "confirmed"


def test_an_officer_of_another_district_cannot_confirm_the_seats(
    departure, khojaly_officer, client_for
):
    response = client_for(khojaly_officer).post(
        f"/returns/cohorts/{departure.pk}/confirm/",
        {"passenger": list(Passenger.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 404
    assert set(Passenger.objects.values_list("status", flat=True)) == {"scheduled"}


def test_the_passenger_list_exports_to_a_workbook_in_the_users_language(
    departure, kalbajar_officer, client_for
):
    client = client_for(kalbajar_officer)
    response = client.get(f"/returns/cohorts/{departure.pk}/passengers.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{SOON:%Y-%m-%d}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Reference",
        "Head of household",
        "Members",
        "Names of the members",
        "Phone",
        "From",
        "Home",
        "Seat",
        "Note",
    )
    assert rows[1][1:5] == (
        "Tural Rəşidov",
        3,
        "Tural Rəşidov\nAysel Rəşidova\nNur X",
        "+994 50 111 22 33",
    )
    assert rows[1][7] == "Scheduled"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    logged = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=kalbajar_officer)
    assert logged.count() == 1
    client.post("/i18n/setlang/", {"language": "az"})
    az = client.get(f"/returns/cohorts/{departure.pk}/passengers.xlsx")
    rows = list(load_workbook(io.BytesIO(az.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("İstinad nömrəsi", "Ailə başçısı", "Üzvlər")
    assert rows[1][7] == "Planlaşdırılıb"


def test_a_note_that_looks_like_a_formula_is_exported_as_text(
    departure, kalbajar_officer, client_for
):
    Passenger.objects.update(note='=HYPERLINK("http://example.org","x")')
    response = client_for(kalbajar_officer).get(f"/returns/cohorts/{departure.pk}/passengers.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["I2"].data_type == "s"
    assert sheet["I2"].value == '=HYPERLINK("http://example.org","x")'


def test_an_auditor_may_read_the_passenger_list_but_not_export_it(departure, auditor, client_for):
    client = client_for(auditor)
    assert client.get(f"/returns/cohorts/{departure.pk}/").status_code == 200
    assert client.get(f"/returns/cohorts/{departure.pk}/passengers.xlsx").status_code == 403
