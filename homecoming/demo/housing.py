"""Synthetic reconstruction projects, housing units and utilities for the demo, loaded
through the real imports.

Anchored on what the background documents say: Kalbajar city's first residential
blocks were ready for the cohorts of 2025-09-15 and 2025-09-20 (81 households were
planned for the first cohort); the Yukhari Vang hydropower plant of 22.5 MW was
commissioned in 2024 (an investment of USD 5.9 million is reported for the district's
plants). Amounts, dates and units are otherwise invented, and labelled so. Planning
gets work to do: Kalbajar city has enough homes, Zar too few (its houses are still
being built and its water is not commissioned), and Khojaly city mostly 1-room flats
(one 3-room flat, for the documented family of five) for families that need more.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from dataclasses import dataclass

from homecoming.demo.synthetic import import_table
from homecoming.places.models import Settlement

SOURCE = "Synthetic demo data"


@dataclass(frozen=True)
class DemoProject:
    code: str
    title: str
    sector: str
    settlement: str
    status: str
    start: dt.date
    end: dt.date | None  # actual end when completed, planned end otherwise
    budget: int
    currency: str = "AZN"
    units: tuple[int, ...] = ()  # room counts of the units, one entry per unit
    floors: int = 1
    source: str = SOURCE
    type: str = "new_construction"


def _rooms(pattern: dict[int, int]) -> tuple[int, ...]:
    return tuple(rooms for rooms, count in pattern.items() for _ in range(count))


PROJECTS = [
    DemoProject(
        "KLB-RES-01",
        "Kalbajar city residential blocks, phase 1",
        "housing",
        "Kalbajar city",
        "completed",
        dt.date(2023, 4, 1),
        dt.date(2025, 6, 10),
        48_000_000,
        units=_rooms({1: 10, 2: 30, 3: 40, 4: 16}),
        floors=4,
        source="Completion before the cohorts of 2025-09 (AZERTAC, (reference 105)); "
        "amounts and flats synthetic",
    ),
    DemoProject(
        "KLB-RES-02",
        "Kalbajar city residential blocks, phase 2",
        "housing",
        "Kalbajar city",
        "implementation",
        dt.date(2024, 9, 1),
        dt.date(2027, 6, 30),
        39_000_000,
        units=_rooms({2: 24, 3: 30, 4: 10}),
        floors=4,
    ),
    DemoProject(
        "VNG-HPP-01",
        "Yukhari Vang hydropower plant, 22.5 MW",
        "power",
        "Vang",
        "completed",
        dt.date(2022, 5, 1),
        dt.date(2024, 9, 4),
        5_900_000,
        currency="USD",
        source="(reference 94) Kalbajar as regional green energy source, 2024-09-04; "
        "(reference 111) investment figure",
    ),
    DemoProject(
        "IST-RES-01",
        "Istisu resort settlement houses",
        "housing",
        "Istisu",
        "completed",
        dt.date(2023, 3, 1),
        dt.date(2025, 10, 1),
        9_500_000,
        units=_rooms({2: 6, 3: 10, 4: 4}),
    ),
    DemoProject(
        "ZAR-RES-01",
        "Zar village individual houses",
        "housing",
        "Zar",
        "implementation",
        dt.date(2025, 2, 1),
        dt.date(2027, 3, 31),
        6_200_000,
        units=_rooms({3: 6, 4: 4}),
    ),
    DemoProject(
        "ZAR-WAT-01",
        "Zar village water supply",
        "water",
        "Zar",
        "implementation",
        dt.date(2025, 5, 1),
        dt.date(2026, 12, 31),
        1_800_000,
    ),
    DemoProject(
        "KSD-RES-01",
        "Keshdak village individual houses",
        "housing",
        "Keshdak",
        "completed",
        dt.date(2023, 6, 1),
        dt.date(2025, 8, 15),
        5_100_000,
        units=_rooms({2: 3, 3: 8, 4: 4}),
    ),
    DemoProject(
        "HJK-SCH-01",
        "Hajikend school",
        "school",
        "Hajikend",
        "completed",
        dt.date(2023, 9, 1),
        dt.date(2025, 5, 30),
        2_300_000,
    ),
    DemoProject(
        "QML-RES-01",
        "Qamishli village houses",
        "housing",
        "Qamishli",
        "preparation",
        dt.date(2026, 3, 1),
        dt.date(2028, 6, 30),
        5_600_000,
        units=_rooms({3: 12}),
    ),
    DemoProject(
        "KHJ-RES-01",
        "Khojaly city flats",
        "housing",
        "Khojaly city",
        "completed",
        dt.date(2023, 5, 1),
        dt.date(2025, 3, 20),
        7_400_000,
        units=_rooms({1: 8, 3: 1}),
        floors=2,
    ),
    DemoProject(
        "BLJ-RES-01",
        "Ballija village houses",
        "housing",
        "Ballija",
        "completed",
        dt.date(2023, 4, 1),
        dt.date(2025, 4, 30),
        4_900_000,
        units=_rooms({3: 6, 4: 4}),
    ),
    DemoProject(
        "KHN-REH-01",
        "Khankendi city housing rehabilitation",
        "housing",
        "Khankendi city",
        "completed",
        dt.date(2024, 1, 15),
        dt.date(2025, 6, 30),
        12_000_000,
        units=_rooms({1: 6, 2: 16, 3: 14, 4: 4}),
        floors=5,
        type="rehabilitation",
    ),
    DemoProject(
        "SGV-RES-01",
        "Sugovushan settlement houses",
        "housing",
        "Sugovushan",
        "completed",
        dt.date(2022, 10, 1),
        dt.date(2024, 12, 20),
        14_500_000,
        units=_rooms({2: 14, 3: 30, 4: 16}),
    ),
    DemoProject(
        "KLB-HSP-01",
        "Kalbajar district hospital",
        "health",
        "Kalbajar city",
        "completed",
        dt.date(2022, 6, 1),
        dt.date(2024, 11, 30),
        21_000_000,
    ),
    DemoProject(
        "KLB-RD-01",
        "Kalbajar – Istisu road",
        "road",
        "Istisu",
        "implementation",
        dt.date(2022, 3, 1),
        dt.date(2026, 12, 31),
        64_000_000,
    ),
]

# Services commissioned per settlement (date), and the ones still under way.
SERVICES_COMMISSIONED = {
    "Kalbajar city": [
        "electricity",
        "water",
        "gas",
        "sewerage",
        "school",
        "clinic",
        "internet",
        "public_transport",
    ],
    "Istisu": ["electricity", "water", "school", "clinic"],
    "Keshdak": ["electricity", "water", "school", "clinic"],
    "Khojaly city": ["electricity", "water", "gas", "school", "clinic", "internet"],
    "Ballija": ["electricity", "water", "school", "clinic"],
    "Khankendi city": [
        "electricity",
        "water",
        "gas",
        "sewerage",
        "school",
        "clinic",
        "internet",
        "public_transport",
    ],
    "Sugovushan": ["electricity", "water", "gas", "school", "clinic"],
    "Zar": ["electricity", "school"],
    "Hajikend": ["electricity", "school"],
}
SERVICES_UNDER_WAY = {
    "Zar": ["water", "clinic"],
    "Hajikend": ["water"],
    "Qamishli": ["electricity"],
}


def _quarters(today: dt.date) -> list[dt.date]:
    """The dates of the quarterly project reports from 2022, and today's."""
    days, year, month = [], 2022, 3
    while (day := dt.date(year, month, calendar.monthrange(year, month)[1])) <= today:
        days.append(day)
        year, month = (year + 1, 3) if month == 12 else (year, month + 3)
    return [*days, today] if days[-1:] != [today] else days


