"""Make the maps' offline base layer: Azerbaijan and its neighbours from Natural Earth.

Reads ``countries-10m.json`` (TopoJSON) from the npm package world-atlas (ISC licence; the
data is Natural Earth's 1:10m Admin 0 countries, public domain), keeps the countries around
Azerbaijan, simplifies their borders (Douglas-Peucker, shared borders simplified once so that
neighbours still meet), clips them to a box around the South Caucasus and writes GeoJSON:

    npm pack world-atlas@2.0.2
    python scripts/make_basemap.py world-atlas-2.0.2.tgz \
        homecoming/core/static/homecoming/basemap/caucasus.geojson

The result is committed with a note beside it (basemap/README.md); run again only to change
the countries, the box or the tolerance.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

# Each country kept, with where its name goes on the map (lon, lat: inside the box and the
# country; checked below).
COUNTRIES = {
    "Azerbaijan": (48.3, 40.5),
    "Armenia": (44.8, 40.45),
    "Georgia": (44.2, 41.95),
    "Iran": (47.3, 38.3),
    "Russia": (47.0, 42.25),
    "Turkey": (43.5, 39.6),
}
# West, south, east, north (degrees): the South Caucasus with the Caspian shore.
BOX = (43.0, 37.6, 51.2, 42.4)
TOLERANCE = 0.004  # degrees, about 400 m: finer than the data's own 1:10m detail
DECIMALS = 3  # about 100 m

Point = tuple[float, float]


def decoded_arcs(topology: dict) -> list[list[Point]]:
    """TopoJSON's quantized, delta-encoded arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplified(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker; the ends stay, so arcs shared by two countries still join."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring(arcs: list[list[Point]], indices: list[int]) -> list[Point]:
    """A polygon ring from its arcs (``~i`` is arc ``i`` reversed)."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points


def clipped(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland-Hodgman: the part of a ring inside the box (edges along it where cut)."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: cross_y(a, b, north)),
    )
    for inside, crossing in edges:
        if not points:
            break
        result: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(crossing(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(crossing(previous, point))
            previous = point
        points = result
    return points


def cross_x(a: Point, b: Point, x: float) -> Point:
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def cross_y(a: Point, b: Point, y: float) -> Point:
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def contains(ring: list[list[float]], point: tuple[float, float]) -> bool:
    """Whether the point lies inside the ring (even-odd rule)."""
    x, y = point
    result = False
    for (ax, ay), (bx, by) in zip(ring, ring[1:], strict=False):
        if (ay > y) != (by > y) and x < ax + (bx - ax) * (y - ay) / (by - ay):
            result = not result
    return result


def basemap(topology: dict) -> dict:
    arcs = [simplified(arc, TOLERANCE) for arc in decoded_arcs(topology)]
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if name not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes = []
        for polygon in polygons:
            rings = [clipped(ring(arcs, r), BOX) for r in polygon]
            rings = [
                [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in r]
                for r in rings
                if len(r) >= 3
            ]
            if rings:
                shapes.append([r + [r[0]] for r in rings])
        if shapes:
            if not any(contains(polygon[0], COUNTRIES[name]) for polygon in shapes):
                raise SystemExit(f"The name of {name} would be placed outside it.")
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": name, "label": list(COUNTRIES[name])},
                    "geometry": {"type": "MultiPolygon", "coordinates": shapes},
                }
            )
    return {
        "type": "FeatureCollection",
        "bbox": list(BOX),
        "features": features,
    }


def main(package: str, output: str) -> None:
    with tarfile.open(package) as archive:
        member = archive.extractfile("package/countries-10m.json")
        if member is None:
            raise SystemExit(f"{package} has no package/countries-10m.json")
        topology = json.load(member)
    Path(output).write_text(json.dumps(basemap(topology), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
