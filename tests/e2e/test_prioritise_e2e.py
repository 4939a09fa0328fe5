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

    # the same scenario in Arabic: its long metric labels wrap instead of being cut off
    page.goto(page.url + "&lang=ar")
    page.get_by_text("حل أمثل أثبته HiGHS").first.wait_for(timeout=120_000)
    labels = page.locator("[data-testid='stMetricLabel'] p")
    labels.first.wait_for()
    cut = page.evaluate(_CUT_LABELS)
    assert labels.count() >= 4
    assert cut == [], cut


_CUT_LABELS = """() => Array.from(document.querySelectorAll("[data-testid='stMetricLabel'] p"))
    .filter(p => p.scrollWidth > p.clientWidth + 1 || p.parentElement.scrollWidth >
        p.parentElement.clientWidth + 1)
    .map(p => p.textContent)"""
