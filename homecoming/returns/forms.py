from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from homecoming.core.choices import rows_in_use
from homecoming.core.formats import short_date
from homecoming.core.widgets import DateInput
from homecoming.places.models import Settlement
from homecoming.programmes.models import Programme
from homecoming.registry.forms import ProgrammeChoiceField
from homecoming.returns.models import AllocationRun, FollowUpVisit, Reservation


class CohortForm(forms.Form):
    destination = forms.ModelChoiceField(
        label=_("Destination"),
        # Households travel to settlements where homes are built.
        queryset=Settlement.objects.filter(buildings__isnull=False)
        .distinct()
        .select_related("district")
        .order_by("district__name", "name"),
        to_field_name="code",
    )
    move_date = forms.DateField(label=_("Move date"), widget=DateInput)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=5000)
    transport = forms.CharField(label=_("Transport"), max_length=200)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date of visit"), widget=DateInput)
    finding = forms.ChoiceField(label=_("Finding"), choices=FollowUpVisit.Finding.choices)
    problems = forms.CharField(
        label=_("Problems"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class StepDoneForm(forms.Form):
    """A step before return done, and the day: ``steps`` are those still to do."""

    step = forms.ChoiceField(label=_("Step"))
    date = forms.DateField(label=_("Date it was done"), widget=DateInput)

    def __init__(self, *args: object, steps: Sequence[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AllocationRun) -> str:
        return _("Run %(n)d of %(date)s") % {"n": obj.pk, "date": short_date(obj.created_at)}


class OfferFilterForm(forms.Form):
    """The offers list's filters: each one narrows ``selectors.offers_filtered``. The
    settlements and runs offered are those of some offer in ``offers`` (``core.choices``)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    destination = forms.ModelChoiceField(
        label=_("Settlement of the home"),
        queryset=Settlement.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Any settlement"),
    )
    run = RunChoiceField(
        label=_("Allocation run"),
        queryset=AllocationRun.objects.none(),
        required=False,
        empty_label=_("Any run"),
    )
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("", _("Any answer")), *Reservation.Answer.choices],
        required=False,
    )
    programme = ProgrammeChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Any programme"),
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        choices=[
            ("", _("Any deadline")),
            ("overdue", _("Past the deadline")),
            ("soon", _("Due within 7 days")),
        ],
        required=False,
    )

    def __init__(
        self, *args, offers: QuerySet[Reservation], programmes: Sequence[Programme] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        settlements = Settlement.objects.order_by("name")
        self.fields["destination"].queryset = rows_in_use(
            settlements, offers, "unit__building__settlement"
        )
        self.fields["run"].queryset = rows_in_use(AllocationRun.objects.all(), offers, "run")
        self.fields["programme"].queryset = Programme.objects.filter(
            pk__in=[p.pk for p in programmes]
        )

    def filters(self) -> dict:
        """The chosen filters, for ``offers_filtered``: a value that is not one of the
        choices (an old link's run) is left out, the others kept."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
