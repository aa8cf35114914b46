"""``homecoming import households``: one row per member, all households or none.

Written for a national registry: rows are checked in memory against each other and
against one query per table, then written with bulk inserts, so the cost grows with
the file, not with the database. A household already registered is refused — its
changes go through change requests, which a second officer approves.
"""

from __future__ import annotations

import datetime as dt
import pickle  # noqa: S403 (only the files this module writes, read by _KeptUnpickler)
import re
import tempfile
from array import array
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.utils import timezone

from homecoming.accounts.models import User
from homecoming.core.audit import records_insert_audited
from homecoming.core.bulk import ids_take, index_deferred, records_insert
from homecoming.core.tabular import (
    ImportReport,
    Progress,
    Row,
    RowError,
    RowReader,
    Table,
    iso_date,
    rows_expected,
    write_all_or_nothing,
)
from homecoming.places.lookup import PlaceLookup
from homecoming.places.models import Settlement
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme
from homecoming.registry.door import imported_households_review
from homecoming.registry.models import (
    AccommodationKind,
    Household,
    HouseholdEvent,
    IdentityDocument,
    Member,
    MemberSearchKey,
    TemporaryAccommodation,
)
from homecoming.registry.search_keys import member_name_key, person_door_keys, search_keys
from homecoming.registry.services import search_keys_insert

