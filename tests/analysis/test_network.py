"""Network travel times on a small OSM XML grid, checked against networkx's own shortest paths.

The fixture ``grid_rabat.osm`` is a hand-written 4 × 4 grid near Rabat (0.01° spacing):
rows are primary, residential, one-way residential (eastbound) and tertiary with
``maxspeed=50``; columns are secondary, residential, footway (not drivable) and trunk.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from analysis.distance import nearest
from analysis.network import ROAD_SPEEDS_KMH, TravelTimes, prepare_graph, travel_times
from geo.inputs import read_road_graph
from walouja.errors import AnalysisError, DataError, NotFoundError

FIXTURE = Path(__file__).parent / "fixtures" / "grid_rabat.osm"


def node_lonlat(r: int, c: int) -> tuple[float, float]:
    return -6.86 + 0.01 * c, 34.0 + 0.01 * r


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return prepare_graph(read_road_graph(FIXTURE, simplify=False))


def test_each_way_keeps_its_own_speed_by_default() -> None:
    # osmnx's simplification would merge the primary and the secondary ways of the grid's
    # first row into one edge timed at a single speed: the default read keeps them apart
    default = prepare_graph(read_road_graph(FIXTURE))
    assert not any(isinstance(h, list) for _, _, h in default.edges(data="highway"))
    speeds = {(u, v): d["speed_kph"] for u, v, d in default.edges(data=True)}
    assert speeds[(1000, 1001)] == ROAD_SPEEDS_KMH["primary"]
    assert speeds[(1030, 1031)] == 50.0
    for _, _, d in default.edges(data=True):  # seconds = metres / (km/h / 3.6)
        assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6), rel=1e-3)


def test_speeds_follow_the_table_and_maxspeed(graph: nx.MultiDiGraph) -> None:
    speeds = {(u, v): d["speed_kph"] for u, v, d in graph.edges(data=True)}
    assert speeds[(1000, 1001)] == ROAD_SPEEDS_KMH["primary"]
    assert speeds[(1010, 1011)] == ROAD_SPEEDS_KMH["residential"]
    assert speeds[(1030, 1031)] == 50.0  # maxspeed tag wins over tertiary's 60
    assert (1002, 1012) not in speeds  # the footway is dropped
    assert (1021, 1020) not in speeds  # one-way eastbound
    assert (1020, 1021) in speeds


def test_one_edge_by_hand(graph: nx.MultiDiGraph) -> None:
    length_m = graph.edges[1001, 1000, 0]["length"]
    assert length_m == pytest.approx(921.8, abs=0.5)  # 0.01° of longitude at 34° N
    res = travel_times(
        graph, [node_lonlat(0, 1)[0]], [34.0], [-6.86], [34.0], connector_speed_kmh=None
    )
    assert res.minutes[0] == pytest.approx(length_m / 1000 / 80 * 60, rel=1e-12)


def test_multi_source_equals_networkx_shortest_paths(graph: nx.MultiDiGraph) -> None:
    centres = [(2, 0), (1, 3)]
    clon, clat = zip(*(node_lonlat(*c) for c in centres), strict=True)
    cells = [(r, c) for r in range(4) for c in range(4)]
    dlon, dlat = zip(*(node_lonlat(*c) for c in cells), strict=True)
    res = travel_times(graph, dlon, dlat, clon, clat, connector_speed_kmh=None)
    centre_nodes = [1000 + 10 * r + c for r, c in centres]
    for k, (r, c) in enumerate(cells):
        node = 1000 + 10 * r + c
        expected = min(
            nx.shortest_path_length(graph, node, target, weight="travel_time")
            for target in centre_nodes
        )
        assert res.minutes[k] == pytest.approx(expected / 60, rel=1e-12), node
        assert res.demand_node[k] == node
    assert res.minutes[cells.index((2, 0))] == 0.0


def test_direction_matters_on_one_way_streets(graph: nx.MultiDiGraph) -> None:
    # from 1020 to 1021 the one-way street is allowed; from 1021 to 1020 it is not
    forward = nx.shortest_path_length(graph, 1020, 1021, weight="travel_time")
    backward = nx.shortest_path_length(graph, 1021, 1020, weight="travel_time")
    assert backward > forward
    to_1021 = travel_times(
        graph,
        [node_lonlat(2, 0)[0]],
        [node_lonlat(2, 0)[1]],
        [node_lonlat(2, 1)[0]],
        [node_lonlat(2, 1)[1]],
        connector_speed_kmh=None,
    )
    assert to_1021.minutes[0] == pytest.approx(forward / 60, rel=1e-12)
    to_1020 = travel_times(
        graph,
        [node_lonlat(2, 1)[0]],
        [node_lonlat(2, 1)[1]],
        [node_lonlat(2, 0)[0]],
        [node_lonlat(2, 0)[1]],
        connector_speed_kmh=None,
    )
    assert to_1020.minutes[0] == pytest.approx(backward / 60, rel=1e-12)


def test_connectors_add_off_network_legs(graph: nx.MultiDiGraph) -> None:
    # demand 0.002° north of node 1011, centre 0.001° south of node 1001 (both off the graph)
    dlon, dlat = -6.85, 34.012
    clon, clat = -6.85, 33.999
    res = travel_times(graph, [dlon], [dlat], [clon], [clat], connector_speed_kmh=30.0)
    assert res.demand_node[0] == 1011
    assert res.centre_node[0] == 1001
    path_s = nx.shortest_path_length(graph, 1011, 1001, weight="travel_time")
    legs_km = res.demand_snap_km[0] + res.centre_snap_km[0]
    assert legs_km == pytest.approx(0.003 * 111.195, rel=1e-3)
    assert res.minutes[0] == pytest.approx(path_s / 60 + legs_km / 30 * 60, rel=1e-12)


def test_cutoff_marks_far_points_unreachable(graph: nx.MultiDiGraph) -> None:
    res = travel_times(
        graph,
        [-6.83, -6.86],
        [34.03, 34.0],
        [-6.86],
        [34.0],
        connector_speed_kmh=None,
        cutoff_min=1.0,
    )
    assert np.isinf(res.minutes[0])
    assert res.minutes[1] == 0.0


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        read_road_graph(FIXTURE.with_name("missing.osm"))
    empty = tmp_path / "roads.osm"
    empty.write_text('<osm version="0.6"></osm>', encoding="utf-8")
    with pytest.raises(DataError, match="holds no roads"):
        read_road_graph(empty)
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><way", encoding="utf-8")
    with pytest.raises(DataError, match="is not usable OSM XML"):
        read_road_graph(broken)
    g = prepare_graph(read_road_graph(FIXTURE, simplify=False))
    with pytest.raises(AnalysisError, match="no centres"):
        travel_times(g, [-6.85], [34.0], [], [])


def test_a_file_that_is_no_osm_xml_says_so_without_a_codec_error(tmp_path: Path) -> None:
    # a GeoPackage given as roads: it said "'utf-8' codec can't decode byte 0xa0"
    gpkg = tmp_path / "roads.gpkg"
    gpkg.write_bytes(b"SQLite format 3\x00\xa0\xff" + bytes(100))
    with pytest.raises(DataError) as caught:
        read_road_graph(gpkg)
    assert (
        caught.value.message
        == f"road network file {gpkg} is not OSM XML (an .osm file begins with '<')"
    )
    assert "codec" not in str(caught.value)
    assert "GeoPackages" in str(caught.value.hint)


def test_a_graph_of_footpaths_only_says_which_roads_count(tmp_path: Path) -> None:
    paths = tmp_path / "paths.osm"
    paths.write_text(
        '<osm version="0.6"><node id="1" lat="34.0" lon="-6.85"/>'
        '<node id="2" lat="34.001" lon="-6.85"/>'
        '<way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>',
        encoding="utf-8",
    )
    with pytest.raises(AnalysisError, match="no drivable edge") as caught:
        prepare_graph(read_road_graph(paths))
    assert "residential" in str(caught.value.hint)
    assert "not only its paths" in str(caught.value.hint)


def test_points_far_from_the_graph_are_off_the_network(graph: nx.MultiDiGraph) -> None:
    # a demand point 0.2° (about 22 km) south of the grid; a centre far away is not a source
    res = travel_times(
        graph, [-6.85, -6.85], [33.8, 34.0], [-6.86, -5.0], [34.0, 34.0], max_snap_km=10.0
    )
    assert np.isinf(res.minutes[0])
    assert np.isfinite(res.minutes[1])
    unlimited = travel_times(graph, [-6.85], [33.8], [-6.86], [34.0], max_snap_km=None)
    assert np.isfinite(unlimited.minutes[0])
    with pytest.raises(AnalysisError, match="no centre lies within 10 km"):
        travel_times(graph, [-6.85], [34.0], [-5.0], [34.0])


# ----------------------------------------------------------------- which centre is fastest


def route_minutes(graph: nx.MultiDiGraph, res: TravelTimes, i: int, j: int) -> float:
    """Minutes from demand point ``i`` to centre ``j`` alone, legs included (networkx)."""
    try:
        path_s = nx.shortest_path_length(
            graph,
            res.demand_node[i],
            res.centre_node[j],
            weight="travel_time",
        )
    except nx.NetworkXNoPath:
        return float("inf")
    speed = res.connector_speed_kmh
    legs_km = res.demand_snap_km[i] + res.centre_snap_km[j]
    legs_s = 0.0 if speed is None else legs_km / speed * 3600.0
    return float(path_s + legs_s) / 60.0


def check_against_networkx(
    graph: nx.MultiDiGraph, res: TravelTimes, n_centres: int, cutoff_min: float | None = None
) -> None:
    """Minutes equal the best centre's route and ``centre_index`` names a centre that fast."""
    minutes = res.minutes
    index = res.centre_index
    assert index.dtype == np.int64
    for i in range(minutes.size):
        own = [route_minutes(graph, res, i, j) for j in range(n_centres)]
        if np.isinf(minutes[i]):
            assert index[i] == -1
            if cutoff_min is None:
                assert np.isinf(min(own)), i
            else:
                assert min(own) > cutoff_min, i
            continue
        assert minutes[i] == pytest.approx(min(own), rel=0, abs=1e-9), i
        assert 0 <= index[i] < n_centres
        assert own[index[i]] == pytest.approx(minutes[i], rel=0, abs=1e-9), i


