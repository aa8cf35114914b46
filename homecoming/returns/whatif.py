"""What if another policy version were in force: two versions side by side on the registry.

Every household waiting for a home in the chosen districts is judged under both versions
(its facts read once); the households whose eligibility changes are listed with the
conditions that changed it; each household's rank by priority under each version is
compared; both allocations are solved to the proven optimum by the planner from the same
ready units, with their explanations; and the fairness of both is measured by group
(``programmes/fairness.py``). docs/policies.md, "Comparing two versions: what-if and
fairness".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from homecoming.accounts.models import User
from homecoming.core.charts import chart
from homecoming.places.models import Area
from homecoming.planner import Plan, solve
from homecoming.programmes.fairness import (
    HEAD_AGE_EDGES,
    SIZE_EDGES,
    UNKNOWN,
    YEARS_DISPLACED_EDGES,
    Band,
    GroupRow,
    Table,
    band_of,
    bands,
    fairness_table,
)
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import policy_in_force
from homecoming.registry.models import AccommodationKind, Household, Member
from homecoming.returns.policy import Facts, Verdicts, household_facts, policy_verdicts
from homecoming.returns.selectors import households_in, planner_records, planner_units

# The groupings of the fairness tables, in the order a page shows them.
GROUPINGS = (
    "district",
    "accommodation",
    "vulnerability",
    "head_sex",
    "head_age",
    "size",
    "years_displaced",
)
LARGEST_MOVES = 10  # the households named among those that move most, each way


@dataclass(frozen=True)
class Population:
    """The households compared, in columns aligned by position: what the planner and the
    fairness groupings read of each."""

    ids: np.ndarray  # Household pk
    settlement: np.ndarray  # origin settlement code
    district: np.ndarray  # origin district code
    accommodation: np.ndarray  # AccommodationKind
    size: np.ndarray  # current members (at least 1 for the planner)
    vulnerable: np.ndarray  # any current member with a vulnerability
    step_free: np.ndarray  # a member with a disability: needs a step-free home
    head_sex: np.ndarray  # Member.Sex of the current head, "" when none is recorded
    head_age: np.ndarray  # whole years, -1 when unknown
    years_displaced: np.ndarray  # whole years, -1 when unknown

    def __len__(self) -> int:
        return len(self.ids)

    def groups(self, grouping: str) -> np.ndarray:
        """Each household's group in ``grouping`` (bands as their index, -1 unknown)."""
        return {
            "district": lambda: self.district,
            "accommodation": lambda: self.accommodation,
            "vulnerability": lambda: self.vulnerable,
            "head_sex": lambda: self.head_sex,
            "head_age": lambda: band_of(self.head_age, HEAD_AGE_EDGES),
            "size": lambda: band_of(self.size, SIZE_EDGES),
            "years_displaced": lambda: band_of(self.years_displaced, YEARS_DISPLACED_EDGES),
        }[grouping]()


@dataclass(frozen=True)
class Side:
    """One version's verdicts on the population: eligible or not, the reasons that hold
    back the household at a position (asked only of the households shown), and its
    priority score."""

    eligible: np.ndarray
    reasons: Callable[[int], frozenset[Hashable]]
    priority: np.ndarray
    rooms: list[list[int]]  # the version's rooms table, for its allocation


@dataclass(frozen=True)
class Change:
    """A household whose eligibility, home or rank differs between the versions."""

    household: int  # Household pk
    eligible: tuple[bool, bool]
    housed: tuple[bool, bool]
    priority: tuple[int, int]
    rank: tuple[int | None, int | None]  # among the eligible, 1 the highest; None: not eligible
    now_fails: frozenset[Hashable]  # reasons that hold it back under B, not under A
    no_longer_fails: frozenset[Hashable]  # under A, not under B

    @property
    def move(self) -> int | None:
        """Places moved up from A to B (negative: down); None unless eligible under both."""
        if self.rank[0] is None or self.rank[1] is None:
            return None
        return self.rank[0] - self.rank[1]