def _snapshot(project: DemoProject, settlement: Settlement, day: dt.date, jitter: float) -> dict:
    """The project as its report of ``day`` gives it."""
    completed = project.status == "completed" and project.end <= day
    if day < project.start:
        status, progress = "preparation", 0
    elif completed:
        status, progress = "completed", 100
    else:
        status = project.status if project.status != "completed" else "implementation"
        share = (day - project.start).days / max(1, (project.end - project.start).days)
        progress = max(0, min(99, round(100 / (1 + math.exp(-8 * (share - 0.5))) + jitter)))
    return {
        "code": project.code,
        "title": project.title,
        "sector": project.sector,
        "type": project.type,
        "district": settlement.district.code,
        "settlement": settlement.code,
        "site": "",
        "implementing_organisation": "State Agency for Reconstruction (synthetic)",
        "funding_organisation": "State budget (synthetic)",
        "currency": project.currency,
        "budget": project.budget,
        "committed": project.budget if status != "preparation" else 0,
        "disbursed": round(project.budget * min(1.0, progress / 100 + 0.05)),
        "spent": round(project.budget * progress / 100 * 0.97),
        "amounts_date": day,
        "planned_start": project.start,
        "planned_end": project.end,
        "actual_start": project.start if day >= project.start else "",
        "actual_end": project.end if completed else "",
        "status": status,
        "physical_progress": progress,
        "progress_date": day,
        "source": project.source,
    }


