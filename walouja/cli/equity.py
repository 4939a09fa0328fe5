"""`walouja equity` and `walouja gaps`: territorial inequality of service, and policy gaps.

Both compute (or find the stored run of the same request on unchanged data), store the run in
``analysis_runs`` and print it. ``run_equity`` and ``run_gaps`` are the same steps for the
app: the stored ``results`` hold everything needed to draw the Lorenz curve, ranked bars and
choropleths (indices, Lorenz points, one row per unit, rankings, every commune's value).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import typer
from sqlalchemy.engine import Connection

from analysis.equity import (
    INDICATORS,
    check_level,
    commune_indicators,
    equity_report,
    get_indicator,
)
from analysis.gaps import STAGES, gaps_report
from geo import db, runs
from geo.gaps import GAP_TABLES, load_gap_inputs
from geo.inputs import check_centre_type, load_centres, load_demand, load_unit_names
from walouja.cli._common import emit_json, friendly, settings
from walouja.errors import AnalysisError

EQUITY_TABLES: tuple[str, ...] = ("communes", "centres", "provinces", "regions")
"""Tables an equity run depends on (for its fingerprint)."""


@dataclass(frozen=True)
class StoredResult:
    """A computed or stored run: its id, whether it was reused, its request and results."""

    run_id: int
    reused: bool
    params: dict[str, Any]
    results: dict[str, Any]
    duration_s: float | None


def _stored_or_computed(
    conn: Connection,
    *,
    kind: str,
    tables: Sequence[str],
    params: dict[str, Any],
    compute: Callable[[], dict[str, Any]],
    fresh: bool,
    name: str | None,
) -> StoredResult:
    fingerprint = runs.input_fingerprint(conn, tables)
    if not fresh:
        found = runs.find_run(conn, kind, params, fingerprint)
        if found is not None:
            return StoredResult(found.id, True, found.params, found.results, found.duration_s)
    start = time.perf_counter()
    results = runs.to_jsonable(compute())
    duration = time.perf_counter() - start
    run_id = runs.save_run(
        conn,
        kind=kind,
        params=params,
        fingerprint=fingerprint,
        results=results,
        duration_s=duration,
        name=name,
    )
    return StoredResult(run_id, False, params, results, duration)


def _positive(value: float, what: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise AnalysisError(f"{what} {value} is not a positive number of km")
    return float(value)


def _strategy(missing_capacity: str | float) -> str | float:
    if isinstance(missing_capacity, int | float) or missing_capacity in ("median", "error"):
        return missing_capacity
    try:
        return float(missing_capacity)
    except ValueError:
        raise AnalysisError(
            f"--missing-capacity {missing_capacity!r} is not median, error or a number"
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
) -> StoredResult:
    """The equity report of ``indicator`` (operating centres of ``centre_type``), stored."""
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
        got = commune_indicators(
            demand,
            centres,
            threshold_km=params["threshold_km"],
            catchment_km=params["catchment_km"],
            method=method,
            detour_factor=params["detour_factor"],
            missing_capacity=params["missing_capacity"],
        )
        report = equity_report(
            got.communes,
            indicator=ind.name,
            by=level,
            threshold_km=params["threshold_km"],
            units=load_unit_names(conn, level),
            capacity_filled=got.capacity_filled,
        )
        return report.as_dict() | {"n_centres": len(centres)}

    return _stored_or_computed(
        conn,
        kind="equity",
        tables=EQUITY_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )


def run_gaps(
    conn: Connection,
    *,
    centre_type: str = "COAPH",
    places_types: Sequence[str] | None = None,
    fresh: bool = False,
    name: str | None = None,
) -> StoredResult:
    """The action plan's policy gaps, stored."""
    kind = check_centre_type(centre_type) or "COAPH"
    types = sorted({str(check_centre_type(t)) for t in places_types}) if places_types else None
    params: dict[str, Any] = {"centre_type": kind, "places_types": types}

    def compute() -> dict[str, Any]:
        got = load_gap_inputs(conn)
        report = gaps_report(
            got.provinces,
            got.regions,
            got.centres,
            got.cities,
            centre_type=kind,
            places_centre_types=types,
        )
        return report.as_dict()

    return _stored_or_computed(
        conn,
        kind="gaps",
        tables=GAP_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
    )


