"""Eligibility and priority from a programme's policy: the facts read in a few queries, the
verdicts of a version, and the database's verdicts agreeing with them."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homecoming.core.errors import ApplicationError
from homecoming.housing.models import Utility
from homecoming.programmes import language
from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.registry.models import (
    AccommodationKind,
    Consent,
    DuplicateCandidate,
    Household,
    Member,
)
from homecoming.returns.policy import (
    Sql,
    eligible_condition,
    household_facts,
    policy_verdicts,
    settlements_released,
    years_before,
)
from homecoming.returns.reasons import Why
from homecoming.returns.services import return_step_record
from homecoming.returns.tests.fixtures import household

TODAY = dt.date(2026, 12, 6)


def version_with(**fields) -> PolicyVersion:
    """A draft of the first programme's policy: version 1's fields, with ``fields``."""
    first = policy_in_force(default_programme())
    values = {
        "programme": first.programme,
        "number": PolicyVersion.objects.count() + 1,
        "conditions": first.conditions,
        "required_services": first.required_services,
        "priority_factors": first.priority_factors,
        "offer_answer_days": first.offer_answer_days,
        "rooms": first.rooms,
    }
    return PolicyVersion.objects.create(**(values | fields))


def test_the_schema_knows_the_registers_codes():
    assert set(language.ACCOMMODATION) == set(AccommodationKind.values)
    assert set(language.INTENTION) == set(Household.Intention.values)
    assert set(language.STATUS) == set(Household.Status.values)
    assert set(language.SERVICES) == set(Utility.Service.values)
    assert set(language.SEX) - {""} == set(Member.Sex.values)


def test_the_facts_of_a_household_are_read_from_its_records(places, make_household, zar_ready):
    made = household(
        make_household, places.zar, 3, accommodation="hostel", displaced_on=dt.date(1993, 12, 7)
    )
    members = list(made.members.order_by("pk"))
    members[0].birth_date, members[0].sex = dt.date(1960, 12, 6), Member.Sex.FEMALE
    members[1].birth_date, members[1].vulnerabilities = dt.date(2022, 1, 1), ["disability"]
    members[2].birth_date, members[2].left_on = dt.date(2010, 1, 1), dt.date(2025, 1, 1)
    Member.objects.bulk_update(members, ["birth_date", "sex", "vulnerabilities", "left_on"])

    facts = household_facts([made], TODAY)

    columns = {name: column[0] for name, column in facts.columns.items()}
    assert columns["household.members"] == 2
    assert columns["household.vulnerable_members"] == 1
    assert columns["members.with_disability"] == 1
    assert columns["members.under_5"] == 1
    assert columns["members.aged_60_or_more"] == 1
    assert columns["head.age"] == 66
    assert columns["head.sex"] == "female"
    assert columns["household.years_displaced"] == 32
    assert columns["household.collective_accommodation"]
    assert columns["origin.land_released"]
    assert list(columns["origin.services"]) == [
        s in ("electricity", "water", "school", "clinic") for s in language.SERVICES
    ]


def test_the_facts_of_many_households_take_a_few_queries(places, make_household, zar_ready):
    few = [household(make_household, s, 2) for s in (places.zar, places.ballija)]
    with CaptureQueriesContext(connection) as few_queries:
        household_facts(few, TODAY)
    many = few + [
        household(make_household, (places.zar, places.ballija)[i % 2], 4) for i in range(12)
    ]
    with CaptureQueriesContext(connection) as many_queries:
        household_facts(Household.objects.filter(pk__in=[h.pk for h in many]), TODAY)
    assert len(many_queries) == len(few_queries)


def test_version_one_judges_as_the_settings_did(places, make_household, zar_ready, zar_hazards):
    ready = household(make_household, places.zar, 4, accommodation="hostel")
    unverified = household(make_household, places.zar, 2, status="registered")
    version = policy_in_force(default_programme())

    verdicts = policy_verdicts(version, household_facts([ready, unverified], TODAY))

    assert verdicts.eligible.tolist() == [False, False]  # the hazard areas around Zar
    assert [r.why for r in verdicts.reasons(0)] == [Why.LAND]
    assert {h.code for h in verdicts.reasons(0)[0].hazards} == {"HA-0001", "HA-0002"}
    assert [r.why for r in verdicts.reasons(1)] == [Why.NOT_VERIFIED, Why.LAND]
    # 15 × vulnerable + 10 × collective + 2 × members + 1 × whole years displaced
    assert verdicts.scores[0] == 10 + 2 * 4 + 33
    assert verdicts.breakdown(0)["collective_accommodation"] == {
        "value": 1,
        "weight": 10,
        "points": 10,
    }


def test_a_policy_adds_its_conditions_and_chooses_the_services(places, make_household, zar_ready):
    small = household(make_household, places.zar, 1)
    large = household(make_household, places.zar, 5)
    condition = {
        "key": "family",
        "label": {"en": "a family of two or more", "az": "iki və daha çox nəfərlik ailə"},
        "expression": "household.members >= 2",
    }
    version = version_with(conditions=[condition], required_services=["gas"])

    verdicts = policy_verdicts(version, household_facts([small, large], TODAY))

    assert verdicts.eligible.tolist() == [False, False]
    assert [(r.why, r.code) for r in verdicts.reasons(0)] == [
        (Why.SERVICES, places.zar.code),
        (Why.CONDITION, "family"),
    ]
    assert verdicts.reasons(0)[0].services == ("gas",)
    assert verdicts.reasons(0)[1].words == "condition not met: a family of two or more"
    assert [r.why for r in verdicts.reasons(1)] == [Why.SERVICES]
    assert policy_verdicts(
        version_with(conditions=[condition], required_services=[]),
        household_facts([small, large], TODAY),
    ).eligible.tolist() == [False, True]


# The database's verdicts against the evaluator's, on varied households.


@pytest.fixture
def varied(places, make_household, zar_ready, kalbajar_officer):
    """Forty households of every kind: sizes, ages, sexes, vulnerabilities, lodgings,
    statuses and intentions, some with consent, two in a duplicate pair, across three
    settlements with different services."""
    rng = random.Random(20)
    made = []
    for i in range(40):
        settlement = (places.zar, places.ballija, places.kalbajar_city)[i % 3]
        created = household(
            make_household,
            settlement,
            rng.randint(1, 6),
            accommodation=rng.choice(AccommodationKind.values),
            status=rng.choice(Household.Status.values),
            intention=rng.choice(Household.Intention.values),
            displaced_on=rng.choice([None, dt.date(1993, 4, 2), dt.date(1992, 12, 7)]),
        )
        members = list(created.members.all())
        for member in members:
            member.birth_date = rng.choice(
                [None, TODAY, dt.date(1950, 12, 7), dt.date(1966, 12, 6), dt.date(2023, 2, 28)]
                + [dt.date(rng.randint(1940, 2025), rng.randint(1, 12), rng.randint(1, 28))]
            )
            member.sex = rng.choice(Member.Sex.values)
            member.vulnerabilities = rng.sample(Member.Vulnerability.values, rng.randint(0, 2))
            if rng.random() < 0.1:
                member.left_on = dt.date(2025, 1, 1)
        Member.objects.bulk_update(members, ["birth_date", "sex", "vulnerabilities", "left_on"])
        if i % 7 == 0:
            Member.objects.filter(household=created, relation=Member.Relation.HEAD).delete()
        if i % 4 == 0:
            Consent.objects.create(
                household=created, given_on=TODAY, officer=kalbajar_officer, document="CF"
            )
        made.append(created)
    DuplicateCandidate.objects.create(household_a=made[1], household_b=made[2], probability=0.9)
    Utility.objects.create(
        settlement=places.ballija,
        service="gas",
        status=Utility.Status.COMMISSIONED,
        commissioned_on=TODAY,
    )
    return made


SQL_CORPUS = [
    ("household.members >= 3 && household.vulnerable_members > 0", language.BOOL),
    ("head.age >= 60 || members.under_5 > 0", language.BOOL),
    ("head.sex == 'female' ? members.under_18 >= 1 : !head.recorded", language.BOOL),
    ("household.accommodation in ['hostel', 'dormitory'] != household.consent", language.BOOL),
    ("household.verified == household.duplicate_under_review", language.BOOL),
    ("'gas' in origin.services || size(origin.services) < 4", language.BOOL),
    ("origin.land_released && origin.district in ['AZ-KAL', '']", language.BOOL),
    ("household.intention == 'return_now' && household.status != 'withdrawn'", language.BOOL),
    ("household.members in []", language.BOOL),
    ("true", language.BOOL),
    ("household.years_displaced + household.registered_years", language.NUMBER),
    ("(members.female - household.members * 2) / 3", language.NUMBER),
    ("-head.age / 7 + members.aged_60_or_more", language.NUMBER),
    ("members.with_disability + members.with_chronic_illness * 2 + members.pregnant", "number"),
    ("household.collective_accommodation", language.NUMBER),
    ("head.sex == 'male' ? size(origin.services) : head.age", language.NUMBER),
]


@pytest.mark.parametrize(("expression", "kind"), SQL_CORPUS)
def test_the_database_agrees_with_the_evaluator(varied, expression, kind):
    checked = language.check(expression, expect=kind)
    facts = household_facts(Household.objects.all(), TODAY)
    values = language.evaluate(checked, facts.columns, facts.rows)
    ours = dict(zip(facts.ids.tolist(), values, strict=True))
    sql = Sql(TODAY, settlements_released())
    households = Household.objects.all()
    if checked.type == language.BOOL:
        found = set(households.filter(sql.condition(checked.tree)).values_list("pk", flat=True))
        assert found == {pk for pk, value in ours.items() if value}
    else:
        values = dict(households.annotate(v=sql.value(checked.tree)).values_list("pk", "v"))
        assert values == {pk: int(v) for pk, v in ours.items()}


def test_the_database_finds_the_eligible_households_the_verdicts_find(varied, zar_hazards):
    version = version_with(
        conditions=[
            {"key": "adults", "label": {"en": "adults"}, "expression": "members.under_18 < 3"},
            {"key": "old", "label": {"en": "old"}, "expression": "household.registered_years > 1"},
        ],
        required_services=["gas"],
    )
    Household.objects.update(status="verified", intention="return_now")
    facts = household_facts(Household.objects.all(), TODAY)
    verdicts = policy_verdicts(version, facts)
    eligible = set(
        Household.objects.filter(eligible_condition([version], TODAY)).values_list("pk", flat=True)
    )
    assert eligible == set(facts.ids[verdicts.eligible].tolist())
    assert 0 < len(eligible) < len(facts.ids)


def test_a_cross_border_programmes_steps_replace_land_release(
    places, make_household, zar_ready, zar_hazards, kalbajar_officer
):
    programme = Programme.objects.create(
        code="repatriation", name="Concept of Return", kind=Programme.Kind.REPATRIATION
    )
    steps = [
        {"key": "visit", "label": {"en": "go-and-see visit"}},
        {"key": "form", "label": {"en": "voluntary repatriation form signed"}},
    ]
    policy_approve_directly(programme, steps=steps)
    made = household(make_household, places.zar, 3, programme=programme)
    verdict = policy_verdicts(policy_in_force(programme), household_facts([made], TODAY))
    assert [(r.why, r.code) for r in verdict.reasons(0)] == [
        (Why.STEPS, "visit"),
        (Why.STEPS, "form"),
    ]
    for step in ("visit", "form"):
        return_step_record(
            household=made, by=kalbajar_officer, step=step, date=timezone.localdate()
        )
    with pytest.raises(ApplicationError, match="not a step before return"):
        return_step_record(
            household=made, by=kalbajar_officer, step="passport", date=timezone.localdate()
        )
    verdict = policy_verdicts(policy_in_force(programme), household_facts([made], TODAY))
    assert verdict.eligible.tolist() == [True]  # Zar's hazard areas do not hold it back
    assert (
        Household.objects.filter(eligible_condition([policy_in_force(programme)], TODAY)).get()
        == made
    )


def policy_approve_directly(programme: Programme, **fields) -> PolicyVersion:
    first = policy_in_force(default_programme())
    return PolicyVersion.objects.create(
        programme=programme,
        number=1,
        status=PolicyVersion.Status.APPROVED,
        in_force_from=TODAY - dt.timedelta(days=1),
        approved_at=timezone.now(),
        offer_answer_days=14,
        rooms=first.rooms,
        **fields,
    )


def test_years_before_a_leap_day_fall_on_the_last_of_february():
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert years_before(timezone.localdate(), 0) == timezone.localdate()


def test_verdicts_of_no_household_are_empty(db):
    verdicts = policy_verdicts(policy_in_force(default_programme()), household_facts([], TODAY))
    assert verdicts.eligible.shape == (0,)
    assert np.array_equal(verdicts.scores, np.zeros(0))


def test_a_settlements_readiness_asks_for_the_services_of_the_policy_in_force(
    places, zar_ready, make_user
):
    from homecoming.housing.selectors import settlement_return_readiness
    from homecoming.programmes.policies import policy_approve, policy_change, policy_draft

    drafter, approver = (make_user(n, "return_planner") for n in ("p1", "p2"))
    draft = policy_draft(programme=default_programme(), by=drafter)
    policy_change(
        version=draft,
        by=drafter,
        conditions=[],
        priority_factors=draft.priority_factors,
        required_services=["electricity", "gas"],
        offer_answer_days=draft.offer_answer_days,
        rooms=draft.rooms,
    )
    before = settlement_return_readiness(places.zar)
    assert {c.service for c in before.services if c.required} == {
        "electricity",
        "water",
        "school",
        "clinic",
    }
    policy_approve(version=draft, by=approver, in_force_from=timezone.localdate())
    after = settlement_return_readiness(places.zar)
    assert {c.service for c in after.services if c.required} == {"electricity", "gas"}
