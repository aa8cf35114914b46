"""The dashboards' content: headline figures, targets with their outlook, charts and the map.

One builder serves the signed-in dashboard and the public one; the :class:`Audience` says
what may be shown. Figures drawn from households (the pipeline, returns, registrations)
are exact and limited to the user's districts for a user who may view households; for
everyone else — the public included — they cover every district and come from the
published tables (``monitoring.published``), where small counts are hidden with their
complements, the same tables as the open data's. Land, housing, money, targets and the
forecast are programme aggregates and the same for all.

Computing them all and running the forecast takes seconds on a national registry, so the
pages read them through :func:`dashboard_kept`: they are kept for every server process and
counted again by the worker once they are older than ``settings.DASHBOARD_CACHE_SECONDS``
(``core.kept``); the page says when they were computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import formats, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django_tasks import task

from homecoming.accounts.access import (
    HOUSEHOLD_VIEW,
    district_scope,
    programme_scope,
    scopes_key,
    user_can,
)
from homecoming.accounts.models import User
from homecoming.core.charts import PALETTE, chart
from homecoming.core.disclosure import THRESHOLD, disclose
from homecoming.core.kept import keep, kept
from homecoming.housing.models import HousingUnit
from homecoming.mineaction.readiness import LandVerdict
from homecoming.mineaction.selectors import land_readiness_by_settlement
from homecoming.monitoring.computed import (
    Districts,
    Programmes,
    Readiness,
    by_month,
    devices_destroyed,
    districts_under,
    land_released_by_month,
    reconstruction_finance,
    returned_households,
    returned_persons,
    settlement_states,
    units_by_status,
)
from homecoming.monitoring.forecast import (
    Band,
    Forecast,
    Outlook,
    Status,
    reached_at_pace,
    recent_returns,
)
from homecoming.monitoring.models import Figure
from homecoming.monitoring.published import PlaceTable, Shown, registered_table, returned_table
from homecoming.monitoring.selectors import TargetProgress, programme_forecast
from homecoming.places.models import Area, Settlement
from homecoming.programmes.models import Programme
from homecoming.registry.models import Household
from homecoming.registry.selectors import household_list_for_user
from homecoming.returns.selectors import pipeline


@dataclass(frozen=True)
class Audience:
    districts: Districts  # households counted: their origin in these districts (None: all)
    exact: bool  # False: small counts of households and persons suppressed
    households: QuerySet[Household]
    # Households counted: enrolled in these programmes (None: every programme).
    programmes: Programmes = None


def audience_for(user: User, programme: Programme | None = None) -> Audience:
    """What ``user`` may read of the dashboard: exact within their districts and
    programmes when they may view households; narrowed to ``programme`` when asked."""
    if not user_can(user, HOUSEHOLD_VIEW):
        return public_audience()
    households = household_list_for_user(user)
    programmes = programme_scope(user)
    if programme is not None and (programmes is None or programme.pk in programmes):
        programmes = frozenset({programme.pk})
        households = households.filter(programme_id=programme.pk)
    return Audience(district_scope(user), True, households, programmes)


def public_audience() -> Audience:
    return Audience(None, False, Household.objects.all())


def held_back(monthly: list[float]) -> list[float]:
    """A cumulative series that shows a month's increase only once it reaches
    ``disclosure.THRESHOLD``: smaller increases wait and are added to a later month's.

    >>> held_back([10, 2, 2, 1, 0, 7])
    [10.0, 10.0, 10.0, 15.0, 15.0, 22.0]
    """
    shown, waiting, result = 0.0, 0.0, []
    for value in monthly:
        waiting += value
        if waiting >= THRESHOLD:
            shown, waiting = shown + waiting, 0.0
        result.append(shown)
    return result


def figure(value: Shown) -> str:
    """A count as the page writes it: with the language's thousands separators, or the
    hidden sign."""
    return value if isinstance(value, str) else number(value)


def number(value: float, decimals: int = 0) -> str:
    """A figure in the page's language: 140,000 and 1,234.5 in English, 140 000 and
    1 234,5 in Azerbaijani."""
    return formats.number_format(
        round(value, decimals), decimals, use_l10n=True, force_grouping=True
    )


STATUS_LABELS = {
    Status.MET: gettext_noop("met"),
    Status.MISSED: gettext_noop("missed"),
    Status.ON_TRACK: gettext_noop("on track"),
    Status.AT_RISK: gettext_noop("at risk"),
    Status.OFF_TRACK: gettext_noop("off track"),
}
# The bar's colour says the status at a glance; the words beside it say it to everyone.
STATUS_COLOURS = {
    Status.MET: "#1e6b3a",
    Status.ON_TRACK: "#2a9d8f",
    Status.AT_RISK: "#d9822b",
    Status.OFF_TRACK: "#b3261e",
    Status.MISSED: "#6b1d18",
}


def target_now(audience: Audience, progress: TargetProgress, returned: PlaceTable) -> Shown:
    """A target's count now as ``audience`` may read it: exact when its place lies in the
    audience's districts and the audience may view households; else from the published
    table of returns (``returned``), the target's place being a sum of its cells."""
    place = progress.target.place
    districts = _districts_of(place)
    if audience.exact and (
        audience.districts is None or (districts is not None and districts <= audience.districts)
    ):
        return int(progress.computed)
    if isinstance(place, Settlement):
        return returned.settlement(place.pk, "persons")
    if place is not None and place.level == Area.Level.MUNICIPALITY:
        members = Settlement.objects.filter(municipality=place).values_list("id", flat=True)
        return returned.over(members, "persons")
    if districts is None:
        return returned.country("persons")
    return returned.over_districts(districts, "persons")


