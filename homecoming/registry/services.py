"""Writes to the registry: registration, verification, sensitive changes through a second
officer, withdrawal, intention and consent. Every write leaves a ``HouseholdEvent``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from homecoming.accounts.access import HOUSEHOLD_CHANGE, district_scope, programme_scope, require
from homecoming.accounts.models import User
from homecoming.core.audit import bulk_create_audited, bulk_update_audited
from homecoming.core.bulk import rows_insert
from homecoming.core.errors import ApplicationError
from homecoming.core.formats import short_date
from homecoming.core.locking import locked
from homecoming.core.text import mixed_scripts
from homecoming.places.models import Area, Settlement
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme
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
from homecoming.registry.search_keys import person_door_keys, search_keys


def member_search_keys(member: Member, document_numbers: Iterable[str]) -> set[str]:
    """The search keys of ``member`` (its household and origin loaded) with its documents'
    numbers: its names and phone, the numbers, and its household's reference and phone;
    and its keys for the check at the door."""
    household = member.household
    return search_keys(
        names=(member.given_name, member.family_name, member.patronymic),
        numbers=(household.reference, *document_numbers),
        phones=(member.phone, household.phone),
    ) | person_door_keys(
        given_name=member.given_name,
        family_name=member.family_name,
        patronymic=member.patronymic,
        birth_date=member.birth_date,
        birth_year_only=member.birth_year_only,
        origin_settlement=household.origin_settlement.code,
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
    """Write again the search keys of every member of ``households``, and each household's
    size (its current members), after their names, documents, phones or members changed."""
    members = (
        Member.objects.filter(household__in=households)
        .select_related("household__origin_settlement")
        .prefetch_related("documents")
    )
    with transaction.atomic():
        MemberSearchKey.objects.filter(member__household__in=households).delete()
        member_search_keys_write(
            (member, [d.number for d in member.documents.all()]) for member in members
        )
        # The size is derived from the members and kept out of the history (models.py),
        # so a plain update writes it.
        current = (
            Member.objects.filter(household=OuterRef("pk"), left_on=None)
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Household.objects.filter(pk__in=[h.pk for h in households]).update(
            size=Coalesce(Subquery(current), 0)
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


def _in_scope(user: User, settlement: Settlement) -> bool:
    scope = district_scope(user)
    return scope is None or settlement.district_id in scope


def _require_in_scope(user: User, settlement: Settlement) -> None:
    if not _in_scope(user, settlement):
        raise PermissionDenied(f"{settlement.name} is outside your districts.")


def _require_programme(user: User, programme: Programme) -> None:
    scope = programme_scope(user)
    if scope is not None and programme.pk not in scope:
        raise PermissionDenied(f"{programme.code} is not one of your programmes.")


T = TypeVar("T")


def _saved_once(write: Callable[[], T], *, attempts: int = 3) -> T:
    """Run ``write`` in a transaction, and again when a constraint of the database refuses
    it: a request saved at the same moment came first, and ``write``'s checks, run again on
    what is there now, give the ordinary message. A refusal is never a 500."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError as exc:
            if attempt == attempts - 1:
                raise ApplicationError(
                    _(
                        "This could not be saved: other changes were saved at the same "
                        "moment. Try again."
                    )
                ) from exc
    raise AssertionError("unreachable")


def _check_members(members: list[MemberInput]) -> None:
    heads = [m for m in members if m.relation == Member.Relation.HEAD]
    if len(heads) != 1:
        raise ApplicationError(f"A household needs exactly one head; {len(heads)} given.")
    numbers = [(d.type, d.number) for m in members for d in m.documents]
    if len(numbers) != len(set(numbers)):
        raise ApplicationError("The same document is given twice.")
    for member in members:
        for name in (member.given_name, member.family_name, member.patronymic):
            if mixed_scripts(name):
                raise ApplicationError(f"{name!r} mixes Latin and Cyrillic letters in one word.")


