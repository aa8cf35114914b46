from __future__ import annotations

import pytest

from homecoming.core.errors import ApplicationError
from homecoming.registry.models import DuplicateCandidate, Household
from homecoming.registry.services import HouseholdMatch, duplicate_resolve, duplicates_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(places, make_household):
    first = make_household(places.zar, ("Elvin", "Məmmədov"))
    second = make_household(places.zar, ("Эльвин", "Мамедов"))
    evidence = [
        {
            "a": "Elvin Məmmədov",
            "b": "Эльвин Мамедов",
            "probability": 0.98,
            "fields": {"family_name": "same key"},
        }
    ]
    duplicates_store([HouseholdMatch(second.pk, first.pk, 0.98, evidence)])
    return first, second


def test_a_found_pair_is_queued_once_in_order(pair):
    first, second = pair
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.household_a, candidate.household_b) == (first, second)
    assert duplicates_store([HouseholdMatch(first.pk, second.pk, 0.99, [])]) == (0, 1)
    assert DuplicateCandidate.objects.get().probability == 0.99


def test_a_pair_judged_not_duplicate_is_never_proposed_again(pair, kalbajar_officer):
    candidate = DuplicateCandidate.objects.get()
    duplicate_resolve(candidate=candidate, by=kalbajar_officer, duplicate=False, note="twins")
    first, second = pair
    assert duplicates_store([HouseholdMatch(first.pk, second.pk, 0.99, [])]) == (0, 0)
    assert DuplicateCandidate.objects.get().status == "not_duplicate"


def test_merging_withdraws_the_other_household_and_keeps_both_in_history(pair, kalbajar_officer):
    first, second = pair
    candidate = DuplicateCandidate.objects.get()
    with pytest.raises(ApplicationError, match="Choose which"):
        duplicate_resolve(candidate=candidate, by=kalbajar_officer, duplicate=True)
    duplicate_resolve(candidate=candidate, by=kalbajar_officer, duplicate=True, keep=first)
    second.refresh_from_db()
    assert (second.status, second.withdrawal_reason) == ("withdrawn", f"duplicate of {first}")
    merged = first.events.get(action="merged")
    assert merged.details["duplicate"]["members"][0]["given_name"] == "Эльвин"
    assert second.members.count() == 1  # the original record stays as it was
    with pytest.raises(ApplicationError, match="already been judged"):
        duplicate_resolve(candidate=candidate, by=kalbajar_officer, duplicate=False)


def test_the_review_page_shows_both_sides_and_records_the_judgement(
    pair, client_for, kalbajar_officer
):
    first, second = pair
    client = client_for(kalbajar_officer)
    candidate = DuplicateCandidate.objects.get()
    page = client.get(f"/registry/duplicates/{candidate.pk}/").content.decode()
    assert "Эльвин" in page
    assert "Elvin" in page
    assert "same key" in page
    client.post(f"/registry/duplicates/{candidate.pk}/resolve/", {"verdict": "keep_b"})
    assert Household.objects.get(pk=first.pk).status == "withdrawn"


def test_an_officer_of_another_district_does_not_see_the_pair(pair, client_for, khojaly_officer):
    client = client_for(khojaly_officer)
    assert list(client.get("/registry/duplicates/").context["page"]) == []
    candidate = DuplicateCandidate.objects.get()
    assert client.get(f"/registry/duplicates/{candidate.pk}/").status_code == 404