def _districts_of(place: Area | Settlement | None) -> frozenset[int] | None:
    """The districts a target's place lies in; None for the whole programme."""
    if place is None:
        return None
    if isinstance(place, Settlement):
        return frozenset({place.district_id})
    if place.level == Area.Level.MUNICIPALITY:
        return frozenset(
            Settlement.objects.filter(municipality=place).values_list("district_id", flat=True)
        )
    return districts_under(place)


def share_shown(progress: TargetProgress, now: Shown) -> float | None:
    """The share of a target done, unless it would give away a hidden count."""
    return progress.share_done if isinstance(now, int) else None


def recorded_returns(audience: Audience, months: list[dt.date]) -> list[float]:
    """Cumulative returned persons at each month, held back below the threshold if need be.

    Held back, the series ends short of the total by what waits; when the total is shown
    (the headline figure) and something waits, or when the total is hidden, the last
    increase is held back too: the series never ends at a hidden total, nor a small count
    short of a shown one."""
    monthly = by_month(returned_persons(audience.districts, audience.programmes))
    per_month = [monthly.get(m, 0.0) for m in months]
    if months:  # the axis starts at the first real return: what came before counts there
        per_month[0] += sum(v for m, v in monthly.items() if m < months[0])
    if audience.exact:
        return [sum(per_month[: i + 1]) for i in range(len(per_month))]
    series = held_back(per_month)
    increases = [i for i, v in enumerate(series) if v > (series[i - 1] if i else 0.0)]
    if increases and series[-1] != returned_table().country("persons"):
        last = increases[-1]
        series = series[:last] + [series[last - 1] if last else 0.0] * (len(series) - last)
    return series


# Forecast figures shown to those who may not view households are rounded to this many
# persons: the forecast starts from the recorded returns, which it must not give away.
FORECAST_ROUNDING = 10


def forecast_shown(
    audience: Audience, projection: Forecast, progress: list[TargetProgress]
) -> tuple[Forecast, list[TargetProgress]]:
    """The forecast and the targets' outlooks as ``audience`` may read them: exact, or every
    figure of persons rounded to :data:`FORECAST_ROUNDING`, and the month reached at the
    current pace worked out from the rounded figures (the exact ones would give the pace away)."""
    if audience.exact:
        return projection, progress

    def rounded(values):
        return [FORECAST_ROUNDING * round(v / FORECAST_ROUNDING) for v in values]

    def outlook(o: Outlook | None) -> Outlook | None:
        if o is None:
            return None
        low, median, high = rounded(o.at_deadline)
        returned, pace = rounded([o.returned, o.pace_per_month])
        now = projection.months[sum(a is not None for a in projection.actual) - 1]
        return replace(
            o,
            returned=returned,
            at_deadline=(low, median, high),
            shortfall=max(0, rounded([o.shortfall])[0]),
            pace_per_month=pace,
            at_current_pace=reached_at_pace(o.target.value, returned=returned, pace=pace, now=now),
        )

    band = projection.projected
    projection = replace(
        projection,
        actual=[None if a is None else rounded([a])[0] for a in projection.actual],
        projected=Band(rounded(band.low), rounded(band.median), rounded(band.high)),
        outlooks=[outlook(o) for o in projection.outlooks],
    )
    return projection, [replace(p, outlook=outlook(p.outlook)) for p in progress]


