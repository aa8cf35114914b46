"""GeoJSON geometry checks, in WGS84 longitude/latitude as GeoJSON says."""

from __future__ import annotations

from pyproj import Geod
from shapely import geometry as shp
from shapely.validation import explain_validity

_WGS84 = Geod(ellps="WGS84")


class GeometryError(ValueError):
    pass


def parse_geometry(data: object, *, kinds: tuple[str, ...]) -> dict:
    """Return ``data`` as a GeoJSON geometry dict when it is valid, else raise GeometryError.

    A Feature is unwrapped to its geometry. Coordinates must lie in WGS84 range and
    polygons must not intersect themselves.
    """
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in kinds:
        raise GeometryError(f"must be a GeoJSON {' or '.join(kinds)}")
    try:
        shape = shp.shape(data)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(f"has malformed coordinates ({exc})") from exc
    if shape.is_empty:
        raise GeometryError("is empty")
    minx, miny, maxx, maxy = shape.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise GeometryError("has coordinates outside longitude -180…180 / latitude -90…90")
    if not shape.is_valid:
        raise GeometryError(f"is not a valid {data['type']}: {explain_validity(shape)}")
    return {"type": data["type"], "coordinates": data["coordinates"]}


def geodesic_area_m2(geometry: dict) -> float:
    """The area of a GeoJSON (Multi)Polygon on the WGS84 ellipsoid, in square metres."""
    area, _perimeter = _WGS84.geometry_area_perimeter(shp.shape(geometry))
    return abs(area)
