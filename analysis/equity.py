"""Territorial equity: weighted inequality indices of per-commune indicators, and rankings.

Every index here treats an indicator value ``x_i`` of commune ``i`` as shared by the ``w_i``
persons with disabilities (pwd) who live there: the distribution studied is the one over
*persons*, not over communes. Duplicating a commune is therefore the same as doubling its
weight, and with equal weights every index equals its classic unweighted form (PySAL
``inequality``'s ``Gini``, ``Theil`` and ``TheilD``, which the tests compare against).

Direction
---------
The inequality indices (Gini, Theil, Palma, coefficient of variation, max/min) measure how
*unequal* the indicator is, whatever the indicator: 0 (1 for ratios) is perfect equality and
larger is more unequal, so for every indicator **lower inequality is better**. Whether a *high
value* of the indicator itself is good depends on it (see :data:`INDICATORS`): for distances
lower is better and the indices measure the inequality of the *burden* of travel; for coverage,
access and places per 10,000 pwd higher is better and the indices measure the inequality of the
*service* received.

Formulas (``W = Σ w_i``, ``μ = Σ w_i x_i / W``, ``Y = Σ w_i x_i``)
-----------------------------------------------------------------
- Gini ``G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ)`` (population form, no ``n−1``
  correction): 0 when everyone has the same value, ``1 − w_k / W`` when commune ``k`` holds
  everything ( ``(n−1)/n`` for ``n`` equal weights).
- Theil ``T = Σ_i (w_i / W) (x_i / μ) ln(x_i / μ)`` with ``0 ln 0 = 0``: 0 at equality,
  ``ln(W / w_k)`` when commune ``k`` holds everything (``ln n`` for equal weights).
  With groups ``g`` (regions) of total ``Y_g`` and mean ``μ_g``,
  ``T = Σ_g (Y_g/Y) ln(μ_g/μ)`` (between) ``+ Σ_g (Y_g/Y) T_g`` (within); with sub-groups
  ``k`` nested in the groups (provinces in regions) the within part splits again into
  ``Σ_g Σ_{k∈g} (Y_k/Y) ln(μ_k/μ_g)`` (between provinces inside regions)
  ``+ Σ_k (Y_k/Y) T_k`` (within provinces). The parts add up to ``T``.
- Palma ratio: the share of the total held by the 10 % of persons with the highest values over
  the share held by the 40 % with the lowest, read on the Lorenz curve (linear within a commune,
  whose persons share one value): ``(1 − L(0.9)) / L(0.4)``; 1 for ten equal-weight communes
  valued 1..10; infinite when the bottom 40 % hold nothing.
- Coefficient of variation: weighted standard deviation (``ddof = 0``) over ``μ``.
- Max/min ratio: largest over smallest value among communes with a positive weight
  (infinite when the smallest is 0).
- Urban/rural gap: the mean value over urban pwd and over rural pwd (each commune's pwd split
  as HCP gives it), their difference ``rural − urban`` and ratio ``rural / urban``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import xlogy

from walouja.errors import AnalysisError, NotFoundError

FloatArray = npt.NDArray[np.float64]
Level = Literal["region", "province"]
LEVELS: tuple[str, ...] = ("region", "province")


@dataclass(frozen=True)
class Indicator:
    """A per-commune indicator whose territorial spread is measured.

    Attributes
    ----------
    name
        The column name and CLI value (``nearest_km``...).
    unit
        Unit of the values.
    higher_is_better
        Whether a higher value means a better-served commune.
    description
        One sentence saying what the value is.
    uses_capacity
        Whether the value depends on the centres' places (a missing capacity matters).
    """

    name: str
    label: str
    unit: str
    higher_is_better: bool
    description: str
    uses_capacity: bool = False


INDICATORS: dict[str, Indicator] = {
    ind.name: ind
    for ind in (
        Indicator(
            "nearest_km",
            "Distance to the nearest centre",
            "km",
            False,
            "great-circle km from the commune's demand point to the nearest operating centre "
            "of the type (lower is better; the indices measure the inequality of the burden "
            "of travel)",
        ),
        Indicator(
            "coverage_share",
            "Share of pwd within the threshold",
            "share 0-1",
            True,
            "share of the commune's pwd whose nearest centre is within the threshold "
            "(higher is better)",
        ),
        Indicator(
            "access",
            "2SFCA access (places per pwd within reach)",
            "places per pwd",
            True,
            "two-step floating catchment area score: places of the centres within the "
            "catchment, shared among the pwd within their catchment (higher is better)",
            uses_capacity=True,
        ),
        Indicator(
            "places_per_10k",
            "Places per 10,000 pwd",
            "places per 10,000 pwd",
            True,
            "places (capacity) of the operating centres located in the commune per 10,000 "
            "pwd living there; aggregated, the places of the unit per 10,000 of its pwd "
            "(higher is better)",
            uses_capacity=True,
        ),
    )
}


def get_indicator(name: str) -> Indicator:
    """The indicator called ``name``; a clear ``NotFoundError`` naming the known ones."""
    try:
        return INDICATORS[name]
    except KeyError:
        known = ", ".join(INDICATORS)
        raise NotFoundError(f"unknown indicator {name!r}", hint=f"use one of: {known}") from None


def check_level(by: str) -> Level:
    """``by`` as a level of aggregation, or a clear ``NotFoundError``."""
    if by not in LEVELS:
        raise NotFoundError(f"unknown level {by!r}", hint=f"use one of: {', '.join(LEVELS)}")
    return by  # type: ignore[return-value]


# --------------------------------------------------------------------------- checks


def _prepare(
    values: npt.ArrayLike, weights: npt.ArrayLike | None, *, allow_zero_mean: bool = False
) -> tuple[FloatArray, FloatArray]:
    """Validated float arrays with the zero-weight entries dropped."""
    x = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if x.shape != w.shape:
        raise AnalysisError(f"{x.size} values but {w.size} weights: they must pair up")
    if x.size == 0:
        raise AnalysisError("no values: an inequality index needs at least one commune")
    for arr, what in ((x, "value"), (w, "weight")):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise AnalysisError(f"{what} at position {bad[0]} is {arr[bad[0]]}: not a number")
        neg = np.flatnonzero(arr < 0)
        if neg.size:
            raise AnalysisError(
                f"{what} at position {neg[0]} is negative ({arr[neg[0]]}): "
                "inequality indices need values and weights >= 0"
            )
    keep = w > 0
    x, w = x[keep], w[keep]
    if x.size == 0:
        raise AnalysisError("every weight is 0: there is nobody to compare")
    if not allow_zero_mean and not np.any(x > 0):
        raise AnalysisError("every value is 0: inequality indices are undefined when the mean is 0")
    return x, w


# --------------------------------------------------------------------------- indices


def weighted_mean(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """The mean value per person: ``Σ w x / Σ w``."""
    x, w = _prepare(values, weights, allow_zero_mean=True)
    return float(np.dot(w, x) / w.sum())


def weighted_gini(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Gini coefficient of the values over persons (0 = equal, towards 1 = concentrated).

    ``G = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ)``, computed in ``O(n log n)`` as
    ``Σ_i w_i x_i (2 B_i + w_i − W) / (W Y)`` with ``B_i`` the weight sorted before ``i``.
    """
    x, w = _prepare(values, weights)
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    total_w = ws.sum()
    before = np.cumsum(ws) - ws
    wx = ws * xs
    return float(np.dot(wx, 2.0 * before + ws - total_w) / (total_w * wx.sum()))


