"""The name of a file the planner gave, on the Prioritise and Data pages, reads as typed: the
pages show it in Markdown texts (captions, refusals), where ``plan_*urgent*_v2.csv`` read
"plan_urgent_v2.csv" with *urgent* in italics and a name between backticks read as code.
(AppTest sees the Markdown a text is written in: the name is there with its signs escaped.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.shell import plain_markdown
from tests.app.test_data_file_content import _checked
from tests.app.test_prioritise_page import _opened, _run, page  # noqa: F401  (the page fixture)

NAME = "plan_*urgent*_v2 `final`.csv"
SHOWN = r"plan\_\*urgent\*\_v2 \`final\`\.csv"
SITES = "id;nom;lon;lat\nR1;Rabat *centre*;-6.8416;34.0209\nF1;Fès;-5.0003;34.0331\n"


def test_the_escape_is_the_scenario_names_one() -> None:
    assert plain_markdown(NAME) == SHOWN


def _texts(*groups: Iterable[Any]) -> str:
    """The Markdown of the page's texts of ``groups`` (``at.caption``, ``at.error``…)."""
    return " ".join(str(e.value) for group in groups for e in group)


def test_prioritise_shows_the_files_name_as_typed(page: AppTest, engine: Engine) -> None:  # noqa: F811
    page.radio(key="p_cand").set_value("upload").run()
    page.number_input(key="p_new").set_value(1).run()
    page.file_uploader(key="p_file").set_value((NAME, SITES.encode(), "text/csv")).run()
    at = _run(page)
    scenario = int(at.query_params["scenario"])
    try:
        # the scenario's request, under its title
        captions = _texts(at.caption)
        assert f"fichier {SHOWN}" in captions, captions
        assert NAME not in captions
        # the file in use, kept while the planner looks at the layers' sites
        at.radio(key="p_cand").set_value("layer").run()
        at.radio(key="p_cand").set_value("upload").run()
        assert not at.exception, at.exception
        kept = [c.value for c in at.caption if "donné plus tôt" in c.value]
        assert kept == [
            f"Fichier utilisé : {SHOWN} (donné plus tôt). Donnez-en un autre pour le remplacer."
        ], _texts(at.caption)
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM analysis_runs WHERE id = :i"), {"i": scenario})


def test_prioritise_refuses_a_file_by_its_name_as_typed(page: AppTest) -> None:  # noqa: F811
    page.radio(key="p_cand").set_value("upload").run()
    empty = "id;nom;lon;lat\n"
    at = page.file_uploader(key="p_file").set_value((NAME, empty.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    said = _texts(at.error)
    assert SHOWN in said, said
    assert NAME not in said
    at = _run(at)  # said again under the button
    said = _texts(at.error)
    assert said.count(SHOWN) == 2, said
    assert "scenario" not in at.query_params


def test_a_files_site_kept_and_left_out_is_named_as_typed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a link keeps and leaves out the file's site R1: refused before any solve, by its name
    at = _opened(
        engine, monkeypatch, "fr", {"p_cand": "upload", "p_force": "R1", "p_exclude": "R1"}
    )
    at.file_uploader(key="p_file").set_value((NAME, SITES.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    said = _texts(at.info, at.error)
    assert r"Rabat \*centre\*" in said, said
    assert "Rabat *centre*" not in said


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_data_page_refuses_a_file_by_its_name_as_typed(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = _checked(lang, monkeypatch, NAME, b"")  # errors.empty_file: "{name} est vide"
    said = _texts(at.error)
    assert SHOWN in said, said
    assert NAME not in said


def test_the_data_page_names_the_source_an_empty_box_records_as_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a file with a source column: rows without one are recorded under the file's name
    text = (
        "external_id,name,centre_type,lon,lat,source\n"
        "typed-s1,Centre Témara,COAPH,-6.915,33.925,enquête_*2026*\n"
        "typed-s2,Centre Salé,COAPH,-6.80,34.04,\n"
    )
    at = _checked("fr", monkeypatch, NAME, text.encode())
    note = _texts(at.caption)
    assert f"« {SHOWN} »" in note, note
    assert r"« enquête\_\*2026\* »" in note, note
    assert NAME not in note