def demo_housing_tables(*, seed: int, today: dt.date) -> list[tuple[str, object]]:
    """Quarterly project reports (each an import of its own), then units and utilities."""
    rng = random.Random(seed)
    settlements = {s.name: s for s in Settlement.objects.select_related("district")}
    tables = []
    for day in _quarters(today):
        rows = [
            _snapshot(p, settlements[p.settlement], day, rng.uniform(-2, 2))
            for p in PROJECTS
            if day >= p.start - dt.timedelta(days=180)
        ]
        if rows:
            tables.append(("projects", import_table(f"demo-projects-{day}", rows)))
    unit_rows = []
    for project in PROJECTS:
        settlement = settlements[project.settlement]
        status = {"completed": "ready", "implementation": "under_construction"}.get(
            project.status, "planned"
        )
        per_building = 16 if project.floors > 1 else 1
        lat, lon = float(settlement.lat), float(settlement.lon)
        for index, rooms in enumerate(project.units):
            block = index // per_building
            floor = 1 + (index % per_building) * project.floors // per_building
            unit_rows.append(
                {
                    "building": f"{project.code}-B{block + 1:02d}",
                    "project": project.code,
                    "settlement": settlement.code,
                    "address": f"{settlement.name}, {'block' if project.floors > 1 else 'house'} "
                    f"{block + 1}",
                    "floors": project.floors,
                    "lat": round(lat + 0.0008 * (block % 6) - 0.002, 6),
                    "lon": round(lon + 0.0011 * (block // 6) - 0.001, 6),
                    "number": str(index % per_building + 1),
                    "floor": floor,
                    "rooms": rooms,
                    "area_m2": round(18 + 17 * rooms + rng.uniform(-4, 6), 1),
                    "step_free": "yes" if floor == 1 else "no",
                    "status": status,
                }
            )
    utility_rows = [
        {
            "settlement": settlements[name].code,
            "service": service,
            "status": "commissioned",
            "commissioned_on": min(
                today, dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 500))
            ),
            "note": "",
            "source": SOURCE,
        }
        for name, services in SERVICES_COMMISSIONED.items()
        for service in services
    ] + [
        {
            "settlement": settlements[name].code,
            "service": service,
            "status": "under_construction",
            "commissioned_on": "",
            "note": "",
            "source": SOURCE,
        }
        for name, services in SERVICES_UNDER_WAY.items()
        for service in services
    ]
    return [
        *tables,
        ("units", import_table("demo-units", unit_rows)),
        ("utilities", import_table("demo-utilities", utility_rows)),
    ]
