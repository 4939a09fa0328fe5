"""The map explorer's map: a choropleth of one indicator plus the thematic point layers."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
import streamlit as st

from app import analyses, data
from app.components import figures, mapview
from app.components.filters import type_label, type_tag
from app.i18n import (
    count_key,
    current_language,
    grouped,
    has_key,
    is_rtl,
    name_column,
    t,
    tn,
    translate,
)

LEVELS: tuple[str, ...] = ("regions", "provinces", "communes")
OVERLAYS: tuple[str, ...] = ("centres", "accessible_cities", "transport_stops", "beaches")


@dataclass(frozen=True)
class IndicatorSpec:
    """How an indicator is labelled, coloured and formatted."""

    key: str
    ramp: str
    decimals: int
    # multiply the values for display (share → %); access comes per 10,000 pwd already
    # (walouja.services.access_scale)
    scale: float = 1.0
    analysis: bool = False  # computed from centres (needs the analysis layer)


INDICATORS: dict[str, IndicatorSpec] = {
    spec.key: spec
    for spec in (
        IndicatorSpec("pwd", "orange", 0),
        IndicatorSpec("prevalence", "purple", 1),  # stored with one decimal
        IndicatorSpec("coverage", "blue", 0, scale=100.0, analysis=True),
        IndicatorSpec("nearest_km", "orange", 1, analysis=True),
        IndicatorSpec("access", "blue", 1, analysis=True),
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
SEARCH_SHOWN = 20
"""How many places a search lists (it says how many it found)."""
LEGEND_ROOM = (240, 0)
"""Pixels kept free on the right of a region, province or place the map is fitted to: the
legend's width (``.walouja-legend``, 230 px at most). The legend lies over Algeria on the
national map, but over the region's own communes once the map zooms to Oriental."""


def search_option(level: str, code: str) -> str:
    """The value the search's box (and the address's ``commune``) keeps for a place found:
    a commune's code as before, ``provinces:08.363`` for a province or region."""
    return code if level == "communes" else f"{level}:{code}"


def found_unit(option: str | None) -> tuple[str, str] | None:
    """The ``(level, code)`` of a search's option (see :func:`search_option`)."""
    if not option:
        return None
    level, sep, code = option.partition(":")
    return (level, code) if sep and level in LEVELS else ("communes", option)


def search_label(found: pd.DataFrame, option: str, names: Mapping[str, str]) -> str:
    """``"Province · Tiznit — تيزنيت (Souss-Massa)"``: a place found, its kind first, its
    name in the page's language, the other one isolated (it keeps its own direction), then
    its province (a commune) or region (a province)."""
    unit = found_unit(option)
    assert unit is not None
    level, code = unit
    rows = found.loc[(found["level"] == level) & (found["code"].astype(str) == code)]
    row = rows.iloc[0]
    first = name_column()
    other = "name_fr" if first == "name_ar" else "name_ar"
    parent = {"communes": "province_code", "provinces": "region_code"}.get(level)
    within = str(row[parent]) if parent and pd.notna(row[parent]) else ""
    after = f" ({names.get(within, within)})" if within else ""
    return f"{t(f'level.{level}.one')} · {row[first]} — \u2068{row[other]}\u2069{after}"


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
DEMO_MARK = '<span class="fa-solid fa-flask" aria-hidden="true"></span> '
"""The legend's mark of demonstration data, before the words that say so: a flask from the
map's own icon font (the 🧪 emoji was an empty box without an emoji font; a screen reader
skips the mark and reads the words)."""
BOARDING_COLOURS: dict[int, str] = {1: "#1a9641", 2: "#d7191c", 0: "#969696"}


