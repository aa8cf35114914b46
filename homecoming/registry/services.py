"""Writes to the registry: registration, verification, sensitive changes through a second
officer, withdrawal, intention and consent. Every write leaves a ``HouseholdEvent``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from homecoming.accounts.access import HOUSEHOLD_CHANGE, district_scope, require
from homecoming.accounts.audit import bulk_create_audited, bulk_update_audited
from homecoming.accounts.models import User
from homecoming.core.bulk import rows_insert
from homecoming.core.errors import ApplicationError
from homecoming.core.text import clean, fold, mixed_scripts
from homecoming.dedup.names import name_key, patronymic_key, surname_key
from homecoming.dedup.numbers import document_key, phone_key
from homecoming.places.models import Settlement
from homecoming.registry.models import (
    AccommodationKind,
    ChangeRequest,
    Consent,
    DuplicateCandidate,
    Household,
    HouseholdEvent,
    IdentityDocument,
    Member,
    MemberSearchKey,
    TemporaryAccommodation,
)

NAME_KEY_LENGTH = 320  # the length of the name key column that migration 0004 fills
SEARCH_KEY_LENGTH = 64  # MemberSearchKey.key's max_length
# A word of a name or a query: letters and digits, with apostrophes inside (O'Brien);
# hyphens and other punctuation separate words (Əli-Heydər is Əli and Heydər).
_WORD = re.compile(r"[^\W_]+(?:['’ʼ`´][^\W_]+)*")


def member_name_key(*, given_name: str, family_name: str, patronymic: str = "") -> str:
    """One string for a person's names: the folded names, then each word's spelling keys.

    The households import counts two rows with the same name key and birth date as one
    person, so that a member is not listed in two households.
    """
    names = [part for part in (given_name, family_name, patronymic) if part]
    keys = dict.fromkeys(key for name in names for key in _name_keys(name))
    return " ".join([fold(name) for name in names] + list(keys))[:NAME_KEY_LENGTH]


@lru_cache(maxsize=200_000)  # names repeat a great deal in a registry
def _name_keys(name: str) -> tuple[str, ...]:
    return tuple(key for word in name.split() for key in name_search_keys(word))


def name_search_keys(word: str) -> list[str]:
    """One word's spelling keys, marked with ``~``: ``["~mamadov", "~mamad"]``."""
    keys = dict.fromkeys((name_key(word), surname_key(word).key, patronymic_key(word).key))
    return [f"~{key}" for key in keys if key]


def word_search_keys(word: str) -> list[str]:
    """The keys of one word of a name: its spelling keys, or the word folded when it has
    none (a script the spelling keys do not know)."""
    return [key[:SEARCH_KEY_LENGTH] for key in name_search_keys(word) or [fold(word)]]


@lru_cache(maxsize=200_000)  # names repeat a great deal in a registry
def _name_search_keys(name: str) -> frozenset[str]:
    return frozenset(key for word in _WORD.findall(clean(name)) for key in word_search_keys(word))


def search_keys(
    *, names: Iterable[str] = (), numbers: Iterable[str] = (), phones: Iterable[str] = ()
) -> set[str]:
    """The keys under which search finds a member (``MemberSearchKey``).

    Each word of ``names`` gives its ``word_search_keys``; ``numbers`` (documents, the
    household reference) are kept in capitals without spaces or punctuation, and
    ``phones`` by their national digits, as record linkage compares them.
    """
    keys = set().union(*map(_name_search_keys, names))
    keys.update(document_key(number)[:SEARCH_KEY_LENGTH] for number in numbers)
    keys.update(phone_key(phone) for phone in phones)
    keys.discard("")
    return keys


def query_search_keys(q: str) -> list[list[str]]:
    """What a search asks for: one list of keys per term; a member matches a term when
    it has any of the term's keys, and the query when it matches every term.

    A query with a digit in it is one number, however it is spaced: a document, a
    phone ("+994 50 123 45 67" and "050 123 45 67" alike) or a household reference.
    Otherwise each word is a word of a name, in any spelling or script.
    """
    if any(ch.isdigit() for ch in q):
        keys = sorted({document_key(q)[:SEARCH_KEY_LENGTH], phone_key(q)} - {""})
        return [keys] if keys else []
    return [word_search_keys(word) for word in _WORD.findall(clean(q))]


