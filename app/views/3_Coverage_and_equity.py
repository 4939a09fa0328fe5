"""Coverage and equity: how far persons with disabilities live from centres, and how unequally."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis.gaps import STAGES
from app import analyses, data, shell, state
from app.components import explorer, figures, filters, tables
from app.components.basemap import tiles_mode
from app.components.figures import chart_locale, number, readable_words, with_unit
from app.components.tables import MISSING
from app.context import app_settings
from app.i18n import current_language, is_rtl, join_list, name_column, t
from walouja.errors import WaloujaError


def _option(label: str) -> str:
    """An option's label in a right-to-left language as one right-to-left run (the options'
    list is laid out left to right: "الولوجية 2SFCA (…)" came out in pieces)."""
    return f"\u2067{label}\u2069" if is_rtl(current_language()) else label


shell.header("equity.title", "equity.intro")
if not shell.require_database() or not shell.require_geography():
    st.stop()
if not data.layer_counts()["centres"].rows:
    st.info(t("empty.centres"))
    shell.commands("walouja load", "walouja import centres FILE")
    st.stop()
shell.demo_note("centres")

MAP_HEIGHT = 520  # pixels, the map and the room kept for it while it is redrawn
RTL = is_rtl(current_language())  # the charts lay themselves out for Arabic (see shell.RTL_CSS)

# the indicator's name is the longest: the box gets room, and a name it still cannot show
# whole ends with an ellipsis instead of being cut inside a number ("…على 0" for "على 60")
c1, c2, c3, c4 = st.columns([3, 1.5, 3.5, 1.5])
# only the types that have an operating centre: "Autre" was offered and answered with an error
operating = explorer.operating_types()
asked = st.session_state.get("ctype") or st.query_params.get("ctype")
picked = filters.centre_filter(c1, c2, default_type="COAPH", types=sorted(operating))
centre_type, chosen, km = picked.centre_type, picked.choice, picked.km
ind_options = list(analyses.EQUITY_INDICATORS)
indicator = c3.selectbox(
    t("map.indicator"),
    ind_options,
    key="eq_indicator",
    index=state.start_index("eq_indicator", ind_options, "coverage_share"),
    format_func=lambda v: _option(t(f"equity.option.{v}")),
    placeholder=t("streamlit.choose_option"),
)
state.publish("eq_indicator", indicator, "coverage_share")
by_options = ["province", "region"]
by = c4.selectbox(
    t("equity.by"),
    by_options,
    key="by",
    index=state.start_index("by", by_options, "province"),
    format_func=lambda v: t(f"level.{v}s"),
    placeholder=t("streamlit.choose_option"),
)
state.publish("by", by, "province")
if asked in analyses.CENTRE_TYPES and asked not in operating:  # a link or the other page's
    st.info(
        t(
            "equity.type_none",
            type=filters.type_label(str(asked)),
            shown=filters.type_label(centre_type),
        )
    )

try:
    report = analyses.equity(
        centre_type=centre_type, threshold_km=float(km), indicator=indicator, by=by
    )
except WaloujaError as exc:
    if exc.code == "no_capacity":  # distance and coverage still work: say so, no error
        st.info(t("access.no_capacity", type=filters.type_label(centre_type)))
    elif exc.code == "indicator_zero":  # no one covered, or everyone at 0 km: said in words
        st.info(t(f"equity.zero.{indicator}", type=filters.type_label(centre_type), km=km))
    else:
        shell.show_error(exc)
    st.stop()

map_key = explorer.EQUITY_TO_MAP[indicator]
spec = explorer.INDICATORS[map_key]
unit = t(f"indicator.{map_key}.unit")
st.caption(t(f"equity.explain.{indicator}", km=km))

idx = report.indices
# a share as precise as the table's (and the Overview's "94,4 %"): the mean read "94 %"
figure_decimals = 1 if indicator == "coverage_share" else spec.decimals
# places per 10,000 have no unit to write after the figure: their labels name it ("27,9"
# read alone), and the figures stay level with the others' below a label on two lines
per = f" ({t('equity.per_10k')})" if indicator in ("access", "places_per_10k") else ""
mean = with_unit(number(idx.mean * spec.scale, decimals=figure_decimals), unit)
# rounded "+ 0.0": an index of no inequality computed as -1e-17 read "-0,000"
gini = number(round(idx.gini, 3) + 0.0, decimals=3)
theil = number(round(idx.theil.total, 3) + 0.0, decimals=3)
palma = number(idx.palma, decimals=2)
gap = report.urban_rural
urban_rural = (
    f"{number(gap.urban_mean * spec.scale, decimals=figure_decimals)} / "
    + with_unit(number(gap.rural_mean * spec.scale, decimals=figure_decimals), unit)
    if gap.urban_mean is not None and gap.rural_mean is not None
    else None
)
figure_columns = st.columns([1, 1, 1, 1, 1.6], vertical_alignment="bottom")
# the figures' size follows their columns': at 800 and 1024 px "62,0 %" read "62,…" and
# "20,5 / 40,5 km" "20,5 / 40,…" (the four alike, the wider fifth for its own)
m1, m2, m3, m4 = (
    shell.fitted_figures(c, f"equity_{i}", (mean, gini, theil, palma))
    for i, c in enumerate(figure_columns[:4])
)
m5 = shell.fitted_figures(figure_columns[4], "equity_urban_rural", [urban_rural or ""])
m1.metric(t("equity.mean") + per, mean)
m2.metric(t("equity.gini"), gini, help=t("equity.gini_help"))
between = idx.theil.between / idx.theil.total if idx.theil.total > 0 else 0.0
# no inequality to split: "0 % of the inequality lies between regions; the rest within"
no_inequality = round(idx.theil.total, 3) == 0 and round(idx.gini, 3) == 0
m3.metric(
    t("equity.theil"),
    theil,
    help=t("equity.no_inequality")
    if no_inequality
    else t("equity.theil_help", share=number(100 * between, decimals=0)),
)
# for a distance the top 10 % are the farthest, not the best served: the help says so
palma_help = "equity.palma_help_distance" if map_key == "nearest_km" else "equity.palma_help"
m4.metric(t("equity.palma"), palma, help=t(palma_help))
if urban_rural is not None:
    m5.metric(t("equity.urban_rural") + per, urban_rural, help=t("equity.urban_rural_help"))
st.caption(
    t("equity.no_inequality")
    if no_inequality
    else t("equity.theil_split", share=number(100 * between, decimals=0))
)
if not math.isfinite(idx.palma):  # the poorest 40 % hold nothing: no ratio to show
    st.caption(t("equity.palma_none"))
# centres of unknown capacity count the median in every places figure of the page: said in
# the words of every page that counts places (a province's one COAPH read "Places 102")
figures.capacity_note(centre_type)

units = report.units.copy()
names = data.units(f"{by}s").set_index("code")[name_column()]
units["name"] = units["code"].map(names)
units["shown"] = units["value"] * spec.scale
columns = ["code", "name", "pwd", "shown", "pwd_beyond", "share_beyond", "places"]
if indicator != "places_per_10k":  # else "shown" already is places per 10,000
    columns.append("places_per_10k")
table = units[columns].copy()
table["share_beyond"] = table["share_beyond"] * 100
# decimals of each figure: on screen and in the CSV file
decimals = {
    "pwd": 0,
    # a share within the distance as precise as the share beyond it beside it ("11" read
    # beside "88,6" for Al Hoceima)
    "shown": figure_decimals,
    "pwd_beyond": 0,
    "share_beyond": 1,
    "places": 0,
    "places_per_10k": 1,
}
# coverage names its distance, as the columns beside it and the map's legend do, and the
# distance of a province says it is a mean
shown_name = (
    explorer.indicator_label(map_key, threshold_km=float(km), level=f"{by}s")
    if map_key in ("coverage", "nearest_km")
    else t(f"indicator.{map_key}")
)
headers = {
    "code": t("field.code"),
    "name": t("field.name"),
    "pwd": t("field.pwd"),
    "shown": f"{shown_name} ({unit})" if unit else shown_name,
    "pwd_beyond": t("equity.pwd_beyond", km=km),
    "share_beyond": t("equity.share_beyond", km=km),
    "places": t("field.places"),
    "places_per_10k": t("indicator.places_per_10k"),
}
demo = bool(data.layer_counts()["centres"].demo_rows)
csv_notes = {
    # the file names the centres it measures: its name alone said so, and a copy renamed or
    # pasted into a workbook read "PSH au-delà de 30 km" of no type
    t("analysis.centre_type"): filters.type_label(centre_type),
    t("equity.csv.source_col"): t("equity.csv.source"),
    t("equity.csv.data_col"): t("equity.csv.demo") if demo else "",
}

# the open tab stays open through a change of language (URL ``tab``)
tab_codes = ("table", "map", "lorenz", "rank", "gaps")
tabs, _open = filters.kept_tabs(
    tab_codes, [t(f"equity.tab_{c}") for c in tab_codes], key="tab", default="table"
)
tab_table, tab_map, tab_lorenz, tab_rank, tab_gaps = (tabs[c] for c in tab_codes)
with tab_table:
    # short headings that fit 1366 px, each whole in its tooltip
    shown_table, table_config = tables.screen_table(
        table,
        tables.coverage_headings(indicator, km=km),
        decimals,
        widths=tables.coverage_widths(f"{by}s"),  # region names are the longest
        helps=headers,
    )
    st.dataframe(
        shown_table,
        hide_index=True,
        placeholder=MISSING,
        width="stretch",
        column_config=table_config,
    )
    st.download_button(
        t("equity.download"),
        tables.csv_bytes(table, headers, decimals, csv_notes),
        # the same name in every language but for its tag: the separators differ
        file_name=(
            f"walouja_{indicator}_{by}_{chosen}_{km}km{'_demo' if demo else ''}"
            f"_{current_language()}.csv"
        ),
        mime="text/csv",
        help=t("equity.download_help"),
    )
with tab_map:
    values = {
        str(c): (None if pd.isna(v) else float(v))
        for c, v in zip(units["code"], units["value"], strict=True)
    }
    fmap, _ = explorer.build_map(
        level=f"{by}s",
        indicator=map_key,
        values=values,
        region=None,
        province=None,
        overlays=[],
        tiles=tiles_mode(app_settings().tiles),
        height=MAP_HEIGHT,
        threshold_km=float(km),  # the legend names the distance, as the Map explorer's
        centre_type=centre_type,  # and the type of centre
    )
    frame = t("map.frame", what=shown_name, level=t(f"level.{by}s"))
    with shell.name_frame("equity_map_frame", frame, height=MAP_HEIGHT):
        st_folium(
            fmap, key="equity_map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[]
        )
with tab_lorenz:
    # the two lines named in a legend: the curve and the diagonal of perfect equality
    curve_name, equality_name = t("equity.lorenz_curve"), t("equity.lorenz_equality")
    lorenz = pd.concat(
        [
            pd.DataFrame(
                {
                    "population": report.lorenz.population_share,
                    "value": report.lorenz.value_share,
                    "line": curve_name,
                }
            ),
            pd.DataFrame({"population": [0.0, 1.0], "value": [0.0, 1.0], "line": equality_name}),
        ],
        ignore_index=True,
    )
    lines = [curve_name, equality_name]
    # described to a screen reader in the page's words: Vega's own are English ("X-axis
    # titled … for a linear scale"), and it read each point of the curve one by one
    key = alt.Legend(title=None, orient="top", labelLimit=400, description=" · ".join(lines))
    chart = (
        alt.Chart(lorenz)
        .mark_line(aria=False)
        .encode(
            x=alt.X(
                "population:Q",
                title=t("equity.lorenz_x"),
                axis=alt.Axis(format="%", description=t("equity.lorenz_x")),
            ),
            y=alt.Y(
                "value:Q",
                title=t("equity.lorenz_y"),
                axis=alt.Axis(format="%", description=t("equity.lorenz_y")),
            ),
            color=alt.Color(
                "line:N",
                # the diagonal at 4.5:1 on white (#999999 was 2.8:1, under a graphic's 3:1)
                scale=alt.Scale(domain=lines, range=["#0868ac", "#767676"]),
                legend=key,
            ),
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(domain=lines, range=[[1, 0], [4, 4]]), legend=key
            ),
        )
    )
    # "20 %" in French, the words dark enough to read; the chart named by what it shows (a
    # screen reader said "Vega visualization")
    chart = chart.properties(description=f"{t('equity.tab_lorenz')} — {shown_name}")
    chart = readable_words(chart.configure(locale=chart_locale()))
    st.altair_chart(chart, width="stretch")
    st.caption(t("equity.lorenz_note"))
with tab_rank:
    ranked = units.sort_values("rank_value").head(25)[["code", "name", "shown"]]
    # the tooltip says what each figure is and writes it as the page does ("15,9 %")
    # as precise as the table's column ("11 %" here read beside "11,4" there)
    ranked["shown_text"] = [
        with_unit(number(v, decimals=decimals["shown"]), unit) for v in ranked["shown"]
    ]
    # each bar described to a screen reader as the page writes it ("Tata : 15,9 %"; Vega's
    # own words were English: "…: 15.9; name: Tata", "X-axis titled … for a linear scale")
    ranked["said"] = [
        t("equity.rank_bar", name=n, value=v)
        for n, v in zip(ranked["name"], ranked["shown_text"], strict=True)
    ]
    bars = (
        alt.layer(
            alt.Chart().mark_bar(color="#e6550d").encode(description="said:N"),
            # each figure written at its bar's end: a unit at 0 % has no bar to see, and its
            # row read as if its figure were missing
            alt.Chart()
            .mark_text(
                align="right" if RTL else "left",
                dx=-4 if RTL else 4,
                color="#31333f",
                aria=False,  # the bar says it
            )
            .encode(text="shown_text:N"),
            data=ranked,
        )
        .encode(
            # in Arabic the bars grow leftwards from the names, on the right
            x=alt.X(
                "shown:Q",
                title=headers["shown"],
                scale=alt.Scale(reverse=RTL),
                axis=alt.Axis(description=headers["shown"]),
            ),
            y=alt.Y(
                "name:N",
                sort=None,
                title=None,
                # each name level with its bar: Vega pulled the first one down into the
                # chart ("Al Hoceima" sat between the first two bars)
                axis=alt.Axis(
                    orient="right" if RTL else "left",
                    labelLimit=220,
                    labelFlush=False,
                    description=headers["name"],
                ),
            ),
            tooltip=[
                alt.Tooltip("code:N", title=headers["code"]),
                alt.Tooltip("name:N", title=headers["name"]),
                alt.Tooltip("shown_text:N", title=headers["shown"]),
            ],
        )
        # room beyond the longest bar for its figure (in Arabic "273,3 كلم" ran off the left)
        .properties(
            padding={"left": 70} if RTL else {"right": 70},
            description=f"{t('equity.tab_rank')} — {shown_name}",  # not "Vega visualization"
        )
        .configure(locale=chart_locale())
    )
    bars = readable_words(bars)
    st.altair_chart(bars, width="stretch")
    # what the bars are, counted: "the 25 least well served" was said of the 12 regions
    st.caption(
        t(
            "equity.rank_note_regions" if by == "region" else "equity.rank_note",
            n=number(len(ranked)),
            total=number(len(units)),
        )
    )


def _gap_table(
    frame: pd.DataFrame,
    headers: dict[str, str],
    decimals: dict[str, int],
    *,
    widths: dict[str, int] | None = None,
    helps: dict[str, str] | None = None,
    label: str,
    what: str,
    demo_rows: bool,
    notes: dict[str, str],
) -> None:
    """A gaps table on the screen (short headings, each whole in its tooltip ``helps``) and
    its CSV download, written as the Coverage table's (each column under its whole heading,
    the notes as columns): the tab's three tables had none."""
    shown, config = tables.screen_table(frame, headers, decimals, widths=widths, helps=helps)
    st.dataframe(shown, hide_index=True, placeholder=MISSING, width="stretch", column_config=config)
    st.download_button(
        label,
        tables.csv_bytes(frame, headers | (helps or {}), decimals, notes),
        # named as the Coverage table's file: what it holds, demonstration data, language
        file_name=f"walouja_gaps_{what}{'_demo' if demo_rows else ''}_{current_language()}.csv",
        mime="text/csv",
        key=f"gaps_csv_{what}",
        help=t("equity.gaps_download_help"),
    )


