from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from homecoming.accounts.personal import no_personal_data
from homecoming.places import selectors
from homecoming.places.forms import SettlementFilterForm


@no_personal_data
def settlement_list(request: HttpRequest) -> HttpResponse:
    form = SettlementFilterForm(request.GET)
    settlements = selectors.settlement_search(**form.filters())
    page = Paginator(settlements, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "total": page.paginator.count}
    template = "places/_settlement_rows.html" if request.htmx else "places/settlement_list.html"
    return render(request, template, context)


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


@no_personal_data
def settlement_choices(request: HttpRequest) -> HttpResponse:
    """The settlement picker's suggestions: the settlements named by what was typed (the
    ``settlement`` or ``q`` parameter), in any spelling, as options of a datalist, each
    the settlement's name and district (``selectors.picker_label``), which the filters
    read back as that one settlement."""
    text = (request.GET.get("settlement") or request.GET.get("q") or "")[:100]
    return render(
        request,
        "places/_settlement_choices.html",
        {"labels": [selectors.picker_label(s) for s in selectors.settlements_named(text)]},
    )
