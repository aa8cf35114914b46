"""English pages write short dates as ISO 8601 (2026-12-06), not Django's American 12/06/2026:
the programme's English readers come from many countries, and 06/12 reads as June to some of
them. Long dates stay Django's (Dec. 6, 2026), where the month is a word."""

from __future__ import annotations

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
