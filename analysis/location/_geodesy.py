"""Great-circle distances between lon/lat points, exact KD-tree search on 3-D unit vectors.

Private to the location models: ``analysis.distance`` (written beside this package) is the
project's general distance module; this keeps the location models usable on their own.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the radius every Walouja great-circle distance uses."""


def unit_vectors(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points on the unit sphere (n × 3) for longitudes and latitudes in degrees."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle kilometres for chord lengths on the unit sphere."""
    half = np.clip(np.asarray(chord, dtype=float) / 2.0, 0.0, 1.0)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(half)


def km_to_chord(km: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Chord lengths on the unit sphere for great-circle kilometres (monotone, exact)."""
    theta = np.minimum(np.asarray(km, dtype=float) / EARTH_RADIUS_KM, np.pi)
    return 2.0 * np.sin(theta / 2.0)


def dense_km(
    a_lon: NDArray[np.float64],
    a_lat: NDArray[np.float64],
    b_lon: NDArray[np.float64],
    b_lat: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Full matrix of great-circle km between points ``a`` (rows) and ``b`` (columns)."""
    ua = unit_vectors(a_lon, a_lat)
    ub = unit_vectors(b_lon, b_lat)
    chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * np.clip(ua @ ub.T, -1.0, 1.0)))
    return chord_to_km(chord)


def pairs_within(
    a_xyz: NDArray[np.float64],
    b_xyz: NDArray[np.float64],
    radius_km: NDArray[np.float64] | float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every pair ``(i, j)`` with great-circle distance ≤ the radius (scalar or per row ``i``).

    Returns the row indices, column indices and distances in km, sorted by row then column.
    """
    n_a = a_xyz.shape[0]
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float))
    if n_a == 0 or b_xyz.shape[0] == 0:
        return empty
    radius = np.broadcast_to(np.asarray(radius_km, dtype=float), (n_a,))
    finite_radius = np.where(np.isfinite(radius), radius, np.pi * EARTH_RADIUS_KM)
    # A hair more than the radius so rounding in the chord never drops a pair on the boundary;
    # the exact filter on kilometres below decides.
    chord = km_to_chord(finite_radius) * (1.0 + 1e-9) + 1e-12
    tree = cKDTree(b_xyz)
    hits = tree.query_ball_point(a_xyz, r=chord, return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=n_a)
    if counts.sum() == 0:
        return empty
    rows = np.repeat(np.arange(n_a, dtype=np.int64), counts)
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits if h])
    diff = a_xyz[rows] - b_xyz[cols]
    km = chord_to_km(np.sqrt(np.einsum("ij,ij->i", diff, diff)))
    keep = km <= finite_radius[rows]
    return rows[keep], cols[keep], km[keep]


def nearest_km(
    a_xyz: NDArray[np.float64], b_xyz: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distance (km) from each point of ``a`` to its nearest point of ``b`` and that index.

    With no ``b`` the distances are infinite and the indices ``-1``.
    """
    if b_xyz.shape[0] == 0:
        return np.full(a_xyz.shape[0], np.inf), np.full(a_xyz.shape[0], -1, dtype=np.int64)
    chord, idx = cKDTree(b_xyz).query(a_xyz, k=1)
    return chord_to_km(np.asarray(chord)), np.asarray(idx, dtype=np.int64)