def test_minutes_equal_networkx_multi_source_dijkstra(graph: nx.MultiDiGraph) -> None:
    centres = [(2, 0), (1, 3), (3, 1)]
    clon, clat = zip(*(node_lonlat(*c) for c in centres), strict=True)
    cells = [(r, c) for r in range(4) for c in range(4)]
    dlon, dlat = zip(*(node_lonlat(*c) for c in cells), strict=True)
    reverse = graph.reverse(copy=True)
    sources = {1000 + 10 * r + c for r, c in centres}
    for cutoff in (None, 1.5):
        expected = nx.multi_source_dijkstra_path_length(
            reverse, sources, cutoff=None if cutoff is None else cutoff * 60, weight="travel_time"
        )
        res = travel_times(
            graph, dlon, dlat, clon, clat, connector_speed_kmh=None, cutoff_min=cutoff
        )
        for k, node in enumerate(res.demand_node.tolist()):
            want = expected[node] / 60 if node in expected else np.inf
            assert res.minutes[k] == pytest.approx(want, rel=0, abs=1e-9), node
        assert np.isinf(res.minutes).any() == (cutoff is not None)
        check_against_networkx(graph, res, len(centres), cutoff)


def test_off_network_points_against_networkx(graph: nx.MultiDiGraph) -> None:
    # random points in and around the grid, legs counted: centres off their nodes compete
    rng = np.random.default_rng(7)
    dlon, dlat = rng.uniform(-6.87, -6.82, 60), rng.uniform(33.99, 34.04, 60)
    clon, clat = rng.uniform(-6.87, -6.82, 5), rng.uniform(33.99, 34.04, 5)
    res = travel_times(graph, dlon, dlat, clon, clat, connector_speed_kmh=20.0, cutoff_min=6.0)
    assert np.isfinite(res.minutes).sum() > 10
    assert np.isinf(res.minutes).sum() > 0
    assert len(set(res.centre_index[res.centre_index >= 0].tolist())) > 1
    check_against_networkx(graph, res, 5, 6.0)


