"""The Prioritise centres page's downloads of the proposed sites in headless Chromium: four
buttons (CSV, GeoPackage, Excel, KML for Google Earth), each label read whole at a laptop's
1366 px, and the KML saved as the browser saves it. Every wait is on what the page shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, grid_page

pytestmark = pytest.mark.e2e

_LABELS = """() => Array.from(document.querySelectorAll(
        "[data-testid='stDownloadButton'] button p"))
    .filter(p => p.getClientRects().length > 0)
    .map(p => ({text: p.textContent,
        cut: p.scrollWidth > p.clientWidth + 1
            || p.parentElement.scrollWidth > p.parentElement.clientWidth + 1}))"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_sites_four_downloads_read_whole_and_the_kml_opens_in_google_earth(
    app: str, browser: Any, tmp_path: Path, lang: str
) -> None:
    # four equal columns cut "Télécharger les sites (GeoPacka…" and "(KML pour …"; the KML
    # button is new (a proposal went to Google Earth users converted by hand)
    from app.i18n import translate

    with grid_page(browser, accept_downloads=True) as page:
        page.goto(f"{app}/prioritise_centres?lang={lang}&p_new=3&p_km=30&p_ctype=COAPH")
        page.get_by_role("button", name=translate("prioritise.run", lang)).click()
        kml = page.get_by_role("button", name=translate("prioritise.download_kml", lang))
        kml.wait_for(timeout=120_000)
        kml.scroll_into_view_if_needed()
        labels = page.evaluate(_LABELS)
        expected = [translate(f"prioritise.download_{f}", lang) for f in ("csv", "gpkg", "xlsx")]
        assert [x["text"] for x in labels] == [
            *expected,
            translate("prioritise.download_kml", lang),
        ]
        assert [x["text"] for x in labels if x["cut"]] == []
        page.screenshot(path=str(ARTIFACTS / f"prioritise-downloads-{lang}.png"))
        with page.expect_download() as saved:
            kml.click()
        download = saved.value
        assert download.suggested_filename.endswith(".kml"), download.suggested_filename
        path = tmp_path / download.suggested_filename
        download.save_as(path)
    from geo.io_read import read_kml

    names = read_kml(path).records["Name"].tolist()
    assert [n.split(" · ")[0] for n in names] == ["1", "2", "3"]
    assert all(n.split(" · ")[1] for n in names), names  # each named by its site
