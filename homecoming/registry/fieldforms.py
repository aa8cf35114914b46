"""Field collection: the household registration XLSForm, and imports of its submissions.

The form is written as an XLSForm workbook (survey, choices and settings sheets) and
checked by converting it with pyxform, the reference XLSForm compiler that ODK and
KoboToolbox use. Submissions come back as KoboToolbox/ODK exports — an XLSX workbook
with the households on its first sheet and the ``members`` repeat on a second sheet,
or a JSON list of submissions — and are turned into rows of the households import, so
the same checks apply. A submission already imported (same submission id) is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from pyxform.xls2xform import convert

from homecoming.accounts.access import HOUSEHOLD_CHANGE, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.locking import locked
from homecoming.core.safety import check_file_size, check_workbook, open_workbook
from homecoming.core.tabular import (
    ImportReport,
    Progress,
    Row,
    RowError,
    RowReader,
    Table,
    header_columns,
    is_hxl_row,
    load_json,
    row_values,
    scalar_text,
    sheet_rows,
)
from homecoming.places.lookup import PlaceLookup
from homecoming.places.models import Settlement
from homecoming.registry.imports import household_read, households_import, member_read
from homecoming.registry.models import (
    AccommodationKind,
    ChangeRequest,
    FieldForm,
    FieldSubmission,
    Household,
    IdentityDocument,
    Member,
    TemporaryAccommodation,
)
from homecoming.registry.search_keys import member_name_key
from homecoming.registry.services import change_request_create

FORM_ID = "homecoming_household"
HOUSEHOLD_FIELDS = [
    "origin_settlement",
    "origin_address",
    "displaced_on",
    "accommodation",
    "intention",
    "phone",
]
MEMBER_FIELDS = [
    "relation",
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "birth_date",
    "document_type",
    "document_number",
]

# type, name, English label, Azerbaijani label, required
SURVEY = [
    ("select_one settlement", "origin_settlement", "Settlement of origin",
     "Mənşə yaşayış məntəqəsi", True),
    ("text", "origin_address", "Address before displacement", "Köçkünlükdən əvvəlki ünvan", False),
    ("date", "displaced_on", "Date of displacement", "Köçkün düşmə tarixi", False),
    ("select_one accommodation", "accommodation", "Temporary accommodation",
     "Müvəqqəti məskunlaşma yeri", True),
    ("select_one intention", "intention", "Intention to return", "Qayıdış niyyəti", True),
    ("text", "phone", "Phone", "Telefon", False),
    ("begin_repeat", "members", "Members", "Ailə üzvləri", False),
    ("select_one relation", "relation", "Relation to the head", "Başçıya qohumluğu", True),
    ("text", "given_name", "Given name (as in the document)", "Ad (sənəddəki kimi)", True),
    ("text", "family_name", "Family name", "Soyad", True),
    ("text", "patronymic", "Patronymic", "Ata adı", False),
    ("select_one sex", "sex", "Sex", "Cins", True),
    ("date", "birth_date", "Date of birth", "Doğum tarixi", True),
    ("select_one document_type", "document_type", "Identity document", "Şəxsiyyət sənədi", False),
    ("text", "document_number", "Document number", "Sənədin nömrəsi", False),
    ("end_repeat", "", "", "", False),
]  # fmt: skip

FUTURE_DATE = _("This date is in the future.")
# HXL hashtags of the fields that are not personal: KoboToolbox writes them as a row under
# the export's header, so that the export can be shared as humanitarian data.
HXL = {
    "origin_settlement": "#loc+origin+code",
    "displaced_on": "#date+displaced",
    "accommodation": "#indicator+accommodation",
    "intention": "#indicator+intention",
    "relation": "#beneficiary+relation",
    "sex": "#beneficiary+sex",
}


def _in_azerbaijani(text: object) -> str:
    with translation.override("az"):
        return str(text)


def _in_english(text: object) -> str:
    with translation.override("en"):
        return str(text)


def _choices() -> list[tuple[str, str, str, str]]:
    rows = []
    for list_name, choices in (
        ("accommodation", AccommodationKind.choices),
        ("intention", Household.Intention.choices),
        ("relation", Member.Relation.choices),
        ("sex", Member.Sex.choices),
        ("document_type", IdentityDocument.Type.choices),
    ):
        rows += [
            (list_name, value, _in_english(label), _in_azerbaijani(label))
            for value, label in choices
        ]
    rows += [
        (
            "settlement",
            s.code,
            f"{s.name} ({s.district.name})",
            f"{s.name_az or s.name} ({s.district.name_az or s.district.name})",
        )
        for s in Settlement.objects.select_related("district").order_by("district__name", "name")
    ]
    return rows


def household_xlsform() -> bytes:
    """The registration form as an XLSForm workbook, checked by pyxform."""
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            "label::English (en)",
            "label::Azerbaijani (az)",
            "required",
            "constraint",
            "constraint_message::English (en)",
            "constraint_message::Azerbaijani (az)",
            "hxl",
        ]
    )
    for kind, name, label_en, label_az, required in SURVEY:
        constraint = ". <= today()" if kind == "date" else ""
        survey.append(
            [
                kind,
                name,
                label_en,
                label_az,
                "yes" if required else "",
                constraint,
                _in_english(FUTURE_DATE) if constraint else "",
                _in_azerbaijani(FUTURE_DATE) if constraint else "",
                HXL.get(name, ""),
            ]
        )
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Azerbaijani (az)"])
    for row in _choices():
        choices.append(list(row))
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Homecoming household registration", FORM_ID, "1", "English (en)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    try:
        convert(xlsform=io.BytesIO(buffer.getvalue()), file_type=".xlsx")
    except Exception as exc:  # pyxform raises its own error types for an invalid form
        raise ApplicationError(f"The generated XLSForm is not valid: {exc}") from exc
    return buffer.getvalue()


HOUSEHOLD_REQUIRED = {name for _t, name, _en, _az, required in SURVEY[:6] if required}
MEMBER_REQUIRED = {name for _t, name, _en, _az, required in SURVEY[7:] if required}
# The select_one questions and their choice lists.
CHOICE_LISTS = {name: kind.split()[1] for kind, name, *_rest in SURVEY if kind.startswith("select")}
# KoboToolbox's export advice, given with every export it cannot read.
EXPORT_ADVICE = (
    "export the submissions from KoboToolbox as XLS (any language, with or without group "
    "names), or download them as JSON; from ODK Central, download the CSV zip or read "
    "the OData feed with $expand=*"
)


@dataclass(frozen=True)
class Submission:
    """One submission of an export, whichever tool wrote it."""

    number: int  # its position in the export: errors name it
    instance: str  # the id of this version of the submission
    root: str  # the id of its first version (before any edit), when the export gives it
    kobo_id: str  # KoboToolbox's ``_id``: the same before and after an edit
    submitted: str  # when it reached the server, as the export writes it
    household: dict[str, str]
    members: list[dict[str, str]]


def _bare_id(value: str) -> str:
    return value.strip().removeprefix("uuid:")


def _field_names() -> dict[str, str]:
    """Field name by every header an export may give it: its name, its English or
    Azerbaijani label (in lower case), and the names of the submission's metadata."""
    names = {}
    for _kind, name, label_en, label_az, _required in SURVEY:
        if name:
            names |= {name: name, label_en.lower(): name, label_az.lower(): name}
    return names | {"instanceid": "instanceid", "rootuuid": "rootuuid"}


