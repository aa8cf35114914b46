"""Reading a row under a lock, so that of N simultaneous requests exactly one changes it.

Every state change of a workflow (an offer answered, keys handed over, a change request
decided...) re-reads its row with ``locked`` inside its transaction and checks the state on
that fresh copy, never on the copy the request loaded before. On PostgreSQL the row is locked
(``SELECT … FOR NO KEY UPDATE``, the lock an ``UPDATE`` itself takes) until the transaction
ends: two lockers of one row wait for each other, while rows that only refer to it (a
household's events, its history) are still written meanwhile; on SQLite, whose transactions begin
IMMEDIATE (settings), the whole database is held by the writer, so the read is fresh too.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def locked(instance: M) -> M:
    """The row of ``instance`` as it is now, locked until the transaction ends.

    Must be called inside ``transaction.atomic()``: outside one, a lock would end at once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locked() needs a transaction: call it inside transaction.atomic().")
    return type(instance)._default_manager.select_for_update(no_key=True).get(pk=instance.pk)
