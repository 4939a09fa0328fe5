"""`walouja coverage` and `walouja access`: distance coverage and capacity-aware access.

Each command reads the communes' demand points and the centres, computes (or finds the
stored run of the same request on unchanged data), stores the run in ``analysis_runs`` and
prints one row per commune, province, region or the nation. ``run_coverage`` and
``run_access`` are the same steps for the app.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from sqlalchemy.engine import Connection

from analysis.access import METHODS, check_steps, e2sfca_steps, fill_capacity, floating_catchment
from analysis.coverage import DEFAULT_THRESHOLDS, LEVELS, check_thresholds, coverage
from analysis.distance import nearest
from analysis.network import DEFAULT_CONNECTOR_SPEED_KMH, DEFAULT_MAX_SNAP_KM
from geo import db, runs
from geo.inputs import check_centre_type, load_centres, load_demand, load_unit_names
from walouja.cli._common import emit_json, friendly, settings
from walouja.errors import AnalysisError, NotFoundError

INPUT_TABLES = ("communes", "centres")

_COMMUNE_KEYS = ("code", "name_fr", "province_code", "region_code", "pwd", "lon", "lat")


@dataclass(frozen=True)
class RunOutcome:
    """A computed or stored run.

    Attributes
    ----------
    run_id
        Id in ``analysis_runs``.
    reused
        True when the stored run of the same request on unchanged inputs was returned.
    params
        The request.
    results
        ``{"communes": [...], ...}`` as stored.
    duration_s
        Time the computation took (when it was computed).
    """

    run_id: int
    reused: bool
    params: dict[str, Any]
    results: dict[str, Any]
    duration_s: float | None


def _file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_or_computed(
    conn: Connection,
    kind: str,
    params: dict[str, Any],
    compute: Callable[[], dict[str, Any]],
    *,
    fresh: bool,
    name: str | None,
) -> RunOutcome:
    fingerprint = runs.input_fingerprint(conn, INPUT_TABLES)
    if not fresh:
        found = runs.find_run(conn, kind, params, fingerprint)
        if found is not None:
            return RunOutcome(found.id, True, found.params, found.results, found.duration_s)
    start = time.perf_counter()
    results = compute()
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
    return RunOutcome(run_id, False, params, runs.to_jsonable(results), duration)


def _commune_records(demand: pd.DataFrame, **columns: Any) -> list[dict[str, Any]]:
    frame = demand.loc[:, list(_COMMUNE_KEYS)].copy()
    for key, values in columns.items():
        frame[key] = values
    return [runs.to_jsonable(r) for r in frame.to_dict("records")]


def run_coverage(
    conn: Connection,
    *,
    centre_type: str | None,
    threshold: float,
    statuses: Sequence[str] = ("operating",),
    detour_factor: float = 1.0,
    osm_file: Path | None = None,
    connector_speed_kmh: float | None = DEFAULT_CONNECTOR_SPEED_KMH,
    max_snap_km: float | None = DEFAULT_MAX_SNAP_KM,
    fresh: bool = False,
    name: str | None = None,
) -> RunOutcome:
    """Nearest-centre distance (or travel time) of every commune, stored as a run.

    With ``osm_file`` the distance is the road travel time in minutes (see
    :mod:`analysis.network`); ``nearest_km`` and ``nearest_centre`` stay straight-line.
    """
    kind = check_centre_type(centre_type)
    check_thresholds([threshold])
    params: dict[str, Any] = {
        "centre_type": kind,
        "statuses": sorted(statuses),
        "threshold": float(threshold),
        "unit": "km" if osm_file is None else "min",
        "detour_factor": float(detour_factor),
    }
    if osm_file is not None:
        if not osm_file.is_file():
            raise NotFoundError(f"road network file {osm_file} does not exist")
        params["network"] = {
            "file": osm_file.name,
            "md5": _file_md5(osm_file),
            "connector_speed_kmh": connector_speed_kmh,
            "max_snap_km": max_snap_km,
        }

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        centres = load_centres(conn, centre_type=kind, statuses=statuses)
        found = nearest(
            demand["lon"],
            demand["lat"],
            centres["lon"],
            centres["lat"],
            detour_factor=detour_factor,
        )
        nearest_id = centres["id"].to_numpy()[found.index]
        nearest_name = centres["name"].to_numpy()[found.index]
        extra: dict[str, Any] = {}
        distance = found.km
        if osm_file is not None:
            from analysis.network import prepare_graph, travel_times
            from geo.inputs import read_road_graph

            graph = prepare_graph(read_road_graph(osm_file))
            times = travel_times(
                graph,
                demand["lon"],
                demand["lat"],
                centres["lon"],
                centres["lat"],
                connector_speed_kmh=connector_speed_kmh,
                max_snap_km=max_snap_km,
            )
            distance = times.minutes
            extra["nearest_min"] = times.minutes
        cov = coverage(
            demand,
            distance,
            thresholds=sorted({*DEFAULT_THRESHOLDS, float(threshold)}),
            unit=params["unit"],
        )
        index = cov.thresholds.index(float(threshold))
        nation = cov.summary("nation")
        return {
            "n_centres": len(centres),
            "communes": _commune_records(
                demand,
                nearest_km=found.km,
                nearest_centre_id=nearest_id,
                nearest_centre=nearest_name,
                covered=cov.units[f"covered_{index}"].to_numpy(),
                **extra,
            ),
            "nation_by_threshold": [
                runs.to_jsonable(r)
                for r in nation[["threshold", "pwd", "pwd_covered", "share_covered"]].to_dict(
                    "records"
                )
            ],
        }

    return _stored_or_computed(conn, "coverage", params, compute, fresh=fresh, name=name)


def coverage_rows(conn: Connection, outcome: RunOutcome, by: str) -> list[dict[str, Any]]:
    """Rows of a coverage run at level ``by``: code, name_fr, pwd, pwd_covered, share..."""
    _check_level(by)
    communes = pd.DataFrame(outcome.results["communes"])
    unit = outcome.params["unit"]
    dist_col = "nearest_km" if unit == "km" else "nearest_min"
    distance = communes[dist_col].astype("float64").fillna(np.inf).to_numpy()
    cov = coverage(communes, distance, thresholds=[outcome.params["threshold"]], unit=unit)
    table = cov.summary(by)
    names = load_unit_names(conn, by).set_index("code")["name_fr"]
    mean_key = "mean_distance_km" if unit == "km" else "mean_time_min"
    rows: list[dict[str, Any]] = []
    by_code = communes.set_index("code") if by == "commune" else None
    for rec in table.to_dict("records"):
        code = str(rec["code"])
        row: dict[str, Any] = {
            "code": code,
            "name_fr": names.get(code),
            "pwd": rec["pwd"],
            "pwd_covered": rec["pwd_covered"],
            "share_covered": rec["share_covered"],
            "pwd_unserved": rec["pwd_unserved"],
            mean_key: rec["mean_distance"],
        }
        if unit == "min":
            row["pwd_unreachable"] = rec["pwd_unreachable"]
        if by_code is not None:
            one = by_code.loc[code]
            row.update(
                lon=one["lon"],
                lat=one["lat"],
                nearest_km=one["nearest_km"],
                nearest_centre=one["nearest_centre"],
            )
            if unit == "min":
                row["nearest_min"] = one["nearest_min"]
        else:
            row["n_communes"] = rec["n_units"]
        rows.append(runs.to_jsonable(row))
    return rows


def run_access(
    conn: Connection,
    *,
    method: str,
    catchment_km: float,
    centre_type: str | None = None,
    statuses: Sequence[str] = ("operating",),
    steps: Sequence[tuple[float, float]] | None = None,
    missing_capacity: str | float = "median",
    detour_factor: float = 1.0,
    fresh: bool = False,
    name: str | None = None,
) -> RunOutcome:
    """2SFCA / E2SFCA score of every commune, stored as a run."""
    if method not in METHODS:
        raise AnalysisError(
            f"unknown access method {method!r}", hint=f"choose one of {', '.join(METHODS)}"
        )
    kind = check_centre_type(centre_type)
    if not (np.isfinite(catchment_km) and catchment_km > 0):
        raise AnalysisError(f"catchment {catchment_km} km is not a positive number")
    use_steps = None
    if method == "e2sfca":
        use_steps = e2sfca_steps(catchment_km) if steps is None else check_steps(steps)
    params: dict[str, Any] = {
        "method": method,
        "catchment_km": float(catchment_km),
        "steps": None if use_steps is None else [list(s) for s in use_steps],
        "centre_type": kind,
        "statuses": sorted(statuses),
        "missing_capacity": missing_capacity,
        "detour_factor": float(detour_factor),
    }

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        centres = load_centres(conn, centre_type=kind, statuses=statuses)
        unknown = centres[centres["capacity"].isna()]
        if missing_capacity == "error" and not unknown.empty:
            first = unknown.iloc[0]
            raise AnalysisError(
                f"centre {first['name']!r} (id {first['id']}) has no capacity "
                f"({len(unknown)} of {len(centres)} centres have none)",
                hint="fill them with --missing-capacity median, or a number such as 1",
            )
        capacity, filled = fill_capacity(centres["capacity"], strategy=missing_capacity)
        result = floating_catchment(
            demand["lon"],
            demand["lat"],
            demand["pwd"],
            centres["lon"],
            centres["lat"],
            capacity,
            method=method,
            catchment_km=catchment_km,
            steps=use_steps,
            detour_factor=detour_factor,
        )
        found = nearest(
            demand["lon"],
            demand["lat"],
            centres["lon"],
            centres["lat"],
            detour_factor=detour_factor,
        )
        return {
            "n_centres": len(centres),
            "capacity_total": float(capacity.sum()),
            "capacity_filled": filled,
            "n_pairs": result.n_pairs,
            "communes": _commune_records(
                demand,
                access=result.score,
                centres_in_reach=result.centres_in_reach,
                nearest_km=found.km,
            ),
        }

    return _stored_or_computed(conn, "access", params, compute, fresh=fresh, name=name)


def access_rows(conn: Connection, outcome: RunOutcome, by: str) -> list[dict[str, Any]]:
    """Rows of an access run at level ``by``: code, name_fr, pwd, access, access_per_10k..."""
    _check_level(by)
    communes = pd.DataFrame(outcome.results["communes"])
    if by == "nation":
        keys = pd.Series("MA", index=communes.index)
    elif by == "commune":
        keys = communes["code"]
    else:
        keys = communes[f"{by}_code"]
    pwd = communes["pwd"].astype("float64")
    score = communes["access"].astype("float64")
    frame = pd.DataFrame(
        {
            "code": keys,
            "pwd": pwd,
            "pwd_x_access": pwd * score,
            "pwd_no_access": pwd.where(score <= 0, 0.0),
            "n_communes": 1,
        }
    )
    grouped = frame.groupby("code", sort=True).sum()
    names = load_unit_names(conn, by).set_index("code")["name_fr"]
    by_code = communes.set_index("code") if by == "commune" else None
    rows: list[dict[str, Any]] = []
    for code, rec in grouped.iterrows():
        total = float(rec["pwd"])
        mean = float(rec["pwd_x_access"]) / total if total > 0 else float("nan")
        row: dict[str, Any] = {
            "code": str(code),
            "name_fr": names.get(code),
            "pwd": total,
            "access": mean,
            "access_per_10k": mean * 10_000,
            "pwd_no_access": float(rec["pwd_no_access"]),
            "share_no_access": float(rec["pwd_no_access"]) / total if total > 0 else None,
        }
        if by_code is not None:
            one = by_code.loc[str(code)]
            row.update(
                lon=one["lon"],
                lat=one["lat"],
                nearest_km=one["nearest_km"],
                centres_in_reach=one["centres_in_reach"],
            )
        else:
            row["n_communes"] = int(rec["n_communes"])
        rows.append(runs.to_jsonable(row))
    return rows


def _check_level(by: str) -> None:
    if by not in LEVELS:
        raise NotFoundError(f"unknown level {by!r}", hint=f"choose one of {', '.join(LEVELS)}")


# --------------------------------------------------------------------------- output


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "f1":
        return f"{value:,.1f}"
    if kind == "f2":
        return f"{value:,.2f}"
    return str(value)


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, str]]) -> str:
    """A plain-text table; ``columns`` are ``(key, header, kind)`` with kind str/int/pct/f1/f2."""
    cells = [[_fmt(r.get(key), kind) for key, _, kind in columns] for r in rows]
    headers = [h for _, h, _ in columns]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(headers)]
    right = [kind != "str" for _, _, kind in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right, strict=True)
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(c) for c in cells)
    return "\n".join(out)


def _run_note(outcome: RunOutcome) -> str:
    if outcome.reused:
        return f"stored run {outcome.run_id} (inputs unchanged; --fresh to recompute)"
    return f"run {outcome.run_id}, computed in {outcome.duration_s or 0:.2f} s"


_BY_HELP = "Level of the rows: commune, province, region or nation."
_STATUS_HELP = "Centre status to include (repeatable; default operating)."


def coverage_command(
    centre_type: str = typer.Option(
        None, "--centre-type", help="COAPH, CAS, CAPE, EMF, CJPA, EPS or other (default: any)."
    ),
    threshold_km: float = typer.Option(
        None, "--threshold-km", help="Distance threshold in km (default 30)."
    ),
    threshold_min: float = typer.Option(
        None, "--threshold-min", help="Travel-time threshold in minutes (with --osm; default 30)."
    ),
    by: str = typer.Option("province", "--by", help=_BY_HELP),
    status: Annotated[list[str] | None, typer.Option("--status", help=_STATUS_HELP)] = None,
    detour_factor: float = typer.Option(
        1.0, "--detour-factor", help="Multiply straight-line km (e.g. 1.3 to estimate road km)."
    ),
    osm: Annotated[
        Path | None,
        typer.Option("--osm", help="OSM XML road network: use travel times instead of distances."),
    ] = None,
    connector_speed: float = typer.Option(
        DEFAULT_CONNECTOR_SPEED_KMH,
        "--connector-speed",
        help="km/h of the straight legs between points and the road network (with --osm).",
    ),
    max_snap_km: float = typer.Option(
        DEFAULT_MAX_SNAP_KM,
        "--max-snap-km",
        help="Points farther than this from the road network are unreachable (with --osm).",
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if a stored run matches."),
    name: str = typer.Option(None, "--name", help="Label of the stored run."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Share of persons with disabilities living within a distance (or time) of a centre."""
    if osm is None and threshold_min is not None:
        raise AnalysisError("--threshold-min needs a road network (--osm FILE)")
    if osm is not None and threshold_km is not None:
        raise AnalysisError("with --osm the threshold is in minutes: use --threshold-min")
    threshold = threshold_min if osm is not None else threshold_km
    threshold = 30.0 if threshold is None else threshold
    _check_level(by)
    check_centre_type(centre_type)
    with db.connect(settings()) as conn:
        outcome = run_coverage(
            conn,
            centre_type=centre_type,
            threshold=threshold,
            statuses=status or ("operating",),
            detour_factor=detour_factor,
            osm_file=osm,
            connector_speed_kmh=connector_speed,
            max_snap_km=max_snap_km,
            fresh=fresh,
            name=name,
        )
        rows = coverage_rows(conn, outcome, by)
    unit = outcome.params["unit"]
    if as_json:
        emit_json(
            {
                "analysis": "coverage",
                "run_id": outcome.run_id,
                "reused": outcome.reused,
                "duration_s": outcome.duration_s,
                "params": outcome.params,
                "by": by,
                "n_centres": outcome.results["n_centres"],
                "rows": rows,
            }
        )
        return
    kind = outcome.params["centre_type"]
    what = f"a {kind} centre" if kind else "a centre of any type"
    typer.echo(
        f"Persons with disabilities within {threshold:g} {unit} of {what} "
        f"({outcome.results['n_centres']} centres), by {by} — {_run_note(outcome)}"
    )
    mean = (
        ("mean_distance_km", "mean km", "f1")
        if unit == "km"
        else ("mean_time_min", "mean min", "f1")
    )
    columns = [
        ("code", "code", "str"),
        ("name_fr", "name", "str"),
        ("pwd", "pwd", "int"),
        ("pwd_covered", "covered", "int"),
        ("share_covered", "share", "pct"),
        ("pwd_unserved", "unserved", "int"),
        mean,
    ]
    if by == "commune" and unit == "km":
        columns.append(("nearest_centre", "nearest centre", "str"))
    if unit == "min":
        columns.append(("pwd_unreachable", "off network", "int"))
    typer.echo(render_table(rows, columns))


