from __future__ import annotations

import csv
import re

import pytest
from django.core.management import CommandError, call_command

from homecoming.housing.models import HousingUnit
from homecoming.mineaction.models import HazardArea
from homecoming.places.models import Settlement
from homecoming.registry.models import Household, Member
from homecoming.synth.programme import synth_programme, synth_write

CYRILLIC = re.compile(r"[Ѐ-ӿ]")


def written(tmp_path, name: str, **options) -> dict[str, bytes]:
    paths = synth_write(synth_programme(**options), tmp_path / name)
    return {path.name: path.read_bytes() for path in paths}


def rows(path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_same_seed_writes_identical_files(tmp_path):
    first = written(tmp_path, "a", persons=2000, seed=7, settlements=40)
    second = written(tmp_path, "b", persons=2000, seed=7, settlements=40)
    other = written(tmp_path, "c", persons=2000, seed=8, settlements=40)
    assert first == second
    assert first["households.csv"] != other["households.csv"]
    assert first["places.csv"] != other["places.csv"]


def test_the_households_file_has_as_many_people_as_asked(tmp_path):
    synth_write(synth_programme(persons=1234, seed=1, settlements=40), tmp_path)
    people = rows(tmp_path / "households.csv")
    assert len(people) == 1234
    households = {row["household"] for row in people}
    heads = [row for row in people if row["relation"] == "head"]
    assert len(heads) == len(households)
    settlements = [
        r
        for r in rows(tmp_path / "places.csv")
        if r["kind"] not in ("country", "economic_region", "district")
    ]
    assert abs(len(settlements) - 40) <= 13
    assert len({r["parent"] for r in settlements}) == 13


def test_names_come_in_several_scripts_with_planted_duplicates(tmp_path):
    synth_write(synth_programme(persons=5000, seed=3, settlements=40), tmp_path)
    people = rows(tmp_path / "households.csv")
    sources = {row["household"]: row["source"] for row in people if row["source"]}
    offices = {source.rsplit(", ", 1)[1] for source in sources.values()}
    assert {"latin office", "cyrillic office", "english office"} <= offices
    assert any(CYRILLIC.search(row["family_name"]) for row in people)
    duplicates = [ref for ref in sources if ref.endswith("-D")]
    assert duplicates
    by_household = {}
    for row in people:
        by_household.setdefault(row["household"], []).append(row)
    for reference in duplicates:
        original, copy = by_household[reference[:-2]], by_household[reference]
        assert len(original) == len(copy)
        assert [m["given_name"] for m in original] != [m["given_name"] for m in copy] or [
            m["birth_date"] for m in original
        ] != [m["birth_date"] for m in copy]


@pytest.mark.django_db
def test_the_files_load_through_the_imports(tmp_path):
    call_command("synth", persons=600, seed=5, settlements=30, out=str(tmp_path), load=True)
    assert Member.objects.count() == 600
    assert Household.objects.filter(is_synthetic=True).count() == Household.objects.count() > 100
    assert Settlement.objects.filter(code__startswith="AZ0").count() == len(
        [
            r
            for r in rows(tmp_path / "places.csv")
            if r["kind"] in ("city", "urban_settlement", "village")
        ]
    )
    assert HazardArea.objects.filter(status="released").exists()
    assert HazardArea.objects.exclude(status="released").exists()
    assert HousingUnit.objects.filter(status="ready").exists()


def test_it_asks_where_the_files_go():
    with pytest.raises(CommandError, match="give --out DIR, --load, or both"):
        call_command("synth", persons=10)
