"""The Coverage and equity page as its reader sees it, in Streamlit's AppTest against the real
database: figures, units and tables in the page's language, the downloaded CSV file."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit import dataframe_util
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest

from app.components import tables
from app.i18n import translate
from tests.app.support import HOME, opened, require_no_centre_of_type
from walouja.settings import Settings

PAGE = "views/3_Coverage_and_equity.py"
NNBSP = "\u202f"


def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _open(monkeypatch: pytest.MonkeyPatch, lang: str, **params: str) -> AppTest:
    """The page opened in ``lang`` at the address ``params`` (offline basemap)."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    _fresh_caches()
    return opened(PAGE, params)


def _page(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, lang: str, **params: str
) -> Iterator[AppTest]:
    with engine.connect() as c:
        n = c.execute(sa.text("SELECT count(*) FROM centres WHERE centre_type = 'COAPH'"))
        assert n.scalar_one() > 0, "no COAPH centres in the test database: run `walouja load`"
    yield _open(monkeypatch, lang, **params)
    _fresh_caches()


@pytest.fixture(params=["fr", "ar", "en"])
def page(
    request: pytest.FixtureRequest,
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
) -> Iterator[AppTest]:
    """The page opened in each language (the default language: AppTest words widget labels
    outside the session)."""
    yield from _page(monkeypatch, engine, str(request.param))


def _lang(at: AppTest) -> str:
    return str(at.session_state["lang"])


def _table(at: AppTest, key: str) -> Any:
    """The first ``st.dataframe`` with the column ``key`` names in the page's language."""
    header = translate(key, _lang(at), km=30, type="COAPH")
    return next(d for d in at.dataframe if header in d.value.columns)


def _helps(frame: Any) -> dict[str, str]:
    """The tooltip of each heading of an ``st.dataframe``."""
    config = json.loads(frame.proto.columns or "{}")
    return {str(c): str(config.get(c, {}).get("help", "")) for c in frame.value.columns}


def _shown(frame: Any) -> pd.DataFrame:
    """The cells of an ``st.dataframe`` as the reader sees them (the Styler's display values)."""
    data = frame.proto.arrow_data.styler.display_values
    assert data, "the table's figures are not written by the page"
    return dataframe_util.convert_arrow_bytes_to_pandas_df(data)


def _coverage_csv(downloads: dict[str, bytes]) -> str:
    """The name of the Coverage table's CSV file (the gaps tab's tables have theirs)."""
    (name,) = [n for n in downloads if n.endswith(".csv") and not n.startswith("walouja_gaps_")]
    return name


# ---- finding 1: the tables and the CSV file -------------------------------------------------


def test_table_figures_are_written_in_the_page_language(page: AppTest) -> None:
    lang = _lang(page)
    thousands = {"fr": NNBSP, "ar": NNBSP, "en": ","}[lang]
    # the table (its short headings), the provinces without a centre
    for key, pwd in (
        ("equity.col.pwd_beyond", "equity.col.pwd"),
        ("equity.gaps_planned", "field.pwd"),
    ):
        column = translate(pwd, lang)
        frame = _table(page, key)
        raw, shown = frame.value, _shown(frame)
        big = raw[column].astype(float).idxmax()
        figure = f"{round(float(raw[column][big])):,}".replace(",", thousands)
        assert shown[column][big] == figure  # 55 643 (55,643 in English), not 55643
        assert pd.api.types.is_numeric_dtype(raw[column])  # still sorts as a number
        assert not shown[column].str.endswith(".0").any()  # counts are whole


def test_the_shares_within_and_beyond_the_distance_read_alike(page: AppTest) -> None:
    # "11" read beside "88,6" for Al Hoceima: both shares with one decimal, summing to 100
    lang = _lang(page)
    within = translate("equity.col.coverage_share", lang, km=30)
    beyond = translate("equity.col.share_beyond", lang, km=30)
    frame = _table(page, "equity.col.share_beyond")
    shown = _shown(frame)
    mark = "," if lang in ("fr", "ar") else "."
    one_decimal = rf"\d+\{mark}\d"
    assert shown[within].str.fullmatch(one_decimal).all(), shown[within].head()
    assert shown[beyond].str.fullmatch(one_decimal).all(), shown[beyond].head()
    both = frame.value[within].astype(float) + frame.value[beyond].astype(float)
    assert (both - 100).abs().max() < 1e-6


def test_the_csv_opens_in_columns_in_the_reader_spreadsheet(
    page: AppTest, downloads: dict[str, bytes]
) -> None:
    lang = _lang(page)
    name = _coverage_csv(downloads)
    assert name == f"walouja_coverage_share_province_COAPH_30km_demo_{lang}.csv"
    data = downloads[name]
    assert data.startswith(b"\xef\xbb\xbf")  # Excel shows Arabic
    sep, decimal = {"fr": (";", ","), "ar": (";", ","), "en": (",", ".")}[lang]
    table = pd.read_csv(
        io.BytesIO(data), sep=sep, decimal=decimal, encoding="utf-8-sig", dtype={0: str}
    )
    shown = _table(page, "equity.col.pwd_beyond").value
    assert len(table) == len(shown)
    # the centre type, the source and the demo mark
    assert len(table.columns) == len(shown.columns) + 3
    kind = table[translate("analysis.centre_type", lang)]
    assert (kind == translate("centre_type.COAPH", lang)).all()  # not the file's name alone
    as_text = pd.read_csv(io.BytesIO(data), sep=sep, encoding="utf-8-sig", dtype=str)
    for key in ("field.pwd", "equity.pwd_beyond"):  # counts are whole: 23468, not 23468.0
        assert as_text[translate(key, lang, km=30)].str.fullmatch(r"\d+").all()
    credit, demo = table.columns[-2:]
    assert table[credit].str.contains("RGPH 2024 (CC BY 4.0)", regex=False).all()
    assert table[demo].notna().all()
    assert {"fr": "démonstration", "ar": "توضيحية", "en": "Demonstration"}[lang] in table[demo][0]
    # figures read back as numbers, decimals included
    share = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    assert share, table.dtypes
    assert page.get("download_button")[0].proto.help  # says how the file is laid out


