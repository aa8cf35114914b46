"""A user makes an API token from the top bar, copies it once, revokes it, and changes their
password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from homecoming.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_makes_and_revokes_a_token_and_changes_their_password(make_user, page, screenshot):
    make_user("planner", Role.VIEWER)
    page.goto("/")
    page.get_by_label("Username").fill("planner")
    page.get_by_label("Password").fill("planner-password")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("What is the token for?").fill("nightly report")
    page.get_by_role("button", name="Make token").click()
    key = page.locator("#token-key")
    expect(key).to_contain_text("hmc_")
    expect(page.locator("#api-tokens")).to_contain_text("nightly report")
    screenshot("api-token-made")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("api-token-made-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.get_by_role("button", name="Revoke “nightly report”").click()
    expect(page.get_by_text("Token “nightly report” revoked.")).to_be_visible()
    expect(page.locator("#api-tokens")).to_contain_text("You have no token.")

    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Old password").fill("planner-password")
    page.get_by_label("New password:", exact=True).fill("aaaaaaaaaaaa")
    page.get_by_label("New password confirmation").fill("aaaaaaaaaaaa")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("repeats too few characters")
    screenshot("password-refused")
    page.get_by_label("Old password").fill("planner-password")
    page.get_by_label("New password:", exact=True).fill("river-lantern-47-orchard")
    page.get_by_label("New password confirmation").fill("river-lantern-47-orchard")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
