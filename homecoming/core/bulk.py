"""Inserting rows by the hundred thousand: the national imports' write path.

``QuerySet.bulk_create`` builds a model instance per row and compiles every value through
its field, which costs more than the insert itself when a registry of a million people
is loaded. Here rows are plain dicts keyed by the fields' ``attname``; the database gets
them through PostgreSQL ``COPY`` or SQLite ``executemany``, and only the columns whose
values the driver cannot take as they are (JSON, date-times, decimals) pass through
their field. Ids are taken before the insert, so that rows referring to these (members
to their household) can be built without reading anything back.

Call these inside ``transaction.atomic()``: on SQLite the ids come from the table itself,
which is safe only while the transaction holds the write lock (Homecoming opens SQLite
transactions IMMEDIATE, see settings).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice

from django.db import connection, models
from django.utils import timezone

BATCH = 10_000

# Fields whose Python values both drivers take as they are (SQLite through the adapters
# Django registers, e.g. for dates); every other field's values go through the field.
_AS_THEY_ARE = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def ids_take(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, for rows about to be inserted."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("ids_take needs a transaction holding the write lock")
        quote = connection.ops.quote_name
        # AUTOINCREMENT never gives an id twice, even a deleted row's: start past both
        # the table's largest id and the highest ever handed out.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0), "  # noqa: S608 (names from the model)
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def rows_insert(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, values ready
    for the driver: ``COPY`` on PostgreSQL, ``executemany`` a batch at a time on SQLite."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def records_complete(model: type[models.Model], records: Sequence[dict]) -> list[dict]:
    """``records`` with every field of ``model``: one a record leaves out takes its default
    (``auto_now``/``auto_now_add``: now). The fields left out are those of the first record."""
    if not records:
        return []
    missing = {
        field.attname: _default(field)
        for field in model._meta.concrete_fields
        if field.attname not in records[0] and not field.primary_key
    }
    return [{**missing, **record} for record in records] if missing else list(records)


def records_insert(model: type[models.Model], records: Sequence[dict]) -> None:
    """Insert ``records`` (dicts by field ``attname``, ids from :func:`ids_take`) into
    ``model``'s table; fields left out take their defaults."""
    records = records_complete(model, records)
    if not records:
        return
    fields = [f for f in model._meta.concrete_fields if f.attname in records[0]]
    convert = [_converter(field) for field in fields]
    rows = (tuple(to_db(record) for to_db in convert) for record in records)
    rows_insert(model._meta.db_table, [field.column for field in fields], rows)


def _converter(field: models.Field) -> Callable[[dict], object]:
    """How one column's value is read from a record and made ready for the driver."""
    name = field.attname
    if isinstance(field, _AS_THEY_ARE) or type(field) is models.DateField:
        return lambda record: record[name]
    if isinstance(field, models.JSONField):
        # JSON text: SQLite stores it so, and COPY reads it into jsonb; None is SQL NULL.
        def to_json(record: dict) -> str | None:
            value = record[name]
            return None if value is None else json.dumps(value, cls=field.encoder)

        return to_json
    # Date-times and the like: one value often fills the whole column (an import's "now").
    prepare = lru_cache(maxsize=1024)(lambda value: field.get_db_prep_save(value, connection))
    return lambda record: prepare(record[name])


def _default(field: models.Field) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


@contextmanager
def index_deferred(model: type[models.Model], name: str, *, when: bool) -> Iterator[None]:
    """Build ``model``'s index ``name`` once, after the block, ``when`` the block inserts
    about as many rows as the table holds or more (rebuilding it then costs no more than
    the rows' own share): SQLite sorts the keys in one pass instead of placing each in the
    tree as it comes, which at a million people's keys reads and writes the index's pages
    over and over (2-3× the processor time).

    Inside ``transaction.atomic()``: the index is dropped and made again in the block's
    transaction, so a rolled back block leaves it as it was, and readers (WAL) keep
    reading the table with it. On PostgreSQL the index stays: dropping it would hold every
    reader of the table until the transaction ends."""
    index = next(index for index in model._meta.indexes if index.name == name)
    if connection.vendor != "sqlite" or not when:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("index_deferred needs a transaction")
    editor = connection.schema_editor()  # for the statements only: not entered
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        cursor.execute(str(index.create_sql(model, editor)))
