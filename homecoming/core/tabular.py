"""Reading import files and reporting on them, the same way for every import.

Every import in Homecoming is all-or-nothing: all rows are checked first, every
problem is reported with its row number (as the user sees it in a spreadsheet)
and column, and nothing is written unless every row is good. ``--dry-run`` goes
further and writes inside a transaction that is then rolled back, so that the
database's own constraints are checked too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.accounts.audit import change_reason
from homecoming.core.errors import ApplicationError
from homecoming.core.safety import (
    check_file_size,
    looks_like_formula,
    open_workbook,
    unreadable_workbook,
)
from homecoming.core.text import clean, invisible_characters

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in the file as a spreadsheet shows it (header = 1)
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows that are imported but deserve a look (e.g. a project on land not yet released).
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @classmethod
    def begin(cls, kind: str, table: Table, *, dry_run: bool, required: set[str]) -> ImportReport:
        """A report for ``table``, holding an error for each required column it lacks."""
        report = cls(kind=kind, file=table.name, rows=len(table.rows), dry_run=dry_run)
        report.errors += require_columns(table, required)
        return report

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "dry_run": self.dry_run,
            "written": self.written,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in self.errors
            ],
            "warnings": [
                {"row": w.row, "column": w.column, "message": w.message} for w in self.warnings
            ],
        }


def _is_hxl_row(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_rows(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApplicationError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
        yield from csv.reader(io.StringIO(text, newline=""))
    elif suffix == ".xlsx":
        workbook = open_workbook(path)
        try:
            # Read-only workbooks parse each sheet as it is iterated, so a bad sheet
            # (an entity bomb refused by defusedxml, say) fails here, not on opening.
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                yield [_xlsx_cell(v) for v in values]
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise unreadable_workbook(path, exc) from exc
        finally:
            workbook.close()
    else:
        raise ApplicationError(
            f"{path.name}: unsupported file type {suffix!r}; use .csv, .xlsx or .geojson"
        )


def read_table(path: Path | str) -> Table:
    """Read a CSV (UTF-8) or XLSX file whose first row names the columns.

    A second row of HXL hashtags (``#adm2+name``…) is recognised and skipped.
    Column names are compared in lower case without surrounding spaces.
    """
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file")
    check_file_size(path)
    if path.suffix.lower() in (".geojson", ".json"):
        return _read_features(path)
    rows = _read_rows(path)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise ApplicationError(
            f"{path.name}: the file is empty; the first row must name the columns"
        )
    columns = [h.strip().lower() for h in header]
    if len(columns) == 1 and ";" in columns[0]:
        raise ApplicationError(
            f"{path.name}: the columns are separated by semicolons; save the file as "
            "comma-separated CSV (UTF-8)"
        )
    table_rows: list[Row] = []
    for number, cells in enumerate(rows, start=2):
        if number == 2 and _is_hxl_row(cells):
            continue
        if not any(c.strip() for c in cells):
            continue
        padded = cells + [""] * (len(columns) - len(cells))
        values = {col: padded[i] for i, col in enumerate(columns) if col}
        table_rows.append(Row(number=number, values=values))
    return Table(name=path.name, columns=columns, rows=table_rows)


def _read_features(path: Path) -> Table:
    """A GeoJSON FeatureCollection as a table: one row per feature, numbered from 1,
    its properties as columns and its geometry, as GeoJSON text, in ``geometry``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(f"{path.name}: not a GeoJSON file ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ApplicationError(f"{path.name}: a GeoJSON FeatureCollection is expected")
    columns: list[str] = ["geometry"]
    rows = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        if not isinstance(feature, dict):
            raise ApplicationError(f"{path.name}: feature {number} is not an object")
        properties = feature.get("properties") or {}
        values = {
            str(k).strip().lower(): "" if v is None else str(v) for k, v in properties.items()
        }
        values["geometry"] = json.dumps(feature.get("geometry"))
        columns += [c for c in values if c not in columns]
        rows.append(Row(number=number, values=values))
    return Table(name=path.name, columns=columns, rows=rows)


def require_columns(table: Table, required: set[str]) -> list[RowError]:
    missing = sorted(required - set(table.columns))
    return [RowError(1, col, "required column is missing") for col in missing]


class OncePerFile:
    """Refuses a key (a code, a reference) given on two rows of one file, naming the first."""

    def __init__(self) -> None:
        self._rows: dict[object, int] = {}

    def check(self, reader: RowReader, column: str, key: object, shown: str) -> None:
        if key in self._rows:
            reader.error(column, f"{shown} is also given on row {self._rows[key]}")
        else:
            self._rows[key] = reader.row.number


def upsert(model: type, items: list[tuple[dict, dict]]) -> tuple[int, int]:
    """``update_or_create`` each (lookup, values) pair; returns (created, updated)."""
    created = sum(
        model.objects.update_or_create(**lookup, defaults=values)[1] for lookup, values in items
    )
    return created, len(items) - created


class RowReader:
    """Typed access to one row's cells that records a :class:`RowError` per bad cell.

    Each accessor returns ``None`` when the cell is empty or bad, so an importer
    reads every cell, then checks ``reader.ok`` once.
    """

    def __init__(self, row: Row, errors: list[RowError]) -> None:
        self.row = row
        self._errors = errors
        self._count = len(errors)

    @property
    def ok(self) -> bool:
        return len(self._errors) == self._count

    def error(self, column: str, message: str) -> None:
        self._errors.append(RowError(self.row.number, column, message))

    def raw(self, column: str) -> str:
        return self.row.values.get(column, "") or ""

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        raw = self.raw(column)
        hidden = invisible_characters(raw)
        if hidden:
            self.error(column, f"contains invisible characters ({', '.join(hidden)})")
            return ""
        value = clean(raw)
        if looks_like_formula(value):
            self.error(column, f"{value[:30]!r} would run as a formula in a spreadsheet")
            return ""
        if required and not value:
            self.error(column, "is required")
        elif len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters")
            return ""
        return value

    def choice(self, column: str, allowed: list[str], *, required: bool = True) -> str | None:
        value = self.text(column, required=required).lower()
        if not value:
            return None
        if value not in allowed:
            self.error(column, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return value

    def decimal(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = (
                Decimal(value.replace(",", ""))
                if re.fullmatch(r"-?[\d,]*\.?\d+", value)
                else Decimal("NaN")
            )
        except InvalidOperation:
            number = Decimal("NaN")
        if number.is_nan():
            self.error(column, f"{value!r} is not a number")
            return None
        too_low = minimum is not None and number < minimum
        too_high = maximum is not None and number > maximum
        if too_low or too_high:
            if minimum is not None and maximum is not None:
                self.error(column, f"must be between {minimum} and {maximum} (got {value})")
            elif too_low:
                self.error(column, f"must be at least {minimum} (got {value})")
            else:
                self.error(column, f"must be at most {maximum} (got {value})")
            return None
        return number

    def integer(self, column: str, *, required: bool = False, minimum: int = 0) -> int | None:
        number = self.decimal(column, required=required, minimum=minimum)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(column, f"must be a whole number (got {self.raw(column).strip()})")
            return None
        return int(number)

    def codes(self, column: str, allowed: list[str]) -> list[str]:
        """A ``;``-separated list of choices, e.g. ``ap_mines; uxo``."""
        values = [v.strip().lower() for v in self.text(column, max_length=500).split(";")]
        values = [v for v in values if v]
        wrong = [v for v in values if v not in allowed]
        if wrong:
            self.error(column, f"{', '.join(map(repr, wrong))} not in {', '.join(allowed)}")
            return []
        return sorted(set(values), key=values.index)

    def boolean(self, column: str, *, default: bool = False) -> bool:
        value = self.text(column).lower()
        if not value:
            return default
        if value in ("yes", "true", "1", "y"):
            return True
        if value in ("no", "false", "0", "n"):
            return False
        self.error(column, f"{value!r} is not yes or no")
        return default

    def date(
        self, column: str, *, required: bool = False, allow_future: bool = False
    ) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            self.error(column, f"{value!r} is not a date in the form YYYY-MM-DD")
            return None
        if not allow_future and day > timezone.localdate():
            self.error(column, f"{value} is in the future")
            return None
        return day

    def geojson(self, column: str, *, kinds: tuple[str, ...]) -> dict | None:
        """A GeoJSON geometry in WGS84 whose type is one of ``kinds``; must be valid."""
        value = self.raw(column).strip()
        if not value:
            return None
        from homecoming.core.geometry import GeometryError, parse_geometry

        try:
            return parse_geometry(json.loads(value), kinds=kinds)
        except json.JSONDecodeError as exc:
            self.error(column, f"is not GeoJSON ({exc.msg} at character {exc.pos})")
        except GeometryError as exc:
            self.error(column, str(exc))
        return None


def write_all_or_nothing(
    report: ImportReport, write: Callable[[], tuple[int, int]]
) -> ImportReport:
    """Run ``write`` (which returns created, updated) in one transaction.

    Nothing runs when the report already holds errors. A dry run writes and rolls
    back, so the report's counts are what a real run would do. The audit trail gives
    every change the import as its reason ("import households file.csv").
    """
    if report.errors:
        return report
    with transaction.atomic(), change_reason(f"import {report.kind} {report.file}"):
        report.created, report.updated = write()
        if report.dry_run:
            transaction.set_rollback(True)
    return report
