"""The map explorer's map: a choropleth of one indicator plus the thematic point layers."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium

from app import data
from app.components import mapview
from app.components.filters import type_tag
from app.i18n import current_language, is_rtl, name_column, t

LEVELS: tuple[str, ...] = ("regions", "provinces", "communes")
OVERLAYS: tuple[str, ...] = ("centres", "accessible_cities", "transport_stops", "beaches")


@dataclass(frozen=True)
class IndicatorSpec:
    """How an indicator is labelled, coloured and formatted."""

    key: str
    ramp: str
    decimals: int
    scale: float = 1.0  # multiply stored values for display (share → %)
    analysis: bool = False  # computed from centres (needs the analysis layer)


INDICATORS: dict[str, IndicatorSpec] = {
    spec.key: spec
    for spec in (
        IndicatorSpec("pwd", "orange", 0),
        IndicatorSpec("prevalence", "purple", 2),
        IndicatorSpec("coverage", "blue", 0, scale=100.0, analysis=True),
        IndicatorSpec("nearest_km", "orange", 1, analysis=True),
        IndicatorSpec("access", "blue", 1, scale=1e4, analysis=True),
        IndicatorSpec("places_per_10k", "blue", 1, analysis=True),
    )
}
ANALYSIS_COLUMN = {
    "coverage": "coverage_share",
    "nearest_km": "nearest_km",
    "access": "access",
    "places_per_10k": "places_per_10k",
}
EQUITY_TO_MAP = {v: k for k, v in ANALYSIS_COLUMN.items()}

CENTRE_COLOURS: dict[str, str] = {
    "COAPH": "#d62728",
    "CAS": "#1f77b4",
    "CAPE": "#2ca02c",
    "EMF": "#9467bd",
    "CJPA": "#ff7f0e",
    "EPS": "#8c564b",
    "other": "#7f7f7f",
}
STAGE_COLOURS: dict[str, str] = {
    "diagnostic_study": "#fdae61",
    "convention_signed": "#abd9e9",
    "works_under_way": "#2c7bb6",
    "completed": "#1a9641",
}
BOARDING_COLOURS: dict[int, str] = {1: "#1a9641", 2: "#d7191c", 0: "#969696"}


def _constant(colour: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda _row: colour


def beach_colour(equipment: int) -> str:
    """Green when well equipped (4+ of 7 adapted equipments), orange when partly, red none."""
    return "#1a9641" if equipment >= 4 else "#fdae61" if equipment >= 1 else "#d7191c"


def beach_class(equipment: int) -> str:
    """Catalogue key of a beach's accessibility class."""
    return "good" if equipment >= 4 else "partial" if equipment >= 1 else "none"


def base_values(rows: Sequence[Mapping[str, Any]], indicator: str) -> dict[str, float | None]:
    """Values of the census indicators straight from the boundary rows."""
    column = {"pwd": "pwd", "prevalence": "disability_prevalence"}[indicator]
    return {str(r["code"]): (None if r.get(column) is None else float(r[column])) for r in rows}


