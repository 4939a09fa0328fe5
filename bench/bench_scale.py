"""Scale benchmark: nearest + coverage + 2SFCA (60 km) for 10k, 100k and 1M demand points.

Synthetic, seeded demand and 1,000 centres drawn around Morocco's main cities (a mixture of
Gaussian clusters weighted roughly by city size, plus a uniform background over the
country's extent), so catchments are as crowded as in the real country. Each size runs in
its own process so its peak memory (``ru_maxrss``) is its own.

PySAL ``access`` needs a dense cost table (demand × centres rows); it runs here at the
smallest sizes only, and the table size is reported for every size.

    .venv/bin/python bench/bench_scale.py            # 10k, 100k, 1M
    .venv/bin/python bench/bench_scale.py --sizes 10000 100000 --pysal-sizes 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (lon, lat, weight): main cities, weights roughly proportional to population (2024, rounded)
CITIES = [
    (-7.59, 33.57, 34),  # Casablanca
    (-6.84, 34.02, 6),  # Rabat
    (-6.80, 34.05, 9),  # Salé
    (-4.99, 34.03, 12),  # Fès
    (-8.01, 31.63, 10),  # Marrakech
    (-5.81, 35.76, 12),  # Tanger
    (-9.60, 30.42, 5),  # Agadir
    (-5.55, 33.89, 6),  # Meknès
    (-1.91, 34.68, 5),  # Oujda
    (-6.58, 34.26, 6),  # Kénitra
    (-5.37, 35.57, 4),  # Tétouan
    (-9.24, 32.30, 3),  # Safi
    (-8.50, 33.25, 2),  # El Jadida
    (-6.35, 32.34, 2),  # Béni Mellal
    (-2.93, 35.17, 2),  # Nador
    (-4.01, 34.21, 1),  # Taza
    (-7.62, 33.00, 1),  # Settat
    (-6.91, 32.88, 1),  # Khouribga
    (-13.20, 27.15, 2),  # Laâyoune
    (-15.93, 23.70, 1),  # Dakhla
    (-4.43, 31.93, 1),  # Errachidia
    (-6.89, 30.92, 1),  # Ouarzazate
    (-10.06, 28.99, 1),  # Guelmim
    (-3.93, 35.25, 1),  # Al Hoceïma
    (-9.77, 31.51, 1),  # Essaouira
    (-5.67, 32.94, 1),  # Khénifra
    (-9.73, 29.70, 1),  # Tiznit
    (-8.88, 30.47, 1),  # Taroudant
    (-6.16, 35.19, 1),  # Larache
    (-7.62, 33.68, 2),  # Mohammedia
]
BBOX = (-13.5, 27.5, -1.0, 35.9)  # lon_min, lat_min, lon_max, lat_max (background)


def synthetic_points(
    n: int, seed: int, *, spread_deg: float = 0.35
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points: 85% in city clusters, 15% uniform over the country's extent."""
    rng = np.random.default_rng(seed)
    lon_c = np.array([c[0] for c in CITIES])
    lat_c = np.array([c[1] for c in CITIES])
    w = np.array([c[2] for c in CITIES], dtype=float)
    n_city = round(0.85 * n)
    pick = rng.choice(len(CITIES), size=n_city, p=w / w.sum())
    lon = np.concatenate(
        [lon_c[pick] + rng.normal(0, spread_deg, n_city), rng.uniform(BBOX[0], BBOX[2], n - n_city)]
    )
    lat = np.concatenate(
        [lat_c[pick] + rng.normal(0, spread_deg, n_city), rng.uniform(BBOX[1], BBOX[3], n - n_city)]
    )
    return np.clip(lon, -17.5, -1.0), np.clip(lat, 20.8, 35.95)


def run_ours(n: int, m: int, catchment: float) -> dict[str, float]:
    import pandas as pd

    from analysis.access import floating_catchment
    from analysis.coverage import coverage
    from analysis.distance import nearest

    dlon, dlat = synthetic_points(n, seed=1)
    pwd = np.random.default_rng(2).gamma(2.0, 5.0, n)
    clon, clat = synthetic_points(m, seed=3)
    cap = np.random.default_rng(4).integers(20, 300, m).astype(float)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    found = nearest(dlon, dlat, clon, clat)
    t1 = time.perf_counter()
    units = pd.DataFrame({"code": np.arange(n), "pwd": pwd})
    cov = coverage(units, found.km)
    nation = cov.summary("nation")
    t2 = time.perf_counter()
    acc = floating_catchment(dlon, dlat, pwd, clon, clat, cap, catchment_km=catchment)
    t3 = time.perf_counter()
    out.update(
        nearest_s=t1 - t0,
        coverage_s=t2 - t1,
        access_s=t3 - t2,
        total_s=t3 - t0,
        pairs=float(acc.n_pairs),
        share_30km=float(nation.loc[nation["threshold"] == 30.0, "share_covered"].iloc[0]),
        check=float((pwd * acc.score).sum()),
    )
    return out