FIELD_NAMES = _field_names()
# What a header may start with: the repeat's and the metadata's group, by name or label.
GROUPS = ("members", "ailə üzvləri", "meta")


def _field(header: str) -> str:
    """The field a header names, the group prefix dropped whatever its separator
    (``members/given_name``, ``members.given_name``, ``Members:Given name (as in the
    document)``, ODK Central's ``meta-instanceID``)."""
    if header in FIELD_NAMES:
        return FIELD_NAMES[header]
    for group in GROUPS:
        if header.startswith(group):
            rest = re.sub(r"^\W+", "", header[len(group) :])
            if rest and rest in FIELD_NAMES:
                return FIELD_NAMES[rest]
    return header


def _choice_names() -> dict[str, dict[str, str]]:
    """For each select_one question, the choice's name by its name and by its English and
    Azerbaijani labels (folded): an export with labels gives ``Zar (Kalbajar)`` or
    ``Yataqxana`` where the form's data hold ``AZ0101002`` or ``hostel``. A label two
    choices share is left as it is, for the import to refuse in words."""
    by_list: dict[str, dict[str, set[str]]] = {}
    for list_name, name, label_en, label_az in _choices():
        for text in (name, label_en, label_az):
            by_list.setdefault(list_name, {}).setdefault(text.casefold(), set()).add(name)
    return {
        field: {
            text: next(iter(found)) for text, found in by_list[list_name].items() if len(found) == 1
        }
        for field, list_name in CHOICE_LISTS.items()
    }


