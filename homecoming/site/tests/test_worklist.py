"""The worklist on the home page: each task for whom may do it, in their districts, counted
as the list it links to counts it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import make_table
from homecoming.accounts.models import Role, User
from homecoming.housing.models import HousingUnit
from homecoming.monitoring.services import figures_import
from homecoming.registry.fieldforms import field_form_create
from homecoming.registry.models import ChangeRequest, DuplicateCandidate
from homecoming.returns.models import (
    AllocationRun,
    Cohort,
    FollowUpVisit,
    KeyHandover,
    Passenger,
    Reservation,
)
from homecoming.returns.tests.fixtures import household
from homecoming.site.models import ImportRun

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
KOBO = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "kobo"

# What each list the worklist links to shows, as the page counts it.
SHOWN = {
    "registry:change_request_list": lambda context: len(context["pending"]),
    "registry:duplicate_list": lambda context: context["page"].paginator.count,
    "registry:field_submission_list": lambda context: context["page"].paginator.count,
    "returns:offer_list": lambda context: context["page"].paginator.count,
    "returns:cohort_list": lambda context: len(context["cohorts"]),
    "registry:household_list": lambda context: context["count"],
    "monitoring:discrepancy_list": lambda context: len(context["discrepancies"]),
    "import_list": lambda context: context["page"].paginator.count,
}


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@dataclass
class Work:
    officer: User  # Kalbajar
    colleague: User  # Kalbajar too
    editor: User


@pytest.fixture
def work(places, make_household, make_user, zar_ready, planner, kalbajar_officer) -> Work:
    """Work of every kind in Kalbajar (Zar), and some in Khojaly (Ballija) and beyond the
    worklist's horizons, which a Kalbajar officer's worklist does not count."""
    colleague = make_user("kalbajar2", Role.REGISTRATION_OFFICER, (places.kalbajar,))
    editor = make_user("editor", Role.MONITORING_EDITOR)
    zar = [household(make_household, places.zar, 2) for _ in range(4)]
    ballija = [household(make_household, places.ballija, 2) for _ in range(3)]
    run = AllocationRun.objects.create(
        created_by=planner,
        scope="settlement",
        policy={},
        approved_by=planner,
        approved_on=timezone.localdate(),
    )
    first, second = HousingUnit.objects.order_by("pk")

    def offer(home, unit, offered: int, **fields) -> Reservation:
        return Reservation.objects.create(
            unit=unit,
            household=home,
            run=run,
            created_by=planner,
            offered_on=days(offered),
            offer_deadline=days(offered + 14),
            **fields,
        )

    # Offers: one past its deadline, one due in eleven days; one of Khojaly.
    offer(zar[0], first, -20)
    waiting = offer(zar[1], second, -3)
    khojaly_offer = offer(ballija[0], first, -3, status=Reservation.Status.RELEASED)
    # Keys handed over 40 days ago, no visit: a visit is due; 40 days ago with a visit and
    # 10 days ago: none is.
    for home, handed, visited in [(zar[2], -40, None), (zar[3], -40, -35), (ballija[1], -10, None)]:
        returned = offer(
            home,
            first,
            handed - 30,
            status=Reservation.Status.FULFILLED,
            answer=Reservation.Answer.ACCEPTED,
        )
        KeyHandover.objects.create(
            reservation=returned,
            date=days(handed),
            officer=kalbajar_officer,
            keys=2,
            signed_form="F",
        )
        if visited:
            FollowUpVisit.objects.create(
                household=home, date=days(visited), officer=kalbajar_officer, finding="living_there"
            )
    # Departures: to Zar in five days with a seat not confirmed (counted), in thirty days
    # (too far), confirmed; to Ballija in five days (Khojaly).
    released = Reservation.Status.RELEASED
    for destination, leaves, status, passage in [
        (places.zar, 5, Passenger.Status.SCHEDULED, waiting),
        (places.zar, 30, Passenger.Status.SCHEDULED, offer(zar[2], second, -9, status=released)),
        (
            places.kalbajar_city,
            3,
            Passenger.Status.CONFIRMED,
            offer(zar[3], second, -9, status=released),
        ),
        (places.ballija, 5, Passenger.Status.SCHEDULED, khojaly_offer),
    ]:
        cohort = Cohort.objects.create(
            move_date=days(leaves),
            destination=destination,
            seats=9,
            transport="bus",
            created_by=planner,
        )
        Passenger.objects.create(
            cohort=cohort, reservation=passage, persons=2, status=status, scheduled_on=TODAY
        )
    # Changes: asked by a colleague (to decide), by the officer (another decides), and one
    # of Khojaly.
    for home, by in [(zar[0], colleague), (zar[1], kalbajar_officer), (ballija[2], planner)]:
        ChangeRequest.objects.create(
            household=home, part="reinstatement", proposed={}, reason="r", requested_by=by
        )
    # Pairs: one in Kalbajar, one in Khojaly, one judged.
    DuplicateCandidate.objects.create(household_a=zar[0], household_b=zar[1], probability=0.9)
    DuplicateCandidate.objects.create(
        household_a=ballija[0], household_b=ballija[1], probability=0.9
    )
    DuplicateCandidate.objects.create(
        household_a=zar[2], household_b=zar[3], probability=0.9, status="not_duplicate"
    )
    # A submission from Zar.
    key = field_form_create(by=kalbajar_officer, name="Kalbajar registration")[1]
    pushed = json.loads((KOBO / "kobo-rest-service.json").read_text())
    assert (
        APIClient()
        .post(
            "/api/registry/field-submissions/",
            pushed,
            format="json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        .status_code
        == 201
    )
    # Figures that disagree: one discrepancy, open.
    figures_import(
        table=make_table(
            [
                {
                    "place": "Kalbajar district",
                    "indicator": "population_before_displacement",
                    "value": value,
                    "unit": "persons",
                    "as_of": "1993-04",
                    "publisher": "P",
                    "title": f"T {value}",
                }
                for value in ("61000", "60000")
            ]
        )
    )
    # Imports: the officer's refused file, imported again since, then a failed one; the
    # colleague's failed one (an officer reads only their own uploads).
    for by, status, minutes in [
        (kalbajar_officer, ImportRun.Status.REFUSED, 1),
        (kalbajar_officer, ImportRun.Status.DONE, 2),
        (kalbajar_officer, ImportRun.Status.FAILED, 3),
        (colleague, ImportRun.Status.FAILED, 4),
    ]:
        run_of_file = ImportRun.objects.create(
            kind="households",
            file="x.csv",
            file_name="x.csv",
            checksum="0" * 64,
            size=1,
            uploaded_by=by,
            status=status,
        )
        ImportRun.objects.filter(pk=run_of_file.pk).update(
            uploaded_at=timezone.now() + dt.timedelta(minutes=minutes)
        )
    return Work(kalbajar_officer, colleague, editor)


def tasks(client) -> dict[str, tuple[int, str, str]]:
    """The worklist on the home page: each task's list → (count, link, deadline words)."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    found = response.context["worklist"]
    return {
        resolve(urlsplit(task.url).path).view_name: (task.count, task.url, task.detail)
        for task in found or []
    }


