"""Writes of policy versions: a draft copied from a version, changed while it is a draft,
approved by a second person to be in force from a date (docs/policies.md, "Versions").

Every change is kept by the version's history (simple_history): who changed what, when.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from homecoming.accounts.access import POLICY_MANAGE, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.formats import short_date
from homecoming.core.locking import locked
from homecoming.programmes import language
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.programmes.selectors import policy_in_force

LANGUAGES = ("en", "az", "ru")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_WEIGHT = 1000
MAX_ANSWER_DAYS = 365


@dataclass(frozen=True)
class Problem:
    """What is wrong with one part of a policy: ``where`` names the part (``conditions``,
    ``priority_factors``, …), ``row`` the condition or factor (from 0) and ``field`` its
    field (``expression``, ``key``, …), ``message`` says what, in the page's language."""

    where: str
    message: str
    row: int | None = None
    field: str = ""


def _expression_problem(expression: str, expect: language.Expect) -> str:
    try:
        language.check(expression, expect=expect)
    except language.PolicyError as exc:
        return _(exc.template) % exc.params
    return ""


def _rows_problems(
    where: str, rows: Sequence[Mapping[str, Any]], expect: language.Expect
) -> list[Problem]:
    problems = []
    keys: set[str] = set()
    for i, row in enumerate(rows):
        key = str(row.get("key", ""))
        if not KEY.match(key):
            problems.append(
                Problem(
                    where,
                    _(
                        "A key is a short name in small Latin letters, digits and _, starting "
                        "with a letter, such as large_family."
                    ),
                    i,
                    "key",
                )
            )
        elif key in keys:
            problems.append(
                Problem(
                    where, _("Each key is used once: %(key)s is twice.") % {"key": key}, i, "key"
                )
            )
        keys.add(key)
        if not str((row.get("label") or {}).get("en", "")).strip():
            problems.append(Problem(where, _("Give its name in English at least."), i, "label_en"))
        if message := _expression_problem(str(row.get("expression", "")), expect):
            problems.append(Problem(where, message, i, "expression"))
        if expect == language.NUMBER:
            weight = row.get("weight")
            if (
                not isinstance(weight, int)
                or isinstance(weight, bool)
                or not 0 <= weight <= MAX_WEIGHT
            ):
                problems.append(
                    Problem(
                        where,
                        _("A weight is a whole number from 0 to %(most)d.") % {"most": MAX_WEIGHT},
                        i,
                        "weight",
                    )
                )
    return problems


def policy_problems(
    *,
    conditions: Sequence[Mapping[str, Any]],
    priority_factors: Sequence[Mapping[str, Any]],
    required_services: Sequence[str],
    offer_answer_days: int,
    rooms: Sequence[Sequence[int]],
) -> list[Problem]:
    """Everything wrong with a policy's parts, each where it is; empty when it may be saved.
    Every expression is checked by the policy language (``language.check``)."""
    problems = _rows_problems("conditions", conditions, language.BOOL)
    problems += _rows_problems("priority_factors", priority_factors, language.NUMBER)
    unknown = [s for s in required_services if s not in language.SERVICES]
    if unknown:
        problems.append(
            Problem(
                "required_services",
                _("Not a service a settlement can have: %(services)s.")
                % {"services": ", ".join(unknown)},
            )
        )
    if not 1 <= offer_answer_days <= MAX_ANSWER_DAYS:
        problems.append(
            Problem(
                "offer_answer_days",
                _("A household has from 1 to %(most)d days to answer an offer.")
                % {"most": MAX_ANSWER_DAYS},
            )
        )
    problems += rooms_problems(rooms)
    return problems


def rooms_problems(rooms: Sequence[Sequence[int]]) -> list[Problem]:
    sizes = []
    for row in rooms:
        if (
            len(row) != 3
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in row)
            or not (row[0] >= 1 and 1 <= row[1] <= row[2] <= 20)
        ):
            return [
                Problem(
                    "rooms",
                    _(
                        "Each row of the rooms table is a household size and the fewest and "
                        "most rooms it may be given, such as 4 2 3."
                    ),
                )
            ]
        sizes.append(row[0])
    if not rooms or sorted(sizes) != list(range(1, len(sizes) + 1)):
        return [
            Problem(
                "rooms",
                _(
                    "The rooms table has one row for each household size from 1 up; the last "
                    "row holds for larger households."
                ),
            )
        ]
    return []


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise ApplicationError(" ".join(dict.fromkeys(p.message for p in problems)))


