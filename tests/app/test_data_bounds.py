"""The largest value a field takes, in a rejected row's reason on the Data page: the
importer gives it as a number and the page writes it as it writes every figure (``10 000``
in French and Arabic, ``10,000`` in English), exactly (a float wrote the budget column's
``99,999,999,999,999.99`` as ``…999.98``), a year as it is; the English page's words are the
command line's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.dataio import reason_text
from app.i18n import bidi_own, translate
from geo.validate import MAXIMUM, problem

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("maximum", "written"),
    [
        (MAXIMUM["capacity"], {"fr": f"10{NNBSP}000", "ar": f"10{NNBSP}000", "en": "10,000"}),
        (
            MAXIMUM["budget_mad"],
            {
                "fr": f"100{NNBSP}000{NNBSP}000",
                "ar": f"100{NNBSP}000{NNBSP}000",
                "en": "100,000,000",
            },
        ),
        (
            Decimal("99999999999999.99"),
            {
                "fr": NNBSP.join(["99", "999", "999", "999", "999,99"]),
                "ar": NNBSP.join(["99", "999", "999", "999", "999,99"]),
                "en": "99,999,999,999,999.99",
            },
        ),
        (MAXIMUM["end_year"], {"fr": "2100", "ar": "2100", "en": "2100"}),
    ],
    ids=["capacity", "budget", "cents", "year"],
)
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_bound_is_written_as_the_page_writes_figures(
    maximum: Decimal, written: dict[str, str], lang: str
) -> None:
    refused = problem(3, "budget_mad", "above_maximum", maximum=maximum, value="1e20")
    assert refused.params["maximum"] == maximum  # a number, not the English text
    said = reason_text(refused, lang)
    assert said == translate(
        "reason.above_maximum", lang, maximum=written[lang], value=bidi_own("1e20", lang)
    )
    if lang == "en":
        assert said == refused.reason  # the command line's words
