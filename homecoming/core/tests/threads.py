"""Requests sent at the same moment, for the race tests of every workflow.

Each race test loads its rows first, as N requests would, then runs N calls in threads
released together (``at_once``); ``refusals`` collects the ordinary messages of those that
lost and fails on any other error; ``writes_held`` makes every call read before any writes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, connections, models, transaction

from homecoming.core.errors import ApplicationError

# How long writes wait in ``writes_held``: enough for every thread to have made its reads.
HOLD_SECONDS = 1.5


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread, all released together; each one's result or error."""
    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@contextmanager
def writes_held(model: type[models.Model]) -> Iterator[None]:
    """While the block starts its calls, another connection holds back every write to
    ``model``'s table (SQLite: the database's write lock; PostgreSQL: an EXCLUSIVE table
    lock), reads go on. Each call then reads before any of them writes, as on a busy server:
    a check made outside the transaction is seen to be stale on every run, not one in many.
    """
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():  # SQLite's IMMEDIATE transaction takes the write lock
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN EXCLUSIVE MODE')
                holding.set()
                release.wait()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    timer = threading.Timer(HOLD_SECONDS, release.set)
    timer.start()
    try:
        yield
    finally:
        release.set()
        timer.cancel()
        holder.join()


def refusals(outcomes: list[object]) -> Counter:
    """The messages of the refused calls; any other error fails the test."""
    errors = [o for o in outcomes if isinstance(o, Exception)]
    unexpected = [e for e in errors if not isinstance(e, ApplicationError)]
    assert not unexpected, unexpected
    return Counter(e.message for e in errors)
