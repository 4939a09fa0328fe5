"""Build the folium maps the pages show: choropleths, point layers, legend, plain basemap.

Everything here is pure folium (no database, no Streamlit state), so a test can build a map
from a few features and inspect it. Colours: up to 5 classes (see :func:`classify`) of a
colour-blind-safe ColorBrewer ramp; units without a value are grey.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

MOROCCO_BOUNDS = [[21.3, -17.2], [35.95, -0.98]]
MOROCCO_CENTRE = (28.6, -9.0)
NO_DATA = "#d9d9d9"
POINT_STROKE = "#222222"  # the outline of points drawn as they are (not hollow)
POPUP_OPTIONS: dict[str, Any] = {
    "maxWidth": 320,
    # a popup opens clear of the zoom buttons (top left), the layer list and the legend
    # (right): the map pans to make room
    "autoPanPaddingTopLeft": [50, 10],
    "autoPanPaddingBottomRight": [260, 20],
}
RAMPS: dict[str, list[str]] = {
    # ColorBrewer sequential, 5 classes
    "orange": ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
    "blue": ["#f0f9e8", "#bae4bc", "#7bccc4", "#43a2ca", "#0868ac"],
    "purple": ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
}
BACKGROUND_CSS = (
    "<style>.leaflet-container{background:#eef3f7;}"
    # the map reached with Tab shows it has the focus inside its frame (Leaflet's ring falls
    # outside the map, where the frame cuts it off)
    ".leaflet-container:focus-visible{outline:3px solid #1f4e96;outline-offset:-3px;}"
    # and so do its controls: the zoom buttons, the layer list, the legend (its title, and
    # its body, which scrolls with the arrows) and the credits had Chromium's thin ring, lost
    # on the zoom buttons' own grey border
    ".leaflet-container :is(a,summary,input,[tabindex],.walouja-legend-body):focus-visible"
    "{outline:3px solid #1f4e96;outline-offset:1px;}"
    # the legend: compact, at most half the map's height (it scrolls beyond), folded by a
    # click on its title, so it never covers the zoom buttons, the layer list or popups
    ".walouja-legend{background:rgba(255,255,255,.92);padding:4px 7px;border-radius:4px;"
    "font:11px/1.3 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:min(230px,40vw);}"
    ".walouja-legend summary{cursor:pointer;font-weight:bold;font-size:12px;}"
    ".walouja-legend .walouja-legend-body{max-height:calc(45vh - 40px);overflow-y:auto;"
    "margin-top:3px;}"
    ".walouja-legend i{display:inline-block;width:12px;height:12px;vertical-align:-2px;"
    "margin-inline-end:5px;border:1px solid #888;box-sizing:border-box;}"
    ".walouja-legend .dot{border-radius:50%;}"
    ".walouja-legend .hollow{background:#fff;border:1.5px dashed #444;}"
    # the layer list, opened, lies over the legend (both are controls of the right side; the
    # legend, drawn later, hid the list's last layers on an Arabic page)
    ".leaflet-top.leaflet-right{z-index:1001;}"
    # a tooltip moved left of the legend has no arrow (it would point beside its point)
    ".leaflet-tooltip.walouja-moved:before{display:none;}"
    # long credits wrap instead of running under the scale bar on the other side
    ".leaflet-control-attribution{max-width:calc(100vw - 130px);white-space:normal;}</style>"
)
RTL_CSS = (
    "<style>.leaflet-popup-content,.leaflet-tooltip,.walouja-legend,"
    ".leaflet-control-attribution,.leaflet-control-layers-list"
    "{direction:rtl;text-align:right;}</style>"
)
ZOOM_SNAP = 0.25
"""The zoom levels a map takes (Leaflet's ``zoomSnap``): quarters, so that an area the map
is fitted to fills at least 84 % (2^-0.25) of the room; the buttons and keys still zoom by
whole levels."""
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)'
)


class Legend(MacroElement):
    """A legend box drawn as a Leaflet control (no external script, unlike branca's).

    With a ``title`` the box is a ``<details>`` element: a click on the title folds it away
    (``collapsed`` opens it folded, and so does a map narrower than ``fold_below_px``, a
    phone's). Clicks and scrolling on it stay off the map.
    """

    fold_below_px = 500

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', 'walouja-legend');
            div.innerHTML = {{ this.markup|tojson }};
            // on a phone's narrow map the open legend lay over half of it: it starts folded
            // to its title there, a tap away
            var folds = div.querySelector('details');
            if (folds && {{ this._parent.get_name() }}.getSize().x < {{ this.fold_below_px }}) {
                folds.open = false;
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        html: str,
        *,
        position: str = "bottomright",
        title: str | None = None,
        collapsed: bool = False,
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html
        self.position = position
        if title is None:
            self.markup = html
        else:
            state = "" if collapsed else " open"
            self.markup = (
                f"<details{state}><summary>{title}</summary>"
                f"<div class='walouja-legend-body'>{html}</div></details>"
            )


class ShowWhole(MacroElement):
    """Zoom the map out, as it opens, until ``bounds`` (south-west and north-east corners)
    show whole, when its width is too narrow for them at the zoom it opens at: in an 800 px
    window the national map, 334 px wide, lost the Oriental and Lagouira. A map wide
    enough keeps its view (the legend over Algeria)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var whole = L.latLngBounds({{ this.bounds|tojson }});
            if (!map.getBounds().contains(whole)) {
                map.fitBounds(whole, {animate: false});
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "ShowWhole"
        self.bounds = [list(corner) for corner in bounds]


class PolygonLayer(folium.map.Layer):
    """Polygons from a pre-serialised GeoJSON text, coloured and labelled from a small table.

    folium's ``GeoJson`` re-serialises the whole collection and a per-feature style table on
    every render (``st_folium`` renders twice); this layer inserts the cached text as is and
    keeps what changes with the indicator or language (``{code: [colour, label]}``, popup
    labels) outside it, so the national commune map costs one string join.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var values = {{ this.values|tojson }};
            var labels = {{ this.labels|tojson }};
            var fields = {{ this.fields|tojson }};
            var nameField = {{ this.name_field|tojson }};
            var esc = function (v) {
                var map = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"};
                var text = v === null || v === undefined ? "—" : String(v);
                return text.replace(/[&<>"]/g, function (c) { return map[c]; });
            };
            var base = {color: {{ this.stroke|tojson }}, weight: {{ this.weight }},
                        fillOpacity: 0.8};
            var layer = L.geoJson({{ this.data }}, {
                style: function (f) {
                    var v = values[f.id];
                    return Object.assign({fillColor: v ? v[0] : {{ this.no_data|tojson }}}, base);
                },
                onEachFeature: function (f, l) {
                    var v = values[f.id], p = f.properties;
                    var label = esc(p[nameField]) + " — " + esc(v ? v[1] : "—");
                    l.bindTooltip(label, {sticky: true});
                    var rows = [];
                    for (var i = 0; i < fields.length; i++) {
                        var value = fields[i] === "_value" ? (v ? v[1] : "—") : p[fields[i]];
                        rows.push("<tr><th style='text-align:start;padding-inline-end:6px'>"
                            + esc(labels[i]) + "</th><td dir='auto'>" + esc(value)
                            + "</td></tr>");
                    }
                    l.bindPopup("<table style='font-size:12px;line-height:1.3'>" + rows.join("")
                        + "</table>", {{ this.popup_options|tojson }});
                    l.on("mouseover", function (e) {
                        e.target.setStyle({weight: 2.5, color: "#000000"});
                    });
                    l.on("mouseout", function (e) { e.target.setStyle(base); });
                }
            });
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: str,
        *,
        name: str,
        values: Mapping[str, tuple[str, str]],
        fields: Sequence[str],
        labels: Sequence[str],
        name_field: str,
        weight: float = 0.4,
        stroke: str = "#555555",
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "PolygonLayer"
        self.data = data
        self.values = {code: list(v) for code, v in values.items()}
        self.fields = list(fields)
        self.labels = list(labels)
        self.name_field = name_field
        self.weight = weight
        self.stroke = stroke
        self.no_data = NO_DATA
        self.popup_options = POPUP_OPTIONS


def feature_collection_text(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """A GeoJSON FeatureCollection as text, from rows whose ``geometry`` is GeoJSON text
    (joined as is: the geometries are never parsed)."""
    parts = [
        '{"type":"Feature","id":'
        + json.dumps(str(row["code"]))
        + ',"properties":'
        + json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False, default=str)
        + ',"geometry":'
        + str(row["geometry"])
        + "}"
        for row in rows
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


@dataclass(frozen=True)
class Classes:
    """Class breaks of a choropleth and their colours.

    ``exact`` classes hold one value each (the legend names the value, not a range).
    ``lowest`` is the smallest value classified: the first class's range starts there.
    ``lows`` and ``highs`` are the smallest and largest value in each class: the legend
    gives a class's values from one to the other, not from the class below's upper bound (a
    first class "0" was followed by "0 – 39", as if the two overlapped).
    """

    breaks: tuple[float, ...]  # upper bounds, ascending, len == len(colors)
    colors: tuple[str, ...]
    exact: bool = False
    lowest: float | None = None
    lows: tuple[float, ...] = ()
    highs: tuple[float, ...] = ()

    def color(self, value: float | None) -> str:
        """The colour of ``value`` (grey for missing)."""
        if value is None or not math.isfinite(value) or not self.colors:
            return NO_DATA
        for upper, colour in zip(self.breaks, self.colors, strict=True):
            if value <= upper:
                return colour
        return self.colors[-1]


def classify(values: Sequence[float | None], *, ramp: str = "orange", k: int = 5) -> Classes:
    """At most ``k`` classes of ``values`` in which different values are told apart.

    One class per distinct value when there are at most ``k`` of them; otherwise quantile
    classes, unless many equal values make quantiles collapse into fewer than ``k`` classes
    (most communes covered at 100 %): then equal intervals from the minimum to the maximum,
    leaving out the intervals no value falls in. Either way the minimum and the maximum are
    in different classes whenever they differ. Missing and infinite values are left out.
    """
    palette = RAMPS[ramp]
    data = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if data.size == 0:
        return Classes(breaks=(), colors=())
    distinct = np.unique(data)
    exact = distinct.size <= k
    if exact:
        breaks = distinct
    else:
        breaks = np.unique(np.quantile(data, np.linspace(0, 1, k + 1)[1:]))
        if breaks.size < k:
            edges = np.linspace(distinct[0], distinct[-1], k + 1)[1:]
            edges[-1] = distinct[-1]
            used = np.unique(np.searchsorted(edges, data, side="left"))
            breaks = edges[used]
    n = breaks.size
    colours = [palette[round(i * (len(palette) - 1) / max(n - 1, 1))] for i in range(n)]
    # each class's smallest and largest values: the first distinct value above the class
    # below's bound, the last one up to its own
    lows = distinct[np.searchsorted(distinct, np.concatenate(([-np.inf], breaks[:-1])), "right")]
    highs = distinct[np.searchsorted(distinct, breaks, "right") - 1]
    return Classes(
        breaks=tuple(float(b) for b in breaks),
        colors=tuple(colours),
        exact=exact,
        lowest=float(distinct[0]),
        lows=tuple(float(v) for v in lows),
        highs=tuple(float(v) for v in highs),
    )


def legend_html(
    title: str,
    classes: Classes,
    *,
    fmt: Callable[[float], str],
    no_data: str | None = None,
    note: str | None = None,
) -> str:
    """HTML of a class legend: one coloured box per class with its range (its value when
    the classes are exact), after the title and the ``note`` under it (what the figures
    are computed from)."""
    rows = [f"<b>{title}</b>"]
    if note:
        rows.append(html.escape(note, quote=False))
    labels = _data_ranges(classes, fmt) or _bound_ranges(classes, fmt)
    for label, colour in zip(labels, classes.colors, strict=True):
        rows.append(f'<i style="background:{colour}"></i>{label}')
    if no_data:
        rows.append(f'<i style="background:{NO_DATA}"></i>{no_data}')
    return "<br>".join(rows)


def _data_ranges(classes: Classes, fmt: Callable[[float], str]) -> list[str] | None:
    """Each class's label from its smallest to its largest value ("0", "20 – 51", ...), as
    written; ``None`` when two classes would then read alike or touch (0.3 and 0.4 written
    "0" beside a class "0"), or the values are not known."""
    if classes.exact or not classes.lows or not classes.highs:
        return None
    ends = [(fmt(low), fmt(high)) for low, high in zip(classes.lows, classes.highs, strict=True)]
    if any(high == low for (_, high), (low, _) in itertools.pairwise(ends)):
        return None
    return [high if low == high else f"{low} – {high}" for low, high in ends]


def _bound_ranges(classes: Classes, fmt: Callable[[float], str]) -> list[str]:
    """Each class's label from the class below's upper bound to its own ("0 – 51")."""
    labels: list[str] = []
    lower: float | None = None
    for upper in classes.breaks:
        if classes.exact:
            label = fmt(upper)
        elif lower is None and classes.lowest is not None:
            # from the smallest value: the communes at 0 % covered are a class of their own,
            # "0" (it read "≤ 0", a share below nothing, above "0 – 51")
            low, high = fmt(classes.lowest), fmt(upper)
            label = high if low == high else f"{low} – {high}"
        elif lower is None:
            label = f"≤ {fmt(upper)}"
        else:
            label = f"{fmt(lower)} – {fmt(upper)}"
        labels.append(label)
        lower = upper
    return labels


def legend_title(label: str, unit: str) -> str:
    """``label (unit)``, or ``label`` alone when there is no unit or it already names it."""
    if not unit or f"({unit})" in label:
        return label
    return f"{label} ({unit})"


def swatch_rows(items: Mapping[str, str], *, dot: bool = True) -> list[str]:
    """Legend rows for categories: ``{label: colour}``."""
    cls = ' class="dot"' if dot else ""
    return [f'<i{cls} style="background:{c}"></i>{label}' for label, c in items.items()]


def hollow_row(label: str) -> str:
    """A legend row for points drawn hollow with a dashed outline (see :func:`add_points`)."""
    return f'<i class="dot hollow"></i>{label}'


class Attribution(MacroElement):
    """Credits added to the map's attribution control (shown with or without tiles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {% for text in this.texts %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ text|tojson }});
        {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, texts: Sequence[str], *, rtl: bool = False) -> None:
        super().__init__()
        self._name = "Attribution"
        unique = dict.fromkeys(texts)
        self.texts = [_unbroken_brackets(text) for text in unique] if rtl else list(unique)


def _unbroken_brackets(text: str) -> str:
    """``text`` with each bracketed part kept whole and left to right: an Arabic credit that
    wraps would otherwise split "(CC BY 4.0)" and swap its brackets across the lines."""
    return re.sub(
        r"\(([^()<>]*)\)",
        lambda m: f"<span dir='ltr' style='white-space:nowrap'>({m.group(1)})</span>",
        text,
    )


class MapControls(MacroElement):
    """A metric scale bar, the controls' hover titles in the page's language, zooming with
    Ctrl (or ⌘) + mouse wheel only (the plain wheel scrolls the page the map sits in), and
    the keyboard: the map reached with Tab pans with the arrows and zooms with + and -, and
    its shapes are no stops of the Tab key. The map's document says ``lang``, the page's
    language.

    Leaflet titles its buttons in English ("Zoom in", "Layers") and writes its scale's units
    so ("300 km"): ``titles`` gives them in the page's language (``km``, ``m``, when given;
    after a no-break space, as :func:`~app.components.figures.with_unit` writes a
    distance). The layer list is added after the map, so its title is set once the page
    has built it. A tooltip that would
    open under the legend opens on the other side of its point (Leaflet draws controls over
    tooltips: "EPS Attadamoun — Khémisset" was cut at "Khé" by the legend's edge).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            // the map's frame is a document of its own, which said lang="en": a screen
            // reader read its legend, buttons and popups with its English voice
            {% if this.lang %}document.documentElement.lang = {{ this.lang|tojson }};{% endif %}
            var titles = {{ this.titles|tojson }};
            var scale = L.control.scale({imperial: false, metric: true});
            // Leaflet writes "300 km" and "500 m" whatever the page's language
            var updateScale = scale._updateScale;
            scale._updateScale = function (line, text, ratio) {
                var unit = / (k?m)$/.exec(text);
                if (unit && titles[unit[1]]) {
                    text = text.slice(0, unit.index) + "\u00a0" + titles[unit[1]];
                }
                return updateScale.call(this, line, text, ratio);
            };
            scale.addTo(map);
            var name = function (el, text) {
                if (el && text) { el.title = text; el.setAttribute("aria-label", text); }
            };
            var retitle = function () {
                var box = map.getContainer();
                name(box.querySelector(".leaflet-control-zoom-in"), titles.zoom_in);
                name(box.querySelector(".leaflet-control-zoom-out"), titles.zoom_out);
                name(box.querySelector(".leaflet-control-layers-toggle"), titles.layers);
                // the credits' "Leaflet" link is titled in English by Leaflet itself
                var library = box.querySelector(".leaflet-control-attribution a[href*='leaflet']");
                if (library && titles.leaflet) { library.title = titles.leaflet; }
            };
            map.whenReady(function () { setTimeout(retitle, 0); });
            // the keyboard moves the map once a person tabs to it (arrows pan, + and -
            // zoom, Esc closes a popup); a click does not move the focus to it, which
            // scrolled Streamlit's page under the pointer (see ``base_map``)
            map.keyboard._onMouseDown = function () {};
            map.keyboard.enable();
            // Leaflet makes each shape with a tooltip a stop of the Tab key: 1,503 communes
            // and the centres stood between the map and the rest of the page. The search
            // above the map reaches a place, and the panel and tables give its figures
            var untab = function (layer) {
                var el = layer.getElement && layer.getElement();
                if (el) { el.setAttribute("tabindex", "-1"); }
            };
            map.on("layeradd", function (e) { untab(e.layer); });
            map.eachLayer(untab);
            // Leaflet draws its controls over tooltips: a tooltip that would open under the
            // legend (bottom right) opens on the other side of its point, or above it (moved
            // left of the legend when it is too long, its arrow then hidden)
            if (!L.Tooltip.prototype._waloujaSetPosition) {
                var setPosition = L.Tooltip.prototype._setPosition;
                L.Tooltip.prototype._waloujaSetPosition = setPosition;
                L.Tooltip.prototype._setPosition = function (pos) {
                    if (this._waloujaAsked === undefined) {
                        this._waloujaAsked = [this.options.direction, this.options.offset];
                    }
                    var asked = this.options.direction = this._waloujaAsked[0];
                    this.options.offset = this._waloujaAsked[1];
                    var owner = this._map, tip = this._container;
                    var legend = owner && owner.getContainer().querySelector(".walouja-legend");
                    var moved = false;
                    // (a tooltip given its own side, as the Prioritise page's are, keeps it)
                    if (legend && tip && asked === "auto") {
                        var at = owner.layerPointToContainerPoint(pos), size = owner.getSize();
                        var frame = owner.getContainer().getBoundingClientRect();
                        var b = legend.getBoundingClientRect();
                        var box = {left: b.left - frame.left, right: b.right - frame.left,
                                   top: b.top - frame.top, bottom: b.bottom - frame.top};
                        var w = tip.offsetWidth, h = tip.offsetHeight, gap = 12;
                        var beside = function (left) {
                            return {left: left, right: left + w,
                                    top: at.y - h / 2, bottom: at.y + h / 2};
                        };
                        var above = function (left) {
                            return {left: left, right: left + w,
                                    top: at.y - gap - h, bottom: at.y - gap};
                        };
                        var clear = function (r) {
                            var apart = r.right <= box.left || r.left >= box.right
                                || r.bottom <= box.top || r.top >= box.bottom;
                            return apart && r.left >= 0 && r.right <= size.x && r.top >= 0;
                        };
                        var first = at.x < size.x / 2 ? "right" : "left";
                        var shifted = Math.min(at.x - w / 2, box.left - 4 - w);
                        var tries = [
                            [first, 0, first === "right"
                                ? beside(at.x + gap) : beside(at.x - gap - w)],
                            [first === "right" ? "left" : "right", 0, first === "right"
                                ? beside(at.x - gap - w) : beside(at.x + gap)],
                            ["top", 0, above(at.x - w / 2)],
                        ];
                        if (shifted + w >= at.x) {  // still over its point
                            tries.push(["top", shifted - (at.x - w / 2), above(shifted)]);
                        }
                        for (var i = 0; i < tries.length; i++) {
                            var t = tries[i], r = t[2];
                            if (clear(r)) {
                                if (i > 0) {
                                    this.options.direction = t[0];
                                    moved = t[1] !== 0;
                                    if (moved) {
                                        this.options.offset = L.point(this.options.offset)
                                            .add([t[1], 0]);
                                    }
                                }
                                break;
                            }
                        }
                    }
                    var done = setPosition.call(this, pos);
                    if (tip) {
                        L.DomUtil[moved ? "addClass" : "removeClass"](tip, "walouja-moved");
                    }
                    return done;
                };
            }
            map.getContainer().addEventListener("wheel", function (e) {
                if (!(e.ctrlKey || e.metaKey)) { return; }
                e.preventDefault();
                var point = map.mouseEventToContainerPoint(e);
                map.setZoomAround(point, map.getZoom() + (e.deltaY < 0 ? 1 : -1));
            }, {passive: false});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, titles: Mapping[str, str] | None = None, *, lang: str = "") -> None:
        super().__init__()
        self._name = "MapControls"
        self.titles = dict(titles or {})
        self.lang = lang


def base_map(
    *,
    tiles: str = "none",
    height: int = 620,
    credits: Sequence[str] = (),
    rtl: bool = False,
    titles: Mapping[str, str] | None = None,
) -> folium.Map:
    """A map of Morocco: OSM tiles with attribution when ``tiles == "osm"``, else a plain
    background on which our own boundaries are the basemap.

    ``credits`` are the data credits of what the map draws (HCP for census figures and
    boundaries, :data:`OSM_ATTRIBUTION` for OpenStreetMap points); they show in the corner
    whatever the tiles, as offline maps draw none. ``rtl`` lays popups, tooltips, credits and
    the legend out right to left (Arabic). ``titles`` names the controls on hover
    (``zoom_in``, ``zoom_out``, ``layers``; ``leaflet`` titles the credits' link to Leaflet).
    The scale is metric; the mouse wheel zooms only
    with Ctrl held (see :class:`MapControls`).
    """
    m = folium.Map(
        location=MOROCCO_CENTRE,
        zoom_start=5,
        min_zoom=4,
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        height=height,
        # Leaflet's keyboard handler focuses the map on mouse down; inside Streamlit's iframe
        # that scrolls the page under the pointer and the click lands elsewhere: MapControls
        # turns it on without that
        keyboard=False,
        scrollWheelZoom=False,
        # a region or province the map is fitted to fills the room left of the legend: in
        # whole zoom levels Laâyoune-Sakia El Hamra took 285 of its 415 px
        zoomSnap=ZOOM_SNAP,
    )
    if tiles == "osm":
        folium.TileLayer(
            OSM_TILES, name="OpenStreetMap", attr=OSM_ATTRIBUTION, max_zoom=19, overlay=False
        ).add_to(m)
    if credits:
        # the same text as the tiles' credit is shown once (Leaflet counts identical texts)
        Attribution(credits, rtl=rtl).add_to(m)
    MapControls(titles, lang=_page_language()).add_to(m)
    m.get_root().header.add_child(Element(BACKGROUND_CSS))  # type: ignore[attr-defined]
    if rtl:
        m.get_root().header.add_child(Element(RTL_CSS))  # type: ignore[attr-defined]
    return m


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


_ESCAPE_JS = """function (v) {
    var map = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
    return String(v).replace(/[&<>"']/g, function (c) { return map[c]; });
}"""


class PointDetails(MacroElement):
    """The tooltip and popup of each feature of a GeoJSON layer (the points of
    :func:`add_points`, the Accessible Cities' areas), from the feature's own ``_t``
    (tooltip text) and ``_p`` (``[label, value]`` rows; values left out when empty),
    escaped: an imported name is text, never markup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer) {
            var esc = """
        + _ESCAPE_JS
        + """;
            layer.bindTooltip(function (l) {
                return "<span dir='auto'>" + esc(l.feature.properties._t) + "</span>";
            }, {sticky: true});
            layer.bindPopup(function (l) {
                var rows = l.feature.properties._p.map(function (r) {
                    return "<tr><th style='text-align:start;padding-inline-end:6px'>"
                        + esc(r[0]) + "</th><td dir='auto'>" + esc(r[1]) + "</td></tr>";
                });
                return "<table style='font-size:12px;line-height:1.3'>" + rows.join("")
                    + "</table>";
            }, {{ this.popup_options|tojson }});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PointDetails"
        self.popup_options = POPUP_OPTIONS


def shown(value: Any) -> bool:
    """Whether a popup shows ``value``: neither missing, blank nor NaN."""
    return value is not None and str(value).strip() != "" and value == value  # not NaN


def add_points(
    m: folium.Map | folium.FeatureGroup,
    rows: Sequence[Mapping[str, Any]],
    *,
    name: str,
    color_of: Callable[[Mapping[str, Any]], str],
    popup_fields: Sequence[str],
    popup_aliases: Sequence[str],
    tooltip_field: str | None = None,
    tooltip_of: Callable[[Mapping[str, Any]], str] | None = None,
    dashed_of: Callable[[Mapping[str, Any]], bool] | None = None,
    radius: float = 5,
    show: bool = True,
) -> folium.GeoJson | None:
    """Draw point rows (with ``lon``, ``lat``) as circle markers, one GeoJSON layer.

    The popup lists ``popup_aliases`` with the row's ``popup_fields``, leaving out the fields
    the row has no value for; the tooltip is ``tooltip_of(row)`` or the row's
    ``tooltip_field``. Rows for which ``dashed_of`` is true are drawn hollow with a dashed
    outline of their colour (a planned centre beside operating ones).
    """
    if not rows:
        return None
    features = []
    for i, row in enumerate(rows):
        tip = tooltip_of(row) if tooltip_of else row.get(tooltip_field) if tooltip_field else None
        features.append(
            {
                "type": "Feature",
                "id": str(row.get("id", i)),
                "properties": {
                    "_c": color_of(row),
                    "_d": bool(dashed_of(row)) if dashed_of else False,
                    "_t": "" if tip is None else str(tip),
                    "_p": [
                        [alias, str(row[field])]
                        for field, alias in zip(popup_fields, popup_aliases, strict=True)
                        if shown(row.get(field))
                    ],
                },
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
        style_function=_point_style,
    )
    PointDetails().add_to(layer)
    layer.add_to(m)
    return layer


def _point_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    if props.get("_d"):
        return {
            "fill": True,
            "fillColor": "#ffffff",
            "fillOpacity": 0.85,
            "color": props["_c"],
            "weight": 2,
            "dashArray": "3 2",
        }
    return {
        "fill": True,
        "fillColor": props["_c"],
        "color": POINT_STROKE,
        "weight": 0.8,
        "fillOpacity": 0.9,
    }


def fmt_number(value: float | Decimal | None, *, decimals: int = 0, lang: str | None = None) -> str:
    """``12345.6`` → ``"12 346"`` as readers of ``lang`` write figures (the page's language
    by default): in French and Arabic narrow no-break spaces between thousands and a decimal
    comma (``18 577``, ``69,5``), in English commas and a point (``18,577``, ``69.5``), as
    the command line prints them. "—" when missing or infinite (a ratio over nothing)."""
    if value is None or not math.isfinite(value):
        return "—"
    text = f"{value:,.{decimals}f}"
    if (lang or _page_language()) == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def _page_language() -> str:
    from app.i18n import current_language

    try:
        return current_language()
    except Exception:  # outside a Streamlit session (a script, a test): the default look
        return "fr"
