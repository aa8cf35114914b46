"""Every view says whether it shows personal data; every read of it, and every refused
attempt, is logged by one mechanism; its answers are never cached."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib import admin as django_admin
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, path
from django.utils import timezone

from homecoming.accounts.models import AccessLog, Role
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.registry.fieldforms import field_form_create, field_submission_receive
from homecoming.registry.models import DuplicateCandidate, IdentityDocument
from homecoming.registry.services import HouseholdMatch, duplicates_store
from homecoming.returns.services import allocation_run, cohort_plan
from homecoming.returns.tests.fixtures import household
from homecoming.site.models import ImportRun

pytestmark = pytest.mark.django_db
PUSHED = Path(__file__).resolve().parents[3] / "tests/fixtures/kobo/kobo-rest-service.json"


def _routes(resolver: URLResolver | None = None, namespaces: tuple[str, ...] = ()) -> Iterator:
    """Every URL pattern of the project: (name, namespaces, view)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _routes(pattern, inner)
        else:
            name = pattern.name or str(pattern.pattern)
            yield ":".join((*namespaces, name)), namespaces, pattern.callback


def _declarations() -> dict:
    from homecoming.accounts.personal import declaration_of

    return {name: declaration_of(view, ns) for name, ns, view in _routes()}


# One address of each view that shows personal data: (address, action, what the row names).
# Built from the world of the `world` fixture below.
READS = {
    "registry:household_list": ("/registry/households/?q=elvin", "search", "{path}"),
    "registry:household_detail": ("/registry/households/{a}/", "view", "{ref_a}"),
    "registry:household_export": ("/registry/households/export.csv", "export", "{path}"),
    "registry:duplicate_list": ("/registry/duplicates/", "view", "{path}"),
    "registry:duplicate_detail": ("/registry/duplicates/{pair}/", "view", "{ref_a} {ref_b}"),
    "registry:change_request_list": ("/registry/changes/", "view", "{path}"),
    "registry:household_edit": ("/registry/households/{a}/edit/", "view", "{ref_a}"),
    "registry:change_origin": ("/registry/households/{a}/change-origin/", "view", "{ref_a}"),
    "registry:member_add": ("/registry/households/{a}/members/new/", "view", "{ref_a}"),
    "registry:member_edit": ("/registry/households/{a}/members/{m}/edit/", "view", "{ref_a}"),
    "registry:member_end": ("/registry/households/{a}/members/{m}/end/", "view", "{ref_a}"),
    "registry:document_add": (
        "/registry/households/{a}/members/{m}/documents/new/",
        "view",
        "{ref_a}",
    ),
    "registry:document_change": ("/registry/households/{a}/documents/{d}/", "view", "{ref_a}"),
    "registry:household_withdraw": ("/registry/households/{a}/withdraw/", "view", "{ref_a}"),
    "registry:household_reinstate": ("/registry/households/{a}/reinstate/", "view", "{ref_a}"),
    "registry:field_submission_list": ("/registry/field-submissions/", "view", "{path}"),
    "registry:field_submission_detail": (
        "/registry/field-submissions/{pushed}/",
        "view",
        "field submission {pushed_version}",
    ),
    "returns:run_detail": ("/returns/runs/{run}/", "view", "{path}"),
    "returns:offer_list": ("/returns/offers/", "view", "{path}"),
    "returns:offer_calls": ("/returns/offers/calls/?offer=1", "view", "{path}"),
    "returns:cohort_detail": ("/returns/cohorts/{cohort}/", "view", "{path}"),
    "returns:cohort_passengers_export": (
        "/returns/cohorts/{cohort}/passengers.xlsx",
        "export",
        "{path}",
    ),
    "returns:household_steps": ("/returns/households/{steps}/steps/", "view", "{ref_steps}"),
    "returns:policy_compare": (
        "/returns/policies/compare/?a={version}&b={version}&districts={district}",
        "view",
        "{path}",
    ),
    "returns:policy_compare_export": (
        "/returns/policies/compare/changes.csv?a={version}&b={version}&districts={district}",
        "export",
        "{path}",
    ),
    "record_history": ("/accounts/history/household/{a}/", "history", "{ref_a}"),
    "access_log": ("/accounts/access-log/?action=refused", "view", "{path}"),
    "api:household_list": ("/api/registry/households/?q=elvin", "api", "{path}"),
    "api:household_detail": ("/api/registry/households/{a}/", "api", "{ref_a}"),
    "api:household_road": ("/api/returns/households/{a}/road/", "api", "{ref_a}"),
    "import_detail": ("/imports/{run_of_file}/", "view", "import spring.csv"),
    "import_annotated": ("/imports/{run_of_file}/errors.csv", "export", "import spring.csv"),
}


