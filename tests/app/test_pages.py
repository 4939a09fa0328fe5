"""Every page in Streamlit's AppTest against the real database: it renders without an
exception, and changing a widget changes what is shown."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from app import shell
from app.i18n import translate
from tests.app.support import HOME, as_read, require_no_centre_of_type
from walouja.settings import Settings


def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on the test database (offline basemap), first page rendered."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "fr")
    with engine.connect() as c:
        n = c.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    assert n > 1000, "no national geography in the test database: run `walouja load`"
    _fresh_caches()
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception
    yield at
    _fresh_caches()


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _rtl(at: AppTest) -> bool:
    """Whether the right-to-left style is on the page."""
    return any("direction: rtl" in str(getattr(h, "value", "")) for h in at.get("html"))


def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has ``column``."""
    (table,) = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    return table


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_language_switch_translates_the_page_and_turns_arabic_right_to_left(
    app: AppTest,
) -> None:
    assert app.title[0].value == "Vue d'ensemble"
    app = _open(app, "9_Sources_and_licences")
    assert not _rtl(app)
    app.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not app.exception
    assert app.title[0].value == "المصادر والتراخيص"
    assert app.query_params["lang"] == "ar"
    assert _rtl(app)
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Sources and licences"
    assert not _rtl(app)


def test_a_shared_link_opens_in_its_language(settings: Settings, engine: Engine) -> None:
    at = AppTest.from_file(HOME, default_timeout=180)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview"


def test_overview_shows_national_figures_and_breaks_down_by_level(app: AppTest) -> None:
    labels = {m.label: m.value for m in app.metric}
    assert labels["Population (2024)"].replace("\u202f", "").isdigit()
    assert "Centres en activité" in labels
    regions = len(app.dataframe[-1].value)
    app.radio(key="ov_level").set_value("provinces").run()
    assert not app.exception
    provinces = len(app.dataframe[-1].value)
    assert regions == 12
    assert provinces > regions
    assert app.query_params["ov_level"] == "provinces"
    # figures written as the page writes them, whatever the browser's locale
    styled = app.dataframe[-1].proto.arrow_data.styler.display_values
    cells = dataframe_util.convert_arrow_bytes_to_pandas_df(styled)
    assert cells["Population (2024)"].str.fullmatch(r"\d{1,3}(\u202f\d{3})+").all()
    # in Arabic the tables read from the right, codes and figures included
    app.sidebar.selectbox(key="lang").set_value("ar").run()
    for frame in app.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        shown = [c for c in config if c != "_index"]
        assert shown
        assert {config[c].get("alignment") for c in shown} == {"right"}


FITTED = re.compile(r"\.fitBounds\((?:\s|\\n)*\[\[")
"""A map fitted to a place's bounds (folium's ``fit_bounds``, its corners written out; the
script is read as JSON text, its line breaks ``\\n``)."""


def test_map_explorer_changes_level_searches_and_shows_figures(app: AppTest) -> None:
    at = _open(app, "2_Map_explorer")
    assert "communes dessinées" in _captions(at)
    at.selectbox(key="level").set_value("regions").run()
    assert not at.exception
    assert "12 régions dessinées" in _captions(at)
    at.selectbox(key="level").set_value("provinces").run()
    at.selectbox(key="province").set_value("04.281").run()  # Kénitra alone
    assert "1 province dessinée" in _captions(at)
    at.selectbox(key="province").set_value("").run()
    at.selectbox(key="level").set_value("regions").run()
    # (fitted to bounds of its own: the whole country's is fitted only in a narrow map)
    assert not FITTED.search(_map_script(at))
    at.text_input(key="q").input("tiznit").run()
    assert not at.exception
    assert any("Tiznit" in s.value for s in at.header)
    # the map opens on the commune found (a shared link to it shows it)
    assert FITTED.search(_map_script(at))
    assert at.query_params["q"] == "tiznit"
    assert any(m.label == "Personnes en situation de handicap" for m in at.metric)
    at.text_input(key="q").input("تزنيت").run()  # the placeholder's spelling; the data's is تيزنيت
    assert not at.warning or not any("تزنيت" in w.value for w in at.warning)
    assert any("Tiznit" in s.value for s in at.header)


