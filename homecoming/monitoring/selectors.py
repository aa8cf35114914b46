from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Count, F, Q, QuerySet

from homecoming.housing.models import HousingUnit, Project
from homecoming.mineaction.models import HazardArea
from homecoming.mineaction.readiness import LandVerdict
from homecoming.mineaction.selectors import land_readiness_by_settlement
from homecoming.monitoring import words
from homecoming.monitoring.computed import (
    COMPUTED,
    land_released_by_month,
    place_of_records,
    returned_persons,
    total,
)
from homecoming.monitoring.forecast import (
    Demand,
    Forecast,
    ForecastInputs,
    Outlook,
    TargetSpec,
    UnitBatch,
    add_months,
    forecast,
    target_status,
)
from homecoming.monitoring.models import Discrepancy, Figure, Target
from homecoming.places.models import Area, Settlement
from homecoming.places.selectors import places_found
from homecoming.registry.models import Household, Member
from homecoming.returns.models import KeyHandover, Reservation
from homecoming.returns.selectors import cohort_seats_by_month


def figure_list(*, indicator: str = "", place: str = "") -> QuerySet[Figure]:
    """The figures of ``indicator`` about ``place``: a place as published ("Liberated
    territories"), or an area or settlement of the register in any spelling or script
    ("Кельбаджар" finds the figures about Kalbajar; ``places.selectors.places_found``)."""
    figures = Figure.objects.select_related("area", "settlement")
    if indicator:
        figures = figures.filter(indicator=indicator)
    if place.strip():
        figures = figures.filter(
            Q(place_label__icontains=place)
            | Q(area__in=places_found(Area.objects.all(), place))
            | Q(settlement__in=places_found(Settlement.objects.all(), place))
        )
    return figures.order_by("place_label", "indicator", "period_start", "id")


def figures_about(place: Area | Settlement) -> QuerySet[Figure]:
    """The published figures that name exactly this place."""
    field = "area" if isinstance(place, Area) else "settlement"
    return Figure.objects.filter(**{field: place}).order_by("indicator", "period_start", "id")


def indicator_codes() -> list[str]:
    return list(Figure.objects.order_by("indicator").values_list("indicator", flat=True).distinct())


def _source(figure: Figure) -> str:
    published = f", {figure.published:%Y-%m-%d}" if figure.published else ""
    return f"{figure.publisher}: {figure.title}{published}"


def discrepancy_list(*, status: str = "") -> QuerySet[Discrepancy]:
    """The discrepancies that still hold (the figures still disagree), of ``status`` if
    given (a ``Discrepancy.Status`` value; another is ignored)."""
    discrepancies = Discrepancy.objects.filter(still_holds=True)
    if status in Discrepancy.Status.values:
        discrepancies = discrepancies.filter(status=status)
    return discrepancies


def discrepancies_in_words(discrepancies: Iterable[Discrepancy]) -> list[Discrepancy]:
    """The discrepancies, each relation's finding with ``sentence`` (what it says in the
    page's language) and ``terms`` (its figures in words, with their sources)."""
    discrepancies = list(discrepancies)
    refs = {
        tuple(term["place"])
        for d in discrepancies
        for term in d.details.get("terms", [])
        if term["place"][0] != "label"
    }
    areas = Area.objects.in_bulk([ref for kind, ref in refs if kind == "area"])
    settlements = Settlement.objects.in_bulk([ref for kind, ref in refs if kind == "settlement"])
    names = {("area", pk): a.display_name for pk, a in areas.items()} | {
        ("settlement", pk): s.display_name for pk, s in settlements.items()
    }
    for d in discrepancies:
        terms = d.details.get("terms", [])
        d.sentence = words.finding_sentence(d.kind, d.details, names) if terms else ""
        d.terms = [words.term_in_words(term, names) for term in terms]
        d.place = d.terms[0]["place"] if terms else words.place_name(d.figure_a)
    return discrepancies


def _term_side(term: dict) -> dict:
    if not term["source"]:
        source = f"Homecoming (computed): {term['computed_from']}"
    else:
        source = term["source"] + (f", {term['published']}" if term["published"] else "")
    return {"value": term["value"], "unit": term["unit"], "as_of": term["as_of"], "source": source}


