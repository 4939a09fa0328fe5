"""The Prioritise page tells its requests apart: what a scenario's description says, when the
page says its settings changed since the scenario shown, and the requests it refuses before
solving (AppTest against the real database)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.app.test_prioritise_page import THREE_SITES_CSV, _opened, _run, _sites

STALE = "Les paramètres ci-dessus ont changé depuis ce scénario"
LAYER_CHANGED = (
    "Les sites de la couche Centres (EPS) ont changé depuis ce scénario (une ligne ajoutée, "
    "déplacée, modifiée ou retirée)"
)


@pytest.fixture
def page(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page in French, as it opens."""
    return _opened(engine, monkeypatch, "fr", {})


def _captions(at: AppTest) -> str:
    """The page's captions, figures grouped with plain spaces (French groups them with
    narrow no-break ones)."""
    text = " ".join(c.value for c in at.caption)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_another_cost_per_centre_is_another_request(page: AppTest) -> None:
    # 20 M MAD at 5 M a centre (4 sites), then 2 M a centre: the 4 sites stayed, said to
    # answer the settings, and the two scenarios were described alike
    page.radio(key="p_mode").set_value("budget").run()
    page.number_input(key="p_budget").set_value(20_000_000.0).run()
    page.number_input(key="p_cost_COAPH").set_value(5_000_000.0).run()
    at = _run(page)
    assert len(_sites(at)) == 4
    assert STALE not in _captions(at)
    assert "budget 20 000 000 MAD" in _captions(at)
    assert "5 000 000 MAD par centre" in _captions(at)
    at = at.number_input(key="p_cost_COAPH").set_value(2_000_000.0).run()
    assert STALE in _captions(at)
    at = _run(at)
    assert len(_sites(at)) == 10
    assert STALE not in _captions(at)
    assert "2 000 000 MAD par centre" in _captions(at)
    # the boxes of scenarios tell the two apart
    labels = [x.replace("\u202f", " ") for x in at.selectbox(key="p_reload").options]
    assert any("5 000 000 MAD par centre" in label for label in labels)
    assert any("2 000 000 MAD par centre" in label for label in labels)


def test_a_request_counting_the_centres_decided_says_so(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "?p_new=3&p_pipeline=1" was described as the request without: other sites, same words
    words = {
        "fr": "centres en construction et programmés comptés comme existants",
        "en": "centres under construction and planned counted as existing",
        "ar": "مع احتساب المراكز قيد البناء والمبرمجة كمراكز قائمة",
    }
    for lang, said in words.items():
        at = _run(
            _opened(engine, monkeypatch, lang, {"lang": lang, "p_new": "3", "p_pipeline": "1"})
        )
        assert said in _captions(at), _captions(at)
    without = _run(_opened(engine, monkeypatch, "fr", {"p_new": "3"}))
    assert words["fr"] not in _captions(without)


def test_another_candidate_file_is_another_request(page: AppTest) -> None:
    # a file given in place of the first kept showing the first file's sites, with no word
    # that the settings had changed
    page.radio(key="p_cand").set_value("upload").run()
    page.number_input(key="p_new").set_value(2).run()
    page.session_state["p_file_kept"] = ("sites.csv", THREE_SITES_CSV.encode())
    at = _run(page.run())
    assert len(_sites(at)) == 2
    assert STALE not in _captions(at)
    other = THREE_SITES_CSV.replace("T1;Taza;-4.01;34.21", "T1;Tiznit;-9.73;29.70")
    at.session_state["p_file_kept"] = ("sites.csv", other.encode())
    at = at.run()
    assert STALE in _captions(at)
    at = _run(at)
    assert STALE not in _captions(at)
    # the first file again: its scenario answers it
    at.session_state["p_file_kept"] = ("sites.csv", THREE_SITES_CSV.encode())
    at = _run(at.run())
    assert STALE not in _captions(at)


def _a_commune(engine: Engine) -> str:
    with engine.connect() as c:
        return str(c.execute(sa.text("SELECT min(code) FROM communes")).scalar_one())


def test_a_site_named_twice_in_a_link_is_asked_for_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _a_commune(engine)
    at = _opened(engine, monkeypatch, "fr", {"p_new": "2", "p_force": f"{code},{code}"})
    assert at.multiselect(key="p_force").value == [code]
    at = _run(at)
    assert code in _sites(at)
    assert "sites imposés : 1" in _captions(at)
    assert STALE not in _captions(at)


def test_a_link_keeping_and_leaving_out_one_commune_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "?p_new=2&p_force=C&p_exclude=C" dropped the keep and solved with C left out
    code = _a_commune(engine)
    address = {"p_new": "2", "p_force": code, "p_exclude": code}
    for lang, said in (
        ("ar", "معتمدة ومستبعدة في آن واحد: احذفها من إحدى القائمتين."),
        ("en", "is both kept and left out: remove it from one of the two lists."),
        ("fr", "est à la fois retenue et écartée : ôtez-la de l’une des deux listes."),
    ):
        at = _opened(engine, monkeypatch, lang, {"lang": lang, **address})
        assert at.error, lang
        assert any(said in i.value for i in at.info), [i.value for i in at.info]
        # the commune stays in both boxes, for the planner to take out of one
        assert at.multiselect(key="p_force").value == [code]
        assert at.multiselect(key="p_exclude").value == [code]
        at = _run(at)
        assert "scenario" not in at.query_params  # nothing solved
        assert any(said in i.value for i in at.info)
        assert at.query_params["p_force"] == code
    # (French, last) taken out of the left-out box: the commune is kept and solved
    at = at.multiselect(key="p_exclude").set_value([]).run()
    assert not at.error
    at = _run(at)
    assert not at.error
    assert code in _sites(at)


_EDIT = f"pytest-layer-edit-{os.getpid()}"
"""``external_id`` of the EPS home a test adds to the centres layer, and takes out again."""


def _add_eps(engine: Engine) -> None:
    """An operating EPS home in Rabat: a row imported into the centres layer (the caches
    forgotten, as an import on the Data page forgets them)."""
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO centres (external_id, name, centre_type, status, geom, source, "
                "commune_code) SELECT :e, 'EPS ajouté', 'EPS', 'operating', p, 'test', "
                "(SELECT code FROM communes WHERE ST_Contains(geom, p) LIMIT 1) "
                "FROM (SELECT ST_SetSRID(ST_MakePoint(-6.84, 34.02), 4326) AS p) AS v"
            ),
            {"e": _EDIT},
        )
    st.cache_data.clear()