def member_search_keys(member: Member, document_numbers: Iterable[str]) -> set[str]:
    """The search keys of ``member`` (its household loaded) with its documents' numbers:
    its names and phone, the numbers, and its household's reference and phone."""
    household = member.household
    return search_keys(
        names=(member.given_name, member.family_name, member.patronymic),
        numbers=(household.reference, *document_numbers),
        phones=(member.phone, household.phone),
    )


def member_search_keys_write(members: Iterable[tuple[Member, Iterable[str]]]) -> None:
    """Write the search keys of members that have none, each member given with its
    documents' numbers (and its household loaded)."""
    search_keys_insert(
        (member.pk, member.household_id, member_search_keys(member, numbers))
        for member, numbers in members
    )


def search_keys_insert(keys: Iterable[tuple[int, int, Iterable[str]]]) -> None:
    """Insert (member id, household id, keys) as ``MemberSearchKey`` rows.

    Plain rows (``homecoming.core.bulk.rows_insert``): an import of a million people
    writes some seven million keys, and a model instance for each would cost more than
    the insert.
    """
    meta = MemberSearchKey._meta
    rows_insert(
        meta.db_table,
        [meta.get_field(name).column for name in ("member", "household", "key")],
        ((member, household, key) for member, household, found in keys for key in found),
    )


def member_search_keys_refresh(*, households: Sequence[Household]) -> None:
    """Write again the search keys of every member of ``households``, after their names,
    documents, phones or members changed."""
    members = (
        Member.objects.filter(household__in=households)
        .select_related("household")
        .prefetch_related("documents")
    )
    with transaction.atomic():
        MemberSearchKey.objects.filter(member__household__in=households).delete()
        member_search_keys_write(
            (member, [d.number for d in member.documents.all()]) for member in members
        )


@dataclass(frozen=True)
class DocumentInput:
    type: str
    number: str
    issuer: str = ""
    expiry: dt.date | None = None


@dataclass(frozen=True)
class MemberInput:
    relation: str
    given_name: str
    family_name: str
    sex: str
    patronymic: str = ""
    birth_date: dt.date | None = None
    birth_year_only: bool = False
    phone: str = ""
    vulnerabilities: tuple[str, ...] = ()
    documents: tuple[DocumentInput, ...] = field(default_factory=tuple)

    def as_member(
        self,
        household: Household,
        joined_on: dt.date,
        joined_reason: str = Member.Joined.REGISTRATION,
    ) -> Member:
        return Member(
            household=household,
            relation=self.relation,
            given_name=self.given_name,
            family_name=self.family_name,
            patronymic=self.patronymic,
            sex=self.sex,
            birth_date=self.birth_date,
            birth_year_only=self.birth_year_only,
            phone=self.phone,
            vulnerabilities=list(self.vulnerabilities),
            joined_on=joined_on,
            joined_reason=joined_reason,
        )


def household_event(household: Household, by: User | None, action: str, **details) -> None:
    HouseholdEvent.objects.create(household=household, by=by, action=action, details=details)


def _require_in_scope(user: User, settlement: Settlement) -> None:
    scope = district_scope(user)
    if scope is not None and settlement.district_id not in scope:
        raise PermissionDenied(f"{settlement.name} is outside your districts.")


def _check_members(members: list[MemberInput]) -> None:
    heads = [m for m in members if m.relation == Member.Relation.HEAD]
    if len(heads) != 1:
        raise ApplicationError(f"A household needs exactly one head; {len(heads)} given.")
    numbers = [(d.type, d.number) for m in members for d in m.documents]
    if len(numbers) != len(set(numbers)):
        raise ApplicationError("The same document is given twice.")
    taken = IdentityDocument.objects.filter(number__in=[n for _t, n in numbers]).select_related(
        "member__household"
    )
    for document in taken:
        if (document.type, document.number) in numbers:
            raise ApplicationError(
                f"{document.get_type_display()} {document.number} is already registered, "
                f"in household {document.member.household.reference}."
            )
    for member in members:
        for name in (member.given_name, member.family_name, member.patronymic):
            if mixed_scripts(name):
                raise ApplicationError(f"{name!r} mixes Latin and Cyrillic letters in one word.")


