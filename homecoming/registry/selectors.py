"""Reads of the registry, always through the user's access: the one place that applies it."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from homecoming.accounts.access import HOUSEHOLD_VIEW, district_scope, require
from homecoming.accounts.models import User
from homecoming.places.models import Settlement
from homecoming.registry.models import (
    ChangeRequest,
    DuplicateCandidate,
    Household,
    Member,
    MemberSearchKey,
)
from homecoming.registry.services import query_search_keys


def household_list_for_user(user: User) -> QuerySet[Household]:
    """The households ``user`` may see: their role allows it, and within their districts."""
    require(user, HOUSEHOLD_VIEW)
    # The size is counted for each household read, not by grouping every household with
    # its members: a count or a page of a long list then reads no member row.
    size = (
        Member.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    households = (
        Household.objects.select_related("origin_settlement", "origin_settlement__district")
        .annotate(size=Coalesce(Subquery(size), 0))
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
    """Narrow ``households`` to an origin settlement, and to those with a member whom
    every term of ``q`` finds (``services.query_search_keys``): a word of a name in any
    spelling or script ("Mamedov" and "Мамедов" find "Məmmədov"), a document number, a
    phone, or the household's reference.

    Each term reads one range of the ``MemberSearchKey`` index per key, and the index
    holds the household too, so the cost grows with the members found, not with the
    registry, and no member row is read.
    """
    if settlement:
        households = households.filter(origin_settlement__code=settlement)
    if not q.strip():
        return households
    terms = query_search_keys(q)
    if not terms:
        return households.none()
    first, *others = terms
    found = MemberSearchKey.objects.filter(key__in=first)
    for keys in others:  # the same member, found by each term in turn
        found = MemberSearchKey.objects.filter(key__in=keys, member__in=found.values("member"))
    return households.filter(pk__in=found.values("household"))


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
