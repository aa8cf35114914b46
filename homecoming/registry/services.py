"""Writes to the registry."""

from __future__ import annotations

from homecoming.core.text import fold


def member_name_key(*, given_name: str, family_name: str, patronymic: str = "") -> str:
    """The search key of a member's names: folded words, in no particular order of meaning."""
    return " ".join(fold(part) for part in (given_name, family_name, patronymic) if part)
