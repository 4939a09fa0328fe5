"""The Data page's export says when the layer it exports holds demonstration rows, as the
Map explorer says it of the layers it draws (AppTest against the real database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from app.i18n import translate
from tests.app.support import opened


def _demo_rows(engine: Engine, table: str) -> tuple[int, int]:
    with engine.connect() as c:
        row = c.execute(sa.text(f"SELECT count(*) FILTER (WHERE is_demo), count(*) FROM {table}"))
        demo, total = row.one()
    return int(demo), int(total)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_export_of_a_layer_of_demonstration_rows_says_so(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str
) -> None:
    # "488 lignes exportées" and a download of invented centres, with nothing on the page
    # saying so (the column is_demo in the file, the sidebar's box a screen away)
    demo, total = _demo_rows(engine, "centres")
    assert demo, "the test database has no demonstration centres: run `walouja load`"
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = opened("views/4_Data.py", {})
    at.selectbox(key="exp_layer").set_value("centres").run()
    layer = translate("layer.centres", lang)
    said = translate("demo.layer", lang, layer=layer, n=demo, total=total)
    assert [w.value for w in at.main.warning] == [said]
    demo_cities, _ = _demo_rows(engine, "accessible_cities")
    if not demo_cities:  # a layer without demonstration rows: nothing said
        at.selectbox(key="exp_layer").set_value("accessible_cities").run()
        assert [w.value for w in at.main.warning] == []
