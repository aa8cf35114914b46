"""The error pages: in the site's frame and the user's language, saying what happened and
where to go; the server error page even when the database is down."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.utils import translation

from homecoming.accounts.models import Role

pytestmark = pytest.mark.django_db


def in_the_frame(response) -> str:
    """The page's text, after checking it has the site's frame and a way home."""
    html = response.content.decode()
    assert '<header class="topbar">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<ul class="next-steps">' in html
    assert '<li><a href="/">' in html
    return html


def test_a_missing_page_is_shown_in_the_frame_with_the_menu_and_a_way_home(client_for, admin):
    response = client_for(admin).get("/registry/households/999999/")
    assert response.status_code == 404
    html = in_the_frame(response)
    assert "<h1>Page not found</h1>" in html
    assert 'aria-label="Main"' in html  # the signed-in user keeps the menu


def test_a_missing_page_speaks_the_users_language(client_for, viewer):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "az"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = in_the_frame(response)
    assert '<html lang="az">' in html
    with translation.override("az"):
        assert translation.gettext("Settlements") in html


def test_an_api_client_still_reads_json_for_a_missing_address(client_for, viewer):
    response = client_for(viewer).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_forbidden_page_says_who_is_signed_in_and_offers_to_sign_in_as_another_user(
    client_for, make_user
):
    user = make_user("vera", Role.VIEWER)
    response = client_for(user).get("/imports/new/")
    assert response.status_code == 403
    html = in_the_frame(response)
    assert "<h1>You may not open this page</h1>" in html
    assert f"You are signed in as vera ({user.get_role_display()})" in html
    assert "ask your programme's administrator" in html
    assert '<a href="/accounts/login/?next=/imports/new/">Sign in as another user</a>' in html


def test_a_form_refused_for_its_csrf_token_says_to_reload_and_send_again(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = in_the_frame(response)
    assert "<h1>The form could not be sent</h1>" in html
    assert "Go back, reload the page, and send the form again." in html


def test_a_request_that_cannot_be_read_is_shown_in_the_frame(db):
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = in_the_frame(response)
    assert "<h1>The request could not be read</h1>" in html


def test_the_server_error_page_renders_in_the_frame_when_the_database_is_down(client_for, viewer):
    client = client_for(viewer)
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "az"
    down = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = client.get("/registry/households/")
    assert response.status_code == 500
    html = in_the_frame(response)
    assert '<html lang="az">' in html
    with translation.override("az"):
        assert f'href="/">{translation.gettext("Homecoming")}</a>' in html
    assert "<code>/registry/households/</code>" in html
    assert "langswitch" not in html  # a form it could not send without a session


def test_a_server_error_under_the_api_answers_json(client_for, viewer):
    client = client_for(viewer)
    client.raise_request_exception = False
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError):
        response = client.get("/api/places/areas/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}
