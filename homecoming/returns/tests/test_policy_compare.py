"""The comparison of two policy versions on the registry, its page and its export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.returns.tests.fixtures import household, zar_ready  # noqa: F401 (fixture)
from homecoming.returns.whatif import policy_comparison

URL = "returns:policy_compare"


def draft_of(version: PolicyVersion, *, conditions: list | None = None, **weights: int):
    """A draft based on ``version`` with some priority weights changed."""
    factors = [f | {"weight": weights.get(f["key"], f["weight"])} for f in version.priority_factors]
    return PolicyVersion.objects.create(
        programme=version.programme,
        number=version.programme.policy_versions.count() + 1,
        conditions=version.conditions if conditions is None else conditions,
        required_services=version.required_services,
        priority_factors=factors,
        offer_answer_days=version.offer_answer_days,
        rooms=version.rooms,
        based_on=version,
    )


@pytest.fixture
def three_in_zar(places, make_household, zar_ready):  # noqa: F811 (fixture)
    """Two ready homes in Zar and three households waiting for one: a household of 4 and
    one of 3 displaced in 1993 living privately (scores 41 and 39 under the version in
    force), and a household of 3 displaced in 2013 living in a hostel (29 under it, 59 when
    collective accommodation weighs 40)."""
    first = household(make_household, places.zar, 4, accommodation="rented")
    second = household(make_household, places.zar, 3, accommodation="rented")
    hostel = household(
        make_household, places.zar, 3, accommodation="hostel", displaced_on=dt.date(2013, 1, 5)
    )
    return first, second, hostel


@pytest.fixture
def versions(db):
    in_force = policy_in_force(default_programme())
    return in_force, draft_of(in_force, collective_accommodation=40)


TODAY = dt.date(2026, 12, 6)


def test_weighing_collective_accommodation_higher_houses_the_hostel_household_instead(
    places, three_in_zar, versions
):
    first, second, hostel = three_in_zar
    a, b = versions
    compared = policy_comparison(
        a=a, b=b, districts=[places.kalbajar], scope="settlement", today=TODAY
    )
    c = compared.comparison
    assert (c.households, c.eligible, c.housed, c.units) == (3, (3, 3), (2, 2), 2)
    assert (c.eligibility_changes, c.gained, c.lost) == (0, 1, 1)
    changes = {change.household: change for change in c.changes}
    assert changes[hostel.pk].priority == (29, 59)
    assert changes[hostel.pk].housed == (False, True)
    assert changes[hostel.pk].rank == (3, 1)
    assert changes[second.pk].housed == (True, False)
    assert changes[first.pk].rank == (1, 2)
    assert (c.moved_up, c.moved_down, c.kept_rank) == (1, 2, 0)
    hostels = next(r for r in c.fairness["accommodation"].rows if r.key == "hostel")
    assert (hostels.a.housed.count, hostels.b.housed.count) == (0, 1)


def test_a_household_that_fails_a_new_condition_is_listed_with_the_condition_in_words(
    places, three_in_zar, versions
):
    a, _b = versions
    stricter = draft_of(
        a,
        conditions=[
            {
                "key": "four",
                "label": {"en": "at least four members", "az": "ən azı dörd üzv"},
                "expression": "household.members >= 4",
            }
        ],
    )
    compared = policy_comparison(
        a=a, b=stricter, districts=[places.kalbajar], scope="settlement", today=TODAY
    )
    c = compared.comparison
    assert c.eligible == (3, 1)
    assert c.eligibility_changes == 2
    flipped = c.changes[0]
    assert flipped.eligible == (True, False)
    [reason] = flipped.now_fails
    assert "at least four members" in reason.words


def test_the_page_compares_the_newest_draft_with_the_version_in_force_by_default(
    client_for, planner, places, three_in_zar, versions
):
    first, second, hostel = three_in_zar
    planner.districts.set([places.kalbajar])  # the user's districts, by default
    response = client_for(planner).get(reverse(URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{versions[1].pk}" selected>' in page
    for h in three_in_zar:
        assert reverse("registry:household_detail", args=[h.pk]) in page
    assert 'id="housed-b">2<' in page
    assert reverse("programmes:policy_detail", args=["return", versions[1].number]) in page
    assert "priority 29 under A, 59 under B" in page
    assert 'data-spec="spec-accommodation"' in page
    assert "Hostel" in page  # the group in words, never its code


def test_the_export_gives_the_households_that_change_and_the_fairness_table(
    client_for, planner, places, three_in_zar, versions
):
    client = client_for(planner)
    query = {"a": versions[0].pk, "b": versions[1].pk, "districts": places.kalbajar.code}
    response = client.get(reverse("returns:policy_compare_export", args=["changes", "csv"]), query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Household"
    assert {row[0] for row in rows[1:]} == {h.reference for h in three_in_zar}
    response = client.get(reverse("returns:policy_compare_export", args=["fairness", "csv"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    hostel = next(row for row in rows if row[:2] == ["Accommodation", "Hostel"])
    # Under A the hostel household is eligible but not housed, when 2 of 3 households are:
    # 0 times the whole's share, 66.7 points below; under B it is housed: 1.5 times, +33.3.
    assert hostel[2:] == ["1", "100.0", "0.0", "0.0", "-66.7", "100.0", "100.0", "1.5", "33.3"]
    response = client.get(
        reverse("returns:policy_compare_export", args=["comparison", "xlsx"]), query
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Households that change", "Fairness"]


def test_an_officer_without_the_policy_right_may_not_compare(
    client_for, kalbajar_officer, versions
):
    assert client_for(kalbajar_officer).get(reverse(URL)).status_code == 403


def test_a_planner_of_one_district_compares_only_its_households(
    client_for, planner, places, three_in_zar, versions, make_household
):
    elsewhere = household(make_household, places.ballija, 3)
    planner.districts.set([places.kalbajar])
    page = client_for(planner).get(reverse(URL)).content.decode()
    assert three_in_zar[0].reference in page
    assert elsewhere.reference not in page


def test_a_planner_of_another_programme_may_not_compare_this_ones_versions(
    client_for, planner, places, three_in_zar, versions
):
    from homecoming.programmes.models import Programme

    other = Programme.objects.create(code="concept", name="Concept of Return", kind="repatriation")
    other.users.set([planner])
    client = client_for(planner)
    query = {"a": versions[0].pk, "b": versions[1].pk, "districts": places.kalbajar.code}
    page = client.get(reverse(URL), query).content.decode()
    assert 'id="summary-table"' not in page
    assert 'id="compare-errors"' in page
    export = reverse("returns:policy_compare_export", args=["changes", "csv"])
    assert client.get(export, query).status_code == 404


def test_a_planner_of_national_scope_chooses_the_districts_before_anything_is_compared(
    client_for, planner, three_in_zar, versions
):
    page = client_for(planner).get(reverse(URL)).content.decode()
    assert 'id="choose-districts"' in page
    assert 'id="summary-table"' not in page
    assert 'id="compare-errors"' not in page
