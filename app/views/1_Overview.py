"""Overview: national and per-region figures, centres by type, coverage, equity, sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import analyses, data, shell, state
from app.components import figures, filters
from app.components.mapview import fmt_number, legend_title
from app.components.tables import MISSING, screen_table, unit_table
from app.i18n import (
    current_language,
    error_texts,
    is_rtl,
    join_list,
    provenance_text,
    t,
    tn,
)
from app.shell import plain_markdown
from walouja.errors import WaloujaError

shell.header("overview.title", "overview.intro")
if not shell.require_database() or not shell.require_geography():
    st.stop()

counts = data.layer_counts()
demo_layers = [t(f"layer.{c.table}") for c in counts.values() if c.demo_rows]
if demo_layers:
    st.warning(t("demo.banner", layers=join_list(demo_layers)), icon=shell.DEMO_ICON)


def demo_centres_note() -> None:
    """Under a section whose figures count the centres, when any centre is demonstration
    data: said where the figures are (the banner at the top of the page is out of sight by
    the "Centres par type" table, which read as official)."""
    if counts["centres"].demo_rows:
        st.caption(f"{shell.DEMO_FLASK} {t('overview.demo_computed')}", unsafe_allow_html=True)


def capacity_note() -> None:
    """Under a section that counts places: centres of unknown capacity count the median of
    the known ones, as on the Map explorer and the Coverage page, in the same words."""
    if counts["centres"].rows:
        figures.capacity_note(None)


communes = data.units("communes")
population = float(communes["population"].sum())
pwd = float(communes["pwd"].sum())
# unknown capacities count the median of the known ones, as on every page
summary = analyses.centre_places("regions")
operating = int(summary["centres"].sum()) if not summary.empty else 0
places = float(summary["places"].sum(min_count=1)) if not summary.empty else 0.0

indicators: pd.DataFrame | None = None
coverage_note = ""
if counts["centres"].rows:
    try:
        indicators = analyses.commune_indicators(threshold_km=analyses.DEFAULT_THRESHOLD_KM)
    except WaloujaError as exc:  # no operating centre...: said in the page's language
        coverage_note = error_texts(exc, current_language())[0]
else:
    coverage_note = t("empty.centres")

st.header(t("overview.national"))
# the figures' size follows their columns' (a narrow window cut "36 490 591" at "36 4…")
figures_block = st.container(key=shell.FIGURES_KEY)
m1, m2, m3, m4 = figures_block.columns(4)
# the communes' municipal population, not HCP's legal population (which adds the population
# counted apart); the prevalence's 4.75 % is HCP's rounded commune rates, not its 4.8 %
m1.metric(t("field.population"), fmt_number(population), help=t("overview.population_help"))
m2.metric(t("field.pwd"), fmt_number(pwd))
m3.metric(
    t("field.prevalence"),
    figures.with_unit(fmt_number(100 * pwd / population, decimals=2), "%"),
    help=t("overview.prevalence_help"),
)
m4.metric(t("overview.centres_operating"), fmt_number(operating))
m5, m6, m7, m8 = figures_block.columns(4)
m5.metric(t("field.places"), fmt_number(places))
m6.metric(
    t("indicator.places_per_10k"), fmt_number(places * 1e4 / pwd if pwd else None, decimals=1)
)
if indicators is not None:
    from analysis.equity import weighted_gini

    covered = float((indicators["coverage_share"] * indicators["pwd"]).sum() / pwd)
    m7.metric(  # every type counts, the women's spaces and the elderly's day centres too
        t("overview.coverage", km=analyses.DEFAULT_THRESHOLD_KM),
        figures.with_unit(fmt_number(100 * covered, decimals=1), "%"),
        help=t("overview.coverage_help"),
    )
    gini = weighted_gini(indicators["nearest_km"], indicators["pwd"])
    m8.metric(
        t("overview.gini_distance"), fmt_number(gini, decimals=3), help=t("overview.gini_help")
    )
else:
    m7.metric(
        t("overview.coverage", km=analyses.DEFAULT_THRESHOLD_KM),
        "—",
        help=t("overview.coverage_help"),
    )
    m8.metric(t("overview.gini_distance"), "—")
    if coverage_note:
        st.info(coverage_note)
capacity_note()
demo_centres_note()

if not summary.empty:
    st.header(t("overview.by_type"))
    # each type counts its own median for an unknown capacity, as the Map explorer and the
    # Coverage page do when that type is chosen
    by_type = analyses.places_by_type()
    filled = int(by_type["filled"].sum())
    by_type = by_type[["centre_type", "centres", "places"]]
    by_type["centre_type"] = by_type["centre_type"].map(filters.type_row)
    by_type = by_type.rename(
        columns={
            "centre_type": t("field.centre_type"),
            "centres": t("field.centres"),
            "places": t("field.places"),
        }
    )
    whole = {t("field.centres"): 0, t("field.places"): 0}  # "22 206", not "22206"
    # every column in sight at 800 px (the type's column took the 466 px the table has
    # there, its counts and places out of sight with no scroll bar), each type's name whole;
    # a wider window shares the rest out (Streamlit stretches every column)
    type_widths = {t("field.centre_type"): 332, t("field.centres"): 66, t("field.places"): 66}
    shown_by_type, by_type_config = screen_table(
        by_type, {str(c): str(c) for c in by_type.columns}, whole, widths=type_widths
    )
    st.dataframe(shown_by_type, hide_index=True, placeholder=MISSING, column_config=by_type_config)
    if filled:
        st.caption(tn("capacity.filled_by_type", filled))
    demo_centres_note()


def unit_widths() -> dict[str, int]:
    """Pixels of each column of the regions' or provinces' table, keyed by its full heading.

    The nine columns add up to less than the 904 px a table has at 1366 px beside the
    sidebar, so no heading is cut and none is out of sight (an Arabic table opens scrolled to
    its left end, away from its code and name); the name column holds the longest region's
    name whole ("Tanger-Tétouan-Al Hoceima", "العيون-الساقية الحمراء": both were cut).

    Returns
    -------
    dict[str, int]
        Width of each column in pixels, in the page's language.
    """
    rtl = is_rtl(current_language())
    widths = {
        "field.code": 55,
        "field.name": 150 if rtl else 180,
        "field.population": 100 if rtl else 125,
        "field.pwd": 165 if rtl else 65,
        "field.prevalence": 95 if rtl else 106,  # "Prévalence (%)" whole
        "field.centres": 60 if rtl else 65,
        "field.places": 60,
        "indicator.places_per_10k": 120 if rtl else 135,
        "field.coverage_pct": 85 if rtl else 105,
    }
    return {t(key): px for key, px in widths.items()}


NARROW_KEYS = ("field.name", "field.pwd", "indicator.places_per_10k", "field.coverage_pct")
"""The columns the table of units shows where it has no room for all nine (800 px, the
sidebar open): each region's name beside its persons with disabilities, places per 10,000
and coverage, the other columns in the table's list of columns."""