@pytest.fixture
def world(places, make_household, zar_ready, planner, admin, settings, tmp_path, repatriation):
    first = make_household(places.zar, ("Elvin", "Məmmədov"))
    second = make_household(places.zar, ("Эльвин", "Мамедов"))
    duplicates_store([HouseholdMatch(second.pk, first.pk, 0.98, [])])
    household(make_household, places.zar, 3)
    returnee = household(make_household, places.zar, 2, programme=repatriation)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    cohort = cohort_plan(
        by=planner,
        destination=places.zar,
        move_date=timezone.localdate() + dt.timedelta(days=10),
        seats=4,
        transport="1 minibus",
    )
    pair = DuplicateCandidate.objects.get()
    member = pair.household_a.members.first()
    document = IdentityDocument.objects.create(member=member, type="passport", number="P1")
    settings.MEDIA_ROOT = tmp_path
    run_of_file = ImportRun.objects.create(
        kind="households", file_name="spring.csv", checksum="0" * 64, size=1, uploaded_by=admin
    )
    run_of_file.annotated.save("spring-errors.csv", ContentFile(b"household,errors\n"))
    form, _key = field_form_create(by=admin, name="field")
    pushed, _new = field_submission_receive(form=form, payload=json.loads(PUSHED.read_text()))
    return {
        "pushed": pushed.pk,
        "pushed_version": pushed.version,
        "a": pair.household_a.pk,
        "m": member.pk,
        "d": document.pk,
        "ref_a": pair.household_a.reference,
        "ref_b": pair.household_b.reference,
        "pair": pair.pk,
        "run": run.pk,
        "cohort": cohort.pk,
        "run_of_file": run_of_file.pk,
        "version": policy_in_force(default_programme()).pk,
        "district": places.kalbajar.code,
        "steps": returnee.pk,
        "ref_steps": returnee.reference,
    }


def test_every_url_pattern_declares_whether_it_shows_personal_data():
    undeclared = [name for name, declaration in _declarations().items() if declaration is None]
    assert undeclared == []


def test_each_view_that_shows_personal_data_has_its_read_tested_below():
    shown = {name for name, declaration in _declarations().items() if declaration.shows}
    assert shown == set(READS)


def test_the_admin_holds_no_record_of_the_registry_or_the_returns():
    apps = {model._meta.app_label for model in django_admin.site._registry}
    assert not apps & {"registry", "returns", "mineaction"}


@pytest.mark.parametrize("route", sorted(READS))
def test_each_read_of_personal_data_writes_one_row_and_is_never_cached(
    route, world, client_for, api_for, admin
):
    address, action, record = READS[route]
    address = address.format(**world)
    client = api_for(admin) if route.startswith("api:") else client_for(admin)
    response = client.get(address)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    logged = list(AccessLog.objects.values_list("user__username", "action", "record"))
    assert logged == [("admin", action, record.format(path=address, **world))]
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_a_refused_read_of_another_districts_household_is_logged_as_refused(
    client_for, api_for, kalbajar_officer, places, make_household
):
    khojaly = make_household(places.ballija)
    page = client_for(kalbajar_officer).get(f"/registry/households/{khojaly.pk}/")
    api = api_for(kalbajar_officer).get(f"/api/registry/households/{khojaly.pk}/")
    assert (page.status_code, api.status_code) == (404, 404)
    assert "no-store" in page["Cache-Control"]
    logged = list(
        AccessLog.objects.order_by("id").values_list("user__username", "action", "record")
    )
    assert logged == [
        ("kalbajar", "refused", f"GET /registry/households/{khojaly.pk}/"),
        ("kalbajar", "refused", f"GET /api/registry/households/{khojaly.pk}/"),
    ]


def test_refused_actions_and_forbidden_pages_are_logged_as_refused(
    client_for, kalbajar_officer, viewer, places, make_household
):
    khojaly = make_household(places.ballija)
    response = client_for(kalbajar_officer).post(f"/registry/households/{khojaly.pk}/verify/")
    assert response.status_code == 404
    assert client_for(viewer).get("/registry/households/?q=elvin").status_code == 403
    logged = list(
        AccessLog.objects.order_by("id").values_list("user__username", "action", "record")
    )
    assert logged == [
        ("kalbajar", "refused", f"POST /registry/households/{khojaly.pk}/verify/"),
        ("viewer", "refused", "GET /registry/households/?q=elvin"),
    ]


def test_an_action_that_succeeds_writes_no_read(
    client_for, kalbajar_officer, places, make_household
):
    household = make_household(places.zar)
    response = client_for(kalbajar_officer).post(f"/registry/households/{household.pk}/verify/")
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_pages_without_personal_data_write_nothing_and_may_be_cached(
    client, client_for, kalbajar_officer, auditor, places
):
    officer = client_for(kalbajar_officer)
    for address in ("/places/settlements/", f"/places/settlements/{places.zar.code}/", "/"):
        response = officer.get(address)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
    assert officer.get("/places/settlements/NOPE/").status_code == 404
    trail = client_for(auditor).get(f"/accounts/history/settlement/{places.zar.code}/")
    assert trail.status_code == 200  # a settlement's trail holds no personal data
    assert client.get("/registry/households/").status_code == 302  # to sign in
    assert not AccessLog.objects.exists()


def test_the_auditor_finds_refused_attempts_on_the_access_log(
    client_for, auditor, kalbajar_officer, places, make_household
):
    khojaly = make_household(places.ballija)
    zar = make_household(places.zar)
    officer = client_for(kalbajar_officer)
    officer.get(f"/registry/households/{khojaly.pk}/")
    officer.get(f"/registry/households/{zar.pk}/")
    page = client_for(auditor).get("/accounts/access-log/", {"action": "refused"})
    assert [(e.user.username, e.record) for e in page.context["page"]] == [
        ("kalbajar", f"GET /registry/households/{khojaly.pk}/")
    ]
    assert "Refused" in page.content.decode()


def undeclared(request):
    return HttpResponse("Elvin Məmmədov")


urlpatterns = [path("undeclared/", undeclared)]


def test_a_view_nobody_declared_is_taken_to_show_personal_data(client_for, make_user, settings):
    settings.ROOT_URLCONF = __name__
    response = client_for(make_user("someone", Role.VIEWER)).get("/undeclared/")
    assert "no-store" in response["Cache-Control"]
    assert list(AccessLog.objects.values_list("action", "record")) == [("view", "/undeclared/")]
