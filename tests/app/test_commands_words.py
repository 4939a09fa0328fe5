"""The boxes of commands to copy speak the page's language between the commands: "# or"
stood in the French and Arabic pages' boxes (``make run / # or / walouja db up && walouja
load``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME
from walouja.settings import Settings


@pytest.fixture
def clean_caches() -> Iterator[None]:
    """The database status is cached per process: read again before and after."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize(("lang", "word"), [("fr", "# ou"), ("ar", "# أو"), ("en", "# or")])
def test_the_commands_box_says_or_in_the_pages_language(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    clean_caches: None,
    lang: str,
    word: str,
) -> None:
    if not settings.uses_local_cluster:
        pytest.skip("the local cluster's database name is what this test changes")
    monkeypatch.setenv("WALOUJA_DB_NAME", f"{settings.db_name}_absent")
    at = AppTest.from_file(HOME, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    boxes = [c.value for c in at.code]
    assert boxes == [f"make run\n{word}\nwalouja db up && walouja load"], boxes
