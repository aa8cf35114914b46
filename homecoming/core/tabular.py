"""Reading import files and reporting on them, the same way for every import.

Every import in Homecoming is all-or-nothing: all rows are checked first, every
problem is reported with its row number (as the user sees it in a spreadsheet)
and column, and nothing is written unless every row is good. ``--dry-run`` goes
further and writes inside a transaction that is then rolled back, so that the
database's own constraints are checked too.

A file of a national registry (a million rows) is not held in memory: ``stream_table``
gives a table whose rows are read from the file at each pass, and an importer that takes
one checks each row's cells as it reads it (:meth:`ImportReport.begin_streamed`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from homecoming.core.audit import bulk_create_audited, change_reason
from homecoming.core.errors import ApplicationError
from homecoming.core.safety import (
    check_file_size,
    looks_like_formula,
    open_workbook,
)
from homecoming.core.text import (
    clean,
    invisible_characters,
    lookalike_characters,
    mixed_scripts,
)

Progress = Callable[[int, int], None]
EARLIEST_DATE = dt.date(1900, 1, 1)
# The largest number an import takes: more than any amount, area or figure of a return
# programme, less than every numeric column holds (a project's amounts hold 14 digits).
LARGEST_NUMBER = 10**12
# The largest whole number any count column holds (a 32-bit integer in the database).
LARGEST_INTEGER = 2_147_483_647
# What a spreadsheet writes in a cell whose formula failed (Excel, then LibreOffice).
_SPREADSHEET_ERROR = re.compile(
    r"#(N/A|REF!|DIV/0!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!"
    r"|UNKNOWN!|GETTING_DATA)|Err:\d{3}",
    re.IGNORECASE,
)
# The most columns an import reads: far more than any import has.
MAX_COLUMNS = 1000
_HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+\s*[a-z0-9_]+)*", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?", re.ASCII)


def cell_problem(value: str) -> str | None:
    """Why no import may take ``value``, whatever its column, or None when it may.

    One rule for every cell of every file: a column cannot forget it (docs/data-formats.md,
    "Text").
    """
    if value.isascii() and value.isprintable():  # the usual cell: only its start can be wrong
        start = value.lstrip()[:1]
        if start not in ("=", "@", "+", "-", "#") and not value.lstrip().startswith("Err:"):
            return None
    hidden = invisible_characters(value)
    if hidden:
        return f"contains invisible characters ({', '.join(dict.fromkeys(hidden))})"
    text = clean(value)
    if _SPREADSHEET_ERROR.fullmatch(text):
        return f"{text!r} is a spreadsheet error, not a value: correct the formula it came from"
    if looks_like_formula(text):
        return f"{text[:30]!r} would run as a formula in a spreadsheet"
    lookalikes = lookalike_characters(text)
    if lookalikes:
        return (
            f"{text[:30]!r} has letters or digits of another script or form "
            f"({', '.join(lookalikes[:3])}); use Latin or Cyrillic letters and the digits 0-9"
        )
    mixed = mixed_scripts(text)
    if mixed:
        return f"{mixed[0]!r} mixes Latin and Cyrillic letters in one word"
    return None


@dataclass(frozen=True)
class Row:
    number: int  # the row's number in the file as a spreadsheet shows it (header = 1)
    values: dict[str, str]

    @cached_property
    def refused(self) -> dict[str, str]:
        """The cells of this row no import may take: column → why (see :func:`cell_problem`)."""
        return {
            column: problem
            for column, value in self.values.items()
            if value and (problem := cell_problem(value))
        }


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    # The rows in memory, or read from the file anew at each pass (:func:`stream_table`).
    rows: Sequence[Row] | FileRows


class FileRows:
    """A file's rows, read from the file each time they are walked through, so that a
    national file is never held in memory whole. Refuses, while reading, what
    :func:`read_table` refuses (cells beyond the header, the header repeated)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns

    def __iter__(self) -> Iterator[Row]:
        rows = _read_rows(self.path)
        next(rows, None)  # the header, read when the table was opened
        yield from _table_rows(self.path.name, self.columns, rows)

    def expected(self) -> int:
        """About how many rows the file holds (its lines less the header), for a progress
        bar: counted in bytes, without reading a row. A workbook's are not counted (0)."""
        if self.path.suffix.lower() != ".csv":
            return 0
        lines = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
        return max(lines - 1, 0)


