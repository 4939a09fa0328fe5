"""National access benchmark: Walouja's 2SFCA / E2SFCA vs PySAL ``access`` on the same inputs.

Demand: every commune's demand point weighted by its persons with disabilities; supply:
every operating centre with its capacity (missing capacities filled with the median), both
read from the database (``WALOUJA_DB_NAME``, default ``walouja``). PySAL gets the dense
cost table of the same great-circle distances (built once, timed apart); both results are
compared to 1e-9.

    .venv/bin/python bench/bench_access.py [--catchment 60] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    from geo import db
    from geo.inputs import load_centres, load_demand
    from walouja.settings import get_settings

    with db.connect(get_settings()) as conn:
        return load_demand(conn), load_centres(conn)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time over ``repeat`` runs after one untimed warm-up, and the last result."""
    times = []
    result = fn()
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catchment", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from _peers import cost_frame, pysal_access
    from access import weights

    from analysis.access import e2sfca_steps, fill_capacity, floating_catchment
    from analysis.distance import distance_matrix_km
    from walouja.errors import WaloujaError

    try:
        demand, centres = load_inputs()
    except WaloujaError as exc:
        sys.exit(f"bench_access: the national data are not loaded ({exc})")
    capacity, filled = fill_capacity(centres["capacity"], strategy="median")
    n, m = len(demand), len(centres)
    dlon, dlat = demand["lon"].to_numpy(), demand["lat"].to_numpy()
    clon, clat = centres["lon"].to_numpy(), centres["lat"].to_numpy()
    pwd = demand["pwd"].to_numpy(dtype=float)
    print(
        f"national problem: {n:,} communes × {m:,} operating centres "
        f"({filled} capacities filled with the median), catchment {args.catchment:g} km; "
        f"median of {args.repeat} runs"
    )

    build_s, dense = timed(lambda: distance_matrix_km(dlon, dlat, clon, clat), 3)
    cost = cost_frame(dense)

    def pysal(weight_fn: Any) -> np.ndarray:
        acc = pysal_access(pwd, capacity, cost)
        if weight_fn is None:
            out = acc.two_stage_fca(name="a", max_cost=args.catchment)
        else:
            out = acc.enhanced_two_stage_fca(name="a", max_cost=args.catchment, weight_fn=weight_fn)
        return out["a_capacity"].reindex(np.arange(n)).fillna(0.0).to_numpy()

    steps = e2sfca_steps(args.catchment)
    rows = []

    def ours_fn(method: str) -> Callable[[], Any]:
        return lambda: floating_catchment(
            dlon, dlat, pwd, clon, clat, capacity, method=method, catchment_km=args.catchment
        )

    def theirs_fn(weight_fn: Any) -> Callable[[], Any]:
        return lambda: pysal(weight_fn)

    for method, weight_fn in (("2sfca", None), ("e2sfca", weights.step_fn(dict(steps)))):
        ours_s, ours = timed(ours_fn(method), args.repeat)
        theirs_s, theirs = timed(theirs_fn(weight_fn), args.repeat)
        diff = float(np.abs(ours.score - theirs).max())
        if diff > 1e-9:
            sys.exit(f"bench_access: {method} results differ from PySAL by {diff:g}")
        rows.append((method, ours_s, theirs_s, diff, ours.n_pairs))

    print()
    head = (
        f"{'method':<7} {'Walouja ms':>10} {'PySAL ms':>9} {'ratio':>6} "
        f"{'PySAL+table ms':>14} {'ratio':>6} {'pairs ≤ d0':>10} {'max |Δ|':>8}"
    )
    print(head)
    print("-" * len(head))
    for method, ours_s, theirs_s, diff, pairs in rows:
        print(
            f"{method:<7} {ours_s * 1e3:>10.2f} {theirs_s * 1e3:>9.1f} {theirs_s / ours_s:>5.0f}× "
            f"{(theirs_s + build_s) * 1e3:>14.1f} {(theirs_s + build_s) / ours_s:>5.0f}× "
            f"{pairs:>10,} {diff:>8.1e}"
        )
    print(
        f"\nWalouja's time includes its own neighbour search from lon/lat; 'PySAL ms' is the "
        f"PySAL call alone on a ready dense table ({n * m:,} rows), 'PySAL+table' adds the "
        f"{build_s * 1e3:.0f} ms it took to build that table."
    )


if __name__ == "__main__":
    main()
