"""The return planner: allocation of housing to households, free of Django.

Plain data in, plain data out, so that it can be tested, benchmarked and reused
on its own. Nothing in this package may import Django or the apps
(``homecoming/core/tests/test_layout.py`` checks it).

``solve(problem)`` takes the input document of ``docs/planner.md`` and returns a
:class:`Plan`: a proven-optimal allocation with an explanation for every
household. ``python -m homecoming.planner solve IN.json`` does the same on files.
"""

from ._solve import Objective, Plan, solve
from ._validate import MAX_PRIORITY, InvalidProblem

__all__ = ["MAX_PRIORITY", "InvalidProblem", "Objective", "Plan", "solve"]
