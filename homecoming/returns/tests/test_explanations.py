"""Each household's explanation, kept as the planner's values, in the words of the page's
language; and the sentences runs stored before, read back into values."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from homecoming.returns.explanations import Names, explanation_words
from homecoming.returns.services import allocation_run
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db

stored = importlib.import_module("homecoming.returns.migrations.0008_explanations_stored_as_values")

# Sentences the planner wrote when runs stored them (its tests and docs/planner.md).
SENTENCES = [
    "Housed in a 2-room step-free unit in its origin settlement Zar; 1 person needs 1–2 rooms, "
    "so 1 surplus room.",
    "Housed in a 2-room unit in Kəlbəcər, outside its origin settlement Zar, where every unit "
    "that fits it is taken; 4 people need 2–3 rooms, so no surplus room.",
    "Housed in a 2-room unit in s1, outside its origin settlement s2, which has no unit that "
    "fits it; 3 people need 2–3 rooms, so no surplus room.",
    "Not housed: no unit in its district Kalbajar has 2–3 rooms and step-free access. One more "
    "ready 2-room step-free unit in Zar would house it.",
    "Not housed: no unit in its origin settlement s1 has 2–3 rooms. One more ready 2-room unit "
    "in s1 would house it.",
    "Not housed: no unit in its origin settlement Zar has 3 rooms. A new unit that fits it "
    "would go first to a household with an equal or stronger claim.",
    "Not housed: its priority 35 does not beat the clearing priority of the units that fit it: "
    "40 for 2-room step-free units in Zar, 50 for 3-room units in Zar. A priority of 41 instead "
    "of 35 would house it, and so would one more ready 2-room unit in Zar.",
    "Not housed: its priority 20 does not beat the clearing priority of the units that fit it: "
    "40 for 2-room step-free units in Zar. A priority of 41 instead of 20 would house it.",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_stored_sentence_reads_back_into_values_that_say_it_again(sentence):
    reason = stored.read(sentence, lambda name: name)
    assert reason is not None
    with translation.override("en"):
        assert explanation_words(reason, Names([reason])) == sentence


def test_a_sentence_that_cannot_be_read_is_shown_as_it_was_written():
    assert stored.read("Housed, somehow.", lambda name: name) is None
    text = {"why": "words", "text": "Housed, somehow."}
    assert explanation_words(text, Names([text])) == "Housed, somehow."


def test_stored_settlement_names_become_codes(places):
    reason = stored.read(SENTENCES[1], {"Zar": places.zar.code}.get)
    assert (reason["origin"], reason["origin_full"]) == (places.zar.code, True)


def test_an_explanation_names_its_places_in_the_page_language(places):
    reason = {
        "why": "housed",
        "rooms": 2,
        "step_free": False,
        "settlement": places.kalbajar_city.code,
        "origin": places.ballija.code,
        "size": 3,
        "smallest": 2,
        "largest": 3,
        "origin_full": False,
    }
    no_fit = {
        "why": "no_fit",
        "scope": "district",
        "place": places.kalbajar.code,
        "smallest": 2,
        "largest": 3,
        "step_free": False,
        "more": None,
    }
    with translation.override("az"):
        names = Names([reason, no_fit])
        housed, waiting = explanation_words(reason, names), explanation_words(no_fit, names)
    assert "Kəlbəcər" in housed
    assert "Ballıca" in housed
    assert "Kalbajar" not in housed + waiting
    assert places.kalbajar.code not in waiting


def test_the_run_page_says_each_explanation(places, make_household, zar_ready, planner, client_for):
    for members in (3, 4, 3):
        household(make_household, places.zar, members)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    page = client_for(planner).get(f"/returns/runs/{run.pk}/").content.decode()
    assert page.count("Housed in a") == 2
    assert page.count("Not housed:") == 1
    assert "{&#x27;why&#x27;" not in page
