"""Which basemap to draw: OSM tiles when allowed and reachable, else our own boundaries."""

from __future__ import annotations

import socket

import streamlit as st

OSM_HOST = ("tile.openstreetmap.org", 443)


def tile_server_reachable(host: tuple[str, int] = OSM_HOST, *, timeout: float = 1.0) -> bool:
    """Whether a TCP connection to the tile server opens within ``timeout`` seconds."""
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


@st.cache_data(ttl=900, show_spinner=False)
def _reachable_cached() -> bool:
    return tile_server_reachable()


def tiles_mode(setting: str) -> str:
    """``"osm"`` or ``"none"`` for the setting ``WALOUJA_TILES`` (none, osm, auto).

    ``auto`` checks the tile server once every 15 minutes per server process (one TCP
    connection, 1 s at most), so an offline intranet costs nothing after the first page.
    """
    if setting == "osm":
        return "osm"
    if setting == "auto":
        return "osm" if _reachable_cached() else "none"
    return "none"