with tab_gaps:
    gap_type = centre_type or "COAPH"
    try:
        gaps = analyses.gaps(centre_type=gap_type)
    except WaloujaError as exc:
        shell.show_error(exc)
    else:
        without = gaps.provinces_without.copy()
        st.metric(
            # "بدون COAPH في طور الاشتغال": the status as the catalogue words it elsewhere
            t("equity.gaps_without", type=explorer.type_tag(gap_type)),
            f"{len(without)} / {gaps.provinces_total}",
        )
        without["name"] = without[name_column()]
        gap_tag = explorer.type_tag(gap_type)
        without_columns = ["code", "name", "pwd", "under_construction", "planned"]
        without_headers = {
            "code": t("field.code"),
            "name": t("field.name"),
            "pwd": t("field.pwd"),
            # "COAPH en construction", not a bare "en construction" / "programmé"
            "under_construction": t("equity.gaps_under_construction", type=gap_tag),
            "planned": t("equity.gaps_planned", type=gap_tag),
        }
        without_decimals = {"pwd": 0, "under_construction": 0, "planned": 0}
        # each file says what it counts and credits the census, as the Coverage table's does
        demo_mark = {t("equity.csv.data_col"): t("equity.csv.demo") if demo else ""}
        source_note = {t("equity.csv.source_col"): t("equity.csv.source")}
        if without.empty:  # the target met: said, not an empty table's headings alone
            st.success(t("equity.gaps_none", type=gap_tag))
        else:
            _gap_table(
                without[without_columns],
                without_headers,
                without_decimals,
                label=t("equity.gaps_download_without", type=gap_tag),
                what=f"provinces_without_{gap_type}",
                demo_rows=demo,
                notes={t("analysis.centre_type"): filters.type_label(gap_type)}
                | source_note
                | demo_mark,
            )
        # the action plan's target of one centre per province is the COAPH's: for a CAS it
        # read as a target no plan sets
        note = "equity.gaps_note" if gap_type == "COAPH" else "equity.gaps_note_other"
        st.caption(t(note, type=explorer.type_tag(gap_type)))

        # the action plan's two other gaps, as `walouja gaps` gives them: only the first showed
        region_names = data.units("regions").set_index("code")[name_column()]
        # the code and the name as wide as in the table of regions; the figures' own width
        # short headings, each whole in its tooltip, and widths that fit 1366 px: the long
        # ones pushed the last column out of sight ("Places manquantes pour le taux…")
        name_widths = {
            k: v for k, v in tables.coverage_widths("regions").items() if k in ("code", "name")
        }
        figure_widths = (
            {"pwd": 165, "centres": 75, "places": 70, "places_per_10k": 130}
            | {"places_to_national": 130, "communes": 80}
            | dict.fromkeys(STAGES, 105)
            if RTL
            else {"pwd": 90, "centres": 75, "places": 70, "places_per_10k": 150}
            | {"places_to_national": 140, "communes": 90}
            | dict.fromkeys(STAGES, 120)
        )
        st.subheader(t("equity.gaps_places_title"))
        rates = gaps.places.regions.copy()
        if not rates["centres"].any():  # a rate of 0 and a table of zeros read as a finding
            st.info(t("equity.gaps_places_no_centre"))
        else:
            st.caption(
                t(
                    "equity.gaps_places_national",
                    rate=number(gaps.places.national_per_10k, decimals=1),
                )
            )
            below = rates.loc[rates["below_national"]].copy()
            st.metric(t("equity.gaps_places_below"), f"{len(below)} / {len(rates)}")
            below["name"] = below["code"].map(region_names)
            shown_places = [
                "code",
                "name",
                "pwd",
                "centres",
                "places",
                "places_per_10k",
                "places_to_national",
            ]
            below_helps = {
                "pwd": t("field.pwd"),
                "places_per_10k": t("indicator.places_per_10k"),
                "places_to_national": t("equity.gaps_places_to_national"),
            }
            below_headers = {
                "code": t("field.code"),
                "name": t("field.name"),
                "pwd": t("equity.col.pwd"),
                "centres": t("field.centres"),
                "places": t("field.places"),
                "places_per_10k": t("equity.col.places_per_10k"),
                "places_to_national": t("equity.gaps_places_short"),
            }
            below_decimals = {
                "pwd": 0,
                "centres": 0,
                "places": 0,
                "places_per_10k": 1,
                "places_to_national": 0,
            }
            if below.empty:
                st.success(t("equity.gaps_places_none"))
            else:
                _gap_table(
                    below[shown_places],
                    below_headers,
                    below_decimals,
                    widths=name_widths | figure_widths,
                    helps=below_helps,
                    label=t("equity.gaps_download_places"),
                    what="regions_below_national_rate",
                    demo_rows=demo,
                    notes={t("analysis.centre_type"): filters.type_label(None)}
                    | source_note
                    | demo_mark,
                )
            figures.capacity_note(None)  # every type counts, as in `walouja gaps`
            if demo:  # the places are the demonstration centres'
                st.caption(
                    f"{shell.DEMO_FLASK} {t('equity.gaps_places_demo')}", unsafe_allow_html=True
                )
        st.subheader(t("equity.gaps_cities_title"))
        cities = gaps.cities.copy()
        cities["name"] = cities["code"].map(region_names)
        st.metric(t("equity.gaps_cities_total"), number(int(cities["communes"].sum())))
        stage_names = {s: t(f"stage.{s}") for s in STAGES}
        cities_columns = ["code", "name", *STAGES, "communes", "pwd"]
        cities_headers = {
            "code": t("field.code"),
            "name": t("field.name"),
            **stage_names,
            "communes": t("equity.gaps_cities_communes"),
            "pwd": t("equity.col.pwd"),
        }
        cities_decimals = {**dict.fromkeys(STAGES, 0), "communes": 0, "pwd": 0}
        cities_helps = {"pwd": t("equity.gaps_cities_pwd")}
        cities_demo = bool(data.layer_counts()["accessible_cities"].demo_rows)
        _gap_table(
            cities[cities_columns],
            cities_headers,
            cities_decimals,
            widths=name_widths | figure_widths,
            helps=cities_helps,
            label=t("equity.gaps_download_cities"),
            what="accessible_cities",
            demo_rows=cities_demo,
            notes=source_note | {t("equity.csv.data_col"): t("demo.unit") if cities_demo else ""},
        )
