"""Every paginated list of the application keeps its filters from page to page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.paginator import Paginator

from conftest import make_table
from homecoming.accounts.models import AccessLog
from homecoming.housing.models import HousingUnit
from homecoming.mineaction.services import hazards_import
from homecoming.mineaction.tests.fixtures import hazard_row, square
from homecoming.monitoring.models import Figure
from homecoming.returns.models import AllocationResult, AllocationRun, Reservation

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_page(monkeypatch):
    """Every list pages one row at a time, so that two rows make two pages."""
    init = Paginator.__init__

    def paginate(self, object_list, per_page, *args, **kwargs):
        init(self, object_list, 1, *args, **kwargs)

    monkeypatch.setattr(Paginator, "__init__", paginate)


@pytest.fixture
def two_of_each(admin, places, make_household, zar_ready):
    """Two rows on each list, each matching the filter the walk uses."""
    assert hazards_import(
        table=make_table(
            [hazard_row("HA-0001", square(46.2, 40.0)), hazard_row("HA-0002", square(46.3, 40.1))]
        )
    ).ok
    for value in ("10", "20"):
        Figure.objects.create(
            place_label="Kalbajar",
            indicator="idps",
            value=value,
            unit="persons",
            precision=Figure.Precision.YEAR,
            publisher="Test",
            title="Test",
        )
    for record in ("A", "B"):
        AccessLog.objects.create(user=admin, action=AccessLog.Action.SEARCH, record=record)
    run = AllocationRun.objects.create(created_by=admin, scope="settlement", policy={})
    units = HousingUnit.objects.order_by("pk")
    for household, unit in zip(
        (make_household(places.zar), make_household(places.zar)), units, strict=True
    ):
        AllocationResult.objects.create(
            run=run,
            household=household,
            priority=1,
            priority_breakdown={},
            explanation={"why": "words", "text": "-"},
        )
        Reservation.objects.create(
            unit=unit,
            household=household,
            run=run,
            created_by=admin,
            offered_on=dt.date(2026, 11, 1),
            offer_deadline=dt.date(2026, 11, 15),
        )
    return run


def test_every_paginated_list_keeps_its_filters_on_the_next_and_previous_page(
    client_for, admin, places, two_of_each, one_per_page
):
    lists = {
        "/places/settlements/": f"district={places.kalbajar.code}",
        "/monitoring/figures/": "indicator=idps",
        "/mineaction/hazard-areas/": "status=open",
        f"/returns/runs/{two_of_each.pk}/": "show=waiting",
        "/accounts/access-log/": "action=search",
        "/returns/offers/": "answer=pending",
    }
    client = client_for(admin)
    for path, kept in lists.items():
        first = client.get(f"{path}?{kept}")
        assert first.status_code == 200, path
        links = re.findall(r'href="(\?[^"]*)"', first.content.decode())
        following = [unescape(link) for link in links if "page=2" in link]
        assert following, f"{path}: no link to page 2"
        assert all(kept in link for link in following), (path, following)
        second = client.get(path + following[0])
        assert second.context["page"].number == 2, path
        back = [unescape(link) for link in re.findall(r'href="(\?[^"]*)"', second.content.decode())]
        assert any("page=1" in link and kept in link for link in back), (path, back)
