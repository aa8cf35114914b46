"""Who is eligible for a home now, with reasons, and the planner's input built from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np
from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from homecoming.accounts.access import HOUSEHOLD_VIEW, district_scope, programme_scope, require
from homecoming.accounts.models import User
from homecoming.core.formats import short_date
from homecoming.housing.models import HousingUnit
from homecoming.places.models import Area, Settlement
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.programmes.policies import in_language
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.registry.models import Consent, Household, HouseholdEvent, Member
from homecoming.registry.selectors import household_list_for_user, household_search
from homecoming.returns.models import (
    PASSAGE_OPEN,
    AllocationResult,
    AllocationRun,
    Cohort,
    FollowUpVisit,
    IneligibleHousehold,
    KeyHandover,
    Passenger,
    Reservation,
)
from homecoming.returns.policy import (
    STEP_DONE,
    Verdicts,
    eligible_condition,
    household_facts,
    policy_verdicts,
)
from homecoming.returns.priority import priority_in_words
from homecoming.returns.reasons import BY_SETTLEMENT, Reason, Why
from homecoming.returns.road import Facts, State, Step, milestones

# Passenger statuses of a household on its way home or arrived.
ON_THE_WAY = [*PASSAGE_OPEN, Passenger.Status.MOVED]


@dataclass(frozen=True)
class Eligibility:
    household: Household
    reasons: tuple[Reason, ...]  # why not, at most one of each kind; empty when eligible
    version: PolicyVersion | None = None  # the policy version that judged it

    @property
    def eligible(self) -> bool:
        return not self.reasons


def with_places(reasons: tuple[Reason, ...], household: Household) -> tuple[Reason, ...]:
    """``reasons``, those of the household's settlement naming it (for their words)."""
    return tuple(
        replace(r, settlement=household.origin_settlement) if r.why in BY_SETTLEMENT else r
        for r in reasons
    )


def versions_in_force(on: dt.date) -> dict[int, PolicyVersion]:
    """The version of each programme's policy in force ``on``, by programme (a programme
    with none in force is left out: none of its households is eligible)."""
    versions = {}
    for programme in Programme.objects.all():
        try:
            versions[programme.pk] = policy_in_force(programme, on)
        except PolicyVersion.DoesNotExist:
            continue
    return versions


def programme_verdicts(
    households: list[Household], today: dt.date
) -> dict[int, tuple[PolicyVersion, Verdicts]]:
    """The verdicts on ``households`` of their programme's policy in force ``today``, by
    programme: one reading of facts and one verdict per programme."""
    versions = versions_in_force(today)
    by_programme: defaultdict[int, list[Household]] = defaultdict(list)
    for household in households:
        by_programme[household.programme_id].append(household)
    return {
        pk: (versions[pk], policy_verdicts(versions[pk], household_facts(group, today)))
        for pk, group in by_programme.items()
        if pk in versions
    }


# A household of a programme with no policy in force.
NO_POLICY = Reason(Why.CONDITION, "", label=(("en", "no policy of the programme in force"),))


def eligibility(
    households: QuerySet[Household], *, today: dt.date | None = None
) -> list[Eligibility]:
    """Each household with the reasons it may not be allocated a home now, judged by the
    policy of its programme in force ``today`` (default: today), which it names."""
    today = today or timezone.localdate()
    listed = list(households.select_related("origin_settlement__district"))
    verdicts = programme_verdicts(listed, today)
    result = []
    for household in listed:
        if household.programme_id not in verdicts:
            result.append(Eligibility(household, (NO_POLICY,)))
            continue
        version, judged = verdicts[household.programme_id]
        reasons = judged.reasons(judged.row(household.pk))
        result.append(Eligibility(household, with_places(reasons, household), version))
    return result


def _eligible() -> Q:
    """The households :func:`eligibility` gives no reason against, as one condition: the
    policy in force of each programme, translated for the database (``policy.py``)."""
    today = timezone.localdate()
    versions = versions_in_force(today)
    only = len(versions) == 1 and Programme.objects.count() == 1
    return eligible_condition(versions.values(), today, only_programme=only)


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


