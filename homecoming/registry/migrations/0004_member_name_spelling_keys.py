"""Member name keys gain the cross-script spelling keys, so search finds every spelling."""

from django.db import migrations


def rebuild_name_keys(apps, schema_editor):
    from homecoming.registry.search_keys import member_name_key

    Member = apps.get_model("registry", "Member")
    members = Member.objects.only("given_name", "family_name", "patronymic", "name_key")
    changed = []
    for member in members.iterator(chunk_size=5000):
        member.name_key = member_name_key(
            given_name=member.given_name,
            family_name=member.family_name,
            patronymic=member.patronymic,
        )
        changed.append(member)
        if len(changed) == 5000:
            Member.objects.bulk_update(changed, ["name_key"])
            changed = []
    Member.objects.bulk_update(changed, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_longer_household_reference")]

    operations = [migrations.RunPython(rebuild_name_keys, migrations.RunPython.noop)]
