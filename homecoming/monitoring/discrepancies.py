"""Discrepancies in the figure ledger, found by rules and never typed in.

1. *Values differ*: two figures for the same place and indicator whose periods overlap
   (an undated figure overlaps every period) and whose values differ by more than the
   indicator's tolerance. A figure given as a bound ("more than 40,000": ``Figure.bound``)
   differs only from a value outside it; every rule below reads bounds so.
2. *Target deadlines*: the same target value for the same place given with different
   deadlines.
3. *Part exceeds whole*: for an additive indicator, the figure of a place above the figure
   of an area that contains it (a settlement's above its district's or region's, a
   district's above its region's) for an overlapping period.
4. *Reported vs computed*: a figure for a place the system knows (an area or a settlement),
   of an indicator the system computes from its own records (``computed.COMPUTED``), that
   differs beyond the indicator's tolerance from the computed value for the same place and
   period (a dated figure counts its day, month or year; an undated one everything
   recorded). Compared only when the records cover the period: the system holds records of
   that indicator from before the period's end.

5. *Relations* between indicators, places and dates (``relations.py``, the relations of
   ``data/relations.csv``), over the published figures and over the system's own.

Severity follows the relative difference |a − b| / max(a, b): below 2 % low, below 10 %
medium, else high. A rerun keeps each discrepancy's annotation (found again by its key)
and marks those that no longer hold.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from itertools import combinations

from django.db import transaction
from django.utils import timezone

from homecoming.monitoring.computed import (
    COMPUTED,
    COMPUTED_FROM,
    Amount,
    PlaceOfRecords,
    place_of_records,
    total,
)
from homecoming.monitoring.models import Discrepancy, Figure, Indicator
from homecoming.monitoring.relations import (
    Hierarchy,
    computed_quantities,
    find_relation_breaks,
    hierarchy,
    interval_gap,
    published_quantities,
    relations_load,
    relative_difference,
    severity,
)


def periods_overlap(a: Figure, b: Figure) -> bool:
    if a.period_start is None or b.period_start is None:
        return True
    return a.period_start <= b.period_end and b.period_start <= a.period_end


def _place(figure: Figure) -> str:
    if figure.settlement_id:
        return f"settlement:{figure.settlement_id}"
    if figure.area_id:
        return f"area:{figure.area_id}"
    return f"label:{figure.place_label.casefold()}"


def find_discrepancies(
    figures: list[Figure], indicators: dict[str, Indicator], places: Hierarchy
) -> list[dict]:
    """The discrepancies among ``figures`` as plain dicts (kind, figures, difference);
    ``places`` says which areas contain each place."""
    found = []
    groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.value_number is not None:
            groups[(_place(figure), figure.indicator)].append(figure)
    for (_place_key, code), members in groups.items():
        indicator = indicators.get(code)
        tolerance = indicator.tolerance if indicator else 0.0
        for a, b in combinations(sorted(members, key=lambda f: f.pk), 2):
            difference = interval_gap(a.interval, b.interval)
            if indicator and indicator.is_target:
                if difference == 0 and a.as_of != b.as_of:
                    found.append(_finding(Discrepancy.Kind.TARGET_DEADLINES, code, a, b, 0.0))
            elif periods_overlap(a, b) and difference > tolerance:
                found.append(_finding(Discrepancy.Kind.VALUES_DIFFER, code, a, b, difference))
    for figure in figures:
        indicator = indicators.get(figure.indicator)
        place = _resolved(figure)
        if not (indicator and indicator.additive and place and figure.value_number is not None):
            continue
        least = figure.interval[0]
        for area in places.within.get(place, ()):
            for whole in groups.get((f"area:{area}", figure.indicator), []):
                most = whole.interval[1]
                if periods_overlap(figure, whole) and most is not None and least > most:
                    found.append(
                        _finding(
                            Discrepancy.Kind.PART_EXCEEDS_WHOLE,
                            figure.indicator,
                            figure,
                            whole,
                            relative_difference(least, most),
                        )
                    )
    return found


def find_reported_vs_computed(
    figures: list[Figure],
    indicators: dict[str, Indicator],
    computed: dict[str, list[Amount]],
    places: dict[tuple[str, int], PlaceOfRecords],
) -> list[dict]:
    """Reported figures that disagree with the computed value for their place and period.

    ``computed`` holds each computed indicator's amounts; ``places`` what each resolved
    place of the figures covers, keyed ("area" or "settlement", id).
    """
    found = []
    for figure in figures:
        amounts = computed.get(figure.indicator)
        if not amounts or figure.value_number is None:
            continue
        place = places.get(_resolved(figure))
        if place is None:
            continue
        first_record = min(a.day for a in amounts)
        if figure.period_end is not None and figure.period_end < first_record:
            continue
        value = Decimal(
            str(
                round(
                    total(amounts, place=place, start=figure.period_start, end=figure.period_end), 4
                )
            )
        )
        difference = interval_gap(figure.interval, (value, value))
        indicator = indicators.get(figure.indicator)
        if difference > (indicator.tolerance if indicator else 0.0):
            found.append(
                {
                    "key": f"{Discrepancy.Kind.REPORTED_VS_COMPUTED}:{figure.pk}",
                    "kind": Discrepancy.Kind.REPORTED_VS_COMPUTED,
                    "indicator": figure.indicator,
                    "figure_a": figure,
                    "figure_b": None,
                    "computed_value": value,
                    "computed_from": COMPUTED_FROM[figure.indicator],
                    "relative_difference": difference,
                    "severity": severity(difference),
                }
            )
    return found


def _resolved(figure: Figure) -> tuple[str, int] | None:
    if figure.settlement_id:
        return ("settlement", figure.settlement_id)
    if figure.area_id:
        return ("area", figure.area_id)
    return None


def _finding(kind: str, indicator: str, a: Figure, b: Figure, difference: float) -> dict:
    return {
        "key": f"{kind}:{a.pk}:{b.pk}",
        "kind": kind,
        "indicator": indicator,
        "figure_a": a,
        "figure_b": b,
        "relative_difference": difference,
        "severity": severity(difference),
    }


# What a rerun updates on a discrepancy found again (the computed side moves with the records;
# a relation's figures and amounts with the ledger).
_MEASURES = (
    "relative_difference",
    "severity",
    "computed_value",
    "computed_from",
    "figure_a_id",
    "figure_b_id",
    "details",
)


def _measure(finding: dict, field: str, current: object) -> object:
    if field in ("figure_a_id", "figure_b_id"):
        figure = finding.get(field[:-3])
        return figure.pk if figure else None
    return finding.get(field, current)


def discrepancies_refresh(*, today: dt.date | None = None) -> tuple[int, int]:
    """Run the rules over the whole ledger and the system's own figures (as they stand on
    ``today``, by default the local date); returns (discrepancies holding, newly found).

    Raises ``relations.RelationsError`` when the relations file names an unknown kind or
    indicator."""
    today = today or timezone.localdate()
    figures = list(Figure.objects.select_related("settlement", "area"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    relations = relations_load(indicators=indicators)
    related = {r.indicator for r in relations} | {r.of for r in relations}
    comparable = {f.indicator for f in figures if _resolved(f)} & set(COMPUTED)
    computed = {code: COMPUTED[code](None) for code in (comparable | related) & set(COMPUTED)}
    places = {}
    for figure in figures:
        key = _resolved(figure)
        if key and key not in places and figure.indicator in comparable:
            places[key] = place_of_records(figure.settlement or figure.area)
    tree = hierarchy()
    own = computed_quantities(
        {code: amounts for code, amounts in computed.items() if code in related},
        units={code: i.unit for code, i in indicators.items()},
        computed_from=COMPUTED_FROM,
        today=today,
    )
    found = {
        d["key"]: d
        for d in find_discrepancies(figures, indicators, tree)
        + find_reported_vs_computed(
            figures, indicators, {c: computed[c] for c in comparable}, places
        )
        + find_relation_breaks(
            published_quantities(figures), relations=relations, indicators=indicators, places=tree
        )
        + find_relation_breaks(own, relations=relations, indicators=indicators, places=tree)
    }
    with transaction.atomic():
        known = {d.key: d for d in Discrepancy.objects.all()}
        new = [Discrepancy(**d) for key, d in found.items() if key not in known]
        Discrepancy.objects.bulk_create(new)
        for key, discrepancy in known.items():
            holds = key in found
            changed = [
                field
                for field in _MEASURES
                if holds
                and getattr(discrepancy, field)
                != _measure(found[key], field, getattr(discrepancy, field))
            ]
            for field in changed:
                setattr(discrepancy, field, _measure(found[key], field, None))
            if discrepancy.still_holds != holds:
                discrepancy.still_holds = holds
                changed.append("still_holds")
            if changed:
                discrepancy.save(update_fields=changed)
    return len(found), len(new)
