"""Seeded location-allocation instances and brute-force objectives shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

Instance = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def instance(
    seed: int,
    n_d: int = 30,
    n_c: int = 9,
    n_e: int = 2,
    *,
    min_weight: int = 0,
    max_weight: int = 20,
) -> Instance:
    """Random planar instance on a 100 × 100 square, three provinces by x (A | B | C).

    Returns ``(demand × candidate, demand × existing, weights, demand provinces, candidate
    provinces, existing provinces)``.
    """
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0, 100, (n_d, 2))
    cand = rng.uniform(0, 100, (n_c, 2))
    ex = rng.uniform(0, 100, (n_e, 2))
    dc = np.linalg.norm(dem[:, None] - cand[None], axis=2)
    de = np.linalg.norm(dem[:, None] - ex[None], axis=2)
    w = rng.integers(min_weight, max_weight, n_d).astype(float)
    names = np.array(["A", "B", "C"])
    prov_d = names[(dem[:, 0] // 34).astype(int)]
    prov_c = names[(cand[:, 0] // 34).astype(int)]
    prov_e = names[(ex[:, 0] // 34).astype(int)]
    return dc, de, w, prov_d, prov_c, prov_e


def covered(
    dc: np.ndarray, de: np.ndarray, w: np.ndarray, radius: float, sites: Iterable[int]
) -> float:
    """Weight within ``radius`` of an existing centre or of one of ``sites`` (by brute force)."""
    chosen = list(sites)
    cov = (de <= radius).any(axis=1) if de.shape[1] else np.zeros(len(w), bool)
    if chosen:
        cov |= (dc[:, chosen] <= radius).any(axis=1)
    return float(w[cov].sum())


def median(dc: np.ndarray, de: np.ndarray, w: np.ndarray, sites: Iterable[int]) -> float:
    """Weighted distance to the nearest existing centre or site (by brute force)."""
    chosen = list(sites)
    d = de.min(axis=1) if de.shape[1] else np.full(len(w), np.inf)
    if chosen:
        d = np.minimum(d, dc[:, chosen].min(axis=1))
    return float(np.sum(w * d))
