from __future__ import annotations

import pytest

from homecoming.cli import main
from homecoming.registry.models import Household


@pytest.mark.django_db
def test_homecoming_command_accepts_hyphenated_command_names(capsys):
    main(["homecoming", "load-demo", "--households", "30", "--seed", "7"])
    out = capsys.readouterr().out
    assert "Synthetic households: 30 generated (seed 7)" in out
    assert "kalbajar        kalbajar-homecoming" in out
    assert Household.objects.filter(is_synthetic=True).count() == 30
