"""Map explorer budget, server side: time to build each national map and the bytes sent.

Run: ``WALOUJA_DB_NAME=walouja_test .venv/bin/python bench/bench_map.py``. Prints, per
level, the features drawn, the time to build the folium map and render the Leaflet script as
``st_folium`` does (cached GeoJSON text, warm), and the script size in bytes: what the browser
receives. The browser side (time to drawn map after navigation, websocket bytes) is measured
by ``tests/e2e/test_app_browser.py`` and written to ``tests/artifacts/map_budget.json``.
"""

from __future__ import annotations

import logging
import statistics
import time

import streamlit_folium as sf
from streamlit import logger as st_logger

st_logger.set_log_level("error")  # before the app modules: they warn when imported bare


from app import data  # noqa: E402
from app.components import explorer  # noqa: E402
from app.offline import use_local_assets  # noqa: E402

BUDGET_BYTES = 3_000_000


def build(level: str, overlays: list[str]) -> tuple[float, int, int]:
    """Seconds to build and render one national map, script bytes, features drawn."""
    values = explorer.base_values(
        [{str(k): v for k, v in r.items()} for r in data.units(level).to_dict("records")], "pwd"
    )
    started = time.perf_counter()
    fmap, counts = explorer.build_map(
        level=level,
        indicator="pwd",
        values=values,
        region=None,
        province=None,
        overlays=overlays,
        tiles="none",
    )
    fmap.get_root().render()  # what st_folium does, twice
    fmap.render()
    script = sf._get_map_string(fmap)
    return time.perf_counter() - started, len(script.encode("utf-8")), counts[level]


def main() -> None:
    """Print the table."""
    # Streamlit warns on every cached call outside `streamlit run`: keep the table readable.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    use_local_assets()
    print(f"{'level':<10} {'overlays':<9} {'features':>8} {'build+render s':>15} {'bytes':>10}")
    for level in ("regions", "provinces", "communes"):
        for overlays in ([], ["centres"]):
            build(level, overlays)  # warm the caches (the server keeps them)
            runs = [build(level, overlays) for _ in range(5)]
            seconds = statistics.median(r[0] for r in runs)
            size, features = runs[0][1], runs[0][2]
            flag = "" if size < BUDGET_BYTES else "  OVER BUDGET"
            label = "+centres" if overlays else "-"
            print(f"{level:<10} {label:<9} {features:>8} {seconds:>15.3f} {size:>10,}{flag}")


if __name__ == "__main__":
    main()
