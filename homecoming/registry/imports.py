"""``homecoming import households``: one row per member, all households or none.

Written for a national registry: rows are checked in memory against each other and
against one query per table, then written with bulk inserts, so the cost grows with
the file, not with the database. A household already registered is refused — its
changes go through change requests, which a second officer approves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.utils import timezone

from homecoming.core.audit import records_insert_audited
from homecoming.core.bulk import ids_take, records_insert
from homecoming.core.tabular import (
    ImportReport,
    Progress,
    Row,
    RowError,
    RowReader,
    Table,
    iso_date,
    write_all_or_nothing,
)
from homecoming.places.lookup import PlaceLookup
from homecoming.registry.door import imported_households_review
from homecoming.registry.models import (
    AccommodationKind,
    Household,
    HouseholdEvent,
    IdentityDocument,
    Member,
    TemporaryAccommodation,
)
from homecoming.registry.search_keys import member_name_key, person_door_keys, search_keys
from homecoming.registry.services import search_keys_insert

HOUSEHOLD_COLUMNS = (
    "origin_settlement",
    "origin_address",
    "displaced_on",
    "accommodation",
    "accommodation_place",
    "intention",
    "registered_on",
)
REQUIRED = {
    "household",
    "relation",
    "given_name",
    "family_name",
    "sex",
    "birth_date",
    "origin_settlement",
}
# The choices, once: a TextChoices' ``values`` is built anew at every call.
RELATIONS = Member.Relation.values
SEXES = Member.Sex.values
VULNERABILITIES = Member.Vulnerability.values
DOCUMENT_TYPES = IdentityDocument.Type.values
ACCOMMODATIONS = AccommodationKind.values
INTENTIONS = Household.Intention.values
EARLIEST_BIRTH = dt.date(1900, 1, 1)
EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
# A reference is an identifier: it is typed, searched, printed on documents and put in links.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def person_date(
    reader: RowReader,
    column: str,
    *,
    today: dt.date,
    year_only_allowed: bool = False,
    required: bool = False,
) -> tuple[dt.date | None, bool]:
    """A date of a person's life, and whether only its year is known.

    Catches the usual spreadsheet slips: an Excel serial number (a date cell pasted as
    a number), impossible days, dates in the future or before 1900.
    """
    value = reader.raw(column).strip()
    if not value:
        if required:
            reader.error(column, "is required")
        return None, False
    if _SERIAL.match(value):
        guess = EXCEL_EPOCH + dt.timedelta(days=int(float(value)))
        reader.error(
            column,
            f"{value} looks like an Excel serial date ({guess} if so); give the date as YYYY-MM-DD",
        )
        return None, False
    if year_only_allowed and _YEAR.match(value):
        return dt.date(int(value), 1, 1), True
    day = iso_date(value)
    if day is None:
        reader.error(
            column,
            f"{value[:40]!r} is not a real date in the form YYYY-MM-DD"
            + (" (or a year)" if year_only_allowed else ""),
        )
        return None, False
    if day > today:
        reader.error(column, f"{value} is in the future")
    elif day < EARLIEST_BIRTH:
        reader.error(column, f"{value} is before 1900")
    else:
        return day, False
    return None, False


def member_read(reader: RowReader, today: dt.date) -> dict | None:
    """A member's cells, checked; None when one is wrong (the error is recorded)."""
    member = {
        "relation": reader.choice("relation", RELATIONS),
        "given_name": reader.text("given_name", required=True, max_length=100),
        "family_name": reader.text("family_name", required=True, max_length=100),
        "patronymic": reader.text("patronymic", max_length=100),
        "sex": reader.choice("sex", SEXES),
        "phone": reader.text("phone", max_length=32),
        "vulnerabilities": reader.codes("vulnerabilities", VULNERABILITIES),
    }
    birth, year_only = person_date(
        reader, "birth_date", today=today, year_only_allowed=True, required=True
    )
    member["birth_date"] = birth
    member["birth_year_only"] = year_only or reader.boolean("birth_year_only")
    document_type = reader.choice("document_type", DOCUMENT_TYPES, required=False)
    number = reader.text("document_number", max_length=40).upper().replace(" ", "")
    if number and not document_type:
        reader.error("document_type", "give the type of the document")
    member["document"] = (
        (
            document_type,
            number,
            reader.text("document_issuer"),
            reader.date("document_expiry", allow_future=True),
        )
        if number
        else None
    )
    return member if reader.ok else None


