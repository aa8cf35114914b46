"""Relations between figures: what must hold between indicators, places and dates.

The relations are data (``data/relations.csv``, one line per relation; and the catalogue's
``additive`` column for the place hierarchy), read by :func:`relations_load`, which refuses
an unknown kind or indicator with the line it is on. Each relation runs twice: over the
published figures of the ledger, and over the system's own computed figures (by settlement
or district and month, :func:`computed_quantities`), so that the ledger catches the
registry's mistakes too. What each finds is a discrepancy like the others (a key that a
rerun finds again, the figures involved in ``details``), said in words by
``monitoring/words.py``.

Kinds of relation (docs/monitoring.md, *Relations*):

- the place hierarchy (``additive`` indicators): the figures of places of one level inside a
  whole, for the same period as the whole's, add up to no more than it (districts in their
  region, settlements in their district, settlements in their region or country);
- ``part_of``: an indicator counts part of another for the same place and period; the parts
  of one whole add up to no more than it (anti-personnel + anti-tank mines ≤ landmines);
- ``never_falls``: a cumulative indicator; a later figure for a place is not below an
  earlier one;
- ``ratio``: indicator ÷ ``of`` for the same place, period and source lies in
  [``low``, ``high``], as ``source`` states;
- ``not_after_publication``: a count is not dated after the day it was published (the
  system's own figures: not after the day of the check).

A difference within the indicator's tolerance is no finding.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from homecoming.monitoring.computed import Amount
from homecoming.monitoring.models import Discrepancy, Figure, Indicator, interval
from homecoming.places.models import Area, Settlement

RELATIONS = Path(__file__).resolve().parent / "data" / "relations.csv"
KINDS = ("part_of", "never_falls", "ratio", "not_after_publication")
COLUMNS = ("kind", "indicator", "of", "low", "high", "source")
# The levels of places from the largest down; a settlement is the smallest.
LEVELS = (
    Area.Level.COUNTRY,
    Area.Level.ECONOMIC_REGION,
    Area.Level.DISTRICT,
    Area.Level.MUNICIPALITY,
    "settlement",
)
RELATION_KINDS = (
    Discrepancy.Kind.PARTS_SUM_ABOVE_WHOLE,
    Discrepancy.Kind.PARTS_ABOVE_TOTAL,
    Discrepancy.Kind.CUMULATIVE_FALLS,
    Discrepancy.Kind.RATIO_IMPLAUSIBLE,
    Discrepancy.Kind.DATED_AFTER_PUBLICATION,
)


class RelationsError(ValueError):
    """The relations file cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Relation:
    kind: str
    indicator: str
    of: str = ""
    low: Decimal | None = None
    high: Decimal | None = None
    source: str = ""


def relations_load(
    *, indicators: Mapping[str, Indicator], path: Path | None = None
) -> list[Relation]:
    """The relations of ``path``, each checked against the catalogue ``indicators``.

    Raises :class:`RelationsError` naming the file, the line and what is wrong: an unknown
    kind or indicator, a missing or extra ``of``, a ratio without numbers, a range or a
    source, parts in another unit than their whole, a line given twice.
    """
    path = path or RELATIONS
    relations: list[Relation] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RelationsError(f"{path.name}: the columns {', '.join(missing)} are missing.")
        for line, row in enumerate(reader, start=2):
            relation = _relation(row, indicators, where=f"{path.name}, line {line}")
            if relation in relations:
                raise RelationsError(f"{path.name}, line {line}: the same relation twice.")
            relations.append(relation)
    return relations


def _relation(row: dict, indicators: Mapping[str, Indicator], *, where: str) -> Relation:
    kind, code, of = (row[c].strip() for c in ("kind", "indicator", "of"))
    if kind not in KINDS:
        raise RelationsError(f"{where}: unknown kind {kind!r}; the kinds are {', '.join(KINDS)}.")
    for column, value in (("indicator", code), ("of", of)):
        if value and value not in indicators:
            raise RelationsError(
                f"{where}: unknown indicator {value!r} in {column} (not in the catalogue)."
            )
    if not code:
        raise RelationsError(f"{where}: no indicator.")
    if kind in ("part_of", "ratio"):
        if not of or of == code:
            raise RelationsError(f"{where}: a {kind} relation names another indicator in 'of'.")
    elif of:
        raise RelationsError(f"{where}: a {kind} relation has no 'of'.")
    if kind == "part_of" and indicators[code].unit != indicators[of].unit:
        raise RelationsError(
            f"{where}: {code} ({indicators[code].unit}) cannot be part of {of} "
            f"({indicators[of].unit}): not the same unit."
        )
    if kind != "ratio":
        if any(row[c].strip() for c in ("low", "high", "source")):
            raise RelationsError(f"{where}: only a ratio has low, high and source.")
        return Relation(kind, code, of)
    try:
        low, high = Decimal(row["low"].strip()), Decimal(row["high"].strip())
    except InvalidOperation:
        raise RelationsError(f"{where}: a ratio's low and high are numbers.") from None
    if not 0 <= low <= high:
        raise RelationsError(f"{where}: a ratio's range runs from low to high, from 0 up.")
    if not row["source"].strip():
        raise RelationsError(f"{where}: a ratio's range says its source.")
    return Relation(kind, code, of, low, high, row["source"].strip())


