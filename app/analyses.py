"""Analyses the pages show, computed through ``analysis`` on inputs read through ``geo``.

Results are cached per parameters and data version, so switching indicator or page does not
recompute; every failure is a ``WaloujaError`` the page shows as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from app import data
from app.context import app_settings
from app.data import data_version
from app.i18n import t
from geo import db, inputs, runs
from walouja.errors import AnalysisError
from walouja.services.access_scale import communes_per_10k, equity_results

if TYPE_CHECKING:
    from analysis.equity import EquityReport
    from analysis.gaps import GapsReport
    from walouja.services.equity import RunOutcome

CENTRE_TYPES: tuple[str, ...] = inputs.CENTRE_TYPES
THRESHOLDS_KM: tuple[int, ...] = (10, 20, 30, 60)
DEFAULT_THRESHOLD_KM = 30
CATCHMENT_KM = 60.0
ANALYSIS_COLUMNS = ("nearest_km", "coverage_share", "access", "places_per_10k")
CAPACITY_COLUMNS = ("access", "places", "places_per_10k")
"""Indicators that share out the centres' places: unknown when no centre has a capacity."""


@st.cache_data(show_spinner=False, max_entries=64)
def _commune_indicators(
    centre_type: str | None, threshold_km: float, catchment_km: float, version: str
) -> pd.DataFrame:
    from analysis.equity import commune_indicators as compute

    with db.connect(app_settings()) as conn:
        demand = inputs.load_demand(conn)
        centres = inputs.load_centres(conn, centre_type=centre_type)
    known = bool(centres["capacity"].notna().any())
    result = compute(
        demand,
        centres,
        threshold_km=threshold_km,
        catchment_km=catchment_km,
        method="2sfca",
        # with no capacity at all there is no median: distances and coverage need none, and
        # the places-based columns are blanked below rather than computed from a guess
        missing_capacity="median" if known else 1.0,
    )
    # access per 10,000 pwd, as `walouja access` and `walouja equity` give it: the explorer's
    # map and panel and the Coverage page's figures show it as it is
    frame = communes_per_10k(result.communes)
    if not known:
        frame[list(CAPACITY_COLUMNS)] = np.nan
    return frame


@dataclass(frozen=True)
class CapacityFill:
    """Operating centres of a type whose capacity is unknown, and the places each counts
    in the places-based indicators (the median of the known capacities; None when no
    capacity is known, and the indicators are then not computed)."""

    centres: int
    places: float | None


@st.cache_data(show_spinner=False, max_entries=16)
def _capacity_fill(centre_type: str | None, version: str) -> CapacityFill:
    with db.connect(app_settings()) as conn:
        centres = inputs.load_centres(conn, centre_type=centre_type)
    capacity = centres["capacity"].astype(float)
    known = capacity.dropna()
    unknown = int(capacity.isna().sum())
    return CapacityFill(unknown, float(known.median()) if len(known) else None)


def capacity_fill(centre_type: str | None) -> CapacityFill:
    """How many operating centres of ``centre_type`` (None: every type) have no known
    capacity, and the places each counts in :data:`CAPACITY_COLUMNS` (the rule of
    :func:`commune_indicators`, as ``walouja equity`` and ``walouja access`` count them)."""
    return _capacity_fill(centre_type, data_version())


@st.cache_data(show_spinner=False, max_entries=2)
def _operating_centres(version: str) -> pd.DataFrame | None:
    """The operating centres of every type, None when there is none (nothing to count)."""
    try:
        with db.connect(app_settings()) as conn:
            return inputs.load_centres(conn)
    except AnalysisError:
        return None


