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
    scorer = _scorer(model, threshold)
    every_pair = len(left) * len(right) <= ONE_PASS_PAIRS
    scored = scorer.scored(prepared[: len(left)], prepared[len(left) :], every_pair=every_pair)
    by_rule = (scored["match_key"] != HOUSEHOLDS).to_numpy()
    linked = _linked(scored[by_rule])
    between = zip(scored["household_l"], scored["household_r"], strict=True)
    # a pair no rule made is kept where its two households share a likely pair
    keep = [rule or pair in linked for rule, pair in zip(by_rule, between, strict=True)]
    scored = scored.loc[np.array(keep, dtype=bool)]
    fresh = len(records) if every_pair else len(left)  # not yet put to every new record
    if households is not None:  # the rest of the linked households, for household blocking
        rest = _rest_of_linked(linked, records, households)
        if rest:
            records = [*records, *rest]
            prepared = _prepared(records, **options)  # the same numbers, more records
    more = _household_blocked(scorer, prepared, len(left), fresh, linked, scored)
    linked = household_context(
        pd.concat([scored, *more]),
        support_weight=model.support_weight,
        threshold=threshold,
        whole_registry=False,
    )
    return member_pairs(linked, records, _comparisons(**options), model.extra_fields, by_id=False)


def _linked(by_rule: pd.DataFrame) -> set[tuple[int, int]]:
    """The (new, registered) households, as numbered, that share a pair a rule made
    scored at ``SUPPORT_PROBABILITY`` or more: household blocking's households."""
    strong = by_rule[by_rule["match_probability"] >= SUPPORT_PROBABILITY]
    return set(zip(strong["household_l"], strong["household_r"], strict=True))


def _rest_of_linked(
    linked: set[tuple[int, int]],
    records: list[dict],
    households: Callable[[set[str]], Sequence[Mapping[str, object]]],
) -> list[dict]:
    """The records, not among ``records``, of the registered households ``linked`` names
    (as ``link._prepared`` numbers them), read through ``households``."""
    if not linked:
        return []
    names: dict[str, int] = {}
    for record in records:  # numbered as link._prepared numbers them
        names.setdefault(record["household"], len(names))
    by_number = {number: name for name, number in names.items()}
    known = {record["id"] for record in records}
    read = households({by_number[theirs] for _, theirs in linked})
    return [record for record in _checked(read) if record["id"] not in known]


def _household_blocked(
    scorer: _Scorer,
    prepared: pa.Table,
    new: int,
    fresh: int,
    linked: set[tuple[int, int]],
    scored: pd.DataFrame,
) -> list[pd.DataFrame]:
    """The batch's household blocking (``link.find_duplicates``): for each new and
    registered household ``linked``, the pairs of their members no rule made, scored.
    ``prepared``: the new records, then the registered ones, whole for the households
    linked; those before position ``fresh`` were put to every new record with the
    rules' pairs (``scored``), so only the later ones are scored here."""
    households = prepared.column("household").to_numpy()
    made = set(zip(scored["unique_id_l"], scored["unique_id_r"], strict=True))
    found = []
    for mine in sorted({mine for mine, _ in linked}):  # one pass per new household
        theirs = [other for one, other in linked if one == mine]
        right = prepared.slice(fresh).filter(pa.array(np.isin(households[fresh:], theirs)))
        if not right.num_rows:
            continue
        left = prepared.slice(0, new).filter(pa.array(households[:new] == mine))
        pairs = scorer.scored(left, right, every_pair=True)
        ids = zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)
        found.append(pairs.loc[np.array([pair not in made for pair in ids], dtype=bool)])
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
HOUSEHOLDS = "households"  # the match_key of a pair no rule made (as link's household blocking)


class _Scorer:
    """Splink's SQL for one model and threshold, generated once, run for every check.

    Splink spends most of a second validating a model and writing its SQL; the SQL
    itself runs in milliseconds on a few hundred pairs. So ``predict_between`` runs
    once, on template tables, while the statements it executes are recorded, and each
    is prepared once: a check fills the two tables
    and executes the prepared statements, each into the table Splink named, the last
    read back. The statements are Splink's own, so the scores are too.

    Save one: Splink finds the pairs the blocking rules make with one join per rule
    (twenty of them, each a few milliseconds however few the records). A household's
    check pairs every new record with every candidate in one pass instead and keeps a
    pair under the first rule that holds, the rules' own SQL: the same pairs with the
    same ``match_key``, at a fraction of the cost. A file's check, with more than
    ``ONE_PASS_PAIRS`` pairs to look at, keeps Splink's joins. Asked for every pair
    (household blocking), that pass keeps the pairs no rule makes as well, under the
    ``match_key`` ``HOUSEHOLDS``: DuckDB plans a prepared statement again at each run,
    some 25 ms for the scoring one however few its pairs, so a check runs it once.
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
        *steps, (_, last) = db_api.statements
        self.tables = [name for name, _ in steps]
        for step, (name, query) in enumerate(steps):  # Splink's tables, kept, empty
            self.con.execute(f"CREATE OR REPLACE TABLE {name} AS {query}")
            self.con.execute(f"PREPARE door_step_{step} AS INSERT INTO {name} {query}")
        self.con.execute(f"PREPARE door_predict AS {last}")
        self.steps = len(steps)
        (blocked,) = (name for name in self.tables if name.startswith("__splink__blocked_id"))
        self.blocking_step = self.tables.index(blocked)
        rules = model.splink["blocking_rules_to_generate_predictions"]
        first = " ".join(
            f"WHEN coalesce(({rule['blocking_rule']}), false) THEN '{key}'"
            for key, rule in enumerate(rules)
        )
        for name, unmade in (("door_one_pass", "NULL"), ("door_every_pair", f"'{HOUSEHOLDS}'")):
            self.con.execute(
                f"PREPARE {name} AS INSERT INTO {blocked} BY NAME SELECT * FROM ("  # noqa: S608 (the model's own rules)
                f"SELECT CASE {first} ELSE {unmade} END AS match_key, l.unique_id AS join_key_l,"
                f" r.unique_id AS join_key_r FROM {_NEW} AS l CROSS JOIN {_REGISTERED} AS r)"
                " WHERE match_key IS NOT NULL"
            )
        self._emptied()

    def scored(
        self, new: pa.Table, registered: pa.Table, *, every_pair: bool = False
    ) -> pd.DataFrame:
        """Splink's predictions between the ``new`` and the ``registered`` records: the
        pairs the rules make, or with ``every_pair`` every pair, those no rule makes
        with the ``match_key`` ``HOUSEHOLDS`` (household blocking's)."""
        with self.lock:
            for table, frame in ((_NEW, new), (_REGISTERED, registered)):
                self.con.register("door_frame", frame)
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM door_frame")  # noqa: S608
                self.con.unregister("door_frame")
            one_pass = new.num_rows * registered.num_rows <= ONE_PASS_PAIRS
            try:
                for step in range(self.steps):
                    if every_pair and step == self.blocking_step:
                        self.con.execute("EXECUTE door_every_pair")
                    elif one_pass and step == self.blocking_step:
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
