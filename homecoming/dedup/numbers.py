"""Keys of the numbers people write in many ways: phones and identity documents.

Record linkage compares members on them, and registry search finds members by them.
"""

from __future__ import annotations

__all__ = ["PHONE_DIGITS", "document_key", "phone_key"]

PHONE_DIGITS = 9  # the national number: +994 50 123 45 67 and 050 123 45 67 meet


def phone_key(phone: str) -> str:
    """The last ``PHONE_DIGITS`` digits of a phone number, whatever the prefix and spacing.

    >>> phone_key("+994 50 123 45 67"), phone_key("050-123-45-67")
    ('501234567', '501234567')
    """
    return "".join(ch for ch in phone if ch.isdigit())[-PHONE_DIGITS:]


def document_key(number: str) -> str:
    """A document number in capitals without spaces or punctuation.

    >>> document_key("aze 1234-567")
    'AZE1234567'
    """
    return "".join(ch for ch in number.upper() if ch.isalnum())
