"""Eligibility and priority from a programme's policy (docs/policies.md).

:func:`household_facts` reads the facts a policy may use (``programmes.language.SCHEMA``)
for many households at once, as columns: a few queries, not one per household.
:func:`policy_verdicts` judges them by one version of a policy: the fixed gates no policy
may drop (a verified registration, the wish to return now, no possible duplicate under
review, the land released — or, for a cross-border programme, its steps done), the
services the version requires, and each of the version's conditions; then it scores them
by the version's priority factors. The same checked expressions are translated into the
database's terms by :func:`eligible_condition`, for lists of a million households judged by
the database a page at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import (
    Contains,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from homecoming.housing.models import Utility
from homecoming.mineaction.models import HazardArea, LandReleaseActivity
from homecoming.mineaction.selectors import (
    hazard_reason,
    land_readiness_by_settlement,
    settlement_land_readiness,
)
from homecoming.places.models import Settlement
from homecoming.planner import MAX_PRIORITY
from homecoming.programmes import language
from homecoming.programmes.language import (
    BOOL,
    NUMBER,
    Binary,
    Conditional,
    Const,
    Expression,
    ListOf,
    Node,
    Size,
    Unary,
    Var,
)
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.registry.models import (
    COLLECTIVE,
    Consent,
    DuplicateCandidate,
    Household,
    HouseholdEvent,
    Member,
)
from homecoming.returns.reasons import Hazard, Reason, Why

# Households read per query when they are given as a list (a queryset is read whole).
CHUNK = 5000
# The household event that records a step before return done (a cross-border programme).
STEP_DONE = "return step done"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _whole_years(dates: Sequence[dt.date | None], today: dt.date) -> np.ndarray:
    """Whole years from each date to ``today`` (0 for none, or for a date after it)."""
    years = np.zeros(len(dates), dtype=np.int64)
    for i, day in enumerate(dates):
        if day is not None:
            years[i] = max(
                0, today.year - day.year - ((day.month, day.day) > (today.month, today.day))
            )
    return years


@dataclass(frozen=True)
class Facts:
    """The facts of households as columns, one row per household in ``ids`` order.

    ``columns`` holds every variable of ``language.SCHEMA``. ``hazards`` and ``steps`` keep
    what a verdict needs to say why: the hazard areas not released around each settlement
    not released (by settlement pk) and each household's steps done (by household pk)."""

    today: dt.date
    ids: np.ndarray  # household pks
    programmes: np.ndarray  # programme pk of each household
    settlements: np.ndarray  # origin settlement pk of each household
    columns: dict[str, np.ndarray]
    hazards: dict[int, tuple[Hazard, ...]] = field(default_factory=dict)
    steps_done: dict[int, frozenset[str]] = field(default_factory=dict)
    settlement_codes: dict[int, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.ids)

    @cached_property
    def _rows(self) -> dict[int, int]:
        return {pk: row for row, pk in enumerate(self.ids.tolist())}

    def index(self, household_id: int) -> int:
        """The row of a household."""
        return self._rows[household_id]

    def take(self, rows: np.ndarray) -> Facts:
        """The facts of some rows only (a boolean mask or indices)."""
        return Facts(
            self.today,
            self.ids[rows],
            self.programmes[rows],
            self.settlements[rows],
            {name: column[rows] for name, column in self.columns.items()},
            self.hazards,
            self.steps_done,
            self.settlement_codes,
        )


def _chunks(households: QuerySet[Household] | Iterable[Household]) -> list[Any]:
    """What to filter the related rows by: the queryset's keys as a subquery, or the
    households' keys in chunks."""
    if isinstance(households, QuerySet):
        return [households.order_by().values("pk")]
    ids = [h.pk for h in households]
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)] or [[]]


