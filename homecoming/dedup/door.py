"""Score new member records against registered ones with the batch's own model.

``find_duplicates`` learns its model from the whole registry, which takes minutes at
national scale; a registration cannot wait for that. It keeps what it learnt
(``DedupResult.model``, a :class:`~homecoming.dedup.link.LinkageModel`), and
:func:`score_new_records` scores a handful of new records against the registered
records a caller found for them, with that model: the same blocking rules decide
which pairs are compared, the same comparisons, m and u, prior and term
frequencies score them, and the same ``link.household_context`` weighs each pair
with the other pairs between its two households (with the support weight the batch
learnt). Given the new households whole, and on the registered side every record a
blocking rule pairs with one of theirs (whole households, or only those records: the
pairs between two households all have one of them on the registered side), a pair
scored here has the probability, weight and evidence the batch gives it; the batch
alone also settles a member linked to two registered people who are not one
(docs/dedup.md).

Kept in step with ``link.py``: records are prepared by ``link._prepared`` and
labelled by ``link._comparisons``, and the rows read back by ``link.member_pairs``;
whatever the batch changes in those, this module follows without a change.

:func:`door_keys` gives the keys under which a registry finds, through one index, the
records the name rules of ``link.BLOCKING_RULES`` pair with a new one (a test holds
them to the rules).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from homecoming.dedup.dates import parse_birth_date
from homecoming.dedup.link import (
    SUPPORT_PROBABILITY,
    LinkageModel,
    MemberPair,
    _checked,
    _comparisons,
    _prepared,
    household_context,
    lowest_scored_weight,
    member_pairs,
)
from homecoming.dedup.names import name_key, patronymic_key, spelling_key, surname_key

__all__ = ["DOOR_KEY_LENGTH", "door_keys", "score_new_records"]

DOOR_KEY_LENGTH = 64  # longer keys end in a digest, so that they fit a short column


def door_keys(record: Mapping[str, object], *, probe: bool = False) -> set[str]:
    """The keys of a member record for each blocking rule of the batch that pairs on names.

    Two records that such a rule pairs share one of these keys: a record's own keys
    (``probe=False``) are kept in an index, and a new record's probe keys
    (``probe=True``) find, in one lookup, every record a name rule pairs it with. The
    rules on a document, a phone, or a birth date with the settlement, are met through
    those columns themselves. A key is only made when every column of its rule is known
    (Splink pairs no unknown value). Columns as ``link._prepared`` makes them with the
    names normalised, the registry's setting.

    >>> sorted(door_keys({"given_name": "Elvin", "family_name": "Məmmədov",
    ...                   "birth_date": "1975-03-08"}))  # doctest: +NORMALIZE_WHITESPACE
    ['fd:mamad|1975-03-08', 'gd:alvin|1975-03-08', 'gf:elvin|məmmədov',
     'gfd:alvin|mamad|03-08', 'gfy:alvin|mamad|1975']
    >>> sorted(door_keys({"given_name": "Elvin", "family_name": "Məmmədov"}, probe=True))
    ['gf:məmmədov|elvin']
    """
    given = name_key(str(record.get("given_name", "")))
    family = surname_key(str(record.get("family_name", ""))).key
    father = patronymic_key(str(record.get("patronymic", ""))).key
    folds = [spelling_key(str(record.get(name, ""))) for name in ("given_name", "family_name")]
    born = parse_birth_date(
        str(record.get("birth_date", "")), year_only=bool(record.get("birth_year_only"))
    )
    year = str(born.year) if born.year is not None else ""
    day = f"{born.month:02}-{born.day:02}" if born.month is not None else ""
    dates = [f"{year}-{day}"] if day else []
    if day and probe:  # the rules on a date swapped pair it either way round
        dates.append(f"{year}-{born.day:02}-{born.month:02}")
    settlement = str(record.get("origin_settlement") or "")
    rules = [
        # given and family key with the birth year, or with the day and month
        ("gfy", (given, family, year)),
        ("gfd", (given, family, day)),
        # the father's name with the given or the family name and the birth year, or the
        # day and month (the rules also ask the other name to be alike: a superset here)
        ("gpy", (given, father, year)),
        ("fpy", (family, father, year)),
        ("gpd", (given, father, day)),
        ("fpd", (family, father, day)),
        # the three names, for a birth year unknown on either side
        ("gfp", (given, family, father)),
        # the settlement with the given or the family name and the year, or the day and
        # month, or with both names
        ("gsy", (given, settlement, year)),
        ("fsy", (family, settlement, year)),
        ("gsd", (given, settlement, day)),
        ("fsd", (family, settlement, day)),
        ("gfs", (given, family, settlement)),
        # given and family name in each other's places
        ("gf", tuple(reversed(folds)) if probe else tuple(folds)),
        # the given or the family name with the birth date (or it swapped)
        *(("gd", (given, date)) for date in dates),
        *(("fd", (family, date)) for date in dates),
    ]
    return {_fitted(f"{rule}:{'|'.join(values)}") for rule, values in rules if all(values)}


def _fitted(key: str) -> str:
    if len(key) <= DOOR_KEY_LENGTH:
        return key
    digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    return f"{key[: DOOR_KEY_LENGTH - 17]}#{digest}"


def score_new_records(
    model: LinkageModel,
    new: Sequence[Mapping[str, object]],
    registered: Sequence[Mapping[str, object]],
    *,
    threshold: float,
    households: Callable[[set[str]], Sequence[Mapping[str, object]]] | None = None,
) -> list[MemberPair]:
    """Pairs of a new record and a registered one that are probably one person.

    Parameters
    ----------
    model
        What ``find_duplicates`` learnt (``DedupResult.model``).
    new, registered
        Member records (the dicts of ``link.FIELDS``); ids unique across both. Only
        pairs the batch's blocking rules make between a new and a registered record
        are compared, and never two records of one household. The new households
        whole, and every registered record a rule pairs with one of theirs (more
        may be given): a pair's household context is read from the other pairs
        between its two households.
    threshold
        Smallest match probability of a pair to return.
    households
        Given ids of registered households, their records, whole. Household blocking
        scores every pair of a new household and a registered one that share a likely
        pair: with ``households``, it reads those registered households through it;
        without, ``registered`` must hold them whole.

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
    if households is not None:  # the linked households whole, for household blocking
        records = [*records, *_rest_of_linked(scored, records, households)]
        prepared = _prepared(records, **options)  # the same numbers, more records
    scored = pd.concat([scored, *_household_blocked(model, threshold, prepared, len(left), scored)])
    linked = household_context(
        scored, support_weight=model.support_weight, threshold=threshold, whole_registry=False
    )
    return member_pairs(linked, records, _comparisons(**options), model.extra_fields, by_id=False)