# --------------------------------------------------------------------------- output


def _num(value: Any, digits: int = 3, *, inf: bool = False) -> str:
    if value is None:
        return "∞" if inf else "—"
    if not isinstance(value, float):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if 0 < abs(value) < 0.1:
        return f"{value:.3g}"  # access scores are small: keep three significant digits
    return f"{value:.{digits}f}"


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    cells = [
        [_num(r.get(k), 2) if k != "name_fr" else str(r.get(k)) for k, _ in columns] for r in rows
    ]
    heads = [h for _, h in columns]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i < 2 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *(line(c) for c in cells)])


def _note(out: StoredResult) -> str:
    if out.reused:
        return f"stored run {out.run_id} (inputs unchanged; --fresh to recompute)"
    return f"run {out.run_id}, computed in {out.duration_s or 0:.2f} s"


def _print_equity(out: StoredResult) -> None:
    res = out.results
    ind = res["indicator"]
    idx = res["indices"]
    theil = idx["theil"]
    kind = out.params["centre_type"] or "any type of"
    better = "higher is better" if ind["higher_is_better"] else "lower is better"
    typer.echo(
        f"{ind['label']} ({ind['unit']}, {better}) — {kind} centres, by {res['by']} — {_note(out)}"
    )
    typer.echo(
        f"mean {_num(idx['mean'])}  gini {_num(idx['gini'])}  theil {_num(theil['total'])} "
        f"(between regions {_num(theil['between'])}, within {_num(theil['within'])}: "
        f"between provinces {_num(theil.get('within_between_sub'))}, "
        f"within provinces {_num(theil.get('within_sub'))})"
    )
    gap = res["urban_rural"]
    typer.echo(
        # null in JSON means infinite: the bottom 40 % (or the smallest commune) hold 0
        f"palma {_num(idx['palma'], inf=True)}  cv {_num(idx['cv'])}  "
        f"max/min {_num(idx['max_min'], inf=True)}  "
        f"urban {_num(gap['urban_mean'])} / rural {_num(gap['rural_mean'])} "
        f"(worse off: {gap['disadvantaged']})"
    )
    rows = sorted(res["units"], key=lambda r: r["rank_value"])
    typer.echo(
        _table(
            rows,
            [
                ("code", "code"),
                ("name_fr", "name"),
                ("pwd", "pwd"),
                ("value", ind["name"]),
                ("rank_value", "rank"),
                ("pwd_beyond", f"pwd >{res['threshold_km']:g} km"),
                ("unmet_need_pkm", "unmet person-km"),
                ("places_per_10k", "places/10k"),
            ],
        )
    )


def _print_gaps(out: StoredResult) -> None:
    res = out.results
    prov = res["provinces_without_centre"]
    typer.echo(
        f"{prov['provinces_without']} of {prov['provinces_total']} provinces and prefectures "
        f"have no operating {prov['centre_type']} ({prov['pwd_in_them']:,.0f} persons with "
        f"disabilities) — {_note(out)}"
    )
    for r in prov["rows"]:
        pipeline = [
            f"{r[s]} {s.replace('_', ' ')}" for s in ("under_construction", "planned") if r[s]
        ]
        extra = f" ({', '.join(pipeline)})" if pipeline else ""
        typer.echo(f"  {r['code']}  {r['name_fr']}  {r['pwd']:,.0f} pwd{extra}")
    places = res["places_per_pwd"]
    typer.echo(
        f"national rate: {places['national_places_per_10k']:.2f} places per 10,000 pwd; "
        f"{places['regions_below']} regions below it"
        + (
            f" ({places['unknown_capacity']} centres of unknown capacity count 0)"
            if places["unknown_capacity"]
            else ""
        )
    )
    typer.echo(
        _table(
            places["rows"],
            [
                ("code", "code"),
                ("name_fr", "name"),
                ("places", "places"),
                ("places_per_10k", "places/10k"),
                ("places_to_national", "places to national"),
            ],
        )
    )
    cities = res["accessible_cities"]
    typer.echo(f"Accessible Cities: {cities['national']['communes']} communes")
    typer.echo(
        _table(
            cities["rows"],
            [("code", "code"), ("name_fr", "name"), *((s, s) for s in STAGES)],
        )
    )


