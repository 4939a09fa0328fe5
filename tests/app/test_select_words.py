"""The words Streamlit writes in a select box itself, in the page's language: what a box
shows when its text is cleared to search (its placeholder), and the words the shell's
script gives Streamlit's own controls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app import shell
from app.i18n import LANGUAGES, translate
from tests.app.support import HOME, lacking_keyword, widget_calls

STREAMLIT_PLACEHOLDERS = {
    "Choose an option",
    "Choose options",
    "Choose or add an option",
    "Choose or add options",
    "Add an option",
    "Add options",
    "No options to select",
}
"""What Streamlit 1.67 writes in an empty select box whose call gives no placeholder."""

PAGES = (
    "1_Overview",
    "2_Map_explorer",
    "3_Coverage_and_equity",
    "4_Data",
    "5_Prioritise_centres",
    "9_Sources_and_licences",
)


def test_every_select_box_in_the_app_is_given_its_placeholder() -> None:
    # a box called without one showed Streamlit's English "Choose an option" on the French
    # and Arabic pages when its text was cleared to search
    calls = list(widget_calls("selectbox", "multiselect"))
    assert len(calls) >= 20, calls  # the walk found the app's boxes
    lacking = lacking_keyword(calls, "placeholder")
    assert not lacking, f"select boxes without placeholder=: {lacking}"


@pytest.fixture
def fresh(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty caches around a test of the app on the test database (offline basemap)."""
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", "fr")
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM communes")).scalar_one() > 1000
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_pages_select_boxes_say_choose_in_the_pages_language(fresh: None, lang: str) -> None:
    choose = translate("streamlit.choose_option", lang)
    seen = 0
    for page in PAGES:
        # the page opened in French, then its language chosen: AppTest cannot leave a page
        # whose radio buttons are worded in Arabic (it reads their value in French)
        at = AppTest.from_file(HOME, default_timeout=180).run()
        at.switch_page(f"views/{page}.py").run()
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value == translate(f"nav.{page.split('_', 1)[1].lower()}", lang)
        for box in at.selectbox:
            # the sidebar's language box too: it is worded in the page's language
            assert box.proto.placeholder == choose, (page, box.label, box.proto.placeholder)
            seen += 1
        for many in at.multiselect:
            # a multiselect says what an empty choice means ("Aucune couche")
            assert many.proto.placeholder, (page, many.label)
            assert many.proto.placeholder not in STREAMLIT_PLACEHOLDERS, (page, many.label)
            seen += 1
    assert seen >= 20


def test_the_language_box_says_choose_in_the_language_chosen(fresh: None) -> None:
    at = AppTest.from_file(HOME, default_timeout=180).run()
    box = at.sidebar.selectbox(key="lang")
    assert box.proto.placeholder == "Choisir une option"
    box.set_value("ar").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="lang").proto.placeholder == "اختر خيارًا"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shells_script_words_a_lists_no_results_and_the_running_indicator(lang: str) -> None:
    words = shell.streamlit_words(lang)["exact"]
    for english, key in [
        ("No results", "streamlit.no_results"),
        ("Dismiss", "streamlit.dismiss"),
        ("Running...", "streamlit.running"),
        ("Stop", "streamlit.stop"),
        ("Stopping...", "streamlit.stopping"),
    ]:
        assert words[english] == translate(key, lang)
        assert (words[english] == english) is (lang == "en"), (lang, english)
