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
import json
from pathlib import Path

from openpyxl import Workbook
from pyxform.xls2xform import convert

from homecoming.core.errors import ApplicationError
from homecoming.core.safety import open_workbook
from homecoming.core.tabular import ImportReport, Progress, Row, Table
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


def _submissions_from_json(path: Path) -> list[tuple[str, dict, list[dict]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(f"{path.name}: not a JSON export ({exc})") from exc
    if isinstance(data, dict):
        data = data.get("results", [])  # the KoboToolbox API wraps submissions in "results"
    submissions = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ApplicationError(f"{path.name}: submission {index} is not an object")
        uuid = str(item.get("_uuid") or item.get("meta/instanceID", "")).removeprefix("uuid:")
        household = {f: str(item.get(f, "") or "") for f in HOUSEHOLD_FIELDS}
        members = [
            {f: str(m.get(f"members/{f}", m.get(f, "")) or "") for f in MEMBER_FIELDS}
            for m in item.get("members", [])
            if isinstance(m, dict)
        ]
        submissions.append((uuid, household, members))
    return submissions


def _sheet_rows(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").split("/")[-1] for h in next(rows, [])]
    return [
        {
            h: (
                ""
                if v is None
                else str(v)[:10]
                if h.endswith(("_date", "_on")) and hasattr(v, "isoformat")
                else str(v)
            )
            for h, v in zip(header, values, strict=False)
        }
        for values in rows
        if any(v is not None for v in values)
    ]


def _submissions_from_xlsx(path: Path) -> list[tuple[str, dict, list[dict]]]:
    workbook = open_workbook(path)  # size and zip-bomb checks first, defusedxml parsing
    if len(workbook.worksheets) < 2:
        raise ApplicationError(f"{path.name}: the members repeat sheet is missing")
    main, repeat = (_sheet_rows(sheet) for sheet in workbook.worksheets[:2])
    workbook.close()
    by_index: dict[str, list[dict]] = {}
    for member in repeat:
        by_index.setdefault(member.get("_parent_index", ""), []).append(
            {f: member.get(f, "") for f in MEMBER_FIELDS}
        )
    return [
        (
            row.get("_uuid", ""),
            {f: row.get(f, "") for f in HOUSEHOLD_FIELDS},
            by_index.get(row.get("_index", ""), []),
        )
        for row in main
    ]


def kobo_table(path: Path | str) -> Table:
    """A KoboToolbox/ODK export (XLSX with a members sheet, or JSON) as households-import rows.

    Each row's household is ``KOBO-<submission id>``; a row's number is its submission's
    position in the export, so that errors point to the submission.
    """
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file")
    submissions = (
        _submissions_from_json(path)
        if path.suffix.lower() == ".json"
        else _submissions_from_xlsx(path)
    )
    rows = []
    for number, (uuid, household, members) in enumerate(submissions, start=1):
        if not uuid:
            raise ApplicationError(f"{path.name}: submission {number} has no submission id")
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
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
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
    report = households_import(table=fresh, dry_run=dry_run, progress=progress)
    report.rows, report.updated = len(table.rows), len(done)
    return report
