"""Imports from the browser: a file is uploaded and kept, checked by the worker without
writing (a dry run), then imported by the worker once an officer confirms it.

The checks are the console's (``site/imports.py``); what the browser adds is the file kept
with its checksum, the worker doing the long part, and the history of who imported what.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.export import safe_cell
from homecoming.core.locking import locked
from homecoming.core.tabular import ImportReport, RowError, Table
from homecoming.site.imports import (
    import_as,
    import_check_as,
    import_checked_as,
    import_kinds_for,
    read,
)
from homecoming.site.models import ImportRun

Status = ImportRun.Status


def import_run_upload(*, user: User, kind: str, upload: UploadedFile) -> ImportRun:
    """Keep ``upload`` with its SHA-256 checksum and queue its check."""
    if kind not in import_kinds_for(user):
        raise PermissionDenied(f"Your role may not import {kind}.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    run = ImportRun(
        kind=kind,
        file_name=upload.name,
        checksum=digest.hexdigest(),
        size=upload.size,
        uploaded_by=user,
    )
    run.file.save(upload.name, upload, save=False)
    with transaction.atomic():
        run.save()
        _enqueue(run)
    return run


def import_run_confirm(*, user: User, run: ImportRun) -> ImportRun:
    """Queue the import of a file whose check found no error."""
    with transaction.atomic():
        run = locked(run)
        if run.status != Status.CHECKED:
            raise ApplicationError(
                _("This file cannot be imported now: its state is “%(status)s”.")
                % {"status": run.get_status_display()}
            )
        run.status = Status.QUEUED
        run.confirmed_by = user
        run.confirmed_at = timezone.now()
        run.progress_done = run.progress_total = 0
        run.save(
            update_fields=[
                "status",
                "confirmed_by",
                "confirmed_at",
                "progress_done",
                "progress_total",
            ]
        )
        _enqueue(run)
    return run


def _enqueue(run: ImportRun) -> None:
    transaction.on_commit(lambda: process_import_run.enqueue(run_id=run.pk))


@task()
def process_import_run(*, run_id: int) -> None:
    """The background task (run by `homecoming db_worker`): :func:`import_run_process`."""
    import_run_process(run_id=run_id)


def import_run_process(*, run_id: int) -> None:
    """Do what the run waits for: its check, or, once confirmed, its import. Run by the
    worker; a run already begun is left alone, so a task delivered twice does the work
    once."""
    with transaction.atomic():
        run = locked(ImportRun(pk=run_id))
        if run.status != Status.QUEUED:
            return
        run.status = Status.RUNNING if run.confirmed else Status.CHECKING
        run.save(update_fields=["status"])
    dry_run = not run.confirmed
    user = run.confirmed_by or run.uploaded_by
    kept = kept_path(run)
    table = None
    try:
        if dry_run:
            table = read(run.kind, run.file.path)
            report = import_check_as(user, run.kind, table, keep=kept, progress=_Progress(run))
        elif kept.exists():
            # Every row was checked by the check the officer confirmed; what may have changed
            # in the database since is checked again as the rows are written, in the one
            # transaction that the progress bar cannot see into.
            ImportRun.objects.filter(pk=run.pk).update(
                progress_done=run.rows, progress_total=run.rows
            )
            report = import_checked_as(user, run.kind, kept=kept)
        else:
            table = read(run.kind, run.file.path)
            report = import_as(user, run.kind, table, dry_run=False, progress=_Progress(run))
    except ApplicationError as exc:  # the file cannot be read as a table at all
        report = ImportReport(kind=run.kind, file=run.file_name, dry_run=dry_run)
        report.errors.append(RowError(0, "", exc.message))
    except Exception as exc:  # a defect: the run says so, the worker logs the traceback
        kept.unlink(missing_ok=True)
        run.status, run.failure, run.finished_at = Status.FAILED, repr(exc), timezone.now()
        run.save(update_fields=["status", "failure", "finished_at"])
        raise
    finally:
        if not dry_run:
            kept.unlink(missing_ok=True)
    if not report.ok:  # nothing a confirmation could import
        kept.unlink(missing_ok=True)
    _record(run, report, table)
    import_checks_expire()


def import_checks_expire(*, now: dt.datetime | None = None) -> int:
    """Remove what the checks of runs left unconfirmed for ``IMPORT_CHECK_KEPT_HOURS``
    kept (it holds the file's people): each run under its lock, so a confirmation at that
    moment either comes first (and its import writes the kept file) or finds it gone and
    reads and checks the uploaded file again. Run by the worker after each run; returns
    how many were removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IMPORT_CHECK_KEPT_HOURS)
    removed = 0
    stale = ImportRun.objects.filter(status=Status.CHECKED, finished_at__lt=cutoff)
    for run_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            run = locked(ImportRun(pk=run_id))
            kept = kept_path(run)
            if run.status == Status.CHECKED and kept.exists():
                kept.unlink()
                removed += 1
    return removed