@st.cache_data(show_spinner=False, max_entries=8)
def _centre_places(level: str, version: str) -> pd.DataFrame:
    columns = ["code", "centre_type", "centres", "places"]
    centres = _operating_centres(version)
    if centres is None:
        return pd.DataFrame(columns=columns)
    fill = _capacity_fill(None, version)
    places = centres["capacity"].astype(float)
    if fill.places is not None:
        places = places.fillna(fill.places)
    communes = data.units("communes").set_index("code")
    code = centres["commune_code"].astype(object)
    if level != "communes":
        key = {"regions": "region_code", "provinces": "province_code"}[level]
        code = code.map(communes[key])
    frame = pd.DataFrame(
        {"code": code, "centre_type": centres["centre_type"], "centres": 1, "places": places}
    ).dropna(subset=["code"])
    summed = frame.groupby(["code", "centre_type"], as_index=False)[["centres", "places"]].sum(
        min_count=1
    )
    return summed[columns]


def centre_places(level: str) -> pd.DataFrame:
    """Operating centres and their places per unit of ``level`` (regions, provinces,
    communes) and centre type: ``code, centre_type, centres, places``.

    A centre of unknown capacity counts the median of the known capacities of every type
    (:func:`capacity_fill` of None), as the places of :func:`commune_indicators` with every
    type count it, so that the Overview's places and places per 10,000 are the Map
    explorer's and the Coverage page's; ``places`` is NaN when no capacity is known.
    """
    return _centre_places(level, data_version())


def places_by_type() -> pd.DataFrame:
    """Operating centres and their places per centre type: ``centre_type, centres, places,
    filled`` (``filled``: how many of them count a median for want of a known capacity).

    A centre of unknown capacity counts the median of the known capacities of its own type,
    as the Map explorer and the Coverage page count it when that type is chosen
    (:func:`capacity_fill` of the type); ``places`` is NaN for a type with no known capacity.
    """
    return _places_by_type(data_version())


@st.cache_data(show_spinner=False, max_entries=2)
def _places_by_type(version: str) -> pd.DataFrame:
    columns = ["centre_type", "centres", "places", "filled"]
    centres = _operating_centres(version)
    if centres is None:
        return pd.DataFrame(columns=columns)
    capacity = centres["capacity"].astype(float)
    median = capacity.groupby(centres["centre_type"]).transform("median")
    frame = pd.DataFrame(
        {
            "centre_type": centres["centre_type"],
            "centres": 1,
            "places": capacity.fillna(median),
            "filled": (capacity.isna() & median.notna()).astype(int),
        }
    )
    summed = frame.groupby("centre_type", as_index=False)[["centres", "places", "filled"]].sum(
        min_count=1
    )
    return summed[columns]


def has_capacity(frame: pd.DataFrame) -> bool:
    """Whether the places-based indicators (:data:`CAPACITY_COLUMNS`) of a
    :func:`commune_indicators` frame are known, i.e. some centre has a capacity."""
    return bool(frame["access"].notna().any())


def commune_indicators(
    *, centre_type: str | None = None, threshold_km: float = DEFAULT_THRESHOLD_KM
) -> pd.DataFrame:
    """Per commune: ``nearest_km, coverage_share, access, centres, places, places_per_10k``
    (plus the demand columns) for operating centres of ``centre_type`` (None: all types);
    ``access`` is in places per 10,000 pwd (:mod:`walouja.services.access_scale`).
    When no such centre has a capacity, ``access, places, places_per_10k`` are NaN (see
    :func:`has_capacity`).

    Raises ``WaloujaError`` (no centres, no geography...) for the page to show.
    """
    with st.spinner(t("progress.analysis"), show_time=True):
        return _commune_indicators(centre_type, float(threshold_km), CATCHMENT_KM, data_version())


