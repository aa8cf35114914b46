"""Duplicate detection over the registry: members to record linkage, household pairs to review.

Members are linked by ``homecoming.dedup`` (Splink on DuckDB, cross-script name keys);
a household pair goes to the review queue when two or more of its members link at
``member_threshold`` or better (one member a household shares may be a grandmother
registered with two of her children), or when two one-person households link.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from homecoming.dedup.link import LinkageModel as Learnt
from homecoming.dedup.link import find_duplicates, household_pairs
from homecoming.registry.models import Household, IdentityDocument, LinkageModel, Member
from homecoming.registry.services import HouseholdMatch, duplicates_store

MEMBER_THRESHOLD = 0.5
CHUNK = 5000


def registered_members() -> QuerySet[Member]:
    """The members record linkage compares: current members of households not withdrawn."""
    return Member.objects.filter(left_on=None).exclude(household__status=Household.Status.WITHDRAWN)


# The fields a linkage record is read from, in the order ``linkage_records`` unpacks them.
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


def linkage_records(members: QuerySet[Member] | None = None) -> list[dict]:
    """``members`` (by default every registered one) as linkage records, in order of id.

    Read as plain values a few thousand rows at a time, never as model instances:
    at a million members the instances alone would take gigabytes.
    """
    numbers = IdentityDocument.objects.order_by("pk").values_list("member_id", "number")
    if members is None:
        members = registered_members()
    else:  # a few members: their documents only
        numbers = numbers.filter(member__in=members.values("pk"))
    documents: dict[int, str] = {}
    for member_id, number in numbers.iterator(chunk_size=CHUNK):
        documents.setdefault(member_id, number)
    rows = members.order_by("pk").values_list(*MEMBER_VALUES).iterator(chunk_size=CHUNK)
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


def member_records(
    members: QuerySet[Member] | None = None,
) -> tuple[list[dict], dict[str, Member]]:
    """``linkage_records(members)``, with the members themselves by id (for the few the
    check at the door compares)."""
    if members is None:
        members = registered_members()
    by_id = {str(m.pk): m for m in members.select_related("household__origin_settlement")}
    return linkage_records(members), by_id


def household_matches(*, member_threshold: float = MEMBER_THRESHOLD) -> list[HouseholdMatch]:
    """Pairs of households that look registered twice, with their member pairs as evidence.

    A pair's probability is ``homecoming.dedup``'s household score: the share of the
    smaller household's members linked, times their mean match probability.
    """
    records = linkage_records()
    # Random pairs for the u-probabilities: Splink advises millions; a hundred per member
    # between one and ten million keeps a district's registry fast and a nation's sound.
    u_sample_pairs = min(1e7, max(1e6, 100.0 * len(records)))
    result = find_duplicates(records, threshold=member_threshold, u_sample_pairs=u_sample_pairs)
    if result.model is not None:
        linkage_model_keep(result.model, records=len(records))
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


def linkage_model_keep(model: Learnt, *, records: int) -> None:
    """Keep what a run learnt, in place of what the run before learnt."""
    with transaction.atomic():
        LinkageModel.objects.all().delete()
        LinkageModel.objects.create(
            records=records,
            splink=model.splink,
            term_frequencies=model.term_frequencies,
            normalise_names=model.normalise_names,
            extra_fields=list(model.extra_fields),
            support_weight=model.support_weight,
        )


_learnt: dict[tuple[int, object], Learnt] = {}  # the kept model, read once per process


def linkage_model() -> Learnt | None:
    """What the last run learnt, or None when duplicate detection has never run (or had
    fewer than two members to learn from)."""
    kept = LinkageModel.objects.defer("splink", "term_frequencies").first()
    if kept is None:
        return None
    key = (kept.pk, kept.trained_at)
    if key not in _learnt:
        _learnt.clear()
        _learnt[key] = Learnt(
            kept.splink,
            kept.term_frequencies,
            kept.normalise_names,
            tuple(kept.extra_fields),
            kept.support_weight,
        )
    return _learnt[key]
