"""Distance coverage and capacity-aware access of every commune, stored as analysis runs.

``run_coverage`` and ``run_access`` read the communes' demand points and the centres, compute
(or find the stored run of the same request on unchanged data) and store the run in
``analysis_runs``; ``coverage_rows`` and ``access_rows`` give one row per commune, province,
region or the nation. The CLI (``walouja coverage``/``access``) and the app call them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from analysis.access import METHODS, check_steps, e2sfca_steps, fill_capacity, floating_catchment
from analysis.coverage import DEFAULT_THRESHOLDS, LEVELS, check_thresholds, coverage
from analysis.distance import nearest
from analysis.network import DEFAULT_CONNECTOR_SPEED_KMH, DEFAULT_MAX_SNAP_KM
from geo import runs
from geo.inputs import check_centre_type, load_centres, load_demand, load_unit_names
from walouja.errors import AnalysisError, DataError, NotFoundError
from walouja.services._store import RunOutcome, stored_or_computed
from walouja.services.access_scale import access_per_10k

__all__ = [
    "INPUT_TABLES",
    "NETWORK_RESULTS_VERSION",
    "RunOutcome",
    "access_rows",
    "check_capacities",
    "check_level",
    "coverage_rows",
    "run_access",
    "run_coverage",
]

INPUT_TABLES = ("communes", "centres")

_COMMUNE_KEYS = ("code", "name_fr", "province_code", "region_code", "pwd", "lon", "lat")

NETWORK_RESULTS_VERSION = 2
"""Format of a travel-time run's results, part of its params (so of the stored-run lookup).

