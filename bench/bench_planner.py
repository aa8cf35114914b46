"""The return planner at national scale, against exact solvers on the flat graph.

    python bench/bench_planner.py [--sizes 10000,50000,250000] [--budget 120] [--json]
    python bench/bench_planner.py --quick

Generates deterministic instances — 15 districts, 2,000 settlements of uneven
size, households of 1–8 people with priorities 0–100 and some step-free needs,
as many units as households but not where the households are — and times
``solve`` with its explanations, under both scopes, with its peak memory
(tracemalloc). The flat baselines give every compatible (household, unit) pair
an arc, with the same lexicographic weights per component: OR-Tools'
``SimpleMinCostFlow`` and SciPy's ``min_weight_full_bipartite_matching``. Each
runs in a child process with a time budget; their objectives must equal the
planner's where they finish. A second table shows how the planner's cost grows with
the registry: 10,000, 100,000 and 1,000,000 people (``--growth``), in households of
3.75 people on average. Prints a Markdown section, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homecoming.planner import solve  # noqa: E402 (path set up above)

ROOMS = [[1, 1, 2], [2, 1, 2], [3, 2, 3], [4, 2, 3], [5, 3, 4], [6, 3, 4], [7, 4, 5]]
DISTRICTS, SETTLEMENTS = 15, 2_000
HOUSEHOLD_SIZES = [0.12, 0.16, 0.19, 0.2, 0.15, 0.1, 0.05, 0.03]  # 1..8 people
UNIT_ROOMS = [0.08, 0.27, 0.35, 0.2, 0.07, 0.03]  # 1..6 rooms
TARGET_SECONDS = 2.0
MAX_FLAT_ARCS = 60_000_000  # beyond this the flat graph alone needs several GB
PEOPLE_PER_HOUSEHOLD = sum((size + 1) * share for size, share in enumerate(HOUSEHOLD_SIZES))
QUICK = {"sizes": "10000", "growth": "10000,100000", "budget": 20.0}


def instance(households: int, scope: str, seed: int = 11) -> dict:
    rng = np.random.default_rng(seed)
    district = rng.integers(DISTRICTS, size=SETTLEMENTS)
    popularity = rng.pareto(1.5, SETTLEMENTS) + 0.2
    # Reconstruction does not follow the displaced: units go half by need, half by site.
    building = 0.5 * popularity / popularity.sum() + 0.5 * rng.dirichlet(np.ones(SETTLEMENTS))
    h_place = rng.choice(SETTLEMENTS, size=households, p=popularity / popularity.sum())
    h_size = rng.choice(8, size=households, p=HOUSEHOLD_SIZES) + 1
    h_need = rng.random(households) < 0.08
    h_priority = rng.integers(0, 101, size=households)
    u_place = rng.choice(SETTLEMENTS, size=households, p=building / building.sum())
    u_rooms = rng.choice(6, size=households, p=UNIT_ROOMS) + 1
    u_step_free = rng.random(households) < 0.15
    return {
        "policy": {"scope": scope, "rooms": ROOMS},
        "households": [
            {
                "id": f"H{i:07d}",
                "origin_settlement": f"S{s:04d}",
                "origin_district": f"D{district[s]:02d}",
                "size": int(size),
                "needs_step_free": bool(need),
                "priority": int(priority),
            }
            for i, (s, size, need, priority) in enumerate(
                zip(h_place, h_size, h_need, h_priority, strict=True)
            )
        ],
        "units": [
            {
                "id": f"U{j:07d}",
                "settlement": f"S{s:04d}",
                "district": f"D{district[s]:02d}",
                "rooms": int(rooms),
                "step_free": bool(step_free),
            }
            for j, (s, rooms, step_free) in enumerate(
                zip(u_place, u_rooms, u_step_free, strict=True)
            )
        ],
    }


def planner_run(problem: dict, repeat: int) -> dict:
    """Best wall time of ``repeat`` solves with explanations, then peak memory in one more."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        plan = solve(problem)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    solve(problem)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": min(times),
        "peak_mib": peak / 2**20,
        "objective": list(asdict(plan.objective).values()),
        "housed": len(plan.assignments),
        "explanations": len(plan.explanations),
        "message": plan.message,
    }