def planner_records(
    *,
    ids: np.ndarray,
    settlements: np.ndarray,
    districts: np.ndarray,
    sizes: np.ndarray,
    step_free: np.ndarray,
    priority: np.ndarray,
) -> list[dict]:
    """The planner's household records (docs/planner.md, Input) from columns aligned by
    position: the household's key, the codes of its origin settlement and district, its
    current members, whether it needs a step-free home, its priority score. One function
    for the allocation run and the comparison of two policy versions (``whatif.py``)."""
    return [
        {
            "id": str(pk),
            "origin_settlement": settlement,
            "origin_district": district,
            "size": max(1, size),
            "needs_step_free": bool(needs),
            "priority": score,
        }
        for pk, settlement, district, size, needs, score in zip(
            ids.tolist(),
            settlements.tolist(),
            districts.tolist(),
            sizes.tolist(),
            step_free.tolist(),
            priority.tolist(),
            strict=True,
        )
    ]


def planner_households(
    households: list[Household], verdicts: Verdicts
) -> tuple[list[dict], dict[int, tuple[int, dict]]]:
    """The planner's household records, and each household's priority score and breakdown,
    from the verdicts of its programme's policy on them."""
    facts = verdicts.facts
    pks = np.array([h.pk for h in households], dtype=np.int64)
    rows = np.array([facts.index(pk) for pk in pks.tolist()], dtype=np.int64)
    records = planner_records(
        ids=pks,
        settlements=facts.columns["origin.settlement"][rows],
        districts=facts.columns["origin.district"][rows],
        sizes=facts.columns["household.members"][rows],
        step_free=facts.columns["members.with_disability"][rows] > 0,
        priority=verdicts.scores[rows],
    )
    breakdowns = {
        pk: (int(verdicts.scores[row]), verdicts.breakdown(row))
        for pk, row in zip(pks.tolist(), rows.tolist(), strict=True)
    }
    return records, breakdowns


def planner_units(districts: list[Area]) -> list[dict]:
    """Ready units not reserved, in the districts, as planner unit records."""
    units = HousingUnit.objects.filter(
        status=HousingUnit.Status.READY, building__settlement__district__in=districts
    ).select_related("building__settlement__district")
    return [
        {
            "id": str(u.pk),
            "settlement": u.building.settlement.code,
            "district": u.building.settlement.district.code,
            "rooms": u.rooms,
            "step_free": u.step_free,
        }
        for u in units
    ]


def run_list_for_user(user: User) -> QuerySet[AllocationRun]:
    """The allocation runs of the programmes ``user`` works on (every run for a user of all
    programmes, those made before runs named their programme included)."""
    runs = AllocationRun.objects.all()
    programmes = programme_scope(user)
    return runs if programmes is None else runs.filter(programme_id__in=programmes)


def offer_list_for_user(user: User) -> QuerySet[Reservation]:
    """Offers to households the user may see (``household_list_for_user``'s district scope,
    applied by a join: the offers are read, not the registry)."""
    require(user, HOUSEHOLD_VIEW)
    offers = Reservation.objects.select_related(
        "household__origin_settlement", "unit__building__settlement"
    )
    programmes = programme_scope(user)
    if programmes is not None:
        offers = offers.filter(household__programme_id__in=programmes)
    scope = district_scope(user)
    if scope is None:
        return offers
    return offers.filter(household__origin_settlement__district_id__in=scope)


# An offer waiting for an answer: still held (one ended by a withdrawal was never answered).
AWAITING_ANSWER = Q(status=Reservation.Status.ACTIVE, answer=Reservation.Answer.PENDING)


def offers_awaiting_answer(offers: QuerySet[Reservation]) -> QuerySet[Reservation]:
    """``offers`` still held for their household and not yet answered."""
    return offers.filter(AWAITING_ANSWER)


