"""Reading the import history, through the one access rule for it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from homecoming.accounts.access import district_scope
from homecoming.accounts.models import User
from homecoming.site.imports import import_kinds_for
from homecoming.site.models import ImportRun


def import_run_list_for_user(user: User) -> QuerySet[ImportRun]:
    """The imports ``user`` may read: those of the kinds their role imports. Someone who
    works in some districts only reads their own uploads: another district's file names
    other districts' families."""
    kinds = import_kinds_for(user)
    if not kinds:
        raise PermissionDenied("Your role imports no files.")
    runs = ImportRun.objects.filter(kind__in=kinds).select_related("uploaded_by", "confirmed_by")
    if district_scope(user) is not None:
        runs = runs.filter(uploaded_by=user)
    return runs


def import_run_get_for_user(user: User, run_id: int) -> ImportRun:
    return get_object_or_404(import_run_list_for_user(user), pk=run_id)


def import_runs_failed(runs: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
    """``runs`` that imported nothing (refused by their check, or failed) and that their
    uploader has not yet followed with an import of the same kind that went through."""
    imported_since = ImportRun.objects.filter(
        kind=OuterRef("kind"),
        uploaded_by=OuterRef("uploaded_by"),
        uploaded_at__gt=OuterRef("uploaded_at"),
        status=ImportRun.Status.DONE,
    )
    return runs.filter(
        ~Exists(imported_since), status__in=[ImportRun.Status.REFUSED, ImportRun.Status.FAILED]
    )