def narrow_unit_widths() -> dict[str, int]:
    """Pixels of the columns :data:`NARROW_KEYS` names, keyed by their full heading: 462 px
    at most, within the 466 px a table has at 800 px beside the sidebar, the longest
    region's name whole.

    Returns
    -------
    dict[str, int]
        Width of each column in pixels, in the page's language.
    """
    rtl = is_rtl(current_language())
    widths = {
        "field.name": 150 if rtl else 178,
        "field.pwd": 110 if rtl else 60,
        "indicator.places_per_10k": 116 if rtl else 120,
        "field.coverage_pct": 86 if rtl else 104,
    }
    return {t(key): px for key, px in widths.items()}


st.header(t("overview.by_unit"))
level_options = ["regions", "provinces"]
level = st.radio(
    t("overview.breakdown"),
    level_options,
    key="ov_level",
    index=state.start_index("ov_level", level_options, "regions"),
    horizontal=True,
    format_func=lambda v: t(f"level.{v}"),
)
state.publish("ov_level", level, "regions")
table = unit_table(level, indicators)
# figures as the page writes them ("4 008 655", "4,91" in French, "4,008,655" in English,
# whatever the browser's locale), still sorting as numbers; read from the right in Arabic
decimals_of = {
    t("field.population"): 0,
    t("field.pwd"): 0,
    t("field.prevalence"): 2,
    t("field.centres"): 0,
    t("field.places"): 0,
    t("indicator.places_per_10k"): 1,
    t("field.coverage_pct"): 1,
}
# every heading whole at 1366 px: the long ones shortened, whole in their tooltip
short = {
    t("field.pwd"): t("overview.col.pwd"),
    t("field.prevalence"): t("overview.col.prevalence"),
    t("indicator.places_per_10k"): t("overview.col.places_per_10k"),
}
# the prevalence in per cent, as its heading says ("4,91" read as a count or a rate)
helps = {
    str(c): legend_title(str(c), "%") if c == t("field.prevalence") else str(c)
    for c in table.columns
}
decimals_shown = {c: n for c, n in decimals_of.items() if c in table}
widths = unit_widths()
shown, config = screen_table(
    table,
    {str(c): short.get(str(c), str(c)) for c in table.columns},
    decimals_shown,
    widths=widths,
    helps=helps,
)
# the nine columns in a window that has room for them (1366 px); in a narrower one (800 px,
# the sidebar open) they scrolled sideways and a region's name went out of sight as its
# figures came in: there the name and three figures, the other columns hidden (the table's
# list of columns shows them again)
wide, narrow = shell.by_room(st, "units", sum(px for c, px in widths.items() if c in table.columns))
narrow_short = {
    t("field.pwd"): t("overview.narrow.pwd"),
    t("indicator.places_per_10k"): t("overview.narrow.places_per_10k"),
}
narrow_shown, narrow_config = screen_table(
    table,
    {str(c): narrow_short.get(str(c), str(c)) for c in table.columns},
    decimals_shown,
    widths=narrow_unit_widths(),
    helps=helps,
)
in_narrow = {t(k) for k in NARROW_KEYS}
for c in table.columns:
    if c not in in_narrow:
        narrow_config[narrow_short.get(str(c), str(c))]["hidden"] = True