def departures_unconfirmed(cohorts: QuerySet[Cohort], *, today: dt.date) -> QuerySet[Cohort]:
    """``cohorts`` still to leave within ``settings.WORKLIST_DEPARTURE_DAYS`` of ``today``
    (today included) with a seat not yet confirmed: someone must call those households."""
    ahead = today + dt.timedelta(days=settings.WORKLIST_DEPARTURE_DAYS)
    unconfirmed = Passenger.objects.filter(cohort=OuterRef("pk"), status=Passenger.Status.SCHEDULED)
    return cohorts.filter(
        Exists(unconfirmed), status=Cohort.Status.PLANNED, move_date__range=(today, ahead)
    )


def households_follow_up_due(
    households: QuerySet[Household], *, today: dt.date
) -> QuerySet[Household]:
    """``households`` that got their keys ``settings.FOLLOW_UP_DUE_DAYS`` days ago or more
    and have had no follow-up visit since. A visit cannot be dated before the keys
    (``road.py``), so any visit recorded is one since."""
    cutoff = today - dt.timedelta(days=settings.FOLLOW_UP_DUE_DAYS)
    returned = KeyHandover.objects.filter(
        date__lte=cutoff, reservation__status=Reservation.Status.FULFILLED
    ).values("reservation__household")
    visited = FollowUpVisit.objects.filter(household=OuterRef("pk"))
    return households.filter(~Exists(visited), pk__in=returned)


