"""One pager for every list (core/templates/core/_pager.html): its links change the page and
keep the list's filters."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from homecoming.accounts.models import AccessLog

# rendering with a request runs the page frame's context processors, which read the database
pytestmark = pytest.mark.django_db


def test_the_pager_replaces_only_the_page_and_keeps_every_filter():
    request = RequestFactory().get("/", {"status": "active", "q": "zar", "page": "2"})
    page = Paginator(range(120), 50).get_page(2)
    html = render_to_string("core/_pager.html", {"page": page}, request=request)
    assert 'href="?status=active&amp;q=zar&amp;page=1"' in html
    assert 'href="?status=active&amp;q=zar&amp;page=3"' in html
    assert "page 2 of 3" in html


def test_a_list_of_one_page_shows_no_pager():
    request = RequestFactory().get("/", {"status": "active"})
    page = Paginator(range(10), 50).get_page(1)
    assert "pager" not in render_to_string("core/_pager.html", {"page": page}, request=request)


def test_the_access_logs_next_page_keeps_its_filters(client_for, auditor, kalbajar_officer):
    AccessLog.objects.bulk_create(
        AccessLog(user=kalbajar_officer, action="view", record=f"HH-{n}") for n in range(150)
    )
    page = client_for(auditor).get("/accounts/access-log/", {"user": "kalbajar", "action": "view"})
    assert b'href="?user=kalbajar&amp;action=view&amp;page=2"' in page.content


def test_the_household_lists_second_page_links_back_with_its_search(
    client_for, kalbajar_officer, places, make_household
):
    for _ in range(60):
        make_household(places.zar)
    client = client_for(kalbajar_officer)
    first = client.get("/registry/households/", {"settlement": places.zar.code})
    last_shown = first.context["page"].next_after
    following = f"?settlement={places.zar.code}&amp;after={last_shown}&amp;page=2"
    assert f'rel="next" href="{following}"'.encode() in first.content
    second = client.get("/registry/households/" + following.replace("&amp;", "&"))
    assert second.context["page"].households[0].pk not in {h.pk for h in first.context["page"]}
    back = second.context["page"].previous_before
    preceding = f"?settlement={places.zar.code}&amp;page=1&amp;before={back}"
    assert f'rel="prev" href="{preceding}"'.encode() in second.content
