"""Return programmes and their policies.

A programme (the Great Return of internally displaced people, a cross-border voluntary
repatriation, a relocation) covers areas of origin and of destination, runs in phases, and
enrols households. What it decides about them is its policy: who is eligible, which services a
settlement must have, how households are ranked, how long a household has to answer an offer.
A policy is kept as numbered versions: drafted by one person, approved by a second, in force
from a date; every verdict and every allocation run records the version it used
(docs/policies.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.places.models import Area, NamedInLanguages


class Programme(NamedInLanguages, models.Model):
    class Kind(models.TextChoices):
        IDP_RETURN = "idp_return", _("Return of internally displaced people")
        REPATRIATION = "repatriation", _("Cross-border voluntary repatriation")
        RELOCATION = "relocation", _("Relocation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    # Areas of any country, by their P-codes (places.Area).
    origin_areas = models.ManyToManyField(
        Area, blank=True, related_name="+", verbose_name=_("areas of origin")
    )
    destination_areas = models.ManyToManyField(
        Area, blank=True, related_name="+", verbose_name=_("areas of destination")
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("The document that establishes the programme."),
    )
    # The users who work on this programme; a user in none works on every programme.
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="programmes", verbose_name=_("users")
    )
    history = HistoricalRecords(m2m_fields=[origin_areas, destination_areas, users])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("programme")

    def __str__(self) -> str:
        return self.display_name


class Phase(NamedInLanguages, models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="phases", verbose_name=_("programme")
    )
    name = models.CharField(_("name (English)"), max_length=200)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "starts_on"]
        verbose_name = _("phase")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class PolicyVersion(models.Model):
    """One version of a programme's policy. A draft may change; an approved version never
    does: the next change is a new version (docs/policies.md).

    ``conditions``: ``[{"key", "label": {"en", "az", "ru"}, "expression"}]``, each an
    expression of the policy language that must hold for a household to be eligible.
    ``priority_factors``: ``[{"key", "label": {…}, "expression", "weight"}]``, the score is
    Σ weight × value. ``rooms``: rows ``[size, fewest, most]`` of acceptable room counts.
    ``steps``: for a cross-border programme, the steps that replace land release.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="policy_versions",
        verbose_name=_("programme"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="draft")
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    conditions = models.JSONField(_("eligibility conditions"), default=list, blank=True)
    required_services = models.JSONField(_("required services"), default=list, blank=True)
    priority_factors = models.JSONField(_("priority factors"), default=list, blank=True)
    offer_answer_days = models.PositiveSmallIntegerField(_("days to answer an offer"))
    rooms = models.JSONField(_("rooms by household size"), default=list)
    steps = models.JSONField(_("steps before return"), default=list, blank=True)
    note = models.TextField(_("what this version changes, and why"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("policy version")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="one_policy_version_per_number"
            ),
            # An approved version has a date from which it is in force and a second person
            # who approved it (the version migrated from the settings has no drafter).
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(in_force_from__isnull=False, approved_at__isnull=False),
                name="approved_policy_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(drafted_by__isnull=True)
                | ~Q(approved_by=F("drafted_by")),
                name="policy_approved_by_a_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.number}"
