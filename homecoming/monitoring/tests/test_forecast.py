"""The forecast on plain data: its validation, its arithmetic on certain inputs, its band."""

from __future__ import annotations

import ast
import datetime as dt
import doctest
from pathlib import Path

import pytest

from homecoming.monitoring import forecast as forecast_module
from homecoming.monitoring.forecast import (
    Demand,
    ForecastInputs,
    InvalidForecast,
    TargetSpec,
    UnitBatch,
    forecast,
)

TODAY = dt.date(2026, 1, 15)
ON_TIME = [0] * 5  # five finished projects, none late: no completion delay


def inputs(**changes) -> ForecastInputs:
    values = {
        "today": TODAY,
        "returned": {"KAL": {dt.date(2025, 9, 1): 254}},
        "units": [UnitBatch("KAL", "Kalbajar city", 100, dt.date(2026, 3, 20))],
        "demand": [Demand("KAL", 1000, 4.0)],
        "completion_delays_days": ON_TIME,
        "offers_accepted": 100_000,  # take-up all but certain
    }
    return ForecastInputs(**(values | changes))


def test_the_module_imports_no_django():
    tree = ast.parse(Path(forecast_module.__file__).read_text())
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]
    assert not [n for n in imported if n.startswith(("django", "homecoming"))]


def test_the_docstring_example_holds():
    assert doctest.testmod(forecast_module).failed == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"units": [UnitBatch("KAL", "Zar", -1, TODAY)]}, "Units of Zar: count -1 is negative."),
        ({"demand": [Demand("KAL", 5, 0)]}, "Demand of KAL: persons_per_household must be > 0."),
        ({"release_ha_by_month": [3.0, -1.0]}, "a month's release is negative"),
        ({"seats_by_month": {dt.date(2026, 2, 1): -5}}, "Seats of 2026-02: -5 is negative."),
        ({"returned": {"KAL": {dt.date(2026, 2, 1): 5}}}, "Returns of KAL: a month after today."),
    ],
)
def test_bad_inputs_are_refused_with_the_value_named(change, message):
    with pytest.raises(InvalidForecast, match=message):
        forecast(inputs(**change))


def test_runs_and_band_are_checked():
    with pytest.raises(InvalidForecast, match="runs must be between 10 and 20000, not 5."):
        forecast(inputs(), runs=5)
    with pytest.raises(InvalidForecast, match="band must be two quantiles"):
        forecast(inputs(), band=(0.6, 0.9))


def test_homes_due_on_time_are_filled_in_the_month_they_are_finished():
    result = forecast(inputs(), [TargetSpec("t", 600, dt.date(2026, 12, 31))])
    march = result.months.index(dt.date(2026, 3, 1))
    assert result.projected.median[march - 1] == 254
    assert result.projected.median[march] == 654  # 100 homes, 4 persons each
    assert result.projected.median[-1] == 654  # no more homes planned
    assert result.actual[result.months.index(dt.date(2025, 9, 1))] == 254
    assert result.months[0] == dt.date(2025, 9, 1)
    outlook = result.outlooks[0]
    assert (outlook.reached_on, outlook.probability_by_deadline) == (dt.date(2026, 3, 1), 1.0)


def test_a_target_beyond_the_homes_planned_is_missed_by_the_difference():
    result = forecast(inputs(), [TargetSpec("140,000", 140_000, dt.date(2026, 12, 31))])
    outlook = result.outlooks[0]
    assert outlook.reached_on is None
    assert outlook.shortfall == 140_000 - 654
    assert outlook.at_deadline == (654, 654, 654)


def test_cohort_seats_hold_back_the_moves():
    seats = {dt.date(2026, 3, 1): 200, dt.date(2026, 4, 1): 100}
    result = forecast(inputs(seats_by_month=seats), runs=50)
    at = {m: v for m, v in zip(result.months, result.projected.median, strict=True)}
    assert at[dt.date(2026, 3, 1)] == 254 + 200  # 50 households of 4
    assert at[dt.date(2026, 4, 1)] == 254 + 300
    assert at[dt.date(2026, 5, 1)] == 254 + 400  # after the schedule: its mean, 150 seats


