"""Every link shown to every role opens for it: a crawl of the site as each persona.

Starting from the home page, the crawl follows, breadth-first, each internal link
(``<a href>``) and each form that a GET submits, with the form's own values. A page is
read once per pattern of address and names of parameters (``/registry/households/<id>/``
once per household, ``?status=…`` once whatever the status), so the crawl ends however
many filters a page offers. A link fails when its target answers 403, 404 or 5xx, or
sends a signed-in user to sign in (or to the second factor, which the personas have
given). The failures name the page that showed the link.

The crawl runs once per language of ``settings.LANGUAGES`` (the language switcher's
cookie), and reads what each page shows — its text, what a screen reader says, the words
of its charts — for a code where a word belongs (a choice, an indicator) and, on a page not
in English, a message of the catalogue left in English or a place's English name (see
``Words``). Such a failure names the text and the first pages that show it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django import conf
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import trans_real
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_table
from homecoming.accounts.models import Role, User
from homecoming.demo.programmes import CONCEPT_STEPS
from homecoming.heritage.models import Monument
from homecoming.mineaction.services import hazards_import
from homecoming.mineaction.tests.fixtures import activity_row, hazard_row, square
from homecoming.monitoring.models import Indicator
from homecoming.monitoring.services import figures_import
from homecoming.monitoring.tests.conftest import TARGETS
from homecoming.places.models import Area, Place, Settlement
from homecoming.programmes.models import Phase, PolicyVersion, Programme
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.registry.services import change_request_create, consent_record
from homecoming.returns.models import Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
    return_step_record,
)
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db

# Pages read per persona at most: the dataset below needs fewer than a hundred.
PAGES = 200
# Never followed: leaving the session, files the test server does not serve.
SKIPPED = ("/accounts/logout/", "/static/", "/media/")
# Read on a page besides its text: what a screen reader says or a button shows.
SPOKEN = ("title", "alt", "placeholder", "aria-label")
# Where a text is cut into the pieces that could each be one choice: "at_mines, uxo".
PIECES = re.compile(r"\s*(?:[,;·/()|:]|\s[–—-]\s)\s*")


def _choices() -> dict[str, list[object]]:
    """Every stored choice, with its labels (lazy: read in each language): the choices of
    the models' fields, and every list of choices the code defines (a JSON list of them,
    ``contamination``, has none on its field)."""
    found: dict[str, list[object]] = {}
    lists = [
        field.flatchoices
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "flatchoices", None)
    ]
    subclasses = [models.Choices]
    while subclasses:
        kind = subclasses.pop()
        subclasses += kind.__subclasses__()
        if kind.__module__.startswith("homecoming."):
            lists.append(kind.choices)
    for value, label in (pair for choices in lists for pair in choices):
        if isinstance(value, str) and value:
            found.setdefault(value, []).append(label)
    return found


CHOICES = _choices()


class Words:
    """What a page in ``language`` must not show: the codes of choices; and on a page not in
    English, an English message of the catalogue whose translation differs, or a place's
    English name where it has one in the page's language.

    A one-word code (``uxo``, ``religious``) is no word of the page's language — not a label
    of any choice in it, not one of the catalogue's messages (an English page says "open" in
    words). It is an alarm where it stands alone (a cell: "uxo") or in a list of nothing but
    codes ("ap_mines, uxo"); an English sentence may still list "birth, marriage, …"."""

    def __init__(self, language: str) -> None:
        self.language = language
        with translation.override(language):
            labels = {str(label) for labels in CHOICES.values() for label in labels}
        english = _messages("en")
        # The choices, and the codes of the indicators (the figure ledger's own list).
        codes = {*CHOICES, *Indicator.objects.values_list("code", flat=True)}
        # A code of two words or more (``return_now``, ``relocated_households``): no
        # sentence holds one, wherever it stands in a text.
        self.raw = re.compile(
            rf"\b(?:{'|'.join(sorted(re.escape(c) for c in codes if '_' in c))})\b"
        )
        self.codes = {
            code
            for code in codes
            if not code.isdigit() and code not in labels and code not in english
        }
        self.untranslated = {
            message
            for message, translated in _messages(language).items()
            if translated and translated != message and message.strip()
        }
        if language != "en" and hasattr(Place, f"name_{language}"):
            self.untranslated |= {
                name
                for place in [*Area.objects.all(), *Settlement.objects.all()]
                if (name := place.name) != (getattr(place, f"name_{language}") or name)
            }

    def faults(self, texts: list[str]) -> list[str]:
        faults: set[str] = set()
        for text in texts:
            text = " ".join(text.split())
            if not text:
                continue
            faults.update(f"code {c!r}" for c in self.raw.findall(text))
            pieces = [p for p in PIECES.split(text) if p]
            if pieces and all(p in self.codes for p in pieces):
                faults.update(f"code {p!r}" for p in pieces)
            if text in self.untranslated or text.rstrip(":") in self.untranslated:
                faults.add(f"untranslated {text!r}")
        return sorted(faults)


def _messages(language: str) -> dict[str, str]:
    """The catalogue of ``language`` (the project's and Django's), English to translated;
    for English, every message of the other languages' catalogues, as itself."""
    if language == "en":
        others = [code for code, _name in conf.settings.LANGUAGES if code != "en"]
        return {message: message for code in others for message in _messages(code)}
    catalogue = trans_real.translation(language)._catalog
    return {
        key.split("\x04")[-1]: value
        for key, value in catalogue.items()
        if isinstance(key, str) and key
    }