def discrepancy_rows() -> list[dict]:
    """The discrepancies that hold, as flat rows with both figures and their sources; a
    relation's finding with its first two figures and, in ``finding``, what it says."""
    rows = []
    discrepancies = Discrepancy.objects.filter(still_holds=True).select_related(
        "figure_a__area", "figure_a__settlement", "figure_b"
    )
    for d in discrepancies_in_words(discrepancies):
        row = {
            "kind": d.kind,
            "indicator": d.indicator,
            "place": d.figure_a.place_label if d.figure_a else d.place,
            "severity": d.severity,
            "relative_difference": round(d.relative_difference, 4),
            "status": d.status,
            "note": d.note,
            "finding": d.sentence,
        }
        if d.terms:
            terms = d.details["terms"]
            for side, term in zip("ab", terms[:2], strict=False):
                row |= {f"{name}_{side}": value for name, value in _term_side(term).items()}
            if len(terms) == 1:
                row |= {"value_b": "", "unit_b": "", "as_of_b": "", "source_b": ""}
            rows.append(row)
            continue
        for side, figure in (("a", d.figure_a), ("b", d.figure_b)):
            if figure is None:  # the system's own value for the same place and period
                row |= {
                    "value_b": f"{d.computed_value.normalize():f}",
                    "unit_b": d.figure_a.unit,
                    "as_of_b": d.figure_a.as_of,
                    "source_b": f"Homecoming (computed): {d.computed_from}",
                }
                continue
            row |= {
                f"value_{side}": figure.value,
                f"unit_{side}": figure.unit,
                f"as_of_{side}": figure.as_of,
                f"source_{side}": _source(figure),
            }
        rows.append(row)
    return rows


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands: the computed value now, the share done and of time gone."""

    target: Target
    computed: float
    share_done: float
    time_elapsed: float | None  # None when the period's start is not known
    outlook: Outlook | None  # None for a target on a single settlement (forecasts are by district)
    status: str  # forecast.Status: from the outlook, else from the count now and the deadline


def target_list() -> QuerySet[Target]:
    return Target.objects.select_related(
        "figure", "indicator", "area", "settlement__district"
    ).order_by("figure__period_end", "figure__value_number", "id")


def _districts_of(target: Target, codes: dict[int, str]) -> frozenset[str] | None:
    place = place_of_records(target.place)
    if place.districts is None:
        return None
    return frozenset(codes[i] for i in place.districts if i in codes)


def target_specs(targets: list[Target]) -> list[TargetSpec]:
    """The targets the forecast can judge: the programme's and those of areas."""
    codes = dict(Area.objects.filter(level=Area.Level.DISTRICT).values_list("id", "code"))
    return [
        TargetSpec(str(t.pk), float(t.value), t.deadline, _districts_of(t, codes))
        for t in targets
        if t.settlement_id is None and not _is_municipality(t)
    ]


def _is_municipality(target: Target) -> bool:
    return target.area is not None and target.area.level == Area.Level.MUNICIPALITY


def targets_progress(*, today: dt.date, projection: Forecast | None = None) -> list[TargetProgress]:
    """Every target with its computed value now, share done, time elapsed and outlook."""
    targets = list(target_list())
    amounts = {
        code: COMPUTED[code](None) for code in {t.indicator.code for t in targets} & set(COMPUTED)
    }
    outlooks = {o.target.name: o for o in projection.outlooks} if projection else {}
    rows = []
    for t in targets:
        done = total(amounts.get(t.indicator.code, []), place=place_of_records(t.place), end=today)
        elapsed = None
        if t.start and t.deadline:
            elapsed = (today - t.start).days / max(1, (t.deadline - t.start).days)
        outlook = outlooks.get(str(t.pk))
        if outlook is not None:
            status = outlook.status
        else:
            by_deadline = total(
                amounts.get(t.indicator.code, []),
                place=place_of_records(t.place),
                end=min(today, t.deadline),
            )
            status = target_status(
                value=float(t.value),
                returned=by_deadline,
                deadline=t.deadline,
                today=today,
                at_deadline=None,
            )
        rows.append(
            TargetProgress(
                target=t,
                computed=done,
                share_done=done / float(t.value) if t.value else 0.0,
                time_elapsed=elapsed,
                outlook=outlook,
                status=status,
            )
        )
    return rows


