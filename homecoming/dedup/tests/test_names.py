"""Cross-script name keys: the spellings of one name meet, different names stay apart."""

from __future__ import annotations

import doctest
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecoming.dedup import dates, link, names
from homecoming.dedup.names import NameKey, name_key, patronymic_key, spelling_key, surname_key
from homecoming.dedup.tests import synthetic

# Each row: spellings of one family name (Azerbaijani Latin, ASCII, English, Russian,
# Soviet Azerbaijani Cyrillic), and the key they must all give.
SURNAMES = [
    ("mamad", ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "Memmedov", "Мәммәдов", "MƏMMƏDOV"]),
    ("ali", ["Əliyev", "Aliyev", "Aliev", "Алиев", "Eliyev", "Әлијев"]),
    ("kusin", ["Hüseynov", "Huseynov", "Guseynov", "Гусейнов", "Һүсејнов", "Huseinov"]),
    ("kuli", ["Quliyev", "Guliyev", "Кулиев", "Guliev", "Гулијев", "Kuliyev"]),
    ("cafar", ["Cəfərov", "Jafarov", "Dzhafarov", "Джафаров", "Djafarov", "Ceferov", "Ҹәфәров"]),
    ("kalil", ["Xəlilov", "Khalilov", "Халилов", "Xelilov", "Хәлилов"]),
    ("sukur", ["Şükürov", "Shukurov", "Шукюров", "Sukurov", "Shukyurov", "Шүкүров"]),
    ("baba", ["Babayev", "Babaev", "Бабаев", "Бабајев"]),
    ("rza", ["Rzayev", "Rzaev", "Рзаев"]),
    ("taki", ["Tağıyev", "Tagiyev", "Taghiyev", "Тагиев", "Тагыев"]),
    ("kasan", ["Həsənov", "Hasanov", "Gasanov", "Гасанов", "Һәсәнов"]),
    ("kasim", ["Qasımov", "Gasimov", "Kasimov", "Касимов", "Гасымов"]),
    ("ismil", ["İsmayılov", "Ismayilov", "Ismailov", "Исмаилов", "Исмајылов"]),
]

GIVEN_NAMES = [
    ["Elvin", "Эльвин", "Элвин", "Елвин"],
    ["Rəşad", "Rashad", "Рашад", "Resad"],
    ["Aygün", "Aygun", "Айгюн", "Ајҝүн"],
    ["Xədicə", "Khadija", "Хадиджа", "Xedice", "Hadica"],
    ["Gülnar", "Gulnar", "Гюльнар", "Gyulnar", "Ҝүлнар"],
    ["Səbinə", "Sabina", "Сабина", "Sebine"],
    ["Nərgiz", "Nargiz", "Наргиз", "Nergiz"],
    ["Rövşən", "Rovshan", "Ровшан", "Rovsen"],
    ["Hüseyn", "Huseyn", "Hussein", "Гусейн"],
    ["Məryəm", "Maryam", "Mariam", "Марьям"],
    ["Ceyhun", "Jeyhun", "Джейхун", "Джейгун"],
    ["Yusif", "Юсиф", "Јусиф"],
]

PATRONYMICS = [
    (NameKey("rovsan", "male"), ["Rövşən oğlu", "Rovshan ogly", "Ровшан оглы", "Rovsen oglu",
                                 "Rövşənoviç", "Ровшанович", "Rovshanovich", "Ровшан-оглы"]),
    (NameKey("cavid", "female"), ["Cavid qızı", "Javid kyzy", "Джавид кызы", "Cavid qizi",
                                  "Ҹавид гызы", "Cavidovna", "Джавидовна"]),
    (NameKey("ali", "male"), ["Əli oğlu", "Ali ogly", "Али оглы", "Алиевич", "Əliyeviç"]),
    (NameKey("ali", "female"), ["Əli qızı", "Алиевна", "Ali kyzy"]),
]  # fmt: skip

