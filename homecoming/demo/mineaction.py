"""Synthetic mine-action records for the demo, loaded through the real imports.

Hazard areas lie around the demo settlements. The settlements that received
returnees in 2025 (Kalbajar city, Khojaly city, Ballija…) have all their hazard
areas released; a few first-phase villages still have one blocking, in the states
listed in ``BLOCKED``, so that the demo shows both verdicts. Weekly device reports
add up, in the week the sources report, to the published totals (100 anti-personnel
mines, 35 anti-tank mines, 1,661 UXO reported on 2025-09-29); the casualties add up
to the published 65 killed and 289 injured since November 2020. Everything else is
invented and labelled synthetic in the ``source`` of each record.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from pathlib import Path

from django.db.models import QuerySet

from homecoming.core.tabular import Table
from homecoming.demo.synthetic import (
    import_table,
    offset,
    polygon_around,
    random_day,
    release_activity,
    released_activities,
)
from homecoming.places.models import Settlement

DATA_DIR = Path(__file__).resolve().parent / "data"

SOURCE = "Synthetic demo data"
# Settlement → (method of the activity under way, share of the blocking area released).
BLOCKED = {
    "Zar": ("clearance", 0.6),
    "Vang": (None, 0.0),
    "Ganlikend": ("technical_survey", 0.3),
    "Moz": (None, 0.0),
    "Qizilhajili": ("clearance", 0.85),
    "Yukhari Ayrim": ("non_technical_survey", 0.0),
}
PUBLISHED_WEEK = dt.date(2025, 9, 22)  # the week of ANAMA's update of 2025-09-29
PUBLISHED_WEEK_TOTALS = {"ap_mines": 100, "at_mines": 35, "uxo": 1661, "axo": 0}
PUBLISHED_VICTIMS = {"killed": 65, "injured": 289}


def return_area_settlements() -> QuerySet[Settlement]:
    """The demo's settlements people return to, without the host cities they live in now."""
    with (DATA_DIR / "host-places.csv").open(encoding="utf-8") as handle:
        hosts = {row["name"] for row in csv.DictReader(handle) if row["kind"] == "district"}
    return Settlement.objects.exclude(district__name__in=hosts)


def _near_any(point: tuple[float, float], others: list[tuple[float, float]], metres: float) -> bool:
    lat, lon = point
    return any(
        math.hypot((lat - o_lat) * 111_320, (lon - o_lon) * 111_320 * math.cos(math.radians(lat)))
        < metres
        for o_lat, o_lon in others
    )


