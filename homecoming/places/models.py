"""Administrative areas and settlements, with stable P-codes.

Codes: the country's ISO 3166 alpha-2 code, then two digits per area level below
it (economic region ``AZ01``, district ``AZ0101``, municipality ``AZ010101``),
then three digits for a settlement under its district or municipality
(``AZ0101001``). A code, once given, never changes or moves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class NamedInLanguages:
    """A record named in English (``name``) and, when known, in Azerbaijani and Russian
    (``name_az``, ``name_ru``): places, programmes, their phases."""

    name: str
    name_az: str
    name_ru: str

    @property
    def display_name(self) -> str:
        """The name in the language of the page (``name_az``, ``name_ru``), else the English one.

        The maps pick a name the same way from the GeoJSON's properties (map.js, ``localName``).
        """
        names = {"az": self.name_az, "ru": self.name_ru}
        return names.get((get_language() or "")[:2]) or self.name


class Place(NamedInLanguages, models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    coordinates_approximate = models.BooleanField(_("approximate coordinates"), default=False)
    footprint = models.JSONField(_("footprint (GeoJSON)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The cross-script key of every word of the names (places.search_keys), written by the
    # places import; search reads it.
    search_key = models.CharField(max_length=700, db_index=True, editable=False, default="")
    # Every change kept with who and when; the search key is derived from the names.
    history = HistoricalRecords(inherit=True, excluded_fields=["search_key"])

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


class Area(Place):
    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        ECONOMIC_REGION = "economic_region", _("Economic region")
        DISTRICT = "district", _("District")
        MUNICIPALITY = "municipality", _("Municipality")

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )

    class Meta(Place.Meta):
        verbose_name = _("administrative area")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="country", parent__isnull=True)
                | (~models.Q(level="country") & models.Q(parent__isnull=False)),
                name="area_only_country_has_no_parent",
            ),
        ]


class Settlement(Place):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        URBAN_SETTLEMENT = "urban_settlement", _("Urban settlement")
        VILLAGE = "village", _("Village")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="settlements",
        limit_choices_to={"level": Area.Level.DISTRICT},
        verbose_name=_("District"),
    )
    municipality = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Area.Level.MUNICIPALITY},
        verbose_name=_("Municipality"),
    )

    class Meta(Place.Meta):
        verbose_name = _("settlement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=False, lon__isnull=False),
                name="settlement_has_point",
            ),
        ]
