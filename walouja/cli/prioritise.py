"""`walouja prioritise` and `walouja scenarios`: where new centres help most, saved as scenarios.

The commands solve, list and compare through :mod:`walouja.services.prioritise` (the same
functions the app calls) and print the answer.
"""

from __future__ import annotations

import math
from datetime import UTC
from pathlib import Path
from typing import Any, ParamSpec

import typer
from sqlalchemy.engine import Connection

from geo import db
from geo.maps import demo_rows
from walouja.cli._common import (
    counted,
    echo_demo_note,
    emit_json,
    friendly,
    output_file,
    settings,
)
from walouja.errors import DataError, InfeasibleError
from walouja.limits import (
    MAX_BUDGET_MAD,
    MAX_COST_MAD,
    MAX_DISTANCE_KM,
    MAX_NEW,
    MAX_PER_PROVINCE,
    MIN_COST_MAD,
)
from walouja.services.prioritise import (
    DEFAULT_COST_MAD,
    PIPELINE_STATUSES,
    Scenario,
    candidates_changed,
    check_figures,
    compare_scenarios,
    inputs_changed_since,
    list_scenarios,
    load_scenario,
    run_prioritise,
)

P = ParamSpec("P")

# ---- commands --------------------------------------------------------------------------


_HEADLINE_LABELS = {
    "objective": "objective",
    "optimal": "proven optimal",
    "gap": "proven gap",
    "pwd_covered_before": "persons with disabilities covered before",
    "pwd_covered_after": "persons with disabilities covered after",
    "total_cost_mad": "cost of the new centres (MAD)",
    "n_existing": "existing centres",
}
"""How ``scenarios compare`` names the figures it sets side by side."""


def _yes(value: Any) -> str:
    return "—" if value is None else ("yes" if value else "no")


def _fmt(value: Any, spec: str = ",.0f") -> str:
    if value is None:
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


def _param(value: Any) -> str:
    """A request's value as the rest of the output writes figures (it printed
    ``12000000.0 → None``).

    Examples
    --------
    >>> _param(12000000.0), _param(None), _param(30.0), _param(1.5), _param(["A", "B"]), _param([])
    ('12,000,000', '—', '30', '1.5', 'A, B', '—')
    """
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


_FORCE = typer.Option(
    None, "--force", help="Commune code (or candidate id) that must get a centre (repeat)."
)
_EXCLUDE = typer.Option(None, "--exclude", help="Commune code (or candidate id) to leave out.")
_CANDIDATES = typer.Option(
    None,
    "--candidates",
    # a file it may not read is refused with what to do (permission_denied), as the import's
    # FILE is, not as a mistyped command line
    readable=False,
    help="Point file of candidate sites (CSV lon/lat, Excel .xlsx, OpenDocument .ods, GeoJSON, "
    "GeoPackage, shapefile, KML/KMZ).",
)


