"""Every CSV the app downloads (the Coverage table, the proposed sites, a layer from the Data
page) follows one convention: ``;`` and a decimal comma in French and Arabic, as their Excel
opens a ``.csv``, ``,`` and a decimal point in English; UTF-8 with a BOM; whole numbers
without ``.0``. A layer's CSV imports back unchanged."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from walouja.settings import Settings

DIALECTS = {"fr": (";", ","), "ar": (";", ","), "en": (",", ".")}


@pytest.fixture(autouse=True)
def _forget_settings() -> Iterator[None]:
    """The settings a page cached (its language) do not outlive the test that set them."""
    yield
    st.cache_resource.clear()


def _downloads() -> None:
    """What the pages' download buttons serve, in the session's language."""
    import pandas as pd
    import streamlit as st

    from app import dataio
    from app import prioritise_view as pv
    from app.components import tables

    coverage = pd.DataFrame({"code": ["01"], "pwd": [23468.0], "share": [12.5]})
    st.session_state["files"] = {
        "coverage": tables.csv_bytes(coverage, {}, {"pwd": 0, "share": 1}, {}),
        "sites": pv.sites_file(st.session_state["res"], "csv"),
        "layer": dataio.export_bytes("centres", "csv")[0],
    }
    st.session_state["layer_name"] = dataio.export_bytes("beaches", "csv")[1]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_csv_download_is_written_as_the_pages_language_writes_a_csv(
    settings: Settings, lang: str, tmp_path: Path
) -> None:
    # the sites CSV was ',' with '5000000.0' on a French page, beside a Coverage CSV of ';'
    # and decimal commas: a French Excel put each site's whole line in one cell
    from app import dataio
    from geo.db import connect
    from walouja.services.prioritise import run_prioritise

    with connect(settings) as conn:
        res = run_prioritise(conn, centre_type="COAPH", new=2).results
    at = AppTest.from_function(_downloads, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["res"] = res
    at.run()
    assert not at.exception, at.exception
    files: dict[str, bytes] = at.session_state["files"]
    # its name says the language its separators follow, as the Coverage page's CSV does
    assert at.session_state["layer_name"] == f"walouja_beaches_{lang}.csv"
    sep, decimal = DIALECTS[lang]
    other = "," if sep == ";" else ";"
    for name, raw in files.items():
        assert raw.startswith(codecs.BOM_UTF8), name
        header = raw.decode("utf-8-sig").split("\r\n")[0]
        assert sep in header, (name, header)
        assert other not in header, (name, header)

    sites = pd.read_csv(
        io.BytesIO(files["sites"]), sep=sep, decimal=decimal, dtype=str, encoding="utf-8-sig"
    )
    assert len(sites) == 2
    assert sites["cost_mad"].str.fullmatch(r"\d+").all(), sites["cost_mad"]  # not 5000000.0
    assert sites["province_code"].str.fullmatch(r"\d\d\.\d{3}").all()  # codes as they are
    lon = sites["lon"].str.replace(decimal, ".").astype(float)
    assert lon.between(-17.5, -1).all()
    if decimal == ",":
        assert sites["lon"].str.contains(",").all()

    layer = pd.read_csv(io.BytesIO(files["layer"]), sep=sep, decimal=decimal, encoding="utf-8-sig")
    assert layer["lat"].between(20, 36).all()
    assert layer["services"].str.contains(";").any()  # a list in one cell, quoted
    # the file a French or Arabic user downloads imports back as it is
    path = tmp_path / "walouja_centres.csv"
    path.write_bytes(files["layer"])
    report = dataio.check_file("centres", path)
    assert report.rejected == 0, report.problems[:3]
    assert (report.inserted, report.updated) == (0, 0)
    assert report.unchanged == len(layer)


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", "« ; » et virgule décimale"), ("en", "commas with a decimal point")]
)
def test_the_data_pages_csv_says_how_it_is_written(
    monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    # the layer's CSV had no word on its separators, where the Coverage and sites CSVs say them
    from tests.app.test_data_import import _page

    at = _page(lang, monkeypatch)
    at.selectbox(key="exp_layer").set_value("beaches")
    at.selectbox(key="exp_fmt").set_value("csv")
    at.button(key="export").click().run()
    assert not at.exception, at.exception
    (button,) = at.get("download_button")
    assert words in button.proto.help
    at.selectbox(key="exp_fmt").set_value("gpkg")
    at.button(key="export").click().run()
    (button,) = at.get("download_button")
    assert not button.proto.help  # a GeoPackage has no separators to explain


def test_the_arabic_coverage_csv_help_says_each_column_once() -> None:
    # "يذكر عمود نوع المركز المراكز المقيسة" was written twice in a row
    from app.i18n import translate

    assert translate("equity.download_help", "ar").count("عمود نوع المركز") == 1


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_data_page_offers_a_layer_as_kml_for_google_earth(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from app.i18n import translate
    from tests.app.test_data_import import _page

    at = _page(lang, monkeypatch)
    choice = at.selectbox(key="exp_fmt")
    assert translate("data.export_format.kml", lang) in choice.options  # "KML pour Google Earth"
    choice.set_value("kml")
    at.selectbox(key="exp_layer").set_value("beaches")
    at.button(key="export").click().run()
    assert not at.exception, at.exception
    (button,) = at.get("download_button")
    assert "walouja_beaches.kml" in button.proto.label