def pipeline(households: QuerySet[Household]) -> list[tuple[str, int]]:
    """The road home in numbers: how many households stand at or beyond each step."""
    active = households.exclude(status=Household.Status.WITHDRAWN)
    # Counted by the database, as the lists judge eligibility: at a national scale the
    # households wishing to return are too many to judge one by one.
    wishing = active.filter(
        status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW
    )
    reservations = Reservation.objects.filter(household__in=active)
    return [
        (gettext_noop("registered"), active.count()),
        (gettext_noop("verified"), active.filter(status=Household.Status.VERIFIED).count()),
        (gettext_noop("wish to return now"), wishing.count()),
        (gettext_noop("eligible"), households_by_eligibility(wishing, eligible=True).count()),
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
    name: str  # the step (``road.Step``)
    state: str  # done, current or pending (``road.State``)
    date: dt.date | None
    detail: str

    @property
    def done(self) -> bool:
        return self.state == State.DONE

    @property
    def label(self) -> str:
        """The step in words of the page's language."""
        return str(STEP_WORDS[Step(self.name)])


# The steps in words, for pages: road.py, free of Django, only names them.
STEP_WORDS = {
    Step.REGISTERED: gettext_lazy("registered"),
    Step.VERIFIED: gettext_lazy("verified"),
    Step.ELIGIBLE: gettext_lazy("eligible"),
    Step.OFFERED: gettext_lazy("offered a home"),
    Step.ACCEPTED: gettext_lazy("accepted"),
    Step.SCHEDULED: gettext_lazy("scheduled to move"),
    Step.BOARDED: gettext_lazy("boarded"),
    Step.RETURNED: gettext_lazy("keys handed over"),
    Step.FOLLOWED_UP: gettext_lazy("followed up"),
    Step.WITHDRAWN: gettext_lazy("withdrawn"),
}


def road_home(household: Household) -> list[RoadStep]:
    """The household's road home (``road.milestones``): each step done, current or pending,
    with its date and what it says or what holds it back."""
    judged = eligibility(Household.objects.filter(pk=household.pk))[0]
    reasons = judged.reasons
    offers = list(
        household.reservations.select_related("unit__building", "handover").order_by(
            "-offered_on", "-pk"
        )
    )
    offer = next((o for o in offers if o.status != Reservation.Status.RELEASED), None)
    declined = next((o for o in offers if o.answer == Reservation.Answer.DECLINED), None)
    passage = (
        offer.passages.exclude(status=Passenger.Status.NO_SHOW)
        .select_related("cohort__destination")
        .order_by("-pk")
        .first()
        if offer
        else None
    )
    departed = passage is not None and passage.cohort.status == Cohort.Status.DEPARTED
    handover = getattr(offer, "handover", None) if offer else None
    visit = household.follow_ups.first()
    accepted = offer is not None and offer.answer == Reservation.Answer.ACCEPTED
    facts = Facts(
        registered_on=household.registered_on,
        displaced_on=household.displaced_on,
        verified_on=household.verified_on,
        withdrawn=household.status == Household.Status.WITHDRAWN,
        eligible=not reasons,
        offered_on=offer.offered_on if offer else None,
        accepted_on=offer.answered_on if accepted else None,
        scheduled_on=passage.scheduled_on if passage else None,
        boarded_on=passage.cohort.move_date if departed else None,
        keys_on=handover.date if handover else None,
        followed_up_on=visit.date if visit else None,
    )
    details = {
        Step.ELIGIBLE: "; ".join(
            [reason.words for reason in reasons] + [policy_words(judged.version)]
        ),
        Step.OFFERED: _offer_detail(offer),
        Step.ACCEPTED: _answer_detail(household, offer, declined),
        Step.SCHEDULED: (f"{passage.cohort} ({passage.get_status_display()})" if passage else ""),
        Step.BOARDED: (
            _("outside a departure: %(reason)s") % {"reason": handover.outside_departure_reason}
            if handover and handover.outside_departure_reason
            else _("departs on %(date)s") % {"date": short_date(passage.cohort.move_date)}
            if passage and not departed
            else ""
        ),
        Step.RETURNED: str(offer.unit) if handover else "",
        Step.FOLLOWED_UP: visit.get_finding_display() if visit else "",
    }
    return [
        RoadStep(m.step.value, m.state.value, m.date, details.get(m.step, ""))
        for m in milestones(facts)
    ]


@dataclass(frozen=True)
class StepBeforeReturn:
    """One step before return of a cross-border programme's policy, done or still to do."""

    key: str
    label: str  # in words of the page's language
    date: dt.date | None  # the day it was done; None: to do
    by: User | None  # who recorded it

    @property
    def done(self) -> bool:
        return self.date is not None


def step_label(version: PolicyVersion, key: str) -> str:
    """The step ``key`` of ``version`` in words of the page's language."""
    step = next((s for s in version.steps if s["key"] == key), {})
    return in_language(step.get("label") or {}, key)


def steps_version(household: Household) -> PolicyVersion | None:
    """The policy version whose steps before return ``household`` walks: its cross-border
    programme's version in force, if that version lists steps; else None."""
    if household.programme.kind != Programme.Kind.REPATRIATION:
        return None
    try:
        version = policy_in_force(household.programme)
    except PolicyVersion.DoesNotExist:
        return None
    return version if version.steps else None


def household_steps(
    household: Household, version: PolicyVersion | None = None
) -> list[StepBeforeReturn]:
    """The steps before return of ``version`` (default: ``steps_version``) in its order,
    each with the day ``household`` did it and who recorded it, or none yet."""
    version = version or steps_version(household)
    if version is None:
        return []
    recorded: dict[str, HouseholdEvent] = {}
    for event in household.events.filter(action=STEP_DONE).select_related("by").order_by("at"):
        recorded.setdefault(event.details.get("step", ""), event)
    steps = []
    for step in version.steps:
        event = recorded.get(step["key"])
        day = None
        if event is not None:
            day = (
                dt.date.fromisoformat(event.details["date"])
                if event.details.get("date")
                else timezone.localdate(event.at)
            )
        steps.append(
            StepBeforeReturn(
                step["key"],
                step_label(version, step["key"]),
                day,
                event.by if event else None,
            )
        )
    return steps


def policy_words(version: PolicyVersion | None) -> str:
    """The version that judged, in words: "policy of Great Return, version 2, in force
    from 2026-12-06"."""
    if version is None:
        return _("no policy of the programme in force")
    return _("policy of %(programme)s, version %(number)d, in force from %(date)s") % {
        "programme": version.programme.display_name,
        "number": version.number,
        "date": short_date(version.in_force_from),
    }


def _offer_detail(offer: Reservation | None) -> str:
    if offer is None:
        return ""
    if offer.answer == Reservation.Answer.PENDING:
        return _("%(unit)s, answer by %(date)s") % {
            "unit": offer.unit,
            "date": short_date(offer.offer_deadline),
        }
    return str(offer.unit)


def _answer_detail(
    household: Household, offer: Reservation | None, declined: Reservation | None
) -> str:
    if offer is None and declined is not None:
        return _("%(unit)s declined on %(date)s: %(reason)s") % {
            "unit": declined.unit,
            "date": short_date(declined.answered_on),
            "reason": declined.decline_reason,
        }
    if (
        offer is not None
        and offer.answer == Reservation.Answer.PENDING
        and not household.consents.filter(withdrawn_on=None).exists()
    ):
        return _("consent to return not recorded yet")
    return ""


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


def cohorts_of_programme(cohorts: QuerySet[Cohort], programme: Programme) -> QuerySet[Cohort]:
    """``cohorts`` that carry a household of ``programme``."""
    carried = Passenger.objects.filter(
        cohort=OuterRef("pk"), reservation__household__programme=programme
    )
    return cohorts.filter(Exists(carried))


def cohort_seats_by_month() -> dict[dt.date, int]:
    """Seats on planned departures, by the first day of their month (for the forecast)."""
    seats: dict[dt.date, int] = defaultdict(int)
    for move_date, n in Cohort.objects.filter(status=Cohort.Status.PLANNED).values_list(
        "move_date", "seats"
    ):
        seats[move_date.replace(day=1)] += n
    return dict(sorted(seats.items()))


def run_by_settlement(run: AllocationRun) -> list[tuple[str, int, int]]:
    """Households of ``run`` housed and still waiting, by origin settlement, counted in the
    database: ``[(name, housed, waiting), ...]``, named and ordered in the page's language."""
    rows = (
        AllocationResult.objects.filter(run=run)
        .order_by()
        .values("household__origin_settlement")
        .annotate(
            housed=Count("pk", filter=Q(unit__isnull=False)),
            waiting=Count("pk", filter=Q(unit__isnull=True)),
        )
    )
    counts = {row["household__origin_settlement"]: row for row in rows}
    return sorted(
        (s.display_name, counts[s.pk]["housed"], counts[s.pk]["waiting"])
        for s in Settlement.objects.filter(pk__in=counts)
    )


def held_by(household: Household) -> tuple[Reservation | None, Passenger | None]:
    """The offer the household holds (waiting for an answer or accepted) and its seat on a
    departure still to travel: what a withdrawal frees."""
    offer = (
        Reservation.objects.filter(household=household, status=Reservation.Status.ACTIVE)
        .select_related("unit__building__project__settlement")
        .first()
    )
    seat = (
        Passenger.objects.filter(reservation=offer, status__in=PASSAGE_OPEN)
        .select_related("cohort__destination")
        .first()
        if offer
        else None
    )
    return offer, seat


# The offers list's deadline filter: past the deadline, or due within a week.
DEADLINE_SOON_DAYS = 7


def offers_filtered(
    user: User,
    *,
    today: dt.date,
    q: str = "",
    destination: Settlement | None = None,
    run: AllocationRun | None = None,
    programme: Programme | None = None,
    answer: str = "",
    deadline: str = "",
) -> QuerySet[Reservation]:
    """The offers ``user`` may see, narrowed: the settlement of the home offered, the
    allocation run, the answer, the deadline (``overdue``: waiting past it; ``soon``:
    waiting, due within ``DEADLINE_SOON_DAYS``), and ``q`` found by the registry's search
    (``registry.selectors.household_search``: the reference, a name in any spelling, a
    document or phone). Each offer carries ``has_consent``; the offers waiting for an
    answer come first, the nearest deadline first, then those waiting for their keys, then
    the latest answers."""
    offers = offer_list_for_user(user)
    if q.strip():
        found = household_search(household_list_for_user(user), q=q)
        offers = offers.filter(household__in=found.values("pk"))
    if destination is not None:
        offers = offers.filter(unit__building__settlement=destination)
    if run is not None:
        offers = offers.filter(run=run)
    if programme is not None:
        offers = offers.filter(household__programme=programme)
    waiting = AWAITING_ANSWER
    if answer == Reservation.Answer.PENDING:
        offers = offers.filter(waiting)
    elif answer:
        offers = offers.filter(answer=answer)
    if deadline == "overdue":
        offers = offers.filter(waiting, offer_deadline__lt=today)
    elif deadline == "soon":
        offers = offers.filter(
            waiting,
            offer_deadline__gte=today,
            offer_deadline__lte=today + dt.timedelta(days=DEADLINE_SOON_DAYS),
        )
    consents = Consent.objects.filter(household=OuterRef("household"), withdrawn_on=None)
    return offers.annotate(
        has_consent=Exists(consents),
        rank=Case(
            When(waiting, then=Value(0)),
            When(status=Reservation.Status.ACTIVE, answer=Reservation.Answer.ACCEPTED, then=1),
            default=Value(2),
        ),
    ).order_by("rank", "offer_deadline", F("answered_on").desc(nulls_last=True), "pk")


def with_heads(households: list[Household]) -> list[Household]:
    """``households``, each with ``head`` (its current head or ``None``), ``present`` (its
    current members, the head first) and ``phone_to_call``: one query for them all."""
    members = Member.objects.filter(household__in=[h.pk for h in households], left_on=None)
    present: defaultdict[int, list[Member]] = defaultdict(list)
    for member in members.order_by("household", "pk"):
        present[member.household_id].append(member)
    for household in households:
        rows = sorted(present[household.pk], key=lambda m: m.relation != Member.Relation.HEAD)
        household.present = rows
        household.head = rows[0] if rows and rows[0].relation == Member.Relation.HEAD else None
        # The number to call: the household's, else the first member's who has one.
        household.phone_to_call = household.phone or next((m.phone for m in rows if m.phone), "")
    return households


@dataclass(frozen=True)
class PassengerRow:
    """A household on a passenger list, as the assembly point reads it."""

    passenger: Passenger
    household: Household
    head: Member | None
    members: list[Member]  # present members, the head first
    phone: str  # the household's phone, else the first member's who has one

    @property
    def names(self) -> list[str]:
        return [member_name(m) for m in self.members]


def member_name(member: Member) -> str:
    """A person's name as written on a list: given name, patronymic, family name."""
    return " ".join(p for p in (member.given_name, member.patronymic, member.family_name) if p)


def passenger_list(user: User, cohort: Cohort) -> list[PassengerRow]:
    """The passengers of ``cohort`` whose household ``user`` may see, by reference, each
    with its head, its members and a phone to call: two queries."""
    passengers = list(
        cohort.passengers.filter(
            reservation__household__in=household_list_for_user(user).values("pk")
        ).select_related("reservation__household__origin_settlement", "reservation__unit")
    )
    households = with_heads([p.reservation.household for p in passengers])
    return [
        PassengerRow(
            passenger=p,
            household=h,
            head=h.head,
            members=h.present,
            phone=h.phone_to_call,
        )
        for p, h in zip(passengers, households, strict=True)
    ]


def ineligible_rows(run: AllocationRun, checked: list[Eligibility]) -> list[IneligibleHousehold]:
    """What ``run`` keeps of the households it left out: one row per household and
    reason, by kind and code (a household has at most one reason of each kind, so a
    national run keeps a few rows per household, not one per missing service)."""
    return [
        IneligibleHousehold(run=run, household=e.household, why=reason.why, reason=reason.code)
        for e in checked
        for reason in e.reasons
    ]


def ineligible_counts(checked: list[Eligibility]) -> list[dict]:
    """``AllocationRun.ineligible_reasons``: each reason as stored (``Reason.to_json``) with
    the number of households it held back, most first."""
    counts = Counter(reason for e in checked for reason in e.reasons)
    return [reason.to_json() | {"households": n} for reason, n in counts.most_common()]


def _run_reasons(run: AllocationRun) -> list[tuple[Reason, int]]:
    """The reasons ``run`` stored, with their counts, their settlements named (one query,
    only when a reason comes from a settlement)."""
    codes = {r["code"] for r in run.ineligible_reasons if r["why"] in BY_SETTLEMENT}
    settlements = Settlement.objects.in_bulk(codes, field_name="code") if codes else {}
    return [(Reason.from_json(r, settlements), r["households"]) for r in run.ineligible_reasons]


@dataclass(frozen=True)
class ReasonRow:
    text: str  # in words
    households: int
    query: dict[str, str]  # the run page's query that lists its households


@dataclass(frozen=True)
class IneligibleGroup:
    """One kind of reason a run left households out: how many households (``None`` for a
    run made before its households were kept), each reason of the kind with its count,
    and the first of its households."""

    why: str  # IneligibleHousehold.Why
    households: int | None
    reasons: list[ReasonRow]
    first: list[Household]

    @property
    def label(self) -> str:
        return str(IneligibleHousehold.Why(self.why).label)


def run_ineligible_groups(run: AllocationRun, *, first: int = 10) -> list[IneligibleGroup]:
    """Why ``run`` left households out, by kind of reason, most households first: each
    kind with its households counted once, its reasons in words with their counts, and
    its ``first`` households by reference."""
    rows = IneligibleHousehold.objects.filter(run=run)
    counts = dict(rows.order_by().values_list("why").annotate(n=Count("household", distinct=True)))
    ranked = (
        rows.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("why")], order_by=F("household__reference").asc()
            )
        )
        .filter(rank__lte=first)
        .select_related("household__origin_settlement")
        .order_by("why", "household__reference")
    )
    households: defaultdict[str, list[Household]] = defaultdict(list)
    for row in ranked:
        households[row.why].append(row.household)
    reasons: defaultdict[str, list[ReasonRow]] = defaultdict(list)
    for reason, n in _run_reasons(run):
        reasons[reason.why].append(
            ReasonRow(reason.words, n, {"why": reason.why, "reason": reason.code})
        )
    groups = [
        IneligibleGroup(
            why,
            counts.get(why),
            sorted(listed, key=lambda row: (-row.households, row.text)),
            households[why],
        )
        for why, listed in reasons.items()
    ]
    return sorted(groups, key=lambda g: -(g.households or sum(r.households for r in g.reasons)))