def _remove_eps(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id = :e"), {"e": _EDIT})
    st.cache_data.clear()


@pytest.fixture
def edited_layer(engine: Engine) -> Iterator[list[int]]:
    """Takes the test's EPS home out of the centres layer afterwards, whatever happened, and
    deletes the scenarios the test notes in the list it yields (computed on that home)."""
    made: list[int] = []
    _remove_eps(engine)
    try:
        yield made
    finally:
        _remove_eps(engine)
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:i)"), {"i": made})


def test_an_edited_candidate_layer_is_another_request(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, edited_layer: list[int]
) -> None:
    # a scenario on the EPS homes kept saying it answered the settings after a home was
    # added to the layer (a file is compared by its content; a layer was by its name alone)
    address = {"p_cand": "layer", "p_cand_type_centres": "EPS", "p_new": "1", "p_km": "10"}
    at = _run(_opened(engine, monkeypatch, "fr", address))
    assert STALE not in _captions(at)
    assert LAYER_CHANGED not in _captions(at)
    _add_eps(engine)
    at = at.run()
    assert not at.exception, at.exception
    # said of the layer's rows: "the settings above changed" sent the planner to boxes that
    # had not
    assert LAYER_CHANGED in _captions(at)
    assert STALE not in _captions(at)
    # solved again on the layer as it is now: that scenario answers it
    at = _run(at)
    assert LAYER_CHANGED not in _captions(at)
    assert STALE not in _captions(at)
    edited = int(at.query_params["scenario"])
    edited_layer.append(edited)  # on a row of this test's: deleted afterwards
    # the row taken out again: the new scenario no longer answers the layer; the first does
    _remove_eps(engine)
    at = at.run()
    assert LAYER_CHANGED in _captions(at)
    # another setting too: the settings' note says it
    at = at.number_input(key="p_km").set_value(11.0).run()
    assert STALE in _captions(at)
    at = at.number_input(key="p_km").set_value(10.0).run()
    at = _run(at)
    assert LAYER_CHANGED not in _captions(at)
    assert STALE not in _captions(at)
    first = int(at.query_params["scenario"])
    assert first != edited
    # compared, the two say when each took the layer's rows (they read the same words)
    at.selectbox(key="p_cmp_a").set_value(first).run()
    at = at.selectbox(key="p_cmp_b").set_value(edited).run()
    assert not at.exception, at.exception
    table = next(x.value for x in at.table if "Élément" in x.value.columns)
    row = table.set_index("Élément").loc["Sites candidats"]
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
    for cell in row:
        said = rf"Sites de la couche Centres \(EPS\) \(état du \W?{when} UTC\W?\)"
        assert re.fullmatch(said, str(cell)), cell
    assert row.iloc[0] != row.iloc[1]