# the twelve regions in full, without a scroll inside the table (ten rows show by default);
# the 75 provinces scroll
for slot, data_shown, columns in ((wide, shown, config), (narrow, narrow_shown, narrow_config)):
    slot.dataframe(
        data_shown,
        hide_index=True,
        placeholder=MISSING,
        width="stretch",
        height="content" if level == "regions" else "auto",
        column_config=columns,
    )
st.caption(t("overview.table_note", n=len(table), km=analyses.DEFAULT_THRESHOLD_KM))
capacity_note()
demo_centres_note()

st.header(t("sources.title"))
sources = data.sources()
if sources.empty:
    st.info(t("sources.none"))
else:
    lang = current_language()
    # entries that say the same (the census levels: one source, one licence) share a line
    lines: dict[tuple[str, str, bool], list[str]] = {}
    census = {"regions": 0, "provinces": 1, "communes": 2}  # the levels first, in their order
    first = sources["layer"].map(lambda x: census.get(str(x), len(census)))
    for _, src in sources.assign(_first=first).sort_values("_first", kind="stable").iterrows():
        demo = bool(src["is_demo"])
        # worded in the page's language where Walouja wrote them, an imported text as typed
        worded = [provenance_text(str(src[f]), lang) or "" for f in ("source", "licence")]
        name = shell.source_label(str(src["layer"]), is_demo=demo)
        lines.setdefault((worded[0], worded[1], demo), []).append(name)
    for (source, licence, demo), names in lines.items():
        mark = f" {shell.DEMO_FLASK}" if demo else ""  # an icon: no emoji font needed
        # the sources' texts isolated as one run (brackets included): a Latin one keeps its
        # parentheses in place in Arabic, also when the line wraps
        # "source · licence": a licence may hold its own brackets ("CC0 1.0 (invented data)")
        said = f"{plain_markdown(source)} · {plain_markdown(licence)}"
        named = join_list(f"**{plain_markdown(n)}**" for n in names)
        st.markdown(f"- {named}{mark} — \u2068{said}\u2069", unsafe_allow_html=True)
shell.sources_link()
