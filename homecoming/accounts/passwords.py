"""A password validator beside Django's: refuses passwords of too little variety.

Django's validators accept ``aaaaaaaaaaaa`` or ``abcdefghijkl``: twelve characters, not common,
not numeric. NIST SP 800-63B asks to refuse repetitive and sequential passwords as well.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class VarietyValidator:
    """At least ``min_distinct`` different characters, and not one run like ``abcdef…``."""

    def __init__(self, min_distinct: int = 6) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password.lower())) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password repeats too few characters: use at least %(n)d different one.",
                    "This password repeats too few characters: use at least %(n)d different ones.",
                    self.min_distinct,
                )
                % {"n": self.min_distinct},
                code="password_too_repetitive",
            )
        steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
        if len(steps) == 1 and abs(steps.pop()) == 1:
            raise ValidationError(
                _("This password is a run of consecutive characters."),
                code="password_sequential",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must use at least %(n)d different character, not a run like “abcdef”.",
            "Your password must use at least %(n)d different characters, not a run like “abcdef”.",
            self.min_distinct,
        ) % {"n": self.min_distinct}
