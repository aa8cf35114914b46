"""Duplicates caught at the door: new members compared with the registry before they are saved.

The batch (``matching``) compares every member with every other one the blocking rules
pair, with a model it learns from the whole registry. A registration, an import or a
field submission cannot wait for that, and needs only the pairs of its new members.
So the registered members that any blocking rule could pair with a new one are found
through indexes — people sharing a document or a phone (``MemberSearchKey``), people
born on a new member's birthday or with day and month swapped (``Member.birth_date``),
people who share the spelling keys of two of a new member's names (``MemberSearchKey``,
one key nested in another, as the search does) — with the other members of their
households, and those few are scored by ``homecoming.dedup.door.score_new_records``
with the model the batch last learnt: a pair gets the batch's verdict. A household
matches on the batch's rule too (``household_pairs``): two members linked, or two
one-person households.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from homecoming.accounts.access import district_scope, programme_scope
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.dedup.door import door_keys, score_new_records
from homecoming.dedup.link import find_duplicates, household_pairs
from homecoming.places.models import Settlement
from homecoming.registry import services
from homecoming.registry.matching import (
    MEMBER_THRESHOLD,
    linkage_model,
    linkage_model_keep,
    linkage_records,
    member_records,
    registered_members,
)
from homecoming.registry.models import (
    REGISTERED_DESPITE,
    DuplicateCandidate,
    Household,
    Member,
    MemberSearchKey,
)
from homecoming.registry.search_keys import search_keys
from homecoming.registry.services import MemberInput

NEW = "new"  # the household of the members being registered, in linkage records


@dataclass(frozen=True)
class MemberLink:
    """A new member (by position in the form) who is probably a registered one."""

    new: int
    registered: Member
    probability: float
    evidence: dict[str, str]


@dataclass(frozen=True)
class DoorMatch:
    """A registered household that the new one probably duplicates.

    ``visible`` is False when the officer may not open it (outside their districts):
    then nothing of it may be shown, only that it exists.
    """

    household: Household
    probability: float
    links: tuple[MemberLink, ...]
    visible: bool


def household_matches_at_registration(
    *,
    members: Sequence[MemberInput],
    origin_settlement: Settlement,
    by: User,
) -> list[DoorMatch]:
    """The registered households the new ``members`` probably duplicate, strongest first."""
    new = [_new_record(index, member, origin_settlement) for index, member in enumerate(members)]
    found = _matches(new, _candidates(new))
    scope = district_scope(by)
    programmes = programme_scope(by)
    return [
        DoorMatch(
            household,
            probability,
            tuple(
                MemberLink(int(new_id.removeprefix(f"{NEW}-")), registered, probability, evidence)
                for new_id, registered, probability, evidence in links
            ),
            visible=(scope is None or household.origin_settlement.district_id in scope)
            and (programmes is None or household.programme_id in programmes),
        )
        for household, probability, links in found.get(NEW, [])
    ]


def household_register_checked(
    *, by: User, members: list[MemberInput], origin_settlement: Settlement, reason: str, **details
) -> Household:
    """Register a household after the check at the door, in one transaction with it.

    The check runs again on what is saved: a household registered meanwhile is caught
    too. When a likely match the officer may see is there, ``reason`` (why the two are
    not the same family) is required. Each match goes to the review queue at once, the
    ones the officer may not see included, for a reviewer who sees both.
    """

    def register() -> Household:
        matches = household_matches_at_registration(
            members=members, origin_settlement=origin_settlement, by=by
        )
        if any(match.visible for match in matches) and not reason.strip():
            raise ApplicationError(_("Say why this is not the same family as the one registered."))
        household = services.household_register(
            by=by, members=members, origin_settlement=origin_settlement, **details
        )
        saved = list(household.members.order_by("pk"))
        for match in matches:
            evidence = [
                _evidence(link.registered, saved[link.new], link.probability, link.evidence)
                for link in match.links
            ]
            _queue(match.household.pk, household.pk, match.probability, evidence)
            services.household_event(
                household,
                by,
                REGISTERED_DESPITE,
                reason=reason.strip(),
                **({"likely_duplicate": match.household.reference} if match.visible else {}),
            )
        return household

    return services._saved_once(register)


def imported_households_review(*, references: Sequence[str]) -> int:
    """Queue, for review, the registered households that households just imported (by
    reference) probably duplicate; returns how many pairs were queued.

    Run in the import's transaction (a file's, or an accepted field submission's). The
    whole file is compared in one pass: its members read by the thousand, their keys
    looked up in the indexes together, every pair scored at once. Nothing is compared
    when the registry held nothing else, nor before duplicate detection has run once
    (learning its model inside an import would hold the import up for minutes at
    national scale; the batch compares the file when it runs).
    """
    imported = [
        pk
        for chunk in _chunks(references)
        for pk in Household.objects.filter(reference__in=chunk).values_list("pk", flat=True)
    ]
    if linkage_model() is None or Household.objects.count() <= len(imported):
        return 0
    records, by_id = _records(imported)
    queued = 0
    found = _matches(records, _candidates(records), leave_out=set(imported))
    for household_id, matches in found.items():
        for other, probability, links in matches:
            evidence = [
                _evidence(registered, by_id[new_id], link_probability, fields)
                for new_id, registered, link_probability, fields in links
            ]
            _queue(other.pk, int(household_id), probability, evidence)
            queued += 1
    return queued


_AT_ONCE = 10_000  # ids or keys in one IN list (SQLite allows 250,000 parameters)


def _matches(
    new: list[dict], candidates: set[int], *, leave_out: set[int] = frozenset()
) -> dict[str, list[tuple[Household, float, list[tuple[str, Member, float, dict]]]]]:
    """For each new household (as the ``new`` records name it), the registered households
    other than ``leave_out`` it probably duplicates, each with its score and linked
    members, strongest first. ``candidates``: member ids, from ``_candidates``.

    Only the candidates are scored, not their whole households: every pair a blocking
    rule makes with a new member has a candidate on its registered side, so the pairs
    between a new and a registered household, which a pair's household context is read
    from, are all among them (``dedup.door.score_new_records``), but those of household
    blocking: the households that share a likely pair with the new one are read whole
    for them. The whole households are read for the households that linked, whose
    sizes decide a household match.
    """
    records = [
        record
        for chunk in _chunks(candidates)
        for record in linkage_records(registered_members().filter(pk__in=chunk))
        if int(record["household"]) not in leave_out
    ]
    if not records:
        return {}
    model = linkage_model()
    if model is None:  # duplicate detection has never run: learn as it would, once
        everyone, _ = member_records()
        model = find_duplicates(everyone, threshold=MEMBER_THRESHOLD).model
        if model is None:
            return {}
        linkage_model_keep(model, records=len(everyone))
    pairs = score_new_records(
        model, new, records, threshold=MEMBER_THRESHOLD, households=_households_records
    )
    household_of = {record["id"]: int(record["household"]) for record in records}
    records, by_id = _records({household_of[pair.id_r] for pair in pairs})
    by_pair = {(pair.id_l, pair.id_r): pair for pair in pairs}
    found: dict[str, list] = {}
    for pair in household_pairs(pairs, [*new, *records]):
        # Only a new and a registered member are ever scored, so one side is new.
        links = []
        for left, right in pair.member_pairs:
            new_id, registered_id = (left, right) if (left, right) in by_pair else (right, left)
            link = by_pair[new_id, registered_id]
            links.append((new_id, by_id[registered_id], link.match_probability, link.evidence))
        registered = links[0][1].household
        mine = pair.household_r if pair.household_l == str(registered.pk) else pair.household_l
        found.setdefault(mine, []).append((registered, pair.score, links))
    return found


def _candidates(records: Iterable[dict]) -> set[int]:
    """The ids of the members (registered or not) that any blocking rule of the batch
    could pair with one of the linkage ``records``, each found through an index: a
    superset, which the rules themselves then narrow.

    The name rules through the records' door keys (``dedup.door.door_keys``, kept in
    ``MemberSearchKey``), the rules on a document or a phone through those keys, and
    the rule on the birth date and the settlement through ``Member.birth_date``.
    """
    keys: set[str] = set()
    born: set[tuple[dt.date, str]] = set()  # (birth date, origin settlement's code)
    for record in records:
        keys |= search_keys(numbers=[record["document_number"]], phones=[record["phone"]])
        keys |= door_keys(record, probe=True)
        if record["birth_date"] and not record["birth_year_only"]:
            born.add((dt.date.fromisoformat(record["birth_date"]), record["origin_settlement"]))
    by_key = MemberSearchKey.objects.values_list("member", flat=True)
    by_birth = Member.objects.order_by().values_list(
        "pk", "birth_date", "household__origin_settlement__code"
    )
    return {
        *(pk for chunk in _chunks(keys) for pk in by_key.filter(key__in=chunk)),
        *(
            pk
            for chunk in _chunks({day for day, _ in born})
            for pk, day, origin in by_birth.filter(birth_date__in=chunk)
            if (day, origin) in born
        ),
    }


def _households_records(households: set[str]) -> list[dict]:
    """The linkage records of the current members of ``households`` (ids as text)."""
    return [
        record
        for chunk in _chunks({int(household) for household in households})
        for record in linkage_records(registered_members().filter(household__in=chunk))
    ]


def _records(households: Iterable[int]) -> tuple[list[dict], dict[str, Member]]:
    """The linkage records of the current members of ``households``, by the thousand."""
    records, by_id = [], {}
    for chunk in _chunks(households):
        more, more_by_id = member_records(registered_members().filter(household__in=chunk))
        records += more
        by_id |= more_by_id
    return records, by_id


def _chunks(values: Iterable) -> list[list]:
    """``values``, sorted, in lists an IN clause can hold."""
    ordered = sorted(values)
    return [ordered[start : start + _AT_ONCE] for start in range(0, len(ordered), _AT_ONCE)]


def _new_record(index: int, member: MemberInput, origin: Settlement) -> dict:
    return {
        "id": f"{NEW}-{index}",
        "household": NEW,
        "given_name": member.given_name,
        "family_name": member.family_name,
        "patronymic": member.patronymic,
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "birth_year_only": member.birth_year_only,
        "document_number": member.documents[0].number if member.documents else "",
        "phone": member.phone,
        "origin_settlement": origin.code,
    }


def _evidence(registered: Member, new: Member, probability: float, fields: dict) -> dict:
    return {"a": str(registered), "b": str(new), "probability": probability, "fields": fields}


def _queue(registered: int, new: int, probability: float, evidence: list) -> None:
    """Queue the pair of households (their keys) for review; the registered household came
    first, so it is side a."""
    DuplicateCandidate.objects.get_or_create(
        household_a_id=min(registered, new),
        household_b_id=max(registered, new),
        defaults={"probability": probability, "evidence": evidence},
    )
