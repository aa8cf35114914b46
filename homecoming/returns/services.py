"""Writes of return planning: allocation runs, offers, cohorts, key handover, follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from homecoming.accounts.access import HOUSEHOLD_CHANGE, RETURN_PLAN, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.formats import short_date
from homecoming.core.locking import locked
from homecoming.housing.models import HousingUnit
from homecoming.housing.services import unit_status_change
from homecoming.places.models import Area, Settlement
from homecoming.planner import InvalidProblem, solve
from homecoming.planner.cohorts import Departure, Traveller, schedule_cohorts
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.registry import services as registry_services
from homecoming.registry.models import DuplicateCandidate, Household
from homecoming.registry.services import household_event
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
from homecoming.returns.policy import STEP_DONE, household_facts, policy_verdicts
from homecoming.returns.road import Refusal, date_refusal
from homecoming.returns.selectors import (
    Eligibility,
    household_steps,
    households_in,
    ineligible_counts,
    ineligible_rows,
    planner_households,
    planner_units,
    run_policy,
    seats_taken,
    step_label,
    waiting_to_travel,
    with_places,
)


def allocation_run(
    *, by: User, districts: list[Area], scope: str, programme: Programme | None = None
) -> AllocationRun:
    """Run the planner on the eligible households of ``programme`` (default: the first
    active one) and the ready units of ``districts``.

    The households are judged and ranked by the programme's policy in force today, with
    its rooms table; the run names the programme and the version. The run is a draft: it
    changes no household and no unit until it is approved. It records its explanations
    and each household it left out, with the reasons.
    """
    require(by, RETURN_PLAN)
    if not districts:
        raise ApplicationError("Choose at least one district.")
    programme = programme or default_programme()
    today = timezone.localdate()
    try:
        version = policy_in_force(programme, today)
    except PolicyVersion.DoesNotExist as exc:
        raise ApplicationError(
            _("No version of the policy of %(programme)s is in force today.")
            % {"programme": programme.display_name}
        ) from exc
    waiting = list(
        households_in(districts)
        .filter(programme=programme)
        .select_related("origin_settlement__district")
    )
    verdicts = policy_verdicts(version, household_facts(waiting, today))
    checked = [
        Eligibility(h, with_places(verdicts.reasons(verdicts.row(h.pk)), h), version)
        for h in waiting
    ]
    eligible = [e.household for e in checked if e.eligible]
    households, priorities = planner_households(eligible, verdicts)
    units = planner_units(districts)
    policy = {"scope": scope, "rooms": version.rooms}
    try:
        plan = solve({"policy": policy, "households": households, "units": units})
    except InvalidProblem as exc:
        raise ApplicationError(f"The planner refused the input: {exc}") from exc
    with transaction.atomic():
        run = AllocationRun.objects.create(
            created_by=by,
            scope=scope,
            programme=programme,
            policy_version=version,
            policy=policy
            | {
                "priority_weights": {f["key"]: f["weight"] for f in version.priority_factors},
                "required_services": version.required_services,
            },
            status=plan.status,
            objective=plan.to_json()["objective"],
            households_considered=len(checked),
            households_not_eligible=len(checked) - len(eligible),
            units_considered=len(units),
            ineligible_reasons=ineligible_counts(checked),
        )
        run.districts.set(districts)
        AllocationResult.objects.bulk_create(
            [
                AllocationResult(
                    run=run,
                    household=household,
                    unit_id=int(plan.assignments[str(household.pk)])
                    if str(household.pk) in plan.assignments
                    else None,
                    priority=priorities[household.pk][0],
                    priority_breakdown=priorities[household.pk][1],
                    explanation=plan.explanations[str(household.pk)],
                )
                for household in eligible
            ],
            batch_size=2000,
        )
        IneligibleHousehold.objects.bulk_create(ineligible_rows(run, checked), batch_size=2000)
    return run


def return_step_record(*, household: Household, by: User, step: str, date: dt.date) -> None:
    """Record that ``household`` did ``step`` on ``date``, a step before return of its
    programme's policy in force (a cross-border programme's steps replace land release): an
    event in its history, with who recorded it and when (docs/policies.md).

    Once per step. The date follows the road home's rules (``road.date_refusal``): not in
    the future, not before the displacement, not before the step before it in the policy's
    order when that one is done. A refused date says so with ``extra={"field": "date"}``."""
    require(by, HOUSEHOLD_CHANGE)
    try:
        version = policy_in_force(household.programme)
    except PolicyVersion.DoesNotExist as exc:
        raise ApplicationError(
            _("No version of the policy of %(programme)s is in force today.")
            % {"programme": household.programme.display_name}
        ) from exc
    keys = [s["key"] for s in version.steps]
    if step not in keys:
        raise ApplicationError(
            _("%(step)s is not a step before return of the policy of %(programme)s.")
            % {"step": step, "programme": household.programme.display_name}
        )
    with transaction.atomic():
        household = locked(household)
        done = {s.key: s for s in household_steps(household, version) if s.done}
        if step in done:
            raise ApplicationError(
                _("%(step)s is already recorded as done.") % {"step": done[step].label}
            )
        before = next((done[k] for k in reversed(keys[: keys.index(step)]) if k in done), None)
        try:
            _dated(
                step_label(version, step),
                date,
                household=household,
                previous=(before.label, before.date) if before else ("", None),
            )
        except ApplicationError as exc:
            raise ApplicationError(exc.message, extra={"field": "date"}) from exc
        household_event(household, by, STEP_DONE, step=step, date=date.isoformat())


def allocation_approve(*, run: AllocationRun, by: User, on: dt.date | None = None) -> int:
    """Turn a run into reservations: each allocated unit is reserved for its household,
    offered ``on`` (default: today), never before the household was verified.

    All or nothing. The run, its households, then its units are locked (``SELECT … FOR
    UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) and checked
    to be still free and not withdrawn, and the partial unique constraints on active
    reservations stop a second approval racing this one. Returns the number of reservations made.
    """
    require(by, RETURN_PLAN)
    try:
        with transaction.atomic():
            run = locked(run)
            if run.approved:
                raise ApplicationError("This run has already been approved.")
            results = list(run.results.exclude(unit=None))
            # The households before their homes, in the order a withdrawal locks them: one
            # at this moment either ends first (and is seen here) or waits for this approval
            # and frees the offer it makes.
            households = list(
                Household.objects.select_for_update(no_key=True)
                .filter(pk__in=[r.household_id for r in results])
                .order_by("pk")
            )
            units = {
                u.pk: u
                for u in HousingUnit.objects.select_for_update()
                .select_related("building__project")
                .filter(pk__in=[r.unit_id for r in results])
            }
            taken = [u for u in units.values() if u.status != HousingUnit.Status.READY]
            busy = set(
                Reservation.objects.filter(
                    household__in=[r.household_id for r in results],
                    status=Reservation.Status.ACTIVE,
                ).values_list("household", flat=True)
            )
            withdrawn = [h for h in households if h.status == Household.Status.WITHDRAWN]
            if taken or busy or withdrawn:
                raise ApplicationError(
                    f"The run is out of date: {len(taken)} unit(s) no longer ready, "
                    f"{len(busy)} household(s) already holding a home and {len(withdrawn)} "
                    "withdrawn. Run it again."
                )
            on = on or timezone.localdate()
            for household in households:
                _dated(
                    _("The offer"),
                    on,
                    household=household,
                    previous=(_("the verification"), household.verified_on),
                )
            deadline = on + dt.timedelta(days=run_policy(run).offer_answer_days)
            bulk_create_with_history(
                [
                    Reservation(
                        unit_id=r.unit_id,
                        household_id=r.household_id,
                        run=run,
                        created_by=by,
                        offered_on=on,
                        offer_deadline=deadline,
                    )
                    for r in results
                ],
                Reservation,
                default_user=by,
                default_change_reason=f"allocation run {run.pk} approved",
            )
            for result in results:
                unit_status_change(
                    unit=units[result.unit_id],
                    status=HousingUnit.Status.RESERVED,
                    by=by,
                    reason=f"allocation run {run.pk}",
                    by_returns=True,
                )
            run.approved_by, run.approved_on = by, on
            run.save(update_fields=["approved_by", "approved_on"])
    except IntegrityError as exc:
        raise ApplicationError(
            "Another approval reserved some of these homes at the same "
            "moment. Run the allocation again."
        ) from exc
    return len(results)


def offer_accept(*, offer: Reservation, by: User, on: dt.date | None = None) -> Reservation:
    """The household accepts its home. Its informed, voluntary consent must be on file.

    Like every answer, it is checked and written on the offer as it is now, under a lock:
    of two officers answering at once, the second is told the offer was answered. Returns
    the offer as changed (the instance passed in is not).
    """
    require(by, HOUSEHOLD_CHANGE)
    on = on or timezone.localdate()
    with transaction.atomic():
        offer = _open(offer)
        if not offer.household.consents.filter(withdrawn_on=None).exists():
            raise ApplicationError("Record the household's consent to return before it accepts.")
        _dated(
            _("The answer"),
            on,
            household=offer.household,
            previous=(_("the offer"), offer.offered_on),
        )
        offer.answer, offer.answered_on = Reservation.Answer.ACCEPTED, on
        offer.save(update_fields=["answer", "answered_on"])
        household_event(offer.household, by, "offer accepted", unit=str(offer.unit))
    return offer


def offer_decline(
    *, offer: Reservation, by: User, reason: str, on: dt.date | None = None
) -> Reservation:
    """The household declines: the reservation ends, the unit returns to the pool and the
    household waits for another offer."""
    require(by, HOUSEHOLD_CHANGE)
    if not reason.strip():
        raise ApplicationError("Give the household's reason for declining.")
    on = on or timezone.localdate()
    with transaction.atomic():
        offer = _open(offer)
        _dated(
            _("The answer"),
            on,
            household=offer.household,
            previous=(_("the offer"), offer.offered_on),
        )
        offer.answer, offer.answered_on = Reservation.Answer.DECLINED, on
        offer.decline_reason, offer.status = reason.strip(), Reservation.Status.RELEASED
        offer.save(update_fields=["answer", "answered_on", "decline_reason", "status"])
        unit_status_change(
            unit=locked(offer.unit),
            status=HousingUnit.Status.READY,
            by=by,
            reason=f"offer declined by {offer.household}",
            by_returns=True,
        )
        household_event(
            offer.household, by, "offer declined", unit=str(offer.unit), reason=reason.strip()
        )
    return offer


def offer_appeal(*, offer: Reservation, by: User, text: str) -> Reservation:
    """Record the household's appeal against its offer (or the lack of one)."""
    require(by, HOUSEHOLD_CHANGE)
    if not text.strip():
        raise ApplicationError("Write the appeal.")
    with transaction.atomic():
        offer = locked(offer)
        offer.appeal = text.strip()
        offer.save(update_fields=["appeal"])
        household_event(offer.household, by, "appeal recorded", text=text.strip())
    return offer


