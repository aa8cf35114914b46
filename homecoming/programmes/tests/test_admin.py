"""An administrator assigns programmes to a user on the user's page in the admin site,
beside the districts, and the user's scope follows at once (docs/operations.md)."""

from __future__ import annotations

import pytest

from homecoming.accounts.tests.test_disable import change_form_data
from homecoming.programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_an_administrator_assigns_programmes_to_a_user_and_the_scope_applies(
    places, make_household, admin, kalbajar_officer, client_for
):
    concept = Programme.objects.create(
        code="concept", name="Concept of Return", kind=Programme.Kind.REPATRIATION
    )
    great_return = make_household(places.zar)
    cross_border = make_household(places.zar)
    cross_border.programme = concept
    cross_border.save(update_fields=["programme"])
    officer = client_for(kalbajar_officer)
    assert officer.get(f"/registry/households/{great_return.pk}/").status_code == 200

    admin_client = client_for(admin)
    url = f"/admin/accounts/user/{kalbajar_officer.pk}/change/"
    form = admin_client.get(url)
    assert 'name="programmes"' in form.content.decode()
    data = change_form_data(form) | {"programmes": [str(concept.pk)]}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(kalbajar_officer.programmes.all()) == [concept]
    added = concept.history.first()
    assert (added.history_user, list(added.users.values_list("user", flat=True))) == (
        admin,
        [kalbajar_officer.pk],
    )

    listed = officer.get("/registry/households/").content.decode()
    assert cross_border.reference in listed
    assert great_return.reference not in listed
    assert officer.get(f"/registry/households/{great_return.pk}/").status_code == 404
    assert officer.get(f"/registry/households/{cross_border.pk}/").status_code == 200
    assert officer.get(f"/api/registry/households/{great_return.pk}/").status_code == 404

    # Taken off every programme: the user works on every programme again.
    form = admin_client.get(url)
    assert f'value="{concept.pk}" selected' in form.content.decode()
    data = change_form_data(form) | {"programmes": []}
    assert admin_client.post(url, data).status_code == 302
    assert not kalbajar_officer.programmes.exists()
    assert officer.get(f"/registry/households/{great_return.pk}/").status_code == 200