class _Links(HTMLParser):
    """The addresses a page offers to follow (links, and forms sent by GET with their
    values), and the texts it shows: text nodes, the words a screen reader says, and the
    words of its charts (names, axis titles and labels of categories)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.found: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._hidden = 0  # inside <script> or <style>
        self._json = False  # inside <script type="application/json">
        # The languages of the open elements: a text marked in another language (the
        # name of a language in the switcher) is not an untranslated one.
        self._languages: list[tuple[str, str]] = [("", language)]
        self.language = language
        self.text: list[str] = []

    def _shown(self) -> bool:
        return not self._hidden and self._languages[-1][1] == self.language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in VOID:
            self._languages.append((tag, a.get("lang", self._languages[-1][1]).split("-")[0]))
        self._hidden += tag in ("script", "style")
        self._json = tag == "script" and a.get("type") == "application/json"
        if self._shown():
            self.text += [a[name] for name in SPOKEN if a.get(name)]
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.text.append(a["value"])
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

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._json:
            self.text += _chart_words(data)
        elif self._shown():
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")
        self._json = False
        for depth in range(len(self._languages) - 1, 0, -1):
            if self._languages[depth][0] == tag:
                del self._languages[depth:]
                break
        if tag == "select" and self._form is not None and self._select:
            self._form[1].append((self._select, self._selected or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, values = self._form
            self.found.append(f"{action.split('?')[0]}?{urlencode(values)}" if values else action)
            self._form = None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def _chart_words(data: str) -> list[str]:
    """The words a chart (a Plotly figure given as JSON) draws: its traces' names, texts and
    categories, its axes' titles."""
    try:
        figure = json.loads(data)
    except ValueError:
        return []
    if not isinstance(figure, dict) or "data" not in figure or "layout" not in figure:
        return []
    words: list[str] = []
    for trace in figure["data"]:
        words.append(str(trace.get("name", "")))
        for key in ("x", "y", "labels", "text"):
            words += [v for v in trace.get(key) or () if isinstance(v, str)]
    for name, axis in figure["layout"].items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis.get("title"), dict):
            words.append(str(axis["title"].get("text", "")))
    return words


def _key(url: str) -> tuple:
    """One page per pattern of address and names of its parameters."""
    parts = urlsplit(url)
    match = resolve(parts.path)
    return (
        match.view_name,
        tuple(sorted(match.kwargs.items())),
        tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})),
    )


