from __future__ import annotations

import pytest
from django.db import transaction

from homecoming.accounts.models import User
from homecoming.core.locking import locked


@pytest.mark.django_db
def test_it_reads_the_row_as_it_is_now_not_as_the_caller_loaded_it():
    user = User.objects.create(username="clerk")
    stale = User.objects.get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(first_name="Aynur")
    with transaction.atomic():
        assert locked(stale).first_name == "Aynur"


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    user = User.objects.create(username="clerk")
    with pytest.raises(RuntimeError, match="needs a transaction"):
        locked(user)
