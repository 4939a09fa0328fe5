"""Result objects of the location models: frozen, complete at creation, JSON-friendly."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def _finite(value: float | None) -> float | None:
    """``value`` when it is a finite number, else ``None`` (JSON has no infinity)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class SiteGain:
    """One chosen new site and what it adds.

    Attributes
    ----------
    candidate
        Position of the site in the candidate list.
    label
        The candidate's identifier (e.g. its commune code).
    rank
        1 for the site that adds most, given the existing centres, then 2 for the most given
        existing + site 1, and so on (greedy order within the chosen set).
    gain
        Its marginal gain at that rank, in the unit of ``LocationResult.gain_measure``
        (``inf`` when it serves demand that had no centre at all in a p-median).
    forced
        True when the site was imposed by the request.
    lon, lat
        Coordinates when the model was built from points.
    cost_mad
        Cost of building it, when costs were given.
    """

    candidate: int
    label: str
    rank: int
    gain: float
    forced: bool = False
    lon: float | None = None
    lat: float | None = None
    cost_mad: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (non-finite gains become ``None``)."""
        return {
            "candidate": self.candidate,
            "label": self.label,
            "rank": self.rank,
            "gain": _finite(self.gain),
            "forced": self.forced,
            "lon": self.lon,
            "lat": self.lat,
            "cost_mad": self.cost_mad,
        }


@dataclass(frozen=True)
class GreedySolution:
    """The greedy heuristic's answer beside the exact one.

    Attributes
    ----------
    objective
        Its objective, evaluated exactly as the MILP's (``None`` if its choice is infeasible,
        e.g. capacities that cannot absorb all demand in a capacitated p-median).
    sites
        Its sites in the order greedy picked them, with their gains.
    shortfall
        How much worse than the exact objective (≥ 0 when the exact solve is optimal).
    shortfall_pct
        ``shortfall`` as a percentage of the exact objective.
    """

    objective: float | None
    sites: tuple[SiteGain, ...]
    shortfall: float | None
    shortfall_pct: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "objective": _finite(self.objective) if self.objective is not None else None,
            "shortfall": self.shortfall,
            "shortfall_pct": self.shortfall_pct,
            "sites": [s.to_dict() for s in self.sites],
        }


@dataclass(frozen=True)
class EquityChange:
    """A weighted Gini index before and after the new sites, and what it measures."""

    measure: str
    gini_before: float | None
    gini_after: float | None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict."""
        return {
            "measure": self.measure,
            "gini_before": self.gini_before,
            "gini_after": self.gini_after,
        }


@dataclass(frozen=True)
class LocationResult:
    """Everything one solve found, fixed at creation.

    Attributes
    ----------
    model
        ``"MCLP"`` or ``"PMedian"``.
    status
        HiGHS outcome: ``optimal``, ``time_limit`` (best solution found, see ``mip_gap``).
    optimal
        True only when HiGHS proved optimality within ``mip_rel_gap``.
    objective
        Persons covered (MCLP, existing centres included) or person-km to the nearest centre
        (p-median, existing centres included).
    objective_before
        The same with the existing centres only (``None`` when undefined: p-median demand with
        no centre at all, or capacities that cannot absorb all demand).
    bound
        Best bound HiGHS proved on the objective.
    mip_gap
        Relative gap between ``objective`` and ``bound`` (0 when optimal).
    solve_time_s, build_time_s
        Time in HiGHS, and to build the formulation (and the greedy and tables).
    n_variables, n_constraints
        Size of the MILP after the sparse reductions.
    gain_measure
        Unit of every ``SiteGain.gain``.
    sites
        The chosen new sites, by rank.
    greedy
        The greedy heuristic's solution and its shortfall.
    demand
        One row per demand point: ``label``, ``province``, ``region``, ``weight``, ``before``,
        ``after`` (covered share for MCLP, km to the nearest centre for p-median).
    by_province, by_region
        Before/after aggregates when the demand's province/region were given.
    equity
        Weighted Gini before/after, when computable.
    total_cost_mad
        Cost of the new sites when costs were given.
    params
        The request, as plain values.
    solution_source
        ``"milp"``; ``"enumeration"`` when a single new site was left to place and every
        candidate was compared (optimal; ``n_variables`` then counts the candidates); or
        ``"greedy"`` when a time limit stopped HiGHS with no incumbent as good as the greedy
        one (still reported with its gap to HiGHS's proven bound).
    """

    model: str
    status: str
    optimal: bool
    objective: float
    objective_before: float | None
    bound: float | None
    mip_gap: float
    solve_time_s: float
    build_time_s: float
    n_variables: int
    n_constraints: int
    gain_measure: str
    sites: tuple[SiteGain, ...]
    greedy: GreedySolution
    demand: pd.DataFrame = field(repr=False)
    by_province: pd.DataFrame | None = field(repr=False)
    by_region: pd.DataFrame | None = field(repr=False)
    equity: EquityChange | None
    total_cost_mad: float | None
    params: dict[str, Any] = field(default_factory=dict)
    solution_source: str = "milp"

    def to_dict(self, *, tables: bool = True) -> dict[str, Any]:
        """Plain, JSON-ready dict (``tables=False`` leaves out the province/region tables)."""
        out: dict[str, Any] = {
            "model": self.model,
            "status": self.status,
            "optimal": self.optimal,
            "objective": self.objective,
            "objective_before": self.objective_before,
            "bound": self.bound,
            "gap": _finite(self.mip_gap),
            "solve_time_s": self.solve_time_s,
            "build_time_s": self.build_time_s,
            "n_variables": self.n_variables,
            "n_constraints": self.n_constraints,
            "gain_measure": self.gain_measure,
            "total_cost_mad": self.total_cost_mad,
            "sites": [s.to_dict() for s in self.sites],
            "greedy": self.greedy.to_dict(),
            "equity": None if self.equity is None else self.equity.to_dict(),
            "params": self.params,
            "solution_source": self.solution_source,
        }
        if tables:
            for name, table in (("by_province", self.by_province), ("by_region", self.by_region)):
                out[name] = None if table is None else _records(table)
        return out


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as dicts with JSON-safe numbers."""
    rows = table.reset_index().to_dict(orient="records")
    clean: list[dict[str, Any]] = []
    for row in rows:
        clean.append({str(k): (_finite(v) if isinstance(v, float) else v) for k, v in row.items()})
    return clean
