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
