"""The Map explorer's map in the page's language, as Chromium shows it."""

from __future__ import annotations

from typing import Any

import pytest

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS, map_document, map_iframe

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("lang", "unit"), [("ar", "كلم"), ("fr", "km"), ("en", "km")])
def test_the_scale_bar_writes_its_unit_as_the_page_does(
    app: str, page: Any, lang: str, unit: str
) -> None:
    # Leaflet's scale read "300 km" on the Arabic page, where every distance is "30 كلم"
    assert translate("unit.km", lang) == unit
    page.goto(f"{app}/map_explorer?lang={lang}")
    scale = page.frame_locator(map_iframe()).locator(".leaflet-control-scale-line")
    scale.wait_for()
    doc = map_document(page)
    doc.wait_for_function(
        "() => /\\d/.test(document.querySelector('.leaflet-control-scale-line').innerText)"
    )
    figure, said = scale.inner_text().strip().rsplit(maxsplit=1)
    assert figure.isdigit(), scale.inner_text()
    assert said == unit, scale.inner_text()
    page.screenshot(path=str(ARTIFACTS / f"map-scale-{lang}.png"))
