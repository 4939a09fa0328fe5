"""Seeded location-allocation instances and brute-force objectives shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

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


def province_minimum(
    de: np.ndarray,
    prov_d: np.ndarray,
    prov_c: np.ndarray,
    prov_e: np.ndarray,
    *,
    new: int,
    minimum: int = 2,
) -> dict[str, Any]:
    """A model's keywords for ``new`` sites with ``minimum`` centres, existing or new, in
    each province of an :func:`instance` (its matrix of existing centres ``de``)."""
    return {
        "new": new,
        "existing_cost_matrix": de,
        "min_per_province": minimum,
        "demand_province": prov_d,
        "candidate_province": prov_c,
        "existing_province": prov_e,
    }


def meets_minimum(
    prov_c: np.ndarray, prov_e: np.ndarray, sites: Iterable[int], minimum: int = 2
) -> bool:
    """Whether the existing centres and ``sites`` put ``minimum`` centres in each province
    (A, B and C) of an :func:`instance`."""
    chosen = list(sites)
    existing = pd.Series(prov_e).value_counts()
    counts = pd.Series(prov_c[chosen]).value_counts() if chosen else pd.Series(dtype=int)
    return all(existing.get(p, 0) + counts.get(p, 0) >= minimum for p in ("A", "B", "C"))


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


def _open(
    dc: np.ndarray,
    de: np.ndarray,
    cap: Sequence[float] | np.ndarray,
    ecap: Sequence[float],
    sites: Iterable[int],
) -> tuple[list[np.ndarray], np.ndarray]:
    """Distance columns and places of the open centres: ``sites``, then every existing one."""
    chosen = list(sites)
    cols = [dc[:, j] for j in chosen] + [de[:, e] for e in range(de.shape[1])]
    return cols, np.array([cap[j] for j in chosen] + list(ecap), dtype=float)


def served(
    dc: np.ndarray,
    de: np.ndarray,
    w: np.ndarray,
    radius: float,
    cap: Sequence[float] | np.ndarray,
    ecap: Sequence[float],
    sites: Iterable[int],
) -> float:
    """Persons served within ``radius`` with capacities (the assignment LP)."""
    cols, caps = _open(dc, de, cap, ecap, sites)
    n_d, n_s = len(w), len(cols)
    pairs = [(i, s) for s in range(n_s) for i in range(n_d) if cols[s][i] <= radius]
    if not pairs:
        return 0.0
    a = np.zeros((n_d + n_s, len(pairs)))
    for k, (i, s) in enumerate(pairs):
        a[i, k] = 1
        a[n_d + s, k] = w[i]
    b = np.r_[np.ones(n_d), caps]
    finite = np.isfinite(b)
    c = -np.array([w[i] for i, _ in pairs])
    return float(-linprog(c, A_ub=a[finite], b_ub=b[finite], bounds=(0, 1)).fun)


def assigned(
    dc: np.ndarray,
    de: np.ndarray,
    w: np.ndarray,
    cap: Sequence[float] | np.ndarray,
    ecap: Sequence[float],
    sites: Iterable[int],
) -> float:
    """Weighted distance when everybody goes to an open centre within its places."""
    cols, caps = _open(dc, de, cap, ecap, sites)
    n_d, n_s = len(w), len(cols)
    if n_s == 0:
        return np.inf
    c = np.array([w[i] * cols[s][i] for s in range(n_s) for i in range(n_d)])
    a_eq = np.zeros((n_d, n_d * n_s))
    a_ub = np.zeros((n_s, n_d * n_s))
    for s in range(n_s):
        for i in range(n_d):
            a_eq[i, s * n_d + i] = 1
            a_ub[s, s * n_d + i] = w[i]
    finite = np.isfinite(caps)
    res = linprog(
        c,
        A_ub=a_ub[finite] if finite.any() else None,
        b_ub=caps[finite] if finite.any() else None,
        A_eq=a_eq,
        b_eq=np.ones(n_d),
        bounds=(0, 1),
    )
    return float(res.fun) if res.status == 0 else np.inf
