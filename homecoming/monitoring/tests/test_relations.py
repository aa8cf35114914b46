"""Relations between figures: for each, a planted contradiction found with the right words
and amounts, and a consistent control that raises nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import make_table
from homecoming.monitoring.checks import check_relations
from homecoming.monitoring.discrepancies import discrepancies_refresh
from homecoming.monitoring.models import Discrepancy, Figure, Indicator
from homecoming.monitoring.relations import RelationsError, relations_load
from homecoming.monitoring.selectors import discrepancies_in_words, discrepancy_rows
from homecoming.monitoring.services import figures_import
from homecoming.registry.models import Member

pytestmark = pytest.mark.django_db

RELATION_KINDS = [
    "parts_sum_above_whole",
    "parts_above_total",
    "cumulative_falls",
    "ratio_implausible",
    "dated_after_publication",
]


def fig(place: str, indicator: str, value: str, as_of: str, **extra) -> dict:
    return {
        "place": place,
        "indicator": indicator,
        "value": value,
        "unit": extra.pop("unit", "persons"),
        "as_of": as_of,
        "publisher": extra.pop("publisher", "Agency"),
        "title": extra.pop("title", f"Report {indicator} {value} {place}"),
    } | extra


def findings() -> list[Discrepancy]:
    return discrepancies_in_words(
        Discrepancy.objects.filter(still_holds=True, kind__in=RELATION_KINDS).order_by("key")
    )


def sentences() -> list[str]:
    return [d.sentence for d in findings()]


def load(*rows: dict) -> None:
    report = figures_import(table=make_table(list(rows)))
    assert report.ok, report.errors


# Sum of parts ≤ whole, along the place hierarchy.


def test_settlements_that_each_stay_below_their_district_but_sum_above_it_are_found(places):
    load(
        fig("Kalbajar district", "relocated_persons", "100", "2025-09"),
        fig("Kalbajar city", "relocated_persons", "80", "2025-09"),
        fig("Zar", "relocated_persons", "40", "2025-09"),
        fig("Zar", "relocated_persons", "45", "2025-09", publisher="Other"),  # the lower counts
    )
    assert sentences() == [
        "Kalbajar city (80 persons) and Zar (40 persons) add up to 120 persons for 2025-09:"
        " 20 persons more than the figure for Kalbajar (100 persons), the whole they are"
        " part of."
    ]
    (finding,) = findings()
    assert [t["source"] for t in finding.terms] == [
        "Agency: Report relocated_persons 100 Kalbajar district",
        "Agency: Report relocated_persons 80 Kalbajar city",
        "Agency: Report relocated_persons 40 Zar",
    ]
    assert finding.severity == "high"  # 20 of 120


def test_parts_of_another_level_are_summed_across_levels_for_the_same_period(places):
    load(
        fig("Azerbaijan", "relocated_households", "50", "2025", unit="households"),
        fig("Zar", "relocated_households", "30", "2025", unit="households"),
        fig("Ballija", "relocated_households", "25", "2025", unit="households"),
        fig("Kalbajar city", "relocated_households", "40", "2024", unit="households"),
    )
    assert sentences() == [
        "Zar (30 households) and Ballija (25 households) add up to 55 households for 2025:"
        " 5 households more than the figure for Azerbaijan (50 households), the whole they"
        " are part of."
    ]


def test_parts_within_their_whole_raise_nothing(places):
    load(
        fig("Kalbajar district", "relocated_persons", "100", "2025-09"),
        fig("Kalbajar city", "relocated_persons", "60", "2025-09"),
        fig("Zar", "relocated_persons", "40", "2025-09"),
        fig("Zar", "relocated_persons", "70", "2025-09-15"),  # another period: not summed
        fig("Azerbaijan", "relocated_persons", "150", "2025-09"),
        fig("Ballija", "relocated_persons", "50", "2025-09"),
    )
    assert sentences() == []


# Part-of between indicators.


def test_more_villages_than_inhabited_localities_is_found(places):
    load(
        fig("Kalbajar district", "inhabited_localities", "147", "1993-04-01", unit="count"),
        fig("Kalbajar district", "villages", "150", "1993-04-01", unit="count"),
    )
    assert sentences() == [
        "Villages (150) for Kalbajar, 1993-04-01, is 3 more than Inhabited localities (147),"
        " which includes it."
    ]


def test_mine_types_adding_up_above_the_landmines_total_are_found(places):
    load(
        fig("Kalbajar district", "devices_landmines", "126", "2025", unit="count"),
        fig("Kalbajar district", "devices_ap_mines", "100", "2025", unit="count"),
        fig("Kalbajar district", "devices_at_mines", "35", "2025", unit="count"),
        fig("Kalbajar district", "devices_uxo", "500", "2025", unit="count"),  # no mine
    )
    assert sentences() == [
        "Anti-personnel mines destroyed (100) and Anti-tank mines destroyed (35) for Kalbajar,"
        " 2025, add up to 135: 9 more than Landmines destroyed (126), which includes them."
    ]


def test_parts_within_their_total_raise_nothing(places):
    load(
        fig("Kalbajar district", "inhabited_localities", "147", "1993-04-01", unit="count"),
        fig("Kalbajar district", "villages", "145", "1993-04-01", unit="count"),
        fig("Kalbajar district", "villages", "150", "2024-03-12", unit="count"),  # other day
        fig("Kalbajar district", "devices_landmines", "126", "2025", unit="count"),
        fig("Kalbajar district", "devices_ap_mines", "100", "2025", unit="count"),
        fig("Kalbajar district", "devices_at_mines", "26", "2025", unit="count"),
        fig("Khojaly district", "devices_at_mines", "300", "2025", unit="count"),  # elsewhere
    )
    assert sentences() == []


# Never falls.


def test_cumulative_spending_that_falls_is_found(places):
    spent = {"unit": "USD", "publisher": "Ministry"}
    load(
        fig("Kalbajar district", "reconstruction_spent_cumulative", "9000000", "2024", **spent),
        fig("Kalbajar district", "reconstruction_spent_cumulative", "8000000", "2025-06", **spent),
    )
    assert sentences() == [
        "Reconstruction spent (cumulative) counts everything since the start and cannot fall,"
        " yet for Kalbajar it is 8,000,000 USD as of 2025-06: 1,000,000 USD less than the"
        " 9,000,000 USD as of 2024."
    ]


def test_rising_cumulative_figures_raise_nothing(places):
    spent = {"unit": "USD", "publisher": "Ministry"}
    load(
        fig("Kalbajar district", "reconstruction_spent_cumulative", "9000000", "2024", **spent),
        fig("Kalbajar district", "reconstruction_spent_cumulative", "10300000", "2025", **spent),
        # Within the indicator's 1 % tolerance, and a period that overlaps: not compared.
        fig("Kalbajar district", "reconstruction_spent_cumulative", "10250000", "2026", **spent),
        fig("Kalbajar district", "reconstruction_spent_cumulative", "9500000", "2025-06", **spent),
    )
    assert sentences() == []


# Plausible ratios.


def test_ten_households_of_ninety_five_persons_is_an_implausible_ratio(places):
    same = {"publisher": "News", "title": "Another group returns"}
    load(
        fig("Zar", "relocated_households", "10", "2025-09-20", unit="households", **same),
        fig("Zar", "relocated_persons", "95", "2025-09-20", **same),
    )
    assert sentences() == [
        "95 persons and 10 households for Zar, 2025-09-20, make 9.5 persons per household:"
        " 1.5 above the plausible range of 1 to 8 (UN DESA, Household Size and Composition"
        " Around the World 2017: national averages from under 3 to over 6 persons per"
        " household)."
    ]


def test_plausible_ratios_and_figures_of_other_sources_raise_nothing(places):
    load(
        fig("Kalbajar city", "relocated_households", "32", "2025-09-15", unit="households"),
        fig("Kalbajar city", "relocated_persons", "139", "2025-09-15", title="Report 32"),
        fig("Zar", "relocated_households", "10", "2025-09-20", unit="households", title="A"),
        fig("Zar", "relocated_persons", "95", "2025-09-20", title="B"),  # another source
    )
    assert sentences() == []


# Not dated after publication.


def test_a_count_dated_after_it_was_published_is_found(places):
    load(fig("Zar", "relocated_persons", "40", "2025-10", published="2025-09-20"))
    assert sentences() == [
        "Returned persons for Zar, 40 persons, is dated 2025-10, 11 days after it was"
        " published on 2025-09-20: a count cannot be of days still to come."
    ]


def test_targets_plans_and_counts_dated_by_their_publication_raise_nothing(places):
    load(
        fig("Kalbajar district", "return_target", "13000", "2026-12-31", published="2023-10-20"),
        fig("Kalbajar city", "cohort_planned_households", "81", "2025-07", published="2025-06-13"),
        fig("Zar", "relocated_persons", "40", "2025-09-20", published="2025-09-20"),
        fig("Zar", "relocated_persons", "41", "2025", published="2025-03-01"),
        fig("Azerbaijan", "reconstruction_budget", "2350000000", "2025", published="2024-11-27"),
    )
    assert sentences() == []


# On the system's own figures.


def test_the_registrys_own_persons_per_household_are_checked_by_settlement_and_month(returned):
    discrepancies_refresh()
    assert sentences() == []  # 7 persons in 2 households: 3.5 each
    Member.objects.filter(household__origin_settlement=returned.zar).update(
        left_on=dt.date(2025, 8, 1)  # a mistake: everyone left before coming home
    )
    discrepancies_refresh()
    (finding,) = findings()
    assert (finding.figure_a, finding.kind) == (None, "ratio_implausible")
    assert finding.sentence.startswith(
        "0 persons and 2 households for Zar, 2025-09, make 0 persons per household:"
        " 1 below the plausible range of 1 to 8"
    )
    assert [t["computed_from"] for t in finding.terms] == [
        "members of the households at their key handover, recorded in Homecoming",
        "key handovers recorded in Homecoming",
    ]
    row = next(r for r in discrepancy_rows() if r["kind"] == "ratio_implausible")
    assert (row["place"], row["value_a"], row["value_b"]) == ("Zar", "0", "2")
    assert row["source_b"] == "Homecoming (computed): key handovers recorded in Homecoming"


def test_the_registrys_records_dated_after_the_day_of_the_check_are_found(returned):
    discrepancies_refresh(today=dt.date(2025, 8, 1))  # the handovers are of 2025-09-15
    assert sentences() == [
        "The records count 2 households of Returned households for Zar in 2025-09, which"
        " begins 31 days after the day of the check, 2025-08-01: a record dated in the future.",
        "The records count 7 persons of Returned persons for Zar in 2025-09, which begins 31"
        " days after the day of the check, 2025-08-01: a record dated in the future.",
    ]
    discrepancies_refresh(today=dt.date(2025, 9, 30))
    assert sentences() == []
    assert Discrepancy.objects.filter(still_holds=False).count() == 2


# Stable findings.


def test_a_rerun_finds_each_once_keeps_its_note_and_closes_what_no_longer_holds(places):
    load(
        fig("Kalbajar district", "relocated_persons", "100", "2025-09"),
        fig("Kalbajar city", "relocated_persons", "80", "2025-09"),
        fig("Zar", "relocated_persons", "40", "2025-09"),
    )
    finding = Discrepancy.objects.get(kind="parts_sum_above_whole")
    Discrepancy.objects.filter(pk=finding.pk).update(status="explained", note="two counts")
    assert discrepancies_refresh() == (1, 0)
    Figure.objects.filter(place_label="Zar").update(value="30", value_number=30)
    discrepancies_refresh()
    finding.refresh_from_db()
    assert finding.details["excess"] == "10"
    assert Discrepancy.objects.count() == 1
    Figure.objects.filter(place_label="Zar").update(value="10", value_number=10)
    discrepancies_refresh()
    finding.refresh_from_db()
    assert (finding.still_holds, finding.status, finding.note) == (False, "explained", "two counts")


def test_the_page_says_each_finding_in_words_with_its_sources(places, client_for, viewer):
    load(
        fig("Kalbajar district", "devices_landmines", "126", "2025", unit="count"),
        fig("Kalbajar district", "devices_ap_mines", "100", "2025", unit="count"),
        fig("Kalbajar district", "devices_at_mines", "35", "2025", unit="count"),
    )
    body = client_for(viewer).get("/monitoring/discrepancies/").content.decode()
    assert "Parts add up to more than their total" in body
    assert "add up to 135: 9 more than Landmines destroyed (126)" in body
    assert "Agency: Report devices_at_mines 35 Kalbajar district" in body
    assert "parts_above_total" not in body
    for language in ("az", "ru"):
        response = client_for(viewer).get(
            "/monitoring/discrepancies/", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200


# The catalogue of relations.


def test_the_relations_shipped_load_with_the_catalogue():
    indicators = {i.code: i for i in Indicator.objects.all()}
    relations = relations_load(indicators=indicators)
    assert {r.kind for r in relations} == {
        "part_of",
        "never_falls",
        "ratio",
        "not_after_publication",
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("parts,villages,inhabited_localities,,,", "line 2: unknown kind 'parts'"),
        ("part_of,vilages,inhabited_localities,,,", "line 2: unknown indicator 'vilages'"),
        ("part_of,villages,,,,", "line 2: a part_of relation names another indicator"),
        ("never_falls,villages,area,,,", "line 2: a never_falls relation has no 'of'"),
        ("part_of,villages,area,,,", "villages (count) cannot be part of area (km2)"),
        ("ratio,relocated_persons,relocated_households,1,8,", "a ratio's range says its source"),
        ("ratio,relocated_persons,relocated_households,8,1,S", "from low to high"),
        ("ratio,relocated_persons,relocated_households,one,8,S", "low and high are numbers"),
        ("never_falls,villages,,1,,", "only a ratio has low, high and source"),
    ],
)
def test_a_relation_the_catalogue_cannot_read_is_refused_with_its_line(
    tmp_path: Path, line: str, message: str
):
    path = tmp_path / "relations.csv"
    path.write_text(f"kind,indicator,of,low,high,source\n{line}\n", encoding="utf-8")
    indicators = {i.code: i for i in Indicator.objects.all()}
    with pytest.raises(RelationsError, match=re.escape(message)):
        relations_load(indicators=indicators, path=path)


def test_a_new_relation_is_a_line_of_the_file(places, tmp_path: Path, monkeypatch):
    path = tmp_path / "relations.csv"
    path.write_text(
        "kind,indicator,of,low,high,source\nnever_falls,displaced_persons,,,,\n", encoding="utf-8"
    )
    monkeypatch.setattr("homecoming.monitoring.relations.RELATIONS", path)
    load(
        fig("Zar", "displaced_persons", "500", "1993"),
        fig("Zar", "displaced_persons", "400", "1994"),
    )
    assert [d.kind for d in findings()] == ["cumulative_falls"]


def test_the_start_up_check_refuses_a_bad_line_and_passes_the_shipped_file(tmp_path, monkeypatch):
    assert check_relations(None) == []
    path = tmp_path / "relations.csv"
    path.write_text("kind,indicator,of,low,high,source\nnever_falls,spent,,,,\n", encoding="utf-8")
    monkeypatch.setattr("homecoming.monitoring.relations.RELATIONS", path)
    (error,) = check_relations(None)
    assert error.msg == (
        "relations.csv, line 2: unknown indicator 'spent' in indicator (not in the catalogue)."
    )


def test_a_figure_given_as_a_bound_breaks_a_relation_only_when_no_value_could_keep_it(places):
    """A whole given as "at least" is never exceeded; a later cumulative figure "over 8
    million" may be above the earlier 9 million; an earlier "at least 9 million" above a
    later exact 8 million is a fall."""
    spent = {"unit": "USD", "publisher": "Ministry"}
    load(
        fig("Kalbajar district", "relocated_persons", "100", "2025-09", bound="at_least"),
        fig("Kalbajar city", "relocated_persons", "80", "2025-09", bound=""),
        fig("Zar", "relocated_persons", "40", "2025-09", bound=""),
        fig(
            "Khojaly district",
            "reconstruction_spent_cumulative",
            "9000000",
            "2024",
            **spent,
            bound="",
        ),
        fig(
            "Khojaly district",
            "reconstruction_spent_cumulative",
            "8000000",
            "2025",
            **spent,
            bound="at_least",
        ),
        fig(
            "Kalbajar district",
            "reconstruction_spent_cumulative",
            "9000000",
            "2024",
            **spent,
            bound="at_least",
        ),
        fig(
            "Kalbajar district",
            "reconstruction_spent_cumulative",
            "8000000",
            "2025",
            **spent,
            bound="",
        ),
    )
    assert sentences() == [
        "Reconstruction spent (cumulative) counts everything since the start and cannot fall,"
        " yet for Kalbajar it is 8,000,000 USD as of 2025: 1,000,000 USD less than the"
        " at least 9,000,000 USD as of 2024."
    ]
