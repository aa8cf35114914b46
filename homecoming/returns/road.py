"""The road home: the steps a household walks from registration to a follow-up visit at home.

One definition, with no Django, read by the services (which refuse a step out of its
order or date), by the household page (done, current and pending steps with their dates)
and by the tests that walk it. A household stands at exactly one step:

    registered → verified → eligible → offered → accepted → scheduled → boarded
    → keys handed over → followed up

An offer declined sends the household back to wait for another (verified, or eligible
if nothing holds it back); a missed departure sends it back to accepted, waiting for a
seat; a withdrawal can happen before the keys, and a reinstatement brings it back. Keys
can also be handed over to an accepted household that returned outside a departure, when
the reason is recorded.

Each step has its date, and the date rules are the same for every step: not in the
future, not before the displacement, not before the step it follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    REGISTERED = "registered"
    VERIFIED = "verified"
    ELIGIBLE = "eligible"
    OFFERED = "offered a home"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled to move"
    BOARDED = "boarded"
    RETURNED = "keys handed over"
    FOLLOWED_UP = "followed up"
    WITHDRAWN = "withdrawn"


# The road in its order (a withdrawn household is off the road).
ROAD = (
    Step.REGISTERED,
    Step.VERIFIED,
    Step.ELIGIBLE,
    Step.OFFERED,
    Step.ACCEPTED,
    Step.SCHEDULED,
    Step.BOARDED,
    Step.RETURNED,
    Step.FOLLOWED_UP,
)

# Where a household may go from each step; staying where it is is always allowed.
EDGES: dict[Step, frozenset[Step]] = {
    Step.REGISTERED: frozenset({Step.VERIFIED, Step.ELIGIBLE, Step.WITHDRAWN}),
    # Eligibility is judged now (land, services, a duplicate under review): it can come and go.
    Step.VERIFIED: frozenset({Step.ELIGIBLE, Step.OFFERED, Step.WITHDRAWN}),
    Step.ELIGIBLE: frozenset({Step.VERIFIED, Step.OFFERED, Step.WITHDRAWN}),
    # Declined: back to waiting for another offer.
    Step.OFFERED: frozenset({Step.ACCEPTED, Step.VERIFIED, Step.ELIGIBLE, Step.WITHDRAWN}),
    Step.ACCEPTED: frozenset({Step.SCHEDULED, Step.RETURNED, Step.WITHDRAWN}),
    # Did not travel, or missed the departure: back to accepted, waiting for a seat.
    Step.SCHEDULED: frozenset({Step.BOARDED, Step.ACCEPTED, Step.RETURNED, Step.WITHDRAWN}),
    Step.BOARDED: frozenset({Step.RETURNED, Step.ACCEPTED, Step.WITHDRAWN}),
    Step.RETURNED: frozenset({Step.FOLLOWED_UP}),
    Step.FOLLOWED_UP: frozenset(),
    # Reinstated: back where the registration stood.
    Step.WITHDRAWN: frozenset({Step.REGISTERED, Step.VERIFIED, Step.ELIGIBLE}),
}


def may_move(source: Step, target: Step) -> bool:
    """Whether a household at ``source`` may be found at ``target`` after one action."""
    return source == target or target in EDGES[source]


@dataclass(frozen=True)
class Facts:
    """What the records say about one household, as plain values."""

    registered_on: dt.date
    displaced_on: dt.date | None = None
    verified_on: dt.date | None = None
    withdrawn: bool = False
    eligible: bool = False
    offered_on: dt.date | None = None  # the offer held now (or fulfilled)
    accepted_on: dt.date | None = None
    scheduled_on: dt.date | None = None  # on a passenger list, not yet departed
    boarded_on: dt.date | None = None  # seat confirmed on a departure that left
    keys_on: dt.date | None = None
    followed_up_on: dt.date | None = None


def position(facts: Facts) -> Step:
    """The one step the household stands at."""
    if facts.withdrawn:
        return Step.WITHDRAWN
    for step, date in reversed(list(_dates(facts).items())):
        if date is not None and step != Step.VERIFIED:
            return step
    if facts.eligible and facts.verified_on is not None:
        return Step.ELIGIBLE
    return Step.VERIFIED if facts.verified_on is not None else Step.REGISTERED


def _dates(facts: Facts) -> dict[Step, dt.date | None]:
    return {
        Step.VERIFIED: facts.verified_on,
        Step.OFFERED: facts.offered_on,
        Step.ACCEPTED: facts.accepted_on,
        Step.SCHEDULED: facts.scheduled_on,
        Step.BOARDED: facts.boarded_on,
        Step.RETURNED: facts.keys_on,
        Step.FOLLOWED_UP: facts.followed_up_on,
    }


class State(StrEnum):
    DONE = "done"
    CURRENT = "current"
    PENDING = "pending"


@dataclass(frozen=True)
class Milestone:
    step: Step
    state: State
    date: dt.date | None


def milestones(facts: Facts) -> list[Milestone]:
    """Each step of the road with its state (done, current, pending) and its date.

    The current step is the one the household stands at, done; the step after it is
    what it waits for. A withdrawn household has every step it reached done and none current.
    """
    here = position(facts)
    dates = {Step.REGISTERED: facts.registered_on, **_dates(facts)}
    if here == Step.WITHDRAWN:
        reached = [s for s in ROAD if dates.get(s) is not None]
        last = ROAD.index(reached[-1])
        return [
            Milestone(s, State.DONE if i <= last else State.PENDING, dates.get(s))
            for i, s in enumerate(ROAD)
        ]
    at = ROAD.index(here)
    return [
        Milestone(
            step,
            State.DONE if i <= at else State.CURRENT if i == at + 1 else State.PENDING,
            dates.get(step) if i <= at else None,
        )
        for i, step in enumerate(ROAD)
    ]


class Refusal(StrEnum):
    FUTURE = "future"
    BEFORE_DISPLACEMENT = "before displacement"
    BEFORE_PREVIOUS = "before the previous step"


def date_refusal(
    on: dt.date, *, today: dt.date, displaced_on: dt.date | None, previous: dt.date | None
) -> Refusal | None:
    """Why a step cannot be dated ``on``, or None: not in the future, not before the
    displacement, not before the step it follows (dated ``previous``).

    >>> date_refusal(dt.date(2026, 1, 2), today=dt.date(2026, 1, 1), displaced_on=None,
    ...              previous=None)
    <Refusal.FUTURE: 'future'>
    >>> date_refusal(dt.date(2025, 9, 14), today=dt.date(2026, 1, 1),
    ...              displaced_on=dt.date(1993, 4, 2), previous=dt.date(2025, 9, 15))
    <Refusal.BEFORE_PREVIOUS: 'before the previous step'>
    """
    if on > today:
        return Refusal.FUTURE
    if displaced_on is not None and on < displaced_on:
        return Refusal.BEFORE_DISPLACEMENT
    if previous is not None and on < previous:
        return Refusal.BEFORE_PREVIOUS
    return None
