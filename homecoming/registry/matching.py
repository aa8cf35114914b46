"""Duplicate detection over the registry: members to record linkage, household pairs to review.

Members are linked by ``homecoming.dedup`` (Splink on DuckDB, cross-script name keys);
a household pair goes to the review queue when two or more of its members link at
``member_threshold`` or better (one member a household shares may be a grandmother
registered with two of her children), or when two one-person households link.
"""

from __future__ import annotations

from homecoming.dedup.link import find_duplicates, household_pairs
from homecoming.registry.models import Household, IdentityDocument, Member
from homecoming.registry.services import HouseholdMatch, duplicates_store

MEMBER_THRESHOLD = 0.5
CHUNK = 5000


# The fields a linkage record is read from, in the order of ``member_record``.
MEMBER_VALUES = (
    "pk",
    "household_id",
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_year_only",
    "phone",
    "household__origin_settlement__code",
)


def member_records() -> list[dict]:
    """The current members of every household not withdrawn, as linkage records.

    Read as plain values a few thousand rows at a time, never as model instances:
    at a million members the instances alone would take gigabytes.
    """
    documents: dict[int, str] = {}
    for member_id, number in IdentityDocument.objects.values_list("member_id", "number").iterator(
        chunk_size=CHUNK
    ):
        documents.setdefault(member_id, number)
    rows = (
        Member.objects.filter(left_on=None)
        .exclude(household__status=Household.Status.WITHDRAWN)
        .order_by("pk")
        .values_list(*MEMBER_VALUES)
        .iterator(chunk_size=CHUNK)
    )
    return [
        {
            "id": str(pk),
            "household": str(household),
            "given_name": given,
            "family_name": family,
            "patronymic": patronymic,
            "sex": sex,
            "birth_date": born.isoformat() if born else "",
            "birth_year_only": year_only,
            "document_number": documents.get(pk, ""),
            "phone": phone,
            "origin_settlement": settlement,
        }
        for pk, household, given, family, patronymic, sex, born, year_only, phone, settlement in (
            rows
        )
    ]


def household_matches(*, member_threshold: float = MEMBER_THRESHOLD) -> list[HouseholdMatch]:
    """Pairs of households that look registered twice, with their member pairs as evidence.

    A pair's probability is ``homecoming.dedup``'s household score: the share of the
    smaller household's members linked, times their mean match probability.
    """
    records = member_records()
    # Random pairs for the u-probabilities: Splink advises millions; a hundred per member
    # between one and ten million keeps a district's registry fast and a nation's sound.
    u_sample_pairs = min(1e7, max(1e6, 100.0 * len(records)))
    result = find_duplicates(records, threshold=member_threshold, u_sample_pairs=u_sample_pairs)
    by_pair = {(p.id_l, p.id_r): p for p in result.pairs}
    found = household_pairs(result.pairs, records)
    del records
    linked = {member_id for pair in found for link in pair.member_pairs for member_id in link}
    by_id = {str(pk): member for pk, member in Member.objects.in_bulk(linked).items()}
    matches = []
    for pair in found:
        links = [by_pair[key] for key in pair.member_pairs]
        evidence = [
            {
                "a": str(by_id[link.id_l]),
                "b": str(by_id[link.id_r]),
                "probability": link.match_probability,
                "fields": link.evidence,
            }
            for link in links
        ]
        matches.append(
            HouseholdMatch(int(pair.household_l), int(pair.household_r), pair.score, evidence)
        )
    return matches


def duplicates_find(*, member_threshold: float = MEMBER_THRESHOLD) -> tuple[int, int, int]:
    """Find household pairs and queue them; returns (pairs found, queued, refreshed)."""
    matches = household_matches(member_threshold=member_threshold)
    queued, refreshed = duplicates_store(matches)
    return len(matches), queued, refreshed
