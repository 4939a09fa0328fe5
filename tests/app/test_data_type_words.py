"""The Data page words the centre type "other" in a rejected row's reason and in the
expected columns, as it shows it elsewhere (« Autre », « أخرى »): the French and Arabic
pages listed « valeurs possibles : COAPH, CAS, CAPE, EMF, CJPA, EPS, other ». AppTest
against the real database; nothing is written (the file is checked only)."""

from __future__ import annotations

import pytest

from tests.app.support import opened_in

CENTRES = "nom;type;statut;lon;lat\nCentre test Oujda;foyer;en activité;-1,9085;34,6814\n"
REASON = {"fr": "Raison", "ar": "السبب", "en": "Reason"}


def _read(text: str) -> str:
    """``text`` without Unicode's first-strong isolates and their ends."""
    return text.replace("\u2068", "").replace("\u2069", "")


TYPES = {
    "fr": "COAPH, CAS, CAPE, EMF, CJPA, EPS, Autre (other)",
    "ar": "COAPH، CAS، CAPE، EMF، CJPA، EPS، أخرى (other)",
    "en": "COAPH, CAS, CAPE, EMF, CJPA, EPS, other",
}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_type_other_is_worded_as_the_page_shows_it(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, "views/4_Data.py")
    at.selectbox(key="imp_layer").set_value("centres").run()
    upload = ("centres.csv", CENTRES.encode(), "text/csv")
    at.file_uploader(key="upload").set_value(upload).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    (table,) = [x.value for x in at.table if REASON[lang] in x.value.columns]
    # the words as they read (the isolates that keep Latin codes in their order on the
    # Arabic page aside: tests/e2e/test_data_bidi_e2e.py)
    (reason,) = [_read(str(r)) for r in table[REASON[lang]]]
    assert "foyer" in reason
    assert TYPES[lang] in reason, reason
    # the expected columns too: the values of centre_type
    shown = " ".join(str(v) for x in at.dataframe for v in x.value.to_numpy().ravel())
    shown += " ".join(str(v) for x in at.table for v in x.value.to_numpy().ravel())
    assert TYPES[lang] in _read(shown), shown[:2000]