@dataclass(frozen=True)
class Quantity:
    """A figure as the relations read it: published (``figure``) or computed by the system."""

    key: str  # stable: "f<figure id>", or the computed figure's indicator, place and month
    indicator: str
    value: Decimal
    unit: str
    place: tuple[str, int | str]  # ("settlement", id), ("area", id) or ("label", as published)
    start: dt.date | None
    end: dt.date | None
    as_of: str
    published: dt.date | None
    source: str  # publisher and title (with ``published``: one source); "" for the system's
    figure: Figure | None = None
    computed_from: str = ""
    bound: str = Figure.Bound.EXACT  # a published "more than 40,000" is at least 40,000

    @property
    def low(self) -> Decimal:
        """The least the figure allows: a part counts with it, an earlier figure too."""
        return interval(self.value, self.bound)[0]

    @property
    def high(self) -> Decimal | None:
        """The most the figure allows (None: no limit): a whole counts with it."""
        return interval(self.value, self.bound)[1]

    def term(self, role: str) -> dict:
        """What a finding keeps of this figure (``details["terms"]``)."""
        return {
            "role": role,
            "figure": self.figure.pk if self.figure else None,
            "indicator": self.indicator,
            "value": f"{self.value.normalize():f}",
            "bound": self.bound,
            "unit": self.unit,
            "place": [
                self.place[0],
                self.figure.place_label if self.place[0] == "label" else self.place[1],
            ]
            if self.figure
            else list(self.place),
            "as_of": self.as_of,
            "published": self.published.isoformat() if self.published else "",
            "source": self.source,
            "computed_from": self.computed_from,
        }


def published_quantities(figures: Iterable[Figure]) -> list[Quantity]:
    """The figures of the ledger that are numbers, as quantities."""
    quantities = []
    for f in figures:
        if f.value_number is None:
            continue
        if f.settlement_id:
            place: tuple[str, int | str] = ("settlement", f.settlement_id)
        elif f.area_id:
            place = ("area", f.area_id)
        else:
            place = ("label", f.place_label.casefold())
        quantities.append(
            Quantity(
                key=f"f{f.pk}",
                indicator=f.indicator,
                value=f.value_number,
                unit=f.unit,
                place=place,
                start=f.period_start,
                end=f.period_end,
                as_of=f.as_of,
                published=f.published,
                source=_source(f),
                figure=f,
                bound=f.bound,
            )
        )
    return quantities


def _source(figure: Figure) -> str:
    return f"{figure.publisher}: {figure.title}"


def computed_quantities(
    amounts: Mapping[str, list[Amount]],
    *,
    units: Mapping[str, str],
    computed_from: Mapping[str, str],
    today: dt.date,
) -> list[Quantity]:
    """The system's own figures by month: each settlement's (records of households), each
    district's (records of land and devices); published, as it were, on ``today``."""
    sums: dict[tuple[str, tuple[str, int], dt.date], float] = defaultdict(float)
    for code, rows in amounts.items():
        for a in rows:
            place = ("settlement", a.settlement) if a.settlement else ("area", a.district)
            sums[(code, place, a.day.replace(day=1))] += a.value
    quantities = []
    for (code, place, month), value in sorted(sums.items()):
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        quantities.append(
            Quantity(
                key=f"c:{code}:{place[0]}:{place[1]}:{month:%Y-%m}",
                indicator=code,
                value=Decimal(str(round(value, 4))),
                unit=units.get(code, ""),
                place=place,
                start=month,
                end=end,
                as_of=f"{month:%Y-%m}",
                published=today,
                source="",
                computed_from=computed_from.get(code, ""),
            )
        )
    return quantities


@dataclass
class Hierarchy:
    """Each place's level and the areas that contain it."""

    level: dict[tuple[str, int | str], str] = field(default_factory=dict)
    within: dict[tuple[str, int | str], frozenset[int]] = field(default_factory=dict)


