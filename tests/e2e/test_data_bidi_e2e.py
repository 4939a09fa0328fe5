"""The Data page in Arabic as Chromium lays it out: Latin codes and figures inside Arabic
sentences and tables read from the right in the order they are listed, signs before figures.

Each check measures where the browser drew a piece of text (a DOM ``Range``), not the
string the page sent: the Unicode bidirectional algorithm, not the catalogue, decides the
order a reader sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.i18n import translate
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

_PLACE = """(cell, [piece, at]) => {
    // the rectangle of the character `at` of the first `piece` in the cell's text
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const i = node.data.indexOf(piece);
        if (i < 0) continue;
        const range = document.createRange();
        range.setStart(node, i + at);
        range.setEnd(node, i + at + 1);
        const r = range.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top};
    }
    return null;
}"""


def _place(cell: Any, piece: str, at: int = 0) -> dict[str, float]:
    """Where the browser drew the character ``at`` of ``piece`` in ``cell``."""
    found = cell.evaluate(_PLACE, [piece, at])
    assert found is not None, (piece, cell.inner_text())
    return dict(found)


def _cell(table: Any, text: str) -> Any:
    """The (one) cell of ``table`` whose text contains ``text``."""
    cell = table.locator("td", has_text=text)
    assert cell.count() == 1, (text, cell.all_inner_texts())
    return cell


def _reads_from_the_right(cell: Any, first: str, then: str) -> None:
    """``first`` is read before ``then`` right to left: on the same line, to its right."""
    a, b = _place(cell, first), _place(cell, then)
    if abs(a["top"] - b["top"]) < 2:  # a list may wrap: only the same line says the order
        assert a["left"] > b["right"] - 1, (first, then, cell.inner_text())


def test_arabic_lists_of_codes_and_given_figures_read_in_their_order(
    app: str, page: Any, tmp_path: Path
) -> None:
    # "قيمة غير معروفة «XYZ» (القيم الممكنة: COAPH، CAS، CAPE…)" showed the codes left to
    # right, EPS first for a reader from the right, and "والقيمة المُدخلة: -5" as "5-"
    bad = tmp_path / "centres_bidi.csv"
    bad.write_text(
        "name,centre_type,capacity,lon,lat\n"
        "Centre test bidi A,XYZ,20,-6.84,34.02\n"
        "Centre test bidi B,COAPH,-5,-6.80,34.00\n",
        encoding="utf-8",
    )
    page.goto(f"{app}/data?lang=ar")
    page.get_by_role("heading", name=translate("data.title", "ar")).wait_for()
    page.locator("input[type='file']").set_input_files(str(bad))
    page.get_by_text("centres_bidi.csv").wait_for()
    page.get_by_role("button", name=translate("data.check", "ar")).click()
    table = page.locator("[data-testid='stMain'] [data-testid='stTable']", has_text="XYZ")
    table.wait_for()
    page.screenshot(path=str(ARTIFACTS / "data-reasons-bidi-ar.png"), full_page=True)
    codes = _cell(table, "XYZ")
    _reads_from_the_right(codes, "COAPH", "CAS")
    _reads_from_the_right(codes, "CAS", "CAPE")
    _reads_from_the_right(codes, "CJPA", "EPS")
    given = _cell(table, "-5")
    assert _place(given, "-5", 0)["left"] < _place(given, "-5", 1)["left"], given.inner_text()

    # the expected columns: the same list of types, and a field's other names
    page.locator("[data-testid='stExpander'] summary").first.click()
    expected = page.locator("[data-testid='stExpander'] table")
    expected.wait_for()
    types = _cell(expected, "CJPA")
    _reads_from_the_right(types, "COAPH", "CAS")
    _reads_from_the_right(types, "EMF", "CJPA")
    names = _cell(expected, "name_fr")
    _reads_from_the_right(names, "nom_fr", "libelle")
