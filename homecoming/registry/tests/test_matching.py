from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command

from homecoming.registry.matching import duplicates_find
from homecoming.registry.models import DuplicateCandidate, Household, Member

pytestmark = pytest.mark.django_db

GIVEN = ["Elvin", "Aygün", "Rəşad", "Nigar", "Tural", "Səbinə", "Kamran", "Leyla", "Orxan"]
FAMILY = ["Quliyev", "Həsənov", "Əliyev", "Hüseynov", "Babayev", "Rzayev", "Kərimov"]


def _household(settlement, reference: str, *people: tuple[str, str, str, dt.date, bool]):
    household = Household.objects.create(
        reference=reference, origin_settlement=settlement, registered_on=dt.date(2024, 5, 1)
    )
    for index, (given, family, sex, born, year_only) in enumerate(people):
        Member.objects.create(
            household=household,
            given_name=given,
            family_name=family,
            sex=sex,
            birth_date=born,
            birth_year_only=year_only,
            relation=Member.Relation.HEAD if index == 0 else Member.Relation.CHILD,
        )
    return household


@pytest.fixture
def registry(places):
    """Sixty unrelated households, one family registered twice, and a shared grandmother."""
    rng = random.Random(7)
    for number in range(60):
        people = [
            (
                rng.choice(GIVEN),
                rng.choice(FAMILY),
                rng.choice(["male", "female"]),
                dt.date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                False,
            )
            for _ in range(rng.randint(1, 5))
        ]
        _household(places.zar, f"R-{number:03d}", *people)
    latin = _household(
        places.zar,
        "FAMILY-A",
        ("Vüqar", "Məmmədov", "male", dt.date(1971, 3, 8), False),
        ("Şəbnəm", "Məmmədova", "female", dt.date(1975, 11, 20), False),
        ("Nicat", "Məmmədov", "male", dt.date(2001, 6, 30), False),
    )
    cyrillic = _household(
        places.zar,
        "FAMILY-B",
        ("Вюгар", "Мамедов", "male", dt.date(1971, 8, 3), False),  # day and month swapped
        ("Шабнам", "Мамедова", "female", dt.date(1975, 1, 1), True),  # year only
        ("Ниджат", "Мамедов", "male", dt.date(2001, 6, 30), False),
    )
    grandmother = ("Zəhra", "Cəfərova", "female", dt.date(1938, 2, 14), False)
    _household(
        places.zar, "SON", ("Rauf", "Cəfərov", "male", dt.date(1965, 4, 1), False), grandmother
    )
    _household(
        places.zar,
        "DAUGHTER",
        ("Sevda", "Rüstəmova", "female", dt.date(1968, 9, 9), False),
        grandmother,
    )
    return latin, cyrillic


def test_a_family_registered_in_two_scripts_is_queued_and_a_shared_grandmother_is_not(registry):
    latin, cyrillic = registry
    found, queued, _refreshed = duplicates_find()
    candidate = DuplicateCandidate.objects.get()
    assert (found, queued) == (1, 1)
    assert {candidate.household_a, candidate.household_b} == {latin, cyrillic}
    assert len(candidate.evidence) == 3
    evidence = {pair["a"]: pair["fields"]["birth_date"] for pair in candidate.evidence}
    assert evidence["Vüqar Məmmədov"].startswith("day and month swapped")


def test_finding_again_refreshes_instead_of_queueing_twice(registry):
    duplicates_find()
    assert duplicates_find()[1:] == (0, 1)
    assert DuplicateCandidate.objects.count() == 1


def test_the_command_finds_and_exports_the_pairs(registry, tmp_path, capsys):
    call_command("duplicates", "find")
    assert "1 household pairs found: 1 queued for review" in capsys.readouterr().out
    target = tmp_path / "pairs.csv"
    call_command("duplicates", "export", str(target))
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("household_a,household_b,probability,status,member_a")
    assert len(rows) == 1 + 3  # one row per linked member pair
    assert all(row.startswith("FAMILY-A,FAMILY-B,") for row in rows[1:])


def test_the_command_names_what_is_missing(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Name the CSV file"):
        call_command("duplicates", "export")
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("duplicates", "find", "--member-threshold", "1.5")
