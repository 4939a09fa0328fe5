"""`walouja coverage` and `walouja access`: distance coverage and capacity-aware access.

Each command runs (or finds the stored run of) the request through
:mod:`walouja.services.coverage` and prints one row per commune, province, region or the
nation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from analysis.network import DEFAULT_CONNECTOR_SPEED_KMH, DEFAULT_MAX_SNAP_KM
from geo import db
from geo.inputs import check_centre_type
from geo.maps import demo_rows
from walouja.cli._common import (
    check_detour,
    check_positive,
    counted,
    echo_demo_note,
    emit_json,
    friendly,
    missing_capacity_option,
    settings,
)
from walouja.errors import AnalysisError, NotFoundError
from walouja.limits import MAX_DETOUR, MAX_DISTANCE_KM, MAX_MINUTES, MAX_SPEED_KMH, check_distance
from walouja.services.coverage import (
    RunOutcome,
    access_rows,
    check_level,
    coverage_rows,
    run_access,
    run_coverage,
)

# --------------------------------------------------------------------------- output


def a_centre_of(kind: str | None) -> str:
    """'a centre' of type ``kind`` as English says it (None: of any type).

    Examples
    --------
    >>> a_centre_of("COAPH"), a_centre_of("EPS"), a_centre_of("other"), a_centre_of(None)
    ('a COAPH centre', 'an EPS centre', 'a centre of type other', 'a centre of any type')
    """
    if not kind:
        return "a centre of any type"
    if kind == "other":
        return "a centre of type other"
    # EPS and EMF are read letter by letter ("ee-pee-ess"), COAPH, CAPE... as words
    return f"{'an' if kind in ('EPS', 'EMF') else 'a'} {kind} centre"


def _statuses(params: dict[str, Any]) -> str:
    """The centres' statuses for a heading when not only the operating ones are counted.

    Examples
    --------
    >>> _statuses({"statuses": ["operating"]}), _statuses({"statuses": ["planned"]})
    ('', ' planned')
    >>> _statuses({"statuses": ["operating", "under_construction"]})
    ' operating or under construction'
    """
    statuses = [str(s).replace("_", " ") for s in params.get("statuses") or ["operating"]]
    return "" if statuses == ["operating"] else " " + " or ".join(statuses)


def detour_note(params: dict[str, Any], *, inside: bool = False) -> str:
    """How distances were measured, for a heading, when not in straight-line km (a run with
    ``--detour-factor 1.3`` read as one without): in brackets, or ``inside`` brackets a
    heading already has.

    Examples
    --------
    >>> detour_note({"detour_factor": 1.3}), detour_note({"detour_factor": 1.0}), detour_note({})
    (' (straight-line km × 1.3)', '', '')
    >>> detour_note({"detour_factor": 1.3}, inside=True)
    '; straight-line km × 1.3'
    """
    factor = params.get("detour_factor")
    if factor in (None, 1, 1.0):
        return ""
    text = f"straight-line km × {float(factor):g}"
    return f"; {text}" if inside else f" ({text})"


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


def run_payload(analysis: str, outcome: RunOutcome) -> dict[str, Any]:
    """The keys every analysis's ``--json`` opens with: ``analysis`` (its name), the run
    (``run_id``, ``reused``, ``duration_s``) and its ``params``."""
    return {
        "analysis": analysis,
        "run_id": outcome.run_id,
        "reused": outcome.reused,
        "duration_s": outcome.duration_s,
        "params": outcome.params,
    }


def run_note(outcome: RunOutcome) -> str:
    """Which run answered: a stored one (reused) or a new one and its time."""
    if outcome.reused:
        return f"stored run {outcome.run_id} (inputs unchanged; --fresh to recompute)"
    return f"run {outcome.run_id}, computed in {outcome.duration_s or 0:.2f} s"


def centres_used(
    kind: str | None, statuses: Sequence[str] | None = ("operating",)
) -> dict[str, dict[str, Any]]:
    """The centres a result counts, as :func:`geo.maps.demo_rows` takes them: of type
    ``kind`` (``None``: every type) with ``statuses`` (``None`` or empty: operating)."""
    return {
        "centres": {"centre_type": [kind] if kind else None, "status": statuses or ["operating"]}
    }


_BY_HELP = "Level of the rows: commune, province, region or nation."
_STATUS_HELP = "Centre status to include (repeatable; default operating)."

# the options of every stored analysis run (coverage, access, equity, gaps)
Fresh = Annotated[bool, typer.Option("--fresh", help="Recompute even if a stored run matches.")]
RunName = Annotated[str | None, typer.Option("--name", help="Label of the stored run.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
# the first columns of a table of units: the unit and its persons with disabilities
_UNIT_COLUMNS = [("code", "code", "str"), ("name_fr", "name", "str"), ("pwd", "pwd", "int")]


def any_type(centre_type: str | None) -> str | None:
    """``None`` (centres of every type) for 'any' or 'all', else the known type named; an
    unknown one is refused offering 'any' too (the types' list left it out, though these
    commands take it)."""
    if centre_type is not None and centre_type.strip().lower() in ("any", "all"):
        return None
    try:
        return check_centre_type(centre_type)
    except NotFoundError as exc:
        raise NotFoundError(exc.message, hint=f"{exc.hint} or any (every type)") from None


def coverage_command(
    centre_type: str = typer.Option(
        None,
        "--centre-type",
        help="COAPH, CAS, CAPE, EMF, CJPA, EPS, other or 'any' (default: any).",
    ),
    threshold_km: float = typer.Option(
        None,
        "--threshold-km",
        help=f"Distance threshold in km, up to {MAX_DISTANCE_KM:,} (default 30).",
    ),
    threshold_min: float = typer.Option(
        None, "--threshold-min", help="Travel-time threshold in minutes (with --osm; default 30)."
    ),
    by: str = typer.Option("province", "--by", help=_BY_HELP),
    status: Annotated[list[str] | None, typer.Option("--status", help=_STATUS_HELP)] = None,
    detour_factor: float = typer.Option(
        1.0,
        "--detour-factor",
        help=f"Multiply straight-line km, 1 to {MAX_DETOUR} (e.g. 1.3 to estimate road km).",
    ),
    osm: Annotated[
        Path | None,
        typer.Option("--osm", help="OSM XML road network: use travel times instead of distances."),
    ] = None,
    connector_speed: float = typer.Option(
        None,
        "--connector-speed",
        help="km/h of the straight legs between points and the road network "
        f"(with --osm; default {DEFAULT_CONNECTOR_SPEED_KMH:g}).",
    ),
    max_snap_km: float = typer.Option(
        None,
        "--max-snap-km",
        help="Points farther than this from the road network are unreachable "
        f"(with --osm; default {DEFAULT_MAX_SNAP_KM:g}).",
    ),
    fresh: Fresh = False,
    name: RunName = None,
    as_json: AsJson = False,
) -> None:
    """Share of persons with disabilities living within a distance (or time) of a centre."""
    if osm is None and threshold_min is not None:
        raise AnalysisError("--threshold-min needs a road network (--osm FILE)")
    for given, option in ((connector_speed, "--connector-speed"), (max_snap_km, "--max-snap-km")):
        if osm is None and given is not None:
            # it was taken and ignored: the straight-line distances use no road network
            raise AnalysisError(
                f"{option} applies to travel times over a road network",
                hint="add the network with --osm FILE, or leave the option out",
            )
    if connector_speed is not None:
        check_positive(
            connector_speed,
            "--connector-speed",
            "km/h",
            f"{DEFAULT_CONNECTOR_SPEED_KMH:g}",
            most=MAX_SPEED_KMH,
            beyond=f"faster than Morocco's highest speed limit ({MAX_SPEED_KMH} km/h)",
        )
    if max_snap_km is not None:
        check_distance(max_snap_km, "--max-snap-km", f"{DEFAULT_MAX_SNAP_KM:g}")
    if osm is not None and threshold_km is not None:
        raise AnalysisError("with --osm the threshold is in minutes: use --threshold-min")
    threshold = threshold_min if osm is not None else threshold_km
    threshold = 30.0 if threshold is None else threshold
    if osm is None:
        check_distance(threshold, "--threshold-km", "30")
    else:
        check_positive(
            threshold,
            "--threshold-min",
            "minutes",
            "30",
            most=MAX_MINUTES,
            beyond="more than a day",
        )
    check_detour(detour_factor)
    by = by.strip().lower()  # as the centre types, methods and formats are read
    check_level(by)
    kind = any_type(centre_type)
    with db.connect(settings()) as conn:
        outcome = run_coverage(
            conn,
            centre_type=kind,
            threshold=threshold,
            statuses=status or ("operating",),
            detour_factor=detour_factor,
            osm_file=osm,
            connector_speed_kmh=(
                DEFAULT_CONNECTOR_SPEED_KMH if connector_speed is None else connector_speed
            ),
            max_snap_km=DEFAULT_MAX_SNAP_KM if max_snap_km is None else max_snap_km,
            fresh=fresh,
            name=name,
        )
        rows = coverage_rows(conn, outcome, by)
        demo = demo_rows(conn, centres_used(kind, status))
    unit = outcome.params["unit"]
    if as_json:
        emit_json(
            {
                **run_payload("coverage", outcome),
                "by": by,
                "n_centres": outcome.results["n_centres"],
                "rows": rows,
                "demo_rows": demo,
            }
        )
        return
    kind = outcome.params["centre_type"]
    what = a_centre_of(kind)
    typer.echo(
        f"Persons with disabilities within {threshold:g} {unit}"
        f"{detour_note(outcome.params) if unit == 'km' else ''} of {what} "
        f"({counted(outcome.results['n_centres'], 'centre')}{_statuses(outcome.params)}), "
        f"by {by} — {run_note(outcome)}"
    )
    mean = (
        ("mean_distance_km", "mean km", "f1")
        if unit == "km"
        else ("mean_time_min", "mean min", "f1")
    )
    columns = [
        *_UNIT_COLUMNS,
        ("pwd_covered", "covered", "int"),
        ("share_covered", "share", "pct"),
        ("pwd_unserved", "unserved", "int"),
        mean,
    ]
    if by == "commune":
        # in minutes, the centre the time is to (the straight-line nearest may be another)
        columns.append(
            ("nearest_centre", "nearest centre", "str")
            if unit == "km"
            else ("fastest_centre", "fastest centre", "str")
        )
    if unit == "min":
        columns.append(("pwd_unreachable", "off network", "int"))
    typer.echo(render_table(rows, columns))
    echo_demo_note(demo)


def access_command(
    method: str = typer.Option("2sfca", "--method", help="2sfca or e2sfca."),
    catchment_km: float = typer.Option(
        60.0, "--catchment-km", help=f"Catchment distance in km, up to {MAX_DISTANCE_KM:,}."
    ),
    centre_type: str = typer.Option(
        None,
        "--centre-type",
        help="Only centres of this type, or 'any' (default: any type).",
    ),
    by: str = typer.Option("province", "--by", help=_BY_HELP),
    status: Annotated[list[str] | None, typer.Option("--status", help=_STATUS_HELP)] = None,
    missing_capacity: str = typer.Option(
        "median",
        "--missing-capacity",
        help="Centres without capacity: median (of the others), error, or a number of places.",
    ),
    detour_factor: float = typer.Option(
        1.0,
        "--detour-factor",
        help=f"Multiply straight-line km, 1 to {MAX_DETOUR} (e.g. 1.3 to estimate road km).",
    ),
    fresh: Fresh = False,
    name: RunName = None,
    as_json: AsJson = False,
) -> None:
    """Capacity-aware access (2SFCA / E2SFCA): places per 10,000 persons with disabilities in
    reach."""
    check_distance(catchment_km, "--catchment-km", "60")
    check_detour(detour_factor)
    by = by.strip().lower()  # as the centre types, methods and formats are read
    check_level(by)
    kind = any_type(centre_type)
    strategy = missing_capacity_option(missing_capacity)
    with db.connect(settings()) as conn:
        outcome = run_access(
            conn,
            method=method.lower(),
            catchment_km=catchment_km,
            centre_type=kind,
            statuses=status or ("operating",),
            missing_capacity=strategy,
            detour_factor=detour_factor,
            fresh=fresh,
            name=name,
        )
        rows = access_rows(conn, outcome, by)
        demo = demo_rows(conn, centres_used(kind, status))
    if as_json:
        emit_json(
            {
                **run_payload("access", outcome),
                "by": by,
                "n_centres": outcome.results["n_centres"],
                "capacity_total": outcome.results["capacity_total"],
                "capacity_filled": outcome.results["capacity_filled"],
                "rows": rows,
                "demo_rows": demo,
            }
        )
        return
    res = outcome.results
    kind = outcome.params["centre_type"] or "all"
    filled = (
        f"; {res['capacity_filled']:,} without capacity filled "
        f"({outcome.params['missing_capacity']})"
        if res["capacity_filled"]
        else ""
    )
    typer.echo(
        f"{outcome.params['method'].upper()} access within {catchment_km:g} km"
        f"{detour_note(outcome.params)} to {kind} centres "
        f"({counted(res['n_centres'], 'centre')}{_statuses(outcome.params)}, "
        f"{res['capacity_total']:,.0f} places{filled}), "
        f"by {by} — "
        f"{run_note(outcome)}"
    )
    columns = [
        *_UNIT_COLUMNS,
        ("access_per_10k", "places/10k pwd", "f1"),
        ("pwd_no_access", "pwd no access", "int"),
        ("share_no_access", "share", "pct"),
    ]
    if by == "commune":
        columns.append(("nearest_km", "nearest km", "f1"))
    typer.echo(render_table(rows, columns))
    echo_demo_note(demo)


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
