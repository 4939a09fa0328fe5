"""Map explorer place search: time of one search over every region, province and commune,
typed letter by letter.

Run: ``WALOUJA_DB_NAME=walouja_test .venv/bin/python bench/bench_search.py``. The search runs
on every submitted query of the Map explorer; each query below is searched at every length a
user types it ("k", "ke", "kel"…), warm (a server has filled its caches on its first search),
and the first search of the process (caches empty) is reported apart. No peer: the figure is
a budget (well under 50 ms a search, so that the answer comes with the page's rerun).
"""

from __future__ import annotations

import statistics
import time

import pandas as pd

from app.textsearch import search_places
from geo import maps
from geo.db import connect
from geo.maps import LEVELS
from walouja.settings import get_settings

QUERIES = [
    "sla",
    "kelmim",
    "casa",
    "wjda",
    "asfi",
    "layoun",
    "sidi kacem",
    "ksar lkbir",
    "ben slimane",
    "tiznit",
    "سلا",
    "الدار البيضاء",
    "وجدة",
    "zzzz",
]


def main() -> None:
    """Print the first search's time, then median, 95th percentile and maximum warm."""
    with connect(get_settings()) as conn:
        units: dict[str, pd.DataFrame] = {kind: maps.units(conn, kind) for kind in LEVELS}
    n = sum(len(u) for u in units.values())
    typed = [q[:k] for q in QUERIES for k in range(1, len(q) + 1)]
    started = time.perf_counter()
    search_places(units, typed[0])
    first = time.perf_counter() - started
    times = []
    for _ in range(3):
        for query in typed:
            started = time.perf_counter()
            search_places(units, query)
            times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"places: {n}; queries: {len(typed)} prefixes of {len(QUERIES)} names, 3 rounds")
    print(f"first search (caches empty): {first * 1000:.0f} ms")
    print(
        f"warm: median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