# every tab's figures count the centres: when they are invented, said beneath them too (the
# banner at the top is out of sight by the table's last rows or the ranking)
if demo:
    st.caption(f"{shell.DEMO_FLASK} {t('overview.demo_computed')}", unsafe_allow_html=True)
# every tab shows census figures (persons with disabilities): HCP's licence asks for credit,
# which only the map's corner and the CSV file gave
st.caption(t("equity.csv.source"))
shell.sources_link()

# ---- stored analyses: save what is shown, reopen a stored one ---------------------------------


def _figure(value: Any) -> str:
    """A stored figure as the page writes it, with its decimals when it has any (45, 1,3)."""
    x = float(str(value))
    return number(x) if x.is_integer() else number(x, decimals=2).rstrip("0").rstrip(",.")


def _describe(params: dict[str, Any]) -> str:
    """A stored equity request in words: indicator · level · centre type · threshold, and
    what a command-line run set otherwise (its method and catchment, a detour factor,
    the places of a centre of unknown capacity): an E2SFCA run within 45 km read "2SFCA
    access (within 60 km)", and one of road km × 1.3 as the page's straight-line one."""
    ind = str(params.get("indicator", ""))
    shown = ind
    if ind in explorer.EQUITY_TO_MAP:  # a province's distance is a mean, as the table says
        level = f"{params.get('by')}s"
        shown = explorer.indicator_label(explorer.EQUITY_TO_MAP[ind], level=level)
    if ind == "access":  # as its option reads: the whole unit ran past the list's edge in
        # Arabic ("…على 60 كلم) · الجهات · COAPH"); a run's own method and catchment
        shown = t(
            "runs.access",
            method=str(params.get("method", "2sfca")).upper(),
            km=with_unit(_figure(params.get("catchment_km", analyses.CATCHMENT_KM)), t("unit.km")),
        )
    kind = params.get("centre_type")
    parts = [
        shown,
        t(f"level.{params.get('by')}s"),
        # the type's acronym, as the legends write it: its whole name pushed the distance
        # past the list's edge at 1366 px
        t("analysis.any_type") if kind is None else explorer.type_tag(str(kind)),
        with_unit(_figure(params.get("threshold_km", 0)), t("unit.km")),
    ]
    detour = params.get("detour_factor", 1.0)
    if isinstance(detour, int | float) and detour != 1:
        parts.append(t("runs.detour", factor=_figure(detour)))
    missing = params.get("missing_capacity", "median")
    if missing == "error":
        parts.append(t("runs.missing_error"))
    elif isinstance(missing, int | float):
        parts.append(t("runs.missing_places", places=_figure(missing)))
    if RTL:  # each part one run: "CAS · 20 كلم" read "20 · CAS كلم" right to left
        parts = [f"\u2068{p}\u2069" for p in parts]
    return " · ".join(parts)