def test_csv_bytes_writes_missing_figures_empty_and_english_with_commas() -> None:
    frame = pd.DataFrame({"code": ["01"], "pwd": [23468.0], "share": [12.345], "none": [None]})
    decimals = {"pwd": 0, "share": 1, "none": 1}
    data = tables.csv_bytes(frame, {"pwd": "PwD"}, decimals, {"Source": "HCP"}, lang="en")
    assert data.decode("utf-8-sig").splitlines() == [
        "code,PwD,share,none,Source",
        "01,23468,12.3,,HCP",
    ]
    data = tables.csv_bytes(frame, {}, decimals, {}, lang="fr")
    assert data.decode("utf-8-sig").splitlines()[1] == "01;23468;12,3;"


@pytest.mark.parametrize(
    ("heading", "button", "file"),
    [
        ("equity.gaps_planned", "equity.gaps_download_without", "provinces_without_COAPH_demo"),
        (
            "equity.gaps_places_short",
            "equity.gaps_download_places",
            "regions_below_national_rate_demo",
        ),
        ("stage.works_under_way", "equity.gaps_download_cities", "accessible_cities"),
    ],
)
def test_each_table_of_the_gaps_tab_downloads_as_the_csv_it_shows(
    page: AppTest, downloads: dict[str, bytes], heading: str, button: str, file: str
) -> None:
    # the tab's three tables (provinces without a COAPH, regions below the national rate,
    # the Accessible Cities programme) had no download, where the Coverage table has one
    lang = _lang(page)
    labels = [b.proto.label for b in page.get("download_button")]
    assert translate(button, lang, type="COAPH") in labels
    name = f"walouja_gaps_{file}_{lang}.csv"
    assert name in downloads, sorted(downloads)
    raw = downloads[name]
    assert raw.startswith(b"\xef\xbb\xbf")
    sep = ";" if lang in ("fr", "ar") else ","
    got = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False)

    frame = _table(page, heading)
    shown = _shown(frame)
    helps = _helps(frame)
    # every column under its whole heading (the tooltip of the screen's short one), in the
    # order the table reads (Arabic draws it right to left), then the notes
    columns = [helps[c] for c in shown.columns]
    if lang == "ar":
        columns.reverse()
    notes = [translate(k, lang) for k in ("equity.csv.source_col", "equity.csv.data_col")]
    assert list(got.columns)[: len(columns)] == columns
    assert list(got.columns)[len(columns) :] in (
        notes,
        [translate("analysis.centre_type", lang), *notes],
    )
    assert len(got) == len(shown) > 0
    # each cell as on screen, without the thousands' separator
    thousands = {"fr": NNBSP, "ar": NNBSP, "en": ","}[lang]
    for column in shown.columns:
        on_screen = [str(v).replace(thousands, "").lstrip(tables.LRM) for v in shown[column]]
        assert list(got[helps[column]]) == on_screen, column
    credit = got[translate("equity.csv.source_col", lang)]
    assert credit.str.contains("RGPH 2024", regex=False).all()
    demo = got[translate("equity.csv.data_col", lang)]
    assert (demo != "").all() == file.endswith("_demo")


# ---- finding 2: the ranking's tooltip -------------------------------------------------------


