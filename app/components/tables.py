"""Per-unit tables shown on several pages (translated headers, one row per unit)."""

from __future__ import annotations

import pandas as pd

from app import analyses, data
from app.i18n import name_column, t


def unit_table(level: str, indicators: pd.DataFrame | None) -> pd.DataFrame:
    """Regions or provinces with population, persons with disabilities, prevalence, centres,
    places, places per 10,000 and (when computed) the coverage share, sorted by code."""
    units = data.units(level)
    frame = units[["code", name_column(), "population", "pwd", "disability_prevalence"]].copy()
    summary = data.centre_summary(level)
    if not summary.empty:
        per_unit = summary.groupby("code")[["centres", "places"]].sum()
        frame = frame.join(per_unit, on="code")
    else:
        frame["centres"] = 0
        frame["places"] = 0
    frame[["centres", "places"]] = frame[["centres", "places"]].fillna(0).astype(int)
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
