"""Monuments of the return areas, their condition over time, and the restoration that works on
them. A monument's condition is its latest inspection's; inspections are never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.housing.models import Project
from homecoming.places.models import Settlement


class Condition(models.TextChoices):
    INTACT = "intact", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    DESTROYED = "destroyed", _("Destroyed")
    RESTORED = "restored", _("Restored")
    UNKNOWN = "unknown", _("Not yet inspected")


class Monument(models.Model):
    class Type(models.TextChoices):
        RELIGIOUS = "religious", _("Religious building")
        FORTRESS = "fortress", _("Fortress or castle")
        MUSEUM = "museum", _("Museum")
        NATURAL = "natural", _("Natural site")
        ARCHAEOLOGICAL = "archaeological", _("Archaeological site")
        OTHER = "other", _("Other")

    registry_number = models.CharField(_("registry number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    period = models.CharField(_("period"), max_length=100, blank=True)
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="monuments")
    restoration = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monuments",
        limit_choices_to={"sector": Project.Sector.HERITAGE},
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("monument")

    def __str__(self) -> str:
        return self.name

    @property
    def current_condition_label(self) -> str:
        """The condition ``heritage.selectors.monument_list`` reads from the latest
        inspection, in words (a monument never inspected is "Not yet inspected")."""
        return str(Condition(getattr(self, "current_condition", None) or Condition.UNKNOWN).label)


class Inspection(models.Model):
    monument = models.ForeignKey(Monument, on_delete=models.CASCADE, related_name="inspections")
    date = models.DateField(_("date"))
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    note = models.TextField(_("note"), blank=True)
    photo = models.CharField(_("photo reference"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["monument", "date", "id"]
        verbose_name = _("inspection")

    def __str__(self) -> str:
        return f"{self.monument} {self.date}: {self.condition}"


class Photo(models.Model):
    """A photograph of a monument, kept as a file under MEDIA_ROOT.

    Files arrive only through ``services.photo_add``, which checks that the content is an
    image of an accepted type and size and stores a re-encoded copy (no metadata, no trailing
    bytes) under a name the system chooses.
    """

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    monument = models.ForeignKey(Monument, on_delete=models.CASCADE, related_name="photos")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="heritage/photos/")
    format = models.CharField(max_length=4, choices=Format.choices, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    caption = models.CharField(_("caption"), max_length=300)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    credit = models.CharField(_("credit"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["monument", "-taken_on", "id"]
        verbose_name = _("photo")

    def __str__(self) -> str:
        return f"{self.monument}: {self.caption}"