def crawl(
    client: Client, *, signed_in: bool, words: Words, shown: dict[str, set[str]]
) -> list[str]:
    """The broken links shown to ``client``'s user, as "page -> link: what it answered";
    what its pages show that ``words`` finds wrong goes into ``shown``, with the pages."""
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
        parser = _Links(words.language)
        parser.feed(response.content.decode())
        for fault in words.faults(parser.text):
            shown.setdefault(fault, set()).add(url)
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
    with homes in Zar, households of both districts (members with vulnerabilities), an
    allocation with an accepted and a pending offer, a departure with a passenger, a change
    waiting for approval, a monument, published targets, two figures that disagree and
    figures that break relations between them."""
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
    ballija.members.update(vulnerabilities=["chronic_illness", "disability"])
    assert figures_import(table=make_table([*TARGETS, *RETURNED, *RELATED])).ok
    # Two programmes, one with a phase and areas: the lists offer a filter by programme.
    first = default_programme()
    first.origin_areas.set([places.kalbajar, places.khojaly])
    Phase.objects.create(programme=first, name="First phase", starts_on=dt.date(2022, 1, 1))
    concept = Programme.objects.create(code="concept", name="Concept", kind="repatriation")
    # Its policy in force lists the steps before return; a Zar household has done one.
    PolicyVersion.objects.create(
        programme=concept,
        number=1,
        status=PolicyVersion.Status.APPROVED,
        in_force_from=timezone.localdate(),
        approved_at=timezone.now(),
        offer_answer_days=14,
        rooms=policy_in_force(first).rooms,
        steps=CONCEPT_STEPS,
    )
    returnee = household(make_household, places.zar, 2, programme=concept)
    return_step_record(
        household=returnee, by=officer, step="agreement_in_force", date=dt.date(2025, 6, 1)
    )


# Two sources that disagree on the households returned to Kalbajar: a discrepancy.
RETURNED = [
    {
        "place": "Kalbajar district",
        "indicator": "relocated_households",
        "value": value,
        "unit": "households",
        "as_of": "2025-06-30",
        "publisher": publisher,
        "title": "Returns to Kalbajar",
    }
    for value, publisher in (("120", "(reference 7)"), ("180", "(reference 8)"))
]

# Figures that break a relation (monitoring/data/relations.csv): the mine types add up to
# more than the landmines, and 95 persons in 10 households.
RELATED = [
    {
        "place": "Kalbajar district",
        "indicator": indicator,
        "value": value,
        "unit": unit,
        "as_of": "2025",
        "publisher": "(reference 9)",
        "title": "Kalbajar in 2025",
    }
    for indicator, value, unit in (
        ("devices_landmines", "126", "count"),
        ("devices_ap_mines", "100", "count"),
        ("devices_at_mines", "35", "count"),
        ("relocated_households", "10", "households"),
        ("relocated_persons", "95", "persons"),
    )
]

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


def _in(client: Client, language: str) -> Client:
    """``client`` asking for pages in ``language``, as the language switcher's cookie does."""
    client.cookies[conf.settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", [code for code, _name in conf.settings.LANGUAGES])
def test_every_link_shown_to_every_role_opens_and_speaks_its_language(
    programme, places, settings, language
):
    settings.REQUIRE_TOTP = True
    words = Words(language)
    broken: dict[str, list[str]] = {}
    shown: dict[str, set[str]] = {}
    for name, spec in PERSONAS.items():
        spec = dict(spec)
        districts = tuple(getattr(places, d) for d in spec.pop("districts", ()))
        # Not the role's code as a name: "auditor" shown as the user's name is no code.
        user = User.objects.create_user(username=f"the-{name.replace(' ', '-')}", **spec)
        user.districts.set(districts)
        broken[name] = crawl(
            _in(_signed_in(user), language), signed_in=True, words=words, shown=shown
        )
    broken["anonymous"] = crawl(_in(Client(), language), signed_in=False, words=words, shown=shown)
    failures = {name: links for name, links in broken.items() if links}
    failures |= {
        f"shows {fault} on": sorted(urls)[:5] + [f"… {len(urls) - 5} more"] * (len(urls) > 5)
        for fault, urls in sorted(shown.items())
    }
    assert not failures, "\n".join(
        f"{name}:\n  " + "\n  ".join(links) for name, links in failures.items()
    )
