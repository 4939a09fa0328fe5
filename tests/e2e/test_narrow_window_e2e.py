"""The pages in a narrow window (800 px, the sidebar open): what they show reads whole."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.e2e.conftest import (
    ARTIFACTS,
    cut_texts,
    grid_page,
    last_draws,
    map_document,
    map_iframe,
    settle_grids,
    toolbar_button,
)
from tests.e2e.test_coverage_e2e import _CUT_FIGURES  # a figure cut by its box

pytestmark = pytest.mark.e2e


NARROW = {"width": 800, "height": 900}
"""A window 800 px wide (the sidebar open takes 300 of them)."""


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_800_px_the_national_figures_read_whole(app: str, page: Any, lang: str) -> None:
    # four figures a row in columns of 105 px: the population read "36 4…" ("…591" in
    # Arabic, as if 591 people lived in Morocco), the persons with disabilities "1 73…"
    page.set_viewport_size(NARROW)
    page.goto(f"{app}/?lang={lang}")
    figures = page.locator("[data-testid='stMetricValue']")
    figures.nth(7).wait_for()
    assert page.locator("[data-testid='stSidebar']").is_visible()  # 300 px of the 800
    assert page.evaluate(_CUT_FIGURES) == []
    texts = figures.all_inner_texts()
    assert any(t.replace("\u202f", "").replace(",", "").isdigit() and len(t) > 9 for t in texts)
    page.screenshot(path=str(ARTIFACTS / f"overview-800-{lang}.png"))


_SHOWS_MOROCCO = """bounds => {
    const map = Object.values(window).find(v => v && v instanceof L.Map);
    return map.getBounds().contains(L.latLngBounds(bounds));
}"""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_800_px_the_national_map_shows_the_whole_country(app: str, page: Any, lang: str) -> None:
    # the map, 334 px wide beside the unit's panel, opened at the zoom of a wide one:
    # the Oriental (Oujda, Figuig) and Lagouira were out of sight
    from app.components.mapview import MOROCCO_BOUNDS

    page.set_viewport_size(NARROW)
    page.goto(f"{app}/map_explorer?lang={lang}")
    page.frame_locator(map_iframe()).locator("path.leaflet-interactive").first.wait_for(
        state="attached"
    )
    doc = map_document(page)
    doc.wait_for_function("() => window.L && Object.values(window).some(v => v instanceof L.Map)")
    assert doc.evaluate(_SHOWS_MOROCCO, MOROCCO_BOUNDS)
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-800-{lang}.png"))


_FIGURE_SIZES = """() => [...document.querySelectorAll('[data-testid=stMetricValue]')]
    .map(v => getComputedStyle(v).fontSize)"""


def _whole_then_wide(page: Any, shown: Any, *, wait: Any) -> None:
    """No figure of the page at 800 px is cut; at 1366 px each keeps Streamlit's 2.25rem."""
    shown()
    assert page.evaluate(_CUT_FIGURES) == [], page.url
    page.set_viewport_size({"width": 1366, "height": 900})
    wait()
    assert set(page.evaluate(_FIGURE_SIZES)) == {"36px"}, page.url
    page.set_viewport_size(NARROW)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_800_px_the_coverage_figures_read_whole(app: str, page: Any, lang: str) -> None:
    # five to a row in columns of 71 px (121 for the urban/rural gap): "62,0 %" read "62,…",
    # "29,3 km" "29,…" and "20,5 / 40,5 km" "20,5 / 40,…" (cut at 1024 px too)
    page.set_viewport_size(NARROW)
    for indicator in ("coverage_share", "nearest_km", "access", "places_per_10k"):
        page.goto(f"{app}/coverage_and_equity?lang={lang}&eq_indicator={indicator}")
        figures = page.locator("[data-testid='stMetricValue']")

        def shown(figures: Any = figures) -> None:
            figures.nth(4).wait_for()

        _whole_then_wide(page, shown, wait=shown)
    assert page.locator("[data-testid='stSidebar']").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"coverage-800-{lang}.png"))


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_800_px_the_prioritise_figures_read_whole(app: str, page: Any, lang: str) -> None:
    # four to a row in columns of 105 px: the persons covered read "1 151 9…" (1024 px too)
    from app.i18n import translate

    page.set_viewport_size(NARROW)
    page.goto(f"{app}/prioritise_centres?lang={lang}&p_new=2&p_ctype=COAPH&p_km=30")
    figures = page.locator("[data-testid='stMetricValue']")

    def shown() -> None:
        page.get_by_role("button", name=translate("prioritise.run", lang)).click()
        figures.nth(3).wait_for(timeout=120_000)

    _whole_then_wide(page, shown, wait=lambda: figures.nth(3).wait_for())
    assert any(len(t) > 7 for t in figures.all_inner_texts())  # "1 151 955"
    page.screenshot(path=str(ARTIFACTS / f"prioritise-800-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_800_px_the_centres_by_type_read_whole_with_their_counts_and_places(
    app: str, browser: Any, lang: str
) -> None:
    # the type's column took the whole table (466 px): "Centres par type" showed the types'
    # names only, the counts and places out of sight with no scroll bar to reach them
    from app.i18n import translate

    with grid_page(browser, width=NARROW["width"], height=NARROW["height"]) as page:
        page.goto(f"{app}/?lang={lang}")
        page.locator("[data-testid='stDataFrame']").first.wait_for()
        assert page.locator("[data-testid='stSidebar']").is_visible()
        headings = {translate(f"field.{k}", lang) for k in ("centre_type", "centres", "places")}
        names = {translate("overview.type.COAPH", lang), translate("centre_type.CAS", lang)}
        page.wait_for_function(
            "texts => texts.every(t => window.__drawn.some(d => d.table === 0 && d.text === t))",
            arg=sorted(names),
        )
        settle_grids(page)
        drawn = last_draws(page, 0)
        in_sight = {d["text"] for d in drawn if d["left"] >= 0 and d["right"] <= d["canvas"]}
        assert headings | names <= in_sight, sorted(in_sight)
        assert cut_texts(drawn) == []
        # each type's row: its name, count and places, all three in sight
        rows = [d for d in drawn if d["text"] not in headings]
        assert all(d["text"] in in_sight for d in rows), rows
        cells = Counter(round(d["y"]) for d in rows)
        assert len(cells) >= 2, cells
        assert set(cells.values()) == {3}, cells
        page.locator("[data-testid='stDataFrame']").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"overview-types-800-{lang}.png"))


