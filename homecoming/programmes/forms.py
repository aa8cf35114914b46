from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from homecoming.core.widgets import DateInput
from homecoming.places.models import Area
from homecoming.programmes.models import Phase, Programme
from homecoming.programmes.selectors import areas_in_countries, selectable_areas
from homecoming.programmes.services import PROGRAMME_FIELDS

# Codes that are addresses of the programmes' pages and API (urls.py): /programmes/new/.
RESERVED_CODES = frozenset({"new", "policy-versions"})


class AreaInCountryField(forms.ModelMultipleChoiceField):
    """Areas by name with their country: a programme may cover places of several."""

    def label_from_instance(self, obj: Area) -> str:
        place = areas_in_countries([obj])[0]
        if place.country is None:
            return f"{obj.display_name} ({obj.code})"
        return f"{obj.display_name}, {place.country.display_name} ({obj.code})"


class ProgrammeForm(forms.ModelForm):
    origin_areas = AreaInCountryField(
        label=_("Areas of origin"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    destination_areas = AreaInCountryField(
        label=_("Areas of destination"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Programme
        fields = [*PROGRAMME_FIELDS, "origin_areas", "destination_areas"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("origin_areas", "destination_areas"):
            self.fields[name].queryset = selectable_areas()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in RESERVED_CODES:
            raise forms.ValidationError(
                _("“%(code)s” names a page of the programmes: choose another code.")
                % {"code": code}
            )
        return code

    def fields_written(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PROGRAMME_FIELDS}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "name_az", "name_ru", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                _("The phase ends before it starts: give an end on or after %(start)s.")
                % {"start": date_format(starts, "SHORT_DATE_FORMAT")},
            )
        return data


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Programme.Status.choices)
