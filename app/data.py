"""Cached reads for the pages: every query goes through ``geo`` and is keyed by the data version.

``data_version()`` is a cheap query (counts and load stamps) cached for a few seconds; the
heavier reads take it as an argument, so they refresh as soon as a layer is loaded or imported
and are otherwise computed once per server process.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from app.context import app_settings
from app.i18n import current_language
from geo import db, maps
from walouja.errors import WaloujaError


@st.cache_data(ttl=10, show_spinner=False)
def data_version() -> str:
    """A stamp that changes when any layer changes ("" when the database is unreachable)."""
    try:
        with db.connect(app_settings()) as conn:
            return maps.data_version(conn)
    except WaloujaError:
        return ""


def refresh() -> None:
    """Forget cached data (after an import): the next run reads the database again."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def _layer_counts(version: str) -> dict[str, maps.LayerCount]:
    if not version:
        return {t: maps.LayerCount(table=t, exists=False) for t in maps.LAYER_TABLES}
    with db.connect(app_settings()) as conn:
        return maps.layer_counts(conn)


def layer_counts() -> dict[str, maps.LayerCount]:
    """Rows and demonstration rows per layer table."""
    return _layer_counts(data_version())


@st.cache_data(show_spinner=False)
def _units(level: str, version: str) -> pd.DataFrame:
    with db.connect(app_settings()) as conn:
        return maps.units(conn, level)  # type: ignore[arg-type]


def units(level: str) -> pd.DataFrame:
    """Units of ``level`` (regions, provinces, communes) without geometry."""
    return _units(level, data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _boundaries(
    level: str, region: str | None, province: str | None, version: str
) -> list[dict[str, Any]]:
    with db.connect(app_settings()) as conn:
        rows = maps.boundaries(conn, level, region_code=region, province_code=province)  # type: ignore[arg-type]
    for row in rows:
        row["geometry"] = json.loads(row["geometry"])
    return rows


def boundaries(
    level: str, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Display polygons of ``level`` with the figures popups show (geometry parsed)."""
    return _boundaries(level, region, province, data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _boundaries_text(
    level: str, region: str | None, province: str | None, version: str, lang: str
) -> tuple[str, int]:
    from app.components.mapview import feature_collection_text, fmt_number

    with db.connect(app_settings()) as conn:
        rows = maps.boundaries(conn, level, region_code=region, province_code=province)  # type: ignore[arg-type]
    for row in rows:
        row["pwd"] = fmt_number(row["pwd"], lang=lang)
        row["population"] = fmt_number(row["population"], lang=lang)
    return feature_collection_text(rows, ["name_fr", "name_ar", "pwd", "population"]), len(rows)


def boundaries_text(
    level: str, *, region: str | None = None, province: str | None = None
) -> tuple[str, int]:
    """Display polygons of ``level`` as GeoJSON text (names and figures written as the
    page's language writes them, the code as feature id) and how many there are; built
    once per data version and language (the first visitor's language set every later
    visitor's figures: "3,127" on a French page)."""
    return _boundaries_text(level, region, province, data_version(), current_language())


@st.cache_data(show_spinner=False)
def _sources(version: str) -> pd.DataFrame:
    with db.connect(app_settings()) as conn:
        return maps.sources(conn)


def sources() -> pd.DataFrame:
    """The ``layer_sources`` table."""
    return _sources(data_version())


def osm_layers() -> frozenset[str]:
    """Layers whose recorded source or licence is OpenStreetMap's (ODbL): their points need
    the OpenStreetMap credit wherever they are drawn."""
    found = sources()
    if found.empty:
        return frozenset()
    said = (found["source"].fillna("") + " " + found["licence"].fillna("")).str.lower()
    osm = said.str.contains("openstreetmap") | said.str.contains("odbl")
    return frozenset(str(layer) for layer in found.loc[osm, "layer"])


def unit_at(level: str, lon: float, lat: float) -> str | None:
    """Code of the unit at a clicked point (not cached: each click is new)."""
    with db.connect(app_settings()) as conn:
        return maps.unit_at(conn, level, lon=lon, lat=lat)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=256)
def _bounds(level: str, code: str, version: str) -> tuple[float, float, float, float]:
    with db.connect(app_settings()) as conn:
        return maps.unit_bounds(conn, level, code)  # type: ignore[arg-type]


def unit_bounds(level: str, code: str) -> tuple[float, float, float, float]:
    """Bounding box of one unit, (west, south, east, north)."""
    return _bounds(level, code, data_version())


_POINT_READERS = {
    "centres": maps.centre_points,
    "transport_stops": maps.stop_points,
    "beaches": maps.beach_points,
}


@st.cache_data(show_spinner=False, max_entries=64)
def _points(
    layer: str, region: str | None, province: str | None, version: str
) -> list[dict[str, Any]]:
    with db.connect(app_settings()) as conn:
        return _POINT_READERS[layer](conn, region=region, province=province)


def points(
    layer: str, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Rows of a point layer (centres, transport_stops, beaches) with ``lon``/``lat``."""
    return _points(layer, region, province, data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _accessible_cities(
    region: str | None, province: str | None, version: str
) -> list[dict[str, Any]]:
    with db.connect(app_settings()) as conn:
        rows = maps.accessible_city_areas(conn, region=region, province=province)
    for row in rows:
        row["geometry"] = json.loads(row["geometry"])
    return rows


def accessible_cities(
    *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Communes of the Accessible Cities programme with their stage and polygon."""
    return _accessible_cities(region, province, data_version())


@st.cache_data(show_spinner=False)
def _centre_summary(level: str, version: str) -> pd.DataFrame:
    with db.connect(app_settings()) as conn:
        return maps.centre_summary(conn, level)  # type: ignore[arg-type]


def centre_summary(level: str) -> pd.DataFrame:
    """Operating centres and places per unit of ``level`` and centre type."""
    return _centre_summary(level, data_version())
