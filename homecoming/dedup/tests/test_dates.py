"""Birth dates: parsing, the levels of agreement, and the SQL that implements them."""

from __future__ import annotations

import random

import duckdb
import pytest

from homecoming.dedup.dates import BirthDate, DateAgreement, compare_birth_dates, parse_birth_date
from homecoming.dedup.link import DATE_LEVELS_SQL


def test_a_full_date_a_year_and_nothing_are_read():
    assert parse_birth_date("1975-03-08") == BirthDate(1975, 3, 8)
    assert parse_birth_date("1975") == BirthDate(1975)
    assert parse_birth_date("") == BirthDate()


def test_year_only_drops_the_placeholder_day_and_month():
    assert parse_birth_date("1975-01-01", year_only=True) == BirthDate(1975)
    assert parse_birth_date("1975-01-01", year_only=True).year_only


@pytest.mark.parametrize("text", ["1975-13-01", "1975-02-30", "75-03-08", "08.03.1975", "1975-3-8"])
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError, match=rf"^'{text}' is not a date$"):
        parse_birth_date(text)


CASES = [
    ("1975-03-08", "1975-03-08", DateAgreement.EXACT),
    ("1975-03-08", "1975-08-03", DateAgreement.SWAPPED),
    ("1975-03-03", "1975-03-03", DateAgreement.EXACT),  # day = month: exact, not swapped
    ("1975-03-08", "1975", DateAgreement.YEAR_ONLY),
    ("1975", "1975", DateAgreement.YEAR_ONLY),  # two year-only dates are not exact
    ("1975-03-08", "1976-03-08", DateAgreement.YEAR_APART),
    ("1975", "1974-11-30", DateAgreement.YEAR_APART),
    ("1975-03-08", "1976-03-09", DateAgreement.DIFFERENT),
    ("1975-03-08", "1975-03-09", DateAgreement.DIFFERENT),
    ("1975-03-08", "1977-03-08", DateAgreement.DIFFERENT),
    ("1975-03-08", "1976-08-03", DateAgreement.DIFFERENT),  # swapped and a year off
    ("1975-03-08", "", DateAgreement.MISSING),
    ("", "", DateAgreement.MISSING),
]


@pytest.mark.parametrize(("one", "other", "expected"), CASES)
def test_two_dates_agree_at_the_strongest_level_that_holds(one, other, expected):
    assert compare_birth_dates(parse_birth_date(one), parse_birth_date(other)) is expected
    assert compare_birth_dates(parse_birth_date(other), parse_birth_date(one)) is expected


def _random_date(rng: random.Random) -> BirthDate:
    draw = rng.random()
    if draw < 0.1:
        return BirthDate()
    year = rng.choice([1974, 1975, 1976, 1978])
    if draw < 0.3:
        return BirthDate(year)
    # Few distinct days and months, so that swaps and coincidences are frequent.
    return BirthDate(year, rng.choice([1, 3, 8, 12]), rng.choice([1, 3, 8, 12]))


def test_the_splink_sql_gives_the_same_level_as_compare_birth_dates():
    rng = random.Random(20)
    pairs = [(_random_date(rng), _random_date(rng)) for _ in range(3000)]
    rows = []
    for left, right in pairs:
        row = {}
        for side, born in (("l", left), ("r", right)):
            full = born.month is not None
            row |= {
                f"birth_year_{side}": born.year,
                f"birth_month_{side}": born.month,
                f"birth_day_{side}": born.day,
                f"birth_date_{side}": f"{born.year}-{born.month:02}-{born.day:02}"
                if full
                else None,
                f"birth_date_swapped_{side}": f"{born.year}-{born.day:02}-{born.month:02}"
                if full
                else None,
            }
        rows.append(row)
    columns = list(rows[0])
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE pairs (n INTEGER, "
        + ", ".join(f"{c} {'INTEGER' if 'date' not in c else 'VARCHAR'}" for c in columns)
        + ")"
    )
    con.executemany(
        f"INSERT INTO pairs VALUES ({', '.join('?' * (len(columns) + 1))})",  # noqa: S608
        [[n, *row.values()] for n, row in enumerate(rows)],
    )
    cases = " ".join(f"WHEN {sql} THEN '{level.name}'" for level, sql in DATE_LEVELS_SQL.items())
    found = con.execute(
        f"SELECT CASE {cases} ELSE 'DIFFERENT' END FROM pairs ORDER BY n"  # noqa: S608
    ).fetchall()
    expected = [compare_birth_dates(left, right).name for left, right in pairs]
    assert [level for (level,) in found] == expected
    assert set(expected) == {level.name for level in DateAgreement}  # every level was tried
