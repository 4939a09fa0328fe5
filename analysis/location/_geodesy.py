"""Variable-radius pair search for the truncated p-median, built on ``analysis.distance``.

``analysis.distance`` provides the great-circle machinery (unit vectors, exact KD-tree
search, one ``pair_km`` for every distance); this adds the one search it lacks: pairs within
a *different* radius for each demand point (its distance to the nearest existing centre).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from analysis.distance import EARTH_RADIUS_KM, km_to_chord, pair_km


def pairs_within_each(
    a_xyz: NDArray[np.float64],
    b_xyz: NDArray[np.float64],
    radius_km: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every pair ``(i, j)`` with great-circle km ≤ ``radius_km[i]`` (``inf``: every ``j``).

    Returns the row indices, column indices and distances (from ``analysis.distance.pair_km``),
    sorted by row then column.
    """
    n_a = a_xyz.shape[0]
    if n_a == 0 or b_xyz.shape[0] == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
    radius = np.where(np.isfinite(radius_km), radius_km, np.pi * EARTH_RADIUS_KM)
    # widened by a relative 1e-9 so rounding never drops a boundary pair; km decide below
    chord = np.array([km_to_chord(r) for r in radius]) * (1.0 + 1e-9) + 1e-12
    hits = cKDTree(b_xyz).query_ball_point(a_xyz, r=chord, return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=n_a)
    if counts.sum() == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
    rows = np.repeat(np.arange(n_a, dtype=np.int64), counts)
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if h])
    km = pair_km(a_xyz[rows], b_xyz[cols])
    keep = km <= radius[rows]
    return rows[keep], cols[keep], km[keep]