def flat_graph(problem: dict) -> dict:
    """Every compatible (household, unit) pair as an arc, with per-component weights.

    The weights are the planner's (its components are independent, so each may
    use its own), which keeps the flat costs small enough for float64 too.
    """
    households, units = problem["households"], problem["units"]
    scope = problem["policy"]["scope"]
    sizes, smallest, largest = (np.array(column) for column in zip(*ROOMS, strict=True))
    place = {}
    for u in units:
        place.setdefault((u["district"], u[scope]), len(place))
    for h in households:
        place.setdefault((h["origin_district"], h[f"origin_{scope}"]), len(place))
    h_place = np.array([place[h["origin_district"], h[f"origin_{scope}"]] for h in households])
    h_settlement = np.array(
        [hash((h["origin_district"], h["origin_settlement"])) for h in households]
    )
    row = np.searchsorted(sizes, [h["size"] for h in households], side="right") - 1
    h_low, h_high = smallest[row], largest[row]
    h_need = np.array([h["needs_step_free"] for h in households])
    h_priority = np.array([h["priority"] for h in households], dtype=np.int64)
    u_place = np.array([place[u["district"], u[scope]] for u in units])
    u_settlement = np.array([hash((u["district"], u["settlement"])) for u in units])
    u_rooms = np.array([u["rooms"] for u in units])
    u_step_free = np.array([u["step_free"] for u in units])

    by_unit = np.lexsort((u_rooms, u_place))
    key = u_place[by_unit] * 100 + u_rooms[by_unit]
    start = np.searchsorted(key, h_place * 100 + h_low, side="left")
    end = np.searchsorted(key, h_place * 100 + h_high, side="right")
    arcs = int((end - start).sum())
    if arcs > MAX_FLAT_ARCS:
        return {"arcs": arcs}
    length = end - start
    household = np.repeat(np.arange(len(households)), length)
    first = np.repeat(start - (np.cumsum(length) - length), length)
    unit = by_unit[np.arange(arcs) + first]
    fits = u_step_free[unit] | ~h_need[household]
    household, unit = household[fits], unit[fits]

    count = np.bincount(h_place, minlength=len(place))
    widest = np.zeros(len(place), np.int64)
    np.maximum.at(widest, h_place, h_high - h_low)
    origin_weight = count * widest + 1
    priority_weight = origin_weight * count + count * widest + 1
    c = h_place[household]
    surplus = u_rooms[unit] - h_low[household]
    home = u_settlement[unit] == h_settlement[household]
    profit = priority_weight[c] * h_priority[household] + origin_weight[c] * home - surplus
    return {
        "arcs": len(household),
        "household": household,
        "unit": unit,
        "profit": profit,
        "households": len(households),
        "units": len(units),
        "aims": (h_priority, h_settlement, h_low, u_settlement, u_rooms),
    }


def objective(graph: dict, household: np.ndarray, unit: np.ndarray) -> list[int]:
    """The three aims of an assignment, from the records themselves."""
    h_priority, h_settlement, h_low, u_settlement, u_rooms = graph["aims"]
    return [
        int(h_priority[household].sum()),
        int((u_settlement[unit] == h_settlement[household]).sum()),
        int((u_rooms[unit] - h_low[household]).sum()),
    ]


def ortools_flat(graph: dict) -> list[int]:
    """Source → household → unit → sink, closed by a return arc: a min-cost circulation."""
    from ortools.graph.python import min_cost_flow

    h, u = graph["households"], graph["units"]
    source, sink = h + u, h + u + 1
    solver = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(h, source), graph["household"], h + np.arange(u), [sink]])
    heads = np.concatenate([np.arange(h), h + graph["unit"], np.full(u, sink), [source]])
    capacities = np.concatenate([np.ones(h + graph["arcs"] + u, np.int64), [h]])
    costs = np.concatenate([np.zeros(h, np.int64), -graph["profit"], np.zeros(u + 1, np.int64)])
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("OR-Tools did not find the flat optimum")
    used = solver.flows(arcs[h : h + graph["arcs"]]) > 0
    return objective(graph, graph["household"][used], graph["unit"][used])


def scipy_flat(graph: dict) -> list[int]:
    """Households × (units + one "not housed" column each); weights shifted positive."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    h, u = graph["households"], graph["units"]
    shift = float(graph["profit"].max(initial=0)) + 1.0
    rows = np.concatenate([graph["household"], np.arange(h)])
    cols = np.concatenate([graph["unit"], u + np.arange(h)])
    weights = np.concatenate([shift - graph["profit"], np.full(h, shift)])
    matrix = csr_matrix((weights, (rows, cols)), shape=(h, u + h))
    _, matched = min_weight_full_bipartite_matching(matrix)
    housed = np.flatnonzero(matched < u)
    return objective(graph, housed, matched[housed])


def _child(method: str, problem: dict, out) -> None:
    start = time.perf_counter()
    graph = flat_graph(problem)
    built = time.perf_counter() - start
    if "household" not in graph:
        out.send({"arcs": graph["arcs"]})
        return
    start = time.perf_counter()
    triple = (ortools_flat if method == "ortools" else scipy_flat)(graph)
    seconds = time.perf_counter() - start
    out.send(
        {"arcs": graph["arcs"], "build_seconds": built, "seconds": seconds, "objective": triple}
    )


def flat_run(method: str, problem: dict, budget: float) -> dict:
    """One flat baseline in a child process, stopped after ``budget`` seconds."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(method, problem, send))
    child.start()
    if receive.poll(budget):
        result = receive.recv()
        child.join()
        return result
    child.kill()
    child.join()
    return {"timeout": budget}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,50000,250000", help="households (and units), comma-separated"
    )
    parser.add_argument("--scopes", default="settlement,district")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per flat baseline")
    parser.add_argument("--repeat", type=int, default=3, help="planner runs; the best is reported")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--growth", default="10000,100000,1000000", help="people, comma-separated: growth table"
    )
    parser.add_argument("--quick", action="store_true", help=f"smoke test: {QUICK}")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.growth, args.budget = QUICK["sizes"], QUICK["growth"], QUICK["budget"]

    rows = []
    for size in (int(text) for text in args.sizes.split(",")):
        for scope in args.scopes.split(","):
            problem = instance(size, scope)
            row = {"households": size, "units": size, "scope": scope}
            row["planner"] = planner_run(problem, args.repeat)
            for method in ("ortools", "scipy"):
                row[method] = flat_run(method, problem, args.budget)
            rows.append(row)
    growth = [
        {"people": people, "households": round(people / PEOPLE_PER_HOUSEHOLD), "scope": scope}
        for people in (int(text) for text in args.growth.split(","))
        for scope in args.scopes.split(",")
    ]
    for row in growth:
        row["planner"] = planner_run(instance(row["households"], row["scope"]), args.repeat)
    if args.json:
        json.dump({"cores": os.cpu_count(), "rows": rows, "growth": growth}, sys.stdout, indent=2)
        print()
    else:
        report(rows, args.budget)
        growth_report(growth)
    if any(not agrees(row, method) for row in rows for method in ("ortools", "scipy")):
        sys.exit(1)


