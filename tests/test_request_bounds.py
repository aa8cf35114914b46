"""A request cannot make the server do unbounded work: every formset and every list
parameter has a ceiling, and going past it is answered with a message."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.forms.formsets import BaseFormSet
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

import homecoming
from homecoming.core.api import Pagination
from homecoming.registry.models import Household

pytestmark = pytest.mark.django_db


def test_a_registration_posted_with_a_huge_member_count_builds_at_most_twenty_forms(
    client_for, kalbajar_officer, places
):
    response = client_for(kalbajar_officer).post(
        "/registry/households/new/",
        {
            "origin_settlement": places.zar.code,
            "members-TOTAL_FORMS": "100000",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    members = response.context["members"]
    assert len(members.forms) <= 20
    assert "Please submit at most 20 forms." in response.content.decode()
    assert not Household.objects.exists()


def _formsets() -> list[type[BaseFormSet]]:
    found = []
    for module in pkgutil.walk_packages(homecoming.__path__, "homecoming."):
        if module.name.endswith((".forms", ".views")):
            for value in vars(importlib.import_module(module.name)).values():
                if isinstance(value, type) and issubclass(value, BaseFormSet):
                    found.append(value)
    return found


def test_every_formset_builds_no_more_forms_than_it_accepts():
    formsets = _formsets()
    assert formsets  # the household registration's members, at least
    for formset in formsets:
        assert formset.validate_max, formset
        assert formset.absolute_max == formset.max_num, formset


def test_an_api_caller_cannot_ask_for_a_page_larger_than_five_hundred():
    request = Request(APIRequestFactory().get("/api/places/settlements/", {"page_size": 100000}))
    assert Pagination().get_page_size(request) == 500
