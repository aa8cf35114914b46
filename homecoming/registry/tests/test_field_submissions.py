"""KoboToolbox's REST Services push each submission; an officer accepts or refuses it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from homecoming.registry.fieldforms import field_form_create
from homecoming.registry.models import ChangeRequest, FieldForm, FieldSubmission, Household

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "kobo"
PUSHED = json.loads((FIXTURES / "kobo-rest-service.json").read_text())
EDITED = json.loads((FIXTURES / "kobo-rest-service-edit.json").read_text())
ROOT = "5b0e6a1f-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
URL = "/api/registry/field-submissions/"


@pytest.fixture
def key(kalbajar_officer) -> str:
    return field_form_create(by=kalbajar_officer, name="Kalbajar registration")[1]


def push(key: str, payload: object):
    return APIClient().post(URL, payload, format="json", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_form_key_is_kept_only_as_its_digest(key):
    form = FieldForm.objects.get()
    assert key not in form.token_digest
    assert len(form.token_digest) == 64


@pytest.mark.parametrize("header", ["", "Bearer wrong", "Token x"])
def test_a_push_without_the_form_key_is_refused(places, key, header):
    response = APIClient().post(URL, PUSHED, format="json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert not FieldSubmission.objects.exists()


def test_a_pushed_submission_waits_for_review_once(places, key):
    first = push(key, PUSHED)
    assert first.status_code == 201, first.json()
    again = push(key, PUSHED)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    held = FieldSubmission.objects.get()
    assert (held.status, held.root, held.origin_settlement) == ("pending", ROOT, places.zar)
    assert not Household.objects.exists()


def test_a_submission_the_import_would_refuse_is_refused_with_its_errors(places, key):
    bad = {**PUSHED, "members": [{**PUSHED["members"][0], "members/birth_date": "2999-01-01"}]}
    response = push(key, bad)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "birth_date", "message": "2999-01-01 is in the future"}
    ]
    assert not FieldSubmission.objects.exists()


@pytest.mark.parametrize("payload", [[], 42, {"_uuid": ["x"]}, {"_uuid": "x", "members": 3}])
def test_a_push_that_is_no_submission_is_a_400(places, key, payload):
    assert push(key, payload).status_code == 400


def test_an_edit_pushed_before_review_takes_the_place_of_the_first_version(places, key):
    push(key, PUSHED)
    push(key, EDITED)
    held = FieldSubmission.objects.get()
    assert held.version == EDITED["_uuid"]


def test_accepting_registers_the_household_and_an_edit_becomes_a_change_request(
    places, key, kalbajar_officer, client_for
):
    push(key, PUSHED)
    client = client_for(kalbajar_officer)
    held = FieldSubmission.objects.get()
    page = client.get(reverse("registry:field_submission_list"))
    assert "Rəşad Quliyev" in page.content.decode()
    response = client.post(
        reverse("registry:field_submission_decide", args=[held.pk]), {"accept": "1"}
    )
    household = Household.objects.get()
    assert response.url == reverse("registry:household_detail", args=[household.pk])
    assert household.reference == f"KOBO-{ROOT}"
    held.refresh_from_db()
    assert (held.status, held.household, held.decided_by) == (
        "accepted",
        household,
        kalbajar_officer,
    )
    # The officer who accepted it registered it: the household's history names them.
    assert household.events.get(action="registered").by == kalbajar_officer
    assert push(key, EDITED).status_code == 201
    edit = FieldSubmission.objects.get(status="pending")
    client.post(reverse("registry:field_submission_decide", args=[edit.pk]), {"accept": "1"})
    assert Household.objects.count() == 1
    request = ChangeRequest.objects.get()
    assert (request.household, request.part) == (household, "membership")
    edit.refresh_from_db()
    assert (edit.status, edit.household) == ("accepted", household)


def test_refusing_needs_a_reason(places, key, kalbajar_officer, client_for):
    push(key, PUSHED)
    held = FieldSubmission.objects.get()
    client = client_for(kalbajar_officer)
    url = reverse("registry:field_submission_decide", args=[held.pk])
    client.post(url, {"accept": "0", "reason": ""})
    held.refresh_from_db()
    assert held.status == "pending"
    client.post(url, {"accept": "0", "reason": "Test submission from training"})
    held.refresh_from_db()
    assert (held.status, held.reason) == ("rejected", "Test submission from training")


def test_an_officer_of_another_district_does_not_see_the_submission(
    places, key, khojaly_officer, client_for
):
    push(key, PUSHED)
    held = FieldSubmission.objects.get()
    client = client_for(khojaly_officer)
    assert (
        client.get(reverse("registry:field_submission_detail", args=[held.pk])).status_code == 404
    )
    assert "Quliyev" not in client.get(reverse("registry:field_submission_list")).content.decode()


def test_a_revoked_form_key_is_refused(places, key):
    call_command("fieldform", "Kalbajar registration", "--revoke", stdout=io.StringIO())
    assert push(key, PUSHED).status_code == 401


def test_the_command_makes_a_key_that_pushes(places, kalbajar_officer):
    out = io.StringIO()
    call_command("fieldform", "Zar team", "--by", "kalbajar", stdout=out)
    key = out.getvalue().split("\n")[1]
    assert push(key, PUSHED).status_code == 201


def test_an_officer_sets_up_a_form_in_the_browser_and_its_key_pushes(
    places, kalbajar_officer, client_for
):
    client = client_for(kalbajar_officer)
    page = client.post(reverse("registry:field_form_list"), {"name": "Zar team"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    key = page.context["key"]
    assert key in page.content.decode()
    assert "/api/registry/field-submissions/" in page.content.decode()
    assert push(key, PUSHED).status_code == 201
    # Shown once: the list, opened again, shows the form but never its key.
    again = client.get(reverse("registry:field_form_list")).content.decode()
    assert "Zar team" in again
    assert key not in again


def test_a_second_form_of_the_same_name_is_refused_in_words(
    places, key, kalbajar_officer, client_for
):
    page = client_for(kalbajar_officer).post(
        reverse("registry:field_form_list"), {"name": "Kalbajar registration"}
    )
    assert page.context["key"] is None
    assert "A form of this name already pushes submissions." in page.content.decode()
    assert FieldForm.objects.count() == 1


def test_revoking_a_key_in_the_browser_asks_first_then_refuses_its_pushes(
    places, key, kalbajar_officer, client_for
):
    client = client_for(kalbajar_officer)
    form = FieldForm.objects.get()
    url = reverse("registry:field_form_revoke", args=[form.pk])
    assert "Revoke the key of Kalbajar registration?" in client.get(url).content.decode()
    assert push(key, PUSHED).status_code == 201  # asking changed nothing
    assert client.post(url).status_code == 302
    assert push(key, {**PUSHED, "meta/instanceID": "uuid:other"}).status_code == 401
    assert client.get(url).status_code == 404  # revoked once
    assert FieldForm.objects.get().history.first().history_user == kalbajar_officer


def test_the_registration_form_downloads_as_an_xlsform(places, kalbajar_officer, client_for):
    response = client_for(kalbajar_officer).get(reverse("registry:field_form_xlsform"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # an XLSX is a zip


def test_only_officers_who_register_may_set_up_forms(places, client_for, planner):
    client = client_for(planner)
    assert client.get(reverse("registry:field_form_list")).status_code == 403
    assert client.post(reverse("registry:field_form_list"), {"name": "x"}).status_code == 403
    assert not FieldForm.objects.exists()