def _chart(at: AppTest, index: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """A chart's Vega-Lite spec and its data (the ranking is the last chart on the page)."""
    proto = at.get("vega_lite_chart")[index].proto
    data = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)
    return json.loads(proto.spec), data


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_ranking_tooltip_is_worded_and_written_in_the_page_language(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    for at in _page(monkeypatch, engine, lang, eq_indicator="nearest_km"):
        spec, data = _chart(at, -1)
        titles = [tip.get("title") for tip in spec["encoding"]["tooltip"]]
        assert titles[:2] == [translate("field.code", lang), translate("field.name", lang)]
        assert titles[2].startswith(translate("indicator.nearest_km.mean", lang))
        field = spec["encoding"]["tooltip"][2]["field"]
        unit = translate("indicator.nearest_km.unit", lang)
        decimal = "." if lang == "en" else ","
        for text in data[field]:  # "15,9 km" on a French page, not 15.92
            assert re.fullmatch(rf"\d+{re.escape(decimal)}\d\u00a0{unit}", text), text
        # axis labels take the page's marks too
        for index in (0, -1):  # the Lorenz curve, the ranking
            spec, _ = _chart(at, index)
            assert spec["config"]["locale"]["number"]["decimal"] == decimal


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_lorenz_chart_names_its_two_lines(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # a blue line and a grey dashed one, and nothing on the chart said which was which
    for at in _page(monkeypatch, engine, lang, tab="lorenz"):
        spec, data = _chart(at, 0)
        names = [translate("equity.lorenz_curve", lang), translate("equity.lorenz_equality", lang)]
        for channel in ("color", "strokeDash"):  # one legend: colour and dash together
            encoding = spec["encoding"][channel]
            assert encoding["scale"]["domain"] == names
            assert encoding["legend"] is not None
        assert set(data[spec["encoding"]["color"]["field"]]) == set(names)
        # the diagonal runs from (0, 0) to (1, 1); the curve ends there too
        ends = data.groupby(spec["encoding"]["color"]["field"])[["population", "value"]]
        assert ends.min().to_numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]
        assert ends.max().to_numpy().ravel().tolist() == pytest.approx([1.0] * 4)


def test_the_ranking_writes_a_share_as_precisely_as_the_table(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the ranking read "11 %" for Al Hoceima where the table beside it read "11,4"
    for at in _page(monkeypatch, engine, "fr", eq_indicator="coverage_share"):
        spec, data = _chart(at, -1)
        field = spec["encoding"]["tooltip"][2]["field"]
        assert len(data) > 0
        for text in data[field]:
            assert re.fullmatch(r"\d+,\d\s%", text), text


# ---- finding 3: the Arabic layout -----------------------------------------------------------

PAGE_WIDTH_PX = 900  # the main column at 1366 px beside the sidebar (906 px)


def test_arabic_tables_read_from_the_right_and_fit_the_page(page: AppTest) -> None:
    lang = _lang(page)
    code, name = translate("field.code", lang), translate("field.name", lang)
    for key in ("equity.col.pwd_beyond", "equity.gaps_planned"):
        frame = _table(page, key)
        columns = list(frame.value.columns)
        config = json.loads(frame.proto.columns or "{}")
        if key == "equity.col.pwd_beyond":  # the table: short headings that fit 1366 px
            assert sum(int(config[c]["width"]) for c in columns) <= PAGE_WIDTH_PX
        if lang != "ar":
            assert columns[:2] == [code, name]
            continue
        assert columns[-2:] == [name, code]  # drawn left to right: the code on the right
        assert {config[c].get("alignment") for c in columns} == {"right"}
        # narrow enough that the code and name are not scrolled out of sight
        assert sum(int(config[c]["width"]) for c in columns) <= PAGE_WIDTH_PX
        if key == "equity.gaps_planned":
            assert all(config[c]["help"] == c for c in columns)  # a cut heading reads in full


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_each_short_heading_of_the_table_reads_whole_in_its_tooltip(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
    lang: str,
) -> None:
    # the long headings ran past 1366 px (French: the last three columns out of sight)
    for at in _page(monkeypatch, engine, lang):
        frame = _table(at, "equity.col.pwd_beyond")
        short = ["field.code", "field.name", "equity.col.pwd", "equity.col.coverage_share"]
        short += ["equity.col.pwd_beyond", "equity.col.share_beyond", "field.places"]
        short += ["equity.col.places_per_10k"]
        whole = ["field.code", "field.name", "field.pwd", "map.indicator.coverage"]
        whole += ["equity.pwd_beyond", "equity.share_beyond", "field.places"]
        whole += ["indicator.places_per_10k"]
        step = -1 if lang == "ar" else 1
        headings = [translate(k, lang, km=30) for k in short][::step]
        tooltips = [translate(k, lang, km=30) for k in whole]
        tooltips[3] += " (%)"
        assert list(frame.value.columns) == headings
        assert list(_helps(frame).values()) == tooltips[::step]
        name = _coverage_csv(downloads)
        csv_headings = downloads[name].decode("utf-8-sig").splitlines()[0]
        assert all(h in csv_headings for h in tooltips)  # the file keeps the whole headings


def test_arabic_ranking_puts_the_names_on_the_right_of_the_bars(page: AppTest) -> None:
    rtl = _lang(page) == "ar"
    spec, _ = _chart(page, -1)
    assert spec["encoding"]["y"]["axis"]["orient"] == ("right" if rtl else "left")
    assert spec["encoding"]["x"]["scale"]["reverse"] is rtl
    styles = " ".join(str(h.proto.body) for h in page.get("html"))
    # Vega aligns labels by "start"/"end": in a right-to-left block they fell under the bars
    assert ('stVegaLiteChart"] { direction: ltr; }' in styles) is rtl


def test_indicator_names_fit_their_box_and_read_right_to_left_in_arabic(page: AppTest) -> None:
    box = page.selectbox(key="eq_indicator")
    for label in box.options:
        text = label.strip("\u2067\u2069")
        assert len(text) <= 40, label  # the longest, "الولوجية 2SFCA (مقاعد لكل…)", was cut
        assert (label != text) is (_lang(page) == "ar")  # one right-to-left run


# ---- finding 4: the provinces without a centre ----------------------------------------------


def test_the_gaps_count_names_the_status_as_elsewhere(page: AppTest) -> None:
    lang = _lang(page)
    label = {
        "fr": "Provinces et préfectures sans COAPH en activité",
        "ar": "أقاليم وعمالات بدون COAPH في طور الاشتغال",
        "en": "Provinces and prefectures without an operating COAPH",
    }[lang]
    assert label in {m.label for m in page.metric}
    assert translate("status.operating", lang) in label


# ---- finding 5: percentages and thousands as each language writes them ----------------------


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_percentages_and_figures_are_written_alike_across_the_page(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # places per 10,000: the Palma ratio is undefined, and its note names "the worst-off 40%"
    for at in _page(monkeypatch, engine, lang, eq_indicator="places_per_10k"):
        texts = [m.value for m in at.metric] + [c.value for c in at.caption]
        at.selectbox(key="eq_indicator").set_value("coverage_share").run()
        assert not at.exception
        mean = {m.label: m.value for m in at.metric}[translate("equity.mean", lang)]
        texts += [m.value for m in at.metric] + [c.value for c in at.caption]
    percent = {"fr": f"{NNBSP}%", "ar": "%", "en": "%"}[lang]
    mark = "." if lang == "en" else ","
    # 62,0 % / 62.0%, as "13%" (one decimal, as the table's shares and the Overview's)
    assert re.fullmatch(rf"\d+\{mark}\d{re.escape(percent)}", mean), mean
    for text in texts:
        if lang == "fr":
            assert not re.search(r"\d%", text), text
        else:  # CLDR: "62%" in Arabic (Latin digits) and English
            assert not re.search(r"\d[ \u00a0\u202f]%", text), text
        if lang == "en":  # 18,577 as the command line prints it
            assert not re.search(r"\d[\u202f ]\d{3}\b", text), text


def test_the_maps_legend_names_the_distance(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, downloads: dict[str, bytes]
) -> None:
    # it read "share within the threshold of a centre": which threshold, the map did not say
    for at in _page(monkeypatch, engine, "fr", km="10"):
        scripts = [
            str(json.loads(c.proto.json_args).get("script", ""))
            for c in at.get("component_instance")
        ]
        assert any("10 km" in s or "10\\u00a0km" in s for s in scripts), "no 10 km in the legend"


# ---- the open tab through a change of language ----------------------------------------------


def _open_tab(at: AppTest) -> str:
    """The label of the tab the page opens (the tab container's start, as the browser gets
    it)."""

    def containers(node: Any) -> Iterator[Any]:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if isinstance(proto, BlockProto) and proto.HasField("tab_container"):
                yield child
            yield from containers(child)

    (tabs,) = list(containers(at._tree))
    index = tabs.proto.tab_container.default_tab_index
    return str(list(tabs.children.values())[index].label)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_change_of_language_keeps_the_tab_the_planner_was_on(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the planner reading the ranking in French found the table again in Arabic
    for at in _page(monkeypatch, engine, "fr"):
        assert _open_tab(at) == translate("equity.tab_table", "fr")
        at.session_state["tab_tab"] = translate("equity.tab_rank", "fr")  # a click on it
        at.run()
        assert _open_tab(at) == translate("equity.tab_rank", "fr")
        assert at.query_params["tab"] == "rank"  # the address names it in every language
        at.selectbox(key="by").set_value("region").run()  # another choice: the tab stays
        assert _open_tab(at) == translate("equity.tab_rank", "fr")
        # the sidebar's choice (AppTest words the page's boxes in the default language,
        # outside the session: its language box cannot be set after a change of language)
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, at.exception
        assert at.title[0].value == translate("equity.title", lang)
        assert _open_tab(at) == translate("equity.tab_rank", lang)


def test_a_shared_link_opens_its_tab(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for at in _page(monkeypatch, engine, "ar", tab="lorenz"):
        assert _open_tab(at) == translate("equity.tab_lorenz", "ar")
    for at in _page(monkeypatch, engine, "fr", tab="nonsense"):  # a stale link: the table
        assert _open_tab(at) == translate("equity.tab_table", "fr")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_coverage_column_names_its_distance(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, bytes],
    lang: str,
) -> None:
    # "Coverage: share within the threshold of a centre (%)" beside "PwD beyond 10 km": which
    # threshold, the column, its CSV heading and the ranking's axis did not say
    for at in _page(monkeypatch, engine, lang, km="10"):
        heading = translate("map.indicator.coverage", lang, km=10) + " (%)"
        short = translate("equity.col.coverage_share", lang, km=10)
        assert "10" in short
        assert _helps(_table(at, "field.places"))[short] == heading
        name = _coverage_csv(downloads)
        assert heading in downloads[name].decode("utf-8-sig").splitlines()[0]
        spec, _ = _chart(at, -1)
        assert spec["encoding"]["x"]["title"] == heading


def test_the_ranking_writes_each_figure_beside_its_bar(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # at 20 km most of the 25 worst-covered provinces are at 0 %: names with no bar, which
    # read as missing figures
    for at in _page(monkeypatch, engine, "ar", km="20"):
        spec, data = _chart(at, -1)
        marks = {layer["mark"]["type"]: layer for layer in spec["layer"]}
        assert marks["text"]["encoding"]["text"]["field"] == "shown_text"
        assert marks["text"]["mark"]["align"] == "right"  # the bars grow leftwards in Arabic
        assert (data["shown"] == 0).any()
        assert set(data.loc[data["shown"] == 0, "shown_text"]) == {"0,0%"}  # as the table: 0,0


def test_a_centre_type_without_operating_centres_is_not_offered(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Autre" was offered, and answered with a red "cannot continue" box and no figures
    require_no_centre_of_type(engine, "other")
    for at in _page(monkeypatch, engine, "fr"):
        assert "other" not in at.selectbox(key="ctype").options
    for at in _page(monkeypatch, engine, "fr", ctype="other"):  # a link from before
        assert not at.error, [e.value for e in at.error]
        assert at.selectbox(key="ctype").value == "COAPH"
        assert any("« Autre » n'est en service" in i.value for i in at.info)
        assert len(at.metric) >= 5  # the figures are shown


def test_the_distance_column_says_it_is_a_mean(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a province's distance is the mean of its communes' (weighted by their PwD)
    for at in _page(monkeypatch, engine, "en", eq_indicator="nearest_km"):
        heading = translate("indicator.nearest_km.mean", "en") + " (km)"
        assert heading == "Mean distance to the nearest centre (km)"
        # the table's heading is short ("Mean distance (km)"), whole in its tooltip
        assert _helps(_table(at, "field.places"))["Mean distance (km)"] == heading


def test_the_ranking_names_sit_level_with_their_bars(page: AppTest) -> None:
    # Vega's flush labels pulled the first name down, between the first two bars
    spec, _ = _chart(page, -1)
    assert spec["encoding"]["y"]["axis"]["labelFlush"] is False


def test_a_saved_distance_analysis_is_listed_as_a_mean(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the list of saved analyses said "Distance to the nearest centre" where the table,
    # for the same provinces, says "Mean distance to the nearest centre"
    for at in _page(monkeypatch, engine, "en", eq_indicator="nearest_km"):
        at.button(key="eq_save").click().run()
        assert not at.exception, at.exception
        request = translate("runs.request", "en")
        listing = next(d.value for d in at.dataframe if request in d.value.columns)
        described = listing[request].tolist()
        assert any(
            d.startswith("Mean distance to the nearest centre · Provinces") for d in described
        )
        assert not any(d.startswith("Distance to the nearest centre") for d in described)


def test_the_ranking_leaves_room_for_the_longest_bars_figure(page: AppTest) -> None:
    # the figure beyond the longest bar ran off the chart ("273,3 كلم" in Arabic)
    spec, _ = _chart(page, -1)
    side = "left" if _lang(page) == "ar" else "right"
    assert spec["padding"][side] >= 60


# ---- the census's credit, the indices' help, the saved runs' times ---------------------------


def test_the_census_figures_credit_hcp_under_every_tab(page: AppTest) -> None:
    # the table, the ranking and the Lorenz curve show HCP's census figures (persons with
    # disabilities): its CC BY 4.0 licence was credited only in the map's corner and the CSV
    lang = _lang(page)
    credit = translate("equity.csv.source", lang)
    assert "CC BY 4.0" in credit
    assert credit in [c.value for c in page.caption]
    links = [str(x.proto.label) for x in page.get("page_link")]
    assert translate("sources.more", lang) in links


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_palma_help_of_a_distance_names_the_farthest(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # for a distance the top 10 % are the farthest: "the best-off 10 %" read the other way
    label = translate("equity.palma", lang)
    for at in _page(monkeypatch, engine, lang, eq_indicator="nearest_km"):
        (palma,) = [m for m in at.metric if m.label == label]
        assert palma.proto.help == translate("equity.palma_help_distance", lang)
        at.selectbox(key="eq_indicator").set_value("coverage_share").run()
        (palma,) = [m for m in at.metric if m.label == label]
        assert palma.proto.help == translate("equity.palma_help", lang)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_gini_and_palma_say_they_do_not_change_with_the_level(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # by province, then by region: the same Gini and Palma (they are computed commune by
    # commune), and a planner who switched the level to compare saw no reason why
    labels = [translate("equity.gini", lang), translate("equity.palma", lang)]
    level = {"fr": "région", "ar": "الجهات", "en": "region"}[lang]
    for at in _page(monkeypatch, engine, lang):
        shown = {m.label: (m.value, m.proto.help) for m in at.metric if m.label in labels}
        assert all(level in help_ for _, help_ in shown.values()), shown
        at.selectbox(key="by").set_value("region").run()
        assert not at.exception
        again = {m.label: (m.value, m.proto.help) for m in at.metric if m.label in labels}
        assert len(shown) == 2
        assert again == shown


def test_a_saved_run_says_its_time_zone(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the database's UTC time, shown bare, read as Moroccan time an hour off
    for at in _page(monkeypatch, engine, "fr"):
        at.button(key="eq_save").click().run()
        assert not at.exception, at.exception
        created = translate("runs.created", "fr")
        listing = next(d.value for d in at.dataframe if created in d.value.columns)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", w) for w in listing[created])


def test_a_blank_name_saves_the_run_unnamed_and_a_name_is_trimmed(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a name of spaces alone was a name; every stored run now reads its name as the
    # prioritisation scenarios do (geo.runs.run_name), on this page as in the CLI
    mine = (
        "kind = 'equity' AND params->>'indicator' = 'places_per_10k' "
        "AND params->>'by' = 'region' AND params->>'centre_type' = 'CJPA' "
        "AND (params->>'threshold_km')::float = 10"
    )
    with engine.begin() as c:
        c.execute(sa.text(f"DELETE FROM analysis_runs WHERE {mine}"))
    try:
        for at in _page(
            monkeypatch, engine, "fr", ctype="CJPA", km="10", eq_indicator="places_per_10k"
        ):
            at.selectbox(key="by").set_value("region").run()
            for typed, stored in (("   ", None), ("  Places CJPA 2026 ", "Places CJPA 2026")):
                at.text_input(key="eq_run_name").input(typed).run()
                at.button(key="eq_save").click().run()
                assert not at.exception, at.exception
                with engine.connect() as c:
                    names = c.execute(
                        sa.text(f"SELECT name FROM analysis_runs WHERE {mine}")
                    ).scalars()
                    assert list(names) == [stored]
    finally:
        with engine.begin() as c:
            c.execute(sa.text(f"DELETE FROM analysis_runs WHERE {mine}"))


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_run_saved_again_under_another_name_is_said_to_be_a_new_number(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the same analysis saved under a second name is kept as a new run beside the first:
    # the page said "This analysis was already saved on the same data: no. 631" of the
    # run it had just made
    mine = (
        "kind = 'equity' AND params->>'indicator' = 'coverage_share' "
        "AND params->>'by' = 'region' AND params->>'centre_type' = 'CAPE' "
        "AND (params->>'threshold_km')::float = 20"
    )
    with engine.begin() as c:
        c.execute(sa.text(f"DELETE FROM analysis_runs WHERE {mine}"))
    try:
        for at in _page(monkeypatch, engine, lang, ctype="CAPE", km="20", by="region"):
            at.text_input(key="eq_run_name").input("Comité A").run()
            at.button(key="eq_save").click().run()
            first = int(at.session_state["eq_open_id"])
            assert [s.value for s in at.success] == [translate("runs.saved", lang, id=first)]
            at.text_input(key="eq_run_name").input("Comité B").run()
            at.button(key="eq_save").click().run()
            assert not at.exception, at.exception
            second = int(at.session_state["eq_open_id"])
            assert second != first
            said = translate("runs.saved_copy", lang, id=second, other=first)
            assert [s.value for s in at.success] == [said]
    finally:
        with engine.begin() as c:
            c.execute(sa.text(f"DELETE FROM analysis_runs WHERE {mine}"))


@pytest.fixture
def stored_equity(engine: Engine) -> Iterator[Any]:
    """Stores an equity run of the given params (the page's settings unless said otherwise),
    as ``walouja equity`` would, and deletes every run it stored."""
    ids: list[int] = []
    page_params = {
        "by": "region",
        "method": "2sfca",
        "statuses": ["operating"],
        "indicator": "nearest_km",
        "centre_type": "COAPH",
        "catchment_km": 60.0,
        "threshold_km": 30.0,
        "detour_factor": 1.0,
        "missing_capacity": "median",
    }

    def store(**params: Any) -> int:
        with engine.begin() as c:
            found = c.execute(
                sa.text(
                    "INSERT INTO analysis_runs (kind, params, fingerprint, results) "
                    "VALUES ('equity', CAST(:p AS jsonb), 'test', '{}') RETURNING id"
                ),
                {"p": json.dumps(page_params | params)},
            )
            ids.append(int(found.scalar_one()))
        return ids[-1]

    yield store
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": ids})


def _offered(at: AppTest) -> set[int]:
    """The runs the box "Reopen the analysis" offers."""
    box = at.selectbox(key="eq_open_id")
    return {int(re.match(r"#(\d+) ", o).group(1)) for o in box.options}  # type: ignore[union-attr]


def _said_closed(at: AppTest, key: str, **fields: str) -> set[int]:
    """The runs the sentence ``key`` beneath the saved analyses says are not reopened."""
    lang = _lang(at)
    before, after = translate(key, lang, ids="\0", **fields).split("\0")
    for caption in at.caption:
        if before in caption.value:
            listed = caption.value.split(before, 1)[1].split(after, 1)[0]
            return {int(i) for i in listed.split(translate("list.separator", lang))}
    return set()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_command_line_run_is_listed_with_its_own_settings(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    stored_equity: Any,
    lang: str,
) -> None:
    # `walouja equity --indicator access --method e2sfca --catchment-km 45` was listed as
    # "2SFCA access (within 60 km)", and a run of road km (--detour-factor 1.3) or of 0
    # places for a centre of unknown capacity as the page's own: neither can be reopened
    # here, and nothing said why
    e2sfca = stored_equity(indicator="access", method="e2sfca", catchment_km=45.0)
    detour = stored_equity(detour_factor=1.3)
    places = stored_equity(indicator="places_per_10k", missing_capacity=0.0)
    for at in _page(monkeypatch, engine, lang):
        request = translate("runs.request", lang)
        listing = next(d.value for d in at.dataframe if request in d.value.columns)
        said = dict(zip(listing[translate("runs.id", lang)], listing[request], strict=True))
        decimal = "." if lang == "en" else ","
        assert "E2SFCA" in said[e2sfca]
        assert "45" in said[e2sfca]
        assert "2SFCA (" not in said[e2sfca].replace("E2SFCA", "")
        assert f"× 1{decimal}3" in said[detour]
        assert translate("runs.missing_places", lang, places="0") in said[places]
        assert not {e2sfca, detour, places} & _offered(at)
        assert {e2sfca, detour, places} <= _said_closed(at, "runs.closed_settings")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_run_of_a_type_with_no_operating_centre_is_not_offered_to_reopen(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    stored_equity: Any,
    lang: str,
) -> None:
    # a run of the "other" centres (saved when some were operating) reopened as the COAPH's
    # under "Analysis reopened: … other-type centre. The top of the page shows it."
    require_no_centre_of_type(engine, "other")
    other = stored_equity(centre_type="other")
    for at in _page(monkeypatch, engine, lang):
        assert other not in _offered(at)
        kind = translate("centre_type.other", lang)
        assert other in _said_closed(at, "runs.closed_type", type=kind)


# ---- what the places figures count -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_places_say_that_centres_of_unknown_capacity_count_the_median(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # a province whose one COAPH has no capacity read "Places 102" with no word of where
    # 102 came from, and the national places per 10,000 read 245,2 here beside 174,6 (the
    # known capacities) on the Overview: the page says which centres count the median
    with engine.connect() as c:
        unknown, median = c.execute(
            sa.text(
                "SELECT count(*) - count(capacity), "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY capacity) FROM centres "
                "WHERE centre_type = 'COAPH' AND status = 'operating'"
            )
        ).one()
    assert unknown > 0, "expects the demonstration centres, some of unknown capacity"
    assert float(median).is_integer()
    for at in _page(monkeypatch, engine, lang):
        expected = translate(
            "capacity.filled.many"
            if lang == "ar" and 11 <= unknown <= 99
            else "capacity.filled.few"
            if lang == "ar" and 3 <= unknown <= 10
            else "capacity.filled",
            lang,
            n=str(unknown),
            places=str(int(median)),
        )
        assert expected in [c.value for c in at.caption]
        # and the places a province of such a centre shows are that median
        frame = _table(at, "field.places")
        places = translate("field.places", lang)
        with engine.connect() as c:
            province = c.execute(
                sa.text(
                    "SELECT m.province_code FROM centres AS x JOIN communes AS m "
                    "ON m.code = x.commune_code WHERE x.centre_type = 'COAPH' "
                    "AND x.status = 'operating' GROUP BY m.province_code "
                    "HAVING count(*) = 1 AND count(x.capacity) = 0 LIMIT 1"
                )
            ).scalar_one()
        code = translate("field.code", lang)
        row = frame.value.loc[frame.value[code] == province]
        assert float(row[places].iloc[0]) == float(median)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_action_plans_target_is_claimed_for_the_coaph_alone(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # "Objectif du plan d'action : un CAS dans chaque province ou préfecture": the plan's
    # target of one centre per province is the COAPH's, and no plan sets one for a CAS
    target = translate("equity.gaps_note", lang, type="COAPH")
    for at in _page(monkeypatch, engine, lang):
        assert target in [c.value for c in at.caption]
        at.selectbox(key="ctype").set_value("CAS").run()
        assert not at.exception, at.exception
        captions = [c.value for c in at.caption]
        assert translate("equity.gaps_note", lang, type="CAS") not in captions
        assert translate("equity.gaps_note_other", lang, type="CAS") in captions
        assert "{type}" not in translate("equity.gaps_note_other", lang)  # "les centre d'un…"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_rankings_note_counts_the_units_it_shows(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # by region the ranking's note read "the 25 least well served territories" under the
    # twelve regions' bars
    with engine.connect() as c:
        regions = c.execute(sa.text("SELECT count(*) FROM regions")).scalar_one()
        tiling = c.execute(
            sa.text("SELECT count(DISTINCT province_code) FROM communes")
        ).scalar_one()
    for at in _page(monkeypatch, engine, lang, tab="rank"):
        captions = [c.value for c in at.caption]
        assert translate("equity.rank_note", lang, n="25", total=str(tiling)) in captions
        at.selectbox(key="by").set_value("region").run()
        assert not at.exception, at.exception
        captions = [c.value for c in at.caption]
        assert translate("equity.rank_note_regions", lang, n=str(regions)) in captions


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_national_coverage_reads_as_on_the_overview(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # every type within 30 km: the Overview read "94,4 %" and this page "94 %", and the
    # urban / rural split "99 / 99 %" hid a gap the table's one decimal shows
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    _fresh_caches()
    at = AppTest.from_file(HOME, default_timeout=180)
    at.query_params["ctype"] = "any"
    at.run()
    label = translate("overview.coverage", lang, km=30)
    (overview,) = [m.value for m in at.metric if m.label == label]
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    (mean,) = [m.value for m in at.metric if m.label == translate("equity.mean", lang)]
    assert mean == overview
    (split,) = [m.value for m in at.metric if m.label == translate("equity.urban_rural", lang)]
    mark = "," if lang in ("fr", "ar") else "."
    assert re.fullmatch(rf"\d+\{mark}\d / \d+\{mark}\d\u202f?%", split), split
    _fresh_caches()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_provinces_without_a_centre_name_the_type_under_way(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the two last columns read "en construction" and "programmé", lower case, with no word
    # of what is under construction: a COAPH, or a CAS when CAS are shown
    for at in _page(monkeypatch, engine, lang, tab="gaps"):
        for kind in ("COAPH", "CAS"):
            at.selectbox(key="ctype").set_value(kind).run()
            assert not at.exception, at.exception
            building = translate("equity.gaps_under_construction", lang, type=kind)
            planned = translate("equity.gaps_planned", lang, type=kind)
            assert kind in building
            assert kind in planned
            (table,) = [d for d in at.dataframe if planned in d.value.columns]
            assert building in table.value.columns
            assert translate("status.planned", lang) not in table.value.columns


def test_the_figures_under_every_tab_say_they_count_demonstration_centres(
    page: AppTest, engine: Engine
) -> None:
    # the banner at the top was out of sight by the table's last rows, the ranking or the
    # provinces without a centre, whose counts read as official
    with engine.connect() as c:
        demo = c.execute(sa.text("SELECT count(*) FROM centres WHERE is_demo")).scalar_one()
    assert demo > 0, "expects the demonstration centres"
    note = translate("overview.demo_computed", _lang(page))
    captions = [c.value for c in page.caption]
    (found,) = [i for i, c in enumerate(captions) if c.endswith(note)]
    # beneath the tabs, beside the census's credit
    assert captions[found + 1] == translate("equity.csv.source", _lang(page))


# ---- no inequality to measure: everyone covered, or no one --------------------------------

# an "other" centre on every commune's demand point (every commune covered, every distance
# 0 km) and one CJPA out at sea off Agadir, 700 km from any commune (no one covered, no place
# within reach, no place in any commune)
_EVERYWHERE_AND_NOWHERE = """
INSERT INTO centres (external_id, name, centre_type, capacity, status, commune_code, geom,
                     source, is_demo)
SELECT 'test-' || code, 'Test ' || code, 'other', 10, 'operating', code, demand_point,
       'test', true
FROM communes
UNION ALL
SELECT 'test-sea', 'Test at sea', 'CJPA', 10, 'operating', NULL,
       ST_SetSRID(ST_MakePoint(-17, 30), 4326), 'test', true
"""


def test_everyone_or_no_one_covered_is_said_in_words(
    scratch_geography: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every commune within 10 km of a centre read "Gini -0,000" and "0 % of the inequality
    # lies between regions; the rest lies within regions"; every distance 0 km, or no one
    # within the distance, read "Impossible de continuer : nearest_km is 0 in every commune:
    # its inequality is undefined", in English, with advice to look for centres within reach
    with scratch_geography.begin() as c:
        c.execute(sa.text(_EVERYWHERE_AND_NOWHERE))

    def opened(lang: str, **params: str) -> AppTest:
        at = _open(monkeypatch, lang, **params)
        assert not at.error, [e.value for e in at.error]
        return at

    try:
        for lang in ("fr", "ar", "en"):
            at = opened(lang, ctype="other", km="10")
            shown = {m.label: m.value for m in at.metric}
            zero = "0.000" if lang == "en" else "0,000"
            assert shown[translate("equity.gini", lang)] == zero
            assert shown[translate("equity.theil", lang)] == zero
            captions = [c.value for c in at.caption]
            assert translate("equity.no_inequality", lang) in captions
            assert translate("equity.theil_split", lang, share="0") not in captions
            (theil,) = [m for m in at.metric if m.label == translate("equity.theil", lang)]
            assert theil.proto.help == translate("equity.no_inequality", lang)  # not "0 %…"
            # every province has one: said, where an empty table showed its headings alone
            every = translate(
                "equity.gaps_none", lang, type=translate("centre_type.other.short", lang)
            )
            assert every in [s.value for s in at.success]
            for ctype, indicator in (
                ("other", "nearest_km"),
                ("CJPA", "coverage_share"),
                ("CJPA", "access"),
                ("CJPA", "places_per_10k"),
            ):
                at = opened(lang, ctype=ctype, km="10", eq_indicator=indicator)
                label = translate(f"centre_type.{ctype}", lang)
                said = translate(f"equity.zero.{indicator}", lang, type=label, km="10")
                assert said in [i.value for i in at.info], (ctype, indicator)
    finally:
        _fresh_caches()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_reopened_analysis_says_so_beside_its_button(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # the boxes "Ouvrir" sets are at the top of the page, out of sight at 1366 × 768 from
    # the button at its foot: the click seemed to do nothing
    for at in _page(monkeypatch, engine, lang, ctype="CAS", km="20", by="region"):
        at.button(key="eq_save").click().run()
        assert not at.exception, at.exception
        saved = int(at.session_state["eq_open_id"])
        at.selectbox(key="ctype").set_value("CJPA").run()
        at.selectbox(key="by").set_value("province").run()
        at.button(key="eq_open").click().run()
        assert not at.exception, at.exception
        assert at.selectbox(key="ctype").value == "CAS"
        assert at.selectbox(key="by").value == "region"
        said = [s.value for s in at.success]
        assert len(said) == 1
        assert said[0].startswith(translate("runs.opened", lang, what="").split(":")[0])
        assert f"#{saved} — " in said[0]
        at.run()  # said once: the next run shows the page without it
        assert not [s.value for s in at.success]


_COAPH_AT = """
INSERT INTO centres (external_id, name, centre_type, capacity, status, commune_code, geom,
                     source, is_demo)
SELECT 'test-' || code, 'Test ' || code, 'COAPH', 50, 'operating', code, demand_point,
       'test', true
FROM communes WHERE code = ANY(:codes)
"""


def test_a_run_reopened_on_changed_data_says_so_with_the_figures_it_was_saved_with(
    scratch_geography: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Analyse rouverte : … Le haut de la page la montre." and the top of the page showed
    # other figures than the ones saved: the page computes the request on today's data
    with scratch_geography.begin() as c:
        codes = c.execute(sa.text("SELECT code FROM communes ORDER BY pwd DESC LIMIT 3"))
        first, second, third = codes.scalars()
        c.execute(sa.text(_COAPH_AT), {"codes": [first, second]})

    def changed(at: AppTest) -> list[str]:
        """The page's warnings that the data changed since the run reopened was saved."""
        before = translate("runs.data_changed", _lang(at), when="\0").split("\0")[0]
        return [w.value for w in at.warning if w.value.startswith(before)]

    def mean(at: AppTest) -> str:
        return next(m.value for m in at.metric if m.label == translate("equity.mean", _lang(at)))

    try:
        at = _open(monkeypatch, "fr")
        saved_mean = mean(at)
        at.button(key="eq_save").click().run()
        at.button(key="eq_open").click().run()
        assert not at.exception, at.exception
        assert [s.value for s in at.success]
        assert not changed(at)  # the same data: nothing to say
        with scratch_geography.begin() as c:  # a new COAPH since
            c.execute(sa.text(_COAPH_AT), {"codes": [third]})
        for lang in ("fr", "ar", "en"):
            at = _open(monkeypatch, lang)
            at.button(key="eq_open").click().run()
            assert not at.exception, at.exception
            (said,) = changed(at)
            gini = translate("equity.gini", lang)
            if lang == "fr":
                assert mean(at) != saved_mean  # what the page shows is today's
                assert f"moyenne {saved_mean}, Gini " in said
            assert gini in said
    finally:
        _fresh_caches()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_places_per_10000_figures_name_their_unit(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # "Moyenne nationale 27,9" and "Urbain / rural 27,6 / 28,3": places per 10,000 persons
    # with disabilities have no sign to write after the figure, and nothing said what 27,9 was
    per = translate("equity.per_10k", lang)
    for at in _page(monkeypatch, engine, lang, eq_indicator="access"):
        for indicator in ("access", "places_per_10k", "coverage_share"):
            at.selectbox(key="eq_indicator").set_value(indicator).run()
            assert not at.exception, at.exception
            labels = [m.label for m in at.metric]
            mean = f"{translate('equity.mean', lang)} ({per})"
            split = f"{translate('equity.urban_rural', lang)} ({per})"
            named = indicator != "coverage_share"  # a share writes its "%" after the figure
            assert (mean in labels) is named, labels
            assert (split in labels) is named, labels
