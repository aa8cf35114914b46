"""What-if at national scale: two policy versions compared on 250,000 households.

    python bench/bench_whatif.py [--households 250000] [--units 100000] [--repeat 3]
    python bench/bench_whatif.py --quick

Generates the facts of a registry in columns, as ``returns.policy.household_facts`` reads
them — 15 districts, 2,000 settlements of uneven size, households of 1–8 people, 30 % in
collective accommodation, some with vulnerable members, displaced 1 to 34 years ago, about
60 % verified and wishing to return, land released around 90 % of the settlements — and the
ready units (as ``bench_planner.py``: not where the households are). Version A is version 1
as migrated from the settings (15 per vulnerable member, 10 for collective accommodation, 2
per member, 1 per year displaced); version B weighs collective accommodation 40. Times
both versions' verdicts (``policy_verdicts``) and ``returns.whatif.compare`` — both
allocations solved to the proven optimum with their explanations, who changes, the rank
movements and the fairness tables — the best of ``--repeat`` runs, facts already in memory
(reading them from the database is not included). Prints a Markdown section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

import django
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
django.setup()

from homecoming.programmes import language  # noqa: E402 (Django set up above)
from homecoming.programmes.defaults import first_policy  # noqa: E402
from homecoming.programmes.models import PolicyVersion, Programme  # noqa: E402
from homecoming.registry.models import COLLECTIVE  # noqa: E402
from homecoming.returns import whatif  # noqa: E402
from homecoming.returns.policy import Facts, policy_verdicts  # noqa: E402

DISTRICTS, SETTLEMENTS = 15, 2_000
HOUSEHOLD_SIZES = [0.12, 0.16, 0.19, 0.2, 0.15, 0.1, 0.05, 0.03]  # 1..8 people
UNIT_ROOMS = [0.08, 0.27, 0.35, 0.2, 0.07, 0.03]  # 1..6 rooms
ACCOMMODATION = {"rented": 0.45, "with_relatives": 0.2, "hostel": 0.12, "dormitory": 0.08,
                 "sanatorium": 0.05, "administrative_building": 0.05, "other": 0.05}  # fmt: skip
TARGET_SECONDS = 5.0
QUICK = {"households": 10_000, "units": 4_000, "repeat": 1}


def registry(households: int, seed: int = 7) -> Facts:
    """The facts of a national registry in columns, as ``household_facts`` reads them."""
    rng = np.random.default_rng(seed)
    district = rng.integers(DISTRICTS, size=SETTLEMENTS)
    popularity = rng.pareto(1.5, SETTLEMENTS) + 0.2
    place = rng.choice(SETTLEMENTS, size=households, p=popularity / popularity.sum())
    size = rng.choice(8, size=households, p=HOUSEHOLD_SIZES) + 1
    accommodation = rng.choice(
        np.array(list(ACCOMMODATION)), size=households, p=list(ACCOMMODATION.values())
    )
    verified = rng.random(households) < 0.8
    intention = np.where(rng.random(households) < 0.75, "return_now", "return_later")
    head = rng.random(households) < 0.97
    disabled = rng.binomial(size, 0.03)
    # Land released around most settlements; a few lack a required service.
    released = rng.random(SETTLEMENTS) < 0.9
    services = rng.random((SETTLEMENTS, len(language.SERVICES))) < 0.97
    columns = {
        "household.members": size,
        "household.vulnerable_members": np.maximum(disabled, rng.binomial(size, 0.05)),
        "household.collective_accommodation": np.isin(accommodation, list(COLLECTIVE)),
        "household.accommodation": accommodation,
        "household.years_displaced": rng.integers(1, 35, size=households),
        "household.registered_years": rng.integers(0, 10, size=households),
        "household.intention": intention,
        "household.status": np.where(verified, "verified", "registered"),
        "household.verified": verified,
        "household.consent": rng.random(households) < 0.5,
        "household.duplicate_under_review": rng.random(households) < 0.01,
        "head.recorded": head,
        "head.age": np.where(head, rng.integers(18, 90, size=households), 0),
        "head.sex": np.where(head, rng.choice(np.array(["male", "female"]), households), ""),
        "members.under_5": rng.binomial(size, 0.08),
        "members.under_18": rng.binomial(size, 0.25),
        "members.aged_60_or_more": rng.binomial(size, 0.15),
        "members.female": rng.binomial(size, 0.5),
        "members.with_disability": disabled,
        "members.with_chronic_illness": rng.binomial(size, 0.04),
        "members.pregnant": rng.binomial(size, 0.02),
        "origin.land_released": released[place],
        "origin.services": services[place],
        "origin.settlement": np.char.add("S", place.astype("U4")),
        "origin.district": np.char.add("D", district[place].astype("U2")),
    }
    return Facts(
        today=dt.date(2026, 12, 6),
        ids=np.arange(1, households + 1),
        programmes=np.ones(households, np.int64),
        settlements=place.astype(np.int64),
        columns=columns,
        settlement_codes={s: f"S{s}" for s in range(SETTLEMENTS)},
    )


def units(count: int, seed: int = 11) -> list[dict]:
    rng = np.random.default_rng(seed)
    district = np.random.default_rng(7).integers(DISTRICTS, size=SETTLEMENTS)
    place = rng.choice(SETTLEMENTS, size=count)
    rooms = rng.choice(6, size=count, p=UNIT_ROOMS) + 1
    step_free = rng.random(count) < 0.15
    return [
        {
            "id": f"U{j:07d}",
            "settlement": f"S{s}",
            "district": f"D{district[s]}",
            "rooms": int(r),
            "step_free": bool(f),
        }
        for j, (s, r, f) in enumerate(zip(place, rooms, step_free, strict=True))
    ]


def versions() -> tuple[PolicyVersion, PolicyVersion]:
    """Version 1 as migrated from the settings, and a draft weighing collective
    accommodation 40 (not saved: the verdicts read only their fields)."""
    programme = Programme(code="bench", name="Bench", kind=Programme.Kind.IDP_RETURN)
    a = PolicyVersion(programme=programme, **first_policy())
    b = PolicyVersion(programme=programme, **(first_policy() | {"number": 2, "status": "draft"}))
    b.priority_factors = [
        f | {"weight": 40} if f["key"] == "collective_accommodation" else f
        for f in b.priority_factors
    ]
    return a, b


def run(facts: Facts, ready: list[dict], scope: str) -> dict:
    solves = []
    allocate = whatif._allocate

    def timed(*args, **kwargs):  # compare's two solves, timed where compare makes them
        begin = time.perf_counter()
        plan = allocate(*args, **kwargs)
        solves.append(time.perf_counter() - begin)
        return plan

    a, b = versions()
    whatif._allocate = timed
    try:
        start = time.perf_counter()
        households = whatif.population(facts)
        sides = whatif.side(policy_verdicts(a, facts)), whatif.side(policy_verdicts(b, facts))
        verdicts_done = time.perf_counter()
        comparison = whatif.compare(households, *sides, units=ready, scope=scope)
        done = time.perf_counter()
    finally:
        whatif._allocate = allocate
    return {
        "verdicts": verdicts_done - start,
        "compare": done - verdicts_done,
        "total": done - start,
        "solves": solves,
        "comparison": comparison,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--scopes", default="district,settlement")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    parser.add_argument("--quick", action="store_true", help=f"smoke test: {QUICK}")
    args = parser.parse_args()
    if args.quick:
        args.households, args.units, args.repeat = (
            QUICK["households"],
            QUICK["units"],
            QUICK["repeat"],
        )
    facts = registry(args.households)
    ready = units(args.units)
    rows = []
    for scope in args.scopes.split(","):
        runs = [run(facts, ready, scope) for _ in range(args.repeat)]
        rows.append((scope, min(runs, key=lambda r: r["total"])))
    report(args, rows)


def report(args: argparse.Namespace, rows: list) -> None:
    load = os.getloadavg()
    print("## What-if: two policy versions side by side\n")
    print(
        f"`python bench/bench_whatif.py` — {args.households:,} households in 15 districts and "
        f"2,000 settlements, {args.units:,} ready units; version B weighs collective "
        "accommodation 40 instead of 10. *Verdicts* are `returns.policy.policy_verdicts` under "
        "both versions on the households' facts (generated in memory as `household_facts` "
        "reads them; reading them from the database is not included); then "
        "`returns.whatif.compare`: both allocations solved to the proven optimum with an "
        "explanation for every household, who changes and why, rank movements and the "
        "fairness tables (7 groupings). Best of "
        f"{args.repeat} run(s); {os.cpu_count()} cores, load average at the end "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (other sessions may share the machine). "
        "Peak memory is the process's maximum resident size.\n"
    )
    print(
        "| scope | verdicts A and B | both allocations (A, B) | the comparison | total "
        "| reference | eligible | housed A → B | gained / lost a home | moved up / down |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for scope, best in rows:
        c = best["comparison"]
        solves = sum(best["solves"])
        verdict = "under" if best["total"] < TARGET_SECONDS else "OVER"
        print(
            f"| {scope} | {best['verdicts']:.2f} s | {solves:.2f} s ({best['solves'][0]:.2f}, "
            f"{best['solves'][1]:.2f}) | {best['compare'] - solves:.2f} s | "
            f"**{best['total']:.2f} s** | target {TARGET_SECONDS:.0f} s: {verdict} | "
            f"{c.eligible[0]:,} | {c.housed[0]:,} → {c.housed[1]:,} | {c.gained:,} / {c.lost:,} "
            f"| {c.moved_up:,} / {c.moved_down:,} |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "\n*Both allocations* include building the planner's records from the verdicts; "
        "*the comparison* is the rest: ranks, who changes, homes gained and lost, fairness. "
        f"Peak {peak:,.0f} MiB.\n"
    )


if __name__ == "__main__":
    main()
