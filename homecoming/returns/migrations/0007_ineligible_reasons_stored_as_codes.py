"""Runs keep why households were not eligible as codes, not sentences: each reason of
``ineligible_reasons`` (formerly words → count) becomes ``{"why", "code", …, "households"}``
(docs/data-formats.md), and each ``IneligibleHousehold.reason`` the reason's code.

The words are read once, here: as ``eligibility`` wrote them, in English or — the status,
intention, service and hazard words were translated — in Azerbaijani. A reason that cannot
be read is kept as it was written, of kind ``other``, and shown as stored.
"""

import re

from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext

# The labels as they were when the words were written (English), by code.
STATUSES = {"registered": "Registered", "verified": "Verified", "withdrawn": "Withdrawn"}
INTENTIONS = {
    "return_now": "Return now",
    "return_later": "Return later",
    "not_return": "Not return",
    "unknown": "Not stated",
}
SERVICES = {
    "electricity": "Electricity",
    "water": "Water",
    "gas": "Gas",
    "sewerage": "Sewerage",
    "school": "School",
    "clinic": "Clinic",
    "internet": "Internet",
    "public_transport": "Public transport",
}
METHODS = {
    "non_technical_survey": "Non-technical survey",
    "technical_survey": "Technical survey",
    "clearance": "Clearance",
    "eod_spot_task": "EOD spot task",
}
NO_ACTIVITY = "%(hazard)s, no land-release activity yet"
DONE = "%(hazard)s, %(method)s %(percent)d %% done"
SIZE = re.compile(r"(?P<code>.+?), (?P<area>[\d,]+\.\d) ha")


def _words(labels):
    """Each label's words, lower-case, in English and Azerbaijani → its code."""
    found = {}
    for language in ("en", "az"):
        with translation.override(language):
            found |= {gettext(label).lower(): code for code, label in labels.items()}
    return found


class Reader:
    """Reads the words ``eligibility`` wrote back into reasons (kind, code, parameters)."""

    def __init__(self, settlements):
        self.settlements = settlements  # name (English or Azerbaijani) → code
        self.statuses = _words(STATUSES)
        self.intentions = _words(INTENTIONS)
        self.services = _words(SERVICES)
        self.methods = _words(METHODS)
        self.no_activity = [self._compiled(NO_ACTIVITY, language) for language in ("en", "az")]
        self.done = [self._compiled(DONE, language) for language in ("en", "az")]

    @staticmethod
    def _compiled(template, language):
        with translation.override(language):
            text = re.escape(gettext(template)).replace("%%", "%")
        text = text.replace(re.escape("%(hazard)s"), SIZE.pattern)
        text = text.replace(re.escape("%(method)s"), "(?P<method>.+)")
        text = text.replace(re.escape("%(percent)d"), r"(?P<percent>\d+)")
        return re.compile(text)

    def hazard(self, text):
        for pattern in self.no_activity:
            if m := pattern.fullmatch(text):
                return self._hazard(m, "", 0)
        for pattern in self.done:
            m = pattern.fullmatch(text)
            if m and m["method"].lower() in self.methods:
                return self._hazard(m, self.methods[m["method"].lower()], int(m["percent"]))
        return None

    @staticmethod
    def _hazard(m, method, percent):
        area = float(m["area"].replace(",", ""))
        return {"code": m["code"], "area_ha": area, "method": method, "percent": percent}

    def read(self, text):
        """``(why, code, service or hazard or None)``, or ``None`` when unreadable."""
        if text.startswith("registration ") and text.endswith(", not verified"):
            status = self.statuses.get(text[len("registration ") : -len(", not verified")])
            return ("not_verified", status, None) if status else None
        if text.startswith("intention: "):
            intention = self.intentions.get(text[len("intention: ") :])
            return ("intention", intention, None) if intention else None
        if text == "a possible duplicate is under review":
            return ("duplicate", "", None)
        if text.startswith("land around ") and " not released: " in text:
            name, _sep, rest = text[len("land around ") :].partition(" not released: ")
            hazard = self.hazard(rest)
            if name in self.settlements and hazard:
                return ("land", self.settlements[name], hazard)
            return None
        if " not commissioned in " in text:
            service, _sep, name = text.rpartition(" not commissioned in ")
            if service in self.services and name in self.settlements:
                return ("services", self.settlements[name], self.services[service])
        return None