def agrees(row: dict, method: str) -> bool:
    flat = row[method]
    return "objective" not in flat or flat["objective"] == row["planner"]["objective"]


def report(rows: list[dict], budget: float) -> None:
    print("## Return planner: households × units, proven optimum with explanations\n")
    print(
        "`python bench/bench_planner.py` — 15 districts, 2,000 settlements, as many units as "
        f"households; {os.cpu_count()} cores. Flat baselines put every compatible "
        f"(household, unit) pair in the graph; each has {budget:.0f} s in a child process.\n"
    )
    print(
        "| households | scope | method | time | reference "
        "| objective (priority, in origin, surplus) |"
    )
    print("| ---: | --- | --- | ---: | --- | --- |")
    for row in rows:
        planner = row["planner"]
        label = f"| {row['households']:,} | {row['scope']} |"
        verdict = "under" if planner["seconds"] < TARGET_SECONDS else "OVER"
        print(
            f"{label} planner, with {planner['explanations']:,} explanations | "
            f"{planner['seconds']:.2f} s, peak {planner['peak_mib']:.0f} MiB | "
            f"target {TARGET_SECONDS:.0f} s: {verdict} | {tuple(planner['objective'])} |"
        )
        for method, name in (
            ("ortools", "OR-Tools SimpleMinCostFlow, flat"),
            ("scipy", "SciPy min_weight_full_bipartite_matching, flat"),
        ):
            flat = row[method]
            if "timeout" in flat:
                figure, reference, result = f"did not finish in {flat['timeout']:.0f} s", "", "—"
            elif "objective" not in flat:
                figure, reference, result = (
                    f"not run: {flat['arcs']:,} room-compatible pairs",
                    f"limit {MAX_FLAT_ARCS:,}",
                    "—",
                )
            else:
                figure = (
                    f"{flat['seconds']:.2f} s (+ {flat['build_seconds']:.1f} s to build "
                    f"{flat['arcs']:,} arcs)"
                )
                reference = f"{flat['seconds'] / planner['seconds']:.0f}× the planner"
                same = "same" if flat["objective"] == planner["objective"] else "DIFFERENT"
                result = f"{tuple(flat['objective'])}: {same}"
            print(f"{label} {name} | {figure} | {reference} | {result} |")
    print(
        "\nPeak memory is tracemalloc's (Python and NumPy allocations; OR-Tools' own C++ memory "
        "is not traced). Times are the best of the planner's runs, input already in memory.\n"
    )


def growth_report(rows: list[dict]) -> None:
    print("### How the planner's cost grows with the registry\n")
    print(
        "The same instances, sized by people registered (households of "
        f"{PEOPLE_PER_HOUSEHOLD:.2f} people on average, as many units as households); "
        "growth is against the row ten times smaller.\n"
    )
    print("| people | households × units | scope | time | growth | peak memory | growth |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    previous: dict[str, dict] = {}
    for row in rows:
        planner, before = row["planner"], previous.get(row["scope"])
        time_growth = f"{planner['seconds'] / before['seconds']:.1f}×" if before else ""
        memory_growth = f"{planner['peak_mib'] / before['peak_mib']:.1f}×" if before else ""
        print(
            f"| {row['people']:,} | {row['households']:,} | {row['scope']} "
            f"| {planner['seconds']:.2f} s | {time_growth} | {planner['peak_mib']:.0f} MiB "
            f"| {memory_growth} |"
        )
        previous[row["scope"]] = planner
    print()


if __name__ == "__main__":
    main()