def _open(offer: Reservation) -> Reservation:
    """The offer as it is now, locked, if it still waits for an answer."""
    offer = locked(offer)
    if offer.status != Reservation.Status.ACTIVE or offer.answer != Reservation.Answer.PENDING:
        raise ApplicationError("This offer has already been answered.")
    return offer


def keys_hand_over(
    *,
    offer: Reservation,
    by: User,
    date: dt.date,
    keys: int,
    signed_form: str,
    meter_readings: str = "",
    condition_notes: str = "",
    outside_departure_reason: str = "",
) -> KeyHandover:
    """Hand over the keys of an accepted offer: the unit becomes occupied, the household
    returned, and its place in temporary accommodation is freed.

    Keys follow the household's departure: its seat confirmed, the departure left, the
    handover dated on or after it. A household that came home another way gets its keys
    with the reason recorded (dated on or after its acceptance), and a seat it still
    held on a departure is freed.
    """
    require(by, HOUSEHOLD_CHANGE)
    if keys < 1 or not signed_form.strip():
        raise ApplicationError("Give the number of keys and the signed form's reference.")
    reason = outside_departure_reason.strip()
    with transaction.atomic():
        # The household first, as a withdrawal locks it: of the two, one waits for the other.
        household = locked(offer.household)
        offer = locked(offer)
        if offer.status == Reservation.Status.FULFILLED:
            raise ApplicationError("The keys of this home have already been handed over.")
        if offer.answer != Reservation.Answer.ACCEPTED or offer.status != Reservation.Status.ACTIVE:
            raise ApplicationError("Keys are handed over only for an accepted offer.")
        passages = list(
            offer.passages.select_for_update()
            .filter(status__in=PASSAGE_OPEN)
            .select_related("cohort")
        )
        boarded = next(
            (
                p
                for p in passages
                if p.status == Passenger.Status.CONFIRMED
                and p.cohort.status == Cohort.Status.DEPARTED
            ),
            None,
        )
        if boarded is not None:
            previous = (_("the departure"), boarded.cohort.move_date)
        elif reason:
            previous = (_("the acceptance"), offer.answered_on)
        else:
            raise ApplicationError(
                _(
                    "Keys are handed over once the household's departure has left with its "
                    "seat confirmed. If the household came home another way, give the reason "
                    "for a return outside a departure."
                )
            )
        _dated(_("The handover of the keys"), date, household=household, previous=previous)
        handover = KeyHandover.objects.create(
            reservation=offer,
            date=date,
            officer=by,
            keys=keys,
            signed_form=signed_form.strip(),
            meter_readings=meter_readings,
            condition_notes=condition_notes,
            outside_departure_reason="" if boarded else reason,
        )
        offer.status = Reservation.Status.FULFILLED
        offer.save(update_fields=["status"])
        for passage in passages:
            if passage == boarded:
                passage.status = Passenger.Status.MOVED
            else:  # came home another way: the seat is freed
                passage.status, passage.note = Passenger.Status.NO_SHOW, reason
            passage.save(update_fields=["status", "note"])
        unit_status_change(
            unit=locked(offer.unit),
            status=HousingUnit.Status.OCCUPIED,
            on=date,
            by=by,
            reason=f"keys handed over to {household}",
            by_returns=True,
        )
        freed = household.accommodation_place
        household.accommodation_place = None
        household.save(update_fields=["accommodation_place"])
        household_event(
            household,
            by,
            "keys handed over",
            unit=str(offer.unit),
            date=date.isoformat(),
            freed=str(freed) if freed else "",
            outside_departure=handover.outside_departure_reason,
        )
    return handover


