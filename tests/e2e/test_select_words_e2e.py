"""Streamlit's own words in a select box and in its running indicator, in headless
Chromium: a French or Arabic page showed "Choose an option" when a box's text was cleared
to search, "No results" when what was typed matched nothing, and "Stop" while it computed."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.dataio import IMPORT_LAYERS
from app.i18n import translate
from tests.e2e.conftest import grid_page, last_draws, settle_grids, toolbar_button, wait_idle

pytestmark = pytest.mark.e2e

EMPTY_LIST = "[role='listbox'][data-empty='true'] [role='option']"
"""What a select box's list shows when no option matches what is typed."""


def _wait_heading(page: Any, text: str) -> None:
    page.get_by_role("heading", name=text, level=1).wait_for(state="visible")


def _clear_and_type(page: Any, box: Any, text: str) -> None:
    """Click a select box, delete its text (as a person does to search) and type ``text``."""
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    if text:
        page.keyboard.type(text)


@pytest.mark.parametrize(("lang", "heading"), [("fr", "Données"), ("ar", "البيانات")])
def test_a_cleared_select_box_says_choose_and_no_results_in_the_pages_language(
    app: str, page: Any, lang: str, heading: str
) -> None:
    page.goto(f"{app}/data?lang={lang}")
    _wait_heading(page, heading)
    wait_idle(page)
    choose = translate("streamlit.choose_option", lang)
    # the import tab's layer box: the page's first box in the document was at times the
    # export tab's, hidden behind its tab, and a click waited 30 s for it to show
    shown = page.locator("[data-testid='stMain'] [role='tabpanel']").filter(visible=True)
    box = shown.get_by_role("combobox", name=translate("data.layer", lang), exact=True)
    box.wait_for(state="visible")
    _clear_and_type(page, box, "")
    # the emptied box shows its placeholder: Streamlit's was "Choose an option"
    assert box.input_value() == ""
    assert box.get_attribute("placeholder") == choose
    assert page.locator("input[placeholder='Choose an option']").count() == 0
    # every select box of the page, the sidebar's language box included
    placeholders = page.locator("[data-testid='stSelectbox'] input").evaluate_all(
        "boxes => boxes.map(b => b.placeholder)"
    )
    assert len(placeholders) >= 2
    assert set(placeholders) == {choose}, placeholders
    page.keyboard.type("zzqx")
    empty = page.locator(EMPTY_LIST)
    empty.get_by_text(translate("streamlit.no_results", lang), exact=True).wait_for()
    assert empty.inner_text().strip() == translate("streamlit.no_results", lang)
    # a deleted letter still matches nothing: still the page's words
    page.keyboard.press("Backspace")
    assert empty.inner_text().strip() == translate("streamlit.no_results", lang)


def test_a_multiselect_says_no_results_in_arabic_and_then_in_french(app: str, page: Any) -> None:
    page.goto(f"{app}/map_explorer?lang=ar")
    _wait_heading(page, translate("nav.map_explorer", "ar"))
    layers = page.locator("[data-testid='stMain'] [data-testid='stMultiSelect'] input").first
    _clear_and_type(page, layers, "zzqx")
    empty = page.locator(EMPTY_LIST)
    empty.get_by_text(translate("streamlit.no_results", "ar"), exact=True).wait_for()
    assert "No results" not in empty.inner_text()
    page.keyboard.press("Escape")
    # after a change of language, the page's new words
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox'] input").first.click()
    page.get_by_role("option", name="Français").click()
    _wait_heading(page, "Explorateur de carte")
    wait_idle(page)
    _clear_and_type(page, layers, "zzqx")
    empty.get_by_text("Aucun résultat", exact=True).wait_for()