def access_command(
    method: str = typer.Option("2sfca", "--method", help="2sfca or e2sfca."),
    catchment_km: float = typer.Option(60.0, "--catchment-km", help="Catchment distance in km."),
    centre_type: str = typer.Option(
        None, "--centre-type", help="Only centres of this type (default: all types)."
    ),
    by: str = typer.Option("province", "--by", help=_BY_HELP),
    status: Annotated[list[str] | None, typer.Option("--status", help=_STATUS_HELP)] = None,
    missing_capacity: str = typer.Option(
        "median",
        "--missing-capacity",
        help="Centres without capacity: median (of the others), error, or a number of places.",
    ),
    detour_factor: float = typer.Option(
        1.0, "--detour-factor", help="Multiply straight-line km (e.g. 1.3 to estimate road km)."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if a stored run matches."),
    name: str = typer.Option(None, "--name", help="Label of the stored run."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Capacity-aware access (2SFCA / E2SFCA): places per person with disabilities in reach."""
    _check_level(by)
    check_centre_type(centre_type)
    strategy: str | float = missing_capacity
    if missing_capacity not in ("median", "error"):
        try:
            strategy = float(missing_capacity)
        except ValueError:
            raise AnalysisError(
                f"--missing-capacity {missing_capacity!r} is not median, error or a number"
            ) from None
    with db.connect(settings()) as conn:
        outcome = run_access(
            conn,
            method=method.lower(),
            catchment_km=catchment_km,
            centre_type=centre_type,
            statuses=status or ("operating",),
            missing_capacity=strategy,
            detour_factor=detour_factor,
            fresh=fresh,
            name=name,
        )
        rows = access_rows(conn, outcome, by)
    if as_json:
        emit_json(
            {
                "analysis": "access",
                "run_id": outcome.run_id,
                "reused": outcome.reused,
                "duration_s": outcome.duration_s,
                "params": outcome.params,
                "by": by,
                "n_centres": outcome.results["n_centres"],
                "capacity_total": outcome.results["capacity_total"],
                "capacity_filled": outcome.results["capacity_filled"],
                "rows": rows,
            }
        )
        return
    res = outcome.results
    kind = outcome.params["centre_type"] or "all"
    filled = (
        f"; {res['capacity_filled']} without capacity filled ({outcome.params['missing_capacity']})"
        if res["capacity_filled"]
        else ""
    )
    typer.echo(
        f"{outcome.params['method'].upper()} access within {catchment_km:g} km to {kind} centres "
        f"({res['n_centres']} centres, {res['capacity_total']:,.0f} places{filled}), by {by} — "
        f"{_run_note(outcome)}"
    )
    columns = [
        ("code", "code", "str"),
        ("name_fr", "name", "str"),
        ("pwd", "pwd", "int"),
        ("access_per_10k", "places/10k pwd", "f1"),
        ("pwd_no_access", "pwd no access", "int"),
        ("share_no_access", "share", "pct"),
    ]
    if by == "commune":
        columns.append(("nearest_km", "nearest km", "f1"))
    typer.echo(render_table(rows, columns))


def register(app: typer.Typer) -> None:
    """Add ``coverage`` and ``access`` (and ``equity`` when its module exists) to ``app``."""
    app.command("coverage")(friendly(coverage_command))
    app.command("access")(friendly(access_command))
    try:
        from walouja.cli.equity import register_equity
    except ModuleNotFoundError as exc:
        if exc.name != "walouja.cli.equity":
            raise
    else:
        register_equity(app)
