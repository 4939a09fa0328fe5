"""The Coverage and equity page in headless Chromium at a common laptop size (1366×768): what
its boxes and figures show whole, in French, Arabic and English.

Every wait is on what the page shows; screenshots land in ``tests/artifacts/``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS, cut_texts, grid_page, last_draws, settle_grids, wait_idle

pytestmark = pytest.mark.e2e

INDICATORS = ("coverage_share", "nearest_km", "access", "places_per_10k")

_CUT_FIGURES = """() => {
    const cut = x => x.scrollWidth > x.clientWidth + 1;
    const sel = '[data-testid=stMetricValue], [data-testid=stMetricValue] *';
    return [...document.querySelectorAll(sel)].filter(cut).map(x => x.textContent);
}"""


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_indicator_and_the_figures_show_whole_at_1366_px(
    app: str, page: Any, lang: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    label = translate("map.indicator", lang)
    for indicator in INDICATORS:
        page.goto(f"{app}/coverage_and_equity?lang={lang}&eq_indicator={indicator}")
        box = page.locator(f"input[role='combobox'][aria-label='{label}']")
        page.locator("[data-testid='stMetric']").nth(4).wait_for()
        box.wait_for()
        # an input cuts what it cannot show without an ellipsis: "…على 0" for "على 60 كلم"
        scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client, (indicator, box.input_value())
        assert page.evaluate(_CUT_FIGURES) == [], indicator  # "20,5 / 16…" for two figures
        # the figures level with each other, below a label on two lines ("… (places pour
        # 10 000 PSH)")
        tops = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
            ".slice(0, 5).map(v => Math.round(v.getBoundingClientRect().bottom))"
        )
        assert max(tops) - min(tops) <= 1, (indicator, tops)
    page.screenshot(path=str(ARTIFACTS / f"coverage-{lang}.png"))


def test_the_open_tab_stays_open_through_a_change_of_language(app: str, page: Any) -> None:
    # the planner reading the ranking in French found the table again in Arabic
    page.goto(f"{app}/coverage_and_equity?lang=fr")
    page.get_by_role("tab", name=translate("equity.tab_rank", "fr")).click()
    page.wait_for_url("**tab=rank**")
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="العربية").click()
    page.wait_for_url("**lang=ar**")
    page.get_by_role("heading", name=translate("equity.title", "ar")).wait_for()
    opened = page.get_by_role("tab", name=translate("equity.tab_rank", "ar"))
    opened.and_(page.locator("[aria-selected='true']")).wait_for()
    assert page.url.count("tab=rank") == 1  # the address still names it
    page.reload()  # and a reload, or the copied address, opens it too
    page.get_by_role("tab", name=translate("equity.tab_rank", "ar")).and_(
        page.locator("[aria-selected='true']")
    ).wait_for()
    page.screenshot(path=str(ARTIFACTS / "coverage-tab-kept-ar.png"))


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_at_1366_px_the_regions_names_read_whole(app: str, browser: Any, lang: str) -> None:
    # the name column, as wide as for the provinces, cut "Tanger-Tétouan-Al Hoce" and
    # "العيون-الساقية الحم"
    with grid_page(browser, timeout_ms=60_000) as page:
        page.goto(f"{app}/coverage_and_equity?lang={lang}&by=region")
        page.locator("[data-testid='stDataFrame']").first.wait_for()
        longest = "Tanger-Tétouan-Al Hoceima" if lang != "ar" else "العيون-الساقية الحمراء"
        page.wait_for_function(
            "name => window.__drawn.some(d => d.table === 0 && d.text === name)", arg=longest
        )
        settle_grids(page)
        assert cut_texts(last_draws(page, 0)) == []
        page.screenshot(path=str(ARTIFACTS / f"coverage-regions-{lang}.png"))


def _saved_list(page: Any, lang: str) -> Any:
    """The grid listing the saved analyses: the one beneath their heading. The page draws it
    after the "saved" message, and until then the page's last grid was one in a hidden tab,
    which a hover waited on in vain (a CI failure)."""
    heading = page.get_by_role("heading", name=translate("runs.title", lang))
    return heading.locator("xpath=following::*[@data-testid='stDataFrame'][1]")


def test_at_1366_px_a_saved_analysis_reads_whole_in_the_list(app: str, browser: Any) -> None:
    # the centre type's whole name pushed the distance out of the list's last column:
    # "… · COAPH — centre d'orientation et d'assistance des personnes handicapé"
    with grid_page(browser, timeout_ms=60_000) as page:
        page.goto(f"{app}/coverage_and_equity?lang=fr")
        page.locator("[data-testid='stMetric']").nth(3).wait_for()
        page.get_by_role("button", name=translate("runs.save", "fr"), exact=True).click()
        # saved, or the same analysis found already saved
        page.locator("[data-testid='stAlertContentSuccess']").wait_for()
        described = "Couverture : part à moins du seuil d'un centre · Provinces · COAPH"
        # a long-lived database lists newer analyses above one saved long ago, beyond the
        # list's first rows: scrolled down to it, one wheel turn at a time
        _saved_list(page, "fr").hover()
        drawn = "text => window.__drawn.some(d => d.text.startsWith(text))"
        for _ in range(30):
            settle_grids(page)
            if page.evaluate(drawn, described):
                break
            page.mouse.wheel(0, 175)
        # the list of saved analyses: the grid that draws the analysis just saved
        listing = page.wait_for_function(
            "text => (window.__drawn.find(d => d.text.startsWith(text)) || {}).table",
            arg=described,
        ).json_value()
        settle_grids(page)
        draws = last_draws(page, listing)
        # its row only: other analyses a long-lived database keeps are not this test's
        rows = {round(d["y"]) for d in draws if d["text"].startswith(described)}
        assert rows
        assert cut_texts(d for d in draws if round(d["y"]) in rows) == []
        page.screenshot(path=str(ARTIFACTS / "coverage-saved-fr.png"))


def test_at_1366_px_a_named_analysis_reads_whole_beside_its_request(app: str, browser: Any) -> None:
    # a typed name was cut at the name column's default 100 px: "COAPH 30 km pa"
    name = "Comité de pilotage — nov. 2026"
    with grid_page(browser, timeout_ms=60_000) as page:
        # a request no other test saves: saving it again renames the stored run, whose
        # label then reads as its name (the Arabic test below looks for CAS at 20 km)
        page.goto(f"{app}/coverage_and_equity?lang=fr&ctype=EMF&km=60&by=region")
        page.locator("[data-testid='stMetric']").nth(3).wait_for()
        page.get_by_label(translate("runs.name", "fr")).fill(name)
        page.get_by_role("button", name=translate("runs.save", "fr"), exact=True).click()
        page.locator("[data-testid='stAlertContentSuccess']").wait_for()
        # saved, or the same analysis renamed: the newest first, in the list's first row
        _saved_list(page, "fr").hover()
        listing = page.wait_for_function(
            "text => (window.__drawn.find(d => d.text === text) || {}).table", arg=name
        ).json_value()
        settle_grids(page)
        draws = last_draws(page, listing)
        rows = {round(d["y"]) for d in draws if d["text"] == name}
        assert rows
        # the name and the request beside it (with its distance, the last thing it says); at
        # that height an earlier frame may have drawn another analysis, before the list grew
        row = [
            d
            for d in draws
            if round(d["y"]) in rows
            and (d["text"] == name or d["text"].endswith("EMF · 60\u00a0km"))
        ]
        assert len(row) >= 2, [d["text"] for d in draws if round(d["y"]) in rows]
        assert cut_texts(row) == []


_ORDER_IN_OPTION = """([option, first, second]) => {
    // where the two parts of the option's text are drawn: [first's left, second's right]
    const node = [...document.querySelectorAll("[role='option']")]
        .find(o => [option, first, second].every(p => o.textContent.includes(p)));
    if (!node) return null;
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const spans = {};
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        for (const part of [first, second]) {
            const at = text.data.indexOf(part);
            if (at < 0 || part in spans) continue;
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + part.length);
            spans[part] = range.getBoundingClientRect();
        }
    }
    return spans[first] && spans[second] ? [spans[first].left, spans[second].right] : null;
}"""


def test_an_arabic_saved_analysis_reads_its_type_before_its_distance(app: str, page: Any) -> None:
    # "… · الجهات · CAS · 20 كلم" was drawn "20 · CAS كلم" from the right: the distance
    # came before the type, and "كلم" (km) beside CAS, away from its figure
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/coverage_and_equity?lang=ar&ctype=CAS&km=20&by=region")
    page.locator("[data-testid='stMetric']").nth(3).wait_for()
    page.get_by_role("button", name=translate("runs.save", "ar"), exact=True).click()
    saved = page.locator("[data-testid='stAlertContentSuccess']").inner_text()
    run_id = re.findall(r"\d+", saved)[-1]
    # the box offers the run just saved once the page has drawn it: then it stays open
    box = page.locator(f"input[role='combobox'][aria-label='{translate('runs.open_which', 'ar')}']")
    page.wait_for_function(
        "([box, id]) => (document.querySelector(box)?.value || '').startsWith(`#${id} `)",
        arg=[f"input[aria-label='{translate('runs.open_which', 'ar')}']", run_id],
    )
    option = translate("level.regions", "ar")
    parts = [option, "CAS", f"20\u00a0{translate('unit.km', 'ar')}"]
    spans = None
    for _ in range(6):  # a rerun of the page after the save may close the list: open it again
        box.focus()
        box.press("ArrowDown")  # opens the list, as a keyboard user does
        try:
            spans = page.wait_for_function(
                f"args => ({_ORDER_IN_OPTION})(args)", arg=parts, timeout=5_000
            ).json_value()
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    assert spans, "the saved analysis never showed in the opened list"
    cas_left, km_right = spans
    assert km_right <= cas_left  # right to left: CAS, then 20 كلم on its left
    page.screenshot(path=str(ARTIFACTS / "coverage-saved-ar.png"))


def test_at_1366_px_a_saved_arabic_access_analysis_reads_whole_in_the_list(
    app: str, browser: Any
) -> None:
    # "الولوجية 2SFCA (مقاعد لكل 10 000 شخص في وضعية إعاقة على 60 كلم) · الجهات · COAPH ·
    # 20 كلم" ran past the list's edge: its start, then the type and distance, were cut
    with grid_page(browser, timeout_ms=60_000) as page:
        page.goto(f"{app}/coverage_and_equity?lang=ar&eq_indicator=access&by=region&km=20")
        page.locator("[data-testid='stMetric']").nth(3).wait_for()
        page.get_by_role("button", name=translate("runs.save", "ar"), exact=True).click()
        page.locator("[data-testid='stAlertContentSuccess']").wait_for()
        _saved_list(page, "ar").hover()
        km = f"20\u00a0{translate('unit.km', 'ar')}"
        drawn = """([a, b]) => window.__drawn.some(d => d.text.includes(a) && d.text.includes(b)
            && d.text.includes('COAPH'))"""
        for _ in range(30):  # scrolled down to it when newer analyses come first
            settle_grids(page)
            if page.evaluate(drawn, ["2SFCA", km]):
                break
            page.mouse.wheel(0, 175)
        listing = page.locator("[data-testid='stDataFrame']").count() - 1
        draws = last_draws(page, listing)
        rows = {
            round(d["y"])
            for d in draws
            if "2SFCA" in d["text"] and km in d["text"] and "COAPH" in d["text"]
        }
        assert rows
        described = [d for d in draws if round(d["y"]) in rows and "2SFCA" in d["text"]]
        assert cut_texts(described) == []


def test_in_arabic_a_tables_toolbar_leaves_the_tabs_above_it_in_sight(app: str, page: Any) -> None:
    # hovering the table put its toolbar (columns, download, search, full screen) over its
    # top right corner: in Arabic, over the first tabs ("جدول", "خريطة")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/coverage_and_equity?lang=ar")
    # the table of the first tab, once laid out (the page draws its grids narrow first)
    page.wait_for_function(
        """() => (document.querySelector("[data-testid='stDataFrame']")
            ?.getBoundingClientRect().width || 0) > 500"""
    )
    page.locator("[data-testid='stDataFrame']").first.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for()
    # it slides up into place, over the table's top edge: measured there
    page.wait_for_function(
        """() => {
            const bar = document.querySelector("[data-testid='stElementToolbar']");
            const grid = bar.closest("[data-testid='stDataFrame']");
            return bar.getBoundingClientRect().bottom <= grid.getBoundingClientRect().top + 1;
        }"""
    )
    bar = toolbar.bounding_box()
    tabs = [t.bounding_box() for t in page.get_by_role("tab").all()]
    assert len(tabs) >= 4
    for tab in tabs:
        apart = (
            tab["x"] >= bar["x"] + bar["width"]
            or tab["x"] + tab["width"] <= bar["x"]
            or tab["y"] >= bar["y"] + bar["height"]
            or tab["y"] + tab["height"] <= bar["y"]
        )
        assert apart, (tab, bar)
    page.screenshot(path=str(ARTIFACTS / "coverage-toolbar-ar.png"))


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_on_a_phone_the_tables_toolbar_leaves_the_last_tab_to_a_tap(
    app: str, browser: Any, lang: str
) -> None:
    # on a touch screen the toolbar shows all the time, and on a phone it lay over the last
    # tab of the row ("أقاليم بدون مركز", "Provinces sans centre"): a tap there hit the toolbar
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"{app}/coverage_and_equity?lang={lang}")
        grid = page.locator("[data-testid='stTabs'] [data-testid='stDataFrame']").first
        grid.wait_for()
        wait_idle(page)
        gaps = page.get_by_role("tab", name=translate("equity.tab_gaps", lang))
        gaps.scroll_into_view_if_needed()
        # the toolbar in sight, over the table's corner (where it stays on a touch screen)
        page.wait_for_function(
            """() => {
                const bar = document.querySelector(
                    "[data-testid='stTabs'] [data-testid='stElementToolbar']");
                return !!bar && getComputedStyle(bar).opacity === "1";
            }"""
        )
        hit = """(tab) => {
            const r = tab.getBoundingClientRect();
            const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return tab.contains(at);
        }"""
        assert gaps.evaluate(hit), "the last tab lies under the table's toolbar"
        gaps.tap()  # and the tap opens it
        page.wait_for_function(
            "(tab) => tab.getAttribute('aria-selected') === 'true'", arg=gaps.element_handle()
        )
        page.screenshot(path=str(ARTIFACTS / f"coverage-phone-tabs-{lang}.png"))
    finally:
        context.close()
