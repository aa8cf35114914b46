"""Backing up the whole database to one file, and restoring it.

SQLite is copied with its online backup API, PostgreSQL with ``pg_dump --format=custom``; both
while the system runs, in one snapshot that the row counts are read in too. A backup is kept
only once it is verified: restored into a scratch database (an in-memory SQLite database, or a
PostgreSQL database created for the purpose and dropped after), whose rows per table must
equal the source's. ``FILE.sha256`` (in ``sha256sum`` format) is written beside it, and a
restore refuses a file that does not match it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.db import connection, transaction

from homecoming.core.errors import ApplicationError

Counts = dict[str, int]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    counts: Counts  # rows per table in the database when it was backed up
    verified: bool

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def backup_create(*, path: Path, verify: bool = True) -> BackupResult:
    """Back up the database to ``path`` (replacing it only once the new backup is verified)."""
    engine = _engine()
    if connection.in_atomic_block:
        raise ApplicationError("a backup cannot be taken inside a transaction")
    if not path.parent.is_dir():
        raise ApplicationError(f"{path.parent}: no such directory")
    partial = path.with_name(path.name + ".partial")
    try:
        counts = engine.dump(partial)
        if verify:
            _compare(counts, engine.restored_counts(partial))
        digest = _sha256(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    checksum_path(path).write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return BackupResult(path=path, sha256=digest, counts=counts, verified=verify)


def backup_restore(*, path: Path) -> Counts:
    """Replace the database's contents with the backup's; returns the rows per table restored.

    Refused, with nothing changed, when the file does not match its checksum or is a backup
    of the other kind of database.
    """
    if not path.is_file():
        raise ApplicationError(f"{path}: no such file")
    sums = checksum_path(path)
    if not sums.is_file():
        raise ApplicationError(
            f"{path.name}: no checksum file {sums.name} beside it; a backup that cannot be "
            "checked is not restored"
        )
    expected = (sums.read_text(encoding="utf-8").split() or [""])[0].lower()
    if _sha256(path) != expected:
        raise ApplicationError(
            f"{path.name}: its SHA-256 checksum does not match {sums.name}; the file is "
            "damaged or was changed, and is not restored"
        )
    engine = _engine()
    with path.open("rb") as file:
        start = file.read(16)
    kind = next((e for e in ENGINES if start.startswith(e.signature)), None)
    if kind is None:
        raise ApplicationError(
            f"{path.name}: not a Homecoming backup (neither an SQLite database nor a pg_dump "
            "archive)"
        )
    if kind is not engine:
        raise ApplicationError(
            f"{path.name} is a backup of {kind.name}; this database is {engine.name}"
        )
    if connection.in_atomic_block:
        raise ApplicationError("a restore cannot run inside a transaction")
    engine.restore(path)
    with connection.cursor() as cursor:
        return engine.counts(cursor)


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _compare(source: Counts, restored: Counts) -> None:
    differences = [
        f"{table}: {source.get(table, 'no table')} in the database, "
        f"{restored.get(table, 'no table')} in the restored copy"
        for table in sorted(source.keys() | restored.keys())
        if source.get(table) != restored.get(table)
    ]
    if differences:
        raise ApplicationError(
            "the backup does not match the database, and was not kept: " + "; ".join(differences)
        )


def _count_rows(cursor, tables: Iterable[str]) -> Counts:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


class Engine(Protocol):
    name: str
    signature: bytes  # how a backup file of this kind starts

    def dump(self, target: Path) -> Counts: ...
    def restored_counts(self, backup: Path) -> Counts: ...
    def restore(self, backup: Path) -> None: ...
    def counts(self, cursor) -> Counts: ...


class _Sqlite:
    name = "SQLite"
    signature = b"SQLite format 3\x00"

    def counts(self, cursor) -> Counts:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return _count_rows(cursor, [name for (name,) in cursor.fetchall()])

    def dump(self, target: Path) -> Counts:
        connection.ensure_connection()
        db = connection.connection
        # One read transaction for the counts and the copy, so both see one snapshot while
        # writers go on (WAL). Not Django's atomic(): its BEGIN IMMEDIATE takes the write
        # lock, and the backup API then waits for it forever.
        db.execute("BEGIN DEFERRED")
        try:
            counts = self.counts(db.cursor())
            copy = sqlite3.connect(target)
            try:
                db.backup(copy)
                # One self-contained file: the copy would otherwise keep the source's WAL mode.
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            db.execute("COMMIT")
        return counts

    def restored_counts(self, backup: Path) -> Counts:
        scratch = sqlite3.connect(":memory:")
        try:
            with _read_only(backup) as source:
                source.backup(scratch)
            (integrity,) = scratch.execute("PRAGMA integrity_check").fetchone()
            if integrity != "ok":
                raise ApplicationError(f"{backup.name}: the copy is damaged ({integrity})")
            return self.counts(scratch.cursor())
        except sqlite3.DatabaseError as exc:
            raise ApplicationError(f"{backup.name}: the copy cannot be read ({exc})") from exc
        finally:
            scratch.close()

    def restore(self, backup: Path) -> None:
        connection.ensure_connection()
        try:
            with _read_only(backup) as source:
                source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise ApplicationError(f"{backup.name}: not restored ({exc})") from exc


class _read_only:
    """An SQLite file opened read-only, closed on leaving."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


