"""Every way a problem can break the contract, and the exact message for each."""

from __future__ import annotations

import copy

import pytest

from homecoming.planner import InvalidProblem, solve

ROOMS = [[1, 1, 2], [2, 1, 2], [3, 2, 3], [4, 2, 3], [5, 3, 4], [6, 3, 4], [7, 4, 5]]


def household(id_: str, **fields) -> dict:
    return {
        "id": id_,
        "origin_settlement": "Zar",
        "origin_district": "Kalbajar",
        "size": 4,
        "needs_step_free": False,
        "priority": 35,
    } | fields


def unit(id_: str, **fields) -> dict:
    return {
        "id": id_,
        "settlement": "Zar",
        "district": "Kalbajar",
        "rooms": 3,
        "step_free": False,
    } | fields


VALID = {
    "policy": {"scope": "settlement", "rooms": ROOMS},
    "households": [household("h1"), household("h2"), household("h3"), household("h17")],
    "units": [unit("u1"), unit("u2")],
}


def rejected(change) -> str:
    problem = copy.deepcopy(VALID)
    change(problem)
    with pytest.raises(InvalidProblem) as raised:
        solve(problem)
    return str(raised.value)


def test_it_accepts_the_valid_problem_these_tests_break():
    assert solve(VALID).status == "optimal"


def test_it_rejects_a_household_with_negative_priority():
    message = rejected(lambda p: p["households"][3].update(priority=-2))
    assert message == "households[3] (id 'h17'): priority must be a non-negative integer, got -2"


def test_it_rejects_a_boolean_priority_because_bool_is_not_an_int():
    message = rejected(lambda p: p["households"][1].update(priority=True))
    assert message == "households[1] (id 'h2'): priority must be a non-negative integer, got true"


def test_it_rejects_a_fractional_priority():
    message = rejected(lambda p: p["households"][0].update(priority=3.5))
    assert message == "households[0] (id 'h1'): priority must be a non-negative integer, got 3.5"


def test_it_rejects_a_priority_above_the_largest_it_can_weigh():
    message = rejected(lambda p: p["households"][0].update(priority=1_000_000_001))
    assert message == "households[0] (id 'h1'): priority must be at most 1000000000, got 1000000001"


def test_it_rejects_a_household_of_no_one():
    message = rejected(lambda p: p["households"][2].update(size=0))
    assert message == "households[2] (id 'h3'): size must be a positive integer, got 0"


def test_it_rejects_a_size_given_as_text():
    message = rejected(lambda p: p["households"][2].update(size="4"))
    assert message == "households[2] (id 'h3'): size must be a positive integer, got '4'"


def test_it_rejects_a_household_smaller_than_the_rooms_table_starts():
    def change(problem):
        problem["policy"]["rooms"] = ROOMS[1:]
        problem["households"][1]["size"] = 1

    assert rejected(change) == (
        "households[1] (id 'h2'): size 1 is below the smallest household size in policy.rooms (2)"
    )


def test_it_rejects_a_step_free_need_given_as_a_number():
    message = rejected(lambda p: p["households"][0].update(needs_step_free=1))
    assert message == "households[0] (id 'h1'): needs_step_free must be true or false, got 1"


def test_it_rejects_a_household_without_an_origin_settlement():
    message = rejected(lambda p: p["households"][0].update(origin_settlement=None))
    assert (
        message == "households[0] (id 'h1'): origin_settlement must be a non-empty string, got null"
    )


def test_it_rejects_an_empty_origin_district():
    message = rejected(lambda p: p["households"][0].update(origin_district=""))
    assert message == "households[0] (id 'h1'): origin_district must be a non-empty string, got ''"


def test_it_rejects_a_household_missing_a_field():
    message = rejected(lambda p: p["households"][1].pop("priority"))
    assert message == "households[1] (id 'h2'): missing field 'priority'"


def test_it_names_a_household_without_an_id_by_position_only():
    message = rejected(lambda p: p["households"][1].pop("id"))
    assert message == "households[1]: missing field 'id'"


def test_it_rejects_a_numeric_household_id():
    message = rejected(lambda p: p["households"][1].update(id=17))
    assert message == "households[1]: id must be a non-empty string, got 17"


def test_it_rejects_a_household_that_is_not_an_object():
    message = rejected(lambda p: p["households"].insert(1, "h9"))
    assert message == "households[1]: must be an object, got 'h9'"


def test_it_rejects_duplicate_household_ids():
    message = rejected(lambda p: p["households"][2].update(id="h1"))
    assert message == "households[2] (id 'h1'): duplicate id, first at households[0]"


def test_it_reports_the_first_offending_record_whichever_field_is_wrong():
    def change(problem):
        problem["households"][1]["priority"] = -1  # last field of an earlier record
        problem["households"][2]["id"] = ""  # first field of a later one

    assert rejected(change) == (
        "households[1] (id 'h2'): priority must be a non-negative integer, got -1"
    )


