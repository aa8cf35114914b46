"""What-if at national scale: two policy versions compared on 250,000 households.

    python bench/bench_whatif.py [--households 250000] [--units 100000] [--repeat 3]
    python bench/bench_whatif.py --quick

Generates a deterministic registry in columns — 15 districts, 2,000 settlements of uneven
size, households of 1–8 people, a fifth in collective accommodation, some with vulnerable
members, displaced 1 to 34 years ago, about 60 % verified and wishing to return — and the
ready units (as ``bench_planner.py``: not where the households are). Version A is the
policy in force (weights 15 per vulnerable member, 10 for collective accommodation, 2 per
member, 1 per year displaced); version B weighs collective accommodation 40. Times
``returns.whatif.compare`` — both verdicts, both allocations solved to the proven optimum
with their explanations, the eligibility changes, the rank movements and the fairness
tables — with its phases, the best of ``--repeat`` runs, facts already in memory (a
page reads them from the registry once). Prints a Markdown section.
"""

from __future__ import annotations

import argparse
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

from homecoming.returns import whatif  # noqa: E402 (Django set up above)

ROOMS = [[1, 1, 2], [2, 1, 2], [3, 2, 3], [4, 2, 3], [5, 3, 4], [6, 3, 4], [7, 4, 5]]
DISTRICTS, SETTLEMENTS = 15, 2_000
HOUSEHOLD_SIZES = [0.12, 0.16, 0.19, 0.2, 0.15, 0.1, 0.05, 0.03]  # 1..8 people
UNIT_ROOMS = [0.08, 0.27, 0.35, 0.2, 0.07, 0.03]  # 1..6 rooms
ACCOMMODATION = {"private": 0.55, "relatives": 0.15, "hostel": 0.12, "dormitory": 0.08,
                 "sanatorium": 0.05, "other": 0.05}  # fmt: skip
COLLECTIVE = {"hostel", "dormitory", "sanatorium"}
WEIGHTS_A = {"vulnerable_members": 15, "collective": 10, "members": 2, "years_displaced": 1}
WEIGHTS_B = WEIGHTS_A | {"collective": 40}
TARGET_SECONDS = 5.0
QUICK = {"households": 10_000, "units": 4_000, "repeat": 1}


def registry(households: int, seed: int = 7) -> tuple[whatif.Population, dict, np.ndarray]:
    """The households in columns, their priority factors, and whether they may return."""
    rng = np.random.default_rng(seed)
    district = rng.integers(DISTRICTS, size=SETTLEMENTS)
    popularity = rng.pareto(1.5, SETTLEMENTS) + 0.2
    place = rng.choice(SETTLEMENTS, size=households, p=popularity / popularity.sum())
    size = rng.choice(8, size=households, p=HOUSEHOLD_SIZES) + 1
    vulnerable_members = rng.binomial(size, 0.06)
    accommodation = rng.choice(
        np.array(list(ACCOMMODATION)), size=households, p=list(ACCOMMODATION.values())
    )
    years = rng.integers(1, 35, size=households)
    years[rng.random(households) < 0.02] = -1  # date of displacement not recorded
    age = rng.integers(18, 90, size=households)
    age[rng.random(households) < 0.03] = -1
    population = whatif.Population(
        ids=np.arange(1, households + 1),
        settlement=np.char.add("S", place.astype("U4")),
        district=np.char.add("D", district[place].astype("U2")),
        accommodation=accommodation,
        size=size,
        vulnerable=vulnerable_members > 0,
        step_free=rng.random(households) < 0.08,
        head_sex=rng.choice(np.array(["male", "female"]), size=households, p=[0.7, 0.3]),
        head_age=age,
        years_displaced=years,
    )
    factors = {
        "vulnerable_members": vulnerable_members,
        "collective": np.isin(accommodation, list(COLLECTIVE)).astype(np.int64),
        "members": size,
        "years_displaced": np.maximum(years, 0),
    }
    may_return = rng.random(households) < 0.6
    return population, factors, may_return


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


def verdicts(factors: dict, may_return: np.ndarray, weights: dict) -> whatif.Side:
    """One version's verdicts, as ``policy_verdicts`` gives them: columns."""
    priority = sum(weights[name] * column for name, column in factors.items())
    return whatif.Side(
        eligible=may_return,
        reasons=lambda i: frozenset() if may_return[i] else frozenset({"intention"}),
        priority=priority,
        rooms=ROOMS,
    )


def run(population, factors, may_return, ready, scope: str) -> dict:
    solves = []
    allocate = whatif._allocate

    def timed(*args, **kwargs):  # compare's two solves, timed where compare makes them
        begin = time.perf_counter()
        plan = allocate(*args, **kwargs)
        solves.append(time.perf_counter() - begin)
        return plan

    whatif._allocate = timed
    try:
        start = time.perf_counter()
        a = verdicts(factors, may_return, WEIGHTS_A)
        b = verdicts(factors, may_return, WEIGHTS_B)
        verdicts_done = time.perf_counter()
        comparison = whatif.compare(population, a, b, units=ready, scope=scope)
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
    population, factors, may_return = registry(args.households)
    ready = units(args.units)
    rows = []
    for scope in args.scopes.split(","):
        runs = [run(population, factors, may_return, ready, scope) for _ in range(args.repeat)]
        rows.append((scope, min(runs, key=lambda r: r["total"])))
    report(args, rows)


def report(args: argparse.Namespace, rows: list) -> None:
    load = os.getloadavg()
    print("## What-if: two policy versions side by side\n")
    print(
        f"`python bench/bench_whatif.py` — {args.households:,} households in 15 districts and "
        f"2,000 settlements, {args.units:,} ready units; version B weighs collective "
        "accommodation 40 instead of 10. The comparison is `returns.whatif.compare`: both "
        "versions' verdicts, both allocations solved to the proven optimum with an "
        "explanation for every household, who changes and why, rank movements and the "
        "fairness tables (7 groupings). Facts already in memory; best of "
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
