"""Reads of programmes and their policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, QuerySet, When
from django.utils import timezone

from homecoming.places.models import Area
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


@dataclass(frozen=True)
class PlaceInCountry:
    area: Area
    country: Area | None  # None: the area is a country


def areas_in_countries(areas: Iterable[Area]) -> list[PlaceInCountry]:
    """Each area with the country it lies in (a programme may cover more than one)."""
    found = []
    for area in areas:
        country, up = None, area.parent
        while up is not None:
            country, up = up, up.parent
        found.append(PlaceInCountry(area, country))
    return found


def programme_areas(programme: Programme, relation: str) -> list[PlaceInCountry]:
    """The areas of origin (``relation="origin_areas"``) or destination of ``programme``,
    with their country, in one query."""
    areas = getattr(programme, relation).select_related("parent__parent__parent")
    return areas_in_countries(areas.order_by("code"))


def selectable_areas() -> QuerySet[Area]:
    """The areas a programme may cover: countries, regions and districts of any country."""
    return (
        Area.objects.exclude(level=Area.Level.MUNICIPALITY)
        .select_related("parent__parent")
        .order_by("code")
    )


def programme_list() -> list[Programme]:
    """Every programme with its phases and counts (:func:`with_counts`)."""
    return with_counts(list(Programme.objects.prefetch_related("phases").order_by("pk")))


def programme_get(code: str) -> Programme:
    """One programme by its code, with its counts; ``Programme.DoesNotExist`` if none."""
    return with_counts([Programme.objects.get(code=code)])[0]


def with_counts(programmes: list[Programme]) -> list[Programme]:
    """``programmes``, each with ``enrolled``, the households it enrols, and ``returned``,
    those that have returned (keys handed over): two grouped counts through the registry's
    and the returns' relations, whatever the number of programmes."""
    chosen = Programme.objects.filter(pk__in=[p.pk for p in programmes])
    enrolled = dict(chosen.annotate(n=Count("households")).values_list("pk", "n"))
    returned = dict(
        chosen.filter(households__reservations__handover__isnull=False)
        .annotate(n=Count("households", distinct=True))
        .values_list("pk", "n")
    )
    for programme in programmes:
        programme.enrolled = enrolled.get(programme.pk, 0)
        programme.returned = returned.get(programme.pk, 0)
    return programmes


def programme_targets(programme: Programme) -> QuerySet:
    """The targets of the figure ledger that belong to ``programme``, by deadline, with the
    figure that records each (its value, deadline and source)."""
    return programme.targets.select_related("figure", "indicator", "area", "settlement")