def next_reference(settlement: Settlement) -> str:
    """``HH-<settlement code>-<n>``: readable, and unique per settlement."""
    prefix = f"HH-{settlement.code}-"
    taken = Household.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def _documents_held(by: User, members: list[MemberInput]) -> dict[DocumentInput, IdentityDocument]:
    """The documents of ``members`` already registered, in households ``by`` may not open.

    A number registered in a household ``by`` may open is refused, naming that household.
    One registered elsewhere is not named (the record is not theirs to see): the caller
    routes it to a reviewer who sees both households.
    """
    given = {(d.type, d.number): d for m in members for d in m.documents}
    taken = IdentityDocument.objects.filter(
        number__in=[number for _type, number in given]
    ).select_related("member__household__origin_settlement")
    held = {}
    for document in taken:
        if (document.type, document.number) not in given:
            continue
        household = document.member.household
        if _in_scope(by, household.origin_settlement):
            raise ApplicationError(
                f"{document.get_type_display()} {document.number} is already registered, "
                f"in household {household.reference}."
            )
        held[given[document.type, document.number]] = document
    return held


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
    programme: Programme | None = None,
) -> Household:
    """Register a displaced household with its members and their documents, enrolled in
    ``programme`` (by default the default programme: ``programmes.selectors``).

    A document number already registered in a household outside the officer's districts
    is not stored twice, and that household is not named: the new household is registered
    without the document, and the two are queued as a possible duplicate (which holds
    both back from allocation) for a reviewer who sees both districts.
    """
    require(by, HOUSEHOLD_CHANGE)
    _require_in_scope(by, origin_settlement)
    programme = programme or default_programme()
    _require_programme(by, programme)
    _check_members(members)
    registered_on = registered_on or timezone.localdate()

    def register() -> Household:
        held = _documents_held(by, members)
        household = Household.objects.create(
            reference=next_reference(origin_settlement),
            programme=programme,
            origin_settlement=origin_settlement,
            origin_address=origin_address,
            displaced_on=displaced_on,
            accommodation=accommodation,
            accommodation_place=accommodation_place,
            phone=phone,
            registered_on=registered_on,
            source=source,
        )
        clashes = []
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
                    if d not in held
                ],
            )
            clashes += [(held[d], member) for d in spec.documents if d in held]
        member_search_keys_refresh(households=[household])
        household_event(household, by, "registered", source=source, members=len(members))
        _documents_held_elsewhere_review(household, by, clashes)
        return household

    return _saved_once(register)


DOCUMENT_HELD_ELSEWHERE = "document held elsewhere"  # the event on the household registered


def _documents_held_elsewhere_review(
    household: Household, by: User, clashes: list[tuple[IdentityDocument, Member]]
) -> None:
    """Queue ``household`` with each household holding one of its documents' numbers, for a
    reviewer who sees both; note on ``household`` which numbers were not stored."""
    pairs: dict[Household, list[dict]] = {}
    for document, member in clashes:
        household_event(
            household,
            by,
            DOCUMENT_HELD_ELSEWHERE,
            member=str(member),
            document=f"{document.get_type_display()} {document.number}",
        )
        pairs.setdefault(document.member.household, []).append(
            {
                "a": str(document.member),
                "b": str(member),
                "probability": 1.0,
                "fields": {document.type: "same number"},
            }
        )
    for other, evidence in pairs.items():
        # The other household was registered first: it has the smaller id, side a.
        DuplicateCandidate.objects.create(
            household_a=other, household_b=household, probability=1.0, evidence=evidence
        )


def household_verify(*, household: Household, by: User, on: dt.date | None = None) -> Household:
    """Documents seen ``on`` (default: today): the household is verified.

    The first step of the road home after registration (``returns/road.py`` keeps the same
    date rules): not in the future, not before the registration nor the displacement.
    Like every change of a status, it is checked and written on the household as it is
    now, under a lock: of two officers verifying at once, the second is told it is done.
    Returns the household as changed (the instance passed in is not).
    """
    require(by, HOUSEHOLD_CHANGE)
    on = on or timezone.localdate()
    with transaction.atomic():
        household = locked(household)
        if household.status != Household.Status.REGISTERED:
            raise ApplicationError(
                f"A {household.get_status_display().lower()} household cannot be verified."
            )
        step = {"step": _("The verification"), "date": short_date(on)}
        if on > timezone.localdate():
            raise ApplicationError(_("%(step)s cannot be dated in the future: %(date)s.") % step)
        for previous, before in (
            (_("the registration"), household.registered_on),
            (_("the displacement"), household.displaced_on),
        ):
            if before is not None and on < before:
                raise ApplicationError(
                    _("%(step)s cannot be dated %(date)s, before %(previous)s on %(before)s.")
                    % (step | {"previous": previous, "before": short_date(before)})
                )
        household.status, household.verified_on = Household.Status.VERIFIED, on
        household.save(update_fields=["status", "verified_on"])
        household_event(household, by, "verified")
    return household


