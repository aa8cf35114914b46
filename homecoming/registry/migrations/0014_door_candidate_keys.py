"""Every member's keys for the check at the door (``search_keys.person_door_keys``), kept
with the search keys, so that the members a new one may duplicate are found in one index."""

from django.db import migrations
from django.db.models import F


def write_door_keys(apps, schema_editor):
    from homecoming.registry.search_keys import person_door_keys

    Member = apps.get_model("registry", "Member")
    MemberSearchKey = apps.get_model("registry", "MemberSearchKey")
    fields = ("given_name", "family_name", "patronymic", "birth_date", "birth_year_only")
    rows = []
    members = Member.objects.values(
        "pk", "household_id", *fields, origin_settlement=F("household__origin_settlement__code")
    )
    for member in members.iterator(10_000):
        keys = person_door_keys(
            **{name: member[name] for name in fields},
            origin_settlement=member["origin_settlement"],
        )
        rows += [
            MemberSearchKey(member_id=member["pk"], household_id=member["household_id"], key=key)
            for key in keys
        ]
        if len(rows) >= 50_000:
            MemberSearchKey.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    MemberSearchKey.objects.bulk_create(rows, ignore_conflicts=True)


def remove_door_keys(apps, schema_editor):
    # A search's keys never hold a colon; the door's always do.
    apps.get_model("registry", "MemberSearchKey").objects.filter(key__contains=":").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_household_list_indexes"),
    ]

    operations = [
        migrations.RunPython(write_door_keys, remove_door_keys, elidable=True),
    ]
