"""The household API names the programme a household is enrolled in, read only, and keeps
the rest of its answer as it was (docs/data-formats.md)."""

from __future__ import annotations

from homecoming.programmes.models import Programme

FIELDS = {
    "id",
    "reference",
    "origin_settlement",
    "origin_address",
    "displaced_on",
    "accommodation",
    "status",
    "registered_on",
    "is_synthetic",
    "size",
}


def test_the_household_api_names_the_programme_read_only(
    places, make_household, kalbajar_officer, api_for, client_for
):
    concept = Programme.objects.create(
        code="concept", name="Concept of Return", kind=Programme.Kind.REPATRIATION
    )
    made = make_household(places.zar)
    made.programme = concept
    made.save(update_fields=["programme"])
    api = api_for(kalbajar_officer)
    listed = api.get("/api/registry/households/").json()["results"]
    detail = api.get(f"/api/registry/households/{made.pk}/").json()
    programme = {"id": concept.pk, "code": "concept", "name": "Concept of Return"}
    assert [h["programme"] for h in listed] == [programme]
    assert set(listed[0]) == FIELDS | {"programme"}
    assert detail["programme"] == programme
    assert set(detail) == FIELDS | {"programme", "members"}

    schema = (
        client_for(kalbajar_officer)
        .get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()
    )
    output = schema["components"]["schemas"]["HouseholdOutput"]
    assert output["properties"]["programme"]["allOf"][0]["$ref"].endswith("ProgrammeOfHousehold")
    assert output["properties"]["programme"]["readOnly"] is True
    assert set(schema["components"]["schemas"]["ProgrammeOfHousehold"]["properties"]) == {
        "id",
        "code",
        "name",
    }
