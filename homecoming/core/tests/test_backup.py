"""Backups on the database the suite runs on: SQLite, and PostgreSQL under with_postgres.py.

Transactional tests: pg_dump, in its own session, sees committed rows only."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from homecoming.accounts.models import Role, User
from homecoming.core.backup import POSTGRES, SQLITE, backup_create, backup_restore, checksum_path
from homecoming.core.errors import ApplicationError
from homecoming.places.models import Settlement

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_the_database_as_it_was(places, make_user, tmp_path):
    path = tmp_path / "homecoming.backup"
    result = backup_create(path=path)
    assert result.verified
    assert result.counts[Settlement._meta.db_table] == 3
    assert result.counts[User._meta.db_table] == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert checksum_path(path).read_text() == f"{digest}  homecoming.backup\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["homecoming.backup", "homecoming.backup.sha256"]
    )

    Settlement.objects.filter(name="Zar").update(name="Zar (changed)")
    make_user("newcomer", Role.VIEWER)
    restored = backup_restore(path=path)

    assert Settlement.objects.filter(name="Zar").exists()
    assert not User.objects.exists()
    assert restored == result.counts


def test_the_verification_leaves_no_scratch_database_behind(places, tmp_path):
    backup_create(path=tmp_path / "homecoming.backup")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%_verify_%"])
            assert cursor.fetchall() == []


def test_a_backup_that_does_not_match_its_checksum_is_not_restored(places, tmp_path):
    path = tmp_path / "homecoming.backup"
    backup_create(path=path, verify=False)
    Settlement.objects.filter(name="Zar").update(name="Zar (changed)")
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(damaged)
    with pytest.raises(
        ApplicationError,
        match=r"homecoming\.backup: its SHA-256 checksum does not match homecoming\.backup\.sha256",
    ):
        backup_restore(path=path)
    assert Settlement.objects.filter(name="Zar (changed)").exists()


def test_a_backup_without_its_checksum_is_not_restored(places, tmp_path):
    path = tmp_path / "homecoming.backup"
    backup_create(path=path, verify=False)
    checksum_path(path).unlink()
    with pytest.raises(
        ApplicationError, match="no checksum file homecoming.backup.sha256 beside it"
    ):
        backup_restore(path=path)


def test_a_backup_of_the_other_kind_of_database_is_refused(places, tmp_path):
    ours, other = (SQLITE, POSTGRES) if connection.vendor == "sqlite" else (POSTGRES, SQLITE)
    path = tmp_path / "other.backup"
    path.write_bytes(other.signature + b"\0" * 100)
    checksum_path(path).write_text(
        hashlib.sha256(path.read_bytes()).hexdigest() + "  other.backup\n"
    )
    with pytest.raises(
        ApplicationError,
        match=f"other.backup is a backup of {other.name}; this database is {ours.name}",
    ):
        backup_restore(path=path)
    assert Settlement.objects.count() == 3


def test_the_commands_back_up_and_restore(places, tmp_path):
    path = tmp_path / "nightly.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    rows = sum(backup_create(path=tmp_path / "again.backup", verify=False).counts.values())
    assert f"nightly.backup: {rows} rows in " in out.getvalue()
    assert (
        "verified (a restore into a scratch database has the same rows in every table)"
        in out.getvalue()
    )
    assert f"SHA-256 {hashlib.sha256(path.read_bytes()).hexdigest()}" in out.getvalue()

    Settlement.objects.filter(name="Zar").delete()
    out = StringIO()
    call_command("restore", str(path), "--no-input", stdout=out)
    assert f"{rows} rows in" in out.getvalue()
    assert Settlement.objects.filter(name="Zar").exists()


def test_restore_asks_first_and_changes_nothing_without_yes(places, tmp_path, monkeypatch):
    path = tmp_path / "nightly.backup"
    backup_create(path=path, verify=False)
    Settlement.objects.filter(name="Zar").delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled; nothing changed"):
        call_command("restore", str(path))
    assert not Settlement.objects.filter(name="Zar").exists()


def test_a_backup_into_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(ApplicationError, match="no such directory"):
        backup_create(path=tmp_path / "missing" / "homecoming.backup")
