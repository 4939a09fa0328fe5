"""A candidate file's site names on the Prioritise page's map are text, never markup or
script (headless Chromium). Every wait is on what the page shows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, map_iframe

pytestmark = pytest.mark.e2e

NAME = "Centre `Nord` & <b>Sud</b> ${1+1}"
"""A name as a planner's file may hold one: a backtick, an ampersand, angle brackets."""


def test_a_files_site_name_shows_as_typed_on_the_map(app: str, page: Any) -> None:
    # the map wrote a site's name into its script as HTML: "<b>Sud</b>" showed in bold, and
    # a backtick ended the script, so that the page drew an empty map without a word
    csv = f'id;nom;lon;lat\nN1;"{NAME}";-1.91;34.68\n'.encode()
    page.goto(f"{app}/prioritise_centres?p_cand=upload&p_new=1&p_km=30&p_ctype=COAPH")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "noms.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.get_by_text("noms.csv").first.wait_for()
    page.get_by_role("button", name="Proposer des sites").click()
    page.wait_for_url("**scenario=**", timeout=120_000)
    frame = page.frame_locator(map_iframe())
    marker = frame.locator(".walouja-site", has_text="1").first
    marker.wait_for(timeout=60_000)
    marker.hover()
    tooltip = frame.locator(".leaflet-tooltip", has_text="Centre")
    tooltip.wait_for()
    assert tooltip.inner_text().strip() == f"1. {NAME}"
    assert tooltip.locator("b").count() == 0
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    lines = popup.inner_text().splitlines()
    assert lines[1] == f"{NAME} — Oujda", lines
    page.screenshot(path=str(ARTIFACTS / "prioritise-site-name-as-text.png"))
