"""The interface in each of its languages: English, Azerbaijani and Russian.

Place names show in the page's language where the places data has that form; persons' names
show as they were entered.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

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
