"""Benchmark: road travel times to the fastest centre vs networkx's multi-source Dijkstra.

Run: ``.venv/bin/python bench/bench_network.py [--sides 60 300 450] [--repeat 3]``

Synthetic, seeded road graphs: a square grid of ``side × side`` nodes 0.005° apart (about
500 m) near Casablanca, edge travel times drawn in [20, 120] s, 10 % of the streets one-way;
1,500 demand points and 60 centres drawn in the same square. Walouja's
:func:`analysis.network.travel_times` (one multi-source Dijkstra in scipy, which also names
the fastest centre) is timed against the networkx way (``multi_source_dijkstra_path_length``
on the reversed graph, as osmnx users write it), both from the same snapped nodes, without
connector legs; the minutes must agree exactly, which is checked on every run.
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from analysis.network import snap, travel_times


def grid(side: int, rng: np.random.Generator) -> nx.MultiDiGraph:
    """A seeded grid road graph with osmnx's attributes (``x``, ``y``, ``travel_time``)."""
    g = nx.MultiDiGraph(crs="EPSG:4326")
    for r in range(side):
        for c in range(side):
            g.add_node(r * side + c, x=-7.7 + 0.005 * c, y=33.4 + 0.005 * r)
    for r in range(side):
        for c in range(side):
            node = r * side + c
            right = node + 1 if c + 1 < side else None
            up = node + side if r + 1 < side else None
            for other in (right, up):
                if other is None:
                    continue
                seconds = float(rng.uniform(20, 120))
                g.add_edge(node, other, travel_time=seconds)
                if rng.random() > 0.1:
                    g.add_edge(other, node, travel_time=seconds)
    return g


def networkx_minutes(
    g: nx.MultiDiGraph, dlon: np.ndarray, dlat: np.ndarray, clon: np.ndarray, clat: np.ndarray
) -> np.ndarray:
    """Minutes from each demand point's node to the nearest centre node, with networkx."""
    rev = nx.DiGraph()
    rev.add_nodes_from(g.nodes)
    for u, v, t in g.edges(data="travel_time"):
        if not rev.has_edge(v, u) or t < rev[v][u]["weight"]:
            rev.add_edge(v, u, weight=t)
    centre_node, _ = snap(g, clon, clat)
    demand_node, _ = snap(g, dlon, dlat)
    seconds = nx.multi_source_dijkstra_path_length(rev, set(centre_node.tolist()), weight="weight")
    return np.array([seconds.get(n, np.inf) for n in demand_node.tolist()]) / 60.0


def _best(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sides", type=int, nargs="+", default=[60, 300, 450])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{'nodes':>8} {'edges':>8}  {'walouja s':>10} {'networkx s':>11} {'ratio':>6}  "
        f"{'max |Δ| min':>11}"
    )
    for side in args.sides:
        rng = np.random.default_rng(side)
        g = grid(side, rng)
        span = 0.005 * (side - 1)
        dlon = rng.uniform(-7.7, -7.7 + span, 1500)
        dlat = rng.uniform(33.4, 33.4 + span, 1500)
        clon = rng.uniform(-7.7, -7.7 + span, 60)
        clat = rng.uniform(33.4, 33.4 + span, 60)
        t_w, ours = _best(
            lambda: travel_times(g, dlon, dlat, clon, clat, connector_speed_kmh=None),  # noqa: B023
            args.repeat,
        )
        t_n, ref = _best(lambda: networkx_minutes(g, dlon, dlat, clon, clat), args.repeat)  # noqa: B023
        diff = float(np.max(np.abs(ours.minutes - ref)))  # type: ignore[attr-defined]
        assert diff < 1e-9, f"minutes differ by {diff}"
        print(
            f"{g.number_of_nodes():>8} {g.number_of_edges():>8}  {t_w:>10.3f} {t_n:>11.3f} "
            f"{t_n / t_w:>6.1f}  {diff:>11.1e}"
        )
    print("\nBoth include snapping the 1,560 points; ratio = networkx s / walouja s (best run).")


if __name__ == "__main__":
    main()