def test_map_explorer_access_indicators_offer_centre_type(app: AppTest) -> None:
    at = _open(app, "2_Map_explorer")
    assert not at.selectbox(key="ctype") if "ctype" in at.session_state else True
    at.selectbox(key="indicator").set_value("coverage").run()
    assert not at.exception
    assert at.selectbox(key="ctype").value == "any"
    assert at.query_params["indicator"] == "coverage"
    assert "centre (%)" in _map_script(at)  # the legend names its unit
    at.selectbox(key="indicator").set_value("nearest_km").run()
    assert "proche (km)" in _map_script(at)


def test_coverage_and_equity_follows_the_chosen_indicator(app: AppTest, engine: Engine) -> None:
    at = _open(app, "3_Coverage_and_equity")
    if at.info and "Aucun centre" in at.info[0].value:
        pytest.fail("no centres in the test database: run `walouja load`")
    before = {m.label: m.value for m in at.metric}
    assert "Gini" in before
    at.selectbox(key="ctype").set_value("any").run()
    at.selectbox(key="eq_indicator").set_value("nearest_km").run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}
    assert after["Moyenne nationale"].endswith("km")
    assert after != before
    with engine.connect() as c:
        tiling = c.execute(sa.text("SELECT count(*) FROM provinces WHERE NOT is_nested")).scalar()
    assert len(at.dataframe[0].value) == tiling  # one row per province that tiles the country


def test_data_page_lists_the_columns_of_the_chosen_layer(app: AppTest) -> None:
    at = _open(app, "4_Data")
    columns = at.table[0].value.iloc[:, 0].tolist()
    assert "centre_type" in columns
    at.selectbox(key="imp_layer").set_value("accessible_cities").run()
    assert not at.exception
    columns = at.table[0].value.iloc[:, 0].tolist()
    assert "stage" in columns
    assert "centre_type" not in columns


@pytest.mark.parametrize(
    ("lang", "beaches", "regions"),
    [
        ("fr", "Plages (démonstration)", "Régions"),
        ("ar", "الشواطئ (بيانات توضيحية)", "الجهات"),
        ("en", "Beaches (demonstration)", "Regions"),
    ],
)
def test_overview_names_each_source_by_its_layer_in_the_page_language(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    beaches: str,
    regions: str,
) -> None:
    # the stored titles are provenance in one language ("Beaches (demonstration equipment)")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    monkeypatch.setenv("WALOUJA_TILES", "none")
    titles = "SELECT layer, title FROM layer_sources WHERE is_demo OR layer = 'regions'"
    with engine.connect() as c:
        stored: dict[str, str] = dict(c.execute(sa.text(titles)).tuples().all())
    _fresh_caches()
    try:
        at = AppTest.from_file(HOME, default_timeout=180).run()
        assert not at.exception
        # as read: the Markdown escapes of the texts removed, their direction marks kept
        entries = [
            re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown if m.value.startswith("- **")
        ]
    finally:
        _fresh_caches()
    assert any(e.startswith(f"- **{beaches}** {shell.DEMO_FLASK} — ") for e in entries), entries
    # the source and licence texts are worded in the page's language and isolated (a Latin
    # one's parentheses stay put in Arabic)
    census = translate("provenance.census.source", lang, figures_version="", boundaries_version="")
    # the three census levels say the same: one line names them, the regions first
    levels = [f"**{translate(f'layer.{x}', lang)}**" for x in ("regions", "provinces", "communes")]
    start = f"- {translate('list.separator', lang).join(levels)} — \u2068{census[:12]}"
    assert any(e.startswith(start) for e in entries), entries
    assert len(entries) == 5, entries  # census, cities, centres, stops, beaches
    assert all(e.endswith("\u2069") and " · " in e for e in entries), entries
    assert not [e for e in entries if "((" in e or "))" in e], entries  # no nested brackets
    shown = "\n".join(entries)
    assert not [title for title in stored.values() if title in shown], shown
    with engine.connect() as c:  # the provenance itself is unchanged
        after: dict[str, str] = dict(c.execute(sa.text(titles)).tuples().all())
    assert after["beaches"] == stored["beaches"] == "Beaches (demonstration equipment)"


