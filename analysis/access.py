"""Capacity-aware accessibility: two-step floating catchment area (2SFCA) and its enhanced form.

With demand ``P_i`` at demand points, capacity ``S_j`` at centres, distances ``d_ij`` and a
catchment ``d0``:

* step 1, each centre's supply-to-demand ratio
  ``R_j = S_j / Σ_{i : d_ij ≤ d0} w(d_ij) P_i``;
* step 2, each demand point's access ``A_i = Σ_{j : d_ij ≤ d0} w(d_ij) R_j``.

2SFCA (Luo & Wang 2003) uses ``w = 1``. E2SFCA (Luo & Qi 2009) splits the catchment into
zones with step weights; by default three zones of equal width weighted 1, 0.68 and 0.22 (the
Gaussian-derived weights of Luo & Qi, as in PySAL ``access``'s default), so a 60 km catchment
has steps at 20, 40 and 60 km. A step weight applies to distances ``≤`` its upper bound;
beyond the last bound the weight is 0.

The conventions are PySAL ``access``'s (``Access.two_stage_fca`` and
``enhanced_two_stage_fca``): ``≤`` at the catchment, the weight applied in both steps, no
normalisation. Two documented differences: a demand point with no centre within reach gets
``A_i = 0`` (PySAL leaves it missing), and a centre whose catchment holds no demand gets
``R_j = 0`` (PySAL gives ``inf`` or ``nan``). ``A_i`` is in capacity units (places) per person
of demand; its demand-weighted mean over all points equals total reachable capacity over total
demand.

Neighbour search is sparse (:func:`analysis.distance.pairs_within`): the cost of a run grows
with the number of demand–centre pairs within the catchment, not with demand × centres.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analysis.distance import FloatArray, Pairs, pairs_within
from walouja.errors import AnalysisError

E2SFCA_WEIGHTS: tuple[float, float, float] = (1.0, 0.68, 0.22)
"""Step weights of the E2SFCA zones (Luo & Qi 2009), nearest zone first."""

METHODS = ("2sfca", "e2sfca")

Steps = tuple[tuple[float, float], ...]


def e2sfca_steps(catchment_km: float, weights: Sequence[float] = E2SFCA_WEIGHTS) -> Steps:
    """Equal-width zones over the catchment with the given weights, as ``(upper_km, weight)``.

    >>> e2sfca_steps(60)
    ((20.0, 1.0), (40.0, 0.68), (60.0, 0.22))
    """
    k = len(weights)
    if k == 0:
        raise AnalysisError("E2SFCA needs at least one step weight")
    return tuple((float(catchment_km) * (i + 1) / k, float(w)) for i, w in enumerate(weights))


def check_steps(steps: Mapping[float, float] | Sequence[tuple[float, float]]) -> Steps:
    """Sorted ``(upper_km, weight)`` steps, or an ``AnalysisError`` if a bound or weight is bad."""
    items = list(steps.items()) if isinstance(steps, Mapping) else list(steps)
    if not items:
        raise AnalysisError("step weights: at least one (distance, weight) step is needed")
    out: list[tuple[float, float]] = []
    for upper, weight in items:
        u, w = float(upper), float(weight)
        if not (np.isfinite(u) and u >= 0):
            raise AnalysisError(f"step weights: bound {upper} is not a non-negative number")
        if not (np.isfinite(w) and w >= 0):
            raise AnalysisError(f"step weights: weight {weight} at {upper} is not >= 0")
        out.append((u, w))
    out.sort()
    return tuple(out)


def step_weight(km: npt.ArrayLike, steps: Steps) -> FloatArray:
    """Weight of each distance: the weight of the first step whose bound is ``≥`` it, else 0."""
    bounds = np.array([b for b, _ in steps], dtype=np.float64)
    values = np.array([w for _, w in steps] + [0.0], dtype=np.float64)
    return values[np.searchsorted(bounds, np.asarray(km, dtype=np.float64), side="left")]


def _check_non_negative(values: npt.ArrayLike, *, what: str, size: int) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size != size:
        raise AnalysisError(f"{what}: {arr.size} values for {size} points")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise AnalysisError(
            f"{what} {row}: value {arr[row]} is not a non-negative number",
            hint="fill missing capacities first (see fill_capacity)"
            if what == "capacity"
            else None,
        )
    return arr


def fill_capacity(
    capacity: npt.ArrayLike, *, strategy: str | float = "error"
) -> tuple[FloatArray, int]:
    """Replace missing capacities; return the filled array and how many were filled.

    Parameters
    ----------
    strategy
        ``"error"`` (refuse missing values), ``"median"`` (median of the known capacities) or a
        number to use for every missing one (1 counts each centre once).
    """
    arr = np.asarray(capacity, dtype=np.float64).ravel().copy()
    missing = np.isnan(arr)
    n_missing = int(missing.sum())
    if n_missing == 0:
        return arr, 0
    if strategy == "error":
        row = int(np.flatnonzero(missing)[0])
        raise AnalysisError(
            f"centre {row} has no capacity ({n_missing} centres in all)",
            hint="choose how to fill them: --missing-capacity median, or a number such as 1",
        )
    if strategy == "median":
        known = arr[~missing]
        if known.size == 0:
            raise AnalysisError(
                "no centre has a capacity, so there is no median to fill with",
                hint="use --missing-capacity 1 to count every centre as one place",
            )
        value = float(np.median(known))
    else:
        try:
            value = float(strategy)
        except ValueError:
            raise AnalysisError(
                f"missing-capacity strategy {strategy!r} is not 'error', 'median' or a number"
            ) from None
        if not np.isfinite(value) or value < 0:
            raise AnalysisError(f"missing-capacity value {strategy} is not a non-negative number")
    arr[missing] = value
    return arr, n_missing


@dataclass(frozen=True)
class AccessResult:
    """Result of a floating-catchment run.

    Attributes
    ----------
    score
        ``A_i`` per demand point: places per person of demand within reach (0 if none).
    ratio
        ``R_j`` per centre: capacity over the weighted demand in its catchment (0 if none).
    demand_in_catchment
        Weighted demand ``Σ w(d_ij) P_i`` in each centre's catchment.
    centres_in_reach
        Number of centres with positive weight within reach of each demand point.
    method
        ``"2sfca"`` or ``"e2sfca"``.
    catchment_km
        The catchment distance.
    steps
        The ``(upper_km, weight)`` steps (one step of weight 1 for 2SFCA).
    n_pairs
        Demand–centre pairs within the catchment.
    """

    score: FloatArray
    ratio: FloatArray
    demand_in_catchment: FloatArray
    centres_in_reach: npt.NDArray[np.int64]
    method: str
    catchment_km: float
    steps: Steps
    n_pairs: int


def fca_from_pairs(
    pairs: Pairs,
    demand: npt.ArrayLike,
    capacity: npt.ArrayLike,
    *,
    catchment_km: float,
    steps: Steps | None = None,
    method: str = "2sfca",
) -> AccessResult:
    """2SFCA / E2SFCA from precomputed demand–centre pairs (the core; see module docstring).

    Parameters
    ----------
    pairs
        Demand–centre pairs with their distances; pairs beyond ``catchment_km`` are ignored.
    demand
        ``P_i``, one non-negative value per demand point.
    capacity
        ``S_j``, one non-negative value per centre.
    steps
        Step weights; ``None`` means weight 1 within the catchment (plain 2SFCA).
    """
    p = _check_non_negative(demand, what="demand", size=pairs.n_demand)
    s = _check_non_negative(capacity, what="capacity", size=pairs.n_centres)
    if not np.isfinite(catchment_km) or catchment_km < 0:
        raise AnalysisError(f"catchment {catchment_km} is not a non-negative number")
    use_steps = ((float(catchment_km), 1.0),) if steps is None else check_steps(steps)
    inside = pairs.km <= catchment_km
    di, cj = pairs.demand[inside], pairs.centre[inside]
    w = step_weight(pairs.km[inside], use_steps)
    demand_in: FloatArray = np.asarray(
        np.bincount(cj, weights=w * p[di], minlength=pairs.n_centres), dtype=np.float64
    )
    ratio = np.zeros(pairs.n_centres)
    served = demand_in > 0
    ratio[served] = s[served] / demand_in[served]
    score: FloatArray = np.asarray(
        np.bincount(di, weights=w * ratio[cj], minlength=pairs.n_demand), dtype=np.float64
    )
    in_reach = np.bincount(di[w > 0], minlength=pairs.n_demand).astype(np.int64)
    return AccessResult(
        score=score,
        ratio=ratio,
        demand_in_catchment=demand_in,
        centres_in_reach=in_reach,
        method=method,
        catchment_km=float(catchment_km),
        steps=use_steps,
        n_pairs=int(inside.sum()),
    )


def floating_catchment(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    demand: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    capacity: npt.ArrayLike,
    *,
    method: str = "2sfca",
    catchment_km: float = 60.0,
    steps: Steps | Mapping[float, float] | None = None,
    detour_factor: float = 1.0,
) -> AccessResult:
    """2SFCA or E2SFCA from points given as lon/lat (great-circle km × detour factor).

    Parameters
    ----------
    method
        ``"2sfca"`` (weight 1 within the catchment) or ``"e2sfca"`` (step weights).
    catchment_km
        Catchment distance ``d0`` in (detoured) km.
    steps
        E2SFCA steps; default :func:`e2sfca_steps` of ``catchment_km``. Ignored by 2SFCA.
    detour_factor
        Multiplies straight-line distances (>= 1).
    """
    if method not in METHODS:
        raise AnalysisError(
            f"unknown access method {method!r}", hint=f"choose one of {', '.join(METHODS)}"
        )
    if len(np.atleast_1d(np.asarray(centre_lon))) == 0:
        raise AnalysisError("there are no centres to compute access to")
    pairs = pairs_within(
        demand_lon, demand_lat, centre_lon, centre_lat, catchment_km, detour_factor=detour_factor
    )
    use_steps: Steps | None = None
    if method == "e2sfca":
        use_steps = e2sfca_steps(catchment_km) if steps is None else check_steps(steps)
    return fca_from_pairs(
        pairs, demand, capacity, catchment_km=catchment_km, steps=use_steps, method=method
    )
