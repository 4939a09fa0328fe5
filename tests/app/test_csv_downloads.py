"""Every CSV the app downloads (the Coverage table, the proposed sites, a layer from the Data
page) follows one convention: ``;`` and a decimal comma in French and Arabic, as their Excel
opens a ``.csv``, ``,`` and a decimal point in English; UTF-8 with a BOM; whole numbers
without ``.0``. A layer's CSV imports back unchanged. The KML files (a layer, the proposed
sites) name their placemarks in the page's language and import back unchanged."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from walouja.cli import app
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


def _served(downloads: Callable[[], None], lang: str, res: dict[str, Any]) -> AppTest:
    """``downloads`` run as a page of a session in ``lang`` whose scenario's results are
    ``res``: what it put in ``st.session_state["files"]``."""
    at = AppTest.from_function(downloads, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["res"] = res
    at.run()
    assert not at.exception, at.exception
    return at


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
    at = _served(_downloads, lang, res)
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


def _kml_downloads() -> None:
    """The layer's and the sites' KML as the two pages serve them, in the session's language."""
    import streamlit as st

    from app import dataio
    from app import prioritise_view as pv

    st.session_state["files"] = {
        "layer": dataio.export_bytes("centres", "kml")[0],
        "sites": pv.sites_file(st.session_state["res"], "kml"),
    }


def _placemarks(raw: bytes, folder: Path, name: str) -> tuple[Path, list[str]]:
    """The KML ``raw`` saved as ``folder/name`` and its placemarks' names as Google Earth
    shows them (``<name>``), read by GDAL with its defaults."""
    path = folder / name
    path.write_bytes(raw)
    return path, pyogrio.read_dataframe(path)["Name"].tolist()


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_the_kml_downloads_name_their_placemarks_in_the_pages_language(
    settings: Settings, engine: Engine, forget_runs: list[int], tmp_path: Path, lang: str
) -> None:
    # the Data page's KML of the centres named every placemark in French on the Arabic page
    # ("CAPE Attadamoun — Tanger"), where the CSV and the workbook follow the page's language
    from geo.db import connect
    from walouja.services.prioritise import run_prioritise

    with connect(settings) as conn:
        run = run_prioritise(conn, centre_type="COAPH", new=2)
    forget_runs.append(run.run_id)
    res = run.results
    files: dict[str, bytes] = _served(_kml_downloads, lang, res).session_state["files"]

    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT name, name_ar FROM centres ORDER BY id")).all()
    assert any(ar for _, ar in rows), "load the demonstration layers with `walouja load`"
    path, names = _placemarks(files["layer"], tmp_path, "walouja_centres.kml")
    # in Arabic the centre's Arabic name (its French one where it has none), else its name
    expected = [(ar or fr) if lang == "ar" else fr for fr, ar in rows]
    assert sorted(names) == sorted(expected)
    if lang == "ar":
        assert any(ar and ar != fr for fr, ar in rows)
    # the Arabic file imports back as it was written: each centre keeps its French name
    again = CliRunner().invoke(app, ["import", "centres", str(path), "--dry-run", "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert (report["inserted"], report["updated"], report["rejected"]) == (0, 0, 0)
    assert report["unchanged"] == len(rows)

    _, sites = _placemarks(files["sites"], tmp_path, "sites.kml")
    column = "name_ar" if lang == "ar" else "name_fr"
    ranked = sorted(res["sites"], key=lambda s: s["rank"])
    assert len(sites) == len(ranked) == 2
    for shown, site in zip(sites, ranked, strict=True):
        assert shown.startswith(f"{site['rank']} · ")
        if site.get(column):
            assert shown == f"{site['rank']} · {site[column]}"
