"""Per-unit tables shown on several pages (translated headers, one row per unit)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from app import analyses, data
from app.components.figures import number
from app.i18n import current_language, is_rtl, name_column, t

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


def unit_table(level: str, indicators: pd.DataFrame | None) -> pd.DataFrame:
    """Regions or provinces with population, persons with disabilities, prevalence, centres,
    places, places per 10,000 and (when computed) the coverage share, sorted by code.

    The places are :func:`app.analyses.centre_places`' (unknown capacities count the
    median of the known ones, as every page counts them)."""
    units = data.units(level)
    frame = units[["code", name_column(), "population", "pwd", "disability_prevalence"]].copy()
    # a centre of unknown capacity counts the median of the known ones, as on the Map
    # explorer and the Coverage page (it counted none here: 199,1 places per 10 000 beside
    # their 276,0 for the same region)
    summary = analyses.centre_places(level)
    if not summary.empty:
        per_unit = summary.groupby("code")[["centres", "places"]].sum(min_count=1)
        frame = frame.join(per_unit, on="code")
        known = bool(summary["places"].notna().any())
    else:
        frame["centres"] = 0
        frame["places"] = 0.0
        known = True
    frame["centres"] = frame["centres"].fillna(0).astype(int)
    # no capacity known anywhere: no place is counted, and none is shown
    frame["places"] = frame["places"].astype(float).fillna(0.0) if known else float("nan")
    frame["places_per_10k"] = (frame["places"] * 1e4 / frame["pwd"]).round(1)
    if indicators is not None:
        share = analyses.aggregate(indicators, "coverage_share", level)
        frame["coverage"] = (frame["code"].map(share) * 100).round(1)
    frame["pwd"] = frame["pwd"].round(0).astype("Int64")
    frame["disability_prevalence"] = frame["disability_prevalence"].round(2)
    return frame.rename(columns=headers())


def headers() -> dict[str, str]:
    """Translated column headers of the unit tables."""
    return {
        "code": t("field.code"),
        "name_fr": t("field.name"),
        "name_ar": t("field.name"),
        "population": t("field.population"),
        "pwd": t("field.pwd"),
        "disability_prevalence": t("field.prevalence"),
        "centres": t("field.centres"),
        "places": t("field.places"),
        "places_per_10k": t("indicator.places_per_10k"),
        "coverage": t("field.coverage_pct"),
    }


# ---- tables of figures as the page's reader writes them, on screen and in a CSV file --------


NAME_WIDTH = 150
"""Pixels of a name column (``المضيق-الفنيدق``) in a right-to-left table."""
CODE_WIDTH = 70
FIGURE_WIDTH = 105
"""Pixels of a figure column in a right-to-left table: eight columns fit a 1366 px screen
beside the sidebar. The table opens scrolled to its left end, so a wider one would hide its
first columns (the code and the name, on the right) instead of its last ones. A heading
longer than its column shows in full in the column's tooltip."""


def screen_table(
    frame: pd.DataFrame,
    headers: Mapping[str, str],
    decimals: Mapping[str, int],
    *,
    lang: str | None = None,
    widths: Mapping[str, int] | None = None,
    helps: Mapping[str, str] | None = None,
) -> tuple[Styler, dict[str, Any]]:
    """What ``st.dataframe`` shows of ``frame`` (``data`` and ``column_config``).

    The columns are named by ``headers``; the figures (the columns of ``decimals``, with so
    many decimals) are written as the page writes them (:func:`figures.number`: ``23 468`` in
    French and Arabic, ``23,468`` in English, whatever the browser's locale) and still sort as
    numbers. In a right-to-left language the columns come in reverse order, so the first one
    (the code) is on the right, and every cell is aligned right (the table is drawn on a
    canvas the page's CSS does not reach), and the columns are narrow enough for the table to
    fit the page (see :data:`FIGURE_WIDTH`).

    ``widths`` gives some columns a width of their own in pixels (in every language), and
    ``helps`` the tooltip of their heading (by default the heading itself, whole).
    """
    lang = lang or current_language()
    rtl = is_rtl(lang)
    order = [str(c) for c in frame.columns]
    if rtl:
        order.reverse()
    shown = frame[order].rename(columns=dict(headers))
    formats: dict[Any, str | Callable[[object], str] | None] = {
        headers.get(c, c): partial(_cell, decimals=decimals[c], lang=lang)
        for c in order
        if c in decimals
    }
    config: dict[str, Any] = {}
    for c in order:
        header = headers.get(c, c)
        config[header] = {"help": (helps or {}).get(c, header)}
        if rtl:
            width = FIGURE_WIDTH if c in decimals else CODE_WIDTH if c == "code" else NAME_WIDTH
            config[header].update(width=width, alignment="right")
        if widths and c in widths:
            config[header]["width"] = int(widths[c])
    return shown.style.format(formats), config


