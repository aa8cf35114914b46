"""Figures kept (``core.kept``) made to look old, as the end of their period makes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from homecoming.core.kept import Kept


@pytest.fixture
def age_kept_figures(db) -> Callable[[float], int]:
    """Make every kept entry ``seconds`` older; returns how many there were."""

    def age(seconds: float) -> int:
        shared = caches["shared"]
        table = connection.ops.quote_name(settings.CACHES["shared"]["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 (the settings' name)
            stored = [row[0] for row in cursor.fetchall()]
        entries = 0
        for key in (stored_key.split(":", 2)[2] for stored_key in stored):  # ":1:key"
            entry = shared.get(key)
            if isinstance(entry, Kept):
                shared.set(
                    key, Kept(entry.figures, entry.counted_at - dt.timedelta(seconds=seconds))
                )
                entries += 1
        return entries

    return age