_UNITS_WIDE, _UNITS_NARROW = 1, 2
"""The Overview's two tables of units, as the page's grids are counted (the centre types' is
the first): all nine columns, and the name with three figures; the page shows one."""

_NO_SIDEWAYS_SCROLL = """i => {
    const grid = document.querySelectorAll("[data-testid='stDataFrame']")[i];
    const s = grid.querySelector(".dvn-scroller");
    return s.scrollWidth <= s.clientWidth + 1;
}"""


def _region_names(engine: Engine, lang: str) -> set[str]:
    with engine.connect() as c:
        rows = c.execute(sa.text("SELECT name_fr, name_ar FROM regions")).all()
    return {str(r.name_ar if lang == "ar" else r.name_fr) for r in rows}


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_800_px_each_region_reads_beside_its_figures(
    app: str, browser: Any, engine: Engine, lang: str
) -> None:
    # nine columns in the 466 px the table has: the code, name, population and part of the
    # PSH in sight, the places, places per 10 000 and coverage to the right, and once the
    # table was scrolled to them the region's name had gone
    from app.i18n import translate

    names = _region_names(engine, lang)
    assert len(names) == 12
    with grid_page(browser, width=NARROW["width"], height=NARROW["height"]) as page:
        page.goto(f"{app}/?lang={lang}&ov_level=regions")
        table = page.locator("[data-testid='stDataFrame']").nth(_UNITS_NARROW)
        table.wait_for()
        assert page.locator("[data-testid='stSidebar']").is_visible()
        assert page.locator("[data-testid='stDataFrame']").nth(_UNITS_WIDE).is_hidden()
        page.wait_for_function(
            "([i, texts]) => texts.every(t => window.__drawn.some("
            "d => d.table === i && d.text === t))",
            arg=[_UNITS_NARROW, sorted(names)],
        )
        settle_grids(page)
        drawn = last_draws(page, _UNITS_NARROW)
        assert cut_texts(drawn) == []
        in_sight = [d for d in drawn if d["left"] >= 0 and d["right"] <= d["canvas"]]
        assert len(in_sight) == len(drawn), drawn
        keys = ["field.name", "overview.narrow.pwd", "overview.narrow.places_per_10k"]
        headings = {translate(k, lang) for k in [*keys, "field.coverage_pct"]}
        assert headings <= {d["text"] for d in in_sight}
        # each region's row: its name, persons with disabilities, places per 10 000 and
        # coverage, side by side
        rows: dict[int, list[str]] = {}
        for d in in_sight:
            rows.setdefault(round(d["y"]), []).append(d["text"])
        named = [texts for texts in rows.values() if names & set(texts)]
        assert len(named) == 12, rows
        assert all(len(texts) == 4 for texts in named), named
        for texts in named:
            figures = [x for x in texts if x not in names]
            assert all(any(ch.isdigit() for ch in x) for x in figures), texts
        # a name on the reading side: the left in French and English, the right in Arabic
        name_left = min(d["left"] for d in in_sight if d["text"] in names)
        assert (name_left > 200) if lang == "ar" else (name_left < 20), in_sight
        assert page.evaluate(_NO_SIDEWAYS_SCROLL, _UNITS_NARROW)
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"overview-units-800-{lang}.png"))
        # the other five columns are a click away, in the table's list of columns
        block = page.locator(
            ".st-key-by_room_units_narrow [data-testid='stElementContainer']"
            ":has([data-testid='stDataFrame'])"
        )
        toolbar_button(page, block, translate("streamlit.columns", lang)).click()
        columns = page.locator("[data-testid='stDataFrameColumnVisibilityMenu']")
        columns.get_by_text(translate("field.code", lang), exact=True).wait_for()
        listed = columns.inner_text()
        others = ["field.population", "field.prevalence", "field.centres", "field.places"]
        assert all(translate(k, lang) in listed for k in others), listed


