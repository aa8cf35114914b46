from __future__ import annotations

import functools
from decimal import Decimal

from django import template
from django.db.models import Model
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter
def figure(value: Decimal | int | None) -> str:
    """A figure as people read it in the page's language: thousands grouped, no trailing
    zeros (22.5 and 2,350,000,000 in English; 22,5 and 2 350 000 000 in Azerbaijani and
    Russian)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    decimals = max(0, -int(number.as_tuple().exponent))
    return formats.number_format(number, decimals, use_l10n=True, force_grouping=True)


@register.filter
def figure_1(value: float | None) -> str:
    """A measured quantity to one decimal, thousands grouped as the page's language does:
    12,418.6 in English, 12 418,6 in Azerbaijani and Russian."""
    if value is None:
        return ""
    # number_format cuts the digits beyond the first decimal: round first.
    return formats.number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)


@register.filter
def percent(share: float | None) -> str:
    """A share as a whole percentage, rounded down so that 99.6 % is not shown as done."""
    return "" if share is None else f"{int(share * 100)} %"


@register.filter
def pair(first: object, second: object) -> tuple[object, object]:
    """Two objects to loop over side by side: ``{% for x in a|pair:b %}``."""
    return (first, second)


@register.filter
def in_words(record: Model, field: str) -> str:
    """``record``'s choice of ``field`` in words, as ``get_<field>_display`` says it, read from
    a table kept per language: a list of fifty rows asks for hundreds of them, and Django's
    own builds and translates the field's every choice at each call."""
    value = getattr(record, field)
    return _choices_in_words(type(record), field, get_language()).get(value, str(value))


@functools.cache
def _choices_in_words(model: type[Model], field: str, language: str | None) -> dict[object, str]:
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}
