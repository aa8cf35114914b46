"""Offers: accepted only with consent on file; declined with a reason, the unit back in the pool."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_table
from homecoming.core.errors import ApplicationError
from homecoming.housing.models import HousingUnit
from homecoming.housing.services import units_import
from homecoming.housing.tests.conftest import unit_row
from homecoming.registry.services import consent_record
from homecoming.returns.models import Reservation
from homecoming.returns.services import allocation_approve, allocation_run
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(places, make_household, zar_ready, planner):
    household(make_household, places.zar, 3)
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    return Reservation.objects.get()


def test_an_offer_has_a_deadline(offer):
    # The day in the programme's time zone (Baku's day begins at 20:00 UTC).
    assert offer.offered_on == timezone.localdate(offer.created_at)
    assert offer.offer_deadline - offer.offered_on == dt.timedelta(days=14)


def test_accepting_needs_consent(offer, kalbajar_officer, client_for):
    client = client_for(kalbajar_officer)
    client.post(f"/returns/offers/{offer.pk}/answer/", {"answer": "accept"})
    offer.refresh_from_db()
    assert offer.answer == "pending"
    consent_record(
        household=offer.household,
        by=kalbajar_officer,
        given_on=dt.date(2025, 6, 1),
        document="CF-1",
    )
    client.post(f"/returns/offers/{offer.pk}/answer/", {"answer": "accept"})
    offer.refresh_from_db()
    assert (offer.answer, offer.status) == ("accepted", "active")
    assert "offer accepted" in offer.household.events.values_list("action", flat=True)


def test_declining_returns_the_unit_to_the_pool(offer, kalbajar_officer):
    from homecoming.returns.services import offer_decline

    with pytest.raises(ApplicationError, match="reason for declining"):
        offer_decline(offer=offer, by=kalbajar_officer, reason="")
    offer = offer_decline(offer=offer, by=kalbajar_officer, reason="too far from the school")
    unit = HousingUnit.objects.get(pk=offer.unit_id)
    assert unit.status == "ready"
    assert (offer.status, offer.answer) == ("released", "declined")
    with pytest.raises(ApplicationError, match="already been answered"):
        offer_decline(offer=offer, by=kalbajar_officer, reason="again")


def test_the_filters_offer_the_settlements_and_runs_of_some_offer_the_user_sees(
    offer, kalbajar_officer, khojaly_officer, client_for, places
):
    assert units_import(
        table=make_table([unit_row("9", building="B-9", settlement="Kalbajar city")])
    ).ok
    form = client_for(kalbajar_officer).get("/returns/offers/").context["form"]
    assert list(form.fields["destination"].queryset) == [places.zar]
    assert list(form.fields["run"].queryset) == [offer.run]
    form = client_for(khojaly_officer).get("/returns/offers/").context["form"]
    assert list(form.fields["destination"].queryset) == []
    assert list(form.fields["run"].queryset) == []


def test_an_officer_of_another_district_does_not_see_the_offer(offer, khojaly_officer, client_for):
    client = client_for(khojaly_officer)
    assert list(client.get("/returns/offers/").context["page"]) == []
    assert (
        client.post(
            f"/returns/offers/{offer.pk}/answer/", {"answer": "decline", "reason": "x"}
        ).status_code
        == 404
    )


def test_keys_make_the_household_returned_and_the_unit_occupied(
    offer, kalbajar_officer, client_for, places
):
    from homecoming.registry.models import TemporaryAccommodation
    from homecoming.returns.selectors import pipeline

    hostel = TemporaryAccommodation.objects.create(
        code="TA-1", name="Hostel", kind="hostel", settlement=places.ballija, capacity=100
    )
    offer.household.accommodation_place = hostel
    offer.household.save(update_fields=["accommodation_place"])
    client = client_for(kalbajar_officer)
    url = f"/returns/offers/{offer.pk}/handover/"
    data = {
        "date": timezone.localdate().isoformat(),
        "keys": "2",
        "signed_form": "HF-1",
        "outside_departure_reason": "came home with relatives",
    }
    client.post(url, data)
    offer.refresh_from_db()
    assert offer.status == "active"  # not accepted yet: no keys
    consent_record(
        household=offer.household,
        by=kalbajar_officer,
        given_on=dt.date(2025, 6, 1),
        document="CF-1",
    )
    client.post(f"/returns/offers/{offer.pk}/answer/", {"answer": "accept"})
    client.post(url, data)
    offer.refresh_from_db()
    offer.household.refresh_from_db()
    assert offer.status == "fulfilled"
    assert HousingUnit.objects.get(pk=offer.unit_id).status == "occupied"
    assert offer.household.accommodation_place is None
    assert offer.handover.signed_form == "HF-1"
    assert offer.handover.outside_departure_reason == "came home with relatives"
    assert dict(pipeline(type(offer.household).objects.all()))["keys handed over"] == 1


def test_the_household_page_shows_its_road_home(offer, kalbajar_officer, client_for):
    response = client_for(kalbajar_officer).get(f"/registry/households/{offer.household.pk}/")
    steps = {s.name: (s.state, s.detail) for s in response.context["road"]}
    # eligible, by the policy version it names
    assert steps["eligible"] == (
        "done",
        f"policy of Return programme, version 1, in force from {timezone.localdate():%Y-%m-%d}",
    )
    assert steps["offered a home"][0] == "done"
    assert steps["accepted"] == ("current", "consent to return not recorded yet")
    assert steps["keys handed over"][0] == "pending"
