"""Point folium at the Leaflet/Bootstrap/Font Awesome files served by the app itself.

``make run`` installs the files from the npm registry into ``app/static/vendor``; Streamlit
serves that folder at ``/app/static/`` (``server.enableStaticServing``). No CDN is contacted.
"""

from __future__ import annotations

from pathlib import Path

import folium

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
STATIC_URL = "/app/static/vendor/node_modules"

JS = [
    ("leaflet", f"{STATIC_URL}/leaflet/dist/leaflet.js"),
    ("jquery", f"{STATIC_URL}/jquery/dist/jquery.min.js"),
    ("bootstrap", f"{STATIC_URL}/bootstrap/dist/js/bootstrap.bundle.min.js"),
    ("awesome_markers", f"{STATIC_URL}/leaflet.awesome-markers/dist/leaflet.awesome-markers.js"),
]
CSS = [
    ("leaflet_css", f"{STATIC_URL}/leaflet/dist/leaflet.css"),
    ("bootstrap_css", f"{STATIC_URL}/bootstrap/dist/css/bootstrap.min.css"),
    ("awesome_markers_font_css", f"{STATIC_URL}/@fortawesome/fontawesome-free/css/all.min.css"),
    (
        "awesome_markers_css",
        f"{STATIC_URL}/leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    ),
]


def assets_installed() -> bool:
    """Whether ``scripts/vendor-assets.sh`` has installed the files."""
    return (VENDOR_DIR / ".installed").exists()


def use_local_assets() -> None:
    """Make every folium map link the app's own copies instead of public CDNs."""
    folium.Map.default_js = list(JS)
    folium.Map.default_css = list(CSS)
