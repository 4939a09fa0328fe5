"""The Prioritise page's number boxes take the command line's ranges (``walouja.limits``): a
scenario the CLI saved reopens with its request as it was, not reset to the page's defaults
and said to have changed (AppTest, real database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo import db
from geo.candidate_sites import layer_candidates
from tests.app.test_prioritise_page import _opened
from walouja.services.prioritise import run_prioritise
from walouja.settings import Settings

STALE = "ont changé depuis ce scénario"


@pytest.fixture
def saved(settings: Settings, engine: Engine) -> Iterator[Any]:
    """Store scenarios as ``walouja prioritise`` does (the same service); their ids."""
    made: list[int] = []

    def save(**request: Any) -> str:
        with db.connect(settings) as conn:
            layer = request.pop("layer", None)
            if layer is not None:
                sites = layer_candidates(conn, layer[0], type_value=layer[1])
                request |= {"candidates": sites.frame, "candidates_source": sites.source}
            scenario = run_prioritise(conn, centre_type="COAPH", model="mclp", **request)
        made.append(int(scenario.run_id))
        return str(scenario.run_id)

    yield save
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": made})


def _captions(at: Any) -> str:
    return " ".join(c.value for c in at.caption)


def test_a_cli_scenario_beyond_the_old_boxes_reopens_as_it_was(
    saved: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `walouja prioritise --new 250 --radius-km 400 --time-limit 700` opened at 5 centres,
    # 30 km and 30 s, "settings changed": "Propose sites" then solved another request
    scenario = saved(new=250, radius_km=400.0, time_limit_s=700.0, layer=("centres", "EPS"))
    at = _opened(engine, monkeypatch, "fr", {"scenario": scenario})
    assert at.number_input(key="p_new").value == 250
    assert at.number_input(key="p_km").value == 400.0
    assert at.number_input(key="p_tl").value == 700.0
    assert at.radio(key="p_cand").value == "layer"
    assert STALE not in _captions(at)
    assert (at.query_params["p_new"], at.query_params["p_km"]) == ("250", "400")


def test_a_budget_with_a_count_reopens_with_both(
    saved: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--new 3 --budget-mad 20000000`: the page showed the budget alone (the count lost),
    # said to have changed
    scenario = saved(new=3, budget_mad=20_000_000.0, radius_km=30.0, time_limit_s=20.0)
    at = _opened(engine, monkeypatch, "fr", {"scenario": scenario})
    assert at.radio(key="p_mode").value == "budget"
    assert at.number_input(key="p_budget").value == 20_000_000.0
    assert at.number_input(key="p_most").value == 3
    assert STALE not in _captions(at)
    assert "au plus 3 nouveaux centres" in _captions(at)
    # the box is the request's: another count is another request
    at = at.number_input(key="p_most").set_value(2).run()
    assert at.query_params["p_most"] == "2"
    assert STALE in _captions(at)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_link_beyond_the_old_boxes_keeps_its_figures(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # at least 6 per province, 2,000 new centres, 500 m, an hour: each was put back to the
    # page's default (0, 5) without a word
    at = _opened(
        engine,
        monkeypatch,
        lang,
        {"p_minprov": "6", "p_new": "2000", "p_km": "0.5", "p_tl": "3600"},
    )
    assert at.number_input(key="p_minprov").value == 6
    assert at.number_input(key="p_new").value == 2000
    assert at.number_input(key="p_km").value == 0.5
    assert at.number_input(key="p_tl").value == 3600.0