def aggregate(frame: pd.DataFrame, column: str, level: str) -> pd.Series:
    """``column`` of a per-commune frame per unit of ``level`` (regions, provinces, communes).

    Counts (``pwd``, ``places``...) are summed; rates are weighted by persons with
    disabilities, and ``places_per_10k`` is total places per 10,000 persons with disabilities.
    """
    key = {"communes": "code", "provinces": "province_code", "regions": "region_code"}[level]
    if level == "communes":
        return frame.set_index("code")[column]
    grouped = frame.assign(
        _w=frame["pwd"], _wx=frame["pwd"] * frame[column].replace([np.inf], np.nan)
    ).groupby(key)
    if column == "places_per_10k":
        sums = frame.groupby(key)[["places", "pwd"]].sum(min_count=1)
        return (sums["places"] * 1e4 / sums["pwd"].where(sums["pwd"] > 0)).rename(column)
    if column in {"pwd", "population", "places", "centres"}:
        return grouped[column].sum(min_count=1)
    sums = grouped[["_wx", "_w"]].sum(min_count=1)
    return (sums["_wx"] / sums["_w"].where(sums["_w"] > 0)).rename(column)


EQUITY_INDICATORS: tuple[str, ...] = ("coverage_share", "nearest_km", "access", "places_per_10k")


@st.cache_data(show_spinner=False, max_entries=64)
def _equity(
    centre_type: str | None, threshold_km: float, indicator: str, by: str, version: str
) -> object:
    from analysis.equity import equity_report

    frame = _commune_indicators(centre_type, threshold_km, CATCHMENT_KM, version)
    if indicator in CAPACITY_COLUMNS and not has_capacity(frame):
        raise AnalysisError(
            f"no centre {'of type ' + centre_type + ' ' if centre_type else ''}has a capacity, "
            f"so {indicator} cannot be computed",
            hint="choose the distance or the coverage, or import the centres' capacities",
            code="no_capacity",
            params={"centre_type": centre_type or "", "indicator": indicator},
        )
    values, weights = frame[indicator].to_numpy(float), frame["pwd"].to_numpy(float)
    if not np.any((values > 0) & (weights > 0)):  # nothing to share out: no inequality
        raise AnalysisError(
            f"{indicator} is 0 in every commune: its inequality is undefined",
            code="indicator_zero",
            params={"centre_type": centre_type or "", "indicator": indicator},
        )
    known = has_capacity(frame)
    if not known:  # the report checks places: count none, and blank them again in its table
        frame = frame.assign(**dict.fromkeys(CAPACITY_COLUMNS, 0.0))
    with db.connect(app_settings()) as conn:
        names = inputs.load_unit_names(conn, by)
    fill = _capacity_fill(centre_type, version)
    report = equity_report(
        frame,
        indicator=indicator,
        by=by,
        threshold_km=threshold_km,
        units=names,
        capacity_filled=fill.centres if known else 0,
    )
    if not known:
        report.units[["places", "places_per_10k"]] = np.nan
    return report


def equity(
    *, centre_type: str | None, threshold_km: float, indicator: str, by: str
) -> EquityReport:
    """The equity report of one indicator per region or province (cached).

    Raises ``WaloujaError``; code ``no_capacity`` for a places-based indicator when no
    centre of the type has a capacity, ``indicator_zero`` when the indicator is 0 for every
    person (no centre within the distance, no place within reach, every centre on its
    commune's demand point): the page says so instead of measuring an inequality.
    """
    with st.spinner(t("progress.analysis"), show_time=True):
        return _equity(centre_type, float(threshold_km), indicator, by, data_version())  # type: ignore[return-value]


@st.cache_data(show_spinner=False, max_entries=16)
def _gaps(centre_type: str, version: str) -> object:
    from analysis.gaps import gaps_report
    from geo.gaps import load_gap_inputs

    with db.connect(app_settings()) as conn:
        got = load_gap_inputs(conn)
    return gaps_report(got.provinces, got.regions, got.centres, got.cities, centre_type=centre_type)


def gaps(*, centre_type: str = "COAPH") -> GapsReport:
    """The action plan's policy gaps (provinces without a centre of the type...)."""
    return _gaps(centre_type, data_version())  # type: ignore[return-value]