def _names(values: dict[str, str], choices: dict[str, dict[str, str]]) -> dict[str, str]:
    return {
        field: choices[field].get(value.strip().casefold(), value) if field in choices else value
        for field, value in values.items()
    }


def _json_cell(name: str, where: str, field: str, value: object) -> str:
    text = scalar_text(value)
    if text is None:
        raise ApplicationError(f"{name}: {where}, {field}: is a list or an object, not a value")
    return text


def _flat(item: dict, prefix: str = "") -> dict[str, object]:
    """An ODK Central OData submission's fields by name: its groups are objects."""
    flat: dict[str, object] = {}
    for key, value in item.items():
        if isinstance(value, dict) and not key.startswith("__"):
            flat |= _flat(value, f"{prefix}{key}/")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _json_submission(name: str, number: int, item: object, *, central: bool) -> Submission:
    where = f"submission {number}"
    if not isinstance(item, dict):
        raise ApplicationError(f"{name}: {where} is not an object")
    fields = {_field(key.lower()): value for key, value in _flat(item).items()}
    members = fields.get("members")
    if central and members is None and "members@odata.navigationlink" in fields:
        raise ApplicationError(
            f"{name}: {where}: its members are a link, not in the feed; read the "
            "Submissions feed with $expand=* so that each submission holds its members"
        )
    if not isinstance(members or [], list):
        raise ApplicationError(f"{name}: {where}: its members are not a list")
    parsed = []
    for position, member in enumerate(members or [], start=1):
        if not isinstance(member, dict):
            raise ApplicationError(f"{name}: {where}, member {position} is not an object")
        values = {_field(key.lower()): value for key, value in member.items()}
        parsed.append(
            {
                f: _json_cell(name, f"{where}, member {position}", f, values.get(f))
                for f in MEMBER_FIELDS
            }
        )
    system = item.get("__system") if central else None
    if central and not isinstance(system, dict):
        raise ApplicationError(f"{name}: {where}: __system is not an object")

    def cell(field: str) -> str:
        return _json_cell(name, where, field, fields.get(field))

    instance = cell("instanceid") or cell("_uuid")
    return Submission(
        number=number,
        instance=_bare_id(instance),
        root=_bare_id(cell("__id") if central else cell("rootuuid")),
        kobo_id="" if central else cell("_id"),
        submitted=_json_cell(name, where, "submissionDate", system.get("submissionDate"))
        if system
        else cell("_submission_time"),
        household={f: cell(f) for f in HOUSEHOLD_FIELDS},
        members=parsed,
    )


def _submissions_from_json(path: Path) -> list[Submission]:
    data = load_json(path, "a JSON export")
    central = isinstance(data, dict) and "value" in data
    if isinstance(data, dict) and ("_uuid" in data or "meta/instanceID" in data):
        data = [data]  # one submission, as KoboToolbox's REST Services send it
    elif isinstance(data, dict):
        # The KoboToolbox API wraps submissions in "results", ODK Central's OData in "value".
        data = data.get("value" if central else "results")
    if not isinstance(data, list):
        raise ApplicationError(
            f"{path.name}: not a submissions export (a list of submissions, KoboToolbox's "
            f"API answer with its results, or ODK Central's OData feed is expected); "
            f"{EXPORT_ADVICE}"
        )
    return [
        _json_submission(path.name, number, item, central=central)
        for number, item in enumerate(data, start=1)
    ]


def _rows(where: str, header: list[str], rows: Iterator[list[str]]) -> list[tuple[int, dict]]:
    """A sheet's rows with their numbers, by field name; the HXL row KoboToolbox writes
    under the header (when the form has an ``hxl`` column) is skipped."""
    columns = header_columns(where, header, rename=_field)
    return [
        (number, row_values(where, columns, cells, number))
        for number, cells in enumerate(rows, start=2)
        if any(c.strip() for c in cells) and not (number == 2 and is_hxl_row(cells))
    ]


