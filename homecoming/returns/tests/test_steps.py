"""The steps before return of a cross-border programme, recorded done with their day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from homecoming.core.errors import ApplicationError
from homecoming.registry.models import HouseholdEvent
from homecoming.returns.policy import STEP_DONE
from homecoming.returns.selectors import household_steps
from homecoming.returns.services import return_step_record
from homecoming.returns.tests.fixtures import household


@pytest.fixture
def returnee(repatriation, places, make_household):
    return household(make_household, places.zar, 2, programme=repatriation)


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_a_step_is_recorded_with_its_day_and_shown_done(returnee, kalbajar_officer):
    return_step_record(household=returnee, by=kalbajar_officer, step="visit", date=days_ago(10))
    event = HouseholdEvent.objects.get(household=returnee, action=STEP_DONE)
    assert event.details == {"step": "visit", "date": days_ago(10).isoformat()}
    assert [(s.key, s.date, s.by) for s in household_steps(returnee)] == [
        ("visit", days_ago(10), kalbajar_officer),
        ("form", None, None),
    ]


@pytest.mark.parametrize(
    ("date", "refused"),
    [
        (1, "in the future"),
        (-20, "before Go-and-see visit"),
        (-20000, "before the household was displaced"),
    ],
)
def test_a_step_dated_out_of_order_is_refused_in_words(returnee, kalbajar_officer, date, refused):
    return_step_record(household=returnee, by=kalbajar_officer, step="visit", date=days_ago(10))
    with pytest.raises(ApplicationError, match=refused) as caught:
        return_step_record(
            household=returnee,
            by=kalbajar_officer,
            step="form",
            date=days_ago(10) + dt.timedelta(days=date if date < 0 else 10 + date),
        )
    assert caught.value.extra == {"field": "date"}
    assert HouseholdEvent.objects.filter(household=returnee, action=STEP_DONE).count() == 1


def test_a_step_is_recorded_once(returnee, kalbajar_officer):
    return_step_record(household=returnee, by=kalbajar_officer, step="visit", date=days_ago(3))
    with pytest.raises(ApplicationError, match="already recorded"):
        return_step_record(household=returnee, by=kalbajar_officer, step="visit", date=days_ago(2))


def test_a_programme_without_a_policy_in_force_records_no_step(
    repatriation, returnee, kalbajar_officer
):
    repatriation.policy_versions.update(in_force_from=days_ago(-5))
    with pytest.raises(ApplicationError, match="No version of the policy"):
        return_step_record(household=returnee, by=kalbajar_officer, step="visit", date=days_ago(1))
    assert household_steps(returnee) == []


def test_an_officer_records_a_step_from_the_household_page(returnee, kalbajar_officer, client_for):
    client = client_for(kalbajar_officer)
    page = client.get(f"/registry/households/{returnee.pk}/")
    steps_url = f"/returns/households/{returnee.pk}/steps/"
    assert f'href="{steps_url}"' in page.text
    assert 'data-step="visit" data-state="pending"' in page.text

    refused = client.post(steps_url, {"step": "visit", "date": days_ago(-1).isoformat()})
    assert refused.status_code == 200
    field = refused.context["form"]["date"]
    assert "cannot be dated in the future" in field.errors[0]

    done = client.post(steps_url, {"step": "visit", "date": days_ago(4).isoformat()}, follow=True)
    assert done.redirect_chain[-1][0] == f"/registry/households/{returnee.pk}/"
    assert "Go-and-see visit recorded as done on" in done.text
    assert 'data-step="visit" data-state="done"' in done.text
    assert "Step before return done: Go-and-see visit" in done.text


def test_only_users_who_change_households_see_and_open_the_steps_page(
    returnee, planner, client_for
):
    client = client_for(planner)
    page = client.get(f"/registry/households/{returnee.pk}/")
    assert 'id="steps"' in page.text
    assert "/steps/" not in page.text
    assert client.get(f"/returns/households/{returnee.pk}/steps/").status_code == 403


def test_a_household_of_a_programme_without_steps_has_no_steps_page(
    places, make_household, kalbajar_officer, client_for
):
    made = household(make_household, places.zar, 2)
    client = client_for(kalbajar_officer)
    assert 'id="steps"' not in client.get(f"/registry/households/{made.pk}/").text
    assert client.get(f"/returns/households/{made.pk}/steps/").status_code == 404
