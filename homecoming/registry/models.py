"""Displaced households and their members.

Names are kept exactly as entered, in any script; search uses keys derived
from them (``homecoming.core.text``), never the other way round.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.places.models import Settlement


class Accommodation(models.TextChoices):
    HOSTEL = "hostel", _("Hostel")
    SANATORIUM = "sanatorium", _("Sanatorium")
    ADMINISTRATIVE_BUILDING = "administrative_building", _("Administrative building")
    DORMITORY = "dormitory", _("Dormitory")
    RENTED = "rented", _("Rented")
    WITH_RELATIVES = "with_relatives", _("With relatives")
    OTHER = "other", _("Other")


class Household(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    origin_settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="origin_households",
        verbose_name=_("origin settlement"),
    )
    origin_address = models.CharField(_("address before displacement"), max_length=300, blank=True)
    displaced_on = models.DateField(_("date of displacement"), null=True, blank=True)
    accommodation = models.CharField(
        _("temporary accommodation"),
        max_length=32,
        choices=Accommodation.choices,
        default=Accommodation.OTHER,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_on = models.DateField(_("registered on"))
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for the demo or a benchmark; not a real household."),
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = _("household")

    def __str__(self) -> str:
        return self.reference


class Member(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other relative")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year_only = models.BooleanField(_("year of birth only"), default=False)
    name_key = models.CharField(max_length=320, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="head"),
                name="member_one_head_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
