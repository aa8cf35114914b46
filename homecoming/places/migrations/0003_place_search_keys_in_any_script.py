"""Places are found by the cross-script keys of their names, as people are: the search key
of every area and settlement is written again (``places.search_keys``)."""

from django.db import migrations


def rebuild_search_keys(apps, schema_editor):
    from homecoming.places.search_keys import place_search_key

    for model in ("Area", "Settlement"):
        places = apps.get_model("places", model).objects
        changed = []
        for place in places.only("code", "name", "name_az", "name_ru", "search_key"):
            place.search_key = place_search_key(
                code=place.code, names=(place.name, place.name_az, place.name_ru)
            )
            changed.append(place)
        places.bulk_update(changed, ["search_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("places", "0002_historicalarea_historicalsettlement")]

    operations = [migrations.RunPython(rebuild_search_keys, migrations.RunPython.noop)]
