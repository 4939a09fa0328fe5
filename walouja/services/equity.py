"""Territorial inequality of service and the action plan's policy gaps, stored as runs.

``run_equity`` and ``run_gaps`` compute (or find the stored run of the same request on
unchanged data) and store the run in ``analysis_runs``; the stored ``results`` hold everything
needed to draw the Lorenz curve, ranked bars and choropleths (indices, Lorenz points, one row
per unit, rankings, every commune's value). The CLI (``walouja equity``/``gaps``) calls them.
Access is stored and returned per 10,000 pwd (:mod:`walouja.services.access_scale`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from analysis.equity import check_level, commune_indicators, equity_report, get_indicator
from analysis.gaps import gaps_report
from geo.gaps import GAP_TABLES, load_gap_inputs
from geo.inputs import check_centre_type, load_centres, load_demand, load_unit_names
from walouja.errors import AnalysisError
from walouja.services._store import RunOutcome, stored_or_computed
from walouja.services.access_scale import equity_results
from walouja.services.coverage import check_capacities

__all__ = ["EQUITY_TABLES", "RunOutcome", "run_equity", "run_gaps"]

EQUITY_TABLES: tuple[str, ...] = ("communes", "centres", "provinces", "regions")
"""Tables an equity run depends on (for its fingerprint)."""


def _positive(value: float, what: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise AnalysisError(f"{what} {value} is not a positive number of km")
    return float(value)


def _strategy(missing_capacity: str | float, *, error_allowed: bool = True) -> str | float:
    """``missing_capacity`` as the analyses take it: ``median``, ``error`` (unless
    ``error_allowed`` is False: gaps count places and cannot stop at a centre without them)
    or a number of places."""
    choices = "median, error or a number" if error_allowed else "median or a number"
    if missing_capacity == "error" and not error_allowed:
        raise AnalysisError(
            "--missing-capacity error does not apply to gaps",
            hint="give median, or a number of places such as 0",
        )
    if isinstance(missing_capacity, int | float) or missing_capacity in ("median", "error"):
        return missing_capacity
    try:
        return float(missing_capacity)
    except ValueError:
        # it offered "error" to gaps too, which then refused it
        raise AnalysisError(
            f"--missing-capacity {missing_capacity!r} is not {choices}",
            hint=f"give {choices.replace(' or a number', ' or a number of places such as 90')}"
            " (median: the known capacities' median)",
        ) from None


def run_equity(
    conn: Connection,
    *,
    indicator: str,
    by: str = "region",
    centre_type: str | None = "COAPH",
    threshold_km: float = 30.0,
    catchment_km: float = 60.0,
    method: str = "2sfca",
    detour_factor: float = 1.0,
    missing_capacity: str | float = "median",
    fresh: bool = False,
    name: str | None = None,
) -> RunOutcome:
    """The equity report of ``indicator`` (operating centres of ``centre_type``), stored.

    Access is in places per 10,000 pwd, stored so, and read so from a run stored before
    in places per pwd (:func:`walouja.services.access_scale.equity_results`).
    """
    ind = get_indicator(indicator)
    level = check_level(by)
    kind = check_centre_type(centre_type)
    params: dict[str, Any] = {
        "indicator": ind.name,
        "by": level,
        "centre_type": kind,
        "statuses": ["operating"],
        "threshold_km": _positive(threshold_km, "threshold"),
        "catchment_km": _positive(catchment_km, "catchment"),
        "method": method,
        "detour_factor": float(detour_factor),
        "missing_capacity": _strategy(missing_capacity),
    }

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        centres = load_centres(conn, centre_type=kind)
        strategy = params["missing_capacity"]
        check_capacities(centres, strategy)
        if not ind.uses_capacity and strategy == "median" and centres["capacity"].isna().all():
            # no place is known and none enters the indicator: the units' places stay 0
            # (counted in capacity_filled) instead of refusing a distance or a coverage
            strategy = 0.0
        got = commune_indicators(
            demand,
            centres,
            threshold_km=params["threshold_km"],
            catchment_km=params["catchment_km"],
            method=method,
            detour_factor=params["detour_factor"],
            missing_capacity=strategy,
        )
        report = equity_report(
            got.communes,
            indicator=ind.name,
            by=level,
            threshold_km=params["threshold_km"],
            units=load_unit_names(conn, level),
            capacity_filled=got.capacity_filled,
        )
        # access stored per 10,000 pwd, as every caller gives it; its indices of inequality
        # as computed on the score (the same in either unit, to the last digit)
        return equity_results(report.as_dict() | {"n_centres": len(centres)}, params)

    outcome = stored_or_computed(
        conn,
        kind="equity",
        tables=EQUITY_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )
    return replace(outcome, results=equity_results(outcome.results, outcome.params))


def run_gaps(
    conn: Connection,
    *,
    centre_type: str = "COAPH",
    places_types: Sequence[str] | None = None,
    fresh: bool = False,
    name: str | None = None,
    missing_capacity: str | float = "median",
) -> RunOutcome:
    """The action plan's policy gaps, stored. Centres of unknown capacity count
    ``missing_capacity`` places (the median of the known ones by default, as in
    :func:`run_equity`)."""
    kind = check_centre_type(centre_type) or "COAPH"
    types = sorted({str(check_centre_type(t)) for t in places_types}) if places_types else None
    strategy = _strategy(missing_capacity, error_allowed=False)
    params: dict[str, Any] = {
        "centre_type": kind,
        "places_types": types,
        "missing_capacity": strategy,
    }

    def compute() -> dict[str, Any]:
        got = load_gap_inputs(conn)
        report = gaps_report(
            got.provinces,
            got.regions,
            got.centres,
            got.cities,
            centre_type=kind,
            places_centre_types=types,
            missing_capacity=strategy,
        )
        return report.as_dict()

    return stored_or_computed(
        conn,
        kind="gaps",
        tables=GAP_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )
