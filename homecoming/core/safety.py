"""Checks an import file passes before anything parses it.

A file of a few kilobytes can claim gigabytes once unzipped (a zip bomb), and an XLSX
is a zip of XML files: its entries are measured from the zip's directory before
openpyxl opens it. Python's ``zipfile`` never inflates an entry past the size the
directory declares, so bounding the declared sizes bounds the memory. The XML itself is
parsed by openpyxl through defusedxml (entity expansion and external entities refused);
:func:`open_workbook` refuses to run if that protection is off.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from defusedxml.common import DefusedXmlException
from django.conf import settings
from openpyxl.workbook.workbook import Workbook

from homecoming.core.errors import ApplicationError

MB = 1024 * 1024
# Entries smaller than this cannot hurt, whatever their compression ratio.
_RATIO_CHECKED_FROM = 1 * MB
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2 compound file: Excel 97-2003 .xls
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): one starting with
# "=" or "@", or with "+" or "-" unless the whole cell is a number or a phone number.
_FORMULA = re.compile(r"[=@]|[+-](?![\d\s().,/-]*$)")


def size_text(size: int) -> str:
    """``size`` bytes as people say it: 512 KB, 200 MB, 2.1 GB."""
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA.match(text))


def check_file_size(path: Path) -> None:
    """Refuse an import file larger than ``IMPORT_MAX_FILE_MB`` before reading a byte."""
    limit = settings.IMPORT_MAX_FILE_MB * MB
    size = path.stat().st_size
    if size > limit:
        raise ApplicationError(
            f"{path.name}: the file is {size_text(size)}, more than the {size_text(limit)} "
            "limit for an import; split it into smaller files"
        )


def check_workbook(path: Path) -> None:
    """Refuse an XLSX that is not a zip, or whose zip is a bomb: too many entries, too
    large once expanded, or compressed more than a workbook ever is."""
    with path.open("rb") as file:
        start = file.read(4)
    if start == _OLD_EXCEL_MAGIC:
        raise ApplicationError(
            f"{path.name}: not a readable XLSX workbook (it is an Excel 97-2003 .xls file; "
            "save it as .xlsx)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ApplicationError(
            f"{path.name}: not a readable XLSX workbook (not a zip archive: a CSV or other "
            f"file renamed .xlsx? {exc})"
        ) from exc
    if len(entries) > settings.XLSX_MAX_ENTRIES:
        raise ApplicationError(
            f"{path.name}: the workbook holds {len(entries)} parts, more than the "
            f"{settings.XLSX_MAX_ENTRIES} limit"
        )
    expanded, limit = sum(e.file_size for e in entries), settings.XLSX_MAX_EXPANDED_MB * MB
    if expanded > limit:
        raise ApplicationError(
            f"{path.name}: the workbook expands to {size_text(expanded)}, more than the "
            f"{size_text(limit)} limit"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_CHECKED_FROM and ratio > settings.XLSX_MAX_COMPRESSION_RATIO:
            raise ApplicationError(
                f"{path.name}: {entry.filename} is compressed {ratio:.0f} to 1, more than the "
                f"{settings.XLSX_MAX_COMPRESSION_RATIO} to 1 limit (a zip bomb?)"
            )


@contextmanager
def open_workbook(path: Path) -> Iterator[Workbook]:
    """An XLSX opened for reading, once it has passed :func:`check_workbook`, and closed
    after the block. Formula cells read as their formulas (``=A1``), never as the values a
    spreadsheet last saved for them: a file written by a tool holds none, and a formula is
    refused like any cell that would run as one.

    Read-only workbooks parse each sheet as it is iterated, so a broken sheet (an entity bomb
    refused by defusedxml, say) fails inside the block: whatever openpyxl raises there, on
    opening or reading, becomes the one error in words of :func:`unreadable_workbook`.
    """
    if not openpyxl.DEFUSEDXML:
        raise ApplicationError(
            "XLSX imports need defusedxml, and OPENPYXL_DEFUSEDXML must not be False"
        )
    check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise unreadable_workbook(path, exc) from exc
    try:
        yield workbook
    except ApplicationError:
        raise
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise unreadable_workbook(path, exc) from exc
    finally:
        workbook.close()


def unreadable_workbook(path: Path, exc: Exception) -> ApplicationError:
    """The error for a workbook openpyxl could not read, naming an XML attack as such
    (openpyxl wraps defusedxml's refusal in an error of its own)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ApplicationError(
                f"{path.name}: not a readable XLSX workbook (its XML declares entities or "
                f"external references, which imports refuse: {cause})"
            )
        cause = cause.__cause__ or cause.__context__
    return ApplicationError(f"{path.name}: not a readable XLSX workbook ({exc})")
