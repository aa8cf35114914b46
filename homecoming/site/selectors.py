"""Reading the import history, through the one access rule for it; the home page's figures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django_tasks import task

from homecoming.accounts.access import (
    HOUSEHOLD_VIEW,
    district_scope,
    programme_scope,
    scope_key,
    user_can,
)
from homecoming.accounts.models import User
from homecoming.core.kept import keep, kept
from homecoming.registry.selectors import household_list_for_user
from homecoming.returns.selectors import pipeline
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
    if district_scope(user) is not None or programme_scope(user) is not None:
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


def home_figures(user: User, *, today: dt.date) -> tuple[int | None, list[tuple[str, int]]]:
    """The households ``user`` sees (None if they may see none) and the road home in
    numbers for them (``returns.selectors.pipeline``), below the worklist on the home page.

    Counting a national registry's steps takes longer than a page may, so, like the
    dashboard's figures, they are kept for each set of districts and programmes and
    counted again by the worker once they are older than ``DASHBOARD_CACHE_SECONDS``
    (``core.kept``); the worklist above them is counted on every request.
    """
    if not user_can(user, HOUSEHOLD_VIEW):
        return None, []
    entry = kept(
        _home_key(user, today),
        lambda: _road_home_in_numbers(user),
        lambda: count_home_figures_again.enqueue(user_id=user.pk, today=today.isoformat()),
    )
    return entry.figures


@task()
def count_home_figures_again(*, user_id: int, today: str) -> None:
    """The background task (run by `homecoming db_worker`) that counts the home page's
    kept figures again, for the districts and programmes of the user who asked."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None and user_can(user, HOUSEHOLD_VIEW):
        keep(_home_key(user, dt.date.fromisoformat(today)), lambda: _road_home_in_numbers(user))


def _home_key(user: User, today: dt.date) -> str:
    return f"home:figures:{scope_key(user)}:{today.isoformat()}"


def _road_home_in_numbers(user: User) -> tuple[int, list[tuple[str, int]]]:
    households = household_list_for_user(user)
    return households.count(), pipeline(households)
