"""Score new member records against registered ones with the batch's own model.

``find_duplicates`` learns its model from the whole registry, which takes minutes at
national scale; a registration cannot wait for that. It keeps what it learnt
(``DedupResult.model``, a :class:`~homecoming.dedup.link.LinkageModel`), and
:func:`score_new_records` scores a handful of new records against the registered
records a caller found for them, with that model: the same blocking rules decide
which pairs are compared, the same comparisons, m and u, prior and term
frequencies score them, and the same ``link.household_context`` weighs each pair
with the other pairs between its two households (with the support weight the batch
learnt). Given whole households on both sides, a pair scored here has the
probability, weight and evidence the batch gives it; the batch alone also settles a
member linked to two registered people who are not one (docs/dedup.md).

Kept in step with ``link.py``: records are prepared by ``link._prepared`` and
labelled by ``link._comparisons``, and the rows read back by ``link.member_pairs``;
whatever the batch changes in those, this module follows without a change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from homecoming.dedup.link import (
    LinkageModel,
    MemberPair,
    _checked,
    _comparisons,
    _prepared,
    household_context,
    lowest_scored_weight,
    member_pairs,
)

__all__ = ["score_new_records"]


def score_new_records(
    model: LinkageModel,
    new: Sequence[Mapping[str, object]],
    registered: Sequence[Mapping[str, object]],
    *,
    threshold: float,
) -> list[MemberPair]:
    """Pairs of a new record and a registered one that are probably one person.

    Parameters
    ----------
    model
        What ``find_duplicates`` learnt (``DedupResult.model``).
    new, registered
        Member records (the dicts of ``link.FIELDS``); ids unique across both. Only
        pairs the batch's blocking rules make between a new and a registered record
        are compared, and never two records of one household. Whole households on
        both sides: a pair's household context is read from the other pairs
        between its two households.
    threshold
        Smallest match probability of a pair to return.

    Returns
    -------
    list[MemberPair]
        Each with ``id_l`` the new record's id and ``id_r`` the registered one's,
        sorted by them; probability, weight and evidence as the batch gives them.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    left, right = _checked(new), _checked(registered)
    if not left or not right:
        return []
    options = {"normalise_names": model.normalise_names, "extra_fields": model.extra_fields}
    records = [*left, *right]  # numbered together: ids and households stay apart
    prepared = _prepared(records, **options)
    scored = _scorer(model, threshold).scored(prepared[: len(left)], prepared[len(left) :])
    linked = household_context(
        scored, support_weight=model.support_weight, threshold=threshold, whole_registry=False
    )
    return member_pairs(linked, records, _comparisons(**options), model.extra_fields, by_id=False)


# One record with every field filled, so that the tables the SQL is generated on have
# the columns and types of any prepared records.
_TEMPLATE = {
    "id": "template",
    "household": "template",
    "given_name": "a",
    "family_name": "a",
    "patronymic": "a",
    "sex": "male",
    "birth_date": "2000-01-01",
    "document_number": "A1",
    "phone": "0501234567",
    "origin_settlement": "a",
    "extra": {},
}
_NEW, _REGISTERED = "door_new", "door_registered"


class _Scorer:
    """Splink's SQL for one model and threshold, generated once, run for every check.

    Splink spends most of a second validating a model and writing its SQL; the SQL
    itself runs in milliseconds on a few hundred pairs. So ``predict_between`` runs
    once, on template tables, while the statements it executes are recorded; each
    check then fills the two tables and runs those statements again. The statements
    are Splink's own, so the scores are too.
    """

    def __init__(self, model: LinkageModel, threshold: float) -> None:
        self.lock = threading.Lock()
        self.con = duckdb.connect()
        options = {"normalise_names": model.normalise_names, "extra_fields": model.extra_fields}
        extra = dict.fromkeys(model.extra_fields, "a")
        template = _prepared(_checked([{**_TEMPLATE, "extra": extra}]), **options)
        db_api = _RecordingDuckDBAPI(connection=self.con)
        for table in (_NEW, _REGISTERED):
            self.con.from_arrow(template).create(table)
        linker = Linker(db_api.register(_NEW), model.splink, log_level=None)
        for column, shares in model.term_frequencies.items():
            frame = pd.DataFrame(
                {column: list(shares), f"tf_{column}": list(shares.values())}
            ).astype({f"tf_{column}": "float64"})
            self.con.from_df(frame).create(f"door_tf_{column}")
            linker.table_management.register_term_frequency_lookup(
                db_api.register(f"door_tf_{column}"), column
            )
        db_api.statements.clear()
        linker.inference.predict_between(
            db_api.register(_NEW),
            db_api.register(_REGISTERED),
            threshold_match_weight=lowest_scored_weight(threshold),
            warning_mode="never",
        )
        self.statements = list(db_api.statements)

    def scored(self, new: pa.Table, registered: pa.Table) -> pd.DataFrame:
        """Splink's predictions between the ``new`` and the ``registered`` records."""
        with self.lock:
            for table, frame in ((_NEW, new), (_REGISTERED, registered)):
                self.con.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
                self.con.register("door_frame", frame)
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM door_frame")  # noqa: S608
                self.con.unregister("door_frame")
            for name, sql in self.statements:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
                self.con.execute(sql)
            predictions = self.con.execute(f"SELECT * FROM {name}").df()  # noqa: S608
            for name, _sql in self.statements:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
            return predictions


class _RecordingDuckDBAPI(DuckDBAPI):
    """Splink's DuckDB backend, noting each table it creates and the SQL that does."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[tuple[str, str]] = []

    def _execute_sql_against_backend(self, final_sql: str) -> duckdb.DuckDBPyRelation:
        created = final_sql.startswith("CREATE TABLE ")
        if created:
            self.statements.append((final_sql.split(maxsplit=3)[2], final_sql))
        return super()._execute_sql_against_backend(final_sql)


# The scorers of the last few models and thresholds used (a process sees one model at a
# time, and the next when the batch runs again), keyed by the model's identity.
_SCORERS: OrderedDict[tuple[int, float], tuple[LinkageModel, _Scorer]] = OrderedDict()
_SCORERS_KEPT = 4
_SCORERS_LOCK = threading.Lock()


def _scorer(model: LinkageModel, threshold: float) -> _Scorer:
    key = (id(model), threshold)
    with _SCORERS_LOCK:
        kept = _SCORERS.get(key)
        if kept is None or kept[0] is not model:
            kept = _SCORERS[key] = (model, _Scorer(model, threshold))
            while len(_SCORERS) > _SCORERS_KEPT:
                _SCORERS.popitem(last=False)
        _SCORERS.move_to_end(key)
        return kept[1]