def policy_draft(
    *, programme: Programme, by: User, based_on: PolicyVersion | None = None
) -> PolicyVersion:
    """A new draft of ``programme``'s policy: a copy of ``based_on`` (default: the version
    in force today, else the latest), numbered after the programme's last version."""
    require(by, POLICY_MANAGE)
    with transaction.atomic():
        # The programme's lock numbers drafts one at a time.
        programme = locked(programme)
        if based_on is None:
            try:
                based_on = policy_in_force(programme)
            except PolicyVersion.DoesNotExist:
                based_on = programme.policy_versions.order_by("-number").first()
        if based_on is not None and based_on.programme_id != programme.pk:
            raise ApplicationError(_("A draft is based on a version of the same programme."))
        last = programme.policy_versions.aggregate(n=Max("number"))["n"] or 0
        draft = PolicyVersion(
            programme=programme,
            number=last + 1,
            status=PolicyVersion.Status.DRAFT,
            based_on=based_on,
            drafted_by=by,
            conditions=list(based_on.conditions) if based_on else [],
            required_services=list(based_on.required_services) if based_on else [],
            priority_factors=list(based_on.priority_factors) if based_on else [],
            offer_answer_days=based_on.offer_answer_days if based_on else 14,
            rooms=list(based_on.rooms) if based_on else [[1, 1, 2]],
            steps=list(based_on.steps) if based_on else [],
        )
        draft._history_user = by
        draft.full_clean()
        draft.save()
    return draft


def policy_change(
    *,
    version: PolicyVersion,
    by: User,
    conditions: list[dict],
    priority_factors: list[dict],
    required_services: list[str],
    offer_answer_days: int,
    rooms: list[list[int]],
    steps: list[dict] | None = None,
    note: str = "",
) -> PolicyVersion:
    """Change a draft: its conditions, factors, services, answer days, rooms, steps and
    note, every expression checked. An approved version never changes."""
    require(by, POLICY_MANAGE)
    _refuse(
        policy_problems(
            conditions=conditions,
            priority_factors=priority_factors,
            required_services=required_services,
            offer_answer_days=offer_answer_days,
            rooms=rooms,
        )
    )
    with transaction.atomic():
        version = locked(version)
        if version.status != PolicyVersion.Status.DRAFT:
            raise ApplicationError(
                _("Version %(number)d is approved: it does not change. Draft a new version.")
                % {"number": version.number}
            )
        version.conditions = conditions
        version.priority_factors = priority_factors
        version.required_services = required_services
        version.offer_answer_days = offer_answer_days
        version.rooms = rooms
        if steps is not None:
            version.steps = steps
        version.note = note.strip()
        version._history_user = by
        version.save(
            update_fields=[
                "conditions",
                "priority_factors",
                "required_services",
                "offer_answer_days",
                "rooms",
                "steps",
                "note",
            ]
        )
    return version


def policy_approve(*, version: PolicyVersion, by: User, in_force_from: dt.date) -> PolicyVersion:
    """Approve a draft, in force from ``in_force_from``: by a second person (not who
    drafted it), from a day not before today nor before the version in force before it.

    Under the programme's and the version's locks: of two approvals at once, exactly one
    wins and the other is told the version was approved meanwhile."""
    require(by, POLICY_MANAGE)
    today = timezone.localdate()
    with transaction.atomic():
        locked(version.programme)
        version = locked(version)
        if version.status != PolicyVersion.Status.DRAFT:
            raise ApplicationError(
                _("Version %(number)d was approved meanwhile by %(who)s.")
                % {"number": version.number, "who": version.approved_by or _("someone else")}
            )
        if version.drafted_by_id == by.pk:
            raise ApplicationError(_("A second person approves a version: you drafted this one."))
        if in_force_from < today:
            raise ApplicationError(
                _("A version comes into force today or later, not on %(date)s.")
                % {"date": short_date(in_force_from)}
            )
        previous = (
            version.programme.policy_versions.filter(status=PolicyVersion.Status.APPROVED)
            .order_by("-in_force_from", "-number")
            .first()
        )
        if previous is not None and in_force_from < previous.in_force_from:
            raise ApplicationError(
                _(
                    "Version %(number)d is in force from %(date)s: this one cannot come into "
                    "force before it."
                )
                % {"number": previous.number, "date": short_date(previous.in_force_from)}
            )
        _refuse(
            policy_problems(
                conditions=version.conditions,
                priority_factors=version.priority_factors,
                required_services=version.required_services,
                offer_answer_days=version.offer_answer_days,
                rooms=version.rooms,
            )
        )
        version.status = PolicyVersion.Status.APPROVED
        version.in_force_from = in_force_from
        version.approved_by = by
        version.approved_at = timezone.now()
        version._history_user = by
        version.save(update_fields=["status", "in_force_from", "approved_by", "approved_at"])
    return version


