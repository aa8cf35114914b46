"""Fairness measures, with figures worked out by hand (docs/policies.md has the same example)."""

from __future__ import annotations

import numpy as np
import pytest

from homecoming.programmes.fairness import (
    HEAD_AGE_EDGES,
    SIZE_EDGES,
    UNKNOWN,
    Band,
    Disparity,
    Rate,
    band_of,
    bands,
    disparity,
    fairness_table,
)

# Ten households: six from Aghdam, four from Kalbajar.
DISTRICTS = np.array(["Aghdam"] * 6 + ["Kalbajar"] * 4)
# Version A: three of each district's households eligible; two from Aghdam housed, one
# from Kalbajar. Version B: every Aghdam household eligible, no Kalbajar one; three housed.
A = (
    np.array([1, 1, 1, 0, 0, 0, 1, 1, 1, 0], bool),
    np.array([1, 1, 0, 0, 0, 0, 1, 0, 0, 0], bool),
)
B = (
    np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], bool),
    np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], bool),
)


def test_each_group_has_its_shares_and_their_disparity_against_the_whole():
    table = fairness_table(DISTRICTS, a=A, b=B)
    aghdam, kalbajar = table.rows
    assert (aghdam.key, aghdam.households, kalbajar.key, kalbajar.households) == (
        "Aghdam",
        6,
        "Kalbajar",
        4,
    )
    # Under A the whole has 6 of 10 eligible (60 %) and 3 of 10 housed (30 %).
    assert table.whole.households == 10
    assert table.whole.a.eligible == Rate(6, 10)
    assert table.whole.a.housed == Rate(3, 10)
    # Aghdam: 3 of 6 eligible, 50 % against 60 %: 0.83 of the whole's share, 10 points below.
    assert aghdam.a.eligible == Rate(3, 6)
    assert aghdam.a.eligible_disparity.ratio == pytest.approx(0.5 / 0.6)
    assert aghdam.a.eligible_disparity.points == pytest.approx(-10)
    # Kalbajar: 3 of 4, 75 %: 1.25 times the whole's share, 15 points above.
    assert kalbajar.a.eligible_disparity.ratio == pytest.approx(1.25)
    assert kalbajar.a.eligible_disparity.points == pytest.approx(15)
    # Housed under A: Aghdam 2 of 6 (33.3 %) against 30 %, Kalbajar 1 of 4 (25 %).
    assert aghdam.a.housed_disparity.ratio == pytest.approx((2 / 6) / 0.3)
    assert aghdam.a.housed_disparity.points == pytest.approx(10 / 3)
    assert kalbajar.a.housed_disparity.points == pytest.approx(-5)
    # Under B Kalbajar has no household eligible and none housed: 0 times, 60 and 30 below.
    assert kalbajar.b.eligible == Rate(0, 4)
    assert kalbajar.b.eligible_disparity == Disparity(0.0, pytest.approx(-60))
    assert kalbajar.b.housed_disparity == Disparity(0.0, pytest.approx(-30))
    assert aghdam.b.eligible_disparity.ratio == pytest.approx(1 / 0.6)
    assert aghdam.b.housed_disparity.points == pytest.approx(20)


def test_the_whole_is_at_parity_with_itself():
    whole = fairness_table(DISTRICTS, a=A, b=B).whole
    assert whole.b.eligible_disparity == Disparity(1.0, 0.0)
    assert whole.b.housed_disparity == Disparity(1.0, 0.0)


def test_a_ratio_is_not_given_when_nobody_in_the_whole_is_housed():
    nobody = np.zeros(10, bool)
    table = fairness_table(DISTRICTS, a=(A[0], nobody), b=B)
    assert table.rows[0].a.housed_disparity == Disparity(None, 0.0)
    assert disparity(Rate(0, 0), Rate(3, 10)) == Disparity(None, None)


def test_groups_come_largest_first_then_by_key():
    keys = np.array([2, 1, 1, 2, 3, 3, 3])
    table = fairness_table(keys, a=(np.ones(7, bool),) * 2, b=(np.ones(7, bool),) * 2)
    assert [(row.key, row.households) for row in table.rows] == [(3, 3), (1, 2), (2, 2)]


def test_numbers_fall_into_bands_and_unknown_ones_into_none():
    ages = np.array([-1, 0, 29, 30, 44, 45, 59, 60, 91])
    assert band_of(ages, HEAD_AGE_EDGES).tolist() == [UNKNOWN, 0, 0, 1, 1, 2, 2, 3, 3]
    assert bands(SIZE_EDGES) == (Band(1, 1), Band(2, 3), Band(4, 5), Band(6, None))
    assert band_of(np.array([1, 3, 4, 12]), SIZE_EDGES).tolist() == [0, 1, 2, 3]
