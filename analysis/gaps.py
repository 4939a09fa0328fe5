"""Policy gaps of the national action plan: provinces without a COAPH, regions short of places.

Three checks, each against a target the action plan states:

- **One COAPH per province or prefecture.** The 75 units that tile the country (HCP's eight
  Casablanca *préfectures d'arrondissements* are nested in them and left out) without an
  operating centre of the type; for each, the centres of that type under construction or
  planned there, and its persons with disabilities (pwd). Largest pwd first.
- **Places per pwd.** Places (capacity of operating centres) per 10,000 pwd in each region
  against the national rate ``Σ places / Σ pwd``; a region is *below* when its rate is lower,
  and ``places_to_national`` is how many places it lacks to reach the national rate. Higher
  is better. Centres with unknown capacity count the median of the known capacities, as
  ``walouja access`` and ``walouja equity`` count them (or a number of places chosen), and
  are reported.
- **Accessible Cities programme.** Communes in the programme per region and stage
  (diagnostic study, convention signed, works under way, completed), with their pwd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from walouja.errors import AnalysisError

STAGES: tuple[str, ...] = ("diagnostic_study", "convention_signed", "works_under_way", "completed")
"""Stages of the Accessible Cities programme, in order."""

PIPELINE_STATUSES: tuple[str, ...] = ("under_construction", "planned")


def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"the {what} table lacks column(s): {', '.join(missing)}")


def provinces_without_centre(
    provinces: pd.DataFrame, centres: pd.DataFrame, *, centre_type: str = "COAPH"
) -> pd.DataFrame:
    """Tiling provinces and prefectures without an operating centre of ``centre_type``.

    Parameters
    ----------
    provinces
        ``code, name_fr, name_ar, region_code, pwd, is_nested``.
    centres
        Centres of every status: ``centre_type, status, province_code``.

    Returns
    -------
    pandas.DataFrame
        ``code, name_fr, name_ar, region_code, pwd, under_construction, planned``, largest
        pwd first.
    """
    _need(provinces, ["code", "name_fr", "region_code", "pwd", "is_nested"], "provinces")
    _need(centres, ["centre_type", "status", "province_code"], "centres")
    tiling = provinces.loc[~provinces["is_nested"].astype(bool)].copy()
    of_type = centres.loc[centres["centre_type"] == centre_type]
    operating = set(of_type.loc[of_type["status"] == "operating", "province_code"].dropna())
    gap = tiling.loc[~tiling["code"].isin(operating)].copy()
    for status in PIPELINE_STATUSES:
        counts = of_type.loc[of_type["status"] == status, "province_code"].value_counts()
        gap[status] = gap["code"].map(counts).fillna(0).astype(int)
    if "name_ar" not in gap.columns:
        gap["name_ar"] = None
    cols = ["code", "name_fr", "name_ar", "region_code", "pwd", *PIPELINE_STATUSES]
    return gap[cols].sort_values(["pwd", "code"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class PlacesRate:
    """Places per 10,000 pwd per region against the national rate.

    Attributes
    ----------
    regions
        ``code, name_fr, name_ar, pwd, centres, places, places_per_10k, below_national,
        places_to_national``, lowest rate first.
    national_per_10k
        ``Σ places / Σ pwd × 10,000`` over the whole country.
    unknown_capacity
        Operating centres whose capacity is unknown.
    unknown_places
        The places each of them counts (the median of the known capacities by default; 0
        when no capacity is known).
    """

    regions: pd.DataFrame
    national_per_10k: float
    unknown_capacity: int
    unknown_places: float = 0.0


def places_rate_by_region(
    regions: pd.DataFrame,
    centres: pd.DataFrame,
    *,
    centre_types: Sequence[str] | None = None,
    missing_capacity: str | float = "median",
) -> PlacesRate:
    """Regions' places per 10,000 pwd, and which fall below the national rate.

    Parameters
    ----------
    regions
        ``code, name_fr, name_ar, pwd``.
    centres
        ``centre_type, status, capacity, region_code`` (any status; only operating ones count).
    centre_types
        Count only these types; ``None`` counts every type.
    missing_capacity
        Places of a centre whose capacity is unknown: ``"median"`` (of the known capacities
        counted, 0 when none is known: the same rule as access and equity) or a number.
    """
    _need(regions, ["code", "name_fr", "pwd"], "regions")
    _need(centres, ["centre_type", "status", "capacity", "region_code"], "centres")
    pwd = pd.to_numeric(regions["pwd"], errors="coerce")
    if pwd.isna().any() or (pwd < 0).any():
        bad = regions.loc[pwd.isna() | (pwd < 0), "code"].iloc[0]
        raise AnalysisError(f"region {bad}: pwd is not a number >= 0")
    if pwd.sum() <= 0:
        raise AnalysisError("the regions hold no persons with disabilities: no rate to compare")
    ops = centres.loc[centres["status"] == "operating"]
    if centre_types is not None:
        ops = ops.loc[ops["centre_type"].isin(list(centre_types))]
    capacity = pd.to_numeric(ops["capacity"], errors="coerce")
    unknown = int(capacity.isna().sum())
    if missing_capacity == "median":
        known = capacity.dropna()
        fill = float(known.median()) if len(known) else 0.0
    else:
        try:
            fill = float(missing_capacity)
        except ValueError:
            fill = float("nan")
        if not (np.isfinite(fill) and fill >= 0):
            raise AnalysisError(
                f"--missing-capacity {missing_capacity!r} is not median or a number of places",
                hint="give median, or a number of places such as 0 or 20",
            )
    per = (
        pd.DataFrame({"code": ops["region_code"], "places": capacity.fillna(fill), "centres": 1})
        .dropna(subset=["code"])
        .groupby("code")[["places", "centres"]]
        .sum()
    )
    table = regions[["code", "name_fr"]].copy()
    table["name_ar"] = regions["name_ar"] if "name_ar" in regions.columns else None
    table["pwd"] = pwd.to_numpy(dtype=np.float64)
    table["centres"] = table["code"].map(per["centres"]).fillna(0).astype(int)
    table["places"] = table["code"].map(per["places"]).fillna(0.0).astype(float)
    national = float(table["places"].sum() / table["pwd"].sum() * 1e4)
    table["places_per_10k"] = np.divide(
        table["places"] * 1e4, table["pwd"], out=np.zeros(len(table)), where=table["pwd"] > 0
    )
    table["below_national"] = table["places_per_10k"] < national * (1 - 1e-12)
    short = national * table["pwd"] / 1e4 - table["places"]
    table["places_to_national"] = short.clip(lower=0.0).where(table["below_national"], 0.0)
    table = table.sort_values(["places_per_10k", "code"]).reset_index(drop=True)
    return PlacesRate(
        regions=table,
        national_per_10k=national,
        unknown_capacity=unknown,
        unknown_places=fill if unknown else 0.0,
    )


def accessible_cities_by_stage(regions: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Communes in the Accessible Cities programme per region and stage.

    Parameters
    ----------
    regions
        ``code, name_fr`` (every region gets a row, zeros included).
    cities
        ``commune_code, stage, region_code`` and optionally ``pwd`` (the commune's).

    Returns
    -------
    pandas.DataFrame
        ``code, name_fr, <one column per stage>, communes, pwd`` in region-code order.
    """
    _need(regions, ["code", "name_fr"], "regions")
    _need(cities, ["commune_code", "stage", "region_code"], "accessible cities")
    unknown = sorted(set(cities["stage"].dropna()) - set(STAGES))
    if unknown or cities["stage"].isna().any():
        bad = unknown[0] if unknown else None
        raise AnalysisError(
            f"accessible cities: stage {bad!r} is not a programme stage",
            hint=f"stages are {', '.join(STAGES)}",
        )
    counts = (
        pd.crosstab(cities["region_code"], cities["stage"])
        .reindex(columns=list(STAGES), fill_value=0)
        .astype(int)
    )
    table = regions[["code", "name_fr"]].copy()
    for stage in STAGES:
        table[stage] = table["code"].map(counts[stage]).fillna(0).astype(int)
    table["communes"] = table[list(STAGES)].sum(axis=1).astype(int)
    pwd = (
        pd.to_numeric(cities["pwd"], errors="coerce").fillna(0.0)
        if "pwd" in cities.columns
        else pd.Series(0.0, index=cities.index)
    )
    by_region = pwd.groupby(cities["region_code"]).sum()
    table["pwd"] = table["code"].map(by_region).fillna(0.0).astype(float)
    return table.sort_values("code").reset_index(drop=True)


