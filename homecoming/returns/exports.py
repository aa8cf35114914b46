"""A departure's passenger list as a workbook, for the assembly point and the transport."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from homecoming.returns.models import Cohort
from homecoming.returns.selectors import PassengerRow, member_name


def departure_title(cohort: Cohort) -> str:
    """The departure in words: where to, and when."""
    return _("To %(place)s on %(date)s") % {
        "place": cohort.destination.display_name,
        "date": f"{cohort.move_date:%Y-%m-%d}",
    }


def passenger_columns() -> list[str]:
    """The columns of the passenger list, in the language of the request
    (docs/data-formats.md, Passenger list)."""
    return [
        _("Reference"),
        _("Head of household"),
        _("Members"),
        _("Names of the members"),
        _("Phone"),
        _("From"),
        _("Home"),
        _("Seat"),
        _("Note"),
    ]


def passenger_workbook(cohort: Cohort, rows: list[PassengerRow]) -> bytes:
    """The passenger list of ``cohort``: one row per household, the columns of
    :func:`passenger_columns`, set to print on A4 portrait with the departure in the
    page header and the page number in the footer."""
    book = Workbook()
    sheet = book.active
    title = departure_title(cohort)
    sheet.title = f"{cohort.move_date:%Y-%m-%d}"
    sheet.append(passenger_columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.household.reference,
                member_name(row.head) if row.head else "",
                len(row.members),
                "\n".join(row.names),
                row.phone,
                row.household.origin_settlement.display_name,
                str(row.passenger.reservation.unit),
                row.passenger.get_status_display(),
                row.passenger.note_in_words,
            ]
        )
    for cell in (cell for line in sheet.iter_rows(min_row=2) for cell in line):
        if isinstance(cell.value, str):
            # Text as typed, never a formula: openpyxl takes "=…" for one.
            cell.data_type = "s"
    for cell in sheet["D"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGHI", (14, 28, 9, 36, 16, 18, 12, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = f"{title} · {cohort.transport}"
    sheet.oddFooter.center.text = _("page &P of &N")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
