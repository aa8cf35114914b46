"""The audit trail: who changed which record, when, and why.

django-simple-history keeps one historical row for every create, update and delete of an
audited model (a model with ``history = HistoricalRecords()``), and its middleware names
the signed-in user. This module adds what the library leaves to the project:

- :func:`change_reason` names the cause of changes written without a signed-in user
  (an import file, a command), so that the trail says "import households file.csv";
- :func:`bulk_create_audited` and :func:`bulk_update_audited` are the bulk writes that keep
  the trail (plain ``bulk_create``, ``bulk_update`` and ``QuerySet.update`` do not);
- :func:`records_insert_audited` is the national imports' insert (plain rows through
  ``homecoming.core.bulk``, no model instances) with its "created" history rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from asgiref.local import Local
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from homecoming.core.bulk import records_complete, records_insert

# The reason column of every historical table holds 100 characters.
REASON_LENGTH = 100

_context = Local()

M = TypeVar("M", bound=models.Model)


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Changes written inside the block carry ``reason`` in the audit trail."""
    previous = getattr(_context, "reason", None)
    _context.reason = reason[:REASON_LENGTH]
    try:
        yield
    finally:
        _context.reason = previous


def current_change_reason() -> str | None:
    return getattr(_context, "reason", None)


@receiver(pre_create_historical_record)
def _give_the_change_its_reason(sender, history_instance, **kwargs) -> None:
    # The library's own hook for filling history fields from context; a reason set on the
    # record itself (``_change_reason``) wins.
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_change_reason()


def bulk_create_audited(
    model: type[M], objs: Sequence[M], *, batch_size: int | None = None
) -> list[M]:
    """``bulk_create`` that writes a "created" history row per record, in the same transaction."""
    return bulk_create_with_history(
        list(objs), model, batch_size=batch_size, default_change_reason=current_change_reason()
    )


def bulk_update_audited(
    model: type[M], objs: Sequence[M], fields: list[str], *, batch_size: int | None = None
) -> int:
    """``bulk_update`` that writes a "changed" history row per record, in the same transaction."""
    if not objs:
        return 0
    return bulk_update_with_history(
        list(objs),
        model,
        fields,
        batch_size=batch_size,
        default_change_reason=current_change_reason(),
    )


def records_insert_audited(model: type[models.Model], records: Sequence[dict]) -> None:
    """:func:`homecoming.core.bulk.records_insert` that writes a "created" history row per
    record, as :func:`bulk_create_audited` does, for imports too large for model instances."""
    records = records_complete(model, records)
    records_insert(model, records)
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    made = {
        "history_date": timezone.now(),
        "history_type": "+",
        "history_change_reason": current_change_reason(),
        "history_user_id": user.pk if user is not None and user.is_authenticated else None,
    }
    records_insert(history, [{**{n: r[n] for n in tracked}, **made} for r in records])
