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


def linked_assets(m: folium.Map) -> list[str]:
    """Every script and stylesheet URL a map makes the browser load (as ``st_folium`` collects
    them: the map's and each element's ``default_js``/``default_css``)."""
    import branca

    urls: list[str] = []

    def walk(element: object) -> None:
        if isinstance(element, branca.colormap.ColorMap):
            urls.append("https://d3js.org/d3.v4.min.js")  # st_folium adds d3 from a CDN
        urls.extend(url for _, url in getattr(element, "default_js", []))
        urls.extend(url for _, url in getattr(element, "default_css", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))


def external_assets(m: folium.Map) -> list[str]:
    """The linked assets that are not served by the app itself (should be none)."""
    return [url for url in linked_assets(m) if not url.startswith(STATIC_URL)]


def local_path(url: str) -> Path:
    """Where a ``/app/static/vendor/...`` URL's file lives on disk."""
    return VENDOR_DIR / url.removeprefix("/app/static/vendor/")
