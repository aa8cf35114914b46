"""Writes of the accounts app: the access log of personal data, one-time password devices,
and ending the sessions of a disabled account."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.accounts.models import AccessLog, User


def access_record(request: HttpRequest, action: str, record: str) -> None:
    """Log that ``request.user`` read personal data, or was refused it. Called only by
    ``accounts/middleware.py: AccessLogMiddleware``, from each view's declaration."""
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


def totp_enrolment_device(user: User) -> TOTPDevice:
    """The authenticator ``user`` is enrolling: made on the first visit, kept until confirmed,
    so that reloading the page does not change the secret already scanned."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


def totp_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment with the first code the authenticator shows."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def totp_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``token``, or ``None``. Each device refuses a code
    already used, and waits longer after each failure (django-otp's throttling)."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token.strip()):
            return device
    return None


def user_sessions_end(user: User) -> int:
    """End every session signed in as ``user``; returns how many.

    Django refuses a disabled user's session at its next request, but the session would
    come back to life if the account were enabled again: so it is deleted. Sessions are
    found by decoding the live ones, which the absolute timeout keeps few.
    """
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def user_deactivate(*, user: User) -> int:
    """Disable ``user`` and end their sessions at once; returns how many sessions ended."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        return user_sessions_end(user)
