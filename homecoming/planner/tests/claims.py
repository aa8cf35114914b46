"""Re-solving to confirm what the explanations claim.

The explanations are read as a user would read them, by their words; each
"would house it" is tried on a changed copy of the problem.
"""

from __future__ import annotations

import copy
import re

from homecoming.planner import Plan, solve

NEEDED = re.compile(r"A priority of (\d+) instead of (\d+) would house it")
EXTRA = re.compile(r"[Oo]ne more ready (\d+)-room( step-free)? unit in (\S+) would house it")
CLEARING = re.compile(r"(\d+) for \d+-room (?:step-free )?units in \S+")


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
        if NEEDED.search(plan.explanations[household["id"]])
        or EXTRA.search(plan.explanations[household["id"]])
    ]
    for i in claiming[:limit]:
        household = problem["households"][i]
        text = plan.explanations[household["id"]]
        if needed := NEEDED.search(text):
            priority = int(needed[1])
            if min(int(c) for c in CLEARING.findall(text)) != priority - 1:
                broken.append(f"lowest clearing priority is not {priority - 1}: {text}")
            raised = copy.deepcopy(problem)
            raised["households"][i]["priority"] = priority
            if household["id"] not in housed(raised):
                broken.append(f"priority {priority} does not house it: {text}")
            # One less does not beat the clearing priority: the best plan is then
            # worth no more than the plan without this household.
            short = copy.deepcopy(problem)
            short["households"][i]["priority"] = priority - 1
            without = copy.deepcopy(problem)
            del without["households"][i]
            if triple(short) != triple(without):
                broken.append(f"priority {priority - 1} already changes the plan: {text}")
        if extra := EXTRA.search(text):
            more = copy.deepcopy(problem)
            more["units"].append(
                {
                    "id": "extra",
                    "settlement": extra[3],
                    "district": household["origin_district"],
                    "rooms": int(extra[1]),
                    "step_free": bool(extra[2]),
                }
            )
            if household["id"] not in housed(more):
                broken.append(f"one more unit does not house it: {text}")
    return broken
