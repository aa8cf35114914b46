"""Writes of programmes and their phases, by an administrator. Every change is kept in the
audit trail (``history`` on each model, with the user who made it); a state change re-reads
its row under a lock (``core.locking``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from homecoming.accounts.access import PROGRAMME_MANAGE, require
from homecoming.accounts.models import User
from homecoming.core.errors import ApplicationError
from homecoming.core.locking import locked
from homecoming.places.models import Area
from homecoming.programmes.models import Phase, Programme

# The fields of a programme an administrator writes in its form (status has its own steps).
PROGRAMME_FIELDS = ("code", "name", "name_az", "name_ru", "kind", "description", "source")

# A programme's status moves forward only: proposed, then active, then closed.
NEXT_STATUS = {
    Programme.Status.PROPOSED: Programme.Status.ACTIVE,
    Programme.Status.ACTIVE: Programme.Status.CLOSED,
}


def programme_create(
    *,
    by: User,
    fields: dict[str, str],
    origin_areas: Iterable[Area] = (),
    destination_areas: Iterable[Area] = (),
) -> Programme:
    """A new programme, proposed until an administrator makes it active."""
    require(by, PROGRAMME_MANAGE)
    programme = Programme(status=Programme.Status.PROPOSED, **_only(fields))
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        programme.origin_areas.set(origin_areas)
        programme.destination_areas.set(destination_areas)
    return programme


def programme_update(
    *,
    programme: Programme,
    by: User,
    fields: dict[str, str],
    origin_areas: Iterable[Area],
    destination_areas: Iterable[Area],
) -> Programme:
    """Change a programme's names, kind, description, source and areas."""
    require(by, PROGRAMME_MANAGE)
    with transaction.atomic():
        programme = locked(programme)
        for name, value in _only(fields).items():
            setattr(programme, name, value)
        programme.full_clean()
        programme.save(update_fields=list(_only(fields)))
        programme.origin_areas.set(origin_areas)
        programme.destination_areas.set(destination_areas)
    return programme


def programme_status_advance(*, programme: Programme, by: User, to: str) -> Programme:
    """Move a programme one step on: proposed → active → closed, never back."""
    require(by, PROGRAMME_MANAGE)
    with transaction.atomic():
        programme = locked(programme)
        if NEXT_STATUS.get(programme.status) != to:
            raise ApplicationError(
                _("A programme that is %(status)s cannot become %(to)s.")
                % {
                    "status": programme.get_status_display().lower(),
                    "to": str(Programme.Status(to).label).lower()
                    if to in Programme.Status.values
                    else to,
                }
            )
        programme.status = to
        programme.save(update_fields=["status"])
    return programme


def phase_create(
    *,
    programme: Programme,
    by: User,
    name: str,
    name_az: str = "",
    name_ru: str = "",
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Phase:
    require(by, PROGRAMME_MANAGE)
    phase = Phase(
        programme=programme,
        name=name,
        name_az=name_az,
        name_ru=name_ru,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _check_dates(phase)
    phase.full_clean()
    phase.save()
    return phase


def phase_update(
    *,
    phase: Phase,
    by: User,
    name: str,
    name_az: str = "",
    name_ru: str = "",
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Phase:
    require(by, PROGRAMME_MANAGE)
    with transaction.atomic():
        phase = locked(phase)
        phase.name, phase.name_az, phase.name_ru = name, name_az, name_ru
        phase.starts_on, phase.ends_on = starts_on, ends_on
        _check_dates(phase)
        phase.full_clean()
        phase.save(update_fields=["name", "name_az", "name_ru", "starts_on", "ends_on"])
    return phase


def _check_dates(phase: Phase) -> None:
    if phase.ends_on is not None and phase.ends_on < phase.starts_on:
        raise ApplicationError(_("A phase ends on or after the day it starts."))


def _only(fields: dict[str, str]) -> dict[str, str]:
    return {name: fields[name] for name in PROGRAMME_FIELDS if name in fields}