def households_import(
    *,
    table: Table,
    dry_run: bool = False,
    progress: Progress | None = None,
    districts: frozenset[int] | None = None,
) -> ImportReport:
    """Register the households of ``table``; see docs/data-formats.md for the columns.
    ``districts``: the only districts whose households the file may hold (the importing
    officer's scope); ``None`` for every district."""
    report = ImportReport.begin("households", table, dry_run=dry_run, required=REQUIRED)
    if report.columns_missing:
        return report
    places = PlaceLookup()
    today = timezone.localdate()
    accommodations = {a.code: a for a in TemporaryAccommodation.objects.all()}
    rows_of: dict[str, list[Row]] = defaultdict(list)
    for row in table.rows:
        rows_of[RowReader(row, report.errors).raw("household").strip()].append(row)
    registered = {
        reference
        for chunk in _chunks(list(rows_of))
        for reference in Household.objects.filter(reference__in=chunk).values_list(
            "reference", flat=True
        )
    }
    # A document number is one person's whatever its type: the same number given as an
    # identity card and as a passport is one number twice.
    documents_seen: dict[str, tuple[int, str]] = {}
    people_seen: dict[tuple[str, dt.date], tuple[int, str]] = {}
    households, members = [], []
    for done, (reference, rows) in enumerate(rows_of.items(), start=1):
        first = RowReader(rows[0], report.errors)
        if not reference:
            for row in rows:
                RowReader(row, report.errors).error("household", "is required")
            continue
        if len(reference) > 64:
            first.error("household", f"{reference[:20]}… is longer than 64 characters")
            continue
        if not _REFERENCE.fullmatch(reference):
            first.error(
                "household",
                f"{reference[:30]!r} is not a household reference: use the letters A-Z, "
                "digits and - _ . /",
            )
            continue
        if reference in registered:
            first.error(
                "household",
                f"{reference} is already registered; changes go through change requests",
            )
            continue
        household = household_read(first, places, accommodations, today, districts)
        for row in rows[1:]:
            reader = RowReader(row, report.errors)
            for column in HOUSEHOLD_COLUMNS:
                value = reader.raw(column).strip()
                if value and value != first.raw(column).strip():
                    reader.error(
                        column, f"differs from row {rows[0].number} of household {reference}"
                    )
        parsed = []
        for row in rows:
            reader = RowReader(row, report.errors)
            member = member_read(reader, today)
            if member is None:
                continue
            if member["document"]:
                number = member["document"][1]
                if number in documents_seen:
                    other_row, other = documents_seen[number]
                    reader.error(
                        "document_number",
                        f"{number} is also given on row {other_row}"
                        + (f" (household {other})" if other != reference else ""),
                    )
                documents_seen[number] = (row.number, reference)
            person = (
                member_name_key(
                    given_name=member["given_name"],
                    family_name=member["family_name"],
                    patronymic=member["patronymic"],
                ),
                member["birth_date"],
            )
            if person in people_seen and people_seen[person][1] != reference:
                other_row, other = people_seen[person]
                reader.error(
                    "given_name",
                    f"the same person (names and birth date) is in "
                    f"household {other} on row {other_row}; a member "
                    "belongs to one household",
                )
            people_seen[person] = (row.number, reference)
            parsed.append(member)
        heads = [m for m in parsed if m["relation"] == Member.Relation.HEAD]
        if len(parsed) == len(rows) and len(heads) != 1:
            first.error("relation", f"household {reference} has {len(heads)} heads; it needs one")
        if household is not None and first.ok:
            households.append((reference, household))
            members.append(parsed)
        if progress:
            progress(done, len(rows_of))
    taken = [
        document
        for chunk in _chunks(list(documents_seen))
        for document in IdentityDocument.objects.filter(number__in=chunk).select_related(
            "member__household"
        )
    ]
    for document in taken:
        if document.number in documents_seen:
            row_number, _reference = documents_seen[document.number]
            report.errors.append(
                RowError(
                    row_number,
                    "document_number",
                    f"{document.number} is already registered, in household "
                    f"{document.member.household.reference}",
                )
            )
    report.errors.sort(key=lambda e: e.row)

    return write_all_or_nothing(report, lambda: _write(households, members, table.name))


