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

A demand point of no demand (a commune with 0 pwd) weighs nothing in any ``R_j`` but keeps
its score ``A_i = Σ_{j : d_ij ≤ d0} w(d_ij) R_j``: the places per person of the centres within
its reach, as for any point (PySAL ``access`` gives it the same), 0 with no centre in reach.
Every caller gives a commune that score, not a mean weighted by its pwd (0 / 0): ``walouja
access --by commune``, ``walouja equity`` (its communes), the Map explorer and the Coverage
and equity page (:func:`analysis.equity.commune_indicators`). Means over several points
(a province, a region, the indices of inequality) weight by demand, so such a point does not
change them.

Neighbour search is sparse (:func:`analysis.distance.pairs_within`): the cost of a run grows
with the number of demand–centre pairs within the catchment, not with demand × centres.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.distance import (
    FloatArray,
    Pairs,
    check_detour,
    check_lonlat,
    chord_to_km,
    iter_chord_pairs,
    km_to_chord,
    search_chord,
)
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
            f"the centre at position {row} has no capacity "
            f"({n_missing} of {arr.size} centres have none)",
            hint="choose how to fill them: --missing-capacity median, or a number such as 1",
        )
    if strategy == "median":
        known = arr[~missing]
        if known.size == 0:
            raise AnalysisError(
                "no centre has a capacity, so there is no median to fill with",
                hint="use --missing-capacity 1 to count every centre as one place",
                code="no_capacity",
                params={"n": int(arr.size)},
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
        Demand–centre pairs within the catchment with a positive weight.
    """

    score: FloatArray
    ratio: FloatArray
    demand_in_catchment: FloatArray
    centres_in_reach: npt.NDArray[np.int64]
    method: str
    catchment_km: float
    steps: Steps
    n_pairs: int


@dataclass(frozen=True)
class _Chunk:
    """Pairs of one chunk of demand points, compact: 9 bytes per pair."""

    start: int
    stop: int
    demand: npt.NDArray[np.int32]  # position within the chunk
    centre: npt.NDArray[np.int32]
    step: npt.NDArray[np.uint8]  # index into the step weights


def _step_index(chord: FloatArray, steps: Steps, detour_factor: float) -> npt.NDArray[np.uint8]:
    """Step of each pair from its chord: the first step whose bound (km) is ``≥`` its distance.

    Comparing chords avoids an arcsine per pair; pairs within a relative 1e-9 of a bound get
    their distance in km computed and compared exactly, so the result is the same as
    comparing kilometres (``len(steps)`` means beyond the last bound).
    """
    step = np.zeros(chord.size, dtype=np.uint8)
    near = np.zeros(chord.size, dtype=bool)
    for bound_km, _ in steps:
        bound = km_to_chord(bound_km / detour_factor)
        step += chord > bound
        near |= np.abs(chord - bound) <= 1e-9 * bound + 1e-15
    if near.any():
        bounds_km = np.array([b for b, _ in steps], dtype=np.float64)
        km = chord_to_km(chord[near]) * detour_factor
        step[near] = np.searchsorted(bounds_km, km, side="left").astype(np.uint8)
    return step


def _compact(
    start: int,
    stop: int,
    di: npt.NDArray[np.integer[Any]],
    cj: npt.NDArray[np.integer[Any]],
    step: npt.NDArray[np.uint8],
    steps: Steps,
) -> _Chunk:
    """Keep the pairs with a positive weight."""
    values = np.array([w for _, w in steps] + [0.0], dtype=np.float64)
    keep = values[step] > 0
    if keep.all():
        return _Chunk(start, stop, di.astype(np.int32), cj.astype(np.int32), step)
    return _Chunk(
        start=start,
        stop=stop,
        demand=di[keep].astype(np.int32),
        centre=cj[keep].astype(np.int32),
        step=step[keep],
    )


def _two_steps(
    chunks: list[_Chunk],
    p: FloatArray,
    s: FloatArray,
    *,
    steps: Steps,
    catchment_km: float,
    method: str,
) -> AccessResult:
    """Both FCA steps over compact chunks (demand-in-catchment, ratios, scores)."""
    n, m = p.size, s.size
    values = np.array([w for _, w in steps], dtype=np.float64)
    demand_in = np.zeros(m)
    for c in chunks:
        weighted = values[c.step] * p[c.start + c.demand]
        demand_in += np.bincount(c.centre, weights=weighted, minlength=m)
    ratio = np.zeros(m)
    served = demand_in > 0
    ratio[served] = s[served] / demand_in[served]
    score = np.zeros(n)
    in_reach = np.zeros(n, dtype=np.int64)
    size = 0
    for c in chunks:
        length = c.stop - c.start
        score[c.start : c.stop] += np.bincount(
            c.demand, weights=values[c.step] * ratio[c.centre], minlength=length
        )
        in_reach[c.start : c.stop] += np.bincount(c.demand, minlength=length)
        size += c.demand.size
    return AccessResult(
        score=score,
        ratio=ratio,
        demand_in_catchment=demand_in,
        centres_in_reach=in_reach,
        method=method,
        catchment_km=float(catchment_km),
        steps=steps,
        n_pairs=size,
    )


def _steps_for(
    method: str, catchment_km: float, steps: Steps | Mapping[float, float] | None
) -> Steps:
    if method not in METHODS:
        raise AnalysisError(
            f"unknown access method {method!r}", hint=f"choose one of {', '.join(METHODS)}"
        )
    if not np.isfinite(catchment_km) or catchment_km < 0:
        raise AnalysisError(f"catchment {catchment_km} is not a non-negative number")
    if method == "2sfca":
        return ((float(catchment_km), 1.0),)
    return cap_steps(
        e2sfca_steps(catchment_km) if steps is None else check_steps(steps), catchment_km
    )


def cap_steps(steps: Steps, catchment_km: float) -> Steps:
    """The steps as the catchment cuts them: no step reaches beyond ``catchment_km``.

    PySAL applies the catchment and the weight function together; a step straddling the
    catchment ends at it, and steps wholly beyond it are dropped.
    """
    out: list[tuple[float, float]] = []
    for bound, weight in steps:
        if bound < catchment_km:
            out.append((bound, weight))
        else:
            out.append((float(catchment_km), weight))
            break
    return tuple(out)


def fca_from_pairs(
    pairs: Pairs,
    demand: npt.ArrayLike,
    capacity: npt.ArrayLike,
    *,
    catchment_km: float,
    method: str = "2sfca",
    steps: Steps | Mapping[float, float] | None = None,
) -> AccessResult:
    """2SFCA / E2SFCA from precomputed demand–centre pairs (any cost: km, minutes...).

    Parameters
    ----------
    pairs
        Demand–centre pairs with their costs; pairs beyond ``catchment_km`` are ignored.
    demand
        ``P_i``, one non-negative value per demand point.
    capacity
        ``S_j``, one non-negative value per centre.
    method
        ``"2sfca"`` (weight 1 within the catchment) or ``"e2sfca"`` (step weights).
    steps
        E2SFCA steps; default :func:`e2sfca_steps` of ``catchment_km``. Ignored by 2SFCA.
    """
    use_steps = _steps_for(method, catchment_km, steps)
    p = _check_non_negative(demand, what="demand", size=pairs.n_demand)
    s = _check_non_negative(capacity, what="capacity", size=pairs.n_centres)
    inside = pairs.km <= catchment_km
    bounds_km = np.array([b for b, _ in use_steps], dtype=np.float64)
    step = np.searchsorted(bounds_km, pairs.km[inside], side="left").astype(np.uint8)
    chunk = _compact(0, pairs.n_demand, pairs.demand[inside], pairs.centre[inside], step, use_steps)
    return _two_steps([chunk], p, s, steps=use_steps, catchment_km=catchment_km, method=method)


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
    chunk_size: int = 4096,
) -> AccessResult:
    """2SFCA or E2SFCA from points given as lon/lat (great-circle km × detour factor).

    Pairs are found chunk by chunk of demand points and kept compact (9 bytes each), so a
    million demand points fit in memory.

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
    chunk_size
        Demand points per neighbour-search chunk. Small chunks keep each search's output
        under the allocator's reuse threshold, which avoids page-fault storms (a 1M-point
        run is about 4× faster with 4,096 than with 100,000).
    """
    use_steps = _steps_for(method, catchment_km, steps)
    n = np.atleast_1d(np.asarray(demand_lon)).size
    m = np.atleast_1d(np.asarray(centre_lon)).size
    if m == 0:
        raise AnalysisError("there are no centres to compute access to")
    p = _check_non_negative(demand, what="demand", size=n)
    s = _check_non_negative(capacity, what="capacity", size=m)
    factor = check_detour(detour_factor)
    dlon, dlat = check_lonlat(demand_lon, demand_lat, what="demand point")
    clon, clat = check_lonlat(centre_lon, centre_lat, what="centre")
    radius = search_chord(use_steps[-1][0], factor)  # steps end at or before the catchment
    chunks = []
    for start, stop, di, cj, chord in iter_chord_pairs(
        dlon, dlat, clon, clat, radius, chunk_size=chunk_size
    ):
        chunks.append(
            _compact(start, stop, di, cj, _step_index(chord, use_steps, factor), use_steps)
        )
    return _two_steps(chunks, p, s, steps=use_steps, catchment_km=catchment_km, method=method)