@dataclass(frozen=True)
class Comparison:
    households: int
    eligible: tuple[int, int]
    housed: tuple[int, int]
    units: int
    changes: Changes  # eligibility changes, then homes, then rank moves (largest first)
    eligibility_changes: int
    gained: int  # housed under B, not under A
    lost: int  # housed under A, not under B
    moved_up: int
    moved_down: int
    kept_rank: int
    largest_up: list[Change]
    largest_down: list[Change]
    fairness: dict[str, Table]
    plans: tuple[Plan, Plan] = field(repr=False)


def ranks(eligible: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Each eligible household's rank by priority, 1 the highest, households of equal
    priority sharing the best rank (1, 2, 2, 4); 0 for a household not eligible."""
    scores = priority[eligible]
    ordered = np.sort(-scores)
    rank = np.zeros(len(priority), np.int64)
    rank[eligible] = np.searchsorted(ordered, -scores, side="left") + 1
    return rank


def _allocate(population: Population, side: Side, units: list[dict], scope: str) -> Plan:
    chosen = np.flatnonzero(side.eligible)
    return solve(
        {
            "policy": {"scope": scope, "rooms": side.rooms},
            "households": planner_records(
                ids=population.ids[chosen],
                settlements=population.settlement[chosen],
                districts=population.district[chosen],
                sizes=population.size[chosen],
                step_free=population.step_free[chosen],
                priority=side.priority[chosen],
            ),
            "units": units,
        }
    )


class Changes(Sequence[Change]):
    """The households that change, in order, each made into a :class:`Change` only when read
    (a page reads one page of them; at national scale most households move rank)."""

    def __init__(self, make: Callable[[int], Change], positions: np.ndarray) -> None:
        self._make, self._positions = make, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(int(i)) for i in self._positions[index]]
        return self._make(int(self._positions[index]))


def compare(
    population: Population, a: Side, b: Side, *, units: list[dict], scope: str
) -> Comparison:
    """Versions ``a`` and ``b`` side by side on ``population``, both allocating ``units``."""
    plans = (_allocate(population, a, units, scope), _allocate(population, b, units, scope))
    order = np.argsort(population.ids)
    housed = []
    for plan in plans:
        column = np.zeros(len(population), bool)
        pks = np.fromiter(plan.assignments, np.int64, len(plan.assignments))
        column[order[np.searchsorted(population.ids, pks, sorter=order)]] = True
        housed.append(column)
    rank_a, rank_b = ranks(a.eligible, a.priority), ranks(b.eligible, b.priority)
    both = a.eligible & b.eligible
    move = np.where(both, rank_a - rank_b, 0)
    flipped = a.eligible != b.eligible
    rehoused = housed[0] != housed[1]

    def change(i: int) -> Change:
        held_a, held_b = a.reasons(i), b.reasons(i)
        return Change(
            household=int(population.ids[i]),
            eligible=(bool(a.eligible[i]), bool(b.eligible[i])),
            housed=(bool(housed[0][i]), bool(housed[1][i])),
            priority=(int(a.priority[i]), int(b.priority[i])),
            rank=(int(rank_a[i]) or None, int(rank_b[i]) or None),
            now_fails=held_b - held_a,
            no_longer_fails=held_a - held_b,
        )

    # Eligibility changes first, then homes, then rank moves, largest first; by household.
    changed = np.flatnonzero(flipped | rehoused | (move != 0))
    changed = changed[
        np.lexsort(
            (
                population.ids[changed],
                -np.abs(move[changed]),
                ~rehoused[changed],
                ~flipped[changed],
            )
        )
    ]
    up = np.flatnonzero(move > 0)
    down = np.flatnonzero(move < 0)
    return Comparison(
        households=len(population),
        eligible=(int(a.eligible.sum()), int(b.eligible.sum())),
        housed=(len(plans[0].assignments), len(plans[1].assignments)),
        units=len(units),
        changes=Changes(change, changed),
        eligibility_changes=int(flipped.sum()),
        gained=int((housed[1] & ~housed[0]).sum()),
        lost=int((housed[0] & ~housed[1]).sum()),
        moved_up=len(up),
        moved_down=len(down),
        kept_rank=int(both.sum()) - len(up) - len(down),
        largest_up=[change(i) for i in up[np.argsort(-move[up], kind="stable")][:LARGEST_MOVES]],
        largest_down=[
            change(i) for i in down[np.argsort(move[down], kind="stable")][:LARGEST_MOVES]
        ],
        fairness={
            grouping: fairness_table(
                population.groups(grouping),
                a=(a.eligible, housed[0]),
                b=(b.eligible, housed[1]),
            )
            for grouping in GROUPINGS
        },
        plans=plans,
    )


# ---------------------------------------------------------------------------------------------
# The comparison in words, for the page and the export.

GROUPING_TITLES = {
    "district": gettext_lazy("District of origin"),
    "accommodation": gettext_lazy("Accommodation"),
    "vulnerability": gettext_lazy("Vulnerability"),
    "head_sex": gettext_lazy("Sex of the head of household"),
    "head_age": gettext_lazy("Age of the head of household (years)"),
    "size": gettext_lazy("Household size (people)"),
    "years_displaced": gettext_lazy("Years displaced"),
}
BAND_EDGES = {
    "head_age": HEAD_AGE_EDGES,
    "size": SIZE_EDGES,
    "years_displaced": YEARS_DISPLACED_EDGES,
}


def band_words(band: Band) -> str:
    if band.high is None:
        return _("%(low)d and over") % {"low": band.low}
    if band.low == band.high:
        return str(band.low)
    if band.low == 0:
        return _("under %(high)d") % {"high": band.high + 1}
    return _("%(low)d–%(high)d") % {"low": band.low, "high": band.high}


def group_words(grouping: str, key: Any, districts: Mapping[str, str]) -> str:
    """A group of ``grouping`` in words of the page's language, never its code."""
    if grouping == "district":
        return districts.get(key, key)
    if grouping == "accommodation":
        return str(AccommodationKind(key).label) if key in AccommodationKind.values else _("Other")
    if grouping == "vulnerability":
        return _("with a vulnerable member") if key else _("no vulnerable member")
    if grouping == "head_sex":
        return str(Member.Sex(key).label) if key in Member.Sex.values else _("not recorded")
    if key == UNKNOWN:
        return _("not recorded")
    return band_words(bands(BAND_EDGES[grouping])[key])


@dataclass(frozen=True)
class FairnessRow:
    group: str  # in words
    row: GroupRow

    def cells(self) -> list[Any]:
        """The row as the table and the export give it: households, then for A and for B
        the share eligible and housed (in per cent) with the housed share's disparity."""
        cells: list[Any] = [self.group, self.row.households]
        for outcome in (self.row.a, self.row.b):
            cells += [
                _percent(outcome.eligible.share),
                _percent(outcome.housed.share),
                _round(outcome.housed_disparity.ratio, 2),
                _round(outcome.housed_disparity.points, 1),
            ]
        return cells


@dataclass(frozen=True)
class FairnessSection:
    grouping: str
    title: str
    rows: list[FairnessRow]  # the groups, then the whole
    chart: dict[str, Any]

    @property
    def spec_id(self) -> str:
        """The id of the chart's JSON on the page."""
        return f"spec-{self.grouping}"


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def fairness_columns() -> list[str]:
    return [
        _("Group"),
        _("Households"),
        _("Eligible under A (%)"),
        _("Housed under A (%)"),
        _("Housed under A against the whole (ratio)"),
        _("Housed under A against the whole (points)"),
        _("Eligible under B (%)"),
        _("Housed under B (%)"),
        _("Housed under B against the whole (ratio)"),
        _("Housed under B against the whole (points)"),
    ]


def fairness_sections(comparison: Comparison) -> list[FairnessSection]:
    """Each grouping's table in words and its chart: the share housed by group under A and
    B, the whole's shares drawn as lines to read the disparity against."""
    codes = {str(row.key) for row in comparison.fairness["district"].rows}
    districts = {a.code: a.display_name for a in Area.objects.filter(code__in=codes)}
    sections = []
    for grouping in GROUPINGS:
        table = comparison.fairness[grouping]
        rows = [FairnessRow(group_words(grouping, r.key, districts), r) for r in table.rows]
        labels = [r.group for r in rows]
        traces = [
            {
                "type": "bar",
                "name": str(name),
                "x": labels,
                "y": [_percent(getattr(r.row, side).housed.share) for r in rows],
            }
            for side, name in (("a", _("housed under A")), ("b", _("housed under B")))
        ]
        traces += [
            {
                "type": "scatter",
                "mode": "lines",
                "name": str(name),
                "x": labels,
                "y": [_percent(getattr(table.whole, side).housed.share)] * len(labels),
                "line": {"dash": "dot"},
            }
            for side, name in (("a", _("all households, A")), ("b", _("all households, B")))
        ]
        rows.append(FairnessRow(_("All households"), table.whole))
        sections.append(
            FairnessSection(
                grouping,
                str(GROUPING_TITLES[grouping]),
                rows,
                chart(traces, y_title=_("share housed (%)")),
            )
        )
    return sections


# ---------------------------------------------------------------------------------------------
# On the registry: which versions a user may compare, the comparison, its rows in words.


def versions_for(user: User) -> QuerySet[PolicyVersion]:
    """The policy versions of the programmes ``user`` works on (a user named in no
    programme works on every programme)."""
    versions = PolicyVersion.objects.select_related("programme")
    if user.is_superuser or not user.programmes.exists():
        return versions
    return versions.filter(programme__in=user.programmes.all())


def versions_by_default(user: User) -> tuple[PolicyVersion, PolicyVersion] | None:
    """What the comparison shows when not asked: the newest draft of a programme the user
    works on against the version of that programme in force; ``None`` when no programme has
    both."""
    for draft in (
        versions_for(user).filter(status=PolicyVersion.Status.DRAFT).order_by("-drafted_at", "-pk")
    ):
        try:
            return policy_in_force(draft.programme), draft
        except PolicyVersion.DoesNotExist:
            continue
    return None


@dataclass(frozen=True)
class PolicyComparison:
    a: PolicyVersion
    b: PolicyVersion
    districts: list[Area]
    scope: str
    comparison: Comparison


@dataclass(frozen=True)
class ChangeRow:
    """A household that changes, with what the page and the export say of it."""

    household: Household
    change: Change
    why: list[str]  # in words: the conditions that changed its eligibility, else its priority

    @property
    def eligible_words(self) -> tuple[str, str]:
        return tuple(_("eligible") if e else _("not eligible") for e in self.change.eligible)

    @property
    def housed_words(self) -> tuple[str, str]:
        return tuple(_("housed") if h else _("waiting") for h in self.change.housed)


def change_rows(compared: PolicyComparison, changes: Sequence[Change]) -> list[ChangeRow]:
    """``changes`` with their households (one query) and their reasons in words."""
    households = Household.objects.select_related("origin_settlement").in_bulk(
        [c.household for c in changes]
    )
    return [
        ChangeRow(households[c.household], c, why_words(compared, c))
        for c in changes
        if c.household in households
    ]


def export_tables(compared: PolicyComparison) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The export's tables, as (header, rows): every household that changes, and the
    fairness of both versions by group (docs/policies.md)."""
    changes = [
        [
            row.household.reference,
            row.household.origin_settlement.display_name,
            *row.eligible_words,
            *row.housed_words,
            *row.change.priority,
            *(rank or "" for rank in row.change.rank),
            "; ".join(row.why),
        ]
        for start in range(0, len(compared.comparison.changes), 2000)
        for row in change_rows(compared, compared.comparison.changes[start : start + 2000])
    ]
    changes_header = [
        _("Household"),
        _("Origin"),
        _("Eligibility under A"),
        _("Eligibility under B"),
        _("Home under A"),
        _("Home under B"),
        _("Priority under A"),
        _("Priority under B"),
        _("Rank under A"),
        _("Rank under B"),
        _("Why"),
    ]
    fairness = [
        [section.title, *row.cells()]
        for section in fairness_sections(compared.comparison)
        for row in section.rows
    ]
    return {
        "changes": (changes_header, changes),
        "fairness": ([_("Grouping"), *fairness_columns()], fairness),
    }


def workbook(compared: PolicyComparison) -> bytes:
    """Both export tables as the sheets of one workbook, text kept as text."""
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in zip(
        (_("Households that change"), _("Fairness")), export_tables(compared).values(), strict=True
    ):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for cell in (cell for line in sheet.iter_rows(min_row=2) for cell in line):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def population(facts: Facts) -> Population:
    """The columns the comparison reads of the facts a policy reads (read once for both
    versions)."""
    columns = facts.columns
    age = columns["head.age"]
    return Population(
        ids=facts.ids,
        settlement=columns["origin.settlement"],
        district=columns["origin.district"],
        accommodation=columns["household.accommodation"],
        size=columns["household.members"],
        vulnerable=columns["household.vulnerable_members"] > 0,
        step_free=columns["members.with_disability"] > 0,
        head_sex=columns["head.sex"],
        # Nobody heads a household at 0: the age of a head not recorded, or with no date of birth.
        head_age=np.where(columns["head.recorded"] & (age > 0), age, UNKNOWN),
        years_displaced=columns["household.years_displaced"],
    )


def side(verdicts: Verdicts) -> Side:
    """A version's verdicts as the comparison reads them."""
    return Side(
        eligible=verdicts.eligible,
        reasons=lambda row: frozenset(verdicts.reasons(row)),
        priority=verdicts.scores,
        rooms=verdicts.version.rooms,
    )


def policy_comparison(
    *,
    a: PolicyVersion,
    b: PolicyVersion,
    districts: list[Area],
    scope: str,
    today: dt.date | None = None,
) -> PolicyComparison:
    """Versions ``a`` and ``b`` of a programme's policy side by side on its households
    waiting for a home in ``districts``, both allocating the ready units there."""
    households = households_in(districts).filter(programme=a.programme_id)
    facts = household_facts(households, today or timezone.localdate())
    comparison = compare(
        population(facts),
        side(policy_verdicts(a, facts)),
        side(policy_verdicts(b, facts)),
        units=planner_units(districts),
        scope=scope,
    )
    return PolicyComparison(a, b, districts, scope, comparison)


def why_words(compared: PolicyComparison, change: Change) -> list[str]:
    """Why a household changes, in words: the reasons that hold it back under one version
    and not the other; else, when only its home or rank changes, its priority under each."""
    words = [
        _("held back under B: %(reason)s") % {"reason": reason.words}
        for reason in sorted(change.now_fails, key=lambda r: (r.why, r.code))
    ]
    words += [
        _("no longer held back under B: %(reason)s") % {"reason": reason.words}
        for reason in sorted(change.no_longer_fails, key=lambda r: (r.why, r.code))
    ]
    if words:
        return words
    a, b = change.priority
    if a != b:
        return [_("priority %(a)d under A, %(b)d under B") % {"a": a, "b": b}]
    if (change.move or 0) < 0:
        return [_("priority unchanged (%(priority)d): others now rank above it") % {"priority": a}]
    if (change.move or 0) > 0:
        return [_("priority unchanged (%(priority)d): others now rank below it") % {"priority": a}]
    return [_("priority unchanged (%(priority)d)") % {"priority": a}]
