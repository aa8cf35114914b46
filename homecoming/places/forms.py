from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.places.models import Area, Settlement


class SettlementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        to_field_name="code",
        queryset=Area.objects.filter(level=Area.Level.DISTRICT).order_by("name"),
        empty_label=_("All districts"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Settlement.Kind.choices],
    )

    def filters(self) -> dict[str, str]:
        """The cleaned filters as plain strings, ignoring any invalid field."""
        data = self.cleaned_data if self.is_valid() else {}
        district = data.get("district")
        return {
            "q": data.get("q", ""),
            "district": district.code if district else "",
            "kind": data.get("kind", ""),
        }
