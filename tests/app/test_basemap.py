"""Basemap choice: OSM tiles only when allowed and the tile server answers."""

from __future__ import annotations

import socket

from app.components.basemap import tile_server_reachable, tiles_mode


def test_reachability_is_one_cheap_tcp_connection() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert tile_server_reachable(("127.0.0.1", port), timeout=1.0)
    assert not tile_server_reachable(("127.0.0.1", port), timeout=1.0)  # closed now


def test_setting_none_or_osm_needs_no_check() -> None:
    assert tiles_mode("none") == "none"
    assert tiles_mode("osm") == "osm"
