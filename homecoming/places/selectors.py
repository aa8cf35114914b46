"""Reads of places. Places are reference data: every signed-in user may read them all."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from homecoming.core.text import fold
from homecoming.places.models import Area, Settlement


def district_list() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("name")


def settlement_search(*, q: str = "", district: str = "", kind: str = "") -> QuerySet[Settlement]:
    """Settlements whose any name or code contains every word of ``q``, in any case or accent."""
    settlements = Settlement.objects.select_related("district")
    if district:
        settlements = settlements.filter(district__code=district)
    if kind:
        settlements = settlements.filter(kind=kind)
    for word in fold(q).split():
        settlements = settlements.filter(search_key__contains=word)
    return settlements.order_by("district__name", "name")


# A settlement picker offers, and an origin filter takes, at most this many settlements.
SETTLEMENTS_NAMED = 50


def settlements_named(text: str) -> list[Settlement]:
    """The settlements someone means by ``text``: the one with this code, else those whose
    any name (English, Azerbaijani, Russian) holds every word, in any case or accent."""
    text = text.strip()
    if not text:
        return []
    exact = list(Settlement.objects.select_related("district").filter(code=text.upper()))
    return exact or list(settlement_search(q=text)[:SETTLEMENTS_NAMED])


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
                "district": s.district.name,
                "approximate": s.coordinates_approximate,
                "current": s.code == current,
            },
        }
        for s in settlements
    ]
    return {"type": "FeatureCollection", "features": features}
