"""Every read of personal data is logged, and only the auditor reads the log.
Every view, and refused attempts: test_personal_data.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from homecoming.accounts.models import AccessLog

pytestmark = pytest.mark.django_db


def test_views_searches_exports_and_api_reads_are_logged(
    client_for, api_for, kalbajar_officer, places, make_household
):
    household = make_household(places.zar)
    client = client_for(kalbajar_officer)
    client.get(f"/registry/households/{household.pk}/")
    client.get("/registry/households/", {"q": "elvin"})
    b"".join(client.get("/registry/households/export.csv").streaming_content)
    api_for(kalbajar_officer).get(f"/api/registry/households/{household.pk}/")
    logged = list(
        AccessLog.objects.order_by("at", "id").values_list("user__username", "action", "record")
    )
    assert logged == [
        ("kalbajar", "view", household.reference),
        ("kalbajar", "search", "/registry/households/?q=elvin"),
        ("kalbajar", "export", "/registry/households/export.csv"),
        ("kalbajar", "api", household.reference),
    ]
    assert AccessLog.objects.first().ip == "127.0.0.1"


def test_the_auditor_searches_the_log_and_an_officer_cannot(
    client_for, auditor, kalbajar_officer, places, make_household
):
    household = make_household(places.zar)
    client_for(kalbajar_officer).get(f"/registry/households/{household.pk}/")
    page = client_for(auditor).get("/accounts/access-log/", {"record": household.reference})
    assert [e.user.username for e in page.context["page"]] == ["kalbajar"]
    assert client_for(kalbajar_officer).get("/accounts/access-log/").status_code == 403
    assert AccessLog.objects.filter(user=kalbajar_officer, action="refused").exists()


def test_entries_older_than_the_retention_are_pruned(
    client_for, kalbajar_officer, places, make_household, settings
):
    household = make_household(places.zar)
    client_for(kalbajar_officer).get(f"/registry/households/{household.pk}/")
    old = AccessLog.objects.get()
    AccessLog.objects.filter(pk=old.pk).update(
        at=old.at - dt.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS + 1)
    )
    client_for(kalbajar_officer).get(f"/registry/households/{household.pk}/")
    call_command("access_log_prune")
    assert AccessLog.objects.count() == 1
