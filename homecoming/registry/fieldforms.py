"""Field collection: the household registration XLSForm, and imports of its submissions.

The form is written as an XLSForm workbook (survey, choices and settings sheets) and
checked by converting it with pyxform, the reference XLSForm compiler that ODK and
KoboToolbox use. Submissions come back as KoboToolbox/ODK exports — an XLSX workbook
with the households on its first sheet and the ``members`` repeat on a second sheet,
or a JSON list of submissions — and are turned into rows of the households import, so
the same checks apply. A submission already imported (same submission id) is skipped.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from pyxform.xls2xform import convert

from homecoming.core.errors import ApplicationError
from homecoming.core.safety import check_file_size, open_workbook
from homecoming.core.tabular import (
    ImportReport,
    Progress,
    Row,
    Table,
    header_columns,
    load_json,
    row_values,
    scalar_text,
    sheet_rows,
)
from homecoming.places.models import Settlement
from homecoming.registry.imports import households_import
from homecoming.registry.models import AccommodationKind, Household, IdentityDocument, Member

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


def _choices() -> list[tuple[str, str, str, str]]:
    rows = []
    for list_name, choices in (
        ("accommodation", AccommodationKind.choices),
        ("intention", Household.Intention.choices),
        ("relation", Member.Relation.choices),
        ("sex", Member.Sex.choices),
        ("document_type", IdentityDocument.Type.choices),
    ):
        rows += [(list_name, value, str(label), str(label)) for value, label in choices]
    rows += [
        ("settlement", s.code, f"{s.name} ({s.district.name})", f"{s.name_az or s.name}")
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
                "The date cannot be in the future." if constraint else "",
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


HOUSEHOLD_REQUIRED = {"_uuid", "_index"} | {
    name for _t, name, _en, _az, required in SURVEY[:6] if required
}
MEMBER_REQUIRED = {"_parent_index"} | {
    name for _t, name, _en, _az, required in SURVEY[7:] if required
}
Submission = tuple[str, dict[str, str], list[dict[str, str]]]


def _json_cell(path: Path, where: str, field: str, value: object) -> str:
    text = scalar_text(value)
    if text is None:
        raise ApplicationError(
            f"{path.name}: {where}, {field}: is a list or an object, not a value"
        )
    return text


def _submissions_from_json(path: Path) -> list[Submission]:
    data = load_json(path, "a JSON export")
    if isinstance(data, dict):
        data = data.get("results", [])  # the KoboToolbox API wraps submissions in "results"
    if not isinstance(data, list):
        raise ApplicationError(
            f"{path.name}: not a Kobo JSON export (a list of submissions, or an object whose "
            "results are that list, is expected)"
        )
    submissions = []
    for index, item in enumerate(data, start=1):
        where = f"submission {index}"
        if not isinstance(item, dict):
            raise ApplicationError(f"{path.name}: {where} is not an object")
        uuid = _json_cell(path, where, "_uuid", item.get("_uuid") or item.get("meta/instanceID"))
        household = {f: _json_cell(path, where, f, item.get(f)) for f in HOUSEHOLD_FIELDS}
        members = item.get("members") or []
        if not isinstance(members, list):
            raise ApplicationError(f"{path.name}: {where}: its members are not a list")
        parsed = []
        for position, member in enumerate(members, start=1):
            if not isinstance(member, dict):
                raise ApplicationError(f"{path.name}: {where}, member {position} is not an object")
            parsed.append(
                {
                    f: _json_cell(
                        path,
                        f"{where}, member {position}",
                        f,
                        member.get(f"members/{f}", member.get(f)),
                    )
                    for f in MEMBER_FIELDS
                }
            )
        submissions.append((uuid.removeprefix("uuid:"), household, parsed))
    return submissions


def _sheet_rows(path: Path, sheet, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    """A sheet's rows with their numbers, by field name (``members/given_name`` is
    ``given_name``); a sheet whose headers are the form's labels is refused."""
    where = f"{path.name}, sheet {sheet.title!r}"
    rows = sheet_rows(where, sheet)
    columns = header_columns(where, next(rows, []), rename=lambda h: h.split("/")[-1])
    missing = sorted(required - set(columns))
    if missing:
        raise ApplicationError(
            f"{where} has no column {', '.join(missing)}: export the submissions with XML "
            "values and headers, not labels"
        )
    return [
        (number, row_values(where, columns, cells, number))
        for number, cells in enumerate(rows, start=2)
        if any(cells)
    ]