def _plain(markdown: str) -> str:
    """What a Markdown text of the page reads: its escapes and direction marks removed."""
    return re.sub(r"\\(.)", r"\1", markdown).translate(dict.fromkeys(range(0x2066, 0x206A)))


def _page_text(at: AppTest) -> str:
    return "\n".join(_plain(m.value) for m in at.markdown)


def test_sources_page_credits_hcp_and_openstreetmap(app: AppTest) -> None:
    at = _open(app, "9_Sources_and_licences")
    text = _page_text(at)
    assert "CC BY 4.0" in text
    assert "ODbL" in text
    assert "HCP" in text
    # one card a layer, named in the page's language; the census levels share one
    headings = [_plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert headings[0] == "**Régions** · **Provinces et préfectures** · **Communes**", headings
    assert f"**Arrêts de transport (démonstration)** {shell.DEMO_FLASK}" in headings, headings
    assert not at.dataframe  # no table cutting the long texts
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Sources and licences"
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert "الجماعات" in _page_text(at)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_loaded_text_shows_whole_in_the_page_language(
    app: AppTest, engine: Engine, lang: str
) -> None:
    # the provenance Walouja writes is stored in English ("CC0 1.0 (invented data)"); the
    # page words each such text in its language, whole (a table cut them at six lines)
    from geo.provenance import recognise

    at = _open(app, "9_Sources_and_licences")
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert not at.exception
    text = _page_text(at)
    columns = ["title", "source", "licence", "attribution", "notes"]
    with engine.connect() as c:
        rows = c.execute(sa.text(f"SELECT {', '.join(columns)} FROM layer_sources")).all()
    stored = {v for r in rows for v in r if v}
    assert len(stored) > 15
    for value in stored:
        found = recognise(value)
        assert found is not None, f"a text Walouja wrote that the app cannot word: {value!r}"
        code, fields = found
        assert translate(f"provenance.{code}", lang, **fields) in text, (code, lang)
    if lang != "en":
        assert "invented" not in text
        assert "Changes made" not in text
    assert "https://www.hcp.ma/file/242671/" in text  # the link whole, not its site


def test_an_imported_source_reads_as_typed(app: AppTest, engine: Engine) -> None:
    # a source is the data's own text: shown as typed (no italics from its underscores, no
    # formula from a dollar), beside the demonstration entry of the same layer
    from geo.layers import record_source

    source = "relevé_plages_v2_*final*.csv"
    with engine.begin() as c:
        record_source(
            c,
            "beaches",
            title="Plages [relevé] #2",
            source=source,
            licence="CC BY 4.0",
            is_demo=False,
            url="https://example.org/plages_(2025)",
            notes="coût $5, voir :red[x]",
        )
    try:
        _fresh_caches()
        at = _open(app, "9_Sources_and_licences")
        text = _page_text(at)
        for typed in (source, "Plages [relevé] #2", "coût $5, voir :red[x]"):
            assert typed in text, typed
        assert "https://example.org/plages_(2025)" in text
        # the demonstration entry of the layer is still there, in French
        assert "Plages (équipements de démonstration)" in text
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM layer_sources WHERE row_source = :s"), {"s": source})
        _fresh_caches()


@pytest.mark.usefixtures("scratch_app")
def test_an_empty_database_says_what_to_load_and_how() -> None:
    _fresh_caches()
    try:
        for page in ("1_Overview", "2_Map_explorer", "3_Coverage_and_equity"):
            at = AppTest.from_file(HOME, default_timeout=120).run()
            if page != "1_Overview":
                at.switch_page(f"views/{page}.py").run()
            assert not at.exception
            assert any("walouja load" in c.value for c in at.code), page
            assert any("Aucune donnée géographique" in i.value for i in at.info), page
    finally:
        _fresh_caches()


def test_map_explorer_draws_every_thematic_layer_and_filters_by_region(
    app: AppTest, engine: Engine
) -> None:
    at = _open(app, "2_Map_explorer")
    with engine.connect() as c:
        present = [
            name
            for name in ("centres", "accessible_cities", "transport_stops", "beaches")
            if c.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
        ]
        region, in_region = c.execute(
            sa.text("SELECT region_code, count(*) FROM communes GROUP BY 1 ORDER BY 1 LIMIT 1")
        ).one()
    assert len(present) == 4, "load the demonstration layers with `walouja load`"
    at.multiselect(key="overlays").set_value(present).run()
    assert not at.exception
    assert at.query_params["overlays"] == ",".join(present)
    assert any("démonstration" in w.value for w in at.warning)
    at.selectbox(key="region").set_value(region).run()
    assert not at.exception
    assert f"{in_region} communes dessinées" in _captions(at)
    assert at.query_params["region"] == region


def test_data_page_exports_a_layer_for_download(app: AppTest, engine: Engine) -> None:
    at = _open(app, "4_Data")
    with engine.connect() as c:
        beaches = c.execute(sa.text("SELECT count(*) FROM beaches")).scalar()
    at.selectbox(key="exp_layer").set_value("beaches")
    at.selectbox(key="exp_fmt").set_value("csv")
    at.button(key="export").click().run()
    assert not at.exception
    assert f"{beaches} lignes exportées." in _captions(at)
    assert at.get("download_button")


def test_data_page_reports_rejected_rows_in_the_interface_language(app: AppTest) -> None:
    at = _open(app, "4_Data")
    text = "name;centre_type;lon;lat\nCentre Rabat;CAS;-6.8416;34.0209\nMadrid;CAS;-3.7;40.41\n"
    at.file_uploader(key="upload").set_value(("centres.csv", text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception
    assert "1 ligne acceptée, 1 refusée sur 2" in at.error[0].value
    problems = _table_with(at, "Raison")
    assert list(problems.columns) == ["Ligne", "Champ", "Raison"]
    assert problems.values.tolist() == [[3, "Géométrie", "hors du Maroc (-3.70000, 40.41000)"]]
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not at.exception
    problems = _table_with(at, "السبب")
    assert list(problems.columns) == ["السطر", "الحقل", "السبب"]
    assert problems.values.tolist() == [
        [3, "الشكل الهندسي", "خارج التراب الوطني \u2066(-3.70000, 40.41000)\u2069"]
    ]


def test_coverage_and_equity_saves_a_run_and_reopens_it(app: AppTest, engine: Engine) -> None:
    # only this request's runs: other tests (the CLI's) store equity runs of their own
    mine = sa.text(
        "SELECT id, name, params, results FROM analysis_runs WHERE kind = 'equity' "
        "AND params->>'indicator' = 'access' AND params->>'by' = 'region' "
        "AND (params->>'threshold_km')::float = 20"
    )
    with engine.begin() as c:
        c.execute(
            sa.text(
                "DELETE FROM analysis_runs WHERE kind = 'equity' "
                "AND params->>'indicator' = 'access' AND params->>'by' = 'region' "
                "AND (params->>'threshold_km')::float = 20"
            )
        )
    at = _open(app, "3_Coverage_and_equity")
    at.selectbox(key="km").set_value("20").run()
    at.selectbox(key="eq_indicator").set_value("access").run()
    at.selectbox(key="by").set_value("region").run()
    shown = {m.label: m.value for m in at.metric}
    at.text_input(key="eq_run_name").input("Accès par région, 20 km").run()
    at.button(key="eq_save").click().run()
    assert not at.exception
    with engine.connect() as c:
        rows = c.execute(mine).all()
    assert len(rows) == 1
    run = rows[0]
    assert run.name == "Accès par région, 20 km"
    assert run.params["indicator"] == "access"
    assert run.params["by"] == "region"
    assert run.params["threshold_km"] == 20.0
    assert run.params["centre_type"] == "COAPH"
    # the stored figures are the ones on the screen
    assert f"{run.results['indices']['gini']:.3f}".replace(".", ",") == shown["Gini"]
    assert at.success[0].value == f"Analyse enregistrée sous le n° {run.id}."
    # the run just saved is the one offered to reopen (the box kept the one chosen before)
    assert at.selectbox(key="eq_open_id").value == run.id
    assert not [w for w in at.warning if "Session State" in w.value]
    # saving again on unchanged data finds the stored run: no second row
    at.button(key="eq_save").click().run()
    assert at.success[0].value.endswith(f"n° {run.id}.")
    assert "déjà" in at.success[0].value
    with engine.connect() as c:
        assert len(c.execute(mine).all()) == 1
    listed = _table_with(at, "Enregistrée le")
    assert "Accès par région, 20 km" in listed["Nom"].tolist()
    # elsewhere, then reopen the stored run: the page shows its settings and figures again
    at.selectbox(key="km").set_value("60").run()
    at.selectbox(key="eq_indicator").set_value("coverage_share").run()
    assert {m.label: m.value for m in at.metric} != shown
    at.selectbox(key="eq_open_id").set_value(run.id).run()
    at.button(key="eq_open").click().run()
    assert not at.exception
    assert at.selectbox(key="km").value == "20"
    assert at.selectbox(key="eq_indicator").value == "access"
    assert at.selectbox(key="by").value == "region"
    assert {m.label: m.value for m in at.metric} == shown


def _data_page_in(lang: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Data page of a fresh session whose language is ``lang`` from the start.

    The language is the default one (``WALOUJA_LANGUAGE``) rather than a switch in the
    sidebar: AppTest words the labels of a selectbox outside the session, in the default
    language, and a label in another language would not be found among the options.
    """
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    _fresh_caches()
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception
    return _open(at, "4_Data")


@pytest.mark.parametrize(
    ("lang", "error", "hint"),
    [
        (
            "ar",
            "تعذرت المتابعة: لا يحتوي centres.csv على أي شكل هندسي: لا أعمدة lon/lat "
            "(أو longitude/latitude أو x/y) ولا عمود WKT",
            "ما العمل: أضف عمودَي lon وlat بالدرجات العشرية، أو عمودًا بصيغة WKT",
        ),
        (
            "fr",
            "Impossible de continuer : centres.csv n'a pas de géométrie : ni colonnes lon/lat "
            "(ou longitude/latitude, x/y), ni colonne WKT",
            "Que faire : ajoutez des colonnes lon et lat en degrés décimaux, ou une colonne WKT",
        ),
    ],
)
def test_data_page_words_a_refused_file_in_the_interface_language(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, lang: str, error: str, hint: str
) -> None:
    at = _data_page_in(lang, monkeypatch)
    no_coordinates = b"name;centre_type\nCentre Rabat;CAS\n"
    at.file_uploader(key="upload").set_value(("centres.csv", no_coordinates, "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception
    assert [as_read(e.value) for e in at.error] == [error]
    assert hint in [as_read(i.value) for i in at.info]


def test_data_page_words_the_notes_about_a_file_in_the_interface_language(app: AppTest) -> None:
    at = _open(app, "4_Data")
    text = "name;commune_code;lon;lat\nPlage de Rabat;X;-6.8416;34.0209\n"
    at.file_uploader(key="upload").set_value(("beaches.csv", text.encode(), "text/csv"))
    at.selectbox(key="imp_layer").set_value("beaches").run()
    at.button(key="check").click().run()
    assert not at.exception
    notes = " ".join(as_read(m.value) for m in at.markdown)
    assert "non pris en compte : commune_code ; la commune est déduite" in notes
    assert "(s)" not in notes
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not at.exception
    notes = " ".join(as_read(m.value) for m in at.markdown)
    assert "أعمدة تم تجاهلها: commune_code؛ تُستنتج الجماعة من الشكل الهندسي" in notes
    assert "ignored column" not in notes


@pytest.mark.parametrize("indicator", ["coverage_share", "nearest_km", "access", "places_per_10k"])
def test_coverage_and_equity_shows_every_indicator(app: AppTest, indicator: str) -> None:
    at = _open(app, "3_Coverage_and_equity")
    at.selectbox(key="eq_indicator").set_value(indicator).run()
    assert not at.exception, at.exception
    assert at.query_params.get("eq_indicator", "coverage_share") == indicator
    table = at.dataframe[0].value  # the per-province table, first tab
    assert len(table) > 12
    assert len(table.columns) == len(set(table.columns))
    shown = [m.value for m in at.metric] + [c.value for c in at.caption]
    assert not any("inf" in s.split() or "nan" in s.split() for s in shown), shown


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_shared_link_to_places_per_10k_opens_in_every_language(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the language is the default one: AppTest words selectbox labels outside the session
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    monkeypatch.setenv("WALOUJA_TILES", "none")
    _fresh_caches()
    try:
        at = AppTest.from_file(HOME, default_timeout=180)
        at.query_params["eq_indicator"] = "places_per_10k"
        at.run()
        _open(at, "3_Coverage_and_equity")
        assert at.selectbox(key="eq_indicator").value == "places_per_10k"
        # COAPH centres are in some provinces only: the poorest 40 % have no place, so the
        # Palma ratio is undefined and says so instead of "inf"
        palma = [m.value for m in at.metric if m.label in ("Ratio de Palma", "Palma ratio")]
        palma += [m.value for m in at.metric if m.label.startswith("نسبة بالما")]
        assert palma == ["—"], [(m.label, m.value) for m in at.metric]
        assert any("(—)" in c.value for c in at.caption)
    finally:
        _fresh_caches()


def _map_script(at: AppTest, index: int = 0) -> str:
    """The script of a folium map on the page (what the browser runs)."""
    return str(at.get("component_instance")[index].proto.json_args)


def test_maps_credit_hcp_always_and_openstreetmap_when_its_points_show(
    app: AppTest, engine: Engine
) -> None:
    osm_beach = sa.text(
        "INSERT INTO beaches (external_id, name, geom, source, is_demo) VALUES "
        "('test-osm-credit', 'Plage OSM', ST_SetSRID(ST_MakePoint(-9.6, 30.4), 4326), "
        "'OpenStreetMap contributors', false)"
    )
    remove = sa.text("DELETE FROM beaches WHERE external_id = 'test-osm-credit'")
    at = _open(app, "2_Map_explorer")
    script = _map_script(at)
    assert "RGPH 2024 (CC BY 4.0)" in script  # offline: no tiles, still credited
    assert "OpenStreetMap" not in script  # the demonstration centres are not OSM's
    with engine.begin() as c:
        c.execute(remove)
        c.execute(osm_beach)
    try:
        _fresh_caches()
        at.multiselect(key="overlays").set_value(["centres", "beaches"]).run()
        assert not at.exception
        script = _map_script(at)
        assert "OpenStreetMap" in script
        assert "ODbL" in script
    finally:
        with engine.begin() as c:
            c.execute(remove)
        _fresh_caches()
    at = _open(at, "3_Coverage_and_equity")
    assert "RGPH 2024 (CC BY 4.0)" in _map_script(at)


_NO_CAPACITY = "test-no-capacity"


@pytest.fixture
def centres_without_capacity(engine: Engine) -> Iterator[None]:
    """Three operating centres of type ``other``, none with a capacity (as OSM imports are)."""
    remove = sa.text("DELETE FROM centres WHERE external_id LIKE :prefix || '%'")
    with engine.begin() as c:
        c.execute(remove, {"prefix": _NO_CAPACITY})
        c.execute(
            sa.text(
                "INSERT INTO centres (external_id, name, centre_type, status, geom, source, "
                "commune_code) SELECT :prefix || '-' || i, 'Centre ' || i, 'other', "
                "'operating', p, 'test', (SELECT code FROM communes WHERE ST_Contains(geom, p)) "
                "FROM (VALUES (1, ST_SetSRID(ST_MakePoint(-6.84, 34.02), 4326)), "
                "(2, ST_SetSRID(ST_MakePoint(-7.62, 33.59), 4326)), "
                "(3, ST_SetSRID(ST_MakePoint(-8.01, 31.63), 4326))) AS v (i, p)"
            ),
            {"prefix": _NO_CAPACITY},
        )
    _fresh_caches()
    try:
        yield
    finally:
        with engine.begin() as c:
            c.execute(remove, {"prefix": _NO_CAPACITY})
        _fresh_caches()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_centres_without_capacity_keep_distance_and_coverage_and_explain_access(
    centres_without_capacity: None, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    monkeypatch.setenv("WALOUJA_TILES", "none")
    at = _open(AppTest.from_file(HOME, default_timeout=180).run(), "3_Coverage_and_equity")
    at.selectbox(key="ctype").set_value("other").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert {"Gini", "جيني"} & {m.label for m in at.metric}  # coverage needs no capacity
    assert not any("other" in m.label for m in at.metric)  # the type is named, not coded
    notice = {"fr": "n'a de capacité connue", "ar": "طاقة استيعابية معروفة"}[lang]
    for indicator in ("access", "places_per_10k"):
        at.selectbox(key="eq_indicator").set_value(indicator).run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        assert any(notice in i.value for i in at.info), [i.value for i in at.info]
        assert "median" not in " ".join(i.value for i in at.info)
    at.selectbox(key="eq_indicator").set_value("nearest_km").run()
    at.button(key="eq_save").click().run()  # a distance needs no places: it is saved
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success
    # the run of centres this test made up goes with them: left behind, every run of the
    # suite added one to the saved analyses, listed with a type no centre has
    with engine.begin() as c:
        c.execute(
            sa.text("DELETE FROM analysis_runs WHERE id = :id"),
            {"id": int(at.session_state["eq_open_id"])},
        )
    at = _open(at, "2_Map_explorer")
    at.selectbox(key="indicator").set_value("nearest_km").run()
    assert at.selectbox(key="ctype").value == "other"
    assert not at.error
    assert not any(notice in i.value for i in at.info)
    at.selectbox(key="indicator").set_value("access").run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(notice in i.value for i in at.info)


def test_a_centre_type_without_operating_centres_is_worded_in_arabic(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_no_centre_of_type(engine, "other")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "ar")
    monkeypatch.setenv("WALOUJA_TILES", "none")
    _fresh_caches()
    # the Coverage page no longer offers the type (it answered with an error box): a link
    # naming it opens on the COAPH and says why, in Arabic
    at = AppTest.from_file(HOME, default_timeout=180)
    at.query_params["ctype"] = "other"
    at = _open(at.run(), "3_Coverage_and_equity")
    assert not at.error, [e.value for e in at.error]
    (note,) = [i.value for i in at.info if "أخرى" in i.value]
    assert "لا يوجد أي مركز من نوع « أخرى » في طور الاشتغال" in note
    assert "operating" not in note
    _fresh_caches()


def test_arabic_pages_write_units_and_lists_in_arabic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALOUJA_LANGUAGE", "ar")
    monkeypatch.setenv("WALOUJA_TILES", "none")
    _fresh_caches()
    try:
        at = _open(AppTest.from_file(HOME, default_timeout=180).run(), "2_Map_explorer")
        at.selectbox(key="indicator").set_value("coverage").run()
        assert at.selectbox(key="km").options == ["10 كلم", "20 كلم", "30 كلم", "60 كلم"]
        demo = [w.value for w in at.sidebar.warning]
        assert any("، " in w for w in demo), demo  # the demonstration layers, listed
        assert not any(", " in w for w in demo), demo
    finally:
        _fresh_caches()


def test_import_report_names_the_coordinate_fields(app: AppTest) -> None:
    at = _open(app, "4_Data")
    text = "name;centre_type;lon;lat\nCentre Rabat;CAS;-6.8416;abc\n"
    at.file_uploader(key="upload").set_value(("centres.csv", text.encode(), "text/csv")).run()
    at.button(key="check").click().run()
    assert not at.exception
    fields = set(_table_with(at, "Raison")["Champ"])
    assert fields
    assert "lat" not in fields
    assert fields <= {"Latitude", "Longitude", "Géométrie"}, fields


def test_data_page_export_says_when_no_row_matches_the_region(app: AppTest, engine: Engine) -> None:
    with engine.connect() as c:
        region, name = c.execute(
            sa.text(
                "SELECT r.code, r.name_fr FROM regions r WHERE NOT EXISTS (SELECT 1 FROM beaches b "
                "JOIN communes m ON m.code = b.commune_code WHERE m.region_code = r.code) "
                "ORDER BY r.code LIMIT 1"
            )
        ).one()
        beaches = c.execute(sa.text("SELECT count(*) FROM beaches")).scalar()
    assert beaches, "load the demonstration layers with `walouja load`"
    at = _open(app, "4_Data")
    at.selectbox(key="exp_layer").set_value("beaches")
    at.selectbox(key="exp_fmt").set_value("csv")
    at.selectbox(key="exp_region").set_value(region)
    at.button(key="export").click().run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        f"Aucune ligne de « Plages » ne correspond aux filtres ({name}) : rien à exporter."
    ]
    assert not at.get("download_button")


def test_counts_of_one_take_the_singular() -> None:
    from app.i18n import count_key, translate

    assert translate(count_key("data.export_rows", 1, "fr"), "fr", n=1) == "1 ligne exportée."
    assert translate(count_key("data.export_rows", 0, "fr"), "fr", n=0) == "0 ligne exportée."
    assert translate(count_key("data.export_rows", 2, "fr"), "fr", n=2) == "2 lignes exportées."
    assert translate(count_key("data.export_rows", 1, "en"), "en", n=1) == "1 row exported."
    assert translate(count_key("data.export_rows", 0, "en"), "en", n=0) == "0 rows exported."
    assert translate(count_key("search.results", 1, "en"), "en", n=1) == "1 commune found"


def _document_scripts(at: AppTest) -> list[str]:
    """The shell's scripts that set the document's language and name the maps' frames."""
    bodies = [str(getattr(h, "value", "") or getattr(h.proto, "body", "")) for h in at.get("html")]
    return [b for b in bodies if "document.documentElement.lang" in b]


def test_the_shell_gives_the_document_its_language_direction_and_map_names(
    app: AppTest,
) -> None:
    # Streamlit's <html lang="en"> made a screen reader read every language with its English
    # voice; the map's frame was announced as "streamlit_folium.st_folium"
    at = _open(app, "2_Map_explorer")
    (shell_script,) = [s for s in _document_scripts(at) if "(w.frames, {})" in s]
    assert 'document.documentElement.lang = "fr"' in shell_script
    assert 'document.documentElement.dir = "ltr"' in shell_script
    named = [s for s in _document_scripts(at) if "explorer_map_frame" in s]
    assert len(named) == 1
    assert '"Carte : Personnes en situation de handicap (Communes)"' in named[0]
    at.sidebar.selectbox(key="lang").set_value("ar").run()
    assert not at.exception
    scripts = _document_scripts(at)
    assert any('lang = "ar"' in s and 'dir = "rtl"' in s for s in scripts), scripts
    assert any("خريطة: الأشخاص في وضعية إعاقة (الجماعات)" in s for s in scripts), scripts


def test_overview_sections_are_level_two_headings_and_demo_marks_an_icon(app: AppTest) -> None:
    # the sections were level 3 under the page's level-1 title: a level was missing for a
    # screen reader; the 🧪 emoji was an empty box without an emoji font
    at = _open(app, "1_Overview")
    assert [h.value for h in at.title] == ["Vue d'ensemble"]
    assert [h.value for h in at.header] == [
        "Maroc",
        "Centres par type",
        "Par territoire",
        "Sources et licences",
    ]
    assert not at.subheader
    demo = [w for w in [*at.warning, *at.sidebar.warning] if "démonstration" in w.value]
    assert demo, [w.value for w in at.warning]
    assert {w.icon for w in demo} == {":material/science:"}
