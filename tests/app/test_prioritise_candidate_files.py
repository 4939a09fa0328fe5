"""Candidate files uploaded on the Prioritise centres page (AppTest, real database): a file's
name is never a layer's, and a site given twice is reported with its row numbers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.support import as_read
from tests.app.test_prioritise_page import _run, page  # noqa: F401  (the page fixture)

SITES = (
    "id;nom;lon;lat\n"
    "R1;Rabat centre;-6.8416;34.0209\n"
    "M1;Marrakech Daoudiate;-8.0083;31.6458\n"
    "F1;Figuig;-1.2286;32.1167\n"
)


def _captions(at: AppTest) -> str:
    return " ".join(as_read(c.value) for c in at.caption)


def test_a_file_named_like_a_layer_is_a_file(page: AppTest, engine: Engine) -> None:  # noqa: F811
    # "layer sites.csv" was read as a layer "sites.csv": the page wrote "sites de la couche
    # ⟦layer.sites.csv⟧" and "Ouvrir" switched the candidates to a layer
    page.radio(key="p_cand").set_value("upload").run()
    page.number_input(key="p_new").set_value(2).run()
    name = "layer sites.csv"
    page.file_uploader(key="p_file").set_value((name, SITES.encode(), "text/csv")).run()
    at = _run(page)
    scenario = int(at.query_params["scenario"])
    shown = _captions(at)
    assert f"fichier {name}" in shown, shown
    assert "⟦" not in shown
    assert "couche" not in shown
    assert "ont changé depuis ce scénario" not in shown
    labels = [str(o) for o in at.selectbox(key="p_reload").options]
    assert any(f"fichier {name}" in label for label in labels), labels
    at = at.button(key="p_open").click().run()
    assert not at.exception, at.exception
    gen = at.session_state["p_gen"]
    assert at.radio(key=f"p_cand~{gen}").value == "upload"
    assert at.query_params["p_cand"] == "upload"
    assert "p_cand_layer" not in at.query_params
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = :i"), {"i": scenario})


def test_repeated_rows_of_a_file_are_reported_by_row(page: AppTest) -> None:  # noqa: F811
    # the same point under the same name twice, without ids, became two sites (site-2 and
    # site-4) that a planner could be proposed twice
    twice = "nom;lon;lat\nOujda;-1.91;34.68\nTaza;-4.01;34.21\nOujda;-1.91;34.68\n"
    page.radio(key="p_cand").set_value("upload").run()
    at = page.file_uploader(key="p_file").set_value(("twice.csv", twice.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    said = " ".join(as_read(e.value) for e in at.error)
    assert "twice.csv" in said, said
    problems = at.dataframe[0].value
    assert list(problems.iloc[:, 0]) == [4]  # the file's line 4 repeats line 2
    reason = str(problems["Raison"].iloc[0])
    assert "ligne 2" in reason, reason
    assert "Oujda" in reason, reason
    # nothing to solve on: the button says the file is refused, no scenario is made
    at = _run(at)
    assert "scenario" not in at.query_params
