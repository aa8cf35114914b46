"""Data recorded before a migration reads right after it: the road home's dates of offers and
passengers, the approver and day of runs approved before approvals were recorded, the
reasons runs stored in words as codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from homecoming.housing.models import HousingUnit
from homecoming.returns.models import (
    AllocationRun,
    IneligibleHousehold,
    Passenger,
    Reservation,
)
from homecoming.returns.tests.fixtures import household


@pytest.mark.django_db(transaction=True)
def test_offers_and_passengers_recorded_before_are_dated_by_the_day_they_were_written(
    places, make_household, zar_ready, planner
):
    before = [("returns", "0003_cohorts_follow_ups_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        waiting = household(make_household, places.zar, 3)
        run = old.get_model("returns", "AllocationRun").objects.create(
            created_by_id=planner.pk, kind="proposal", scope="settlement", policy={}
        )
        offer = old.get_model("returns", "Reservation").objects.create(
            unit_id=HousingUnit.objects.first().pk,
            household_id=waiting.pk,
            run=run,
            created_by_id=planner.pk,
            offer_deadline=dt.date(2030, 1, 1),
        )
        cohort = old.get_model("returns", "Cohort").objects.create(
            move_date=dt.date(2030, 1, 1),
            destination_id=places.zar.pk,
            seats=5,
            transport="bus",
            created_by_id=planner.pk,
        )
        old.get_model("returns", "Passenger").objects.create(
            cohort=cohort, reservation=offer, persons=3
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Reservation.objects.get().offered_on == timezone.localdate(offer.created_at)
    assert Passenger.objects.get().scheduled_on == timezone.localdate(cohort.created_at)


@pytest.mark.django_db(transaction=True)
def test_runs_approved_before_say_who_approved_them_where_the_records_tell(
    places, make_household, zar_ready, planner, admin
):
    before = [("returns", "0004_road_home_dates_and_return_outside_a_departure")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Run = old.get_model("returns", "AllocationRun")
        offered = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        old.get_model("returns", "Reservation").objects.create(
            unit_id=HousingUnit.objects.first().pk,
            household_id=household(make_household, places.zar, 3).pk,
            run=offered,
            created_by_id=planner.pk,
            offered_on=dt.date(2026, 3, 2),
            offer_deadline=dt.date(2026, 3, 16),
        )
        recorded = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        old.get_model("returns", "HistoricalAllocationRun").objects.create(
            id=recorded.pk,
            created_at=recorded.created_at,
            created_by_id=admin.pk,
            kind="proposal",
            scope="settlement",
            policy={},
            history_date=dt.datetime(2026, 4, 5, 9, 0, tzinfo=dt.UTC),
            history_type="~",
            history_user_id=planner.pk,
        )
        unknown = Run.objects.create(
            created_by_id=admin.pk, kind="proposal", scope="settlement", policy={}
        )
        draft = Run.objects.create(
            created_by_id=admin.pk, kind="what_if", scope="settlement", policy={}
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    runs = {r.pk: r for r in AllocationRun.objects.all()}
    assert (runs[offered.pk].approved_by, runs[offered.pk].approved_on) == (
        planner,
        dt.date(2026, 3, 2),
    )
    assert (runs[recorded.pk].approved_by, runs[recorded.pk].approved_on) == (
        planner,
        timezone.localdate(dt.datetime(2026, 4, 5, 9, 0, tzinfo=dt.UTC)),
    )
    assert runs[unknown.pk].approved
    assert runs[unknown.pk].approved_by is None
    assert not runs[draft.pk].approved


STORED_NOWHERE = "land around Nowhere not released: HA-9, 1.0 ha, no land-release activity yet"
# Words runs stored before reasons were kept as codes: in English, with the status, intention,
# service and hazard words translated when the run was made from an Azerbaijani page.
STORED = {
    "registration registered, not verified": 3,
    "intention: return later": 2,
    "intention: qayıtmamaq": 1,
    "a possible duplicate is under review": 1,
    "land around Zar not released: HA-0001, 3.8 ha, no land-release activity yet": 4,
    "land around Zar not released: HA-0002, 1,203.5 ha, clearance 60 % done": 4,
    "clinic not commissioned in Ballija": 3,
    "su not commissioned in Ballija": 3,
    "checked by hand": 1,
    STORED_NOWHERE: 1,
}


@pytest.mark.django_db(transaction=True)
def test_runs_stored_with_reasons_in_words_keep_them_as_codes_or_as_stored(
    places, make_household, planner, client_for
):
    before = [("returns", "0006_runs_no_longer_relabelled_proposal")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        run = old.get_model("returns", "AllocationRun").objects.create(
            created_by_id=planner.pk, scope="settlement", policy={}, ineligible_reasons=STORED
        )
        rows = [
            ("intention", "intention: return later", places.zar),
            ("services", "clinic not commissioned in Ballija", places.ballija),
            ("other", "checked by hand", places.zar),
            ("land", STORED_NOWHERE, places.zar),
        ]
        for why, reason, settlement in rows:
            old.get_model("returns", "IneligibleHousehold").objects.create(
                run_id=run.pk,
                household_id=household(make_household, settlement, 2).pk,
                why=why,
                reason=reason,
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        stored = AllocationRun.objects.get(pk=run.pk).ineligible_reasons
        zar, ballija = places.zar.code, places.ballija.code
        assert stored == [
            {
                "why": "land",
                "code": zar,
                "hazards": [
                    {"code": "HA-0001", "area_ha": 3.8, "method": "", "percent": 0},
                    {"code": "HA-0002", "area_ha": 1203.5, "method": "clearance", "percent": 60},
                ],
                "households": 4,
            },
            {"why": "not_verified", "code": "registered", "households": 3},
            {"why": "services", "code": ballija, "services": ["water", "clinic"], "households": 3},
            {"why": "intention", "code": "return_later", "households": 2},
            {"why": "duplicate", "code": "", "households": 1},
            {"why": "intention", "code": "not_return", "households": 1},
            {"why": "other", "code": "checked by hand", "households": 1},
            {"why": "other", "code": STORED_NOWHERE, "households": 1},
        ]
        kept = IneligibleHousehold.objects.order_by("pk").values_list("why", "reason")
        assert list(kept) == [
            ("intention", "return_later"),
            ("services", ballija),
            ("other", "checked by hand"),
            ("other", STORED_NOWHERE),
        ]
        client = client_for(planner)
        with translation.override("en"):  # the pages' language does not outlive the test
            client.post("/i18n/setlang/", {"language": "az", "next": "/"})
            page = client.get(f"/returns/runs/{run.pk}/").content.decode()
            listed = client.get(f"/returns/runs/{run.pk}/", {"why": "services", "reason": ballija})
        assert "Ballıca: Su, Tibb məntəqəsi istismara verilməyib" in page
        assert "Qayıdış niyyəti: Sonra qayıtmaq" in page
        assert "checked by hand" in page  # not read: shown as stored
        assert listed.context["count"] == 1
        executor = MigrationExecutor(connection)
        executor.migrate(before)  # and back: the words as they were written in English
        old = executor.loader.project_state(before).apps
        back = old.get_model("returns", "AllocationRun").objects.get(pk=run.pk)
        assert back.ineligible_reasons["intention: return later"] == 2
        assert back.ineligible_reasons["water not commissioned in Ballija"] == 3
        reasons = old.get_model("returns", "IneligibleHousehold").objects.order_by("pk")
        assert list(reasons.values_list("reason", flat=True))[:2] == [
            "intention: return later",
            "water not commissioned in Ballija",  # the settlement's first reason
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
