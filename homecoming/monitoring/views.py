from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.monitoring import selectors


def figure_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "indicator": request.GET.get("indicator", "")[:64],
        "place": request.GET.get("place", "")[:200],
    }
    page = Paginator(selectors.figure_list(**filters), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/figure_list.html",
        {
            "page": page,
            "filters": filters,
            "indicators": selectors.indicator_codes(),
        },
    )
