"""API tokens: made by their owner after the second factor, shown once, kept as a digest,
expiring, revocable by the owner and the administrator, gone with a disabled account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from homecoming.accounts.models import ApiToken
from homecoming.accounts.services import API_TOKENS_PER_USER, api_token_create

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/api-tokens/"
SETTLEMENTS = "/api/places/settlements/"


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_on_the_page(client: Client, name: str = "nightly report") -> str:
    response = client.post(TOKENS, {"name": name})
    assert response.status_code == 200, response.content
    return response.context["key"]


def test_a_token_made_on_the_page_is_shown_once_and_kept_only_as_a_digest(
    client_for, viewer, places
):
    client = client_for(viewer)
    response = client.post(TOKENS, {"name": "nightly report"})
    key = response.context["key"]
    assert key.startswith("hmc_")
    assert len(key) == 68
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=viewer)
    assert token.name == "nightly report"
    assert key not in (token.digest, token.token_key)  # only the digest and a prefix are kept
    assert key not in client.get(TOKENS).content.decode()  # never shown again
    assert api(key).get(SETTLEMENTS).status_code == 200


def test_a_token_expires(client_for, viewer, places, settings):
    settings.API_TOKEN_DAYS = 30
    key = make_on_the_page(client_for(viewer))
    token = ApiToken.objects.get(user=viewer)
    assert dt.timedelta(days=29) < token.expiry - timezone.now() <= dt.timedelta(days=30)
    token.expiry = timezone.now() - dt.timedelta(seconds=1)
    token.save(update_fields=["expiry"])
    assert api(key).get(SETTLEMENTS).status_code == 401


def test_making_a_token_needs_a_session_that_gave_the_second_factor(viewer, settings):
    settings.REQUIRE_TOTP = True
    client = Client()
    client.post("/accounts/login/", {"username": "viewer", "password": "viewer-password"})
    # A viewer signs in with a password alone, but a token outlives the session.
    response = client.post(TOKENS, {"name": "script"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/enrol/")
    assert not ApiToken.objects.exists()
    device = TOTPDevice.objects.create(user=viewer, name="authenticator", confirmed=True)
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    assert make_on_the_page(client).startswith("hmc_")


def test_a_user_sees_and_revokes_only_their_own_tokens(client_for, viewer, planner, places):
    _theirs, their_key = api_token_create(user=planner, name="planner's")
    client = client_for(viewer)
    mine = make_on_the_page(client, "mine")
    page = client.get(TOKENS).content.decode()
    assert "mine" in page
    assert "planner&#x27;s" not in page
    other = ApiToken.objects.get(user=planner)
    assert client.post(f"{TOKENS}{other.pk}/revoke/").status_code == 404
    assert api(their_key).get(SETTLEMENTS).status_code == 200
    own = ApiToken.objects.get(user=viewer)
    response = client.post(f"{TOKENS}{own.pk}/revoke/", follow=True)
    assert "Token “mine” revoked." in response.content.decode()
    assert api(mine).get(SETTLEMENTS).status_code == 401


def test_a_user_holds_a_bounded_number_of_tokens(client_for, viewer):
    for number in range(API_TOKENS_PER_USER):
        api_token_create(user=viewer, name=f"token {number}")
    response = client_for(viewer).post(TOKENS, {"name": "one more"})
    assert response.context["key"] is None
    assert "revoke one you no longer use first" in response.content.decode()
    assert ApiToken.objects.filter(user=viewer).count() == API_TOKENS_PER_USER


def test_the_administrator_lists_and_revokes_any_users_token_but_cannot_make_one(
    client_for, admin, viewer, places
):
    _token, key = api_token_create(user=viewer, name="viewer's script")
    client = client_for(admin)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "viewer&#x27;s script" in listing
    assert key not in listing
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    token = ApiToken.objects.get(user=viewer)
    client.post(
        "/admin/accounts/apitoken/",
        {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"},
    )
    assert not ApiToken.objects.exists()
    assert api(key).get(SETTLEMENTS).status_code == 401


def test_disabling_an_account_deletes_its_tokens_for_good(
    client_for, admin, kalbajar_officer, places
):
    _token, key = api_token_create(user=kalbajar_officer, name="officer's script")
    assert api(key).get(SETTLEMENTS).status_code == 200
    client_for(admin).post(
        "/admin/accounts/user/", {"action": "disable", "_selected_action": [kalbajar_officer.pk]}
    )
    kalbajar_officer.refresh_from_db()
    kalbajar_officer.is_active = True  # enabled again: the old token does not come back
    kalbajar_officer.save()
    assert api(key).get(SETTLEMENTS).status_code == 401
    assert not ApiToken.objects.exists()
