"""How a change to a household reads: field, value now, value proposed, in the words of the
page's language — choice labels, settlement names, dates — never a stored code.

Proposals and the history keep raw values (codes, ISO dates, ids: ``services._raw``), so
that each reader sees them in their own language; this module is the one place that turns
them into words, for the queue of changes to approve and for the household's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from homecoming.places.models import Settlement
from homecoming.registry.models import (
    ChangeRequest,
    Household,
    IdentityDocument,
    Member,
    TemporaryAccommodation,
)

NONE = "—"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


class Words:
    """Turns raw values into words; the settlements and accommodation places that the
    proposals or events to show name are read once, up front."""

    def __init__(self, proposals: Iterable[dict] = ()) -> None:
        codes, places = set(), set()
        for values in proposals:
            for key, value in values.items():
                if key == "origin_settlement":
                    codes.add(value)
                elif key == "accommodation_place" and value:
                    places.add(value)
        self.settlements = (
            {
                s.code: s
                for s in Settlement.objects.filter(code__in=codes).select_related("district")
            }
            if codes
            else {}
        )
        self.places = TemporaryAccommodation.objects.in_bulk(places) if places else {}

    def label(self, model: type[models.Model], name: str) -> str:
        return str(capfirst(model._meta.get_field(name).verbose_name))

    def value(self, model: type[models.Model], name: str, raw: object) -> str:
        if raw is None or raw == "" or raw == []:
            return NONE
        if name == "origin_settlement":
            found = self.settlements.get(raw)
            return f"{found.display_name} ({found.district.display_name})" if found else str(raw)
        if name == "accommodation_place":
            place = self.places.get(raw)
            return place.name if place else _("#%(id)s (deleted)") % {"id": raw}
        if name == "vulnerabilities":
            labels = dict(Member.Vulnerability.choices)
            return ", ".join(str(labels.get(v, v)) for v in raw)
        field = model._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(raw, raw))
        if isinstance(field, models.BooleanField):
            return _("yes") if raw else _("no")
        if isinstance(field, models.DateField):
            return date_format(dt.date.fromisoformat(raw) if isinstance(raw, str) else raw)
        return str(raw)

    def changes(self, model: type[models.Model], changes: dict) -> list[FieldChange]:
        """Rows for ``{field: [before, after]}``, as an edit's history event keeps them."""
        return [
            FieldChange(
                self.label(model, name),
                self.value(model, name, before),
                self.value(model, name, after),
            )
            for name, (before, after) in changes.items()
        ]

    def proposal(self, part: str, proposed: dict, current: dict) -> list[FieldChange]:
        """Rows for a change request: what each proposed field holds now and would hold.

        ``current`` is ``services.change_request_current`` of the household, taken when
        the rows are read (the queue) or when the request was made or decided (history).
        """
        if part == ChangeRequest.Part.ORIGIN:
            return [
                FieldChange(
                    self.label(Household, name),
                    self.value(Household, name, current.get(name)),
                    self.value(Household, name, value),
                )
                for name, value in proposed.items()
            ]
        if part == ChangeRequest.Part.REINSTATEMENT:
            return [
                FieldChange(
                    self.label(Household, "status"),
                    self.value(Household, "status", current.get("status")),
                    self.value(Household, "status", proposed.get("status")),
                )
            ]
        members = current.get("members", {})
        documents = current.get("documents", {})
        rows = []
        for entry in proposed.get("end", []):
            rows.append(
                FieldChange(
                    _("Membership of %(name)s") % {"name": members.get(str(entry.get("member")))},
                    _("member"),
                    _("left on %(date)s: %(reason)s")
                    % {
                        "date": self.value(Member, "left_on", entry.get("left_on")),
                        "reason": self.value(
                            Member, "left_reason", entry.get("left_reason", Member.Left.OTHER)
                        ),
                    },
                )
            )
        for entry in proposed.get("add", []):
            if part == ChangeRequest.Part.MEMBERSHIP:
                rows.append(FieldChange(_("New member"), NONE, self._member(entry)))
            else:
                owner = members.get(str(entry.get("member")), "")
                rows.append(
                    FieldChange(
                        _("New document of %(name)s") % {"name": owner},
                        NONE,
                        self._document(entry),
                    )
                )
        for entry in proposed.get("change", []):
            document = documents.get(str(entry.get("document")), {})
            for name, value in entry.items():
                if name != "document":
                    rows.append(
                        FieldChange(
                            f"{self._document(document)}: {self.label(IdentityDocument, name)}",
                            self.value(IdentityDocument, name, document.get(name)),
                            self.value(IdentityDocument, name, value),
                        )
                    )
        for pk in proposed.get("remove", []):
            document = documents.get(str(pk), {})
            rows.append(FieldChange(self._document(document), _("held"), _("removed")))
        return rows

    def _member(self, entry: dict) -> str:
        born = entry.get("birth_date")
        parts = [
            " ".join(entry.get(k, "") for k in ("given_name", "patronymic", "family_name")),
            self.value(Member, "relation", entry.get("relation")),
            self.value(Member, "sex", entry.get("sex")),
        ]
        if born:
            parts.append(_("born %(date)s") % {"date": self.value(Member, "birth_date", born)})
        parts.append(
            _("joined: %(reason)s")
            % {"reason": self.value(Member, "joined_reason", entry.get("joined_reason", "other"))}
        )
        return ", ".join(p for p in parts if p.strip())

    def _document(self, entry: dict) -> str:
        text = " ".join(
            p
            for p in (self.value(IdentityDocument, "type", entry.get("type")), entry.get("number"))
            if p and p != NONE
        )
        if entry.get("member"):
            text = f"{text} ({entry['member']})" if isinstance(entry["member"], str) else text
        if entry.get("issuer"):
            text += ", " + _("issued by %(issuer)s") % {"issuer": entry["issuer"]}
        if entry.get("expiry"):
            text += ", " + _("valid until %(date)s") % {
                "date": self.value(IdentityDocument, "expiry", entry["expiry"])
            }
        return text
