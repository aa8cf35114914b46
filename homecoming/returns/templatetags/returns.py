"""Template filters of the returns pages."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def css_string(value: object) -> SafeString:
    """``value`` as a quoted CSS string: every character but letters, digits and spaces
    written as a CSS escape, so that no text can close the string or the style sheet
    (a printed page's header, ``@page { @top-center { content: … } }``)."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in str(value))
    return mark_safe(f'"{escaped}"')  # noqa: S308 (every other character is escaped above)


@register.filter
def css_page_numbers(words: object) -> SafeString:
    """``words`` ("page {page} of {pages}", translated) as the CSS content of a printed
    page's margin: the words as strings, the numbers as the page counters."""
    text = str(words)
    parts = []
    for piece in re.split(r"(\{pages?\})", text):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))  # noqa: S308 (words escaped by css_string)