def _require(where: str, header: list[str], needed: set[str]) -> None:
    missing = sorted(needed - {_field(h.strip().lower()) for h in header})
    if missing:
        raise ApplicationError(
            f"{where} has no column {', '.join(missing)}: is it an export of the Homecoming "
            f"household form, with all its questions? {EXPORT_ADVICE}"
        )


def _joined(
    path: Path,
    main: list[tuple[int, dict]],
    repeat: list[tuple[int, dict]],
    *,
    key: str,
    parent: str,
    where: tuple[str, str],
) -> list[tuple[dict, list[dict]]]:
    """The export's submissions with their members: the repeat's ``parent`` column names
    the main sheet's ``key`` (``_index`` and ``_parent_index`` from KoboToolbox, ``KEY``
    and ``PARENT_KEY`` from ODK Central)."""
    members: dict[str, list[dict]] = {}
    for number, row in main:
        index = row.get(key, "").strip()
        if index in members:
            raise ApplicationError(
                f"{path.name}, {where[0]}: row {number}: {key} {index!r} is given to another "
                "submission too"
            )
        members[index] = []
    for number, member in repeat:
        index = member.get(parent, "").strip()
        if index not in members:
            raise ApplicationError(
                f"{path.name}, {where[1]}: row {number}: the member's submission ({parent} "
                f"{index!r}) is not in the export; export the submissions and their members "
                "together"
            )
        members[index].append(member)
    return [(row, members[row.get(key, "").strip()]) for _number, row in main]


def _submissions_from_xlsx(path: Path) -> list[Submission]:
    # Size and zip-bomb checks first, defusedxml parsing.
    with open_workbook(path) as workbook:
        if len(workbook.worksheets) < 2:
            raise ApplicationError(
                f"{path.name}: the members repeat sheet is missing; {EXPORT_ADVICE}"
            )
        sheets = []
        for sheet in workbook.worksheets[:2]:
            where = f"sheet {sheet.title!r}"
            rows = sheet_rows(f"{path.name}, {where}", sheet)
            header = next(rows, [])
            sheets.append((where, header, _rows(f"{path.name}, {where}", header, rows)))
    (main_where, main_header, main), (repeat_where, repeat_header, repeat) = sheets
    _require(f"{path.name}, {main_where}", main_header, HOUSEHOLD_REQUIRED | {"_uuid"})
    _require(f"{path.name}, {repeat_where}", repeat_header, MEMBER_REQUIRED)
    _require(f"{path.name}, {main_where}", main_header, {"_index"})
    _require(f"{path.name}, {repeat_where}", repeat_header, {"_parent_index"})
    choices = _choice_names()
    return [
        Submission(
            number=number,
            instance=_bare_id(row.get("instanceid") or row["_uuid"]),
            root=_bare_id(row.get("rootuuid", "")),
            kobo_id=row.get("_id", "").strip(),
            submitted=row.get("_submission_time", ""),
            household=_names({f: row.get(f, "") for f in HOUSEHOLD_FIELDS}, choices),
            members=[_names({f: m.get(f, "") for f in MEMBER_FIELDS}, choices) for m in members],
        )
        for number, (row, members) in enumerate(
            _joined(
                path,
                main,
                repeat,
                key="_index",
                parent="_parent_index",
                where=(main_where, repeat_where),
            ),
            start=1,
        )
    ]


