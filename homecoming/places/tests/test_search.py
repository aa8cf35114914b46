"""Finding a place by any of its spellings: Azerbaijani Latin, Russian Cyrillic, English and
the older transliterations, as a person types them (docs/data-formats.md, Finding a place)."""

from __future__ import annotations

import pytest

from conftest import PLACES, make_table
from homecoming.places.services import places_import

pytestmark = pytest.mark.django_db

# District towns of the return areas, with the names the registers give them; the Russian
# name only where it is not a letter-for-letter spelling of the Azerbaijani one (Физули).
TOWNS = [
    ("Fuzuli", "Füzuli", "Физули"),
    ("Aghdam", "Ağdam", ""),
    ("Shusha", "Şuşa", ""),
    ("Jabrayil", "Cəbrayıl", ""),
    ("Zangilan", "Zəngilan", ""),
    ("Qubadli", "Qubadlı", "Кубатлы"),
    ("Lachin", "Laçın", ""),
]
ROWS = [
    *PLACES,
    {"kind": "city", "name": "Khojaly city", "name_az": "Xocalı", "parent": "Khojaly"},
    *(
        row
        for name, name_az, name_ru in TOWNS
        for row in (
            {"kind": "district", "name": name, "name_az": name_az, "parent": "Karabakh"},
            {
                "kind": "city",
                "name": f"{name} city",
                "name_az": name_az,
                "name_ru": name_ru,
                "parent": name,
            },
        )
    ),
]


@pytest.fixture
def towns(db) -> None:
    rows = [{"lat": "39.9", "lon": "46.8", **row} for row in ROWS]
    report = places_import(table=make_table(rows))
    assert report.ok, report.errors


SPELLINGS = {
    "Kalbajar city": ["Kalbajar", "Kelbajar", "Kəlbəcər", "KƏLBƏCƏR", "kelbecer", "Kelbadzhar"]
    + ["Кельбаджар", "кельбаджар"],
    "Khojaly city": ["Khojaly", "Khojali", "Xocalı", "xocali", "Khodzhaly", "Ходжалы"],
    "Fuzuli city": ["Fuzuli", "Füzuli", "Fizuli", "Физули"],
    "Aghdam city": ["Agdam", "Aghdam", "Ağdam", "Агдам"],
    "Shusha city": ["Shusha", "Şuşa", "Susa", "Шуша"],
    "Jabrayil city": ["Jabrayil", "Cəbrayıl", "Jabrail", "Jebrail", "Dzhebrail", "Джебраил"],
    "Zangilan city": ["Zangilan", "Zəngilan", "Зангилан"],
    "Qubadli city": ["Gubadli", "Qubadlı", "Kubatly", "Губадлы", "Кубатлы"],
    "Lachin city": ["Lachin", "Laçın", "Lacin", "Лачин"],
    "Ballija": ["Ballija", "Ballıca", "Баллыджа"],
}
CASES = [(spelling, place) for place, spellings in SPELLINGS.items() for spelling in spellings]


@pytest.mark.parametrize(("spelling", "place"), CASES)
def test_the_settlement_list_finds_a_place_by_each_of_its_spellings(
    client_for, viewer, towns, spelling, place
):
    response = client_for(viewer).get("/places/settlements/", {"q": spelling})
    assert [s.name for s in response.context["page"]] == [place]


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("Kelbajar", "Kalbajar city"),
        ("Kelbadzhar", "Kalbajar city"),
        ("Кельбаджар", "Kalbajar city"),
        ("Khojali", "Khojaly city"),
        ("Ходжалы", "Khojaly city"),
        ("Cəbrayıl", "Jabrayil city"),
        ("Jabrayil", "Jabrayil city"),
        ("Shusha", "Shusha city"),
    ],
)
def test_the_picker_suggests_the_place_at_every_letter_as_its_name_is_typed(
    client_for, viewer, towns, typed, place
):
    client = client_for(viewer)
    for length in range(2, len(typed) + 1):
        response = client.get("/places/settlements/choices/", {"settlement": typed[:length]})
        assert place in response.content.decode(), typed[:length]


def test_every_word_must_find_the_place_and_a_code_is_found_by_its_digits(
    client_for, viewer, towns, places
):
    client = client_for(viewer)
    found = client.get("/places/settlements/", {"q": "Кельбаджар city"})
    assert [s.name for s in found.context["page"]] == ["Kalbajar city"]
    none = client.get("/places/settlements/", {"q": "Кельбаджар Zar"})
    assert list(none.context["page"]) == []
    by_code = client.get("/places/settlements/", {"q": places.zar.code.lower()})
    assert [s.name for s in by_code.context["page"]] == ["Zar"]


def test_the_household_list_finds_the_origin_in_another_script(
    client_for, planner, towns, places, make_household
):
    from_kalbajar = make_household(places.kalbajar_city)
    make_household(places.ballija)
    response = client_for(planner).get("/registry/households/", {"settlement": "Кельбаджар"})
    assert [h.reference for h in response.context["page"]] == [from_kalbajar.reference]


def test_the_api_finds_settlements_by_the_same_keys(api_for, viewer, towns):
    response = api_for(viewer).get("/api/places/settlements/", {"q": "Khojali"})
    assert [s["name"] for s in response.json()["results"]] == ["Khojaly city"]


def test_a_suggestion_picked_shows_names_not_a_code_and_filters_on_that_settlement(
    client_for, planner, towns, places, make_household
):
    from_zar = make_household(places.zar)
    make_household(places.kalbajar_city)
    client = client_for(planner)
    client.post("/i18n/setlang/", {"language": "az", "next": "/"})
    picked = client.get("/places/settlements/choices/", {"settlement": "Zar"}).content.decode()
    assert 'value="Zar (Kəlbəcər)"' in picked
    assert places.zar.code not in picked
    response = client.get("/registry/households/", {"settlement": "Zar (Kəlbəcər)"})
    assert [h.reference for h in response.context["page"]] == [from_zar.reference]