def run_pysal(n: int, m: int, catchment: float) -> dict[str, float]:
    from _peers import cost_frame, pysal_access

    from analysis.access import floating_catchment
    from analysis.distance import distance_matrix_km

    dlon, dlat = synthetic_points(n, seed=1)
    pwd = np.random.default_rng(2).gamma(2.0, 5.0, n)
    clon, clat = synthetic_points(m, seed=3)
    cap = np.random.default_rng(4).integers(20, 300, m).astype(float)
    t0 = time.perf_counter()
    dense = distance_matrix_km(dlon, dlat, clon, clat)
    cost = cost_frame(dense)
    del dense
    t1 = time.perf_counter()
    acc = pysal_access(pwd, cap, cost)
    res = acc.two_stage_fca(name="a", max_cost=catchment)
    t2 = time.perf_counter()
    theirs = res["a_capacity"].reindex(np.arange(n)).fillna(0).to_numpy()
    ours = floating_catchment(dlon, dlat, pwd, clon, clat, cap, catchment_km=catchment).score
    return {
        "cost_table_s": t1 - t0,
        "pysal_2sfca_s": t2 - t1,
        "max_abs_diff": float(np.abs(theirs - ours).max()),
    }


def child(args: argparse.Namespace) -> None:
    if args.pysal:
        limit = int(args.limit_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = run_pysal(args.n, args.m, args.catchment)
    else:
        result = run_ours(args.n, args.m, args.catchment)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def spawn(n: int, m: int, catchment: float, *, pysal: bool, limit_gb: float = 0) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--n",
        str(n),
        "--m",
        str(m),
        "--catchment",
        str(catchment),
        "--limit-gb",
        str(limit_gb),
    ]
    if pysal:
        cmd.append("--pysal")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--m", type=int, default=1000, help="centres")
    parser.add_argument("--catchment", type=float, default=60.0)
    parser.add_argument(
        "--pysal-sizes",
        type=int,
        nargs="*",
        default=[10_000, 30_000, 100_000],
        help="demand sizes to try PySAL access at",
    )
    parser.add_argument(
        "--limit-gb",
        type=float,
        default=8.0,
        help="address-space cap of the PySAL process (it stops with MemoryError beyond)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pysal", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(
        f"Walouja: nearest + coverage + 2SFCA ({args.catchment:g} km), demand points vs "
        f"{args.m} centres; each size in its own process (peak = its max RSS)"
    )
    head = (
        f"{'demand':>10} {'nearest s':>9} {'coverage s':>10} {'2SFCA s':>8} {'total s':>8} "
        f"{'pairs ≤ d0':>12} {'peak MB':>8}"
    )
    print(head)
    print("-" * len(head))
    for n in args.sizes:
        r = spawn(n, args.m, args.catchment, pysal=False)
        if "error" in r:
            print(f"{n:>10,} failed: {r['error']}")
            continue
        print(
            f"{n:>10,} {r['nearest_s']:>9.2f} {r['coverage_s']:>10.2f} {r['access_s']:>8.2f} "
            f"{r['total_s']:>8.2f} {int(r['pairs']):>12,} {r['peak_rss_mb']:>8.0f}"
        )
    print()
    print(
        f"PySAL access 2SFCA on the dense cost table (demand × {args.m} rows), "
        f"address space capped at {args.limit_gb:g} GB"
    )
    head = (
        f"{'demand':>10} {'table rows':>14} {'table GB':>9} {'build s':>8} {'2SFCA s':>8} "
        f"{'peak MB':>8}  result"
    )
    print(head)
    print("-" * len(head))
    for n in sorted(set(args.pysal_sizes) | set(args.sizes)):
        rows = n * args.m
        gb = rows * 24 / 1e9  # int64 origin + int64 dest + float64 cost
        if n not in args.pysal_sizes:
            need = 2 * gb  # measured: PySAL's peak is about twice the table (merge copies)
            print(
                f"{n:>10,} {rows:>14,} {gb:>9.2f} {'—':>8} {'—':>8} {'—':>8}  "
                f"not attempted: needs ≈ {need:.0f} GB (2 × table)"
            )
            continue
        r = spawn(n, args.m, args.catchment, pysal=True, limit_gb=args.limit_gb)
        if "error" in r:
            print(
                f"{n:>10,} {rows:>14,} {gb:>9.2f} {'—':>8} {'—':>8} {'—':>8}  "
                f"stopped: {r['error'][:60]}"
            )
            continue
        print(
            f"{n:>10,} {rows:>14,} {gb:>9.2f} {r['cost_table_s']:>8.2f} {r['pysal_2sfca_s']:>8.2f} "
            f"{r['peak_rss_mb']:>8.0f}  max |Δ| vs Walouja = {r['max_abs_diff']:.1e}"
        )


if __name__ == "__main__":
    main()
