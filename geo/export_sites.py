"""Proposed sites of a prioritisation scenario as GeoPackage or CSV bytes (for downloads)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.export import write_frame
from walouja.errors import DataError

SITE_COLUMNS = (
    "rank",
    "site_id",
    "commune_code",
    "name_fr",
    "name_ar",
    "commune_fr",
    "commune_ar",
    "province_code",
    "province_fr",
    "province_ar",
    "region_code",
    "gain",
    "gain_unit",
    "cost_mad",
    "forced",
)
"""Columns written for each site (those the scenario has), then ``lon``/``lat`` or a point."""


def sites_frame(sites: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """The sites (dicts with ``lon``, ``lat`` and some of ``SITE_COLUMNS``) as points, EPSG:4326.

    Raises
    ------
    DataError
        A site has no coordinates.
    """
    for i, site in enumerate(sites, start=1):
        if site.get("lon") is None or site.get("lat") is None:
            raise DataError(f"site {i} (rank {site.get('rank')}) has no coordinates")
    table = pd.DataFrame(list(sites))
    columns = [c for c in SITE_COLUMNS if c in table.columns]
    geometry = gpd.points_from_xy(
        [float(s["lon"]) for s in sites], [float(s["lat"]) for s in sites], crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(table[columns].copy(), geometry=geometry, crs="EPSG:4326")


def sites_bytes(
    sites: Sequence[Mapping[str, Any]], fmt: str, *, layer: str = "proposed_sites"
) -> bytes:
    """The sites as the bytes of a ``gpkg`` (one point layer named ``layer``) or ``csv`` file
    (UTF-8 with BOM, ``lon``/``lat`` columns), written by :func:`geo.export.write_frame`."""
    if fmt not in ("gpkg", "csv"):
        raise DataError(f"cannot write sites as {fmt!r}", hint="formats: gpkg, csv")
    frame = sites_frame(sites)
    with tempfile.TemporaryDirectory(prefix="walouja-sites-") as folder:
        path = Path(folder) / f"{layer}.{fmt}"
        write_frame(frame, path, fmt, layer=layer)
        return path.read_bytes()