def rows_expected(table: Table) -> int:
    """How many rows ``table`` holds, or about how many when they are read as they stream."""
    return table.rows.expected() if isinstance(table.rows, FileRows) else len(table.rows)


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
        """A report for ``table``, holding an error for each required column it lacks and for
        each cell, in any column, that no import may take (:func:`cell_problem`)."""
        report = cls.begin_streamed(kind, table, dry_run=dry_run, required=required)
        for _row in report.read(table):
            pass
        return report

    @classmethod
    def begin_streamed(
        cls, kind: str, table: Table, *, dry_run: bool, required: set[str]
    ) -> ImportReport:
        """:meth:`begin` for an importer that walks through the rows once, as they are read:
        the required columns are checked now, each row's cells as :meth:`read` gives it."""
        report = cls(kind=kind, file=table.name, dry_run=dry_run)
        report.errors += require_columns(table, required)
        return report

    def read(self, table: Table) -> Iterator[Row]:
        """Each row of ``table``, once an error is recorded for each of its cells that no
        import may take; counts the rows."""
        self.rows = 0
        reported: set[RowError] = set()  # rows of one Kobo submission share a number
        for row in table.rows:
            self.rows += 1
            for column, problem in row.refused.items():
                error = RowError(row.number, column, problem)
                if error not in reported:
                    reported.add(error)
                    self.errors.append(error)
            yield row

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def columns_missing(self) -> bool:
        """Whether a required column is missing: then the rows are not worth checking."""
        return any(e.row == 1 and e.message == MISSING for e in self.errors)

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


def is_hxl_row(cells: list[str]) -> bool:
    """Whether a row holds only HXL hashtags (`#adm2+name`): the row KoboToolbox and open-data
    files write under the header, never data."""
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(_HXL_TAG.fullmatch(c) for c in filled)


def xlsx_cell(value: Any) -> str:
    """A workbook cell as the text a CSV would hold. A formula is read as its formula, never
    as its saved value (which a tool that wrote the file may have left empty or stale), so
    that it is refused like any cell a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        return value.text or "=(array formula)"
    if isinstance(value, DataTableFormula):
        return "=(data table formula)"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(path: Path) -> str:
    """A file's UTF-8 text (a byte-order mark is read past), or an error saying where the
    first byte that is not UTF-8 is."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ApplicationError(
            f"{path.name}: not UTF-8 text (it is UTF-16, as Excel saves 'Unicode text'); "
            "save it as CSV UTF-8"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ApplicationError(
            f"{path.name}: not UTF-8 text ({exc.reason}: byte 0x{data[exc.start]:02X} on line "
            f"{line}); save it as CSV UTF-8"
        ) from exc


# The longest cell a CSV file may have (Python's default limit). The limit is the process's,
# and a library may raise it for itself (Frictionless does on import), so each read sets it.
CELL_LIMIT = 131_072


def _read_csv(path: Path) -> Iterator[list[str]]:
    """The rows of a CSV file as they are read, not the whole file at once."""
    csv.field_size_limit(CELL_LIMIT)
    with path.open("rb") as handle:
        if handle.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            read_text(path)  # refused in words
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ApplicationError(f"{path.name}: row {number}: {_csv_problem(exc)}") from exc
            except UnicodeDecodeError:
                read_text(path)  # says where the first byte that is not UTF-8 is
                raise
            yield cells
            number += 1


