"""Accessibility in headless Chromium, with WCAG 2.1 AA as the yardstick: what a screen
reader is told (the document's language and direction, the page's title, the map's name,
the headings), what the keyboard reaches and shows, the contrast of our colours, and the
page at 200 % zoom. The checks are written here (no axe-core: the tests run offline)."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS, map_document, map_iframe, wait_idle

pytestmark = pytest.mark.e2e

DOCUMENT = """() => ({lang: document.documentElement.lang, dir: document.documentElement.dir,
                    title: document.title})"""


def _wait_heading(page: Any, text: str) -> None:
    page.get_by_role("heading", name=text, level=1).wait_for(state="visible")


def _wait_document(page: Any, lang: str, direction: str) -> None:
    page.wait_for_function(
        "([l, d]) => document.documentElement.lang === l && document.documentElement.dir === d",
        arg=[lang, direction],
        timeout=15_000,
    )


STYLED = """() => Array.from(document.querySelectorAll("style"))
    .some(s => s.textContent.includes('[data-testid="stSidebarNavLink"]:focus-visible'))"""


def _wait_styled(page: Any) -> None:
    """Wait for the shell's style sheet: a fresh page can draw its first elements a moment
    before it (a person sees the page once it is there)."""
    page.wait_for_function(STYLED, timeout=15_000)


def _accessible_names(page: Any, role: str) -> list[str]:
    """The names Chromium's accessibility tree (what a screen reader reads) gives the nodes
    of ``role``."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Accessibility.enable")
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [
        str(n.get("name", {}).get("value"))
        for n in nodes
        if n.get("role", {}).get("value") == role and not n.get("ignored")
    ]


def _map_frame(page: Any, key: str) -> Any:
    return page.locator(map_iframe(key))


@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [("fr", "ltr", "Données"), ("ar", "rtl", "البيانات"), ("en", "ltr", "Data")],
)
def test_a_direct_link_gives_the_document_its_language_and_direction(
    app: str, page: Any, lang: str, direction: str, heading: str
) -> None:
    # Streamlit's page said <html lang="en"> in every language: a screen reader read French
    # and Arabic with its English voice
    page.goto(f"{app}/data?lang={lang}")
    _wait_heading(page, heading)
    _wait_document(page, lang, direction)
    # each page has its own title in the browser's tab ("Walouja — ولوجة" on every page)
    assert page.evaluate(DOCUMENT)["title"] == f"{heading} — Walouja"


STREAMLIT_ENGLISH = (
    "Skip to main content",
    "Main menu",
    "Link to heading",
    "Help for ",
    "Download as CSV",
    "Fullscreen",
    "Search",
    "Show/hide columns",
    "Sidebar",
    "Open",
    "file upload",
    "Show data",
    "Download as PNG",
    "Copy Vega-Lite spec",
)


def _english_names(page: Any) -> list[str]:
    names = [
        n
        for role in ("button", "link", "region", "navigation")
        for n in _accessible_names(page, role)
    ]
    return [n for n in names if n.startswith(STREAMLIT_ENGLISH)]


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Couverture et équité"), ("ar", "التغطية والإنصاف")]
)
def test_streamlits_own_controls_are_named_in_the_pages_language(
    app: str, page: Any, lang: str, heading: str
) -> None:
    # Streamlit names its controls in English whatever the page's language: a French or
    # Arabic screen reader read "Help for Gini", "Download as CSV", "Skip to main content"
    page.goto(f"{app}/coverage_and_equity?lang={lang}")
    _wait_heading(page, heading)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    wait_idle(page)
    help_gini = translate("streamlit.help_for", lang, label=translate("equity.gini", lang))
    page.wait_for_function("(n) => !!document.querySelector(`[aria-label='${n}']`)", arg=help_gini)
    assert not _english_names(page), _english_names(page)
    buttons = _accessible_names(page, "button")
    assert translate("streamlit.download_csv", lang) in buttons, buttons
    skip = page.locator("[data-testid='stSkipToContent']")
    assert skip.text_content() == translate("streamlit.skip", lang)


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Couverture et équité"), ("ar", "التغطية والإنصاف")]
)
def test_a_charts_toolbar_is_named_in_the_pages_language(
    app: str, page: Any, lang: str, heading: str
) -> None:
    # the Lorenz curve's and the ranking's toolbars said "Show data", "Download as PNG"
    # and "Copy Vega-Lite spec" to a French or Arabic screen reader
    page.goto(f"{app}/coverage_and_equity?lang={lang}&tab=lorenz")
    _wait_heading(page, heading)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    wait_idle(page)
    png = translate("streamlit.download_png", lang)
    page.wait_for_function("(n) => !!document.querySelector(`[aria-label='${n}']`)", arg=png)
    assert not _english_names(page), _english_names(page)
    buttons = _accessible_names(page, "button")
    for key in ("streamlit.show_data", "streamlit.download_png", "streamlit.copy_spec"):
        assert translate(key, lang) in buttons, (key, buttons)


