from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from homecoming.accounts.access import HOUSEHOLD_VIEW, Scope, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.housing.selectors import settlement_return_readiness
from homecoming.mineaction.models import HazardArea
from homecoming.mineaction.selectors import hazards_geojson
from homecoming.monitoring.selectors import figures_about
from homecoming.places import selectors
from homecoming.places.forms import SettlementFilterForm
from homecoming.places.models import Area, Settlement
from homecoming.registry.selectors import household_list_for_user


@no_personal_data
def settlement_list(request: HttpRequest) -> HttpResponse:
    form = SettlementFilterForm(request.GET)
    settlements = selectors.settlement_search(**form.filters())
    page = Paginator(settlements, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "total": page.paginator.count}
    template = "places/_settlement_rows.html" if request.htmx else "places/settlement_list.html"
    return render(request, template, context)


@no_personal_data
def settlement_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        settlement = selectors.settlement_get(code)
    except Settlement.DoesNotExist as exc:
        raise Http404("No such settlement.") from exc
    households = None
    if user_can(request.user, HOUSEHOLD_VIEW):
        households = (
            household_list_for_user(request.user).filter(origin_settlement=settlement).count()
        )
    readiness = settlement_return_readiness(settlement)
    land = readiness.land
    geojson = selectors.settlements_geojson(
        selectors.settlement_search(district=settlement.district.code), current=settlement.code
    )
    hazards = hazards_geojson(
        HazardArea.objects.filter(pk__in=[h.pk for h in land.hazards]), Settlement.objects.none()
    )["features"]
    # Hazard areas near the settlement may lie outside the user's districts: shown, not linked.
    scope = Scope(request.user)
    linked = {h.code for h in land.hazards if h.district_id in scope}
    for feature in hazards:
        feature["properties"]["linked"] = feature["properties"]["code"] in linked
    geojson["features"] += hazards
    return render(
        request,
        "places/settlement_detail.html",
        {
            "settlement": settlement,
            "households": households,
            "geojson": geojson,
            "figures": figures_about(settlement),
            "land": land,
            "readiness": readiness,
        },
    )


@no_personal_data
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        area = selectors.area_get(code)
    except Area.DoesNotExist as exc:
        raise Http404("No such area.") from exc
    settlements = selectors.settlement_search(district=code) if area.level == "district" else None
    return render(
        request,
        "places/area_detail.html",
        {
            "area": area,
            "children": area.children.order_by("name"),
            "settlements": settlements,
            "figures": figures_about(area),
        },
    )


@no_personal_data
def settlement_map(request: HttpRequest) -> HttpResponse:
    form = SettlementFilterForm(request.GET)
    return render(request, "places/settlement_map.html", {"form": form})


@no_personal_data
def settlements_geojson(request: HttpRequest) -> JsonResponse:
    form = SettlementFilterForm(request.GET)
    return JsonResponse(
        selectors.settlements_geojson(selectors.settlement_search(**form.filters()))
    )
