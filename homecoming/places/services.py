"""Writes to places: the places import.

The file gives areas and settlements parent-first; each row names its parent by
code or by name. A row with a code updates that place; a row without one updates
the place of the same name under the same parent, or creates a place with the
next free code. Codes never move to another parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from homecoming.core.tabular import (
    ImportReport,
    Progress,
    Row,
    RowReader,
    Table,
    write_all_or_nothing,
)
from homecoming.core.text import fold
from homecoming.places.models import Area, Settlement
from homecoming.places.search_keys import place_search_key

AREA_LEVELS = [
    Area.Level.COUNTRY,
    Area.Level.ECONOMIC_REGION,
    Area.Level.DISTRICT,
    Area.Level.MUNICIPALITY,
]
SETTLEMENT_PARENT_LEVELS = {Area.Level.DISTRICT, Area.Level.MUNICIPALITY}
CODE_RE = re.compile(r"^[A-Z]{2}(\d\d)*\d{0,3}$")


PLACE_KINDS = [*Area.Level.values, *Settlement.Kind.values]  # the ``kind`` column's values


@dataclass
class _Node:
    """A place known to the import, from the database or from an earlier row."""

    code: str
    level: str  # an area level, or "settlement"
    parent_code: str | None
    names: tuple[str, ...]


@dataclass
class _Planned:
    row: int
    code: str
    kind: str
    parent_code: str | None
    fields: dict
    exists: bool


class _Index:
    def __init__(self) -> None:
        self.by_code: dict[str, _Node] = {}
        self.by_name: dict[str, list[_Node]] = {}

    def add(self, node: _Node) -> None:
        """Know ``node``, replacing what was known under its code (a row updating a place)."""
        old = self.by_code.get(node.code)
        if old:
            for name in {fold(n) for n in old.names if n}:
                self.by_name[name].remove(old)
        self.by_code[node.code] = node
        for name in {fold(n) for n in node.names if n}:
            self.by_name.setdefault(name, []).append(node)

    def areas_named(self, ref: str) -> list[_Node]:
        return [n for n in self.by_name.get(fold(ref), []) if n.level != "settlement"]

    def child_named(self, parent_code: str | None, level: str, name: str) -> _Node | None:
        for node in self.by_name.get(fold(name), []):
            if node.parent_code == parent_code and node.level == level:
                return node
        return None

    def next_code(self, parent_code: str, level: str) -> str:
        width = 3 if level == "settlement" else 2
        taken = [
            int(code[len(parent_code) :])
            for code in self.by_code
            if code.startswith(parent_code) and len(code) == len(parent_code) + width
        ]
        return f"{parent_code}{max(taken, default=0) + 1:0{width}d}"

    @classmethod
    def from_database(cls) -> _Index:
        index = cls()
        for area in Area.objects.select_related("parent").only(
            "code", "level", "name", "name_az", "name_ru", "parent__code"
        ):
            index.add(
                _Node(
                    area.code,
                    area.level,
                    area.parent.code if area.parent else None,
                    (area.name, area.name_az, area.name_ru),
                )
            )
        for s in Settlement.objects.select_related("district", "municipality").only(
            "code", "name", "name_az", "name_ru", "district__code", "municipality__code"
        ):
            parent = s.municipality or s.district
            index.add(_Node(s.code, "settlement", parent.code, (s.name, s.name_az, s.name_ru)))
        return index


def _expected_parent_levels(kind: str) -> set[str]:
    if kind in Settlement.Kind.values:
        return set(SETTLEMENT_PARENT_LEVELS)
    position = AREA_LEVELS.index(kind)
    return {AREA_LEVELS[position - 1]} if position else set()


def _resolve_parent(reader: RowReader, index: _Index, kind: str) -> str | None:
    ref = reader.text("parent", max_length=200)
    expected = _expected_parent_levels(kind)
    if not expected:
        if ref:
            reader.error("parent", "a country has no parent")
        return None
    if not ref:
        reader.error("parent", f"is required for a {kind}")
        return None
    node = index.by_code.get(ref.upper())
    matches = [node] if node else index.areas_named(ref)
    candidates = [c for c in matches if c.level in expected]
    if not candidates:
        levels = " or ".join(sorted(expected))
        reader.error(
            "parent",
            f"{ref!r} is a {matches[0].level}; the parent of a {kind} must be one of: {levels}"
            if matches
            else f"no {levels} {ref!r} exists or comes earlier in the file",
        )
        return None
    if len(candidates) > 1:
        codes = ", ".join(c.code for c in candidates)
        reader.error("parent", f"{ref!r} names several areas ({codes}); give the code")
        return None
    return candidates[0].code


def _plan_row(row: Row, index: _Index, errors: list) -> _Planned | None:
    reader = RowReader(row, errors)
    kind = reader.choice("kind", PLACE_KINDS)
    name = reader.text("name", required=True)
    name_az = reader.text("name_az")
    name_ru = reader.text("name_ru")
    note = reader.text("note", max_length=2000)
    lat = reader.decimal("lat", minimum=-90, maximum=90)
    lon = reader.decimal("lon", minimum=-180, maximum=180)
    precision = reader.text("coordinates").lower()
    if precision not in ("", "exact", "approximate"):
        reader.error("coordinates", f"{precision!r} is not 'exact' or 'approximate'")
    has_lat, has_lon = bool(reader.raw("lat").strip()), bool(reader.raw("lon").strip())
    if has_lat != has_lon:
        reader.error("lon" if has_lat else "lat", "give both latitude and longitude, or neither")
    footprint = reader.geojson("footprint", kinds=("Polygon", "MultiPolygon"))
    if kind is None:
        return None
    is_settlement = kind in Settlement.Kind.values
    if is_settlement and lat is None and reader.ok:
        reader.error("lat", "a settlement needs a point (lat and lon)")
    parent_code = _resolve_parent(reader, index, kind)
    code = _resolve_code(reader, index, kind, name, parent_code)
    if not reader.ok or code is None:
        return None
    level = "settlement" if is_settlement else kind
    exists = code in index.by_code
    index.add(_Node(code, level, parent_code, (name, name_az, name_ru)))
    fields = {
        "name": name,
        "name_az": name_az,
        "name_ru": name_ru,
        "note": note,
        "lat": lat,
        "lon": lon,
        "coordinates_approximate": precision == "approximate",
        "footprint": footprint,
        "search_key": place_search_key(code=code, names=(name, name_az, name_ru)),
    }
    return _Planned(row.number, code, kind, parent_code, fields, exists)


def _resolve_code(
    reader: RowReader, index: _Index, kind: str, name: str, parent_code: str | None
) -> str | None:
    if not reader.ok:
        return None
    level = "settlement" if kind in Settlement.Kind.values else kind
    code = reader.text("code", max_length=20).upper()
    if not code:
        same = index.child_named(parent_code, level, name)
        if same:
            return same.code
        if parent_code is None:
            reader.error("code", "a country needs its two-letter code")
            return None
        return index.next_code(parent_code, level)
    width = 3 if level == "settlement" else 2
    expected_length = len(parent_code) + width if parent_code else 2
    if (
        not CODE_RE.match(code)
        or len(code) != expected_length
        or (parent_code and not code.startswith(parent_code))
    ):
        shape = (
            f"{parent_code} followed by {width} digits" if parent_code else "two capital letters"
        )
        reader.error("code", f"{code!r} does not fit its parent: expected {shape}")
        return None
    known = index.by_code.get(code)
    if known and (known.level != level or known.parent_code != parent_code):
        reader.error(
            "code",
            f"{code} is already a {known.level} under {known.parent_code}; "
            "a code never changes kind or parent",
        )
        return None
    return code


def _write(plans: list[_Planned], progress: Progress | None) -> tuple[int, int]:
    areas = {a.code: a for a in Area.objects.all()}
    created = updated = 0
    for done, plan in enumerate(plans, start=1):
        parent = areas.get(plan.parent_code) if plan.parent_code else None
        if plan.kind in Settlement.Kind.values:
            assert parent is not None
            links = (
                {"municipality": parent, "district": parent.parent}
                if parent.level == Area.Level.MUNICIPALITY
                else {"municipality": None, "district": parent}
            )
            _, was_created = Settlement.objects.update_or_create(
                code=plan.code, defaults={"kind": plan.kind, **links, **plan.fields}
            )
        else:
            area, was_created = Area.objects.update_or_create(
                code=plan.code, defaults={"level": plan.kind, "parent": parent, **plan.fields}
            )
            areas[area.code] = area
        created += was_created
        updated += not was_created
        if progress:
            progress(done, len(plans))
    return created, updated


def places_import(
    *, table: Table, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import areas and settlements from ``table``; all rows or none.

    Columns: ``code, kind, name, name_az, name_ru, parent, lat, lon, coordinates,
    footprint, note`` (documented in docs/data-formats.md).
    """
    report = ImportReport.begin(
        "places", table, dry_run=dry_run, required={"kind", "name", "parent"}
    )
    if report.columns_missing:
        return report
    index = _Index.from_database()
    seen_codes: dict[str, int] = {}
    plans: list[_Planned] = []
    for row in table.rows:
        plan = _plan_row(row, index, report.errors)
        if plan is None:
            continue
        if plan.code in seen_codes:
            RowReader(row, report.errors).error(
                "code", f"{plan.code} is also given on row {seen_codes[plan.code]}"
            )
            continue
        seen_codes[plan.code] = row.number
        plans.append(plan)
    return write_all_or_nothing(report, lambda: _write(plans, progress))