def forecast_inputs(
    today: dt.date, *, land: dict[str, LandVerdict] | None = None
) -> ForecastInputs:
    """The pipeline as it stands, for the forecast: returns so far, homes due and where, the
    land still to release around them, demand, take-up, delays and cohort seats.

    ``land``: every settlement's land verdict, when the caller has it already (it takes
    the longest to compute)."""
    district_codes = dict(Area.objects.filter(level=Area.Level.DISTRICT).values_list("id", "code"))
    returned: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for a in returned_persons(None):
        returned[district_codes[a.district]][a.day.replace(day=1)] += a.value

    if land is None:
        land = land_readiness_by_settlement()
    blocking = {code for verdict in land.values() for code in verdict.blocking}
    open_ha = {
        h.code: max(0.0, h.area_m2 - h.released_m2) / 10_000
        for h in HazardArea.objects.filter(code__in=blocking).only("code", "area_m2", "released_m2")
    }
    waiting = [
        HousingUnit.Status.PLANNED,
        HousingUnit.Status.UNDER_CONSTRUCTION,
        HousingUnit.Status.READY,
        HousingUnit.Status.RESERVED,
    ]
    batches = (
        HousingUnit.objects.filter(status__in=waiting)
        .values(
            "status",
            code=F("building__settlement__code"),
            district=F("building__settlement__district_id"),
            due=F("building__project__planned_end"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    ready = {HousingUnit.Status.READY, HousingUnit.Status.RESERVED}
    units = [
        UnitBatch(
            district=district_codes[b["district"]],
            settlement=b["code"],
            count=b["n"],
            expected=today if b["status"] in ready else (b["due"] or today),
            ready=b["status"] in ready,
            blocked_ha=sum(open_ha.get(code, 0.0) for code in land[b["code"]].blocking),
        )
        for b in batches
    ]

    returned_households = KeyHandover.objects.values("reservation__household_id")
    intending = (
        Household.objects.exclude(status=Household.Status.WITHDRAWN)
        .filter(intention__in=[Household.Intention.RETURN_NOW, Household.Intention.RETURN_LATER])
        .exclude(pk__in=returned_households)
    )
    # Households and their persons counted apart: one grouping of households, one of
    # members, rather than counting distinct households over every member.
    households = dict(
        intending.values_list("origin_settlement__district_id").annotate(n=Count("id")).order_by()
    )
    persons = dict(
        Member.objects.filter(household__in=intending, left_on=None)
        .values_list("household__origin_settlement__district_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    demand = [
        Demand(district_codes[district], n, max(1.0, persons.get(district, 0) / n))
        for district, n in households.items()
    ]

    this_month = today.replace(day=1)
    months = [add_months(this_month, -n) for n in range(12, 0, -1)]
    released = land_released_by_month(None)
    delays = [
        (actual - planned).days
        for actual, planned in Project.objects.filter(
            actual_end__isnull=False, planned_end__isnull=False
        ).values_list("actual_end", "planned_end")
    ]
    answers = dict(
        Reservation.objects.exclude(answer=Reservation.Answer.PENDING)
        .values_list("answer")
        .annotate(n=Count("id"))
        .order_by()
    )
    return ForecastInputs(
        today=today,
        returned={d: dict(m) for d, m in returned.items()},
        units=units,
        demand=demand,
        release_ha_by_month=[released.get(m, 0.0) for m in months],
        completion_delays_days=delays,
        offers_accepted=answers.get(Reservation.Answer.ACCEPTED, 0),
        offers_declined=answers.get(Reservation.Answer.DECLINED, 0),
        seats_by_month=cohort_seats_by_month(),
    )


def programme_forecast(
    today: dt.date, *, land: dict[str, LandVerdict] | None = None
) -> tuple[Forecast, list[TargetProgress]]:
    """The forecast of returns with every target's outlook, and the targets' progress
    (``land`` as for :func:`forecast_inputs`)."""
    targets = list(target_list())
    starts = [t.start for t in targets if t.start is not None]
    inputs = replace(forecast_inputs(today, land=land), start=min(starts, default=None))
    projection = forecast(inputs, target_specs(targets))
    return projection, targets_progress(today=today, projection=projection)
