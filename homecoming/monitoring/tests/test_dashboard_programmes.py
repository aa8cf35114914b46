"""The dashboard's figures drawn from households, by programme: a user of one programme
counts only its households; anyone may narrow them to one programme with ?programme=."""

from __future__ import annotations

import pytest

from homecoming.accounts.models import Role
from homecoming.programmes.models import Programme
from homecoming.programmes.selectors import default_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept() -> Programme:
    return Programme.objects.create(code="concept", name="Concept", kind="repatriation")


def test_a_programme_of_no_return_shows_none_of_the_returns(returned, client_for, planner, concept):
    client = client_for(planner)
    every = client.get("/monitoring/").context["tiles"]
    assert (every["persons_returned"], every["households_returned"]) == ("7", "2")
    narrowed = client.get("/monitoring/", {"programme": "concept"})
    tiles = narrowed.context["tiles"]
    assert (tiles["persons_returned"], tiles["households_returned"]) == ("0", "0")
    assert "of the programme Concept" in narrowed.content.decode()
    mine = client.get("/monitoring/", {"programme": default_programme().code}).context["tiles"]
    assert mine["households_returned"] == "2"


def test_a_user_of_one_programme_counts_only_its_households_whatever_they_ask(
    returned, client_for, make_user, concept
):
    user = make_user("concept-planner", Role.RETURN_PLANNER)
    concept.users.add(user)
    client = client_for(user)
    for asked in ({}, {"programme": default_programme().code}):
        tiles = client.get("/monitoring/", asked).context["tiles"]
        assert tiles["households_returned"] == "0"
