"""find_duplicates and household_pairs on a seeded registry with planted people."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from homecoming.dedup.link import (
    DATES_DIFFER,
    MemberPair,
    find_duplicates,
    household_context,
    household_pairs,
    learnt_support_weight,
)
from homecoming.dedup.tests.synthetic import synthetic_registry

# The same people written by different offices: each pair must be found.
PLANTED = [
    (
        {"id": "elvin-az", "household": "A1", "given_name": "Elvin", "family_name": "Məmmədov",
         "patronymic": "Rövşən oğlu", "sex": "male", "birth_date": "1975-03-08",
         "origin_settlement": "AZ-KLB-007"},
        {"id": "elvin-ru", "household": "B1", "given_name": "Эльвин", "family_name": "Мамедов",
         "patronymic": "Ровшанович", "birth_date": "1975-08-03", "origin_settlement": "AZ-KLB-007"},
    ),
    (
        {"id": "xadica-az", "household": "A2", "given_name": "Xədicə", "family_name": "Cəfərova",
         "patronymic": "Cavid qızı", "sex": "female", "birth_date": "1988-11-23",
         "document_number": "AZE 1234 5678"},
        {"id": "xadica-en", "household": "B2", "given_name": "Khadija", "family_name": "Jafarova",
         "patronymic": "Javid kyzy", "birth_date": "1988-01-01", "birth_year_only": True,
         "document_number": "aze12345678"},
    ),
    (
        {"id": "rashad-az", "household": "A3", "given_name": "Rəşad", "family_name": "Hüseynov",
         "patronymic": "Elnur oğlu", "birth_date": "1990-05-17", "phone": "+994 50 555 12 34"},
        {"id": "rashad-ru", "household": "B3", "given_name": "Рашад", "family_name": "Гусейнов",
         "patronymic": "Эльнур оглы", "birth_date": "1991-05-17", "phone": "050-555-12-34"},
    ),
    (
        {"id": "gulnar-az", "household": "A4", "given_name": "Gülnar", "family_name": "Şükürova",
         "patronymic": "Əli qızı", "birth_date": "1969-12-30", "origin_settlement": "AZ-SUS-003"},
        {"id": "gulnar-cy", "household": "B4", "given_name": "Ҝүлнар", "family_name": "Шүкүрова",
         "patronymic": "Әли гызы", "birth_date": "1969-12-30", "origin_settlement": "AZ-SUS-003"},
    ),
]  # fmt: skip

# People who look like a planted one but are someone else: none may be linked.
LOOKALIKES = [
    # A namesake: same names and birth year, another father and birthday.
    {"id": "elvin-cousin", "household": "C1", "given_name": "Elvin", "family_name": "Məmmədov",
     "patronymic": "Hüseyn oğlu", "sex": "male", "birth_date": "1975-06-21",
     "origin_settlement": "AZ-KLB-007"},
    # The mother of a namesake: same day and month, a generation apart.
    {"id": "gulnar-elder", "household": "C2", "given_name": "Gülnar", "family_name": "Şükürova",
     "patronymic": "Tofiq qızı", "birth_date": "1941-12-30", "origin_settlement": "AZ-SUS-003"},
    # Another Rəşad Hüseynov: another father, born years later.
    {"id": "rashad-other", "household": "C3", "given_name": "Rashad", "family_name": "Huseynov",
     "patronymic": "Kamran ogly", "birth_date": "1996-02-11"},
]  # fmt: skip


def planted_ids() -> set[tuple[str, str]]:
    return {tuple(sorted((left["id"], right["id"]))) for left, right in PLANTED}


@pytest.fixture(scope="module")
def registry():
    return synthetic_registry(1500, seed=5)


@pytest.fixture(scope="module")
def members(registry):
    return [*registry.members, *(record for pair in PLANTED for record in pair), *LOOKALIKES]


@pytest.fixture(scope="module")
def result(members):
    return find_duplicates(members)


def test_planted_cross_script_duplicates_are_found(result):
    found = {(pair.id_l, pair.id_r) for pair in result.pairs}
    assert planted_ids() <= found


def test_lookalikes_are_not_linked_to_anyone(result):
    lookalike_ids = {record["id"] for record in LOOKALIKES}
    linked = [pair for pair in result.pairs if {pair.id_l, pair.id_r} & lookalike_ids]
    assert linked == []


def test_the_evidence_says_how_each_field_agrees(result):
    pair = next(pair for pair in result.pairs if pair.id_l == "elvin-az")
    assert pair.id_r == "elvin-ru"
    assert pair.evidence["given_name"] == "same key (Elvin ~ Эльвин)"
    assert pair.evidence["family_name"] == "same key (Məmmədov ~ Мамедов)"
    assert pair.evidence["patronymic"] == "same key (Rövşən oğlu ~ Ровшанович)"
    assert pair.evidence["sex"] == "identical (male ~ male)"  # the right one from -ович
    assert pair.evidence["birth_date"] == "day and month swapped (1975-03-08 ~ 1975-08-03)"
    assert pair.evidence["document_number"] == "missing on one side"
    assert pair.evidence["origin_settlement"] == "identical (AZ-KLB-007 ~ AZ-KLB-007)"


def test_year_only_and_year_apart_dates_and_reformatted_numbers_count_as_evidence(result):
    by_left = {pair.id_l: pair for pair in result.pairs}
    xadica, rashad = by_left["xadica-az"], by_left["rashad-az"]
    assert xadica.evidence["birth_date"] == (
        "same year, one known by year only (1988-11-23 ~ 1988-01-01)"
    )
    assert xadica.evidence["document_number"].startswith("identical")
    assert rashad.evidence["birth_date"] == "one year apart (1990-05-17 ~ 1991-05-17)"
    assert rashad.evidence["phone"].startswith("identical")


def test_the_seeded_registry_is_deduplicated_with_high_precision_and_recall(registry, result):
    truth, ids = registry.true_pairs(), {record["id"] for record in registry.members}
    found = {(pair.id_l, pair.id_r) for pair in result.pairs if {pair.id_l, pair.id_r} <= ids}
    true_found = len(found & truth)
    assert true_found / len(found) >= 0.95
    assert true_found / len(truth) >= 0.85


def test_pairs_are_sorted_ids_with_probabilities_above_the_threshold(registry, result):
    assert all(pair.id_l < pair.id_r for pair in result.pairs)
    assert list(result.pairs) == sorted(result.pairs, key=lambda pair: (pair.id_l, pair.id_r))
    assert all(pair.match_probability >= 0.9 for pair in result.pairs)
    assert result.records == len(registry.members) + 2 * len(PLANTED) + len(LOOKALIKES)


def test_blocking_puts_a_small_share_of_all_pairs_to_the_model(result):
    all_pairs = result.records * (result.records - 1) // 2
    assert len(result.pairs) <= result.candidates < all_pairs / 1000


def test_two_runs_give_the_same_pairs(members, result):
    assert find_duplicates(members) == result


def test_members_of_one_household_are_never_paired(registry):
    twin = {"given_name": "Orxan", "family_name": "Quliyev", "patronymic": "Vüqar oğlu",
            "birth_date": "2001-04-04", "document_number": "AZE99990000"}  # fmt: skip
    same_household = [
        {"id": "t1", "household": "H9", **twin},
        {"id": "t2", "household": "H9", **twin},
    ]
    other_household = [{"id": "t3", "household": "H8", **twin}]
    pairs = find_duplicates([*registry.members, *same_household, *other_household]).pairs
    twins = {(pair.id_l, pair.id_r) for pair in pairs if pair.id_l.startswith("t")}
    assert twins == {("t1", "t3"), ("t2", "t3")}


def test_a_common_fathers_name_weighs_less_than_a_rare_one(registry):
    # Two people registered twice, alike in everything but their fathers: Elvin is the
    # commonest father's name in the registry, Qənbər one of the rarest.
    def twice(father: str, born: str) -> list[dict]:
        person = {"given_name": "Anar", "family_name": "Quliyev", "patronymic": f"{father} oğlu",
                  "birth_date": born, "origin_settlement": "AZ-KLB-001"}  # fmt: skip
        return [{"id": f"{father}-{side}", "household": f"{father}-{side}", **person}
                for side in ("a", "b")]  # fmt: skip

    result = find_duplicates(
        [*registry.members, *twice("Elvin", "1970-02-03"), *twice("Qənbər", "1970-04-05")]
    )
    weight = {pair.id_l: pair.match_weight for pair in result.pairs}
    assert weight["Qənbər-a"] > weight["Elvin-a"] + 2
    fathers = result.model.term_frequencies["patronymic_key"]
    assert fathers[max(fathers, key=fathers.get)] > 10 * min(fathers.values())


def test_without_name_keys_a_cyrillic_spelling_is_not_found(members):
    found = find_duplicates(members, normalise_names=False).pairs
    ids = {(pair.id_l, pair.id_r) for pair in found}
    assert ("elvin-az", "elvin-ru") not in ids
    assert ("gulnar-az", "gulnar-cy") not in ids


def test_given_and_family_names_written_in_each_others_places_are_found(registry):
    people = [
        {"id": "s1", "household": "S1", "given_name": "Kamran", "family_name": "Nəsibov",
         "birth_date": "1983-09-14", "origin_settlement": "AZ-KLB-020"},
        {"id": "s2", "household": "S2", "given_name": "Nəsibov", "family_name": "Kamran",
         "birth_date": "1983-09-14", "origin_settlement": "AZ-KLB-020"},
    ]  # fmt: skip
    pair = next(p for p in find_duplicates([*registry.members, *people]).pairs if p.id_l == "s1")
    assert pair.evidence["given_name"] == "given and family name swapped (Kamran ~ Nəsibov)"


def test_extra_fields_are_compared_as_text_when_named(registry):
    people = [
        {"id": "x1", "household": "X1", "given_name": "Samir", "family_name": "Kərimov",
         "birth_date": "1979-02-02", "extra": {"address": "Xətai pr. 12, mənzil 5"}},
        {"id": "x2", "household": "X2", "given_name": "Samir", "family_name": "Kerimov",
         "birth_date": "1979-02-02", "extra": {"address": "Xətai pr. 12, menzil 5"}},
    ]  # fmt: skip
    result = find_duplicates([*registry.members, *people], extra_fields=["address"])
    pair = next(pair for pair in result.pairs if pair.id_l == "x1")
    assert pair.evidence["extra_address"] == (
        "similar (Xətai pr. 12, mənzil 5 ~ Xətai pr. 12, menzil 5)"
    )


def test_fewer_than_two_members_give_no_pairs():
    assert find_duplicates([{"id": "m1", "household": "H1"}]).pairs == ()
    assert find_duplicates([]).records == 0


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([{"id": "m1", "household": "H1"}, "m2"], "members[1]: a member must be a dict, got str"),
        ([{"household": "H1"}], "members[0]: id must be a non-empty string"),
        ([{"id": 7, "household": "H1"}], "members[0]: id must be a non-empty string"),
        ([{"id": "m1", "household": ""}], "members[0] (id 'm1'): household must not be empty"),
        (
            [{"id": "m1", "household": "H1", "surname": "Əliyev"}],
            "members[0] (id 'm1'): unknown field 'surname'",
        ),
        (
            [{"id": "m1", "household": "H1", "given_name": None}],
            "members[0] (id 'm1'): given_name must be a str, got None",
        ),
        (
            [{"id": "m1", "household": "H1", "birth_year_only": "yes", "birth_date": "1975"}],
            "members[0] (id 'm1'): birth_year_only must be a bool, got 'yes'",
        ),
        (
            [{"id": "m1", "household": "H1"}, {"id": "m1", "household": "H2"}],
            "members[1] (id 'm1'): id is also used by members[0]",
        ),
        (
            [{"id": "m1", "household": "H1", "sex": "F"}],
            "members[0] (id 'm1'): sex 'F' is not 'female', 'male' or ''",
        ),
        (
            [{"id": "m1", "household": "H1", "birth_year_only": True}],
            "members[0] (id 'm1'): birth_year_only is set but birth_date is empty",
        ),
        (
            [
                *({"id": f"m{i}", "household": f"H{i}"} for i in range(1, 13)),
                {"id": "m13", "household": "H13", "birth_date": "1975-13-01"},
            ],
            "members[12] (id 'm13'): birth_date '1975-13-01' is not a date",
        ),
        (
            [{"id": "m1", "household": "H1", "extra": {"address": 12}}],
            "members[0] (id 'm1'): extra['address'] must be a str, got 12",
        ),
    ],
)
def test_invalid_members_are_refused_with_the_record_named(members, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        find_duplicates(members)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 1.0}, "threshold must be between 0 and 1, got 1.0"),
        ({"threshold": 0}, "threshold must be between 0 and 1, got 0"),
        (
            {"extra_fields": ["Address"]},
            "extra_fields: 'Address' is not a lower-case name like 'address'",
        ),
        (
            {"extra_fields": ["a; DROP TABLE members"]},
            "extra_fields: 'a; DROP TABLE members' is not a lower-case name like 'address'",
        ),
    ],
)
def test_invalid_options_are_refused(options, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        find_duplicates([{"id": "m1", "household": "H1"}], **options)


HOUSEHOLDS = [
    {"id": "a1", "household": "A"}, {"id": "a2", "household": "A"}, {"id": "a3", "household": "A"},
    {"id": "b1", "household": "B"}, {"id": "b2", "household": "B"},
    {"id": "c1", "household": "C"}, {"id": "c2", "household": "C"},
    {"id": "d1", "household": "D"}, {"id": "e1", "household": "E"},
]  # fmt: skip


def pair(left: str, right: str, probability: float = 0.96) -> MemberPair:
    return MemberPair(left, right, probability, 8.0, {})


def test_households_sharing_two_linked_members_are_paired():
    found = household_pairs([pair("a1", "b1", 0.98), pair("a2", "b2", 0.94)], HOUSEHOLDS)
    assert len(found) == 1
    assert (found[0].household_l, found[0].household_r, found[0].linked_members) == ("A", "B", 2)
    assert found[0].score == pytest.approx(0.96)  # all of the smaller household, mean 0.96
    assert found[0].member_pairs == (("a1", "b1"), ("a2", "b2"))


def test_one_shared_member_pairs_only_single_member_households():
    found = household_pairs([pair("a1", "c1"), pair("d1", "e1")], HOUSEHOLDS)
    assert [(h.household_l, h.household_r) for h in found] == [("D", "E")]


def test_one_member_linked_to_two_others_counts_once():
    found = household_pairs([pair("a1", "c1"), pair("a1", "c2")], HOUSEHOLDS)
    assert found == []


def test_household_pairs_come_strongest_first():
    links = [pair("a1", "b1"), pair("a2", "b2"), pair("c1", "a3", 0.91), pair("c2", "a2", 0.91)]
    found = household_pairs(links, HOUSEHOLDS)
    assert [(h.household_l, h.household_r) for h in found] == [("A", "B"), ("A", "C")]


def test_a_household_registered_twice_is_found_in_the_registry(registry, members, result):
    found = {(h.household_l, h.household_r) for h in household_pairs(result.pairs, members)}
    person_households: dict[str, set[str]] = {}
    for record in registry.members:
        person_households.setdefault(registry.person_of[record["id"]], set()).add(
            record["household"]
        )
    shared: dict[tuple[str, str], int] = {}
    for households in person_households.values():
        for left in households:
            for right in households:
                if left < right:
                    shared[(left, right)] = shared.get((left, right), 0) + 1
    twice = {key for key, count in shared.items() if count >= 3}  # three or more people
    assert twice
    assert len(twice & found) / len(twice) >= 0.9


def test_household_pairs_refuse_unknown_ids_and_pairs_within_a_household():
    unknown = "member_pairs[0]: id 'zz' is not among members"
    with pytest.raises(ValueError, match=f"^{re.escape(unknown)}$"):
        household_pairs([pair("a1", "zz")], HOUSEHOLDS)
    within = "member_pairs[1]: 'a1' and 'a2' are both in household 'A'"
    with pytest.raises(ValueError, match=f"^{re.escape(within)}$"):
        household_pairs([pair("a1", "b1"), pair("a1", "a2")], HOUSEHOLDS)


# A family registered again by an office writing Russian Cyrillic: the father's and
# the daughter's records agree on everything, the mother's copy has lost her birth
# date and her father's name. Alone, her pair is one namesake among others; the two
# households sharing her husband and daughter make it hers.
FAMILY_AGAIN = [
    {"id": "fa-rashad", "household": "FA", "given_name": "Rəşad", "family_name": "Quliyev",
     "patronymic": "Tofiq oğlu", "sex": "male", "birth_date": "1970-02-14",
     "origin_settlement": "AZ-KLB-044"},
    {"id": "fa-sabina", "household": "FA", "given_name": "Səbinə", "family_name": "Quliyeva",
     "patronymic": "Vaqif qızı", "sex": "female", "birth_date": "1975-06-30",
     "origin_settlement": "AZ-KLB-044"},
    {"id": "fa-narmin", "household": "FA", "given_name": "Nərmin", "family_name": "Quliyeva",
     "patronymic": "Rəşad qızı", "sex": "female", "birth_date": "1998-09-05",
     "origin_settlement": "AZ-KLB-044"},
    {"id": "fb-rashad", "household": "FB", "given_name": "Рашад", "family_name": "Кулиев",
     "patronymic": "Тофикович", "birth_date": "1970-02-14", "origin_settlement": "AZ-KLB-044"},
    {"id": "fb-sabina", "household": "FB", "given_name": "Сабина", "family_name": "Кулиева",
     "origin_settlement": "AZ-KLB-044"},
    {"id": "fb-narmin", "household": "FB", "given_name": "Нармин", "family_name": "Кулиева",
     "patronymic": "Рашадовна", "birth_date": "1998-09-05", "origin_settlement": "AZ-KLB-044"},
]  # fmt: skip

# A man registered again in English transliteration with a letter dropped from his
# given name and his year of birth off by one: only the day and month, the family
# name and the settlement still agree, so no blocking rule put the two together.
MISSPELT_AGAIN = [
    {"id": "ma-vusal", "household": "MA", "given_name": "Vüsal", "family_name": "Xəlilov",
     "patronymic": "Sahib oğlu", "sex": "male", "birth_date": "1981-04-22",
     "origin_settlement": "AZ-SUS-031", "phone": "+994 50 321 77 01"},
    {"id": "mb-vusal", "household": "MB", "given_name": "Vusl", "family_name": "Khalilov",
     "patronymic": "Sahib ogly", "birth_date": "1982-04-22", "origin_settlement": "AZ-SUS-031"},
]  # fmt: skip

# Two cousins named after their grandfather, in their fathers' households, which
# share the grandmother registered with both: same names and settlement, born years
# apart to different fathers. The households' shared member must not make them one.
COUSINS = [
    {"id": "ca-grandmother", "household": "CA", "given_name": "Gülarə", "family_name": "Nəbiyeva",
     "sex": "female", "birth_date": "1941-11-02", "origin_settlement": "AZ-KLB-090",
     "document_number": "AZE 1010 2020"},
    {"id": "ca-ali", "household": "CA", "given_name": "Əli", "family_name": "Nəbiyev",
     "patronymic": "Telman oğlu", "sex": "male", "birth_date": "2001-03-04",
     "origin_settlement": "AZ-KLB-090"},
    {"id": "cb-grandmother", "household": "CB", "given_name": "Гюляра", "family_name": "Набиева",
     "birth_date": "1941-11-02", "origin_settlement": "AZ-KLB-090",
     "document_number": "AZE10102020"},
    {"id": "cb-ali", "household": "CB", "given_name": "Али", "family_name": "Набиев",
     "patronymic": "Эльшанович", "birth_date": "2003-07-19", "origin_settlement": "AZ-KLB-090"},
]  # fmt: skip

# A household registered again in Russian, the mother's given name with a letter
# dropped and her birth date lost: no blocking rule pairs her two records (the given
# names differ, no date), but her husband and son link on their own, and the
# household blocking puts her pair to the model, which their support lifts.
FAMILY_MISSPELT = [
    {"id": "fc-elchin", "household": "FC", "given_name": "Elçin", "family_name": "Rüstəmov",
     "patronymic": "Namiq oğlu", "sex": "male", "birth_date": "1968-05-11",
     "origin_settlement": "AZ-KLB-071"},
    {"id": "fc-gunel", "household": "FC", "given_name": "Günel", "family_name": "Rüstəmova",
     "patronymic": "Vaqif qızı", "sex": "female", "birth_date": "1972-08-19",
     "origin_settlement": "AZ-KLB-071"},
    {"id": "fc-orkhan", "household": "FC", "given_name": "Orxan", "family_name": "Rüstəmov",
     "patronymic": "Elçin oğlu", "sex": "male", "birth_date": "1995-01-23",
     "origin_settlement": "AZ-KLB-071"},
    {"id": "fd-elchin", "household": "FD", "given_name": "Эльчин", "family_name": "Рустамов",
     "patronymic": "Намикович", "birth_date": "1968-05-11", "origin_settlement": "AZ-KLB-071"},
    {"id": "fd-gunel", "household": "FD", "given_name": "Гюнль", "family_name": "Рустамова",
     "patronymic": "Вагифовна", "origin_settlement": "AZ-KLB-071"},
    {"id": "fd-orkhan", "household": "FD", "given_name": "Орхан", "family_name": "Рустамов",
     "patronymic": "Эльчинович", "birth_date": "1995-01-23", "origin_settlement": "AZ-KLB-071"},
]  # fmt: skip


@pytest.fixture(scope="module")
def with_families(registry):
    return find_duplicates(
        [*registry.members, *FAMILY_AGAIN, *MISSPELT_AGAIN, *COUSINS, *FAMILY_MISSPELT]
    )


def linked(result) -> set[tuple[str, str]]:
    return {(pair.id_l, pair.id_r) for pair in result.pairs}


def test_a_member_whose_household_was_registered_again_in_cyrillic_is_found_by_her_family(
    with_families,
):
    assert {
        ("fa-rashad", "fb-rashad"),
        ("fa-narmin", "fb-narmin"),
        ("fa-sabina", "fb-sabina"),
    } <= linked(with_families)


def test_a_mother_no_rule_pairs_is_put_to_the_model_by_her_household_and_found(with_families):
    assert ("fc-gunel", "fd-gunel") in linked(with_families)


def test_a_misspelt_transliteration_a_year_off_is_put_to_the_model_and_found(with_families):
    assert ("ma-vusal", "mb-vusal") in linked(with_families)


def test_namesakes_born_on_other_days_stay_apart_although_their_households_share_a_member(
    with_families,
):
    assert ("ca-grandmother", "cb-grandmother") in linked(with_families)
    assert ("ca-ali", "cb-ali") not in linked(with_families)


def scored_pairs(*rows: tuple[str, str, str, str, float]) -> pd.DataFrame:
    """Scored pairs as Splink gives them: (id_l, household_l, id_r, household_r, weight)."""
    frame = pd.DataFrame(
        rows, columns=["unique_id_l", "household_l", "unique_id_r", "household_r", "match_weight"]
    )
    return frame.assign(
        match_probability=1 / (1 + 2 ** -frame["match_weight"]), gamma_birth_date=-1
    )


def kept(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["unique_id_l"], frame["unique_id_r"], strict=True))


def test_a_pair_gains_the_support_weight_when_its_households_share_another_linked_pair():
    scored = scored_pairs(("a1", "A", "b1", "B", 9.0), ("a2", "A", "b2", "B", -2.0))
    assert kept(
        household_context(scored, support_weight=6.0, threshold=0.9, whole_registry=True)
    ) == {
        ("a1", "b1"),
        ("a2", "b2"),
    }
    assert kept(
        household_context(scored, support_weight=0.0, threshold=0.9, whole_registry=True)
    ) == {("a1", "b1")}


def test_a_member_is_at_most_one_member_of_another_household():
    # A copied Pərviz resembles his brother Elçin as well as himself.
    scored = scored_pairs(
        ("parviz", "A", "parviz-copy", "B", 8.0), ("elcin", "A", "parviz-copy", "B", 5.0)
    )
    assert kept(
        household_context(scored, support_weight=0.0, threshold=0.9, whole_registry=True)
    ) == {("parviz", "parviz-copy")}


def test_a_member_is_one_member_of_another_household_whichever_side_of_its_pairs_it_is_on():
    # Pairs are read in the order of the records' ids: Pərviz's copy is on the right of
    # one pair with his brother's household and on the left of the other. (Without the
    # batch's rival rule, as at the door, this rule alone must keep one.)
    scored = scored_pairs(
        ("elcin", "A", "parviz-copy", "B", 5.0), ("parviz-copy", "B", "parviz", "A", 8.0)
    )
    assert kept(
        household_context(scored, support_weight=0.0, threshold=0.9, whole_registry=False)
    ) == {("parviz-copy", "parviz")}


def test_a_member_linked_to_two_people_is_the_one_it_resembles_more():
    cousins = scored_pairs(("copy", "C", "ali", "A", 9.0), ("copy", "C", "cousin", "B", 6.0))
    assert kept(
        household_context(cousins, support_weight=0.0, threshold=0.9, whole_registry=True)
    ) == {("copy", "ali")}
    # One person registered three times: all three records stay linked.
    thrice = scored_pairs(
        ("copy", "C", "ali", "A", 9.0),
        ("copy", "C", "again", "B", 6.0),
        ("ali", "A", "again", "B", 4.0),
    )
    assert (
        len(household_context(thrice, support_weight=0.0, threshold=0.9, whole_registry=True)) == 3
    )


def test_the_support_weight_is_learnt_from_how_often_matches_and_non_matches_have_support():
    scored = scored_pairs(
        ("a1", "A", "b1", "B", 10.0), ("a2", "A", "b2", "B", 10.0), ("c1", "C", "d1", "D", 10.0)
    )
    sizes = {"A": 3, "B": 3, "C": 2, "D": 2, "E": 40}  # 50 records: 1,225 pairs
    # Two of three matches have support. Of all pairs of records, A and B lend support
    # to about every pair of their other members: 2 × 2, of which the two matches.
    weight = learnt_support_weight(scored, household_sizes=sizes)
    matches = scored["match_probability"].sum()
    u = (2 * 2 + 1 * 1 - 2 * scored["match_probability"][0]) / (1225 - matches)
    assert weight == pytest.approx(math.log2((2 / 3) / u), abs=1e-5)
    assert learnt_support_weight(scored.iloc[[0, 2]], household_sizes=sizes) == 0.0


def test_the_support_weight_does_not_depend_on_how_many_candidates_the_blocking_made():
    # Wider blocking rules put more unlikely pairs to the model; what support is worth
    # stays what it was (two large households, so that it stays below the cap).
    scored = scored_pairs(("a1", "A", "b1", "B", 10.0), ("a2", "A", "b2", "B", 10.0))
    unlikely = scored_pairs(*[(f"x{i}", "X", f"y{i}", "Y", -20.0) for i in range(500)])
    sizes = {"A": 300, "B": 300, "X": 500, "Y": 500}
    narrow = learnt_support_weight(scored, household_sizes=sizes)
    wide = learnt_support_weight(
        pd.concat([scored, unlikely], ignore_index=True), household_sizes=sizes
    )
    assert 0 < narrow < 12
    assert wide == pytest.approx(narrow, abs=1e-3)


def test_a_member_linked_to_two_people_born_on_other_days_is_the_one_it_resembles_more():
    # The copy resembles Əli and his cousin, and the two were scored together: same
    # names and year, but two full birth dates that differ make them two people.
    cousins = scored_pairs(
        ("copy", "C", "ali", "A", 9.0),
        ("copy", "C", "cousin", "B", 6.0),
        ("ali", "A", "cousin", "B", -4.0),
    ).assign(gamma_birth_date=[-1, -1, DATES_DIFFER])
    assert kept(
        household_context(cousins, support_weight=0.0, threshold=0.9, whole_registry=True)
    ) == {("copy", "ali")}


ELVIN = {"given_name": "Elvin", "family_name": "Məmmədov", "patronymic": "Rövşən oğlu",
         "sex": "male", "origin_settlement": "AZ-KLB-007"}  # fmt: skip


def test_namesakes_with_two_full_birth_dates_that_differ_are_not_put_to_the_model():
    namesakes = [
        {"id": "a", "household": "A", **ELVIN, "birth_date": "1975-03-08"},
        {"id": "b", "household": "B", **ELVIN, "birth_date": "1975-06-21",
         "origin_settlement": "AZ-SUS-012"},
    ]  # fmt: skip
    assert find_duplicates(namesakes).candidates == 0
    known_by_year = [namesakes[0], {**namesakes[1], "birth_date": "1975"}]
    assert find_duplicates(known_by_year).candidates == 1


def test_what_a_copy_keeps_is_learnt_from_the_pairs_sharing_a_document_not_from_namesakes():
    # 300 people registered twice with their passport and their origin; 2,000 pairs of
    # namesakes born on one day in two settlements, which EM on the pairs born on one
    # day takes for copies that changed their origin.
    people = [
        {"given_name": f"Given{i % 37}", "family_name": f"Family{i % 41}",
         "birth_date": f"{1950 + i % 40}-{1 + i % 12:02}-{1 + i % 28:02}",
         "document_number": f"AZE{10_000_000 + i}", "origin_settlement": f"S{i % 90}"}
        for i in range(300)
    ]  # fmt: skip
    copies = [
        {"id": f"p{i}-{side}", "household": f"P{i}-{side}", **person}
        for i, person in enumerate(people)
        for side in "ab"
    ]
    namesakes = [
        {"id": f"n{j}-{side}", "household": f"N{j}-{side}", "given_name": f"Name{j % 13}",
         "family_name": f"Surname{j % 11}", "birth_date": f"{1930 + j % 20}-05-{1 + j % 28:02}",
         "origin_settlement": f"T{j % 7}-{side}"}
        for j in range(2000)
        for side in "ab"
    ]  # fmt: skip
    model = find_duplicates([*copies, *namesakes]).model.splink
    (settlement,) = (
        c for c in model["comparisons"] if c["output_column_name"] == "origin_settlement"
    )
    different = settlement["comparison_levels"][-1]
    # No copy sharing a document changed its origin: the level keeps its prior m (0.1),
    # where the namesakes would make it one copy in two.
    assert different["m_probability"] <= 0.1