def household_withdraw(*, household: Household, by: User, reason: str) -> Household:
    """Withdraw the registration, under a lock as :func:`household_verify`; returns the
    household as changed."""
    require(by, HOUSEHOLD_CHANGE)
    if not reason.strip():
        raise ApplicationError("Give the reason for the withdrawal.")
    with transaction.atomic():
        household = locked(household)
        if household.status == Household.Status.WITHDRAWN:
            raise ApplicationError("The household is already withdrawn.")
        household.status, household.withdrawal_reason = Household.Status.WITHDRAWN, reason.strip()
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
        # One consent in force: two recorded at once for one household wait for each other.
        household = locked(household)
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


# What an officer changes at once, with a line in the history: the household's phone and
# where it lives now, and a member's details. Origin, membership and documents are
# sensitive: they change through a ChangeRequest that a second officer decides.
HOUSEHOLD_EDITABLE = ("phone", "accommodation", "accommodation_place", "programme")
MEMBER_EDITABLE = (
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_year_only",
    "phone",
    "vulnerabilities",
)
ORIGIN_FIELDS = ("origin_settlement", "origin_address", "displaced_on")
DOCUMENT_FIELDS = ("type", "number", "issuer", "expiry")


def _raw(value: object) -> object:
    """A value as the history keeps it: dates in ISO form, records by their key."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Settlement | Programme):
        return value.code
    if isinstance(value, TemporaryAccommodation):
        return value.pk
    if isinstance(value, tuple):
        return list(value)
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _changes(instance, changes: Mapping[str, object], editable: Sequence[str]) -> dict:
    """``{field: [now, new]}`` (raw values) for each field of ``changes`` that differs."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ApplicationError(f"Not changed here: {', '.join(sorted(unknown))}.")
    return {
        name: [_raw(getattr(instance, name)), _raw(value)]
        for name, value in changes.items()
        if _raw(getattr(instance, name)) != _raw(value)
    }


NOTHING_CHANGED = "Nothing was changed: every field is as it is now."


def household_edit(*, household: Household, by: User, changes: Mapping[str, object]) -> Household:
    """Change the household's phone or accommodation (kind and place) at once.

    Only the fields that differ from the record are written, under a lock, and the history
    says what each was and became. Returns the household as changed.
    """
    require(by, HOUSEHOLD_CHANGE)
    kind = changes.get("accommodation", household.accommodation)
    place = changes.get("accommodation_place", household.accommodation_place)
    if kind not in AccommodationKind.values:
        raise ApplicationError(f"Unknown accommodation {kind!r}.")
    if place is not None and place.kind != kind:
        raise ApplicationError(
            _("%(place)s is a %(kind)s: choose that kind of accommodation, or another place.")
            % {"place": place.name, "kind": place.get_kind_display().lower()}
        )
    with transaction.atomic():
        household = locked(household)
        _require_in_scope(by, household.origin_settlement)
        changed = _changes(household, changes, HOUSEHOLD_EDITABLE)
        if not changed:
            raise ApplicationError(_(NOTHING_CHANGED))
        if "programme" in changed:
            _require_programme(by, changes["programme"])
        for name in changed:
            setattr(household, name, changes[name])
        household.full_clean(validate_unique=False, validate_constraints=False)
        household.save(update_fields=list(changed))
        if "phone" in changed:
            member_search_keys_refresh(households=[household])
        household_event(household, by, "edited", changes=changed)
    return household


def member_edit(*, member: Member, by: User, changes: Mapping[str, object]) -> Member:
    """Correct a member's details (names, sex, birth date, phone, vulnerabilities) at once,
    as :func:`household_edit`. Returns the member as changed."""
    require(by, HOUSEHOLD_CHANGE)
    for name in ("given_name", "family_name", "patronymic"):
        value = changes.get(name)
        if name != "patronymic" and name in changes and _blank(value):
            raise ApplicationError(f"The {name.replace('_', ' ')} cannot be empty.")
        if value and mixed_scripts(value):
            raise ApplicationError(f"{value!r} mixes Latin and Cyrillic letters in one word.")
    unknown = set(changes.get("vulnerabilities", ())) - set(Member.Vulnerability.values)
    if unknown:
        raise ApplicationError(f"Unknown vulnerability {sorted(unknown)[0]!r}.")
    birth_date = changes.get("birth_date")
    if birth_date and birth_date > timezone.localdate():
        raise ApplicationError("A date of birth cannot be in the future.")
    with transaction.atomic():
        member = locked(member)
        household = member.household
        _require_in_scope(by, household.origin_settlement)
        changed = _changes(member, changes, MEMBER_EDITABLE)
        if not changed:
            raise ApplicationError(_(NOTHING_CHANGED))
        name = str(member)
        for field_name in changed:
            value = changes[field_name]
            setattr(member, field_name, list(value) if field_name == "vulnerabilities" else value)
        member.full_clean(validate_unique=False, validate_constraints=False)
        member.save(update_fields=list(changed))
        member_search_keys_refresh(households=[household])
        household_event(household, by, "member edited", member=name, changes=changed)
    return member


