"""Authentication hardening and web protections, tested through HTTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client

from homecoming.accounts.access import Can
from homecoming.accounts.models import AccessLog, Role


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


@pytest.fixture
def behind_the_proxy(settings):
    """The documented deployment: a TLS proxy on 10.0.0.0/24 appends to X-Forwarded-For."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_clients_behind_the_trusted_proxy_are_locked_out_separately(make_user, behind_the_proxy):
    make_user("officer", Role.REGISTRATION_OFFICER)
    attacker = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    colleague = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _ in range(5):
        login(attacker, "officer", "wrong-password")
    assert login(attacker, "officer", "officer-password").status_code == 429
    assert login(colleague, "officer", "officer-password").status_code == 302


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(make_user, behind_the_proxy):
    make_user("officer", Role.REGISTRATION_OFFICER)
    for number in range(5):  # a new made-up address on each try changes nothing
        spoofing = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        login(spoofing, "officer", "wrong-password")
    assert login(spoofing, "officer", "officer-password").status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "recorded"),
    [
        ("10.0.0.5", "198.51.100.2", "198.51.100.2"),
        ("10.0.0.5", "198.51.100.2, 10.0.0.9", "198.51.100.2"),  # two trusted hops
        ("10.0.0.5", "1.2.3.4, 198.51.100.2", "198.51.100.2"),  # the client wrote 1.2.3.4
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("203.0.113.7", "198.51.100.2", "203.0.113.7"),  # not through the proxy
    ],
)
def test_the_access_log_records_the_same_client_address_as_the_lockout(
    client_for,
    kalbajar_officer,
    make_household,
    places,
    behind_the_proxy,
    remote,
    forwarded,
    recorded,
):
    household = make_household(places.zar)
    client = client_for(kalbajar_officer)
    response = client.get(
        f"/registry/households/{household.pk}/",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert AccessLog.objects.get(record=household.reference).ip == recorded


def test_an_idle_session_ends(make_user, settings):
    make_user("officer", Role.REGISTRATION_OFFICER)
    client = Client()
    login(client, "officer", "officer-password")
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert client.get("/").status_code == 302  # back to the login page


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_refuse_framing(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _homecoming(*command: str, **env: str) -> subprocess.CompletedProcess:
    """Run the homecoming command as a server is started: only the environment given, plus
    what the machine needs (no DEBUG, no SECRET_KEY of the test run)."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    left_out = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {
        k: v for k, v in os.environ.items() if k not in left_out and not k.startswith("HOMECOMING_")
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "homecoming.settings"} | env
    return subprocess.run(
        [sys.executable, "-m", "homecoming", *command],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    return _homecoming("check", "--deploy", "--fail-level", "WARNING", **env)


# The production settings docs/operations.md lists.
PRODUCTION = {"ALLOWED_HOSTS": "homecoming.example.org"}


def test_production_settings_pass_the_deployment_checklist():
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(60), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_with_no_environment_homecoming_refuses_to_start():
    result = _homecoming("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 50 characters" in result.stderr


def test_the_development_key_is_refused_unless_debug_is_on():
    from homecoming.settings import DEVELOPMENT_SECRET_KEY

    refused = _check_deploy(SECRET_KEY=DEVELOPMENT_SECRET_KEY, **PRODUCTION)
    assert refused.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 50 characters" in refused.stderr
    assert _homecoming("check", DEBUG="1").returncode == 0


def test_without_debug_every_protection_is_on_by_default():
    result = _homecoming(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.REQUIRE_TOTP, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        SECRET_KEY=secrets.token_urlsafe(60),
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HOMECOMING_REQUIRE_TOTP": "false"}, "homecoming.W001"),
        ({"ALLOWED_HOSTS": "localhost"}, "homecoming.W002"),
        ({"DEBUG": "1"}, "security.W018"),
    ],
)
def test_the_deployment_checklist_fails_loudly_on_an_unsafe_setting(env, message):
    result = _check_deploy(SECRET_KEY=secrets.token_urlsafe(60), **(PRODUCTION | env))
    assert result.returncode != 0
    assert message in result.stderr


def test_an_anonymous_caller_gets_no_browsable_api_no_schema_and_no_documentation(places):
    anonymous = Client()
    browsable = anonymous.get("/api/places/settlements/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert browsable.status_code == 401
    assert browsable["Content-Type"] == "application/json"
    assert anonymous.get("/api/schema/").status_code == 401
    docs = anonymous.get("/api/docs/")
    assert (docs.status_code, docs["Location"]) == (302, "/accounts/login/?next=/api/docs/")


def test_a_signed_in_user_reads_the_browsable_api_the_schema_and_the_documentation(
    client_for, viewer, places
):
    client = client_for(viewer)
    browsable = client.get("/api/places/settlements/", HTTP_ACCEPT="text/html")
    assert (browsable.status_code, browsable["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abababababab",
        "abcdefghijklm",
        "zyxwvutsrqpo",
        "123456789012",
        "password1234",
    ],
)
def test_weak_passwords_are_refused(password, make_user):
    user = make_user("officer", Role.REGISTRATION_OFFICER)
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_varied_password_is_accepted(make_user):
    validate_password("river-lantern-47-orchard", make_user("officer", Role.REGISTRATION_OFFICER))


def test_a_user_changes_their_own_password_from_the_user_menu(make_user):
    make_user("officer", Role.REGISTRATION_OFFICER)
    elsewhere = Client()
    login(elsewhere, "officer", "officer-password")
    client = Client()
    login(client, "officer", "officer-password")
    assert 'href="/accounts/password/"' in client.get("/").content.decode()
    refused = client.post(
        "/accounts/password/",
        {
            "old_password": "officer-password",
            "new_password1": "aaaaaaaaaaaa",
            "new_password2": "aaaaaaaaaaaa",
        },
    )
    assert refused.status_code == 200
    assert "This password repeats too few characters" in refused.content.decode()
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": "officer-password",
            "new_password1": "river-lantern-47-orchard",
            "new_password2": "river-lantern-47-orchard",
        },
    )
    assert changed["Location"] == "/accounts/password/changed/"
    assert client.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 302  # the other is signed out
    assert login(Client(), "officer", "river-lantern-47-orchard").status_code == 302


def test_a_template_asking_for_an_unknown_access_rule_fails_instead_of_hiding_a_link(viewer):
    assert Can(viewer)["household_view"] is False
    with pytest.raises(ImproperlyConfigured, match="household_veiw"):
        Can(viewer)["household_veiw"]
