"""Why the planner housed a household where it did, or not yet, in the words of the page's
language.

The planner (``homecoming.planner``, no Django) gives each household's explanation as
values (docs/planner.md, "Explanations"); a run stores them as they are
(``AllocationResult.explanation``) and the page puts them into words here, with the
settlements' and districts' names in its language. An explanation kept as words by a run
from before (``why`` = ``words``) is shown as it was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homecoming.places.models import Area, Settlement

WORDS = "words"  # an explanation from before explanations were values: {"why", "text"}


def _rooms(low: int, high: int) -> str:
    if low == high:
        return ngettext("%(count)s room", "%(count)s rooms", low) % {"count": low}
    return _("%(low)s–%(high)s rooms") % {"low": low, "high": high}


def _kind(rooms: int, step_free: bool) -> str:
    if step_free:
        return _("%(rooms)s-room step-free") % {"rooms": rooms}
    return _("%(rooms)s-room") % {"rooms": rooms}


def _surplus(rooms: int) -> str:
    if rooms == 0:
        return _("no surplus room")
    return ngettext("%(count)s surplus room", "%(count)s surplus rooms", rooms) % {"count": rooms}


def _people(size: int) -> str:
    return ngettext("%(count)s person needs", "%(count)s people need", size) % {"count": size}


class Names:
    """The names, in the page's language, of the settlements and districts that the
    explanations to show refer to (by code), read once."""

    def __init__(self, reasons: Iterable[Mapping[str, Any]]) -> None:
        settlements, districts = set(), set()
        for reason in reasons:
            if reason.get("why") == "no_fit" and reason.get("scope") == "district":
                districts.add(reason["place"])
            for key in ("settlement", "origin", "place"):
                settlements.add(reason.get(key))
            for kind in [*reason.get("clearing", ()), reason.get("more") or {}]:
                settlements.add(kind.get("settlement"))
        self.names = {
            s.code: s.display_name for s in Settlement.objects.filter(code__in=settlements - {None})
        } | {a.code: a.display_name for a in Area.objects.filter(code__in=districts)}

    def __call__(self, code: str) -> str:
        return self.names.get(code, code)


def explanation_words(reason: Mapping[str, Any], name: Names) -> str:
    """``reason`` (a planner explanation) in the page's language."""
    why = reason.get("why")
    if why == "housed":
        values = {
            "kind": _kind(reason["rooms"], reason["step_free"]),
            "settlement": name(reason["settlement"]),
            "origin": name(reason["origin"]),
            "people": _people(reason["size"]),
            "rooms": _rooms(reason["smallest"], reason["largest"]),
            "surplus": _surplus(reason["rooms"] - reason["smallest"]),
        }
        if "origin_full" not in reason:
            return (
                _(
                    "Housed in a %(kind)s unit in its origin settlement %(settlement)s; "
                    "%(people)s %(rooms)s, so %(surplus)s."
                )
                % values
            )
        if reason["origin_full"]:
            return (
                _(
                    "Housed in a %(kind)s unit in %(settlement)s, outside its origin settlement "
                    "%(origin)s, where every unit that fits it is taken; %(people)s %(rooms)s, "
                    "so %(surplus)s."
                )
                % values
            )
        return (
            _(
                "Housed in a %(kind)s unit in %(settlement)s, outside its origin settlement "
                "%(origin)s, which has no unit that fits it; %(people)s %(rooms)s, so "
                "%(surplus)s."
            )
            % values
        )
    more = reason.get("more")
    more_values = (
        {"kind": _kind(more["rooms"], more["step_free"]), "settlement": name(more["settlement"])}
        if more
        else {}
    )
    if why == "no_fit":
        place = (
            _("its district %(name)s") % {"name": name(reason["place"])}
            if reason["scope"] == "district"
            else _("its origin settlement %(name)s") % {"name": name(reason["place"])}
        )
        values = {"place": place, "rooms": _rooms(reason["smallest"], reason["largest"])}
        first = (
            _("Not housed: no unit in %(place)s has %(rooms)s and step-free access.") % values
            if reason["step_free"]
            else _("Not housed: no unit in %(place)s has %(rooms)s.") % values
        )
        then = (
            _("One more ready %(kind)s unit in %(settlement)s would house it.") % more_values
            if more
            else _(
                "A new unit that fits it would go first to a household with an equal or "
                "stronger claim."
            )
        )
        return f"{first} {then}"
    if why == "outbid":
        values = {
            "priority": reason["priority"],
            "needed": reason["needed"],
            "cleared": ", ".join(
                _("%(priority)s for %(kind)s units in %(settlement)s")
                % {
                    "priority": kind["priority"],
                    "kind": _kind(kind["rooms"], kind["step_free"]),
                    "settlement": name(kind["settlement"]),
                }
                for kind in reason["clearing"]
            ),
        }
        if more:
            return _(
                "Not housed: its priority %(priority)s does not beat the clearing priority "
                "of the units that fit it: %(cleared)s. A priority of %(needed)s instead of "
                "%(priority)s would house it, and so would one more ready %(kind)s unit in "
                "%(settlement)s."
            ) % (values | more_values)
        return (
            _(
                "Not housed: its priority %(priority)s does not beat the clearing priority of "
                "the units that fit it: %(cleared)s. A priority of %(needed)s instead of "
                "%(priority)s would house it."
            )
            % values
        )
    return str(reason.get("text", ""))
