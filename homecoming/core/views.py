from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from homecoming.accounts.access import HOUSEHOLD_VIEW, district_scope, user_can
from homecoming.accounts.personal import no_personal_data
from homecoming.core.charts import chart
from homecoming.places.models import Area, Settlement
from homecoming.registry.selectors import household_list_for_user
from homecoming.returns.selectors import pipeline


@no_personal_data
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = district_scope(user)
    districts = Area.objects.filter(level=Area.Level.DISTRICT)
    funnel = pipeline(household_list_for_user(user)) if user_can(user, HOUSEHOLD_VIEW) else []
    context = {
        "funnel_chart": chart(
            [
                {
                    "type": "funnel",
                    "y": [str(_(step)) for step, _n in funnel],
                    "x": [n for _step, n in funnel],
                    "textinfo": "value+percent initial",
                }
            ],
            y_title="",
        )
        if funnel
        else None,
        "districts": districts.count(),
        "settlements": Settlement.objects.count(),
        "my_districts": None if scope is None else districts.filter(pk__in=scope).order_by("name"),
        "households": household_list_for_user(user).count()
        if user_can(user, HOUSEHOLD_VIEW)
        else None,
    }
    return render(request, "core/home.html", context)


@no_personal_data
@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make demo`'s wait: the app answers and reaches its database."""
    Area.objects.exists()
    return JsonResponse({"status": "ok", "database": settings.DATABASES["default"]["ENGINE"]})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 as JSON under /api/ (API clients parse it), as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
