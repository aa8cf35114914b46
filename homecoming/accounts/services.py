"""Writes of the accounts app: the access log of personal data, one-time password devices,
API tokens, and ending the sessions and tokens of a disabled account."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.accounts.models import AccessLog, ApiToken, User
from homecoming.core.errors import ApplicationError
from homecoming.core.proxy import client_address

# Tokens a user may hold at once: enough for a few programs, few enough to keep track of.
API_TOKENS_PER_USER = 10


def access_record(request: HttpRequest, action: str, record: str) -> None:
    """Log that ``request.user`` read personal data, or was refused it. Called only by
    ``accounts/middleware.py: AccessLogMiddleware``, from each view's declaration."""
    AccessLog.objects.create(
        user=request.user,
        action=action,
        record=record[:200],
        ip=client_address(request),
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


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make an API token for ``user``; returns it and its key, which is never shown again
    (only its digest is kept). It expires after ``API_TOKEN_DAYS``."""
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expiry__lte=now).delete()
        if ApiToken.objects.filter(user=user).count() >= API_TOKENS_PER_USER:
            raise ApplicationError(
                _("You hold %(n)d tokens already: revoke one you no longer use first.")
                % {"n": API_TOKENS_PER_USER}
            )
        return ApiToken.objects.create(
            user=user, expiry=dt.timedelta(days=settings.API_TOKEN_DAYS), name=name.strip()
        )


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke ``token``: the next request that gives it is refused."""
    token.delete()


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
    """Disable ``user``, end their sessions and delete their API tokens at once; returns how
    many sessions ended. Neither comes back if the account is enabled again."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user).delete()
        return user_sessions_end(user)
