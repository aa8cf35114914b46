from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homecoming.accounts.access import FIGURES_EDIT, require, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.core.errors import ApplicationError
from homecoming.monitoring import dashboards, selectors, services
from homecoming.monitoring.models import Discrepancy
from homecoming.programmes.models import Programme


@no_personal_data
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


@no_personal_data
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    discrepancies = selectors.discrepancy_list(status=status).select_related(
        "figure_a__area", "figure_a__settlement", "figure_b", "annotated_by"
    )
    return render(
        request,
        "monitoring/discrepancy_list.html",
        {
            "discrepancies": selectors.discrepancies_in_words(discrepancies),
            "status": status,
            "statuses": Discrepancy.Status.choices,
            "can_annotate": user_can(request.user, FIGURES_EDIT),
        },
    )


@no_personal_data
@require_POST
def discrepancy_annotate(request: HttpRequest, discrepancy_id: int) -> HttpResponse:
    require(request.user, FIGURES_EDIT)
    discrepancy = get_object_or_404(Discrepancy, pk=discrepancy_id)
    try:
        services.discrepancy_annotate(
            discrepancy=discrepancy,
            by=request.user,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", "")[:2000],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("monitoring:discrepancy_list")


@no_personal_data
def dashboard(request: HttpRequest) -> HttpResponse:
    """Returns against the targets with the forecast, the pipeline, land, housing, the map;
    the figures drawn from households narrowed to one programme with ``?programme=``."""
    code = request.GET.get("programme", "")[:40]
    programme = Programme.objects.filter(code=code).first() if code else None
    context = dashboards.dashboard_kept(request.user, programme, today=timezone.localdate())
    return render(request, "monitoring/dashboard.html", context | {"programme": programme})


@no_personal_data
@login_not_required
def public_dashboard(request: HttpRequest) -> HttpResponse:
    """The same dashboard for anyone, without signing in: aggregates, small counts suppressed."""
    context = dashboards.dashboard_kept(None, today=timezone.localdate())
    return render(request, "monitoring/public_dashboard.html", context)