def next_reference(settlement: Settlement) -> str:
    """``HH-<settlement code>-<n>``: readable, and unique per settlement."""
    prefix = f"HH-{settlement.code}-"
    taken = Household.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def household_register(
    *,
    by: User,
    origin_settlement: Settlement,
    members: list[MemberInput],
    origin_address: str = "",
    displaced_on: dt.date | None = None,
    accommodation: str = AccommodationKind.OTHER,
    accommodation_place: TemporaryAccommodation | None = None,
    phone: str = "",
    registered_on: dt.date | None = None,
    source: str = "form",
) -> Household:
    """Register a displaced household with its members and their documents."""
    require(by, HOUSEHOLD_CHANGE)
    _require_in_scope(by, origin_settlement)
    _check_members(members)
    registered_on = registered_on or timezone.localdate()
    for attempt in range(3):
        try:
            with transaction.atomic():
                household = Household.objects.create(
                    reference=next_reference(origin_settlement),
                    origin_settlement=origin_settlement,
                    origin_address=origin_address,
                    displaced_on=displaced_on,
                    accommodation=accommodation,
                    accommodation_place=accommodation_place,
                    phone=phone,
                    registered_on=registered_on,
                    source=source,
                )
                for spec in members:
                    member = spec.as_member(household, registered_on)
                    member.save()
                    bulk_create_audited(
                        IdentityDocument,
                        [
                            IdentityDocument(
                                member=member,
                                type=d.type,
                                number=d.number,
                                issuer=d.issuer,
                                expiry=d.expiry,
                            )
                            for d in spec.documents
                        ],
                    )
                member_search_keys_refresh(households=[household])
                household_event(household, by, "registered", source=source, members=len(members))
                return household
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def household_verify(*, household: Household, by: User) -> Household:
    """Documents seen: the household is verified."""
    require(by, HOUSEHOLD_CHANGE)
    if household.status != Household.Status.REGISTERED:
        raise ApplicationError(
            f"A {household.get_status_display().lower()} household cannot be verified."
        )
    household.status, household.verified_on = Household.Status.VERIFIED, timezone.localdate()
    with transaction.atomic():
        household.save(update_fields=["status", "verified_on"])
        household_event(household, by, "verified")
    return household


def household_withdraw(*, household: Household, by: User, reason: str) -> Household:
    require(by, HOUSEHOLD_CHANGE)
    if not reason.strip():
        raise ApplicationError("Give the reason for the withdrawal.")
    if household.status == Household.Status.WITHDRAWN:
        raise ApplicationError("The household is already withdrawn.")
    household.status, household.withdrawal_reason = Household.Status.WITHDRAWN, reason.strip()
    with transaction.atomic():
        household.save(update_fields=["status", "withdrawal_reason"])
        household_event(household, by, "withdrawn", reason=reason.strip())
    return household


def household_intention_record(
    *, household: Household, by: User, intention: str, reasons: str = "", on: dt.date | None = None
) -> Household:
    require(by, HOUSEHOLD_CHANGE)
    if intention not in Household.Intention.values:
        raise ApplicationError(f"Unknown intention {intention!r}.")
    household.intention, household.intention_reasons = intention, reasons.strip()
    household.intention_on = on or timezone.localdate()
    with transaction.atomic():
        household.save(update_fields=["intention", "intention_reasons", "intention_on"])
        household_event(household, by, "intention", intention=intention, reasons=reasons)
    return household


def consent_record(*, household: Household, by: User, given_on: dt.date, document: str) -> Consent:
    """Record the informed, voluntary consent to return (replacing an earlier one)."""
    require(by, HOUSEHOLD_CHANGE)
    if given_on > timezone.localdate():
        raise ApplicationError("Consent cannot be dated in the future.")
    if not document.strip():
        raise ApplicationError("Give the reference of the signed consent form.")
    with transaction.atomic():
        earlier = list(Consent.objects.filter(household=household, withdrawn_on=None))
        for old in earlier:
            old.withdrawn_on = given_on
        bulk_update_audited(Consent, earlier, ["withdrawn_on"])
        consent = Consent.objects.create(
            household=household, given_on=given_on, officer=by, document=document.strip()
        )
        household_event(
            household, by, "consent", given_on=given_on.isoformat(), document=document.strip()
        )
    return consent