NOTHING_PROPOSED = "This proposal changes nothing: every field is as it is now or left blank."


def change_request_create(
    *, household: Household, by: User, part: str, proposed: dict, reason: str
) -> ChangeRequest:
    """Propose a change to the origin, membership or documents of a household, or its
    reinstatement after a withdrawal.

    Only what changes is proposed: a field left out, left blank or as it is now is
    dropped, so that approving never erases nor rewrites a field nobody meant to change.
    Any origin may be proposed, in any district: nothing changes until another officer
    approves, and a move to another district waits for an officer of that district
    (:func:`change_request_decide`), in whose queue it appears.
    """
    require(by, HOUSEHOLD_CHANGE)
    if part not in ChangeRequest.Part.values:
        raise ApplicationError(f"Unknown part {part!r}.")
    if not reason.strip():
        raise ApplicationError("Give the reason for the change.")
    proposed = _PROPOSALS[part](household, proposed)
    if not any(proposed.values()):
        raise ApplicationError(_(NOTHING_PROPOSED))
    _apply(household, part, proposed, dry_run=True)
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            household=household,
            part=part,
            proposed=proposed,
            proposed_district=(
                _proposed_origin(proposed).district if "origin_settlement" in proposed else None
            ),
            reason=reason.strip(),
            requested_by=by,
        )
        household_event(
            household,
            by,
            "change requested",
            part=part,
            proposed=proposed,
            current=change_request_current(household, part, proposed),
            reason=reason.strip(),
        )
    return request


def change_request_decide(
    *, request: ChangeRequest, by: User, approve: bool, note: str = ""
) -> ChangeRequest:
    """A second officer approves (and the change is applied) or rejects a change request.

    A change of origin that moves the household to another district is decided by an
    officer of that district (the receiving district), never by the sending district
    alone nor by an administrator who does not work for it. The request and its household
    are checked and changed as they are now, under a lock: of two officers deciding at
    once, the second is told it was decided. Returns the request as changed (the
    instance passed in is not).
    """
    require(by, HOUSEHOLD_CHANGE)

    def decide() -> ChangeRequest:
        decided = locked(request)
        if decided.status != ChangeRequest.Status.PENDING:
            raise ApplicationError(_("This change request has already been decided."))
        if decided.requested_by_id == by.pk:
            raise ApplicationError(
                "A change must be approved by another officer than the one who asked for it."
            )
        household = locked(decided.household)
        _require_decider(decided, household, by)
        current = change_request_current(household, decided.part, decided.proposed)
        if approve:
            _apply(household, decided.part, decided.proposed, dry_run=False)
        decided.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
        decided.decided_by, decided.decided_at = by, timezone.now()
        decided.decision_note = note
        decided.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        household_event(
            household,
            by,
            f"change {decided.status}",
            part=decided.part,
            proposed=decided.proposed,
            current=current,
            note=note,
        )
        return decided

    return _saved_once(decide)


def change_request_moves(request: ChangeRequest, household: Household) -> Area | None:
    """The district ``request`` would move ``household`` to, or None if it stays in its own."""
    district = request.proposed_district
    if district is None or district.pk == household.origin_settlement.district_id:
        return None
    return district


def _require_decider(request: ChangeRequest, household: Household, by: User) -> None:
    """A move is decided by an officer of the receiving district (one of ``by``'s own
    districts, for an administrator too); any other change within ``by``'s districts."""
    receiving = change_request_moves(request, household)
    if receiving is None:
        _require_in_scope(by, household.origin_settlement)
    elif not by.districts.filter(pk=receiving.pk).exists():
        raise ApplicationError(
            _(
                "This change moves the household to %(district)s: an officer of "
                "%(district)s decides."
            )
            % {"district": receiving.display_name}
        )


