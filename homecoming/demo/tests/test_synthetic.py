from __future__ import annotations

import datetime as dt
import random

import pytest

from homecoming.core.audit import change_reason
from homecoming.demo.synthetic import households_mark_synthetic, member_rows, synthetic_members
from homecoming.registry.models import Household, Member


@pytest.mark.django_db
def test_marking_households_synthetic_saves_the_callers_changes_in_one_audited_row(
    places, make_household
):
    marked, other = make_household(places.zar), make_household(places.zar)
    marked.status, marked.verified_on = Household.Status.VERIFIED, dt.date(2025, 6, 1)
    with change_reason("demo data"):
        count = households_mark_synthetic(households=[marked], changed=["status", "verified_on"])
    assert count == 1
    marked.refresh_from_db()
    other.refresh_from_db()
    assert (marked.is_synthetic, marked.status) == (True, Household.Status.VERIFIED)
    assert other.is_synthetic is False
    latest = marked.history.order_by("-history_id").first()
    assert (latest.is_synthetic, latest.status, latest.history_change_reason) == (
        True,
        Household.Status.VERIFIED,
        "demo data",
    )
    assert marked.history.count() == 2  # created, then one row for the mark and the changes


def test_one_seed_draws_the_same_household_with_a_head_first():
    today = dt.date(2025, 10, 1)
    first = synthetic_members(random.Random(4), 5, today)
    assert first == synthetic_members(random.Random(4), 5, today)
    assert len(first) == 5
    assert first[0]["relation"] == Member.Relation.HEAD
    rows = member_rows(random.Random(4), {"household": "H-1"}, first, today, iter(range(10, 99)))
    assert [row["household"] for row in rows] == ["H-1"] * 5
    assert rows[0]["document_number"].startswith("AZE")
