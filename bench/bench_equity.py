"""Benchmark: weighted equity indices (Gini, nested Theil, Palma, Lorenz) as demand grows.

Run: ``.venv/bin/python bench/bench_equity.py [--sizes 1503 100000 1000000]``

Synthetic, seeded units (lognormal distances, integer weights, 12 groups of ~6 sub-groups
each, like regions and provinces). For each size: time of every index of
:func:`analysis.equity.equity_indices` plus a 101-point Lorenz curve, and, for reference,
PySAL ``inequality``'s unweighted ``Gini`` + ``TheilD`` (regions) on the same values; the
two must agree when all weights are equal, which is checked on the fly.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from inequality.gini import Gini
from inequality.theil import TheilD

from analysis.equity import equity_indices, lorenz_curve


def _best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1503, 100_000, 1_000_000])
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    print(f"{'n':>10}  {'walouja weighted s':>19}  {'pysal unweighted s':>19}  {'|Δ| equal w':>12}")
    for n in args.sizes:
        x = rng.lognormal(3.0, 0.9, n)
        w = rng.integers(1, 2000, n).astype(float)
        region = rng.integers(0, 12, n)
        province = region * 10 + rng.integers(0, 6, n)
        repeat = 3 if n <= 100_000 else 1

        def ours(x=x, w=w, region=region, province=province) -> None:  # type: ignore[no-untyped-def]
            equity_indices(x, w, groups=region, subgroups=province)
            lorenz_curve(x, w)

        def pysal(x=x, region=region) -> None:  # type: ignore[no-untyped-def]
            Gini(x)
            TheilD(x, region)

        t_ours = _best(ours, repeat)
        t_pysal = _best(pysal, repeat)
        equal = equity_indices(x, np.ones(n), groups=region)
        delta = max(
            abs(equal.gini - float(Gini(x).g)),
            abs(equal.theil.between - float(np.ravel(TheilD(x, region).bg)[0])),
        )
        print(f"{n:>10,}  {t_ours:>19.3f}  {t_pysal:>19.3f}  {delta:>12.1e}")


if __name__ == "__main__":
    main()