def display_value(spec: IndicatorSpec, value: float | None) -> float | None:
    """The value as shown (shares in %, access per 10,000 persons with disabilities)."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return float(value) * spec.scale


def build_map(
    *,
    level: str,
    indicator: str,
    values: Mapping[str, float | None],
    region: str | None,
    province: str | None,
    overlays: Sequence[str],
    tiles: str,
    height: int = 620,
    focus: tuple[float, float, float, float] | None = None,
) -> tuple[folium.Map, dict[str, int]]:
    """The explorer map and how many features each layer drew.

    ``focus`` (west, south, east, north) is the searched commune: the map opens on it, so a
    shared link to a commune shows the commune.
    """
    spec = INDICATORS[indicator]
    text, count = data.boundaries_text(level, region=region, province=province)
    shown = {code: display_value(spec, v) for code, v in values.items()}
    classes = mapview.classify(list(shown.values()), ramp=spec.ramp)
    unit = t(f"indicator.{indicator}.unit")
    fmt = lambda v: mapview.fmt_number(v, decimals=spec.decimals)  # noqa: E731
    labelled = {
        code: (classes.color(v), f"{fmt(v)} {unit}".strip())
        for code, v in shown.items()
        if v is not None
    }
    overlay_rows = {
        layer: _overlay_rows(layer, region=region, province=province) for layer in overlays
    }
    credits = [t("map.credit.hcp")]
    osm_layers = data.osm_layers()
    if any(
        layer in osm_layers or any(r.get("from_osm") for r in rows)
        for layer, rows in overlay_rows.items()
        if rows
    ):
        credits.append(mapview.OSM_ATTRIBUTION)
    m = mapview.base_map(
        tiles=tiles, height=height, credits=credits, rtl=is_rtl(current_language())
    )
    counts: dict[str, int] = {}
    label = t(f"indicator.{indicator}")
    popup = {
        "name_fr": t("field.name_fr"),
        "name_ar": t("field.name_ar"),
        "_value": label,
        "pwd": t("field.pwd"),
        "population": t("field.population"),
    }
    if indicator == "pwd":
        del popup["pwd"]  # the value is already the number of persons with disabilities
    mapview.PolygonLayer(
        text,
        name=f"{t(f'level.{level}')} — {label}",
        values=labelled,
        fields=list(popup),
        labels=list(popup.values()),
        name_field=name_column(),
        weight=0.3 if level == "communes" else 0.8,
    ).add_to(m)
    counts[level] = count
    if level != "regions":
        outline = data.boundaries("regions", region=region)
        mapview.add_outline(m, outline, name=t("map.region_outlines"), color="#222222", weight=1.4)
    legend = [
        mapview.legend_html(
            mapview.legend_title(label, unit), classes, fmt=fmt, no_data=t("map.no_data")
        )
    ]
    demo = False
    for layer in overlays:
        drawn, rows_legend, has_demo = _add_overlay(m, layer, overlay_rows[layer])
        counts[layer] = drawn
        demo = demo or has_demo
        if drawn:
            legend.append("<br>".join([f"<b>{t(f'layer.{layer}')}</b>", *rows_legend]))
    if demo:
        legend.append(f"<b>🧪 {t('demo.on_map')}</b>")
    # bottom left lies over the Atlantic, where it hides no unit
    mapview.Legend("<hr style='margin:4px 0'>".join(legend), position="bottomleft").add_to(m)
    if region or province:
        west, south, east, north = (
            data.unit_bounds("provinces", province)
            if province
            else data.unit_bounds("regions", str(region))
        )
        m.fit_bounds([[south, west], [north, east]])
    if focus is not None:
        west, south, east, north = focus
        m.fit_bounds([[south, west], [north, east]])
    folium.LayerControl(collapsed=True).add_to(m)
    return m, counts


def _overlay_rows(layer: str, *, region: str | None, province: str | None) -> list[dict[str, Any]]:
    """The rows of one thematic layer in the chosen area."""
    if layer == "accessible_cities":
        return data.accessible_cities(region=region, province=province)
    return data.points(layer, region=region, province=province)


def _add_overlay(
    m: folium.Map, layer: str, rows: list[dict[str, Any]]
) -> tuple[int, list[str], bool]:
    """Draw one thematic layer; return features drawn, legend rows, whether demo rows."""
    if layer == "accessible_cities":
        if not rows:
            return 0, [], False
        by_stage: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            row = {**row, "stage_label": t(f"stage.{row['stage']}")}
            by_stage.setdefault(str(row["stage"]), []).append(row)
        for stage, stage_rows in by_stage.items():
            colour = STAGE_COLOURS.get(stage, "#555555")
            data_fc = mapview.feature_collection(
                stage_rows, ["name_fr", "name_ar", "stage_label", "convention_date"]
            )
            folium.GeoJson(
                data_fc,
                name=f"{t('layer.accessible_cities')} — {t(f'stage.{stage}')}",
                style_function=lambda _f, c=colour: {
                    "color": c,
                    "weight": 3,
                    "fillColor": c,
                    "fillOpacity": 0.25,
                },
                popup=folium.GeoJsonPopup(
                    fields=["name_fr", "name_ar", "stage_label", "convention_date"],
                    aliases=[
                        t("field.name_fr"),
                        t("field.name_ar"),
                        t("field.stage"),
                        t("field.convention_date"),
                    ],
                ),
            ).add_to(m)
        legend = mapview.swatch_rows(
            {t(f"stage.{s}"): c for s, c in STAGE_COLOURS.items() if s in by_stage}, dot=False
        )
        return len(rows), legend, any(r.get("is_demo") for r in rows)
    if not rows:
        return 0, [], False
    demo = any(r.get("is_demo") for r in rows)
    if layer == "centres":
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            row = {
                **row,
                "type_label": t(f"centre_type.{row['centre_type']}"),
                "status_label": t(f"status.{row['status']}"),
                "capacity_label": mapview.fmt_number(row.get("capacity")),
            }
            by_type.setdefault(str(row["centre_type"]), []).append(row)
        for kind in CENTRE_COLOURS:
            if kind not in by_type:
                continue
            mapview.add_points(
                m,
                by_type[kind],
                name=f"{t('layer.centres')} — {type_tag(kind)}",
                color_of=_constant(CENTRE_COLOURS[kind]),
                popup_fields=["name", "name_ar", "type_label", "capacity_label", "status_label"],
                popup_aliases=[
                    t("field.name"),
                    t("field.name_ar"),
                    t("field.centre_type"),
                    t("field.capacity"),
                    t("field.status"),
                ],
                tooltip_field="name",
                radius=6 if kind == "COAPH" else 4,
            )
        legend = mapview.swatch_rows(
            {
                f"{type_tag(k)} ({len(by_type[k])})": c
                for k, c in CENTRE_COLOURS.items()
                if k in by_type
            }
        )
        return len(rows), legend, demo
    if layer == "transport_stops":
        rows = [
            {**r, "access_label": t(f"boarding.{int(r.get('wheelchair_boarding') or 0)}")}
            for r in rows
        ]
        mapview.add_points(
            m,
            rows,
            name=t("layer.transport_stops"),
            color_of=lambda r: BOARDING_COLOURS.get(
                int(r.get("wheelchair_boarding") or 0), "#969696"
            ),
            popup_fields=["name", "mode", "operator", "access_label"],
            popup_aliases=[
                t("field.name"),
                t("field.mode"),
                t("field.operator"),
                t("field.wheelchair_boarding"),
            ],
            tooltip_field="name",
            radius=3.5,
        )
        legend = mapview.swatch_rows({t(f"boarding.{k}"): c for k, c in BOARDING_COLOURS.items()})
        return len(rows), legend, demo
    if layer == "beaches":
        rows = [
            {
                **r,
                "equipment_label": f"{int(r.get('equipment') or 0)}/7",
                "blue_flag_label": t("yes") if r.get("blue_flag") else t("no"),
            }
            for r in rows
        ]
        mapview.add_points(
            m,
            rows,
            name=t("layer.beaches"),
            color_of=lambda r: beach_colour(int(r.get("equipment") or 0)),
            popup_fields=["name", "name_ar", "equipment_label", "blue_flag_label"],
            popup_aliases=[
                t("field.name"),
                t("field.name_ar"),
                t("field.equipment"),
                t("field.blue_flag"),
            ],
            tooltip_field="name",
            radius=5,
        )
        legend = mapview.swatch_rows(
            {
                t(f"beach.{k}"): beach_colour(n)
                for k, n in (("good", 4), ("partial", 1), ("none", 0))
            }
        )
        return len(rows), legend, demo
    return 0, [], False
