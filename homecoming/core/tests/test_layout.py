"""The planner stays free of Django, so that it can be tested and benchmarked alone."""

from __future__ import annotations

import ast
from pathlib import Path

import homecoming.planner

PLANNER_DIR = Path(homecoming.planner.__file__).parent


def test_the_planner_imports_neither_django_nor_the_apps():
    offenders = []
    for path in PLANNER_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"django", "rest_framework"}
                or (n.startswith("homecoming.") and not n.startswith("homecoming.planner"))
            ]
    assert offenders == []
    assert list(PLANNER_DIR.rglob("*.py"))
