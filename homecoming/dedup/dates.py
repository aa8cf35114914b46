"""Birth dates as registries record them, and how far two of them agree.

Displaced people often know only their year of birth, clerks swap day and month
when copying between the Azerbaijani (day.month) and English (month/day) orders,
and a year is off by one when it was counted from age. Each of these is a level of
agreement of its own, weaker than an exact match but far stronger than a
difference; the record-linkage model learns how much each is worth.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

__all__ = ["BirthDate", "DateAgreement", "compare_birth_dates", "parse_birth_date"]

_FULL = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


class DateAgreement(enum.Enum):
    """Levels of agreement, strongest first; the value is how evidence names it."""

    EXACT = "identical"
    SWAPPED = "day and month swapped"
    YEAR_ONLY = "same year, one known by year only"
    YEAR_APART = "one year apart"
    DIFFERENT = "different"
    MISSING = "missing on one side"


@dataclass(frozen=True)
class BirthDate:
    """A birth date; ``month`` and ``day`` are None when only the year is known."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def year_only(self) -> bool:
        return self.year is not None and self.month is None


def parse_birth_date(text: str, *, year_only: bool = False) -> BirthDate:
    """Read "YYYY-MM-DD", "YYYY" or "" (unknown); ``year_only`` keeps just the year.

    ``year_only`` is for registries that store 1 January (or any placeholder) when
    only the year is known: the placeholder day must not count as evidence.

    >>> parse_birth_date("1975-03-08"), parse_birth_date("1975-01-01", year_only=True)
    (BirthDate(year=1975, month=3, day=8), BirthDate(year=1975, month=None, day=None))
    """
    if text == "":
        return BirthDate()
    if _YEAR.fullmatch(text):
        return BirthDate(int(text))
    match = _FULL.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date")
    year, month, day = (int(part) for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None
    return BirthDate(year) if year_only else BirthDate(year, month, day)


def compare_birth_dates(a: BirthDate, b: BirthDate) -> DateAgreement:
    """The strongest level at which two birth dates agree.

    The record-linkage SQL (``link.py``) implements the same levels; a test checks
    that both give the same answer.

    >>> compare_birth_dates(BirthDate(1975, 3, 8), BirthDate(1975, 8, 3))
    <DateAgreement.SWAPPED: 'day and month swapped'>
    >>> compare_birth_dates(BirthDate(1975), BirthDate(1976, 3, 8))
    <DateAgreement.YEAR_APART: 'one year apart'>
    """
    if a.year is None or b.year is None:
        return DateAgreement.MISSING
    if a == b and not a.year_only:
        return DateAgreement.EXACT
    either_year_only = a.year_only or b.year_only
    if a.year == b.year and not either_year_only and (a.month, a.day) == (b.day, b.month):
        return DateAgreement.SWAPPED
    if a.year == b.year and either_year_only:
        return DateAgreement.YEAR_ONLY
    if abs(a.year - b.year) == 1 and (either_year_only or (a.month, a.day) == (b.month, b.day)):
        return DateAgreement.YEAR_APART
    return DateAgreement.DIFFERENT
