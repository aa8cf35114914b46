"""Runs keep each household's explanation as the planner's values, not a sentence
(docs/planner.md, "Explanations"), so that every page says it in its own language.

The sentences runs stored (in English, with the settlements' English names) are read back
into values here. One that cannot be read is kept as it was written — ``{"why": "words",
"text": …}`` — and shown as stored.
"""

import re

from django.db import migrations, models

ROOMS = r"(?P<low>\d+)(?:–(?P<high>\d+))? rooms?"
KIND = r"(?P<{0}rooms>\d+)-room(?P<{0}step_free> step-free)?"
PEOPLE = r"(?P<size>\d+) (?:person needs|people need)"
HOUSED_HOME = re.compile(
    rf"Housed in a {KIND.format('')} unit in its origin settlement (?P<origin>.+); "
    rf"{PEOPLE} {ROOMS}, so .+\.$"
)
HOUSED_ELSEWHERE = re.compile(
    rf"Housed in a {KIND.format('')} unit in (?P<settlement>.+?), outside its origin "
    r"settlement (?P<origin>.+?), (?P<full>where every unit that fits it is taken|which has "
    rf"no unit that fits it); {PEOPLE} {ROOMS}, so .+\.$"
)
MORE = rf"One more ready {KIND.format('more_')} unit in (?P<more>.+) would house it\."
NO_MORE = (
    "A new unit that fits it would go first to a household with an equal or stronger claim."
)
NO_FIT = re.compile(
    r"Not housed: no unit in its (?P<scope>origin settlement|district) (?P<place>.+?) has "
    rf"{ROOMS}(?P<access> and step-free access)?\. (?:{MORE}|{re.escape(NO_MORE)})$"
)
OUTBID = re.compile(
    r"Not housed: its priority (?P<priority>\d+) does not beat the clearing priority of the "
    r"units that fit it: (?P<cleared>.+)\. A priority of (?P<needed>\d+) instead of \d+ would "
    rf"house it(?:, and so would one more ready {KIND.format('more_')} unit in (?P<more>.+))?\.$"
)
CLEARED = re.compile(rf"(?P<priority>\d+) for {KIND.format('')} units in (?P<settlement>.+?)")
CLEARED_LIST = re.compile(rf"{CLEARED.pattern}(?:, (?=\d+ for )|$)")


def _range(match):
    low = int(match["low"])
    return {"smallest": low, "largest": int(match["high"] or low)}


def read(text, code):
    """The values of a stored sentence (settlement names → codes by ``code``), or None."""
    if match := HOUSED_HOME.match(text):
        origin = code(match["origin"])
        return {
            "why": "housed",
            "rooms": int(match["rooms"]),
            "step_free": bool(match["step_free"]),
            "settlement": origin,
            "origin": origin,
            "size": int(match["size"]),
        } | _range(match)
    if match := HOUSED_ELSEWHERE.match(text):
        return {
            "why": "housed",
            "rooms": int(match["rooms"]),
            "step_free": bool(match["step_free"]),
            "settlement": code(match["settlement"]),
            "origin": code(match["origin"]),
            "size": int(match["size"]),
        } | _range(match) | {"origin_full": match["full"].startswith("where")}
    more = None
    if match := NO_FIT.match(text):
        if match["more"]:
            more = {
                "rooms": int(match["more_rooms"]),
                "step_free": bool(match["more_step_free"]),
                "settlement": code(match["more"]),
            }
        district = match["scope"] == "district"
        return {
            "why": "no_fit",
            "scope": "district" if district else "settlement",
            # The planner was given the districts' codes, the settlements' names.
            "place": match["place"] if district else code(match["place"]),
        } | _range(match) | {"step_free": bool(match["access"]), "more": more}
    if match := OUTBID.match(text):
        if match["more"]:
            more = {
                "rooms": int(match["more_rooms"]),
                "step_free": bool(match["more_step_free"]),
                "settlement": code(match["more"]),
            }
        clearing = [
            {
                "priority": int(c["priority"]),
                "rooms": int(c["rooms"]),
                "step_free": bool(c["step_free"]),
                "settlement": code(c["settlement"]),
            }
            for c in CLEARED_LIST.finditer(match["cleared"])
        ]
        return {
            "why": "outbid",
            "priority": int(match["priority"]),
            "needed": int(match["needed"]),
            "clearing": clearing,
            "more": more,
        }
    return None


def forwards(apps, schema_editor):
    Settlement = apps.get_model("places", "Settlement")
    Result = apps.get_model("returns", "AllocationResult")
    codes = dict(Settlement.objects.values_list("name", "code"))

    def code(name):
        return codes.get(name, name)

    changed = []
    for result in Result.objects.only("pk", "explanation").iterator(chunk_size=2000):
        result.reason = read(result.explanation, code) or {
            "why": "words",
            "text": result.explanation,
        }
        changed.append(result)
        if len(changed) == 2000:
            Result.objects.bulk_update(changed, ["reason"])
            changed = []
    Result.objects.bulk_update(changed, ["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_historicalarea_historicalsettlement"),
        ("returns", "0007_ineligible_reasons_stored_as_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocationresult", name="reason", field=models.JSONField(null=True)
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="allocationresult", name="explanation"),
        migrations.RenameField(
            model_name="allocationresult", old_name="reason", new_name="explanation"
        ),
        migrations.AlterField(
            model_name="allocationresult", name="explanation", field=models.JSONField()
        ),
    ]
