"""The policy language: what the checker refuses and says, and the evaluator measured
against cel-python's own (the reference) on random households."""

from __future__ import annotations

import celpy
import numpy as np
import pytest

from homecoming.programmes.language import (
    BOOL,
    LIST,
    NUMBER,
    SCHEMA,
    TEXT,
    PolicyError,
    check,
    evaluate,
    score,
)


def refusal(expression: str, expect: str = "bool") -> str:
    with pytest.raises(PolicyError) as caught:
        check(expression, expect=expect)
    return str(caught.value)


def test_it_refuses_a_variable_not_in_the_schema_and_lists_those_it_may_use():
    message = refusal("household.income > 300")
    assert message.startswith("household.income is not something a policy can use; it can use: ")
    assert "household.members, household.vulnerable_members" in message
    assert "head.age" not in message  # the facts of its group only
    message = refusal("income > 300")
    assert "household.members" in message
    assert "origin.district" in message


def test_it_refuses_a_group_named_without_its_fact():
    message = refusal("head > 3")
    assert (
        message == "head is a group of facts; name one of them: head.recorded, head.age, head.sex."
    )


def test_it_refuses_to_compare_a_number_with_a_text():
    assert refusal("household.members == 'hostel'") == (
        "household.members is a number; it cannot be compared with the text 'hostel'."
    )


def test_it_refuses_a_code_a_text_fact_never_takes():
    assert refusal("household.accommodation == 'hotel'") == (
        "'hotel' is not a value of household.accommodation; its values are: 'hostel', "
        "'sanatorium', 'administrative_building', 'dormitory', 'rented', 'with_relatives', "
        "'other'."
    )
    assert refusal("household.intention in ['return_now', 'soon']").startswith(
        "'soon' is not a value of household.intention"
    )


def test_it_refuses_arithmetic_and_logic_on_the_wrong_kinds():
    assert refusal("household.accommodation + 1 > 2") == (
        "household.accommodation is a text; + works on numbers only."
    )
    assert refusal("household.members && household.verified") == (
        "household.members is a number; && works on yes/no values only."
    )
    assert refusal("head.sex < 'male'") == "< compares numbers only; head.sex is a text."
    assert refusal("household.members > 3 ? 1 : true", expect="number") == (
        "Both results of ? : must be of one kind: 1 is a number, true is a yes/no."
    )


def test_it_refuses_an_expression_of_the_wrong_kind_for_its_place():
    assert refusal("household.members") == (
        "A condition must be yes or no; household.members is a number."
    )
    assert refusal("head.sex", expect="number") == (
        "A priority factor must be a number (or yes/no, counted as 1 or 0); head.sex is a text."
    )


@pytest.mark.parametrize(
    ("expression", "start"),
    [
        ("__import__('os') == 0", "__import__() is not part of the policy language"),
        ("__import__('os').system('ls') == 0", ".system(…) is not part of the policy language"),
        ("int(household.verified) == 1", "int() is not part of the policy language"),
        ("[1, 2].exists(x, x > 1)", ".exists(…) is not part of the policy language"),
        ("origin.services.map(s, s == 'water')", ".map(…) is not part of the policy language"),
        ("head.sex.startsWith('f')", ".startsWith(…) is not part of the policy language"),
        ("household['members'] > 1", "Indexing with [ ] is not part of the policy language"),
        ("{'a': 1}.a == 1", "Maps and objects with { } are not part of the policy language"),
        ("household.members.count > 1", "household.members.count is not something a policy"),
        ("household.members % 2 == 0", "% is not part of the policy language"),
        ("household.members / household.members > 1", "Divide only by a whole number above zero"),
        ("household.members > 2.5", "2.5: the policy language counts in whole numbers only"),
        ("household.members > 2u", "2u is not a value a policy can use"),
        ("head.sex == null", "null is not a value a policy can use"),
        ("size(household.members) > 1", "size() counts the codes of one list"),
        ("origin.services == 'water'", "origin.services is a list of codes"),
        ("household.members in origin.services", "Ask for one code written out in origin.services"),
        ("[1, 2] == [1, 2]", "A list can only follow in"),
        ("household.members in [1, 'two']", "A list holds values of one kind"),
        ("household.members in [household.members]", "A list holds values written out"),
    ],
)
def test_it_refuses_every_construct_outside_the_policy_language(expression, start):
    assert refusal(expression).startswith(start)


