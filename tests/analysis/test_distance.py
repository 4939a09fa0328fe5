"""Great-circle distances, nearest centres and catchment pairs on hand-checked points."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.distance import (
    EARTH_RADIUS_KM,
    chord_to_km,
    distance_matrix_km,
    great_circle_km,
    km_to_chord,
    nearest,
    pairs_within,
)
from walouja.errors import AnalysisError

ONE_DEGREE_KM = EARTH_RADIUS_KM * math.pi / 180  # 111.19508 km


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def test_one_degree_on_the_equator_and_along_a_meridian() -> None:
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(111.19508, abs=1e-4)
    assert great_circle_km(-7, 30, -7, 31) == pytest.approx(ONE_DEGREE_KM, rel=1e-12)


def test_antipodes_and_identical_points() -> None:
    assert great_circle_km(0, 90, 0, -90) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-12)
    assert great_circle_km(-6.84, 34.02, -6.84, 34.02) == 0.0


def test_casablanca_to_rabat_matches_haversine() -> None:
    casa, rabat = (-7.6192, 33.5928), (-6.8498, 34.0209)
    expected = haversine_km(*casa, *rabat)
    assert 85 < expected < 90
    assert great_circle_km(*casa, *rabat) == pytest.approx(expected, rel=1e-10)


def test_chord_round_trip() -> None:
    for km in (0.001, 1.0, 60.0, 1500.0, 10000.0):
        assert chord_to_km(km_to_chord(km)) == pytest.approx(km, rel=1e-12)


def test_nearest_on_an_equator_line() -> None:
    demand_lon = np.array([0.0, 1.0, 2.2, 3.0])
    found = nearest(demand_lon, np.zeros(4), np.array([3.0, 0.0]), np.zeros(2))
    np.testing.assert_array_equal(found.index, [1, 1, 0, 0])
    np.testing.assert_allclose(found.km, [0, ONE_DEGREE_KM, 0.8 * ONE_DEGREE_KM, 0], atol=1e-9)


def test_detour_factor_scales_distance() -> None:
    found = nearest([1.0], [0.0], [0.0], [0.0], detour_factor=1.3)
    assert found.km[0] == pytest.approx(1.3 * ONE_DEGREE_KM)
    with pytest.raises(AnalysisError, match="detour factor"):
        nearest([1.0], [0.0], [0.0], [0.0], detour_factor=0.5)


def test_nearest_equals_brute_force_nationwide() -> None:
    rng = np.random.default_rng(7)
    dlon, dlat = rng.uniform(-17, -1, 2000), rng.uniform(21, 36, 2000)
    clon, clat = rng.uniform(-17, -1, 150), rng.uniform(21, 36, 150)
    dense = distance_matrix_km(dlon, dlat, clon, clat)
    found = nearest(dlon, dlat, clon, clat)
    np.testing.assert_array_equal(found.index, dense.argmin(axis=1))
    np.testing.assert_allclose(found.km, dense.min(axis=1), rtol=0, atol=1e-9)


def test_no_centre_gives_infinite_distance() -> None:
    found = nearest([0.0, 1.0], [0.0, 0.0], [], [])
    assert np.isinf(found.km).all()
    assert (found.index == -1).all()


def test_bad_coordinates_name_the_row() -> None:
    with pytest.raises(AnalysisError, match="demand point 1"):
        nearest([0.0, 1.0], [0.0, 95.0], [0.0], [0.0])
    with pytest.raises(AnalysisError, match="centre 0"):
        nearest([0.0], [0.0], [np.nan], [0.0])


def test_pairs_within_equals_dense_filter() -> None:
    rng = np.random.default_rng(11)
    dlon, dlat = rng.uniform(-9, -5, 3000), rng.uniform(30, 35, 3000)
    clon, clat = rng.uniform(-9, -5, 80), rng.uniform(30, 35, 80)
    dense = distance_matrix_km(dlon, dlat, clon, clat)
    pairs = pairs_within(dlon, dlat, clon, clat, 45.0, chunk_size=700)
    rows, cols = np.nonzero(dense <= 45.0)
    np.testing.assert_array_equal(pairs.demand, rows)
    np.testing.assert_array_equal(pairs.centre, cols)
    np.testing.assert_array_equal(pairs.km, dense[rows, cols])
    assert pairs.n_demand == 3000
    assert pairs.n_centres == 80


def test_pairs_within_keeps_the_boundary() -> None:
    # a centre exactly one degree away is kept at a threshold equal to that distance
    d = float(distance_matrix_km([0.0], [0.0], [1.0], [0.0])[0, 0])
    assert d == pytest.approx(ONE_DEGREE_KM, rel=1e-12)
    assert len(pairs_within([0.0], [0.0], [1.0], [0.0], d)) == 1
    assert len(pairs_within([0.0], [0.0], [1.0], [0.0], d * (1 - 1e-12))) == 0


def test_pairs_within_detour() -> None:
    pairs = pairs_within([0.0], [0.0], [1.0], [0.0], 140.0, detour_factor=1.3)
    assert len(pairs) == 0  # 111.2 km × 1.3 = 144.6 km > 140
    pairs = pairs_within([0.0], [0.0], [1.0], [0.0], 145.0, detour_factor=1.3)
    assert pairs.km[0] == pytest.approx(1.3 * ONE_DEGREE_KM)