def kept_path(run: ImportRun) -> Path:
    """Where the check of ``run`` keeps what it checked, for the import to write
    (``site/imports.py``, CHECKED_WRITERS): beside the uploads, out of their reach (each
    upload is in a folder named by 16 random hex digits)."""
    folder = Path(settings.MEDIA_ROOT) / "imports" / "checked"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"run-{run.pk}"


def _record(run: ImportRun, report: ImportReport, table: Table | None) -> None:
    run.rows, run.created, run.updated = report.rows, report.created, report.updated
    run.finished_at = timezone.now()
    fields = ["rows", "created", "updated", "finished_at", "status"]
    values = _problem_rows(report, table)
    if report.dry_run:
        run.check_report = _with_values(report.as_dict(), values)
        run.status = Status.CHECKED if report.ok else Status.REFUSED
        fields.append("check_report")
        if any(error.row in values for error in report.errors):
            run.annotated.save(
                f"{run.file_name.rsplit('.', 1)[0]}-errors.csv",
                ContentFile(annotated_csv(table, report).encode()),
                save=False,
            )
            fields.append("annotated")
    else:
        run.report = _with_values(report.as_dict(), values)
        run.status = Status.DONE if report.ok else Status.FAILED
        fields.append("report")
    run.save(update_fields=fields)


def _problem_rows(report: ImportReport, table: Table | None) -> dict[int, dict[str, str]]:
    """The cells of the rows that an error or a warning names, by row number: one pass
    through the file, and none when there is no problem to show."""
    wanted = {problem.row for problem in report.errors + report.warnings}
    if not wanted or table is None:
        return {}
    rows: dict[int, dict[str, str]] = {}
    for row in table.rows:
        if row.number in wanted:
            rows.setdefault(row.number, row.values)  # rows of a Kobo submission share one
    return rows


def _with_values(report: dict, rows: dict[int, dict[str, str]]) -> dict:
    """The report with each error's and warning's cell as the file holds it, for the page."""
    for problem in report["errors"] + report["warnings"]:
        problem["value"] = rows.get(problem["row"], {}).get(problem["column"], "")
    return report


class _Progress:
    """The importer's progress callback: stores how far it is, once per percent."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.percent = -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != self.percent:
            self.percent = percent
            ImportRun.objects.filter(pk=self.run.pk).update(
                progress_done=done, progress_total=total
            )


def annotated_csv(table: Table, report: ImportReport) -> str:
    """The file's rows as read, with an ``errors`` column saying what is wrong with each:
    the officer corrects the rows it names, deletes the column or leaves it (no import
    reads it), and uploads the file again. Cells that a spreadsheet would run are
    neutralised, as in every export."""
    problems: dict[int, list[str]] = defaultdict(list)
    for error in report.errors:
        problems[error.row].append(
            f"{error.column}: {error.message}" if error.column else error.message
        )
    columns = [c for c in table.columns if c != "errors"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*columns, "errors"])
    for row in table.rows:
        cells = [row.values.get(column, "") for column in columns]
        writer.writerow([safe_cell(v) for v in [*cells, "; ".join(problems.get(row.number, []))]])
    return out.getvalue()