# Names that are different names, not spellings of one: their keys must differ.
APART = [
    ("Əli", "Elnur"),
    ("Həsən", "Hüseyn"),
    ("Səbinə", "Sabira"),
    ("Rəşad", "Rəşid"),
    ("Aynur", "Aygün"),
    ("Nigar", "Nərgiz"),
    ("Cavid", "Cavad"),
    ("Elçin", "Elşən"),
]


@pytest.mark.parametrize(("key", "spellings"), SURNAMES, ids=[key for key, _ in SURNAMES])
def test_spellings_of_a_surname_share_a_key(key, spellings):
    assert {spelling: surname_key(spelling).key for spelling in spellings} == dict.fromkeys(
        spellings, key
    )


@pytest.mark.parametrize("spellings", GIVEN_NAMES, ids=[row[0] for row in GIVEN_NAMES])
def test_spellings_of_a_given_name_share_a_key(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(("expected", "spellings"), PATRONYMICS, ids=str)
def test_patronymics_give_the_fathers_key_and_the_sex(expected, spellings):
    assert {spelling: patronymic_key(spelling) for spelling in spellings} == dict.fromkeys(
        spellings, expected
    )


def test_the_patronymic_meets_the_fathers_own_given_name():
    assert patronymic_key("Ровшанович").key == name_key("Rövşən")


def test_mammadov_and_mamedova_share_a_key_and_differ_in_sex():
    assert surname_key("Mammadov") == NameKey("mamad", "male")
    assert surname_key("Мамедова") == NameKey("mamad", "female")
    assert surname_key("Məmmədova") == NameKey("mamad", "female")


def test_endings_that_carry_no_sex_are_kept():
    assert surname_key("Əlizadə") == NameKey("alizada", "")
    assert surname_key("Ализаде") == NameKey("alizada", "")
    assert surname_key("Qarabağlı") == NameKey("karabakli", "")


def test_a_two_letter_stem_keeps_its_ending():
    # "Ov" alone is not a stem with an ending.
    assert surname_key("Ov") == NameKey("ov", "")


def test_a_patronymic_without_a_form_has_no_sex():
    assert patronymic_key("Rövşən") == NameKey("rovsan", "")


@pytest.mark.parametrize(("one", "other"), APART)
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def test_mammadov_and_mahammadov_stay_apart():
    # Two surnames in the civil registry, though Məmməd is a short form of Məhəmməd.
    assert surname_key("Məmmədov").key != surname_key("Məhəmmədov").key


@pytest.mark.parametrize(
    "spelling",
    [
        "Məm\u200bmədov",  # zero-width space
        "Мам\u00adедов",  # soft hyphen
        "Mammadov\u0007",  # bell
        "\u200fMamedov\u200e",  # bidi marks
        "Мамeдов",  # Latin e inside Cyrillic
        "Mамедов",  # Latin M before Cyrillic
        "  MAMMADOV ",
    ],
)
def test_invisible_characters_and_mixed_scripts_do_not_break_a_key(spelling):
    assert surname_key(spelling) == NameKey("mamad", "male")


def test_the_spelling_key_keeps_the_script():
    assert spelling_key(" Məm\u200bmədov ") == "məmmədov"
    assert spelling_key("Мамедов") != spelling_key("Mamedov")


def test_empty_names_give_empty_keys():
    assert (name_key(""), surname_key(""), patronymic_key("")) == ("", NameKey(""), NameKey(""))


@given(st.text())
def test_any_text_gives_a_key_of_lower_case_ascii_words(text):
    for key in (name_key(text), surname_key(text).key, patronymic_key(text).key):
        assert re.fullmatch(r"([a-z]+( [a-z]+)*)?", key), key


@pytest.mark.parametrize("module", [names, dates, link, synthetic])
def test_the_examples_in_the_docstrings_hold(module):
    assert doctest.testmod(module).failed == 0
