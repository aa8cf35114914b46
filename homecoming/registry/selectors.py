"""Reads of the registry, always through the user's access: the one place that applies it."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from homecoming.accounts.access import HOUSEHOLD_VIEW, district_scope, require
from homecoming.accounts.models import User
from homecoming.core.text import fold
from homecoming.places.models import Settlement
from homecoming.registry.models import ChangeRequest, DuplicateCandidate, Household, Member
from homecoming.registry.services import name_search_keys


def household_list_for_user(user: User) -> QuerySet[Household]:
    """The households ``user`` may see: their role allows it, and within their districts."""
    require(user, HOUSEHOLD_VIEW)
    households = (
        Household.objects.select_related("origin_settlement", "origin_settlement__district")
        .annotate(size=Count("members"))
        .order_by("reference")
    )
    scope = district_scope(user)
    if scope is not None:
        households = households.filter(origin_settlement__district_id__in=scope)
    return households


def household_get_for_user(user: User, household_id: int) -> Household:
    """One household, or 404 alike for a missing one and one outside the user's districts."""
    try:
        return household_list_for_user(user).prefetch_related("members").get(pk=household_id)
    except (Household.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such household.") from exc


def household_search(
    households: QuerySet[Household], *, q: str = "", settlement: str = ""
) -> QuerySet[Household]:
    """Narrow ``households`` to a reference or member names and origin.

    Each query word matches a member name as typed (any case or accent) or by its
    spelling keys, so that "Mamedov" and "Мамедов" find "Məmmədov".
    """
    if settlement:
        households = households.filter(origin_settlement__code=settlement)
    q = q.strip()
    if q:
        named = Member.objects.all()
        for word in q.split():
            spellings = Q(name_key__contains=fold(word))
            for key in name_search_keys(word):
                spellings |= Q(name_key__contains=key)
            named = named.filter(spellings)
        households = households.filter(
            Q(reference__iexact=q) | Q(pk__in=named.values("household_id"))
        )
    return households


def change_request_list_for_user(user: User) -> QuerySet[ChangeRequest]:
    """Change requests on the households the user may see."""
    return ChangeRequest.objects.filter(
        household__in=household_list_for_user(user).values("pk")
    ).select_related("household", "requested_by", "decided_by")


def settlements_for_registration(user: User) -> QuerySet[Settlement]:
    """The settlements a user may register households from: those of their districts."""
    settlements = Settlement.objects.select_related("district").order_by("district__name", "name")
    scope = district_scope(user)
    return settlements if scope is None else settlements.filter(district_id__in=scope)


def duplicate_candidate_list_for_user(user: User) -> QuerySet[DuplicateCandidate]:
    """Pairs whose two households the user may both see."""
    visible = household_list_for_user(user).values("pk")
    return DuplicateCandidate.objects.filter(
        household_a__in=visible, household_b__in=visible
    ).select_related("household_a__origin_settlement", "household_b__origin_settlement")
