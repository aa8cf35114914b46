"""Filters that show the figure ledger in words (monitoring/words.py)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from homecoming.monitoring import words
from homecoming.monitoring.models import Figure

register = template.Library()


@register.filter
def indicator_name(code: str) -> str:
    return words.indicator_name(code)


@register.filter
def unit_name(unit: str) -> str:
    return words.unit_name(unit)


@register.filter
def quantity(value: Decimal | float | int | None, unit: str) -> str:
    return words.quantity(value, unit)


@register.filter
def place_name(figure: Figure) -> str:
    return words.place_name(figure)
