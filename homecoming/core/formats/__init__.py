"""Homecoming's changes to Django's formats by language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own formats for the language is here; see docs/operations.md,
"Numbers and dates".
"""
