from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext

from homecoming.accounts.access import (
    ACCESS_LOG_VIEW,
    HISTORY_VIEW,
    HOUSEHOLD_VIEW,
    PROGRAMME_VIEW,
    RETURN_PLAN,
    Can,
    Scope,
    user_can,
)
from homecoming.registry.models import Household
from homecoming.site.imports import import_kinds_for


def shell(request: HttpRequest) -> dict:
    """What the page frame needs: which sections to show and whether the data is synthetic."""
    user = getattr(request, "user", None)
    return {
        "nav_households": bool(user) and user_can(user, HOUSEHOLD_VIEW),
        "nav_returns": bool(user) and user_can(user, RETURN_PLAN),
        "nav_programmes": bool(user) and user_can(user, PROGRAMME_VIEW),
        "nav_access_log": bool(user) and user_can(user, ACCESS_LOG_VIEW),
        "nav_imports": bool(user) and bool(import_kinds_for(user)),
        # Record pages offer their audit trail (core/_history.html) to those who may read it.
        "can_read_history": bool(user) and user_can(user, HISTORY_VIEW),
        # Links to pages that need a rule or a district: {% if can.household_change %},
        # {% if record.district_id in scope %} (accounts/access.py).
        "can": Can(user),
        "scope": Scope(user),
        "synthetic_data": Household.objects.filter(is_synthetic=True).exists(),
        "map_settings": {
            # The offline base layer (core/static/homecoming/basemap/README.md).
            "basemap": static("homecoming/basemap/caucasus.geojson"),
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "detailUrl": reverse("places:settlement_list"),
            "hazardUrl": reverse("mineaction:hazard_list"),
            "labels": {
                "approximate": gettext("approximate position"),
                "countries": {
                    "Azerbaijan": gettext("Azerbaijan"),
                    "Armenia": gettext("Armenia"),
                    "Georgia": gettext("Georgia"),
                    "Iran": gettext("Iran"),
                    "Russia": gettext("Russia"),
                    "Turkey": gettext("Türkiye"),
                },
            },
        },
    }
