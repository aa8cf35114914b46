"""The land-readiness rule on plain data, checked against the pairwise baseline."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.mineaction.readiness import (
    HazardState,
    SettlementZone,
    land_readiness,
    land_readiness_pairwise,
)
from homecoming.mineaction.tests.fixtures import square


def test_a_footprint_replaces_the_circle_around_the_point():
    hazard = HazardState("HA-1", square(46.205, 40.0), released=False)
    point_only = SettlementZone("S", lon=46.20, lat=40.0)
    with_footprint = SettlementZone("S", lon=46.20, lat=40.0, footprint=square(46.19, 39.99, 0.004))
    assert land_readiness([point_only], [hazard], buffer_m=1000)["S"].blocking == ("HA-1",)
    assert land_readiness([with_footprint], [hazard], buffer_m=1000)["S"].ready


def test_the_circle_is_round_on_the_ground():
    # 900 m due east and due north of a point at 40° N: both inside a 1 km zone, 1.1 km not.
    east_900 = 900 / (111_320 * 0.766)
    north_900 = 900 / 111_320
    zone = SettlementZone("S", lon=46.0, lat=40.0)
    hazards = [
        HazardState("E", square(46.0 + east_900, 40.0, 0.0001), released=False),
        HazardState("N", square(46.0, 40.0 + north_900, 0.0001), released=False),
        HazardState("FAR", square(46.0 + east_900 * 1.25, 40.0, 0.0001), released=False),
    ]
    assert land_readiness([zone], hazards, buffer_m=1000)["S"].hazards == ("E", "N")


def test_a_released_area_does_not_block_and_a_declared_one_always_counts():
    zone = SettlementZone("S", lon=46.0, lat=40.0)
    hazards = [
        HazardState("NEAR", square(46.0, 40.0), released=True),
        HazardState("FAR", square(47.0, 41.0), released=False),
    ]
    verdict = land_readiness([zone], hazards, buffer_m=500, declared={"S": ["FAR"]})["S"]
    assert (verdict.hazards, verdict.blocking, verdict.ready) == (("FAR", "NEAR"), ("FAR",), False)


def test_the_buffer_must_be_positive():
    with pytest.raises(ValueError, match="buffer_m must be positive, got 0"):
        land_readiness([], [], buffer_m=0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), buffer_m=st.sampled_from([200, 1000, 3000]))
def test_the_spatial_index_finds_exactly_what_pairwise_testing_finds(seed, buffer_m):
    rng = random.Random(seed)
    zones = [
        SettlementZone(
            f"S{i}",
            lon=46 + rng.random() * 0.3,
            lat=40 + rng.random() * 0.3,
            footprint=square(46 + rng.random() * 0.3, 40 + rng.random() * 0.3)
            if rng.random() < 0.3
            else None,
        )
        for i in range(15)
    ]
    hazards = [
        HazardState(
            f"H{i}",
            square(46 + rng.random() * 0.3, 40 + rng.random() * 0.3, rng.uniform(0.0005, 0.01)),
            released=rng.random() < 0.5,
        )
        for i in range(60)
    ]
    assert land_readiness(zones, hazards, buffer_m=buffer_m) == land_readiness_pairwise(
        zones, hazards, buffer_m=buffer_m
    )
