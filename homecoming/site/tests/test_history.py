"""The audit trail on record pages: shown to those allowed, through each record's own access."""

from __future__ import annotations

import re
from html import unescape

import pytest

from conftest import make_table
from homecoming.accounts.models import AccessLog, Role
from homecoming.mineaction.models import HazardArea
from homecoming.mineaction.services import hazards_import
from homecoming.mineaction.tests.fixtures import hazard_row, square
from homecoming.places.models import Settlement
from homecoming.site.history import KINDS

pytestmark = pytest.mark.django_db


def test_the_auditor_reads_who_changed_a_household_from_what_to_what(
    client_for, auditor, kalbajar_officer, make_household, places
):
    household = make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    client_for(kalbajar_officer).post(f"/registry/households/{household.pk}/verify/")
    page = client_for(auditor).get(f"/accounts/history/household/{household.pk}/")
    assert page.status_code == 200
    entries = page.context["history"].entries
    verified = entries[0]
    assert (verified.user, verified.action, verified.record) == (
        kalbajar_officer,
        "changed",
        "household",
    )
    assert ("Status", "Registered", "Verified") in [
        (c.field, c.before, c.after) for c in verified.changes
    ]
    assert {e.record for e in entries if e.action == "created"} == {
        "household",
        "member Elvin Məmmədov",
        "member Aygün Məmmədova",
    }
    created = next(e for e in entries if e.record == "household" and e.action == "created")
    assert ("Origin settlement", "—", "Zar") in [
        (c.field, c.before, c.after) for c in created.changes
    ]
    assert "Registered → Verified" in page.content.decode()


def test_reading_a_households_trail_is_itself_logged(client_for, auditor, make_household, places):
    household = make_household(places.zar)
    client_for(auditor).get(f"/accounts/history/household/{household.pk}/")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.record) == (
        auditor,
        AccessLog.Action.HISTORY,
        household.reference,
    )


def test_an_officer_may_not_read_the_trail_and_the_page_does_not_offer_it(
    client_for, kalbajar_officer, auditor, make_household, places
):
    household = make_household(places.zar)
    officer = client_for(kalbajar_officer)
    assert officer.get(f"/accounts/history/household/{household.pk}/").status_code == 403
    assert (
        'id="audit-trail"'
        not in officer.get(f"/registry/households/{household.pk}/").content.decode()
    )
    page = client_for(auditor).get(f"/registry/households/{household.pk}/").content.decode()
    assert f'hx-get="/accounts/history/household/{household.pk}/"' in page


def test_the_trail_of_a_household_outside_the_users_districts_is_404(
    client_for, make_user, make_household, places
):
    kalbajar_auditor = make_user("k-auditor", Role.AUDITOR, (places.kalbajar,))
    khojaly_household = make_household(places.ballija)
    response = client_for(kalbajar_auditor).get(
        f"/accounts/history/household/{khojaly_household.pk}/"
    )
    assert response.status_code == 404
    assert list(AccessLog.objects.values_list("action", flat=True)) == [AccessLog.Action.REFUSED]


def test_an_unknown_kind_or_record_is_404(client_for, auditor, places):
    client = client_for(auditor)
    assert client.get("/accounts/history/user/1/").status_code == 404
    assert client.get("/accounts/history/settlement/AZ9999999/").status_code == 404
    assert client.get("/accounts/history/household/999999/").status_code == 404


def test_htmx_gets_the_table_alone_and_a_settlement_shows_its_own_changes(
    client_for, auditor, places
):
    zar = Settlement.objects.get(pk=places.zar.pk)
    zar.name_ru = "Зар"
    zar.save()
    response = client_for(auditor).get(
        f"/accounts/history/settlement/{zar.code}/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="audit-trail-table"' in html
    latest = response.context["history"].entries[0]
    assert [(c.field, c.before, c.after) for c in latest.changes] == [
        ("Name (Russian)", "—", "Зар")
    ]
    assert latest.reason == ""
    imported = response.context["history"].entries[-1]
    assert (imported.action, imported.reason) == ("created", "import places test.csv")


def test_the_admin_shows_a_users_changes_without_the_password_hash(client_for, admin, make_user):
    user = make_user("officer", Role.VIEWER)
    user.role = Role.REGISTRATION_OFFICER
    user.save()
    page = client_for(admin).get(f"/admin/accounts/user/{user.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "Role: viewer → registration_officer" in text
    assert user.password not in html
    assert "argon2" not in html


def _household_key(request, places) -> str:
    return str(request.getfixturevalue("make_household")(places.zar).pk)


def _hazard_area_key(request, places) -> str:
    report = hazards_import(
        table=make_table([hazard_row("HA-0001", square(46.2010, 40.0110), settlements="Zar")])
    )
    assert report.ok, report.errors
    return "HA-0001"


def _project_key(request, places) -> str:
    request.getfixturevalue("zar_ready")
    return "P-1"


# One record of each kind that has an audit trail, made as the kind's own import makes it.
_RECORD = {
    "household": _household_key,
    "settlement": lambda request, places: places.zar.code,
    "area": lambda request, places: places.kalbajar.code,
    "hazard-area": _hazard_area_key,
    "project": _project_key,
}


def test_every_kind_with_an_audit_trail_has_a_record_tried_below():
    assert set(_RECORD) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_audit_trail_of_a_record_of_every_kind_opens_for_the_auditor(
    request, client_for, auditor, places, kind
):
    key = _RECORD[kind](request, places)
    page = client_for(auditor).get(f"/accounts/history/{kind}/{key}/")
    assert page.status_code == 200
    assert page.context["history"].entries


def test_a_hazard_areas_trail_shows_the_settlements_it_blocks(client_for, auditor, places):
    _hazard_area_key(None, places)
    hazard = HazardArea.objects.get(code="HA-0001")
    hazard.settlements.add(places.kalbajar_city)
    entries = (
        client_for(auditor).get("/accounts/history/hazard-area/HA-0001/").context["history"].entries
    )
    assert ("Settlements", "Zar", "Kalbajar city, Zar") in [
        (c.field, c.before, c.after) for e in entries for c in e.changes
    ]
