"""Reading and checking a planning problem: the only place that judges the input.

Everything the solver assumes is established here, once, so that the algorithm
below never meets a missing field or a string where a number belongs. The first
offence raises :class:`InvalidProblem` with a message that names the record by
position and id, in the user's field names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

SCOPES = ("settlement", "district")
MAX_PRIORITY = 1_000_000_000  # keeps each aim inside int64 when solved in stages (_flow.py)
MAX_COUNT = 1_000  # people in a household, rooms in a unit: far above any real dwelling

_MISSING = object()


class InvalidProblem(ValueError):
    """The problem breaks the input contract; the message names the offending record."""


@dataclass(frozen=True)
class Problem:
    """A checked problem: names coded as integers, room ranges looked up.

    Settlements are coded by (district, settlement) pairs, because village names
    repeat across districts; ``settlement_district`` maps a settlement code to its
    district code.
    """

    scope: str
    districts: list[str]
    settlements: list[str]
    settlement_district: np.ndarray
    household_ids: list[str]
    household_settlement: np.ndarray
    household_size: np.ndarray
    household_smallest: np.ndarray
    household_largest: np.ndarray
    household_needs_step_free: np.ndarray
    household_priority: np.ndarray
    unit_ids: list[str]
    unit_settlement: np.ndarray
    unit_rooms: np.ndarray
    unit_step_free: np.ndarray


def _show(value: Any) -> str:
    """A value as the user wrote it in JSON, but strings quoted like ids: 'Zar'."""
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not from JSON: a Python caller's object
        return repr(value)


@dataclass(frozen=True)
class _Rule:
    """A field's rule: ``problem`` judges one value and is the rule's definition;
    ``types`` and ``column_ok`` accept a whole column at C speed when it obeys it."""

    problem: Callable[[Any], str | None]
    types: frozenset[type]
    column_ok: Callable[[list], bool]

    def first_offence(self, column: list) -> int:
        """The index of the first value that breaks the rule, or ``len(column)``."""
        if set(map(type, column)) <= self.types and self.column_ok(column):
            return len(column)
        return next(i for i, value in enumerate(column) if self.problem(value))


def _text_problem(value: Any) -> str | None:
    if type(value) is str and value:
        return None
    return f"must be a non-empty string, got {_show(value)}"


def _flag_problem(value: Any) -> str | None:
    if type(value) is bool:
        return None
    return f"must be true or false, got {_show(value)}"


def _integer(low: int, high: int) -> _Rule:
    word = "non-negative" if low == 0 else "positive"

    def problem(value: Any) -> str | None:
        if type(value) is not int or value < low:  # bool is not an int here
            return f"must be a {word} integer, got {_show(value)}"
        if value > high:
            return f"must be at most {high}, got {value}"
        return None

    return _Rule(
        problem,
        frozenset({int}),
        lambda column: not column or low <= min(column) <= max(column) <= high,
    )


_TEXT = _Rule(_text_problem, frozenset({str}), lambda column: "" not in column)
_FLAG = _Rule(_flag_problem, frozenset({bool}), lambda column: True)
_COUNT = _integer(1, MAX_COUNT)

HOUSEHOLD_FIELDS = (
    ("id", _TEXT),
    ("origin_settlement", _TEXT),
    ("origin_district", _TEXT),
    ("size", _COUNT),
    ("needs_step_free", _FLAG),
    ("priority", _integer(0, MAX_PRIORITY)),
)
UNIT_FIELDS = (
    ("id", _TEXT),
    ("settlement", _TEXT),
    ("district", _TEXT),
    ("rooms", _COUNT),
    ("step_free", _FLAG),
)
ROOM_COLUMNS = ("household size", "smallest", "largest")


def _section(problem: dict, name: str, kind: type, where: str) -> Any:
    value = problem.get(name, _MISSING)
    if value is _MISSING:
        raise InvalidProblem(f"{where}missing field '{name}'")
    if not isinstance(value, kind):
        article = "an object" if kind is dict else "a list"
        raise InvalidProblem(f"{where}{name} must be {article}, got {_show(value)}")
    return value


def _rooms_table(rows: list) -> tuple[list[int], list[int], list[int]]:
    """The table as three columns; sizes strictly increase, so a lookup is a bisection."""
    if not rows:
        raise InvalidProblem(
            "policy: rooms must be a non-empty list of [household size, smallest, largest] rows"
        )
    sizes, smallest, largest = [], [], []
    for i, row in enumerate(rows):
        where = f"policy.rooms[{i}]"
        if not isinstance(row, list) or len(row) != 3:
            raise InvalidProblem(
                f"{where}: must be [household size, smallest, largest], got {_show(row)}"
            )
        for column, value in zip(ROOM_COLUMNS, row, strict=True):
            if problem := _COUNT.problem(value):
                raise InvalidProblem(f"{where}: {column} {problem}")
        size, low, high = row
        if sizes and size <= sizes[-1]:
            raise InvalidProblem(
                f"{where}: household sizes must increase, got {size} after {sizes[-1]}"
            )
        if low > high:
            raise InvalidProblem(f"{where}: smallest {low} is above largest {high}")
        sizes.append(size)
        smallest.append(low)
        largest.append(high)
    return sizes, smallest, largest


def _records(records: list, section: str, fields: tuple, *, smallest_size: int = 0) -> list[list]:
    """The fields of every record, column by column.

    Columns are checked whole first; only when one fails is the first offending
    record found and judged field by field, so the message is the same as a
    record-by-record check would give. ``smallest_size`` is the rooms table's
    first size, below which a household's ``size`` has no row.
    """
    if not all(isinstance(record, dict) for record in records):
        i = next(i for i, record in enumerate(records) if not isinstance(record, dict))
        raise InvalidProblem(f"{section}[{i}]: must be an object, got {_show(records[i])}")
    columns = [[record.get(name, _MISSING) for record in records] for name, _ in fields]
    offences = [
        rule.first_offence(column) for (_, rule), column in zip(fields, columns, strict=True)
    ]
    ids = columns[0]
    if smallest_size:
        sizes = columns[[name for name, _ in fields].index("size")]
        small = [i for i, size in enumerate(sizes) if type(size) is int and size < smallest_size]
        offences.append(small[0] if small else len(records))
    valid_ids = ids[: offences[0]]  # hashable strings, up to the first bad id
    if len(set(valid_ids)) < len(valid_ids):
        seen: set[str] = set()
        offences.append(next(i for i, id_ in enumerate(valid_ids) if id_ in seen or seen.add(id_)))
    if (i := min(offences, default=0)) < len(records):
        raise InvalidProblem(_record_problem(records, i, section, fields, ids, smallest_size))
    return columns


def _record_problem(
    records: list, i: int, section: str, fields: tuple, ids: list, smallest_size: int
) -> str:
    """The message for record ``i``, the first known to break a rule."""
    where = f"{section}[{i}]"
    for name, rule in fields:
        value = records[i].get(name, _MISSING)
        if value is _MISSING:
            return f"{where}: missing field '{name}'"
        if problem := rule.problem(value):
            return f"{where}: {name} {problem}"
        if name == "id":
            where = f"{section}[{i}] (id {value!r})"
    if smallest_size and records[i]["size"] < smallest_size:
        return (
            f"{where}: size {records[i]['size']} is below the smallest household size in "
            f"policy.rooms ({smallest_size})"
        )
    return f"{where}: duplicate id, first at {section}[{ids.index(ids[i])}]"


def read_problem(problem: Any) -> Problem:
    """Check ``problem`` against the contract and code it for the solver."""
    if not isinstance(problem, dict):
        raise InvalidProblem(
            f"the problem must be an object with policy, households and units, got {_show(problem)}"
        )
    policy = _section(problem, "policy", dict, "")
    households = _section(problem, "households", list, "")
    units = _section(problem, "units", list, "")
    scope = policy.get("scope", _MISSING)
    if scope is _MISSING:
        raise InvalidProblem("policy: missing field 'scope'")
    if scope not in SCOPES:
        raise InvalidProblem(
            f"policy: scope must be 'settlement' or 'district', got {_show(scope)}"
        )
    sizes, smallest, largest = _rooms_table(_section(policy, "rooms", list, "policy: "))
    h_id, h_settlement, h_district, h_size, h_need, h_priority = _records(
        households, "households", HOUSEHOLD_FIELDS, smallest_size=sizes[0]
    )
    u_id, u_settlement, u_district, u_rooms, u_step_free = _records(units, "units", UNIT_FIELDS)

    districts: dict[str, int] = {}
    settlements: dict[tuple[str, str], int] = {}
    h_code = [
        settlements.setdefault(pair, len(settlements))
        for pair in zip(h_district, h_settlement, strict=True)
    ]
    u_code = [
        settlements.setdefault(pair, len(settlements))
        for pair in zip(u_district, u_settlement, strict=True)
    ]
    settlement_district = [districts.setdefault(d, len(districts)) for d, _ in settlements]
    row = np.searchsorted(np.array(sizes), np.array(h_size, dtype=np.int64), side="right") - 1
    return Problem(
        scope=scope,
        districts=list(districts),
        settlements=[name for _, name in settlements],
        settlement_district=np.array(settlement_district, dtype=np.int64),
        household_ids=h_id,
        household_settlement=np.array(h_code, dtype=np.int64),
        household_size=np.array(h_size, dtype=np.int64),
        household_smallest=np.array(smallest, dtype=np.int64)[row],
        household_largest=np.array(largest, dtype=np.int64)[row],
        household_needs_step_free=np.array(h_need, dtype=bool),
        household_priority=np.array(h_priority, dtype=np.int64),
        unit_ids=u_id,
        unit_settlement=np.array(u_code, dtype=np.int64),
        unit_rooms=np.array(u_rooms, dtype=np.int64),
        unit_step_free=np.array(u_step_free, dtype=bool),
    )
