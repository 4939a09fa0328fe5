"""The Prioritise page's comparison of two scenarios when a scenario is shown, through
AppTest against the real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from geo import db
from tests.app.support import opened
from walouja.services.prioritise import list_scenarios
from walouja.settings import Settings

PAGE = "views/5_Prioritise_centres.py"


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "fr")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _opened(**address: str) -> AppTest:
    return opened(PAGE, address, timeout=240)


def test_a_link_to_the_second_newest_scenario_compares_it_with_another(
    settings: Settings, engine: Engine
) -> None:
    # a link to the second newest scenario (or a request answered again by it) put it in
    # both comparison boxes: B follows the scenario shown, and A started on the second
    # newest; the page said "Choisissez deux scénarios différents" and compared nothing
    for new in ("3", "4"):  # at least two stored scenarios
        at = _opened(p_new=new)
        at.button(key="p_run").click().run()
        assert not at.exception, at.exception
    with db.connect(settings) as conn:
        ids = [int(s["id"]) for s in list_scenarios(conn)]
    at = _opened(scenario=str(ids[1]))
    a, b = at.selectbox(key="p_cmp_a").value, at.selectbox(key="p_cmp_b").value
    assert b == ids[1]  # the scenario shown
    assert a == ids[0]  # the newest of the others
    same = translate("prioritise.compare_same", "fr")
    assert same not in [c.value for c in at.caption]
    assert any("Élément" in t.value.columns for t in at.table)  # the two side by side
