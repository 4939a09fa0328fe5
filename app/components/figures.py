"""Figures as the pages write them (:func:`number`,
:func:`with_unit`, :func:`chart_locale`), and the figures panel
of one region, province or commune (what a click on the map shows)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from app import analyses, data, shell
from app.components.mapview import fmt_number
from app.i18n import current_language, name_column, t, tn
from walouja.errors import WaloujaError

NARROW_NBSP = "\u202f"
"""Between thousands ("18 577") and before "%" in French ("62 %")."""


def number(value: float | Decimal | None, *, decimals: int = 0, lang: str | None = None) -> str:
    """``value`` as readers of ``lang`` (the page's language by default) write figures.

    French and Arabic: narrow no-break spaces between thousands and a decimal comma
    (``18 577``, ``0,380``); English: commas between thousands and a decimal point
    (``18,577``, ``0.380``), as the command line prints them. "—" when missing or infinite.
    A ``Decimal`` is written exactly (``99 999 999 999 999,99``, where its float read
    ``…999,98``).
    """
    return fmt_number(value, decimals=decimals, lang=lang or current_language())


def with_unit(text: str, unit: str, *, lang: str | None = None) -> str:
    """A figure written with its unit: ``62 %`` in French (narrow no-break space), ``62%``
    in Arabic and English (CLDR's patterns); other units after a no-break space
    (``12,5 km``, ``12,5 كلم``). No unit, or a missing figure ("—"), as is."""
    if not unit or text == "—":
        return text
    if unit == "%":
        return (
            f"{text}%" if (lang or current_language()) in ("ar", "en") else f"{text}{NARROW_NBSP}%"
        )
    return f"{text}\u00a0{unit}"


CHART_INK = "#555867"
"""The colour of a chart's axis and legend words: 7:1 on white (Streamlit's grey, #808495,
is 3.7:1, under the 4.5:1 WCAG AA asks of text)."""


def readable_words(chart: Any) -> Any:
    """``chart`` (an Altair chart) with its axes' and legend's words in :data:`CHART_INK`."""
    ink = {"labelColor": CHART_INK, "titleColor": CHART_INK}
    return chart.configure_axis(**ink).configure_legend(**ink)


def chart_locale(lang: str | None = None) -> dict[str, Any]:
    """Vega-Lite's number locale (a chart's ``config.locale``): axis labels and formatted
    tooltips with the marks :func:`number` uses, and ``20 %`` in French."""
    lang = lang or current_language()
    if lang == "en":
        marks = {"decimal": ".", "thousands": ","}
    else:
        marks = {"decimal": ",", "thousands": NARROW_NBSP}
    percent = {"percent": f"{NARROW_NBSP}%"} if lang == "fr" else {}
    return {"number": {**marks, "grouping": [3], "currency": ["", ""], **percent}}


def capacity_note(centre_type: str | None) -> None:
    """Under figures that count places (places, places per 10,000, 2SFCA access) of the
    operating centres of ``centre_type`` (None: every type): how many of them have no known
    capacity and the places each counts (the median of the known ones). One wording on
    every page, which counts them alike; nothing when every capacity is known, or none."""
    try:
        fill = analyses.capacity_fill(centre_type)
    except WaloujaError:  # no operating centre of the type: no place to speak of
        return
    if fill.centres and fill.places is not None:
        median = number(fill.places, decimals=0 if float(fill.places).is_integer() else 1)
        st.caption(tn("capacity.filled", fill.centres, places=median))


def clicked_unit(drawing: Mapping[str, Any] | None, codes: Collection[str]) -> str | None:
    """The code of the clicked unit from streamlit-folium's ``last_active_drawing`` (the
    clicked feature, whose id is the unit's code), or None when the click was on something
    else (a centre, a beach...) or nothing was returned."""
    if not drawing:
        return None
    geometry = drawing.get("geometry") or {}
    code = drawing.get("id")
    if geometry.get("type") not in ("Polygon", "MultiPolygon") or code is None:
        return None
    return str(code) if str(code) in codes else None


def commune_label(communes: pd.DataFrame, code: str, names: Mapping[str, str]) -> str:
    """``"Name — الاسم (Province)"`` for a search result, the page's language's name first
    (``"الاسم — Name (الإقليم)"`` in Arabic, the other name isolated so that it keeps its own
    direction)."""
    row = communes.loc[communes["code"] == code].iloc[0]
    province = names.get(str(row["province_code"]), str(row["province_code"]))
    first = name_column()
    other = "name_fr" if first == "name_ar" else "name_ar"
    return f"{row[first]} — \u2068{row[other]}\u2069 ({province})"


def unit_panel(level: str, code: str, *, names: Mapping[str, str]) -> None:
    """Names and census figures of one unit (a page adds its own access figures: the Map
    explorer's ``explorer.access_panel`` names the distance and centres they use)."""
    units = data.units(level)
    found = units.loc[units["code"] == code]
    if found.empty:
        st.info(t("map.select_hint"))
        return
    row = found.iloc[0]
    st.header(str(row[name_column()]))  # level 2 under the page title
    other = "name_fr" if name_column() == "name_ar" else "name_ar"
    st.markdown(f"<div dir='auto'>{row[other]}</div>", unsafe_allow_html=True)
    parents = []
    if level == "communes" and row.get("commune_type") in ("urban", "rural"):
        parents.append(t(f"commune_type.{row['commune_type']}"))
    if level != "regions" and row.get("province_code") and level == "communes":
        parents.append(names.get(str(row["province_code"]), ""))
    if level != "regions" and row.get("region_code"):
        parents.append(names.get(str(row["region_code"]), ""))
    st.caption(" · ".join(p for p in [f"{t(f'level.{level}.one')} {code}", *parents] if p))
    st.metric(t("field.pwd"), number(row["pwd"]))
    st.metric(t("field.population"), number(row["population"]))
    # the census gives prevalence with one decimal: a second one would be noise
    st.metric(
        t("field.prevalence"), with_unit(number(row["disability_prevalence"], decimals=1), "%")
    )
    if bool(row.get("is_demo")):
        st.warning(t("demo.unit"), icon=shell.DEMO_ICON)


def unit_address(selected: tuple[str, str] | None, *, searched: str | None) -> str | None:
    """The unit the panel shows as the address names it (``provinces:08.363``), or None when
    there is none or it is the searched commune (the address has it under ``commune``)."""
    if not selected or selected == ("communes", searched):
        return None
    return f"{selected[0]}:{selected[1]}"


def unit_from_address(text: str | None) -> tuple[str, str] | None:
    """The ``(level, code)`` an address's ``unit`` names, or None when it names no known
    unit (a stale or hand-edited link)."""
    level, _, code = (text or "").partition(":")
    if level not in ("regions", "provinces", "communes") or not code:
        return None
    known = set(data.units(level)["code"].astype(str))
    return (level, code) if code in known else None
