"""The documented returns of 2025, walked through the real workflow.

The background documents give these groups, by counts only: 32 families (139 people)
moved to Kalbajar city on 2025-09-15 and 29 families (115 people) on 2025-09-20; one
family of five to Khojaly city and eight families (29 people) to Ballija, on a date
the source does not give. The people are synthetic (labelled so); the households
sizes add up to the published counts. Each group goes through what a programme
would do in Homecoming: registered, verified, consent, allocation run approved,
offer accepted, a cohort scheduled, keys handed over on the move date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from django.db import transaction

from homecoming.accounts.models import User
from homecoming.core.audit import change_reason
from homecoming.demo.synthetic import (
    households_mark_synthetic,
    import_table,
    member_rows,
    synthetic_members,
)
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import Household
from homecoming.registry.services import consent_record
from homecoming.returns.models import Cohort, Passenger
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    keys_hand_over,
    offer_accept,
    passenger_answer,
)
from homecoming.site.imports import importer

SOURCE = "synthetic people; counts documented"
# The Khojaly article gives no date; the demo places it before 2025-05-15, when the
# district's 33 relocated households (137 people) were reported.
KHOJALY_DATE = dt.date(2025, 5, 10)


@dataclass(frozen=True)
class DocumentedGroup:
    code: str
    destination: str
    move_date: dt.date
    sizes: tuple[int, ...]  # household sizes adding up to the published persons
    transport: str


GROUPS = (
    DocumentedGroup(
        "KLB-0915",
        "Kalbajar city",
        dt.date(2025, 9, 15),
        (5,) * 11 + (4,) * 21,
        "buses; 32 families (139 people) published by AZERTAC",
    ),
    DocumentedGroup(
        "KLB-0920",
        "Kalbajar city",
        dt.date(2025, 9, 20),
        (4,) * 28 + (3,),
        "buses; 29 families (115 people) published by AZERTAC",
    ),
    DocumentedGroup(
        "KHJ-CITY",
        "Khojaly city",
        KHOJALY_DATE,
        (5,),
        "1 family (5 people) published by Caliber.Az; date not in the source",
    ),
    DocumentedGroup(
        "KHJ-BLJ",
        "Ballija",
        KHOJALY_DATE,
        (5, 5, 4, 3, 3, 3, 3, 3),
        "8 families (29 people) published by Caliber.Az; date not in the source",
    ),
)


def demo_documented_returns_load(*, seed: int, today: dt.date) -> int:
    """Walk each documented group home, once; returns the households that returned."""
    if Cohort.objects.filter(move_date=GROUPS[0].move_date).exists():
        return 0
    rng = random.Random(seed + 3)
    documents = itertools.count(1)
    planner = User.objects.get(username="planner")
    officer = User.objects.get(username="admin")
    returned = 0
    for group in GROUPS:
        destination = Settlement.objects.select_related("district").get(name=group.destination)
        with transaction.atomic(), change_reason("demo data: documented returns of 2025"):
            rows = []
            for number, size in enumerate(group.sizes, start=1):
                household = {
                    "household": f"DOC-{group.code}-{number:02d}",
                    "origin_settlement": destination.code,
                    "origin_address": f"{destination.name}, house {rng.randint(1, 240)}",
                    "displaced_on": "1993-04-02"
                    if "Kalbajar" in group.destination
                    else "1992-02-26",
                    "accommodation": "hostel",
                    "accommodation_place": "",
                    "intention": "return_now",
                    "registered_on": "2024-11-01",
                    "source": SOURCE,
                }
                members = synthetic_members(rng, size, group.move_date)
                # No one needing a step-free home: the demo's step-free stock is small,
                # and the published groups all moved.
                rows += member_rows(
                    rng,
                    household,
                    members,
                    group.move_date,
                    documents,
                    document_prefix="D",
                    disability_rate=0.0,
                )
            report = importer("households")(table=import_table(group.code, rows))
            if not report.ok:
                raise RuntimeError(f"documented group {group.code}: {report.errors[:3]}")
            households = Household.objects.filter(reference__startswith=f"DOC-{group.code}-")
            households = list(households)
            for household in households:
                household.status = Household.Status.VERIFIED
                household.verified_on = group.move_date - dt.timedelta(days=90)
            households_mark_synthetic(households=households, changed=["status", "verified_on"])
            for household in households:
                consent_record(
                    household=household,
                    by=officer,
                    given_on=group.move_date - dt.timedelta(days=60),
                    document=f"CF-{household.reference}",
                )
            district = Area.objects.get(pk=destination.district_id)
            run = allocation_run(by=planner, districts=[district], scope="settlement")
            allocation_approve(run=run, by=planner, on=group.move_date - dt.timedelta(days=30))
            offers = [r for r in run.reservations.select_related("household", "unit")]
            if len(offers) != len(group.sizes):
                raise RuntimeError(
                    f"documented group {group.code}: {len(offers)} homes for "
                    f"{len(group.sizes)} families; the demo housing does not fit"
                )
            for offer in offers:
                offer_accept(offer=offer, by=officer, on=group.move_date - dt.timedelta(days=20))
            cohort_plan(
                by=planner,
                destination=destination,
                move_date=group.move_date,
                seats=sum(group.sizes),
                transport=group.transport,
                today=group.move_date - dt.timedelta(days=14),
            )
            cohorts_schedule(
                by=planner, districts=[district], today=group.move_date - dt.timedelta(days=14)
            )
            passengers = Passenger.objects.filter(
                cohort__move_date=group.move_date, cohort__destination=destination
            ).select_related("reservation__household", "reservation__unit")
            for passenger in passengers:
                passenger_answer(passenger=passenger, by=officer, travels=True)
            for cohort in Cohort.objects.filter(move_date=group.move_date, destination=destination):
                cohort_depart(cohort=cohort, by=officer)
            for passenger in passengers:
                keys_hand_over(
                    offer=passenger.reservation,
                    by=officer,
                    date=group.move_date,
                    keys=2,
                    signed_form=f"HF-{passenger.reservation.household.reference}",
                )
                returned += 1
    return returned
