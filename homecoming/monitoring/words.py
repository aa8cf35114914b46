"""The figure ledger in the words of the page's language: an indicator's name, a quantity
with its unit, a place. The ledger keeps codes (``relocated_households``, ``persons``) and
places as published; the open data and the API give them as they are (docs/data-formats.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.text import get_text_list
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


# Names of the ratios of data/relations.csv, by (indicator, of); another ratio is said as
# "indicator ÷ of".
RATIOS = {
    ("relocated_persons", "relocated_households"): gettext_lazy("persons per household"),
}

PlaceNames = Mapping[tuple[str, int | str], str]


def _number(value: Decimal) -> str:
    """A ratio as a sentence says it: 9.5, 4.33, 8, in the page's language."""
    value = value.quantize(Decimal("0.01")).normalize()
    return floatformat(value, f"{max(0, -value.as_tuple().exponent)}g")


def _term_place(term: dict, names: PlaceNames) -> str:
    kind, ref = term["place"]
    return names.get((kind, ref)) or (_(ref) if kind == "label" else "")


def _term_value(term: dict) -> str:
    """The figure's number and unit, with its bound when the source gave one ("at least
    40 000 persons"); findings kept before bounds were recorded have none."""
    value = quantity(Decimal(term["value"]), term["unit"])
    bound = term.get("bound", Figure.Bound.EXACT)
    return value if bound == Figure.Bound.EXACT else f"{Figure.Bound(bound).label} {value}"


def _period(term: dict) -> str:
    return term["as_of"] or _("undated")


def _term_source(term: dict) -> str:
    if term["source"] and term["published"]:
        published = date_format(dt.date.fromisoformat(term["published"]), "SHORT_DATE_FORMAT")
        return f"{term['source']}, {published}"
    return term["source"]


def term_in_words(term: dict, names: PlaceNames) -> dict:
    """One figure of a relation's finding: its value, indicator, place, date and source."""
    return {
        "value": _term_value(term),
        "indicator": indicator_name(term["indicator"]),
        "place": _term_place(term, names),
        "as_of": term["as_of"],
        "source": _term_source(term),
        "computed_from": _(term["computed_from"]) if term["computed_from"] else "",
        "computed": term["figure"] is None and not term["source"],
    }


def finding_sentence(kind: str, details: dict, names: PlaceNames) -> str:
    """What a relation's finding says: which figures, which relation, by how much.

    ``names`` gives the places of the terms in the page's language, keyed as the terms
    keep them (("settlement", id), ("area", id))."""
    terms = details["terms"]
    first = terms[0]
    unit = first["unit"]
    place = _term_place(first, names)
    if kind == "parts_sum_above_whole":
        parts = get_text_list(
            [f"{_term_place(t, names)} ({_term_value(t)})" for t in terms[1:]], _("and")
        )
        return _(
            "%(parts)s add up to %(total)s for %(period)s: %(excess)s more than the figure"
            " for %(place)s (%(whole)s), the whole they are part of."
        ) % {
            "parts": parts,
            "total": quantity(Decimal(details["total"]), unit),
            "period": _period(first),
            "excess": quantity(Decimal(details["excess"]), unit),
            "place": place,
            "whole": _term_value(first),
        }
    if kind == "parts_above_total":
        values = {
            "parts": get_text_list(
                [f"{indicator_name(t['indicator'])} ({_term_value(t)})" for t in terms[1:]],
                _("and"),
            ),
            "place": place,
            "period": _period(first),
            "total": quantity(Decimal(details["total"]), unit),
            "excess": quantity(Decimal(details["excess"]), unit),
            "whole_indicator": indicator_name(first["indicator"]),
            "whole": _term_value(first),
        }
        if len(terms) == 2:
            return (
                _(
                    "%(parts)s for %(place)s, %(period)s, is %(excess)s more than"
                    " %(whole_indicator)s (%(whole)s), which includes it."
                )
                % values
            )
        return (
            _(
                "%(parts)s for %(place)s, %(period)s, add up to %(total)s: %(excess)s more than"
                " %(whole_indicator)s (%(whole)s), which includes them."
            )
            % values
        )
    if kind == "cumulative_falls":
        earlier = terms[1]
        return _(
            "%(indicator)s counts everything since the start and cannot fall, yet for"
            " %(place)s it is %(later)s as of %(later_period)s: %(fall)s less than the"
            " %(earlier)s as of %(earlier_period)s."
        ) % {
            "indicator": indicator_name(first["indicator"]),
            "place": place,
            "later": _term_value(first),
            "later_period": _period(first),
            "fall": quantity(Decimal(details["fall"]), unit),
            "earlier": _term_value(earlier),
            "earlier_period": _period(earlier),
        }
    if kind == "ratio_implausible":
        bottom = terms[1]
        ratio = Decimal(details["ratio"])
        high, low = Decimal(details["high"]), Decimal(details["low"])
        values = {
            "numerator": _term_value(first),
            "denominator": _term_value(bottom),
            "place": place,
            "period": _period(first),
            "ratio": _number(ratio),
            "ratio_name": str(
                RATIOS.get(
                    (first["indicator"], bottom["indicator"]),
                    f"({indicator_name(first['indicator'])} ÷ "
                    f"{indicator_name(bottom['indicator'])})",
                )
            ),
            "low": _number(low),
            "high": _number(high),
            "by": _number(ratio - high if ratio > high else low - ratio),
            "source": details["source"],
        }
        if ratio > high:
            return (
                _(
                    "%(numerator)s and %(denominator)s for %(place)s, %(period)s, make"
                    " %(ratio)s %(ratio_name)s: %(by)s above the plausible range of %(low)s"
                    " to %(high)s (%(source)s)."
                )
                % values
            )
        return (
            _(
                "%(numerator)s and %(denominator)s for %(place)s, %(period)s, make"
                " %(ratio)s %(ratio_name)s: %(by)s below the plausible range of %(low)s"
                " to %(high)s (%(source)s)."
            )
            % values
        )
    if kind == "dated_after_publication":
        days = int(details["days"])
        values = {
            "indicator": indicator_name(first["indicator"]),
            "value": _term_value(first),
            "place": place,
            "period": _period(first),
            "days": days,
            "published": date_format(
                dt.date.fromisoformat(first["published"]), "SHORT_DATE_FORMAT"
            ),
        }
        if first["figure"] is None and not first["source"]:
            return (
                ngettext(
                    "The records count %(value)s of %(indicator)s for %(place)s in %(period)s,"
                    " which begins %(days)s day after the day of the check, %(published)s:"
                    " a record dated in the future.",
                    "The records count %(value)s of %(indicator)s for %(place)s in %(period)s,"
                    " which begins %(days)s days after the day of the check, %(published)s:"
                    " a record dated in the future.",
                    days,
                )
                % values
            )
        return (
            ngettext(
                "%(indicator)s for %(place)s, %(value)s, is dated %(period)s, %(days)s day after"
                " it was published on %(published)s: a count cannot be of days still to come.",
                "%(indicator)s for %(place)s, %(value)s, is dated %(period)s, %(days)s days after"
                " it was published on %(published)s: a count cannot be of days still to come.",
                days,
            )
            % values
        )
    return ""
