"""Every event a service writes into a household's history is said in words (and so
translated), never shown as the code it is stored under."""

from __future__ import annotations

import ast
from pathlib import Path

from homecoming.registry.models import REGISTERED_DESPITE
from homecoming.returns.policy import STEP_DONE
from homecoming.site.history import _EVENTS, _PROPOSAL_EVENTS

ROOT = Path(__file__).resolve().parents[2]
# The constants an action is written by, by name.
CONSTANTS = {"REGISTERED_DESPITE": REGISTERED_DESPITE, "STEP_DONE": STEP_DONE}


def _actions_written() -> set[str]:
    """The actions of every ``household_event(household, by, ACTION, …)`` in the code."""
    actions: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "household_event":
                continue
            given = node.args[2]
            # A literal, "a" if … else "b", or the name of a constant; an f-string
            # ("change approved"…) is worded through _PROPOSAL_EVENTS.
            for action in (given.body, given.orelse) if isinstance(given, ast.IfExp) else [given]:
                if isinstance(action, ast.Constant) and isinstance(action.value, str):
                    actions.add(action.value)
                elif isinstance(action, ast.Name) and action.id in CONSTANTS:
                    actions.add(CONSTANTS[action.id])
    return actions


def test_every_event_written_into_a_history_is_said_in_words():
    actions = _actions_written()
    assert {"registered", "missed the departure", REGISTERED_DESPITE, STEP_DONE} <= actions
    assert actions - set(_EVENTS) - set(_PROPOSAL_EVENTS) == set()
