"""The Overview of a database whose centres are all still to open (a municipality that has
imported its planned and under-construction centres only), in Streamlit's AppTest against a
scratch database holding the national geography: why there is no coverage figure is said in
the page's language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME

_PLANNED_ONLY = """
INSERT INTO centres (external_id, name, centre_type, capacity, status, geom, source)
VALUES ('test-planned-oujda', 'Centre prévu Oujda', 'COAPH', 50, 'planned',
        ST_SetSRID(ST_MakePoint(-1.9085, 34.6814), 4326), 'Délégation Oriental'),
       ('test-building-taza', 'Centre Taza', 'CAS', NULL, 'under_construction',
        ST_SetSRID(ST_MakePoint(-4.0103, 34.2133), 4326), 'Délégation Oriental')
"""


def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


SAID = {
    "fr": "aucun centre avec le statut « en activité » (la couche compte 2 centres)",
    "ar": "لا يوجد أي مركز بالوضعية « في طور الاشتغال »",
    "en": "no centre with status operating (the layer has 2 centres)",
}


def test_no_operating_centre_is_said_in_the_pages_language(
    scratch_geography: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the French and Arabic Overviews read "no centre with status operating (the layer has
    # 2 centres)" under the national figures, in English
    with scratch_geography.begin() as c:
        c.execute(sa.text(_PLANNED_ONLY))
    try:
        for lang, said in SAID.items():
            monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
            _fresh_caches()
            at = AppTest.from_file(HOME, default_timeout=180).run()
            assert not at.exception, at.exception
            infos = [i.value for i in at.info]
            assert any(said in i for i in infos), (lang, infos)
            if lang != "en":
                assert not any("no centre" in i for i in infos), (lang, infos)
    finally:
        _fresh_caches()
