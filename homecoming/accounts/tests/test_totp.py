"""Time-based one-time passwords: the second step of signing in for roles that read personal data."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.accounts.models import Role

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/registry/households/"


@pytest.fixture
def require_totp(settings):
    settings.REQUIRE_TOTP = True


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": f"{user.username}-password"}
    )
    assert response.status_code == 302
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_an_officer_without_a_device_cannot_reach_personal_data_and_is_sent_to_enrol(
    require_totp, kalbajar_officer
):
    client = signed_in(kalbajar_officer)
    response = client.get(HOUSEHOLDS)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/enrol/?next=%2Fregistry%2Fhouseholds%2F"
    assert client.get("/api/registry/households/").status_code == 302


def test_enrolling_shows_the_key_and_the_first_good_code_lets_the_officer_in(
    require_totp, kalbajar_officer
):
    client = signed_in(kalbajar_officer)
    page = client.get("/accounts/two-factor/enrol/?next=/registry/households/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=kalbajar_officer, confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    assert page.context["uri"].startswith(f"otpauth://totp/Homecoming%3Akalbajar?secret={secret}&")
    assert page.context["qr"].startswith("data:image/svg+xml")
    # Reloading keeps the key the phone has already scanned.
    assert client.get("/accounts/two-factor/enrol/").context["secret"] == page.context["secret"]
    response = client.post(
        "/accounts/two-factor/enrol/", {"token": code(device), "next": "/registry/households/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/registry/households/"
    assert client.get(HOUSEHOLDS).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_officer_gives_the_current_code_after_the_password(
    require_totp, kalbajar_officer
):
    device = enrolled(kalbajar_officer)
    client = signed_in(kalbajar_officer)
    assert client.get(HOUSEHOLDS)["Location"].startswith("/accounts/two-factor/?next=")
    response = client.post("/accounts/two-factor/", {"token": code(device), "next": HOUSEHOLDS})
    assert response["Location"] == HOUSEHOLDS
    assert client.get(HOUSEHOLDS).status_code == 200


def test_a_wrong_code_fails_and_the_page_stays_closed(require_totp, kalbajar_officer):
    device = enrolled(kalbajar_officer)
    client = signed_in(kalbajar_officer)
    wrong = code(device, steps_ahead=20)
    response = client.post("/accounts/two-factor/", {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(HOUSEHOLDS).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_code_once_used_is_refused_the_second_time(require_totp, kalbajar_officer):
    device = enrolled(kalbajar_officer)
    token = code(device)
    first = signed_in(kalbajar_officer)
    assert first.post("/accounts/two-factor/", {"token": token})["Location"] == "/"
    second = signed_in(kalbajar_officer)
    assert second.post("/accounts/two-factor/", {"token": token}).status_code == 200
    assert second.get(HOUSEHOLDS).status_code == 302


def test_roles_without_personal_data_and_the_demo_setting_ask_no_code(
    require_totp, settings, make_user, kalbajar_officer
):
    viewer = make_user("viewer", Role.VIEWER)
    assert signed_in(viewer).get("/places/settlements/").status_code == 200
    settings.REQUIRE_TOTP = False
    assert signed_in(kalbajar_officer).get(HOUSEHOLDS).status_code == 200


def test_the_next_page_must_be_our_own(require_totp, kalbajar_officer):
    device = enrolled(kalbajar_officer)
    client = signed_in(kalbajar_officer)
    response = client.post(
        "/accounts/two-factor/", {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