def _date(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date) or not value:
        return value or None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApplicationError(f"{value!r} is not a date in the form YYYY-MM-DD.") from exc


def _proposed_origin(proposed: dict) -> Settlement:
    try:
        return Settlement.objects.select_related("district").get(
            code=proposed.get("origin_settlement")
        )
    except Settlement.DoesNotExist as exc:
        raise ApplicationError("Unknown origin settlement.") from exc


def _given(entry: Mapping, fields: Iterable[str]) -> dict:
    """The fields of ``entry`` that are given (not blank), as the history keeps them."""
    return {
        name: _raw(entry[name]).strip() if isinstance(entry[name], str) else _raw(entry[name])
        for name in fields
        if name in entry and not _blank(entry[name])
    }


def _unknown_keys(entry: Mapping, allowed: Iterable[str]) -> None:
    unknown = set(entry) - set(allowed)
    if unknown:
        raise ApplicationError(f"Unknown fields in the proposal: {', '.join(sorted(unknown))}.")


def _origin_now(household: Household) -> dict:
    return {name: _raw(getattr(household, name)) for name in ORIGIN_FIELDS}


def _origin_proposal(household: Household, proposed: Mapping) -> dict:
    _unknown_keys(proposed, ORIGIN_FIELDS)
    now = _origin_now(household)
    return {k: v for k, v in _given(proposed, ORIGIN_FIELDS).items() if v != now[k]}


ADDED_MEMBER_FIELDS = (
    *(name for name in MemberInput.__annotations__ if name != "documents"),
    "joined_on",
    "joined_reason",
)


def _membership_proposal(household: Household, proposed: Mapping) -> dict:
    _unknown_keys(proposed, ("add", "end"))
    return {
        "add": [_given(m, ADDED_MEMBER_FIELDS) for m in proposed.get("add", [])],
        "end": [_given(e, ("member", "left_on", "left_reason")) for e in proposed.get("end", [])],
    }


def _document_given(entry: Mapping, fields: Iterable[str]) -> dict:
    """As :func:`_given`, a document's number written as the registry keeps it."""
    given = _given(entry, fields)
    if "number" in given:
        given["number"] = given["number"].replace(" ", "").upper()
    return given


def _documents_proposal(household: Household, proposed: Mapping) -> dict:
    _unknown_keys(proposed, ("add", "change", "remove"))
    documents = {d.pk: d for d in IdentityDocument.objects.filter(member__household=household)}
    changes = []
    for entry in proposed.get("change", []):
        _unknown_keys(entry, ("document", *DOCUMENT_FIELDS))
        document = documents.get(entry.get("document"))
        if document is None:
            raise ApplicationError("A document to change is not in this household.")
        given = _document_given(entry, DOCUMENT_FIELDS)
        changed = {k: v for k, v in given.items() if v != _raw(getattr(document, k))}
        if changed:
            changes.append({"document": document.pk, **changed})
    added = []
    for entry in proposed.get("add", []):
        _unknown_keys(entry, ("member", *DOCUMENT_FIELDS))
        added.append(_document_given(entry, ("member", *DOCUMENT_FIELDS)))
    return {"add": added, "change": changes, "remove": list(proposed.get("remove", []))}


def _reinstatement_proposal(household: Household, proposed: Mapping) -> dict:
    _unknown_keys(proposed, ())
    if household.status != Household.Status.WITHDRAWN:
        raise ApplicationError(_("Only a withdrawn household can be reinstated."))
    back = Household.Status.VERIFIED if household.verified_on else Household.Status.REGISTERED
    return {"status": back}


_PROPOSALS: dict[str, Callable[[Household, Mapping], dict]] = {
    ChangeRequest.Part.ORIGIN: _origin_proposal,
    ChangeRequest.Part.MEMBERSHIP: _membership_proposal,
    ChangeRequest.Part.DOCUMENTS: _documents_proposal,
    ChangeRequest.Part.REINSTATEMENT: _reinstatement_proposal,
}


