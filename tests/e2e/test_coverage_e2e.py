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