def test_streamlits_controls_follow_a_switch_of_language(app: str, page: Any) -> None:
    page.goto(f"{app}/coverage_and_equity")
    _wait_heading(page, "Couverture et équité")
    wait_idle(page)
    page.wait_for_function("() => !!document.querySelector(`[aria-label='Menu principal']`)")
    _choose_language_by_keyboard(page, "العربية")
    _wait_heading(page, "التغطية والإنصاف")
    menu = translate("streamlit.main_menu", "ar")
    page.wait_for_function("(n) => !!document.querySelector(`[aria-label='${n}']`)", arg=menu)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    wait_idle(page)
    assert not _english_names(page), _english_names(page)
    # back in English, Streamlit's own words again
    _choose_language_by_keyboard(page, "English")
    _wait_heading(page, "Coverage and equity")
    page.wait_for_function("() => !!document.querySelector(`[aria-label='Main menu']`)")
    assert page.locator("[data-testid='stSkipToContent']").text_content() == "Skip to main content"


def _tab_to(page: Any, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element ``selector`` has the focus (as a keyboard user does)."""
    focused = "(s) => document.activeElement?.matches(s) ?? false"
    # not while the page runs: a rerun mid-walk sends the focus back to the top
    wait_idle(page)
    if page.evaluate(focused, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(focused, selector):
            return
    pytest.fail(f"{selector} not reached with {limit} presses of Tab")


LANGUAGE_BOX = "[data-testid='stSidebar'] [data-testid='stSelectbox'] input"


def _choose_language_by_keyboard(page: Any, name: str) -> None:
    _tab_to(page, LANGUAGE_BOX)
    page.keyboard.press("ArrowDown")
    page.get_by_role("option", name=name).wait_for()
    # the arrows move through the options (the focused one is marked ``data-focused``)
    focused = "() => document.querySelector(`[role='option'][data-focused]`)?.textContent"
    for _ in range(5):
        if (page.evaluate(focused) or "").strip() == name:
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail(f"the arrows did not reach {name}")
    page.keyboard.press("Enter")


def test_the_language_follows_a_switch_by_keyboard_and_a_change_of_page(
    app: str, page: Any
) -> None:
    page.goto(f"{app}/coverage_and_equity")
    _wait_heading(page, "Couverture et équité")
    _wait_document(page, "fr", "ltr")
    _choose_language_by_keyboard(page, "العربية")
    _wait_heading(page, "التغطية والإنصاف")
    _wait_document(page, "ar", "rtl")
    assert page.evaluate(DOCUMENT)["title"] == "التغطية والإنصاف — Walouja"
    page.locator("[data-testid='stSidebarNavLink']").filter(has_text="البيانات").click()
    _wait_heading(page, "البيانات")
    _wait_document(page, "ar", "rtl")
    assert page.evaluate(DOCUMENT)["title"] == "البيانات — Walouja"
    _choose_language_by_keyboard(page, "English")
    _wait_heading(page, "Data")
    _wait_document(page, "en", "ltr")


@pytest.mark.parametrize(
    ("lang", "heading", "title"),
    [
        ("fr", "Explorateur de carte", "Carte : Personnes en situation de handicap (Communes)"),
        ("ar", "مستكشف الخريطة", "خريطة: الأشخاص في وضعية إعاقة (الجماعات)"),
        ("en", "Map explorer", "Map: Persons with disabilities (Communes)"),
    ],
)
def test_the_map_frame_says_what_the_map_shows(
    app: str, page: Any, lang: str, heading: str, title: str
) -> None:
    # the frame was titled "streamlit_folium.st_folium", what a screen reader announced
    page.goto(f"{app}/map_explorer?lang={lang}")
    _wait_heading(page, heading)
    frame = _map_frame(page, "explorer_map_frame")
    frame.wait_for()
    page.wait_for_function(
        "([sel, t]) => document.querySelector(sel)?.getAttribute('aria-label') === t",
        arg=[map_iframe("explorer_map_frame"), title],
    )
    # what Chromium gives a screen reader: the frame named by its aria-label (read before
    # its title, which stays Streamlit's)
    assert title in _accessible_names(page, "Iframe")


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Explorateur de carte"), ("ar", "مستكشف الخريطة")]
)
def test_the_maps_own_document_says_the_pages_language(
    app: str, page: Any, lang: str, heading: str
) -> None:
    # the map's frame is a document of its own, which said lang="en": a screen reader read
    # "Légende", "Zoom avant" and the popups with its English voice
    page.goto(f"{app}/map_explorer?lang={lang}")
    _wait_heading(page, heading)
    page.frame_locator(map_iframe("explorer_map_frame")).locator(".walouja-legend").wait_for()
    inner = map_document(page, "explorer_map_frame")
    inner.wait_for_function("(l) => document.documentElement.lang === l", arg=lang)
    assert inner.evaluate("() => document.documentElement.lang") == lang


def test_the_coverage_map_is_named_when_its_tab_opens(app: str, page: Any) -> None:
    page.goto(f"{app}/coverage_and_equity?tab=map&by=region")
    _wait_heading(page, "Couverture et équité")
    _map_frame(page, "equity_map_frame").wait_for()
    page.wait_for_function(
        "(sel) => (document.querySelector(sel)?.getAttribute('aria-label') ?? '')"
        ".startsWith('Carte : Couverture')",
        arg=map_iframe("equity_map_frame"),
    )
    title = _map_frame(page, "equity_map_frame").get_attribute("aria-label")
    assert title.endswith("(Régions)"), title


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fr", "Carte : sites proposés, scénario n° "),
        ("ar", "خريطة: المواقع المقترحة، السيناريو رقم "),
    ],
    ids=["fr", "ar"],
)
def test_the_prioritise_map_frame_says_what_it_shows(
    app: str, page: Any, lang: str, title: str
) -> None:
    # the Map explorer's and the Coverage page's maps were named; the Prioritise page's was
    # still announced as "streamlit_folium.st_folium"
    page.goto(f"{app}/prioritise_centres?lang={lang}&p_new=2&p_km=41&p_ctype=COAPH")
    page.locator("[data-testid='stBaseButton-primary']").click()
    frame = _map_frame(page, "prio_map_frame")
    frame.wait_for(timeout=120_000)
    page.wait_for_function(
        "([sel, t]) => (document.querySelector(sel)?.getAttribute('aria-label') ?? '')"
        ".startsWith(t)",
        arg=[map_iframe("prio_map_frame"), title],
    )
    assert any(name.startswith(title) for name in _accessible_names(page, "Iframe"))


DEEP_FOCUS = """() => {
    let doc = document, el = document.activeElement, frames = [];
    while (el && el.tagName === 'IFRAME') {
        frames.push(el.getAttribute('aria-label') || el.title);
        doc = el.contentDocument;
        el = doc.activeElement;
    }
    let ring = null;
    for (let a = el; a && a !== doc.body; a = a.parentElement) {
        const s = doc.defaultView.getComputedStyle(a);
        if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) {
            ring = {width: parseFloat(s.outlineWidth), color: s.outlineColor};
            break;
        }
    }
    return {frames, tag: el ? el.tagName : null, cls: el ? String(el.className.baseVal ??
            el.className) : '', label: el ? (el.getAttribute('aria-label') || el.title ||
            (el.textContent || '').trim().slice(0, 60)) : '', ring};
}"""


def test_the_keyboard_reaches_the_search_the_map_and_past_it(app: str, page: Any) -> None:
    page.goto(f"{app}/map_explorer")
    _wait_heading(page, "Explorateur de carte")
    _wait_styled(page)
    frame = page.frame_locator(map_iframe("explorer_map_frame"))
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
    # the search, from the keyboard alone: Tab to it, type, Enter; the panel names the place
    _tab_to(page, "input[aria-label^='Chercher une commune']")
    assert page.evaluate(DEEP_FOCUS)["ring"] is not None  # the field shows it has the focus
    page.keyboard.type("Tiznit")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Tiznit").first.wait_for()
    # the map redraws around the place (outlined): the page has settled, and the focus is
    # still in the search field
    frame.locator("path[stroke='#000000'][stroke-width='3.5']").first.wait_for(state="attached")
    wait_idle(page)
    assert page.evaluate(DEEP_FOCUS)["label"].startswith("Chercher une commune")
    # on to the map: its frame, then the map itself, with a ring
    for _ in range(10):
        page.keyboard.press("Tab")
        focus = page.evaluate(DEEP_FOCUS)
        if focus["frames"] and "leaflet-container" in focus["cls"]:
            break
    else:
        pytest.fail(f"the map was not reached with Tab: {focus}")
    assert focus["frames"][0].startswith("Carte : "), focus
    assert focus["ring"] is not None, focus
    assert focus["ring"]["width"] >= 3, focus
    centre = (
        "() => { const m = Object.values(window).find(v => v instanceof L.Map); "
        "const c = m.getCenter(); return [c.lat, c.lng]; }"
    )
    inner = map_document(page, "explorer_map_frame")
    before = inner.evaluate(centre)
    page.keyboard.press("ArrowRight")  # pans the map
    inner.wait_for_function(f"() => ({centre})()[1] !== {before[1]}")
    # the zoom buttons, the layer list and the legend follow; not the 1,503 communes'
    # shapes, which stood between the map and the rest of the page
    stops = []
    for _ in range(20):
        page.keyboard.press("Tab")
        focus = page.evaluate(DEEP_FOCUS)
        if not focus["frames"]:
            break
        stops.append(focus)
    else:
        pytest.fail(f"20 presses of Tab stayed in the map: {stops}")
    assert not [s for s in stops if s["tag"] == "path"], stops
    assert [s["label"] for s in stops][:3] == ["Zoom avant", "Zoom arrière", "Couches"], stops
    # each of them shows the focus as the map does (they had Chromium's thin ring, lost on
    # the zoom buttons' grey border)
    assert all(s["ring"] and s["ring"]["width"] >= 3 for s in stops), stops


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else float(((v + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2.1's contrast ratio of two colours (r, g, b in 0-255)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1 : css.index(")")].replace("/", " ").replace(",", " ").split()
    r, g, b = (float(p) for p in parts[:3])
    return (r, g, b)


def test_the_contrast_formula_is_wcags() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert _rgb("rgba(47, 45, 43, 0.6)") == (47, 45, 43)


def test_the_focus_ring_stands_out_from_the_sidebar(app: str, page: Any) -> None:
    # Streamlit marked a focused page link with a faint grey background only
    page.goto(f"{app}/data")
    _wait_heading(page, "Données")
    _wait_styled(page)
    _tab_to(page, "[data-testid='stSidebarNavLink']")
    focus = page.evaluate(DEEP_FOCUS)
    assert focus["ring"] is not None, focus
    sidebar = page.evaluate(
        """() => {
            let e = document.querySelector("[data-testid='stSidebarNavLink']").parentElement;
            for (; e; e = e.parentElement) {
                const c = getComputedStyle(e).backgroundColor;
                if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") return c;
            }
            return "rgb(255, 255, 255)";
        }"""
    )
    assert contrast(_rgb(focus["ring"]["color"]), _rgb(sidebar)) >= 3, (focus, sidebar)
    _tab_to(page, LANGUAGE_BOX)
    assert page.evaluate(DEEP_FOCUS)["ring"] is not None


def test_a_focused_tab_and_button_show_a_ring(app: str, page: Any) -> None:
    # Streamlit's own mark was a pale red halo (about 2:1 on white)
    page.goto(f"{app}/coverage_and_equity")
    _wait_heading(page, "Couverture et équité")
    _wait_styled(page)
    # the table tab drawn and the run over: a rerun while Tab walks the page moved the focus
    # back to the top, and a loaded CI machine ran out of presses (the button took 13 to 37)
    page.locator("[data-testid='stBaseButton-secondary']").first.wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    wait_idle(page)
    for target in ("[role='tab']", "[data-testid='stBaseButton-secondary']"):
        _tab_to(page, target, limit=80)
        focus = page.evaluate(DEEP_FOCUS)
        assert focus["ring"] is not None, focus
        assert contrast(_rgb(focus["ring"]["color"]), (255, 255, 255)) >= 3, focus


GRID_CANVAS = "[data-testid='data-grid-canvas']"
GRID_RING = """() => {
    const grid = document.activeElement?.closest("[data-testid='stDataFrameResizable']");
    if (!grid) return null;
    const s = getComputedStyle(grid);
    return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
}"""


def test_a_data_grid_reached_by_tab_shows_a_ring(app: str, page: Any) -> None:
    # Tab into the Overview's "Centres par type" grid focused its canvas, and the grid
    # showed nothing but Streamlit's pale red frame round its first cell (about 2:1)
    page.goto(app)
    _wait_heading(page, "Vue d'ensemble")
    _wait_styled(page)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    _tab_to(page, GRID_CANVAS, limit=80)
    # the grid hands the focus on to the cell of its screen-reader table (the arrows move
    # it from cell to cell): the ring stays while the focus is on a cell
    for key, cell in ((None, "glide-cell-0-0"), ("ArrowDown", "glide-cell-0-1")):
        if key:
            page.keyboard.press(key)
        page.wait_for_function(
            "(id) => document.activeElement?.getAttribute('data-testid') === id", arg=cell
        )
        ring = page.evaluate(GRID_RING)
        assert ring is not None, "the focus is not inside a data grid"
        assert ring["style"] == "solid", (cell, ring)
        assert ring["width"] >= 2, (cell, ring)
        assert contrast(_rgb(ring["color"]), (255, 255, 255)) >= 3, ring


def test_the_skip_link_and_the_menu_button_show_a_ring(app: str, page: Any) -> None:
    # the first stop of every page (the link to the main content) and the header's menu
    # had Streamlit's pale red halo
    page.goto(f"{app}/data")
    _wait_heading(page, "Données")
    _wait_styled(page)
    for target in ("[data-testid='stSkipToContent']", "[data-testid='stMainMenu'] button"):
        _tab_to(page, target)
        focus = page.evaluate(DEEP_FOCUS)
        assert focus["ring"] is not None, focus
        assert contrast(_rgb(focus["ring"]["color"]), (255, 255, 255)) >= 3, focus


LOW_CONTRAST = """() => {
    const parse = (c) => {
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]))
        .concat([1]);
    const background = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        let bg = [255, 255, 255, 1];
        for (const l of layers.reverse()) bg = over(l, bg);
        return bg;
    };
    const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 :
                                              Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const low = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let count = 0;
    while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!walker.currentNode.data.trim() || !el || seen.has(el)) continue;
        seen.add(el);
        // text a screen reader is not given (icon ligatures) is an icon, not text
        if (el.closest('[aria-hidden="true"]') || !el.getClientRects().length) continue;
        const s = getComputedStyle(el);
        if (s.visibility === 'hidden' || parseFloat(s.fontSize) === 0) continue;
        count += 1;
        const bg = background(el);
        const fg = over(parse(s.color), bg);
        const size = parseFloat(s.fontSize);
        const large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
        const r = ratio(fg, bg);
        if (r < (large ? 3 : 4.5)) low.push({text: walker.currentNode.data.trim().slice(0, 40),
                                              ratio: r, color: s.color, size});
    }
    return {count, low};
}"""
"""Every visible text the page gives a screen reader, and the ones whose colour has less
contrast with its background than WCAG 2.1 AA asks (4.5:1, 3:1 for large text)."""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_our_texts_and_the_map_legend_have_enough_contrast(app: str, page: Any, lang: str) -> None:
    every = "centres,accessible_cities,transport_stops,beaches"
    page.goto(f"{app}/map_explorer?lang={lang}&overlays={every}")
    page.locator("h1").first.wait_for()
    frame = page.frame_locator(map_iframe("explorer_map_frame"))
    frame.locator(".walouja-legend summary").wait_for()
    page.locator("[data-testid='stAlert']").first.wait_for()  # the demonstration warnings
    main = page.evaluate(LOW_CONTRAST)
    assert main["count"] > 10, main
    assert not main["low"], main
    inner = map_document(page, "explorer_map_frame")
    legend = inner.evaluate(LOW_CONTRAST)
    assert legend["count"] > 10, legend
    assert not legend["low"], legend
    # each class of the choropleth is told by its range in words, not by its colour alone
    rows = inner.evaluate(
        "() => Array.from(document.querySelectorAll('.walouja-legend-body i'))"
        ".map(i => [i.nextSibling?.textContent ?? '', getComputedStyle(i).borderTopColor])"
    )
    classes = [text for text, _ in rows if "–" in text or "≤" in text]
    assert len(classes) >= 3, rows
    # a swatch's outline sets it off from the legend's white (the lightest class is near it)
    assert all(contrast(_rgb(border), (255, 255, 255)) >= 3 for _, border in rows), rows
    page.screenshot(path=str(ARTIFACTS / f"a11y-contrast-{lang}.png"))


CHART_TEXTS = """() => Array.from(document.querySelectorAll(
    "[data-testid='stVegaLiteChart'] svg text")).filter(t => t.textContent.trim())
    .map(t => [t.textContent.trim().slice(0, 30), getComputedStyle(t).fill])"""


@pytest.mark.parametrize("tab", ["lorenz", "rank"])
def test_the_charts_words_have_enough_contrast(app: str, page: Any, tab: str) -> None:
    # the axes' and legend's words were Streamlit's grey #808495: 3.7:1 on white
    page.goto(f"{app}/coverage_and_equity?lang=ar&tab={tab}")
    _wait_heading(page, "التغطية والإنصاف")
    page.locator("[data-testid='stVegaLiteChart'] svg text").first.wait_for()
    wait_idle(page)
    texts = page.evaluate(CHART_TEXTS)
    assert len(texts) > 5, texts
    low = [(text, fill) for text, fill in texts if contrast(_rgb(fill), (255, 255, 255)) < 4.5]
    assert not low, low


CHART_ARIA = """() => {
    const chart = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
        .find(c => c.getClientRects().length);
    return [chart, ...chart.querySelectorAll("[aria-label]")]
        .filter(e => e.hasAttribute("aria-label")).map(e => e.getAttribute("aria-label"));
}"""


@pytest.mark.parametrize("tab", ["lorenz", "rank"])
def test_the_charts_are_described_in_the_pages_language(app: str, page: Any, tab: str) -> None:
    # Vega described the charts to a screen reader in English ("X-axis titled '…' for a
    # linear scale with values from 0 % to 100 %", "Symbol legend for stroke color…", each
    # bar as "…: 0; name: Chefchaouen"), and every point of the Lorenz curve one by one
    page.goto(f"{app}/coverage_and_equity?lang=fr&tab={tab}")
    _wait_heading(page, "Couverture et équité")
    page.locator("[data-testid='stVegaLiteChart']:visible svg text").first.wait_for()
    wait_idle(page)
    said = page.evaluate(CHART_ARIA)
    english = ("axis", "scale", "legend", "name:", "mark", "visualization")
    assert not [a for a in said if any(w in a for w in english)], said
    # the chart itself named by what it shows (it was "Vega visualization")
    shown = "Couverture : part à moins de 30 km d'un centre"
    assert f"{translate(f'equity.tab_{tab}', 'fr')} — {shown}" in said, said
    if tab == "lorenz":
        assert translate("equity.lorenz_x", "fr") in said, said
        assert len(said) < 10, said  # the axes and the legend, not each point
    else:
        assert any(a.startswith("Tata") for a in said), said  # each bar by its unit's name


def test_the_demonstration_mark_is_drawn_and_said_in_words(app: str, page: Any) -> None:
    page.goto(f"{app}/map_explorer?indicator=coverage")
    _wait_heading(page, "Explorateur de carte")
    alert = page.locator("[data-testid='stMain'] [data-testid='stAlert']").filter(
        has_text="démonstration"
    )
    alert.wait_for()
    # the 🧪 emoji was an empty box on a computer without an emoji font: the icon is now a
    # flask of the icon font Streamlit serves, hidden from screen readers, by the words
    icon = alert.locator("[data-testid='stAlertDynamicIcon']")
    assert icon.get_attribute("aria-hidden") == "true"
    assert icon.text_content() == "science"
    assert "démonstration" in alert.inner_text()
    frame = page.frame_locator(map_iframe("explorer_map_frame"))
    mark = frame.locator(".walouja-legend .fa-flask")
    mark.wait_for(state="attached")
    assert mark.get_attribute("aria-hidden") == "true"
    drawn = mark.evaluate(
        "e => [getComputedStyle(e, '::before').content, e.getBoundingClientRect().width,"
        " e.parentElement.textContent]"
    )
    assert drawn[0] not in ("none", "normal", '""'), drawn  # the icon font's glyph
    assert drawn[1] > 4, drawn
    assert "démonstration" in drawn[2], drawn


FLASKS = """() => Array.from(document.querySelectorAll("[data-testid='stMain'] .walouja-icon"))
    .filter(e => e.getClientRects().length)
    .map(e => ({hidden: e.getAttribute("aria-hidden"), name: e.getAttribute("aria-label"),
                font: getComputedStyle(e).fontFamily, width: e.getBoundingClientRect().width}))"""

FLASKS_DRAWN = f"""() => {{
    const faces = Array.from(document.fonts)
        .filter(f => f.family.replaceAll('"', '') === "Material Symbols Rounded");
    const flasks = ({FLASKS})();
    return faces.some(f => f.status === "loaded") && flasks.length > 0
        && flasks.every(f => f.font.includes("Material Symbols") && f.width > 4);
}}"""
"""True once the icon font is loaded and every flask shown is drawn in it."""


@pytest.mark.parametrize(
    ("path", "heading", "name"),
    [
        ("?lang=fr", "Vue d'ensemble", None),
        ("sources_and_licences?lang=fr", "Sources et licences", "fiole"),
        ("sources_and_licences?lang=ar", "المصادر والتراخيص", "قارورة"),
        ("coverage_and_equity?lang=en", "Coverage and equity", None),
    ],
    ids=["overview-fr", "sources-fr", "sources-ar", "coverage-en"],
)
def test_the_demonstration_flask_is_not_read_as_english_words(
    app: str, page: Any, path: str, heading: str, name: str | None
) -> None:
    # the flask beside "(démonstration)" was an image named "science icon": a French or
    # Arabic screen reader said the English words in the middle of each line
    page.goto(f"{app}/{path}")
    _wait_heading(page, heading)
    # (the flasks shown: one in a tab not open, the gaps tab's, is not drawn)
    page.locator("[data-testid='stMain'] .walouja-icon:visible").first.wait_for()
    wait_idle(page)
    # the icon font may still be loading on a first visit (its ligature reads as text till
    # then), and document.fonts.check() says yes before Streamlit's stylesheet declares the
    # face: wait till a face of that family is loaded and every flask is drawn in it, then
    # read what the page holds (the asserts below say what was wrong if it never settles)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(FLASKS_DRAWN, timeout=20_000)
    images = _accessible_names(page, "image")
    assert not [n for n in images if "icon" in n], images
    flasks = page.evaluate(FLASKS)
    assert all("Material Symbols" in f["font"] and f["width"] > 4 for f in flasks), flasks
    # where the words already say it, the flask is hidden from screen readers; the credits'
    # sentence ("Couches marquées … : données de démonstration") names it in the page's words
    named = [f["name"] for f in flasks if f["hidden"] != "true"]
    assert named == ([name] if name else []), flasks
    if name:
        assert name in images, images


HEADINGS = """() => Array.from(document.querySelectorAll(
    "[data-testid='stMain'] :is(h1, h2, h3, h4, h5, h6)"))
    .filter(h => h.getClientRects().length)
    .map(h => [Number(h.tagName[1]), h.textContent.trim(), getComputedStyle(h).fontSize])"""


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("?lang=ar", "نظرة عامة"),
        ("coverage_and_equity", "Couverture et équité"),
        ("data?lang=en", "Data"),
        ("map_explorer", "Explorateur de carte"),
        ("map_explorer?q=tiznit", "Explorateur de carte"),  # the unit's panel: level 2
        ("sources_and_licences?lang=ar", "المصادر والتراخيص"),
        ("prioritise_centres", "Prioriser les centres"),
    ],
)
def test_one_title_and_no_skipped_heading_level(
    app: str, page: Any, path: str, heading: str
) -> None:
    page.goto(f"{app}/{path}")
    _wait_heading(page, heading)
    page.wait_for_load_state("networkidle")
    levels = page.evaluate(HEADINGS)
    assert [h for h in levels if h[0] == 1] == [[1, heading, levels[0][2]]], levels
    # the sections were level 3 under the title: a screen reader's list of headings said a
    # level was missing. They keep the size they had
    for (before, *_), (after, *_) in itertools.pairwise(levels):
        assert after <= before + 1, levels
    assert all(size == "28px" for level, _, size in levels if level == 2), levels


REFLOW = """() => {
    const d = document.documentElement;
    const sidebar = document.querySelector("[data-testid='stSidebar']");
    const main = document.querySelector("[data-testid='stMain']");
    const box = sidebar.getBoundingClientRect();
    return {scroll: d.scrollWidth, width: d.clientWidth, main: main.scrollWidth,
            mainWidth: main.clientWidth, collapsed: sidebar.dataset.collapsed,
            visibility: getComputedStyle(sidebar).visibility, left: box.left, right: box.right};
}"""


@pytest.mark.parametrize(
    ("lang", "heading"), [("fr", "Explorateur de carte"), ("ar", "مستكشف الخريطة")]
)
def test_at_200_percent_zoom_the_page_reflows_and_the_sidebar_opens(
    app: str, browser: Any, lang: str, heading: str
) -> None:
    # 1366 × 768 at 200 %: 683 × 384 CSS pixels
    context = browser.new_context(viewport={"width": 683, "height": 384}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(f"{app}/map_explorer?lang={lang}")
        _wait_heading(page, heading)
        page.locator(map_iframe("explorer_map_frame")).wait_for()
        shown = page.evaluate(REFLOW)
        assert shown["scroll"] <= shown["width"], shown  # no scrolling sideways
        assert shown["main"] <= shown["mainWidth"], shown
        # Streamlit folds the sidebar; folded, it is out of sight and of the Tab key's way (in
        # Arabic it was moved onto the page's text, and in every language Tab went through its
        # links unseen)
        assert (shown["collapsed"], shown["visibility"]) == ("true", "hidden"), shown
        # nothing of it shows either: in Arabic the language box's label and the sidebar's
        # captions (Streamlit draws them visible) stood in a 16 px strip over the page's text
        seen = page.evaluate(
            """() => Array.from(document.querySelectorAll("[data-testid='stSidebar'] *"))
                .filter(e => getComputedStyle(e).visibility === 'visible' &&
                             e.getClientRects().length)
                .map(e => (e.textContent || e.tagName).slice(0, 30))"""
        )
        assert not seen, seen
        page.screenshot(path=str(ARTIFACTS / f"a11y-zoom200-{lang}.png"))
        _tab_to(page, "[data-testid='stExpandSidebarButton'], [aria-label='Expand sidebar']")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.querySelector(\"[data-testid='stSidebar']\").dataset.collapsed"
            " === 'false'"
        )
        page.get_by_role("link", name=heading).wait_for(state="visible")
        # the sidebar slides in: what a person sees is the sidebar once it is in place
        page.wait_for_function(
            f"() => {{ const s = ({REFLOW})(); return s.left >= 0 && s.right <= s.width + 1; }}",
            timeout=5_000,
        )
        opened = page.evaluate(REFLOW)
        assert opened["visibility"] == "visible", opened
        assert opened["left"] >= 0, opened
        assert opened["right"] <= opened["width"] + 1, opened
        assert opened["scroll"] <= opened["width"], opened
        page.screenshot(path=str(ARTIFACTS / f"a11y-zoom200-sidebar-{lang}.png"))
    finally:
        context.close()


def test_the_upload_button_is_named_in_the_pages_language_alone(app: str, page: Any) -> None:
    # the English "Upload" was drawn at no size but still read: "Uploadاختيار ملف"
    page.goto(f"{app}/data?lang=ar")
    _wait_heading(page, "البيانات")
    page.locator("[data-testid='stFileUploaderDropzone'] button").wait_for()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector(\"[data-testid='stFileUploaderDropzone']"
        " button [data-testid='stMarkdownContainer']\"), '::after').content === '\"اختيار ملف\"'"
    )
    names = _accessible_names(page, "button")
    assert "اختيار ملف" in names, names
    assert not [n for n in names if "Upload" in n], names