def _csv_problem(exc: csv.Error) -> str:
    message = str(exc)
    if message == "unexpected end of data":
        return (
            'a quote (") opened on this row is never closed, so the rest of the file would '
            "be read as one cell; close it or remove it"
        )
    if message.startswith("field larger than field limit"):
        return f'a cell is longer than {CELL_LIMIT:,} characters: is a quote (") left open?'
    if "expected after" in message:
        return 'a quoted cell has text after its closing quote ("); quote the whole cell'
    return f"not a readable CSV row ({message})"


def sheet_rows(name: str, sheet: Any) -> Iterator[list[str]]:
    """A read-only sheet's rows as text, as far as cells are really there. The sheet's
    declared dimension is ignored: ``A1:XFD1048576`` in a file of a few kilobytes would
    otherwise pad a million rows to 16,384 cells each. A row reaching past
    ``MAX_COLUMNS`` is refused for the same reason."""
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if len(values) > MAX_COLUMNS:
            raise ApplicationError(
                f"{name}: row {number} reaches column {len(values):,}; an import reads at most "
                f"{MAX_COLUMNS:,} columns (is formatting stretched to the sheet's last column?)"
            )
        yield [xlsx_cell(v) for v in values]


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    with open_workbook(path) as workbook:
        yield from sheet_rows(path.name, workbook.worksheets[0])
        others = [
            sheet.title
            for sheet in workbook.worksheets[1:]
            if any(cell for values in sheet_rows(path.name, sheet) for cell in values)
        ]
    if others:
        raise ApplicationError(
            f"{path.name}: the workbook has data on sheets other than the first "
            f"({', '.join(others)}); an import reads one sheet: move the rows to the first "
            "sheet or delete the others"
        )


def _read_rows(path: Path) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path)
    else:
        raise ApplicationError(
            f"{path.name}: unsupported file type {suffix!r}; use .csv, .xlsx or .geojson"
        )


def read_table(path: Path | str) -> Table:
    """Read a CSV (UTF-8) or XLSX file whose first row names the columns.

    A second row of HXL hashtags (``#adm2+name``…) is recognised and skipped.
    Column names are compared in lower case without surrounding spaces.
    A file whose structure is broken — two columns of one name, cells beyond the
    header, the header repeated further down — is refused, naming the row.
    """
    path = Path(path)
    table = stream_table(path)
    if isinstance(table.rows, FileRows):
        return Table(name=table.name, columns=table.columns, rows=list(table.rows))
    return table


def stream_table(path: Path | str) -> Table:
    """:func:`read_table` whose rows are read from the file at each pass through them
    (:class:`FileRows`), never held in memory together: for the national imports. The
    header is read now; a fault further down is refused when the rows reach it."""
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
    if len(header) == 1 and ";" in header[0]:
        raise ApplicationError(
            f"{path.name}: the columns are separated by semicolons; save the file as "
            "comma-separated CSV (UTF-8)"
        )
    columns = header_columns(path.name, header)
    rows.close()
    return Table(name=path.name, columns=columns, rows=FileRows(path, columns))


def _table_rows(name: str, columns: list[str], rows: Iterator[list[str]]) -> Iterator[Row]:
    """The rows after the header, as :func:`read_table` takes them."""
    for number, cells in enumerate(rows, start=2):
        if number == 2 and is_hxl_row(cells):
            continue
        if not any(c.strip() for c in cells):
            continue
        if (
            cells
            and clean(cells[0]).lower() == columns[0]
            and [clean(c).lower() for c in cells] == columns
        ):
            raise ApplicationError(
                f"{name}: row {number} repeats the header row (two files pasted "
                "together?); remove it"
            )
        yield Row(number=number, values=row_values(name, columns, cells, number))


def header_columns(
    name: str, header: list[str], *, rename: Callable[[str], str] = str
) -> list[str]:
    """The column names of a header row, compared in lower case without surrounding spaces
    (``rename`` maps each further, e.g. Kobo's ``members/given_name`` to ``given_name``).
    Two cells that name one column are refused, and so is a name no import may take."""
    columns = [rename(h.strip().lower()) for h in header]
    seen: dict[str, int] = {}
    for position, column in enumerate(columns, start=1):
        problem = cell_problem(column)
        if problem:
            raise ApplicationError(f"{name}: row 1, column {position}: {problem}")
        if column and column in seen:
            raise ApplicationError(
                f"{name}: row 1: columns {seen[column]} and {position} are both named "
                f"{column!r}; which one holds the data cannot be told"
            )
        seen[column] = position
    return columns


