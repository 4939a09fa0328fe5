"""2SFCA and E2SFCA: hand-checked grids and identity with PySAL ``access``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

from analysis.access import (
    METHODS,
    e2sfca_steps,
    fca_from_pairs,
    fill_capacity,
    floating_catchment,
    step_weight,
)
from analysis.distance import distance_matrix_km, pairs_within
from analysis.equity import commune_indicators, equity_report
from walouja.errors import AnalysisError

# three demand points on the equator at lon 0, 0.5, 1 and centres at lon 0 and 1:
# the middle point is 55.6 km from both centres, the outer ones 0 and 111.2 km.
DLON = np.array([0.0, 0.5, 1.0])
DPWD = np.array([100.0, 50.0, 200.0])
CLON = np.array([0.0, 1.0])
CAP = np.array([10.0, 20.0])
ZERO3, ZERO2 = np.zeros(3), np.zeros(2)


def test_2sfca_by_hand() -> None:
    res = floating_catchment(DLON, ZERO3, DPWD, CLON, ZERO2, CAP, catchment_km=60)
    # R_A = 10 / (100 + 50), R_B = 20 / (50 + 200)
    np.testing.assert_allclose(res.ratio, [10 / 150, 20 / 250])
    np.testing.assert_allclose(res.score, [10 / 150, 10 / 150 + 20 / 250, 20 / 250])
    np.testing.assert_array_equal(res.centres_in_reach, [1, 2, 1])
    assert res.n_pairs == 4
    # every centre reaches some demand, so sum of P_i A_i equals total capacity
    assert (DPWD * res.score).sum() == pytest.approx(CAP.sum())


def test_e2sfca_by_hand() -> None:
    res = floating_catchment(DLON, ZERO3, DPWD, CLON, ZERO2, CAP, method="e2sfca", catchment_km=60)
    assert res.steps == ((20.0, 1.0), (40.0, 0.68), (60.0, 0.22))
    # the middle point is in the third zone (55.6 km): weight 0.22
    ra, rb = 10 / (100 + 0.22 * 50), 20 / (200 + 0.22 * 50)
    np.testing.assert_allclose(res.ratio, [ra, rb])
    np.testing.assert_allclose(res.score, [ra, 0.22 * (ra + rb), rb])
    assert (DPWD * res.score).sum() == pytest.approx(CAP.sum())


def test_small_catchment_leaves_the_middle_point_without_access() -> None:
    res = floating_catchment(DLON, ZERO3, DPWD, CLON, ZERO2, CAP, catchment_km=50)
    np.testing.assert_allclose(res.score, [10 / 100, 0.0, 20 / 200])
    np.testing.assert_array_equal(res.centres_in_reach, [1, 0, 1])


def test_centre_without_demand_gets_zero_ratio() -> None:
    res = floating_catchment(
        [0.0], [0.0], [10.0], [0.0, 5.0], [0.0, 0.0], [3.0, 7.0], catchment_km=30
    )
    np.testing.assert_allclose(res.ratio, [0.3, 0.0])
    np.testing.assert_allclose(res.score, [0.3])


def test_step_weight_follows_pysal_step_fn() -> None:
    steps = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
    fn = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    km = np.array([0, 5, 10, 10.0001, 20, 25, 30, 30.5, 100])
    np.testing.assert_array_equal(step_weight(km, steps), [fn(x) for x in km])


def test_e2sfca_steps_are_equal_zones() -> None:
    assert e2sfca_steps(30, (1, 0.5)) == ((15.0, 1.0), (30.0, 0.5))


def test_fill_capacity() -> None:
    filled, n = fill_capacity([10, np.nan, 30, np.nan], strategy="median")
    np.testing.assert_array_equal(filled, [10, 20, 30, 20])
    assert n == 2
    filled, n = fill_capacity([np.nan, 4], strategy=1)
    np.testing.assert_array_equal(filled, [1, 4])
    with pytest.raises(AnalysisError, match="the centre at position 1 has no capacity"):
        fill_capacity([3, np.nan])
    with pytest.raises(AnalysisError, match="no centre has a capacity"):
        fill_capacity([np.nan], strategy="median")


def test_bad_inputs_are_named() -> None:
    with pytest.raises(AnalysisError, match="capacity 1"):
        floating_catchment([0.0], [0.0], [1.0], [0.0, 1.0], [0.0, 0.0], [1.0, -2.0])
    with pytest.raises(AnalysisError, match="demand 0"):
        floating_catchment([0.0], [0.0], [np.nan], [0.0], [0.0], [1.0])
    with pytest.raises(AnalysisError, match="unknown access method"):
        floating_catchment([0.0], [0.0], [1.0], [0.0], [0.0], [1.0], method="3sfca")
    with pytest.raises(AnalysisError, match="no centres"):
        floating_catchment([0.0], [0.0], [1.0], [], [], [])


def _pysal(
    dlon: np.ndarray,
    dlat: np.ndarray,
    pwd: np.ndarray,
    clon: np.ndarray,
    clat: np.ndarray,
    cap: np.ndarray,
    *,
    catchment: float,
    weight_fn: object = None,
) -> np.ndarray:
    dense = distance_matrix_km(dlon, dlat, clon, clat)
    n, m = dense.shape
    demand = pd.DataFrame({"geoid": np.arange(n), "pwd": pwd})
    supply = pd.DataFrame({"cid": np.arange(m), "capacity": cap})
    cost = pd.DataFrame(
        {
            "origin": np.repeat(np.arange(n), m),
            "dest": np.tile(np.arange(m), n),
            "km": dense.ravel(),
        }
    )
    acc = Access(
        demand_df=demand,
        demand_index="geoid",
        demand_value="pwd",
        supply_df=supply,
        supply_index="cid",
        supply_value="capacity",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="km",
    )
    if weight_fn is None:
        out = acc.two_stage_fca(name="a", max_cost=catchment)
    else:
        out = acc.enhanced_two_stage_fca(name="a", max_cost=catchment, weight_fn=weight_fn)
    # PySAL leaves points with no centre in reach missing; Walouja gives them 0
    return out["a_capacity"].reindex(np.arange(n)).fillna(0.0).to_numpy()


@pytest.fixture(scope="module")
def synthetic() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(2024)
    n, m = 400, 40
    dlon, dlat = rng.uniform(-8.5, -5.5, n), rng.uniform(31.5, 34.5, n)
    pwd = rng.gamma(2.0, 300.0, n)
    clon, clat = rng.uniform(-8.5, -5.5, m), rng.uniform(31.5, 34.5, m)
    cap = rng.integers(10, 200, m).astype(float)
    return dlon, dlat, pwd, clon, clat, cap


@pytest.mark.parametrize("catchment", [30.0, 60.0])
def test_2sfca_equals_pysal_access(synthetic: tuple[np.ndarray, ...], catchment: float) -> None:
    dlon, dlat, pwd, clon, clat, cap = synthetic
    ours = floating_catchment(dlon, dlat, pwd, clon, clat, cap, catchment_km=catchment)
    theirs = _pysal(dlon, dlat, pwd, clon, clat, cap, catchment=catchment)
    # the synthetic problem has points both with and without a centre in reach
    assert 0 < (ours.score == 0).sum() < len(dlon)
    np.testing.assert_allclose(ours.score, theirs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.score, theirs, rtol=1e-12)


@pytest.mark.parametrize(
    "steps",
    [
        None,
        {15.0: 1.0, 30.0: 0.6, 45.0: 0.3, 60.0: 0.1},
        {20.0: 1.0, 40.0: 0.68, 90.0: 0.22},
        {10.0: 1.0, 30.0: 0.5},
    ],
    ids=["default-thirds", "four-steps", "beyond-catchment", "short-of-catchment"],
)
def test_e2sfca_equals_pysal_access(
    synthetic: tuple[np.ndarray, ...], steps: dict[float, float] | None
) -> None:
    dlon, dlat, pwd, clon, clat, cap = synthetic
    ours = floating_catchment(
        dlon, dlat, pwd, clon, clat, cap, method="e2sfca", catchment_km=60.0, steps=steps
    )
    fn = weights.step_fn(dict(steps) if steps else {20.0: 1.0, 40.0: 0.68, 60.0: 0.22})
    theirs = _pysal(dlon, dlat, pwd, clon, clat, cap, catchment=60.0, weight_fn=fn)
    assert ours.score.max() > 0
    np.testing.assert_allclose(ours.score, theirs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.score, theirs, rtol=1e-12)


def test_precomputed_pairs_give_the_same_scores(synthetic: tuple[np.ndarray, ...]) -> None:
    dlon, dlat, pwd, clon, clat, cap = synthetic
    pairs = pairs_within(dlon, dlat, clon, clat, 60.0)
    for method in METHODS:
        direct = floating_catchment(
            dlon, dlat, pwd, clon, clat, cap, method=method, catchment_km=60.0, chunk_size=97
        )
        from_pairs = fca_from_pairs(pairs, pwd, cap, catchment_km=60.0, method=method)
        np.testing.assert_allclose(direct.score, from_pairs.score, rtol=1e-12)
        np.testing.assert_allclose(direct.ratio, from_pairs.ratio, rtol=1e-12)
        assert direct.n_pairs == from_pairs.n_pairs


def test_a_pair_exactly_on_a_step_bound_gets_that_step() -> None:
    d = float(distance_matrix_km([0.0], [0.0], [0.3], [0.0])[0, 0])
    on = floating_catchment(
        [0.0],
        [0.0],
        [10.0],
        [0.3],
        [0.0],
        [5.0],
        method="e2sfca",
        catchment_km=2 * d,
        steps={d: 1.0, 2 * d: 0.5},
    )
    assert on.score[0] == pytest.approx(0.5)  # weight 1: R = 5 / 10, A = 1 × R
    beyond = floating_catchment(
        [0.0],
        [0.0],
        [10.0],
        [0.3],
        [0.0],
        [5.0],
        method="e2sfca",
        catchment_km=2 * d,
        steps={d * (1 - 1e-12): 1.0, 2 * d: 0.5},
    )
    assert beyond.score[0] == pytest.approx(0.5)  # weight 0.5: R = 5 / 5, A = 0.5 × R
    assert beyond.ratio[0] == pytest.approx(1.0)


def test_steps_are_cut_at_the_catchment() -> None:
    res = floating_catchment(
        DLON,
        ZERO3,
        DPWD,
        CLON,
        ZERO2,
        CAP,
        method="e2sfca",
        catchment_km=50,
        steps={20: 1.0, 40: 0.68, 90: 0.22},
    )
    assert res.steps == ((20.0, 1.0), (40.0, 0.68), (50.0, 0.22))
    np.testing.assert_array_equal(res.centres_in_reach, [1, 0, 1])  # 55.6 km is beyond 50


def test_a_commune_of_no_pwd_gets_the_places_within_its_reach() -> None:
    # the grid above with no pwd at the middle point: each centre's catchment holds one
    # outer point, R_A = 10 / 100 = R_B = 20 / 200 = 0.1; the middle point reaches both
    pwd = np.array([100.0, 0.0, 200.0])
    res = floating_catchment(DLON, ZERO3, pwd, CLON, ZERO2, CAP, catchment_km=60)
    np.testing.assert_allclose(res.ratio, [0.1, 0.1], rtol=1e-15)
    np.testing.assert_allclose(res.score, [0.1, 0.2, 0.1], rtol=1e-15)  # 2,000 per 10,000
    theirs = _pysal(DLON, ZERO3, pwd, CLON, ZERO2, CAP, catchment=60.0)
    np.testing.assert_allclose(res.score, theirs, rtol=1e-12)  # PySAL gives it 0.2 too
    # the commune table and the equity report give it that score; the means and the
    # indices weight it by its pwd, 0, so they are those of the two others alone
    demand = pd.DataFrame(
        {
            "code": ["c1", "c2", "c3"],
            "province_code": ["P1", "P1", "P2"],
            "region_code": ["R1", "R1", "R1"],
            "pwd": pwd,
            "pwd_urban": pwd,
            "pwd_rural": np.zeros(3),
            "lon": DLON,
            "lat": ZERO3,
        }
    )
    centres = pd.DataFrame(
        {"lon": CLON, "lat": ZERO2, "capacity": CAP, "commune_code": ["c1", "c3"]}
    )
    communes = commune_indicators(demand, centres, catchment_km=60).communes
    assert communes["access"].to_list() == pytest.approx([0.1, 0.2, 0.1], rel=1e-15)
    with_it = equity_report(communes, indicator="access", by="province")
    assert with_it.communes["value"].to_list() == pytest.approx([0.1, 0.2, 0.1], rel=1e-15)
    assert with_it.units["value"].to_list() == pytest.approx([0.1, 0.1], rel=1e-15)
    # the same communes with the middle one's score forced to 0: nothing else moves
    zero = equity_report(communes.assign(access=[0.1, 0.0, 0.1]), indicator="access", by="province")
    assert with_it.as_dict()["indices"] == zero.as_dict()["indices"]
    assert with_it.as_dict()["units"] == zero.as_dict()["units"]
    assert with_it.indices.mean == pytest.approx(0.1, rel=1e-15)