def test_homes_on_land_not_released_wait_for_the_release_rate():
    blocked = [UnitBatch("KAL", "Zar", 10, dt.date(2026, 2, 1), blocked_ha=30.0)]
    result = forecast(inputs(units=blocked, release_ha_by_month=[10.0, 10.0, 10.0]), runs=50)
    at = {m: v for m, v in zip(result.months, result.projected.median, strict=True)}
    assert at[dt.date(2026, 3, 1)] == 254  # 30 ha at 10 ha a month: ready in April
    assert at[dt.date(2026, 4, 1)] == 254 + 40
    never = forecast(inputs(units=blocked, release_ha_by_month=[0.0]), runs=50)
    assert never.projected.median[-1] == 254


def test_the_band_widens_with_uncertain_delays_and_take_up_and_holds_the_median():
    uncertain = inputs(
        completion_delays_days=[],
        offers_accepted=3,
        offers_declined=2,
        units=[UnitBatch("KAL", "Kalbajar city", 400, dt.date(2026, 3, 1))],
    )
    result = forecast(uncertain, runs=400, seed=7)
    band = result.projected
    assert all(
        lo <= mid <= hi for lo, mid, hi in zip(band.low, band.median, band.high, strict=True)
    )
    assert all(a <= b for a, b in zip(band.median, band.median[1:], strict=False))
    assert band.high[-1] - band.low[-1] > 100
    assert forecast(uncertain, runs=400, seed=7) == result  # same seed, same forecast


def test_a_passed_deadline_is_judged_on_what_had_returned_by_then():
    result = forecast(inputs(), [TargetSpec("13,000 by 2024", 13_000, dt.date(2024, 12, 31))])
    outlook = result.outlooks[0]
    assert outlook.at_deadline == (0, 0, 0)
    assert outlook.probability_by_deadline == 0.0
    assert outlook.shortfall == 13_000


def test_the_current_pace_extrapolates_the_last_six_months():
    returned = {"KAL": {dt.date(2025, 9, 1): 254, dt.date(2025, 12, 1): 46}}
    result = forecast(
        inputs(returned=returned), [TargetSpec("t", 1_300, dt.date(2030, 1, 1))], runs=20
    )
    outlook = result.outlooks[0]
    assert outlook.pace_per_month == 50  # 300 persons over six months
    assert outlook.at_current_pace == dt.date(2027, 9, 1)  # 1,000 more at 50 a month


def test_returns_of_the_current_month_count_in_the_pace_of_the_last_six_months():
    returned = {"KAL": {dt.date(2025, 3, 1): 254, dt.date(2026, 1, 1): 3}}  # three this month
    result = forecast(
        inputs(returned=returned), [TargetSpec("t", 400, dt.date(2030, 1, 1))], runs=20
    )
    assert result.outlooks[0].pace_per_month == 0.5  # 3 persons over six months


def test_a_pace_too_slow_to_reach_the_target_within_the_horizon_gives_no_date():
    returned = {"KAL": {dt.date(2026, 1, 1): 7}}
    result = forecast(
        inputs(returned=returned), [TargetSpec("t", 140_000, dt.date(2030, 1, 1))], runs=20
    )
    assert result.outlooks[0].at_current_pace is None  # 120,000 months away


def test_the_months_begin_at_the_first_return_since_the_programme_started():
    returned = {"KAL": {dt.date(1990, 1, 1): 4, dt.date(2025, 9, 1): 254}}  # 1990: a stray date
    result = forecast(inputs(returned=returned, start=dt.date(2022, 1, 1)), runs=20)
    assert result.months[0] == dt.date(2025, 9, 1)
    assert result.actual[0] == 258  # the stray family still counts


@pytest.mark.parametrize(
    ("returned", "deadline", "at_deadline", "status"),
    [
        (100, dt.date(2027, 1, 1), (100, 100, 100), "met"),
        (90, dt.date(2025, 12, 31), (90, 90, 90), "missed"),
        (100, dt.date(2025, 12, 31), (100, 100, 100), "met"),
        (40, dt.date(2027, 1, 1), (100, 120, 150), "on_track"),
        (40, dt.date(2027, 1, 1), (60, 100, 150), "at_risk"),
        (40, dt.date(2027, 1, 1), (60, 80, 99), "off_track"),
    ],
)
def test_a_target_is_on_track_when_the_band_reaches_it_by_the_deadline(
    returned, deadline, at_deadline, status
):
    assert (
        forecast_module.target_status(
            value=100, returned=returned, deadline=deadline, today=TODAY, at_deadline=at_deadline
        )
        == status
    )


def test_an_outlook_carries_its_status():
    result = forecast(inputs(), [TargetSpec("t", 300, dt.date(2026, 12, 31))], runs=50)
    assert result.outlooks[0].status == "on_track"  # 100 homes for 254 + up to 400 persons