class _Postgres:
    name = "PostgreSQL"
    signature = b"PGDMP"
    _TABLES = (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname"
    )

    def counts(self, cursor) -> Counts:
        cursor.execute(self._TABLES)
        return _count_rows(cursor, [name for (name,) in cursor.fetchall()])

    def dump(self, target: Path) -> Counts:
        # pg_dump joins this transaction's snapshot, so the file holds exactly the rows counted.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            counts = self.counts(cursor)
            self._run(
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={connection.settings_dict['NAME']}",
            )
        return counts

    def restored_counts(self, backup: Path) -> Counts:
        import psycopg

        scratch = f"{connection.settings_dict['NAME'][:40]}_verify_{secrets.token_hex(4)}"
        quoted = connection.ops.quote_name(scratch)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted}")
        try:
            self._run(*self._restore_options, f"--dbname={scratch}", str(backup))
            params = {**connection.get_connection_params(), "dbname": scratch}
            with psycopg.connect(**params) as db, db.cursor() as cursor:
                return self.counts(cursor)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

    def restore(self, backup: Path) -> None:
        connection.close()
        # --clean drops each object before recreating it; one transaction, so a failure
        # leaves the database as it was.
        self._run(
            *self._restore_options,
            "--clean",
            "--if-exists",
            f"--dbname={connection.settings_dict['NAME']}",
            str(backup),
        )

    _restore_options = (
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    )

    @staticmethod
    def _run(tool: str, *arguments: str) -> None:
        executable = shutil.which(tool)
        if executable is None:
            raise ApplicationError(
                f"{tool} not found; install the PostgreSQL client tools (the server's major "
                "version or newer)"
            )
        settings_dict = connection.settings_dict
        # The password and TLS options travel in the environment, as psql's do, never in
        # the command line that other users of the machine can see.
        _args, secret_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
        env = os.environ | (secret_env or {})
        for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
            if settings_dict.get(key):
                env[variable] = str(settings_dict[key])
        done = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
            [executable, *arguments], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise ApplicationError(f"{tool} failed: {done.stderr.strip()}")


SQLITE, POSTGRES = _Sqlite(), _Postgres()
ENGINES: tuple[Engine, ...] = (SQLITE, POSTGRES)


def _engine() -> Engine:
    engines = {"sqlite": SQLITE, "postgresql": POSTGRES}
    if connection.vendor not in engines:
        raise ApplicationError(f"backups of {connection.vendor} databases are not supported")
    return engines[connection.vendor]
