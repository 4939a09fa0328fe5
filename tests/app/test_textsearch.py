"""Commune search ignores case, accents and the spelling variants of Arabic and of Moroccan
names in Latin letters."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.textsearch import latin_key, normalise, search_places, search_units
from geo import maps


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("Fès-Médina") == "fes medina"
    assert normalise("  AÏN  CHOCK ") == "ain chock"
    assert normalise("Béni Mellal") == normalise("beni-mellal")


def test_normalise_folds_arabic_variants() -> None:
    assert normalise("الدَّار البَيْضَاء") == normalise("الدار البيضاء")  # vowel marks
    assert normalise("أكادير") == normalise("اكادير")  # hamza on alef
    assert normalise("مكناســة") == normalise("مكناسة")  # tatweel
    assert normalise("تازة") == normalise("تازه")  # ta marbuta


UNITS = pd.DataFrame(
    {
        "code": ["1", "2", "3", "4"],
        "name_fr": ["Tiznit", "Aglou", "Fès", "Fès-Médina"],
        "name_ar": ["تزنيت", "أكلو", "فاس", "فاس المدينة"],
        "population": [80_000, 20_000, 1_000_000, 70_000],
    }
)


def test_search_matches_french_or_arabic_and_ranks_exact_first() -> None:
    assert search_units(UNITS, "TIZNIT")["code"].tolist() == ["1"]
    assert search_units(UNITS, "تزنيت")["code"].tolist() == ["1"]
    assert search_units(UNITS, "fes")["code"].tolist() == ["3", "4"]
    assert search_units(UNITS, "medina")["code"].tolist() == ["4"]
    assert search_units(UNITS, "اكلو")["code"].tolist() == ["2"]


def test_search_with_nothing_to_find_is_empty() -> None:
    assert search_units(UNITS, "").empty
    assert search_units(UNITS, "   ").empty
    assert search_units(UNITS, "casablanca").empty


def test_an_arabic_name_is_found_whichever_long_vowels_it_is_spelled_with() -> None:
    units = pd.DataFrame(
        {
            "code": ["1", "2", "3"],
            "name_fr": ["Tiznit", "Tazarine", "Fès"],
            "name_ar": ["تيزنيت", "تازارين", "فاس"],
            "population": [80_000, 30_000, 1_000_000],
        }
    )
    # the database writes « تيزنيت », people also write « تزنيت »
    assert search_units(units, "تزنيت")["code"].tolist() == ["1"]
    assert search_units(units, "تيزنيت")["code"].tolist() == ["1"]
    # an exact spelling ranks before a long-vowel variant
    both = pd.concat([units, units.iloc[[0]].assign(code="4", name_ar="تزنيت")])
    assert search_units(both, "تزنيت")["code"].tolist() == ["4", "1"]


NAMES = pd.DataFrame(
    [
        ("Béni Mellal", "بني ملال", 575_000),
        ("Beni Malek", "بني مالك", 20_000),
        ("Bni Ansar", "بني انصار", 60_000),
        ("Imlil", "امليل", 5_000),
        ("Ksar El Kebir", "القصر الكبير", 126_000),
        ("Ksar Sghir", "القصر الصغير", 13_000),
        ("Oued Ed-Dahab", "وادي الذهب", 150_000),
        ("Sidi Kacem", "سيدي قاسم", 75_000),
        ("Zaouiat Sidi Kacem", "زاوية سيدي قاسم", 8_000),
        ("Mohammadia", "المحمدية", 220_000),
        ("Sidi Mohamed Lahmar", "سيدي محمد لحمر", 30_000),
        ("Souk El Arbaa", "سوق الأربعاء", 52_000),
        ("Ouarzazate", "ورزازات", 71_000),
        ("Youssoufia", "اليوسفية", 80_000),
        ("Safi", "آسفي", 320_000),
        ("Tiznit", "تيزنيت", 80_000),
        ("Taouzint", "تاوزينت", 9_000),
    ],
    columns=["name_fr", "name_ar", "population"],
)


def _found(query: str) -> list[str]:
    return search_units(NAMES, query)["name_fr"].tolist()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("bni mellal", "Béni Mellal"),  # bni / beni / beny
        ("beny melal", "Béni Mellal"),  # and a doubled letter written single
        ("beni ansar", "Bni Ansar"),
        ("ksar lkbir", "Ksar El Kebir"),  # the article attached, the « e » dropped
        ("ksar el kbir", "Ksar El Kebir"),
        ("ksar kebir", "Ksar El Kebir"),  # the article left out
        ("Oued Eddahab", "Oued Ed-Dahab"),  # the article attached to its word
        ("souk larbaa", "Souk El Arbaa"),
        ("sidi qassem", "Sidi Kacem"),  # q / k, c / s
        ("mohammedia", "Mohammadia"),
        ("warzazat", "Ouarzazate"),  # ou / w, a French mute « e »
    ],
)
def test_a_moroccan_name_is_found_however_it_is_transliterated(query: str, name: str) -> None:
    # « bni mellal », « ksar lkbir » and « Oued Eddahab » found nothing
    assert _found(query)[0] == name


def test_the_spellings_of_one_name_share_their_latin_key() -> None:
    key = latin_key(normalise("Ksar El Kebir"))
    assert key == latin_key(normalise("ksar lkbir")) == latin_key(normalise("Ksar Elkbir"))
    key = latin_key(normalise("Béni Mellal"))
    assert key == latin_key(normalise("bni mellal")) == latin_key(normalise("Beny Melal"))
    assert latin_key(normalise("Oued Ed-Dahab")) == latin_key(normalise("Oued Eddahab"))
    assert latin_key(normalise("Imlil")) != latin_key(normalise("Mellal"))  # a vowel first
    assert latin_key(normalise("Beni")) == latin_key(normalise("Beny")) == "bn'i"


def test_names_with_the_consonants_of_another_in_other_places_have_other_keys() -> None:
    # a last vowel of another kind: « Témara » and « Tamri », « Saada » and « Sidi »
    assert latin_key(normalise("Témara")) != latin_key(normalise("Tamri"))
    assert latin_key(normalise("Saada")) != latin_key(normalise("sidi"))
    assert latin_key(normalise("Zagora")) == latin_key(normalise("Zagoura"))
    # two words that meet on one letter keep it twice when neither is an article
    assert latin_key(normalise("Ait Tamlil")) != latin_key(normalise("Ait Melloul"))
    units = pd.DataFrame(
        [("Témara", "", 295_000), ("Tamri", "", 20_000), ("Ait Tamlil", "", 18_000)],
        columns=["name_fr", "name_ar", "population"],
    )
    assert search_units(units, "temara")["name_fr"].tolist() == ["Témara"]  # Tamri was found
    assert search_units(units, "ait melloul").empty  # Ait Tamlil was found


def test_a_transliteration_finds_no_name_that_only_sounds_a_little_alike() -> None:
    assert _found("bni mellal") == ["Béni Mellal"]  # not Beni Malek
    assert _found("mellal") == ["Béni Mellal"]  # not Imlil
    assert _found("mohammedia") == ["Mohammadia"]  # not Sidi Mohamed Lahmar
    assert _found("youssoufia") == ["Youssoufia"]  # not Safi
    assert _found("tiznit") == ["Tiznit"]  # « aou » is « aw »: not Taouzint
    assert _found("ksar lkbir") == ["Ksar El Kebir"]  # not Ksar Sghir
    # a word of a longer name, from four consonants on
    assert _found("sidi qassem") == ["Sidi Kacem", "Zaouiat Sidi Kacem"]
    # a short query finds only what it spells: every « Beni … » is not a « bni »
    assert _found("bni") == ["Bni Ansar"]
    assert _found("beni") == ["Béni Mellal", "Beni Malek"]


def test_the_name_as_written_ranks_before_its_variants() -> None:
    units = NAMES.assign(population=1)
    both = pd.concat([units, pd.DataFrame([("Beni Mellal Ville", "", 1)], columns=units.columns)])
    found = search_units(both, "beni mellal")["name_fr"].tolist()
    assert found == ["Béni Mellal", "Beni Mellal Ville"]  # exact, then starting with it
    ksar = pd.DataFrame([("Ksar Lkbir", "", 1), ("Ksar El Kebir", "", 1)], columns=units.columns)
    assert search_units(ksar, "ksar lkbir")["name_fr"].tolist() == ["Ksar Lkbir", "Ksar El Kebir"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("bni mellal", "Béni Mellal"),
        ("ksar lkbir", "Ksar El Kebir"),
        ("beni ansar", "Bni Ansar"),
        ("souk larbaa", "Souk El Arbaa"),
        ("el hoceima", "Al Hoceima"),
        ("eljadida", "El Jadida"),
        ("warzazat", "Ouarzazate"),
        ("smara", "Es-Semara"),
        ("djerada", "Jerada"),
        ("fes", "Fès"),
        ("tiznit", "Tiznit"),
        ("casablanca", "Casablanca"),
        ("طنجه", "Tanger"),
        ("الدار البيضاء", "Casablanca"),
        ("تزنيت", "Tiznit"),
    ],
)
def test_the_communes_of_the_database_are_found_by_their_usual_spellings(
    engine: Engine, query: str, name: str
) -> None:
    with engine.connect() as c:
        communes = pd.read_sql(sa.text("SELECT name_fr, name_ar, population FROM communes"), c)
    found = search_units(communes, query)
    assert found["name_fr"].tolist()[:1] == [name], found.head()
    assert len(found) <= 3, found  # a transliteration is not a flood


@pytest.mark.parametrize(
    ("query", "level", "name"),
    [
        # a province's name that no commune has (it found nothing)
        ("Oued Eddahab", "provinces", "Oued Ed-Dahab"),
        ("Souss-Massa", "regions", "Souss-Massa"),
        ("souss massa", "regions", "Souss-Massa"),
        ("الحسيمة", "provinces", "Al Hoceïma"),
        ("Tiznit", "provinces", "Tiznit"),
    ],
)
def test_provinces_and_regions_are_found_with_the_communes(
    engine: Engine, query: str, level: str, name: str
) -> None:
    with engine.connect() as c:
        units = {kind: maps.units(c, kind) for kind in ("regions", "provinces", "communes")}
    found = search_places(units, query)
    first = found.iloc[0]
    assert (first["level"], normalise(first["name_fr"])) == (level, normalise(name)), found.head()


def test_equal_matches_list_the_region_then_the_province_then_the_commune() -> None:
    def frame(*rows: tuple[str, str, int]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["code", "name_fr", "population"]).assign(name_ar="")

    units = {
        "communes": frame(("c1", "Tanger", 900_000), ("c2", "Tanger Nord", 10)),
        "provinces": frame(("p1", "Tanger", 1_000_000)),
        "regions": frame(("r1", "Tanger-Tetouan", 4_000_000)),
    }
    found = search_places(units, "tanger")
    assert found[["level", "code"]].values.tolist() == [
        ["provinces", "p1"],
        ["communes", "c1"],
        ["regions", "r1"],
        ["communes", "c2"],
    ]
    assert search_places(units, " ").empty
    assert search_places(units, "zzzz").empty