_WIDE_EDGES = {
    "fr": [0, 55, 235, 360, 425, 531, 596, 656, 791, 904],
    "ar": [0, 86, 207, 268, 329, 425, 591, 692, 843, 904],
}
"""Where the nine columns of the provinces' table begin and end at 1366 px, as they did
before the table had a narrow form (the sidebar open: 904 px of table)."""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_1366_px_the_table_of_units_is_as_it_was(app: str, browser: Any, lang: str) -> None:
    # the narrow table's name and three figures are for a narrow window only: a laptop's
    # shows the nine columns, each where it was
    with grid_page(browser, width=1366, height=900) as page:
        page.goto(f"{app}/?lang={lang}&ov_level=provinces")
        page.locator("[data-testid='stDataFrame']").nth(_UNITS_WIDE).wait_for()
        assert page.locator("[data-testid='stDataFrame']").nth(_UNITS_NARROW).is_hidden()
        page.wait_for_function(
            "i => new Set(window.__drawn.filter(d => d.table === i && d.clip)"
            ".map(d => Math.round(d.clip.left))).size >= 9",
            arg=_UNITS_WIDE,
        )
        settle_grids(page)
        drawn = last_draws(page, _UNITS_WIDE)
        edges = sorted({round(d["clip"][e]) for d in drawn for e in ("left", "right")})
        assert edges == _WIDE_EDGES[lang], edges
        assert cut_texts(drawn) == []
        assert page.evaluate(_NO_SIDEWAYS_SCROLL, _UNITS_WIDE)


_SELECT_BOXES = """() => [...document.querySelectorAll(
        "[data-testid='stMain'] [data-testid='stSelectbox']")].map(box => {
    const value = box.querySelector("input"), r = box.getBoundingClientRect();
    return {value: value.value, whole: value.scrollWidth <= value.clientWidth + 1,
            top: Math.round(r.top), left: r.left, right: r.right};
})"""
"""Each select box of the page: the value it shows, whether it shows it whole, and where."""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_800_px_the_map_explorers_boxes_show_what_they_hold(
    app: str, page: Any, lang: str
) -> None:
    # six boxes of 66 to 144 px beside one another: "C…" (Communes), "Couverture (pa…",
    # "Toutes…", "Toutes…", "Tous…"; they now take two boxes a row
    page.set_viewport_size(NARROW)
    page.goto(f"{app}/map_explorer?lang={lang}&indicator=coverage")
    page.frame_locator(map_iframe()).locator("path.leaflet-interactive").first.wait_for(
        state="attached"
    )
    boxes = page.evaluate(_SELECT_BOXES)
    assert len(boxes) == 6, boxes  # level, indicator, region, province, centre type, km
    assert [b["value"] for b in boxes if not b["whole"]] == [], boxes
    main = page.locator("[data-testid='stMain'] [data-testid='stMainBlockContainer']")
    inner = main.evaluate(
        "e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
        " return [r.left + parseFloat(s.paddingLeft),"
        " r.right - parseFloat(s.paddingRight)]; }"
    )
    assert all(inner[0] - 1 <= b["left"] and b["right"] <= inner[1] + 1 for b in boxes), boxes
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-boxes-800-{lang}.png"))
    # a laptop's window keeps its rows: the four filters in one, the type and distance in one
    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_function(
        "() => { const b = [...document.querySelectorAll("
        "\"[data-testid='stMain'] [data-testid='stSelectbox']\")];"
        " return b.length === 6 && b[0].getBoundingClientRect().top"
        " === b[3].getBoundingClientRect().top; }"
    )
    boxes = page.evaluate(_SELECT_BOXES)
    assert len({b["top"] for b in boxes[:4]}) == 1, boxes
    assert len({b["top"] for b in boxes[4:]}) == 1, boxes
    assert all(b["whole"] for b in boxes), boxes


