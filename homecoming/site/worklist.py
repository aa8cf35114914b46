"""The worklist on the home page: the work waiting for the user, each task counted with the
same rule and scope as the list it links to, where the work is done (docs/operations.md,
The worklist).

Each task is asked only of a user whose role may do it, and counted in one query of the
list's own selector with the filter the link carries in its query string, so that the
count on the home page is the count on the page it opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homecoming.accounts.access import FIGURES_EDIT, HOUSEHOLD_CHANGE, RETURN_PLAN, user_can
from homecoming.accounts.models import User
from homecoming.core.formats import short_date
from homecoming.monitoring.models import Discrepancy
from homecoming.monitoring.selectors import discrepancy_list
from homecoming.registry.models import DuplicateCandidate, FieldSubmission
from homecoming.registry.selectors import (
    change_requests_to_decide,
    duplicate_candidate_list_for_user,
    field_submission_list_for_user,
    household_list_for_user,
)
from homecoming.returns.models import Passenger
from homecoming.returns.selectors import (
    cohort_list_for_user,
    departures_unconfirmed,
    households_follow_up_due,
    offer_list_for_user,
    offers_awaiting_answer,
)
from homecoming.site.imports import import_kinds_for
from homecoming.site.selectors import import_run_list_for_user, import_runs_failed


@dataclass(frozen=True)
class Task:
    """One line of the worklist: how many wait, where, and how soon."""

    name: str  # what the work is, in words
    count: int
    url: str  # the list where the work is done, with the worklist's filter
    detail: str = ""  # the deadline or the oldest waiting, in words
    urgent: bool = False  # a deadline has passed


def _changes(user: User, today: dt.date) -> Task:
    waiting = change_requests_to_decide(user).aggregate(n=Count("pk"), oldest=Min("requested_at"))
    return Task(
        ngettext("change to approve", "changes to approve", waiting["n"]),
        waiting["n"],
        reverse("registry:change_request_list") + "?decide=mine",
        _("the oldest asked on %(date)s") % {"date": short_date(waiting["oldest"].date())}
        if waiting["n"]
        else "",
    )


def _duplicates(user: User, today: dt.date) -> Task:
    n = (
        duplicate_candidate_list_for_user(user)
        .filter(status=DuplicateCandidate.Status.OPEN)
        .count()
    )
    return Task(
        ngettext("possible duplicate pair to judge", "possible duplicate pairs to judge", n),
        n,
        reverse("registry:duplicate_list"),
    )


def _field_submissions(user: User, today: dt.date) -> Task:
    waiting = (
        field_submission_list_for_user(user)
        .filter(status=FieldSubmission.Status.PENDING)
        .aggregate(n=Count("pk"), oldest=Min("received_at"))
    )
    return Task(
        ngettext(
            "field submission (KoboToolbox) to review",
            "field submissions (KoboToolbox) to review",
            waiting["n"],
        ),
        waiting["n"],
        reverse("registry:field_submission_list"),
        _("the oldest received on %(date)s") % {"date": short_date(waiting["oldest"].date())}
        if waiting["n"]
        else "",
    )


def _offers(user: User, today: dt.date) -> Task:
    waiting = offers_awaiting_answer(offer_list_for_user(user)).aggregate(
        n=Count("pk"),
        overdue=Count("pk", filter=Q(offer_deadline__lt=today)),
        nearest=Min("offer_deadline", filter=Q(offer_deadline__gte=today)),
    )
    words = []
    if waiting["overdue"]:
        words.append(
            ngettext("%(n)d past its deadline", "%(n)d past their deadline", waiting["overdue"])
            % {"n": waiting["overdue"]}
        )
    if waiting["nearest"]:
        nearest = short_date(waiting["nearest"])
        words.append(_("the next answer due by %(date)s") % {"date": nearest})
    return Task(
        ngettext("offer awaiting an answer", "offers awaiting an answer", waiting["n"]),
        waiting["n"],
        reverse("returns:offer_list") + "?answer=pending",
        " · ".join(words),
        urgent=bool(waiting["overdue"]),
    )


def _departures(user: User, today: dt.date) -> Task:
    departures = departures_unconfirmed(cohort_list_for_user(user), today=today)
    found = departures.order_by().aggregate(n=Count("pk", distinct=True), first=Min("move_date"))
    words = ""
    if found["n"]:
        unconfirmed = Passenger.objects.filter(
            cohort__in=departures.values("pk"), status=Passenger.Status.SCHEDULED
        ).count()
        words = (
            ngettext(
                "%(n)d household's seat not confirmed",
                "%(n)d households' seats not confirmed",
                unconfirmed,
            )
            % {"n": unconfirmed}
            + " · "
            + _("the first leaves on %(date)s") % {"date": short_date(found["first"])}
        )
    return Task(
        ngettext(
            "departure in the next %(days)d days with seats not confirmed",
            "departures in the next %(days)d days with seats not confirmed",
            found["n"],
        )
        % {"days": settings.WORKLIST_DEPARTURE_DAYS},
        found["n"],
        reverse("returns:cohort_list") + "?seats=unconfirmed",
        words,
        urgent=found["first"] is not None and found["first"] <= today + dt.timedelta(days=2),
    )


def _follow_ups(user: User, today: dt.date) -> Task:
    n = households_follow_up_due(household_list_for_user(user), today=today).count()
    return Task(
        ngettext("follow-up visit due", "follow-up visits due", n),
        n,
        reverse("registry:household_list") + "?follow_up=due",
        ngettext(
            "keys handed over %(days)d day ago or more, no visit since",
            "keys handed over %(days)d days ago or more, no visit since",
            settings.FOLLOW_UP_DUE_DAYS,
        )
        % {"days": settings.FOLLOW_UP_DUE_DAYS}
        if n
        else "",
    )


def _discrepancies(user: User, today: dt.date) -> Task:
    n = discrepancy_list(status=Discrepancy.Status.OPEN).count()
    return Task(
        ngettext(
            "discrepancy between published figures open",
            "discrepancies between published figures open",
            n,
        ),
        n,
        reverse("monitoring:discrepancy_list") + f"?status={Discrepancy.Status.OPEN}",
    )


def _imports(user: User, today: dt.date) -> Task:
    n = import_runs_failed(import_run_list_for_user(user)).count()
    return Task(
        ngettext("import that failed", "imports that failed", n),
        n,
        reverse("import_list") + "?status=failed",
        _("nothing of them was imported; correct the file and upload it again") if n else "",
    )


def _imports_anything(user: User) -> bool:
    return bool(import_kinds_for(user))


# Each task, and who may do it: the rule its list (or the action on it) requires.
TASKS: list[tuple[Callable[[User], bool], Callable[[User, dt.date], Task]]] = [
    (lambda user: user_can(user, HOUSEHOLD_CHANGE), _offers),
    (
        lambda user: user_can(user, HOUSEHOLD_CHANGE) or user_can(user, RETURN_PLAN),
        _departures,
    ),
    (lambda user: user_can(user, HOUSEHOLD_CHANGE), _changes),
    (lambda user: user_can(user, HOUSEHOLD_CHANGE), _duplicates),
    (lambda user: user_can(user, HOUSEHOLD_CHANGE), _field_submissions),
    (lambda user: user_can(user, HOUSEHOLD_CHANGE), _follow_ups),
    (lambda user: user_can(user, FIGURES_EDIT), _discrepancies),
    (_imports_anything, _imports),
]


def worklist(user: User, *, today: dt.date) -> list[Task] | None:
    """The tasks waiting for ``user`` (only those with work), or None when the user's
    role does none of them: such a user has no worklist, not an empty one."""
    asked = [count for may, count in TASKS if may(user)]
    if not asked:
        return None
    return [task for task in (count(user, today) for count in asked) if task.count]