def hierarchy() -> Hierarchy:
    areas = {a["id"]: a for a in Area.objects.values("id", "level", "parent_id")}

    def up(area: int | None) -> list[int]:
        chain = []
        while area is not None:
            chain.append(area)
            area = areas[area]["parent_id"]
        return chain

    places = Hierarchy()
    for pk, area in areas.items():
        places.level[("area", pk)] = area["level"]
        places.within[("area", pk)] = frozenset(up(area["parent_id"]))
    for pk, district, municipality in Settlement.objects.values_list(
        "id", "district_id", "municipality_id"
    ):
        places.level[("settlement", pk)] = "settlement"
        places.within[("settlement", pk)] = frozenset(up(district) + up(municipality))
    return places


def _exceeds(total: Decimal, whole: Decimal, tolerance: float) -> bool:
    return total > whole and float((total - whole) / total) > tolerance


def relative_difference(a: Decimal, b: Decimal) -> float:
    """|a − b| / max(|a|, |b|): how far two figures are apart, whatever their size."""
    high = max(abs(a), abs(b))
    return float(abs(a - b) / high) if high else 0.0


def interval_gap(a: tuple[Decimal, Decimal | None], b: tuple[Decimal, Decimal | None]) -> float:
    """How far apart two ranges of values are (lowest, highest or None for no limit): the
    :func:`relative_difference` of their nearest ends, 0 when they share a value. Two exact
    figures are their relative difference; "more than 40,000" and 43,000 share a value."""
    (a_low, a_high), (b_low, b_high) = a, b
    if a_high is not None and b_low > a_high:
        return relative_difference(b_low, a_high)
    if b_high is not None and a_low > b_high:
        return relative_difference(a_low, b_high)
    return 0.0


def severity(difference: float) -> str:
    """Below 2 % low, below 10 % medium, else high (every rule of discrepancies.py)."""
    if difference < 0.02:
        return Discrepancy.Severity.LOW
    if difference < 0.10:
        return Discrepancy.Severity.MEDIUM
    return Discrepancy.Severity.HIGH


def _finding(kind: str, key: str, terms: list[tuple[str, Quantity]], difference: float, **details):
    figures = [q.figure for _role, q in terms if q.figure is not None]
    return {
        "key": f"{kind}:{key}"[:200],
        "kind": kind,
        "indicator": terms[0][1].indicator,
        "figure_a": figures[0] if figures else None,
        "figure_b": figures[1] if len(figures) > 1 else None,
        "relative_difference": difference,
        "severity": severity(difference),
        "details": {"terms": [q.term(role) for role, q in terms]} | details,
    }


def _lowest(quantities: Iterable[Quantity]) -> dict:
    """The lowest figure per place: where sources disagree, the one least likely to break a
    relation (their disagreement is a finding of its own); a bound counts as the least it
    allows."""
    lowest: dict = {}
    for q in quantities:
        if q.place not in lowest or q.low < lowest[q.place].low:
            lowest[q.place] = q
    return lowest


def parts_within_whole(
    quantities: list[Quantity], indicators: Mapping[str, Indicator], places: Hierarchy
) -> list[dict]:
    """For an additive indicator: the figures of places of one level inside a whole, for the
    whole's very period, add up to no more than it. A single part above its whole is the
    rule "a part greater than its whole" (``discrepancies.py``), not this one."""
    found = []
    by_period: dict[tuple, list[Quantity]] = defaultdict(list)
    for q in quantities:
        indicator = indicators.get(q.indicator)
        if indicator and indicator.additive and not indicator.is_target and q.place in places.level:
            by_period[(q.indicator, q.start, q.end)].append(q)
    for (code, _start, _end), members in by_period.items():
        tolerance = indicators[code].tolerance
        for whole in members:
            if whole.place[0] != "area" or whole.high is None:
                continue
            below = LEVELS[LEVELS.index(places.level[whole.place]) + 1 :]
            for level in below:
                parts = _lowest(
                    q
                    for q in members
                    if places.level[q.place] == level and whole.place[1] in places.within[q.place]
                )
                total = sum((q.low for q in parts.values()), Decimal(0))
                if (
                    len(parts) >= 2
                    and all(q.low <= whole.high for q in parts.values())
                    and _exceeds(total, whole.high, tolerance)
                ):
                    ordered = sorted(parts.values(), key=lambda q: q.key)
                    found.append(
                        _finding(
                            Discrepancy.Kind.PARTS_SUM_ABOVE_WHOLE,
                            f"{whole.key}:{level}",
                            [("whole", whole)] + [("part", q) for q in ordered],
                            relative_difference(total, whole.high),
                            total=f"{total.normalize():f}",
                            excess=f"{(total - whole.high).normalize():f}",
                        )
                    )
    return found