def _rest_of_linked(
    scored: pd.DataFrame,
    records: list[dict],
    households: Callable[[set[str]], Sequence[Mapping[str, object]]],
) -> list[dict]:
    """The records, not among ``records``, of the registered households that share a pair
    scored at ``SUPPORT_PROBABILITY`` or more with a new one, read through ``households``."""
    names: dict[str, int] = {}
    for record in records:  # numbered as link._prepared numbers them
        names.setdefault(record["household"], len(names))
    by_number = {number: name for name, number in names.items()}
    strong = scored[scored["match_probability"] >= SUPPORT_PROBABILITY]
    linked = {by_number[number] for number in strong["household_r"]}
    if not linked:
        return []
    known = {record["id"] for record in records}
    return [record for record in _checked(households(linked)) if record["id"] not in known]


def _household_blocked(
    model: LinkageModel, threshold: float, prepared: pa.Table, new: int, scored: pd.DataFrame
) -> list[pd.DataFrame]:
    """The batch's household blocking (``link.find_duplicates``): for each new household
    and registered household that share a pair scored at ``SUPPORT_PROBABILITY`` or
    more, the pairs of their members no rule made, scored. ``prepared``: the new
    records, then the registered ones; the registered households whole (those a rule
    pairs with a new member) for these pairs to be all found."""
    strong = scored[scored["match_probability"] >= SUPPORT_PROBABILITY]
    linked = set(zip(strong["household_l"], strong["household_r"], strict=True))
    made = set(zip(scored["unique_id_l"], scored["unique_id_r"], strict=True))
    households = prepared.column("household").to_numpy()
    found = []
    for mine in sorted({mine for mine, _ in linked}):  # one pass per new household
        theirs = [other for one, other in linked if one == mine]
        left = prepared.slice(0, new).filter(pa.array(households[:new] == mine))
        right = prepared.slice(new).filter(pa.array(np.isin(households[new:], theirs)))
        pairs = _scorer(model, threshold, every_pair=True).scored(left, right)
        ids = zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)
        keep = [pair not in made for pair in ids]
        found.append(pairs.loc[np.array(keep, dtype=bool)])
    return found


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
# Up to this many pairs of a new and a registered record, the pairs the rules make are
# found in one pass over all of them (a household against its candidates: a few
# thousand); beyond, Splink's join per rule (a file against the registry).
ONE_PASS_PAIRS = 200_000


