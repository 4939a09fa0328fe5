"""Commune search ignores case, accents and Arabic spelling variants."""

from __future__ import annotations

import pandas as pd

from app.textsearch import normalise, search_units


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
