"""The Prioritise page's words and figures for a p-median with places per centre, and for a
p-median of a centre type that has no centre yet (AppTest against the real database).

The scenarios are solved once, through the service the page calls, on a file of twenty
candidate sites (the twenty communes with the most persons with disabilities): 100,000
places each give everyone a place, which the existing COAPH's places cannot. They are
deleted afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app.i18n import translate
from geo import db
from geo.candidate_sites import load_candidates
from tests.app.support import HOME, require_no_centre_of_type
from walouja.services.prioritise import run_prioritise
from walouja.settings import Settings

PAGE = "views/5_Prioritise_centres.py"


@dataclass(frozen=True)
class Runs:
    """The stored scenarios: p-median with places, without, and of a type with no centre."""

    places: int
    nearest: int
    no_centre: int


@pytest.fixture(scope="module")
def runs(
    settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runs]:
    require_no_centre_of_type(engine, "other")
    path = tmp_path_factory.mktemp("sites") / "twenty.csv"
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT code, ST_X(demand_point) AS lon, ST_Y(demand_point) AS lat "
                "FROM communes ORDER BY pwd DESC, code LIMIT 20"
            )
        ).all()
    path.write_text(
        "id;lon;lat\n" + "".join(f"S{r.code};{r.lon};{r.lat}\n" for r in rows), encoding="utf-8"
    )
    made: list[int] = []
    with db.connect(settings) as conn:
        sites = load_candidates(conn, Path(path))
        common: dict[str, Any] = {
            "model": "pmedian",
            "candidates": sites.frame,
            "candidates_source": sites.source,
            "time_limit_s": 120.0,
            "fresh": True,
        }
        for extra in (
            {"new": 20, "new_capacity": 100_000.0},
            {"new": 20},
            {"new": 2, "centre_type": "other"},
        ):
            scenario = run_prioritise(conn, **common, **extra)
            assert scenario.results["optimal"], scenario.results["status"]
            made.append(scenario.run_id)
        conn.commit()
    yield Runs(*made)
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": made})


def _opened(monkeypatch: pytest.MonkeyPatch, lang: str, scenario: int) -> AppTest:
    monkeypatch.setenv("WALOUJA_TILES", "none")
    monkeypatch.setenv("WALOUJA_LANGUAGE", lang)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(HOME, default_timeout=240)
    at.query_params["lang"] = lang
    at.query_params["scenario"] = str(scenario)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _shown(frame: Any) -> pd.DataFrame:
    """The cells of an ``st.dataframe`` as the reader sees them (the Styler's display values)."""
    from streamlit import dataframe_util

    data = frame.proto.arrow_data.styler.display_values
    assert data, "the table's figures are not written by the page"
    return dataframe_util.convert_arrow_bytes_to_pandas_df(data)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_p_median_with_places_says_person_km_to_the_centre_with_a_place(
    runs: Runs, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    def w(key: str, **kw: Any) -> str:
        return translate(key, lang, **kw)

    at = _opened(monkeypatch, lang, runs.places)
    captions = " ".join(c.value for c in at.caption)
    # (a) the objective is person-km, not "persons with disabilities served within the places"
    assert f" {w('prioritise.objective.assigned')} (" in captions, captions
    assert w("prioritise.objective.served") not in captions
    # the persons within 30 km are served within the places, as the MCLP measures them
    assert w("prioritise.metric.served", km="30") in [m.label for m in at.metric]
    # (c) each site's figure is the places it fills, at whatever distance, and the note says
    # that the figure above the map counts only those within 30 km
    sites = at.dataframe[0].value
    assert w("prioritise.col.gain.assigned") in sites.columns, sites.columns
    assert w("prioritise.col.gain.served") not in sites.columns
    assert w("prioritise.sites_note.assigned", km="30") in captions
    # (b, d) the distance to a place: unknown before (the existing centres' places cannot
    # take everyone), not 0 km, and nothing "saved" below zero
    before, after = w("prioritise.col.km_assigned_before"), w("prioritise.col.km_assigned_after")
    saved = w("prioritise.col.person_km_saved")
    for index in (1, 2):  # provinces, regions (the nation first)
        table = _shown(at.dataframe[index])
        assert w("prioritise.col.km_after") not in table.columns, table.columns
        assert (table[before] == "—").all(), table[before]
        assert (table[saved] == "—").all(), table[saved]
        assert (table[after] != "—").all(), table[after]
    assert w("prioritise.units_note.assigned", km="30") in captions
    # (e) the index after the new centres is shown, and why there is none before
    labels = {m.label: m.value for m in at.metric}
    assert labels[w("prioritise.gini_before")] == "—"
    assert labels[w("prioritise.gini_after")] not in ("—", "")
    infos = [i.value for i in at.info]
    assert w("prioritise.equity_none") not in infos
    why = w("prioritise.equity_why.places")
    assert w("prioritise.equity_before_none", why=why) in infos
    assert w("prioritise.equity_note.assigned") in captions


def test_a_p_median_with_no_centre_before_leaves_the_nation_unknown(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no centre of the type: every region's distance before is unknown, and the nation's
    # row read "0.0 km before, 0 person-km saved"
    at = _opened(monkeypatch, "en", runs.no_centre)
    regions = _shown(at.dataframe[2])
    nation = regions.iloc[0]
    assert nation["Code"] == "MA"
    assert nation["Distance before (km)"] == "—"
    assert nation["Person-km saved"] == "—"
    assert nation["Distance after (km)"] != "—"
    assert (regions["Distance before (km)"] == "—").all()
    # the Gini after the new centres, and why there is none before
    labels = {m.label: m.value for m in at.metric}
    assert labels["Gini index after"] not in ("—", "")
    infos = [i.value for i in at.info]
    assert "No index before the new centres: there is no existing centre of this type." in infos


def test_comparing_p_medians_with_and_without_places_gives_each_its_unit(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "42,227,022 person-km → 179,168,262 persons served": B's person-km were called persons
    at = _opened(monkeypatch, "en", runs.places)
    at.selectbox(key="p_cmp_a").set_value(runs.nearest).run()
    assert not at.exception, at.exception
    table = next(t.value for t in at.table if "Item" in t.value.columns)
    rows = table.set_index("Item")
    a, b = rows.columns[0], rows.columns[1]
    objective = rows.loc["Objective"]
    assert objective[a].endswith(" person-km to the nearest centre"), objective[a]
    assert objective[b].endswith(" person-km to the centre that gives each person a place")
    # the persons within the radius: covered for A, served within the places for B
    covered = rows.loc["Persons covered before"]
    assert not covered[a].endswith("(served, places permitting)")
    assert covered[b].endswith(" (served, places permitting)"), covered[b]
    # their provinces do not compare: km to the nearest centre beside km to a place (it said
    # that one of them counted persons covered)
    captions = [c.value for c in at.caption]
    assert translate("prioritise.compare_places_km_differ", "en") in captions
    assert translate("prioritise.compare_places_differ", "en") not in captions
