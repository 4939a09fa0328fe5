"""The boxes of commands to copy speak the page's language between the commands: "# or"
stood in the French and Arabic pages' boxes (``make run / # or / walouja db up && walouja
load``)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME
from walouja.settings import Settings


@pytest.mark.parametrize(("lang", "word"), [("fr", "# ou"), ("ar", "# أو"), ("en", "# or")])
def test_the_commands_box_says_or_in_the_pages_language(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
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
