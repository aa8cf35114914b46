from __future__ import annotations

from decimal import Decimal

import pytest

from homecoming.core.templatetags.homecoming import figure


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("22.5000"), "22.5"),
        (Decimal("2350000000.0000"), "2,350,000,000"),
        (Decimal("3054"), "3,054"),
        (5, "5"),
        (None, ""),
    ],
)
def test_figures_are_grouped_without_trailing_zeros(value, shown):
    assert figure(value) == shown