def random_graph(seed: int, n: int = 150) -> nx.MultiDiGraph:
    """Nodes scattered near Rabat; one-way, two-way, parallel and zero-second edges."""
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph()
    for k in range(n):
        g.add_node(k, x=-6.9 + 0.1 * rng.random(), y=34.0 + 0.1 * rng.random())
    for _ in range(4 * n):
        u, v = (int(x) for x in rng.integers(0, n, 2))
        t = 0.0 if rng.random() < 0.05 else float(rng.uniform(5, 300))
        g.add_edge(u, v, travel_time=t)
        if rng.random() < 0.7:
            g.add_edge(v, u, travel_time=t)
    return g


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_graphs_against_networkx(seed: int) -> None:
    g = random_graph(seed)
    rng = np.random.default_rng(100 + seed)
    dlon, dlat = rng.uniform(-6.92, -6.78, 80), rng.uniform(33.98, 34.12, 80)
    clon, clat = rng.uniform(-6.92, -6.78, 8), rng.uniform(33.98, 34.12, 8)
    for speed in (None, 30.0):
        res = travel_times(g, dlon, dlat, clon, clat, connector_speed_kmh=speed)
        check_against_networkx(g, res, 8)
        # the same minutes as networkx's own multi-source search from a super source
        rev = g.reverse(copy=True)
        legs = res.centre_snap_km / speed * 3600 if speed else np.zeros(8)
        for j, node in enumerate(res.centre_node.tolist()):
            rev.add_edge("S", node, travel_time=float(legs[j]))
        on_graph = nx.multi_source_dijkstra_path_length(rev, {"S"}, weight="travel_time")
        demand_legs = res.demand_snap_km / speed * 3600 if speed else np.zeros(80)
        want = np.array([on_graph.get(n, np.inf) for n in res.demand_node.tolist()]) + demand_legs
        np.testing.assert_allclose(res.minutes, want / 60, rtol=0, atol=1e-9)


