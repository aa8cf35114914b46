from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.accounts.models import User
from homecoming.site.imports import KIND_LABELS, import_kinds_for


class ImportUploadForm(forms.Form):
    """A file to import: the kinds offered are those the user may import."""

    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8), XLSX or GeoJSON, as described in the data formats guide."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, KIND_LABELS[k]) for k in import_kinds_for(user)]
