"""A link to the Prioritise centres page with a value one of its boxes cannot take
(``?p_new=20000``: at most 10,000 new centres; ``?p_km=abc``) opened the page at the box's
default without a word, as ``?km=25`` did on the Coverage page. The page now says, in its
language, what the link gave, for which box, what the box takes and what it shows instead,
until the reader changes that box."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import opened_in
from walouja.settings import Settings

PAGE = "views/5_Prioritise_centres.py"
NEW_REFUSED = {
    "fr": "Le lien donnait 20000 pour « Nouveaux centres », une valeur que la case ne prend "
    "pas (de 1 à 10\u202f000) : la page montre 5.",
    "en": "The link gave 20000 for “New centres”, a value the box does not take "
    "(1 to 10,000): the page shows 5.",
    "ar": "أعطى الرابط القيمة 20000 لخانة «مراكز جديدة»، وهي قيمة لا تقبلها الخانة "
    "(من 1 إلى 10\u202f000): تعرض الصفحة 5.",
}


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_a_count_beyond_the_box_says_what_the_page_shows_until_changed(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = opened_in(monkeypatch, lang, PAGE, {"p_new": "20000"}, timeout=240)
    assert at.number_input(key="p_new").value == 5
    assert NEW_REFUSED[lang] in _infos(at)
    # still said while the box shows the default the link did not get...
    at.selectbox(key="p_model").set_value("pmedian").run()
    assert NEW_REFUSED[lang] in _infos(at)
    # ...and no more once the reader sets the box, even back to that default
    at.number_input(key="p_new").set_value(7).run()
    assert NEW_REFUSED[lang] not in _infos(at)
    at.number_input(key="p_new").set_value(5).run()
    assert not any("20000" in i for i in _infos(at)), _infos(at)


def test_a_value_that_is_no_number_is_said_as_typed_and_a_good_one_says_nothing(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as typed, not read as Markdown, cut after 12 characters; the radius box's bounds as
    # the page writes figures
    at = opened_in(
        monkeypatch, "fr", PAGE, {"p_km": "**abc**" + "x" * 40, "p_tl": "45"}, timeout=240
    )
    assert at.number_input(key="p_km").value == 30
    assert at.number_input(key="p_tl").value == 45
    said = [i for i in _infos(at) if i.startswith("Le lien donnait")]
    assert said == [
        r"Le lien donnait \*\*abc\*\*xxxxx… pour « Rayon (km) », une valeur que la case ne "
        "prend pas (de 0,1 à 2\u202f500) : la page montre 30."
    ]
