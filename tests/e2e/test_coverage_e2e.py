"""The Coverage and equity page in headless Chromium at a common laptop size (1366×768): what
its boxes and figures show whole, in French, Arabic and English.

Every wait is on what the page shows; screenshots land in ``tests/artifacts/``.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS

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
    page.screenshot(path=str(ARTIFACTS / f"coverage-{lang}.png"))
