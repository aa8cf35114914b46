"""Places imported before a migration are found after it as places imported since."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from homecoming.core.text import fold
from homecoming.places.models import Area


@pytest.mark.django_db(transaction=True)
def test_places_imported_before_the_cross_script_keys_are_found_in_any_script(
    places, client_for, viewer
):
    before = [("places", "0002_historicalarea_historicalsettlement")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        for model in ("Area", "Settlement"):
            for place in old.get_model("places", model).objects.all():
                place.search_key = " ".join(
                    [place.code.lower(), fold(place.name), fold(place.name_az)]
                )  # as the import wrote it then
                place.save(update_fields=["search_key"])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    client = client_for(viewer)
    for spelling in ("Кельбаджар", "Kelbajar"):
        found = client.get("/places/settlements/", {"q": spelling})
        assert [s.name for s in found.context["page"]] == ["Kalbajar city"]
    khojaly = Area.objects.get(code=places.khojaly.code)
    assert khojaly.search_key == f"{khojaly.code.lower()} kocali"
