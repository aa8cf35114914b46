from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhotoForm(forms.Form):
    """A photo to add to a monument; ``services.photo_add`` checks the file itself."""

    photo = forms.FileField(label=_("Photo (JPEG, PNG or WebP)"))
    caption = forms.CharField(label=_("Caption"), max_length=300)
    credit = forms.CharField(label=_("Credit"), max_length=200)
    taken_on = forms.DateField(label=_("Taken on"), required=False)
