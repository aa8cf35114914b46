"""The planner reads returns against the programme's 140,000 target with the forecast; anyone
reads the public dashboard without signing in, and finds no personal data there; an officer
hands over keys and sees the dashboard's sentence on recent returns and its line move — in
English and in Azerbaijani.

The Azerbaijani run finds things by address and id (new words are translated when the
coordinator merges the catalogue) and reads the figures, not the words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from homecoming.registry.models import Household, Member
from homecoming.returns.models import KeyHandover
from tests.browser.test_household_record_journey import enter
from tests.browser.test_places_journey import sign_in
from tests.browser.test_road_home_journey import LEFT_ON, boarded  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_loaded):
    return demo_loaded(households=80, seed=3, today=dt.date(2026, 11, 23))


def test_the_dashboard_shows_returns_against_the_target_with_a_forecast(
    demo,
    page,
    screenshot,
):
    sign_in(page, "planner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring dashboard")
    programme = page.locator("#targets tbody tr", has_text="140,000")
    expect(programme).to_contain_text("Liberated territories")
    expect(programme).to_contain_text("2026-12-31")
    expect(programme.locator(".outlook")).to_contain_text("at the deadline")
    returns = page.locator("#returns")
    expect(returns).to_have_attribute("data-drawn", "true")
    expect(returns.locator(".legend")).to_contain_text("forecast (median)")
    expect(returns.locator(".legend")).to_contain_text("forecast band")
    expect(page.locator("#funnel")).to_have_attribute("data-drawn", "true")
    expect(page.locator(".settlement-marker")).to_have_count(25)
    screenshot("dashboard")


def test_the_public_dashboard_needs_no_sign_in_and_shows_no_personal_data(
    demo,
    page,
    screenshot,
):
    page.goto("/monitoring/public/")
    expect(page).to_have_url("/monitoring/public/")  # not sent to the sign-in page
    expect(page.get_by_role("heading", level=1)).to_have_text("The return programme in figures")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.locator("#targets")).to_contain_text("140,000")
    expect(page.locator("#returns")).to_have_attribute("data-drawn", "true")
    page.locator(".settlement-marker.readiness-land_ready").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("households registered")
    expect(popup.locator("a")).to_have_count(0)  # no link into the signed-in pages
    screenshot("public-dashboard")
    html = page.content()
    references = Household.objects.values_list("reference", flat=True)
    assert not [r for r in references if r in html]
    family_names = set(Member.objects.values_list("family_name", flat=True))
    assert not [name for name in family_names if name in html]


def shoot(page, screenshot, name: str, language: str) -> None:
    """Screenshots at 1280 and 390 px, the second once the charts have shrunk to the phone:
    nothing is wider than the page there (the targets become cards)."""
    screenshot(f"{name}-{language}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = "() => document.documentElement.scrollWidth"
    for _ in range(75):  # Plotly redraws the charts a moment after the window shrinks
        if page.evaluate(width) <= 390:
            break
        page.wait_for_timeout(200)
    assert page.evaluate(width) <= 390
    screenshot(f"{name}-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def recorded_line(page) -> list[float]:
    """The returns chart's recorded line, as the page's script draws it."""
    return page.evaluate(
        """() => JSON.parse(document.getElementById("returns-chart").textContent)
            .data.find(t => t.mode === "lines+markers").y"""
    )


def first_number(text: str) -> int:
    """The first number of ``text`` that is not a month (Azerbaijani puts the months first)."""
    text = re.sub(r"\d{4}-\d{2}", "", text)
    return int(re.sub(r"\D", "", re.search(r"\d[\d,\u00a0 ]*", text).group()))


def last_six_months(line: list[float]) -> float:
    """What the line rose by over the current month and the five before it."""
    return line[-1] - (line[-7] if len(line) > 6 else 0)


@pytest.mark.parametrize("language", ["en", "az"])
def test_keys_handed_over_move_the_recent_returns_sentence_and_the_line(
    boarded,  # noqa: F811
    page,
    screenshot,
    language,
):
    enter(page, "kalbajar", language)
    page.goto("/monitoring/")
    sentence = page.locator("#recent-returns")
    expect(sentence).to_be_visible()
    expect(page.locator("#returns")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#returns-zoom")).to_have_attribute("data-drawn", "true")
    before, line_before = sentence.inner_text(), recorded_line(page)
    # Each target's bar is coloured by its status, which is written beside it.
    rows = page.locator("#targets tbody tr[data-status]")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        status = row.get_attribute("data-status")
        expect(row.locator(f"meter.{status}")).to_have_count(1)
        expect(row.locator(f"strong.status.{status}")).not_to_be_empty()
        assert not re.search(r"\b(1\d\d|[2-9]\d\d) %", row.inner_text())  # no 246 % gone
    page.locator("#returns-over-time").scroll_into_view_if_needed()
    shoot(page, screenshot, "dashboard-before-keys", language)

    page.goto("/returns/offers/")
    form = page.locator(f"form[action='/returns/offers/{boarded.pk}/handover/']")
    form.locator("[name=date]").fill(f"{LEFT_ON:%Y-%m-%d}")
    form.locator("[name=signed_form]").fill("HF-DASHBOARD")
    form.locator("button").click()
    expect(page.locator(".message.success")).to_contain_text(boarded.household.reference)
    members = boarded.household.members.filter(left_on=None).count()
    assert KeyHandover.objects.filter(reservation=boarded).exists()

    caches["shared"].clear()  # counted afresh (the worker's count: test_dashboards.py)
    page.goto("/monitoring/")
    expect(page.locator("#returns")).to_have_attribute("data-drawn", "true")
    after, line_after = sentence.inner_text(), recorded_line(page)
    assert line_after[-1] == line_before[-1] + members
    assert last_six_months(line_after) == last_six_months(line_before) + members
    assert first_number(after) == last_six_months(line_after)  # the words say what is drawn
    if last_six_months(line_before):
        assert first_number(before) == last_six_months(line_before)
    if language == "en":
        expect(sentence).to_contain_text("persons returned in the last six months")
        expect(sentence).not_to_contain_text("No returns")
    page.locator("#returns-over-time").scroll_into_view_if_needed()
    shoot(page, screenshot, "dashboard-after-keys", language)
    page.goto("/monitoring/")
    shoot(page, screenshot, "dashboard-targets", language)
