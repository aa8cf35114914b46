"""The months as they are written inside a date, for the ``E`` of the long date formats
(``DATE_FORMAT = "j E Y"``): "6 dekabr 2026", "6 декабря 2026 г.".

Django's Azerbaijani catalogue gives these months capitalised ("6 Dekabr 2026"), as a month
is written standing alone; within a date Azerbaijani writes it in lower case. The project's
catalogue is read before Django's, so declaring the messages here (for makemessages) lets it
say them right; tests/test_languages.py checks the dates.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

MONTHS_WITHIN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
