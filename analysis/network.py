"""Road-network travel times from demand points to the nearest centre (one multi-source Dijkstra).

Edge speeds: an OSM ``maxspeed`` tag wins where present; otherwise the typical free-flow
speed of the road class in :data:`ROAD_SPEEDS_KMH` (below Morocco's legal limits: 120 km/h on
autoroutes, 100 outside built-up areas, 60 inside). Travel time = length / speed.

Demand points and centres are snapped to their nearest graph node (great-circle, KD-tree on
unit vectors). The off-network leg to that node is counted at ``connector_speed_kmh``
(``None``: not counted); a point more than ``max_snap_km`` from every node is off the network
(a demand point then gets ``inf``, a centre is not a source). One Dijkstra
(``scipy.sparse.csgraph.dijkstra``) runs from all centres at once on the reversed graph, so
each node gets the time of its fastest route *to* a centre, respecting one-way streets, and
the centre that route ends at (the search's source, not a stored path).

The reversed graph is a CSR matrix built from its index arrays, so zero-second edges stay
explicit entries (the csgraph routines read an explicit zero as an edge of weight 0, a missing
entry as no edge); parallel edges keep the fastest. Each on-network centre is one extra source
node linked to its graph node by an edge weighted with its off-network leg.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from analysis.distance import FloatArray, IntArray, check_lonlat, pair_km, unit_vectors
from walouja.errors import AnalysisError

ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 90.0,
    "trunk_link": 50.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 70.0,
    "secondary_link": 40.0,
    "tertiary": 60.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "road": 40.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 20.0,
    "track": 20.0,
}
"""Typical free-flow speed (km/h) per OSM ``highway`` class, used where ``maxspeed`` is absent."""

FALLBACK_SPEED_KMH = 30.0
"""Speed of a road class missing from the table and without any ``maxspeed`` in the graph."""

DEFAULT_CONNECTOR_SPEED_KMH = 30.0
"""Speed of the straight off-network leg between a point and its nearest graph node."""

DEFAULT_MAX_SNAP_KM = 10.0
"""A point farther than this from every graph node is off the network (unreachable)."""


def prepare_graph(
    graph: nx.MultiDiGraph,
    *,
    speeds: Mapping[str, float] = ROAD_SPEEDS_KMH,
    fallback_kmh: float = FALLBACK_SPEED_KMH,
    drive_only: bool = True,
) -> nx.MultiDiGraph:
    """Add ``speed_kph`` and ``travel_time`` (seconds) to every edge of an osmnx graph.

    Parameters
    ----------
    speeds
        Speed (km/h) per ``highway`` class where the edge has no ``maxspeed``.
    fallback_kmh
        Speed of classes not in ``speeds``.
    drive_only
        Drop edges whose ``highway`` class is not in ``speeds`` (footways, paths...).
    """
    import osmnx as ox

    g = graph.copy()
    if drive_only:
        allowed = set(speeds)

        def _drivable(value: Any) -> bool:
            values = value if isinstance(value, list) else [value]
            return any(v in allowed for v in values)

        drop = [(u, v, k) for u, v, k, h in g.edges(keys=True, data="highway") if not _drivable(h)]
        g.remove_edges_from(drop)
        g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    if g.number_of_edges() == 0:
        raise AnalysisError(
            "the road graph has no drivable edge",
            hint="its ways are none of the road classes a car takes ("
            + ", ".join(sorted(speeds))
            + "): export the area's roads, not only its paths",
        )
    g = ox.routing.add_edge_speeds(g, hwy_speeds=dict(speeds), fallback=fallback_kmh)
    return ox.routing.add_edge_travel_times(g)


@dataclass(frozen=True)
class TravelTimes:
    """Fastest travel time from each demand point to any centre.

    Attributes
    ----------
    minutes
        Travel time in minutes (``inf`` when no centre is reachable).
    centre_index
        Position (in the centre arrays) of the centre each demand point reaches fastest, the
        one ``minutes`` is the time to; ``-1`` where ``minutes`` is ``inf``. Centres on the
        same graph node: the one with the shortest off-network leg (then the lowest
        position). Centres reached in exactly the same time from different nodes: the one
        the search settles first (deterministic for given inputs).
    demand_node, centre_node
        Graph node each point was snapped to.
    demand_snap_km, centre_snap_km
        Great-circle distance from each point to its node.
    connector_speed_kmh
        Speed of the off-network legs (``None``: not counted).
    """

    minutes: FloatArray
    centre_index: IntArray
    demand_node: npt.NDArray[np.object_]
    centre_node: npt.NDArray[np.object_]
    demand_snap_km: FloatArray
    centre_snap_km: FloatArray
    connector_speed_kmh: float | None


def snap(
    graph: nx.MultiDiGraph, lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[npt.NDArray[np.object_], FloatArray]:
    """Nearest graph node (great-circle) of each point and the distance to it in km."""
    x, y = check_lonlat(lon, lat, what="point")
    nodes = np.array(list(graph.nodes), dtype=object)
    if nodes.size == 0:
        raise AnalysisError("the road graph has no node")
    node_lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=np.float64)
    node_lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=np.float64)
    v = unit_vectors(node_lon, node_lat)
    u = unit_vectors(x, y)
    _, idx = cKDTree(v).query(u, k=1)
    idx = np.asarray(idx, dtype=np.int64)
    return nodes[idx], pair_km(u, v[idx])


def _reversed_matrix(
    graph: nx.MultiDiGraph,
    position: Mapping[Any, int],
    source_node: IntArray,
    source_seconds: FloatArray,
) -> csr_array:
    """The reversed graph weighted by fastest travel time, plus one source node per centre.

    Rows and columns ``0 .. n-1`` are the graph's nodes (``position``); row ``n + k`` is the
    ``k``-th source, with one edge to node ``source_node[k]`` weighted ``source_seconds[k]``.
    The matrix is built from its index arrays so that zero weights stay explicit edges.

    Parameters
    ----------
    graph
        An osmnx graph with ``travel_time`` (seconds) on every edge.
    position
        Row of each graph node.
    source_node, source_seconds
        Graph-node row and leg (seconds) of each extra source.

    Returns
    -------
    csr_array
        Square matrix of size ``n + len(source_node)``; entry ``[v, u]`` is the fastest
        ``u -> v`` edge of the graph.
    """
    edges = list(graph.edges(data="travel_time"))
    if any(t is None for _, _, t in edges):
        raise AnalysisError("the road graph has edges without travel_time (prepare_graph)")
    m = len(edges)
    weights = np.fromiter((t for _, _, t in edges), dtype=np.float64, count=m)
    if not (weights >= 0).all():
        raise AnalysisError("the road graph has negative or undefined travel_time values")
    rows = np.fromiter((position[v] for _, v, _ in edges), dtype=np.int64, count=m)
    cols = np.fromiter((position[u] for u, _, _ in edges), dtype=np.int64, count=m)
    n = len(position) + source_node.size
    rows = np.concatenate([rows, len(position) + np.arange(source_node.size, dtype=np.int64)])
    cols = np.concatenate([cols, source_node])
    weights = np.concatenate([weights, source_seconds])
    # parallel edges: sort by (row, column, weight) and keep the first, the fastest
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, weights = rows[first], cols[first], weights[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return csr_array((weights, cols, indptr), shape=(n, n))


def travel_times(
    graph: nx.MultiDiGraph,
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    *,
    connector_speed_kmh: float | None = DEFAULT_CONNECTOR_SPEED_KMH,
    max_snap_km: float | None = DEFAULT_MAX_SNAP_KM,
    cutoff_min: float | None = None,
) -> TravelTimes:
    """Minutes from each demand point to its fastest-reached centre over the road graph.

    Parameters
    ----------
    graph
        An osmnx graph with ``travel_time`` (seconds) on edges (see :func:`prepare_graph`).
    connector_speed_kmh
        Speed of the off-network legs to and from the graph; ``None`` ignores them.
    max_snap_km
        Points farther than this from the graph are off the network; ``None``: no limit.
    cutoff_min
        Stop the search beyond this many minutes (farther points get ``inf``).

    Returns
    -------
    TravelTimes
        Minutes, the fastest-reached centre of each demand point (``centre_index``) and the
        snapping of every point.

    Raises
    ------
    AnalysisError
        No centres, no centre within ``max_snap_km`` of the graph, a connector speed that
        is not positive, a NaN cutoff, or an edge whose ``travel_time`` is missing, negative
        or NaN.
    """
    clon, clat = check_lonlat(centre_lon, centre_lat, what="centre")
    dlon, dlat = check_lonlat(demand_lon, demand_lat, what="demand point")
    if clon.size == 0:
        raise AnalysisError("there are no centres to compute travel times to")
    if connector_speed_kmh is not None and not connector_speed_kmh > 0:
        raise AnalysisError(f"connector speed {connector_speed_kmh} km/h is not positive")
    if cutoff_min is not None and np.isnan(cutoff_min):
        raise AnalysisError("the travel-time cutoff is not a number")
    centre_node, centre_km = snap(graph, clon, clat)
    demand_node, demand_km = snap(graph, dlon, dlat)

    def leg_seconds(km: FloatArray) -> FloatArray:
        if connector_speed_kmh is None:
            return np.zeros_like(km)
        return km / connector_speed_kmh * 3600.0

    on_net = np.ones(clon.size, dtype=bool) if max_snap_km is None else centre_km <= max_snap_km
    if not on_net.any():
        raise AnalysisError(
            f"no centre lies within {max_snap_km:g} km of the road network",
            hint="use a road network file that covers the centres",
        )
    centre_s = leg_seconds(centre_km)
    nodes = list(graph.nodes)
    position = {node: i for i, node in enumerate(nodes)}
    # one source per graph node holding centres: the shortest leg, then the lowest position
    on = np.flatnonzero(on_net)
    on_pos = np.fromiter((position[n] for n in centre_node[on].tolist()), np.int64, on.size)
    order = np.lexsort((on, centre_s[on]))
    _, first = np.unique(on_pos[order], return_index=True)
    source_centre = on[order[first]]
    matrix = _reversed_matrix(graph, position, on_pos[order[first]], centre_s[source_centre])
    limit = np.inf if cutoff_min is None else max(float(cutoff_min) * 60.0, 0.0)
    seconds, _, reached_from = dijkstra(
        matrix,
        directed=True,
        indices=len(nodes) + np.arange(source_centre.size),
        return_predecessors=True,
        limit=limit,
        min_only=True,
    )
    demand_pos = np.fromiter(
        (position[n] for n in demand_node.tolist()), np.int64, demand_node.size
    )
    total_s = seconds[demand_pos] + leg_seconds(demand_km)
    minutes = total_s / 60.0
    if max_snap_km is not None:
        minutes[demand_km > max_snap_km] = np.inf
    if cutoff_min is not None:
        minutes[minutes > cutoff_min] = np.inf
    source = reached_from[demand_pos] - len(nodes)  # -9999 (unreached) stays negative
    centre_index = np.full(minutes.size, -1, dtype=np.int64)
    found = np.isfinite(minutes) & (source >= 0)
    centre_index[found] = source_centre[source[found]]
    return TravelTimes(
        minutes=minutes,
        centre_index=centre_index,
        demand_node=demand_node,
        centre_node=centre_node,
        demand_snap_km=demand_km,
        centre_snap_km=centre_km,
        connector_speed_kmh=connector_speed_kmh,
    )
