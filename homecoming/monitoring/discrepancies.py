"""Discrepancies in the figure ledger, found by rules and never typed in.

1. *Values differ*: two figures for the same place and indicator whose periods overlap
   (an undated figure overlaps every period) and whose values differ by more than the
   indicator's tolerance.
2. *Target deadlines*: the same target value for the same place given with different
   deadlines.
3. *Part exceeds whole*: for an additive indicator, a settlement's figure above its
   district's figure for an overlapping period.

Severity follows the relative difference |a − b| / max(a, b): below 2 % low, below 10 %
medium, else high. A rerun keeps each discrepancy's annotation (found again by its key)
and marks those that no longer hold.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import combinations

from django.db import transaction

from homecoming.monitoring.models import Discrepancy, Figure, Indicator


def relative_difference(a: Decimal, b: Decimal) -> float:
    high = max(abs(a), abs(b))
    return float(abs(a - b) / high) if high else 0.0


def severity(difference: float) -> str:
    if difference < 0.02:
        return Discrepancy.Severity.LOW
    if difference < 0.10:
        return Discrepancy.Severity.MEDIUM
    return Discrepancy.Severity.HIGH


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


def find_discrepancies(figures: list[Figure], indicators: dict[str, Indicator]) -> list[dict]:
    """The discrepancies among ``figures`` as plain dicts (kind, figures, difference)."""
    found = []
    groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.value_number is not None:
            groups[(_place(figure), figure.indicator)].append(figure)
    for (_place_key, code), members in groups.items():
        indicator = indicators.get(code)
        tolerance = indicator.tolerance if indicator else 0.0
        for a, b in combinations(sorted(members, key=lambda f: f.pk), 2):
            difference = relative_difference(a.value_number, b.value_number)
            if indicator and indicator.is_target:
                if difference == 0 and a.as_of != b.as_of:
                    found.append(_finding(Discrepancy.Kind.TARGET_DEADLINES, code, a, b, 0.0))
            elif periods_overlap(a, b) and difference > tolerance:
                found.append(_finding(Discrepancy.Kind.VALUES_DIFFER, code, a, b, difference))
    for figure in figures:
        indicator = indicators.get(figure.indicator)
        if not (
            indicator
            and indicator.additive
            and figure.settlement_id
            and figure.value_number is not None
        ):
            continue
        for whole in groups.get((f"area:{figure.settlement.district_id}", figure.indicator), []):
            if periods_overlap(figure, whole) and figure.value_number > whole.value_number:
                found.append(
                    _finding(
                        Discrepancy.Kind.PART_EXCEEDS_WHOLE,
                        figure.indicator,
                        figure,
                        whole,
                        relative_difference(figure.value_number, whole.value_number),
                    )
                )
    return found


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


def discrepancies_refresh() -> tuple[int, int]:
    """Run the rules over the whole ledger; returns (discrepancies holding, newly found)."""
    figures = list(Figure.objects.select_related("settlement"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    found = {d["key"]: d for d in find_discrepancies(figures, indicators)}
    with transaction.atomic():
        known = {d.key: d for d in Discrepancy.objects.all()}
        new = [Discrepancy(**d) for key, d in found.items() if key not in known]
        Discrepancy.objects.bulk_create(new)
        for key, discrepancy in known.items():
            holds = key in found
            if discrepancy.still_holds != holds:
                discrepancy.still_holds = holds
                discrepancy.save(update_fields=["still_holds"])
    return len(found), len(new)
