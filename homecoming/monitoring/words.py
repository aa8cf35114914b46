"""The figure ledger in the words of the page's language: an indicator's name, a quantity
with its unit, a place. The ledger keeps codes (``relocated_households``, ``persons``) and
places as published; the open data and the API give them as they are (docs/data-formats.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from homecoming.monitoring.models import Figure

# The standard catalogue's indicators (data/indicators.csv), by code; a test keeps the two
# in step. An indicator added later by hand is shown by its name as entered.
INDICATORS = {
    "displaced_persons": gettext_lazy("Displaced persons"),
    "registered_population": gettext_lazy("Registered (displaced) population"),
    "population_before_displacement": gettext_lazy("Population before displacement"),
    "population_census": gettext_lazy("Census population"),
    "resident_population": gettext_lazy("Resident population"),
    "relocated_households": gettext_lazy("Returned households"),
    "relocated_persons": gettext_lazy("Returned persons"),
    "cohort_planned_households": gettext_lazy("Households planned in a cohort"),
    "return_target": gettext_lazy("Return target"),
    "land_released": gettext_lazy("Land released"),
    "devices_ap_mines": gettext_lazy("Anti-personnel mines destroyed"),
    "devices_at_mines": gettext_lazy("Anti-tank mines destroyed"),
    "devices_uxo": gettext_lazy("Unexploded ordnance destroyed"),
    "devices_landmines": gettext_lazy("Landmines destroyed"),
    "mine_casualties_killed": gettext_lazy("Mine casualties killed"),
    "mine_casualties_injured": gettext_lazy("Mine casualties injured"),
    "reconstruction_budget": gettext_lazy("Reconstruction budget"),
    "reconstruction_spent_cumulative": gettext_lazy("Reconstruction spent (cumulative)"),
    "area": gettext_lazy("Area"),
    "villages": gettext_lazy("Villages"),
    "inhabited_localities": gettext_lazy("Inhabited localities"),
}

# Places the sources name that are no place of the register: shown in the page's language
# when the catalogue has them, as published otherwise.
REGIONS = [gettext_noop("Liberated territories")]

_UNITS = {
    "persons": gettext_lazy("persons"),
    "households": gettext_lazy("households"),
    "count": gettext_lazy("count"),
    "km2": "km²",
}


def indicator_name(code: str) -> str:
    """An indicator in words; its code when it is none of the standard catalogue's."""
    return str(INDICATORS.get(code, code))


def unit_name(unit: str) -> str:
    """A unit as a column heads it: "persons", "households"; ha and currencies as they are."""
    return str(_UNITS.get(unit, unit))


def quantity(value: Decimal | float | int | None, unit: str) -> str:
    """A figure with its unit, as a sentence says it: "13,000 persons", "1 household"."""
    if value is None:
        return ""
    shown = floatformat(value, "0g" if value == int(value) else "1g")
    if unit == "persons":
        return ngettext("%(count)s person", "%(count)s persons", int(value)) % {"count": shown}
    if unit == "households":
        return ngettext("%(count)s household", "%(count)s households", int(value)) % {
            "count": shown
        }
    if unit == "count":
        return shown
    return f"{shown} {unit_name(unit)}"


def place_name(figure: Figure) -> str:
    """The place of ``figure``: the register's place in the page's language when the figure
    names one, else the place as published (in the page's language if the catalogue has it)."""
    place = figure.settlement or figure.area
    return place.display_name if place else _(figure.place_label)