def _dated(
    step: str, on: dt.date, *, household: Household, previous: tuple[str, dt.date | None]
) -> None:
    """Refuse ``step`` dated ``on`` if the road home's date rules do (``road.date_refusal``)."""
    refusal = date_refusal(
        on, today=timezone.localdate(), displaced_on=household.displaced_on, previous=previous[1]
    )
    values = {"step": step, "date": short_date(on)}
    if refusal == Refusal.FUTURE:
        raise ApplicationError(_("%(step)s cannot be dated in the future: %(date)s.") % values)
    if refusal == Refusal.BEFORE_DISPLACEMENT:
        raise ApplicationError(
            _("%(step)s cannot be dated %(date)s, before the household was displaced (%(before)s).")
            % (values | {"before": short_date(household.displaced_on)})
        )
    if refusal == Refusal.BEFORE_PREVIOUS:
        raise ApplicationError(
            _("%(step)s cannot be dated %(date)s, before %(previous)s on %(before)s.")
            % (values | {"previous": previous[0], "before": short_date(previous[1])})
        )


def cohort_plan(
    *,
    by: User,
    destination: Settlement,
    move_date: dt.date,
    seats: int,
    transport: str,
    today: dt.date | None = None,
) -> Cohort:
    """Plan a departure to ``destination``: its date, its seats and the transport.

    ``today`` is the day it is planned (default: today), for recording past cohorts.
    """
    require(by, RETURN_PLAN)
    if seats < 1 or not transport.strip():
        raise ApplicationError("Give the number of seats and the transport.")
    if move_date < (today or timezone.localdate()):
        raise ApplicationError("A departure cannot be planned in the past.")
    # The database's unique constraint is the rule: of two planners saving one departure
    # at once, the second is told it exists, as if it had been there before.
    try:
        with transaction.atomic():
            return Cohort.objects.create(
                destination=destination,
                move_date=move_date,
                seats=seats,
                transport=transport.strip(),
                created_by=by,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            f"A cohort to {destination} on {move_date} is already planned."
        ) from exc


