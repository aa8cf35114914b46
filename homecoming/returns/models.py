"""Allocation runs: the planner's answer for chosen districts, kept with its reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.housing.models import HousingUnit
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import Household
from homecoming.returns.priority import priority_in_words


class AllocationRun(models.Model):
    """A run is a draft that changes nothing until a planner approves it: then its homes
    are reserved and the run names who approved it and the day (its offers' day).
    ``approved_by`` is empty only on runs approved before approvals were recorded."""

    class Scope(models.TextChoices):
        SETTLEMENT = "settlement", _("Origin settlement only")
        DISTRICT = "district", _("Anywhere in the origin district")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    districts = models.ManyToManyField(Area, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    policy = models.JSONField(help_text=_("The rooms table and priority weights used."))
    # The programme whose households the run allocates, and the version of its policy that
    # judged and ranked them (empty on runs made before policies were data).
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    policy_version = models.ForeignKey(
        "programmes.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("policy version"),
    )
    status = models.CharField(max_length=16, default="optimal")
    objective = models.JSONField(default=dict)
    households_considered = models.PositiveIntegerField(default=0)
    households_not_eligible = models.PositiveIntegerField(default=0)
    units_considered = models.PositiveIntegerField(default=0)
    # Why households were not eligible: each reason as codes (``returns.reasons.Reason``)
    # with how many households it held back (docs/data-formats.md).
    ineligible_reasons = models.JSONField(default=list)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"run {self.pk} ({'approved' if self.approved else 'draft'})"

    @property
    def approved(self) -> bool:
        return self.approved_on is not None


class IneligibleHousehold(models.Model):
    """A household a run left out, with one reason: its kind and its code (a household held
    back for two reasons has two rows): the run page groups the households by kind, then
    reason. The code is the reason's ``returns.reasons.Reason.code``: a status, an
    intention, a settlement's code, nothing for a duplicate, or for ``other`` the words of a
    reason stored before codes were kept that could not be read."""

    class Why(models.TextChoices):
        NOT_VERIFIED = "not_verified", _("Registration not verified")
        INTENTION = "intention", _("Does not wish to return now")
        DUPLICATE = "duplicate", _("A possible duplicate is under review")
        LAND = "land", _("Land around the home settlement not released")
        SERVICES = "services", _("A required service not working in the home settlement")
        STEPS = "steps", _("A step before return not done")
        CONDITION = "condition", _("A condition of the programme's policy not met")
        OTHER = "other", _("Another reason")

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="ineligible")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    why = models.CharField(max_length=16, choices=Why.choices)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "why"], name="ineligible_by_run_why"),
            models.Index(fields=["run", "reason"], name="ineligible_by_run_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.run}: {self.household} ({self.why} {self.reason})"


class AllocationResult(models.Model):
    """One eligible household in a run: its priority (with breakdown), unit and explanation."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="results")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        HousingUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority = models.PositiveIntegerField()
    priority_breakdown = models.JSONField()
    # Why, as the planner gives it (values, docs/planner.md "Explanations"); put into words
    # in the page's language by returns/explanations.py.
    explanation = models.JSONField()

    class Meta:
        ordering = ["run", "-priority", "household"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="one_result_per_household"),
            models.UniqueConstraint(fields=["run", "unit"], name="one_household_per_unit_in_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run}: {self.household} → {self.unit or '—'}"

    @property
    def priority_words(self) -> list[str]:
        """The breakdown in words of the page's language (``priority_in_words``), named by
        the labels of the run's policy version (none on runs made before policies were
        data): select ``run__policy_version`` with the results."""
        version = self.run.policy_version
        return priority_in_words(
            self.priority_breakdown, version.priority_factors if version else None
        )


class Reservation(models.Model):
    """A housing unit held for one household, from an approved allocation until the offer ends.

    The reservation is the household's offer: it waits for an answer until its deadline;
    accepting needs the household's recorded consent; declining returns the unit to the pool.
    The database itself refuses a second active reservation of a unit or of a household, so
    two officers acting at the same moment cannot both succeed.
    """

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        FULFILLED = "fulfilled", _("Keys handed over")

    unit = models.ForeignKey(HousingUnit, on_delete=models.PROTECT, related_name="reservations")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="reservations")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="reservations")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    offered_on = models.DateField(_("offered on"))
    offer_deadline = models.DateField(_("answer by"))
    answer = models.CharField(max_length=16, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    appeal = models.TextField(_("appeal"), blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(status="active"),
                name="one_active_reservation_per_unit",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="active"),
                name="one_active_reservation_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} for {self.household} ({self.status})"


class KeyHandover(models.Model):
    """Keys handed over: the household has returned, the unit is occupied."""

    reservation = models.OneToOneField(
        Reservation, on_delete=models.PROTECT, related_name="handover"
    )
    date = models.DateField(_("date"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keys = models.PositiveSmallIntegerField(_("keys handed over"))
    meter_readings = models.CharField(_("meter readings"), max_length=300, blank=True)
    condition_notes = models.TextField(_("condition of the home"), blank=True)
    signed_form = models.CharField(_("signed form or photo reference"), max_length=200)
    # Keys normally follow a departure that left with the household's seat confirmed; a
    # household that came home another way gets its keys with the reason recorded.
    outside_departure_reason = models.CharField(
        _("reason for a return outside a departure"), max_length=300, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key handover")

    def __str__(self) -> str:
        return f"keys for {self.reservation.unit} on {self.date}"


class Cohort(models.Model):
    """A departure: transport taking households home to one settlement on one date."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DEPARTED = "departed", _("Departed")
        CANCELLED = "cancelled", _("Cancelled")

    move_date = models.DateField(_("move date"))
    destination = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField(_("seats"))
    transport = models.CharField(_("transport"), max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["move_date", "destination__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "move_date"], name="one_cohort_per_destination_and_date"
            ),
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="cohort_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.destination} {self.move_date:%Y-%m-%d}"


class Passenger(models.Model):
    """A household on a cohort's passenger list, with its confirmation or no-show."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CONFIRMED = "confirmed", _("Confirmed")
        NO_SHOW = "no_show", _("Did not travel")
        MOVED = "moved", _("Moved home")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="passengers")
    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="passages")
    persons = models.PositiveSmallIntegerField(_("persons"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_on = models.DateField(_("scheduled on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cohort", "reservation__household__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation"],
                condition=models.Q(status__in=["scheduled", "confirmed"]),
                name="one_open_passage_per_reservation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reservation.household} on {self.cohort}"

    @property
    def note_in_words(self) -> str:
        """The note in the page's language: an officer's as typed, a service's in words."""
        return str(SERVICE_NOTES.get(self.note, self.note))


# The notes the services write on a passage, stored as written here and shown in words.
SERVICE_NOTES = {
    "missed the departure": _("missed the departure"),
    "household withdrawn": _("the household was withdrawn"),
    "withdrawn as a duplicate": _("withdrawn as the duplicate of another household"),
}


# A passage still to travel: it holds its seats and keeps the household off other lists.
PASSAGE_OPEN = (Passenger.Status.SCHEDULED, Passenger.Status.CONFIRMED)


class FollowUpVisit(models.Model):
    """A visit to a returned household: still living there, with problems, or left again."""

    class Finding(models.TextChoices):
        LIVING_THERE = "living_there", _("Living there")
        PROBLEMS = "problems", _("Living there, with problems")
        LEFT_AGAIN = "left_again", _("Left again")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="follow_ups")
    date = models.DateField(_("date of visit"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices)
    problems = models.TextField(_("problems"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.household} visited {self.date:%Y-%m-%d}"