def dashboard_kept(
    user: User | None, programme: Programme | None = None, *, today: dt.date
) -> dict[str, Any]:
    """What :func:`dashboard` gives for ``user`` (None: the public) and ``programme``
    (``audience_for``), kept for every audience (its districts and programmes, exact or
    not), language and day (``core.kept``), with ``computed_at`` (when) and
    ``cache_seconds`` (how often they are counted again, in the background).

    A change made since is not on the page until they are; the page says so.
    """
    audience = public_audience() if user is None else audience_for(user, programme)
    language = get_language()
    entry = kept(
        _dashboard_key(audience, today),
        lambda: dashboard(audience, today=today),
        lambda: count_dashboard_again.enqueue(
            user_id=None if user is None else user.pk,
            programme_id=None if programme is None else programme.pk,
            language=language,
            today=today.isoformat(),
        ),
    )
    return entry.figures | {
        "audience": audience,
        "computed_at": entry.counted_at,
        "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
    }


@task()
def count_dashboard_again(
    *, user_id: int | None, programme_id: int | None, language: str, today: str
) -> None:
    """The background task (run by `homecoming db_worker`) that counts a dashboard's
    kept figures again, for the audience, language and day that asked."""
    user = None if user_id is None else User.objects.filter(pk=user_id).first()
    if user_id is not None and user is None:
        return  # the user is gone: nobody reads these figures any more
    programme = None if programme_id is None else Programme.objects.filter(pk=programme_id).first()
    audience = public_audience() if user is None else audience_for(user, programme)
    day = dt.date.fromisoformat(today)
    with translation.override(language):
        keep(_dashboard_key(audience, day), lambda: dashboard(audience, today=day))


def _dashboard_key(audience: Audience, today: dt.date) -> str:
    """One key per audience (its districts and programmes, exact or not), language and day."""
    scopes = scopes_key(audience.districts, audience.programmes)
    return f"dashboard:{audience.exact}:{scopes}:{get_language()}:{today.isoformat()}"


def dashboard(audience: Audience, *, today: dt.date) -> dict[str, Any]:
    """Everything the dashboard pages show, for ``audience`` (itself not included: its
    households are a query, not figures to keep).
    """

    land = land_readiness_by_settlement()  # for the forecast and the map alike
    projection, targets = forecast_shown(audience, *programme_forecast(today, land=land))
    released = land_released_by_month(None)
    units = units_by_status(None)
    devices = sum(
        a.value for kind in ("ap_mines", "at_mines", "uxo") for a in devices_destroyed(kind)
    )
    returned = registered = None
    if audience.exact:
        persons = int(
            sum(a.value for a in returned_persons(audience.districts, audience.programmes))
        )
        households = int(
            sum(a.value for a in returned_households(audience.districts, audience.programmes))
        )
    else:
        returned, registered = returned_table(), registered_table()
        persons, households = returned.country("persons"), returned.country("households")
    published = returned if returned is not None or not targets else returned_table()
    now = {t.target.pk: target_now(audience, t, published) for t in targets}
    returns = returns_over_time(audience, projection, targets, today=today)
    return {
        "tiles": {
            "persons_returned": figure(persons),
            "households_returned": figure(households),
            "hectares_released": sum(released.values()),
            "devices_destroyed": int(devices),
            "homes_ready": sum(d[HousingUnit.Status.READY] for d in units.values()),
            "homes_occupied": sum(d[HousingUnit.Status.OCCUPIED] for d in units.values()),
            "finance": [
                (f.currency, number(f.spent / 1e6, 1), number(f.budget / 1e6, 1))
                for f in reconstruction_finance(None)
            ],
        },
        "targets": [
            {
                "progress": t,
                "computed": figure(now[t.target.pk]),
                "share": share_shown(t, now[t.target.pk]),
                "status": t.status,
                "status_label": _(STATUS_LABELS[t.status]),
                "deadline_passed": t.target.deadline < today,
                "time_gone": None if t.time_elapsed is None else max(0.0, t.time_elapsed),
            }
            for t in targets
        ],
        "forecast": projection,
        "recent": returns["recent"],
        "charts": {
            "returns-chart": returns["targets_chart"],
            "returns-zoom-chart": returns["zoom_chart"],
            "funnel-chart": _funnel_chart(audience, registered, returned),
            "land-chart": _land_chart(released),
            "housing-chart": _housing_chart(units),
        },
        "map_points": _map_points(audience, land, registered, returned),
        "map_labels": {
            "registered": _("households registered (origin)"),
            "returned": _("households returned"),
            "persons": _("persons returned"),
            "free_units": _("homes ready, not allocated"),
            "blocking": _("hazard areas not released"),
            "missing": _("services missing"),
            "figures": _("published figures"),
            "approximate": _("approximate position"),
            "not_in_scope": _("outside your districts"),
        },
    }


