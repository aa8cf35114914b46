from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from homecoming.accounts.access import HOUSEHOLD_EXPORT, require
from homecoming.core.export import csv_response
from homecoming.registry.selectors import (
    household_get_for_user,
    household_list_for_user,
    household_search,
)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "")[:100],
        "settlement": request.GET.get("settlement", "")[:20],
    }


def household_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    households = household_search(household_list_for_user(request.user), **filters)
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(request, template, {"page": page, "filters": filters})


def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_get_for_user(request.user, household_id)
    return render(request, "registry/household_detail.html", {"household": household})


def household_export(request: HttpRequest) -> StreamingHttpResponse:
    """The households of the list, as CSV: the same access and filters as the page."""
    require(request.user, HOUSEHOLD_EXPORT)
    households = household_search(household_list_for_user(request.user), **_filters(request))
    header = [
        "reference",
        "origin_settlement_code",
        "origin_settlement",
        "district",
        "size",
        "accommodation",
        "status",
        "registered_on",
        "synthetic",
    ]
    rows = (
        [
            h.reference,
            h.origin_settlement.code,
            h.origin_settlement.name,
            h.origin_settlement.district.name,
            h.size,
            h.accommodation,
            h.status,
            h.registered_on.isoformat(),
            "yes" if h.is_synthetic else "no",
        ]
        for h in households.iterator(chunk_size=2000)
    )
    return csv_response("households.csv", header, rows)