@dataclass(frozen=True)
class LorenzCurve:
    """Points of the Lorenz curve: cumulative share of persons vs share of the total.

    Persons are sorted by increasing value, so for distances the curve's top-right end holds
    the persons who live farthest away. Both arrays start at 0 and end at 1.
    """

    population_share: FloatArray
    value_share: FloatArray

    def as_dict(self) -> dict[str, list[float]]:
        """Plain lists for JSON."""
        return {
            "population_share": [round(float(v), 10) for v in self.population_share],
            "value_share": [round(float(v), 10) for v in self.value_share],
        }


def _lorenz_vertices(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    order = np.argsort(x, kind="stable")
    ws, wx = w[order], w[order] * x[order]
    pop = np.concatenate(([0.0], np.cumsum(ws) / ws.sum()))
    val = np.concatenate(([0.0], np.cumsum(wx) / wx.sum()))
    pop[-1] = val[-1] = 1.0
    return pop, val


def lorenz_curve(
    values: npt.ArrayLike, weights: npt.ArrayLike | None = None, *, points: int | None = 101
) -> LorenzCurve:
    """The Lorenz curve of the values over persons.

    Parameters
    ----------
    points
        Number of evenly spaced population shares (0, ..., 1) to read the curve at; it is
        linear between communes, so the reading is exact. ``None`` gives one vertex per
        commune (plus the origin).
    """
    x, w = _prepare(values, weights)
    pop, val = _lorenz_vertices(x, w)
    if points is None:
        return LorenzCurve(pop, val)
    if points < 2:
        raise AnalysisError(f"a Lorenz curve needs at least 2 points, not {points}")
    grid = np.linspace(0.0, 1.0, points)
    return LorenzCurve(grid, np.interp(grid, pop, val))


def weighted_theil(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Theil T of the values over persons (0 = equal; ``ln(W / w_k)`` at most).

    ``T = Σ_i (w_i / W) (x_i / μ) ln(x_i / μ)`` with ``0 ln 0 = 0``.
    """
    x, w = _prepare(values, weights)
    share = w * x / np.dot(w, x)
    ratio = x / (np.dot(w, x) / w.sum())
    return float(np.sum(xlogy(share, ratio)))


@dataclass(frozen=True)
class TheilDecomposition:
    """Theil T split into additive parts.

    Attributes
    ----------
    total
        Theil T over all persons.
    between
        Between the groups (regions): the inequality left if everyone had their group's mean.
    within
        Inside the groups: ``within_between_sub + within_sub`` when sub-groups are given.
    within_between_sub
        Between the sub-groups (provinces) inside each group, or ``None``.
    within_sub
        Inside the sub-groups, or ``None``.
    groups
        One row per group: ``code, pwd, mean, value_share, theil, between_term,
        within_term`` (``between_term`` and ``within_term`` sum to ``between`` and
        ``within``).
    """

    total: float
    between: float
    within: float
    within_between_sub: float | None = None
    within_sub: float | None = None
    groups: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON (without the per-group table)."""
        out: dict[str, Any] = {
            "total": self.total,
            "between": self.between,
            "within": self.within,
            "between_share": self.between / self.total if self.total > 0 else None,
        }
        if self.within_sub is not None:
            out["within_between_sub"] = self.within_between_sub
            out["within_sub"] = self.within_sub
        return out


def _group_means(
    x: FloatArray, w: FloatArray, labels: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp], FloatArray, FloatArray]:
    keys, inverse = np.unique(labels, return_inverse=True)
    wg = np.bincount(inverse, weights=w, minlength=keys.size).astype(np.float64)
    yg = np.bincount(inverse, weights=w * x, minlength=keys.size).astype(np.float64)
    return keys, inverse, wg, yg


def _log_ratio_terms(share: FloatArray, num: FloatArray, den: FloatArray) -> FloatArray:
    """``share * ln(num / den)`` elementwise with the ``0 ln(...) = 0`` convention."""
    safe = share > 0
    ratio = np.ones_like(share)
    ratio[safe] = num[safe] / den[safe]
    return np.asarray(xlogy(share, ratio), dtype=np.float64)


def theil_decomposition(
    values: npt.ArrayLike,
    weights: npt.ArrayLike | None,
    groups: Sequence[Any] | npt.ArrayLike,
    subgroups: Sequence[Any] | npt.ArrayLike | None = None,
) -> TheilDecomposition:
    """Theil T of the values over persons, split between and within groups.

    Parameters
    ----------
    groups
        The group (region) of each commune.
    subgroups
        Optional sub-group (province) of each commune, each nested in one group; the
        within-group part is then split into between-sub-group and within-sub-group parts.
    """
    x_all = np.asarray(values, dtype=np.float64).ravel()
    w_all = np.ones_like(x_all) if weights is None else np.asarray(weights, dtype=np.float64)
    g_all = np.asarray(groups, dtype=object).ravel()
    if g_all.shape != x_all.shape:
        raise AnalysisError(f"{x_all.size} values but {g_all.size} group labels")
    s_all = None if subgroups is None else np.asarray(subgroups, dtype=object).ravel()
    if s_all is not None and s_all.shape != x_all.shape:
        raise AnalysisError(f"{x_all.size} values but {s_all.size} sub-group labels")
    x, w = _prepare(x_all, w_all)
    keep = np.asarray(w_all, dtype=np.float64).ravel() > 0
    g = g_all[keep].astype(str)
    wx = w * x
    y = wx.sum()
    mu = y / w.sum()
    share_i = wx / y
    total = float(np.sum(_log_ratio_terms(share_i, x, np.full_like(x, mu))))

    keys, inv, wg, yg = _group_means(x, w, g)
    mu_g = np.divide(yg, wg, out=np.zeros_like(yg), where=wg > 0)
    share_g = yg / y
    between_terms = _log_ratio_terms(share_g, mu_g, np.full_like(mu_g, mu))
    within_i = _log_ratio_terms(share_i, x, mu_g[inv])
    within_terms = np.bincount(inv, weights=within_i, minlength=keys.size)
    theil_g = np.divide(within_terms, share_g, out=np.zeros_like(share_g), where=share_g > 0)
    table = pd.DataFrame(
        {
            "code": keys,
            "pwd": wg,
            "mean": mu_g,
            "value_share": share_g,
            "theil": theil_g,
            "between_term": between_terms,
            "within_term": within_terms,
        }
    )
    between = float(between_terms.sum())
    within = float(within_terms.sum())
    if s_all is None:
        return TheilDecomposition(total, between, within, groups=table)

    s = s_all[keep].astype(str)
    pairs = pd.DataFrame({"g": g, "s": s}).drop_duplicates()
    clash = pairs["s"].duplicated(keep=False)
    if clash.any():
        bad = pairs.loc[clash, "s"].iloc[0]
        raise AnalysisError(
            f"sub-group {bad!r} lies in more than one group: sub-groups must be nested"
        )
    _, inv_s, ws, ys = _group_means(x, w, s)
    mu_s = ys / ws
    _, first = np.unique(inv_s, return_index=True)  # one commune of each sub-group
    mu_parent = mu_g[inv[first]]
    between_sub = float(np.sum(_log_ratio_terms(ys / y, mu_s, mu_parent)))
    within_sub = float(np.sum(_log_ratio_terms(share_i, x, mu_s[inv_s])))
    return TheilDecomposition(
        total,
        between,
        within,
        within_between_sub=between_sub,
        within_sub=within_sub,
        groups=table,
    )


def palma_ratio(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Share held by the top 10 % of persons over the share held by the bottom 40 %.

    ``(1 − L(0.9)) / L(0.4)`` on the Lorenz curve; ``inf`` when the bottom 40 % hold nothing.
    """
    x, w = _prepare(values, weights)
    pop, val = _lorenz_vertices(x, w)
    bottom = float(np.interp(0.4, pop, val))
    top = 1.0 - float(np.interp(0.9, pop, val))
    return math.inf if bottom <= 0 else top / bottom


def weighted_cv(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Coefficient of variation over persons: weighted standard deviation / mean."""
    x, w = _prepare(values, weights)
    mu = np.dot(w, x) / w.sum()
    var = np.dot(w, (x - mu) ** 2) / w.sum()
    return float(math.sqrt(var) / mu)


def max_min_ratio(values: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Largest over smallest value among communes with a positive weight (``inf`` if min 0)."""
    x, _ = _prepare(values, weights)
    lo, hi = float(x.min()), float(x.max())
    return math.inf if lo <= 0 else hi / lo


@dataclass(frozen=True)
class UrbanRuralGap:
    """The indicator's mean over urban pwd and over rural pwd.

    ``difference = rural_mean − urban_mean`` and ``ratio = rural_mean / urban_mean``;
    ``disadvantaged`` names the group that is worse off given the indicator's direction
    (``"none"`` when equal, ``None`` when one group is empty).
    """

    urban_mean: float | None
    rural_mean: float | None
    difference: float | None
    ratio: float | None
    pwd_urban: float
    pwd_rural: float
    disadvantaged: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON."""
        return {k: _finite(v) for k, v in self.__dict__.items()}


def urban_rural_gap(
    values: npt.ArrayLike,
    pwd_urban: npt.ArrayLike,
    pwd_rural: npt.ArrayLike,
    *,
    higher_is_better: bool,
) -> UrbanRuralGap:
    """Compare the indicator for urban and rural persons with disabilities.

    Each commune's value applies to all its pwd; its urban and rural pwd (HCP's split) weigh
    it in the urban and the rural mean.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    u = np.asarray(pwd_urban, dtype=np.float64).ravel()
    r = np.asarray(pwd_rural, dtype=np.float64).ravel()
    if not (x.shape == u.shape == r.shape):
        raise AnalysisError("values, urban pwd and rural pwd must have the same length")
    u = np.nan_to_num(u, nan=0.0)
    r = np.nan_to_num(r, nan=0.0)
    _prepare(x, u + r, allow_zero_mean=True)
    if np.any(u < 0) or np.any(r < 0):
        raise AnalysisError("urban and rural pwd must be >= 0")
    total_u, total_r = float(u.sum()), float(r.sum())
    urban = float(np.dot(u, x) / total_u) if total_u > 0 else None
    rural = float(np.dot(r, x) / total_r) if total_r > 0 else None
    if urban is None or rural is None:
        return UrbanRuralGap(urban, rural, None, None, total_u, total_r, None)
    diff = rural - urban
    ratio = rural / urban if urban > 0 else math.inf
    if math.isclose(rural, urban, rel_tol=1e-12, abs_tol=1e-12):
        worse = "none"
    elif (rural > urban) == higher_is_better:
        worse = "urban"
    else:
        worse = "rural"
    return UrbanRuralGap(urban, rural, diff, ratio, total_u, total_r, worse)


@dataclass(frozen=True)
class EquityIndices:
    """Every inequality index of one indicator over persons (see the module docstring).

    ``n`` counts the communes with a positive weight (a commune without pwd weighs nothing).
    """

    n: int
    pwd: float
    mean: float
    minimum: float
    maximum: float
    gini: float
    theil: TheilDecomposition
    palma: float
    cv: float
    max_min: float

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON (infinite ratios become ``None``)."""
        return {
            "n": self.n,
            "pwd": self.pwd,
            "mean": self.mean,
            "min": self.minimum,
            "max": self.maximum,
            "gini": self.gini,
            "theil": self.theil.as_dict(),
            "palma": _finite(self.palma),
            "cv": self.cv,
            "max_min": _finite(self.max_min),
        }


def equity_indices(
    values: npt.ArrayLike,
    weights: npt.ArrayLike | None,
    *,
    groups: Sequence[Any] | npt.ArrayLike,
    subgroups: Sequence[Any] | npt.ArrayLike | None = None,
) -> EquityIndices:
    """All indices at once: Gini, Theil (decomposed by ``groups``/``subgroups``), Palma, CV."""
    x, w = _prepare(values, weights)
    return EquityIndices(
        n=int(x.size),
        pwd=float(w.sum()),
        mean=float(np.dot(w, x) / w.sum()),
        minimum=float(x.min()),
        maximum=float(x.max()),
        gini=weighted_gini(x, w),
        theil=theil_decomposition(values, weights, groups, subgroups),
        palma=palma_ratio(x, w),
        cv=weighted_cv(x, w),
        max_min=max_min_ratio(x, w),
    )


def _finite(value: Any) -> Any:
    """``None`` for infinite or NaN floats (JSON has no infinity), else the value."""
    if isinstance(value, float | np.floating) and not math.isfinite(float(value)):
        return None
    if isinstance(value, np.floating):
        return float(value)
    return value


# --------------------------------------------------------------------------- per commune


def places_by_commune(
    commune_codes: Sequence[str] | pd.Series, centres: pd.DataFrame
) -> tuple[FloatArray, FloatArray, int]:
    """Places and centres located in each commune.

    Parameters
    ----------
    commune_codes
        The communes, in the order wanted.
    centres
        One row per centre, with ``commune_code`` and ``capacity`` (places; missing counts 0).

    Returns
    -------
    places, centres, missing
        Places and number of centres per commune, and how many centres have no capacity.
    """
    codes = pd.Index(pd.Series(commune_codes, dtype=object).astype(str))
    if centres.empty:
        zeros = np.zeros(len(codes))
        return zeros, zeros.copy(), 0
    cap = pd.to_numeric(centres["capacity"], errors="coerce")
    missing = int(cap.isna().sum())
    frame = pd.DataFrame(
        {"code": centres["commune_code"].astype(object), "places": cap.fillna(0.0), "n": 1.0}
    )
    sums = frame.dropna(subset=["code"]).groupby("code")[["places", "n"]].sum()
    sums.index = sums.index.astype(str)
    sums = sums.reindex(codes, fill_value=0.0)
    return (
        sums["places"].to_numpy(dtype=np.float64),
        sums["n"].to_numpy(dtype=np.float64),
        missing,
    )


def per_10k(count: npt.ArrayLike, pwd: npt.ArrayLike) -> FloatArray:
    """``count`` per 10,000 pwd (0 where there are no pwd)."""
    c = np.asarray(count, dtype=np.float64)
    p = np.asarray(pwd, dtype=np.float64)
    return np.divide(c * 1e4, p, out=np.zeros_like(c), where=p > 0)


def unmet_need(
    nearest_km: npt.ArrayLike, pwd: npt.ArrayLike, *, threshold_km: float
) -> tuple[FloatArray, FloatArray]:
    """Persons beyond the threshold and their distance-weighted unmet need.

    Returns
    -------
    pwd_beyond, person_km_beyond
        Per commune, its pwd when its nearest centre is farther than ``threshold_km``
        (else 0), and ``pwd × (nearest_km − threshold_km)`` (else 0): person-kilometres
        beyond the threshold, so far-away communes weigh more than ones just outside it.
    """
    if not math.isfinite(threshold_km) or threshold_km < 0:
        raise AnalysisError(f"threshold {threshold_km} km is not a non-negative number")
    d = np.asarray(nearest_km, dtype=np.float64)
    p = np.asarray(pwd, dtype=np.float64)
    beyond = d > threshold_km
    excess = np.where(beyond, d - threshold_km, 0.0)
    return np.where(beyond, p, 0.0), p * excess


@dataclass(frozen=True)
class CommuneIndicators:
    """Every indicator of :data:`INDICATORS` for each commune, from one set of centres.

    Attributes
    ----------
    communes
        The demand table plus ``nearest_km``, ``coverage_share``, ``access``, ``centres``,
        ``places`` and ``places_per_10k``.
    capacity_filled
        Centres whose unknown capacity was filled by the ``missing_capacity`` strategy.
    """

    communes: pd.DataFrame
    capacity_filled: int


def commune_indicators(
    demand: pd.DataFrame,
    centres: pd.DataFrame,
    *,
    threshold_km: float = 30.0,
    catchment_km: float = 60.0,
    method: str = "2sfca",
    detour_factor: float = 1.0,
    missing_capacity: str | float = "error",
) -> CommuneIndicators:
    """Compute the per-commune indicators with the coverage and access functions.

    Parameters
    ----------
    demand
        One row per commune (``geo.inputs.load_demand``): ``code, pwd, lon, lat`` and the
        codes and urban/rural pwd the report needs.
    centres
        The centres to measure against (``geo.inputs.load_centres``): ``lon, lat,
        capacity, commune_code``.
    threshold_km
        Coverage threshold: a commune is covered (share 1) when its nearest centre is at
        most this far.
    catchment_km, method
        Catchment and method (``2sfca`` or ``e2sfca``) of the access score.
    detour_factor
        Multiplies straight-line km to estimate road km (>= 1), for every distance.
    missing_capacity
        How unknown capacities are filled for access and places: ``"error"``, ``"median"``
        or a number (see :func:`analysis.access.fill_capacity`).
    """
    from analysis.access import fill_capacity, floating_catchment
    from analysis.coverage import coverage
    from analysis.distance import nearest

    if centres.empty:
        raise AnalysisError("there are no centres to measure against")
    found = nearest(
        demand["lon"], demand["lat"], centres["lon"], centres["lat"], detour_factor=detour_factor
    )
    cov = coverage(demand, found.km, thresholds=[threshold_km])
    capacity, filled = fill_capacity(centres["capacity"], strategy=missing_capacity)
    acc = floating_catchment(
        demand["lon"],
        demand["lat"],
        demand["pwd"],
        centres["lon"],
        centres["lat"],
        capacity,
        method=method,
        catchment_km=catchment_km,
        detour_factor=detour_factor,
    )
    places, count, _ = places_by_commune(demand["code"], centres.assign(capacity=capacity))
    frame = demand.reset_index(drop=True).copy()
    frame["nearest_km"] = found.km
    frame["coverage_share"] = cov.units["covered_0"].to_numpy(dtype=np.float64)
    frame["access"] = acc.score
    frame["centres"] = count
    frame["places"] = places
    frame["places_per_10k"] = per_10k(places, frame["pwd"])
    return CommuneIndicators(communes=frame, capacity_filled=filled)


# --------------------------------------------------------------------------- the report

COMMUNE_COLUMNS = ("code", "province_code", "region_code", "pwd", "pwd_urban", "pwd_rural")


@dataclass(frozen=True)
class EquityReport:
    """Indices, Lorenz curve, per-unit table and rankings of one indicator.

    Attributes
    ----------
    indicator
        What was measured (with its direction).
    by
        The level of the per-unit table and rankings (``region`` or ``province``).
    threshold_km
        The distance beyond which a person's need counts as unmet.
    indices
        Inequality over persons, communes weighted by pwd; Theil split between regions, and
        inside regions between provinces and within provinces.
    lorenz
        Lorenz curve over persons (communes sorted by increasing value).
    urban_rural
        The indicator's mean for urban and for rural pwd.
    units
        One row per region or province: ``code, name_fr, name_ar, n_communes, pwd, value``
        (pwd-weighted mean), ``pwd_beyond, unmet_need_pkm, share_beyond, centres, places,
        places_per_10k``, ``theil`` (inside the unit), ``rank_value`` (1 = worst served),
        ``rank_unmet_need`` (1 = largest), ``rank_places`` (1 = fewest places per 10,000 pwd).
    unit_spread
        Unweighted Gini and Theil across the units (each counts once, PySAL ``inequality``).
    communes
        ``code, pwd, value`` of every commune, for maps.
    capacity_filled
        Centres whose unknown capacity was filled (see :func:`commune_indicators`).
    """

    indicator: Indicator
    by: Level
    threshold_km: float
    indices: EquityIndices
    lorenz: LorenzCurve
    urban_rural: UrbanRuralGap
    units: pd.DataFrame
    unit_spread: dict[str, float]
    communes: pd.DataFrame
    capacity_filled: int

    def rankings(self) -> dict[str, list[dict[str, Any]]]:
        """The units ranked by unmet need, by places per 10,000 pwd, and by the indicator."""
        u = self.units
        out: dict[str, list[dict[str, Any]]] = {}
        for key, rank, cols in (
            ("unmet_need", "rank_unmet_need", ["unmet_need_pkm", "pwd_beyond", "share_beyond"]),
            ("places_per_10k", "rank_places", ["places_per_10k", "places", "pwd"]),
            ("indicator", "rank_value", ["value", "pwd"]),
        ):
            ranked = u.sort_values([rank, "code"])
            out[key] = [
                {"rank": int(r[rank]), "code": r["code"], "name_fr": r["name_fr"]}
                | {c: _finite(float(r[c])) for c in cols}
                for _, r in ranked.iterrows()
            ]
        return out

    def as_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready plain values (what ``analysis_runs.results`` stores)."""
        units = [
            {k: (_finite(v) if isinstance(v, float) else _plain(v)) for k, v in row.items()}
            for row in self.units.to_dict(orient="records")
        ]
        return {
            "indicator": {
                "name": self.indicator.name,
                "label": self.indicator.label,
                "unit": self.indicator.unit,
                "higher_is_better": self.indicator.higher_is_better,
                "description": self.indicator.description,
            },
            "by": self.by,
            "threshold_km": self.threshold_km,
            "indices": self.indices.as_dict(),
            "theil_by_region": [
                {k: _plain(v) for k, v in row.items()}
                for row in self.indices.theil.groups.to_dict(orient="records")
            ],
            "lorenz": self.lorenz.as_dict(),
            "urban_rural": self.urban_rural.as_dict(),
            "units": units,
            "rankings": self.rankings(),
            "unit_spread": {k: _finite(v) for k, v in self.unit_spread.items()},
            "communes": [
                {"code": c, "pwd": float(p), "value": _finite(float(v))}
                for c, p, v in zip(
                    self.communes["code"], self.communes["pwd"], self.communes["value"], strict=True
                )
            ],
            "capacity_filled": self.capacity_filled,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return _finite(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _check_communes(communes: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in communes.columns]
    if missing:
        raise AnalysisError(f"the commune table lacks column(s): {', '.join(missing)}")
    if communes.empty:
        raise AnalysisError(
            "there are no communes to compare", hint="load the geography with `walouja load`"
        )
    for col in columns:
        if col in ("code", "province_code", "region_code"):
            continue
        vals = pd.to_numeric(communes[col], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(vals) | (vals < 0)
        if col in ("pwd_urban", "pwd_rural"):
            bad = ~np.isnan(vals) & bad
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AnalysisError(
                f"commune {communes['code'].iloc[i]}: {col} is {communes[col].iloc[i]!r}, "
                "not a number >= 0"
            )


def equity_report(
    communes: pd.DataFrame,
    *,
    indicator: str,
    by: str = "region",
    threshold_km: float = 30.0,
    units: pd.DataFrame | None = None,
    lorenz_points: int = 101,
    capacity_filled: int = 0,
) -> EquityReport:
    """Measure how unequally ``indicator`` is spread over persons with disabilities.

    Parameters
    ----------
    communes
        One row per commune with ``code, province_code, region_code, pwd, pwd_urban,
        pwd_rural``, the indicator's column, ``nearest_km`` (for unmet need), ``places`` and
        ``centres`` (located in the commune).
    indicator
        A key of :data:`INDICATORS`.
    by
        ``region`` or ``province``: the level of the per-unit table and rankings.
    threshold_km
        Distance beyond which a person's need counts as unmet.
    units
        Optional ``code, name_fr, name_ar`` of the units, for names in the table.
    lorenz_points
        Evenly spaced points of the Lorenz curve.
    capacity_filled
        Passed through to the report (centres whose unknown capacity was filled).
    """
    ind = get_indicator(indicator)
    level = check_level(by)
    _check_communes(communes, [*COMMUNE_COLUMNS, ind.name, "nearest_km", "places", "centres"])
    frame = communes.reset_index(drop=True)
    x = frame[ind.name].to_numpy(dtype=np.float64)
    w = frame["pwd"].to_numpy(dtype=np.float64)
    if not np.any((x > 0) & (w > 0)):
        raise AnalysisError(
            f"{ind.name} is 0 in every commune: its inequality is undefined",
            hint="check that the centre type has operating centres (with places, for "
            "places_per_10k) within reach",
        )
    indices = equity_indices(
        x, w, groups=frame["region_code"].astype(str), subgroups=frame["province_code"].astype(str)
    )
    gap = urban_rural_gap(
        x,
        frame["pwd_urban"].to_numpy(dtype=np.float64),
        frame["pwd_rural"].to_numpy(dtype=np.float64),
        higher_is_better=ind.higher_is_better,
    )
    beyond, pkm = unmet_need(frame["nearest_km"], w, threshold_km=threshold_km)
    key = f"{level}_code"
    work = pd.DataFrame(
        {
            "code": frame[key].astype(str),
            "pwd": w,
            "wx": w * x,
            "pwd_beyond": beyond,
            "unmet_need_pkm": pkm,
            "centres": frame["centres"].to_numpy(dtype=np.float64),
            "places": frame["places"].to_numpy(dtype=np.float64),
            "n_communes": 1,
        }
    )
    table = work.groupby("code", sort=True).sum().reset_index()
    table["value"] = np.divide(
        table["wx"], table["pwd"], out=np.zeros(len(table)), where=table["pwd"] > 0
    )
    table["share_beyond"] = np.divide(
        table["pwd_beyond"], table["pwd"], out=np.zeros(len(table)), where=table["pwd"] > 0
    )
    table["places_per_10k"] = per_10k(table["places"], table["pwd"])
    theil_inside = theil_decomposition(x, w, frame[key].astype(str)).groups
    inside = dict(zip(theil_inside["code"], theil_inside["theil"], strict=True))
    table["theil"] = table["code"].map(inside)
    table = table.drop(columns="wx")
    worst_first = not ind.higher_is_better
    table["rank_value"] = _rank(table["value"], descending=worst_first)
    table["rank_unmet_need"] = _rank(table["unmet_need_pkm"], descending=True)
    table["rank_places"] = _rank(table["places_per_10k"], descending=False)
    names = _names(units, table["code"])
    table.insert(1, "name_fr", names["name_fr"].to_numpy())
    table.insert(2, "name_ar", names["name_ar"].to_numpy())
    table["n_communes"] = table["n_communes"].astype(int)
    table["centres"] = table["centres"].astype(int)
    unit_values = table.loc[table["pwd"] > 0, "value"].to_numpy(dtype=np.float64)
    return EquityReport(
        indicator=ind,
        by=level,
        threshold_km=float(threshold_km),
        indices=indices,
        lorenz=lorenz_curve(x, w, points=lorenz_points),
        urban_rural=gap,
        units=table,
        unit_spread=_unit_spread(unit_values),
        communes=pd.DataFrame({"code": frame["code"].astype(str), "pwd": w, "value": x}),
        capacity_filled=int(capacity_filled),
    )


def _rank(values: pd.Series, *, descending: bool) -> pd.Series:
    """Dense-free competition rank (1, 2, 2, 4), 1 = first in the given direction."""
    return values.rank(method="min", ascending=not descending).astype(int)


def _names(units: pd.DataFrame | None, codes: pd.Series) -> pd.DataFrame:
    if units is None or units.empty:
        return pd.DataFrame({"name_fr": codes.to_numpy(), "name_ar": [None] * len(codes)})
    lookup = units.assign(code=units["code"].astype(str)).set_index("code")
    out = pd.DataFrame(index=pd.Index(codes.astype(str)))
    for col in ("name_fr", "name_ar"):
        out[col] = lookup[col].reindex(out.index) if col in lookup.columns else None
    out["name_fr"] = out["name_fr"].fillna(pd.Series(out.index, index=out.index))
    return out.reset_index(drop=True)


def _unit_spread(unit_values: FloatArray) -> dict[str, float]:
    """Unweighted Gini and Theil across units with PySAL ``inequality`` (each unit once)."""
    from inequality.gini import Gini
    from inequality.theil import Theil

    if unit_values.size < 2 or not np.any(unit_values > 0):
        return {"gini": math.nan, "theil": math.nan, "n": float(unit_values.size)}
    return {
        "gini": float(Gini(unit_values).g),
        "theil": float(np.asarray(Theil(unit_values).T).ravel()[0]),
        "n": float(unit_values.size),
    }
