from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from homecoming.accounts.access import CASUALTY_VIEW, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.core.charts import chart
from homecoming.mineaction import selectors
from homecoming.mineaction.models import HazardArea
from homecoming.places.forms import SettlementFilterForm
from homecoming.places.selectors import settlement_search


@no_personal_data
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.mine_action_overview(request.user)
    months = [m for m, _ha in data.released_ha_by_month]
    per_month = [round(ha, 2) for _m, ha in data.released_ha_by_month]
    cumulative = [round(sum(per_month[: i + 1]), 2) for i in range(len(per_month))]
    weeks = [row["week"].isoformat() for row in data.devices_by_week]
    device_types = [
        ("ap_mines", _("Anti-personnel mines")),
        ("at_mines", _("Anti-tank mines")),
        ("uxo", _("UXO")),
        ("axo", _("Abandoned ordnance")),
    ]
    years = [row["year"] for row in data.victims_by_year]
    charts = {
        "released-chart": chart(
            [
                {
                    "type": "bar",
                    "name": _("released in the month (ha)"),
                    "x": months,
                    "y": per_month,
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("cumulative (ha)"),
                    "x": months,
                    "y": cumulative,
                    "yaxis": "y2",
                },
            ],
            y_title=_("ha per month"),
            y2_title=_("ha, cumulative"),
        ),
        "devices-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": weeks,
                    "y": [row[field] for row in data.devices_by_week],
                }
                for field, label in device_types
            ],
            y_title=_("devices per week"),
            stacked=True,
        ),
        "casualties-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": years,
                    "y": [_bar(row[outcome]) for row in data.victims_by_year],
                    "text": [str(row[outcome]) for row in data.victims_by_year],
                }
                for outcome, label in (("killed", _("killed")), ("injured", _("injured")))
            ],
            y_title=_("persons"),
            stacked=True,
        ),
        "open-chart": chart(
            [
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": _("open hazard area (ha)"),
                    "y": [name for name, _ha in data.open_ha_by_district],
                    "x": [round(ha, 2) for _name, ha in data.open_ha_by_district],
                },
            ],
            y_title=_("ha not yet released"),
            horizontal=True,
        ),
    }
    return render(
        request,
        "mineaction/overview.html",
        {"data": data, "charts": charts, "casualties_exact": user_can(request.user, CASUALTY_VIEW)},
    )


def _bar(value: int | str) -> int | None:
    """A hidden count (``core.disclosure.HIDDEN``) draws no bar; its label says so."""
    return value if isinstance(value, int) else None


@no_personal_data
def hazard_list(request: HttpRequest) -> HttpResponse:
    hazards = selectors.hazard_area_list_for_user(request.user)
    status = request.GET.get("status", "")
    if status in HazardArea.Status.values:
        hazards = hazards.filter(status=status)
    page = Paginator(hazards, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "mineaction/hazard_list.html",
        {
            "page": page,
            "status": status,
            "statuses": HazardArea.Status.choices,
        },
    )


@no_personal_data
def hazard_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        hazard = selectors.hazard_area_list_for_user(request.user).get(code=code)
    except HazardArea.DoesNotExist as exc:
        raise Http404("No such hazard area.") from exc
    geojson = selectors.hazards_geojson(
        HazardArea.objects.filter(pk=hazard.pk), hazard.settlements.all()
    )
    return render(
        request,
        "mineaction/hazard_detail.html",
        {
            "hazard": hazard,
            "activities": hazard.activities.all(),
            "geojson": geojson,
            "settlements": hazard.settlements.all(),
        },
    )


@no_personal_data
def hazard_map(request: HttpRequest) -> HttpResponse:
    return render(
        request, "mineaction/hazard_map.html", {"form": SettlementFilterForm(request.GET)}
    )


@no_personal_data
def hazards_geojson(request: HttpRequest) -> JsonResponse:
    filters = SettlementFilterForm(request.GET).filters()
    hazards = selectors.hazard_area_list_for_user(request.user)
    if filters["district"]:
        hazards = hazards.filter(district__code=filters["district"])
    settlements = settlement_search(district=filters["district"])
    return JsonResponse(selectors.hazards_geojson(hazards, settlements))
