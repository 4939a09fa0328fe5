"""The app shell in headless Chromium: what a page keeps when the user changes language or
leaves it for another page and comes back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

SELECT_VALUES = """() => Array.from(
    document.querySelectorAll("[data-testid='stMain'] [data-testid='stSelectbox'] input"))
    .map(e => e.value)"""


def _wait_heading(page: Any, text: str) -> None:
    page.get_by_role("heading", name=text).first.wait_for(state="visible")


def _follow(page: Any, link: str, heading: str) -> None:
    """Open a page from the sidebar, as a person does (not by its address)."""
    page.locator("[data-testid='stSidebarNavLink']").filter(has_text=link).click()
    _wait_heading(page, heading)


def _choose_language(page: Any, name: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox'] input").first.click()
    page.get_by_role("option", name=name).click()


def test_a_select_box_shows_its_value_in_the_new_language(app: str, page: Any) -> None:
    page.goto(f"{app}/data?imp_layer=beaches")
    _wait_heading(page, "Données")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('Plages')")
    _choose_language(page, "العربية")
    _wait_heading(page, "البيانات")
    # the layer box said "Plages" on the Arabic page until it was touched again
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('الشواطئ')")
    assert "Plages" not in page.evaluate(SELECT_VALUES)
    page.wait_for_url("**imp_layer=beaches**")
    _choose_language(page, "English")
    _wait_heading(page, "Data")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('Beaches')")


def test_a_page_keeps_its_choices_when_the_user_comes_back(app: str, page: Any) -> None:
    page.goto(f"{app}/data?imp_layer=beaches")
    _wait_heading(page, "Données")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('Plages')")
    _follow(page, "Sources et licences", "Sources et licences")
    assert "imp_layer" not in page.url
    _follow(page, "Données", "Données")
    # Streamlit dropped the page's address and widgets on leaving: it showed "Centres"
    page.wait_for_url("**imp_layer=beaches**")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('Plages')")


UPLOAD_WORDS = """() => {
    const words = document.querySelector(
        "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']");
    const hint = document.querySelector("[data-testid='stFileUploaderDropzoneInstructions']");
    return [getComputedStyle(words, '::after').content,
            getComputedStyle(words.querySelector('p')).display,
            hint ? getComputedStyle(hint).display : 'none'];
}"""


def test_the_file_uploader_reads_in_the_pages_language(app: str, page: Any) -> None:
    page.goto(f"{app}/data?lang=ar")
    _wait_heading(page, "البيانات")
    page.locator("[data-testid='stFileUploaderDropzone'] button").wait_for()
    page.wait_for_function(f"() => ({UPLOAD_WORDS})()[0] === '\"اختيار ملف\"'")
    _, shown, hint = page.evaluate(UPLOAD_WORDS)
    assert shown == "none"  # Streamlit's own "Upload" is not shown (nor read out)
    assert hint == "none"  # nor its English "200MB per file": the page's caption says it


def _pick(page: Any, label: str, option: str) -> None:
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(has_text=label)
    box.locator("input").first.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_choice_on_one_page_does_not_become_anothers(app: str, page: Any) -> None:
    # the Coverage page and the Map explorer share the distance's key: after a change of
    # language the Map explorer's 60 km showed on the Coverage page (and its figures)
    page.goto(f"{app}/coverage_and_equity?km=10")
    _wait_heading(page, "Couverture et équité")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('10 km')")
    _follow(page, "Explorateur de carte", "Explorateur de carte")
    _pick(page, "Indicateur", "Couverture (part à moins du seuil)")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('30 km')")
    _pick(page, "Seuil", "60 km")
    page.wait_for_url("**km=60**")
    _choose_language(page, "English")
    _wait_heading(page, "Map explorer")
    _follow(page, "Coverage and equity", "Coverage and equity")
    page.wait_for_url("**km=10**")
    page.wait_for_function(f"() => ({SELECT_VALUES})().includes('10 km')")
    assert "60 km" not in page.evaluate(SELECT_VALUES)


def test_back_leaves_the_page_and_finds_the_last_one_as_it_was_left(app: str, page: Any) -> None:
    # each choice pushed a step into the browser's history, and Back went to the address
    # before the choice, which the page wrote back at once (its boxes keep their values):
    # Back from the Map explorer stayed on it, and Coverage then took two more presses of
    # Back that did nothing before the Overview came
    page.goto(app)
    _wait_heading(page, "Vue d'ensemble")
    _follow(page, "Couverture et équité", "Couverture et équité")
    _pick(page, "Type de centre", "CAS — centre d'assistance sociale")
    page.wait_for_url("**ctype=CAS**")
    _pick(page, "Seuil", "60 km")
    page.wait_for_url("**km=60**")
    _follow(page, "Explorateur de carte", "Explorateur de carte")
    _pick(page, "Indicateur", "Couverture (part à moins du seuil)")
    page.wait_for_url("**indicator=coverage**")
    page.go_back()
    _wait_heading(page, "Couverture et équité")
    page.wait_for_url("**/coverage_and_equity?ctype=CAS&km=60")
    page.wait_for_function(
        f"() => {{ const v = ({SELECT_VALUES})(); return v.includes('60 km') && "
        "v.some(x => x.startsWith('CAS — ')); }"
    )
    assert page.url.endswith("/coverage_and_equity?ctype=CAS&km=60"), page.url
    page.go_back()
    _wait_heading(page, "Vue d'ensemble")
    assert "coverage_and_equity" not in page.url, page.url
    page.go_forward()
    _wait_heading(page, "Couverture et équité")
    page.go_forward()  # the Map explorer, with the indicator it showed
    _wait_heading(page, "Explorateur de carte")
    page.wait_for_url("**/map_explorer?indicator=coverage")
    page.wait_for_function(
        f"() => ({SELECT_VALUES})().includes('Couverture (part à moins du seuil)')"
    )
    assert "Couverture (part à moins du seuil)" in page.evaluate(SELECT_VALUES)


OPTION_ENDS = """() => Array.from(document.querySelectorAll("[role='option']")).map(o => {
    // where the option's first and last letters are drawn, and the box they are shown in
    const box = o.firstElementChild.getBoundingClientRect();
    const text = o.firstElementChild.firstChild;
    const at = (i) => {
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        const rect = r.getBoundingClientRect();
        return [rect.left, rect.right];
    };
    return {text: text.data, left: box.left, right: box.right, first: at(0),
            firstWord: at(text.data.indexOf(" — ") + 3), last: at(text.data.length - 1),
            direction: getComputedStyle(o).direction};
})"""


STYLED = """(rtl) => {
    const box = document.querySelector("[data-testid='stSelectbox'] input[role='combobox']");
    const main = document.querySelector("[data-testid='stAppViewContainer']");
    return !!box && !!main && getComputedStyle(box).textOverflow === "ellipsis"
        && getComputedStyle(main).direction === (rtl ? "rtl" : "ltr");
}"""


def _wait_styled(page: Any, *, rtl: bool) -> None:
    """Wait for the shell's style sheets: a fresh server's first page can draw its boxes a
    moment before them (a person sees the page once they are there)."""
    page.wait_for_function(STYLED, arg=rtl, timeout=15_000)


def _open_box(page: Any, label: str, *, rtl: bool) -> list[dict[str, Any]]:
    _wait_styled(page, rtl=rtl)
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(has_text=label)
    box.locator("input").first.click()
    page.get_by_role("option").first.wait_for()
    ends: list[dict[str, Any]] = page.evaluate(OPTION_ENDS)
    return ends


def _shown(ends: dict[str, Any], letter: str) -> bool:
    left, right = ends[letter]
    return bool(left >= ends["left"] - 1 and right <= ends["right"] + 1)


def test_an_arabic_option_too_long_for_its_list_reads_from_the_right(app: str, page: Any) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/coverage_and_equity?lang=ar")
    _wait_heading(page, "التغطية والإنصاف")
    options = _open_box(page, "نوع المركز", rtl=True)
    coaph = next(o for o in options if o["text"].startswith("COAPH — "))
    # longer than the list: its start (the type's code, then the first word of its name)
    # shows, on the right; its end is the part left out. The list said "…ساعدة الأشخاص في
    # وضعية إعاقة": "مركز توجيه و" was cut off
    assert coaph["last"][1] < coaph["first"][0], coaph
    assert _shown(coaph, "first"), coaph
    assert _shown(coaph, "firstWord"), coaph
    assert not _shown(coaph, "last"), coaph
    assert all(o["direction"] == "rtl" for o in options)
    page.screenshot(path=str(ARTIFACTS / "select-options-ar.png"))


def test_a_french_option_list_still_reads_from_the_left(app: str, page: Any) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/coverage_and_equity?lang=fr")
    _wait_heading(page, "Couverture et équité")
    options = _open_box(page, "Type de centre", rtl=False)
    coaph = next(o for o in options if o["text"].startswith("COAPH — "))
    assert all(o["direction"] == "ltr" for o in options)
    assert coaph["first"][0] < coaph["last"][0]
    assert _shown(coaph, "first"), coaph
    assert _shown(coaph, "firstWord"), coaph


CLOSED_BOX = """(label) => {
    const e = document.querySelector(`input[role='combobox'][aria-label='${label}']`);
    const style = getComputedStyle(e);
    return {value: e.value, cut: e.scrollWidth > e.clientWidth + 1,
            overflow: style.textOverflow, direction: style.direction};
}"""


@pytest.mark.parametrize(
    ("lang", "heading", "label", "overflow", "direction"),
    [
        ("ar", "التغطية والإنصاف", "نوع المركز", "ellipsis", "rtl"),
        ("fr", "Couverture et équité", "Type de centre", "ellipsis", "ltr"),
    ],
)
def test_a_closed_box_marks_a_value_it_cuts_with_an_ellipsis(
    app: str, page: Any, lang: str, heading: str, label: str, overflow: str, direction: str
) -> None:
    # "COAPH — مركز توجيه ومساعدة الأشخاص…" was cut at its end (on the left) with no mark, and
    # "COAPH — centre d'orientation et d'assi" on the right
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app}/coverage_and_equity?lang={lang}")
    _wait_heading(page, heading)
    page.locator(f"input[role='combobox'][aria-label='{label}']").wait_for()
    # the page's style sheet comes with the shell's first elements, which can be drawn just
    # after the box (the box then still shows Streamlit's own style): what a person sees is
    # the box once they are there
    _wait_styled(page, rtl=direction == "rtl")
    box = page.evaluate(CLOSED_BOX, label)
    assert box["value"].startswith("COAPH — "), box
    assert (box["overflow"], box["direction"]) == (overflow, direction), box
    assert box["cut"], box  # the value is longer than its box at 1366 px
    page.screenshot(path=str(ARTIFACTS / f"select-closed-{lang}.png"))