def test_it_reports_the_first_wrong_field_of_a_record():
    message = rejected(lambda p: p["households"][0].update(size=-1, priority=-1))
    assert message == "households[0] (id 'h1'): size must be a positive integer, got -1"


def test_it_rejects_a_unit_without_rooms():
    message = rejected(lambda p: p["units"][0].update(rooms=0))
    assert message == "units[0] (id 'u1'): rooms must be a positive integer, got 0"


def test_it_rejects_a_unit_with_more_rooms_than_any_dwelling():
    message = rejected(lambda p: p["units"][1].update(rooms=1001))
    assert message == "units[1] (id 'u2'): rooms must be at most 1000, got 1001"


def test_it_rejects_step_free_access_given_as_text():
    message = rejected(lambda p: p["units"][0].update(step_free="yes"))
    assert message == "units[0] (id 'u1'): step_free must be true or false, got 'yes'"


def test_it_rejects_a_unit_missing_its_district():
    message = rejected(lambda p: p["units"][1].pop("district"))
    assert message == "units[1] (id 'u2'): missing field 'district'"


def test_it_rejects_duplicate_unit_ids():
    message = rejected(lambda p: p["units"].append(unit("u2")))
    assert message == "units[2] (id 'u2'): duplicate id, first at units[1]"


def test_it_allows_a_unit_and_a_household_to_share_an_id():
    problem = copy.deepcopy(VALID)
    problem["units"][0]["id"] = "h1"
    assert solve(problem).status == "optimal"


def test_it_rejects_an_unknown_scope():
    message = rejected(lambda p: p["policy"].update(scope="region"))
    assert message == "policy: scope must be 'settlement' or 'district', got 'region'"


def test_it_rejects_a_policy_without_a_scope():
    message = rejected(lambda p: p["policy"].pop("scope"))
    assert message == "policy: missing field 'scope'"


def test_it_rejects_an_empty_rooms_table():
    message = rejected(lambda p: p["policy"].update(rooms=[]))
    assert message == (
        "policy: rooms must be a non-empty list of [household size, smallest, largest] rows"
    )


def test_it_rejects_a_rooms_table_that_is_not_a_list():
    message = rejected(lambda p: p["policy"].update(rooms={"1": [1, 2]}))
    assert message == 'policy: rooms must be a list, got {"1": [1, 2]}'


def test_it_rejects_an_unsorted_rooms_table():
    message = rejected(lambda p: p["policy"].update(rooms=[[1, 1, 2], [3, 2, 3], [2, 1, 2]]))
    assert message == "policy.rooms[2]: household sizes must increase, got 2 after 3"


def test_it_rejects_a_rooms_table_listing_a_size_twice():
    message = rejected(lambda p: p["policy"].update(rooms=[[1, 1, 2], [1, 1, 3]]))
    assert message == "policy.rooms[1]: household sizes must increase, got 1 after 1"


def test_it_rejects_a_rooms_row_whose_smallest_is_above_its_largest():
    message = rejected(lambda p: p["policy"].update(rooms=[[1, 1, 2], [3, 3, 2]]))
    assert message == "policy.rooms[1]: smallest 3 is above largest 2"


def test_it_rejects_a_rooms_row_that_is_not_a_triple():
    message = rejected(lambda p: p["policy"].update(rooms=[[1, 1, 2], [3, 2]]))
    assert message == "policy.rooms[1]: must be [household size, smallest, largest], got [3, 2]"


def test_it_rejects_a_rooms_row_with_a_boolean():
    message = rejected(lambda p: p["policy"].update(rooms=[[True, 1, 2]]))
    assert message == "policy.rooms[0]: household size must be a positive integer, got true"


def test_it_rejects_a_rooms_row_with_a_fraction():
    message = rejected(lambda p: p["policy"].update(rooms=[[1, 1.5, 2]]))
    assert message == "policy.rooms[0]: smallest must be a positive integer, got 1.5"


def test_it_rejects_a_problem_that_is_not_an_object():
    with pytest.raises(InvalidProblem) as raised:
        solve([])
    assert str(raised.value) == (
        "the problem must be an object with policy, households and units, got []"
    )


@pytest.mark.parametrize("section", ["policy", "households", "units"])
def test_it_rejects_a_problem_missing_a_section(section):
    assert rejected(lambda p: p.pop(section)) == f"missing field '{section}'"


def test_it_rejects_households_given_as_an_object():
    message = rejected(lambda p: p.update(households={"h1": {}}))
    assert message == 'households must be a list, got {"h1": {}}'


def test_it_rejects_a_policy_given_as_text():
    assert rejected(lambda p: p.update(policy="settlement")) == (
        "policy must be an object, got 'settlement'"
    )


def test_it_ignores_fields_it_does_not_know():
    problem = copy.deepcopy(VALID)
    problem["households"][0]["name"] = "Məmmədova"
    problem["units"][0]["building"] = {"id": 7}
    problem["policy"]["note"] = "draft"
    problem["version"] = 2
    assert solve(problem).objective == solve(VALID).objective
