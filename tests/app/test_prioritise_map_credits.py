"""The Prioritise page's map credits the imported sources of the existing centres it draws,
as the Map explorer does (a file shared under CC BY asks for its credit where its points are
shown), against the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import map_credits

PREFIX = "test-prio-credit-"
SOURCE = "recensement_coaph_oriental.xlsx"


@pytest.fixture
def imported_coaph(engine: Engine) -> Iterator[None]:
    """One operating COAPH imported from a CC BY file, with its source's entry."""
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO centres (external_id, name, centre_type, status, geom, source, "
                "is_demo) VALUES (:id, 'COAPH importé', 'COAPH', 'operating', "
                "ST_SetSRID(ST_MakePoint(-1.91, 34.68), 4326), :source, false)"
            ),
            {"id": f"{PREFIX}1", "source": SOURCE},
        )
        c.execute(
            sa.text(
                "INSERT INTO layer_sources (layer, title, source, licence, row_source) VALUES "
                "('centres', 'Centres', :source, 'CC BY 4.0', :source)"
            ),
            {"source": SOURCE},
        )
    st.cache_data.clear()
    try:
        yield
    finally:
        with engine.begin() as c:
            c.execute(
                sa.text("DELETE FROM centres WHERE external_id LIKE :p || '%'"), {"p": PREFIX}
            )
            c.execute(
                sa.text("DELETE FROM layer_history WHERE external_id LIKE :p || '%'"),
                {"p": PREFIX},
            )
            c.execute(
                sa.text("DELETE FROM layer_sources WHERE layer = 'centres' AND row_source = :s"),
                {"s": SOURCE},
            )
        st.cache_data.clear()


def _map_of_coaph() -> None:
    import streamlit as st

    from app import prioritise_view

    m = prioritise_view.build_map(
        {"model": "MCLP", "sites": [], "by_province": []},
        {"centre_type": st.session_state["centre_type"]},
        tiles="none",
    )
    st.session_state["html"] = m.get_root().render()


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", "Centres : "), ("ar", "المراكز: "), ("en", "Centres: ")]
)
def test_the_prioritise_map_credits_the_imported_sources_of_the_centres_it_draws(
    imported_coaph: None, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    # the map credited HCP (and OpenStreetMap) alone, whatever file the centres came from
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    at = AppTest.from_function(_map_of_coaph, default_timeout=120)
    at.session_state["centre_type"] = "COAPH"
    at.run()
    assert not at.exception, at.exception
    assert f"{words}{SOURCE} (CC BY 4.0)" in map_credits(str(at.session_state["html"]))
    # a type none of whose centres was imported from a file credits no source
    other = AppTest.from_function(_map_of_coaph, default_timeout=120)
    other.session_state["centre_type"] = "CAS"
    other.run()
    assert not other.exception, other.exception
    credits = map_credits(str(other.session_state["html"]))
    assert credits  # (the census credit)
    assert not any(SOURCE in c for c in credits)
