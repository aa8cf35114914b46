"""Who is eligible for a home now, with reasons, and the planner's input built from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from homecoming.accounts.access import HOUSEHOLD_VIEW, district_scope, require
from homecoming.accounts.models import User
from homecoming.housing.models import HousingUnit, Utility
from homecoming.housing.selectors import settlement_return_readiness
from homecoming.mineaction.selectors import land_readiness_by_settlement
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import COLLECTIVE, DuplicateCandidate, Household, Member
from homecoming.registry.selectors import household_list_for_user
from homecoming.returns.models import (
    PASSAGE_OPEN,
    AllocationResult,
    AllocationRun,
    Cohort,
    Passenger,
    Reservation,
)
from homecoming.returns.priority import priority_score

# Passenger statuses of a household on its way home or arrived.
ON_THE_WAY = [*PASSAGE_OPEN, Passenger.Status.MOVED]


@dataclass(frozen=True)
class Eligibility:
    household: Household
    reasons: tuple[str, ...]  # why not, empty when eligible

    @property
    def eligible(self) -> bool:
        return not self.reasons


def _settlement_blockers(settlement) -> list[str]:
    readiness = settlement_return_readiness(settlement)
    blockers = [
        f"land around {settlement.name} not released: {reason.text}"
        for reason in readiness.land.reasons
    ]
    blockers += [
        f"{check.label.lower()} not commissioned in {settlement.name}"
        for check in readiness.missing_services
    ]
    return blockers


def eligibility(households: QuerySet[Household]) -> list[Eligibility]:
    """Each household with the reasons it may not be allocated a home now."""
    open_pairs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    in_review = set(open_pairs.values_list("household_a", flat=True)) | set(
        open_pairs.values_list("household_b", flat=True)
    )
    blockers: dict[int, list[str]] = {}
    result = []
    for household in households.select_related("origin_settlement__district"):
        reasons = []
        if household.status != Household.Status.VERIFIED:
            reasons.append(f"registration {household.get_status_display().lower()}, not verified")
        if household.intention != Household.Intention.RETURN_NOW:
            reasons.append(f"intention: {household.get_intention_display().lower()}")
        if household.pk in in_review:
            reasons.append("a possible duplicate is under review")
        settlement = household.origin_settlement
        if settlement.pk not in blockers:
            blockers[settlement.pk] = _settlement_blockers(settlement)
        reasons += blockers[settlement.pk]
        result.append(Eligibility(household, tuple(reasons)))
    return result


# How long a server process keeps the settlements open for return (the list's eligibility):
# land readiness reads every hazard polygon, too much for each page of a list.
OPEN_FOR_RETURN_CACHE_SECONDS = 60


def settlements_open_for_return() -> frozenset[int]:
    """The settlements nothing holds back, as :func:`eligibility` judges them: land
    released around them, every required service commissioned. Kept for
    ``OPEN_FOR_RETURN_CACHE_SECONDS``: a release or a commissioning shows on the lists
    within a minute, and on the household page at once."""

    def compute() -> frozenset[int]:
        land = land_readiness_by_settlement()
        required = set(settings.RETURN_REQUIRED_SERVICES)
        serviced = Utility.objects.filter(
            service__in=required, status=Utility.Status.COMMISSIONED
        ).values_list("settlement_id", "service")
        services: defaultdict[int, set[str]] = defaultdict(set)
        for settlement_id, service in serviced:
            services[settlement_id].add(service)
        return frozenset(
            pk
            for pk, code in Settlement.objects.values_list("pk", "code")
            if (code not in land or land[code].ready) and services[pk] >= required
        )

    return cache.get_or_set(
        "returns:settlements-open-for-return", compute, OPEN_FOR_RETURN_CACHE_SECONDS
    )


def _eligible() -> Q:
    """The households :func:`eligibility` gives no reason against, as one condition."""
    open_pairs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    return (
        Q(status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW)
        & Q(origin_settlement__in=settlements_open_for_return())
        & ~Q(Exists(open_pairs.filter(household_a=OuterRef("pk"))))
        & ~Q(Exists(open_pairs.filter(household_b=OuterRef("pk"))))
    )


def households_by_eligibility(
    households: QuerySet[Household], *, eligible: bool
) -> QuerySet[Household]:
    """``households`` that may be allocated a home now, or those that may not."""
    return households.filter(_eligible() if eligible else ~_eligible())


def households_with_eligibility(households: QuerySet[Household]) -> QuerySet[Household]:
    """``households``, each with ``eligible``: whether it may be allocated a home now. The
    database judges only the rows it returns (a page of a list), with the page's query."""
    return households.annotate(eligible=ExpressionWrapper(_eligible(), BooleanField()))