def change_request_current(household: Household, part: str, proposed: dict) -> dict:
    """What the record holds now where ``proposed`` would change it, as the history keeps
    it: the origin fields proposed; the names of the members and the documents named."""
    if part == ChangeRequest.Part.ORIGIN:
        now = _origin_now(household)
        return {name: now[name] for name in proposed if name in now}
    if part == ChangeRequest.Part.REINSTATEMENT:
        return {"status": household.status}
    ids = {e.get("member") for e in proposed.get("end", [])}
    if part == ChangeRequest.Part.DOCUMENTS:
        ids |= {d.get("member") for d in proposed.get("add", [])}
    named = {*(d.get("document") for d in proposed.get("change", [])), *proposed.get("remove", [])}
    # Read through the household's members and their documents, which a page listing many
    # requests prefetches (``household__members__documents``).
    members = household.members.all()
    documents = [d for m in members for d in m.documents.all() if d.pk in named]
    return {
        "members": {str(m.pk): str(m) for m in members if m.pk in ids},
        "documents": {
            str(d.pk): {"member": str(d.member)} | {k: _raw(getattr(d, k)) for k in DOCUMENT_FIELDS}
            for d in documents
        },
    }


def _apply(household: Household, part: str, proposed: dict, *, dry_run: bool) -> None:
    """Check (and unless ``dry_run``, make) the change a request proposes, and only it."""
    {
        ChangeRequest.Part.ORIGIN: _apply_origin,
        ChangeRequest.Part.MEMBERSHIP: _apply_membership,
        ChangeRequest.Part.DOCUMENTS: _apply_documents,
        ChangeRequest.Part.REINSTATEMENT: _apply_reinstatement,
    }[part](household, proposed, dry_run=dry_run)


def _apply_origin(household: Household, proposed: dict, *, dry_run: bool) -> None:
    # A blank value never erases: requests stored before proposals held only what changes
    # may still carry one.
    given = _given(proposed, ORIGIN_FIELDS)
    values = {
        "origin_settlement": _proposed_origin(given) if "origin_settlement" in given else None,
        "displaced_on": _date(given.get("displaced_on")),
        "origin_address": given.get("origin_address"),
    }
    if values["displaced_on"] and values["displaced_on"] > timezone.localdate():
        raise ApplicationError("A date of displacement cannot be in the future.")
    if not dry_run:
        for name in given:
            setattr(household, name, values[name])
        household.save(update_fields=list(given))
        if "origin_settlement" in given:  # the door finds its members by their origin too
            member_search_keys_refresh(households=[household])


def _apply_membership(household: Household, proposed: dict, *, dry_run: bool) -> None:
    members = {m.pk: m for m in household.members.all()}
    ending = [(members.get(e.get("member")), e) for e in proposed.get("end", [])]
    if any(m is None for m, _e in ending):
        raise ApplicationError("A member to remove is not in this household.")
    if any(not m.current for m, _e in ending):
        raise ApplicationError(_("A member whose membership is to end has already left."))
    if any(e.get("left_reason", Member.Left.OTHER) not in Member.Left.values for _m, e in ending):
        raise ApplicationError("Unknown reason for leaving.")
    today = timezone.localdate()
    for member, change in ending:
        left_on = _date(change.get("left_on")) or today
        # A member since registration was one before it: only a later joining bounds leaving.
        joined = member.joined_on if member.joined_reason != Member.Joined.REGISTRATION else None
        _in_order(member, left_on, after=(member.birth_date, joined))
    adding = []
    for entry in proposed.get("add", []):
        reason = entry.get("joined_reason", Member.Joined.OTHER)
        if reason not in Member.Joined.values or reason == Member.Joined.REGISTRATION:
            raise ApplicationError("Unknown reason for joining.")
        spec = MemberInput(
            **{k: v for k, v in entry.items() if k in MemberInput.__annotations__}
            | {"birth_date": _date(entry.get("birth_date"))}
        )
        for name in (spec.given_name, spec.family_name, spec.patronymic):
            if mixed_scripts(name):
                raise ApplicationError(f"{name!r} mixes Latin and Cyrillic letters in one word.")
        joined_on = _date(entry.get("joined_on")) or today
        _in_order(spec, joined_on, after=(spec.birth_date,))
        adding.append((spec, joined_on, reason))
    if dry_run:
        return
    # Counted before anything is written: the database holds one current head per
    # household, and a second one would be refused there, not here.
    ended = {member.pk for member, _change in ending}
    heads = sum(
        1
        for m in members.values()
        if m.current and m.relation == Member.Relation.HEAD and m.pk not in ended
    ) + sum(1 for spec, _on, _why in adding if spec.relation == Member.Relation.HEAD)
    if heads != 1:
        raise ApplicationError("After the change the household must have one head.")
    for member, change in ending:
        member.left_on = _date(change.get("left_on")) or timezone.localdate()
        member.left_reason = change.get("left_reason", Member.Left.OTHER)
        member.save(update_fields=["left_on", "left_reason"])
    for spec, joined_on, reason in adding:
        member = spec.as_member(household, joined_on, reason)
        member.full_clean(exclude=["household"], validate_constraints=False)
        member.save()
    member_search_keys_refresh(households=[household])