def line_graph() -> nx.MultiDiGraph:
    """Four nodes at 34° N, ``travel_time`` set by hand (seconds).

    Node 1 (-6.86) is where people live; node 2 (-6.85) is 0.9 km east over a slow track
    (600 s each way); node 3 (-6.80) is 5.5 km east over a fast road (120 s, plus a parallel
    90 s lane from 1 to 3); node 4 sits 0.0001° north of node 3, joined to it by 0-second
    edges; node 5 (-6.70) has no edge.
    """
    g = nx.MultiDiGraph()
    for node, lon, lat in [
        (1, -6.86, 34.0),
        (2, -6.85, 34.0),
        (3, -6.80, 34.0),
        (4, -6.80, 34.0001),
        (5, -6.70, 34.0),
    ]:
        g.add_node(node, x=lon, y=lat)
    for u, v, t in [(1, 2, 600.0), (2, 1, 600.0), (1, 3, 120.0), (3, 1, 120.0), (1, 3, 90.0)]:
        g.add_edge(u, v, travel_time=t)
    g.add_edge(3, 4, travel_time=0.0)
    g.add_edge(4, 3, travel_time=0.0)
    return g


def test_the_fastest_centre_is_not_the_straight_line_nearest() -> None:
    g = line_graph()
    # centre 0 on node 2 (slow, near), centre 1 on node 3 (fast, far)
    clon, clat = [-6.85, -6.80], [34.0, 34.0]
    dlon, dlat = [-6.86, -6.85, -6.80, -6.70], [34.0, 34.0, 34.0001, 34.0]
    res = travel_times(g, dlon, dlat, clon, clat, connector_speed_kmh=None)
    assert nearest(dlon[:1], dlat[:1], clon, clat).index[0] == 0  # straight line: node 2
    # from node 1: 600 s to centre 0, min(120, 90) s to centre 1
    assert res.minutes.tolist() == [1.5, 0.0, 0.0, np.inf]
    assert res.centre_index.tolist() == [1, 0, 1, -1]  # node 4 reaches node 3 in 0 s
    # beyond the cutoff no centre is named
    cut = travel_times(g, dlon, dlat, clon, clat, connector_speed_kmh=None, cutoff_min=1.0)
    assert cut.minutes.tolist() == [np.inf, 0.0, 0.0, np.inf]
    assert cut.centre_index.tolist() == [-1, 0, 1, -1]
    # off the network (max_snap_km): no centre either
    off = travel_times(g, [-6.86], [34.5], clon, clat, connector_speed_kmh=None)
    assert off.minutes.tolist() == [np.inf]
    assert off.centre_index.tolist() == [-1]


