"""Re-solving to confirm what the explanations claim.

Each claim of an explanation — "a priority of N would house it", "one more ready unit
of this kind would house it" — is tried on a changed copy of the problem.
"""

from __future__ import annotations

import copy

from homecoming.planner import Plan, solve


def housed(problem: dict) -> set[str]:
    return set(solve(problem, explanations=False).assignments)


def triple(problem: dict) -> tuple[int, int, int]:
    objective = solve(problem, explanations=False).objective
    return objective.priority, objective.in_origin_settlement, objective.surplus_rooms


def broken_claims(problem: dict, plan: Plan, *, limit: int | None = None) -> list[str]:
    """Every claim of ``plan``'s explanations that a re-solve contradicts.

    ``limit`` stops after that many households with a claim, for large problems.
    """
    broken = []
    claiming = [
        i
        for i, household in enumerate(problem["households"])
        if "needed" in plan.explanations[household["id"]]
        or plan.explanations[household["id"]].get("more")
    ]
    for i in claiming[:limit]:
        household = problem["households"][i]
        reason = plan.explanations[household["id"]]
        if "needed" in reason:
            priority = reason["needed"]
            if min(c["priority"] for c in reason["clearing"]) != priority - 1:
                broken.append(f"lowest clearing priority is not {priority - 1}: {reason}")
            raised = copy.deepcopy(problem)
            raised["households"][i]["priority"] = priority
            if household["id"] not in housed(raised):
                broken.append(f"priority {priority} does not house it: {reason}")
            # One less does not beat the clearing priority: the best plan is then
            # worth no more than the plan without this household.
            short = copy.deepcopy(problem)
            short["households"][i]["priority"] = priority - 1
            without = copy.deepcopy(problem)
            del without["households"][i]
            if triple(short) != triple(without):
                broken.append(f"priority {priority - 1} already changes the plan: {reason}")
        if extra := reason.get("more"):
            more = copy.deepcopy(problem)
            more["units"].append({"id": "extra", "district": household["origin_district"]} | extra)
            if household["id"] not in housed(more):
                broken.append(f"one more unit does not house it: {reason}")
    return broken