@dataclass(frozen=True)
class CohortScheduling:
    scheduled: int
    waiting: int
    status: str
    gap: float


def cohorts_schedule(
    *, by: User, districts: list[Area], time_limit: float = 20.0, today: dt.date | None = None
) -> CohortScheduling:
    """Put the accepted households of ``districts`` not yet on a passenger list on the
    planned departures from ``today`` (default: today) to their new home's settlement,
    within the seats left (``homecoming.planner.cohorts``: villages together, higher
    priority earlier)."""
    require(by, RETURN_PLAN)
    today = today or timezone.localdate()
    if today > timezone.localdate():
        # The day households are put on the lists is their road home's "scheduled" date.
        raise ApplicationError(_("Households cannot be scheduled on a day still to come."))
    with transaction.atomic():
        cohorts = list(
            Cohort.objects.select_for_update().filter(
                status=Cohort.Status.PLANNED,
                move_date__gte=today,
                destination__district__in=districts,
            )
        )
        # The offers are locked too: a handover at this moment either ends before
        # (the household is no longer waiting) or waits until the list is written.
        waiting = list(
            waiting_to_travel(districts)
            .filter(answered_on__lte=today)
            .select_for_update(of=("self",))
        )
        taken = seats_taken(cohorts)
        departures = [
            Departure(str(c.pk), c.move_date, str(c.destination_id), c.seats - taken[c.pk])
            for c in cohorts
            if c.seats > taken[c.pk]
        ]
        travellers = [
            Traveller(
                str(r.pk),
                str(r.unit.building.settlement_id),
                str(r.household.origin_settlement_id),
                r.persons,
                r.priority,
            )
            for r in waiting
        ]
        plan = schedule_cohorts(travellers, departures, time_limit=time_limit)
        by_id = {str(r.pk): r for r in waiting}
        bulk_create_with_history(
            [
                Passenger(
                    cohort_id=int(cohort),
                    reservation=by_id[r],
                    persons=by_id[r].persons,
                    scheduled_on=today,
                )
                for r, cohort in plan.assignments.items()
            ],
            Passenger,
            default_user=by,
            default_change_reason="cohorts scheduled",
        )
        for reservation_id, cohort_id in plan.assignments.items():
            cohort = next(c for c in cohorts if str(c.pk) == cohort_id)
            household_event(by_id[reservation_id].household, by, "scheduled", cohort=str(cohort))
    return CohortScheduling(len(plan.assignments), len(plan.unscheduled), plan.status, plan.gap)