def _listing_widths(names: list[str]) -> dict[str, Any]:
    """Pixel widths of the saved analyses' list: a typed name was cut at the column's default
    100 px ("COAPH 30 km pa…"). The name column fits the longest name up to 230 px, about 32
    characters (a longer one reads whole in the box that reopens it, below): wider, the
    request ran past the list's edge at 1366 px. The number and the date take what they
    need, and the request the rest."""
    longest = max((len(n) for n in names), default=0)
    return {
        t("runs.id"): {"width": 60},
        t("runs.name_col"): {"width": min(230, max(90, round(6.5 * longest) + 24))},
        t("runs.created"): {"width": 150},
    }


def _when(stamp: datetime) -> str:
    """When a run was saved, to the minute and saying its time zone ("2026-11-30 04:46 UTC"):
    the database's UTC time, shown bare, read as Moroccan time an hour off."""
    if stamp.tzinfo is None:  # a time kept without its zone: as it is
        return stamp.strftime("%Y-%m-%d %H:%M")
    return stamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _changed_note(run: analyses.SavedRun) -> str | None:
    """What a reopened run's reader must know when the data it was saved on have changed
    since: the page shows it computed on today's, and the figures it was saved with."""
    before = analyses.data_changed_since(run)
    if before is None:
        return None
    when = _when(run.created_at)
    said = [t("runs.data_changed", when=f"\u2066{when}\u2069" if RTL else when)]
    if before.mean is not None and before.gini is not None:  # the page's own figures
        mean = number(before.mean * spec.scale, decimals=figure_decimals)
        gini = number(round(before.gini, 3) + 0.0, decimals=3)
        said.append(t("runs.saved_figures", mean=with_unit(mean, unit), gini=gini))
    return " ".join(said)


