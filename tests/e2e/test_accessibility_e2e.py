"""Accessibility in headless Chromium, with WCAG 2.1 AA as the yardstick: what a screen
reader is told (the document's language and direction, the page's title, the map's name,
the headings), what the keyboard reaches and shows, the contrast of our colours, and the
page at 200 % zoom. The checks are written here (no axe-core: the tests run offline)."""

from __future__ import annotations

from typing import Any

import pytest

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
    return page.locator(f".st-key-{key} iframe")


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


def _tab_to(page: Any, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element ``selector`` has the focus (as a keyboard user does)."""
    focused = "(s) => document.activeElement?.matches(s) ?? false"
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
        "(t) => document.querySelector('.st-key-explorer_map_frame iframe')"
        "?.getAttribute('aria-label') === t",
        arg=title,
    )
    # what Chromium gives a screen reader: the frame named by its aria-label (read before
    # its title, which stays Streamlit's)
    assert title in _accessible_names(page, "Iframe")


def test_the_coverage_map_is_named_when_its_tab_opens(app: str, page: Any) -> None:
    page.goto(f"{app}/coverage_and_equity?tab=map&by=region")
    _wait_heading(page, "Couverture et équité")
    _map_frame(page, "equity_map_frame").wait_for()
    page.wait_for_function(
        "() => (document.querySelector('.st-key-equity_map_frame iframe')"
        "?.getAttribute('aria-label') ?? '').startsWith('Carte : Couverture')"
    )
    title = _map_frame(page, "equity_map_frame").get_attribute("aria-label")
    assert title.endswith("(Régions)"), title
