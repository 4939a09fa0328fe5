"""Weighted inequality indices, checked by hand and against PySAL ``inequality``."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from inequality.gini import Gini
from inequality.theil import Theil, TheilD

from analysis import equity as eq
from walouja.errors import AnalysisError, NotFoundError

# ------------------------------------------------------------------ hand-computed cases


def test_equal_distribution_has_no_inequality() -> None:
    x = np.full(7, 12.5)
    w = np.array([1, 5, 2, 9, 3, 3, 100], dtype=float)
    assert eq.weighted_gini(x, w) == pytest.approx(0.0, abs=1e-15)
    assert eq.weighted_theil(x, w) == pytest.approx(0.0, abs=1e-15)
    assert eq.weighted_cv(x, w) == pytest.approx(0.0, abs=1e-15)
    assert eq.max_min_ratio(x, w) == 1.0
    # the top 10 % hold 10 %, the bottom 40 % hold 40 %
    assert eq.palma_ratio(x, w) == pytest.approx(0.25, abs=1e-12)
    lor = eq.lorenz_curve(x, w, points=11)
    np.testing.assert_allclose(lor.value_share, lor.population_share, atol=1e-15)


@pytest.mark.parametrize("n", [2, 5, 10, 250])
def test_one_unit_holds_everything_reaches_the_known_maxima(n: int) -> None:
    x = np.zeros(n)
    x[n // 2] = 42.0
    assert eq.weighted_gini(x) == pytest.approx((n - 1) / n, abs=1e-12)
    assert eq.weighted_theil(x) == pytest.approx(math.log(n), abs=1e-12)
    assert eq.max_min_ratio(x) == math.inf
    assert eq.palma_ratio(x) == math.inf  # the bottom 40 % hold nothing


def test_weighted_maxima_depend_on_the_holders_weight() -> None:
    x = np.array([0.0, 0.0, 7.0])
    w = np.array([3.0, 4.0, 1.0])  # the holder is 1 person out of 8
    assert eq.weighted_gini(x, w) == pytest.approx(1 - 1 / 8, abs=1e-12)
    assert eq.weighted_theil(x, w) == pytest.approx(math.log(8), abs=1e-12)


def test_four_communes_two_regions_by_hand() -> None:
    # region A: 1 and 3 (mean 2); region B: 2 and 6 (mean 4); overall mean 3, total 12
    x = np.array([1.0, 3.0, 2.0, 6.0])
    regions = ["A", "A", "B", "B"]
    d = eq.theil_decomposition(x, None, regions)
    total = 0.25 * sum(v / 3 * math.log(v / 3) for v in x)
    between = 4 / 12 * math.log(2 / 3) + 8 / 12 * math.log(4 / 3)
    t_a = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))  # = T_B (Theil is scale-free)
    assert d.total == pytest.approx(total, abs=1e-15)
    assert d.between == pytest.approx(between, abs=1e-15)
    assert d.within == pytest.approx(t_a, abs=1e-15)
    assert abs(d.between + d.within - d.total) < 1e-12
    # Gini: Σ|xi − xj| over ordered pairs = 32; G = 32 / (2 · 4² · 3) = 1/3
    assert eq.weighted_gini(x) == pytest.approx(1 / 3, abs=1e-15)
    groups = d.groups.set_index("code")
    assert groups.loc["A", "mean"] == 2.0
    assert groups.loc["B", "value_share"] == pytest.approx(8 / 12)
    assert groups["theil"].to_list() == pytest.approx([t_a, t_a], abs=1e-15)


def test_nested_decomposition_adds_up() -> None:
    rng = np.random.default_rng(6)
    n = 300
    x = rng.gamma(2.0, 15.0, n)
    w = rng.integers(1, 5000, n).astype(float)
    region = rng.integers(0, 12, n)
    province = region * 100 + rng.integers(0, 6, n)
    d = eq.theil_decomposition(x, w, region, province)
    assert d.within_between_sub is not None
    assert d.within_sub is not None
    assert abs(d.between + d.within - d.total) < 1e-12
    assert abs(d.within_between_sub + d.within_sub - d.within) < 1e-12
    assert abs(d.between + d.within_between_sub + d.within_sub - d.total) < 1e-12
    assert d.total == pytest.approx(eq.weighted_theil(x, w), abs=1e-14)
    # the per-region terms add up to the parts
    assert d.groups["between_term"].sum() == pytest.approx(d.between, abs=1e-14)
    assert d.groups["within_term"].sum() == pytest.approx(d.within, abs=1e-14)


def test_sub_groups_must_nest() -> None:
    with pytest.raises(AnalysisError, match="nested"):
        eq.theil_decomposition([1, 2, 3], None, ["A", "B", "B"], ["p", "p", "q"])


def test_palma_of_ten_equal_weights_valued_one_to_ten() -> None:
    # top 10 % hold 10/55, bottom 40 % hold (1+2+3+4)/55
    assert eq.palma_ratio(np.arange(1, 11)) == pytest.approx(1.0, abs=1e-12)
    # two communes of equal pwd valued 1 and 3 (mean 2): the top 10 % all live in the second
    # and hold 0.1 × 3 / 2 = 0.15; the bottom 40 % live in the first and hold 0.4 × 1 / 2 = 0.2
    assert eq.palma_ratio([1.0, 3.0], [1.0, 1.0]) == pytest.approx(0.15 / 0.2, abs=1e-12)


def test_cv_and_max_min_by_hand() -> None:
    x = np.array([2.0, 4.0])
    w = np.array([3.0, 1.0])  # mean 2.5, variance (3·0.25 + 2.25)/4 = 0.75
    assert eq.weighted_mean(x, w) == 2.5
    assert eq.weighted_cv(x, w) == pytest.approx(math.sqrt(0.75) / 2.5, abs=1e-15)
    assert eq.max_min_ratio(x, w) == 2.0
    # a commune with no pwd is left out of max/min
    assert eq.max_min_ratio([2.0, 4.0, 100.0], [1.0, 1.0, 0.0]) == 2.0


def test_lorenz_vertices_and_grid() -> None:
    lor = eq.lorenz_curve([3.0, 1.0], [1.0, 1.0], points=None)
    assert lor.population_share.tolist() == [0.0, 0.5, 1.0]
    assert lor.value_share.tolist() == [0.0, 0.25, 1.0]
    grid = eq.lorenz_curve([3.0, 1.0], [1.0, 1.0], points=5)
    assert grid.value_share.tolist() == pytest.approx([0.0, 0.125, 0.25, 0.625, 1.0])
    # Gini = 1 − 2 × (area under the Lorenz curve), exactly, with weights
    rng = np.random.default_rng(3)
    x, w = rng.uniform(0, 80, 60), rng.uniform(1, 900, 60)
    v = eq.lorenz_curve(x, w, points=None)
    area = np.sum(np.diff(v.population_share) * (v.value_share[1:] + v.value_share[:-1]) / 2)
    assert 1 - 2 * area == pytest.approx(eq.weighted_gini(x, w), abs=1e-12)


# ------------------------------------------------------------------ weights


def test_duplicating_a_commune_equals_doubling_its_weight() -> None:
    rng = np.random.default_rng(11)
    n = 40
    x = rng.uniform(0.5, 120.0, n)
    w = rng.integers(1, 3000, n).astype(float)
    region = rng.integers(0, 4, n).astype(str)
    province = np.char.add(region, rng.integers(0, 3, n).astype(str))
    doubled = w.copy()
    doubled[[3, 17]] *= 2
    dup = np.r_[x, x[[3, 17]]], np.r_[w, w[[3, 17]]]
    dup_r, dup_p = np.r_[region, region[[3, 17]]], np.r_[province, province[[3, 17]]]
    a = eq.equity_indices(x, doubled, groups=region, subgroups=province)
    b = eq.equity_indices(*dup, groups=dup_r, subgroups=dup_p)
    for name in ("mean", "gini", "palma", "cv", "max_min"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), abs=1e-12), name
    for part in ("total", "between", "within", "within_between_sub", "within_sub"):
        assert getattr(a.theil, part) == pytest.approx(getattr(b.theil, part), abs=1e-12), part
    np.testing.assert_allclose(
        eq.lorenz_curve(x, doubled).value_share, eq.lorenz_curve(*dup).value_share, atol=1e-12
    )
    # and the weights matter: without the doubling the answer differs
    assert eq.weighted_gini(x, w) != pytest.approx(a.gini, abs=1e-6)


def test_integer_weights_equal_expanded_persons() -> None:
    x = np.array([5.0, 20.0, 45.0])
    w = np.array([3, 1, 2])
    persons = np.repeat(x, w)
    assert eq.weighted_gini(x, w) == pytest.approx(float(Gini(persons).g), abs=1e-12)
    assert eq.weighted_theil(x, w) == pytest.approx(float(Theil(persons).T), abs=1e-12)


# ------------------------------------------------------------------ PySAL inequality


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equal_weights_match_pysal_inequality(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 1503
    x = rng.lognormal(3.0, 0.8, n)
    regions = rng.integers(0, 12, n)
    w = np.full(n, 7.0)  # any equal weight
    assert eq.weighted_gini(x, w) == pytest.approx(float(Gini(x).g), abs=1e-12)
    assert eq.weighted_theil(x, w) == pytest.approx(float(Theil(x).T), abs=1e-12)
    ref = TheilD(x, regions)
    d = eq.theil_decomposition(x, w, regions)
    assert d.total == pytest.approx(float(np.ravel(ref.T)[0]), abs=1e-12)
    assert d.between == pytest.approx(float(np.ravel(ref.bg)[0]), abs=1e-12)
    assert d.within == pytest.approx(float(np.ravel(ref.wg)[0]), abs=1e-12)


# ------------------------------------------------------------------ urban / rural


def test_urban_rural_gap_by_hand() -> None:
    x = [10.0, 40.0]
    urban, rural = [90.0, 10.0], [10.0, 90.0]
    gap = eq.urban_rural_gap(x, urban, rural, higher_is_better=False)
    assert gap.urban_mean == pytest.approx(13.0)  # (900 + 400) / 100
    assert gap.rural_mean == pytest.approx(37.0)  # (100 + 3600) / 100
    assert gap.difference == pytest.approx(24.0)
    assert gap.ratio == pytest.approx(37 / 13)
    assert gap.disadvantaged == "rural"  # farther is worse
    assert eq.urban_rural_gap(x, urban, rural, higher_is_better=True).disadvantaged == "urban"
    none = eq.urban_rural_gap(x, [5.0, 5.0], [0.0, 0.0], higher_is_better=True)
    assert none.rural_mean is None
    assert none.disadvantaged is None


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("values", "weights", "message"),
    [
        ([1.0, -2.0], [1.0, 1.0], "negative"),
        ([1.0, float("nan")], [1.0, 1.0], "not a number"),
        ([1.0, 2.0], [1.0], "pair up"),
        ([0.0, 0.0], [1.0, 1.0], "mean is 0"),
        ([1.0, 2.0], [0.0, 0.0], "every weight is 0"),
        ([], [], "at least one"),
    ],
)
def test_bad_input_is_a_clear_error(values, weights, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        eq.weighted_gini(values, weights)


def test_unknown_indicator_and_level() -> None:
    with pytest.raises(NotFoundError, match=r"unknown indicator 'speed'.*nearest_km"):
        eq.get_indicator("speed")
    with pytest.raises(NotFoundError, match="unknown level 'canton'"):
        eq.check_level("canton")


# ------------------------------------------------------------------ per commune and report


def test_places_by_commune_counts_missing_capacity() -> None:
    centres = pd.DataFrame(
        {"commune_code": ["c1", "c1", "c3", None], "capacity": [40, None, 25, 10]}
    )
    places, count, missing = eq.places_by_commune(["c1", "c2", "c3"], centres)
    assert places.tolist() == [40.0, 0.0, 25.0]
    assert count.tolist() == [2.0, 0.0, 1.0]
    assert missing == 1
    assert eq.per_10k([25.0, 3.0], [50_000.0, 0.0]).tolist() == [5.0, 0.0]


def test_unmet_need_by_hand() -> None:
    beyond, pkm = eq.unmet_need([10.0, 30.0, 45.0, 90.0], [100, 200, 300, 400], threshold_km=30)
    assert beyond.tolist() == [0.0, 0.0, 300.0, 400.0]  # 30 km is within the threshold
    assert pkm.tolist() == [0.0, 0.0, 300 * 15.0, 400 * 60.0]
    with pytest.raises(AnalysisError, match="threshold"):
        eq.unmet_need([1.0], [1.0], threshold_km=-5)


def _communes() -> pd.DataFrame:
    """Four communes, two regions (R1: provinces P1, P2; R2: P3)."""
    return pd.DataFrame(
        {
            "code": ["c1", "c2", "c3", "c4"],
            "province_code": ["P1", "P2", "P3", "P3"],
            "region_code": ["R1", "R1", "R2", "R2"],
            "pwd": [1000.0, 3000.0, 2000.0, 2000.0],
            "pwd_urban": [1000.0, 1000.0, 0.0, 2000.0],
            "pwd_rural": [0.0, 2000.0, 2000.0, 0.0],
            "nearest_km": [5.0, 40.0, 70.0, 10.0],
            "places": [30.0, 0.0, 0.0, 50.0],
            "centres": [1.0, 0.0, 0.0, 2.0],
        }
    )


def test_report_by_region_by_hand() -> None:
    communes = _communes()
    units = pd.DataFrame({"code": ["R1", "R2"], "name_fr": ["Nord", "Sud"], "name_ar": ["ش", "ج"]})
    rep = eq.equity_report(
        communes, indicator="nearest_km", by="region", threshold_km=30, units=units
    )
    t = rep.units.set_index("code")
    assert t.loc["R1", "value"] == pytest.approx((5 * 1000 + 40 * 3000) / 4000)  # 31.25
    assert t.loc["R2", "value"] == pytest.approx(40.0)
    assert t.loc["R1", "pwd_beyond"] == 3000
    assert t.loc["R1", "unmet_need_pkm"] == 3000 * 10.0
    assert t.loc["R2", "unmet_need_pkm"] == 2000 * 40.0
    assert t.loc["R1", "places_per_10k"] == pytest.approx(30 / 4000 * 1e4)
    assert t.loc["R2", "places_per_10k"] == pytest.approx(50 / 4000 * 1e4)
    assert t.loc["R1", "name_fr"] == "Nord"
    # R2 is farther on average (worst for a distance), has the larger unmet need, more places
    assert t.loc["R2", "rank_value"] == 1
    assert t.loc["R2", "rank_unmet_need"] == 1
    assert t.loc["R1", "rank_places"] == 1
    assert rep.indices.mean == pytest.approx(35.625)
    parts = rep.indices.theil
    assert parts.within_sub is not None
    assert parts.within_between_sub is not None
    assert abs(parts.between + parts.within_between_sub + parts.within_sub - parts.total) < 1e-12
    gap = rep.urban_rural
    assert gap.urban_mean == pytest.approx((5 * 1000 + 40 * 1000 + 10 * 2000) / 4000)
    assert gap.rural_mean == pytest.approx((40 * 2000 + 70 * 2000) / 4000)
    assert gap.disadvantaged == "rural"
    out = rep.as_dict()
    text = json.dumps(out, allow_nan=False)  # strict JSON: no NaN or Infinity
    assert '"gini"' in text
    assert [r["code"] for r in out["rankings"]["unmet_need"]] == ["R2", "R1"]
    assert out["rankings"]["places_per_10k"][0]["code"] == "R1"
    assert len(out["lorenz"]["population_share"]) == 101
    assert out["indicator"]["higher_is_better"] is False
    assert {r["code"] for r in out["communes"]} == {"c1", "c2", "c3", "c4"}


def test_report_by_province_places_indicator() -> None:
    communes = _communes()
    communes["places_per_10k"] = eq.per_10k(communes["places"], communes["pwd"])
    rep = eq.equity_report(communes, indicator="places_per_10k", by="province", threshold_km=30)
    t = rep.units.set_index("code")
    assert list(t.index) == ["P1", "P2", "P3"]
    # a unit's value is its places per 10,000 of its pwd (pwd-weighted mean of communes)
    np.testing.assert_allclose(t["value"], t["places_per_10k"], rtol=1e-12)
    assert t.loc["P2", "rank_value"] == 1  # higher is better: P2 has none, worst served
    assert t.loc["P1", "name_fr"] == "P1"  # no names given: the code stands in
    assert rep.indices.max_min == math.inf  # P2 and c3 have no place
    assert rep.as_dict()["indices"]["max_min"] is None


def test_report_refuses_bad_tables() -> None:
    communes = _communes()
    with pytest.raises(AnalysisError, match="lacks column"):
        eq.equity_report(communes, indicator="access")
    communes["coverage_share"] = 0.0
    with pytest.raises(AnalysisError, match="0 in every commune"):
        eq.equity_report(communes, indicator="coverage_share")
    communes.loc[2, "nearest_km"] = float("nan")
    communes["coverage_share"] = 1.0
    with pytest.raises(AnalysisError, match="commune c3: nearest_km"):
        eq.equity_report(communes, indicator="coverage_share")
    with pytest.raises(NotFoundError):
        eq.equity_report(_communes(), indicator="nearest_km", by="commune")


def test_commune_indicators_on_a_hand_checked_line() -> None:
    # one centre (10 places) at (0, 0); communes on the equator at 0.1° and 0.5° east:
    # 11.12 km and 55.60 km away (1° = 111.195 km on the mean sphere)
    demand = pd.DataFrame(
        {
            "code": ["c1", "c2"],
            "province_code": ["P1", "P1"],
            "region_code": ["R1", "R1"],
            "pwd": [100.0, 300.0],
            "pwd_urban": [100.0, 0.0],
            "pwd_rural": [0.0, 300.0],
            "lon": [0.1, 0.5],
            "lat": [0.0, 0.0],
        }
    )
    centres = pd.DataFrame({"lon": [0.0], "lat": [0.0], "capacity": [10.0], "commune_code": ["c1"]})
    out = eq.commune_indicators(demand, centres, threshold_km=30, catchment_km=60)
    c = out.communes
    assert c["nearest_km"].to_list() == pytest.approx([11.1195, 55.5975], abs=1e-3)
    assert c["coverage_share"].to_list() == [1.0, 0.0]
    # 2SFCA: both communes within 60 km, so R = 10 / 400 and each gets A = 0.025
    assert c["access"].to_list() == pytest.approx([0.025, 0.025], abs=1e-15)
    assert c["places"].to_list() == [10.0, 0.0]
    assert c["places_per_10k"].to_list() == [1000.0, 0.0]
    assert out.capacity_filled == 0
    # with a 50 km catchment only c1 is in reach: A = 10 / 100
    near = eq.commune_indicators(demand, centres, catchment_km=50).communes
    assert near["access"].to_list() == pytest.approx([0.1, 0.0], abs=1e-15)
    # unknown capacity: refused by default, filled on request
    unknown = centres.assign(capacity=[float("nan")])
    with pytest.raises(AnalysisError, match="no capacity"):
        eq.commune_indicators(demand, unknown)
    filled = eq.commune_indicators(demand, unknown, missing_capacity=1)
    assert filled.capacity_filled == 1
    assert filled.communes["places"].to_list() == [1.0, 0.0]
    rep = eq.equity_report(filled.communes, indicator="coverage_share", by="region")
    assert rep.indices.mean == pytest.approx(0.25)  # 100 of 400 pwd covered
    assert rep.urban_rural.urban_mean == 1.0
    assert rep.urban_rural.rural_mean == 0.0
    assert rep.urban_rural.disadvantaged == "rural"