def passenger_answer(*, passenger: Passenger, by: User, travels: bool, note: str = "") -> Passenger:
    """The household confirms its seat, or did not travel (it waits for another cohort).

    A seat is confirmed once; a confirmed household may still not travel. Returns the
    passenger as changed (the instance passed in is not).
    """
    require(by, HOUSEHOLD_CHANGE)
    if not travels and not note.strip():
        raise ApplicationError(_("Say why the household did not travel."))
    with transaction.atomic():
        passenger = locked(passenger)
        if passenger.status not in PASSAGE_OPEN:
            raise ApplicationError(_("This household's journey is already recorded."))
        if travels and passenger.status == Passenger.Status.CONFIRMED:
            raise ApplicationError(_("This household's seat is already confirmed."))
        passenger.status = Passenger.Status.CONFIRMED if travels else Passenger.Status.NO_SHOW
        passenger.note = note.strip()
        passenger.save(update_fields=["status", "note"])
        household_event(
            passenger.reservation.household,
            by,
            "seat confirmed" if travels else "did not travel",
            cohort=str(passenger.cohort),
            note=passenger.note,
        )
    return passenger


def cohort_depart(*, cohort: Cohort, by: User) -> Cohort:
    """The departure has left: households whose seat was confirmed are on their way; those
    still only scheduled missed it, their seats are freed and they wait for another.

    Recorded on or after its move date, once. Returns the cohort as changed.
    """
    require(by, HOUSEHOLD_CHANGE)
    with transaction.atomic():
        cohort = locked(cohort)
        if cohort.status != Cohort.Status.PLANNED:
            raise ApplicationError(_("This departure is already recorded as left or cancelled."))
        if cohort.move_date > timezone.localdate():
            raise ApplicationError(
                _("This departure leaves on %(date)s: it cannot be recorded as left before.")
                % {"date": short_date(cohort.move_date)}
            )
        cohort.status = Cohort.Status.DEPARTED
        cohort.save(update_fields=["status"])
        missed = (
            cohort.passengers.select_for_update(of=("self",))
            .filter(status=Passenger.Status.SCHEDULED)
            .select_related("reservation__household")
        )
        for passenger in missed:
            passenger.status, passenger.note = Passenger.Status.NO_SHOW, "missed the departure"
            passenger.save(update_fields=["status", "note"])
            household_event(
                passenger.reservation.household, by, "missed the departure", cohort=str(cohort)
            )
    return cohort


