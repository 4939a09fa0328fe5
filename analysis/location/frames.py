"""Checked adapter: point tables (DataFrame with lon/lat, or GeoDataFrame) → a location model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis import distance as dist
from analysis.location._base import SitingModel
from analysis.location._cost import SparseCost
from analysis.location._geodesy import pairs_within_each
from walouja.errors import AnalysisError, DataError, NotFoundError


def points_of(frame: pd.DataFrame, what: str) -> NDArray[np.float64]:
    """``(n, 2)`` lon/lat in degrees from a GeoDataFrame of points or ``lon``/``lat`` columns."""
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "crs") else None
    if geometry is not None:
        crs = getattr(frame, "crs", None)
        if crs is not None and not crs.equals("EPSG:4326"):
            geometry = geometry.to_crs(4326)
        kinds = set(geometry.geom_type.dropna())
        if kinds - {"Point"}:
            raise DataError(f"{what}: geometries must be points, found {sorted(kinds)}")
        if geometry.isna().any() or geometry.is_empty.any():
            row = int(np.flatnonzero((geometry.isna() | geometry.is_empty).to_numpy())[0])
            raise DataError(f"{what}: row {row} has no geometry")
        lonlat = np.column_stack((geometry.x.to_numpy(float), geometry.y.to_numpy(float)))
    else:
        missing = [c for c in ("lon", "lat") if c not in frame.columns]
        if missing:
            raise DataError(f"{what}: no geometry and no column {', '.join(missing)}")
        lonlat = np.column_stack(
            (
                pd.to_numeric(frame["lon"], errors="coerce").to_numpy(float),
                pd.to_numeric(frame["lat"], errors="coerce").to_numpy(float),
            )
        )
    bad = ~np.isfinite(lonlat).all(axis=1)
    bad |= (np.abs(lonlat[:, 0]) > 180) | (np.abs(lonlat[:, 1]) > 90)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{what}: row {row} ({_row_id(frame, row)}) has invalid coordinates "
            f"lon={lonlat[row, 0]}, lat={lonlat[row, 1]}"
        )
    return lonlat


def _row_id(frame: pd.DataFrame, row: int) -> str:
    for col in ("code", "id", "external_id", "name"):
        if col in frame.columns:
            return f"{col}={frame[col].iloc[row]}"
    return f"index {frame.index[row]}"


def _column(frame: pd.DataFrame, col: str, what: str) -> pd.Series:
    if col not in frame.columns:
        raise DataError(f"{what}: missing column {col!r}", hint=f"columns: {list(frame.columns)}")
    return frame[col]


def _weights(frame: pd.DataFrame, col: str) -> NDArray[np.float64]:
    values = pd.to_numeric(_column(frame, col, "demand"), errors="coerce").to_numpy(float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"demand: row {row} ({_row_id(frame, row)}) field {col!r} is {values[row]}: "
            "must be a number ≥ 0"
        )
    return values


def _positions(ids: Sequence[Any] | None, labels: NDArray[Any], what: str) -> NDArray[np.int64]:
    if not ids:
        return np.empty(0, dtype=np.int64)
    index = {str(v): i for i, v in enumerate(labels)}
    out = []
    for v in ids:
        if str(v) not in index:
            raise NotFoundError(f"{what}: no candidate site {v!r}")
        out.append(index[str(v)])
    return np.asarray(out, dtype=np.int64)


def _sparse(pairs: dist.Pairs) -> SparseCost:
    return SparseCost(
        pairs.demand.astype(np.int64),
        pairs.centre.astype(np.int64),
        pairs.km,
        (pairs.n_demand, pairs.n_centres),
    )


def build(
    cls: type[SitingModel],
    demand: pd.DataFrame,
    candidates: pd.DataFrame | None = None,
    existing: pd.DataFrame | None = None,
    *,
    radius_km: float | None = None,
    new: int | None = None,
    weight: str = "pwd",
    demand_id: str = "code",
    candidate_id: str | None = None,
    province: str | None = "province_code",
    region: str | None = "region_code",
    budget_mad: float | None = None,
    cost_mad: float | str | None = None,
    min_per_province: int = 0,
    capacity: str | None = None,
    new_capacity: float | None = None,
    forced: Sequence[Any] | None = None,
    excluded: Sequence[Any] | None = None,
) -> SitingModel:
    """Build an ``MCLP`` or ``PMedian`` from point tables, distances in great-circle km.

    Parameters
    ----------
    cls
        ``MCLP`` or ``PMedian``.
    demand
        Demand points: ``lon``/``lat`` columns or point geometries, the ``weight`` column, and
        optionally ``province``/``region`` columns.
    candidates
        Candidate sites (default: the demand points themselves, one per commune).
    existing
        Existing centres (always open); their ``capacity`` column is used with capacities.
    radius_km
        Covering radius (MCLP only).
    new
        Number of new centres.
    weight, demand_id, candidate_id, province, region
        Column names (``candidate_id`` defaults to ``demand_id``).
    budget_mad, cost_mad
        Budget, and the cost of one new centre (a number, or a candidates' column name).
    min_per_province
        At least this many centres per province, existing included.
    capacity, new_capacity
        Existing centres' capacity column, and the places of every new centre; giving
        ``new_capacity`` switches to the capacitated model.
    forced, excluded
        Candidate identifiers that must / must not be chosen.
    """
    from analysis.location.models import MCLP, PMedian

    if cls not in (MCLP, PMedian):
        raise AnalysisError(f"unknown model {cls!r}")
    if cls is MCLP and (radius_km is None or not np.isfinite(radius_km) or radius_km <= 0):
        raise AnalysisError(f"MCLP needs a radius > 0 km, got {radius_km}")
    cand_frame = demand if candidates is None else candidates
    cand_id = candidate_id or demand_id
    d_ll = points_of(demand, "demand")
    c_ll = points_of(cand_frame, "candidates")
    w = _weights(demand, weight)
    e_ll = (
        points_of(existing, "existing centres") if existing is not None and len(existing) else None
    )

    def col(frame: pd.DataFrame | None, name: str | None) -> NDArray[Any] | None:
        if frame is None or name is None or name not in frame.columns:
            return None
        return frame[name].to_numpy(dtype=object)

    d_labels = col(demand, demand_id)
    c_labels = col(cand_frame, cand_id)
    if c_labels is None:
        c_labels = np.asarray([str(i) for i in range(len(cand_frame))], dtype=object)
    if min_per_province and (province is None or province not in cand_frame.columns):
        raise DataError(f"candidates: the per-province minimum needs a {province!r} column")
    e_prov = col(existing, province)
    if min_per_province and e_ll is not None and e_prov is None:
        raise DataError(f"existing centres: the per-province minimum needs a {province!r} column")

    cost: Any = cost_mad
    if isinstance(cost_mad, str):
        cost = pd.to_numeric(_column(cand_frame, cost_mad, "candidates"), errors="coerce").to_numpy(
            float
        )
    e_cap = None
    if (
        new_capacity is not None
        and existing is not None
        and capacity
        and capacity in existing.columns
    ):
        e_cap = pd.to_numeric(existing[capacity], errors="coerce").to_numpy(float)

    shape_c = (len(d_ll), len(c_ll))
    exist_cost: SparseCost | NDArray[np.float64] | None = None
    cand_cost: SparseCost | NDArray[np.float64]
    if cls is MCLP:
        assert radius_km is not None
        cand_cost = _sparse(
            dist.pairs_within(d_ll[:, 0], d_ll[:, 1], c_ll[:, 0], c_ll[:, 1], radius_km)
        )
        if e_ll is not None:
            exist_cost = _sparse(
                dist.pairs_within(d_ll[:, 0], d_ll[:, 1], e_ll[:, 0], e_ll[:, 1], radius_km)
            )
    elif new_capacity is not None:
        cand_cost = dist.distance_matrix_km(d_ll[:, 0], d_ll[:, 1], c_ll[:, 0], c_ll[:, 1])
        if e_ll is not None:
            exist_cost = dist.distance_matrix_km(d_ll[:, 0], d_ll[:, 1], e_ll[:, 0], e_ll[:, 1])
    elif e_ll is not None:
        near = dist.nearest(d_ll[:, 0], d_ll[:, 1], e_ll[:, 0], e_ll[:, 1])
        rows = np.arange(len(d_ll), dtype=np.int64)
        exist_cost = SparseCost(rows, near.index, near.km, (len(d_ll), len(e_ll)))
        d_xyz = dist.unit_vectors(d_ll[:, 0], d_ll[:, 1])
        c_xyz = dist.unit_vectors(c_ll[:, 0], c_ll[:, 1])
        cand_cost = SparseCost(*pairs_within_each(d_xyz, c_xyz, near.km), shape_c)
    else:
        cand_cost = dist.distance_matrix_km(d_ll[:, 0], d_ll[:, 1], c_ll[:, 0], c_ll[:, 1])

    kwargs: dict[str, Any] = {
        "new": new,
        "existing_cost_matrix": exist_cost,
        "budget_mad": budget_mad,
        "cost_mad": cost,
        "min_per_province": min_per_province,
        "demand_province": col(demand, province),
        "demand_region": col(demand, region),
        "candidate_province": col(cand_frame, province),
        "existing_province": e_prov if e_ll is not None else None,
        "capacities": new_capacity,
        "existing_capacities": e_cap,
        "forced": _positions(forced, c_labels, "forced"),
        "excluded": _positions(excluded, c_labels, "excluded"),
        "candidate_labels": c_labels,
        "demand_labels": d_labels,
        "candidate_lonlat": c_ll,
    }
    if cls is MCLP:
        assert radius_km is not None
        return MCLP.from_cost_matrix(cand_cost, w, radius=radius_km, **kwargs)
    return PMedian.from_cost_matrix(cand_cost, w, **kwargs)
