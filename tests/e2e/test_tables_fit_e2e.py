"""At a laptop's 1366 px, the Overview's table of units and the Coverage page's table show
every heading whole, in Arabic, French and English (the Sources page shows its texts in
cards, not in a table: ``tests/e2e/test_app_browser.py``).

The tables are drawn on a canvas: the page records each text the grid draws, where, and the
column it is clipped to (the rectangle of the last ``clip``), and a heading is cut when its
text runs past its column or past the table's edge.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, cut_texts, grid_page, last_draws, settle_grids

pytestmark = pytest.mark.e2e


HEADING_ROW = 36
"""Pixels from the top of the grid to below its headings' text."""


def _headings(page: Any, table: int) -> list[dict[str, Any]]:
    """The headings last drawn by the ``table``-th grid of the page, once each."""
    drawn = [
        d
        for d in page.evaluate("window.__drawn")
        if d["table"] == table and d["y"] < HEADING_ROW and d["clip"]
    ]
    last: dict[str, dict[str, Any]] = {}
    for d in drawn:
        last[d["text"]] = d
    return list(last.values())


def _wait_for_headings(page: Any, table: int, expected: set[str]) -> list[dict[str, Any]]:
    page.wait_for_function(
        """([table, expected]) => {
            const seen = new Set(window.__drawn.filter(d => d.table === table)
                .map(d => d.text));
            return expected.every(e => seen.has(e));
        }""",
        arg=[table, sorted(expected)],
        timeout=30_000,
    )
    settle_grids(page)
    return _headings(page, table)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_1366_px_every_heading_of_the_overview_table_reads_whole(
    app: str, browser: Any, lang: str
) -> None:
    from app.i18n import translate

    with grid_page(browser) as page:
        # the provinces (the longest names) with the coverage column: nine columns
        page.goto(f"{app}/?lang={lang}&ov_level=provinces")
        page.locator("[data-testid='stDataFrame']").nth(1).wait_for()
        keys = ["field.code", "field.name", "field.population", "overview.col.pwd"]
        keys += ["overview.col.prevalence", "field.centres", "field.places"]
        keys += ["overview.col.places_per_10k", "field.coverage_pct"]
        expected = {translate(k, lang) for k in keys}
        headings = _wait_for_headings(page, 1, expected)
        assert {h["text"] for h in headings} == expected
        assert cut_texts(headings) == [], headings
        # in Arabic the code is the rightmost column, the coverage the leftmost
        order = [h["text"] for h in sorted(headings, key=lambda h: h["left"])]
        first, last = translate("field.code", lang), translate("field.coverage_pct", lang)
        assert order[0] == (last if lang == "ar" else first), order
        assert order[-1] == (first if lang == "ar" else last), order
        page.screenshot(path=str(ARTIFACTS / f"tables-fit-overview-{lang}.png"), full_page=True)


COVERAGE_KEYS = ["field.code", "field.name", "equity.col.pwd", "equity.col.coverage_share"]
COVERAGE_KEYS += ["equity.col.pwd_beyond", "equity.col.share_beyond", "field.places"]
COVERAGE_KEYS += ["equity.col.places_per_10k"]


