"""Build the folium maps the pages show: choropleths, point layers, legend, plain basemap.

Everything here is pure folium (no database, no Streamlit state), so a test can build a map
from a few features and inspect it. Colours: 5 quantile classes of a colour-blind-safe
ColorBrewer ramp; units without a value are grey.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

MOROCCO_BOUNDS = [[21.3, -17.2], [35.95, -0.98]]
MOROCCO_CENTRE = (28.6, -9.0)
NO_DATA = "#d9d9d9"
RAMPS: dict[str, list[str]] = {
    # ColorBrewer sequential, 5 classes
    "orange": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
    "blue": ["#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac"],
    "purple": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
}
BACKGROUND_CSS = (
    "<style>.leaflet-container{background:#eef3f7;}"
    ".walouja-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
    "font:12px/1.35 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:240px;}"
    ".walouja-legend i{display:inline-block;width:14px;height:14px;margin:0 6px -2px 0;"
    "border:1px solid #888;}.walouja-legend .dot{border-radius:50%;}</style>"
)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)'
)


class Legend(MacroElement):
    """A legend box drawn as a Leaflet control (no external script, unlike branca's)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', 'walouja-legend');
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position


@dataclass(frozen=True)
class Classes:
    """Class breaks of a choropleth and their colours."""

    breaks: tuple[float, ...]  # upper bounds, ascending, len == len(colors)
    colors: tuple[str, ...]

    def color(self, value: float | None) -> str:
        """The colour of ``value`` (grey for missing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA
        for upper, colour in zip(self.breaks, self.colors, strict=True):
            if value <= upper:
                return colour
        return self.colors[-1]


def classify(values: Sequence[float | None], *, ramp: str = "orange", k: int = 5) -> Classes:
    """Quantile classes of ``values`` (at most ``k``, fewer when values repeat)."""
    palette = RAMPS[ramp]
    data = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if data.size == 0:
        return Classes(breaks=(math.inf,), colors=(palette[-1],))
    qs = np.unique(np.quantile(data, np.linspace(0, 1, k + 1)[1:]))
    colours = [palette[round(i * (len(palette) - 1) / max(len(qs) - 1, 1))] for i in range(len(qs))]
    return Classes(breaks=tuple(float(q) for q in qs), colors=tuple(colours))


def legend_html(
    title: str,
    classes: Classes,
    *,
    fmt: Callable[[float], str],
    no_data: str | None = None,
) -> str:
    """HTML of a class legend: one coloured box per class with its range."""
    rows = [f"<b>{title}</b>"]
    lower: float | None = None
    for upper, colour in zip(classes.breaks, classes.colors, strict=True):
        label = f"≤ {fmt(upper)}" if lower is None else f"{fmt(lower)} – {fmt(upper)}"
        rows.append(f'<i style="background:{colour}"></i>{label}')
        lower = upper
    if no_data:
        rows.append(f'<i style="background:{NO_DATA}"></i>{no_data}')
    return "<br>".join(rows)


def swatch_rows(items: Mapping[str, str], *, dot: bool = True) -> list[str]:
    """Legend rows for categories: ``{label: colour}``."""
    cls = ' class="dot"' if dot else ""
    return [f'<i{cls} style="background:{c}"></i>{label}' for label, c in items.items()]


def base_map(*, tiles: str = "none", height: int = 620) -> folium.Map:
    """A map of Morocco: OSM tiles with attribution when ``tiles == "osm"``, else a plain
    background on which our own boundaries are the basemap."""
    m = folium.Map(
        location=MOROCCO_CENTRE,
        zoom_start=5,
        min_zoom=4,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        height=height,
    )
    if tiles == "osm":
        folium.TileLayer(
            OSM_TILES, name="OpenStreetMap", attr=OSM_ATTRIBUTION, max_zoom=19, overlay=False
        ).add_to(m)
    m.get_root().header.add_child(Element(BACKGROUND_CSS))  # type: ignore[attr-defined]
    return m


@dataclass
class ChoroplethLayer:
    """Polygons of one level coloured by one indicator."""

    name: str
    features: list[dict[str, Any]]  # code, name_fr, name_ar, geometry + popup fields
    values: Mapping[str, float | None]
    classes: Classes
    popup_fields: list[str] = field(default_factory=list)
    popup_aliases: list[str] = field(default_factory=list)
    tooltip_fields: list[str] = field(default_factory=list)
    weight: float = 0.4


def feature_collection(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection from rows with ``code``, ``geometry`` and ``fields``."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["code"],
                "properties": {f: row.get(f) for f in fields},
                "geometry": row["geometry"],
            }
            for row in rows
        ],
    }


def add_choropleth(m: folium.Map | folium.FeatureGroup, layer: ChoroplethLayer) -> folium.GeoJson:
    """Draw ``layer`` on ``m``; each polygon's fill comes from its value's class."""
    fields = list(dict.fromkeys([*layer.popup_fields, *layer.tooltip_fields]))
    data = feature_collection(layer.features, fields)
    colours = {code: layer.classes.color(v) for code, v in layer.values.items()}
    weight = layer.weight

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "fillColor": colours.get(feature["id"], NO_DATA),
            "color": "#555555",
            "weight": weight,
            "fillOpacity": 0.8,
        }

    def highlight(_feature: dict[str, Any]) -> dict[str, Any]:
        return {"weight": 2.5, "color": "#000000"}

    layer_geojson = folium.GeoJson(
        data,
        name=layer.name,
        style_function=style,
        highlight_function=highlight,
        smooth_factor=1.0,
        tooltip=folium.GeoJsonTooltip(fields=layer.tooltip_fields, labels=False)
        if layer.tooltip_fields
        else None,
        popup=folium.GeoJsonPopup(fields=layer.popup_fields, aliases=layer.popup_aliases)
        if layer.popup_fields
        else None,
    )
    layer_geojson.add_to(m)
    return layer_geojson


def add_outline(
    m: folium.Map | folium.FeatureGroup,
    rows: Sequence[Mapping[str, Any]],
    *,
    name: str,
    color: str = "#333333",
    weight: float = 1.2,
    control: bool = True,
) -> folium.GeoJson:
    """Draw unfilled boundaries (regions over a commune map, a searched commune)."""
    data = feature_collection(rows, [])
    outline = folium.GeoJson(
        data,
        name=name,
        control=control,
        style_function=lambda _f: {"color": color, "weight": weight, "fill": False},
        interactive=False,
    )
    outline.add_to(m)
    return outline


def add_points(
    m: folium.Map | folium.FeatureGroup,
    rows: Sequence[Mapping[str, Any]],
    *,
    name: str,
    color_of: Callable[[Mapping[str, Any]], str],
    popup_fields: Sequence[str],
    popup_aliases: Sequence[str],
    tooltip_field: str | None = None,
    radius: float = 5,
    show: bool = True,
) -> folium.GeoJson | None:
    """Draw point rows (with ``lon``, ``lat``) as circle markers, one GeoJSON layer."""
    if not rows:
        return None
    features = []
    for i, row in enumerate(rows):
        props = {f: row.get(f) for f in popup_fields}
        props["_c"] = color_of(row)
        features.append(
            {
                "type": "Feature",
                "id": str(row.get("id", i)),
                "properties": props,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(row["lon"]), 5), round(float(row["lat"]), 5)],
                },
            }
        )
    data = {"type": "FeatureCollection", "features": features}
    layer = folium.GeoJson(
        data,
        name=name,
        show=show,
        marker=folium.CircleMarker(radius=radius),
        style_function=lambda f: {
            "fill": True,
            "fillColor": f["properties"]["_c"],
            "color": "#222222",
            "weight": 0.8,
            "fillOpacity": 0.9,
        },
        tooltip=folium.GeoJsonTooltip(fields=[tooltip_field], labels=False)
        if tooltip_field
        else None,
        popup=folium.GeoJsonPopup(fields=list(popup_fields), aliases=list(popup_aliases)),
    )
    layer.add_to(m)
    return layer


def fmt_number(value: float | None, *, decimals: int = 0) -> str:
    """``12345.6`` → ``"12 346"`` (thin spaces between thousands; "—" when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{decimals}f}".replace(",", "\u202f")
