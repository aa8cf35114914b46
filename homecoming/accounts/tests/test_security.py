"""Authentication hardening and web protections, tested through HTTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from homecoming.accounts.access import Can
from homecoming.accounts.models import Role

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user("officer", Role.REGISTRATION_OFFICER)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_logins_lock_out_after_five_failures(make_user):
    make_user("officer", Role.REGISTRATION_OFFICER)
    client = Client()
    for _ in range(4):
        assert login(client, "officer", "wrong-password").status_code == 200
    assert login(client, "officer", "wrong-password").status_code == 429  # the fifth locks
    locked = login(client, "officer", "officer-password")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_resets_the_count(make_user):
    make_user("officer", Role.REGISTRATION_OFFICER)
    client = Client()
    for _ in range(4):
        login(client, "officer", "wrong-password")
    assert login(client, "officer", "officer-password").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "officer", "wrong-password")
    assert login(client, "officer", "officer-password").status_code == 302


def test_an_idle_session_ends(make_user, settings):
    make_user("officer", Role.REGISTRATION_OFFICER)
    client = Client()
    login(client, "officer", "officer-password")
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert client.get("/").status_code == 302  # back to the login page


def test_pages_carry_a_content_security_policy_and_refuse_framing(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    left_out = ("DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in left_out}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "homecoming.settings",
        "HOMECOMING_PRODUCTION": "1",
        "ALLOWED_HOSTS": "homecoming.example.org",
    } | env
    return subprocess.run(
        [sys.executable, "-m", "homecoming", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    result = _check_deploy()
    assert result.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 50 characters." in result.stderr


def test_a_template_asking_for_an_unknown_access_rule_fails_instead_of_hiding_a_link(viewer):
    assert Can(viewer)["household_view"] is False
    with pytest.raises(ImproperlyConfigured, match="household_veiw"):
        Can(viewer)["household_veiw"]