def returns_over_time(
    audience: Audience, projection: Forecast, targets: list[TargetProgress], *, today: dt.date
) -> dict[str, Any]:
    """The returns chart's two panels and the sentence on recent returns beside them, all
    read from one series — the recorded returns as the chart draws them (held back for an
    audience that may not see small counts) — so that the words cannot contradict the line.

    The first panel sets the series against the targets; the second is zoomed to what has
    been achieved and forecast, where the line and the band are visible whatever the size
    of the targets (docs/monitoring.md says why not a log scale)."""
    now = len([a for a in projection.actual if a is not None]) - 1
    actual_months = projection.months[: now + 1]
    cumulative = recorded_returns(audience, actual_months)
    recent = recent_returns(actual_months, cumulative, today)
    future = [m.isoformat() for m in projection.months[now:]]
    band = projection.projected

    def forecast_traces() -> list[dict]:
        return [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("band: 10th to 90th percentile of the runs"),
                "x": future,
                "y": band.low[now:],
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
                "marker": {"color": PALETTE[1]},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("forecast band (10–90 %)"),
                "x": future,
                "y": band.high[now:],
                "fill": "tonexty",
                "fillcolor": "rgba(217,130,43,0.25)",
                "line": {"width": 0},
                "marker": {"color": PALETTE[1]},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("forecast (median)"),
                "x": future,
                "y": band.median[now:],
                "line": {"dash": "dash", "width": 2},
                "marker": {"color": PALETTE[1]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("returned persons (recorded)"),
                "x": [m.isoformat() for m in actual_months],
                "y": cumulative,
                "marker": {"color": PALETTE[0]},
            },
        ]

    def target_trace(shown: list[TargetProgress]) -> dict:
        return {
            "type": "scatter",
            "mode": "markers+text",
            "name": _("targets"),
            "x": [t.target.deadline.isoformat() for t in shown],
            "y": [float(t.target.value) for t in shown],
            "text": [
                f"{number(float(t.target.value))} · {_(STATUS_LABELS[t.status])}" for t in shown
            ],
            "textposition": "top center",
            "cliponaxis": False,  # a label at the axis's edge is drawn whole
            "marker": {
                "symbol": "diamond",
                "size": 11,
                "color": [STATUS_COLOURS[t.status] for t in shown],
            },
        }

    def panel(traces: list[dict], y_range: list[float] | None = None) -> dict:
        spec = chart(traces, y_title=_("returned persons, cumulative"))
        layout = spec["layout"]
        # Months as numbers: Plotly's offline bundle names them in English only.
        layout["xaxis"] |= {"type": "date", "tickformat": "%Y-%m", "hoverformat": "%Y-%m-%d"}
        if y_range is not None:
            layout["yaxis"]["range"] = y_range
            layout["yaxis"]["autorange"] = False
        return spec

    achieved = max([*cumulative, *band.high[now:], 0.0])
    top = max(10.0, achieved * 1.15)
    near = [t for t in targets if float(t.target.value) <= top]
    zoomed = forecast_traces() + ([target_trace(near)] if near else [])
    highest = max([achieved, *(float(t.target.value) for t in targets)])
    held_back = not audience.exact
    return {
        # Room above the highest target for its label.
        "targets_chart": panel(
            forecast_traces() + [target_trace(targets)], [0, max(10.0, highest * 1.15)]
        ),
        "zoom_chart": panel(zoomed, [0, top]),
        "recent": {
            "held_back": held_back,
            "any": recent.persons > 0,
            "persons": number(recent.persons),
            "per_month": number(recent.per_month),
            "since": recent.since,
            "until": recent.until,
            "last_month": recent.last_month,
        },
    }


