from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """The six-digit code an authenticator app shows."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("Give the six digits the app shows."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ApiTokenForm(forms.Form):
    """What a new API token is for."""

    name = forms.CharField(
        label=_("What is the token for?"),
        help_text=_("For example the program or script that will use it."),
        max_length=100,
    )