def prioritise_command(
    centre_type: str = typer.Option("COAPH", help="Type of centre to place."),
    new: int = typer.Option(
        None,
        "--new",
        help=f"Number of new centres, 1 to {MAX_NEW:,} (--new or --budget-mad is required).",
    ),
    radius_km: float = typer.Option(
        30.0, help=f"Covering radius in km, up to {MAX_DISTANCE_KM:,} (MCLP; coverage figures)."
    ),
    model: str = typer.Option("mclp", help="mclp (maximal covering) or pmedian."),
    min_per_province: int = typer.Option(
        0, help=f"At least this many centres per province (0 to {MAX_PER_PROVINCE})."
    ),
    budget_mad: float = typer.Option(
        None,
        help=f"Budget for the new centres, MAD, up to {MAX_BUDGET_MAD:,} (with --new: at most "
        "that many).",
    ),
    cost_mad: float = typer.Option(
        None,
        help=f"Cost of one new centre, MAD, {MIN_COST_MAD} to {MAX_COST_MAD:,} (default by type).",
    ),
    new_capacity: float = typer.Option(
        None, help="Places per new centre, up to 100,000 (capacitated model)."
    ),
    time_limit: float = typer.Option(
        60.0, "--time-limit", help="Solver time limit in seconds, up to a day (86,400)."
    ),
    candidates: Path = _CANDIDATES,
    candidates_layer: str = typer.Option(
        None,
        "--candidates-layer",
        help="A Walouja layer as candidate sites: centres, transport_stops, beaches, ...",
    ),
    candidates_type: str = typer.Option(
        None, "--candidates-type", help="With --candidates-layer: only rows of this type."
    ),
    force: list[str] = _FORCE,
    exclude: list[str] = _EXCLUDE,
    with_pipeline: bool = typer.Option(
        False,
        "--with-pipeline",
        help="Count centres under construction and planned as existing (as the page's box).",
    ),
    name: str = typer.Option(None, help="Name of the scenario."),
    fresh: bool = typer.Option(False, "--fresh", help="Recompute even if stored."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Propose where new centres help most (MCLP or p-median, solved exactly) and save it.

    The candidate sites are the communes (one each) unless ``--candidates`` or
    ``--candidates-layer`` gives others; ``--force`` / ``--exclude`` then name their ids.
    """
    from geo.candidate_sites import layer_candidates, load_candidates
    from geo.layers import get_layer

    if candidates is not None and candidates_layer is not None:
        raise DataError(
            "give --candidates or --candidates-layer, not both",
            hint="one candidate set per scenario",
        )
    check_figures(  # each figure in its range, before a candidate file is read
        radius_km=radius_km,
        new=new,
        budget_mad=budget_mad,
        time_limit_s=time_limit,
        cost_mad=cost_mad,
        new_capacity=new_capacity,
        min_per_province=min_per_province,
    )
    if candidates_type is not None and candidates_layer is None:
        raise DataError("--candidates-type needs --candidates-layer")
    with db.connect(settings()) as conn:
        sites = None
        if candidates is not None:
            sites = load_candidates(conn, candidates)
        elif candidates_layer is not None:
            sites = layer_candidates(conn, candidates_layer, type_value=candidates_type)
        try:
            scenario = run_prioritise(
                conn,
                candidates=None if sites is None else sites.frame,
                candidates_source=None if sites is None else sites.source,
                centre_type=centre_type,
                model=model.strip().lower(),  # as the centre types are read
                new=new,
                radius_km=radius_km,
                min_per_province=min_per_province,
                budget_mad=budget_mad,
                cost_mad=cost_mad,
                new_capacity=new_capacity,
                time_limit_s=time_limit,
                forced=force or (),
                excluded=exclude or (),
                statuses=PIPELINE_STATUSES if with_pipeline else ("operating",),
                fresh=fresh,
                name=name,
            )
        except InfeasibleError as exc:
            raise _with_hint(exc) from None
        demo = scenario_demo_rows(conn, scenario.params)
        if sites is not None and candidates_layer is not None:
            # the rows of the layer taken as candidate sites (stops and beaches are invented)
            layer = get_layer(candidates_layer).name
            used = demo_rows(conn, {layer: {"id": sites.frame["row"].astype(int).tolist()}})
            if used:
                demo["candidate_sites"] = sum(used.values())
    if as_json:
        emit_json(
            {
                "run_id": scenario.run_id,
                "reused": scenario.reused,
                "params": scenario.params,
                **scenario.results,
                "demo_rows": demo,
            }
        )
        return
    named = f"named “{name.strip()}”" if name and name.strip() else ""
    # a new scenario given a name said it no more than an unnamed one
    note = (
        f"stored, {named}" if scenario.reused and named else "stored" if scenario.reused else named
    )
    _print_scenario(scenario, stored=f" ({note})" if note else "")
    echo_demo_note(demo)


def scenario_demo_rows(conn: Connection, params: dict[str, Any]) -> dict[str, int]:
    """The demonstration rows among the existing centres a scenario counts (its type and
    statuses), as :func:`geo.maps.demo_rows` gives them."""
    from walouja.cli.analysis import centres_used

    return demo_rows(conn, centres_used(params.get("centre_type"), params.get("statuses")))


_MINIMUM_HINTS = {
    "minimum_needs_more_centres": "ask for more new centres (--new), or lower --min-per-province",
    "minimum_over_budget": "raise --budget-mad, or lower --min-per-province",
    "province_lacks_candidates": (
        "lower --min-per-province, exclude fewer sites, or take candidates with sites in every "
        "province (the communes, the default)"
    ),
}
"""What to change for a per-province minimum the request cannot meet, by the code of the
analysis' refusal (which names the constraint, not the options)."""


def _with_hint(exc: InfeasibleError) -> InfeasibleError:
    """``exc`` with what to change on the command line, when it has no hint of its own.

    Examples
    --------
    >>> _with_hint(InfeasibleError("at least 1 per province: that needs 31 new centres, "
    ...     "more than the 2 requested", code="minimum_needs_more_centres")).hint
    'ask for more new centres (--new), or lower --min-per-province'
    """
    hint = _MINIMUM_HINTS.get(str(exc.code))
    if exc.hint is not None or hint is None:
        return exc
    return InfeasibleError(exc.message, hint=hint, code=exc.code, params=exc.params)


def _proof(r: dict[str, Any]) -> str:
    """How sure the answer is: optimal (and how it was proven), or the gap left."""
    if r["optimal"] and r.get("solution_source") == "enumeration":
        n = int(r["n_variables"])
        if n == 1:
            return "optimal (the only candidate site)"
        return f"optimal (each of the {n:,} candidate sites compared)"
    if r["optimal"]:
        return "optimal"
    return f"{r['status']}, {_gap_words(r.get('gap'))}, from {r.get('solution_source')}"


def _gap_words(gap: Any) -> str:
    """A run's proven gap as the page words it: "gap 0.52%", or "no proven bound" when none
    under 100 % was proven (the solver then reports 1, or nothing: it read "gap 100.00%").

    Examples
    --------
    >>> _gap_words(0.0052), _gap_words(1.0), _gap_words(None), _gap_words(float("inf"))
    ('gap 0.52%', 'no proven bound', 'no proven bound', 'no proven bound')
    """
    if gap is None or not math.isfinite(float(gap)) or float(gap) >= 1.0:
        return "no proven bound"
    return f"gap {float(gap):.2%}"


def _print_scenario(scenario: Scenario, *, stored: str = "") -> None:
    """A scenario as text: proof, coverage (and distance) before/after, ranked sites, cost."""
    r, params = scenario.results, scenario.params
    # with capacities the figures count persons served (a full centre serves no more)
    reach = "served within" if params.get("new_capacity") is not None else "within"
    line = (
        f"scenario {scenario.run_id}{stored}: {r['model']}, {_proof(r)}; persons with "
        f"disabilities {reach} {params['radius_km']:g} km: "
        f"{_fmt(r['pwd_covered_before'])} → {_fmt(r['pwd_covered_after'])}"
    )
    if r["model"] == "PMedian":
        # what the p-median minimised: the distance to the nearest centre, weighted by persons;
        # with places, to the centre that gives each person a place (the nearest may be full)
        to = (
            "the centre that gives each a place"
            if params.get("new_capacity") is not None
            else "the nearest centre"
        )
        line += (
            f"; distance to {to} × persons: {_fmt(r.get('objective_before'))} → "
            f"{_fmt(r['objective'])} person-km"
        )
    typer.echo(line)
    if r.get("capacity_filled"):
        n = int(r["capacity_filled"])
        typer.echo(
            f"note: {counted(n, 'existing centre')} without a known capacity "
            "counted with the median of the known ones"
        )
    sites = r["sites"]
    if r["model"] == "MCLP" and params.get("new_capacity") is not None and len(sites) > 1:
        # with few places almost any set of sites serves the optimum: say how one was chosen
        typer.echo(
            "note: among the sets of sites that serve as many persons, the one that brings "
            f"the most within {params['radius_km']:g} km of a centre; sites serving as many "
            "are listed in the order they add coverage"
        )
    asked = params.get("new")
    budget, unit_cost = params.get("budget_mad"), params.get("cost_mad")
    if asked is not None and budget is not None and unit_cost:
        # --new 4 with a budget for 2 placed 2 and did not say why
        affordable = math.floor(float(budget) / float(unit_cost) + 1e-9)
        if affordable < int(asked) and len(sites) <= affordable:
            typer.echo(
                f"note: the budget of {_fmt(budget)} MAD pays for "
                f"{counted(affordable, 'new centre')} of {_fmt(unit_cost)} MAD, "
                f"fewer than the {int(asked):,} asked for"
            )
    if asked is not None and budget is None and len(sites) < int(asked):
        what = "cover nobody new" if r["model"] == "MCLP" else "bring nobody closer"
        if not sites:  # it read "only 0 of the 2 new centres asked for add anything"
            none = (
                "the new centre asked for adds nothing; it"
                if int(asked) == 1
                else f"none of the {int(asked):,} new centres asked for adds anything; they"
            )
            typer.echo(f"note: {none} would {what}")
        else:  # it read "only 1 of the 2 new centres asked for add anything; the others"
            adds = "adds" if len(sites) == 1 else "add"
            others = "the other" if int(asked) - len(sites) == 1 else "the others"
            typer.echo(
                f"note: only {len(sites):,} of the {int(asked):,} new centres asked for {adds} "
                f"anything; {others} would {what}"
            )
    if asked is None and not sites:  # a budget and no site: the table below was empty
        what = "cover nobody new" if r["model"] == "MCLP" else "bring nobody closer"
        typer.echo(f"note: no new centre adds anything; any candidate site would {what}")
    # a layer's or a file's site by its id too, the name --force and --exclude take (only
    # its name and commune were written: keeping "Tram Karima" needed --json to find it)
    ids = [str(s.get("site_id") or "") for s in sites]
    width = max(map(len, ids), default=0)
    site_column = f"  {'site':<{width}}" if width else ""
    # the sites --force kept, as the page's Kept column says (nothing told them apart)
    kept = any(s.get("forced") for s in sites)
    typer.echo(
        f"{'rank':>4}  {'commune':<14} {'name':<28} {'gain':>14}{site_column}"
        + ("  forced" if kept else "")
        + f"  ({r['gain_measure']})"
    )
    for s, site_id in zip(sites, ids, strict=True):
        typer.echo(
            (
                f"{s['rank']:>4}  {s['commune_code'] or '—'!s:<14} "
                f"{str(s['name_fr'])[:28]:<28} {_fmt(s['gain']):>14}"
                + (f"  {site_id:<{width}}" if width else "")
                + (f"  {'yes' if s.get('forced') else 'no':<6}" if kept else "")
            ).rstrip()
        )
    if r.get("total_cost_mad") is not None and sites:
        unit = params.get("cost_mad")
        each = f" ({len(sites):,} × {_fmt(unit)} MAD)" if unit is not None else ""
        typer.echo(f"cost of the new centres: {_fmt(r['total_cost_mad'])} MAD{each}")
    g = r["greedy"]
    typer.echo(
        # what the exact answer gains over picking the best site one at a time ("0.76 %"
        # stood beside "gap 0.00%"; a missing figure read "— %")
        f"greedy (the best site one at a time, for comparison): objective "
        f"{_fmt(g['objective'])}, short by "
        + ("—" if g.get("shortfall_pct") is None else f"{g['shortfall_pct']:.2f}%")
    )


def describe_request(params: dict[str, Any]) -> str:
    """A stored request in one line: model, type, how many (or the budget), radius,
    candidate set, the cost of a centre (with a budget, or when not the type's default), the
    centres counted as existing when not only the operating ones, and the sites forced or
    left out, so rows of a listing can be told apart.

    Examples
    --------
    >>> describe_request({"model": "mclp", "centre_type": "COAPH", "new": 3,
    ...     "radius_km": 30.0, "candidates": "sites.csv#0123", "forced": ["A"]})
    'mclp COAPH, 3 new within 30 km, candidates sites.csv, forced A'
    >>> describe_request({"model": "mclp", "centre_type": "CAS", "new": 4,
    ...     "budget_mad": 12e6, "radius_km": 30.0})
    'mclp CAS, 4 new, budget 12,000,000 MAD at 3,000,000 MAD a centre, within 30 km, ...'
    >>> describe_request({"model": "mclp", "centre_type": "COAPH", "new": 3, "cost_mad": 2e6,
    ...     "radius_km": 30.0, "statuses": ["operating", "planned", "under_construction"]})
    '... communes, 2,000,000 MAD a centre, with the centres under construction and planned'
    >>> describe_request({"model": "mclp", "centre_type": "COAPH", "new": 100000,
    ...     "radius_km": 1e6, "new_capacity": 2500.0})
    'mclp COAPH, 100,000 new within 1,000,000 km, candidates communes, 2,500 places each'
    """
    from geo.candidate_sites import set_name

    budget = params.get("budget_mad")
    new = params.get("new")
    kind = str(params.get("centre_type"))
    default_cost = DEFAULT_COST_MAD.get(kind, DEFAULT_COST_MAD["other"])
    cost = params.get("cost_mad")
    cost = default_cost if cost is None else float(cost)
    # the cost of a centre: 20 M MAD at 5 M and at 2 M (4 or 10 centres) read alike
    each = f"{cost:,.0f} MAD a centre"
    with_budget = f"budget {budget:,.0f} MAD at {each}" if budget is not None else ""
    how_many = (  # both given: at most that many, within the budget (the listing said only one)
        f"{_param(new)} new, {with_budget},"
        if budget is not None and new is not None
        else with_budget
        if budget is not None
        else f"{_param(new)} new"
    )
    parts = [
        f"{params.get('model')} {params.get('centre_type')}",
        f"{how_many} within {_param(params.get('radius_km'))} km",
        f"candidates {set_name(str(params.get('candidates') or 'communes'))}",
    ]
    if budget is None and not math.isclose(cost, default_cost):
        parts.append(each)  # the total cost the scenario reports
    if sorted(params.get("statuses") or ["operating"]) != ["operating"]:
        # counted as existing: the same request without them gives other sites
        pipeline = [s for s in ("under_construction", "planned") if s in params["statuses"]]
        parts.append(f"with the centres {' and '.join(s.replace('_', ' ') for s in pipeline)}")
    if params.get("min_per_province"):
        parts.append(f"at least {params['min_per_province']} per province")
    if params.get("new_capacity") is not None:
        parts.append(f"{_param(params['new_capacity'])} places each")
    for key, label in (("forced", "forced"), ("excluded", "excluded")):
        if params.get(key):  # once each (an older run may hold a site twice)
            parts.append(f"{label} {', '.join(dict.fromkeys(map(str, params[key])))}")
    return ", ".join(parts)


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
    if not rows:
        typer.echo("no saved scenarios (walouja prioritise saves one)")
        return
    for row in rows:
        typer.echo(
            f"{row['id']:>5}  {row['created_at'][:16].replace('T', ' ')} UTC  "
            f"{describe_request(row['params'])}{_listed_proof(row)}"
            + (f"  “{row['name']}”" if row["name"] else "")
        )


def _listed_proof(row: dict[str, Any]) -> str:
    """' — optimal', or the status and gap of a run that was not proven ('' if unknown)."""
    if row.get("optimal"):
        return " — optimal"
    if row.get("status") is None:
        return ""
    return f" — {str(row['status']).replace('_', ' ')}, {_gap_words(row.get('gap'))}"


@scenarios_app.command("show")
@friendly
def scenarios_show(
    run_id: int = typer.Argument(..., help="Scenario id (walouja scenarios list)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a saved scenario: its request, proof, figures and ranked sites."""
    from geo.candidate_sites import set_name

    with db.connect(settings()) as conn:
        scenario = load_scenario(conn, run_id)
        changed = candidates_changed(conn, scenario.params)
        computed = inputs_changed_since(conn, run_id)
        demo = scenario_demo_rows(conn, scenario.params)
    if as_json:
        emit_json(
            {
                "run_id": scenario.run_id,
                "params": scenario.params,
                # the candidate layer holds other rows now (null: communes, a file)
                "candidates_changed": changed,
                # the communes or centres have changed since it was computed
                "data_changed": computed is not None,
                **scenario.results,
                "demo_rows": demo,
            }
        )
        return
    typer.echo(f"request: {describe_request(scenario.params)}")
    if computed is not None:
        # its figures read as today's (the Coverage page says so of a saved analysis)
        when = computed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        typer.echo(
            f"note: the communes or the centres have changed since this scenario was computed "
            f"({when}): its figures are those of then; `walouja prioritise` with its options "
            "computes it on today's data"
        )
    if changed:
        # as the page says its settings changed: the layer was edited since (a scenario on
        # the EPS homes read as the answer on the layer as it is)
        typer.echo(
            f"note: the {set_name(str(scenario.params['candidates']))} has changed since this "
            "scenario (a row added, moved, edited or taken out); `walouja prioritise` with its "
            "options computes it on the layer as it is now"
        )
    _print_scenario(scenario)
    echo_demo_note(demo)


_EXPORT_FILE = typer.Argument(
    ...,
    help="The file to write: .gpkg, .geojson, .csv, .xlsx or .kml (Google Earth). Its folder must "
    "exist; a file already there is replaced.",
)


@scenarios_app.command("export")
@friendly
def scenarios_export(
    run_id: int = typer.Argument(..., help="Scenario id (walouja scenarios list)."),
    file: Path = _EXPORT_FILE,
    fmt: str = typer.Option(
        None,
        "--format",
        metavar="FORMAT",
        help="gpkg, geojson, csv, xlsx or kml (default: from the file's extension).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write a saved scenario's proposed sites to a file, as the app's download does.

    One point per site, by rank: its names, its commune's and province's in French and
    Arabic, its codes, gain and cost, whether it was forced. The codes are text (04.421):
    a GeoPackage and an Excel workbook (.xlsx) keep them so; a CSV reader must be told to
    (pandas: dtype=str; Excel: Data > From Text/CSV, code columns as Text). A KML (Google
    Earth, Google My Maps) names each placemark by the site's rank and French name
    ("1 · Bsara"), the other columns its data.
    """
    from geo.export import check_writable, export_format
    from geo.export_sites import export_sites
    from walouja.services.prioritise import named_sites

    check_writable(file)  # a mistyped path costs no query
    export_format(file, fmt)
    file = output_file(file)
    with db.connect(settings()) as conn:
        scenario = load_scenario(conn, run_id)
        sites = named_sites(conn, scenario.results)
    if not sites:  # a file of headers alone would look like a failed export
        raise DataError(
            f"scenario {run_id} proposes no site: no new centre would add anything",
            hint=f"nothing to write; `walouja scenarios show {run_id}` gives its figures",
        )
    result = export_sites(sites, file, fmt=fmt)
    if as_json:
        emit_json({"run_id": run_id, **result.as_dict()})
    else:
        replaced = ", replacing the file that was there" if result.replaced else ""
        typer.echo(
            f"scenario {run_id}: {counted(result.rows, 'proposed site')} written to "
            f"{result.path} ({result.format}){replaced}"
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
        if key == "candidates":  # a file's or a layer's set, without its digest
            pair = _candidate_sets(pair, diff["created_at"])
        typer.echo(f"request {key}: {_param(pair['a'])} → {_param(pair['b'])}")
    unit = diff["objective_unit"]
    places = diff.get("within_places") or {}
    for key, pair in diff["headline"].items():
        label = _HEADLINE_LABELS.get(key, key)
        if key == "objective":
            typer.echo(f"{label}: {_fmt(pair['a'])} {unit['a']} → {_fmt(pair['b'])} {unit['b']}")
        elif key.startswith("pwd_covered_"):
            # with places per centre, persons served within them, not covered (as the page
            # says): "covered before: 1,075,074 → 4,842" were 4,842 served within places
            shown = [
                _fmt(pair[s]) + (" (served, places permitting)" if places.get(s) else "")
                for s in ("a", "b")
            ]
            typer.echo(f"{label}: {shown[0]} → {shown[1]}")
        elif key == "gap":
            # as the page: a percentage, "no proven bound", or "—" for a proof without one
            proven = diff["headline"]["optimal"]
            gaps = [
                "—"
                if proven[s] and _gap_words(pair[s]) == "no proven bound"
                else _gap_words(pair[s]).removeprefix("gap ")
                for s in ("a", "b")
            ]
            typer.echo(f"{label}: {gaps[0]} → {gaps[1]}")
        elif key == "optimal":
            typer.echo(f"{label}: {_yes(pair['a'])} → {_yes(pair['b'])}")
        else:
            typer.echo(f"{label}: {_fmt(pair['a'])} → {_fmt(pair['b'])}")
    names = diff["site_names"]

    def sites(ids: list[str]) -> str:
        return ", ".join(f"{i} ({names[i]})" if names.get(i) else i for i in ids) or "—"

    typer.echo(f"sites only in {a}: {sites(diff['sites_only_a'])}")
    typer.echo(f"sites only in {b}: {sites(diff['sites_only_b'])}")
    typer.echo(f"sites in both ({len(diff['sites_both']):,}): {sites(diff['sites_both'])}")
    _print_provinces(diff, a, b)


def _candidate_sets(pair: dict[str, Any], created: dict[str, str]) -> dict[str, str]:
    """Two scenarios' candidate sets by name; one name on both sides (a layer edited, or
    another file of the same name, in between) gets the time each scenario was computed.

    It read "layer centres EPS → layer centres EPS".

    Examples
    --------
    >>> _candidate_sets({"a": "layer beaches#01", "b": None}, {})
    {'a': 'layer beaches', 'b': 'communes'}
    >>> _candidate_sets({"a": "layer beaches#01", "b": "layer beaches#02"},
    ...     {"a": "2026-11-30T21:31:07+00:00", "b": "2026-11-30T21:36:40+00:00"})["b"]
    'layer beaches (as of 2026-11-30 21:36:40 UTC)'
    """
    from geo.candidate_sites import set_name

    names = {k: set_name(str(v or "communes")) for k, v in pair.items()}
    if names["a"] != names["b"]:
        return names
    return {
        k: f"{name} (as of {str(created.get(k, ''))[:19].replace('T', ' ')} UTC)"
        for k, name in names.items()
    }


_PROVINCE_FIGURES = {
    "covered_after": ("persons with disabilities covered after", ",.0f"),
    "mean_km_after": ("mean km to the nearest centre after", ",.1f"),
}


def _print_provinces(diff: dict[str, Any], a: int, b: int) -> None:
    """The provinces whose figure differs between the two scenarios, largest change first."""
    field = diff.get("by_province_field")
    if field is None:
        why = {
            "models": "the two models measure different things",
            "places": "one counts persons served within places, the other persons covered",
            "places_km": "one measures the distance to the centre that gives each person a "
            "place, the other to the nearest centre",
        }
        reason = why.get(str(diff.get("by_province_differs")), "no figure in both")
        typer.echo(f"provinces: not compared ({reason})")
        return
    label, spec = _PROVINCE_FIGURES.get(field, (field, ",.1f"))
    rows = [p for p in diff["by_province"] if p.get("difference")]
    same = len(diff["by_province"]) - len(rows)
    typer.echo(f"provinces whose {label} differs: {len(rows):,} ({same:,} unchanged)")
    rows.sort(key=lambda p: -abs(p["difference"]))
    for p in rows:
        typer.echo(
            f"  {p['province']:<8} {str(p.get('name_fr') or '')[:24]:<24} "
            f"{_fmt(p.get(f'{field}_a'), spec):>12} → "
            f"{_fmt(p.get(f'{field}_b'), spec):>12}  ({p['difference']:+{spec}})"
        )


def register(app: typer.Typer) -> None:
    """Add ``prioritise`` and ``scenarios`` to the ``walouja`` command."""
    app.command("prioritise")(friendly(prioritise_command))
    app.add_typer(scenarios_app, name="scenarios")
