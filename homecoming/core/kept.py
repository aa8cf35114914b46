"""Figures that take seconds to count, kept for every server process and counted again by
the worker.

The dashboards and the home page's road home count a national registry: seconds of
queries and simulations, too long for a page. Their figures are kept in the shared cache
(``CACHES["shared"]``, a table in the database, so that every server process and the
worker read the same copy), one entry per audience, language and day. A page shows the
kept figures and says when they were counted. Once they are older than
``settings.DASHBOARD_CACHE_SECONDS`` the first page to show them queues their count again
as a task (``homecoming db_worker`` runs it), once per period however many pages ask;
nobody waits for it. Only figures that nobody has counted yet today are counted while the
page waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

__all__ = ["Kept", "keep", "kept"]

T = TypeVar("T")

# A key names its day, so that an entry is never read after it; a day's entries then go.
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Kept(Generic[T]):
    """Figures and when they were counted."""

    figures: T
    counted_at: dt.datetime


def kept(key: str, count: Callable[[], T], count_again: Callable[[], object]) -> Kept[T]:
    """The figures kept under ``key``, counted now by ``count`` if none are kept.

    Figures older than ``DASHBOARD_CACHE_SECONDS`` are still returned, and
    ``count_again`` is called (after the request's transaction commits), at most once
    per period for ``key``: it queues a task that calls :func:`keep` with the same key.
    With ``DASHBOARD_CACHE_SECONDS`` at 0 the figures are counted on every call.
    """
    period = settings.DASHBOARD_CACHE_SECONDS
    if period <= 0:
        return Kept(count(), timezone.now())
    shared = caches["shared"]
    entry = shared.get(key)
    if entry is None:
        return keep(key, count)
    if _age(entry) >= period and shared.add(f"{key}:queued", True, period):
        transaction.on_commit(count_again)
    return entry


def keep(key: str, count: Callable[[], T]) -> Kept[T]:
    """Count the figures and keep them under ``key`` for every process to read, unless
    the figures kept are younger than ``DASHBOARD_CACHE_SECONDS`` (a task queued twice,
    or waiting while the worker was stopped, counts once)."""
    shared = caches["shared"]
    entry = shared.get(key)
    if entry is None or _age(entry) >= settings.DASHBOARD_CACHE_SECONDS:
        entry = Kept(count(), timezone.now())
        shared.set(key, entry, KEEP_SECONDS)
    return entry


def _age(entry: Kept) -> float:
    return (timezone.now() - entry.counted_at).total_seconds()