_INDICATOR_HELP = f"Per-commune indicator: {', '.join(INDICATORS)}."


def equity_command(
    indicator: str = typer.Option(..., "--indicator", help=_INDICATOR_HELP),
    by: str = typer.Option("region", "--by", help="Level of the table and rankings."),
    centre_type: str = typer.Option(
        "COAPH", "--centre-type", help="COAPH, CAS, CAPE, EMF, CJPA, EPS, other or 'any'."
    ),
    threshold_km: float = typer.Option(
        30.0, "--threshold-km", help="Coverage threshold; beyond it need is unmet."
    ),
    catchment_km: float = typer.Option(60.0, "--catchment-km", help="2SFCA catchment (km)."),
    method: str = typer.Option("2sfca", "--method", help="Access method: 2sfca or e2sfca."),
    detour_factor: float = typer.Option(
        1.0, "--detour-factor", help="Multiply straight-line km (e.g. 1.3 for road km)."
    ),
    missing_capacity: str = typer.Option(
        "median", "--missing-capacity", help="Unknown capacities: median, error or a number."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if a stored run matches."),
    name: str = typer.Option(None, "--name", help="Label of the stored run."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How unequally an indicator is spread over persons with disabilities (Gini, Theil...)."""
    get_indicator(indicator)
    check_level(by)
    kind = None if centre_type.lower() in ("any", "all") else centre_type
    check_centre_type(kind)
    with db.connect(settings()) as conn:
        out = run_equity(
            conn,
            indicator=indicator,
            by=by,
            centre_type=kind,
            threshold_km=threshold_km,
            catchment_km=catchment_km,
            method=method.lower(),
            detour_factor=detour_factor,
            missing_capacity=missing_capacity,
            fresh=fresh,
            name=name,
        )
    if as_json:
        emit_json(
            {
                "analysis": "equity",
                "run_id": out.run_id,
                "reused": out.reused,
                "duration_s": out.duration_s,
                "params": out.params,
                **out.results,
            }
        )
        return
    _print_equity(out)


_PLACES_TYPE = typer.Option(
    None, "--places-type", help="Count places of these types only (repeatable; default all)."
)


def gaps_command(
    centre_type: str = typer.Option(
        "COAPH", "--centre-type", help="The type each province should have (default COAPH)."
    ),
    places_type: list[str] = _PLACES_TYPE,
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if a stored run matches."),
    name: str = typer.Option(None, "--name", help="Label of the stored run."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Policy gaps: provinces without a COAPH, regions short of places, Accessible Cities."""
    check_centre_type(centre_type)
    for kind in places_type or ():
        check_centre_type(kind)
    with db.connect(settings()) as conn:
        out = run_gaps(
            conn, centre_type=centre_type, places_types=places_type, fresh=fresh, name=name
        )
    if as_json:
        emit_json(
            {
                "analysis": "gaps",
                "run_id": out.run_id,
                "reused": out.reused,
                "duration_s": out.duration_s,
                "params": out.params,
                **out.results,
            }
        )
        return
    _print_gaps(out)


def register_equity(app: typer.Typer) -> None:
    """Add ``equity`` and ``gaps`` to ``app`` (called by ``walouja.cli.analysis.register``)."""
    app.command("equity")(friendly(equity_command))
    app.command("gaps")(friendly(gaps_command))
