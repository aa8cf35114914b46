from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from homecoming.places import selectors
from homecoming.places.models import Area


class SettlementFilterForm(forms.Form):
    """The filters of the settlements' list and map, offering only districts and kinds that
    some settlement has (``core.choices``)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        to_field_name="code",
        queryset=Area.objects.none(),
        empty_label=_("All districts"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, districts: QuerySet[Area] | None = None, **kwargs) -> None:
        """``districts``: the districts offered, when not those with a settlement (the
        hazard map offers those with a hazard area)."""
        super().__init__(*args, **kwargs)
        if districts is None:
            districts = selectors.districts_with_settlements()
        self.fields["district"].queryset = districts
        self.fields["kind"].choices = [("", _("All kinds")), *selectors.settlement_kinds()]

    def filters(self) -> dict[str, str]:
        """The cleaned filters as plain strings, ignoring any invalid field."""
        data = self.cleaned_data if self.is_valid() else {}
        district = data.get("district")
        return {
            "q": data.get("q", ""),
            "district": district.code if district else "",
            "kind": data.get("kind", ""),
        }
