"""Reads of programmes and their policies."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from homecoming.programmes.defaults import FIRST_PROGRAMME, first_policy
from homecoming.programmes.models import PolicyVersion, Programme


def default_programme() -> Programme:
    """The programme a household is enrolled in when none is named: the first active one,
    else the first. An installation without any programme gets its first, with version 1 of
    its policy made from the settings (what migration 0002 does on every installation)."""
    programme = Programme.objects.order_by(
        Case(When(status=Programme.Status.ACTIVE, then=0), default=1), "pk"
    ).first()
    if programme is not None:
        return programme
    with transaction.atomic():
        programme, made = Programme.objects.get_or_create(
            code=FIRST_PROGRAMME["code"], defaults=FIRST_PROGRAMME
        )
        if made:
            PolicyVersion.objects.create(
                programme=programme,
                in_force_from=timezone.localdate(),
                approved_at=timezone.now(),
                **first_policy(),
            )
    return programme


def default_programme_id() -> int:
    """:func:`default_programme`'s key: the default of ``Household.programme``."""
    return default_programme().pk


def policy_in_force(programme: Programme, on: dt.date | None = None) -> PolicyVersion:
    """The approved version of ``programme``'s policy in force ``on`` (default: today): the
    one with the latest date of entry into force not after that day."""
    on = on or timezone.localdate()
    version = (
        programme.policy_versions.filter(
            status=PolicyVersion.Status.APPROVED, in_force_from__lte=on
        )
        .order_by("-in_force_from", "-number")
        .first()
    )
    if version is None:
        raise PolicyVersion.DoesNotExist(f"No policy of {programme.code} is in force on {on}.")
    return version
