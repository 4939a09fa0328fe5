"""A link asking for a distance threshold the pages do not offer (``?km=25``; the boxes offer
10, 20, 30 and 60 km) opened at 30 km without a word: the Coverage page and the Map
explorer now say, in the page's language, what the link asked for and what they show."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import opened_in
from walouja.settings import Settings

COVERAGE = "views/3_Coverage_and_equity.py"
MAP = "views/2_Map_explorer.py"
SAID = {
    "fr": "Le lien demandait un seuil de 25 km, que la page ne propose pas (seuils proposés : "
    "10, 20, 30, 60 km) : elle montre 30 km.",
    "en": "The link asked for a threshold of 25 km, which the page does not offer (thresholds "
    "offered: 10, 20, 30, 60 km): it shows 30 km.",
    # an unsigned figure keeps its order on a right-to-left page without marks (a sign or
    # letters would be isolated: "-5" stays "-5", tests of app.i18n.bidi_own)
    "ar": "طلب الرابط عتبة 25 كلم، وهي غير متاحة في الصفحة (العتبات المتاحة: "
    "10، 20، 30، 60 كلم): تعرض الصفحة 30 كلم.",
}


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_link_to_a_threshold_the_coverage_page_does_not_offer_says_what_it_shows(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, COVERAGE, {"km": "25"})
    assert at.selectbox(key="km").value == "30"
    assert SAID[lang] in _infos(at)
    # said while the page shows the link's view with 30 km in place of 25...
    at.selectbox(key="by").set_value("region").run()
    assert SAID[lang] in _infos(at)
    # ...and no more once the reader picks a threshold
    at.selectbox(key="km").set_value("60").run()
    assert not any("25" in i for i in _infos(at)), _infos(at)
    at.selectbox(key="km").set_value("30").run()
    assert SAID[lang] not in _infos(at)


@pytest.mark.parametrize("km", ["20", None])
def test_a_link_to_an_offered_threshold_or_none_says_nothing_of_it(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, km: str | None
) -> None:
    params = {} if km is None else {"km": km}
    at = opened_in(monkeypatch, "fr", COVERAGE, params)
    assert at.selectbox(key="km").value == (km or "30")
    assert not any("Le lien demandait" in i for i in _infos(at)), _infos(at)


def test_a_threshold_that_is_no_number_is_said_as_typed(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as typed, not read as Markdown ("**" made bold) nor a page long
    at = opened_in(monkeypatch, "en", COVERAGE, {"km": "**abc**" + "x" * 50})
    (said,) = [i for i in _infos(at) if i.startswith("The link asked")]
    assert said.startswith(r"The link asked for a threshold of \*\*abc\*\*xxxxx… km,")
    assert said.endswith("it shows 30 km.")


def test_the_map_explorer_says_it_too_when_its_indicator_uses_the_threshold(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = opened_in(monkeypatch, "fr", MAP, {"indicator": "coverage", "km": "25"})
    assert at.selectbox(key="km").value == "30"
    assert SAID["fr"] in _infos(at)
    # an indicator that does not use the threshold (its box is disabled) says nothing of it
    at = opened_in(monkeypatch, "fr", MAP, {"indicator": "nearest_km", "km": "25"})
    assert not any("Le lien demandait" in i for i in _infos(at)), _infos(at)
