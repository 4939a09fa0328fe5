"""The Prioritise page says why a budget places fewer centres than the most asked for
(AppTest against the real database)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.app.test_prioritise_page import _opened, _run


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "Le budget de 12\u202f000\u202f000 MAD ne paie que 2 nouveaux centres à "
            "5\u202f000\u202f000 MAD chacun, moins que les 5 demandés.",
        ),
        (
            "en",
            "The budget of 12,000,000 MAD pays for only 2 new centres at 5,000,000 MAD each, "
            "fewer than the 5 asked for.",
        ),
        ("ar", "لا تكفي ميزانية 12\u202f000\u202f000 درهم إلا لمركزين جديدين"),
    ],
)
def test_a_budget_for_fewer_centres_than_the_most_asked_says_so(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    # 12 M MAD at 5 M a centre, at most 5: two sites, and the page said "only 2 of the 5 new
    # centres asked for add anything: no other candidate site would add a person covered",
    # as if the other communes had been weighed and found useless; the budget paid for 2
    address = {"p_mode": "budget", "p_budget": "12000000", "p_most": "5", "p_tl": "20"}
    at = _run(_opened(engine, monkeypatch, lang, address))
    assert len(at.dataframe[0].value) == 2
    shown = [i.value for i in at.info]
    assert any(said in s for s in shown), shown
    useless = {"fr": "apporte", "en": "add anything", "ar": "لا يضيف شيئاً"}[lang]
    assert not any(useless in s for s in shown), shown