def change_request_create(
    *, household: Household, by: User, part: str, proposed: dict, reason: str
) -> ChangeRequest:
    """Propose a change to the origin, membership or documents of a household."""
    require(by, HOUSEHOLD_CHANGE)
    if part not in ChangeRequest.Part.values:
        raise ApplicationError(f"Unknown part {part!r}.")
    if not reason.strip():
        raise ApplicationError("Give the reason for the change.")
    _apply(household, part, proposed, dry_run=True)
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            household=household,
            part=part,
            proposed=proposed,
            reason=reason.strip(),
            requested_by=by,
        )
        household_event(
            household, by, "change requested", part=part, proposed=proposed, reason=reason.strip()
        )
    return request


def change_request_decide(
    *, request: ChangeRequest, by: User, approve: bool, note: str = ""
) -> ChangeRequest:
    """A second officer approves (and the change is applied) or rejects a change request."""
    require(by, HOUSEHOLD_CHANGE)
    if request.status != ChangeRequest.Status.PENDING:
        raise ApplicationError("This change request has already been decided.")
    if request.requested_by_id == by.pk:
        raise ApplicationError(
            "A change must be approved by another officer than the one who asked for it."
        )
    with transaction.atomic():
        if approve:
            _apply(request.household, request.part, request.proposed, dry_run=False)
        request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
        request.decided_by, request.decided_at = by, timezone.now()
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        household_event(
            request.household,
            by,
            f"change {request.status}",
            part=request.part,
            proposed=request.proposed,
            note=note,
        )
    return request


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ApplicationError(f"{value!r} is not a date in the form YYYY-MM-DD.") from exc


def _apply(household: Household, part: str, proposed: dict, *, dry_run: bool) -> None:
    """Check (and unless ``dry_run``, make) the change a request proposes."""
    if part == ChangeRequest.Part.ORIGIN:
        try:
            settlement = Settlement.objects.get(code=proposed.get("origin_settlement"))
        except Settlement.DoesNotExist as exc:
            raise ApplicationError("Unknown origin settlement.") from exc
        displaced_on = _date(proposed.get("displaced_on"))
        if not dry_run:
            household.origin_settlement, household.displaced_on = settlement, displaced_on
            household.origin_address = proposed.get("origin_address", household.origin_address)
            household.save(update_fields=["origin_settlement", "displaced_on", "origin_address"])
    elif part == ChangeRequest.Part.MEMBERSHIP:
        members = {m.pk: m for m in household.members.all()}
        ending = [(members.get(e.get("member")), e) for e in proposed.get("end", [])]
        if any(m is None for m, _e in ending):
            raise ApplicationError("A member to remove is not in this household.")
        adding = [
            MemberInput(
                **{
                    k: v
                    for k, v in m.items()
                    if k in MemberInput.__annotations__ and k != "documents"
                }
                | {"birth_date": _date(m.get("birth_date"))}
            )
            for m in proposed.get("add", [])
        ]
        if not ending and not adding:
            raise ApplicationError("The request neither adds nor ends a membership.")
        if not dry_run:
            for member, change in ending:
                member.left_on = _date(change.get("left_on")) or timezone.localdate()
                member.left_reason = change.get("left_reason", Member.Left.OTHER)
                member.save(update_fields=["left_on", "left_reason"])
            for spec in adding:
                spec.as_member(
                    household,
                    timezone.localdate(),
                    proposed.get("joined_reason", Member.Joined.BIRTH),
                ).save()
            if household.members.filter(left_on=None, relation=Member.Relation.HEAD).count() != 1:
                raise ApplicationError("After the change the household must have one head.")
            member_search_keys_refresh(households=[household])
    elif part == ChangeRequest.Part.DOCUMENTS:
        members = {m.pk: m for m in household.members.all()}
        added = proposed.get("add", [])
        if any(d.get("member") not in members for d in added):
            raise ApplicationError("A document's member is not in this household.")
        for d in added:
            if IdentityDocument.objects.filter(type=d.get("type"), number=d.get("number")).exists():
                raise ApplicationError(f"Document {d.get('number')} is already registered.")
        if not dry_run:
            for d in added:
                IdentityDocument.objects.create(
                    member=members[d["member"]],
                    type=d["type"],
                    number=d["number"],
                    issuer=d.get("issuer", ""),
                    expiry=_date(d.get("expiry")),
                )
            IdentityDocument.objects.filter(
                member__household=household, pk__in=proposed.get("remove", [])
            ).delete()
            member_search_keys_refresh(households=[household])


