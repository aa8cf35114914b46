"""The dashboard never contradicts itself: each sentence agrees with the figures the same page
draws — recent returns with the chart's line, a target's status with its count now and its
deadline, the chart's target markers with the table — whatever the data planted.

``contradictions`` reads the rendered page as a reader would (the words) beside the chart data
it carries (the figures), and lists every disagreement."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.core.cache import caches
from django.utils import timezone

from conftest import make_table
from homecoming.housing.services import units_import
from homecoming.housing.tests.conftest import unit_row
from homecoming.monitoring.forecast import add_months
from homecoming.monitoring.services import figures_import
from homecoming.registry.services import consent_record
from homecoming.returns.models import KeyHandover, Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    keys_hand_over,
    offer_accept,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
STATUS_WORDS = {
    "met": "met",
    "missed": "missed",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
}


def hand_over_keys(places, make_household, planner, officer, *, on: dt.date) -> None:
    """Two Zar households (3 and 4 members) receive the keys of Zar's two homes on ``on``,
    each earlier step dated before it."""
    household(make_household, places.zar, 3, verified_on=on - dt.timedelta(days=90))
    household(make_household, places.zar, 4, verified_on=on - dt.timedelta(days=90))
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"),
        by=planner,
        on=on - dt.timedelta(days=60),
    )
    for offer in Reservation.objects.select_related("household"):
        consent_record(
            household=offer.household,
            by=officer,
            given_on=on - dt.timedelta(days=70),
            document=f"CF-{offer.pk}",
        )
        offer_accept(offer=offer, by=officer, on=on - dt.timedelta(days=40))
        keys_hand_over(
            offer=offer,
            by=officer,
            date=on,
            keys=2,
            signed_form=f"HF-{offer.pk}",
            outside_departure_reason="Came home in a relative's car",
        )


def target(value: int, deadline: dt.date, **fields) -> dict:
    return {
        "place": "Liberated territories",
        "indicator": "return_target",
        "value": str(value),
        "unit": "persons",
        "as_of": f"{deadline:%Y-%m-%d}",
        "publisher": "Planted",
        "title": f"{value} by {deadline:%Y-%m-%d}",
        **fields,
    }


def plant_targets(*rows: dict) -> None:
    report = figures_import(table=make_table(list(rows)))
    assert report.ok, report.errors


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def contradictions(response) -> list[str]:
    """Every sentence of the dashboard that disagrees with the figures drawn beside it."""
    body = response.content.decode()
    found = []
    spec = json.loads(
        html.unescape(body.split('id="returns-chart" type="application/json">')[1].split("</")[0])
    )
    recorded = next(t for t in spec["data"] if t["mode"] == "lines+markers")
    series = dict(zip(recorded["x"], recorded["y"], strict=True))
    months = [dt.date.fromisoformat(m) for m in recorded["x"]]
    since = add_months(THIS_MONTH, -5)
    before = [series[m.isoformat()] for m in months if m < since]
    drawn_recently = recorded["y"][-1] - (before[-1] if before else 0)
    increases = [
        m for i, m in enumerate(months) if recorded["y"][i] > (recorded["y"][i - 1] if i else 0)
    ]

    sentence = text_of(body.split('id="recent-returns">')[1].split("</p>")[0])
    window = f"({since:%Y-%m} to {THIS_MONTH:%Y-%m})"
    if window not in sentence:
        found.append(f"the recent returns are not said for the last six months: {sentence!r}")
    if drawn_recently:
        said = re.match(r"([\d,\s]+) persons returned in the last six months", sentence)
        if said is None or number(said.group(1)) != drawn_recently:
            found.append(f"{sentence!r} beside {drawn_recently:g} drawn in the last six months")
    elif increases and f"the last were in {increases[-1]:%Y-%m}" not in sentence:
        found.append(f"{sentence!r} beside a last return drawn in {increases[-1]:%Y-%m}")
    page = text_of(body)
    if drawn_recently and "No returns in the last six months" in page:
        found.append(f"'No returns in the last six months' beside {drawn_recently:g} drawn")
    if recorded["x"] and months[0] < THIS_MONTH.replace(year=THIS_MONTH.year - 30):
        found.append(f"the axis starts in {recorded['x'][0]}")

    markers = next(t for t in spec["data"] if t["mode"] == "markers+text")
    marked = dict(zip(zip(markers["x"], markers["y"], strict=True), markers["text"], strict=True))
    for row in re.findall(r'<tr data-status="(\w+)">(.*?)</tr>', body, re.S):
        status, cells = row
        cell = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        value, deadline, now = number(cell[0].split()[0]), dt.date.fromisoformat(cell[1]), cell[2]
        words = STATUS_WORDS[status]
        if not re.search(rf"\b{words}\b", cell[3]):
            found.append(f"target {value}: status {status} is not said in words: {cell[3]!r}")
        if f'<meter class="{status}"' not in cells:
            found.append(f"target {value}: the bar's colour is not its status {status}")
        shown = re.fullmatch(r"[\d,\s]+", now)  # not hidden ([c])
        if shown and deadline >= TODAY and (number(now) >= value) != (status == "met"):
            found.append(f"target {value}: {now} now, yet {words}")
        if deadline < TODAY and status not in ("met", "missed"):
            found.append(f"target {value}: its deadline {deadline} passed, yet {words}")
        if deadline >= TODAY and status == "missed":
            found.append(f"target {value}: missed before its deadline {deadline}")
        passed = f"deadline passed on {deadline:%Y-%m-%d}"
        if (deadline < TODAY) != (passed in cell[4]):
            found.append(f"target {value}, deadline {deadline}: time gone says {cell[4]!r}")
        gone = re.search(r"(\d+) %", cell[4])
        if gone and int(gone.group(1)) > 100:
            found.append(f"target {value}: {gone.group(0)} of its time gone")
        if status == "met" and "Missed by" in cell[5]:
            found.append(f"target {value}: met, yet {cell[5]!r}")
        label = marked.get((f"{deadline:%Y-%m-%d}", float(value)), "")
        if not label.endswith(words):
            found.append(f"target {value}: the chart marks it {label!r}, the table {words}")
    return found


@pytest.fixture
def page_of(client_for):
    def get(user):
        caches["shared"].clear()  # counted afresh for each page
        return client_for(user).get("/monitoring/")

    return get


def test_returns_this_month_are_said_as_recent_returns_not_as_none(
    places, make_household, zar_ready, planner, kalbajar_officer, page_of
):
    hand_over_keys(places, make_household, planner, kalbajar_officer, on=TODAY)
    plant_targets(target(140_000, dt.date(TODAY.year + 1, 12, 31), published="2022-01-01"))
    response = page_of(planner)
    assert contradictions(response) == []
    assert "7 persons returned in the last six months" in response.content.decode()


def test_no_returns_in_six_months_is_said_with_the_month_of_the_last_ones(
    places, make_household, zar_ready, planner, kalbajar_officer, page_of
):
    eight_months_ago = add_months(THIS_MONTH, -8) + dt.timedelta(days=9)
    hand_over_keys(places, make_household, planner, kalbajar_officer, on=eight_months_ago)
    plant_targets(target(140_000, dt.date(TODAY.year + 1, 12, 31)))
    response = page_of(planner)
    assert contradictions(response) == []
    assert f"the last were in {eight_months_ago:%Y-%m}" in response.content.decode()


def test_met_missed_on_track_and_off_track_targets_are_said_and_coloured_as_they_stand(
    places, make_household, zar_ready, planner, kalbajar_officer, page_of
):
    hand_over_keys(
        places, make_household, planner, kalbajar_officer, on=TODAY - dt.timedelta(days=20)
    )
    # Three more ready homes in Zar and three more families wishing to return there: the
    # forecast moves most of them next month.
    assert units_import(table=make_table([unit_row(n) for n in ("3", "4", "5")])).ok
    for _ in range(3):
        household(make_household, places.zar, 3, verified_on=TODAY - dt.timedelta(days=90))
    Reservation.objects.filter(answer=Reservation.Answer.PENDING).delete()
    next_year = dt.date(TODAY.year + 1, 12, 31)
    plant_targets(
        target(5, next_year),  # met: 7 returned
        target(100, TODAY - dt.timedelta(days=1), published="2024-01-01"),  # missed
        target(8, next_year),  # on track: one more family in nine runs out of ten
        target(140_000, next_year),  # off track
    )
    response = page_of(planner)
    assert contradictions(response) == []
    statuses = re.findall(r'<tr data-status="(\w+)">', response.content.decode())
    assert sorted(statuses) == ["met", "missed", "off_track", "on_track"]


def test_a_stray_early_handover_does_not_stretch_the_axis_and_still_counts(
    places, make_household, zar_ready, planner, kalbajar_officer, page_of
):
    hand_over_keys(places, make_household, planner, kalbajar_officer, on=TODAY)
    plant_targets(target(140_000, dt.date(TODAY.year + 1, 12, 31), published="2022-01-01"))
    # Typed before the road-home rules refused such dates: a 1990 handover.
    stray = KeyHandover.objects.order_by("pk").first()
    KeyHandover.objects.filter(pk=stray.pk).update(date=dt.date(1990, 1, 1))
    response = page_of(planner)
    assert contradictions(response) == []
    recorded = next(
        t
        for t in response.context["charts"]["returns-chart"]["data"]
        if t["mode"] == "lines+markers"
    )
    assert recorded["x"][0] == f"{THIS_MONTH:%Y-%m-%d}"  # the first real return
    assert recorded["y"][-1] == 7  # the stray family still counts
