"""Writes of the accounts app: the access log of personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from homecoming.accounts.models import AccessLog


def access_record(request: HttpRequest, action: str, record: str) -> None:
    """Log that ``request.user`` read personal data (a household, a search, an export)."""
    AccessLog.objects.create(
        user=request.user,
        action=action,
        record=record[:200],
        ip=request.META.get("REMOTE_ADDR") or None,
    )


def access_log_prune(*, today: dt.date | None = None) -> int:
    """Delete entries older than ``ACCESS_LOG_RETENTION_DAYS``; returns how many."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(at__date__lt=limit).delete()
    return deleted