def _csv_rows(path: Path, name: str, data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(f"{path.name}, {name}: not UTF-8 text ({exc.reason})") from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise ApplicationError(f"{path.name}, {name}: not a readable CSV file ({exc})") from exc
    return (rows[0] if rows else []), iter(rows[1:])


def _submissions_from_central_zip(path: Path) -> list[Submission]:
    """ODK Central's "CSV zip": ``<form id>.csv`` with the submissions (``KEY``, the
    submission's id before any edit) and ``<form id>-members.csv`` (``PARENT_KEY``)."""
    check_workbook(path)  # a zip like a workbook: size, entries and bomb checks
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        repeats = [n for n in names if n.lower().endswith("-members.csv")]
        mains = [n for n in names if n not in repeats and "/" not in n]
        if len(mains) != 1 or len(repeats) != 1:
            raise ApplicationError(
                f"{path.name}: not ODK Central's CSV zip of the household form (one "
                "submissions file and one …-members.csv are expected, found "
                f"{', '.join(names) or 'no CSV file'}); {EXPORT_ADVICE}"
            )
        main_header, main_rows = _csv_rows(path, mains[0], archive.read(mains[0]))
        repeat_header, repeat_rows = _csv_rows(path, repeats[0], archive.read(repeats[0]))
    main = _rows(f"{path.name}, {mains[0]}", main_header, main_rows)
    repeat = _rows(f"{path.name}, {repeats[0]}", repeat_header, repeat_rows)
    _require(f"{path.name}, {mains[0]}", main_header, HOUSEHOLD_REQUIRED | {"key"})
    _require(f"{path.name}, {repeats[0]}", repeat_header, MEMBER_REQUIRED)
    _require(f"{path.name}, {repeats[0]}", repeat_header, {"parent_key"})
    return [
        Submission(
            number=number,
            instance=_bare_id(row.get("instanceid") or row["key"]),
            root=_bare_id(row["key"]),
            kobo_id="",
            submitted=row.get("submissiondate", ""),
            household={f: row.get(f, "") for f in HOUSEHOLD_FIELDS},
            members=[{f: m.get(f, "") for f in MEMBER_FIELDS} for m in members],
        )
        for number, (row, members) in enumerate(
            _joined(
                path, main, repeat, key="key", parent="parent_key", where=(mains[0], repeats[0])
            ),
            start=1,
        )
    ]


def _registered_on(submitted: str) -> str:
    """The day (in the programme's time zone) a submission reached the server: KoboToolbox
    writes ``_submission_time`` in UTC without a zone, ODK Central ``submissionDate`` with
    one. Text that is no time is passed on, for the import to refuse in words."""
    try:
        moment = dt.datetime.fromisoformat(submitted.strip())
    except ValueError:
        return submitted
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localdate(moment).isoformat()


def submissions_read(path: Path | str) -> list[Submission]:
    """The submissions of a KoboToolbox or ODK Central export, whichever form it takes,
    or an error saying which export to make instead."""
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file")
    check_file_size(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _submissions_from_json(path)
    if suffix == ".xlsx":
        return _submissions_from_xlsx(path)
    if suffix == ".zip":
        return _submissions_from_central_zip(path)
    if suffix == ".csv":
        raise ApplicationError(
            f"{path.name}: a CSV export holds the households but not their members "
            f"(KoboToolbox leaves repeat groups out of CSV); {EXPORT_ADVICE}"
        )
    raise ApplicationError(f"{path.name}: unsupported file type {suffix!r}; {EXPORT_ADVICE}")


def submissions_table(name: str, submissions: list[Submission]) -> Table:
    """Submissions as households-import rows.

    Each row's household is ``KOBO-<id of the submission's first version>``, so that an
    edit made in the field names the household it edits; a row's number is its
    submission's position in the export, so that errors point to the submission. An export
    that does not hold together — two submissions with one id — is refused whole.
    """
    rows = []
    seen: dict[str, int] = {}
    for submission in submissions:
        number = submission.number
        if not submission.instance:
            raise ApplicationError(f"{name}: submission {number} has no submission id")
        key = submission.root or submission.instance
        if key in seen:
            raise ApplicationError(
                f"{name}: submissions {seen[key]} and {number} have one submission id ({key}); "
                "a submission is imported once"
            )
        seen[key] = number
        source = f"kobo {submission.instance}" + (
            f" _id {submission.kobo_id}" if submission.kobo_id else ""
        )
        for member in submission.members or [{}]:
            rows.append(
                Row(
                    number,
                    {
                        "household": f"KOBO-{key}",
                        **submission.household,
                        **member,
                        "registered_on": _registered_on(submission.submitted),
                        "source": source,
                    },
                )
            )
    return Table(
        name=name,
        columns=["household", *HOUSEHOLD_FIELDS, *MEMBER_FIELDS, "registered_on", "source"],
        rows=rows,
    )


def kobo_table(path: Path | str) -> Table:
    """A KoboToolbox/ODK export (XLSX, JSON, or ODK Central's CSV zip) as households-import
    rows (:func:`submissions_table`)."""
    return submissions_table(Path(path).name, submissions_read(path))


def _households_of(table: Table) -> dict[str, Household]:
    """The households the table's submissions were imported as, by the reference the rows
    give: found by that reference (the id of the submission's first version), or, for a
    KoboToolbox XLSX export (which gives no first-version id), by KoboToolbox's ``_id``,
    which an edit keeps."""
    references = {row.values["household"] for row in table.rows}
    found = {
        h.reference: h
        for h in Household.objects.filter(reference__in=references).prefetch_related(
            "members__documents"
        )
    }
    kobo_ids = {
        source.split(" _id ")[1]: row.values["household"]
        for row in table.rows
        if row.values["household"] not in found and " _id " in (source := row.values["source"])
    }
    if kobo_ids:
        for household in Household.objects.filter(
            reference__startswith="KOBO-", source__contains=" _id "
        ).prefetch_related("members__documents"):
            reference = kobo_ids.get(household.source.split(" _id ")[1])
            if reference is not None:
                found[reference] = household
    return found


EDIT_REASON = "Edited in the field (submission %(submission)s)"


@dataclass(frozen=True)
class Edit:
    """A submission edited in the field after it was imported: the changes it proposes to
    the household it was imported as, each part a change request for a second officer."""

    number: int
    household: Household
    submission: str
    proposals: dict[str, dict]  # change request part → what it proposes
    differences: list[str]  # fields that do not go through a change request


def _edit(
    rows: list[Row],
    household: Household,
    report: ImportReport,
    places: PlaceLookup,
    districts: frozenset[int] | None,
) -> Edit | None:
    """What the edited submission ``rows`` changes in ``household``, checked as the
    households import checks a new one; None when a cell is wrong (the error is in
    ``report``)."""
    today = timezone.localdate()
    first = RowReader(rows[0], report.errors)
    accommodations = {a.code: a for a in TemporaryAccommodation.objects.all()}
    values = household_read(first, places, accommodations, today, districts)
    members = [member_read(RowReader(row, report.errors), today) for row in rows]
    if values is None or None in members:
        return None
    proposals: dict[str, dict] = {}
    origin = {
        "origin_settlement": places.settlement(first, "origin_settlement").code,
        "origin_address": values["origin_address"],
        "displaced_on": values["displaced_on"].isoformat() if values["displaced_on"] else None,
    }
    if (values["origin_settlement_id"], values["origin_address"], values["displaced_on"]) != (
        household.origin_settlement_id,
        household.origin_address,
        household.displaced_on,
    ):
        proposals[ChangeRequest.Part.ORIGIN] = origin

    def person(given_name: str, family_name: str, patronymic: str, birth_date) -> tuple:
        names = member_name_key(
            given_name=given_name, family_name=family_name, patronymic=patronymic
        )
        return names, birth_date

    current = {
        person(m.given_name, m.family_name, m.patronymic, m.birth_date): m
        for m in household.members.all()
        if m.current
    }
    given = {
        person(m["given_name"], m["family_name"], m["patronymic"], m["birth_date"]): m
        for m in members
    }
    added = [
        {
            "relation": m["relation"],
            "given_name": m["given_name"],
            "family_name": m["family_name"],
            "patronymic": m["patronymic"],
            "sex": m["sex"],
            "birth_date": m["birth_date"].isoformat(),
            "birth_year_only": m["birth_year_only"],
            # Born since the household registered: a birth; otherwise joined for a reason the
            # form does not ask.
            "joined_reason": (
                Member.Joined.BIRTH
                if m["birth_date"] >= household.registered_on
                else Member.Joined.OTHER
            ),
        }
        for key, m in given.items()
        if key not in current
    ]
    ended = [
        {"member": m.pk, "left_reason": Member.Left.OTHER}
        for key, m in current.items()
        if key not in given
    ]
    if added or ended:
        proposals[ChangeRequest.Part.MEMBERSHIP] = {"add": added, "end": ended}
    documents = [
        {"member": current[key].pk, "type": m["document"][0], "number": m["document"][1]}
        for key, m in given.items()
        if key in current
        and m["document"]
        and m["document"][1] not in {d.number for d in current[key].documents.all()}
    ]
    if documents:
        proposals[ChangeRequest.Part.DOCUMENTS] = {"add": documents}
    differences = [
        field
        for field, now in (
            ("accommodation", household.accommodation),
            ("intention", household.intention),
        )
        if values[field] != now
    ]
    return Edit(
        number=rows[0].number,
        household=household,
        submission=rows[0].values["source"].split()[1],
        proposals=proposals,
        differences=differences,
    )


def kobo_import(
    *,
    table: Table,
    dry_run: bool = False,
    progress: Progress | None = None,
    by: User | None = None,
    districts: frozenset[int] | None = None,
) -> ImportReport:
    """Import the submissions of a Kobo table.

    A new submission registers its household. One already imported is left as it is
    (counted as ``updated``). One edited in the field since it was imported proposes its
    changes to the household it was imported as — never a second household: each part
    that changed (origin, membership, documents) becomes a change request by ``by``, for
    a second officer to approve; other differences are reported as warnings. The file is
    all or nothing: households and proposals are written together, or not at all.
    """
    households = _households_of(table)
    rows_of: dict[str, list[Row]] = {}
    for row in table.rows:
        rows_of.setdefault(row.values["household"], []).append(row)
    fresh = [row for row in table.rows if row.values["household"] not in households]
    edited: list[tuple[list[Row], Household]] = []
    unchanged = 0
    # The submissions already proposed as changes: their ids are in the requests' reasons.
    proposed = " ".join(
        ChangeRequest.objects.filter(
            household__in=households.values(), reason__startswith=EDIT_REASON[:20]
        ).values_list("reason", flat=True)
    )
    for reference, household in households.items():
        rows = rows_of[reference]
        submission = rows[0].values["source"].split()[1]
        asked = f"(submission {submission})" in proposed
        if household.source.split()[1:2] == [submission] or asked:
            unchanged += 1
        else:
            edited.append((rows, household))
    checked = ImportReport.begin(
        "kobo",
        Table(table.name, table.columns, [r for rows, _h in edited for r in rows]),
        dry_run=dry_run,
        required=set(),
    )
    edits: list[Edit] = []
    if edited:  # the places are read once, and only for edits
        places = PlaceLookup()
        edits = [e for rows, h in edited if (e := _edit(rows, h, checked, places, districts))]
    if edits and by is None:
        checked.errors += [
            RowError(
                e.number,
                "household",
                f"edits household {e.household.reference} (the submission was edited in the "
                "field after it was imported); its changes are proposed for approval by a "
                "second officer: name the officer who proposes them",
            )
            for e in edits
            if e.proposals
        ]
    with transaction.atomic():
        report = households_import(
            table=Table(table.name, table.columns, fresh),
            dry_run=dry_run or bool(checked.errors),
            progress=progress,
            districts=districts,
            by=by,
        )
        report.errors = sorted(report.errors + checked.errors, key=lambda e: e.row)
        report.dry_run = dry_run
        report.rows, report.updated = len(table.rows), unchanged
        if report.errors:
            report.created = 0
            return report
        for edit in edits:
            report.warnings += [
                RowError(
                    edit.number,
                    field,
                    f"differs from household {edit.household.reference}; change it on the "
                    "household's page",
                )
                for field in edit.differences
            ]
            try:
                for part, proposed in edit.proposals.items():
                    change_request_create(
                        household=edit.household,
                        by=by,
                        part=part,
                        proposed=proposed,
                        reason=EDIT_REASON % {"submission": edit.submission},
                    )
            except ApplicationError as exc:
                report.errors.append(RowError(edit.number, "", exc.message))
            report.updated += 1
        if report.errors or dry_run:
            report.created = 0 if report.errors else report.created
            transaction.set_rollback(True)
    return report


PUSHED = "pushed submission"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def field_form_create(*, by: User, name: str) -> tuple[FieldForm, str]:
    """A form that may push submissions, and its key: shown this once, kept as a digest."""
    require(by, HOUSEHOLD_CHANGE)
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the form's name."))
    if FieldForm.objects.filter(name=name).exists():
        raise ApplicationError(_("A form of this name already pushes submissions."))
    token = secrets.token_urlsafe(32)
    form = FieldForm.objects.create(name=name, token_digest=_token_digest(token), created_by=by)
    return form, token


def field_form_revoke(*, name: str, by: User | None = None) -> bool:
    """The form's key no longer works (it leaked, the form is closed); whether there was one
    to revoke. ``by``: the officer who revokes it (``None`` on the command line)."""
    if by is not None:
        require(by, HOUSEHOLD_CHANGE)
    with transaction.atomic():
        form = FieldForm.objects.select_for_update().filter(name=name, revoked_at=None).first()
        if form is None:
            return False
        form.revoked_at = timezone.now()
        form.save(update_fields=["revoked_at"])  # its history keeps who and when
    return True


def field_form_for_token(token: str) -> FieldForm | None:
    """The form whose key ``token`` is, unless revoked."""
    if not token:
        return None
    return (
        FieldForm.objects.filter(token_digest=_token_digest(token), revoked_at=None)
        .select_related("created_by")
        .first()
    )


def _pushed_table(payload: object) -> Table:
    return submissions_table(PUSHED, [_json_submission(PUSHED, 1, payload, central=False)])


def _refused(report: ImportReport) -> ApplicationError:
    errors = [str(e).removeprefix("row 1, ").removeprefix("row 1: ") for e in report.errors]
    return ApplicationError(
        _("The submission is refused: %(errors)s") % {"errors": "; ".join(errors)},
        extra={"errors": [{"field": e.column, "message": e.message} for e in report.errors]},
    )


def field_submission_receive(*, form: FieldForm, payload: object) -> tuple[FieldSubmission, bool]:
    """Hold a submission ``form`` pushed for an officer's review; returns it and whether it
    is new.

    The same checks as the file import (run as the officer who set up the form), so that a
    submission that could not be accepted is refused now, while its sender can correct it.
    A submission pushed again is the one already held. A newer version of a submission
    still waiting (edited before anyone reviewed it) takes its place in the queue.
    """
    table = _pushed_table(payload)
    values = table.rows[0].values
    instance = values["source"].split()[1]
    root = values["household"].removeprefix("KOBO-")
    with transaction.atomic():
        held = FieldSubmission.objects.select_for_update().filter(version=instance).first()
        if held is not None:
            return held, False
        report = kobo_import(table=table, dry_run=True, by=form.created_by)
        if not report.ok:
            raise _refused(report)
        settlement = PlaceLookup().settlement(RowReader(table.rows[0], []), "origin_settlement")
        waiting = (
            FieldSubmission.objects.select_for_update()
            .filter(root=root, status=FieldSubmission.Status.PENDING)
            .first()
        )
        if waiting is not None:
            waiting.version, waiting.payload = instance, payload
            waiting.origin_settlement = settlement
            waiting.save(update_fields=["version", "payload", "origin_settlement"])
            return waiting, False
        return (
            FieldSubmission.objects.create(
                form=form,
                version=instance,
                root=root,
                payload=payload,
                origin_settlement=settlement,
            ),
            True,
        )


def field_submission_accept(*, submission: FieldSubmission, by: User) -> FieldSubmission:
    """Register the submission's household, or propose its changes to the household it
    edits (change requests, for a second officer); returns the submission as decided."""
    require(by, HOUSEHOLD_CHANGE)
    with transaction.atomic():
        decided = locked(submission)
        if decided.status != FieldSubmission.Status.PENDING:
            raise ApplicationError(_("This submission has already been decided."))
        table = _pushed_table(decided.payload)
        report = kobo_import(table=table, by=by)
        if not report.ok:
            raise _refused(report)
        # The import checked it against the registry as a registration is
        # (registry/door.py): a likely duplicate went to the review queue with it.
        decided.household = _households_of(table)[table.rows[0].values["household"]]
        decided.status, decided.decided_by = FieldSubmission.Status.ACCEPTED, by
        decided.decided_at = timezone.now()
        decided.save(update_fields=["household", "status", "decided_by", "decided_at"])
    return decided


def field_submission_reject(
    *, submission: FieldSubmission, by: User, reason: str
) -> FieldSubmission:
    """Refuse a pushed submission, saying why; returns it as decided."""
    require(by, HOUSEHOLD_CHANGE)
    if not reason.strip():
        raise ApplicationError(_("Give the reason for refusing the submission."))
    with transaction.atomic():
        decided = locked(submission)
        if decided.status != FieldSubmission.Status.PENDING:
            raise ApplicationError(_("This submission has already been decided."))
        decided.status, decided.decided_by = FieldSubmission.Status.REJECTED, by
        decided.decided_at, decided.reason = timezone.now(), reason.strip()
        decided.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return decided


def field_submission_read(submission: FieldSubmission) -> Submission:
    """What a pushed submission holds, field by field, as the import reads it."""
    return _json_submission(PUSHED, 1, submission.payload, central=False)