@pytest.mark.parametrize(
    ("lang", "width"), [("fr", 1366), ("en", 1366), ("ar", 1366), ("ar", 1920)]
)
def test_the_coverage_table_shows_every_column_and_heading_whole(
    app: str, browser: Any, lang: str, width: int
) -> None:
    # at 1366 px the French and English table hid "Part au-delà de 30 km (%)", "Places" and
    # "Places pour 10 000 PSH" until scrolled sideways; the Arabic one cut its headings, and
    # at 1920 px cut its last column at the table's left edge
    from app.i18n import translate

    with grid_page(browser, width=width, height=900) as page:
        page.goto(f"{app}/coverage_and_equity?lang={lang}&km=30")
        page.locator("[data-testid='stDataFrame']").first.wait_for()
        # the eight headings drawn (a column scrolled out of sight is not drawn), none cut
        page.wait_for_function(
            """([row, n]) => new Set(window.__drawn.filter(d => d.table === 0 && d.y < row)
                .map(d => d.text)).size >= n""",
            arg=[HEADING_ROW, len(COVERAGE_KEYS)],
        )
        settle_grids(page)
        headings = _headings(page, 0)
        assert cut_texts(headings) == [], headings
        assert all(h["left"] >= 0 and h["right"] <= h["canvas"] for h in headings), headings
        # short headings: the whole ones are the tooltips
        assert {h["text"] for h in headings} == {translate(k, lang, km=30) for k in COVERAGE_KEYS}
        order = [h["text"] for h in sorted(headings, key=lambda h: h["left"])]
        first = translate("field.code", lang)
        last = translate("equity.col.places_per_10k", lang)
        assert order[0] == (last if lang == "ar" else first), order
        assert order[-1] == (first if lang == "ar" else last), order
        shot = ARTIFACTS / f"tables-fit-coverage-{lang}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_at_1366_px_the_overviews_tables_show_every_region_and_centre_type_whole(
    app: str, browser: Any, lang: str
) -> None:
    # "Tanger-Tétouan-Al Hoceima" and "Laâyoune-Sakia El Hamra" (French, English), their
    # Arabic names and the Arabic COAPH's ran past their columns; and the table of the twelve
    # regions showed ten of them, the last two behind a scroll inside the table
    with grid_page(browser) as page:
        page.goto(f"{app}/?lang={lang}&ov_level=regions")
        units = page.locator("[data-testid='stDataFrame']").nth(1)
        units.wait_for()
        # the rows in sight drawn (ten of them without room for all twelve)
        page.wait_for_function(
            """() => { const seen = new Set(window.__drawn.filter(d => d.table === 1)
                .map(d => d.text));
                return ["01", "06", "10"].every(c => seen.has(c)); }""",
        )
        settle_grids(page)
        cells = last_draws(page)
        assert cut_texts(cells) == [], cut_texts(cells)
        assert {d["text"] for d in cells if d["table"] == 1} >= {f"{n:02d}" for n in range(1, 13)}
        # the last region's row is inside the table, not behind a scroll
        box = units.bounding_box()
        assert box is not None
        twelve = [d for d in cells if d["table"] == 1 and d["text"] == "12"]
        assert twelve, "the twelfth region was not drawn"
        assert max(d["y"] for d in twelve) < box["height"], (twelve, box)
        page.screenshot(path=str(ARTIFACTS / f"tables-fit-overview-regions-{lang}.png"))


def _in_sight(page: Any, table: int, texts: set[str]) -> set[str]:
    """Which of ``texts`` the ``table``-th grid last drew whole inside its canvas."""
    return {
        d["text"]
        for d in last_draws(page, table)
        if d["text"] in texts and d["left"] >= 0 and d["right"] <= d["canvas"]
    }


def test_on_a_phone_an_arabic_table_opens_on_its_names(app: str, browser: Any) -> None:
    # at 390 px an Arabic table opened at its left end, its last columns: the Overview's
    # tables showed counts and places beside a blank strip, the centre types and the
    # regions' codes and names out of sight on the right
    from app.components.filters import type_row
    from app.i18n import translate

    with grid_page(browser, width=390, height=844, is_mobile=True, has_touch=True) as page:
        page.goto(f"{app}/?lang=ar&ov_level=regions")
        # the regions' table in its narrow form (the name and three figures) on a phone
        page.locator("[data-testid='stDataFrame']").nth(2).wait_for()
        types = {type_row(k, "ar") for k in ("COAPH", "EPS")}
        regions = {translate("field.name", "ar"), "طنجة-تطوان-الحسيمة"}
        page.wait_for_function(
            """([types, regions]) => {
                const shown = (table, texts) => texts.every(t => window.__drawn.some(d =>
                    d.table === table && d.text === t && d.left >= 0 && d.right <= d.canvas));
                return shown(0, types) && shown(2, regions);
            }""",
            arg=[sorted(types), sorted(regions)],
        )
        settle_grids(page)  # and they stay in sight once the grids are laid out
        assert _in_sight(page, 0, types) == types
        assert _in_sight(page, 2, regions) == regions
        page.screenshot(path=str(ARTIFACTS / "tables-phone-overview-ar.png"))