def parts_within_total(
    quantities: list[Quantity], relations: list[Relation], indicators: Mapping[str, Indicator]
) -> list[dict]:
    """``part_of``: the parts of one total (each its own indicator) add up to no more than
    it, for the same place and period."""
    parts_of: dict[str, list[str]] = defaultdict(list)
    for r in relations:
        if r.kind == "part_of":
            parts_of[r.of].append(r.indicator)
    at: dict[tuple, dict[str, list[Quantity]]] = defaultdict(lambda: defaultdict(list))
    for q in quantities:
        at[(q.place, q.start, q.end)][q.indicator].append(q)
    found = []
    for here in at.values():
        for whole_code, part_codes in parts_of.items():
            parts = [min(here[code], key=lambda q: q.low) for code in part_codes if here.get(code)]
            total = sum((q.low for q in parts), Decimal(0))
            tolerance = indicators[whole_code].tolerance
            for whole in here.get(whole_code, []):
                if parts and whole.high is not None and _exceeds(total, whole.high, tolerance):
                    found.append(
                        _finding(
                            Discrepancy.Kind.PARTS_ABOVE_TOTAL,
                            whole.key,
                            [("whole", whole)] + [("part", q) for q in parts],
                            relative_difference(total, whole.high),
                            total=f"{total.normalize():f}",
                            excess=f"{(total - whole.high).normalize():f}",
                        )
                    )
    return found


def never_falls(
    quantities: list[Quantity], relations: list[Relation], indicators: Mapping[str, Indicator]
) -> list[dict]:
    """A cumulative figure is not below the highest figure for its place wholly before it."""
    cumulative = {r.indicator for r in relations if r.kind == "never_falls"}
    series: dict[tuple, list[Quantity]] = defaultdict(list)
    for q in quantities:
        if q.indicator in cumulative and q.start is not None:
            series[(q.indicator, q.place)].append(q)
    found = []
    for (code, _place), members in series.items():
        for later in members:
            before = [q for q in members if q.end < later.start]
            if not before or later.high is None:
                continue
            earlier = max(before, key=lambda q: (q.low, q.end))
            if _exceeds(earlier.low, later.high, indicators[code].tolerance):
                found.append(
                    _finding(
                        Discrepancy.Kind.CUMULATIVE_FALLS,
                        later.key,
                        [("later", later), ("earlier", earlier)],
                        relative_difference(earlier.low, later.high),
                        fall=f"{(earlier.low - later.high).normalize():f}",
                    )
                )
    return found


def ratios_in_range(quantities: list[Quantity], relations: list[Relation]) -> list[dict]:
    """indicator ÷ ``of`` for the same place, period and source lies in the stated range;
    only exact figures have a ratio (a bound leaves it open)."""
    groups: dict[tuple, dict[str, list[Quantity]]] = defaultdict(lambda: defaultdict(list))
    for q in quantities:
        if q.bound != Figure.Bound.EXACT:
            continue
        groups[(q.place, q.start, q.end, q.source, q.published)][q.indicator].append(q)
    found = []
    for r in relations:
        if r.kind != "ratio":
            continue
        for group in groups.values():
            for top in group.get(r.indicator, []):
                for bottom in group.get(r.of, []):
                    if bottom.value <= 0:
                        continue
                    ratio = top.value / bottom.value
                    bound = r.high if ratio > r.high else r.low if ratio < r.low else None
                    if bound is None:
                        continue
                    found.append(
                        _finding(
                            Discrepancy.Kind.RATIO_IMPLAUSIBLE,
                            f"{top.key}:{bottom.key}",
                            [("numerator", top), ("denominator", bottom)],
                            relative_difference(ratio, bound),
                            ratio=f"{ratio.quantize(Decimal('0.01')).normalize():f}",
                            low=f"{r.low.normalize():f}",
                            high=f"{r.high.normalize():f}",
                            source=r.source,
                        )
                    )
    return found


def not_after_publication(quantities: list[Quantity], relations: list[Relation]) -> list[dict]:
    """A count is not dated after the day it was published: its period starts by then."""
    counts = {r.indicator for r in relations if r.kind == "not_after_publication"}
    return [
        _finding(
            Discrepancy.Kind.DATED_AFTER_PUBLICATION,
            q.key,
            [("figure", q)],
            1.0,
            days=(q.start - q.published).days,
        )
        for q in quantities
        if q.indicator in counts and q.published and q.start and q.start > q.published
    ]


def find_relation_breaks(
    quantities: list[Quantity],
    *,
    relations: list[Relation],
    indicators: Mapping[str, Indicator],
    places: Hierarchy,
) -> list[dict]:
    """Every relation broken among ``quantities`` (all published, or all computed)."""
    return (
        parts_within_whole(quantities, indicators, places)
        + parts_within_total(quantities, relations, indicators)
        + never_falls(quantities, relations, indicators)
        + ratios_in_range(quantities, relations)
        + not_after_publication(quantities, relations)
    )
