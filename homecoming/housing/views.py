from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.accounts.personal import no_personal_data
from homecoming.core.choices import choices_in_use
from homecoming.housing import selectors
from homecoming.housing.charts import overview_charts, progress_chart
from homecoming.housing.models import HousingUnit, Project
from homecoming.housing.services import project_site_warnings
from homecoming.places import selectors as places_selectors
from homecoming.places.models import Settlement


@no_personal_data
def overview(request: HttpRequest) -> HttpResponse:
    finance = selectors.finance_by_district_and_sector(request.user)
    funnel = selectors.housing_funnel(request.user)
    status_labels = dict(HousingUnit.Status.choices)
    charts = overview_charts(
        finance=finance,
        progress=selectors.progress_by_sector(request.user),
        funnel=funnel,
        status_labels=status_labels,
    )
    return render(
        request,
        "housing/overview.html",
        {
            "charts": charts,
            "funnel": funnel,
            "funnel_statuses": selectors.FUNNEL,
            "status_labels": status_labels,
            "currencies": selectors.currencies(request.user),
            "projects": selectors.project_list_for_user(request.user).count(),
        },
    )


@no_personal_data
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list_for_user(request.user)
    sectors = choices_in_use(Project.Sector.choices, projects.values_list("sector", flat=True))
    sector = request.GET.get("sector", "")
    if sector in dict(sectors):
        projects = projects.filter(sector=sector)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/project_list.html",
        {"page": page, "sector": sector, "sectors": sectors},
    )


@no_personal_data
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        project = selectors.project_list_for_user(request.user).get(code=code)
    except Project.DoesNotExist as exc:
        raise Http404("No such project.") from exc
    progress = list(project.progress.all())
    return render(
        request,
        "housing/project_detail.html",
        {
            "project": project,
            "progress_chart": progress_chart(progress),
            "has_progress": bool(progress),
            "warnings": project_site_warnings(project),
            "buildings": project.buildings.select_related("settlement"),
            "units": [
                (HousingUnit.Status(status).label, n)
                for status, n in selectors.units_by_status(
                    HousingUnit.objects.filter(building__project=project)
                ).items()
            ],
        },
    )


@no_personal_data
def settlement_housing(request: HttpRequest, code: str) -> HttpResponse:
    try:
        settlement = places_selectors.settlement_get(code)
    except Settlement.DoesNotExist as exc:
        raise Http404("No such settlement.") from exc
    units = selectors.unit_list_for_user(request.user).filter(building__settlement=settlement)
    rooms = [str(n) for n in units.order_by("rooms").values_list("rooms", flat=True).distinct()]
    filters = {
        "status": request.GET.get("status", ""),
        "rooms": request.GET.get("rooms", ""),
        "step_free": request.GET.get("step_free", ""),
    }
    if filters["status"] in HousingUnit.Status.values:
        units = units.filter(status=filters["status"])
    if filters["rooms"].isdigit():
        units = units.filter(rooms=int(filters["rooms"]))
    if filters["step_free"] == "yes":
        units = units.filter(step_free=True)
    page = Paginator(units.order_by("building__code", "number"), 100).get_page(
        request.GET.get("page")
    )
    template = "housing/_unit_rows.html" if request.htmx else "housing/settlement_housing.html"
    return render(
        request,
        template,
        {
            "settlement": settlement,
            "page": page,
            "filters": filters,
            "statuses": HousingUnit.Status.choices,
            "rooms": rooms,
            "readiness": selectors.settlement_return_readiness(settlement),
        },
    )