@dataclass(frozen=True)
class HouseholdMatch:
    """A pair of households found alike, with the member pairs that make them so."""

    household_a: int
    household_b: int
    probability: float
    evidence: list[dict]


def duplicates_store(matches: list[HouseholdMatch]) -> tuple[int, int]:
    """Queue new candidate pairs for review; refresh open ones; never re-open a decided pair.

    Returns (queued, refreshed).
    """
    pairs = {
        tuple(sorted((m.household_a, m.household_b))): m
        for m in matches
        if m.household_a != m.household_b
    }
    known = {
        (c.household_a_id, c.household_b_id): c
        for c in DuplicateCandidate.objects.filter(household_a__in={a for a, _b in pairs})
    }
    withdrawn = set(
        Household.objects.filter(
            status=Household.Status.WITHDRAWN, pk__in={h for pair in pairs for h in pair}
        ).values_list("pk", flat=True)
    )
    fresh, refreshed = [], []
    for (a, b), match in pairs.items():
        if a in withdrawn or b in withdrawn:
            continue
        candidate = known.get((a, b))
        if candidate is None:
            fresh.append(
                DuplicateCandidate(
                    household_a_id=a,
                    household_b_id=b,
                    probability=match.probability,
                    evidence=match.evidence,
                )
            )
        elif candidate.status == DuplicateCandidate.Status.OPEN:
            candidate.probability, candidate.evidence = match.probability, match.evidence
            refreshed.append(candidate)
    with transaction.atomic():
        bulk_create_audited(DuplicateCandidate, fresh, batch_size=1000)
        bulk_update_audited(
            DuplicateCandidate, refreshed, ["probability", "evidence"], batch_size=1000
        )
    return len(fresh), len(refreshed)


def _snapshot(household: Household) -> dict:
    return {
        "reference": household.reference,
        "origin": household.origin_settlement.code,
        "members": [
            {
                "given_name": m.given_name,
                "family_name": m.family_name,
                "patronymic": m.patronymic,
                "birth_date": str(m.birth_date or ""),
                "documents": [d.number for d in m.documents.all()],
            }
            for m in household.members.all()
        ],
    }


def duplicate_resolve(
    *,
    candidate: DuplicateCandidate,
    by: User,
    duplicate: bool,
    keep: Household | None = None,
    note: str = "",
) -> DuplicateCandidate:
    """Judge a candidate pair. A duplicate is merged: the household not kept is withdrawn as a
    duplicate of the other, and both keep their original records and a snapshot in history."""
    require(by, HOUSEHOLD_CHANGE)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise ApplicationError("This pair has already been judged.")
    pair = (candidate.household_a, candidate.household_b)
    with transaction.atomic():
        if duplicate:
            if keep not in pair:
                raise ApplicationError("Choose which of the two households to keep.")
            drop = pair[1] if keep == pair[0] else pair[0]
            drop.status = Household.Status.WITHDRAWN
            drop.withdrawal_reason = f"duplicate of {keep.reference}"
            drop.save(update_fields=["status", "withdrawal_reason"])
            household_event(keep, by, "merged", duplicate=_snapshot(drop), note=note)
            household_event(drop, by, "withdrawn as duplicate", kept=keep.reference, note=note)
        candidate.status = (
            DuplicateCandidate.Status.DUPLICATE
            if duplicate
            else DuplicateCandidate.Status.NOT_DUPLICATE
        )
        candidate.decided_by, candidate.decided_at, candidate.note = by, timezone.now(), note
        candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return candidate