2: every commune also has ``fastest_centre_id``/``fastest_centre``, the centre its
``nearest_min`` is the time to. Stored runs without it (version 1, no key) are not reused.
"""


def _file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _commune_records(demand: pd.DataFrame, **columns: Any) -> list[dict[str, Any]]:
    frame = demand.loc[:, list(_COMMUNE_KEYS)].copy()
    for key, values in columns.items():
        frame[key] = values
    return [runs.to_jsonable(r) for r in frame.to_dict("records")]


def run_coverage(
    conn: Connection,
    *,
    centre_type: str | None,
    threshold: float,
    statuses: Sequence[str] = ("operating",),
    detour_factor: float = 1.0,
    osm_file: Path | None = None,
    connector_speed_kmh: float | None = DEFAULT_CONNECTOR_SPEED_KMH,
    max_snap_km: float | None = DEFAULT_MAX_SNAP_KM,
    fresh: bool = False,
    name: str | None = None,
) -> RunOutcome:
    """Nearest-centre distance (or travel time) of every commune, stored as a run.

    With ``osm_file`` the distance is the road travel time in minutes (see
    :mod:`analysis.network`) to the centre reached fastest, stored per commune as
    ``nearest_min``, ``fastest_centre_id`` and ``fastest_centre`` (``None`` when no centre is
    reachable); ``nearest_km``, ``nearest_centre_id`` and ``nearest_centre`` stay the
    straight-line nearest centre, which may be another one.
    """
    kind = check_centre_type(centre_type)
    check_thresholds([threshold])
    params: dict[str, Any] = {
        "centre_type": kind,
        "statuses": sorted(statuses),
        "threshold": float(threshold),
        "unit": "km" if osm_file is None else "min",
        "detour_factor": float(detour_factor),
    }
    if osm_file is not None:
        for value, what, unit in (
            (max_snap_km, "--max-snap-km", "km"),
            (connector_speed_kmh, "--connector-speed", "km/h"),
        ):
            if value is not None and not (np.isfinite(value) and value > 0):
                raise AnalysisError(f"{what} {value:g} is not a positive number of {unit}")
        if osm_file.is_dir():  # it said "does not exist" of a folder that does
            raise DataError(
                f"road network file {osm_file} is a folder, not a file",
                hint="give the .osm file itself (the roads of the area exported from "
                "OpenStreetMap)",
            )
        if not osm_file.is_file():
            raise NotFoundError(
                f"road network file {osm_file} does not exist",
                hint="check its name and folder (an .osm file of the area's roads, exported "
                "from OpenStreetMap)",
            )
        params["network"] = {
            "file": osm_file.name,
            "md5": _file_md5(osm_file),
            "connector_speed_kmh": connector_speed_kmh,
            "max_snap_km": max_snap_km,
            "results_version": NETWORK_RESULTS_VERSION,
        }

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        centres = load_centres(conn, centre_type=kind, statuses=statuses)
        found = nearest(
            demand["lon"],
            demand["lat"],
            centres["lon"],
            centres["lat"],
            detour_factor=detour_factor,
        )
        nearest_id = centres["id"].to_numpy()[found.index]
        nearest_name = centres["name"].to_numpy()[found.index]
        extra: dict[str, Any] = {}
        distance = found.km
        if osm_file is not None:
            from analysis.network import prepare_graph, travel_times
            from geo.inputs import read_road_graph

            graph = prepare_graph(read_road_graph(osm_file))
            times = travel_times(
                graph,
                demand["lon"],
                demand["lat"],
                centres["lon"],
                centres["lat"],
                connector_speed_kmh=connector_speed_kmh,
                max_snap_km=max_snap_km,
            )
            distance = times.minutes
            extra["nearest_min"] = times.minutes
            # the centre each time is to (None: unreachable), kept as ints and strings
            ids, names = centres["id"].tolist(), centres["name"].tolist()
            fastest = times.centre_index.tolist()
            extra["fastest_centre_id"] = np.array(
                [ids[j] if j >= 0 else None for j in fastest], dtype=object
            )
            extra["fastest_centre"] = np.array(
                [names[j] if j >= 0 else None for j in fastest], dtype=object
            )
        cov = coverage(
            demand,
            distance,
            thresholds=sorted({*DEFAULT_THRESHOLDS, float(threshold)}),
            unit=params["unit"],
        )
        index = cov.thresholds.index(float(threshold))
        nation = cov.summary("nation")
        return {
            "n_centres": len(centres),
            "communes": _commune_records(
                demand,
                nearest_km=found.km,
                nearest_centre_id=nearest_id,
                nearest_centre=nearest_name,
                covered=cov.units[f"covered_{index}"].to_numpy(),
                **extra,
            ),
            "nation_by_threshold": [
                runs.to_jsonable(r)
                for r in nation[["threshold", "pwd", "pwd_covered", "share_covered"]].to_dict(
                    "records"
                )
            ],
        }

    return stored_or_computed(
        conn,
        kind="coverage",
        tables=INPUT_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )


def coverage_rows(conn: Connection, outcome: RunOutcome, by: str) -> list[dict[str, Any]]:
    """Rows of a coverage run at level ``by``: code, name_fr, name_ar, pwd, pwd_covered,
    share...

    Commune rows also carry the point (``lon``, ``lat``) and the straight-line nearest
    centre (``nearest_km``, ``nearest_centre``); in minutes, ``nearest_min`` and the centre
    it is the time to (``fastest_centre_id``, ``fastest_centre``; ``None`` when unreachable).
    """
    check_level(by)
    communes = pd.DataFrame(outcome.results["communes"])
    unit = outcome.params["unit"]
    dist_col = "nearest_km" if unit == "km" else "nearest_min"
    distance = communes[dist_col].astype("float64").fillna(np.inf).to_numpy()
    cov = coverage(communes, distance, thresholds=[outcome.params["threshold"]], unit=unit)
    table = cov.summary(by)
    names = load_unit_names(conn, by).set_index("code")
    mean_key = "mean_distance_km" if unit == "km" else "mean_time_min"
    rows: list[dict[str, Any]] = []
    by_code = communes.set_index("code") if by == "commune" else None
    for rec in table.to_dict("records"):
        code = str(rec["code"])
        row: dict[str, Any] = {
            "code": code,
            # both names, as equity's rows give them (a script had no Arabic name here)
            "name_fr": names["name_fr"].get(code),
            "name_ar": names["name_ar"].get(code),
            "pwd": rec["pwd"],
            "pwd_covered": rec["pwd_covered"],
            "share_covered": rec["share_covered"],
            "pwd_unserved": rec["pwd_unserved"],
            mean_key: rec["mean_distance"],
        }
        if unit == "min":
            row["pwd_unreachable"] = rec["pwd_unreachable"]
        if by_code is not None:
            one = by_code.loc[code]
            row.update(
                lon=one["lon"],
                lat=one["lat"],
                nearest_km=one["nearest_km"],
                nearest_centre=one["nearest_centre"],
            )
            if unit == "min":
                fastest_id: Any = one.get("fastest_centre_id")  # float when some are null
                row.update(
                    nearest_min=one["nearest_min"],
                    fastest_centre_id=None if pd.isna(fastest_id) else int(fastest_id),
                    fastest_centre=one.get("fastest_centre"),
                )
        else:
            row["n_communes"] = rec["n_units"]
        rows.append(runs.to_jsonable(row))
    return rows


def run_access(
    conn: Connection,
    *,
    method: str,
    catchment_km: float,
    centre_type: str | None = None,
    statuses: Sequence[str] = ("operating",),
    steps: Sequence[tuple[float, float]] | None = None,
    missing_capacity: str | float = "median",
    detour_factor: float = 1.0,
    fresh: bool = False,
    name: str | None = None,
) -> RunOutcome:
    """2SFCA / E2SFCA score of every commune, stored as a run."""
    if method not in METHODS:
        raise AnalysisError(
            f"unknown access method {method!r}", hint=f"choose one of {', '.join(METHODS)}"
        )
    kind = check_centre_type(centre_type)
    if not (np.isfinite(catchment_km) and catchment_km > 0):
        raise AnalysisError(f"catchment {catchment_km} km is not a positive number")
    use_steps = None
    if method == "e2sfca":
        use_steps = e2sfca_steps(catchment_km) if steps is None else check_steps(steps)
    params: dict[str, Any] = {
        "method": method,
        "catchment_km": float(catchment_km),
        "steps": None if use_steps is None else [list(s) for s in use_steps],
        "centre_type": kind,
        "statuses": sorted(statuses),
        "missing_capacity": missing_capacity,
        "detour_factor": float(detour_factor),
    }

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        centres = load_centres(conn, centre_type=kind, statuses=statuses)
        check_capacities(centres, missing_capacity)
        capacity, filled = fill_capacity(centres["capacity"], strategy=missing_capacity)
        result = floating_catchment(
            demand["lon"],
            demand["lat"],
            demand["pwd"],
            centres["lon"],
            centres["lat"],
            capacity,
            method=method,
            catchment_km=catchment_km,
            steps=use_steps,
            detour_factor=detour_factor,
        )
        found = nearest(
            demand["lon"],
            demand["lat"],
            centres["lon"],
            centres["lat"],
            detour_factor=detour_factor,
        )
        return {
            "n_centres": len(centres),
            "capacity_total": float(capacity.sum()),
            "capacity_filled": filled,
            "n_pairs": result.n_pairs,
            "communes": _commune_records(
                demand,
                access=result.score,
                centres_in_reach=result.centres_in_reach,
                nearest_km=found.km,
            ),
        }

    return stored_or_computed(
        conn,
        kind="access",
        tables=INPUT_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )


def access_rows(conn: Connection, outcome: RunOutcome, by: str) -> list[dict[str, Any]]:
    """Rows of an access run at level ``by``: code, name_fr, name_ar, pwd, access (the
    score, places per pwd), access_per_10k (:mod:`walouja.services.access_scale`)...

    A commune's access is its own score, one of no pwd included (:mod:`analysis.access`); a
    province's, region's or the nation's is its communes' mean weighted by pwd.
    """
    check_level(by)
    communes = pd.DataFrame(outcome.results["communes"])
    if by == "nation":
        keys = pd.Series("MA", index=communes.index)
    elif by == "commune":
        keys = communes["code"]
    else:
        keys = communes[f"{by}_code"]
    pwd = communes["pwd"].astype("float64")
    score = communes["access"].astype("float64")
    frame = pd.DataFrame(
        {
            "code": keys,
            "pwd": pwd,
            "pwd_x_access": pwd * score,
            "pwd_no_access": pwd.where(score <= 0, 0.0),
            "n_communes": 1,
        }
    )
    grouped = frame.groupby("code", sort=True).sum()
    names = load_unit_names(conn, by).set_index("code")
    by_code = communes.set_index("code") if by == "commune" else None
    own = dict(zip(communes["code"].astype(str), score.tolist(), strict=True))
    rows: list[dict[str, Any]] = []
    for code, rec in grouped.iterrows():
        total = float(rec["pwd"])
        if by == "commune":  # its own score: a commune of 0 pwd has one too
            mean = own[str(code)]
        else:
            mean = float(rec["pwd_x_access"]) / total if total > 0 else float("nan")
        row: dict[str, Any] = {
            "code": str(code),
            "name_fr": names["name_fr"].get(code),
            "name_ar": names["name_ar"].get(code),
            "pwd": total,
            "access": mean,
            "access_per_10k": access_per_10k(mean),
            "pwd_no_access": float(rec["pwd_no_access"]),
            "share_no_access": float(rec["pwd_no_access"]) / total if total > 0 else None,
        }
        if by_code is not None:
            one = by_code.loc[str(code)]
            row.update(
                lon=one["lon"],
                lat=one["lat"],
                nearest_km=one["nearest_km"],
                centres_in_reach=one["centres_in_reach"],
            )
        else:
            row["n_communes"] = int(rec["n_communes"])
        rows.append(runs.to_jsonable(row))
    return rows


def check_capacities(centres: pd.DataFrame, missing_capacity: str | float) -> None:
    """With ``missing_capacity="error"``, an ``AnalysisError`` naming the first centre
    (name and id) without a capacity; nothing otherwise.

    The capacity-aware analyses (access, equity) check their centres with it before
    :func:`analysis.access.fill_capacity`, which knows positions, not centres.
    """
    unknown = centres[centres["capacity"].isna()]
    if missing_capacity == "error" and not unknown.empty:
        first = unknown.iloc[0]
        raise AnalysisError(
            f"centre {first['name']!r} (id {first['id']}) has no capacity "
            f"({len(unknown):,} of {len(centres):,} centres have none)",
            hint="fill them with --missing-capacity median, or a number such as 1",
            code="centre_without_capacity",
            params={
                "name": str(first["name"]),
                "id": int(first["id"]),
                "missing": len(unknown),
                "n": len(centres),
            },
        )


def check_level(by: str) -> None:
    """``NotFoundError`` unless ``by`` is commune, province, region or nation."""
    if by not in LEVELS:
        raise NotFoundError(f"unknown level {by!r}", hint=f"choose one of {', '.join(LEVELS)}")
