"""The p-median's before/after tables on hand-checked instances (with and without places).

Three demand points on a line: A at km 0 and B at km 10 (province P1, region R1), C at km 20
(province P2, region R2), 10 persons each. One existing centre at km 0; candidate sites at
km 5 and km 20.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.location import PMedian

DEMAND_KM = np.array([0.0, 10.0, 20.0])
WEIGHTS = np.array([10.0, 10.0, 10.0])
PROVINCES = ["P1", "P1", "P2"]
REGIONS = ["R1", "R1", "R2"]
CANDIDATE_KM = np.array([5.0, 20.0])


def _model(*, existing_places: float | None, new_places: float | None) -> PMedian:
    cost = np.abs(DEMAND_KM[:, None] - CANDIDATE_KM[None, :])
    existing = np.abs(DEMAND_KM[:, None] - np.array([0.0])[None, :])
    return PMedian.from_cost_matrix(
        cost,
        WEIGHTS,
        new=2,
        existing_cost_matrix=existing,
        demand_province=PROVINCES,
        demand_region=REGIONS,
        candidate_province=["P1", "P2"],
        existing_province=["P1"],
        capacities=new_places,
        existing_capacities=None if existing_places is None else [existing_places],
    )


def _row(table: pd.DataFrame | None, key: str) -> pd.Series:
    assert table is not None
    row = table.loc[key]
    assert isinstance(row, pd.Series)
    return row


def test_places_the_existing_centre_cannot_give_leave_before_unknown_not_zero() -> None:
    # the existing centre has 5 places for 30 persons: without new centres not everyone has
    # a place, so the distance before is not known. It read 0 km, and "person-km saved" −75.
    # After: C goes to the site at km 20 (0 km); A's 5 places at the existing centre (0 km),
    # its other 5 and all of B to the site at km 5 (15 persons: 5 × 5 + 10 × 5 = 75 km)
    result = _model(existing_places=5.0, new_places=15.0).solve()
    assert result.objective == pytest.approx(75.0)
    assert result.objective_before is None
    p1 = _row(result.by_province, "P1")
    assert math.isnan(p1["mean_km_before"])
    assert math.isnan(p1["person_km_saved"])
    assert p1["mean_km_after"] == pytest.approx(75.0 / 20.0)  # to the centre with a place
    p2 = _row(result.by_province, "P2")
    assert math.isnan(p2["mean_km_before"])
    assert p2["mean_km_after"] == pytest.approx(0.0)
    assert math.isnan(_row(result.by_region, "R1")["person_km_saved"])
    # and as the stored scenario holds them: unknown (None), not 0
    record = next(r for r in result.to_dict()["by_region"] if r["region"] == "R1")
    assert record["mean_km_before"] is None
    assert record["person_km_saved"] is None
    assert record["mean_km_after"] == pytest.approx(3.75)


def test_places_for_everyone_before_give_the_distance_saved() -> None:
    # 30 places at the existing centre: before, everyone goes there (A 0, B 10, C 20 km:
    # 300 person-km); after, B goes to the site at km 5 (50) and C to the one at km 20 (0)
    result = _model(existing_places=30.0, new_places=15.0).solve()
    assert result.objective_before == pytest.approx(300.0)
    assert result.objective == pytest.approx(50.0)
    p1, p2 = _row(result.by_province, "P1"), _row(result.by_province, "P2")
    assert p1["mean_km_before"] == pytest.approx(100.0 / 20.0)
    assert p1["mean_km_after"] == pytest.approx(50.0 / 20.0)
    assert p1["person_km_saved"] == pytest.approx(50.0)
    assert p2["mean_km_before"] == pytest.approx(20.0)
    assert p2["person_km_saved"] == pytest.approx(200.0)
    assert _row(result.by_region, "R1")["person_km_saved"] == pytest.approx(50.0)
    # the Gini says what it measures: the distance to the centre with a place
    assert result.equity is not None
    assert "assigned centre" in result.equity.measure
    assert result.equity.gini_before is not None


def test_no_existing_centre_leaves_before_unknown() -> None:
    # no centre at all before: the distance before is unknown in every province and region
    cost = np.abs(DEMAND_KM[:, None] - CANDIDATE_KM[None, :])
    result = PMedian.from_cost_matrix(
        cost, WEIGHTS, new=2, demand_province=PROVINCES, demand_region=REGIONS
    ).solve()
    assert result.objective == pytest.approx(50.0 + 50.0)  # A and B 5 km from the site at 5
    for table in (result.by_province, result.by_region):
        assert table is not None
        assert table["mean_km_before"].isna().all()
        assert table["person_km_saved"].isna().all()
    assert _row(result.by_province, "P1")["mean_km_after"] == pytest.approx(5.0)
    assert result.equity is not None
    assert result.equity.gini_before is None
    assert "nearest centre" in result.equity.measure


def test_uncapacitated_tables_unchanged() -> None:
    # without places: the nearest centre (A 0, B 5, C 0 after; A 0, B 10, C 20 before)
    result = _model(existing_places=None, new_places=None).solve()
    p1 = _row(result.by_province, "P1")
    assert p1["mean_km_before"] == pytest.approx(5.0)
    assert p1["mean_km_after"] == pytest.approx(2.5)
    assert p1["person_km_saved"] == pytest.approx(50.0)
    assert _row(result.by_region, "R2")["person_km_saved"] == pytest.approx(200.0)
    # a commune with nobody in it and no distance does not make its province unknown
    cost = np.abs(DEMAND_KM[:, None] - CANDIDATE_KM[None, :])
    nobody = PMedian.from_cost_matrix(
        cost,
        np.array([10.0, 0.0, 10.0]),
        new=1,
        existing_cost_matrix=np.abs(DEMAND_KM[:, None]),
        demand_province=PROVINCES,
    ).solve()
    assert _row(nobody.by_province, "P1")["mean_km_before"] == pytest.approx(0.0)
