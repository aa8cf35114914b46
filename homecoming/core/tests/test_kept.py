"""Figures kept for every process and counted again in the background (``core.kept``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.utils import timezone

from homecoming.core.kept import keep, kept
from homecoming.core.tests.threads import at_once

pytestmark = pytest.mark.django_db


class Counter:
    """A count that says how many times it was made, and a queue that says how many times
    it was asked to be made again."""

    def __init__(self) -> None:
        self.counted = self.queued = 0

    def count(self) -> int:
        self.counted += 1
        return 100 + self.counted

    def queue(self) -> None:
        self.queued += 1


def test_figures_nobody_counted_yet_are_counted_while_the_page_waits_then_kept(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    counter = Counter()
    first = kept("figures", counter.count, counter.queue)
    again = kept("figures", counter.count, counter.queue)
    assert (first.figures, again.figures) == (101, 101)
    assert again.counted_at == first.counted_at
    assert (counter.counted, counter.queued) == (1, 0)


@pytest.fixture
def past_their_period(settings, age_kept_figures) -> Counter:
    """Figures counted once and kept, now older than their period."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    counter = Counter()
    kept("figures", counter.count, counter.queue)
    assert age_kept_figures(61) == 1
    return counter


def test_figures_past_their_period_are_shown_and_counted_again_once_in_the_background(
    past_their_period, django_capture_on_commit_callbacks
):
    counter = past_their_period
    with django_capture_on_commit_callbacks(execute=True):
        shown = [kept("figures", counter.count, counter.queue) for _ in range(3)]
    # Every page shows the figures kept at once; the count is queued once, not three times.
    assert [entry.figures for entry in shown] == [101, 101, 101]
    assert (counter.counted, counter.queued) == (1, 1)


def test_a_count_is_queued_only_once_the_request_has_committed(
    past_their_period, django_capture_on_commit_callbacks
):
    counter = past_their_period
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kept("figures", counter.count, counter.queue)
        assert counter.queued == 0
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_of_pages_shown_at_the_same_moment_past_the_period_one_queues_the_count(
    past_their_period,
):
    counter = past_their_period
    shown = at_once([lambda: kept("figures", counter.count, counter.queue)] * 6)
    assert [entry.figures for entry in shown] == [101] * 6  # no error, none waited for a count
    assert (counter.counted, counter.queued) == (1, 1)


def test_the_worker_counts_figures_past_their_period_and_leaves_fresh_ones(
    settings, age_kept_figures
):
    settings.DASHBOARD_CACHE_SECONDS = 60
    counter = Counter()
    kept("figures", counter.count, counter.queue)
    assert keep("figures", counter.count).figures == 101  # fresh: a task queued twice
    assert age_kept_figures(61) == 1
    counted = keep("figures", counter.count)
    assert counted.figures == 102
    assert timezone.now() - counted.counted_at < dt.timedelta(seconds=5)
    assert kept("figures", counter.count, counter.queue).figures == 102
    assert counter.counted == 2


def test_with_no_period_the_figures_are_counted_on_every_request(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    counter = Counter()
    assert [kept("figures", counter.count, counter.queue).figures for _ in range(2)] == [101, 102]
    assert caches["shared"].get("figures") is None
