"""The Prioritise centres page in headless Chromium: run a small MCLP, see numbered sites.

Every wait is on what the page shows (the heading, the solver's message, the numbered markers
inside the Leaflet map); the screenshot lands in ``tests/artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
SITE_MARKER = ".walouja-site"  # app/prioritise_view.SITE_CSS: the DivIcon of each site

_SITE_NUMBERS = """([iframe, marker]) => {
    const frame = document.querySelector(iframe);
    const doc = frame && frame.contentDocument;
    if (!doc) return [];
    return Array.from(doc.querySelectorAll(marker)).map(e => e.textContent.trim());
}"""


def test_a_small_mclp_draws_its_sites_numbered_by_rank(app: str, page: Any) -> None:
    page.goto(f"{app}/prioritise_centres?p_new=3&p_km=30&p_ctype=COAPH")
    page.get_by_role("heading", name="Prioriser les centres").first.wait_for()
    page.get_by_role("button", name="Proposer des sites").wait_for()
    page.screenshot(path=str(ARTIFACTS / "prioritise-form.png"))
    page.get_by_role("button", name="Proposer des sites").click()
    page.get_by_text("Solution optimale prouvée par HiGHS").first.wait_for(timeout=120_000)
    page.wait_for_function(
        f"([iframe, marker]) => ({_SITE_NUMBERS})([iframe, marker]).length >= 3",
        arg=[MAP_IFRAME, SITE_MARKER],
        timeout=60_000,
    )
    numbers = page.evaluate(_SITE_NUMBERS, [MAP_IFRAME, SITE_MARKER])
    assert sorted(numbers) == ["1", "2", "3"]
    # the popup of site 1 gives its marginal gain
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(SITE_MARKER, has_text="1").first.click()
    frame.get_by_text("Apport marginal").first.wait_for()
    assert (
        "personnes nouvellement couvertes" in frame.locator(".leaflet-popup-content").inner_text()
    )
    page.wait_for_url("**scenario=**")
    page.screenshot(path=str(ARTIFACTS / "prioritise-mclp.png"), full_page=True)


def test_opening_a_saved_scenario_shows_its_request(app: str, page: Any) -> None:
    # the browser keeps a widget's value across reruns: "Open" must show the opened request
    page.goto(f"{app}/prioritise_centres?p_new=3&p_km=30&p_ctype=COAPH")
    run = page.get_by_role("button", name="Proposer des sites")
    run.wait_for()
    run.click()
    page.wait_for_url("**scenario=**", timeout=120_000)
    first = page.url.split("scenario=")[1].split("&")[0]
    count = page.get_by_label("Nouveaux centres", exact=True)
    count.fill("4")
    count.press("Enter")
    page.wait_for_url("**p_new=4**")
    run.click()
    page.wait_for_function(
        "first => !location.search.includes('scenario=' + first + '&')"
        " && !location.search.endsWith('scenario=' + first)",
        arg=first,
        timeout=120_000,
    )
    chooser = page.get_by_label("Scénarios enregistrés")
    chooser.click()
    chooser.press_sequentially(f"#{first} ")
    chooser.press("Enter")
    # the choice is the select's value (its rerun done) before "Open" is pressed
    page.wait_for_function(
        "label => Array.from(document.querySelectorAll(\"[data-testid='stSelectbox']\"))"
        ".some(b => (b.textContent + ' ' + Array.from(b.querySelectorAll('input'))"
        ".map(i => i.value).join(' ')).includes(label))",
        arg=f"#{first} ",
        timeout=30_000,
    )
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_function(
        "first => new URLSearchParams(location.search).get('scenario') === first",
        arg=first,
        timeout=60_000,
    )
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('input[aria-label=\"Nouveaux centres\"]'))"
        ".some(e => e.value === '3')",
        timeout=30_000,
    )
    assert page.get_by_text("ont changé depuis ce scénario").count() == 0
    page.screenshot(path=str(ARTIFACTS / "prioritise-open.png"), full_page=True)
