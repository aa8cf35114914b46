"""Contamination and its release, in the vocabulary of IMAS 07.11 (land release).

A hazard area's polygon is the record; its area is computed from the polygon.
Land-release activities cancel (non-technical survey), reduce (technical survey)
or clear (clearance) parts of it; when the whole area is accounted for, the hazard
area is released. ``released_m2`` and ``status`` are kept up to date by
``services.hazard_areas_refresh`` whenever activities change, so that maps and
readiness read one row per hazard area.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.places.models import Area, Settlement


class Contamination(models.TextChoices):
    ANTI_PERSONNEL = "ap_mines", _("Anti-personnel mines")
    ANTI_TANK = "at_mines", _("Anti-tank mines")
    UXO = "uxo", _("Unexploded ordnance")
    AXO = "axo", _("Abandoned explosive ordnance")
    CLUSTER = "cluster_munitions", _("Cluster munitions")


class LandUse(models.TextChoices):
    HOUSING = "housing", _("Housing")
    AGRICULTURE = "agriculture", _("Agriculture")
    ROADS = "roads", _("Roads")
    WATER = "water", _("Water")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class HazardArea(models.Model):
    class Kind(models.TextChoices):
        SUSPECTED = "suspected", _("Suspected hazardous area (SHA)")
        CONFIRMED = "confirmed", _("Confirmed hazardous area (CHA)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RELEASED = "released", _("Released")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    contamination = models.JSONField(_("contamination"), default=list)
    district = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="hazard_areas", verbose_name=_("District")
    )
    settlements = models.ManyToManyField(
        Settlement,
        blank=True,
        related_name="hazard_areas",
        help_text=_(
            "Settlements the source says the area touches, besides those its polygon intersects."
        ),
        verbose_name=_("settlements"),
    )
    polygon = models.JSONField(_("polygon (GeoJSON)"))
    area_m2 = models.FloatField(_("area (m²)"), editable=False)
    # Bounding box of the polygon, for a cheap database pre-filter before geometry tests.
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    blocked_land_use = models.JSONField(_("land use blocked"), default=list)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    source = models.CharField(_("source"), max_length=200)
    info_date = models.DateField(_("date of information"))
    released_m2 = models.FloatField(_("released (m²)"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False
    )
    # The bounding box follows from the polygon, which the history keeps.
    history = HistoricalRecords(
        excluded_fields=["min_lon", "min_lat", "max_lon", "max_lat"], m2m_fields=[settlements]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("hazard area")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return self.code

    @property
    def contamination_labels(self) -> list[str]:
        labels = dict(Contamination.choices)
        return [str(labels.get(c, c)) for c in self.contamination]

    @property
    def blocked_land_use_labels(self) -> list[str]:
        labels = dict(LandUse.choices)
        return [str(labels.get(u, u)) for u in self.blocked_land_use]

    @property
    def area_ha(self) -> float:
        return self.area_m2 / 10_000

    @property
    def released_share(self) -> float:
        return min(1.0, self.released_m2 / self.area_m2) if self.area_m2 else 1.0


class LandReleaseActivity(models.Model):
    class Method(models.TextChoices):
        NON_TECHNICAL_SURVEY = "non_technical_survey", _("Non-technical survey")
        TECHNICAL_SURVEY = "technical_survey", _("Technical survey")
        CLEARANCE = "clearance", _("Clearance")
        EOD_SPOT_TASK = "eod_spot_task", _("EOD spot task")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    hazard_area = models.ForeignKey(
        HazardArea,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("hazard area"),
    )
    method = models.CharField(_("method"), max_length=24, choices=Method.choices)
    organisation = models.CharField(_("organisation"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    cancelled_m2 = models.FloatField(_("cancelled (m²)"), default=0)
    reduced_m2 = models.FloatField(_("reduced (m²)"), default=0)
    cleared_m2 = models.FloatField(_("cleared (m²)"), default=0)
    handover_date = models.DateField(_("handover"), null=True, blank=True)
    certificate = models.CharField(_("certificate reference"), max_length=80, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "reference"]
        verbose_name = _("land-release activity")
        verbose_name_plural = _("land-release activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cancelled_m2__gte=0, reduced_m2__gte=0, cleared_m2__gte=0),
                name="activity_areas_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def released_m2(self) -> float:
        return self.cancelled_m2 + self.reduced_m2 + self.cleared_m2

    @property
    def release_date(self):
        return self.handover_date or self.end_date or self.start_date


class DeviceReport(models.Model):
    """Explosive items found and destroyed: per activity, or per district and week."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    district = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="device_reports", verbose_name=_("District")
    )
    week = models.DateField(_("week (Monday)"))
    activity = models.ForeignKey(
        LandReleaseActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device_reports",
    )
    ap_mines = models.PositiveIntegerField(_("anti-personnel mines"), default=0)
    at_mines = models.PositiveIntegerField(_("anti-tank mines"), default=0)
    uxo = models.PositiveIntegerField(_("unexploded ordnance"), default=0)
    axo = models.PositiveIntegerField(_("abandoned ordnance"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["week", "district"]
        verbose_name = _("device report")

    def __str__(self) -> str:
        return self.reference


class Accident(models.Model):
    class Device(models.TextChoices):
        ANTI_PERSONNEL = "ap_mine", _("Anti-personnel mine")
        ANTI_TANK = "at_mine", _("Anti-tank mine")
        UXO = "uxo", _("Unexploded ordnance")
        AXO = "axo", _("Abandoned ordnance")
        UNKNOWN = "unknown", _("Unknown")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    date = models.DateField(_("date"))
    district = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="accidents", verbose_name=_("District")
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="accidents"
    )
    device = models.CharField(_("device"), max_length=16, choices=Device.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "reference"]
        verbose_name = _("mine accident")

    def __str__(self) -> str:
        return self.reference


class Victim(models.Model):
    class Outcome(models.TextChoices):
        KILLED = "killed", _("Killed")
        INJURED = "injured", _("Injured")

    class Group(models.TextChoices):
        CIVILIAN = "civilian", _("Civilian")
        DEMINER = "deminer", _("Deminer")
        MILITARY = "military", _("Military")

    class AgeGroup(models.TextChoices):
        CHILD = "child", _("Child (under 18)")
        ADULT = "adult", _("Adult")
        UNKNOWN = "unknown", _("Unknown")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Unknown")

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="victims")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mine victim")

    def __str__(self) -> str:
        return f"{self.accident}: {self.outcome}"
