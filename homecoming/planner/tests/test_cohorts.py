from __future__ import annotations

import datetime as dt
import itertools
import random
import re

import pytest

from homecoming.planner.cohorts import (
    Departure,
    InvalidSchedule,
    Traveller,
    Weights,
    schedule_cohorts,
)

MONDAY, FRIDAY = dt.date(2025, 9, 15), dt.date(2025, 9, 19)


def test_higher_priority_moves_first_when_seats_are_short():
    travellers = [
        Traveller("low", "zar", "zar", persons=4, priority=10),
        Traveller("high", "zar", "zar", persons=4, priority=60),
    ]
    departures = [Departure("mon", MONDAY, "zar", 4), Departure("fri", FRIDAY, "zar", 4)]
    schedule = schedule_cohorts(travellers, departures)
    assert schedule.assignments == {"low": "fri", "high": "mon"}
    assert (schedule.status, schedule.gap, schedule.persons_moved) == ("optimal", 0.0, 8)


def test_households_of_one_village_travel_together_when_the_seats_allow():
    travellers = [
        Traveller("a1", "city", "village-a", persons=3, priority=50),
        Traveller("b1", "city", "village-b", persons=3, priority=40),
        Traveller("a2", "city", "village-a", persons=3, priority=10),
        Traveller("b2", "city", "village-b", persons=3, priority=5),
    ]
    departures = [Departure("mon", MONDAY, "city", 6), Departure("fri", FRIDAY, "city", 6)]
    schedule = schedule_cohorts(travellers, departures)
    assert schedule.assignments == {"a1": "mon", "a2": "mon", "b1": "fri", "b2": "fri"}
    assert schedule.village_departures == 2


def test_only_departures_to_the_households_destination_count_and_seats_are_never_exceeded():
    travellers = [
        Traveller("big", "zar", "zar", persons=6, priority=90),
        Traveller("small", "zar", "zar", persons=2, priority=1),
        Traveller("elsewhere", "vang", "vang", persons=2, priority=99),
    ]
    departures = [Departure("zar", MONDAY, "zar", 5), Departure("moz", MONDAY, "moz", 20)]
    schedule = schedule_cohorts(travellers, departures)
    assert schedule.assignments == {"small": "zar"}
    assert schedule.unscheduled == ("big", "elsewhere")


def _brute_force(travellers, departures, weights):
    """The best value over every way to place each household on a departure or none."""
    dates = sorted({d.date for d in departures})
    best = None
    for choice in itertools.product([None, *departures], repeat=len(travellers)):
        seats = {d.id: 0 for d in departures}
        value, used = 0, set()
        for t, d in zip(travellers, choice, strict=True):
            if d is None:
                continue
            if d.destination != t.destination:
                break
            seats[d.id] += t.persons
            used.add((t.origin, d.id))
            later = len(dates) - 1 - dates.index(d.date)
            value += weights.move * t.persons + weights.earlier * t.priority * later
        else:
            if all(seats[d.id] <= d.seats for d in departures):
                value -= weights.split * len(used)
                best = value if best is None else max(best, value)
    return best


def _value(schedule, travellers, departures, weights):
    by_id = {d.id: d for d in departures}
    dates = sorted({d.date for d in departures})
    value, used = 0, set()
    for t in travellers:
        if t.id in schedule.assignments:
            d = by_id[schedule.assignments[t.id]]
            later = len(dates) - 1 - dates.index(d.date)
            value += weights.move * t.persons + weights.earlier * t.priority * later
            used.add((t.origin, d.id))
    return value - weights.split * len(used)


@pytest.mark.parametrize("seed", range(12))
def test_the_schedule_is_as_good_as_trying_every_placement(seed):
    rng = random.Random(seed)
    weights = Weights(move=100, split=30, earlier=1)
    travellers = [
        Traveller(
            f"h{i}", "city", rng.choice(["a", "b", "c"]), rng.randint(1, 5), rng.randint(0, 40)
        )
        for i in range(rng.randint(2, 6))
    ]
    departures = [
        Departure(f"d{k}", MONDAY + dt.timedelta(days=k), "city", rng.randint(2, 9))
        for k in range(rng.randint(1, 3))
    ]
    schedule = schedule_cohorts(travellers, departures, weights=weights)
    assert schedule.status == "optimal"
    assert _value(schedule, travellers, departures, weights) == _brute_force(
        travellers, departures, weights
    )
    for d in departures:
        riding = [t for t in travellers if schedule.assignments.get(t.id) == d.id]
        assert sum(t.persons for t in riding) <= d.seats


def test_a_time_limit_gives_the_best_schedule_found_with_its_proven_gap():
    rng = random.Random(3)
    travellers = [
        Traveller(f"h{i}", "city", f"v{rng.randint(0, 14)}", rng.randint(1, 7), rng.randint(0, 99))
        for i in range(150)
    ]
    departures = [
        Departure(f"d{k}", MONDAY + dt.timedelta(days=7 * k), "city", 45) for k in range(12)
    ]
    for limit in (0.5, 1e-4):  # the second stops HiGHS before its first bound
        schedule = schedule_cohorts(travellers, departures, time_limit=limit)
        assert schedule.status in {"optimal", "time limit"}
        assert 0.0 <= schedule.gap < 0.05
        assert (schedule.gap == 0.0) == (schedule.status == "optimal")
        seats = dict.fromkeys((d.id for d in departures), 0)
        for t in travellers:
            if t.id in schedule.assignments:
                seats[schedule.assignments[t.id]] += t.persons
        assert max(seats.values()) <= 45
        assert sum(seats.values()) == schedule.persons_moved


@pytest.mark.parametrize(
    ("travellers", "departures", "message"),
    [
        (
            [Traveller("h1", "c", "v", 2, 1), Traveller("h1", "c", "v", 2, 1)],
            [],
            "households[1] (id 'h1'): duplicate id, first at households[0]",
        ),
        ([Traveller("h1", "c", "v", 0, 1)], [], "persons must be at least 1, got 0"),
        ([Traveller("h1", "c", "v", 1, -3)], [], "priority must not be negative, got -3"),
        ([], [Departure("d", MONDAY, "c", -1)], "departures[0] (id 'd'): seats must not be"),
    ],
)
def test_invalid_input_names_the_record(travellers, departures, message):
    with pytest.raises(InvalidSchedule, match=re.escape(message)):
        schedule_cohorts(travellers, departures)
