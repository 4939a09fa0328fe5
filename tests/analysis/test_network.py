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

from analysis.network import ROAD_SPEEDS_KMH, prepare_graph, travel_times
from geo.inputs import read_road_graph
from walouja.errors import AnalysisError, NotFoundError

FIXTURE = Path(__file__).parent / "fixtures" / "grid_rabat.osm"


def node_lonlat(r: int, c: int) -> tuple[float, float]:
    return -6.86 + 0.01 * c, 34.0 + 0.01 * r


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return prepare_graph(read_road_graph(FIXTURE, simplify=False))


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


def test_errors() -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        read_road_graph(FIXTURE.with_name("missing.osm"))
    g = prepare_graph(read_road_graph(FIXTURE, simplify=False))
    with pytest.raises(AnalysisError, match="no centres"):
        travel_times(g, [-6.85], [34.0], [], [])


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