HOUSEHOLD_COLUMNS = (
    "programme",
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


# Rows checked together: one query finds which of their households are registered already.
CHUNK = 5_000
# Members written together, with their households, documents and search keys; the check
# keeps them in batches of this size.
WRITE_BATCH = 5_000


class _Household:
    """What the check keeps of a household while the rest of the file is read: enough for
    the rules across rows (its columns agree, it has one head), never its members."""

    __slots__ = ("heads", "index", "joined", "members", "number", "rows", "skip", "values")

    def __init__(self, index: int, number: int) -> None:
        self.index = index  # in the order of the file
        self.number = number  # its first row's number
        self.values: tuple[str, ...] = ()  # its household columns, as the first row gives them
        self.rows = self.members = self.heads = 0
        self.skip = False  # its reference is refused: its rows are not read
        self.joined: dt.date | None = None  # its day of registration: its members join then


def households_import(
    *,
    table: Table,
    dry_run: bool = False,
    progress: Progress | None = None,
    districts: frozenset[int] | None = None,
    programmes: frozenset[int] | None = None,
    by: User | None = None,
) -> ImportReport:
    """Register the households of ``table``; see docs/data-formats.md for the columns.
    ``districts``: the only districts whose households the file may hold (the importing
    officer's scope); ``None`` for every district; ``programmes`` likewise, the programmes
    the households may be enrolled in. ``by``: the officer who registers them,
    named in each household's "registered" event (``None`` for a file imported on the
    command line without ``--by``).

    The file is read once (:func:`households_check`), what it holds kept in a scratch file,
    then written from there (:func:`households_write`): the memory an import takes does
    not grow with the file."""
    with tempfile.TemporaryDirectory(prefix="homecoming-households-") as scratch:
        kept = Path(scratch) / "checked"
        scope = {"districts": districts, "programmes": programmes}
        report = households_check(table=table, keep=kept, progress=progress, **scope)
        if not report.ok:
            report.dry_run, report.created = dry_run, 0
            return report
        return households_write(kept=kept, dry_run=dry_run, progress=progress, by=by, **scope)


def households_check(
    *,
    table: Table,
    keep: Path,
    progress: Progress | None = None,
    districts: frozenset[int] | None = None,
    programmes: frozenset[int] | None = None,
) -> ImportReport:
    """Check every row of ``table`` without writing (a dry run that writes nothing), and
    keep the checked households in the file ``keep`` for :func:`households_write`, which
    writes them once an officer confirms: a browser import reads the file once.

    The rows are read as they stream; what is kept in memory for the rules across rows is
    one entry per household, per person (names and birth date) and per document."""
    report = ImportReport.begin_streamed("households", table, dry_run=True, required=REQUIRED)
    keep.unlink(missing_ok=True)
    if report.columns_missing:
        return report
    places = PlaceLookup()
    enrolment = ProgrammeLookup(programmes)  # one lookup for the file, not one a row
    today = timezone.localdate()
    accommodations = {a.code: a for a in TemporaryAccommodation.objects.all()}
    households: dict[str, _Household] = {}
    references: list[str] = []  # by household index
    # A document number is one person's whatever its type: the same number given as an
    # identity card and as a passport is one number twice. Each maps to where it was last
    # seen: its row and household (:func:`_place`).
    documents_seen: dict[str, int] = {}
    people_seen: dict[str, int] = {}
    expected = rows_expected(table) if progress else 0
    done = 0
    with _Keeper(keep) as keeper:
        for chunk in _batched(report.read(table), CHUNK):
            registered = _registered({_reference(row) for row in chunk} - households.keys())
            for row in chunk:
                reader = RowReader(row, report.errors)
                reference = _reference(row)
                household = households.get(reference)
                if household is None:
                    household = households[reference] = _Household(len(references), row.number)
                    references.append(reference)
                    values = _household_first_row(
                        reader,
                        reference,
                        registered,
                        places,
                        accommodations,
                        today,
                        districts,
                        enrolment,
                    )
                    if values is None:
                        household.skip = True
                    else:
                        household.values = _household_columns(reader)
                        if not report.errors:
                            keeper.household(household.index, reference, row.number, values)
                            household.joined = values["registered_on"]
                elif household.skip:
                    if not reference:
                        reader.error("household", "is required")
                    continue
                else:
                    _agrees(reader, household, reference)
                household.rows += 1
                member = member_read(reader, today)
                if member is None:
                    continue
                where = _place(row.number, household.index)
                if member["document"]:
                    number = member["document"][1]
                    if number in documents_seen:
                        other_row, other = _unplace(documents_seen[number], references)
                        reader.error(
                            "document_number",
                            f"{number} is also given on row {other_row}"
                            + (f" (household {other})" if other != reference else ""),
                        )
                    documents_seen[number] = where
                person = "\x1f".join(
                    (
                        member_name_key(
                            given_name=member["given_name"],
                            family_name=member["family_name"],
                            patronymic=member["patronymic"],
                        ),
                        str(member["birth_date"]),
                    )
                )
                seen = people_seen.get(person)
                if seen is not None and _index(seen) != household.index:
                    other_row, other = _unplace(seen, references)
                    reader.error(
                        "given_name",
                        f"the same person (names and birth date) is in "
                        f"household {other} on row {other_row}; a member "
                        "belongs to one household",
                    )
                people_seen[person] = where
                household.members += 1
                household.heads += member["relation"] == Member.Relation.HEAD
                if not report.errors:
                    keeper.member(household, reference, row.number, member)
            done += len(chunk)
            if progress:
                progress(done, max(expected, done))
        del people_seen
        for reference, household in households.items():
            complete = not household.skip and household.members == household.rows
            if complete and household.heads != 1:
                report.errors.append(
                    RowError(
                        household.number,
                        "relation",
                        f"household {reference} has {household.heads} heads; it needs one",
                    )
                )
        report.errors += [
            _document_registered(documents_seen[number] >> 32, number, other)
            for number, other in _documents_registered(list(documents_seen))
        ]
        report.errors.sort(key=lambda e: e.row)
        if report.ok:
            sizes = array("I", [0]) * len(references)
            for household in households.values():
                sizes[household.index] = household.members
            keeper.close(file=table.name, rows=report.rows, sizes=sizes.tobytes())
            report.created = len(references)
    if not report.ok:
        keep.unlink(missing_ok=True)
    if progress:
        progress(done, done)
    return report


def households_write(
    *,
    kept: Path,
    dry_run: bool = False,
    progress: Progress | None = None,
    districts: frozenset[int] | None = None,
    programmes: frozenset[int] | None = None,
    by: User | None = None,
) -> ImportReport:
    """Write the households that :func:`households_check` kept in ``kept``, in one
    transaction, a batch at a time. What may have changed in the database since the check
    is checked again as each batch is written — a household or a document registered
    meanwhile, and the ``districts`` of the officer who confirms — and any of these refuses
    the file whole: nothing is written."""
    summary, batches = _kept(kept)
    report = ImportReport(
        kind="households", file=summary["file"], rows=summary["rows"], dry_run=dry_run
    )
    sizes = array("I")
    sizes.frombytes(summary["sizes"])
    total, done = sum(sizes), 0

    def write() -> tuple[int, int]:
        nonlocal done
        household_ids = ids_take(Household, len(sizes))
        origins = array("I", [0]) * len(sizes)
        codes = dict(Settlement.objects.values_list("pk", "code"))
        written: list[str] = []
        # A file as large as the registry or larger (a first national load): the search
        # keys' index, some twenty keys a member, is built once at the end.
        national = total >= Member.objects.count()
        with index_deferred(MemberSearchKey, "member_search_key", when=national):
            for households, members in batches:
                report.errors += _rechecked(households, members, districts, programmes)
                if report.errors:  # go on checking, to name every row; nothing will be kept
                    continue
                _write(
                    households, members, household_ids, (sizes, origins, codes), summary["file"], by
                )
                written += (reference for _index, reference, _number, _household in households)
                done += len(members)
                if progress:
                    progress(done, total)
        if not report.errors:
            # Checked at the door, the whole file at once, in the import's transaction:
            # near-matches go to the review queue.
            imported_households_review(references=written)
        report.errors.sort(key=lambda e: e.row)
        return len(sizes), 0

    return write_all_or_nothing(report, write)


def _reference(row: Row) -> str:
    return row.values.get("household", "").strip() if "household" not in row.refused else ""


def _place(number: int, index: int) -> int:
    """A row's number and its household's index in one int: a national file has a million
    of them to remember."""
    return number << 32 | index


def _index(place: int) -> int:
    return place & 0xFFFFFFFF


def _unplace(place: int, references: list[str]) -> tuple[int, str]:
    """The row number and household reference of :func:`_place`."""
    return place >> 32, references[_index(place)]


def _household_first_row(
    reader: RowReader,
    reference: str,
    registered: set[str],
    places: PlaceLookup,
    accommodations: dict,
    today: dt.date,
    districts: frozenset[int] | None,
    enrolment: ProgrammeLookup,
) -> dict | None:
    """The household of its first row, checked, or None when its reference is refused
    (then none of its rows is read further) or one of its cells is wrong."""
    if not reference:
        reader.error("household", "is required")
        return None
    if len(reference) > 64:
        reader.error("household", f"{reference[:20]}… is longer than 64 characters")
        return None
    if not _REFERENCE.fullmatch(reference):
        reader.error(
            "household",
            f"{reference[:30]!r} is not a household reference: use the letters A-Z, "
            "digits and - _ . /",
        )
        return None
    if reference in registered:
        reader.error(
            "household", f"{reference} is already registered; changes go through change requests"
        )
        return None
    values = household_read(reader, places, accommodations, today, districts)
    programme = enrolment.programme(reader)
    if values is None or programme is None:
        return {}  # wrong cells: its members are still read
    return values | {"programme_id": programme}


def _household_columns(reader: RowReader) -> tuple[str, ...]:
    return tuple(reader.raw(column).strip() for column in HOUSEHOLD_COLUMNS)


def _agrees(reader: RowReader, household: _Household, reference: str) -> None:
    """Refuse each household column of a further row of ``household`` that differs from
    its first row's (an empty cell agrees)."""
    for column, first in zip(HOUSEHOLD_COLUMNS, household.values, strict=True):
        value = reader.raw(column).strip()
        if value and value != first:
            reader.error(column, f"differs from row {household.number} of household {reference}")


def _registered(references: set[str]) -> set[str]:
    """Which of ``references`` are households registered already."""
    wanted = [r for r in references if r and len(r) <= 64]
    return {
        reference
        for chunk in _chunks(wanted)
        for reference in Household.objects.filter(reference__in=chunk).values_list(
            "reference", flat=True
        )
    }


def _documents_registered(numbers: list[str]) -> Iterator[tuple[str, str]]:
    """Which document ``numbers`` are registered already, each with its household's
    reference."""
    for chunk in _chunks(numbers):
        yield from IdentityDocument.objects.filter(number__in=chunk).values_list(
            "number", "member__household__reference"
        )


def _document_registered(row: int, number: str, reference: str) -> RowError:
    return RowError(
        row, "document_number", f"{number} is already registered, in household {reference}"
    )


def _rechecked(
    households: list[tuple],
    members: list[tuple],
    districts: frozenset[int] | None,
    programmes: frozenset[int] | None = None,
) -> list[RowError]:
    """What the database now refuses of a batch the check passed: a household or a
    document registered since, a settlement outside the confirming officer's districts,
    a programme not theirs."""
    registered = _registered({reference for _index, reference, _number, _values in households})
    errors = [
        RowError(
            number,
            "household",
            f"{reference} is already registered; changes go through change requests",
        )
        for _index, reference, number, _values in households
        if reference in registered
    ]
    if districts is not None:
        outside = {
            pk: code
            for pk, code, district in Settlement.objects.filter(
                pk__in={values["origin_settlement_id"] for *_, values in households}
            ).values_list("pk", "code", "district_id")
            if district not in districts
        }
        errors += [
            RowError(
                number,
                "origin_settlement",
                f"{outside[values['origin_settlement_id']]} is outside the districts you work in",
            )
            for _index, _reference, number, values in households
            if values["origin_settlement_id"] in outside
        ]
    if programmes is not None:
        errors += [
            RowError(number, "programme", "is not a programme you work in")
            for _index, _reference, number, values in households
            if values["programme_id"] not in programmes
        ]
    rows = {item[-1]["document"][1]: item[2] for item in members if item[-1]["document"]}
    errors += [
        _document_registered(rows[number], number, other)
        for number, other in _documents_registered(list(rows))
    ]
    return errors


class _Keeper:
    """Writes the checked households to a file, a batch at a time, for :func:`_kept`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.households: list[tuple] = []
        self.members: list[tuple] = []

    def __enter__(self) -> _Keeper:
        self.handle = self.path.open("wb")
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def household(self, index: int, reference: str, number: int, values: dict) -> None:
        self.households.append((index, reference, number, values))

    def member(self, household: _Household, reference: str, number: int, member: dict) -> None:
        self.members.append((household.index, reference, number, household.joined, member))
        if len(self.members) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        pickle.dump((self.households, self.members), self.handle, protocol=5)
        self.households, self.members = [], []

    def close(self, **summary: object) -> None:
        """Write what is left and the summary, whose place the file's last 8 bytes give."""
        self._flush()
        at = self.handle.tell()
        pickle.dump(summary, self.handle, protocol=5)
        self.handle.write(at.to_bytes(8, "big"))


class _KeptUnpickler(pickle.Unpickler):
    """Reads a kept file and nothing else: plain values and dates, no other object."""

    def find_class(self, module: str, name: str) -> type:
        if (module, name) == ("datetime", "date"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not in a kept households file")


def _kept(path: Path) -> tuple[dict, Iterator[tuple[list, list]]]:
    """The summary of a file :class:`_Keeper` wrote, and its batches as they are read."""
    with path.open("rb") as handle:
        handle.seek(-8, 2)
        end = int.from_bytes(handle.read(8), "big")
        handle.seek(end)
        summary = _KeptUnpickler(handle).load()

    def batches() -> Iterator[tuple[list, list]]:
        with path.open("rb") as handle:
            while handle.tell() < end:
                yield _KeptUnpickler(handle).load()

    return summary, batches()


def _batched(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


class ProgrammeLookup:
    """The programmes a file's ``programme`` column may name, by code, read once for the
    file; an empty cell is the default programme. ``scope``: the importing user's
    programmes (``None``: every one)."""

    def __init__(self, scope: frozenset[int] | None = None) -> None:
        self.codes = dict(Programme.objects.values_list("code", "pk"))
        self.scope = scope
        self.default: int | None = None

    def programme(self, reader: RowReader) -> int | None:
        """The id of the row's programme, or None (the error recorded)."""
        code = reader.text("programme", max_length=40)
        if not code:
            if self.default is None:
                self.default = default_programme().pk
            pk = self.default
        elif (pk := self.codes.get(code)) is None:
            reader.error("programme", f"no programme {code!r}")
            return None
        if self.scope is not None and pk not in self.scope:
            reader.error(
                "programme", f"{code or 'the default programme'} is not a programme you work in"
            )
            return None
        return pk


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
        # Plain text, not the choices' members: the check keeps these for the write.
        "accommodation": str(kind or (place.kind if place else AccommodationKind.OTHER)),
        "accommodation_place_id": place.pk if place else None,
        "intention": str(intention or Household.Intention.UNKNOWN),
        "registered_on": registered_on,
        "source": reader.text("source", max_length=100),
    }


def _write(
    households: list[tuple],
    members: list[tuple],
    household_ids: list[int],
    households_of: tuple[array, array, dict[int, str]],
    file: str,
    by: User | None,
) -> None:
    """Insert a batch of checked households and members, with their documents, search
    keys and registration events, and the audit trail's rows: plain rows, no model
    instances (``homecoming.core.bulk``), so that a national file writes at the database's
    pace. A member's household may be in an earlier batch (its rows apart in the file):
    ``households_of`` holds each household's size and origin settlement (by index, the
    origins filled in batch by batch) and the settlements' codes."""
    sizes, origins, codes = households_of
    source = f"import {file}"
    household_records, events = [], []
    for index, reference, _number, household in households:
        household_id = household_ids[index]
        origins[index] = household["origin_settlement_id"]
        household_records.append(
            household
            | {
                "id": household_id,
                "reference": reference,
                "source": household["source"] or source,
                "size": sizes[index],  # every member of a new household is current
            }
        )
        events.append(
            {
                "household_id": household_id,
                "by_id": by.pk if by else None,
                "action": "registered",
                "details": {"source": source},
            }
        )
    member_records, document_records, keys = [], [], []
    for (index, reference, _number, joined_on, spec), member_id in zip(
        members, ids_take(Member, len(members)), strict=True
    ):
        household_id = household_ids[index]
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
                "joined_on": joined_on,
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
                    origin_settlement=codes[origins[index]],
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


def _chunks(values: list[str], size: int = 10_000) -> list[list[str]]:
    """``values`` in slices a query's IN list can hold (SQLite allows 250,000 parameters at
    most; a national file has more documents)."""
    return [values[start : start + size] for start in range(0, len(values), size)]