st.divider()
st.header(t("runs.title"))
st.caption(t("runs.intro"))
s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
run_name = s1.text_input(t("runs.name"), key="eq_run_name", placeholder=t("runs.placeholder"))
if s2.button(t("runs.save"), key="eq_save"):
    with shell.friendly():
        outcome = analyses.save_equity(
            centre_type=centre_type,
            threshold_km=float(km),
            indicator=indicator,
            by=by,
            name=run_name,
        )
        if outcome.copy_of is not None:  # a new run: "already saved as no. 631" said of it
            st.success(t("runs.saved_copy", id=outcome.run_id, other=outcome.copy_of))
        else:
            st.success(t("runs.reused" if outcome.reused else "runs.saved", id=outcome.run_id))
        # the run just saved is the one offered to reopen (the box kept its earlier choice)
        st.session_state["eq_open_id"] = outcome.run_id
try:
    stored_runs = analyses.saved_equity()
except WaloujaError as exc:
    shell.show_error(exc)
    stored_runs = []
if not stored_runs:
    st.caption(t("runs.none"))
else:
    listing = pd.DataFrame(
        {
            "id": [r.id for r in stored_runs],
            "name": [r.name or "" for r in stored_runs],
            "created": [_when(r.created_at) for r in stored_runs],
            "request": [_describe(r.params) for r in stored_runs],
        }
    )
    st.dataframe(
        listing.rename(
            columns={
                "id": t("runs.id"),
                "name": t("runs.name_col"),
                "created": t("runs.created"),
                "request": t("runs.request"),
            }
        ),
        hide_index=True,
        placeholder=MISSING,
        width="stretch",
        column_config=_listing_widths([r.name or "" for r in stored_runs]),
    )

    # a run of a type with no operating centre today reopened as the COAPH's, under "Analysis
    # reopened: … other-type centre": it is not offered, and neither is a command-line run
    # of settings the page has no box for; the list says why each is not
    def _shown_type(page: dict[str, Any]) -> bool:
        return page["centre_type"] is None or str(page["centre_type"]) in operating

    openable = {r.id: r.page for r in stored_runs if r.page is not None and _shown_type(r.page)}
    closed_settings = [str(r.id) for r in stored_runs if r.page is None]
    closed_types: dict[str, list[str]] = {}
    for r in stored_runs:
        if r.page is not None and not _shown_type(r.page):
            closed_types.setdefault(str(r.page["centre_type"]), []).append(str(r.id))
    closed = [t("runs.closed_settings", ids=join_list(closed_settings))] if closed_settings else []
    closed += [
        t("runs.closed_type", type=filters.type_label(kind), ids=join_list(ids))
        for kind, ids in closed_types.items()
    ]
    if closed:
        st.caption(" ".join(closed))
    labels = {r.id: f"#{r.id} — {r.name or _describe(r.params)}" for r in stored_runs}
    shown = {
        r.id: f"#{r.id} — {shell.plain_markdown(r.name) if r.name else _describe(r.params)}"
        for r in stored_runs
    }
    if openable:

        def _open_run() -> None:
            page = openable[int(st.session_state["eq_open_id"])]
            kind = page["centre_type"]
            st.session_state["ctype"] = filters.ANY_TYPE if kind is None else str(kind)
            st.session_state["km"] = str(page["threshold_km"])
            st.session_state["eq_indicator"] = str(page["indicator"])
            st.session_state["by"] = str(page["by"])
            st.session_state["_eq_opened"] = int(st.session_state["eq_open_id"])

        o1, o2 = st.columns([3, 1], vertical_alignment="bottom")
        o1.selectbox(
            t("runs.open_which"),
            list(openable),
            key="eq_open_id",
            index=state.keep_or("eq_open_id", 0, 0),  # re-worded after a change of language
            format_func=labels.__getitem__,
            placeholder=t("streamlit.choose_option"),
        )
        o2.button(t("runs.open"), key="eq_open", on_click=_open_run)
        # the boxes it sets are at the top of the page, out of sight from this button: said
        opened = st.session_state.pop("_eq_opened", None)
        if opened in labels:
            # a run's name as typed ("Comité *A*" read "Comité A" in italics)
            st.success(t("runs.opened", id=opened, what=shown[opened]))
            # the page computes the request afresh: on data changed since, other figures than
            # the ones saved showed under "Analysis reopened", and nothing said so
            with shell.friendly():
                changed = _changed_note(next(r for r in stored_runs if r.id == opened))
                if changed:
                    st.warning(changed)