def households_in(districts: list[Area]) -> QuerySet[Household]:
    """The households of ``districts`` still waiting for a home: not withdrawn, not holding
    an offer, not returned."""
    return (
        Household.objects.filter(origin_settlement__district__in=districts)
        .exclude(status=Household.Status.WITHDRAWN)
        .exclude(reservations__status__in=[Reservation.Status.ACTIVE, Reservation.Status.FULFILLED])
    )


def planner_households(households: list[Household], today: dt.date) -> tuple[list[dict], dict]:
    """The planner's household records, and each household's priority breakdown."""
    counts: dict[int, dict[str, int]] = {}
    for household_id, vulnerabilities in Member.objects.filter(
        household__in=households, left_on=None
    ).values_list("household", "vulnerabilities"):
        row = counts.setdefault(household_id, {"members": 0, "vulnerable": 0, "disabled": 0})
        row["members"] += 1
        row["vulnerable"] += bool(vulnerabilities)
        row["disabled"] += "disability" in vulnerabilities
    weights = settings.RETURN_PRIORITY_WEIGHTS
    records, breakdowns = [], {}
    for household in households:
        row = counts.get(household.pk, {"members": 0, "vulnerable": 0, "disabled": 0})
        years = ((today - household.displaced_on).days // 365) if household.displaced_on else 0
        score, breakdown = priority_score(
            {
                "vulnerable_members": row["vulnerable"],
                "collective_accommodation": int(household.accommodation in COLLECTIVE),
                "members": row["members"],
                "years_displaced": years,
            },
            weights,
        )
        breakdowns[household.pk] = (score, breakdown)
        records.append(
            {
                "id": str(household.pk),
                "origin_settlement": household.origin_settlement.name,
                "origin_district": household.origin_settlement.district.code,
                "size": max(1, row["members"]),
                "needs_step_free": row["disabled"] > 0,
                "priority": score,
            }
        )
    return records, breakdowns


def planner_units(districts: list[Area]) -> list[dict]:
    """Ready units not reserved, in the districts, as planner unit records."""
    units = HousingUnit.objects.filter(
        status=HousingUnit.Status.READY, building__settlement__district__in=districts
    ).select_related("building__settlement__district")
    return [
        {
            "id": str(u.pk),
            "settlement": u.building.settlement.name,
            "district": u.building.settlement.district.code,
            "rooms": u.rooms,
            "step_free": u.step_free,
        }
        for u in units
    ]


def offer_list_for_user(user: User) -> QuerySet[Reservation]:
    """Offers to households the user may see (the registry's district scope)."""
    return Reservation.objects.filter(
        household__in=household_list_for_user(user).values("pk")
    ).select_related("household__origin_settlement", "unit__building__settlement")


def pipeline(households: QuerySet[Household]) -> list[tuple[str, int]]:
    """The road home in numbers: how many households stand at or beyond each step."""
    active = households.exclude(status=Household.Status.WITHDRAWN)
    checked = eligibility(
        active.filter(status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW)
    )
    reservations = Reservation.objects.filter(household__in=active)
    return [
        (gettext_noop("registered"), active.count()),
        (gettext_noop("verified"), active.filter(status=Household.Status.VERIFIED).count()),
        (gettext_noop("wish to return now"), len(checked)),
        (gettext_noop("eligible"), sum(e.eligible for e in checked)),
        (
            gettext_noop("offered a home"),
            reservations.exclude(status=Reservation.Status.RELEASED).count(),
        ),
        (gettext_noop("accepted"), reservations.filter(answer=Reservation.Answer.ACCEPTED).count()),
        (
            gettext_noop("scheduled to move"),
            reservations.filter(passages__status__in=ON_THE_WAY).distinct().count(),
        ),
        (
            gettext_noop("keys handed over"),
            reservations.filter(status=Reservation.Status.FULFILLED).count(),
        ),
    ]


@dataclass(frozen=True)
class RoadStep:
    name: str
    done: bool
    detail: str


def road_home(household: Household) -> list[RoadStep]:
    """The household's steps from registration to keys, each done or not, with what blocks."""
    reasons = eligibility(Household.objects.filter(pk=household.pk))[0].reasons
    offer = (
        household.reservations.exclude(status=Reservation.Status.RELEASED)
        .select_related("unit")
        .order_by("-created_at")
        .first()
    )
    verified = household.status == Household.Status.VERIFIED
    passage = (
        offer.passages.filter(status__in=ON_THE_WAY).select_related("cohort__destination").first()
        if offer
        else None
    )
    return [
        RoadStep(gettext_noop("registered"), True, f"{household.registered_on:%Y-%m-%d}"),
        RoadStep(
            gettext_noop("verified"),
            verified,
            f"{household.verified_on:%Y-%m-%d}" if household.verified_on else "",
        ),
        RoadStep(gettext_noop("eligible"), not reasons, "; ".join(reasons)),
        RoadStep(
            gettext_noop("offered a home"),
            offer is not None,
            f"{offer.unit}, answer by {offer.offer_deadline:%Y-%m-%d}" if offer else "",
        ),
        RoadStep(
            gettext_noop("accepted"),
            offer is not None and offer.answer == Reservation.Answer.ACCEPTED,
            ""
            if household.consents.filter(withdrawn_on=None).exists()
            else "consent to return not recorded yet",
        ),
        RoadStep(
            gettext_noop("scheduled to move"),
            passage is not None,
            f"{passage.cohort} ({passage.get_status_display()})" if passage else "",
        ),
        RoadStep(
            gettext_noop("keys handed over"),
            offer is not None and offer.status == Reservation.Status.FULFILLED,
            "",
        ),
    ]


def waiting_to_travel(districts: list[Area]) -> QuerySet[Reservation]:
    """Accepted offers in ``districts`` whose household is on no passenger list yet, each
    annotated with ``persons`` (current members) and ``priority`` (from its run)."""
    members = Member.objects.filter(household=OuterRef("household"), left_on=None)
    priority = AllocationResult.objects.filter(run=OuterRef("run"), household=OuterRef("household"))
    return (
        Reservation.objects.filter(
            status=Reservation.Status.ACTIVE,
            answer=Reservation.Answer.ACCEPTED,
            unit__building__settlement__district__in=districts,
        )
        .exclude(passages__status__in=PASSAGE_OPEN)
        .annotate(
            persons=Coalesce(
                Subquery(members.values("household").annotate(n=Count("pk")).values("n")), 1
            ),
            priority=Coalesce(Subquery(priority.values("priority")[:1]), 0),
        )
        .select_related("household__origin_settlement", "unit__building__settlement")
        .order_by("answered_on", "pk")
    )


def seats_taken(cohorts: list[Cohort]) -> Counter:
    """Seats held on each cohort by households scheduled, confirmed or already moved."""
    taken: Counter = Counter()
    rows = (
        Passenger.objects.filter(cohort__in=cohorts)
        .exclude(status=Passenger.Status.NO_SHOW)
        .values("cohort")
        .annotate(n=Sum("persons"))
    )
    for row in rows:
        taken[row["cohort"]] = row["n"]
    return taken


def cohort_list_for_user(user: User) -> QuerySet[Cohort]:
    """Cohorts to the districts the user may see, with the seats they hold."""
    require(user, HOUSEHOLD_VIEW)
    cohorts = Cohort.objects.select_related("destination__district").annotate(
        taken=Coalesce(
            Sum("passengers__persons", filter=~Q(passengers__status=Passenger.Status.NO_SHOW)), 0
        ),
        households=Count("passengers", filter=~Q(passengers__status=Passenger.Status.NO_SHOW)),
    )
    scope = district_scope(user)
    return cohorts if scope is None else cohorts.filter(destination__district_id__in=scope)


def cohort_seats_by_month() -> dict[dt.date, int]:
    """Seats on planned departures, by the first day of their month (for the forecast)."""
    seats: dict[dt.date, int] = defaultdict(int)
    for move_date, n in Cohort.objects.filter(status=Cohort.Status.PLANNED).values_list(
        "move_date", "seats"
    ):
        seats[move_date.replace(day=1)] += n
    return dict(sorted(seats.items()))


def run_by_settlement(run: AllocationRun) -> list[tuple[str, int, int]]:
    """Households of ``run`` housed and still waiting, by origin settlement name, counted
    in the database: ``[(name, housed, waiting), ...]`` in name order."""
    rows = (
        AllocationResult.objects.filter(run=run)
        .order_by()
        .values("household__origin_settlement__name")
        .annotate(
            housed=Count("pk", filter=Q(unit__isnull=False)),
            waiting=Count("pk", filter=Q(unit__isnull=True)),
        )
    )
    return sorted(
        (row["household__origin_settlement__name"], row["housed"], row["waiting"]) for row in rows
    )
