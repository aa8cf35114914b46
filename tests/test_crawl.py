"""Every link shown to every role opens for it: a crawl of the site as each persona.

Starting from the home page, the crawl follows, breadth-first, each internal link
(``<a href>``) and each form that a GET submits, with the form's own values. A page is
read once per pattern of address and names of parameters (``/registry/households/<id>/``
once per household, ``?status=…`` once whatever the status), so the crawl ends however
many filters a page offers. A link fails when its target answers 403, 404 or 5xx, or
sends a signed-in user to sign in (or to the second factor, which the personas have
given). The failures name the page that showed the link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_table
from homecoming.accounts.models import Role, User
from homecoming.heritage.models import Monument
from homecoming.mineaction.services import hazards_import
from homecoming.mineaction.tests.fixtures import activity_row, hazard_row, square
from homecoming.registry.services import change_request_create, consent_record
from homecoming.returns.models import Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db

# Pages read per persona at most: the dataset below needs fewer than a hundred.
PAGES = 200
# Never followed: leaving the session, files the test server does not serve.
SKIPPED = ("/accounts/logout/", "/static/", "/media/")
# A stored choice (``return_now``, ``new_construction``) shown to a person instead of its
# label; only the codes of two words or more, which no sentence holds.
_CODES = {
    re.escape(str(value))
    for model in apps.get_models()
    for field in model._meta.get_fields()
    if getattr(field, "choices", None)
    for value, _label in field.flatchoices
    if "_" in str(value)
}
RAW_CODE = re.compile(rf"\b(?:{'|'.join(sorted(_CODES))})\b")


class _Links(HTMLParser):
    """The addresses a page offers to follow: links, and forms sent by GET with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._hidden = 0  # inside <script> or <style>
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._hidden += tag in ("script", "style")
        if tag == "a" and a.get("href"):
            self.found.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = (a.get("action", ""), [])
        elif self._form is not None and tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text").lower()
            checked = kind not in ("checkbox", "radio", "submit") or "checked" in a
            if checked:
                self._form[1].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select":
            self._select, self._selected = a.get("name"), None
        elif (
            self._select is not None
            and tag == "option"
            and (self._selected is None or "selected" in a)
        ):
            self._selected = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")
        if tag == "select" and self._form is not None and self._select:
            self._form[1].append((self._select, self._selected or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, values = self._form
            self.found.append(f"{action.split('?')[0]}?{urlencode(values)}" if values else action)
            self._form = None


def _key(url: str) -> tuple:
    """One page per pattern of address and names of its parameters."""
    parts = urlsplit(url)
    match = resolve(parts.path)
    return (
        match.view_name,
        tuple(sorted(match.kwargs.items())),
        tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})),
    )


def crawl(client: Client, *, signed_in: bool) -> list[str]:
    """The broken links shown to ``client``'s user, as "page -> link: what it answered"."""
    broken: list[str] = []
    queue: deque[tuple[str, str]] = deque([("(start)", "/")])
    seen: set[tuple] = set()
    while queue:
        if len(seen) == PAGES:
            return [*broken, f"the crawl stopped at {PAGES} pages: raise PAGES or narrow _key"]
        source, url = queue.popleft()
        try:
            key = _key(url)
        except Resolver404:
            broken.append(f"{source} -> {url}: no such address")
            continue
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"]).path
            if signed_in and resolve(target).url_name in ("login", "totp_verify", "totp_enrol"):
                broken.append(f"{source} -> {url}: sends a signed-in user to {target}")
            elif not signed_in and url != "/" and resolve(target).url_name == "login":
                broken.append(f"{source} -> {url}: shown before sign-in, needs sign-in")
            else:
                queue.append((url, response["Location"]))
            continue
        if response.status_code != 200:
            broken.append(f"{source} -> {url}: {response.status_code}")
            continue
        if response.streaming:  # a download: read to its end, which closes its query
            b"".join(response.streaming_content)
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        if raw := RAW_CODE.findall(" ".join(parser.text)):
            broken.append(f"{source} -> {url}: shows choice codes {sorted(set(raw))}")
        for href in parser.found:
            target = urlsplit(urljoin(url, href))
            if target.netloc not in ("", "testserver") or target.scheme not in ("", "http"):
                continue
            if not target.path or target.path.startswith(SKIPPED):
                continue
            queue.append((url, f"{target.path}?{target.query}" if target.query else target.path))
    return broken


@pytest.fixture
def programme(places, make_household, import_activities, zar_ready, make_user):
    """A small programme with a record of each kind a page lists: hazard areas in both
    districts (around Kalbajar city and Ballija; Zar is clear) with an activity, a project
    with homes in Zar, households of both districts, an allocation with an accepted and a
    pending offer, a departure with a passenger, a change waiting for approval, a monument."""
    report = hazards_import(
        table=make_table(
            [
                hazard_row("HA-0001", square(46.0390, 40.1060)),
                hazard_row("HA-0500", square(46.6710, 39.9810), district="Khojaly"),
            ]
        )
    )
    assert report.ok, report.errors
    import_activities(activity_row("LR-1", "HA-0001", status="ongoing", end_date=""))
    planner = make_user("crawl-planner", Role.RETURN_PLANNER)
    officer = make_user("crawl-officer", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    for members in (3, 4):
        household(make_household, places.zar, members)
    ballija = household(make_household, places.ballija, 2)
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"),
        by=planner,
    )
    accepted = Reservation.objects.order_by("pk").first()
    consent_record(
        household=accepted.household, by=officer, given_on=dt.date(2025, 6, 1), document="CF-1"
    )
    offer_accept(offer=accepted, by=officer)
    cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=timezone.localdate() + dt.timedelta(days=10),
        seats=8,
        transport="1 minibus",
    )
    cohorts_schedule(by=planner, districts=[places.kalbajar])
    change_request_create(
        household=ballija,
        by=make_user("crawl-khojaly", Role.REGISTRATION_OFFICER, (places.khojaly,)),
        part="origin",
        proposed={"origin_settlement": places.kalbajar_city.code},
        reason="moved before the war",
    )
    Monument.objects.create(
        registry_number="H-1", name="Khudavang", type="religious", settlement=places.zar
    )


PERSONAS = {
    "admin": dict(role=Role.ADMINISTRATOR, is_superuser=True, is_staff=True),
    "kalbajar officer": dict(role=Role.REGISTRATION_OFFICER, districts=("kalbajar",)),
    "khojaly officer": dict(role=Role.REGISTRATION_OFFICER, districts=("khojaly",)),
    "planner": dict(role=Role.RETURN_PLANNER),
    "mine-action manager": dict(role=Role.MINE_ACTION),
    "reconstruction manager": dict(role=Role.RECONSTRUCTION),
    "monitoring editor": dict(role=Role.MONITORING_EDITOR),
    "auditor": dict(role=Role.AUDITOR),
    "viewer": dict(role=Role.VIEWER),
}


def _signed_in(user: User) -> Client:
    """A client signed in as ``user``, with the second factor given as in production."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_every_link_shown_to_every_role_opens(programme, places, settings):
    settings.REQUIRE_TOTP = True
    broken = {}
    for name, spec in PERSONAS.items():
        spec = dict(spec)
        districts = tuple(getattr(places, d) for d in spec.pop("districts", ()))
        user = User.objects.create_user(username=name.replace(" ", "-"), **spec)
        user.districts.set(districts)
        broken[name] = crawl(_signed_in(user), signed_in=True)
    broken["anonymous"] = crawl(Client(), signed_in=False)
    failures = {name: links for name, links in broken.items() if links}
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(links) for name, links in failures.items()
    )
