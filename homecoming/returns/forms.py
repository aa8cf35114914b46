from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.places.models import Settlement
from homecoming.returns.models import FollowUpVisit


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
    move_date = forms.DateField(label=_("Move date"), widget=forms.DateInput({"type": "date"}))
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=5000)
    transport = forms.CharField(label=_("Transport"), max_length=200)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date of visit"), widget=forms.DateInput({"type": "date"}))
    finding = forms.ChoiceField(label=_("Finding"), choices=FollowUpVisit.Finding.choices)
    problems = forms.CharField(
        label=_("Problems"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
