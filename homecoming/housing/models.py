"""Reconstruction projects, the buildings and housing units they deliver, and the utilities
and services of each settlement.

Project fields follow the Open Contracting for Infrastructure Data Standard (OC4IDS)
and IATI closely enough that an export maps to them (docs/data-formats.md). A unit's
status changes only through ``services`` (``unit_status_change``), which checks the
rules and keeps the dated history in ``UnitStatusChange``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.places.models import Area, Settlement


class Project(models.Model):
    class Sector(models.TextChoices):
        HOUSING = "housing", _("Housing")
        ROAD = "road", _("Road")
        POWER = "power", _("Power")
        WATER = "water", _("Water")
        GAS = "gas", _("Gas")
        SCHOOL = "school", _("School")
        HEALTH = "health", _("Health")
        ADMINISTRATION = "administration", _("Administration")
        HERITAGE = "heritage", _("Heritage")
        OTHER = "other", _("Other")

    class Type(models.TextChoices):
        NEW_CONSTRUCTION = "new_construction", _("New construction")
        REHABILITATION = "rehabilitation", _("Rehabilitation")

    class Status(models.TextChoices):
        IDENTIFICATION = "identification", _("Identification")
        PREPARATION = "preparation", _("Preparation")
        IMPLEMENTATION = "implementation", _("Implementation")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    district = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="projects", verbose_name=_("District")
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("settlement"),
    )
    site = models.JSONField(_("site (GeoJSON)"), null=True, blank=True)
    implementing_organisation = models.CharField(_("implementing organisation"), max_length=200)
    funding_organisation = models.CharField(_("funding organisation"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2)
    committed = models.DecimalField(_("committed"), max_digits=16, decimal_places=2, default=0)
    disbursed = models.DecimalField(_("disbursed"), max_digits=16, decimal_places=2, default=0)
    spent = models.DecimalField(_("spent"), max_digits=16, decimal_places=2, default=0)
    amounts_date = models.DateField(_("amounts as of"))
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("reconstruction project")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0, committed__gte=0, disbursed__gte=0, spent__gte=0),
                name="project_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressReport(models.Model):
    """Physical progress of a project on a date: the series the progress charts draw."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="progress", verbose_name=_("project")
    )
    date = models.DateField(_("date"))
    physical_progress = models.PositiveSmallIntegerField(_("physical progress (%)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "date"]
        constraints = [
            models.UniqueConstraint(fields=["project", "date"], name="one_progress_per_day"),
            models.CheckConstraint(
                condition=models.Q(physical_progress__lte=100), name="progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.date}: {self.physical_progress} %"


class Building(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("project")
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("settlement")
    )
    address = models.CharField(_("address"), max_length=300)
    floors = models.PositiveSmallIntegerField(_("floors"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("building")

    def __str__(self) -> str:
        return f"{self.code}, {self.address}"


class HousingUnit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        READY = "ready", _("Ready")
        RESERVED = "reserved", _("Reserved")
        OCCUPIED = "occupied", _("Occupied")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("unit number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=7, decimal_places=2)
    step_free = models.BooleanField(_("step-free access"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    status_since = models.DateField(_("status since"), editable=False)
    # Not "history": that name is the unit's dated status changes (UnitStatusChange).
    audit_trail = HistoricalRecords()

    class Meta:
        ordering = ["building", "number"]
        verbose_name = _("housing unit")
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_number_per_building"),
            models.CheckConstraint(condition=models.Q(rooms__gte=1), name="unit_has_a_room"),
        ]
        indexes = [models.Index(fields=["status", "rooms"])]

    def __str__(self) -> str:
        return f"{self.building.code}/{self.number}"


class UnitStatusChange(models.Model):
    unit = models.ForeignKey(HousingUnit, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=HousingUnit.Status.choices)
    date = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["unit", "date", "id"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.status} on {self.date}"


class Utility(models.Model):
    class Service(models.TextChoices):
        ELECTRICITY = "electricity", _("Electricity")
        WATER = "water", _("Water")
        GAS = "gas", _("Gas")
        SEWERAGE = "sewerage", _("Sewerage")
        SCHOOL = "school", _("School")
        CLINIC = "clinic", _("Clinic")
        INTERNET = "internet", _("Internet")
        PUBLIC_TRANSPORT = "public_transport", _("Public transport")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        COMMISSIONED = "commissioned", _("Commissioned")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")

    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="utilities", verbose_name=_("settlement")
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["settlement", "service"]
        verbose_name = _("utility or service")
        verbose_name_plural = _("utilities and services")
        constraints = [
            models.UniqueConstraint(fields=["settlement", "service"], name="one_service_record"),
            models.CheckConstraint(
                condition=~models.Q(status="commissioned")
                | models.Q(commissioned_on__isnull=False),
                name="commissioned_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.settlement}: {self.service} {self.status}"
