"""The Map explorer credits the imported sources of the points it draws (a file shared under
CC BY asks for its credit where its points are shown), in Streamlit's AppTest against the
test database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME, map_credits

PREFIX = "test-map-credit-"
SOURCES = {  # row source -> (attribution recorded for it, licence)
    "releve_saidia.xlsx": (None, "CC BY 4.0"),
    "Commune de Mehdia": ("Commune de Mehdia <service technique> & partenaires", "CC BY-SA 4.0"),
    "source-3.csv": (None, "Licence Ouverte 2.0"),
    "source-4.csv": (None, "CC BY 4.0"),
    "source-5.csv": (None, "CC BY 4.0"),
}
PLACES = [(-2.40, 35.10), (-6.68, 34.27), (-9.60, 30.40), (-8.50, 33.25), (-6.85, 34.05)]
POINTS = {"releve_saidia.xlsx": 3, "Commune de Mehdia": 3}
"""Points of the first two sources (one each for the others): they are drawn most, so named
first whatever else the layer holds."""


def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def imported_beaches(engine: Engine) -> Iterator[None]:
    """Five beaches of five imported sources (one with an attribution of its own), and their
    entries in ``layer_sources``; removed afterwards."""
    remove_rows = sa.text("DELETE FROM beaches WHERE external_id LIKE :p || '%'")
    remove_history = sa.text("DELETE FROM layer_history WHERE external_id LIKE :p || '%'")
    remove_sources = sa.text(
        "DELETE FROM layer_sources WHERE layer = 'beaches' AND row_source = ANY(:s)"
    )
    with engine.begin() as c:
        for (source, (attribution, licence)), (lon, lat) in zip(
            SOURCES.items(), PLACES, strict=True
        ):
            for n in range(POINTS.get(source, 1)):
                c.execute(
                    sa.text(
                        "INSERT INTO beaches (external_id, name, geom, source, is_demo) VALUES "
                        "(:id, :name, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :source, "
                        "false)"
                    ),
                    {
                        "id": f"{PREFIX}{source}-{n}",
                        "name": f"Plage {source} {n}",
                        "lon": lon + n * 0.01,
                        "lat": lat,
                        "source": source,
                    },
                )
            c.execute(
                sa.text(
                    "INSERT INTO layer_sources (layer, title, source, licence, attribution, "
                    "row_source) VALUES ('beaches', 'Beaches', :source, :licence, "
                    ":attribution, :source)"
                ),
                {"source": source, "licence": licence, "attribution": attribution},
            )
    try:
        yield
    finally:
        with engine.begin() as c:
            c.execute(remove_rows, {"p": PREFIX})
            c.execute(remove_history, {"p": PREFIX})
            c.execute(remove_sources, {"s": list(SOURCES)})
        _fresh_caches()


def _strings(value: object) -> Iterator[str]:
    """Every text inside a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _credits(at: AppTest) -> list[str]:
    """The texts the map adds to its credits (Leaflet's attribution control), as HTML."""
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    return [credit for s in _strings(args) for credit in map_credits(s)]


@pytest.mark.parametrize(
    ("lang", "layer", "more"),
    [
        ("fr", "Plages : ", r" · \d+ autres sources \(voir Sources et licences\)$"),
        (
            "ar",
            "الشواطئ: ",
            r" · (مصدران آخران|\d+ مصادر أخرى|\d+ مصدرًا آخر)، انظر «المصادر والتراخيص»$",
        ),
        ("en", "Beaches: ", r" · \d+ other sources \(see Sources and licences\)$"),
    ],
)
def test_the_map_credits_the_imported_sources_of_the_points_it_draws(
    imported_beaches: None, monkeypatch: pytest.MonkeyPatch, lang: str, layer: str, more: str
) -> None:
    # beaches imported from a file under CC BY were drawn with the census credit alone
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    _fresh_caches()
    at = AppTest.from_file(HOME, default_timeout=180)
    at.query_params["overlays"] = "beaches"
    at.run()
    at.switch_page("views/2_Map_explorer.py").run()
    assert not at.exception, at.exception
    credits = _credits(at)
    (beaches,) = [c for c in credits if c.startswith(layer)]
    # the sources of the most points first, each with its licence
    assert beaches.startswith(
        f"{layer}Commune de Mehdia &lt;service technique&gt; &amp; partenaires (CC BY-SA 4.0)"
        " · releve_saidia.xlsx (CC BY 4.0) · "
    ), beaches
    # (the attribution recorded for a source is its credit, as typed: not read as HTML)
    assert re.search(more, beaches), beaches  # three named, the others counted
    # the demonstration beaches (invented, CC0) are marked as such, not credited
    assert not any("demonstration" in c for c in credits), credits
