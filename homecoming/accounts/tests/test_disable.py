"""Disabling an account ends its sessions at once, and they stay ended."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.forms import MultiWidget

from homecoming.accounts.models import User

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/registry/households/"


def change_form_data(response) -> dict:
    """What the admin's change form posts back when nothing is touched."""
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        if isinstance(field.field.widget, MultiWidget):
            for index, part in enumerate(field.field.widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def test_unticking_active_in_the_admin_ends_the_users_sessions(
    client_for, admin, kalbajar_officer, make_user
):
    officer = client_for(kalbajar_officer)
    other = client_for(make_user("other", "viewer"))
    assert officer.get(HOUSEHOLDS).status_code == 200
    admin_client = client_for(admin)
    url = f"/admin/accounts/user/{kalbajar_officer.pk}/change/"
    data = change_form_data(admin_client.get(url))
    del data["is_active"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Session.objects.count() == 2  # the administrator's and the other user's
    kalbajar_officer.refresh_from_db()
    kalbajar_officer.is_active = True  # enabled again: the old session does not come back
    kalbajar_officer.save()
    assert officer.get(HOUSEHOLDS).status_code == 302
    assert other.get("/").status_code == 200
    last = User.history.filter(id=kalbajar_officer.pk, is_active=False).get()
    assert last.history_user == admin


def test_the_admin_action_disables_and_signs_out(client_for, admin, kalbajar_officer):
    officer = client_for(kalbajar_officer)
    response = client_for(admin).post(
        "/admin/accounts/user/",
        {"action": "disable", "_selected_action": [kalbajar_officer.pk]},
        follow=True,
    )
    assert "1 account disabled, 1 session ended." in response.content.decode()
    kalbajar_officer.refresh_from_db()
    assert not kalbajar_officer.is_active
    assert officer.get(HOUSEHOLDS).status_code == 302
