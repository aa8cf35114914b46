"""Find members registered twice, with Splink on DuckDB.

A displaced person can appear in two households' registrations (registered by a
parent, then again after marriage), or twice in one programme's list under two
spellings. ``find_duplicates`` scores pairs of member records with a Fellegi–Sunter
model: u-probabilities from random pairs (seeded), m-probabilities by expectation
maximisation, so that the weight of agreeing on "Məmmədov" or on a birth year is
learnt from the data. Pairs are generated only by blocking rules, which keeps the
work near-linear in the number of records; two members of one household are never
a pair (a household lists different people).

Records are plain dicts (see ``FIELDS``); names are compared through the
cross-script keys of ``names.py``, dates through the levels of ``dates.py``.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator

from homecoming.dedup import names
from homecoming.dedup.dates import BirthDate, DateAgreement, parse_birth_date
from homecoming.dedup.numbers import document_key, phone_key

__all__ = [
    "DATE_LEVELS_SQL",
    "FIELDS",
    "DedupResult",
    "HouseholdPair",
    "LinkageModel",
    "MemberPair",
    "find_duplicates",
    "household_context",
    "household_pairs",
    "learnt_support_weight",
    "lowest_scored_weight",
]

# Every field a member record may have, with its default when absent.
FIELDS: dict[str, object] = {
    "id": "",
    "household": "",
    "given_name": "",
    "family_name": "",
    "patronymic": "",
    "sex": "",
    "birth_date": "",
    "birth_year_only": False,
    "document_number": "",
    "phone": "",
    "origin_settlement": "",
    "extra": {},  # more text fields by name, compared when find_duplicates is told to
}
SEXES = ("female", "male", "")

# The levels of dates.compare_birth_dates in SQL, strongest first (a test holds the
# two to the same answers).
DATE_LEVELS_SQL: dict[DateAgreement, str] = {
    DateAgreement.MISSING: "birth_year_l IS NULL OR birth_year_r IS NULL",
    DateAgreement.EXACT: "birth_date_l = birth_date_r",
    DateAgreement.SWAPPED: "birth_date_l = birth_date_swapped_r",
    DateAgreement.YEAR_ONLY: (
        "birth_year_l = birth_year_r AND (birth_month_l IS NULL OR birth_month_r IS NULL)"
    ),
    DateAgreement.YEAR_APART: (
        "abs(birth_year_l - birth_year_r) = 1 AND (birth_month_l IS NULL"
        " OR birth_month_r IS NULL"
        " OR (birth_month_l = birth_month_r AND birth_day_l = birth_day_r))"
    ),
}

NAME_SIMILAR, NAME_ALIKE = 0.92, 0.8  # Jaro–Winkler on name keys

# What a rule asks of the birth dates when its columns do not say it: two full dates
# that differ are two people (clerks swap, shorten, shift by a year or lose a date,
# they do not invent another), so a rule pairs them only for a date that can still
# agree — one a year off, or one not known in full on one side — unless both names,
# the settlement and the year agree too (a day mistyped). The second is written
# as two rules, one per side, each with a condition on one table, which DuckDB
# applies before the join (a condition on both sides would be checked only after it,
# on every pair the names make).
YEAR_OFF_BY_ONE = "abs(l.birth_year - r.birth_year) <= 1"


def _either_side_not_full(rule: str) -> tuple[str, str]:
    """``rule`` for a birth date known by year only, or not at all, on either side."""
    return f"{rule} AND l.birth_month IS NULL", f"{rule} AND r.birth_month IS NULL"


# Candidate pairs. Each rule is an equi-join whose groups stay small at national
# scale (a million records); together they cover the ways duplicates differ.
BLOCKING_RULES = (
    # spelling across scripts, with the date known by year only
    *_either_side_not_full(
        "l.given_key = r.given_key AND l.family_key = r.family_key AND l.birth_year = r.birth_year"
    ),
    # year off by one
    "l.given_key = r.given_key AND l.family_key = r.family_key"
    f" AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day AND {YEAR_OFF_BY_ONE}",
    # family name changed or misspelt
    "l.given_key = r.given_key AND l.birth_date = r.birth_date",
    "l.given_key = r.given_key AND l.birth_date = r.birth_date_swapped",
    # given name misspelt, or both names and the same birth place and day
    "l.family_key = r.family_key AND l.birth_date = r.birth_date",
    "l.origin_settlement = r.origin_settlement AND l.birth_date = r.birth_date",
    "l.family_key = r.family_key AND l.birth_date = r.birth_date_swapped",
    # a name misspelt and the date known by year only: the father's name instead, and
    # the misspelt name still alike (without it, the millions of cousins and namesakes
    # who share a name, a father's name and a year would be scored at national scale)
    *_either_side_not_full(
        "l.given_key = r.given_key AND l.patronymic_key = r.patronymic_key"
        " AND l.birth_year = r.birth_year"
        f" AND jaro_winkler_similarity(l.family_key, r.family_key) >= {NAME_ALIKE}"
    ),
    *_either_side_not_full(
        "l.family_key = r.family_key AND l.patronymic_key = r.patronymic_key"
        " AND l.birth_year = r.birth_year"
        f" AND jaro_winkler_similarity(l.given_key, r.given_key) >= {NAME_ALIKE}"
    ),
    # no birth year on one side: the father's name must agree instead
    *(
        "l.given_key = r.given_key AND l.family_key = r.family_key"
        f" AND l.patronymic_key = r.patronymic_key AND {side}.birth_year IS NULL"
        for side in "lr"
    ),
    # given and family name in each other's places
    "l.given_fold = r.family_fold AND l.family_fold = r.given_fold",
    # a name misspelt and the year off by one: the father's name (the misspelt name
    # alike), or the settlement
    "l.given_key = r.given_key AND l.patronymic_key = r.patronymic_key"
    f" AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day AND {YEAR_OFF_BY_ONE}"
    f" AND jaro_winkler_similarity(l.family_key, r.family_key) >= {NAME_ALIKE}",
    "l.family_key = r.family_key AND l.patronymic_key = r.patronymic_key"
    f" AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day AND {YEAR_OFF_BY_ONE}"
    f" AND jaro_winkler_similarity(l.given_key, r.given_key) >= {NAME_ALIKE}",
    "l.given_key = r.given_key AND l.origin_settlement = r.origin_settlement"
    f" AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day AND {YEAR_OFF_BY_ONE}",
    "l.family_key = r.family_key AND l.origin_settlement = r.origin_settlement"
    f" AND l.birth_month = r.birth_month AND l.birth_day = r.birth_day AND {YEAR_OFF_BY_ONE}",
    # a name misspelt and the date known by year only, or not at all: the settlement
    *_either_side_not_full(
        "l.given_key = r.given_key AND l.origin_settlement = r.origin_settlement"
        " AND l.birth_year = r.birth_year"
    ),
    *_either_side_not_full(
        "l.family_key = r.family_key AND l.origin_settlement = r.origin_settlement"
        " AND l.birth_year = r.birth_year"
    ),
    *_either_side_not_full(
        "l.given_key = r.given_key AND l.family_key = r.family_key"
        " AND l.origin_settlement = r.origin_settlement"
    ),
    # both names, the settlement and the year, whatever the day: a day or month
    # mistyped (few people share all four, even at national scale)
    "l.given_key = r.given_key AND l.family_key = r.family_key"
    " AND l.origin_settlement = r.origin_settlement AND l.birth_year = r.birth_year",
    "l.document_number = r.document_number",
    "l.phone = r.phone",
)
# Expectation maximisation, once per rule. Pairs that share a document are nearly
# all true duplicates, so their levels teach the m-probabilities of everything
# else directly; pairs born the same day then teach the names and the document.
# (Blocking on the names instead puts thousands of namesakes per duplicate in the
# sample at national scale, and EM takes the namesakes for the matches.)
# Each rule with the comparison it cannot teach (its pairs agree on it by design). A
# comparison keeps the m of the first session that learnt it: the pairs sharing a
# document are nearly all one person, those born on one day are mostly namesakes at
# national scale, and EM on them took a namesake's other settlement for a clerk's
# slip (m of "different" 0.22 at a million records, where a copy keeps its origin).
TRAINING_RULES = (
    ("l.document_number = r.document_number", "document_number"),
    ("l.birth_date = r.birth_date", "birth_date"),
)
# EM runs on a rule's pairs when there are at least EM_MIN_PAIRS of them, on a
# deterministic sample of about EM_MAX_PAIRS when there are more.
EM_MIN_PAIRS, EM_MAX_PAIRS = 200, 2_000_000
# Pairs that are almost surely one person, counted to set the prior match rate.
SURE_RULES = (
    "l.document_number = r.document_number",
    "l.given_key = r.given_key AND l.family_key = r.family_key AND l.birth_date = r.birth_date",
)
SURE_RULES_RECALL = 0.7
# No level's m-probability may fall below this: EM on a few thousand pairs can
# drive a rare level to 1e-100, which would let one typo veto a pair. At least 1%
# of true duplicates fall in any level, whatever the sample says.
M_FLOOR = 0.01

# DuckDB spills to a temporary directory beyond this, rather than growing with the
# tens of millions of candidate pairs of a national registry.
DUCKDB_MEMORY_LIMIT = "1500MB"
# A pair gains support from another pair of the same two households that links on
# its own at this probability; the weight support adds is learnt, up to the maximum.
SUPPORT_PROBABILITY = 0.5
SUPPORT_MAX_WEIGHT = 12.0

EXACT_MATCH = re.compile(r"(\w+)_l = \1_r")
EXTRA_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")  # goes into SQL column names
MISSING = DateAgreement.MISSING.value
SCORED_COLUMNS = (
    "unique_id_l",
    "unique_id_r",
    "household_l",
    "household_r",
    "gamma_birth_date",
    "match_weight",
    "match_probability",
)
DATES_DIFFER = 0  # the birth_date comparison's "different" level (two full dates, apart)
NUMBERS = frozenset({"unique_id", "household", "birth_year", "birth_month", "birth_day"})


@dataclass(frozen=True)
class MemberPair:
    """Two members that are probably one person; ``id_l`` sorts before ``id_r``.

    ``evidence`` says, per comparison, the level at which the two records agree.
    """

    id_l: str
    id_r: str
    match_probability: float
    match_weight: float
    evidence: dict[str, str] = field(hash=False)


@dataclass(frozen=True)
class LinkageModel:
    """What ``find_duplicates`` learnt, to score more pairs exactly as it would.

    ``splink`` is Splink's model (comparisons with their m and u, blocking rules, the
    prior); ``term_frequencies`` holds, per column with a term-frequency adjustment,
    each value's share of the records, so that agreeing on "Məmmədov" weighs what it
    weighed in the batch; ``support_weight`` is what two households sharing another
    linked pair add to a pair's weight (``household_context``), learnt from the
    records. ``homecoming.dedup.door`` scores with it.
    """

    splink: dict
    term_frequencies: dict[str, dict[str, float]]
    normalise_names: bool
    extra_fields: tuple[str, ...]
    support_weight: float


@dataclass(frozen=True)
class DedupResult:
    """The pairs found among ``records`` members, and the options they were found with.

    ``candidates`` is how many pairs the blocking rules put to the model: the work
    done, against the records × (records - 1) / 2 a full comparison would cost.
    ``model`` is the model the pairs were scored with (None for fewer than two records).
    """

    pairs: tuple[MemberPair, ...]
    records: int
    candidates: int
    threshold: float
    normalise_names: bool
    model: LinkageModel | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class HouseholdPair:
    """Two households that are probably one, registered twice."""

    household_l: str
    household_r: str
    linked_members: int
    score: float
    member_pairs: tuple[tuple[str, str], ...]


def find_duplicates(
    members: Sequence[Mapping[str, object]],
    *,
    threshold: float = 0.9,
    normalise_names: bool = True,
    extra_fields: Sequence[str] = (),
    seed: int = 1,
    u_sample_pairs: float = 1e7,
) -> DedupResult:
    """Pairs of member records that are probably the same person.

    Parameters
    ----------
    members
        Member records as dicts with the keys of ``FIELDS`` (absent ones count as
        empty). Ids must be unique.
    threshold
        Smallest match probability of a pair to return.
    normalise_names
        Compare names through their cross-script keys; False compares case-folded
        spellings only (the benchmark uses it to show what the keys are worth).
    extra_fields
        Keys of the records' ``extra`` dicts to compare as free text too (an
        address, a place of birth); evidence names them ``extra_<key>``.
    seed
        Seed of the random pairs the u-probabilities are estimated from: the same
        records and seed give the same pairs.
    u_sample_pairs
        How many random pairs to estimate u-probabilities from.

    Returns
    -------
    DedupResult
        Pairs sorted by id, each with its probability, weight and evidence.

    Examples
    --------
    Errors name the record, so that a list of thousands can be fixed:

    >>> find_duplicates([{"id": "m1", "household": "H1", "birth_date": "1975-13-01"}])
    Traceback (most recent call last):
    ...
    ValueError: members[0] (id 'm1'): birth_date '1975-13-01' is not a date
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    for name in extra_fields:
        if not isinstance(name, str) or not EXTRA_FIELD_NAME.fullmatch(name):
            raise ValueError(f"extra_fields: {name!r} is not a lower-case name like 'address'")
    positions: dict[str, int] = {}
    frame = _prepared(
        _each_checked(members, positions),
        normalise_names=normalise_names,
        extra_fields=extra_fields,
    )
    records = len(positions)
    if records < 2:
        return DedupResult((), records, 0, threshold, normalise_names)

    comparisons = _comparisons(normalise_names=normalise_names, extra_fields=extra_fields)
    with (
        tempfile.TemporaryDirectory(prefix="homecoming-dedup-") as spill,
        duckdb.connect(
            config={"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": spill}
        ) as con,
    ):
        con.from_arrow(frame).create("members")
        del frame
        db_api = DuckDBAPI(connection=con)
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[comparison for _, comparison, _ in comparisons],
            blocking_rules_to_generate_predictions=[_rule(sql) for sql in BLOCKING_RULES],
            probability_two_random_records_match=_prior(con, records),
            retain_matching_columns=True,  # with the gamma values, which name the evidence
            additional_columns_to_retain=["household"],
        )
        # A level no random pair fell into has a u of about one over the pairs sampled.
        u_unseen = 1 / min(u_sample_pairs, records * (records - 1) / 2)
        model = _trained(
            db_api, con, settings, seed=seed, u_sample_pairs=u_sample_pairs, u_unseen=u_unseen
        )
        scorer = Linker(db_api.register("members"), model, log_level=None)
        blocked = scorer.inference.compute_blocked_pairs_for_predict()  # predict reuses it
        count = f"SELECT count(*) FROM {blocked.physical_name}"  # noqa: S608 (Splink's own table)
        candidates = con.execute(count).fetchall()[0][0]
        table = scorer.inference.predict(
            threshold_match_weight=lowest_scored_weight(threshold), warning_mode="never"
        ).physical_name
        # Only the columns household_context needs come to Python for every scored
        # pair (millions at national scale); the evidence only for the linked ones.
        scored = con.execute(f"SELECT {', '.join(SCORED_COLUMNS)} FROM {table}").df()  # noqa: S608
        sizes = con.execute("SELECT household, count(*) FROM members GROUP BY ALL").fetchall()
        support = learnt_support_weight(scored, household_sizes=dict(sizes))
        linked = household_context(
            scored, support_weight=support, threshold=threshold, whole_registry=True
        )
        del scored
        con.register("linked", linked[list(SCORED_COLUMNS)])
        predictions = con.execute(
            f"SELECT p.* EXCLUDE (match_weight, match_probability),"  # noqa: S608 (Splink's table)
            f" k.match_weight, k.match_probability FROM {table} p"
            " JOIN linked k USING (unique_id_l, unique_id_r)"
        ).df()
        frequencies = {
            column: dict(
                scorer.table_management.compute_tf_table(column)
                .as_pandas_dataframe()[[column, f"tf_{column}"]]
                .itertuples(index=False, name=None)
            )
            for column in _tf_columns(model)
        }

    learnt = LinkageModel(model, frequencies, normalise_names, tuple(extra_fields), support)
    pairs = member_pairs(predictions, members, comparisons, extra_fields, by_id=True)
    return DedupResult(tuple(pairs), records, candidates, threshold, normalise_names, learnt)