def _reasons(reader, counts):
    """``{words: households}`` → the reasons as stored now, most households first."""
    merged = {}
    for text, n in counts.items():
        read = reader.read(text)
        if read is None:
            merged[("other", text)] = {"why": "other", "code": text, "households": n}
            continue
        why, code, part = read
        reason = merged.setdefault(
            (why, code),
            {"why": why, "code": code}
            | ({"services": []} if why == "services" else {})
            | ({"hazards": []} if why == "land" else {})
            | {"households": 0},
        )
        # A settlement's reasons each held back all its households: counted once.
        reason["households"] = max(reason["households"], n)
        if why == "services":
            reason["services"].append(part)
        elif why == "land":
            reason["hazards"].append(part)
    # In a fixed order, whatever order the database kept the words in.
    for reason in merged.values():
        if "services" in reason:
            reason["services"].sort(key=list(SERVICES).index)
        if "hazards" in reason:
            reason["hazards"].sort(key=lambda h: h["code"])
    return sorted(merged.values(), key=lambda r: (-r["households"], r["why"], r["code"]))


def to_codes(apps, schema_editor):
    Settlement = apps.get_model("places", "Settlement")
    settlements = {}
    for code, name, name_az in Settlement.objects.values_list("code", "name", "name_az"):
        settlements.setdefault(name, code)
        if name_az:
            settlements.setdefault(name_az, code)
    reader = Reader(settlements)
    IneligibleHousehold = apps.get_model("returns", "IneligibleHousehold")
    for model in ("AllocationRun", "HistoricalAllocationRun"):
        runs = apps.get_model("returns", model).objects.all()
        for run in runs.only("pk", "ineligible_reasons").iterator():
            if isinstance(run.ineligible_reasons, dict):
                run.ineligible_reasons = _reasons(reader, run.ineligible_reasons)
                run.save(update_fields=["ineligible_reasons"])
    # Each distinct words are read once, then all their rows changed by one update.
    texts = list(IneligibleHousehold.objects.values_list("reason", flat=True).distinct())
    codes = {text: reader.read(text) for text in texts}
    for text, read in codes.items():
        why, code = (read[0], read[1]) if read else ("other", text)
        IneligibleHousehold.objects.filter(reason=text).update(why=why, reason=code)


def to_words(apps, schema_editor):
    """Back to English words, as the code before this migration wrote them."""
    Settlement = apps.get_model("places", "Settlement")
    names = dict(Settlement.objects.values_list("code", "name"))

    def words(reason):
        why, code = reason["why"], reason["code"]
        if why == "not_verified":
            return [f"registration {STATUSES.get(code, code).lower()}, not verified"]
        if why == "intention":
            return [f"intention: {INTENTIONS.get(code, code).lower()}"]
        if why == "duplicate":
            return ["a possible duplicate is under review"]
        name = names.get(code, code)
        if why == "services":
            return [
                f"{SERVICES.get(s, s).lower()} not commissioned in {name}"
                for s in reason["services"]
            ]
        if why == "land":
            return [
                f"land around {name} not released: "
                + (
                    f"{h['code']}, {h['area_ha']:,.1f} ha, "
                    + (
                        f"{METHODS[h['method']].lower()} {h['percent']} % done"
                        if h["method"]
                        else "no land-release activity yet"
                    )
                )
                for h in reason["hazards"]
            ]
        return [code]

    IneligibleHousehold = apps.get_model("returns", "IneligibleHousehold")
    for model in ("AllocationRun", "HistoricalAllocationRun"):
        runs = apps.get_model("returns", model).objects.all()
        for run in runs.only("pk", "ineligible_reasons").iterator():
            if not isinstance(run.ineligible_reasons, list):
                continue
            if model == "AllocationRun":
                for r in run.ineligible_reasons:
                    IneligibleHousehold.objects.filter(
                        run_id=run.pk, why=r["why"], reason=r["code"]
                    ).update(reason=words(r)[0])
            run.ineligible_reasons = {
                text: r["households"] for r in run.ineligible_reasons for text in words(r)
            }
            run.save(update_fields=["ineligible_reasons"])


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_historicalarea_historicalsettlement"),
        ("returns", "0006_runs_no_longer_relabelled_proposal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allocationrun",
            name="ineligible_reasons",
            field=models.JSONField(default=list),
        ),
        migrations.AlterField(
            model_name="historicalallocationrun",
            name="ineligible_reasons",
            field=models.JSONField(default=list),
        ),
        migrations.AlterField(
            model_name="ineligiblehousehold",
            name="reason",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(to_codes, to_words),
    ]
