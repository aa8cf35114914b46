"""Reading the audit trail back: who changed what on a record, when, from what to what.

A record page shows the history of the record and of the parts that belong to it (a
household with its members, documents and consents; a project with its buildings,
units and progress reports). Each kind of page is one entry of :data:`KINDS`, which
fetches the record through the same access helper as the page itself, so that the
history is refused exactly where the record is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.accounts.models import User
from homecoming.housing.models import Building, HousingUnit, ProgressReport, Project, Utility
from homecoming.housing.selectors import project_list_for_user
from homecoming.mineaction.models import Contamination, HazardArea, LandReleaseActivity, LandUse
from homecoming.mineaction.selectors import hazard_area_list_for_user
from homecoming.places.models import Area, Settlement
from homecoming.places.selectors import area_get, settlement_get
from homecoming.registry.models import (
    REGISTERED_DESPITE,
    ChangeRequest,
    Consent,
    Household,
    HouseholdEvent,
    IdentityDocument,
    Member,
)
from homecoming.registry.selectors import household_get_for_user
from homecoming.registry.wording import FieldChange, Words
from homecoming.returns.models import FollowUpVisit
from homecoming.returns.policy import STEP_DONE
from homecoming.returns.selectors import step_label, steps_version

# How many changes a page shows, the latest first.
SHOWN = 200
_TEXT_SHOWN = 120
_ACTIONS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}
UNKNOWN = object()  # a value from before the audit trail began
# The fields that keep a list of choices (a JSON list of codes), with their choices.
_LISTS = {
    "vulnerabilities": Member.Vulnerability,
    "contamination": Contamination,
    "blocked_land_use": LandUse,
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: User | None
    action: str  # created, changed or deleted, in the page's language
    record: str
    reason: str
    changes: list[Change]


@dataclass(frozen=True)
class Part:
    """The history rows of one kind of record, and how to name one of them."""

    rows: QuerySet
    label: Callable[[models.Model], str]


@dataclass
class RecordHistory:
    record: models.Model
    entries: list[HistoryEntry]
    total: int
    personal: bool = False

    @property
    def cut(self) -> bool:
        return self.total > len(self.entries)


def _m2m_links(history_model: type[models.Model]) -> dict[str, str]:
    """Each tracked many-to-many field, and the reverse relation that holds a history row's links.

    django-simple-history keeps the links of each history row in a model of their own, and
    puts a manager under the field's name on the history model; that manager cannot be
    prefetched, the reverse relation of the links' ``history`` key can.
    """
    links = {}
    for field in getattr(history_model, "_history_m2m_fields", []):
        model = getattr(history_model, field.name).model
        relation = next(r for r in history_model._meta.related_objects if r.related_model is model)
        links[field.name] = relation.get_accessor_name()
    return links


def _tracked(history_model: type[models.Model]) -> list[models.Field]:
    return [f for f in history_model.tracked_fields if not f.primary_key]


class _Shown:
    """Turns stored values into what a person reads, resolving related records in bulk."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}

    def want(self, model_field: models.Field, value: object) -> None:
        if model_field.is_relation and value is not UNKNOWN and not _empty(value):
            ids = value if isinstance(value, frozenset) else {value}
            self.wanted[model_field.related_model] |= ids

    def resolve(self) -> None:
        for model, ids in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(ids)

    def text(self, model_field: models.Field, value: object) -> str:
        if value is UNKNOWN:
            return "?"
        if _empty(value):
            return "—"
        if model_field.is_relation:
            found = self.found.get(model_field.related_model, {})
            ids = sorted(value) if isinstance(value, frozenset) else [value]
            return ", ".join(str(found.get(i, _("#%(id)s (deleted)") % {"id": i})) for i in ids)
        if isinstance(value, list) and model_field.name in _LISTS:
            shown = dict(_LISTS[model_field.name].choices)
            return ", ".join(str(shown.get(v, v)) for v in value)
        if model_field.choices:
            shown = dict(model_field.flatchoices)
            if isinstance(value, list):
                return ", ".join(str(shown.get(v, v)) for v in value)
            return str(shown.get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = str(value)
        return text if len(text) <= _TEXT_SHOWN else text[:_TEXT_SHOWN] + "…"


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == frozenset()


def _values(row: models.Model, fields: list[models.Field], m2m: dict[str, str]) -> dict:
    values = {f.name: getattr(row, f.attname) for f in fields}
    for name, links in m2m.items():
        column = row.instance_type._meta.get_field(name).m2m_reverse_field_name()
        values[name] = frozenset(getattr(r, f"{column}_id") for r in getattr(row, links).all())
    return values


def record_history(record: models.Model, parts: Iterable[Part]) -> RecordHistory:
    """Every change of ``record`` and its parts, the latest first, each against the one before."""
    pending = []  # (row, label, [(field, before, after)])
    shown = _Shown()
    for part in parts:
        history_model = part.rows.model
        fields, m2m = _tracked(history_model), _m2m_links(history_model)
        by_field = {f.name: f for f in fields} | {
            name: history_model.instance_type._meta.get_field(name) for name in m2m
        }
        rows = part.rows.select_related("history_user").order_by("history_date", "history_id")
        previous: dict[object, dict] = {}
        for row in rows.prefetch_related(*m2m.values()) if m2m else rows:
            values = _values(row, fields, m2m)
            changed = []
            if row.history_type != "-":
                # A record changed before the trail began has no earlier row: its earlier
                # values are unknown, not empty.
                before = previous.get(row.id, {} if row.history_type == "+" else None)
                for name, value in values.items():
                    old = before.get(name) if before is not None else UNKNOWN
                    if value != old and not (not before and _empty(value)):
                        shown.want(by_field[name], value)
                        shown.want(by_field[name], old)
                        changed.append((by_field[name], old, value))
            previous[row.id] = values
            pending.append((row, part.label, changed))
    pending.sort(key=lambda p: (p[0].history_date, p[0].history_id), reverse=True)
    total = len(pending)
    pending = pending[:SHOWN]
    shown.resolve()
    entries = [
        HistoryEntry(
            at=row.history_date,
            user=row.history_user,
            action=_ACTIONS[row.history_type],
            record=label(row),
            reason=row.history_change_reason or "",
            changes=[
                Change(
                    str(capfirst(model_field.verbose_name)),
                    shown.text(model_field, old),
                    shown.text(model_field, new),
                )
                for model_field, old, new in changed
            ],
        )
        for row, label, changed in pending
    ]
    return RecordHistory(record=record, entries=entries, total=total)


# Each kind of record page: (user, key from the page's address) -> (record, parts, personal).
Lookup = Callable[[User, str], tuple[models.Model, list[Part], bool]]


def _household(user: User, key: str) -> tuple[models.Model, list[Part], bool]:
    household = household_get_for_user(user, int(key) if key.isdigit() else 0)
    members = Member.history.filter(household_id=household.pk)
    return (
        household,
        [
            Part(Household.history.filter(id=household.pk), lambda h: _("household")),
            Part(
                members,
                lambda h: _("member %(name)s") % {"name": f"{h.given_name} {h.family_name}"},
            ),
            Part(
                IdentityDocument.history.filter(member_id__in=members.values("id")),
                lambda h: _("document %(number)s") % {"number": h.number},
            ),
            Part(
                Consent.history.filter(household_id=household.pk),
                lambda h: _("consent %(document)s") % {"document": h.document},
            ),
        ],
        True,
    )


def _settlement(user: User, key: str) -> tuple[models.Model, list[Part], bool]:
    settlement = settlement_get(key)
    return (
        settlement,
        [
            Part(Settlement.history.filter(id=settlement.pk), lambda h: _("settlement")),
            Part(
                Utility.history.filter(settlement_id=settlement.pk),
                lambda h: capfirst(h.get_service_display()),
            ),
        ],
        False,
    )


def _area(user: User, key: str) -> tuple[models.Model, list[Part], bool]:
    area = area_get(key)
    return area, [Part(Area.history.filter(id=area.pk), lambda h: _("area"))], False


def _hazard_area(user: User, key: str) -> tuple[models.Model, list[Part], bool]:
    hazard = hazard_area_list_for_user(user).get(code=key)
    return (
        hazard,
        [
            Part(HazardArea.history.filter(id=hazard.pk), lambda h: _("hazard area")),
            Part(
                LandReleaseActivity.history.filter(hazard_area_id=hazard.pk),
                lambda h: _("activity %(reference)s") % {"reference": h.reference},
            ),
        ],
        False,
    )


def _project(user: User, key: str) -> tuple[models.Model, list[Part], bool]:
    project = project_list_for_user(user).get(code=key)
    buildings = Building.history.filter(project_id=project.pk)
    return (
        project,
        [
            Part(Project.history.filter(id=project.pk), lambda h: _("project")),
            Part(
                ProgressReport.history.filter(project_id=project.pk),
                lambda h: _("progress on %(date)s") % {"date": h.date.isoformat()},
            ),
            Part(buildings, lambda h: _("building %(code)s") % {"code": h.code}),
            Part(
                HousingUnit.audit_trail.filter(building_id__in=buildings.values("id")),
                lambda h: _("unit %(number)s") % {"number": h.number},
            ),
        ],
        False,
    )


KINDS: dict[str, Lookup] = {
    "household": _household,
    "settlement": _settlement,
    "area": _area,
    "hazard-area": _hazard_area,
    "project": _project,
}


def record_history_for_user(user: User, kind: str, key: str) -> RecordHistory:
    """The history of one record, found through its page's access helper, or 404."""
    lookup = KINDS.get(kind)
    if lookup is None:
        raise Http404("No such kind of record.")
    try:
        record, parts, personal = lookup(user, key)
    except models.ObjectDoesNotExist as exc:
        raise Http404("No such record.") from exc
    history = record_history(record, parts)
    history.personal = personal
    return history


# The household's history: the events its services write (registry.services.household_event
# and the road home's), each in words of the page's language.
_EVENTS = {
    "registered": gettext_lazy("Registered"),
    REGISTERED_DESPITE: gettext_lazy("Registered despite a likely duplicate"),
    "verified": gettext_lazy("Verified"),
    "withdrawn": gettext_lazy("Household withdrawn"),
    "intention": gettext_lazy("Return intention recorded"),
    "consent": gettext_lazy("Consent recorded"),
    "edited": gettext_lazy("Household details changed"),
    "member edited": gettext_lazy("Member's details changed"),
    "merged": gettext_lazy("Merged with a duplicate"),
    "withdrawn as duplicate": gettext_lazy("Withdrawn as a duplicate"),
    "document held elsewhere": gettext_lazy("Document registered elsewhere, not stored"),
    "offer accepted": gettext_lazy("Offer accepted"),
    "offer declined": gettext_lazy("Offer declined"),
    "reminded to answer the offer": gettext_lazy("Reminded to answer the offer"),
    "appeal recorded": gettext_lazy("Appeal recorded"),
    "keys handed over": gettext_lazy("Keys handed over"),
    "scheduled": gettext_lazy("Scheduled to travel"),
    "seat confirmed": gettext_lazy("Seat confirmed"),
    "did not travel": gettext_lazy("Did not travel"),
    "missed the departure": gettext_lazy("Missed the departure"),
    "offer withdrawn": gettext_lazy("Offer ended by the withdrawal; the home returned to the pool"),
    "follow-up visit": gettext_lazy("Follow-up visit"),
    STEP_DONE: gettext_lazy("Step before return done"),
}
_PROPOSAL_EVENTS = {
    "change requested": gettext_lazy("Change of %(part)s proposed"),
    "change approved": gettext_lazy("Change of %(part)s approved"),
    "change rejected": gettext_lazy("Change of %(part)s rejected"),
}


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    by: User | None
    what: str
    note: str
    changes: list[FieldChange]


def _event_values(event: HouseholdEvent) -> list[dict]:
    details = event.details
    if event.action in _PROPOSAL_EVENTS:
        return [details.get("proposed", {}), details.get("current", {})]
    changes = details.get("changes", {})
    return [{k: v[0] for k, v in changes.items()}, {k: v[1] for k, v in changes.items()}]


def _event(event: HouseholdEvent, words: Words) -> Event:
    details = event.details
    if event.action in _PROPOSAL_EVENTS:
        part = dict(ChangeRequest.Part.choices).get(details.get("part"), details.get("part"))
        return Event(
            event.at,
            event.by,
            _PROPOSAL_EVENTS[event.action] % {"part": str(part).lower()},
            details.get("reason") or details.get("note", ""),
            words.proposal(
                details.get("part", ""), details.get("proposed", {}), details.get("current", {})
            ),
        )
    what = str(_EVENTS.get(event.action, event.action))
    if event.action in ("edited", "member edited"):
        model = Household if event.action == "edited" else Member
        what = f"{what}: {details['member']}" if "member" in details else what
        return Event(event.at, event.by, what, "", words.changes(model, details["changes"]))
    if event.action == STEP_DONE:
        # The step in words of its programme's policy (the key only if no version names it).
        version = steps_version(event.household)
        step = details.get("step", "")
        what = f"{what}: {step_label(version, step) if version else step}"
        details = {k: v for k, v in details.items() if k != "step"}
    # Any other event: its plain details (a reason, a unit, a date), never a stored record.
    labels = {"finding": FollowUpVisit.Finding.choices, "intention": Household.Intention.choices}
    shown = [
        date_format(dt.date.fromisoformat(value))
        if key in ("date", "given_on")
        else str(dict(labels.get(key, ())).get(value, value))
        for key, value in details.items()
        if value not in ("", None)
        and not isinstance(value, dict | list)
        and key not in ("source", "members")
    ]
    return Event(event.at, event.by, what, "; ".join(shown), [])


def household_events(household: Household) -> list[Event]:
    """The events of ``household`` (one the user may open), the oldest first."""
    events = list(household.events.select_related("by"))
    words = Words(values for event in events for values in _event_values(event))
    return [_event(event, words) for event in events]