def test_connector_legs_decide_the_fastest_centre() -> None:
    g = line_graph()
    # centre 0 on node 3 (1.5 min away), centre 1 0.01° north of node 2: 1.11 km at 5 km/h
    # = 13.3 min of leg on top of 10 min of track; the demand point is on node 1
    clon, clat = [-6.80, -6.85], [34.0, 34.01]
    res = travel_times(g, [-6.86], [34.0], clon, clat, connector_speed_kmh=5.0)
    assert res.centre_index.tolist() == [0]
    assert res.minutes[0] == pytest.approx(1.5, abs=1e-9)
    # with legs ignored the same centres: 10 min over the track vs 1.5 min on the fast road
    free = travel_times(g, [-6.86], [34.0], clon, clat, connector_speed_kmh=None)
    assert free.centre_index.tolist() == [0]
    # put centre 0 far off the fast road's end instead: 0.03° north of node 3 (3.3 km leg)
    far = travel_times(g, [-6.86], [34.0], [-6.80, -6.85], [34.03, 34.0], connector_speed_kmh=5.0)
    leg_0 = far.centre_snap_km[0] / 5.0 * 60
    assert far.minutes[0] == pytest.approx(min(1.5 + leg_0, 10.0), abs=1e-9)
    assert far.centre_index.tolist() == [1]


def test_centres_on_the_same_node() -> None:
    g = line_graph()
    # three centres snap to node 3: 0.001° south (leg), then twice exactly on it
    clon, clat = [-6.80, -6.80, -6.80], [33.999, 34.0, 34.0]
    res = travel_times(g, [-6.86], [34.0], clon, clat, connector_speed_kmh=30.0)
    assert res.centre_node.tolist() == [3, 3, 3]
    assert res.centre_index.tolist() == [1]  # the shortest leg, then the lowest position
    assert res.minutes[0] == pytest.approx(1.5, abs=1e-9)
    # legs ignored: all three tie on the node, the lowest position wins
    free = travel_times(g, [-6.86], [34.0], clon, clat, connector_speed_kmh=None)
    assert free.centre_index.tolist() == [0]


def test_bad_travel_times_and_cutoff() -> None:
    g = line_graph()
    with pytest.raises(AnalysisError, match="not a number"):
        travel_times(g, [-6.86], [34.0], [-6.80], [34.0], cutoff_min=float("nan"))
    g.add_edge(1, 2, travel_time=-1.0)
    with pytest.raises(AnalysisError, match="negative or undefined travel_time"):
        travel_times(g, [-6.86], [34.0], [-6.80], [34.0])
    g.add_edge(1, 2)
    with pytest.raises(AnalysisError, match="without travel_time"):
        travel_times(g, [-6.86], [34.0], [-6.80], [34.0])
    # a negative cutoff reaches nothing, as before
    res = travel_times(line_graph(), [-6.86], [34.0], [-6.80], [34.0], cutoff_min=-1.0)
    assert res.minutes.tolist() == [np.inf]
    assert res.centre_index.tolist() == [-1]