def demo_mine_action_tables(*, seed: int, today: dt.date) -> list[tuple[str, Table]]:
    """The four import tables of the demo's mine-action records, in import order."""
    from homecoming.core.geometry import geodesic_area_m2

    rng = random.Random(seed)
    hazards, activities = [], []
    number = 0
    settlements = list(return_area_settlements().select_related("district").order_by("code"))
    points = [(float(s.lat), float(s.lon)) for s in settlements]
    for settlement in settlements:
        lat, lon = float(settlement.lat), float(settlement.lon)
        blocked = BLOCKED.get(settlement.name)
        # Near ones count for readiness (within the 1 km zone); far ones do not.
        near = [(rng.uniform(150, 700), rng.uniform(120, 260)) for _ in range(rng.randint(1, 3))]
        far = [(rng.uniform(3000, 6000), rng.uniform(150, 450)) for _ in range(rng.randint(0, 2))]
        for index, (distance, radius) in enumerate(near + far):
            centre = offset(lat, lon, distance, rng.uniform(0, 2 * math.pi))
            if index >= len(near) and _near_any(centre, points, 2500):
                continue  # a far area must not fall into another settlement's zone
            number += 1
            code = f"HA-{number:04d}"
            polygon = polygon_around(rng, *centre, radius)
            hazards.append(
                {
                    "code": code,
                    "kind": rng.choice(["suspected", "confirmed"]),
                    "contamination": "; ".join(
                        rng.sample(["ap_mines", "at_mines", "uxo"], rng.randint(1, 3))
                    ),
                    "district": settlement.district.code,
                    "settlements": settlement.code if index < len(near) else "",
                    "geometry": json.dumps(polygon),
                    "blocked_land_use": rng.choice(
                        ["housing", "housing; roads", "agriculture", "water; infrastructure"]
                    ),
                    "priority": "high" if index < len(near) else rng.choice(["medium", "low"]),
                    "source": SOURCE,
                    "info_date": "2021-02-15",
                }
            )
            area = geodesic_area_m2(polygon)
            if blocked and index == 0:
                method, share = blocked
                if method:
                    column = {
                        "clearance": "cleared_m2",
                        "technical_survey": "reduced_m2",
                        "non_technical_survey": "cancelled_m2",
                    }[method]
                    start = today - dt.timedelta(days=rng.randint(30, 120))
                    activities.append(
                        release_activity(
                            f"{code}-{method[:2].upper()}",
                            code,
                            method,
                            start,
                            None,
                            "ongoing",
                            {column: math.ceil(area * share)},
                        )
                    )
            elif index < len(near) or rng.random() < 0.3:
                activities += released_activities(rng, code, area, today)
    return [
        ("hazards", import_table("demo-hazards", hazards)),
        ("landrelease", import_table("demo-landrelease", activities)),
        ("devices", import_table("demo-devices", _device_reports(rng, today))),
        ("casualties", import_table("demo-casualties", _casualties(rng, today))),
    ]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _device_reports(rng: random.Random, today: dt.date) -> list[dict]:
    districts = list(
        return_area_settlements().order_by().values_list("district__code", flat=True).distinct()
    )
    districts.sort()
    rows = []
    week = dt.date(2024, 1, 1)
    while week + dt.timedelta(days=6) <= today:
        published = week == PUBLISHED_WEEK
        totals = (
            PUBLISHED_WEEK_TOTALS
            if published
            else {
                "ap_mines": rng.randint(40, 160),
                "at_mines": rng.randint(10, 60),
                "uxo": rng.randint(700, 2200),
                "axo": rng.randint(0, 40),
            }
        )
        shares = {kind: _split(rng, total, len(districts)) for kind, total in totals.items()}
        for index, district in enumerate(districts):
            rows.append(
                {
                    "reference": f"W{week:%G-%V}-{district}",
                    "district": district,
                    "week": week.isoformat(),
                    "activity": "",
                    **{kind: str(shares[kind][index]) for kind in totals},
                    "source": "ANAMA weekly update of 2025-09-29 (totals as published; split by "
                    "district synthetic)"
                    if published
                    else SOURCE,
                }
            )
        week += dt.timedelta(days=7)
    return rows


def _casualties(rng: random.Random, today: dt.date) -> list[dict]:
    districts = list(
        return_area_settlements().order_by().values_list("district__code", flat=True).distinct()
    )
    outcomes = ["killed"] * PUBLISHED_VICTIMS["killed"] + ["injured"] * PUBLISHED_VICTIMS["injured"]
    rng.shuffle(outcomes)
    rows, number = [], 0
    last = min(today, dt.date(2025, 10, 31))
    while outcomes:
        number += 1
        size = rng.choice([1, 1, 1, 2, 2, 3])
        victims, outcomes = outcomes[:size], outcomes[size:]
        date = random_day(rng, dt.date(2020, 11, 10), last)
        district = rng.choice(sorted(districts))
        device = rng.choice(["ap_mine", "ap_mine", "at_mine", "uxo", "unknown"])
        group = rng.choice(["civilian", "civilian", "deminer", "military"])
        for outcome in victims:
            rows.append(
                {
                    "accident": f"ACC-{number:04d}",
                    "date": date.isoformat(),
                    "district": district,
                    "settlement": "",
                    "device": device,
                    "outcome": outcome,
                    "group": group,
                    "age_group": rng.choice(["adult", "adult", "adult", "child", "unknown"]),
                    "sex": rng.choice(["male", "male", "male", "female"]),
                    "source": "Synthetic (totals match the published 65 killed, 289 injured since "
                    "November 2020)",
                }
            )
    return rows