def test_an_officer_sees_the_work_of_their_districts_with_its_deadlines(work, client_for):
    shown = tasks(client_for(work.officer))
    assert {name: count for name, (count, _url, _d) in shown.items()} == {
        "returns:offer_list": 2,
        "returns:cohort_list": 1,
        "registry:change_request_list": 1,
        "registry:duplicate_list": 1,
        "registry:field_submission_list": 1,
        "registry:household_list": 1,
        "import_list": 1,
    }
    overdue, next_due = shown["returns:offer_list"][2].split(" · ")
    assert overdue == "1 past its deadline"
    assert next_due == f"the next answer due by {days(11):%Y-%m-%d}"
    assert shown["returns:cohort_list"][2].endswith(f"the first leaves on {days(5):%Y-%m-%d}")


def test_each_count_is_the_count_of_the_list_it_links_to_with_the_same_filter(
    work, client_for, planner, admin, khojaly_officer
):
    for user in (work.officer, work.colleague, khojaly_officer, planner, admin, work.editor):
        client = client_for(user)
        shown = tasks(client)
        assert shown, user
        for name, (count, url, _detail) in shown.items():
            response = client.get(url)
            assert response.status_code == 200, url
            assert SHOWN[name](response.context) == count, (user.username, url)


def test_each_task_is_shown_only_to_whom_may_do_it(work, client_for, planner, admin, auditor):
    assert set(tasks(client_for(planner))) == {"returns:cohort_list"}
    assert set(tasks(client_for(work.editor))) == {"monitoring:discrepancy_list"}
    assert set(tasks(client_for(admin))) == set(SHOWN)
    assert client_for(auditor).get(reverse("home")).context["worklist"] is None


def test_an_empty_worklist_says_so_in_words(places, client_for, kalbajar_officer):
    response = client_for(kalbajar_officer).get(reverse("home"))
    assert response.context["worklist"] == []
    assert "Nothing is waiting for you now." in response.content.decode()


def test_a_role_with_no_tasks_has_no_worklist_on_its_home_page(places, client_for, auditor):
    page = client_for(auditor).get(reverse("home")).content.decode()
    assert 'id="worklist"' not in page


def test_the_worklist_comes_before_the_figures(work, client_for):
    page = client_for(work.officer).get(reverse("home")).content.decode()
    assert page.index('id="worklist"') < page.index('class="tiles"')


def test_the_home_page_asks_a_bounded_number_of_queries(
    work, client_for, admin, django_assert_max_num_queries
):
    client = client_for(admin)
    client.get(reverse("home"))
    # Per task one count (the departures two), plus the page frame, the figures and the
    # funnel: the same with one household or a million.
    with django_assert_max_num_queries(45):
        client.get(reverse("home"))