def row_values(name: str, columns: list[str], cells: Iterable[str], number: int) -> dict[str, str]:
    """A row's cells by column name; a filled cell under no column name is refused."""
    cells = list(cells)
    for position, cell in enumerate(cells, start=1):
        if cell.strip() and (position > len(columns) or not columns[position - 1]):
            raise ApplicationError(
                f"{name}: row {number}, column {position}: {cell.strip()[:30]!r} is in a "
                "column the header does not name; name the column or remove the cell"
            )
    return {
        column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns) if column
    }


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) < len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _value in pairs if key in seen or seen.add(key))
        raise ValueError(f"the key {twice!r} is given twice in one object")
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(path: Path, what: str) -> Any:
    """A JSON file's data, or an error in words: not UTF-8, not JSON, a key given twice in
    one object (JSON parsers keep the last), NaN or Infinity, numbers too long to read, or
    nesting too deep for the parser."""
    try:
        return json.loads(
            read_text(path), object_pairs_hook=_unique_keys, parse_constant=_no_constant
        )
    except RecursionError as exc:
        raise ApplicationError(f"{path.name}: not {what} (it is nested too deeply)") from exc
    except ValueError as exc:  # JSONDecodeError, and integers of more than 4,300 digits
        raise ApplicationError(f"{path.name}: not {what} ({exc})") from exc


