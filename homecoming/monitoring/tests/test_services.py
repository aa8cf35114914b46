from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_table
from homecoming.monitoring.models import Figure
from homecoming.monitoring.services import figures_import, period_of

pytestmark = pytest.mark.django_db


def figure(**values) -> dict:
    row = {
        "place": "Kalbajar district",
        "indicator": "return_target",
        "value": "13000",
        "unit": "persons",
        "as_of": "2026-12-31",
        "publisher": "Caliber.Az",
        "title": "Resettlement to Kalbajar",
        "published": "2023-09-07",
        "note": "",
    }
    return row | values


@pytest.mark.parametrize(
    ("as_of", "start", "end", "precision"),
    [
        ("1993-04-01", dt.date(1993, 4, 1), dt.date(1993, 4, 1), "day"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        ("2009", dt.date(2009, 1, 1), dt.date(2009, 12, 31), "year"),
        ("", None, None, "undated"),
    ],
)
def test_an_as_of_date_covers_a_day_a_month_or_a_year(as_of, start, end, precision):
    period = period_of(as_of)
    assert (period.start, period.end, period.precision) == (start, end, precision)


def test_figures_resolve_their_place_names_to_areas_and_settlements(places):
    report = figures_import(
        table=make_table(
            [
                figure(),
                figure(
                    place="Ballija village", indicator="relocated_households", value="8", as_of=""
                ),
                figure(place="Kalbajar city", indicator="relocated_persons", value="139"),
                figure(place="Liberated territories", value="140000"),
            ]
        )
    )
    assert report.ok, report.errors
    resolved = {f.place_label: (f.area, f.settlement) for f in Figure.objects.all()}
    assert resolved == {
        "Kalbajar district": (places.kalbajar, None),
        "Ballija village": (None, places.ballija),
        "Kalbajar city": (None, places.kalbajar_city),
        "Liberated territories": (None, None),
    }


def test_the_same_figure_imported_twice_is_kept_once(places):
    figures_import(table=make_table([figure()]))
    report = figures_import(table=make_table([figure(note="checked again")]))
    assert (report.created, report.updated) == (0, 1)
    assert Figure.objects.get().note == "checked again"


def test_two_values_from_one_source_are_both_kept(places):
    report = figures_import(
        table=make_table(
            [
                figure(
                    indicator="population_before_displacement", value="61,000", as_of="1993-04-01"
                ),
                figure(
                    indicator="population_before_displacement", value="60000", as_of="1993-04-01"
                ),
            ]
        )
    )
    assert report.ok
    assert sorted(Figure.objects.values_list("value_number", flat=True)) == [60000, 61000]


def test_a_date_valued_figure_keeps_its_date(places):
    figures_import(
        table=make_table([figure(indicator="control_restored", value="2020-11-25", unit="date")])
    )
    stored = Figure.objects.get()
    assert (stored.value, stored.value_number) == ("2020-11-25", None)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"value": "about 13k"}, "row 2, value: 'about 13k' is not a number"),
        ({"value": "-5"}, "row 2, value: must be at least 0 (got -5)"),
        ({"as_of": "2025-13"}, "row 2, as_of: '2025-13' is not a real date"),
        ({"as_of": "Q3 2025"}, "row 2, as_of: 'Q3 2025' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"published": "2999-01-01"}, "row 2, published: 2999-01-01 is in the future"),
        (
            {"indicator": "Return Target"},
            "row 2, indicator: 'Return Target' must be lower-case letters, digits and _",
        ),
        ({"publisher": ""}, "row 2, publisher: is required"),
        ({"url": "ftp://x"}, "row 2, url: 'ftp://x' is not an http(s) address"),
    ],
)
def test_a_bad_figure_is_refused_with_its_row_and_nothing_is_written(places, values, message):
    report = figures_import(table=make_table([figure(indicator="villages"), figure(**values)]))
    assert [str(e) for e in report.errors] == [message.replace("row 2", "row 3")]
    assert not Figure.objects.exists()