def test_a_layers_scenario_is_compared_by_the_digest_of_its_rows() -> None:
    from app import prioritise_view as pv

    now = "layer centres EPS#0123456789abcdef"
    stored = {"candidates": now}
    assert pv.same_candidates(stored, "layer", "centres", "EPS", layer_source=now)
    edited = "layer centres EPS#fedcba9876543210"
    assert not pv.same_candidates(stored, "layer", "centres", "EPS", layer_source=edited)
    # no rows of that type left: the layer gives no set
    assert not pv.same_candidates(stored, "layer", "centres", "EPS", layer_source=None)
    assert not pv.same_candidates(stored, "layer", "centres", "CAS", layer_source=now)
    # a scenario stored without the digest of its rows reopens as the layer's answer
    older = {"candidates": "layer centres EPS"}
    assert pv.same_candidates(older, "layer", "centres", "EPS", layer_source=edited)
    # which the page words as the layer's rows changed, not the settings
    assert pv.layer_rows_changed(stored, "layer", "centres", "EPS", edited)
    assert pv.layer_rows_changed(stored, "layer", "centres", "EPS", None)
    assert not pv.layer_rows_changed(stored, "layer", "centres", "EPS", now)
    assert not pv.layer_rows_changed(stored, "layer", "centres", "CAS", edited)
    assert not pv.layer_rows_changed(stored, "communes", None, None, None)
    assert not pv.layer_rows_changed(older, "layer", "centres", "EPS", edited)


DATA_CHANGED = "Les communes ou les centres ont changé depuis le calcul de ce scénario ("


def test_a_scenario_computed_before_the_centres_changed_says_so(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, edited_layer: list[int]
) -> None:
    # a scenario reopened after a centre was added showed its figures as today's, with no
    # word (the Coverage page says so of a saved analysis)
    at = _run(_opened(engine, monkeypatch, "fr", {"p_new": "1", "p_km": "10"}))
    assert DATA_CHANGED not in _captions(at)
    _add_eps(engine)
    at = at.run()
    assert not at.exception, at.exception
    assert DATA_CHANGED in _captions(at), _captions(at)
    said = next(c.value for c in at.caption if DATA_CHANGED in c.value.replace("\u202f", " "))
    assert re.search(r"\(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)", said), said
    assert STALE not in _captions(at)  # the same settings
    # computed again on today's data: that scenario has no such note
    at = _run(at)
    assert DATA_CHANGED not in _captions(at)
    edited_layer.append(int(at.query_params["scenario"]))
    _remove_eps(engine)
    assert DATA_CHANGED in _captions(at.run())


def test_the_scenarios_listed_say_their_time_is_utc(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "#12 — … — 2026-11-30 21:53": the database's UTC time, shown bare, read as Moroccan
    # time an hour off (the Coverage page's saved analyses say UTC)
    for lang in ("fr", "ar"):
        at = _run(_opened(engine, monkeypatch, lang, {"lang": lang, "p_new": "1", "p_km": "10"}))
        labels = at.selectbox(key="p_reload").options
        assert all(re.search(r" — \W?\d{4}-\d\d-\d\d \d\d:\d\d UTC\W?$", x) for x in labels), (
            labels[:3]
        )


def test_a_link_to_another_analysis_says_it_is_not_a_scenario(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "?scenario=1", a run of the Coverage page, read "Le scénario n° 1 n'existe plus (base
    # rechargée ?)": it exists, as another kind of analysis
    from geo.runs import save_run

    with engine.begin() as c:
        run_id = save_run(c, kind="equity", params={}, fingerprint="f", results={}, duration_s=None)
    try:
        words = {
            "fr": f"Le n° {run_id} n'est pas un scénario de priorisation",
            "en": f"No. {run_id} is not a prioritisation scenario",
            "ar": f"الرقم {run_id} ليس سيناريو لتحديد الأولويات",
        }
        for lang, said in words.items():
            at = _opened(engine, monkeypatch, lang, {"lang": lang, "scenario": str(run_id)})
            infos = " ".join(i.value for i in at.info)
            assert said in infos.replace("\u2066", "").replace("\u2069", ""), infos
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM analysis_runs WHERE id = :i"), {"i": run_id})
    # an id no run has: still "no longer exists"
    at = _opened(engine, monkeypatch, "fr", {"scenario": str(run_id)})
    assert any("n'existe plus" in i.value for i in at.info)