def household_facts(households: QuerySet[Household] | Iterable[Household], today: dt.date) -> Facts:
    """The facts a policy may use about ``households``, as of ``today``, in a few queries
    (the households, their members counted by the database, their heads, consents, open
    duplicate pairs, the services and land of their settlements)."""
    rows: list[tuple] = []
    members: dict[int, dict[str, int]] = {}
    heads: dict[int, tuple[dt.date | None, str]] = {}
    consents: set[int] = set()
    steps: defaultdict[int, set[str]] = defaultdict(set)
    under_5, under_18, aged_60 = (years_before(today, n) for n in (5, 18, 60))
    text = Cast("vulnerabilities", TextField())
    counted = {
        "members": Count("pk"),
        "vulnerable": Count("pk", filter=~Q(Exact(text, "[]"))),
        "under_5": Count("pk", filter=Q(birth_date__gt=under_5)),
        "under_18": Count("pk", filter=Q(birth_date__gt=under_18)),
        "aged_60": Count("pk", filter=Q(birth_date__lte=aged_60)),
        "female": Count("pk", filter=Q(sex=Member.Sex.FEMALE)),
        "disability": Count("pk", filter=Q(Contains(text, '"disability"'))),
        "chronic": Count("pk", filter=Q(Contains(text, '"chronic_illness"'))),
        "pregnant": Count("pk", filter=Q(Contains(text, '"pregnant"'))),
    }
    for chunk in _chunks(households):
        rows += Household.objects.filter(pk__in=chunk).values_list(
            "pk",
            "programme_id",
            "origin_settlement_id",
            "status",
            "intention",
            "accommodation",
            "displaced_on",
            "registered_on",
            "origin_settlement__code",
            "origin_settlement__district__code",
        )
        present = Member.objects.filter(household__in=chunk, left_on=None)
        for row in present.order_by().values("household").annotate(**counted):
            members[row.pop("household")] = row
        for household_id, birth_date, sex in present.filter(
            relation=Member.Relation.HEAD
        ).values_list("household", "birth_date", "sex"):
            heads[household_id] = (birth_date, sex)
        consents.update(
            Consent.objects.filter(household__in=chunk, withdrawn_on=None).values_list(
                "household", flat=True
            )
        )
        for household_id, details in HouseholdEvent.objects.filter(
            household__in=chunk, action=STEP_DONE
        ).values_list("household", "details"):
            steps[household_id].add(details.get("step", ""))
    open_pairs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    in_review = set(open_pairs.values_list("household_a", flat=True)) | set(
        open_pairs.values_list("household_b", flat=True)
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    settlement_ids = np.array([r[2] for r in rows], dtype=np.int64)
    codes = {r[2]: r[8] for r in rows}
    services = _services(set(codes))
    released, hazards = _land(codes)
    none = dict.fromkeys(counted, 0)
    counts = [members.get(r[0], none) for r in rows]
    head = [heads.get(r[0]) for r in rows]

    def count(key: str) -> np.ndarray:
        return np.array([c[key] for c in counts], dtype=np.int64)

    columns = {
        "household.members": count("members"),
        "household.vulnerable_members": count("vulnerable"),
        "household.collective_accommodation": np.array(
            [r[5] in COLLECTIVE for r in rows], dtype=bool
        ),
        "household.accommodation": np.array([r[5] for r in rows], dtype=str),
        "household.years_displaced": _whole_years([r[6] for r in rows], today),
        "household.registered_years": _whole_years([r[7] for r in rows], today),
        "household.intention": np.array([r[4] for r in rows], dtype=str),
        "household.status": np.array([r[3] for r in rows], dtype=str),
        "household.verified": np.array([r[3] == Household.Status.VERIFIED for r in rows], bool),
        "household.consent": np.array([r[0] in consents for r in rows], dtype=bool),
        "household.duplicate_under_review": np.array([r[0] in in_review for r in rows], bool),
        "head.recorded": np.array([h is not None for h in head], dtype=bool),
        "head.age": _whole_years([h[0] if h else None for h in head], today),
        "head.sex": np.array([h[1] if h else "" for h in head], dtype=str),
        "members.under_5": count("under_5"),
        "members.under_18": count("under_18"),
        "members.aged_60_or_more": count("aged_60"),
        "members.female": count("female"),
        "members.with_disability": count("disability"),
        "members.with_chronic_illness": count("chronic"),
        "members.pregnant": count("pregnant"),
        "origin.land_released": np.array([released.get(r[2], True) for r in rows], dtype=bool),
        "origin.services": np.array(
            [[s in services[r[2]] for s in language.SERVICES] for r in rows], dtype=bool
        ).reshape(len(rows), len(language.SERVICES)),
        "origin.settlement": np.array([r[8] for r in rows], dtype=str),
        "origin.district": np.array([r[9] or "" for r in rows], dtype=str),
    }
    return Facts(
        today=today,
        ids=ids,
        programmes=np.array([r[1] for r in rows], dtype=np.int64),
        settlements=settlement_ids,
        columns=columns,
        hazards=hazards,
        steps_done={pk: frozenset(done) for pk, done in steps.items()},
        settlement_codes=codes,
    )


def _services(settlements: set[int]) -> defaultdict[int, set[str]]:
    """The services commissioned in each settlement."""
    services: defaultdict[int, set[str]] = defaultdict(set)
    for settlement_id, service in Utility.objects.filter(
        settlement__in=settlements, status=Utility.Status.COMMISSIONED
    ).values_list("settlement", "service"):
        services[settlement_id].add(service)
    return services


# Up to this many settlements, land is judged settlement by settlement (a household page, a
# district's run): each reads only the hazard areas near it. Beyond, every settlement at once
# in one pass over every hazard area.
FEW_SETTLEMENTS = 20


def _land(
    codes: Mapping[int, str],
) -> tuple[dict[int, bool], dict[int, tuple[Hazard, ...]]]:
    """Whether the land around each settlement (by pk) is released, and the hazard areas
    not released around those whose land is not."""
    if len(codes) <= FEW_SETTLEMENTS:
        released, hazards = {}, {}
        for settlement in Settlement.objects.filter(pk__in=codes):
            readiness = settlement_land_readiness(settlement)
            released[settlement.pk] = readiness.ready
            if readiness.reasons:
                hazards[settlement.pk] = tuple(
                    Hazard(r.hazard.code, r.hazard.area_ha, r.method, r.percent)
                    for r in readiness.reasons
                )
        return released, hazards
    land = land_readiness_by_settlement()
    released = {pk: land[code].ready if code in land else True for pk, code in codes.items()}
    blocked = {pk: land[code].blocking for pk, code in codes.items() if code in land}
    return released, _hazards(blocked)


def _hazards(blocking: Mapping[int, tuple[str, ...]]) -> dict[int, tuple[Hazard, ...]]:
    """The hazard areas not released around each settlement, with their progress: two
    queries for them all."""
    codes = {code for blocked in blocking.values() for code in blocked}
    if not codes:
        return {}
    areas = {h.code: h for h in HazardArea.objects.filter(code__in=codes)}
    activities: defaultdict[int, list[LandReleaseActivity]] = defaultdict(list)
    for activity in LandReleaseActivity.objects.filter(hazard_area__in=areas.values()):
        activities[activity.hazard_area_id].append(activity)
    words = {}
    for code, area in areas.items():
        reason = hazard_reason(area, activities[area.pk])
        words[code] = Hazard(code, area.area_ha, reason.method, reason.percent)
    return {
        pk: tuple(words[c] for c in sorted(blocked) if c in words)
        for pk, blocked in blocking.items()
        if blocked
    }


def compiled(
    version: PolicyVersion,
) -> tuple[list[tuple[dict, Expression]], list[tuple[dict, Expression]]]:
    """The version's conditions and priority factors, each with its checked expression."""
    conditions = [(c, language.check(c["expression"], expect=BOOL)) for c in version.conditions]
    factors = [
        (f, language.check(f["expression"], expect=NUMBER)) for f in version.priority_factors
    ]
    return conditions, factors


@dataclass(frozen=True)
class Verdicts:
    """One version's verdicts on households (the rows of ``facts``).

    ``gates``: for each kind of fixed gate, where it holds a household back. ``failed``:
    for each condition of the version (by key), where it does not hold. ``values``: each
    priority factor's value (by key); ``scores`` = Σ weight × value."""

    version: PolicyVersion
    facts: Facts
    gates: dict[str, np.ndarray]
    missing_services: np.ndarray  # rows × required services: not commissioned
    steps_missing: np.ndarray  # rows × steps: not done
    failed: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    scores: np.ndarray

    @cached_property
    def eligible(self) -> np.ndarray:
        held = np.zeros(self.facts.rows, dtype=bool)
        for mask in [*self.gates.values(), *self.failed.values()]:
            held |= mask
        return ~held

    def row(self, household_id: int) -> int:
        return self.facts.index(household_id)

    def reasons(self, row: int) -> tuple[Reason, ...]:
        """Why the household of ``row`` may not be allocated a home now: at most one reason
        of each fixed kind, then each failing condition of the policy."""
        facts, columns = self.facts, self.facts.columns
        settlement = int(facts.settlements[row])
        code = facts.settlement_codes.get(settlement, "")
        reasons = []
        if self.gates[Why.NOT_VERIFIED][row]:
            reasons.append(Reason(Why.NOT_VERIFIED, str(columns["household.status"][row])))
        if self.gates[Why.INTENTION][row]:
            reasons.append(Reason(Why.INTENTION, str(columns["household.intention"][row])))
        if self.gates[Why.DUPLICATE][row]:
            reasons.append(Reason(Why.DUPLICATE))
        if self.gates[Why.LAND][row]:
            reasons.append(Reason(Why.LAND, code, hazards=facts.hazards.get(settlement, ())))
        if self.gates[Why.STEPS][row]:
            steps = self.version.steps
            missing = self.steps_missing[row]
            for step, absent in zip(steps, missing, strict=True):
                if absent:
                    reasons.append(Reason(Why.STEPS, step["key"], label=_labels(step)))
        if self.gates[Why.SERVICES][row]:
            services = self.version.required_services
            missing = tuple(
                s for s, m in zip(services, self.missing_services[row], strict=True) if m
            )
            reasons.append(Reason(Why.SERVICES, code, services=missing))
        for condition in self.version.conditions:
            if self.failed[condition["key"]][row]:
                reasons.append(Reason(Why.CONDITION, condition["key"], label=_labels(condition)))
        return tuple(reasons)

    def breakdown(self, row: int) -> dict[str, dict[str, int]]:
        """The score of ``row`` by factor: its value, weight and points."""
        parts = {}
        for factor in self.version.priority_factors:
            value = int(self.values[factor["key"]][row])
            parts[factor["key"]] = {
                "value": value,
                "weight": int(factor["weight"]),
                "points": value * int(factor["weight"]),
            }
        return parts


def _labels(item: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((item.get("label") or {}).items()))


def policy_verdicts(version: PolicyVersion, facts: Facts) -> Verdicts:
    """``version``'s verdicts on the households of ``facts``: who is eligible and why not,
    and the priority score with its factors. Vectorised: no loop over households."""
    columns, rows = facts.columns, facts.rows
    conditions, factors = compiled(version)
    cross_border = version.programme.kind == Programme.Kind.REPATRIATION
    gates = {
        Why.NOT_VERIFIED: ~columns["household.verified"],
        Why.INTENTION: columns["household.intention"] != Household.Intention.RETURN_NOW,
        Why.DUPLICATE: columns["household.duplicate_under_review"].copy(),
    }
    # A cross-border programme's steps replace the release of land.
    steps = [s["key"] for s in version.steps] if cross_border else []
    # Column by column: no loop over the households (a national registry has 250,000).
    steps_missing = np.ones((rows, len(steps)), dtype=bool)
    for j, step in enumerate(steps):
        done = [pk for pk, keys in facts.steps_done.items() if step in keys]
        steps_missing[:, j] = ~np.isin(facts.ids, done)
    gates[Why.LAND] = (
        np.zeros(rows, dtype=bool) if cross_border else ~columns["origin.land_released"]
    )
    gates[Why.STEPS] = steps_missing.any(axis=1)
    offered = columns["origin.services"]
    required = [language.SERVICES.index(s) for s in version.required_services]
    missing = ~offered[:, required] if required else np.zeros((rows, 0), dtype=bool)
    gates[Why.SERVICES] = missing.any(axis=1)
    failed = {c["key"]: ~language.evaluate(e, columns, rows) for c, e in conditions}
    values = {f["key"]: language.score(e, columns, rows) for f, e in factors}
    scores = np.zeros(rows, dtype=np.int64)
    for factor in version.priority_factors:
        scores += int(factor["weight"]) * values[factor["key"]]
    # A score below zero counts as zero, and none exceeds what the planner ranks.
    scores = np.clip(scores, 0, MAX_PRIORITY)
    return Verdicts(version, facts, gates, missing, steps_missing, failed, values, scores)


# The same verdicts in the database's terms, for lists judged a page at a time.


def settlements_released() -> frozenset[int]:
    """The settlements whose land is released (every settlement without a verdict is)."""
    land = land_readiness_by_settlement()
    return frozenset(
        pk
        for pk, code in Settlement.objects.values_list("pk", "code")
        if land.get(code) is None or land[code].ready
    )


class Sql:
    """The policy's variables as database expressions over ``Household`` rows, for the
    day ``today``: a yes/no as a ``Q``, a number or a text as an expression."""

    def __init__(self, today: dt.date, released: frozenset[int]) -> None:
        self.today = today
        self.released = released

    def members(self, condition: Q | None = None) -> Any:
        present = Member.objects.filter(household=OuterRef("pk"), left_on=None)
        if condition is not None:
            present = present.filter(condition)
        counted = present.order_by().values("household").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    def years(self, date: Any) -> Any:
        """Whole years from the date expression ``date`` to ``today``; 0 when it is empty
        or later."""
        today = self.today
        later_in_year = Q(GreaterThan(ExtractMonth(date), today.month)) | Q(
            Exact(ExtractMonth(date), today.month), GreaterThan(ExtractDay(date), today.day)
        )
        # PostgreSQL's EXTRACT gives a numeric: cast, so that a division stays whole.
        years = Cast(
            Value(today.year)
            - ExtractYear(date)
            - Case(
                When(later_in_year, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            IntegerField(),
        )
        return Case(
            When(Q(IsNull(date, True)) | Q(GreaterThan(date, today)), then=Value(0)),
            default=years,
            output_field=IntegerField(),
        )

    def variable(self, name: str) -> Any:
        text = Cast("vulnerabilities", TextField())
        head = Member.objects.filter(
            household=OuterRef("pk"), left_on=None, relation=Member.Relation.HEAD
        )
        match name:
            case "household.members":
                return self.members()
            case "household.vulnerable_members":
                return self.members(~Q(Exact(text, "[]")))
            case "household.collective_accommodation":
                return Q(accommodation__in=COLLECTIVE)
            case "household.accommodation" | "household.intention" | "household.status":
                return F(name.split(".")[1])
            case "household.years_displaced":
                return self._years_of("displaced_on")
            case "household.registered_years":
                return self._years_of("registered_on")
            case "household.verified":
                return Q(status=Household.Status.VERIFIED)
            case "household.consent":
                return Q(
                    Exists(Consent.objects.filter(household=OuterRef("pk"), withdrawn_on=None))
                )
            case "household.duplicate_under_review":
                pairs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
                return Q(Exists(pairs.filter(household_a=OuterRef("pk")))) | Q(
                    Exists(pairs.filter(household_b=OuterRef("pk")))
                )
            case "head.recorded":
                return Q(Exists(head))
            case "head.age":
                return self.years(Subquery(head.values("birth_date")[:1]))
            case "head.sex":
                return Coalesce(Subquery(head.values("sex")[:1]), Value(""))
            case "members.under_5":
                return self.members(Q(birth_date__gt=years_before(self.today, 5)))
            case "members.under_18":
                return self.members(Q(birth_date__gt=years_before(self.today, 18)))
            case "members.aged_60_or_more":
                return self.members(Q(birth_date__lte=years_before(self.today, 60)))
            case "members.female":
                return self.members(Q(sex=Member.Sex.FEMALE))
            case "members.with_disability":
                return self.members(Q(Contains(text, '"disability"')))
            case "members.with_chronic_illness":
                return self.members(Q(Contains(text, '"chronic_illness"')))
            case "members.pregnant":
                return self.members(Q(Contains(text, '"pregnant"')))
            case "origin.land_released":
                return Q(origin_settlement__in=self.released)
            case "origin.settlement":
                return F("origin_settlement__code")
            case "origin.district":
                return Coalesce(F("origin_settlement__district__code"), Value(""))
        raise AssertionError(name)  # pragma: no cover (the checker knows only these)

    def _years_of(self, field_name: str) -> Any:
        return self.years(F(field_name))

    def service(self, code: str) -> Q:
        return Q(
            Exists(
                Utility.objects.filter(
                    settlement=OuterRef("origin_settlement"),
                    service=code,
                    status=Utility.Status.COMMISSIONED,
                )
            )
        )

    def services_count(self) -> Any:
        commissioned = (
            Utility.objects.filter(
                settlement=OuterRef("origin_settlement"),
                status=Utility.Status.COMMISSIONED,
                service__in=language.SERVICES,
            )
            .order_by()
            .values("settlement")
            .annotate(n=Count("service", distinct=True))
            .values("n")
        )
        return Coalesce(Subquery(commissioned, output_field=IntegerField()), Value(0))

    # The walk of a checked tree.

    def condition(self, node: Node) -> Q:
        """A yes/no node as a ``Q``."""
        if isinstance(node, Const):
            return Q(pk__isnull=not node.value)
        if isinstance(node, Var):
            return self.variable(node.name)
        if isinstance(node, Unary):
            return ~self.condition(node.operand)
        if isinstance(node, Conditional):
            test = self.condition(node.test)
            return (test & self.condition(node.then)) | (~test & self.condition(node.otherwise))
        assert isinstance(node, Binary)
        if node.op == "&&":
            return self.condition(node.left) & self.condition(node.right)
        if node.op == "||":
            return self.condition(node.left) | self.condition(node.right)
        if node.op == "in":
            if isinstance(node.right, Var):
                assert isinstance(node.left, Const)
                return self.service(str(node.left.value))
            assert isinstance(node.right, ListOf)
            if not node.right.values:
                return Q(pk__isnull=True)
            if node.left.type == BOOL:
                left = self.condition(node.left)
                wanted = set(node.right.values)
                return (
                    left
                    if wanted == {True}
                    else ~left
                    if wanted == {False}
                    else Q(pk__isnull=False)
                )
            return Q(In(self.value(node.left), list(node.right.values)))
        if node.left.type == BOOL:  # == and != between yes/no values
            left, right = self.condition(node.left), self.condition(node.right)
            same = (left & right) | (~left & ~right)
            return same if node.op == "==" else ~same
        left, right = self.value(node.left), self.value(node.right)
        lookups = {
            "==": Exact,
            "<": LessThan,
            "<=": LessThanOrEqual,
            ">": GreaterThan,
            ">=": GreaterThanOrEqual,
        }
        if node.op == "!=":
            return ~Q(Exact(left, right))
        return Q(lookups[node.op](left, right))

    def value(self, node: Node) -> Any:
        """A number or text node as an expression (a yes/no counts 1 or 0)."""
        if node.type == BOOL:
            return Case(
                When(self.condition(node), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        if isinstance(node, Const):
            return Value(node.value)
        if isinstance(node, Var):
            return self.variable(node.name)
        if isinstance(node, Size):
            return self.services_count()
        if isinstance(node, Unary):
            return Value(0) - self.value(node.operand)
        if isinstance(node, Conditional):
            return Case(
                When(self.condition(node.test), then=self.value(node.then)),
                default=self.value(node.otherwise),
            )
        assert isinstance(node, Binary)
        left, right = self.value(node.left), self.value(node.right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        # By a whole number above zero, towards zero: both databases divide integers so.
        return Case(
            When(Q(LessThan(left, 0)), then=Value(0) - ((Value(0) - left) / right)),
            default=left / right,
            output_field=IntegerField(),
        )


def version_condition(version: PolicyVersion, sql: Sql) -> Q:
    """What ``version`` asks of a household, as one condition on ``Household`` rows: the
    fixed gates, the required services and every condition."""
    cross_border = version.programme.kind == Programme.Kind.REPATRIATION
    pairs = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    held = Q(status=Household.Status.VERIFIED, intention=Household.Intention.RETURN_NOW)
    held &= ~Q(Exists(pairs.filter(household_a=OuterRef("pk"))))
    held &= ~Q(Exists(pairs.filter(household_b=OuterRef("pk"))))
    if cross_border:
        for step in version.steps:
            held &= Q(
                Exists(
                    HouseholdEvent.objects.filter(
                        household=OuterRef("pk"), action=STEP_DONE, details__step=step["key"]
                    )
                )
            )
    else:
        held &= Q(origin_settlement__in=sql.released)
    for service in version.required_services:
        held &= sql.service(service)
    for _condition, expression in compiled(version)[0]:
        held &= sql.condition(expression.tree)
    return held


def eligible_condition(
    versions: Iterable[PolicyVersion], today: dt.date, *, only_programme: bool = False
) -> Q:
    """The households eligible under the version of their programme's policy in
    ``versions`` (one per programme), as one condition; a household of a programme with no
    version given is not eligible. ``only_programme``: the one version's programme is the
    installation's only one, and no household need be told apart by its programme (the
    database then reads the indexes of the gates, not the programme's, which every row has)."""
    sql = Sql(today, settlements_open())
    either = [
        version_condition(version, sql)
        if only_programme
        else Q(programme=version.programme_id) & version_condition(version, sql)
        for version in versions
    ]
    if not either:
        return Q(pk__in=[])
    condition = either[0]
    for other in either[1:]:
        condition |= other
    return condition


# How long a server process keeps the settlements whose land is released (the lists'
# eligibility): land readiness reads every hazard polygon, too much for each page of a list.
OPEN_FOR_RETURN_CACHE_SECONDS = 60


def settlements_open() -> frozenset[int]:
    """:func:`settlements_released`, kept for ``OPEN_FOR_RETURN_CACHE_SECONDS``: a release
    shows on the lists within a minute, and on the household page at once."""
    return cache.get_or_set(
        "returns:settlements-released", settlements_released, OPEN_FOR_RETURN_CACHE_SECONDS
    )
