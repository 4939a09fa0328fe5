"""The Overview, the Data and the Sources pages as a planner reads them, through AppTest
against the real database: marks that need no emoji font, tables whose texts show whole."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app import shell
from tests.app.support import HOME


def _page(page: str, lang: str, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> AppTest:
    """``page`` in a fresh session in ``lang`` on the test database."""
    with engine.connect() as c:
        n = c.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    assert n > 1000, "no national geography in the test database: run `walouja load`"
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["1_Overview", "4_Data"])
def test_the_link_to_the_sources_is_marked_with_an_icon_of_the_served_font(
    page: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # the 📜 emoji was an empty box beside "Toutes les sources et licences" in Debian's
    # Chromium (no emoji font): the link takes the Sources page's own navigation icon
    at = _page(page, "fr", monkeypatch, engine)
    links = [p for p in at.get("page_link") if p.proto.page == "sources_and_licences"]
    assert links, "no link to the Sources and licences page"
    for link in links:
        assert link.proto.icon == ":material/license:"
        assert link.proto.label == "Toutes les sources et licences"


@pytest.mark.parametrize(
    ("lang", "heading", "full"),
    [
        ("fr", "Prévalence (%)", "Prévalence du handicap (%)"),
        ("ar", "الانتشار (%)", "معدل انتشار الإعاقة (%)"),
        ("en", "Prevalence (%)", "Disability prevalence (%)"),
    ],
)
def test_the_prevalence_column_says_it_is_in_per_cent(
    lang: str, heading: str, full: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # "Prévalence | 4,91" beside "Couverture (%) | 98,6": the one figure of the table
    # without its unit, neither in its heading nor in the heading's tooltip
    at = _page("1_Overview", lang, monkeypatch, engine)
    (table,) = [d for d in at.dataframe if heading in d.value.columns]
    config = json.loads(table.proto.columns)
    assert config[heading]["help"] == full


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "calculés à partir des centres de démonstration"),
        ("ar", "محسوبة انطلاقاً من مراكز توضيحية"),
        ("en", "computed from the demonstration centres"),
    ],
)
def test_each_section_counting_demonstration_centres_says_so(
    lang: str, said: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # the banner at the top of the page was out of sight by the "Centres par type" table,
    # whose invented counts and places read as official, as did the figures by territory
    with engine.connect() as c:
        demo = c.execute(sa.text("SELECT count(*) FROM centres WHERE is_demo")).scalar_one()
    assert demo, "expects the demonstration centres (run `walouja load`)"
    at = _page("1_Overview", lang, monkeypatch, engine)
    marks = [c.value for c in at.caption if said in c.value]
    # under the national figures, the centres by type and the table by territory
    assert len(marks) == 3, [c.value for c in at.caption]
    assert all(m.startswith(shell.DEMO_FLASK) for m in marks), marks


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "centres en activité n'ont pas de capacité connue : chacun compte pour la médiane"),
        ("ar", "بلا طاقة استيعابية معروفة: يُحتسب كل منها بوسيط الطاقات المعروفة"),
        ("en", "operating centres have no known capacity: each counts as the median"),
    ],
)
def test_the_places_say_that_centres_of_unknown_capacity_count_the_median(
    lang: str, said: str, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    # "Places pour 10 000 PSH 174,6" here and 245,2 on the Coverage page, the Map explorer's
    # regions as the latter: centres of unknown capacity counted no place here, the median
    # there; they now count the median here too (tests/app/test_places_agree.py), and each
    # section that counts places says so in the other pages' words
    with engine.connect() as c:
        unknown = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE status = 'operating' AND capacity IS NULL")
        ).scalar_one()
    assert unknown > 10, "expects operating centres of unknown capacity (run `walouja load`)"
    at = _page("1_Overview", lang, monkeypatch, engine)
    notes = [c.value for c in at.caption if said in c.value]
    # under the national figures and the table by territory; the centres by type count each
    # type's own median and say so in their own note (tests/app/test_places_agree.py)
    assert len(notes) == 2, [c.value for c in at.caption]
    count = f"{unknown:,}".replace(",", "\u202f") if lang != "en" else f"{unknown:,}"
    assert all(count in n for n in notes), notes
