from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.heritage.models import Monument
from homecoming.heritage.selectors import monument_list


def monuments(request: HttpRequest) -> HttpResponse:
    return render(request, "heritage/monument_list.html", {"monuments": monument_list()})


def monument_detail(request: HttpRequest, registry_number: str) -> HttpResponse:
    try:
        monument = monument_list().get(registry_number=registry_number)
    except Monument.DoesNotExist as exc:
        raise Http404("No such monument.") from exc
    return render(
        request,
        "heritage/monument_detail.html",
        {"monument": monument, "inspections": monument.inspections.order_by("-date", "-id")},
    )
