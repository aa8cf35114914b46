"""The documentation's claims: the docstring example, the JSON Schema and the example."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import jsonschema
import pytest

import homecoming.planner._solve
from homecoming.planner import InvalidProblem, solve

DOC = (Path(__file__).resolve().parents[3] / "docs" / "planner.md").read_text()


def json_block(after: str) -> dict:
    """The first ```json block after the heading ``after``."""
    section = DOC[DOC.index(after) :]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL)[1])


def test_the_docstring_example_runs():
    assert doctest.testmod(homecoming.planner._solve).failed == 0


def test_the_documented_example_is_valid_under_the_documented_schema():
    jsonschema.validate(json_block("## Example"), json_block("## Input"))


def test_the_documented_output_is_what_the_example_gives():
    plan = solve(json_block("## Example")).to_json()
    documented = json_block("## Output")
    assert plan | {"message": documented["message"]} == documented


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["households"][0].update(priority=-2),
        lambda p: p["households"][0].update(needs_step_free=1),
        lambda p: p["units"][0].pop("rooms"),
        lambda p: p["policy"].update(scope="region"),
        lambda p: p["policy"].update(rooms=[]),
    ],
)
def test_the_schema_and_the_planner_reject_the_same_broken_inputs(change):
    problem = json_block("## Example")
    change(problem)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(problem, json_block("## Input"))
    with pytest.raises(InvalidProblem):
        solve(problem)