def household_withdraw(*, household: Household, by: User, reason: str) -> Household:
    """Withdraw the registration and free what the household held, in one transaction: its
    offer ends and the home returns to the pool, its seat on a departure is freed.

    A household whose keys were handed over has returned: it is not withdrawn. Returns the
    household as changed.
    """
    with transaction.atomic():
        household = registry_services.household_withdraw(household=household, by=by, reason=reason)
        _release_held(household, by=by, why="household withdrawn")
    return household


def duplicate_resolve(
    *,
    candidate: DuplicateCandidate,
    by: User,
    duplicate: bool,
    keep: Household | None = None,
    note: str = "",
) -> DuplicateCandidate:
    """Judge a pair as :func:`homecoming.registry.services.duplicate_resolve` does; the
    household withdrawn as a duplicate frees what it held, in the same transaction."""
    with transaction.atomic():
        judged = registry_services.duplicate_resolve(
            candidate=candidate, by=by, duplicate=duplicate, keep=keep, note=note
        )
        if duplicate:
            drop = next(h for h in (judged.household_a, judged.household_b) if h.pk != keep.pk)
            _release_held(drop, by=by, why="withdrawn as a duplicate")
    return judged


def _release_held(household: Household, *, by: User, why: str) -> None:
    """End the household's active offer, free its seat and return its home to the pool;
    refuse a household that returned.

    The caller holds the household's lock: an approval making an offer at this moment has
    either ended (its offer is seen and freed here) or waits and then finds the household
    withdrawn. The order is the one every return service keeps: household, offer, seats, home.
    """
    offers = list(
        Reservation.objects.select_for_update()
        .filter(
            household=household,
            status__in=(Reservation.Status.ACTIVE, Reservation.Status.FULFILLED),
        )
        .select_related("unit")
    )
    if any(o.status == Reservation.Status.FULFILLED for o in offers):
        raise ApplicationError(
            _(
                "%(reference)s has returned home: its keys were handed over. A household that "
                "returned is not withdrawn; record a follow-up visit instead."
            )
            % {"reference": household.reference}
        )
    for offer in offers:
        for passage in offer.passages.select_for_update().filter(status__in=PASSAGE_OPEN):
            passage.status, passage.note = Passenger.Status.NO_SHOW, why
            passage.save(update_fields=["status", "note"])
        offer.status = Reservation.Status.RELEASED
        offer.save(update_fields=["status"])
        unit_status_change(
            unit=locked(offer.unit),
            status=HousingUnit.Status.READY,
            by=by,
            reason=f"{why}: {household}",
            by_returns=True,
        )
        household_event(household, by, "offer withdrawn", unit=str(offer.unit))