def scalar_text(value: Any) -> str | None:
    """A JSON value as cell text, or None when it is a list or an object (not a cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return None
    return str(value)


def _read_features(path: Path) -> Table:
    """A GeoJSON FeatureCollection as a table: one row per feature, numbered from 1,
    its properties as columns and its geometry, as GeoJSON text, in ``geometry``."""
    data = load_json(path, "a GeoJSON file")
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ApplicationError(f"{path.name}: a GeoJSON FeatureCollection is expected")
    features = data.get("features") or []
    if not isinstance(features, list):
        raise ApplicationError(f"{path.name}: its features are not a list")
    columns: list[str] = ["geometry"]
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise ApplicationError(f"{path.name}: feature {number} is not an object")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise ApplicationError(
                f"{path.name}: feature {number}: its properties are not an object"
            )
        names = header_columns(f"{path.name}: feature {number}", [str(k) for k in properties])
        values = {}
        for column, value in zip(names, properties.values(), strict=True):
            text = scalar_text(value)
            if text is None:
                raise ApplicationError(
                    f"{path.name}: feature {number}, {column}: is a list or an object, not a value"
                )
            values[column] = text
        values["geometry"] = json.dumps(feature.get("geometry"))
        columns += [c for c in values if c not in columns]
        rows.append(Row(number=number, values=values))
    return Table(name=path.name, columns=columns, rows=rows)


MISSING = "required column is missing"


def require_columns(table: Table, required: set[str]) -> list[RowError]:
    missing = sorted(required - set(table.columns))
    return [RowError(1, col, MISSING) for col in missing]


class OncePerFile:
    """Refuses a key (a code, a reference) given on two rows of one file, naming the first."""

    def __init__(self) -> None:
        self._rows: dict[object, int] = {}

    def check(self, reader: RowReader, column: str, key: object, shown: str) -> None:
        if key in self._rows:
            reader.error(column, f"{shown} is also given on row {self._rows[key]}")
        else:
            self._rows[key] = reader.row.number


UPSERT_BATCH = 900  # lookup values per query: under every SQLite build's parameter limit


def upsert(model: type, items: list[tuple[dict, dict]]) -> tuple[int, int]:
    """``update_or_create`` each (lookup, values) pair; returns (created, updated).

    The pairs share their lookup's fields (unique per file). Records already there are updated
    one by one; the new ones are inserted together, each with its "created" history row.
    """
    if not items:
        return 0, 0
    names = list(items[0][0])
    attnames = [model._meta.get_field(name).attname for name in names]

    def key(lookup: dict) -> tuple:
        return tuple(getattr(lookup[name], "pk", lookup[name]) for name in names)

    firsts = sorted({key(lookup)[0] for lookup, _values in items}, key=str)
    existing: set[tuple] = set()
    for start in range(0, len(firsts), UPSERT_BATCH):
        batch = firsts[start : start + UPSERT_BATCH]
        existing.update(
            model.objects.filter(**{f"{attnames[0]}__in": batch}).values_list(*attnames)
        )
    new = [model(**lookup, **values) for lookup, values in items if key(lookup) not in existing]
    for lookup, values in items:
        if key(lookup) in existing:
            model.objects.update_or_create(**lookup, defaults=values)
    bulk_create_audited(model, new)
    return len(new), len(items) - len(new)


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
        """Record ``message`` for ``column``, unless the cell is one no import may take: that
        is reported once, by :meth:`ImportReport.begin`, and the cell reads as empty."""
        if column not in self.row.refused:
            self._errors.append(RowError(self.row.number, column, message))

    def raw(self, column: str) -> str:
        """The cell as the file holds it; empty when it is missing or refused."""
        if column in self.row.refused:
            return ""
        return self.row.values.get(column, "") or ""

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = clean(self.raw(column))
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
        largest: int = LARGEST_NUMBER,
    ) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        if len(value) > 40:
            self.error(column, f"{value[:20]}… has more digits than any number here")
            return None
        try:
            number = Decimal(value.replace(",", "")) if _NUMBER.fullmatch(value) else None
        except InvalidOperation:
            number = None
        if number is None:
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
        if abs(number) > largest:
            self.error(column, f"{value} is larger than any number taken here ({largest:,})")
            return None
        return number

    def integer(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: int = 0,
        maximum: int | None = None,
    ) -> int | None:
        number = self.decimal(
            column, required=required, minimum=minimum, maximum=maximum, largest=LARGEST_INTEGER
        )
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
        day = iso_date(value)
        if day is None:
            self.error(column, f"{value[:40]!r} is not a date in the form YYYY-MM-DD")
        elif day < EARLIEST_DATE:
            self.error(column, f"{value} is before 1900")
        elif not allow_future and day > timezone.localdate():
            self.error(column, f"{value} is in the future")
        else:
            return day
        return None

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
        except RecursionError:
            self.error(column, "is not GeoJSON (it is nested too deeply)")
        except GeometryError as exc:
            self.error(column, str(exc))
        return None


def iso_date(value: str) -> dt.date | None:
    """The day a whole cell names as ``YYYY-MM-DD``, or None: nothing before or after it
    (``2024-05-01 or 02``, ``2024-05-01T99:99``), no other ISO form (``20240501``)."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def write_all_or_nothing(
    report: ImportReport, write: Callable[[], tuple[int, int]]
) -> ImportReport:
    """Run ``write`` (which returns created, updated) in one transaction.

    Nothing runs when the report already holds errors; errors that ``write`` records (a
    check against the database made as the rows are written) roll it back whole. A dry run
    writes and rolls back, so the report's counts are what a real run would do. The audit
    trail gives every change the import as its reason ("import households file.csv").
    """
    if report.errors:
        return report
    try:
        with transaction.atomic(), change_reason(f"import {report.kind} {report.file}"):
            report.created, report.updated = write()
            if report.errors:
                report.created = report.updated = 0
            if report.dry_run or report.errors:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        # A check the rows passed but the database did not (a value longer than its column,
        # a row another import wrote meanwhile): the file is still refused whole, in words.
        report.created = report.updated = 0
        report.errors.append(
            RowError(0, "", f"the database refused the file, so nothing was written ({exc})")
        )
    return report
