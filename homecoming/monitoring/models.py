"""The figure ledger: every figure published about the programme, with its source.

A figure is kept as published — its value as written, its place as named — and
the system adds what it can derive: the number, the place it resolves to, and the
period its "as of" covers.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from homecoming.places.models import Area, Settlement


class Figure(models.Model):
    class Bound(models.TextChoices):
        """How the source gives the number: exactly, or as a bound ("more than 40,000")."""

        EXACT = "exact", _("exactly")
        AT_LEAST = "at_least", _("at least")
        AT_MOST = "at_most", _("at most")

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
    bound = models.CharField(
        _("bound"),
        max_length=8,
        choices=Bound.choices,
        default=Bound.EXACT,
        help_text=_('Whether the source gives the number exactly or as a bound ("more than").'),
    )
    as_of = models.CharField(_("as of"), max_length=10, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=8, choices=Precision.choices)
    publisher = models.CharField(_("publisher"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    published = models.DateField(_("published"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

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

    @property
    def interval(self) -> tuple[Decimal, Decimal | None]:
        """The values the figure allows (``value_number`` must be set)."""
        return interval(self.value_number, self.bound)


def interval(value: Decimal, bound: str) -> tuple[Decimal, Decimal | None]:
    """The values a number given with ``bound`` allows, lowest and highest (None: no upper
    limit). Counts are never negative: "at most 10" allows 0 to 10."""
    if bound == Figure.Bound.AT_LEAST:
        return value, None
    if bound == Figure.Bound.AT_MOST:
        return Decimal(0), value
    return value, value


class Indicator(models.Model):
    """What a figure measures: its unit, HXL hashtag, definition, and how figures compare.

    ``tolerance`` is the relative difference below which two figures for the same place
    and period are taken to agree; ``additive`` says a part may not exceed its whole.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=32)
    hxl = models.CharField(_("HXL hashtag"), max_length=100, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    additive = models.BooleanField(_("additive"), default=True)
    tolerance = models.FloatField(_("tolerance"), default=0)
    is_target = models.BooleanField(_("a target"), default=False)
    progress_indicator = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("progress measured by"),
        help_text=_("For a target: the indicator whose computed value counts towards it."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Discrepancy(models.Model):
    """Published figures that cannot all be right, found by the rules in ``discrepancies.py``."""

    class Kind(models.TextChoices):
        VALUES_DIFFER = "values_differ", _("Values differ for the same place and period")
        TARGET_DEADLINES = "target_deadlines", _("The same target with different deadlines")
        PART_EXCEEDS_WHOLE = "part_exceeds_whole", _("A part is greater than its whole")
        REPORTED_VS_COMPUTED = (
            "reported_vs_computed",
            _("A reported figure disagrees with the system's own records"),
        )
        # Relations between figures (relations.py, data/relations.csv).
        PARTS_SUM_ABOVE_WHOLE = (
            "parts_sum_above_whole",
            _("Parts add up to more than their whole"),
        )
        PARTS_ABOVE_TOTAL = "parts_above_total", _("Parts add up to more than their total")
        CUMULATIVE_FALLS = "cumulative_falls", _("A cumulative figure falls")
        RATIO_IMPLAUSIBLE = "ratio_implausible", _("An implausible ratio between two figures")
        DATED_AFTER_PUBLICATION = (
            "dated_after_publication",
            _("A count dated after it was published"),
        )

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXPLAINED = "explained", _("Explained")
        ACCEPTED = "accepted", _("Accepted")
        SOURCE_CORRECTED = "source_corrected", _("Source corrected")

    key = models.CharField(max_length=200, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    indicator = models.CharField(max_length=64)
    # None only for a relation broken by the system's own figures (no published figure).
    figure_a = models.ForeignKey(
        Figure, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The other side: a second figure, or (reported vs computed) the value the system
    # computes from its own records for the same place and period.
    figure_b = models.ForeignKey(
        Figure, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    computed_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    computed_from = models.CharField(max_length=300, blank=True)
    # A relation's finding: every figure involved (published or computed) and by how much,
    # kept as numbers and codes and said in words on the page (words.finding_sentence).
    details = models.JSONField(default=dict, blank=True)
    relative_difference = models.FloatField()
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    annotated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annotated_at = models.DateTimeField(null=True, blank=True)
    still_holds = models.BooleanField(
        default=True,
        help_text=_(
            "False when the figures no longer disagree (a figure was corrected or removed)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-relative_difference", "id"]
        verbose_name_plural = _("discrepancies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(figure_b__isnull=False)
                | models.Q(computed_value__isnull=False)
                | models.Q(
                    kind__in=[
                        "parts_sum_above_whole",
                        "parts_above_total",
                        "cumulative_falls",
                        "ratio_implausible",
                        "dated_after_publication",
                    ]
                ),
                name="discrepancy_has_two_sides",
            ),
        ]

    def __str__(self) -> str:
        other = self.figure_b or f"computed {self.computed_value}"
        return f"{self.get_kind_display()}: {self.figure_a} / {other}"


class Target(models.Model):
    """A target the programme is measured against.

    A target is recorded one way only: as a figure of the ledger (indicator ``return_target``
    and the like), with its value, deadline (``as_of``) and source. ``targets_refresh`` derives
    one Target from each such figure; the Target adds what the ledger does not say — the
    indicator whose computed value counts towards it, the place it counts in (none: every
    place the system records) and the day its period starts (the publication date unless
    set), from which the time elapsed is measured.
    """

    figure = models.OneToOneField(Figure, on_delete=models.CASCADE, related_name="target")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("measured by")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    start = models.DateField(_("period starts"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The programme the target belongs to (the one that set it, as its source says).
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("programme"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["figure__period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(area__isnull=False) & models.Q(settlement__isnull=False)),
                name="target_place_is_area_or_settlement",
            ),
        ]

    def __str__(self) -> str:
        figure = self.figure
        return f"{figure.place_label}: {figure.value} {figure.unit} by {self.deadline}"

    @property
    def value(self):
        return self.figure.value_number

    @property
    def deadline(self):
        return self.figure.period_end

    @property
    def place(self) -> Area | Settlement | None:
        return self.settlement or self.area