def member_pairs(
    predictions: pd.DataFrame,
    records: Sequence[Mapping[str, object]],
    comparisons: list[tuple[str, cl.CustomComparison, list[str]]],
    extra_fields: Sequence[str],
    *,
    by_id: bool,
) -> list[MemberPair]:
    """Splink's scored rows as pairs, each with its evidence in words, sorted by id.

    A row's ``unique_id_l`` and ``unique_id_r`` are the positions of its two records
    in ``records`` (as ``_prepared`` numbers them). With ``by_id`` the record of
    smaller id is put on the left (a deduplication); otherwise the left record of the
    row stays left (the new record, at the door).
    """
    pairs = []
    for row in predictions.to_dict("records"):
        first = {**FIELDS, **records[row["unique_id_l"]]}
        second = {**FIELDS, **records[row["unique_id_r"]]}
        sexes = (row["sex_l"] or "", row["sex_r"] or "")  # with the names' hints
        if by_id and first["id"] > second["id"]:
            first, second, sexes = second, first, sexes[::-1]
        shown = {name: (first[name], second[name]) for name in FIELDS}
        shown["sex"] = sexes
        for name in extra_fields:
            shown[f"extra_{name}"] = (first["extra"].get(name, ""), second["extra"].get(name, ""))
        evidence = {
            name: _evidence(labels, int(row[f"gamma_{name}"]), *shown[name])
            for name, _, labels in comparisons
        }
        probability = round(float(row["match_probability"]), 9)
        weight = round(float(row["match_weight"]), 6)
        pairs.append(MemberPair(first["id"], second["id"], probability, weight, evidence))
    pairs.sort(key=lambda pair: (pair.id_l, pair.id_r))
    return pairs