def household_read(
    reader: RowReader,
    places: PlaceLookup,
    accommodations: dict,
    today: dt.date,
    districts: frozenset[int] | None = None,
) -> dict | None:
    """A household's cells, checked; None when one is wrong (the error is recorded)."""
    settlement = places.settlement(reader, "origin_settlement", required=True)
    if settlement and districts is not None and settlement.district_id not in districts:
        reader.error("origin_settlement", f"{settlement.code} is outside the districts you work in")
    displaced_on, _ = person_date(reader, "displaced_on", today=today)
    kind = reader.choice("accommodation", ACCOMMODATIONS, required=False)
    place_code = reader.text("accommodation_place", max_length=40)
    place = accommodations.get(place_code)
    if place_code and place is None:
        reader.error("accommodation_place", f"no temporary accommodation {place_code!r}")
    intention = reader.choice("intention", INTENTIONS, required=False)
    registered_on = reader.date("registered_on") or today
    # The first step of the road home (returns/road.py): not in the future, not before the
    # displacement.
    if registered_on > today:
        reader.error("registered_on", f"{registered_on} is in the future")
    elif displaced_on and registered_on < displaced_on:
        reader.error("registered_on", f"{registered_on} is before the displacement, {displaced_on}")
    if not reader.ok:
        return None
    return {
        "origin_settlement_id": settlement.pk,
        "origin_address": reader.text("origin_address", max_length=300),
        "displaced_on": displaced_on,
        "accommodation": kind or (place.kind if place else AccommodationKind.OTHER),
        "accommodation_place_id": place.pk if place else None,
        "intention": intention or Household.Intention.UNKNOWN,
        "registered_on": registered_on,
        "source": reader.text("source", max_length=100),
    }


def _write(
    households: list[tuple[str, dict]], members: list[list[dict]], file: str
) -> tuple[int, int]:
    """Insert the checked households with their members, documents, search keys and
    registration events, and the audit trail's rows: plain rows, no model instances
    (``homecoming.core.bulk``), so that a national file writes at the database's pace."""
    source = f"import {file}"
    household_records, member_records, document_records, keys, events = [], [], [], [], []
    household_ids = ids_take(Household, len(households))
    member_ids = iter(ids_take(Member, sum(map(len, members))))
    for (reference, household), household_id, parsed in zip(
        households, household_ids, members, strict=True
    ):
        household_records.append(
            household
            | {
                "id": household_id,
                "reference": reference,
                "source": household["source"] or source,
                "size": len(parsed),  # every member of a new household is current
            }
        )
        events.append(
            {"household_id": household_id, "action": "registered", "details": {"source": source}}
        )
        for spec in parsed:
            member_id = next(member_ids)
            document = spec["document"]
            member_records.append(
                {
                    "id": member_id,
                    "household_id": household_id,
                    "relation": spec["relation"],
                    "given_name": spec["given_name"],
                    "family_name": spec["family_name"],
                    "patronymic": spec["patronymic"],
                    "sex": spec["sex"],
                    "birth_date": spec["birth_date"],
                    "birth_year_only": spec["birth_year_only"],
                    "phone": spec["phone"],
                    "vulnerabilities": spec["vulnerabilities"],
                    "joined_on": household["registered_on"],
                }
            )
            if document:
                document_records.append(
                    {
                        "member_id": member_id,
                        "type": document[0],
                        "number": document[1],
                        "issuer": document[2],
                        "expiry": document[3],
                    }
                )
            keys.append(
                (
                    member_id,
                    household_id,
                    search_keys(
                        names=(spec["given_name"], spec["family_name"], spec["patronymic"]),
                        numbers=(reference, document[1]) if document else (reference,),
                        phones=(spec["phone"],),
                    )
                    | person_door_keys(
                        given_name=spec["given_name"],
                        family_name=spec["family_name"],
                        patronymic=spec["patronymic"],
                        birth_date=spec["birth_date"],
                        birth_year_only=spec["birth_year_only"],
                    ),
                )
            )
    records_insert_audited(Household, household_records)
    records_insert_audited(Member, member_records)
    for document, document_id in zip(
        document_records, ids_take(IdentityDocument, len(document_records)), strict=True
    ):
        document["id"] = document_id
    records_insert_audited(IdentityDocument, document_records)
    search_keys_insert(keys)
    records_insert(HouseholdEvent, events)
    # Checked at the door, the whole file at once: near-matches go to the review queue.
    imported_households_review(references=[reference for reference, _ in households])
    return len(household_records), 0


def _chunks(values: list[str], size: int = 10_000) -> list[list[str]]:
    """``values`` in slices a query's IN list can hold (SQLite allows 250,000 parameters at
    most; a national file has more documents)."""
    return [values[start : start + size] for start in range(0, len(values), size)]
