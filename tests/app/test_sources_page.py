"""The Sources and licences page after an import from the Data page, through AppTest against
the real database: what Walouja wrote itself is worded in the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from geo.layers import LAYERS
from geo.provenance import recognise
from tests.app.support import HOME

SOURCE = "test-sources-page-arrets.csv"


@pytest.fixture
def imported(engine: Engine) -> Iterator[str]:
    """A transport stops' source recorded as an import from the Data page records it (the
    layer's title, the file's name, the licence typed); deleted afterwards."""
    from geo.layers import record_source

    with engine.begin() as c:
        record_source(
            c,
            "transport_stops",
            title=LAYERS["transport_stops"].title,
            source=SOURCE,
            licence="CC BY 4.0",
            is_demo=False,
        )
    st.cache_data.clear()
    yield SOURCE
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM layer_sources WHERE source = :s"), {"s": SOURCE})
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def _fresh_resources() -> Iterator[None]:
    """Each test's page builds its cached resources (the language among them) afresh."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _sources_page(monkeypatch: pytest.MonkeyPatch, lang: str) -> AppTest:
    """The Sources and licences page in ``lang``, opened as from the sidebar."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page("views/9_Sources_and_licences.py").run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    # the page's Markdown without its escapes and direction marks
    raw = "\n".join(m.value for m in at.markdown)
    return re.sub(r"\\(.)", r"\1", raw).replace("\u2068", "").replace("\u2069", "")


def test_every_layers_title_an_import_records_is_worded_in_each_language() -> None:
    # an import records its layer's title (LayerSpec.title, in English) for its source
    for spec in LAYERS.values():
        found = recognise(spec.title)
        assert found is not None, spec.name
        for lang in ("fr", "ar", "en"):
            worded = translate(f"provenance.{found[0]}", lang)
            assert worded, (spec.name, lang)
            assert lang == "en" or worded != spec.title, (spec.name, lang)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_an_imported_sources_title_reads_in_the_pages_language(
    imported: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the card of an import said "Titre : Public transport stops and stations" on the French
    # and Arabic pages, beside its file's name and licence as typed
    at = _sources_page(monkeypatch, lang)
    text = _text(at)
    assert imported in text
    assert translate("provenance.layer.title.transport_stops", lang) in text
    if lang != "en":
        assert "Public transport stops and stations" not in text


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_command_in_a_demonstration_note_is_code_not_escaped_backticks(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # "(page Données ou `walouja import`)": the backticks showed around the command
    at = _sources_page(monkeypatch, lang)
    notes = [m.value for m in at.markdown if "walouja import" in m.value]
    assert notes, "no demonstration centres' note on the page"
    for note in notes:
        assert "`walouja import`" in note
        assert "\\`" not in note


def test_when_each_source_was_loaded_says_its_time_zone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Chargée le : 2026-11-30 03:26" was the database's UTC time, an hour off Morocco's
    at = _sources_page(monkeypatch, "fr")
    with engine.connect() as c:
        stamps = c.execute(
            sa.text(
                "SELECT to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                "FROM layer_sources"
            )
        ).scalars()
        expected = {f"{s} UTC" for s in stamps}
    assert expected
    text = _text(at)
    for stamp in expected:
        assert stamp in text, stamp


NAMES = {
    "leaflet": "Leaflet (BSD-2)",
    "jquery": "jQuery (MIT)",
    "bootstrap": "Bootstrap (MIT)",
    "@fortawesome/fontawesome-free": "Font Awesome Free",
    "leaflet.awesome-markers": "Leaflet.awesome-markers (MIT)",
}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_front_end_package_the_map_serves_is_credited(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the map loads jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers from the app's
    # own copies, and their licences ask for credit: the page named Leaflet and folium only
    import json

    packages = json.loads((Path(HOME).parent / "static" / "package.json").read_text())
    assert set(packages["dependencies"]) == set(NAMES)  # a new package is credited too
    at = _sources_page(monkeypatch, lang)
    text = _text(at)
    assert [name for name in NAMES.values() if name not in text] == []
    assert "CC BY 4.0" in text
    assert "SIL OFL 1.1" in text
