"""The interface in each of its languages: English, Azerbaijani and Russian.

Place names show in the page's language where the places data has that form; persons' names
show as they were entered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from homecoming.core.charts import chart
from homecoming.mineaction.selectors import hazard_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian_names(places):
    """The Russian forms of the places' names, as a places file gives them."""
    for place, name_ru in [(places.kalbajar, "Кельбаджар"), (places.zar, "Зар")]:
        place.name_ru = name_ru
        place.save(update_fields=["name_ru"])
    return places


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_language_switcher_offers_each_language_named_in_itself(client_for, viewer):
    body = client_for(viewer).get("/").content.decode()
    for code in ("en", "az", "ru"):
        assert f'name="language" value="{code}"' in body
    assert dict(settings.LANGUAGES) == {"en": "English", "az": "Azərbaycanca", "ru": "Русский"}


def test_choosing_russian_keeps_the_pages_in_russian(client_for, viewer):
    client = client_for(viewer)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="ru">' in body
    assert "Населённые пункты" in body  # the navigation


def test_a_place_shows_its_name_in_the_pages_language_else_in_english(russian_names):
    zar, ballija = russian_names.zar, russian_names.ballija
    with translation.override("ru"):
        assert (zar.display_name, ballija.display_name) == ("Зар", "Ballija")
    with translation.override("az"):
        assert (zar.display_name, ballija.display_name) == ("Zar", "Ballıca")
    with translation.override("en"):
        assert (zar.display_name, ballija.display_name) == ("Zar", "Ballija")


def test_a_household_in_russian_shows_its_places_in_russian_and_its_members_as_entered(
    client_for, kalbajar_officer, russian_names, make_household
):
    household = make_household(russian_names.zar, ("Elvin", "Məmmədov"))
    client = in_language(client_for(kalbajar_officer), "ru")
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "Глава домохозяйства" in body
    assert "Зар</a>, Кельбаджар" in body
    assert "Elvin" in body
    assert "Məmmədov" in body


def test_the_maps_get_every_name_of_a_settlement(client_for, viewer, russian_names):
    """map.js picks the name of the page's language from them (localName)."""
    data = client_for(viewer).get("/places/settlements.geojson").json()
    zar = next(f["properties"] for f in data["features"] if f["properties"]["code"] == "AZ0101002")
    assert (zar["name"], zar["name_az"], zar["name_ru"]) == ("Zar", "Zar", "Зар")


NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "13,000 · 2.5 · 2,350,000,000 · 12,418.6 · 2026-12-06 · 2026-12-06 09:30 · "
            "Dec. 6, 2026",
        ),
        (
            "az",
            f"13{NBSP}000 · 2,5 · 2{NBSP}350{NBSP}000{NBSP}000 · 12{NBSP}418,6 · 06.12.2026 · "
            "06.12.2026 09:30 · 6 dekabr 2026",
        ),
        (
            "ru",
            f"13{NBSP}000 · 2,5 · 2{NBSP}350{NBSP}000{NBSP}000 · 12{NBSP}418,6 · 06.12.2026 · "
            "06.12.2026 09:30 · 6 декабря 2026 г.",
        ),
    ],
)
def test_numbers_and_dates_are_written_as_the_pages_language_writes_them(language, expected):
    """Django's formats for numbers and dates, and the project's figure filters alike."""
    template = Template(
        "{% load homecoming %}{{ n }} · {{ x }} · {{ big|figure }} · {{ ha|figure_1 }} · "
        '{{ d|date:"SHORT_DATE_FORMAT" }} · '
        '{{ t|date:"SHORT_DATETIME_FORMAT" }} · {{ d|date }}'
    )
    context = Context(
        {
            "n": 13000,
            "x": Decimal("2.5"),
            "big": Decimal("2350000000.00"),
            "ha": 12418.56,
            "d": dt.date(2026, 12, 6),
            "t": dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC),
        }
    )
    with translation.override(language), timezone.override(dt.UTC):
        assert template.render(context) == expected


@pytest.mark.parametrize(
    ("language", "registered_on"),
    [("en", "2024-05-01"), ("az", "01.05.2024"), ("ru", "01.05.2024")],
)
def test_a_household_page_dates_its_registration_in_the_pages_language(
    client_for, kalbajar_officer, places, make_household, language, registered_on
):
    household = make_household(places.zar)
    client = in_language(client_for(kalbajar_officer), language)
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert f"<dd>{registered_on}" in body


@pytest.mark.parametrize(
    ("language", "separators"), [("en", ".,"), ("az", f",{NBSP}"), ("ru", f",{NBSP}")]
)
def test_charts_write_numbers_as_the_pages_language_does(language, separators):
    with translation.override(language):
        spec = chart([{"type": "bar", "x": ["a"], "y": [13000]}], y_title="persons")
    assert spec["layout"]["separators"] == separators


def test_a_date_picker_keeps_its_date_in_every_language(
    client_for, kalbajar_officer, places, make_household
):
    """Written as 01.05.1980 in Russian, the date would be thrown away by the browser's picker,
    and saving the form would clear it."""
    household = make_household(places.zar)
    member = household.members.get()
    member.birth_date = dt.date(1980, 5, 1)
    member.save(update_fields=["birth_date"])
    url = f"/registry/households/{household.pk}/members/{member.pk}/edit/"
    for language in ("en", "az", "ru"):
        body = in_language(client_for(kalbajar_officer), language).get(url).content.decode()
        assert 'type="date" name="birth_date" value="1980-05-01"' in body


def test_an_integer_that_is_a_key_is_not_grouped_like_a_quantity():
    """An allocation run's number names it, and a checkbox's value posts a key back."""
    html = Template('{% load l10n %}#{{ pk|unlocalize }} {{ year|date:"Y" }}').render(
        Context({"pk": 1234, "year": dt.date(1975, 1, 1)})
    )
    with translation.override("ru"):
        assert html == "#1234 1975"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "HA-0002, 1,203.5 ha, clearance 60 % done"),
        ("ru", f"HA-0002, 1{NBSP}203,5 га, расчистка: выполнено 60 %"),
    ],
)
def test_a_hazard_areas_progress_reads_in_the_pages_language(language, expected):
    with translation.override(language):
        words = hazard_words(code="HA-0002", area_ha=1203.46, method="clearance", percent=60)
    assert words == expected
