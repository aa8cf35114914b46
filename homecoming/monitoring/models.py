"""The figure ledger: every figure published about the programme, with its source.

A figure is kept as published — its value as written, its place as named — and
the system adds what it can derive: the number, the place it resolves to, and the
period its "as of" covers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.places.models import Area, Settlement


class Figure(models.Model):
    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")
        UNDATED = "undated", _("undated")

    place_label = models.CharField(_("place as published"), max_length=200)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    indicator = models.CharField(_("indicator"), max_length=64, db_index=True)
    value = models.CharField(_("value as published"), max_length=64)
    value_number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32)
    as_of = models.CharField(_("as of"), max_length=10, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=8, choices=Precision.choices)
    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    published = models.DateField(_("published"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "id"]
        verbose_name = _("published figure")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(area__isnull=False) & models.Q(settlement__isnull=False)),
                name="figure_place_is_area_or_settlement",
            ),
            models.UniqueConstraint(
                fields=["place_label", "indicator", "value", "as_of", "publisher", "title"],
                name="figure_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_label}: {self.indicator} = {self.value} {self.unit}"
