"""Reads of places. Places are reference data: every signed-in user may read them all."""

from __future__ import annotations

import operator
import re
from functools import reduce
from typing import TypeVar

from django.db.models import Count, Q, QuerySet

from homecoming.core.choices import choices_in_use, rows_in_use
from homecoming.core.text import fold
from homecoming.places.models import Area, Place, Settlement
from homecoming.places.search_keys import place_query_keys

P = TypeVar("P", bound=Place)


def district_list() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("name")


def districts_with_settlements() -> QuerySet[Area]:
    """The districts that have a settlement: those a list of settlements may be narrowed to."""
    return rows_in_use(district_list(), Settlement.objects.all(), "district")


def settlement_kinds() -> list[tuple[str, str]]:
    """The kinds of settlement (value, label) that some settlement is."""
    return choices_in_use(
        Settlement.Kind.choices, Settlement.objects.values_list("kind", flat=True)
    )


def places_found(places: QuerySet[P], q: str) -> QuerySet[P]:
    """The ``places`` (areas or settlements) that every word of ``q`` finds: a word of any
    of their names in any spelling or script, as typed so far, or a part of their code
    (``search_keys.place_query_keys``)."""
    for keys in place_query_keys(q):
        places = places.filter(reduce(operator.or_, (Q(search_key__contains=key) for key in keys)))
    return places


def settlement_search(*, q: str = "", district: str = "", kind: str = "") -> QuerySet[Settlement]:
    """Settlements found by ``q`` (``places_found``), in the district and of the kind given."""
    settlements = Settlement.objects.select_related("district")
    if district:
        settlements = settlements.filter(district__code=district)
    if kind:
        settlements = settlements.filter(kind=kind)
    return places_found(settlements, q).order_by("district__name", "name")


# A settlement picker offers, and an origin filter takes, at most this many settlements.
SETTLEMENTS_NAMED = 50


def settlements_named(text: str) -> list[Settlement]:
    """The settlements someone means by ``text``: the one with this code, or the one a
    picker's suggestion names (:func:`picker_label`), else those whose any name (English,
    Azerbaijani, Russian) holds every word, in any spelling or script."""
    text = text.strip()
    if not text:
        return []
    exact = list(Settlement.objects.select_related("district").filter(code=text.upper()))
    if exact:
        return exact
    label = re.fullmatch(r"(.+) \(([^()]+)\)", text)
    if label:
        named = settlement_search(q=label.group(1))[:SETTLEMENTS_NAMED]
        picked = [s for s in named if fold(text) in {fold(x) for x in _picker_labels(s)}]
        if picked:
            return picked
    return list(settlement_search(q=text)[:SETTLEMENTS_NAMED])


def picker_label(settlement: Settlement) -> str:
    """What a settlement picker shows, and puts in the field, for ``settlement``: its name
    and its district's in the page's language ("Zar (Kəlbəcər)"), never its code."""
    return f"{settlement.display_name} ({settlement.district.display_name})"


def _picker_labels(settlement: Settlement) -> list[str]:
    """The picker's label of ``settlement`` in every language it has names in."""
    names = [(settlement.name, settlement.district.name)]
    names += [(settlement.name_az or settlement.name, settlement.district.name_az)]
    names += [(settlement.name_ru or settlement.name, settlement.district.name_ru)]
    return [f"{name} ({district or settlement.district.name})" for name, district in names]


def area_get(code: str) -> Area:
    return Area.objects.select_related("parent").get(code=code)


def settlement_get(code: str) -> Settlement:
    return Settlement.objects.select_related("district", "district__parent", "municipality").get(
        code=code
    )


def settlement_counts_by_district() -> dict[int, int]:
    rows = Settlement.objects.values("district_id").annotate(n=Count("id"))
    return {row["district_id"]: row["n"] for row in rows}


def settlements_geojson(settlements: QuerySet[Settlement], *, current: str = "") -> dict:
    """A GeoJSON FeatureCollection of settlement points, with what the map shows on click.

    ``current`` is the code of a settlement to highlight among its neighbours.
    """
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(s.lon), float(s.lat)]},
            "properties": {
                "code": s.code,
                "name": s.name,
                "name_az": s.name_az,
                "name_ru": s.name_ru,
                "kind": s.kind,
                "district": s.district.display_name,
                "approximate": s.coordinates_approximate,
                "current": s.code == current,
            },
        }
        for s in settlements
    ]
    return {"type": "FeatureCollection", "features": features}