def test_it_says_where_it_cannot_read_an_expression():
    assert refusal("household.members >> 3") == (
        "The expression cannot be read at character 20, at “> 3”."
    )
    assert refusal("(household.members > 3") == (
        "The expression is not complete: something is missing at its end."
    )
    assert refusal("   ") == "Write an expression."
    assert refusal("household.members > 1 || " * 60 + "true").startswith(
        "An expression is at most 1000 characters long"
    )


def test_a_refusal_keeps_its_message_as_a_template_for_translation():
    with pytest.raises(PolicyError) as caught:
        check("household.members == 'x'", expect="bool")
    assert caught.value.template == "%(left)s; it cannot be compared with %(right)s."
    assert caught.value.params["right"] == "the text 'x'"


def test_it_accepts_the_policy_language_and_knows_each_expressions_kind():
    assert check("household.collective_accommodation", expect="number").type == BOOL
    assert check("household.members * 2 - head.age / 10", expect="number").type == NUMBER
    checked = check(
        "household.accommodation in ['hostel', 'dormitory'] && 'water' in origin.services",
        expect="bool",
    )
    assert checked.variables == {"household.accommodation", "origin.services"}


# The evaluator against cel-python's.

CORPUS = [
    ("household.members >= 3", BOOL),
    ("household.members * 2 - head.age / 10", NUMBER),
    ("-household.years_displaced / 3 + members.under_5", NUMBER),
    ("(household.members - 10) / 3", NUMBER),
    ("household.collective_accommodation", NUMBER),
    ("household.accommodation in ['hostel', 'dormitory'] || head.age >= 60", BOOL),
    ("!(household.intention == 'return_now') && household.verified", BOOL),
    ("'water' in origin.services && size(origin.services) >= 3", BOOL),
    ("head.sex == 'female' ? members.under_18 * 3 : members.under_18", NUMBER),
    ("household.vulnerable_members > 0 ? true : household.consent", BOOL),
    ("household.members in [1, 2, 3] != household.duplicate_under_review", BOOL),
    ("origin.district == 'AZ0501' && origin.land_released", BOOL),
    ("household.registered_years + household.years_displaced > 20", BOOL),
    ("members.with_disability + members.with_chronic_illness + members.pregnant", NUMBER),
    ("members.aged_60_or_more > 0 || members.female > household.members / 2", BOOL),
    ("head.recorded == (household.status != 'withdrawn')", BOOL),
    ("household.accommodation in []", BOOL),
    ("size(origin.services)", NUMBER),
]


def random_columns(rng: np.random.Generator, rows: int) -> dict[str, np.ndarray]:
    columns = {}
    for name, variable in SCHEMA.items():
        if variable.type == BOOL:
            columns[name] = rng.random(rows) < 0.5
        elif variable.type == NUMBER:
            columns[name] = rng.integers(0, 90, rows)
        elif variable.type == TEXT:
            codes = variable.choices or ("AZ0501", "AZ0502", "")
            columns[name] = np.array(codes, dtype=str)[rng.integers(0, len(codes), rows)]
        else:
            assert variable.type == LIST
            columns[name] = rng.random((rows, len(variable.choices))) < 0.5
    return columns


def activation(columns: dict[str, np.ndarray], row: int) -> dict:
    groups: dict[str, dict] = {}
    for name, column in columns.items():
        group, fact = name.split(".")
        value = column[row]
        if SCHEMA[name].type == LIST:
            value = [code for code, has in zip(SCHEMA[name].choices, value, strict=True) if has]
        elif SCHEMA[name].type == NUMBER:
            value = int(value)
        elif SCHEMA[name].type == BOOL:
            value = bool(value)
        else:
            value = str(value)
        groups.setdefault(group, {})[fact] = value
    return {group: celpy.json_to_cel(facts) for group, facts in groups.items()}


@pytest.mark.parametrize(("expression", "kind"), CORPUS)
def test_the_evaluator_agrees_with_cel_python_on_random_households(expression, kind):
    rng = np.random.default_rng(20)
    rows = 300
    columns = random_columns(rng, rows)
    checked = check(expression, expect=kind)
    ours = score(checked, columns, rows) if kind == NUMBER else evaluate(checked, columns, rows)
    environment = celpy.Environment()
    program = environment.program(environment.compile(expression))
    for row in range(rows):
        theirs = program.evaluate(activation(columns, row))
        expected = int(theirs) if kind == NUMBER else bool(theirs)
        assert ours[row] == expected, (expression, row, activation(columns, row))


def test_the_evaluator_gives_one_value_per_household_even_for_a_constant():
    assert evaluate(check("true", expect="bool"), {}, 4).tolist() == [True] * 4
    assert score(check("2 * 3", expect="number"), {}, 2).tolist() == [6, 6]
