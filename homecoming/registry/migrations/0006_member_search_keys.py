"""Search finds members through an indexed key table instead of a scan of their name
keys; the keys of existing members are written before the old column goes."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# Going back, the name keys are written again as migration 0004 wrote them.
rebuild_name_keys = import_module(
    "homecoming.registry.migrations.0004_member_name_spelling_keys"
).rebuild_name_keys

BATCH = 10_000


def write_search_keys(apps, schema_editor):
    from homecoming.registry.search_keys import search_keys

    Member = apps.get_model("registry", "Member")
    MemberSearchKey = apps.get_model("registry", "MemberSearchKey")
    members = (
        Member.objects.select_related("household").prefetch_related("documents").order_by("pk")
    )
    rows = []
    for member in members.iterator(chunk_size=2000):
        keys = search_keys(
            names=(member.given_name, member.family_name, member.patronymic),
            numbers=(member.household.reference, *(d.number for d in member.documents.all())),
            phones=(member.phone, member.household.phone),
        )
        rows += [
            MemberSearchKey(member_id=member.pk, household_id=member.household_id, key=key)
            for key in keys
        ]
        if len(rows) >= BATCH:
            MemberSearchKey.objects.bulk_create(rows)
            rows = []
    MemberSearchKey.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_historicalchangerequest_historicalconsent_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberSearchKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                (
                    "member",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_keys",
                        to="registry.member",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.household",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["key", "member", "household"], name="member_search_key"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("member", "key"), name="member_search_key_once"
                    )
                ],
            },
        ),
        migrations.RunPython(write_search_keys, rebuild_name_keys),
        migrations.RemoveField(model_name="member", name="name_key"),
    ]
