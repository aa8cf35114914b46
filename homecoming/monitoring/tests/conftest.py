"""Returns recorded through the real workflow: allocation, offer, consent, keys."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_table
from homecoming.monitoring.services import figures_import
from homecoming.registry.services import consent_record
from homecoming.returns.models import Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    keys_hand_over,
    offer_accept,
)
from homecoming.returns.tests.fixtures import household


@pytest.fixture
def returned(places, make_household, zar_ready, planner, kalbajar_officer):
    """Two households of Zar (3 and 4 members) with keys to Zar's two homes on 2025-09-15,
    each step of their road home dated before it (they came home by their own means)."""
    household(make_household, places.zar, 3, verified_on=dt.date(2025, 5, 1))
    household(make_household, places.zar, 4, verified_on=dt.date(2025, 5, 1))
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"),
        by=planner,
        on=dt.date(2025, 7, 1),
    )
    for offer in Reservation.objects.select_related("household"):
        consent_record(
            household=offer.household,
            by=kalbajar_officer,
            given_on=dt.date(2025, 6, 1),
            document=f"CF-{offer.pk}",
        )
        offer_accept(offer=offer, by=kalbajar_officer, on=dt.date(2025, 7, 10))
        keys_hand_over(
            offer=offer,
            by=kalbajar_officer,
            date=dt.date(2025, 9, 15),
            keys=2,
            signed_form=f"HF-{offer.pk}",
            outside_departure_reason="Came home in a relative's car",
        )
    return places


TARGETS = [
    {
        "place": "Liberated territories",
        "indicator": "return_target",
        "value": "140000",
        "unit": "persons",
        "as_of": "2026-12-31",
        "publisher": "Grokipedia",
        "title": "Kalbajar",
    },
    {
        "place": "Kalbajar district",
        "indicator": "return_target",
        "value": "13000",
        "unit": "persons",
        "as_of": "2026-12-31",
        "publisher": "(reference 102)",
        "title": "Number of people moving to Kalbajar by end of 2026",
        "published": "2023-10-20",
    },
]


@pytest.fixture
def targets(places):
    assert figures_import(table=make_table(TARGETS)).ok
