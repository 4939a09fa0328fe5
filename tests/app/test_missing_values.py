"""A value that is not known reads "—" in every table of the app, not Streamlit's grey
English "None" (a p-median's distance before the new centres when no centre of the type
exists, a capacity nobody gave...)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.components.tables import MISSING
from tests.app.support import HOME, lacking_keyword, widget_calls


def test_every_grid_in_the_app_says_what_a_missing_value_reads() -> None:
    calls = list(widget_calls("dataframe"))
    assert len(calls) >= 9, calls  # the walk found the app's tables
    lacking = lacking_keyword(calls, "placeholder")
    assert not lacking, f"st.dataframe without placeholder=: {lacking}"


@pytest.mark.parametrize("page", ["1_Overview", "3_Coverage_and_equity", "4_Data"])
def test_the_pages_grids_show_a_dash_for_a_missing_value(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM communes")).scalar_one() > 1000
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "ar")
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    assert len(at.dataframe) >= 1
    assert {grid.proto.placeholder for grid in at.dataframe} == {MISSING}
