"""OpenStreetMap through osmnx: an ``.osm`` XML file or Overpass by place name, mapped to layers.

OSM tags become our attributes: ``wheelchair=yes|limited|no`` (GTFS-style
``wheelchair_boarding`` for stops), ``tactile_paving=yes|no``, ``kerb=raised|lowered|flush|no``
(raised kerbs are raised platforms; lowered or flush kerbs are step-free access).
An element's own ``source`` tag ("bing", "survey") says where its mapper took the geometry
from: it is not the rows' provenance and is not read (the import's source is, with the ODbL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.io_read import SourceTable
from geo.layers import get_layer
from geo.messages import Note, file_error
from geo.validate import find_duplicates

# What each layer asks OpenStreetMap for.
OSM_TAGS: dict[str, dict[str, bool | str | list[str]]] = {
    "centres": {"amenity": "social_facility", "healthcare": "rehabilitation"},
    "transport_stops": {
        "highway": "bus_stop",
        "public_transport": ["platform", "station"],
        "railway": ["station", "halt", "tram_stop"],
        "amenity": "bus_station",
    },
    "beaches": {"natural": "beach"},
    "accessible_cities": {},
}

_CENTRE_PATTERNS = (
    (r"\bcoaph\b|orientation et d.assistance", "COAPH"),
    (r"\bcape\b", "CAPE"),
    (r"\bcjpa\b", "CJPA"),
    (r"\bemf\b|espace multifonctionnel", "EMF"),
    (r"\bcas\b", "CAS"),
    (r"\beps\b|protection sociale", "EPS"),
)

_SOCIAL_FACILITY_SERVICES = {
    "group_home": "residential",
    "assisted_living": "residential",
    "nursing_home": "residential",
    "shelter": "residential",
    "day_care": "day_care",
    "outreach": "social_support",
    "workshop": "vocational_training",
    "healthcare": "medical",
}


def _col(gdf: pd.DataFrame, name: str) -> pd.Series:
    if name in gdf.columns:
        return gdf[name].astype(object).where(gdf[name].notna(), None)
    return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)


def _first(*series: pd.Series) -> pd.Series:
    out = series[0].copy()
    for s in series[1:]:
        out = out.where(out.notna() & (out.astype(str).str.strip() != ""), s)
    return out


def _yes_no(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    v = str(value).strip().lower()
    if v in ("yes", "designated"):
        return "yes"
    if v in ("limited", "partial"):
        return "limited"
    if v in ("no", "incorrect"):
        return "no"
    return None


def centre_type_from_name(name: Any) -> str:
    """Guess a centre type from its name (COAPH, CAS...); ``other`` when nothing matches."""
    text = str(name or "").lower()
    for pattern, kind in _CENTRE_PATTERNS:
        if re.search(pattern, text):
            return kind
    return "other"


def _stop_mode(row: pd.Series) -> str | None:
    def tag(key: str) -> str:
        value = row.get(key)
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

    if tag("railway") == "tram_stop" or tag("tram") == "yes":
        return "tram"
    if tag("railway") in ("station", "halt") or tag("train") == "yes":
        return "train"
    if tag("amenity") == "bus_station":
        return "coach"
    if tag("highway") == "bus_stop" or tag("bus") == "yes":
        return "bus"
    if tag("public_transport") == "station":
        return "coach"
    return None


def osm_to_table(gdf: gpd.GeoDataFrame, layer: str, *, name: str) -> SourceTable:
    """Map osmnx features (indexed by element type and id) to a layer's columns.

    Only the tags named here are read: no ``source`` column comes out, so every row takes
    the import's source.
    """
    spec = get_layer(layer)
    warnings: list[str] = []
    if gdf.empty:
        raise file_error("osm_nothing_usable", name=name, layer=layer)
    gdf = gdf.copy()
    if isinstance(gdf.index, pd.MultiIndex):
        ext = [f"osm:{el}/{oid}" for el, oid in gdf.index]
    else:
        ext = [f"osm:{oid}" for oid in gdf.index]
    gdf = gdf.reset_index(drop=True)
    records = pd.DataFrame(index=gdf.index)
    records["external_id"] = ext
    records["name"] = _first(
        _col(gdf, "name:fr"),
        _col(gdf, "name"),
        _col(gdf, "official_name"),
        _col(gdf, "ref") if layer == "transport_stops" else _col(gdf, "-"),
    )
    records["name_ar"] = _col(gdf, "name:ar")
    wheelchair = _col(gdf, "wheelchair").map(_yes_no)
    if layer == "centres":
        records["centre_type"] = records["name"].map(centre_type_from_name)
        records["capacity"] = _col(gdf, "capacity")
        records["manager"] = _first(_col(gdf, "operator"), _col(gdf, "operator:fr"))
        services = _col(gdf, "social_facility").map(
            lambda v: _SOCIAL_FACILITY_SERVICES.get(str(v)) if v is not None else None
        )
        rehab = _col(gdf, "healthcare").map(
            lambda v: "paramedical" if v == "rehabilitation" else None
        )
        records["services"] = [
            ";".join(x for x in (a, b) if isinstance(x, str) and x)
            for a, b in zip(services, rehab, strict=True)
        ]
        records["wheelchair"] = wheelchair
    elif layer == "transport_stops":
        records["mode"] = gdf.apply(_stop_mode, axis=1)
        records["operator"] = _col(gdf, "operator")
        records["wheelchair_boarding"] = wheelchair.map(
            lambda v: {"yes": "1", "limited": "1", "no": "2"}.get(v or "", "0")
        )
        tactile = _col(gdf, "tactile_paving").map(_yes_no)
        records["tactile_paving"] = tactile.map(lambda v: None if v is None else v == "yes")
        kerb = _col(gdf, "kerb").map(
            lambda v: str(v) if v in ("raised", "lowered", "flush", "no") else None
        )
        records["kerb"] = kerb
        records["raised_platform"] = kerb.map(lambda v: True if v == "raised" else None)
        records["step_free"] = kerb.map(lambda v: True if v in ("lowered", "flush", "no") else None)
        records["step_free"] = records["step_free"].where(
            records["step_free"].notna(), wheelchair.map(lambda v: True if v == "yes" else None)
        )
    elif layer == "beaches":
        records["wheelchair"] = wheelchair
        records["blue_flag"] = _col(gdf, "award").map(
            lambda v: True if v is not None and "blue" in str(v).lower() else None
        )
    else:
        raise file_error("osm_no_accessible_cities")
    for col in records.columns:
        records[col] = records[col].astype(object).where(records[col].notna(), None)
    geometry = gpd.GeoSeries(gdf.geometry.values, index=gdf.index, crs=gdf.crs or "EPSG:4326")
    # OSM maps one stop as several objects (platform, stop position, station): fold them.
    if spec.type_field is not None or layer == "beaches":
        pts = geometry.representative_point()
        probe = records.assign(lon=pts.x, lat=pts.y)
        probe = probe[probe["name"].notna()]
        if spec.type_field is not None:
            probe = probe[probe[spec.type_field].notna()]
        folded = find_duplicates(probe, spec)
        if folded:
            warnings.append(Note("osm_objects_folded", n=len(folded)))
            keep = ~records.index.isin(list(folded))
            records, geometry = records[keep], geometry[keep]
    index = pd.RangeIndex(1, len(records) + 1)
    records.index = index
    geometry.index = index
    return SourceTable(records, geometry, "osm", name, warnings)


def _tags(layer: str) -> dict[str, bool | str | list[str]]:
    tags = OSM_TAGS[get_layer(layer).name]
    if not tags:
        raise file_error("osm_no_accessible_cities")
    return tags


def _root_element(path: Path) -> str | None:
    """The name of the root element of the XML file ``path`` (without its namespace), or
    None when the file does not start as XML (the OSM reader then says why)."""
    try:
        with path.open("rb") as fh:
            for _, element in ElementTree.iterparse(fh, events=("start",)):
                return str(element.tag).rsplit("}", 1)[-1]
    except ElementTree.ParseError:
        return None
    return None


def read_osm_xml(path: str | Path, layer: str) -> SourceTable:
    """Features of ``layer``'s kind from an OpenStreetMap XML file (``osmnx.features_from_xml``).

    Raises
    ------
    DataError
        ``not_osm_xml`` for XML of another kind (a KML renamed ``.xml``), ``unreadable_osm``
        for a file OSM's reader cannot parse, ``osm_nothing_usable`` when no element is of
        the layer's kind.
    """
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    path = Path(path)
    if not path.exists():
        raise file_error("no_such_file", path=str(path))
    tags = _tags(layer)
    root = _root_element(path)
    if root is not None and root != "osm":  # a KML, GPX... saved as .xml
        raise file_error("not_osm_xml", name=path.name, root=root)
    try:
        gdf = ox.features_from_xml(path, tags=tags)
    except InsufficientResponseError:
        gdf = gpd.GeoDataFrame()
    except Exception as exc:  # XML parse errors come from several libraries
        detail = str(exc)
        if isinstance(exc, KeyError) and exc.args:  # osmnx indexes attributes: say which
            detail = f"an element has no {exc.args[0]!r} attribute"
        raise file_error("unreadable_osm", name=path.name, detail=detail) from None
    return osm_to_table(gdf, layer, name=path.name)


@contextmanager
def overpass_settings(
    *, overpass_url: str | None = None, nominatim_url: str | None = None, timeout: float = 60
) -> Iterator[None]:
    """Temporarily point osmnx at other servers, without its cache or rate limiting."""
    import osmnx as ox

    names = (
        "overpass_url",
        "nominatim_url",
        "use_cache",
        "overpass_rate_limit",
        "requests_timeout",
        "log_console",
    )
    saved = {n: getattr(ox.settings, n) for n in names}
    try:
        if overpass_url:
            ox.settings.overpass_url = overpass_url
        if nominatim_url:
            ox.settings.nominatim_url = nominatim_url
        ox.settings.use_cache = False
        ox.settings.overpass_rate_limit = False
        ox.settings.requests_timeout = timeout
        ox.settings.log_console = False
        yield
    finally:
        for n, v in saved.items():
            setattr(ox.settings, n, v)


def read_overpass(
    place: str,
    layer: str,
    *,
    overpass_url: str | None = None,
    nominatim_url: str | None = None,
) -> SourceTable:
    """Features of ``layer``'s kind inside a named place, from Overpass (needs the network)."""
    import osmnx as ox
    import requests
    from osmnx._errors import InsufficientResponseError

    tags = _tags(layer)
    with overpass_settings(overpass_url=overpass_url, nominatim_url=nominatim_url):
        try:
            gdf = ox.features_from_place(place, tags=tags)
        except InsufficientResponseError:
            gdf = gpd.GeoDataFrame()
        except (TypeError, ValueError) as exc:
            raise file_error("osm_place_not_found", place=place, detail=str(exc)) from None
        except requests.RequestException as exc:
            detail = str(exc).splitlines()[0]
            raise file_error("osm_unreachable", detail=detail) from None
    return osm_to_table(gdf, layer, name=f"OpenStreetMap ({place})")