@dataclass(frozen=True)
class GapsReport:
    """The three policy gaps (see the module docstring)."""

    centre_type: str
    provinces_total: int
    provinces_without: pd.DataFrame
    places: PlacesRate
    places_centre_types: tuple[str, ...] | None
    cities: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON (what ``analysis_runs.results`` stores)."""
        without = self.provinces_without
        stage_totals = {s: int(self.cities[s].sum()) for s in STAGES}
        return {
            "provinces_without_centre": {
                "centre_type": self.centre_type,
                "target": f"one operating {self.centre_type} in each province or prefecture",
                "provinces_total": self.provinces_total,
                "provinces_without": len(without),
                "pwd_in_them": float(without["pwd"].sum()),
                "rows": _records(without),
            },
            "places_per_pwd": {
                "centre_types": list(self.places_centre_types)
                if self.places_centre_types
                else "all",
                "national_places_per_10k": self.places.national_per_10k,
                "regions_below": int(self.places.regions["below_national"].sum()),
                "unknown_capacity": self.places.unknown_capacity,
                "unknown_capacity_places": self.places.unknown_places,
                "rows": _records(self.places.regions),
            },
            "accessible_cities": {
                "stages": list(STAGES),
                "national": stage_totals | {"communes": sum(stage_totals.values())},
                "rows": _records(self.cities),
            },
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, np.bool_ | bool):
                clean[str(key)] = bool(value)
            elif isinstance(value, np.integer):
                clean[str(key)] = int(value)
            elif isinstance(value, float | np.floating):
                clean[str(key)] = float(value) if np.isfinite(value) else None
            else:
                clean[str(key)] = None if value is pd.NA else value
        out.append(clean)
    return out


def gaps_report(
    provinces: pd.DataFrame,
    regions: pd.DataFrame,
    centres: pd.DataFrame,
    cities: pd.DataFrame,
    *,
    centre_type: str = "COAPH",
    places_centre_types: Sequence[str] | None = None,
    missing_capacity: str | float = "median",
) -> GapsReport:
    """All three policy gaps from plain tables (see the functions above for the columns)."""
    tiling = int((~provinces["is_nested"].astype(bool)).sum()) if not provinces.empty else 0
    if tiling == 0:
        raise AnalysisError(
            "there are no provinces to check", hint="load the geography with `walouja load`"
        )
    return GapsReport(
        centre_type=centre_type,
        provinces_total=tiling,
        provinces_without=provinces_without_centre(provinces, centres, centre_type=centre_type),
        places=places_rate_by_region(
            regions,
            centres,
            centre_types=places_centre_types,
            missing_capacity=missing_capacity,
        ),
        places_centre_types=tuple(places_centre_types) if places_centre_types else None,
        cities=accessible_cities_by_stage(regions, cities),
    )
