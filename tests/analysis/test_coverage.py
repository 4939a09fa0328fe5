"""Coverage shares, unserved persons and mean distances on a hand-checked table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import coverage, nearest_by_type
from analysis.distance import EARTH_RADIUS_KM
from walouja.errors import AnalysisError

ONE_DEGREE_KM = EARTH_RADIUS_KM * np.pi / 180


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["c1", "c2", "c3", "c4"],
            "province_code": ["p1", "p1", "p2", "p2"],
            "region_code": ["r1", "r1", "r1", "r1"],
            "pwd": [100.0, 300.0, 50.0, 50.0],
        }
    )


def test_coverage_by_hand() -> None:
    cov = coverage(_units(), [5.0, 25.0, 10.0, 70.0], thresholds=[10, 30])
    nation = cov.summary("nation").set_index("threshold").to_dict("index")
    # within 10 km: c1 (100) and c3 (50, exactly 10 km counts); within 30 km: add c2 (300)
    assert nation[10.0]["pwd_covered"] == 150
    assert nation[30.0]["pwd_covered"] == 450
    assert nation[30.0]["pwd_unserved"] == 50
    assert nation[10.0]["share_covered"] == pytest.approx(150 / 500)
    # pwd-weighted mean distance: (100*5 + 300*25 + 50*10 + 50*70) / 500 = 24
    assert nation[10.0]["mean_distance"] == pytest.approx(24.0)
    assert nation[10.0]["n_units"] == 4

    prov = cov.summary("province").query("threshold == 30").set_index("code")
    assert prov.loc["p1", "pwd_covered"] == 400
    assert prov.loc["p1", "share_covered"] == 1.0
    assert prov.loc["p2", "share_covered"] == 0.5
    assert prov.loc["p2", "mean_distance"] == pytest.approx(40.0)


def test_commune_level_has_one_row_per_commune_and_threshold() -> None:
    cov = coverage(_units(), [5.0, 25.0, 10.0, 70.0])
    rows = cov.summary("commune")
    assert len(rows) == 4 * 4
    assert rows.groupby("threshold")["pwd"].sum().eq(500).all()


def test_coverage_is_monotone_in_threshold() -> None:
    rng = np.random.default_rng(3)
    units = pd.DataFrame({"code": [f"u{i}" for i in range(200)], "pwd": rng.uniform(0, 100, 200)})
    cov = coverage(units, rng.uniform(0, 90, 200), thresholds=[5, 10, 20, 30, 60, 90])
    covered = cov.summary("nation")["pwd_covered"].to_numpy()
    assert (np.diff(covered) >= 0).all()
    assert covered[-1] == pytest.approx(units["pwd"].sum())


def test_unreachable_units_are_counted_apart() -> None:
    cov = coverage(_units(), [5.0, np.inf, 10.0, 70.0], thresholds=[60], unit="min")
    row = cov.summary("nation").iloc[0]
    assert row["pwd_unreachable"] == 300
    assert row["pwd_unserved"] == 350
    assert row["mean_distance"] == pytest.approx((500 + 500 + 3500) / 200)
    assert cov.unit == "min"


def test_bad_inputs() -> None:
    with pytest.raises(AnalysisError, match="threshold -1"):
        coverage(_units(), [1, 2, 3, 4], thresholds=[-1])
    with pytest.raises(AnalysisError, match="3 distances for 4"):
        coverage(_units(), [1, 2, 3])
    bad = _units().assign(pwd=[1.0, -1.0, 1.0, 1.0])
    with pytest.raises(AnalysisError, match="c2: pwd -1"):
        coverage(bad, [1, 2, 3, 4])
    with pytest.raises(AnalysisError, match="unknown level"):
        coverage(_units(), [1, 2, 3, 4]).summary("district")
    dup = _units().assign(code=["c1", "c1", "c3", "c4"])
    with pytest.raises(AnalysisError, match="c1 appears more than once"):
        coverage(dup, [1, 2, 3, 4])


def test_nearest_by_type_on_the_equator() -> None:
    found = nearest_by_type(
        [0.0, 1.8],
        [0.0, 0.0],
        [0.5, 1.0, 3.0],
        [0.0, 0.0, 0.0],
        ["CAS", "COAPH", "COAPH"],
    )
    assert set(found) == {"any", "CAS", "COAPH"}
    np.testing.assert_allclose(found["any"].km, [0.5 * ONE_DEGREE_KM, 0.8 * ONE_DEGREE_KM])
    np.testing.assert_array_equal(found["COAPH"].index, [1, 1])  # index into all centres
    np.testing.assert_allclose(found["CAS"].km, [0.5 * ONE_DEGREE_KM, 1.3 * ONE_DEGREE_KM])