def _in_order(
    person: Member | MemberInput, on: dt.date, *, after: Iterable[dt.date | None]
) -> None:
    """Refuse a date of joining or leaving in the future, or before the person's birth or the
    day they joined."""
    name = f"{person.given_name} {person.family_name}"
    if on > timezone.localdate():
        raise ApplicationError(
            _("The date given for %(name)s (%(on)s) is in the future.") % {"name": name, "on": on}
        )
    earlier = [d for d in after if d is not None and d > on]
    if earlier:
        raise ApplicationError(
            _("The date given for %(name)s (%(on)s) is before their birth or joining (%(then)s).")
            % {"name": name, "on": on, "then": max(earlier)}
        )


def _apply_documents(household: Household, proposed: dict, *, dry_run: bool) -> None:
    members = {m.pk: m for m in household.members.all()}
    documents = {d.pk: d for d in IdentityDocument.objects.filter(member__household=household)}
    added = proposed.get("add", [])
    if any(d.get("member") not in members for d in added):
        raise ApplicationError("A document's member is not in this household.")
    if any(d.get("type") not in IdentityDocument.Type.values or not d.get("number") for d in added):
        raise ApplicationError("A new document needs its type and number.")
    changed = proposed.get("change", [])
    removed = proposed.get("remove", [])
    if any(d.get("document") not in documents for d in changed) or any(
        pk not in documents for pk in removed
    ):
        raise ApplicationError("A document to change is not in this household.")
    numbers = [d["number"] for d in added] + [d["number"] for d in changed if "number" in d]
    for number in numbers:
        if IdentityDocument.objects.filter(number=number).exists():
            raise ApplicationError(f"Document {number} is already registered.")
    if dry_run:
        return
    for d in added:
        document = IdentityDocument(
            member=members[d["member"]],
            type=d["type"],
            number=d["number"],
            issuer=d.get("issuer", ""),
            expiry=_date(d.get("expiry")),
        )
        document.full_clean(validate_unique=False, validate_constraints=False)
        document.save()
    for change in changed:
        document = documents[change["document"]]
        fields = [name for name in DOCUMENT_FIELDS if name in change]
        for name in fields:
            setattr(document, name, _date(change[name]) if name == "expiry" else change[name])
        document.save(update_fields=fields)
    for pk in removed:
        documents[pk].delete()
    member_search_keys_refresh(households=[household])


def _apply_reinstatement(household: Household, proposed: dict, *, dry_run: bool) -> None:
    if household.status != Household.Status.WITHDRAWN:
        raise ApplicationError(_("Only a withdrawn household can be reinstated."))
    if not dry_run:
        household.status, household.withdrawal_reason = proposed["status"], ""
        household.save(update_fields=["status", "withdrawal_reason"])


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
    duplicate of the other, and both keep their original records and a snapshot in history.

    Returns the pair as judged (the instance passed in is not changed)."""
    require(by, HOUSEHOLD_CHANGE)
    if duplicate and keep is None:
        raise ApplicationError("Choose which of the two households to keep.")
    with transaction.atomic():
        # The pair, then its households in order of id (a < b): of two judgements at once
        # the second waits, sees the pair judged and is told so.
        candidate = locked(candidate)
        if candidate.status != DuplicateCandidate.Status.OPEN:
            raise ApplicationError(_("This pair has already been judged."))
        pair = (locked(candidate.household_a), locked(candidate.household_b))
        if duplicate:
            if keep.pk not in (pair[0].pk, pair[1].pk):
                raise ApplicationError("Choose which of the two households to keep.")
            keep, drop = pair if keep.pk == pair[0].pk else pair[::-1]
            if keep.status == Household.Status.WITHDRAWN:
                raise ApplicationError(
                    _("%(reference)s is withdrawn: it cannot be the household kept.")
                    % {"reference": keep.reference}
                )
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
