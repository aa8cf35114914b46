"""Versions of a policy: drafted as a copy, changed while a draft, approved by a second
person from a date; and their pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from homecoming.accounts.models import Role
from homecoming.core.errors import ApplicationError
from homecoming.core.tests.threads import at_once, refusals
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.policies import policy_approve, policy_change, policy_draft
from homecoming.programmes.selectors import default_programme, policy_in_force

TODAY = timezone.localdate()


@pytest.fixture
def second_planner(make_user):
    return make_user("planner2", Role.RETURN_PLANNER)


@pytest.fixture
def programme(db):
    return default_programme()


def changes(version: PolicyVersion, **fields) -> dict:
    values = {
        "conditions": version.conditions,
        "priority_factors": version.priority_factors,
        "required_services": version.required_services,
        "offer_answer_days": version.offer_answer_days,
        "rooms": version.rooms,
    }
    return values | fields


def weighted(version: PolicyVersion, key: str, weight: int) -> list[dict]:
    return [f | {"weight": weight} if f["key"] == key else f for f in version.priority_factors]


def test_a_draft_copies_the_version_in_force_with_the_next_number(programme, planner):
    first = policy_in_force(programme)
    draft = policy_draft(programme=programme, by=planner)
    assert (draft.number, draft.status, draft.based_on, draft.drafted_by) == (
        2,
        PolicyVersion.Status.DRAFT,
        first,
        planner,
    )
    assert draft.priority_factors == first.priority_factors
    assert draft.in_force_from is None
    assert policy_in_force(programme) == first


def test_only_a_policy_manager_drafts(programme, kalbajar_officer):
    with pytest.raises(PermissionDenied):
        policy_draft(programme=programme, by=kalbajar_officer)


def test_a_draft_changes_and_every_change_is_in_its_history(programme, planner):
    draft = policy_draft(programme=programme, by=planner)
    policy_change(
        version=draft,
        by=planner,
        **changes(draft, priority_factors=weighted(draft, "collective_accommodation", 40)),
        note="Empty the hostels first.",
    )
    draft.refresh_from_db()
    assert {f["key"]: f["weight"] for f in draft.priority_factors}["collective_accommodation"] == 40
    assert draft.history.count() == 2
    assert draft.history.first().history_user == planner


def test_a_change_with_a_wrong_expression_is_refused_with_the_languages_message(programme, planner):
    draft = policy_draft(programme=programme, by=planner)
    condition = {"key": "rich", "label": {"en": "rich"}, "expression": "household.income > 3"}
    with pytest.raises(ApplicationError) as refused:
        policy_change(version=draft, by=planner, **changes(draft, conditions=[condition]))
    assert refused.value.message.startswith("household.income is not something a policy can use")


def test_an_approved_version_does_not_change(programme, planner):
    first = policy_in_force(programme)
    with pytest.raises(ApplicationError, match="Version 1 is approved: it does not change"):
        policy_change(version=first, by=planner, **changes(first, offer_answer_days=20))


def test_a_second_person_approves_and_the_version_comes_into_force(
    programme, planner, second_planner
):
    draft = policy_draft(programme=programme, by=planner)
    with pytest.raises(ApplicationError, match="A second person approves a version"):
        policy_approve(version=draft, by=planner, in_force_from=TODAY)
    approved = policy_approve(version=draft, by=second_planner, in_force_from=TODAY)
    assert (approved.status, approved.approved_by, approved.in_force_from) == (
        PolicyVersion.Status.APPROVED,
        second_planner,
        TODAY,
    )
    assert policy_in_force(programme) == approved


def test_a_version_comes_into_force_neither_in_the_past_nor_before_the_previous(
    programme, planner, second_planner
):
    later = TODAY + dt.timedelta(days=30)
    policy_approve(
        version=policy_draft(programme=programme, by=planner),
        by=second_planner,
        in_force_from=later,
    )
    draft = policy_draft(programme=programme, by=planner)
    with pytest.raises(ApplicationError, match="today or later"):
        policy_approve(version=draft, by=second_planner, in_force_from=TODAY - dt.timedelta(days=1))
    with pytest.raises(ApplicationError, match="Version 2 is in force from"):
        policy_approve(version=draft, by=second_planner, in_force_from=TODAY)
    assert policy_in_force(programme).number == 1
    assert policy_in_force(programme, later).number == 2


@pytest.mark.django_db(transaction=True)
def test_of_two_approvals_at_once_exactly_one_wins(make_user):
    programme = default_programme()
    drafter = make_user("drafter", Role.RETURN_PLANNER)
    approvers = [make_user(f"approver{i}", Role.RETURN_PLANNER) for i in range(2)]
    draft = policy_draft(programme=programme, by=drafter)
    loaded = [PolicyVersion.objects.get(pk=draft.pk) for _ in approvers]
    outcomes = at_once(
        [
            lambda v=v, who=who: policy_approve(version=v, by=who, in_force_from=TODAY)
            for v, who in zip(loaded, approvers, strict=True)
        ]
    )
    refused = refusals(outcomes)
    assert sum(refused.values()) == 1
    winner = PolicyVersion.objects.get(pk=draft.pk).approved_by
    assert refused == {f"Version 2 was approved meanwhile by {winner}.": 1}


# Pages.


def test_the_draft_form_puts_the_languages_message_beside_the_expression_and_keeps_the_input(
    programme, planner, client_for
):
    draft = policy_draft(programme=programme, by=planner)
    client = client_for(planner)
    page = client.get(reverse("programmes:policy_edit", args=[programme.code, draft.number]))
    data = form_data(page.context["draft"])
    data |= {
        "conditions-0-key": "families",
        "conditions-0-label_en": "families of two or more",
        "conditions-0-expression": "household.members == 'hostel'",
    }
    response = client.post(
        reverse("programmes:policy_edit", args=[programme.code, draft.number]), data
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "household.members is a number; it cannot be compared with the text" in text
    assert 'id="error-summary"' in text
    assert "families of two or more" in text
    draft.refresh_from_db()
    assert draft.conditions == []


def test_the_draft_form_adds_a_condition_and_changes_a_weight(programme, planner, client_for):
    draft = policy_draft(programme=programme, by=planner)
    client = client_for(planner)
    url = reverse("programmes:policy_edit", args=[programme.code, draft.number])
    data = form_data(client.get(url).context["draft"])
    index = next(
        i for i, f in enumerate(draft.priority_factors) if f["key"] == "collective_accommodation"
    )
    data[f"factors-{index}-weight"] = "40"
    data |= {
        "conditions-0-key": "families",
        "conditions-0-label_en": "families of two or more",
        "conditions-0-label_az": "iki və daha çox nəfərlik ailələr",
        "conditions-0-expression": "household.members >= 2",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.conditions == [
        {
            "key": "families",
            "label": {"en": "families of two or more", "az": "iki və daha çox nəfərlik ailələr"},
            "expression": "household.members >= 2",
        }
    ]
    assert draft.priority_factors[index]["weight"] == 40
    page = client.get(reverse("programmes:policy_detail", args=[programme.code, draft.number]))
    text = page.content.decode()
    assert "condition “families of two or more” added" in text
    assert "priority factor “lives in collective accommodation”: weight 10 → 40" in text


def test_a_removed_factor_is_gone_from_the_draft(programme, planner, client_for):
    draft = policy_draft(programme=programme, by=planner)
    client = client_for(planner)
    url = reverse("programmes:policy_edit", args=[programme.code, draft.number])
    data = form_data(client.get(url).context["draft"])
    data["factors-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert len(draft.priority_factors) == 3


def test_the_drafter_is_not_offered_the_approval(programme, planner, second_planner, client_for):
    draft = policy_draft(programme=programme, by=planner)
    detail = reverse("programmes:policy_detail", args=[programme.code, draft.number])
    assert 'id="approve"' not in client_for(planner).get(detail).content.decode()
    client = client_for(second_planner)
    assert 'id="approve"' in client.get(detail).content.decode()
    response = client.post(
        reverse("programmes:policy_approve", args=[programme.code, draft.number]),
        {"in_force_from": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert policy_in_force(programme).number == draft.number


def test_an_officer_may_not_open_the_policy_pages(programme, kalbajar_officer, client_for):
    response = client_for(kalbajar_officer).get(
        reverse("programmes:policy_list", args=[programme.code])
    )
    assert response.status_code == 403


def form_data(draft) -> dict[str, str]:
    """What the browser sends back for the draft form as it was shown."""
    data: dict[str, str] = {}
    for part in draft.parts:
        forms = getattr(part, "forms", None)
        if forms is not None:
            management = part.management_form
            for name, field in management.fields.items():
                data[f"{part.prefix}-{name}"] = str(management.initial.get(name, field.initial))
        for form in forms if forms is not None else [part]:
            for field in form:
                value = field.value()
                if value in (None, False):
                    continue
                if isinstance(value, list):
                    data[field.html_name] = value
                else:
                    data[field.html_name] = str(value)
    return data