def follow_up_record(
    *, household: Household, by: User, date: dt.date, finding: str, problems: str = ""
) -> FollowUpVisit:
    """A visit after return: is the household living there, with what problems, or gone?"""
    require(by, HOUSEHOLD_CHANGE)
    handover = KeyHandover.objects.filter(
        reservation__household=household, reservation__status=Reservation.Status.FULFILLED
    ).first()
    if handover is None:
        raise ApplicationError("Follow-up visits are for households that have returned.")
    _dated(
        _("The follow-up visit"),
        date,
        household=household,
        previous=(_("the handover of the keys"), handover.date),
    )
    if finding not in FollowUpVisit.Finding.values:
        raise ApplicationError("Choose what the visit found.")
    if finding == FollowUpVisit.Finding.PROBLEMS and not problems.strip():
        raise ApplicationError("Describe the problems found.")
    with transaction.atomic():
        visit = FollowUpVisit.objects.create(
            household=household, date=date, officer=by, finding=finding, problems=problems.strip()
        )
        household_event(household, by, "follow-up visit", finding=finding, date=date.isoformat())
    return visit


@dataclass(frozen=True)
class Outcome:
    """What a bulk action did to one record: done, or refused with the reason in words."""

    record: Reservation | Passenger  # as it is after the action
    reference: str  # the household's reference
    refusal: str = ""  # empty when done

    @property
    def done(self) -> bool:
        return not self.refusal


def offers_remind(*, offers: list[Reservation], by: User) -> list[Outcome]:
    """Record a reminder to answer on each offer still waiting for one, in its household's
    history. The system sends nothing itself (it has no SMS gateway): the event says an
    officer is to call or write, and the page lists whom, with their phones.

    Each offer is read again under its own lock: one answered meanwhile is refused with
    the reason, the others are reminded."""
    require(by, HOUSEHOLD_CHANGE)
    outcomes = []
    for offer in offers:
        with transaction.atomic():
            offer = locked(offer)
            household = offer.household
            if (
                offer.status != Reservation.Status.ACTIVE
                or offer.answer != Reservation.Answer.PENDING
            ):
                outcomes.append(
                    Outcome(offer, household.reference, _("This offer has already been answered."))
                )
                continue
            household_event(
                household,
                by,
                "reminded to answer the offer",
                unit=str(offer.unit),
                date=offer.offer_deadline.isoformat(),
            )
            outcomes.append(Outcome(offer, household.reference))
    return outcomes


def passengers_confirm(*, passengers: list[Passenger], by: User) -> list[Outcome]:
    """Confirm the seats of ``passengers``, each through :func:`passenger_answer` in its own
    transaction and lock: one refused (its journey already recorded, its seat already
    confirmed) is reported with the reason, and does not undo the others."""
    require(by, HOUSEHOLD_CHANGE)
    outcomes = []
    for passenger in passengers:
        reference = passenger.reservation.household.reference
        try:
            confirmed = passenger_answer(passenger=passenger, by=by, travels=True)
        except ApplicationError as exc:
            outcomes.append(Outcome(passenger, reference, str(exc.message)))
        else:
            outcomes.append(Outcome(confirmed, reference))
    return outcomes
