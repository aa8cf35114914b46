"""Imports started from the browser: one row per file uploaded, from its check to its result."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from homecoming.site.imports import KIND_LABELS


def _upload_path(run: ImportRun, filename: str) -> str:
    """A folder of its own per upload, so that the file keeps its name (the report and the
    audit trail name it) and two uploads of one name never meet."""
    return f"imports/{secrets.token_hex(8)}/{get_valid_filename(filename)}"


class ImportRun(models.Model):
    """A file uploaded for import: checked first (a dry run), imported once an officer
    confirms, both by the background worker; its reports are kept as the import history."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked: ready to import")
        REFUSED = "refused", _("Checked: has errors")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing imported")

    kind = models.CharField(_("kind"), max_length=20)
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True)
    finished_at = models.DateTimeField(_("finished"), null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # How far the worker is: rows (or households) checked of those in the file.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("changed"), default=0)
    # ImportReport.as_dict() of the check (dry run), then of the import itself.
    check_report = models.JSONField(null=True)
    report = models.JSONField(null=True)
    # The file's rows with an "errors" column, written when the check finds row errors.
    annotated = models.FileField(upload_to="imports/annotated/", max_length=300, blank=True)
    # Why the worker could not finish, when it failed for a reason other than the rows.
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("import")
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def waiting(self) -> bool:
        """Whether the worker still has something to do: the page polls while it does."""
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.RUNNING)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def percent(self) -> int:
        return self.progress_done * 100 // self.progress_total if self.progress_total else 0
