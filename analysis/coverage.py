"""Coverage: who lives within a distance (or travel time) of a centre, per unit and nationwide.

A demand point is *covered* at threshold ``t`` when its nearest centre is at most ``t`` away
(``≤``). Its persons with disabilities (``pwd``) are then counted as covered; the rest are
unserved. Mean distance is weighted by ``pwd`` over the points that can reach a centre at all;
points with no reachable centre (``inf``, e.g. off the road network) are counted apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.distance import FloatArray, Nearest, nearest
from walouja.errors import AnalysisError

DEFAULT_THRESHOLDS: tuple[float, ...] = (10.0, 20.0, 30.0, 60.0)
"""Default thresholds, in km (or minutes for travel times)."""

LEVELS = ("commune", "province", "region", "nation")
"""Levels results are given at; the demand frame carries ``province_code``, ``region_code``."""

NATION_CODE = "MA"


def check_thresholds(thresholds: Sequence[float]) -> tuple[float, ...]:
    """Sorted distinct thresholds, or an ``AnalysisError`` if one is not a positive number."""
    out: set[float] = set()
    for t in thresholds:
        value = float(t)
        if not np.isfinite(value) or value <= 0:
            raise AnalysisError(f"threshold {t} is not a positive number")
        out.add(value)
    if not out:
        raise AnalysisError("at least one threshold is needed")
    return tuple(sorted(out))


def nearest_by_type(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    centre_type: Sequence[str] | npt.ArrayLike,
    *,
    detour_factor: float = 1.0,
) -> dict[str, Nearest]:
    """Nearest centre of every demand point for each centre type, and ``"any"`` type.

    The ``index`` of each result points into the full centre arrays.
    """
    types = np.asarray(centre_type, dtype=object)
    clon = np.asarray(centre_lon, dtype=np.float64)
    clat = np.asarray(centre_lat, dtype=np.float64)
    out = {"any": nearest(demand_lon, demand_lat, clon, clat, detour_factor=detour_factor)}
    for kind in sorted({str(t) for t in types}):
        where = np.flatnonzero(types == kind)
        found = nearest(
            demand_lon, demand_lat, clon[where], clat[where], detour_factor=detour_factor
        )
        out[kind] = Nearest(
            km=found.km, index=where[found.index], detour_factor=found.detour_factor
        )
    return out


@dataclass(frozen=True)
class Coverage:
    """Coverage of demand units at several thresholds.

    Attributes
    ----------
    units
        One row per demand unit: the input columns plus ``distance`` (to the nearest centre)
        and ``covered_<i>`` booleans, one per threshold in order.
    thresholds
        The thresholds, ascending.
    unit
        ``"km"`` or ``"min"``.
    """

    units: pd.DataFrame
    thresholds: tuple[float, ...]
    unit: str

    def summary(self, by: str = "nation") -> pd.DataFrame:
        """Totals per ``by`` level (see :data:`LEVELS`), one row per unit and threshold.

        Columns: ``code``, ``threshold``, ``pwd``, ``pwd_covered``, ``share_covered``,
        ``pwd_unserved``, ``pwd_unreachable``, ``mean_distance``, ``n_units``.
        """
        if by not in LEVELS:
            raise AnalysisError(f"unknown level {by!r}", hint=f"choose one of {', '.join(LEVELS)}")
        frame = self.units
        if by == "nation":
            keys = pd.Series(NATION_CODE, index=frame.index)
        elif by == "commune":
            keys = frame["code"]
        else:
            keys = frame[f"{by}_code"]
        dist = frame["distance"].to_numpy(dtype=np.float64)
        pwd = frame["pwd"].to_numpy(dtype=np.float64)
        finite = np.isfinite(dist)
        base = pd.DataFrame(
            {
                "code": keys.to_numpy(),
                "pwd": pwd,
                "pwd_reach": np.where(finite, pwd, 0.0),
                "pwd_x_dist": np.where(finite, pwd * np.where(finite, dist, 0.0), 0.0),
                "n_units": 1,
            }
        )
        for i in range(len(self.thresholds)):
            base[f"c{i}"] = np.where(frame[f"covered_{i}"].to_numpy(), pwd, 0.0)
        grouped = base.groupby("code", sort=True).sum()
        rows = []
        for i, t in enumerate(self.thresholds):
            part = pd.DataFrame(
                {
                    "code": grouped.index.to_numpy(),
                    "threshold": t,
                    "pwd": grouped["pwd"].to_numpy(),
                    "pwd_covered": grouped[f"c{i}"].to_numpy(),
                }
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                part["share_covered"] = np.where(
                    part["pwd"] > 0, part["pwd_covered"] / part["pwd"], np.nan
                )
                part["pwd_unserved"] = part["pwd"] - part["pwd_covered"]
                part["pwd_unreachable"] = (grouped["pwd"] - grouped["pwd_reach"]).to_numpy()
                reach = grouped["pwd_reach"].to_numpy()
                part["mean_distance"] = np.where(
                    reach > 0,
                    grouped["pwd_x_dist"].to_numpy() / np.where(reach > 0, reach, 1),
                    np.nan,
                )
            part["n_units"] = grouped["n_units"].to_numpy()
            rows.append(part)
        return pd.concat(rows, ignore_index=True)


def coverage(
    units: pd.DataFrame,
    distance: npt.ArrayLike,
    *,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    unit: str = "km",
) -> Coverage:
    """Coverage of demand ``units`` given each unit's distance to its nearest centre.

    Parameters
    ----------
    units
        One row per demand unit with at least ``code`` and ``pwd`` (and ``province_code``,
        ``region_code`` to summarise at those levels).
    distance
        Distance (km) or travel time (min) to the nearest centre; ``inf`` if none reachable.
    thresholds
        Thresholds in the same unit as ``distance``.
    unit
        ``"km"`` or ``"min"``, carried into the result.
    """
    ts = check_thresholds(thresholds)
    for col in ("code", "pwd"):
        if col not in units.columns:
            raise AnalysisError(f"demand table has no {col!r} column")
    dist: FloatArray = np.asarray(distance, dtype=np.float64).ravel()
    if dist.size != len(units):
        raise AnalysisError(f"{dist.size} distances for {len(units)} demand units")
    if np.isnan(dist).any() or (dist < 0).any():
        row = int(np.flatnonzero(np.isnan(dist) | (dist < 0))[0])
        raise AnalysisError(f"demand unit {row}: distance {dist[row]} is not a distance")
    pwd = units["pwd"].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(pwd) | (pwd < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise AnalysisError(
            f"demand unit {units['code'].iloc[row]}: pwd {pwd[row]} is not a non-negative number"
        )
    if units["code"].duplicated().any():
        dup = units["code"][units["code"].duplicated()].iloc[0]
        raise AnalysisError(f"demand unit {dup} appears more than once")
    frame = units.reset_index(drop=True).copy()
    frame["distance"] = dist
    for i, t in enumerate(ts):
        frame[f"covered_{i}"] = dist <= t
    return Coverage(units=frame, thresholds=ts, unit=unit)
