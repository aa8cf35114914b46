"""The auditor signs in with a one-time password and reads a household's audit trail."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_enrols_an_authenticator_and_reads_an_audit_trail(
    demo,  # noqa: F811
    page,
    screenshot,
    settings,
):
    settings.REQUIRE_TOTP = True
    page.goto("/")
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill("auditor-homecoming")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up sign-in codes")).to_be_visible()
    expect(page.locator("#totp-qr")).to_be_visible()
    screenshot("totp-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    code = TOTP(base64.b32decode(secret)).token()
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Return programme overview")).to_be_visible()

    page.get_by_role("link", name="Households", exact=True).click()
    page.locator("#household-rows tbody tr a").first.click()
    page.get_by_text("Audit trail: who changed what, and when").click()
    table = page.locator("#audit-trail-table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("created")
    expect(table).to_contain_text("Origin settlement")
    screenshot("audit-trail")
