"""CSV exports shared by every app: streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise text that a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """A CSV download of ``rows``, streamed.

    The first row is read here, before any byte is sent: a query that fails raises in the
    view, which answers with an error page (and logs no export), instead of a "200 OK"
    whose file holds the header alone.
    """
    rows = iter(rows)
    first = list(itertools.islice(rows, 1))
    response = StreamingHttpResponse(
        csv_lines(header, itertools.chain(first, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
