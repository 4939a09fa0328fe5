"""The values a field takes, as the Data page words them in a rejected row's reason and in
the expected columns: a status, a mode or a stage in the page's language (the words the
importer reads, as the app's tables write them), through AppTest against the real
database. Nothing is written: the file is checked only."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import opened_in

CENTRES = "nom;type;statut;lon;lat\nCentre test Oujda;CAS;suspendu;-1,9085;34,6814\n"
STOPS = "nom;mode;lon;lat\nArrêt test Tanger;navette;-5,8120;35,7790\n"

STATUSES = {
    "fr": "en activité, en construction, programmé, fermé",
    "ar": "في طور الاشتغال، في طور البناء، مبرمج، مغلق",
}
REASON = {"fr": "Raison", "ar": "السبب", "en": "Reason"}


def _checked(lang: str, layer: str, text: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = opened_in(monkeypatch, lang, "views/4_Data.py")
    at.selectbox(key="imp_layer").set_value(layer).run()
    at.file_uploader(key="upload").set_value((f"{layer}.csv", text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    return at


def _reasons(at: AppTest, lang: str) -> list[str]:
    (table,) = [x.value for x in at.table if REASON[lang] in x.value.columns]
    return [str(r) for r in table[REASON[lang]]]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_unknown_status_is_answered_with_the_words_the_page_reads(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # "valeur inconnue « suspendu » (valeurs possibles : operating, under_construction,
    # planned, closed)": the page's own words (« programmé ») were not among them
    at = _checked(lang, "centres", CENTRES, monkeypatch)
    (reason,) = _reasons(at, lang)
    assert "suspendu" in reason
    assert STATUSES[lang] in reason, reason
    assert "under_construction" not in reason


def test_an_unknown_mode_is_answered_with_the_words_the_page_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _checked("fr", "transport_stops", STOPS, monkeypatch)
    (reason,) = _reasons(at, "fr")
    assert "navette" in reason
    assert "Bus à haut niveau de service" in reason, reason
    assert "brt" not in reason.split(), reason


def test_the_english_page_keeps_the_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    at = _checked("en", "centres", CENTRES, monkeypatch)
    (reason,) = _reasons(at, "en")
    assert "operating, under_construction, planned, closed" in reason, reason


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_expected_columns_give_a_status_in_the_pages_words_and_its_code(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, "views/4_Data.py")
    table = at.table[0].value
    status = next(v for v in table.iloc[:, 2] if "under_construction" in str(v))
    label = STATUSES[lang].split("، " if lang == "ar" else ", ")[1]
    assert f"{label} (under_construction)" in status, status