class _Scorer:
    """Splink's SQL for one model and threshold, generated once, run for every check.

    Splink spends most of a second validating a model and writing its SQL; the SQL
    itself runs in milliseconds on a few hundred pairs. So ``predict_between`` runs
    once, on template tables, while the statements it executes are recorded, and each
    is prepared once (DuckDB plans a statement of this size in tens of milliseconds,
    longer than it takes to run on a household's pairs): a check fills the two tables
    and executes the prepared statements, each into the table Splink named, the last
    read back. The statements are Splink's own, so the scores are too.

    Save one: Splink finds the pairs the blocking rules make with one join per rule
    (twenty of them, each a few milliseconds however few the records). A household's
    check pairs every new record with every candidate in one pass instead and keeps a
    pair under the first rule that holds, the rules' own SQL: the same pairs with the
    same ``match_key``, at a fraction of the cost. A file's check, with more than
    ``ONE_PASS_PAIRS`` pairs to look at, keeps Splink's joins.
    """

    def __init__(self, model: LinkageModel, threshold: float, *, every_pair: bool) -> None:
        self.lock = threading.Lock()
        splink = model.splink
        if every_pair:  # every pair of a new and a registered record: household blocking
            rules = [{"blocking_rule": "l.household <> r.household", "sql_dialect": "duckdb"}]
            splink = {**splink, "blocking_rules_to_generate_predictions": rules}
        self.con = duckdb.connect()
        options = {"normalise_names": model.normalise_names, "extra_fields": model.extra_fields}
        extra = dict.fromkeys(model.extra_fields, "a")
        template = _prepared(_checked([{**_TEMPLATE, "extra": extra}]), **options)
        db_api = _RecordingDuckDBAPI(connection=self.con)
        for table in (_NEW, _REGISTERED):
            self.con.from_arrow(template).create(table)
        linker = Linker(db_api.register(_NEW), splink, log_level=None)
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
        *steps, (_, last) = db_api.statements
        self.tables = [name for name, _ in steps]
        for step, (name, query) in enumerate(steps):  # Splink's tables, kept, empty
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {query}")
            self.con.execute(f"PREPARE door_step_{step} AS INSERT INTO {name} {query}")
        self.con.execute(f"PREPARE door_predict AS {last}")
        self.steps = len(steps)
        (blocked,) = (name for name in self.tables if name.startswith("__splink__blocked_id"))
        self.blocking_step = self.tables.index(blocked)
        rules = splink["blocking_rules_to_generate_predictions"]
        first = " ".join(
            f"WHEN coalesce(({rule['blocking_rule']}), false) THEN '{key}'"
            for key, rule in enumerate(rules)
        )
        self.con.execute(
            f"PREPARE door_one_pass AS INSERT INTO {blocked} BY NAME SELECT * FROM ("  # noqa: S608 (the model's own rules)
            f"SELECT CASE {first} END AS match_key, l.unique_id AS join_key_l,"
            f" r.unique_id AS join_key_r FROM {_NEW} AS l CROSS JOIN {_REGISTERED} AS r)"
            " WHERE match_key IS NOT NULL"
        )
        self._emptied()

    def scored(self, new: pa.Table, registered: pa.Table) -> pd.DataFrame:
        """Splink's predictions between the ``new`` and the ``registered`` records."""
        with self.lock:
            for table, frame in ((_NEW, new), (_REGISTERED, registered)):
                self.con.register("door_frame", frame)
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM door_frame")  # noqa: S608
                self.con.unregister("door_frame")
            one_pass = new.num_rows * registered.num_rows <= ONE_PASS_PAIRS
            try:
                for step in range(self.steps):
                    if one_pass and step == self.blocking_step:
                        self.con.execute("EXECUTE door_one_pass")
                    else:
                        self.con.execute(f"EXECUTE door_step_{step}")
                return self.con.execute("EXECUTE door_predict").df()
            finally:
                self._emptied()

    def _emptied(self) -> None:
        for table in (_NEW, _REGISTERED, *self.tables):
            self.con.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)


class _RecordingDuckDBAPI(DuckDBAPI):
    """Splink's DuckDB backend, noting each table it creates and the query that fills it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[tuple[str, str]] = []

    def _execute_sql_against_backend(self, final_sql: str) -> duckdb.DuckDBPyRelation:
        words = final_sql.split(maxsplit=4)
        if len(words) == 5 and words[:2] == ["CREATE", "TABLE"] and words[3] == "AS":
            self.statements.append((words[2], words[4]))
        return super()._execute_sql_against_backend(final_sql)


# The scorers of the last few models and thresholds used (a process sees one model at a
# time, and the next when the batch runs again), keyed by the model's identity.
_SCORERS: OrderedDict[tuple[int, float, bool], tuple[LinkageModel, _Scorer]] = OrderedDict()
_SCORERS_KEPT = 8
_SCORERS_LOCK = threading.Lock()


def _scorer(model: LinkageModel, threshold: float, *, every_pair: bool = False) -> _Scorer:
    key = (id(model), threshold, every_pair)
    with _SCORERS_LOCK:
        kept = _SCORERS.get(key)
        if kept is None or kept[0] is not model:
            kept = _SCORERS[key] = (model, _Scorer(model, threshold, every_pair=every_pair))
            while len(_SCORERS) > _SCORERS_KEPT:
                _SCORERS.popitem(last=False)
        _SCORERS.move_to_end(key)
        return kept[1]