COVERAGE_WIDTHS: dict[bool, dict[str, int]] = {
    False: {
        "code": 55,
        "name": 145,
        "pwd": 65,
        "shown": 150,
        "pwd_beyond": 145,
        "share_beyond": 140,
        "places": 60,
        "places_per_10k": 130,
    },
    True: {
        "code": 55,
        "name": 123,
        "pwd": 165,
        "shown": 130,
        "pwd_beyond": 131,
        "share_beyond": 115,
        "places": 60,
        "places_per_10k": 116,
    },
}
"""Pixels of each column of the Coverage page's table, left to right (False) and right to
left (True): 890 and 895 in all, within the 904 px a table has at 1366 px beside the
sidebar (wider screens share the rest out). Wider, the French table hid its last three
columns until scrolled sideways, and the Arabic one cut its headings."""


def coverage_headings(indicator: str, *, km: object) -> dict[str, str]:
    """Short headings of the Coverage page's table, by column, in the session's language.

    They fit :data:`COVERAGE_WIDTHS` ("À moins de 30 km (%)", "PSH au-delà de 30 km"); the
    page gives each column its full heading as the heading's tooltip.

    Parameters
    ----------
    indicator
        The equity indicator the ``shown`` column holds (``coverage_share``,
        ``nearest_km``, ``access`` or ``places_per_10k``).
    km
        The distance threshold, as the page writes it.
    """
    return {
        "code": t("field.code"),
        "name": t("field.name"),
        "pwd": t("equity.col.pwd"),
        "shown": t(f"equity.col.{indicator}", km=km),
        "pwd_beyond": t("equity.col.pwd_beyond", km=km),
        "share_beyond": t("equity.col.share_beyond", km=km),
        "places": t("field.places"),
        "places_per_10k": t("equity.col.places_per_10k"),
    }


REGION_WIDTHS: dict[bool, dict[str, int]] = {
    False: {"code": 47, "name": 175, "pwd": 60, "pwd_beyond": 144, "places": 54},
    True: {"code": 47, "name": 142, "places": 54},
}
"""Widths that differ from :data:`COVERAGE_WIDTHS` when the table lists regions: their names
are the longest ("Tanger-Tétouan-Al Hoceima", "العيون-الساقية الحمراء" were cut at the
name column's edge), and their two-digit codes the shortest. 900 px in all, as before."""


def coverage_widths(level: str = "provinces") -> dict[str, int]:
    """:data:`COVERAGE_WIDTHS` for the session's language and ``level`` (``provinces`` or
    ``regions``, see :data:`REGION_WIDTHS`)."""
    rtl = is_rtl(current_language())
    widths = dict(COVERAGE_WIDTHS[rtl])
    if level == "regions":
        widths.update(REGION_WIDTHS[rtl])
    return widths


MISSING = "—"
"""What a table shows for a value that is not known, in every language: Streamlit's grid
wrote a grey English "None" in a number column (``st.dataframe(placeholder=MISSING)``)."""


LRM = "\u200e"
"""Unicode's left-to-right mark: before a negative figure in a right-to-left table, as CLDR
writes Arabic's minus sign with Latin digits, so that the sign stays on the figure's left."""


def _cell(value: object, *, decimals: int, lang: str) -> str:
    if value is None or value is pd.NA:
        return MISSING
    text = number(float(value), decimals=decimals, lang=lang)  # type: ignore[arg-type]
    if not text.startswith("-"):
        return text
    if text.lstrip("-").strip("0,.\u202f") == "":
        return text.lstrip("-")  # "-0" is no change
    # a right-to-left cell drew "-11 770" as "11 770-" (the sign taken as Arabic text)
    return LRM + text if is_rtl(lang) else text


def csv_bytes(
    frame: pd.DataFrame,
    headers: Mapping[str, str],
    decimals: Mapping[str, int],
    notes: Mapping[str, str],
    *,
    lang: str | None = None,
) -> bytes:
    """``frame`` as a CSV file that the reader's spreadsheet opens in columns.

    One header row (``headers``) then one row per unit: no comment line, so Excel,
    LibreOffice and ``pandas.read_csv(sep=...)`` all read it back as it is. Separator and
    decimal mark follow the app's one CSV convention (``geo.export.CSV_DIALECTS``, which the
    sites and layer downloads follow too); figures (the columns of ``decimals``) have no
    thousands separator, counts are whole numbers (``23468``, not ``23468.0``) and missing
    figures are empty. ``notes`` are columns added to every row, header to text: the source's
    credit and the demonstration-data mark, which then survive sorting and filtering. UTF-8
    with a byte-order mark, so that Excel shows Arabic.
    """
    from geo.export import csv_dialect

    dialect = csv_dialect(lang or current_language())
    sep, decimal = dialect.sep, dialect.decimal
    out = frame.copy()
    for column, places in decimals.items():
        if column in out:
            out[column] = [_csv_figure(v, places, decimal) for v in out[column]]
    out = out.rename(columns=dict(headers))
    for header, text in notes.items():
        out[header] = text
    text = out.to_csv(index=False, sep=sep, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _csv_figure(value: object, places: int, decimal: str) -> str:
    if value is None or value is pd.NA:
        return ""
    figure = float(value)  # type: ignore[arg-type]
    if not math.isfinite(figure):
        return ""
    return f"{figure:.{places}f}".replace(".", decimal)
