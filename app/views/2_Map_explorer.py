"""Map explorer: choropleths of the census and of access, with centres and other layers."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app import analyses, data, shell, state
from app.components import explorer, figures, filters
from app.components.basemap import tiles_mode
from app.components.mapview import fmt_number
from app.context import app_settings
from app.i18n import count_key, current_language, name_column, t, tn
from app.textsearch import search_places
from walouja.errors import WaloujaError

MAP_HEIGHT = 620  # pixels, the map and the room kept for it while it is redrawn

shell.header("map.title", "map.intro")
if not shell.require_database() or not shell.require_geography():
    st.stop()

regions = data.units("regions")
provinces = data.units("provinces")
communes = data.units("communes")
names = {
    **dict(zip(regions["code"], regions[name_column()], strict=True)),
    **dict(zip(provinces["code"], provinces[name_column()], strict=True)),
}
counts = data.layer_counts()
available_overlays = [o for o in explorer.OVERLAYS if counts[o].rows]

# ---- controls (all mirrored in the URL) ---------------------------------------------------
# the indicator's name is the longest: its box gets the room the level's does not need; in
# a narrow window (800 px) the region and the province go to a row below, and each box shows
# what it holds ("C…", "Toutes…" in four boxes of 66 to 144 px)
c1, c2, c3, c4 = shell.wrapping_columns(
    st, "map_filters", [0.8, 1.6, 1.2, 1.2], [128, 240, 170, 170]
)
level = c1.selectbox(
    t("map.level"),
    explorer.LEVELS,
    key="level",
    index=state.start_index("level", explorer.LEVELS, "communes"),
    format_func=lambda v: t(f"level.{v}"),
    placeholder=t("streamlit.choose_option"),
)
state.publish("level", level, "communes")

indicator_options = list(explorer.INDICATORS)
indicator = c2.selectbox(
    t("map.indicator"),
    indicator_options,
    key="indicator",
    index=state.start_index("indicator", indicator_options, "pwd"),
    format_func=explorer.indicator_choice,
    placeholder=t("streamlit.choose_option"),
)
state.publish("indicator", indicator, "pwd")

region_options = ["", *regions["code"]]
region = c3.selectbox(
    t("filter.region"),
    region_options,
    key="region",
    index=state.start_index("region", region_options, ""),
    format_func=lambda c: names.get(c, c) if c else t("filter.all_regions"),
    placeholder=t("streamlit.choose_option"),
)
state.publish("region", region, "")
province_codes = provinces.loc[
    provinces["region_code"].eq(region) if region else slice(None), "code"
].tolist()
province_options = ["", *province_codes]
province = c4.selectbox(
    t("filter.province"),
    province_options,
    key="province",
    index=state.start_index("province", province_options, ""),
    format_func=lambda c: names.get(c, c) if c else t("filter.all_provinces"),
    disabled=level == "regions",
    placeholder=t("streamlit.choose_option"),
)
state.publish("province", province, "")
if level == "regions":
    province = ""

spec = explorer.INDICATORS[indicator]
centre_type: str | None = None
threshold = analyses.DEFAULT_THRESHOLD_KM
if spec.analysis:
    # only the types that have an operating centre: the others have nothing to measure
    operating = explorer.operating_types()
    asked = st.session_state.get("ctype") or st.query_params.get("ctype")
    # two boxes of 87 px at 800 px ("Tous…"): the row's room, the third column's below
    a1, a2, _ = shell.wrapping_columns(st, "map_centres", [1, 1, 2.8], [160, 110, 0])
    picked = filters.centre_filter(
        a1, a2, km_disabled=indicator != "coverage", types=sorted(operating)
    )
    centre_type = picked.centre_type
    threshold = picked.threshold_km
    if asked in analyses.CENTRE_TYPES and asked not in operating:
        st.info(t("map.type_none", type=filters.type_label(asked)))

overlay_default = [o for o in ("centres",) if o in available_overlays]
overlays = st.multiselect(
    t("map.overlays"),
    available_overlays,
    key="overlays",
    default=state.start_list("overlays", available_overlays, overlay_default),
    format_func=lambda v: t(f"layer.{v}"),
    placeholder=t("map.overlays_none"),
    # Streamlit's own "Select all" entry is English on every page; four layers need none
    select_all=False,
)
state.publish_list("overlays", overlays, overlay_default)
# an access indicator is computed from the centres, drawn or not
shell.demo_note(*overlays, *(["centres"] if spec.analysis and "centres" not in overlays else []))

# ---- indicator values --------------------------------------------------------------------
indicator_frame: pd.DataFrame | None = None
values: dict[str, float | None]
if spec.analysis:
    try:
        indicator_frame = analyses.commune_indicators(
            centre_type=centre_type, threshold_km=threshold
        )
    except WaloujaError as exc:
        shell.show_error(exc)
        st.stop()
    column = explorer.ANALYSIS_COLUMN[indicator]
    if column in analyses.CAPACITY_COLUMNS and not analyses.has_capacity(indicator_frame):
        st.info(t("access.no_capacity", type=filters.type_label(centre_type)))
    series = analyses.aggregate(indicator_frame, column, level)
    values = {str(k): (None if pd.isna(v) else float(v)) for k, v in series.items()}
else:
    values = explorer.base_values(
        [{str(k): v for k, v in r.items()} for r in data.units(level).to_dict("records")], indicator
    )

# ---- search ------------------------------------------------------------------------------
# the search looks for regions, provinces and communes in the area the map draws (the
# filtered region or province), and says so; a name found only elsewhere is named with how
# to see it
area = province or region
everywhere = {"regions": regions, "provinces": provinces, "communes": communes}
in_area = {}
for kind, frame in everywhere.items():
    keep = pd.Series(True, index=frame.index)
    if region:
        keep &= frame["region_code"].astype(str).eq(region)
    if province:
        keep &= frame["province_code"].astype(str).eq(province)
    in_area[kind] = frame[keep]
s1, s2 = st.columns([1, 1.5])
query = s1.text_input(
    t("search.label"), key="q", value=state.start_text("q"), placeholder=t("search.placeholder")
)
needle = query.strip()
state.publish("q", needle, "")
if needle and area:
    s1.caption(t("search.scope", area=names.get(area, area)))
matches = search_places(in_area, needle, first=level)
chosen_code: str | None = None
searched: tuple[str, str] | None = None
focus: tuple[float, float] | None = None
zoom: int | None = None
bounds: tuple[float, float, float, float] | None = None
# "3 communes trouvées" when only communes are found, "3 lieux trouvés" when a province or
# a region is among them
only_communes = bool(matches["level"].eq("communes").all())
if needle and matches.empty:
    # what was typed (or linked: ``?q=``), as typed: "*Fès*" read "Fès" in italics
    elsewhere = len(search_places(everywhere, needle)) if area else 0
    if elsewhere:
        s2.warning(
            tn(
                "search.places.elsewhere",
                elsewhere,
                query=shell.typed_name(needle),
                area=names.get(area, area),
                count=fmt_number(elsewhere),
            )
        )
    else:
        s2.warning(t("search.places.none", query=shell.typed_name(needle)))
elif not matches.empty:
    options = [
        explorer.search_option(str(lv), str(c))
        for lv, c in zip(matches["level"], matches["code"], strict=True)
    ]
    shown_options = options[: explorer.SEARCH_SHOWN]
    label = (
        tn("search.results" if only_communes else "search.places.results", len(matches))
        if len(matches) <= len(shown_options)
        else tn(
            "search.results_first" if only_communes else "search.places.results_first",
            len(matches),
            count=fmt_number(len(matches)),
            shown=fmt_number(len(shown_options)),
        )
    )
    chosen_code = s2.selectbox(
        label,
        shown_options,
        key="commune",
        index=state.start_index("commune", shown_options, shown_options[0]),
        format_func=lambda o: explorer.search_label(matches, o, names),
        placeholder=t("streamlit.choose_option"),
    )
    searched = explorer.found_unit(chosen_code)
    assert searched is not None
    west, south, east, north = bounds = data.unit_bounds(*searched)
    focus = ((south + north) / 2, (west + east) / 2)
    span = max(east - west, north - south, 0.01)
    zoom = max(5, min(12, int(math.log2(360 / span)) - 1))
state.publish("commune", chosen_code, None)
# a unit clicked before a reload, or in the view a shared link shows: its panel again (the
# address names it as ``unit=provinces:08.363``; the search's own place is under ``commune``)
if "selected" not in st.session_state:
    kept = figures.unit_from_address(st.query_params.get("unit"))
    if kept is not None:
        st.session_state["selected"] = kept
        st.session_state["_searched"] = chosen_code  # the search does not take its place
# the panel shows the place found when the search finds another one, not on every run: a
# unit clicked since stays in the panel; a region or province found shows as a clicked one
previous = st.session_state.get("_searched")
if chosen_code != previous:
    st.session_state["_searched"] = chosen_code
    if searched:
        st.session_state["selected"] = searched
    elif previous and st.session_state.get("selected") == explorer.found_unit(previous):
        del st.session_state["selected"]

# a unit clicked outside the region or province now chosen leaves the panel: Tiznit's figures
# stayed beside the map of Tanger-Tétouan-Al Hoceima, as if they were part of it
kept_unit = st.session_state.get("selected")
if (
    area
    and kept_unit
    and not explorer.unit_in_area(*kept_unit, region=region or None, province=province or None)
):
    del st.session_state["selected"]

# ---- map and figures ---------------------------------------------------------------------
# the unit's panel beside the map where there is room for both (1366 px: 650 and 238 px);
# in a narrow window (800 px, the sidebar open) it had 115 px and its words went one a line
# ("Personnes / en / situation / de / handicap"): there it goes under the map, each as wide
# as the page
left, right = shell.wrapping_columns(st, "map_panel", [3, 1.1], [400, 220])
with left:
    with st.spinner(t("progress.map")):
        fmap, drawn = explorer.build_map(
            level=level,
            indicator=indicator,
            values=values,
            region=region or None,
            province=province or None,
            overlays=overlays,
            tiles=tiles_mode(app_settings().tiles),
            focus=bounds,
            threshold_km=threshold if spec.analysis else None,
            searched=searched,
            centre_type=centre_type,
            height=MAP_HEIGHT,
        )
    # what a screen reader says of the map's frame: what it shows, and at which level
    what = explorer.indicator_label(
        indicator, threshold_km=threshold if spec.analysis else None, level=level
    )
    frame_title = t("map.frame", what=what, level=t(f"level.{level}"))
    with shell.name_frame("explorer_map_frame", frame_title, height=MAP_HEIGHT):
        result = st_folium(
            fmap,
            key="explorer_map",
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["last_object_clicked", "last_active_drawing"],
            center=focus,
            zoom=zoom,
        )
    n_drawn = drawn.get(level, 0)
    # "1 province dessinée" (the Arabic text names the level in the plural whatever the count)
    level_key = (
        f"level.{level}"
        if current_language() == "ar"
        else count_key(f"level.{level}", n_drawn, current_language())
    )
    st.caption(
        " · ".join(
            [
                tn("map.drawn", n_drawn, level=t(level_key).lower()),
                t("map.click_hint"),
                t("map.zoom_hint"),
            ]
        )
    )
    # a layer ticked that has nothing in the region or province drawn: said, not left as a
    # map that looks as if the layer had not loaded (no transport stop in Tanger-Tétouan)
    empty = explorer.empty_overlays(overlays, drawn)
    if empty and area:
        st.info(
            t(
                "map.overlays_empty",
                area=names.get(area, area),
                layers=t("list.separator").join(t(f"layer.{o}") for o in empty),
            )
        )
clicked = (result or {}).get("last_object_clicked")
if clicked and clicked != st.session_state.get("_last_click"):
    st.session_state["_last_click"] = clicked
    # the feature the user clicked (what its popup shows); a point-in-polygon on the click
    # position only when the click was on something else, e.g. a centre
    code = figures.clicked_unit(
        (result or {}).get("last_active_drawing"), set(data.units(level)["code"].astype(str))
    ) or data.unit_at(level, float(clicked["lng"]), float(clicked["lat"]))
    if code:
        st.session_state["selected"] = (level, code)
with right:
    selected = st.session_state.get("selected")
    state.publish(
        "unit",
        None if selected == searched else figures.unit_address(selected, searched=None),
        None,
    )
    if selected:
        # the access figures are the page's own: they name the distance and the centres
        figures.unit_panel(selected[0], selected[1], names=names)
        known = set(data.units(selected[0])["code"].astype(str))
        if indicator_frame is not None and selected[1] in known:
            explorer.access_panel(
                selected[0],
                selected[1],
                indicator_frame,
                threshold_km=threshold,
                centre_type=centre_type,
            )
    else:
        st.info(t("map.select_hint"))