def _funnel_chart(
    audience: Audience, registered: PlaceTable | None, returned: PlaceTable | None
) -> dict:
    """The road home. For an audience that may not view households, its first and last
    steps are the published tables' national totals and the steps between are counts of
    their own, small ones hidden."""
    steps = pipeline(audience.households)
    shown: list[Shown] = [n for _step, n in steps]
    if registered is not None and returned is not None:
        shown = list(disclose(dict(enumerate(shown))).values())
        shown[0], shown[-1] = registered.country("households"), returned.country("households")
    return chart(
        [
            {
                "type": "funnel",
                "y": [_(step) for step, _n in steps],
                "x": [n if isinstance(n, int) else 0 for n in shown],
                "text": [str(n) for n in shown],
                "textinfo": "text",
            }
        ],
        y_title="",
    )


def _land_chart(released: dict[dt.date, float]) -> dict:
    months = [m.strftime("%Y-%m") for m in released]
    per_month = [round(ha, 2) for ha in released.values()]
    return chart(
        [
            {"type": "bar", "name": _("released in the month (ha)"), "x": months, "y": per_month},
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("cumulative (ha)"),
                "x": months,
                "y": [round(sum(per_month[: i + 1]), 2) for i in range(len(per_month))],
                "yaxis": "y2",
            },
        ],
        y_title=_("ha per month"),
        y2_title=_("ha, cumulative"),
    )


def _housing_chart(units: dict[str, dict[str, int]]) -> dict:
    statuses = list(next(iter(units.values()), {}))
    return chart(
        [
            {
                "type": "bar",
                "name": str(HousingUnit.Status(status).label),
                "x": list(units),
                "y": [counts[status] for counts in units.values()],
            }
            for status in statuses
        ],
        y_title=_("housing units"),
        stacked=True,
    )


READINESS_LABELS = {
    Readiness.READY: gettext_noop("ready for return"),
    Readiness.LAND_READY: gettext_noop("land released; services or homes missing"),
    Readiness.BLOCKED: gettext_noop("land not released"),
}


def _map_points(
    audience: Audience,
    land: dict[str, LandVerdict],
    registered: PlaceTable | None,
    returned: PlaceTable | None,
) -> dict:
    figures = dict(
        Figure.objects.filter(settlement__isnull=False)
        .values_list("settlement_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    features = []
    for state in settlement_states(audience.districts, land=land, programmes=audience.programmes):
        s = state.settlement
        if registered is not None and returned is not None:
            counts: dict[str, str | None] = {
                "households_registered": figure(registered.settlement(s.pk, "households")),
                "households_returned": figure(returned.settlement(s.pk, "households")),
                "persons_returned": figure(returned.settlement(s.pk, "persons")),
            }
        elif audience.districts is None or s.district_id in audience.districts:
            counts = {
                "households_registered": figure(state.households_registered),
                "households_returned": figure(state.households_returned),
                "persons_returned": figure(state.persons_returned),
            }
        else:
            counts = dict.fromkeys(
                ("households_registered", "households_returned", "persons_returned")
            )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(s.lon), float(s.lat)]},
                "properties": {
                    "code": s.code,
                    "name": s.name,
                    "name_az": s.name_az,
                    "name_ru": s.name_ru,
                    "district": s.district.display_name,
                    "approximate": s.coordinates_approximate,
                    "readiness": state.readiness,
                    "readiness_label": _(READINESS_LABELS[state.readiness]),
                    "blocking": state.blocking_hazard_areas[:5],
                    "blocking_count": len(state.blocking_hazard_areas),
                    "missing_services": state.missing_services,
                    "free_units": state.free_units,
                    **counts,
                    "published_figures": figures.get(s.pk, 0),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
