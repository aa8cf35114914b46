from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from homecoming.accounts.access import CASUALTY_VIEW, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.mineaction import selectors
from homecoming.mineaction.charts import overview_charts
from homecoming.mineaction.models import HazardArea
from homecoming.places.forms import SettlementFilterForm
from homecoming.places.selectors import settlement_search


@no_personal_data
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.mine_action_overview(request.user)
    return render(
        request,
        "mineaction/overview.html",
        {
            "data": data,
            "charts": overview_charts(data),
            "casualties_exact": user_can(request.user, CASUALTY_VIEW),
        },
    )


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
    form = SettlementFilterForm(
        request.GET, districts=selectors.districts_with_hazard_areas(request.user)
    )
    return render(request, "mineaction/hazard_map.html", {"form": form})


@no_personal_data
def hazards_geojson(request: HttpRequest) -> JsonResponse:
    filters = SettlementFilterForm(
        request.GET, districts=selectors.districts_with_hazard_areas(request.user)
    ).filters()
    hazards = selectors.hazard_area_list_for_user(request.user)
    if filters["district"]:
        hazards = hazards.filter(district__code=filters["district"])
    settlements = settlement_search(district=filters["district"])
    return JsonResponse(selectors.hazards_geojson(hazards, settlements))
