from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from homecoming.accounts.personal import no_personal_data
from homecoming.core.charts import chart
from homecoming.housing import selectors
from homecoming.housing.models import HousingUnit, Project
from homecoming.housing.services import project_site_warnings
from homecoming.places import selectors as places_selectors
from homecoming.places.models import Settlement


@no_personal_data
def overview(request: HttpRequest) -> HttpResponse:
    finance = selectors.finance_by_district_and_sector(request.user)
    districts = sorted({row.district for row in finance})
    sectors = sorted({row.sector for row in finance})
    funnel = selectors.housing_funnel(request.user)
    status_labels = dict(HousingUnit.Status.choices)

    def total(rows, field):
        return round(sum(getattr(r, field) for r in rows) / 1e6, 2)

    amounts = [("budget", _("budget")), ("disbursed", _("disbursed")), ("spent", _("spent"))]
    charts = {
        "finance-district-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": districts,
                    "y": [total([r for r in finance if r.district == d], field) for d in districts],
                }
                for field, label in amounts
            ],
            y_title=_("millions"),
        ),
        "finance-sector-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": sectors,
                    "y": [total([r for r in finance if r.sector == s], field) for s in sectors],
                }
                for field, label in amounts
            ],
            y_title=_("millions"),
        ),
        "progress-chart": chart(
            [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": sector,
                    "x": [m for m, _v in series],
                    "y": [v for _m, v in series],
                }
                for sector, series in selectors.progress_by_sector(request.user).items()
            ],
            y_title=_("mean physical progress (%)"),
        ),
        "funnel-chart": chart(
            [
                {
                    "type": "funnel",
                    "name": district,
                    "y": [str(status_labels[s]) for s in selectors.FUNNEL],
                    "x": [counts[s] for s in selectors.FUNNEL],
                    "textinfo": "value",
                }
                for district, counts in funnel.items()
            ],
            y_title="",
        ),
    }
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
    sector = request.GET.get("sector", "")
    if sector in Project.Sector.values:
        projects = projects.filter(sector=sector)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/project_list.html",
        {"page": page, "sector": sector, "sectors": Project.Sector.choices},
    )


@no_personal_data
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        project = selectors.project_list_for_user(request.user).get(code=code)
    except Project.DoesNotExist as exc:
        raise Http404("No such project.") from exc
    progress = list(project.progress.all())
    spec = chart(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("physical progress"),
                "x": [p.date.isoformat() for p in progress],
                "y": [p.physical_progress for p in progress],
            }
        ],
        y_title=_("physical progress (%)"),
    )
    return render(
        request,
        "housing/project_detail.html",
        {
            "project": project,
            "progress_chart": spec,
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
            "readiness": selectors.settlement_return_readiness(settlement),
        },
    )
