"""Computed indicators, targets and the reported-vs-computed rule, from real records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_table
from homecoming.housing.selectors import settlement_return_readiness
from homecoming.monitoring.computed import (
    Readiness,
    by_month,
    place_of_records,
    returned_households,
    returned_persons,
    settlement_states,
    total,
    units_by_status,
)
from homecoming.monitoring.models import Discrepancy, Target
from homecoming.monitoring.selectors import discrepancy_rows, targets_progress
from homecoming.monitoring.services import figures_import, target_update
from homecoming.places.models import Settlement
from homecoming.programmes.policies import policy_approve, policy_change, policy_draft
from homecoming.programmes.selectors import default_programme

pytestmark = pytest.mark.django_db


def fig(place: str, indicator: str, value: str, as_of: str = "", **extra) -> dict:
    return {
        "place": place,
        "indicator": indicator,
        "value": value,
        "unit": extra.pop("unit", "persons"),
        "as_of": as_of,
        "publisher": extra.pop("publisher", "Agency"),
        "title": extra.pop("title", f"Report {place} {indicator} {value} {as_of}"),
    } | extra


def test_returns_count_households_and_their_members_at_the_handover(returned):
    zar = place_of_records(returned.zar)
    kalbajar = place_of_records(returned.kalbajar)
    assert total(returned_households(), place=zar) == 2
    assert total(returned_persons(), place=zar) == 7
    assert total(returned_persons(), place=kalbajar) == 7
    assert total(returned_persons(), place=place_of_records(returned.ballija)) == 0
    assert by_month(returned_persons()) == {dt.date(2025, 9, 1): 7}
    assert total(returned_persons(), start=dt.date(2025, 9, 16)) == 0


def test_returns_are_scoped_by_the_households_origin_district(returned):
    assert total(returned_persons(frozenset({returned.khojaly.pk}))) == 0
    assert total(returned_persons(frozenset({returned.kalbajar.pk}))) == 7


def test_units_by_status_counts_the_occupied_homes(returned):
    assert units_by_status()["Kalbajar"]["occupied"] == 2


def test_the_map_readiness_follows_the_settlement_pages_rule(returned, zar_hazards):
    states = {s.settlement.name: s for s in settlement_states()}
    for name, state in states.items():
        single = settlement_return_readiness(Settlement.objects.get(name=name))
        assert (state.readiness == Readiness.READY) == single.ready, name
        assert (state.readiness == Readiness.BLOCKED) == (not single.land.ready), name
    assert states["Zar"].households_returned == 2
    assert states["Zar"].persons_returned == 7


def test_a_reported_figure_that_disagrees_with_the_records_is_a_discrepancy(returned):
    figures_import(
        table=make_table(
            [
                fig("Zar", "relocated_households", "2", "2025-09-15", unit="households"),
                fig("Zar", "relocated_persons", "9", "2025-09-15"),
                fig("Kalbajar district", "relocated_persons", "7", "2025"),
                fig("Ballija village", "relocated_persons", "29"),
                fig("Liberated territories", "relocated_persons", "5000"),  # no known place
                fig("Zar", "relocated_persons", "50", "2020"),  # before any record
            ]
        )
    )
    found = Discrepancy.objects.filter(kind="reported_vs_computed")
    assert sorted((d.figure_a.value, d.computed_value) for d in found) == [("29", 0), ("9", 7)]
    assert found.count() == 2
    zar = found.get(figure_a__value="9")
    assert (zar.severity, zar.figure_b) == ("high", None)
    rows = [r for r in discrepancy_rows() if r["kind"] == "reported_vs_computed"]
    row = next(r for r in rows if r["value_a"] == "9")
    assert (row["value_b"], row["as_of_b"]) == ("7", "2025-09-15")
    assert row["source_b"].startswith("Homecoming (computed): members of the households")


def test_the_page_shows_the_computed_side_with_where_it_comes_from(returned, client_for, viewer):
    figures_import(table=make_table([fig("Zar", "relocated_persons", "9", "2025-09-15")]))
    body = client_for(viewer).get("/monitoring/discrepancies/").content.decode()
    assert "disagrees with the system" in body
    assert "key handover" in body


def test_targets_are_derived_from_the_target_figures_once(returned):
    rows = [
        fig("Kalbajar district", "return_target", "13000", "2026-12-31", published="2023-10-20"),
        fig("Kalbajar district", "return_target", "13000", "2024-12-31", published="2023-09-07"),
        fig("Liberated territories", "return_target", "140000", "2026-12-31"),
    ]
    figures_import(table=make_table(rows))
    figures_import(table=make_table(rows))
    targets = Target.objects.order_by("figure__period_end", "figure__value_number")
    assert [(t.value, t.deadline, t.place, t.start) for t in targets] == [
        (13000, dt.date(2024, 12, 31), returned.kalbajar, dt.date(2023, 9, 7)),
        (13000, dt.date(2026, 12, 31), returned.kalbajar, dt.date(2023, 10, 20)),
        (140000, dt.date(2026, 12, 31), None, None),
    ]
    assert {t.indicator.code for t in targets} == {"relocated_persons"}
    assert Discrepancy.objects.filter(kind="target_deadlines").count() == 1


def test_progress_is_the_computed_value_now_and_the_time_gone(returned):
    figures_import(
        table=make_table(
            [
                fig(
                    "Kalbajar district", "return_target", "70", "2026-12-31", published="2024-12-31"
                ),
                fig("Liberated territories", "return_target", "140000", "2026-12-31"),
            ]
        )
    )
    programme = Target.objects.get(figure__value="140000")
    target_update(target=programme, start=dt.date(2022, 1, 1), note="launched 2022")
    progress = {p.target.value: p for p in targets_progress(today=dt.date(2025, 12, 31))}
    assert progress[70].computed == 7
    assert progress[70].share_done == pytest.approx(0.1)
    assert progress[70].time_elapsed == pytest.approx(0.5, abs=0.001)
    assert progress[140000].computed == 7
    assert progress[140000].time_elapsed == pytest.approx(1461 / 1825, abs=0.001)


def test_the_forecast_inputs_come_from_the_records(returned, planner):
    from homecoming.monitoring.selectors import forecast_inputs
    from homecoming.returns.models import Cohort

    Cohort.objects.create(
        move_date=dt.date(2026, 2, 10),
        destination=returned.zar,
        seats=40,
        transport="bus",
        created_by=planner,
    )
    inputs = forecast_inputs(dt.date(2026, 1, 15))
    assert inputs.returned == {returned.kalbajar.code: {dt.date(2025, 9, 1): 7}}
    assert inputs.seats_by_month == {dt.date(2026, 2, 1): 40}
    assert (inputs.offers_accepted, inputs.offers_declined) == (2, 0)
    assert inputs.units == []  # Zar's two homes are occupied
    assert inputs.completion_delays_days == [-213]  # finished 2025-06-01, planned 2025-12-31
    assert len(inputs.release_ha_by_month) == 12


def test_the_maps_missing_services_are_those_the_policy_in_force_requires(returned, make_user):
    """The map once read the services from the settings after a policy had changed them."""
    drafter, approver = (make_user(n, "return_planner") for n in ("p1", "p2"))
    draft = policy_draft(programme=default_programme(), by=drafter)
    policy_change(
        version=draft,
        by=drafter,
        conditions=[],
        priority_factors=draft.priority_factors,
        required_services=["gas"],
        offer_answer_days=draft.offer_answer_days,
        rooms=draft.rooms,
    )
    policy_approve(version=draft, by=approver, in_force_from=timezone.localdate())
    states = {s.settlement.name: s for s in settlement_states()}
    assert states["Zar"].missing_services == ["gas"]
