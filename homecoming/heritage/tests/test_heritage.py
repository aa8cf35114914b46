from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from homecoming.core.errors import ApplicationError
from homecoming.heritage.models import Condition, Monument
from homecoming.heritage.selectors import monument_list
from homecoming.heritage.services import inspection_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def monument(places):
    return Monument.objects.create(
        registry_number="H-1", name="Khudavang monastery", type="religious", settlement=places.zar
    )


def test_the_condition_is_the_latest_inspections(monument):
    inspection_record(monument=monument, date=dt.date(2021, 5, 12), condition="damaged")
    inspection_record(monument=monument, date=dt.date(2025, 6, 1), condition="restored")
    inspection_record(monument=monument, date=dt.date(2023, 1, 1), condition="damaged")
    current = monument_list().get()
    assert (current.current_condition, current.last_inspected) == ("restored", dt.date(2025, 6, 1))
    assert monument.inspections.count() == 3  # kept, never overwritten


@pytest.mark.parametrize(
    ("condition", "day", "message"),
    [
        ("ruined", dt.date(2024, 1, 1), "Unknown condition 'ruined'."),
        ("damaged", dt.date(2999, 1, 1), "cannot be dated in the future"),
    ],
)
def test_a_bad_inspection_is_refused(monument, condition, day, message):
    with pytest.raises(ApplicationError, match=message):
        inspection_record(monument=monument, date=day, condition=condition)


def test_the_pages_list_monuments_and_inspections(monument, client_for, viewer):
    inspection_record(
        monument=monument, date=dt.date(2021, 5, 12), condition="damaged", note="roof"
    )
    client = client_for(viewer)
    assert [m.name for m in client.get("/heritage/").context["monuments"]] == [
        "Khudavang monastery"
    ]
    assert "roof" in client.get("/heritage/H-1/").content.decode()


def test_the_list_says_a_monuments_condition_in_the_pages_language(monument, client_for, viewer):
    """The list once showed the condition's code ("damaged") on every page, whatever its
    language."""
    inspection_record(monument=monument, date=dt.date(2021, 5, 12), condition="damaged")
    client = client_for(viewer)
    page = client.get("/heritage/", HTTP_ACCEPT_LANGUAGE="az").content.decode()
    with translation.override("az"):
        assert f">{Condition.DAMAGED.label}</span>" in page
    assert ">damaged<" not in page
    assert client.get("/heritage/NOPE/").status_code == 404