# ---- stored equity analyses (the same runs as ``walouja equity``) ----------------------------


@dataclass(frozen=True)
class SavedRun:
    """A stored equity run as the page lists it; ``page`` holds the page's settings to
    reopen it (``centre_type, threshold_km, indicator, by``), None when it cannot."""

    id: int
    name: str | None
    created_at: datetime
    params: dict[str, Any]
    page: dict[str, Any] | None
    fingerprint: str = ""
    """The fingerprint of the data it was computed on (``geo.runs.input_fingerprint``)."""


def _page_params(params: dict[str, Any]) -> dict[str, Any] | None:
    """The page's own settings of a stored equity run, or None when the page cannot show it
    (a CLI run with another catchment, method, detour factor or threshold)."""
    km = params.get("threshold_km")
    if (
        params.get("indicator") not in EQUITY_INDICATORS
        or params.get("by") not in ("province", "region")
        or params.get("catchment_km") != CATCHMENT_KM
        or params.get("method") != "2sfca"
        or params.get("detour_factor") != 1.0
        or params.get("missing_capacity") != "median"
        or not isinstance(km, int | float)
        or float(km) not in {float(k) for k in THRESHOLDS_KM}
    ):
        return None
    return {
        "centre_type": params.get("centre_type"),
        "threshold_km": int(float(km)),
        "indicator": params["indicator"],
        "by": params["by"],
    }


def save_equity(
    *, centre_type: str | None, threshold_km: float, indicator: str, by: str, name: str
) -> RunOutcome:
    """Store the equity analysis the page shows in ``analysis_runs`` (as ``walouja equity``
    does); the stored run of the same request on unchanged data is reused, and renamed when
    a name is given."""
    from walouja.services.equity import run_equity

    label = runs.run_name(name)  # as every stored run's: trimmed, blank is no name
    with db.connect(app_settings()) as conn:
        outcome = run_equity(
            conn,
            indicator=indicator,
            by=by,
            centre_type=centre_type,
            threshold_km=float(threshold_km),
            catchment_km=CATCHMENT_KM,
            name=label,
        )
        if outcome.reused and label is not None:
            runs.rename_run(conn, outcome.run_id, label)
    return outcome


def saved_equity() -> list[SavedRun]:
    """Stored equity runs (the app's and the CLI's), newest first."""
    with db.connect(app_settings()) as conn:
        found = runs.list_runs(conn, "equity", limit=100)
    return [
        SavedRun(r.id, r.name, r.created_at, r.params, _page_params(r.params), r.fingerprint)
        for r in found
    ]


@st.cache_data(show_spinner=False, max_entries=2)
def _equity_fingerprint(version: str) -> str:
    from walouja.services.equity import EQUITY_TABLES

    with db.connect(app_settings()) as conn:
        return runs.input_fingerprint(conn, EQUITY_TABLES)


@dataclass(frozen=True)
class SavedFigures:
    """The headline figures a stored equity run holds: the indicator's mean (access per
    10,000 pwd, whenever the run was stored) and its Gini (None when the run does not hold
    them)."""

    mean: float | None
    gini: float | None


def data_changed_since(run: SavedRun) -> SavedFigures | None:
    """The figures stored equity run ``run`` was saved with, when the data it was computed on
    have changed since (the page then shows it computed on today's data); None when they
    have not."""
    if run.fingerprint == _equity_fingerprint(data_version()):
        return None
    with db.connect(app_settings()) as conn:
        # a run of access stored in places per pwd is read per 10,000, as the page shows it
        results = equity_results(runs.get_run(conn, run.id).results, run.params)
    indices = results.get("indices") if isinstance(results, dict) else None
    indices = indices if isinstance(indices, dict) else {}

    def figure(key: str) -> float | None:
        value = indices.get(key)
        return float(value) if isinstance(value, int | float) else None

    return SavedFigures(figure("mean"), figure("gini"))
