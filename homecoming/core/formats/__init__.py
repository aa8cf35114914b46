"""Homecoming's changes to Django's formats by language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own formats for the language is here; see docs/operations.md,
"Numbers and dates".
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format


def short_date(day: dt.date) -> str:
    """``day`` as the page's language writes a date in a sentence: 2026-12-06 in English,
    06.12.2026 in Azerbaijani and Russian (docs/operations.md, "Numbers and dates")."""
    return date_format(day, "SHORT_DATE_FORMAT")
