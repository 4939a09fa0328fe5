"""A scenario's name reads on the Prioritise page as the planner typed it (AppTest against
the real database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.app.support import as_read
from tests.app.test_prioritise_page import SAVED_PREFIX, _opened, _run


def test_a_scenario_name_with_markdown_signs_reads_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the name went into the page's Markdown as it was: "Plan *urgent* $5$" read "Plan
    # urgent" in italics and a formula 5; each sign is now escaped, and shows as typed
    typed = f"{SAVED_PREFIX} *urgent* $5$"
    shown = f"{SAVED_PREFIX} \\*urgent\\* \\$5\\$"
    at = _run(_opened(engine, monkeypatch, "fr", {"p_new": "1", "p_tl": "20"}))
    try:
        at.text_input(key="p_name").input(typed).run()
        at = at.button(key="p_save").click().run()
        assert not at.exception, at.exception
        named = int(at.query_params["scenario"])
        assert [s.value for s in at.success][-1] == f"Scénario n° {named} nommé « {shown} »."
        assert any(f"« {shown} »" in c.value for c in at.caption)
        label = next(o for o in at.selectbox(key="p_reload").options if o.startswith(f"#{named} "))
        assert f" — {typed} — " in label  # a box's label is not Markdown: as typed
    finally:
        with engine.begin() as c:
            c.execute(
                sa.text("DELETE FROM analysis_runs WHERE kind = 'prioritise' AND name = :n"),
                {"n": typed},
            )


def test_proposing_with_a_refused_file_says_why_under_the_button(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the file's error shows under the file box; with the advanced options open (a link with
    # a time limit) it is a screen above the button, and a click on "Proposer des sites"
    # added nothing: it now says the error again under the button
    at = _opened(engine, monkeypatch, "fr", {"p_cand": "upload", "p_new": "2", "p_tl": "20"})
    bad = b"id;nom;lon;lat\nS1;a;abc;34\n"
    at = at.file_uploader(key="p_file").set_value(("bad.csv", bad, "text/csv")).run()
    before = [as_read(e.value) for e in at.error]
    assert len(before) == 1, before
    assert "bad.csv" in before[0], before
    at = _run(at)
    assert [as_read(e.value) for e in at.error] == before * 2
    assert "scenario" not in at.query_params