def _constant(colour: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda _row: colour


def beach_colour(equipment: int) -> str:
    """Green when well equipped (4+ of 7 adapted equipments), orange when partly, red none."""
    return "#1a9641" if equipment >= 4 else "#fdae61" if equipment >= 1 else "#d7191c"


def beach_class(equipment: int) -> str:
    """Catalogue key of a beach's accessibility class."""
    return "good" if equipment >= 4 else "partial" if equipment >= 1 else "none"


def convention_text(value: object) -> str | None:
    """A convention's date as the popup shows it: its year alone when the date is the 1st
    of January, which is how a convention known only by its year is recorded (Fès, Tiznit
    and Boujdour: "year known, day not recorded"; the popup read "2019-01-01")."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    return text[:4] if text[4:] == "-01-01" else text


def base_values(rows: Sequence[Mapping[str, Any]], indicator: str) -> dict[str, float | None]:
    """Values of the census indicators straight from the boundary rows."""
    column = {"pwd": "pwd", "prevalence": "disability_prevalence"}[indicator]
    return {str(r["code"]): (None if r.get(column) is None else float(r[column])) for r in rows}


def display_value(spec: IndicatorSpec, value: float | None) -> float | None:
    """The value as shown (shares in %; access is per 10,000 persons with disabilities in
    :func:`app.analyses.commune_indicators` already)."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return float(value) * spec.scale


def indicator_label(
    indicator: str, *, threshold_km: float | None = None, level: str = "communes"
) -> str:
    """The indicator's name as the map shows it: coverage names its distance when
    ``threshold_km`` is given, "per 10 000" is written as the language writes numbers, and
    the distance of a province or region says it is a mean (of its communes, weighted by
    their persons with disabilities: "106 km to the nearest centre" read as the province's
    own distance, while its nearest commune is 56 km away)."""
    per = mapview.fmt_number(1e4)
    if indicator == "nearest_km" and level != "communes":
        return t("indicator.nearest_km.mean")
    if indicator == "coverage" and threshold_km is not None:
        return t("map.indicator.coverage", km=mapview.fmt_number(threshold_km))
    if indicator == "access":
        return t("map.indicator.access", per=per, km=mapview.fmt_number(analyses.CATCHMENT_KM))
    if indicator == "places_per_10k":
        return t("map.indicator.places_per_10k", per=per)
    return t(f"indicator.{indicator}")


def indicator_choice(indicator: str) -> str:
    """The indicator's name as its select box offers it: the short name the Coverage page's
    box gives (the full one, "Accessibilité 2SFCA (places pour 10 000 PSH à 60 km)", was cut
    mid-word at 1366 px; the legend and the panel keep it), and in a right-to-left language
    one right-to-left run (the options' list is laid out left to right)."""
    column = ANALYSIS_COLUMN.get(indicator)
    label = t(f"equity.option.{column}") if column else t(f"indicator.{indicator}")
    return f"\u2067{label}\u2069" if is_rtl(current_language()) else label


def operating_types() -> set[str]:
    """The centre types with at least one operating centre (what access is computed from)."""
    return {str(r["centre_type"]) for r in data.points("centres") if r["status"] == "operating"}


def empty_overlays(overlays: Sequence[str], drawn: Mapping[str, int]) -> list[str]:
    """The layers of ``overlays`` of which the map drew nothing (``drawn`` as
    :func:`build_map` counts them): none of their points lies in the area shown."""
    return [layer for layer in overlays if not drawn.get(layer)]


def unit_in_area(level: str, code: str, *, region: str | None, province: str | None) -> bool:
    """Whether the unit ``code`` of ``level`` lies in the region and province the map is
    filtered to (a region holds the province it is filtered to)."""
    units = data.units(level)
    found = units.loc[units["code"].astype(str) == code]
    if found.empty:
        return False
    row = found.iloc[0]
    if region and str(row["region_code"]) != region:
        return False
    return not (province and level != "regions" and str(row["province_code"]) != province)


def drawn_codes(level: str, *, region: str | None, province: str | None) -> set[str]:
    """Codes of the units of ``level`` the map draws with these filters."""
    units = data.units(level)
    keep = pd.Series(True, index=units.index)
    if region:
        keep &= units["region_code"].astype(str).eq(region)
    if province and level != "regions":
        keep &= units["province_code"].astype(str).eq(province)
    return set(units.loc[keep, "code"].astype(str))


def control_titles() -> dict[str, str]:
    """The map's buttons and its Leaflet link named on hover in the page's language, and its
    scale's units (see :func:`app.components.mapview.base_map`): every map of the app
    passes them."""
    return {
        "zoom_in": t("map.control.zoom_in"),
        "zoom_out": t("map.control.zoom_out"),
        "layers": t("map.control.layers"),
        "leaflet": t("map.control.leaflet"),
        # the scale bar's units, as the page writes distances ("300 كلم" in Arabic)
        "km": t("unit.km"),
        "m": t("unit.m"),
    }


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
    threshold_km: float | None = None,
    searched: tuple[str, str] | None = None,
    centre_type: str | None = None,
) -> tuple[folium.Map, dict[str, int]]:
    """The explorer map and how many features each layer drew.

    The colour classes are those of the units drawn (a region's communes are told apart
    from each other, not from the whole country's). ``focus`` (west, south, east, north)
    is the place searched: the map opens on it, so a shared link to a place shows the
    place; ``searched`` is its ``(level, code)``, outlined. ``threshold_km`` is the
    coverage distance the legend names, and an indicator computed from the centres names
    under its title the type it is computed from (``centre_type``, None for every type).
    An indicator computed from demonstration centres says so in the legend, whether or not
    the centres are drawn.
    """
    spec = INDICATORS[indicator]
    text, count = data.boundaries_text(level, region=region, province=province)
    drawn = drawn_codes(level, region=region, province=province)
    shown = {code: display_value(spec, v) for code, v in values.items() if code in drawn}
    classes = mapview.classify(list(shown.values()), ramp=spec.ramp)
    unit = t(f"indicator.{indicator}.unit")
    fmt = lambda v: mapview.fmt_number(v, decimals=spec.decimals)  # noqa: E731
    labelled = {
        code: (classes.color(v), figures.with_unit(fmt(v), unit))
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
    # the imported sources of the points drawn (a CC BY file asks for its credit where its
    # points are shown: the map credited HCP alone)
    credits.extend(source_credits(overlay_rows))
    m = mapview.base_map(
        tiles=tiles,
        height=height,
        credits=credits,
        rtl=is_rtl(current_language()),
        titles=control_titles(),
    )
    counts: dict[str, int] = {}
    label = indicator_label(indicator, threshold_km=threshold_km, level=level)
    # the name in the page's language first, as the points' popups give it
    names = ("name_ar", "name_fr") if current_language() == "ar" else ("name_fr", "name_ar")
    popup = {
        **{field: t(f"field.{field}") for field in names},
        # the value carries its unit ("8,0 %"): the label need not say it again
        "_value": label.removesuffix(f" ({unit})") if unit else label,
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
    if searched:
        _outline_searched(m, *searched)
    legend = [
        mapview.legend_html(
            mapview.legend_title(label, unit),
            classes,
            fmt=fmt,
            no_data=t("map.no_data"),
            # "à moins de 30 km d'un centre": of which type, the legend did not say
            note=t("map.panel.centres", type=type_label(centre_type)) if spec.analysis else None,
        )
    ]
    demo_computed = spec.analysis and bool(data.layer_counts()["centres"].demo_rows)
    demo = False
    for layer in overlays:
        drawn_n, rows_legend, has_demo = _add_overlay(m, layer, overlay_rows[layer])
        counts[layer] = drawn_n
        demo = demo or has_demo
        if drawn_n:
            legend.append("<br>".join([f"<b>{t(f'layer.{layer}')}</b>", *rows_legend]))
    # the demonstration mark first: last, it was below the fold of a legend that scrolls
    # (Drâa-Tafilalet's at 1366 px showed "values computed from demonstration" cut in half)
    if demo_computed:
        legend.insert(0, f"<b>{DEMO_MARK}{t('map.demo_computed')}</b>")
    elif demo:
        legend.insert(0, f"<b>{DEMO_MARK}{t('demo.on_map')}</b>")
    # bottom right lies over Algeria and Mauritania, where it hides no Moroccan unit; it
    # folds away with a click on its title
    mapview.Legend(
        "<hr style='margin:4px 0'>".join(legend), position="bottomright", title=t("map.legend")
    ).add_to(m)
    if region or province:
        west, south, east, north = (
            data.unit_bounds("provinces", province)
            if province
            else data.unit_bounds("regions", str(region))
        )
        m.fit_bounds([[south, west], [north, east]], padding_bottom_right=LEGEND_ROOM)
    if focus is not None:
        west, south, east, north = focus
        m.fit_bounds([[south, west], [north, east]], padding_bottom_right=LEGEND_ROOM)
    if not (region or province or focus):  # the whole country, in a narrow window too
        mapview.ShowWhole(mapview.MOROCCO_BOUNDS).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m, counts


SEARCHED_STROKE = "#000000"


def _outline_searched(m: folium.Map, level: str, code: str) -> None:
    """A thick outline around the place searched (a commune's province's polygons, a
    province's region's, are cached)."""
    units = data.units(level)
    found = units.loc[units["code"].astype(str) == code]
    if found.empty:
        return
    parent = {
        "communes": {"province": str(found.iloc[0]["province_code"])},
        "provinces": {"region": str(found.iloc[0]["region_code"])},
    }.get(level, {})
    rows = [r for r in data.boundaries(level, **parent) if str(r["code"]) == code]
    if rows:
        mapview.add_outline(
            m, rows, name=t("map.searched"), color=SEARCHED_STROKE, weight=3.5, control=False
        )


def access_panel(
    level: str,
    code: str,
    frame: pd.DataFrame,
    *,
    threshold_km: float,
    centre_type: str | None,
) -> None:
    """The access figures of one unit, each naming what it measures: coverage its distance,
    all of them the centres they are computed from."""
    for column, indicator, scale, decimals, unit in (
        ("nearest_km", "nearest_km", 1.0, 1, t("unit.km")),
        ("coverage_share", "coverage", 100.0, 0, "%"),
        ("access", "access", 1.0, 1, ""),  # per 10,000 pwd (analyses.commune_indicators)
        # the figure the map colours by "places per 10 000", missing here while the map
        # showed it
        ("places_per_10k", "places_per_10k", 1.0, 1, ""),
    ):
        value = analyses.aggregate(frame, column, level).get(code)
        shown = None if value is None or pd.isna(value) else float(value) * scale
        st.metric(
            indicator_label(indicator, threshold_km=threshold_km, level=level),
            figures.with_unit(mapview.fmt_number(shown, decimals=decimals), unit),
        )
    st.caption(t("map.panel.centres", type=type_label(centre_type)))
    # the places and the access count a centre of unknown capacity as the median of the
    # known ones: said as the Overview and the Coverage page say it
    figures.capacity_note(centre_type)


CREDITED_SOURCES = 3
"""Most sources a layer's credit names on the map; the others are counted, and the Sources
and licences page lists them all."""


def source_credits(
    overlay_rows: Mapping[str, Sequence[Mapping[str, Any]]], lang: str | None = None
) -> list[str]:
    """The map's credits (HTML) for the sources of the thematic rows drawn: one per layer,
    ``Plages : Commune de Saïdia (CC BY 4.0)``, naming each source's attribution (else the
    source the rows were imported under) and its licence, at most :data:`CREDITED_SOURCES`
    then how many others. Demonstration rows (invented, CC0, marked as such) and
    OpenStreetMap's (credited by :data:`mapview.OSM_ATTRIBUTION`) are left out, as are the
    texts Walouja writes itself for the layers it loads (public facts)."""
    from geo.provenance import CITIES_SOURCE, DEMO_SOURCE, recognise

    own = {DEMO_SOURCE, CITIES_SOURCE}
    lang = lang or current_language()
    out: list[str] = []
    for layer, rows in overlay_rows.items():
        found: dict[str, str | None] = {}
        drawn: dict[str, int] = {}
        for row in rows:
            credit = str(row.get("credit") or "").strip()
            if row.get("is_demo") or row.get("from_osm") or not credit or credit in own:
                continue
            if recognise(credit):
                continue
            found.setdefault(credit, row.get("licence"))
            drawn[credit] = drawn.get(credit, 0) + 1
        if not found:
            continue
        # the sources of the most points first (then by name): those the map shows most
        first = sorted(found, key=lambda c: (-drawn[c], c.casefold()))[:CREDITED_SOURCES]
        named = [
            html.escape(f"{credit} ({licence})" if (licence := found[credit]) else credit)
            for credit in first
        ]
        others = len(found) - CREDITED_SOURCES
        if others > 0:
            key = count_key("map.credit.more", others, lang)
            named.append(translate(key, lang, n=grouped(others, lang)))
        label = translate(f"layer.{layer}", lang)
        sources = " · ".join(named)  # Leaflet joins the credits with commas
        out.append(translate("map.credit.layer", lang, layer=label, sources=sources))
    return out


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
            by_stage.setdefault(str(row["stage"]), []).append(
                {"code": row["code"], "geometry": row["geometry"], **_city_details(row)}
            )
        for stage, stage_rows in by_stage.items():
            colour = STAGE_COLOURS.get(stage, "#555555")
            data_fc = mapview.feature_collection(stage_rows, ["_t", "_p"])
            city_layer = folium.GeoJson(
                data_fc,
                name=f"{t('layer.accessible_cities')} — {t(f'stage.{stage}')}",
                style_function=lambda _f, c=colour: {
                    "color": c,
                    "weight": 3,
                    "fillColor": c,
                    "fillOpacity": 0.25,
                },
            )
            mapview.PointDetails().add_to(city_layer)
            city_layer.add_to(m)
        legend = mapview.swatch_rows(
            {t(f"stage.{s}"): c for s, c in STAGE_COLOURS.items() if s in by_stage}, dot=False
        )
        return len(rows), legend, any(r.get("is_demo") for r in rows)
    if not rows:
        return 0, [], False
    demo = any(r.get("is_demo") for r in rows)
    # a demonstration point says so in its own popup (a popup read alone, or shown in a
    # screenshot, gave invented capacities as facts); a real one has no such row
    rows = [{**r, _DEMO: t("yes") if r.get("is_demo") else None} for r in rows]
    names = _name_fields()
    if layer == "centres":
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            row = {
                **row,
                "type_label": t(f"centre_type.{row['centre_type']}"),
                "status_label": t(f"status.{row['status']}"),
                "capacity_label": mapview.fmt_number(row.get("capacity"))
                if row.get("capacity") is not None
                else None,
            }
            by_type.setdefault(str(row["centre_type"]), []).append(row)
        rows_legend: list[str] = []
        for kind in CENTRE_COLOURS:
            if kind not in by_type:
                continue
            mapview.add_points(
                m,
                by_type[kind],
                name=f"{t('layer.centres')} — {type_tag(kind)}",
                color_of=_constant(CENTRE_COLOURS[kind]),
                popup_fields=[*names, "type_label", "capacity_label", "status_label", _DEMO],
                popup_aliases=[
                    *(t(f"field.{_NAME_LABEL[f]}") for f in names),
                    t("field.centre_type"),
                    t("field.capacity"),
                    t("field.status"),
                    t("demo.unit"),
                ],
                tooltip_of=_centre_tooltip,
                dashed_of=_not_operating,
                radius=6 if kind == "COAPH" else 4,
            )
            # isolated, so an Arabic line reads "COAPH: 44" from the right with its colon
            tag = f"<bdi>{type_tag(kind)}</bdi>"
            operating = sum(1 for r in by_type[kind] if not _not_operating(r))
            pending = len(by_type[kind]) - operating
            if pending:
                text = tn(
                    "map.centres_count_pending",
                    pending,
                    type=tag,
                    count=mapview.fmt_number(operating),
                    pending=mapview.fmt_number(pending),
                )
            else:
                text = t("map.centres_count", type=tag, count=mapview.fmt_number(operating))
            rows_legend.extend(mapview.swatch_rows({text: CENTRE_COLOURS[kind]}))
        if any(_not_operating(r) for r in rows):
            rows_legend.append(mapview.hollow_row(t("map.centres_pending_symbol")))
        return len(rows), rows_legend, demo
    if layer == "transport_stops":
        rows = [
            {
                **r,
                "access_label": t(f"boarding.{int(r.get('wheelchair_boarding') or 0)}"),
                "mode_label": _mode_label(r.get("mode")),
            }
            for r in rows
        ]
        mapview.add_points(
            m,
            rows,
            name=t("layer.transport_stops"),
            color_of=lambda r: BOARDING_COLOURS.get(
                int(r.get("wheelchair_boarding") or 0), "#969696"
            ),
            popup_fields=[*names, "mode_label", "operator", "access_label", _DEMO],
            popup_aliases=[
                *(t(f"field.{_NAME_LABEL[f]}") for f in names),
                t("field.mode"),
                t("field.operator"),
                t("field.wheelchair_boarding"),
                t("demo.unit"),
            ],
            tooltip_of=local_name,
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
            popup_fields=[*names, "equipment_label", "blue_flag_label", _DEMO],
            popup_aliases=[
                *(t(f"field.{_NAME_LABEL[f]}") for f in names),
                t("field.equipment"),
                t("field.blue_flag"),
                t("demo.unit"),
            ],
            tooltip_of=local_name,
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


def _city_details(row: Mapping[str, Any]) -> dict[str, Any]:
    """The tooltip (``_t``: the commune's name in the page's language and the programme's
    stage) and popup rows (``_p``) of an Accessible City, leaving out what it lacks.

    The city's area lies over its commune's, whose tooltip it hid: a planner pointing at
    Meknès read nothing; and a city without a convention had an empty "Date de la
    convention" row.
    """
    first, second = ("name_ar", "name_fr") if current_language() == "ar" else ("name_fr", "name_ar")
    stage = t(f"stage.{row['stage']}")
    rows: list[tuple[str, object]] = [
        (t(f"field.{first}"), row.get(first)),
        (t(f"field.{second}"), row.get(second)),
        (t("field.stage"), stage),
        (t("field.convention_date"), convention_text(row.get("convention_date"))),
        (t("demo.unit"), t("yes") if row.get("is_demo") else None),
    ]
    name = str(row.get(first) or row.get(second) or "")
    return {
        "_t": f"{name} — {stage}",
        "_p": [[label, str(value)] for label, value in rows if mapview.shown(value)],
    }


_DEMO = "demo_label"
"""The popup field of a point that is demonstration data ("Données de démonstration : oui")."""

# a point's ``name`` is its French (or Latin-script) name, ``name_ar`` its Arabic one
_NAME_LABEL = {"name": "name_fr", "name_ar": "name_ar"}


def _name_fields() -> tuple[str, str]:
    """The point's name fields in the order the page's language reads them first."""
    return ("name_ar", "name") if current_language() == "ar" else ("name", "name_ar")


def local_name(row: Mapping[str, Any]) -> str:
    """A point's name in the page's language: its Arabic name on an Arabic page when it has
    one, else its (French) name."""
    if current_language() == "ar" and str(row.get("name_ar") or "").strip():
        return str(row["name_ar"])
    return str(row.get("name") or row.get("name_ar") or "")


def _not_operating(row: Mapping[str, Any]) -> bool:
    return row.get("status") not in (None, "operating")


def _centre_tooltip(row: Mapping[str, Any]) -> str:
    """A centre's name, with its status when it does not operate yet."""
    name = local_name(row)
    if not _not_operating(row):
        return name
    return f"{name} ({t('status.' + str(row['status']))})"


def _mode_label(mode: object) -> str | None:
    """A transport mode in the page's language (a code the catalogue lacks stays as is)."""
    if mode is None or str(mode).strip() == "":
        return None
    key = f"mode.{mode}"
    return t(key) if has_key(key, current_language()) else str(mode)