_MAP_AND_PANEL = """() => {
    const [map, panel] = [...document.querySelectorAll(
        ".st-key-wrapping_columns_map_panel [data-testid='stHorizontalBlock']"
        + " > [data-testid='stColumn']")];
    const box = e => { const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                               width: r.width}; };
    const texts = [...panel.querySelectorAll(
        "h2, [data-testid='stMarkdownContainer'] p, [data-testid='stMarkdownContainer'] > div,"
        + " [data-testid='stCaptionContainer'], [data-testid='stMetricLabel'] p")]
        .filter(e => e.innerText.trim() !== "")
        .map(e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            const tops = [...range.getClientRects()].filter(r => r.width > 0)
                .map(r => r.top).sort((a, b) => a - b);
            let lines = 0, last = -1e9;
            for (const top of tops) { if (top > last + 5) { lines += 1; last = top; } }
            return {text: e.innerText.trim(), words: e.innerText.trim().split(/\\s+/).length,
                    lines};
        });
    return {map: box(map), panel: box(panel), texts};
}"""
"""The Map explorer's map and unit panel (their boxes), and each text of the panel: its
words and the lines it takes."""


def _open_unit_panel(page: Any, app: str, lang: str) -> dict[str, Any]:
    """The Map explorer showing Al Hoceima's panel (the province's figures and access)."""
    page.goto(
        f"{app}/map_explorer?lang={lang}&level=provinces&indicator=coverage&unit=provinces:01.051"
    )
    page.frame_locator(map_iframe()).locator("path.leaflet-interactive").first.wait_for(
        state="attached"
    )
    page.locator(".st-key-wrapping_columns_map_panel [data-testid='stMetricValue']").nth(
        6
    ).wait_for()  # three census figures, four of access
    return dict(page.evaluate(_MAP_AND_PANEL))


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_800_px_the_unit_panel_reads_in_lines_under_the_map(
    app: str, page: Any, lang: str
) -> None:
    # the panel beside the map had 115 px: "Personnes / en situation / de handicap", the
    # caption and the access figures' names a word or two a line
    page.set_viewport_size(NARROW)
    shown = _open_unit_panel(page, app, lang)
    assert page.locator("[data-testid='stSidebar']").is_visible()
    panel, map_ = shown["panel"], shown["map"]
    assert panel["top"] >= map_["bottom"] - 1, shown  # under the map, as wide as it
    assert abs(panel["width"] - map_["width"]) <= 1, shown
    long = [x for x in shown["texts"] if x["words"] >= 4]
    assert len(long) >= 4, shown["texts"]
    assert [x for x in long if x["words"] / x["lines"] < 3] == [], long
    page.locator(".st-key-wrapping_columns_map_panel h2").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"map-explorer-panel-800-{lang}.png"))


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_at_1366_px_the_unit_panel_stays_beside_the_map(app: str, page: Any, lang: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    shown = _open_unit_panel(page, app, lang)
    panel, map_ = shown["panel"], shown["map"]
    assert abs(panel["top"] - map_["top"]) <= 1, shown  # one row, as before
    # in Arabic the panel is on the map's left
    assert (panel["right"] <= map_["left"]) if lang == "ar" else (panel["left"] >= map_["right"])
    # the two columns share the row 3 to 1.1, as st.columns([3, 1.1]) did
    assert abs(panel["width"] / map_["width"] - 1.1 / 3) < 0.01, shown
