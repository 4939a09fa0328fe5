"""A server whose database does not exist, in a real headless Chromium: what a planner
reads instead of the pages (the commands to run), laid out as the language reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, serving
from walouja.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def absent_url(settings: Settings) -> Iterator[str]:
    """A ``walouja serve`` whose local database does not exist."""
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's database name is what this test changes")
    with serving(f"{settings.db_name}_absent", "serve-absent.log") as url:
        yield url


_CODE = """() => {
    const pre = document.querySelector("[data-testid='stCode'] pre");
    const box = pre.getBoundingClientRect();
    const starts = [...pre.querySelectorAll("code")].map(c => {
        const r = document.createRange();
        r.selectNodeContents(c);
        return [...r.getClientRects()].map(x => x.left - box.left);
    })[0];
    return {direction: getComputedStyle(pre).direction, starts, width: box.width};
}"""


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_commands_to_run_read_left_to_right_in_every_language(
    absent_url: str, page: Any, lang: str
) -> None:
    # in Arabic the block of commands took the page's direction: "# or" showed as "or #"
    # and each command was pushed against the right edge
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{absent_url}/?lang={lang}")
    page.locator("[data-testid='stCode'] pre").wait_for()
    seen = page.evaluate(_CODE)
    page.screenshot(path=str(ARTIFACTS / f"database-absent-{lang}.png"))
    assert seen["direction"] == "ltr", seen
    # every line of the commands starts at the block's left edge (its padding)
    assert seen["starts"], seen
    assert max(seen["starts"]) < 0.25 * seen["width"], seen
