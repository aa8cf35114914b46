from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value: Decimal | int | None) -> str:
    """A figure as people read it: thousands grouped, no trailing zeros (22.5, 2,350,000,000)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():,f}"


@register.filter
def figure_1(value: float | None) -> str:
    """A measured quantity to one decimal, thousands grouped: 12,418.6."""
    return "" if value is None else f"{value:,.1f}"


@register.filter
def percent(share: float | None) -> str:
    """A share as a whole percentage, rounded down so that 99.6 % is not shown as done."""
    return "" if share is None else f"{int(share * 100)} %"


@register.filter
def pair(first: object, second: object) -> tuple[object, object]:
    """Two objects to loop over side by side: ``{% for x in a|pair:b %}``."""
    return (first, second)
