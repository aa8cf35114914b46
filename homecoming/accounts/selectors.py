"""Reads of the accounts app that pages share."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from homecoming.accounts.models import ApiToken, User


def api_token_list_for_user(user: User) -> QuerySet[ApiToken]:
    """``user``'s own tokens that have not expired; nobody sees another's here."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


def api_token_get_for_user(user: User, token_id: int) -> ApiToken:
    """One of ``user``'s own tokens, or 404: another user's token is never found."""
    return get_object_or_404(api_token_list_for_user(user), pk=token_id)