def test_the_running_indicator_says_stop_in_arabic(app: str, page: Any, engine: Engine) -> None:
    page.goto(f"{app}/data?lang=ar")
    _wait_heading(page, "البيانات")
    page.get_by_role("tab", name=translate("data.tab_export", "ar")).click()
    prepare = page.get_by_role("button", name=translate("data.export_prepare", "ar"))
    prepare.wait_for()
    wait_idle(page)
    # the layers held by another session: the export waits for them, and the page runs
    # (the indicator shows) until they are let go
    with engine.connect() as held, held.begin():
        held.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
        tables = ", ".join(IMPORT_LAYERS)
        held.execute(sa.text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
        prepare.click()
        stop = page.locator("[data-testid='stStatusWidget'] button")
        stop.get_by_text(translate("streamlit.stop", "ar"), exact=True).wait_for()
        running = page.locator("[data-testid='stStatusWidgetRunningIcon']")
        assert running.get_attribute("aria-label") == translate("streamlit.running", "ar")
        assert stop.inner_text().strip() == "إيقاف"
    wait_idle(page)
    page.locator("[data-testid='stDownloadButton']").wait_for()  # the export went on


@pytest.mark.parametrize(("lang", "heading"), [("fr", "Vue d'ensemble"), ("ar", "نظرة عامة")])
def test_a_tables_toolbar_shows_its_tooltips_in_the_pages_language(
    app: str, browser: Any, lang: str, heading: str
) -> None:
    # the buttons were named in the page's language for a screen reader, but the tooltip a
    # mouse shows over each still read "Download as CSV", "Search", "Fullscreen"
    with grid_page(browser, width=1440, height=1000) as page:
        page.goto(f"{app}/?lang={lang}")
        _wait_heading(page, heading)
        table = page.locator("[data-testid='stDataFrame']").first
        table.wait_for()
        wait_idle(page)
        settle_grids(page)  # the page laid out: its tables drawn at their width
        # the first table's own toolbar
        block = page.locator("[data-testid='stElementContainer']:has([data-testid='stDataFrame'])")
        block = block.first  # a filter(has=table) matched every table's block
        tip = page.locator("[data-testid='stTooltipContent']")
        for key in ("streamlit.download_csv", "streamlit.search", "streamlit.fullscreen"):
            said = translate(key, lang)
            toolbar_button(page, block, said).hover()
            tip.get_by_text(said, exact=True).wait_for()
            assert translate(key, "en") not in [t.strip() for t in tip.all_inner_texts()]


COLUMN_MENU = (
    "streamlit.sort_ascending",
    "streamlit.sort_descending",
    "streamlit.statistics",
    "streamlit.autosize",
    "streamlit.pin_column",
    "streamlit.hide_column",
)


def test_a_tables_column_menu_and_list_of_columns_read_in_arabic(app: str, browser: Any) -> None:
    # a heading's menu read "Sort ascending", "Pin column", "Hide column"..., and the
    # toolbar's list of columns "Select all" and "(index)", on the Arabic page
    with grid_page(browser, width=1440, height=1000) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{app}/?lang=ar")
        _wait_heading(page, "نظرة عامة")
        table = page.locator("[data-testid='stDataFrame']").first
        table.wait_for()
        wait_idle(page)
        heading = translate("analysis.centre_type", "ar")
        page.wait_for_function(
            "(h) => window.__drawn.some(d => d.table === 0 && d.text === h && d.clip)", arg=heading
        )
        settle_grids(page)
        (drawn,) = [d for d in last_draws(page, 0) if d["text"] == heading and d["y"] < 36]
        table.scroll_into_view_if_needed()
        canvas = table.locator("canvas").first.bounding_box()
        # the heading's menu button shows at its cell's start: its left end, right to left
        x, y = canvas["x"] + drawn["clip"]["left"] + 12, canvas["y"] + drawn["y"]
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        menu = page.locator("[data-testid='stDataFrameColumnMenu']")
        menu.get_by_role("menuitem", name=translate("streamlit.pin_column", "ar")).wait_for()
        shown = " ".join(menu.get_by_role("menuitem").all_inner_texts())
        for key in COLUMN_MENU:
            assert translate(key, "ar") in shown, (key, shown)
            assert translate(key, "en") not in shown, (key, shown)
        assert menu.get_by_role("menu").get_attribute("aria-label") == "قائمة العمود"
        page.keyboard.press("Escape")
        menu.wait_for(state="detached")
        # a number column's menu has a "Format" menu of its own
        places = translate("field.centres", "ar")
        (drawn,) = [d for d in last_draws(page, 0) if d["text"] == places and d["y"] < 36]
        x, y = canvas["x"] + drawn["clip"]["left"] + 12, canvas["y"] + drawn["y"]
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        menu.get_by_role("menuitem", name=translate("streamlit.format", "ar")).hover()
        formats = page.locator("[data-testid='stDataFrameColumnFormattingMenu']")
        formats.get_by_role("menuitem", name=translate("streamlit.format_percent", "ar")).wait_for()
        assert "Percent" not in formats.inner_text()
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        menu.wait_for(state="detached")
        block = page.locator("[data-testid='stElementContainer']:has([data-testid='stDataFrame'])")
        toolbar_button(page, block.first, translate("streamlit.columns", "ar")).click()
        columns = page.locator("[data-testid='stDataFrameColumnVisibilityMenu']")
        columns.get_by_text(translate("streamlit.select_all", "ar"), exact=True).wait_for()
        listed = columns.inner_text()
        assert "Select all" not in listed
        assert "(index)" not in listed
        assert heading in listed  # the table's own headings, as they were
        assert not errors, errors


def test_the_main_menu_reads_in_the_pages_language(app: str, page: Any) -> None:
    # the ⋮ menu at the top right offered "System", "Light", "Dark", "Print" and
    # "Record screen" on the French and Arabic pages
    page.goto(f"{app}/sources_and_licences?lang=ar")
    _wait_heading(page, translate("nav.sources_and_licences", "ar"))
    wait_idle(page)
    page.get_by_role("button", name=translate("streamlit.main_menu", "ar")).click()
    menu = page.locator("[data-testid='stMainMenuList']")
    menu.get_by_text(translate("streamlit.print", "ar"), exact=True).wait_for()
    shown = menu.inner_text()
    for key in ("theme_system", "theme_light", "theme_dark", "print", "record_screen"):
        assert translate(f"streamlit.{key}", "ar") in shown, (key, shown)
        assert translate(f"streamlit.{key}", "en") not in shown, (key, shown)
    themes = menu.locator("[data-testid='stThemeSwitcher']")
    assert themes.get_attribute("aria-label") == translate("streamlit.theme", "ar")
    # the words are Streamlit's buttons still: the dark theme is chosen by its Arabic name
    menu.get_by_role("menuitemradio", name=translate("streamlit.theme_dark", "ar")).click()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('[data-testid=stApp]'))"
        ".backgroundColor !== 'rgb(255, 255, 255)'"
    )