# Reads for the pages.


def in_language(labels: Mapping[str, str], default: str) -> str:
    """A label kept in each language (``{"en", "az", "ru"}``) in the page's language, else
    in English, else ``default``."""
    return labels.get((get_language() or "en")[:2]) or labels.get("en") or default


def programme_get_for_policy(user: User, code: str) -> Programme:
    """The programme ``code`` whose policy ``user`` may manage (its programmes, or every
    programme for a user in none), else 404."""
    require(user, POLICY_MANAGE)
    programmes = Programme.objects.all()
    if not user.is_superuser and user.programmes.exists():
        programmes = programmes.filter(users=user)
    return get_object_or_404(programmes, code=code)


def policy_version_get_for_user(user: User, code: str, number: int) -> PolicyVersion:
    programme = programme_get_for_policy(user, code)
    return get_object_or_404(
        PolicyVersion.objects.select_related("programme", "based_on", "drafted_by", "approved_by"),
        programme=programme,
        number=number,
    )


# The services a policy may require, named in the page's language (the same words as
# housing's Utility.Service: the programmes layer sits below housing).
SERVICE_LABELS = {
    "electricity": gettext_lazy("Electricity"),
    "water": gettext_lazy("Water"),
    "gas": gettext_lazy("Gas"),
    "sewerage": gettext_lazy("Sewerage"),
    "school": gettext_lazy("School"),
    "clinic": gettext_lazy("Clinic"),
    "internet": gettext_lazy("Internet"),
    "public_transport": gettext_lazy("Public transport"),
}


def services(codes: Sequence[str]) -> str:
    """Services by their names in the page's language."""
    return ", ".join(str(SERVICE_LABELS.get(c, c)) for c in codes)


def _by_key(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {r["key"]: r for r in rows}


def policy_differences(version: PolicyVersion) -> list[str]:
    """What ``version`` changes from the version it was based on, in words."""
    base = version.based_on
    if base is None:
        return []
    changes = []
    for title, old, new in (
        (_("condition"), _by_key(base.conditions), _by_key(version.conditions)),
        (_("priority factor"), _by_key(base.priority_factors), _by_key(version.priority_factors)),
        (_("step"), _by_key(base.steps), _by_key(version.steps)),
    ):

        def named(row: Mapping[str, Any], title: str = title) -> dict[str, str]:
            return {"what": title, "name": in_language(row.get("label") or {}, row["key"])}

        for key in sorted(new.keys() - old.keys()):
            changes.append(_("%(what)s “%(name)s” added") % named(new[key]))
        for key in sorted(old.keys() - new.keys()):
            changes.append(_("%(what)s “%(name)s” removed") % named(old[key]))
        for key in sorted(new.keys() & old.keys()):
            before, after = old[key], new[key]
            if before.get("expression") != after.get("expression"):
                changes.append(
                    _("%(what)s “%(name)s”: %(old)s → %(new)s")
                    % (
                        named(after)
                        | {"old": before.get("expression"), "new": after.get("expression")}
                    )
                )
            if before.get("weight") != after.get("weight"):
                changes.append(
                    _("%(what)s “%(name)s”: weight %(old)s → %(new)s")
                    % (named(after) | {"old": before.get("weight"), "new": after.get("weight")})
                )
            if before.get("label") != after.get("label"):
                changes.append(
                    _("%(what)s “%(name)s”: renamed from “%(old)s”")
                    % (named(after) | {"old": named(before)["name"]})
                )
    added = [s for s in version.required_services if s not in base.required_services]
    removed = [s for s in base.required_services if s not in version.required_services]
    if added:
        changes.append(_("services now required: %(services)s") % {"services": services(added)})
    if removed:
        changes.append(
            _("services no longer required: %(services)s") % {"services": services(removed)}
        )
    if base.offer_answer_days != version.offer_answer_days:
        changes.append(
            _("days to answer an offer: %(old)d → %(new)d")
            % {"old": base.offer_answer_days, "new": version.offer_answer_days}
        )
    if base.rooms != version.rooms:
        changes.append(_("the rooms table changed"))
    return changes
