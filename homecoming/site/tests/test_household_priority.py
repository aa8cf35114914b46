"""The household page's priority card names the policy version that counted the priority."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import timezone

from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.returns.services import allocation_run
from homecoming.returns.tests.fixtures import household


def version_in_force(number: int) -> PolicyVersion:
    """A new version of the first programme's policy, in force from today."""
    first = policy_in_force(default_programme())
    return PolicyVersion.objects.create(
        programme=first.programme,
        number=number,
        status=PolicyVersion.Status.APPROVED,
        in_force_from=timezone.localdate(),
        approved_at=timezone.now(),
        priority_factors=first.priority_factors,
        offer_answer_days=first.offer_answer_days,
        rooms=first.rooms,
    )


def card(client, made) -> str:
    page = client.get(f"/registry/households/{made.pk}/").content.decode()
    return re.search(r'<p id="priority-version">(.*?)</p>', page).group(1)


def test_the_priority_card_names_the_version_it_was_counted_by(
    places, make_household, zar_ready, kalbajar_officer, planner, client_for
):
    made = household(make_household, places.zar, 3)
    client = client_for(kalbajar_officer)
    assert card(client, made) == "Priority under the rules of Return programme, version 1"

    version_in_force(2)
    assert card(client, made) == "Priority under the rules of Return programme, version 2"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "az"
    assert "Qayıdış proqramı" in card(client, made)
    assert "2" in card(client, made)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # Counted by a run: the run's version, even when a later one is in force.
    allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    version_in_force(3)
    assert card(client, made) == "Priority under the rules of Return programme, version 2"