def _submissions_from_xlsx(path: Path) -> list[Submission]:
    # Size and zip-bomb checks first, defusedxml parsing.
    with open_workbook(path) as workbook:
        if len(workbook.worksheets) < 2:
            raise ApplicationError(f"{path.name}: the members repeat sheet is missing")
        main_sheet, repeat_sheet = workbook.worksheets[:2]
        main = _sheet_rows(path, main_sheet, HOUSEHOLD_REQUIRED)
        repeat = _sheet_rows(path, repeat_sheet, MEMBER_REQUIRED)
    members: dict[str, list[dict[str, str]]] = {}
    for number, row in main:
        index = row["_index"].strip()
        if index in members:
            raise ApplicationError(
                f"{path.name}, sheet {main_sheet.title!r}: row {number}: _index {index!r} is "
                "given to another submission too"
            )
        members[index] = []
    for number, member in repeat:
        parent = member["_parent_index"].strip()
        if parent not in members:
            raise ApplicationError(
                f"{path.name}, sheet {repeat_sheet.title!r}: row {number}: the member's "
                f"submission (_parent_index {parent!r}) is not in the export; export the "
                "submissions and their members together"
            )
        members[parent].append({f: member.get(f, "") for f in MEMBER_FIELDS})
    return [
        (
            row["_uuid"].strip(),
            {f: row.get(f, "") for f in HOUSEHOLD_FIELDS},
            members[row["_index"].strip()],
        )
        for _number, row in main
    ]


def kobo_table(path: Path | str) -> Table:
    """A KoboToolbox/ODK export (XLSX with a members sheet, or JSON) as households-import rows.

    Each row's household is ``KOBO-<submission id>``; a row's number is its submission's
    position in the export, so that errors point to the submission. An export that does
    not hold together — two submissions with one id, a member without its submission —
    is refused whole.
    """
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file")
    check_file_size(path)
    submissions = (
        _submissions_from_json(path)
        if path.suffix.lower() == ".json"
        else _submissions_from_xlsx(path)
    )
    rows = []
    seen: dict[str, int] = {}
    for number, (uuid, household, members) in enumerate(submissions, start=1):
        if not uuid:
            raise ApplicationError(f"{path.name}: submission {number} has no submission id")
        if uuid in seen:
            raise ApplicationError(
                f"{path.name}: submissions {seen[uuid]} and {number} have one submission id "
                f"({uuid}); a submission is imported once"
            )
        seen[uuid] = number
        for member in members or [{}]:
            rows.append(
                Row(
                    number,
                    {"household": f"KOBO-{uuid}", **household, **member, "source": f"kobo {uuid}"},
                )
            )
    return Table(
        name=path.name,
        columns=["household", *HOUSEHOLD_FIELDS, *MEMBER_FIELDS, "source"],
        rows=rows,
    )


def kobo_import(
    *,
    table: Table,
    dry_run: bool = False,
    progress: Progress | None = None,
    districts: frozenset[int] | None = None,
) -> ImportReport:
    """Import the submissions of a Kobo table, each once: those already imported are skipped
    (counted as ``updated``, since they are left as they are)."""
    references = {row.values["household"] for row in table.rows}
    done = set(
        Household.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    fresh = Table(
        name=table.name,
        columns=table.columns,
        rows=[r for r in table.rows if r.values["household"] not in done],
    )
    report = households_import(table=fresh, dry_run=dry_run, progress=progress, districts=districts)
    report.rows, report.updated = len(table.rows), len(done)
    return report
