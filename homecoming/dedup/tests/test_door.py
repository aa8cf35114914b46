"""score_new_records: the batch's model, kept, scores new records as the batch would."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest

from homecoming.dedup import door
from homecoming.dedup.dates import parse_birth_date
from homecoming.dedup.door import door_keys, score_new_records
from homecoming.dedup.link import FIELDS, find_duplicates
from homecoming.dedup.numbers import document_key, phone_key
from homecoming.dedup.tests.synthetic import synthetic_registry
from homecoming.dedup.tests.test_link import (
    FAMILY_AGAIN,
    FAMILY_MISSPELT,
    LOOKALIKES,
    PLANTED,
)


@pytest.fixture(scope="module")
def members():
    registry = synthetic_registry(1500, seed=5)
    planted = [record for pair in PLANTED for record in pair]
    return [*registry.members, *planted, *LOOKALIKES, *FAMILY_AGAIN, *FAMILY_MISSPELT]


@pytest.fixture(scope="module")
def batch(members):
    return find_duplicates(members)


def households_of(members) -> dict[str, list[dict]]:
    households = defaultdict(list)
    for member in members:
        households[member["household"]].append(member)
    return households


def test_every_pair_of_the_batch_gets_the_batchs_verdict_at_the_door(members, batch):
    # As at registration: the new household whole, against whole registered households,
    # so that the door weighs each pair with the others between the two households.
    by_id, households = {member["id"]: member for member in members}, households_of(members)
    for pair in batch.pairs:
        new = households[by_id[pair.id_l]["household"]]
        registered = households[by_id[pair.id_r]["household"]]
        scored = score_new_records(batch.model, new, registered, threshold=batch.threshold)
        assert pair in scored


def test_a_pair_her_household_lifts_in_the_batch_is_lifted_at_the_door_too(members, batch):
    # The mother's copy lost her birth date and her father's name: alone she is one
    # namesake among others; beside her husband and daughter she is herself.
    (pair,) = [p for p in batch.pairs if (p.id_l, p.id_r) == ("fa-sabina", "fb-sabina")]
    households = households_of(members)
    alone = score_new_records(
        batch.model, [FAMILY_AGAIN[1]], [FAMILY_AGAIN[4]], threshold=batch.threshold
    )
    together = score_new_records(
        batch.model, households["FA"], households["FB"], threshold=batch.threshold
    )
    assert batch.model.support_weight > 0
    assert alone == []
    assert pair in together


def test_a_mother_no_rule_pairs_is_scored_at_the_door_beside_her_household(members, batch):
    # Her husband's pair links on its own: the door, given his household whole, scores
    # her pair too, as the batch's household blocking does.
    (pair,) = [p for p in batch.pairs if (p.id_l, p.id_r) == ("fc-gunel", "fd-gunel")]
    households = households_of(members)
    together = score_new_records(
        batch.model, households["FD"], households["FC"], threshold=batch.threshold
    )
    assert ("fd-gunel", "fc-gunel") in {(p.id_l, p.id_r) for p in together}
    (at_door,) = [p for p in together if p.id_l == "fd-gunel"]
    assert (at_door.match_probability, at_door.match_weight) == (
        pair.match_probability,
        pair.match_weight,
    )


@pytest.mark.parametrize("one_pass", [True, False], ids=["one run", "Splink's joins"])
def test_the_door_reads_a_household_that_links_whole_to_score_the_rest_of_it(
    members, batch, monkeypatch, one_pass
):
    # Registration gives the door only the candidates (here the husband) and a way to
    # read a household whole: the household that links is read, and the mother scored,
    # whether the rules' pairs were found in the check's one run or by a file's joins.
    if not one_pass:
        monkeypatch.setattr(door, "ONE_PASS_PAIRS", 0)
    households = households_of(members)
    husband = [member for member in households["FC"] if member["id"] == "fc-elchin"]
    read = []

    def whole(ids):
        read.append(ids)
        return [member for household in sorted(ids) for member in households[household]]

    found = score_new_records(
        batch.model, households["FD"], husband, threshold=batch.threshold, households=whole
    )
    assert read == [{"FC"}]
    assert ("fd-gunel", "fc-gunel") in {(p.id_l, p.id_r) for p in found}


def test_a_new_record_is_scored_only_against_registered_ones_the_rules_pair_it_with(members, batch):
    elvin, elvin_again = PLANTED[0]
    registered = [elvin, *LOOKALIKES, *members[:200]]
    found = score_new_records(batch.model, [elvin_again], registered, threshold=0.9)
    assert [(p.id_l, p.id_r) for p in found] == [("elvin-ru", "elvin-az")]


def test_a_new_record_like_no_registered_one_gives_no_pair(members, batch):
    # Every pair scored below the cut-off: nothing is scored, nothing to link.
    elvin, _ = PLANTED[0]
    stranger = {**elvin, "id": "stranger", "household": "S", "given_name": "Zəhra",
                "family_name": "Nəsirova", "patronymic": "", "birth_date": "1931-01-09",
                "document_number": "", "phone": ""}  # fmt: skip
    assert score_new_records(batch.model, [stranger], [elvin], threshold=0.9) == []


def test_the_model_survives_a_round_trip_through_json(members, batch):
    import json

    kept = dataclasses.replace(batch.model, splink=json.loads(json.dumps(batch.model.splink)))
    elvin, elvin_again = PLANTED[0]
    assert score_new_records(kept, [elvin_again], [elvin], threshold=0.5) == score_new_records(
        batch.model, [elvin_again], [elvin], threshold=0.5
    )


def test_nothing_to_compare_gives_no_pair_and_a_bad_threshold_is_named(batch):
    assert score_new_records(batch.model, [], [{"id": "a", "household": "H"}], threshold=0.5) == []
    with pytest.raises(ValueError, match="threshold must be between 0 and 1, got 1.5"):
        score_new_records(batch.model, [], [], threshold=1.5)


def test_every_pair_the_batch_makes_meets_at_the_door_through_a_key_of_its_households(members):
    def born_in(record):  # the rule on a birth date and the settlement
        born = parse_birth_date(record["birth_date"], year_only=record["birth_year_only"])
        return (
            (born, record["origin_settlement"])
            if born.month and record["origin_settlement"]
            else None
        )

    def met(new, registered):
        document, phone = (document_key(new["document_number"]), phone_key(new["phone"]))
        return bool(
            door_keys(new, probe=True) & door_keys(registered)
            or born_in(new) == born_in(registered) is not None
            or document == document_key(registered["document_number"]) != ""
            or phone == phone_key(registered["phone"]) != ""
        )

    everything = find_duplicates(members, threshold=1e-12)  # every pair the rules make
    by_id = {member["id"]: {**FIELDS, **member} for member in members}
    assert len(everything.pairs) > len(PLANTED)
    # A pair that no key meets was made by household blocking: another pair of its two
    # households is met, and the door is given the households of the records it finds
    # whole.
    households = households_of(by_id.values())
    for pair in everything.pairs:
        left, right = by_id[pair.id_l], by_id[pair.id_r]
        assert met(left, right) == met(right, left), pair
        assert any(
            met(one, other)
            for one in households[left["household"]]
            for other in households[right["household"]]
        ), pair


def test_a_households_check_pairs_in_one_pass_what_splinks_join_per_rule_pairs(
    members, batch, monkeypatch
):
    # The same new households against the same registered ones, once with the one-pass
    # pairing a household's check uses, once with Splink's join per rule (a file's).
    households = households_of(members)
    for pair in batch.pairs[:40]:
        new = households[next(m for m in members if m["id"] == pair.id_l)["household"]]
        others = [m for m in members if m["household"] != new[0]["household"]]
        registered = list(
            {
                m["id"]: m
                for m in others[:400]
                + households[next(m for m in members if m["id"] == pair.id_r)["household"]]
            }.values()
        )
        one_pass = score_new_records(batch.model, new, registered, threshold=0.5)
        monkeypatch.setattr(door, "ONE_PASS_PAIRS", 0)
        per_rule = score_new_records(batch.model, new, registered, threshold=0.5)
        monkeypatch.undo()
        assert one_pass == per_rule
        assert any((p.id_l, p.id_r) == (pair.id_l, pair.id_r) for p in one_pass)
