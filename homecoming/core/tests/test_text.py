from __future__ import annotations

import pytest

from homecoming.core.text import clean, fold, invisible_characters


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kəlbəcər", "kelbecer"),
        ("KƏLBƏCƏR", "kelbecer"),
        ("Qızılhacılı", "qizilhacili"),
        ("İstisu", "istisu"),
        ("Ağdərə", "agdere"),
        ("Füzuli", "fuzuli"),
        ("Keşdək", "kesdek"),
    ],
)
def test_fold_makes_azerbaijani_names_searchable_in_ascii(name, key):
    assert fold(name) == key


def test_clean_drops_zero_width_and_bidi_characters_but_keeps_the_script():
    assert clean("Mə\u200bmmədov\u202e ") == "Məmmədov"
    assert clean("Мамедов") == "Мамедов"


def test_invisible_characters_are_named_by_code_point():
    assert invisible_characters("Zar\u200b\u0007") == ["U+200B", "U+0007"]
    assert invisible_characters("Zar") == []
