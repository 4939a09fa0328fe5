"""`walouja prioritise` and `walouja scenarios`: where new centres help most, saved as scenarios.

``run_prioritise`` reads the communes (demand and default candidates) and the existing centres,
solves the MCLP or p-median exactly, and stores the scenario in ``analysis_runs`` (reused when
the same request meets unchanged inputs). ``compare_scenarios`` sets two of them side by side.
The app calls the same functions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import typer
from sqlalchemy.engine import Connection

from analysis.location import MCLP, LocationResult, PMedian
from geo import db, runs
from geo.inputs import check_centre_type, load_centres, load_demand
from walouja.cli._common import emit_json, friendly, settings
from walouja.errors import AnalysisError, NotFoundError

KIND = "prioritise"
INPUT_TABLES = ("communes", "centres")
MODELS = ("mclp", "pmedian")
DEFAULT_COST_MAD = {
    "COAPH": 5_000_000.0,
    "CAS": 3_000_000.0,
    "CAPE": 2_500_000.0,
    "EMF": 2_000_000.0,
    "CJPA": 2_000_000.0,
    "EPS": 6_000_000.0,
    "other": 2_000_000.0,
}
"""Default cost of one new centre by type, in MAD (editable: ``--cost-mad`` overrides it).

Planning placeholders, not official figures: equipping and a first year of running.
"""


@dataclass(frozen=True)
class Scenario:
    """A computed or stored prioritisation scenario.

    Attributes
    ----------
    run_id
        Id in ``analysis_runs``.
    reused
        True when the stored run of the same request on unchanged inputs was returned.
    params
        The request.
    results
        The JSON-ready answer (see :func:`summarise`).
    """

    run_id: int
    reused: bool
    params: dict[str, Any]
    results: dict[str, Any]


def summarise(
    result: LocationResult, demand: pd.DataFrame, *, radius_km: float, n_existing: int
) -> dict[str, Any]:
    """The JSON answer of one solve: objective, proof, coverage before/after, sites, greedy.

    ``pwd_covered_before/after`` count persons with disabilities within ``radius_km`` of a
    centre (for the p-median, from each commune's distance to its nearest centre).
    """
    table = result.demand
    if result.model == "MCLP":
        before = float((table["weight"] * table["before"]).sum())
        after = float((table["weight"] * table["after"]).sum())
    else:
        before = float(table["weight"][table["before"] <= radius_km].sum())
        after = float(table["weight"][table["after"] <= radius_km].sum())
    info = demand.set_index("code")
    sites = []
    for s in result.sites:
        row = info.loc[s.label]
        sites.append(
            {
                "rank": s.rank,
                "commune_code": s.label,
                "name_fr": row.get("name_fr"),
                "province_code": row.get("province_code"),
                "region_code": row.get("region_code"),
                "lon": s.lon,
                "lat": s.lat,
                "gain": s.gain,
                "forced": s.forced,
                "cost_mad": s.cost_mad,
            }
        )
    total = float(demand["pwd"].sum())
    out = result.to_dict()
    return runs.to_jsonable(
        {
            "model": result.model,
            "status": result.status,
            "objective": result.objective,
            "objective_before": result.objective_before,
            "optimal": result.optimal,
            "gap": result.mip_gap,
            "bound": result.bound,
            "solution_source": result.solution_source,
            "solve_time_s": result.solve_time_s,
            "n_variables": result.n_variables,
            "n_constraints": result.n_constraints,
            "n_existing": n_existing,
            "pwd_total": total,
            "pwd_covered_before": before,
            "pwd_covered_after": after,
            "share_covered_before": before / total if total else None,
            "share_covered_after": after / total if total else None,
            "gain_measure": result.gain_measure,
            "total_cost_mad": result.total_cost_mad,
            "sites": sites,
            "greedy": {
                "objective": result.greedy.objective,
                "shortfall": result.greedy.shortfall,
                "shortfall_pct": result.greedy.shortfall_pct,
                "sites": [s.label for s in result.greedy.sites],
            },
            "equity": out["equity"],
            "by_province": out["by_province"],
            "by_region": out["by_region"],
        }
    )


def run_prioritise(
    conn: Connection,
    *,
    centre_type: str = "COAPH",
    model: str = "mclp",
    new: int | None = None,
    radius_km: float = 30.0,
    min_per_province: int = 0,
    budget_mad: float | None = None,
    cost_mad: float | None = None,
    new_capacity: float | None = None,
    time_limit_s: float = 60.0,
    statuses: Sequence[str] = ("operating",),
    forced: Sequence[str] = (),
    excluded: Sequence[str] = (),
    fresh: bool = False,
    name: str | None = None,
) -> Scenario:
    """Solve a prioritisation request on the database's communes and centres; store it."""
    kind = check_centre_type(centre_type)
    if kind is None:
        raise AnalysisError("choose the type of centre to place (--centre-type)")
    if model not in MODELS:
        raise NotFoundError(f"unknown model {model!r}", hint="choose mclp or pmedian")
    if not np.isfinite(radius_km) or radius_km <= 0:
        raise AnalysisError(f"the radius must be a positive number of km, got {radius_km}")
    if new is None and budget_mad is None:
        raise AnalysisError("say how many new centres (--new) or give a budget (--budget-mad)")
    unit_cost = (
        DEFAULT_COST_MAD.get(kind, DEFAULT_COST_MAD["other"]) if cost_mad is None else cost_mad
    )
    params: dict[str, Any] = {
        "centre_type": kind,
        "model": model,
        "new": new,
        "radius_km": float(radius_km),
        "min_per_province": int(min_per_province),
        "budget_mad": budget_mad,
        "cost_mad": float(unit_cost) if budget_mad is not None or cost_mad is not None else None,
        "new_capacity": new_capacity,
        "statuses": sorted(statuses),
        "forced": sorted(forced),
        "excluded": sorted(excluded),
        "time_limit_s": float(time_limit_s),
    }
    fingerprint = runs.input_fingerprint(conn, INPUT_TABLES)
    if not fresh:
        found = runs.find_run(conn, KIND, params, fingerprint)
        if found is not None:
            return Scenario(found.id, True, found.params, found.results)
    start = time.perf_counter()
    demand = load_demand(conn)
    try:
        existing = load_centres(conn, centre_type=kind, statuses=statuses)
    except AnalysisError:
        existing = pd.DataFrame(columns=["id", "lon", "lat", "province_code", "capacity"])
    cls = MCLP if model == "mclp" else PMedian
    options: dict[str, Any] = {
        "new": new,
        "budget_mad": budget_mad,
        "cost_mad": params["cost_mad"],
        "min_per_province": min_per_province,
        "new_capacity": new_capacity,
        "capacity": "capacity",
        "forced": list(forced),
        "excluded": list(excluded),
    }
    if cls is MCLP:
        options["radius_km"] = radius_km
    built = cls.from_frames(demand, None, existing if len(existing) else None, **options)
    result = built.solve(time_limit_s=time_limit_s)
    results = summarise(result, demand, radius_km=radius_km, n_existing=len(existing))
    duration = time.perf_counter() - start
    results["duration_s"] = duration
    run_id = runs.save_run(
        conn,
        kind=KIND,
        params=params,
        fingerprint=fingerprint,
        results=results,
        duration_s=duration,
        name=name,
    )
    return Scenario(run_id, False, params, results)


def load_scenario(conn: Connection, run_id: int) -> Scenario:
    """A stored prioritisation scenario, or ``NotFoundError``."""
    run = runs.get_run(conn, run_id)
    if run.kind != KIND:
        raise NotFoundError(f"run {run_id} is a {run.kind} run, not a prioritisation scenario")
    return Scenario(run.id, True, run.params, run.results)


def list_scenarios(conn: Connection) -> list[dict[str, Any]]:
    """Stored scenarios, newest first: id, name, date, request, headline figures."""
    out = []
    for summary in runs.list_runs(conn, KIND):
        out.append(
            {
                "id": summary.id,
                "name": summary.name,
                "created_at": summary.created_at.isoformat(),
                "params": summary.params,
                "duration_s": summary.duration_s,
            }
        )
    return out


def compare_scenarios(conn: Connection, a: int, b: int) -> dict[str, Any]:
    """Two scenarios side by side: requests that differ, headline figures, sites, provinces."""
    sa_, sb = load_scenario(conn, a), load_scenario(conn, b)
    ra, rb = sa_.results, sb.results
    keys = sorted(set(sa_.params) | set(sb.params))
    params_diff = {
        k: {"a": sa_.params.get(k), "b": sb.params.get(k)}
        for k in keys
        if sa_.params.get(k) != sb.params.get(k)
    }
    headline = {}
    for key in (
        "objective",
        "optimal",
        "gap",
        "pwd_covered_before",
        "pwd_covered_after",
        "total_cost_mad",
        "n_existing",
    ):
        headline[key] = {"a": ra.get(key), "b": rb.get(key)}
    sites_a = {s["commune_code"] for s in ra.get("sites", [])}
    sites_b = {s["commune_code"] for s in rb.get("sites", [])}
    provinces: list[dict[str, Any]] = []
    pa = {r["province"]: r for r in ra.get("by_province") or []}
    pb = {r["province"]: r for r in rb.get("by_province") or []}
    field = "covered_after" if ra.get("model") == "MCLP" else "mean_km_after"
    for code in sorted(set(pa) | set(pb)):
        va, vb = pa.get(code, {}).get(field), pb.get(code, {}).get(field)
        provinces.append(
            {
                "province": code,
                f"{field}_a": va,
                f"{field}_b": vb,
                "difference": None if va is None or vb is None else vb - va,
            }
        )
    return runs.to_jsonable(
        {
            "a": a,
            "b": b,
            "params_differ": params_diff,
            "headline": headline,
            "sites_only_a": sorted(sites_a - sites_b),
            "sites_only_b": sorted(sites_b - sites_a),
            "sites_both": sorted(sites_a & sites_b),
            "by_province": provinces,
        }
    )


# ---- commands --------------------------------------------------------------------------


def _fmt(value: Any, spec: str = ",.0f") -> str:
    if value is None:
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


_FORCE = typer.Option(None, "--force", help="Commune code that must get a centre (repeat).")
_EXCLUDE = typer.Option(None, "--exclude", help="Commune code to leave out (repeat).")


def prioritise_command(
    centre_type: str = typer.Option("COAPH", help="Type of centre to place."),
    new: int = typer.Option(None, "--new", help="Number of new centres."),
    radius_km: float = typer.Option(30.0, help="Covering radius in km (MCLP; coverage figures)."),
    model: str = typer.Option("mclp", help="mclp (maximal covering) or pmedian."),
    min_per_province: int = typer.Option(0, help="At least this many centres per province."),
    budget_mad: float = typer.Option(None, help="Budget for the new centres, MAD."),
    cost_mad: float = typer.Option(None, help="Cost of one new centre, MAD (default by type)."),
    new_capacity: float = typer.Option(None, help="Places per new centre (capacitated model)."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Solver time limit, s."),
    force: list[str] = _FORCE,
    exclude: list[str] = _EXCLUDE,
    name: str = typer.Option(None, help="Name of the scenario."),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if stored."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Propose where new centres help most (MCLP or p-median, solved exactly) and save it."""
    with db.connect(settings()) as conn:
        scenario = run_prioritise(
            conn,
            centre_type=centre_type,
            model=model,
            new=new,
            radius_km=radius_km,
            min_per_province=min_per_province,
            budget_mad=budget_mad,
            cost_mad=cost_mad,
            new_capacity=new_capacity,
            time_limit_s=time_limit,
            forced=force or (),
            excluded=exclude or (),
            fresh=fresh,
            name=name,
        )
    r = scenario.results
    if as_json:
        emit_json(
            {"run_id": scenario.run_id, "reused": scenario.reused, "params": scenario.params, **r}
        )
        return
    gap = "no proven bound" if r["gap"] is None else f"gap {r['gap']:.2%}"
    proof = "optimal" if r["optimal"] else f"{r['status']}, {gap}, from {r['solution_source']}"
    typer.echo(
        f"scenario {scenario.run_id}{' (stored)' if scenario.reused else ''}: {r['model']}, "
        f"{proof}; persons with disabilities within {scenario.params['radius_km']:g} km: "
        f"{_fmt(r['pwd_covered_before'])} → {_fmt(r['pwd_covered_after'])}"
    )
    typer.echo(f"{'rank':>4}  {'commune':<14} {'name':<28} {'gain':>14}")
    for s in r["sites"]:
        typer.echo(
            f"{s['rank']:>4}  {s['commune_code']:<14} {str(s['name_fr'])[:28]:<28} "
            f"{_fmt(s['gain']):>14}"
        )
    g = r["greedy"]
    typer.echo(
        f"greedy: objective {_fmt(g['objective'])}, short by {_fmt(g['shortfall_pct'], '.2f')} %"
    )


scenarios_app = typer.Typer(help="Saved prioritisation scenarios.", no_args_is_help=True)


@scenarios_app.command("list")
@friendly
def scenarios_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the saved prioritisation scenarios, newest first."""
    with db.connect(settings()) as conn:
        rows = list_scenarios(conn)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        p = row["params"]
        typer.echo(
            f"{row['id']:>5}  {row['created_at'][:19]}  {p.get('model')} {p.get('centre_type')} "
            f"new={p.get('new')} radius={p.get('radius_km')} km  {row['name'] or ''}"
        )


@scenarios_app.command("compare")
@friendly
def scenarios_compare(
    a: int = typer.Argument(..., help="First scenario id."),
    b: int = typer.Argument(..., help="Second scenario id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Compare two saved scenarios: requests, figures, sites and provinces."""
    with db.connect(settings()) as conn:
        diff = compare_scenarios(conn, a, b)
    if as_json:
        emit_json(diff)
        return
    for key, pair in diff["params_differ"].items():
        typer.echo(f"request {key}: {pair['a']} → {pair['b']}")
    for key, pair in diff["headline"].items():
        typer.echo(f"{key}: {_fmt(pair['a'])} → {_fmt(pair['b'])}")
    typer.echo(f"sites only in {a}: {', '.join(diff['sites_only_a']) or '—'}")
    typer.echo(f"sites only in {b}: {', '.join(diff['sites_only_b']) or '—'}")
    typer.echo(f"sites in both: {len(diff['sites_both'])}")


def register(app: typer.Typer) -> None:
    """Add ``prioritise`` and ``scenarios`` to the ``walouja`` command."""
    app.command("prioritise")(friendly(prioritise_command))
    app.add_typer(scenarios_app, name="scenarios")
