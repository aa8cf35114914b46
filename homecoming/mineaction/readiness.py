"""Land readiness: is every hazard area around a settlement released?

Plain data in, plain data out (no Django), so that it can be tested on its own and
benchmarked at national scale. A settlement's zone is its footprint, or a circle of
``buffer_m`` metres around its point when it has none. Its land is ready when every
hazard area that intersects the zone — or that the source says touches the
settlement — is released. Hazard areas are found through a spatial index (Shapely's
STRtree), so the cost grows with the number of nearby polygons, not all of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from shapely import STRtree, affinity
from shapely import geometry as shp
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class SettlementZone:
    code: str
    lon: float
    lat: float
    footprint: dict | None = None

    def geometry(self, buffer_m: float) -> BaseGeometry:
        if self.footprint:
            return shp.shape(self.footprint)
        # A circle of buffer_m metres: a unit circle in degrees of latitude, stretched
        # east-west by 1/cos(latitude) so that it is round on the ground.
        radius = buffer_m / METRES_PER_DEGREE_LAT
        circle = shp.Point(self.lon, self.lat).buffer(radius, quad_segs=8)
        return affinity.scale(circle, xfact=1 / math.cos(math.radians(self.lat)), yfact=1)


@dataclass(frozen=True)
class HazardState:
    code: str
    polygon: dict
    released: bool


@dataclass(frozen=True)
class LandVerdict:
    settlement: str
    hazards: tuple[str, ...] = field(default=())  # every hazard area around it, by code
    blocking: tuple[str, ...] = field(default=())  # those not released

    @property
    def ready(self) -> bool:
        return not self.blocking


def land_readiness(
    settlements: Sequence[SettlementZone],
    hazards: Sequence[HazardState],
    *,
    buffer_m: float,
    declared: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, LandVerdict]:
    """The land verdict of each settlement, keyed by settlement code.

    ``declared`` maps a settlement code to hazard codes that the source says touch it,
    whatever their polygons.

    >>> zone = SettlementZone("S1", lon=46.2, lat=40.0)
    >>> square = {"type": "Polygon",
    ...           "coordinates": [[[46.2, 40.0], [46.21, 40.0], [46.21, 40.01], [46.2, 40.0]]]}
    >>> land_readiness([zone], [HazardState("HA-1", square, released=False)], buffer_m=500)
    {'S1': LandVerdict(settlement='S1', hazards=('HA-1',), blocking=('HA-1',))}
    """
    if buffer_m <= 0:
        raise ValueError(f"buffer_m must be positive, got {buffer_m}")
    declared = declared or {}
    shapes = [shp.shape(h.polygon) for h in hazards]
    tree = STRtree(shapes)
    by_code = {h.code: h for h in hazards}
    verdicts = {}
    for settlement in settlements:
        zone = settlement.geometry(buffer_m)
        found = {hazards[i].code for i in tree.query(zone, predicate="intersects")}
        found |= {code for code in declared.get(settlement.code, ()) if code in by_code}
        codes = tuple(sorted(found))
        blocking = tuple(code for code in codes if not by_code[code].released)
        verdicts[settlement.code] = LandVerdict(settlement.code, codes, blocking)
    return verdicts


def land_readiness_pairwise(
    settlements: Sequence[SettlementZone], hazards: Sequence[HazardState], *, buffer_m: float
) -> dict[str, LandVerdict]:
    """The same verdicts by testing every settlement against every polygon.

    The baseline the spatial index is measured against (bench/bench_readiness.py),
    and an independent check of it in the tests.
    """
    shapes = [shp.shape(h.polygon) for h in hazards]
    by_code = {h.code: h for h in hazards}
    verdicts = {}
    for settlement in settlements:
        zone = settlement.geometry(buffer_m)
        codes = tuple(
            sorted(h.code for h, s in zip(hazards, shapes, strict=True) if zone.intersects(s))
        )
        blocking = tuple(c for c in codes if not by_code[c].released)
        verdicts[settlement.code] = LandVerdict(settlement.code, codes, blocking)
    return verdicts