def run_reason(run: AllocationRun, *, why: str, code: str) -> Reason | None:
    """The reason of kind ``why`` and ``code`` that ``run`` stored, if it did."""
    return next(
        (reason for reason, _n in _run_reasons(run) if (reason.why, reason.code) == (why, code)),
        None,
    )


def run_ineligible_households(
    run: AllocationRun, *, why: str, reason: str = ""
) -> QuerySet[Household]:
    """Every household ``run`` left out for a kind of reason, or for one reason of the kind
    (its code), by reference (for paging)."""
    rows = IneligibleHousehold.objects.filter(run=run, why=why)
    if reason:
        rows = rows.filter(reason=reason)
    return (
        Household.objects.filter(pk__in=rows.values("household"))
        .select_related("origin_settlement")
        .order_by("reference")
    )


@dataclass(frozen=True)
class HouseholdPriority:
    """A household's priority score and its factors in words: from the latest run that
    considered it, or — when none did — as a run would score it today, by the policy of
    its programme in force (``version``)."""

    score: int
    words: list[str]
    run: AllocationRun | None  # None: scored now, not by a run
    version: PolicyVersion | None = None


def run_policy(run: AllocationRun) -> PolicyVersion:
    """The policy version whose rules follow from ``run``: its own, or — for a run made
    before policies were data — the one in force of its programme (the first one's)."""
    if run.policy_version_id:
        return run.policy_version
    return policy_in_force(run.programme or default_programme())


def household_priority(household: Household, *, today: dt.date | None = None) -> HouseholdPriority:
    result = (
        AllocationResult.objects.filter(household=household)
        .select_related("run__approved_by", "run__policy_version__programme")
        .order_by("-run__created_at", "-run__pk")
        .first()
    )
    if result is not None:
        return HouseholdPriority(
            result.priority, result.priority_words, result.run, run_policy(result.run)
        )
    verdicts = programme_verdicts([household], today or timezone.localdate())
    if household.programme_id not in verdicts:
        return HouseholdPriority(0, [], None)
    version, judged = verdicts[household.programme_id]
    row = judged.row(household.pk)
    words = priority_in_words(judged.breakdown(row), version.priority_factors)
    return HouseholdPriority(int(judged.scores[row]), words, None, version)