def _tf_columns(model: dict) -> list[str]:
    """The columns whose levels the model adjusts by term frequency."""
    return sorted(
        {
            level["tf_adjustment_column"]
            for comparison in model["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )


def lowest_scored_weight(threshold: float) -> float:
    """The match weight down to which pairs are scored for ``threshold``: no pair below it
    can reach the threshold, whatever its household adds, and every pair that can lend
    support (``SUPPORT_PROBABILITY``) is above it."""
    return min(_weight(threshold) - SUPPORT_MAX_WEIGHT, _weight(SUPPORT_PROBABILITY))


def learnt_support_weight(scored: pd.DataFrame, *, household_sizes: Mapping[object, int]) -> float:
    """The weight of "the two households share another linked pair", learnt like an m and a u.

    m is the share of matches that have such support, the pairs' own match
    probabilities standing for the unknown truth. u is, like every comparison's u,
    the share among all pairs of records (not only the candidates, whose number
    depends on the blocking rules) of the non-matches that have it: two households
    that share a likely pair lend support to about every pair of their other members,
    (size - 1) × (size - 1) of them. At most ``SUPPORT_MAX_WEIGHT``; 0 when no pair
    has support.
    """
    supported = _supported(scored)
    p = scored["match_probability"]
    matches = p.sum()
    m = (p * supported).sum() / matches if matches else 0.0
    if m <= 0:
        return 0.0
    strong = scored[p >= SUPPORT_PROBABILITY]
    linked = set(
        zip(
            strong[["household_l", "household_r"]].min(axis=1),
            strong[["household_l", "household_r"]].max(axis=1),
            strict=True,
        )
    )
    lent = sum((household_sizes[a] - 1) * (household_sizes[b] - 1) for a, b in linked)
    records = sum(household_sizes.values())
    u = max(lent - (p * supported).sum(), 1.0) / max(records * (records - 1) / 2 - matches, 1.0)
    return round(min(math.log2(m / u), SUPPORT_MAX_WEIGHT), 6)


def household_context(
    scored: pd.DataFrame, *, support_weight: float, threshold: float, whole_registry: bool
) -> pd.DataFrame:
    """The pairs of ``scored`` that link at ``threshold`` once households are considered.

    ``scored`` is Splink's predictions down to ``lowest_scored_weight(threshold)``,
    with at least ``unique_id_l/_r``, ``household_l/_r``, ``gamma_birth_date``,
    ``match_weight`` and ``match_probability``; every pair the blocking rules make
    between two households must be in it, or none. In order:

    1. a pair whose two households share another pair of other members, linked
       on its own at ``SUPPORT_PROBABILITY``, gains ``support_weight``, unless its
       own birth dates are two full dates that differ: a family registered twice
       makes each of its members' pairs likelier;
    2. a member is at most one member of another household (a household lists
       different people): only the strongest pair between a member and a
       household stays;
    3. pairs below ``threshold`` go;
    4. with ``whole_registry`` (``scored`` holds every pair of the records, as in
       the batch): a member linked to two records whose own pair was not scored, or
       has two full birth dates that differ (different people), is the one it
       resembles more, the weaker pair goes.

    Steps 1–3 depend only on the pairs between the pair's two households: the batch
    and the check at the door (``door.score_new_records``, which scores a new
    household against whole registered households) give a pair the same weight and
    verdict through them. Step 4 needs the pairs among registered records, which the
    door does not score: it is the batch's alone.
    """
    frame = scored.copy()
    frame["match_weight"] = frame["match_weight"] + support_weight * _supported(scored)
    frame["match_probability"] = 1 / (1 + 2 ** (-frame["match_weight"]))
    frame = frame[_best_in_household(frame)]
    if not whole_registry:
        return frame[frame["match_probability"] >= threshold]
    # Two records whose pair was not scored, or whose birth dates are two full dates
    # that differ, are two people.
    alike = frame[frame["gamma_birth_date"] != DATES_DIFFER]
    together = {
        (min(a, b), max(a, b))
        for a, b in zip(alike["unique_id_l"], alike["unique_id_r"], strict=True)
    }
    frame = frame[frame["match_probability"] >= threshold]
    return frame[_best_across(frame, together)]


def _weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _supported(scored: pd.DataFrame) -> pd.Series:
    """Whether each pair's two households share another pair of other members, likely one,
    and the pair's own birth dates do not contradict it: two full dates that differ are
    a brother or a cousin of the family, not a copy of one of its members."""
    ids = ["unique_id_l", "unique_id_r"]
    pairs = scored[ids].assign(
        low=scored[["household_l", "household_r"]].min(axis=1),
        high=scored[["household_l", "household_r"]].max(axis=1),
    )
    strong = pairs[scored["match_probability"] >= SUPPORT_PROBABILITY]
    both = pairs.reset_index().merge(strong, on=["low", "high"], suffixes=("", "_s"))
    apart = (
        (both["unique_id_l"] != both["unique_id_l_s"])
        & (both["unique_id_l"] != both["unique_id_r_s"])
        & (both["unique_id_r"] != both["unique_id_l_s"])
        & (both["unique_id_r"] != both["unique_id_r_s"])
    )
    lent = scored.index.isin(both.loc[apart, "index"])
    return pd.Series(
        lent & (scored["gamma_birth_date"] != DATES_DIFFER).to_numpy(), index=scored.index
    )


def _best_in_household(scored: pd.DataFrame) -> pd.Series:
    """Whether each pair is the strongest its two members have in each other's household,
    whichever side of their pairs the members are on."""
    rows = len(scored)
    ends = pd.DataFrame(
        {
            "member": np.concatenate([scored["unique_id_l"], scored["unique_id_r"]]),
            "household": np.concatenate([scored["household_r"], scored["household_l"]]),
            "weight": np.concatenate([scored["match_weight"], scored["match_weight"]]),
        }
    )
    strongest = ends.groupby(["member", "household"])["weight"].transform("max")
    best = (ends["weight"] == strongest).to_numpy()
    return pd.Series(best[:rows] & best[rows:], index=scored.index)


def _best_across(linked: pd.DataFrame, together: set[tuple[object, object]]) -> pd.Series:
    """Whether each pair stays when one of its members also links to a record that is
    not ``together`` with its other member; the weaker of two such pairs goes."""
    ids = ["unique_id_l", "unique_id_r"]
    ends = pd.concat(
        [
            linked[ids].set_axis(["member", "other"], axis=1).assign(row=linked.index),
            linked[ids[::-1]].set_axis(["member", "other"], axis=1).assign(row=linked.index),
        ]
    )
    ends["weight"] = linked.loc[ends["row"], "match_weight"].to_numpy()
    many = ends[ends.groupby("member")["member"].transform("size") > 1]
    rivals = many.merge(many, on="member", suffixes=("", "_rival"))
    rivals = rivals[rivals["other"] != rivals["other_rival"]]
    apart = pd.Series(
        [
            (min(a, b), max(a, b)) not in together
            for a, b in zip(rivals["other"], rivals["other_rival"], strict=True)
        ],
        index=rivals.index,
        dtype=bool,
    )
    weaker = rivals[apart]
    weaker = weaker[weaker["weight"] < weaker["weight_rival"]]
    return pd.Series(~linked.index.isin(weaker["row"]), index=linked.index)


def household_pairs(
    member_pairs: Sequence[MemberPair], members: Sequence[Mapping[str, object]]
) -> list[HouseholdPair]:
    """Households that share linked members, strongest first.

    One shared member is chance (a grandmother registered with two of her
    children's households); two or more suggest the same household registered
    twice. Two single-member households that share their member are the same too.
    ``linked_members`` counts distinct members on the side with fewer of them;
    ``score`` is that count over the smaller household's size, times the mean
    match probability of the member pairs.

    >>> people = [{"id": "a", "household": "H1"}, {"id": "b", "household": "H2"}]
    >>> household_pairs([MemberPair("a", "b", 0.98, 9.1, {})], people)
    [HouseholdPair(household_l='H1', household_r='H2', linked_members=1, score=0.98, \
member_pairs=(('a', 'b'),))]
    """
    records = _checked(members)
    household_of = {record["id"]: record["household"] for record in records}
    size: dict[str, int] = defaultdict(int)
    for record in records:
        size[record["household"]] += 1
    grouped: dict[tuple[str, str], list[tuple[str, str, float]]] = defaultdict(list)
    for index, pair in enumerate(member_pairs):
        for member_id in (pair.id_l, pair.id_r):
            if member_id not in household_of:
                raise ValueError(f"member_pairs[{index}]: id {member_id!r} is not among members")
        (left, left_id), (right, right_id) = sorted(
            [(household_of[pair.id_l], pair.id_l), (household_of[pair.id_r], pair.id_r)]
        )
        if left == right:
            raise ValueError(
                f"member_pairs[{index}]: {left_id!r} and {right_id!r} are both in household"
                f" {left!r}"
            )
        grouped[(left, right)].append((left_id, right_id, pair.match_probability))
    found = []
    for (left, right), links in grouped.items():
        linked = min(len({link[0] for link in links}), len({link[1] for link in links}))
        if linked >= 2 or size[left] == size[right] == 1:
            confidence = sum(link[2] for link in links) / len(links)
            score = round(linked / min(size[left], size[right]) * confidence, 6)
            member_links = tuple(sorted(tuple(sorted(link[:2])) for link in links))
            found.append(HouseholdPair(left, right, linked, score, member_links))
    found.sort(key=lambda pair: (-pair.score, pair.household_l, pair.household_r))
    return found


def _checked(members: Sequence[Mapping[str, object]]) -> list[dict]:
    """Every record with all of ``FIELDS``, after checking each one; errors name it."""
    return list(_each_checked(members, {}))


def _each_checked(
    members: Iterable[Mapping[str, object]], positions: dict[str, int]
) -> Iterator[dict]:
    """Each record with all of ``FIELDS``, checked, one at a time; ``positions`` collects
    each id's index in ``members``."""
    for index, member in enumerate(members):
        where = f"members[{index}]"
        if not isinstance(member, Mapping):
            raise ValueError(f"{where}: a member must be a dict, got {type(member).__name__}")
        if not isinstance(member.get("id"), str) or not member["id"]:
            raise ValueError(f"{where}: id must be a non-empty string")
        where = f"{where} (id {member['id']!r})"
        unknown = sorted(set(member) - set(FIELDS))
        if unknown:
            raise ValueError(f"{where}: unknown field {unknown[0]!r}")
        record = {**FIELDS, **member}
        for name, default in FIELDS.items():
            if type(record[name]) is not type(default):
                kind = type(default).__name__
                raise ValueError(f"{where}: {name} must be a {kind}, got {record[name]!r}")
        for key, value in record["extra"].items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError(f"{where}: extra[{key!r}] must be a str, got {value!r}")
        if not record["household"]:
            raise ValueError(f"{where}: household must not be empty")
        if record["id"] in positions:
            raise ValueError(f"{where}: id is also used by members[{positions[record['id']]}]")
        if record["sex"] not in SEXES:
            raise ValueError(f"{where}: sex {record['sex']!r} is not 'female', 'male' or ''")
        if record["birth_year_only"] and not record["birth_date"]:
            raise ValueError(f"{where}: birth_year_only is set but birth_date is empty")
        try:
            _birth_date(record["birth_date"], record["birth_year_only"])
        except ValueError:
            raise ValueError(
                f"{where}: birth_date {record['birth_date']!r} is not a date"
            ) from None
        positions[record["id"]] = index
        yield record


def _prepared(
    records: Iterable[dict], *, normalise_names: bool, extra_fields: Sequence[str]
) -> pa.Table:
    """The columns the model compares and blocks on; None where a value is unknown.

    Built column by column from records read one at a time, into Arrow columns that
    DuckDB reads without a copy; ``unique_id`` is the record's index and ``household``
    a number per household, which keeps the millions of candidate pairs small.
    """
    columns: dict[str, list] = defaultdict(list)
    households: dict[str, int] = {}
    # A registry repeats its names thousands of times: each spelling is keyed once.
    name_key, surname_key, patronymic_key, spelling_key = (
        functools.cache(key)
        for key in (names.name_key, names.surname_key, names.patronymic_key, names.spelling_key)
    )
    for index, record in enumerate(records):
        if normalise_names:
            family = surname_key(record["family_name"])
            patronymic = patronymic_key(record["patronymic"])
            given_key, family_key = name_key(record["given_name"]), family.key
            sex = record["sex"] or family.sex or patronymic.sex
            father = patronymic.key
        else:
            given_key = spelling_key(record["given_name"])
            family_key = spelling_key(record["family_name"])
            sex, father = record["sex"], spelling_key(record["patronymic"])
        born = _birth_date(record["birth_date"], record["birth_year_only"])
        full = born.month is not None
        values = {
            "unique_id": index,
            "household": households.setdefault(record["household"], len(households)),
            "given_fold": spelling_key(record["given_name"]),
            "given_key": given_key,
            "family_fold": spelling_key(record["family_name"]),
            "family_key": family_key,
            "patronymic_key": father,
            "sex": sex,
            "birth_year": born.year,
            "birth_month": born.month,
            "birth_day": born.day,
            "birth_date": f"{born.year}-{born.month:02}-{born.day:02}" if full else None,
            "birth_date_swapped": f"{born.year}-{born.day:02}-{born.month:02}" if full else None,
            "document_number": document_key(record["document_number"]),
            "phone": phone_key(record["phone"]),
            "origin_settlement": record["origin_settlement"],
        }
        for name in extra_fields:
            values[f"extra_{name}"] = spelling_key(record["extra"].get(name, ""))
        for name, value in values.items():
            columns[name].append(None if value == "" else value)
    return pa.table(
        {
            name: pa.array(columns.pop(name), pa.int64() if name in NUMBERS else pa.string())
            for name in list(columns)
        }
    )


@functools.lru_cache(maxsize=1 << 16)  # a century of days, twice
def _birth_date(text: str, year_only: bool) -> BirthDate:
    return parse_birth_date(text, year_only=year_only)


def _comparisons(
    *, normalise_names: bool, extra_fields: Sequence[str]
) -> list[tuple[str, cl.CustomComparison, list[str]]]:
    """Each compared field, its Splink comparison, and the evidence label of each level.

    Every level carries a prior m-probability (the share of true duplicates expected
    at that level). EM replaces it when there are enough pairs to learn from; a small
    list keeps it.
    """
    similar = "jaro_winkler_similarity({p}_l, {p}_r) >= {threshold}"

    def name_levels(p: str, *more: tuple[str, str, float]) -> list[tuple[str, str, float]]:
        return [
            ("identical", f"{p}_fold_l = {p}_fold_r", 0.6),
            *([("same key", f"{p}_key_l = {p}_key_r", 0.3)] if normalise_names else []),
            *more,
            ("similar", similar.format(p=f"{p}_key", threshold=NAME_SIMILAR), 0.05),
            ("alike", similar.format(p=f"{p}_key", threshold=NAME_ALIKE), 0.03),
        ]

    # Names written in each other's places count on the given name only, so that
    # one slip is not counted twice.
    swapped = (
        "given and family name swapped",
        "given_fold_l = family_fold_r AND family_fold_l = given_fold_r",
        0.01,
    )
    patronymic_similar = similar.format(p="patronymic_key", threshold=NAME_SIMILAR)
    document_close = "damerau_levenshtein(document_number_l, document_number_r) <= 1"
    return [
        _comparison(
            "given_name",
            name_levels("given", swapped),
            null="given_key",
            frequencies=True,
        ),
        _comparison(
            "family_name",
            name_levels("family"),
            null="family_key",
            frequencies=True,
        ),
        _comparison(
            "patronymic",
            [
                ("same key", "patronymic_key_l = patronymic_key_r", 0.85),
                ("similar", patronymic_similar, 0.05),
            ],
            null="patronymic_key",
        ),
        _comparison("sex", [("identical", "sex_l = sex_r", 0.97)], null="sex"),
        _comparison(
            "birth_date",
            [
                (level.value, sql, m)
                for (level, sql), m in zip(
                    list(DATE_LEVELS_SQL.items())[1:], (0.6, 0.1, 0.15, 0.1), strict=True
                )
            ],
            null="birth_year",
        ),
        _comparison(
            "document_number",
            [
                ("identical", "document_number_l = document_number_r", 0.85),
                ("one character apart", document_close, 0.05),
            ],
            null="document_number",
        ),
        _comparison("phone", [("identical", "phone_l = phone_r", 0.7)], null="phone"),
        _comparison(
            "origin_settlement",
            [("identical", "origin_settlement_l = origin_settlement_r", 0.9)],
            null="origin_settlement",
            frequencies=True,
        ),
        *[
            _comparison(
                f"extra_{name}",
                [
                    ("identical", f"extra_{name}_l = extra_{name}_r", 0.7),
                    ("similar", similar.format(p=f"extra_{name}", threshold=NAME_SIMILAR), 0.1),
                    ("alike", similar.format(p=f"extra_{name}", threshold=NAME_ALIKE), 0.05),
                ],
                null=f"extra_{name}",
            )
            for name in extra_fields
        ],
    ]


def _comparison(
    name: str,
    levels: list[tuple[str, str, float]],
    *,
    null: str,
    frequencies: bool = False,
) -> tuple[str, cl.CustomComparison, list[str]]:
    """Levels (label, SQL, prior m), strongest first, between a null and an else level.

    With ``frequencies``, each exact-match level is adjusted by the term frequency
    of its value: agreeing on "Məmmədov" says less than agreeing on a rare name.
    """
    splink_levels = [
        cll.CustomLevel(f"{null}_l IS NULL OR {null}_r IS NULL").configure(is_null_level=True)
    ]
    for label, sql, m in levels:
        level = cll.CustomLevel(sql, label_for_charts=label).configure(m_probability=m)
        exact = EXACT_MATCH.fullmatch(sql)
        if frequencies and exact:
            level = level.configure(tf_adjustment_column=exact[1], tf_adjustment_weight=1.0)
        splink_levels.append(level)
    rest = 1 - sum(m for _, _, m in levels)
    splink_levels.append(cll.ElseLevel().configure(m_probability=rest))
    comparison = cl.CustomComparison(splink_levels, output_column_name=name)
    return name, comparison, [label for label, _, _ in levels] + ["different"]


def _trained(
    db_api: DuckDBAPI,
    con: duckdb.DuckDBPyConnection,
    settings: SettingsCreator,
    *,
    seed: int,
    u_sample_pairs: float,
    u_unseen: float,
) -> dict:
    """The model after u from random pairs and one EM session per training rule.

    Each session starts from the previous one's model with its m-probabilities
    floored: Splink 5 refuses an m that EM has driven to zero, and a session that
    starts from an m near zero ends at zero.
    """
    linker = Linker(db_api.register("members"), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_sample_pairs, seed=seed)
    model = _bounded(linker.misc.save_model_to_json(), u_unseen=u_unseen)
    learnt: dict[str, list[dict]] = {}  # each comparison's levels, as a session learnt them
    for sql, untaught in TRAINING_RULES:
        # Too few pairs teach EM nothing: the levels then keep their prior m.
        if _count_pairs(con, [sql], at_most=EM_MIN_PAIRS) < EM_MIN_PAIRS:
            continue
        linker = Linker(db_api.register("members"), model, log_level=None)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                _rule(sql), estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
            )
        except ValueError:
            # EM drove an m to zero within the session: the rule's pairs hold too few
            # true matches to learn from (a small registry), so the levels keep their m.
            continue
        model = _bounded(linker.misc.save_model_to_json(), u_unseen=u_unseen)
        for comparison in model["comparisons"]:
            name = comparison["output_column_name"]
            if name in learnt:
                comparison["comparison_levels"] = learnt[name]
            elif name != untaught:
                learnt[name] = comparison["comparison_levels"]
    return model


def _bounded(model: dict, *, u_unseen: float) -> dict:
    """The model with every m at least ``M_FLOOR`` and every unseen u set to ``u_unseen``.

    Splink leaves the u of a level no random pair fell into (documents one
    character apart) unset, and would fall back to a default that has nothing to do
    with the data.
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                m, u = level.get("m_probability"), level.get("u_probability")
                level["m_probability"] = max(m, M_FLOOR) if isinstance(m, float) else M_FLOOR
                level["u_probability"] = u if isinstance(u, float) and u > 0 else u_unseen
    return model


def _evidence(labels: list[str], gamma: int, left: object, right: object) -> str:
    if gamma < 0:
        return MISSING
    return f"{labels[len(labels) - 1 - gamma]} ({left} ~ {right})"


def _rule(sql: str) -> str:
    """A blocking rule that never pairs two members of one household."""
    return f"{sql} AND l.household <> r.household"


def _prior(con: duckdb.DuckDBPyConnection, records: int) -> float:
    """The probability that two random records match, from pairs that surely do.

    Counting the sure pairs and dividing by their expected recall is Splink's own
    estimate; it is done here so that a set with no sure pair still gets a small
    positive prior rather than zero.
    """
    sure = _count_pairs(con, SURE_RULES)
    return min(max(sure, 1) / SURE_RULES_RECALL / (records * (records - 1) / 2), 0.5)


def _count_pairs(
    con: duckdb.DuckDBPyConnection, rules: Sequence[str], *, at_most: int | None = None
) -> int:
    """How many distinct pairs the blocking ``rules`` make, counting up to ``at_most``."""
    # Only this module's constant rules are formatted into the SQL.
    pairs = "SELECT l.unique_id, r.unique_id FROM members l JOIN members r ON {} AND l.unique_id < r.unique_id"  # noqa: E501, S608
    union = " UNION ".join(pairs.format(_rule(sql)) for sql in rules)
    limit = "" if at_most is None else f" LIMIT {int(at_most)}"
    return con.execute(f"SELECT count(*) FROM ({union}{limit})").fetchall()[0][0]  # noqa: S608
