"""The Coverage page's gaps tab shows the action plan's three gaps, as `walouja gaps` does:
provinces without a COAPH, regions below the national rate of places, and the Accessible
Cities programme by stage and region. Only the first showed; the figures here are checked
against the analysis functions on the test database's own tables."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from analysis.gaps import STAGES, accessible_cities_by_stage, places_rate_by_region
from app.components.figures import number
from app.i18n import translate
from geo.gaps import load_gap_inputs
from tests.app.support import HOME
from walouja.settings import Settings

PAGE = "views/3_Coverage_and_equity.py"


def _table(at: AppTest, heading: str) -> pd.DataFrame:
    (frame,) = [d.value for d in at.dataframe if heading in d.value.columns]
    assert isinstance(frame, pd.DataFrame)
    return frame


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_gaps_tab_shows_regions_below_the_national_rate_and_accessible_cities(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    with engine.connect() as conn:
        got = load_gap_inputs(conn)
        demo = conn.execute(sa.text("SELECT count(*) FROM centres WHERE is_demo")).scalar_one()
    rate = places_rate_by_region(got.regions, got.centres)
    cities = accessible_cities_by_stage(got.regions, got.cities)
    assert rate.regions["centres"].any(), "no operating centre in the test database"
    assert cities["communes"].sum() > 0, "no accessible city in the test database"
    names = got.regions.set_index("code")["name_ar" if lang == "ar" else "name_fr"]

    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    at = AppTest.from_file(HOME, default_timeout=180)
    at.query_params["tab"] = "gaps"
    at.run()
    at.switch_page(PAGE).run()
    try:
        assert not at.exception, at.exception
        subheadings = [s.value for s in at.subheader]
        assert translate("equity.gaps_places_title", lang) in subheadings
        assert translate("equity.gaps_cities_title", lang) in subheadings
        captions = [c.value for c in at.caption]
        national = number(rate.national_per_10k, decimals=1, lang=lang)
        assert translate("equity.gaps_places_national", lang, rate=national) in captions

        # (a) the regions below the national rate, lowest rate first, and their figures
        below = rate.regions.loc[rate.regions["below_national"]].reset_index(drop=True)
        assert len(below) > 0
        metrics = {m.label: m.value for m in at.metric}
        assert metrics[translate("equity.gaps_places_below", lang)] == (
            f"{len(below)} / {len(rate.regions)}"
        )
        shown = _table(at, translate("equity.gaps_places_short", lang))
        code, name = translate("field.code", lang), translate("field.name", lang)
        assert list(shown[code]) == list(below["code"])
        assert list(shown[name]) == [names[c] for c in below["code"]]
        per_10k = translate("equity.col.places_per_10k", lang)
        for column, expected in (
            (per_10k, below["places_per_10k"]),
            (translate("equity.gaps_places_short", lang), below["places_to_national"]),
            (translate("field.places", lang), below["places"]),
            (translate("field.centres", lang), below["centres"]),
        ):
            assert [float(v) for v in shown[column]] == pytest.approx(list(expected))
        assert all(float(v) < rate.national_per_10k for v in shown[per_10k])

        # (b) the Accessible Cities programme: every region, each stage counted
        shown = _table(at, translate("stage.works_under_way", lang))
        assert list(shown[code]) == list(cities["code"])
        assert list(shown[name]) == [names[c] for c in cities["code"]]
        for stage in STAGES:
            assert [int(v) for v in shown[translate(f"stage.{stage}", lang)]] == list(cities[stage])
        communes = translate("equity.gaps_cities_communes", lang)
        assert [int(v) for v in shown[communes]] == list(cities["communes"])
        pwd = translate("equity.col.pwd", lang)
        assert [float(v) for v in shown[pwd]] == pytest.approx(list(cities["pwd"]))
        assert metrics[translate("equity.gaps_cities_total", lang)] == number(
            int(cities["communes"].sum()), lang=lang
        )

        # the places count demonstration centres: said under their table
        mark = translate("equity.gaps_places_demo", lang)
        assert any(mark in c for c in captions) == bool(demo)
    finally:
        st.cache_data.clear()
