"""Complementary suppression: for any counts, no hidden cell can be worked out."""

from __future__ import annotations

import doctest

from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.core import disclosure
from homecoming.core.disclosure import HIDDEN, THRESHOLD, disclose
from homecoming.monitoring.tests.audit import recoverable


@st.composite
def places(draw) -> tuple[dict, list, list]:
    """A country of districts of settlements, each with households and persons, and the
    relations their publication makes: every total, and each place's two measures."""
    counts, totals, siblings = {}, [], []
    small = st.integers(0, 12) | st.integers(0, 400)
    districts = draw(st.integers(1, 4))
    for measure in ("households", "persons"):
        counts[("country", measure)] = 0
    for d in range(districts):
        for s in range(draw(st.integers(1, 4))):
            households = draw(small)
            persons = households + draw(st.integers(0, 3) | st.integers(0, 30))
            counts[(f"s{d}.{s}", "households")] = households
            counts[(f"s{d}.{s}", "persons")] = persons
    for measure in ("households", "persons"):
        settlements = {key[0] for key in counts if key[0].startswith("s")}
        for d in range(districts):
            parts = sorted((s, measure) for s in settlements if s.startswith(f"s{d}."))
            counts[(f"d{d}", measure)] = sum(counts[p] for p in parts)
            totals.append(((f"d{d}", measure), parts))
        district_cells = [(f"d{d}", measure) for d in range(districts)]
        counts[("country", measure)] = sum(counts[p] for p in district_cells)
        totals.append((("country", measure), district_cells))
    places_ = {key[0] for key in counts}
    siblings = [[(p, "households"), (p, "persons")] for p in sorted(places_)]
    return counts, totals, siblings


@settings(max_examples=300, deadline=None)
@given(places())
def test_no_hidden_count_can_be_worked_out_from_the_published_ones(table):
    counts, totals, siblings = table
    published = disclose(counts, totals=totals, siblings=siblings)
    assert recoverable(published, totals) == set()
    for key, value in published.items():
        assert value == HIDDEN or value == counts[key]
        if 0 < counts[key] < THRESHOLD:
            assert value == HIDDEN
    for group in siblings:
        shown = {published[key] == HIDDEN for key in group if counts[key]}
        assert len(shown) <= 1, group  # one measure hidden, its sibling shown


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12) | st.integers(0, 200), min_size=1, max_size=8))
def test_any_one_hidden_part_could_be_anything_below_the_threshold(parts):
    counts = {i: n for i, n in enumerate(parts)} | {"total": sum(parts)}
    published = disclose(counts, totals=[("total", range(len(parts)))])
    if published["total"] == HIDDEN:
        return
    hidden = [i for i in range(len(parts)) if published[i] == HIDDEN]
    if hidden:
        room = published["total"] - sum(published[i] for i in range(len(parts)) if i not in hidden)
        assert room - (len(hidden) - 1) >= THRESHOLD - 1  # the others at 1 leave 1..4 open


def test_the_example_of_the_rule_holds():
    assert doctest.testmod(disclosure).failed == 0


def test_kalbajars_total_no_longer_gives_zar_away():
    counts = {"Zar": 3, "Ballıca": 600, "Kəlbəcər": 500, "Kalbajar": 1103}
    published = disclose(counts, totals=[("Kalbajar", ["Zar", "Ballıca", "Kəlbəcər"])])
    assert published == {"Zar": HIDDEN, "Ballıca": 600, "Kəlbəcər": HIDDEN, "Kalbajar": 1103}


def test_a_place_with_few_households_hides_its_persons_too():
    counts = {("Khojaly", "households"): 1, ("Khojaly", "persons"): 5}
    published = disclose(counts, siblings=[list(counts)])
    assert set(published.values()) == {HIDDEN}


@st.composite
def tree(draw, depth: int = 3) -> tuple[dict, list]:
    """A table of totals of totals (months in years in districts in a country, say) with
    any counts: every total is published with its parts."""
    counts, totals = {}, []
    counter = iter(range(10_000))

    def node(level: int) -> str:
        key = f"n{next(counter)}"
        if level == depth or (level and draw(st.booleans()) and draw(st.booleans())):
            counts[key] = draw(st.integers(0, 9) | st.integers(0, 300))
            return key
        parts = [node(level + 1) for _ in range(draw(st.integers(1, 3)))]
        counts[key] = sum(counts[p] for p in parts)
        totals.append((key, parts))
        return key

    node(0)
    return counts, totals


@settings(max_examples=300, deadline=None)
@given(tree())
def test_no_hidden_count_can_be_worked_out_in_a_hierarchy_of_any_depth(table):
    counts, totals = table
    published = disclose(counts, totals=totals)
    assert recoverable(published, totals) == set()
    assert not [k for k, v in published.items() if v != HIDDEN and 0 < v < THRESHOLD]
