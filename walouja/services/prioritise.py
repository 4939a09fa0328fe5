"""Where new centres help most: prioritisation scenarios solved and stored as analysis runs.

``run_prioritise`` reads the communes (demand and default candidates, or an uploaded candidate
table) and the existing centres, solves the MCLP or p-median exactly, and stores the scenario
in ``analysis_runs`` (reused when the same request meets unchanged inputs).
``compare_scenarios`` sets two of them side by side. The CLI (``walouja prioritise``,
``walouja scenarios``) and the app's Prioritise page call the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from analysis.location import MCLP, LocationResult, PMedian
from geo import runs
from geo.inputs import check_centre_type, load_centres, load_demand
from geo.maps import units
from walouja import limits
from walouja.errors import AnalysisError, DataError, InfeasibleError, NotFoundError
from walouja.services._store import RunOutcome, stored_or_computed

__all__ = [
    "DEFAULT_COST_MAD",
    "HEADLINE_KEYS",
    "INPUT_TABLES",
    "KIND",
    "MODELS",
    "PIPELINE_STATUSES",
    "Scenario",
    "candidates_changed",
    "check_figures",
    "compare_scenarios",
    "input_fingerprint",
    "inputs_changed_since",
    "list_scenarios",
    "load_scenario",
    "run_prioritise",
    "summarise",
]

KIND = "prioritise"
INPUT_TABLES = ("communes", "centres")
MODELS = ("mclp", "pmedian")
PIPELINE_STATUSES = ("operating", "under_construction", "planned")
"""The centre statuses counted as existing when the centres decided are counted too (the
page's box and ``walouja prioritise --with-pipeline``)."""
# the figures two scenarios are compared on (``compare_scenarios``'s ``headline``), in order
HEADLINE_KEYS = (
    "objective",
    "optimal",
    "gap",
    "pwd_covered_before",
    "pwd_covered_after",
    "total_cost_mad",
    "n_existing",
)
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

Planning assumptions, not official figures: equipping and a first year of running.
"""


Scenario = RunOutcome
"""A computed or stored prioritisation scenario (``results``: see :func:`summarise`)."""


def summarise(
    result: LocationResult,
    demand: pd.DataFrame,
    *,
    radius_km: float,
    n_existing: int,
    covered: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The JSON answer of one solve: objective, proof, coverage before/after, sites, greedy.

    ``pwd_covered_before/after`` count persons with disabilities within ``radius_km`` of a
    centre (for the p-median, from each commune's distance to its nearest centre); with
    capacities, the persons a centre within reach serves, places permitting. ``covered``
    gives them when they were measured apart (a capacitated p-median, measured as the MCLP
    measures them, so that both models' figures agree).
    """
    table = result.demand
    if covered is not None:
        before, after = covered
    elif result.model == "MCLP":
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
                "name_ar": _text_or_none(row.get("name_ar")),
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


MAX_NEW_CAPACITY = limits.MAX_PLACES
"""The most places a new centre may be given (the Prioritise page's bound too)."""
MAX_TIME_LIMIT_S = limits.MAX_TIME_LIMIT_S
"""The longest solver time limit a request may give, in seconds (a day)."""


def check_figures(
    *,
    radius_km: float = 30.0,
    new: int | None = None,
    budget_mad: float | None = None,
    time_limit_s: float = 60.0,
    cost_mad: float | None = None,
    new_capacity: float | None = None,
    min_per_province: int = 0,
) -> None:
    r"""An ``AnalysisError`` naming the option whose figure no request can use, with the
    range it takes (``walouja.limits``).

    Checked before a stored scenario is looked up: a proven one is reused whatever the time
    limit, so ``--time-limit -5`` was accepted when one was stored and refused otherwise.
    The command line calls it before it reads a candidate file.

    Examples
    --------
    >>> try:
    ...     check_figures(budget_mad=1e30)
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --budget-mad 1e+30 is more than 100,000,000,000 MAD
    give the budget in MAD, above 0 and at most 100,000,000,000 (for example 20000000), or ...
    >>> try:
    ...     check_figures(cost_mad=0)
    ... except AnalysisError as exc:
    ...     print(exc.message)
    --cost-mad 0 makes a new centre free: a budget would buy every candidate site
    """
    limits.check_distance(radius_km, "--radius-km", "30")
    if new is not None and new > limits.MAX_NEW:
        raise AnalysisError(
            f"--new {new} is more than {limits.MAX_NEW:,} new centres",
            hint=f"ask for 1 to {limits.MAX_NEW:,} (Morocco has about 1,500 communes), "
            "for example --new 10",
        )
    if budget_mad is not None:
        budget_hint = (
            f"give the budget in MAD, above 0 and at most {limits.MAX_BUDGET_MAD:,} "
            "(for example 20000000), or --new N instead"
        )
        if not (np.isfinite(budget_mad) and budget_mad >= 0):
            # 0 is a figure the page's box takes: refused below as a budget that buys nothing
            raise AnalysisError(
                f"--budget-mad {budget_mad:g} is not a positive amount", hint=budget_hint
            )
        if budget_mad > limits.MAX_BUDGET_MAD:
            raise AnalysisError(
                f"--budget-mad {budget_mad:g} is more than {limits.MAX_BUDGET_MAD:,} MAD",
                hint=budget_hint,
            )
    if not (np.isfinite(time_limit_s) and time_limit_s > 0):
        raise AnalysisError(
            f"--time-limit {time_limit_s:g} is not a positive number of seconds",
            hint="give the solver's time in seconds, for example --time-limit 60",
        )
    if time_limit_s > MAX_TIME_LIMIT_S:
        # a limit beyond the threads' timeout (about 292 years) crashed the solver's timer
        # with a traceback, and no search needs more than a day
        raise AnalysisError(
            f"--time-limit {time_limit_s:g} is more than a day",
            hint=f"give at most {MAX_TIME_LIMIT_S:,} seconds, for example --time-limit 600",
        )
    if cost_mad is not None:
        cost_hint = (
            f"give the cost of one new centre in MAD, from {limits.MIN_COST_MAD} to "
            f"{limits.MAX_COST_MAD:,}, for example --cost-mad 5000000"
        )
        if not (np.isfinite(cost_mad) and cost_mad >= 0):
            raise AnalysisError(f"--cost-mad {cost_mad:g} is not a cost", hint=cost_hint)
        if cost_mad < limits.MIN_COST_MAD:
            # a centre that costs nothing: any budget bought every candidate site
            why = "makes a new centre free" if cost_mad == 0 else "is less than 1 MAD"
            raise AnalysisError(
                f"--cost-mad {cost_mad:g} {why}: a budget would buy every candidate site",
                hint=cost_hint,
            )
        if cost_mad > limits.MAX_COST_MAD:
            raise AnalysisError(
                f"--cost-mad {cost_mad:g} is more than {limits.MAX_COST_MAD:,} MAD",
                hint=cost_hint,
            )
    if new_capacity is not None and not (np.isfinite(new_capacity) and new_capacity > 0):
        raise AnalysisError(
            f"--new-capacity {new_capacity:g} leaves a new centre no places: it would serve nobody",
            hint="give the places of one new centre, for example --new-capacity 50, or leave "
            "the option out to count persons within reach",
        )
    if new_capacity is not None and new_capacity > MAX_NEW_CAPACITY:
        # the solver refused such figures with "HiGHS rejected the model", and no more
        raise AnalysisError(
            f"--new-capacity {new_capacity:g} is more places than a centre has",
            hint=f"give at most {MAX_NEW_CAPACITY:,} places, for example --new-capacity 50",
        )
    if not 0 <= min_per_province <= limits.MAX_PER_PROVINCE:
        why = (
            "is not a number of centres"
            if min_per_province < 0
            else f"is more than {limits.MAX_PER_PROVINCE} per province"
        )
        raise AnalysisError(
            f"--min-per-province {min_per_province} {why}",
            hint=f"give 0 (no minimum) to {limits.MAX_PER_PROVINCE}, for example "
            "--min-per-province 1",
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
    candidates: pd.DataFrame | None = None,
    candidates_source: str | None = None,
    fresh: bool = False,
    name: str | None = None,
) -> Scenario:
    """Solve a prioritisation request on the database's communes and centres; store it.

    The candidate sites are the communes' demand points, or ``candidates`` (one row per site:
    ``label``, ``name``, ``lon``, ``lat``, ``commune_code``, ``province_code``,
    ``region_code``, as ``geo.candidate_sites`` reads them) identified in the stored request
    by ``candidates_source``; each such site keeps its ``label`` as ``site_id`` and gets the
    ``commune_code`` it lies in.
    """
    kind = check_centre_type(centre_type)
    if kind is None:
        raise AnalysisError("choose the type of centre to place (--centre-type)")
    if model not in MODELS:
        raise NotFoundError(f"unknown model {model!r}", hint="choose mclp or pmedian")
    check_figures(
        radius_km=radius_km,
        new=new,
        budget_mad=budget_mad,
        time_limit_s=time_limit_s,
        cost_mad=cost_mad,
        new_capacity=new_capacity,
        min_per_province=min_per_province,
    )
    if new is None and budget_mad is None:
        raise AnalysisError("say how many new centres (--new) or give a budget (--budget-mad)")
    if new is not None and new < 1:
        raise AnalysisError(
            f"--new {new} asks for no new centre",
            hint="ask for at least one (--new 1), or give a budget (--budget-mad)",
        )
    if candidates is not None and not candidates_source:
        raise ValueError("candidates need a candidates_source naming them in the stored request")
    # a site named twice is one site: `--force X --force X` was stored as [X, X], listed
    # "forced X, X" and compared as another request than `--force X`
    forced, excluded = _once(forced), _once(excluded)
    # a blank name is no name: `--name ""` and `--name "   "` were stored as such
    name = runs.run_name(name)
    unit_cost = (
        DEFAULT_COST_MAD.get(kind, DEFAULT_COST_MAD["other"]) if cost_mad is None else cost_mad
    )
    if budget_mad is not None and budget_mad < unit_cost:
        # a budget that buys nothing is a mistyped figure, not a request for zero centres
        raise InfeasibleError(
            f"budget: {budget_mad:,.0f} MAD buys no {kind} centre, one costs {unit_cost:,.0f} MAD",
            hint="raise --budget-mad, or set the cost of a centre with --cost-mad",
            code="budget_buys_nothing",
            params={"budget": budget_mad, "cost": unit_cost, "type": kind},
        )
    params: dict[str, Any] = {
        "centre_type": kind,
        "model": model,
        "new": new,
        "radius_km": float(radius_km),
        "min_per_province": int(min_per_province),
        "budget_mad": budget_mad,
        # the unit cost is always recorded (the results carry each site's cost and the total),
        # so the CLI and the page, which always shows it, store the same request alike
        "cost_mad": float(unit_cost),
        "new_capacity": new_capacity,
        "statuses": sorted(statuses),
        "forced": sorted(forced),
        "excluded": sorted(excluded),
        "time_limit_s": float(time_limit_s),
    }
    if candidates is not None:
        params["candidates"] = candidates_source
    if new_capacity is not None:
        params["missing_capacity"] = "median"

    def compute() -> dict[str, Any]:
        demand = load_demand(conn)
        try:
            existing = load_centres(conn, centre_type=kind, statuses=statuses)
        except AnalysisError:
            existing = pd.DataFrame(columns=["id", "lon", "lat", "province_code", "capacity"])
        filled = 0
        if new_capacity is not None:
            existing, filled = _fill_capacities(existing, new_capacity)
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
        if candidates is not None:
            options["candidate_id"] = "label"
        if cls is MCLP:
            options["radius_km"] = radius_km
        centres = existing if len(existing) else None
        try:
            built = cls.from_frames(demand, candidates, centres, **options)
        except NotFoundError as exc:
            # "forced: no candidate site 'X'" said nothing of what a site is named by
            if exc.hint is not None or not exc.message.startswith(("forced:", "excluded:")):
                raise
            raise NotFoundError(
                exc.message,
                hint=f"name a commune by its code, such as {_site_like(demand, exc.message)}; "
                "walouja coverage --by commune lists them"
                if candidates is None
                else "name a candidate site by its id, such as "
                f"{_site_like(candidates, exc.message, id_column='label', name_column='name')}: "
                "a file's id column (site-2, site-3… by row when it has none), a layer's "
                "<layer>:<external id> (walouja prioritise --json lists the site_id of each "
                "site proposed)",
            ) from None
        result = built.solve(time_limit_s=time_limit_s)
        covered = None
        if cls is PMedian and built.capacitated:
            # a capacitated p-median assigns by distance; persons covered within the radius,
            # places permitting, are measured as the MCLP measures them (the same "before")
            twin = MCLP.from_frames(demand, candidates, centres, **options, radius_km=radius_km)
            covered = (twin.covered_with(), twin.covered_with([s.label for s in result.sites]))
        if candidates is None:
            out = summarise(
                result, demand, radius_km=radius_km, n_existing=len(existing), covered=covered
            )
        else:
            out = _summarise_on_candidates(
                result,
                demand,
                candidates,
                radius_km=radius_km,
                n_existing=len(existing),
                covered=covered,
            )
        if new_capacity is not None:
            out["capacity_filled"] = filled
        return out

    found = stored_or_computed(
        conn,
        kind=KIND,
        tables=INPUT_TABLES,
        params=params,
        compute=compute,
        fresh=fresh,
        name=name,
        duration_in_results=True,
        limit_key="time_limit_s",
    )
    return replace(found, results=known_figures(found.results))


def known_figures(results: dict[str, Any]) -> dict[str, Any]:
    """``results`` with a p-median's unknown "before" missing in its tables.

    A p-median has no distance before its new centres when there was no existing centre,
    or when their places could not take everyone (with places per centre): its
    ``objective_before`` is then ``None``. Scenarios stored before the tables kept it
    missing hold 0 km before and a negative "person-km saved" in every province and region;
    they are read as missing, as a scenario computed now holds them.
    """
    if results.get("model") != "PMedian" or results.get("objective_before") is not None:
        return results
    unknown = {"mean_km_before": None, "person_km_saved": None}
    out = dict(results)
    for level in ("by_province", "by_region"):
        if out.get(level):
            out[level] = [{**row, **unknown} for row in out[level]]
    return out


def _once(values: Sequence[str]) -> list[str]:
    """``values`` without repeats, in their order.

    Examples
    --------
    >>> _once(["B", "A", "B", "A"])
    ['B', 'A']
    """
    return list(dict.fromkeys(str(v) for v in values))


def _fill_capacities(existing: pd.DataFrame, new_capacity: float) -> tuple[pd.DataFrame, int]:
    """Existing centres without a known capacity get the median of the known ones.

    As ``walouja access`` fills them by default: counted as unlimited, a centre without a
    capacity would serve everyone in reach and hide the need for places around it. With no
    capacity known at all, they get ``new_capacity``. Returns the centres and how many were
    filled.
    """
    capacity = pd.to_numeric(existing["capacity"], errors="coerce").astype(float)
    missing = capacity.isna()
    if not missing.any():
        return existing, 0
    known = capacity[~missing]
    value = float(known.median()) if len(known) else float(new_capacity)
    return existing.assign(capacity=capacity.fillna(value)), int(missing.sum())


def _text_or_none(value: Any) -> str | None:
    """A name as text, ``None`` when missing (NaN or empty)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _summarise_on_candidates(
    result: LocationResult,
    demand: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    radius_km: float,
    n_existing: int,
    covered: tuple[float, float] | None = None,
) -> dict[str, Any]:
    # summarise() describes each site from a frame indexed by its label: give it the
    # candidates' rows too (with no persons, so the national total is unchanged)
    labels = set(candidates["label"].astype(str))
    info = pd.concat(
        [
            demand[~demand["code"].astype(str).isin(labels)],
            candidates.rename(columns={"label": "code", "name": "name_fr"}).assign(pwd=0.0),
        ],
        ignore_index=True,
    )
    results = summarise(result, info, radius_km=radius_km, n_existing=n_existing, covered=covered)
    results["pwd_total"] = float(demand["pwd"].sum())
    commune_of = dict(zip(candidates["label"].astype(str), candidates["commune_code"], strict=True))
    for site in results["sites"]:
        site["site_id"] = site["commune_code"]
        site["commune_code"] = commune_of.get(str(site["site_id"]))
    return results


def load_scenario(conn: Connection, run_id: int) -> Scenario:
    """A stored prioritisation scenario, or ``NotFoundError`` saying where the ids are."""
    where = "`walouja scenarios list` gives the ids of the saved scenarios"
    try:
        run = runs.get_run(conn, run_id)
    except NotFoundError as exc:
        raise NotFoundError(exc.message, hint=where) from None
    if run.kind != KIND:
        raise NotFoundError(
            # "run 1 is a equity run": every kind reads after "a saved"
            f"run {run_id} is a saved {run.kind} analysis, not a prioritisation scenario",
            hint=where,
            # the page says so (it read "no longer exists (database reloaded?)")
            code="not_a_scenario",
            params={"id": run_id, "kind": run.kind},
        )
    return Scenario(run.id, True, run.params, known_figures(run.results), run.duration_s)


def candidates_changed(conn: Connection, params: Mapping[str, Any]) -> bool | None:
    """Whether the candidate layer a stored request took its sites from holds other rows now
    (a row added, moved, edited or taken out since, or none left of its type); ``None`` when
    it cannot be told: communes or a file as candidates, or a layer's set stored without the
    digest of its rows.

    The stored set carries that digest (``geo.candidate_sites.layer_candidates``), as a
    file's carries its content's: a scenario on the EPS homes answered the layer as it was.
    """
    from geo.candidate_sites import layer_candidates, parse_layer_set, set_digest

    source = params.get("candidates")
    parsed = None if not source else parse_layer_set(str(source))
    stored = None if not source else set_digest(str(source))
    if parsed is None or stored is None:
        return None
    try:
        now = layer_candidates(conn, parsed[0], type_value=parsed[1])
    except DataError:  # no rows of that type left, or too many: not the stored set
        return True
    return set_digest(now.source) != stored


def input_fingerprint(conn: Connection) -> str:
    """The fingerprint of the data a scenario is computed on (the communes and the centres,
    ``INPUT_TABLES``), as a stored scenario keeps it."""
    return runs.input_fingerprint(conn, INPUT_TABLES)


def inputs_changed_since(conn: Connection, run_id: int) -> datetime | None:
    """When scenario ``run_id`` was computed, if the communes or the centres have changed
    since (its figures are then those of that day, and the same request computes anew);
    ``None`` when they have not.

    A scenario reopened after a centre was added showed its figures as today's, with no
    word (the Coverage page says so of a saved analysis).
    """
    run = runs.get_run(conn, int(run_id))
    return None if run.fingerprint == input_fingerprint(conn) else run.created_at


def list_scenarios(conn: Connection, *, include: int | None = None) -> list[dict[str, Any]]:
    """Stored scenarios, newest first: id, name, date, request, and whether each was proven
    (``status``, ``optimal``, ``gap``, ``objective``, ``solution_source``); ``include`` is
    listed even when older than the newest 200."""
    out = []
    for summary in runs.list_runs(conn, KIND, include=include):
        out.append(
            {
                "id": summary.id,
                "name": summary.name,
                "created_at": summary.created_at.astimezone(UTC).isoformat(),
                "params": summary.params,
                "duration_s": summary.duration_s,
                # whether it was proven, so that runs of one request can be told apart
                **{k: (summary.headline or {}).get(k) for k in _LIST_FIGURES},
            }
        )
    return out


_LIST_FIGURES = ("status", "optimal", "gap", "objective", "solution_source")


def objective_unit(results: dict[str, Any]) -> str:
    """What a scenario's objective counts: persons covered (MCLP), persons served within the
    places (MCLP with places per centre), person-km to the nearest centre (p-median), or
    person-km to the centre that gives each person a place (p-median with places per
    centre: its person-km read "persons served")."""
    if results.get("model") == "PMedian":
        return "person-km to the assigned centre" if within_places(results) else "person-km"
    return "persons served" if within_places(results) else "persons covered"


def within_places(results: dict[str, Any]) -> bool:
    """Whether a scenario had places per centre: its ``pwd_covered_before/after`` then count
    persons served within the places (a p-median's measured as the MCLP measures them)."""
    return "capacitated" in str(results.get("gain_measure") or "")


def compare_scenarios(conn: Connection, a: int, b: int) -> dict[str, Any]:
    """Two scenarios side by side: requests that differ, headline figures, sites, provinces.

    ``site_names`` names every proposed site: a layer's or a file's by its own name, a
    commune's by the commune's; ``objective_unit`` says what each objective counts, and
    ``within_places`` whose persons within the radius are served within places.
    ``by_province_differs`` says why the provinces are not compared: ``models``, ``places``
    (persons covered beside served), ``places_km`` (a p-median's km to the nearest centre
    beside one's to the centre that gives each person a place).

    Raises
    ------
    DataError
        ``a`` and ``b`` are the same scenario.
    """
    if a == b:
        raise DataError(
            f"scenario {a} compared with itself",
            hint="give two different scenario ids (walouja scenarios list)",
        )
    sa_, sb = load_scenario(conn, a), load_scenario(conn, b)
    ra, rb = sa_.results, sb.results
    # when each was computed: a layer's or a file's set of one name may hold other rows
    created = {
        side: runs.get_run(conn, run_id).created_at.astimezone(UTC).isoformat()
        for side, run_id in (("a", a), ("b", b))
    }
    keys = sorted(set(sa_.params) | set(sb.params))

    def asked(params: dict[str, Any], key: str) -> Any:
        # a site an older run holds twice (forced [X, X]) is asked for once: it was
        # reported as another request than forced [X]
        value = params.get(key)
        return _once(value) if key in ("forced", "excluded") and value else value

    params_diff = {
        k: {"a": asked(sa_.params, k), "b": asked(sb.params, k)}
        for k in keys
        if asked(sa_.params, k) != asked(sb.params, k)
    }
    headline = {key: {"a": ra.get(key), "b": rb.get(key)} for key in HEADLINE_KEYS}
    # a site from a candidate file or a layer is named by its id (two may share a commune)
    sites_a = {str(s.get("site_id") or s["commune_code"]) for s in ra.get("sites", [])}
    sites_b = {str(s.get("site_id") or s["commune_code"]) for s in rb.get("sites", [])}
    # the names of a layer's or a file's sites, for the kept and left-out lists (communes
    # are named from the geography)
    proposed = [s for s in (*ra.get("sites", []), *rb.get("sites", [])) if s.get("site_id")]
    communes = {str(s["commune_code"]) for s in (*ra.get("sites", []), *rb.get("sites", []))}
    communes |= {
        str(c) for sc in (sa_, sb) for k in ("forced", "excluded") for c in sc.params.get(k) or []
    }
    named = units(conn, "communes").set_index("code")
    site_names = {
        code: str(named.at[code, "name_fr"]) for code in sorted(communes) if code in named.index
    }
    site_names |= {str(s["site_id"]): s.get("name_fr") for s in proposed if s.get("name_fr")}
    site_names_ar = {
        code: str(named.at[code, "name_ar"])
        for code in sorted(communes)
        if code in named.index and _text_or_none(named.at[code, "name_ar"])
    }
    site_names_ar |= {str(s["site_id"]): s.get("name_ar") for s in proposed if s.get("name_ar")}
    provinces: list[dict[str, Any]] = []
    pa = {r["province"]: r for r in ra.get("by_province") or []}
    pb = {r["province"]: r for r in rb.get("by_province") or []}
    field: str | None = "covered_after" if ra.get("model") == "MCLP" else "mean_km_after"
    served_a, served_b = within_places(ra), within_places(rb)
    why = None
    if ra.get("model") != rb.get("model"):
        why = "models"  # persons covered (MCLP) and mean km (p-median): no figure in both
    elif served_a != served_b:
        # persons covered, and persons served within places: not alike; for p-medians the
        # km to the nearest centre, and to the centre that gives each person a place
        why = "places_km" if ra.get("model") == "PMedian" else "places"
    if why is not None:
        field, pa, pb = None, {}, {}
    province_names = (
        units(conn, "provinces").set_index("code") if pa or pb else pd.DataFrame(index=[])
    )
    for code in sorted(set(pa) | set(pb)):
        va, vb = pa.get(code, {}).get(field), pb.get(code, {}).get(field)
        known = code in province_names.index
        provinces.append(
            {
                "province": code,
                "name_fr": str(province_names.at[code, "name_fr"]) if known else None,
                "name_ar": _text_or_none(province_names.at[code, "name_ar"]) if known else None,
                f"{field}_a": va,
                f"{field}_b": vb,
                "difference": None if va is None or vb is None else vb - va,
            }
        )
    return runs.to_jsonable(
        {
            "a": a,
            "b": b,
            "created_at": created,
            "params_differ": params_diff,
            "headline": headline,
            "objective_unit": {"a": objective_unit(ra), "b": objective_unit(rb)},
            # whose persons within the radius are served within places, not covered
            "within_places": {"a": served_a, "b": served_b},
            "sites_only_a": sorted(sites_a - sites_b),
            "sites_only_b": sorted(sites_b - sites_a),
            "sites_both": sorted(sites_a & sites_b),
            "site_names": site_names,
            "site_names_ar": site_names_ar,
            "by_province": provinces,
            "by_province_field": field,
            "by_province_differs": why,
        }
    )


def _site_like(
    sites: pd.DataFrame,
    message: str,
    *,
    id_column: str = "code",
    name_column: str = "name_fr",
) -> str:
    """The id and name of the site in ``sites`` closest to the one ``message`` quotes (the
    refusal of a forced or excluded site), or named so: an example that exists ("such as
    04.421.01.01" named a code no commune has, the one typed, say; a file's "s1" had no
    word of its "S1").

    Examples
    --------
    >>> demand = pd.DataFrame({"code": ["04.421.01.0", "04.421.01.07", "02.411.03.07"],
    ...     "name_fr": ["Rabat", "Touarga", "Bsara"]})
    >>> _site_like(demand, "forced: no candidate site '04.421.01.01'")
    '04.421.01.0 for Rabat'
    >>> _site_like(demand, "excluded: no candidate site 'bsara'")
    '02.411.03.07 for Bsara'
    >>> sites = pd.DataFrame({"label": ["S1", "S2"], "name": ["Site Oujda", None]})
    >>> _site_like(sites, "forced: no candidate site 's1'", id_column="label", name_column="name")
    'S1 for Site Oujda'
    >>> _site_like(sites, "forced: no candidate site 'S3'", id_column="label", name_column="name")
    'S2'
    """
    import difflib

    typed = message.split("'")[1] if message.count("'") >= 2 else message
    ids = sites[id_column].astype(str).tolist()
    names = [
        "" if pd.isna(n) else str(n).strip()
        for n in (sites[name_column] if name_column in sites else [None] * len(ids))
    ]
    folded = typed.strip().casefold()
    same = [i for i, n in zip(ids, names, strict=True) if folded in (i.casefold(), n.casefold())]
    site = next(iter(same), None) or next(
        iter(difflib.get_close_matches(typed, ids, n=1, cutoff=0.0)), ids[0]
    )
    name = names[ids.index(site)]
    return f"{site} for {name}" if name else site


def named_sites(conn: Connection, results: dict[str, Any]) -> list[dict[str, Any]]:
    """A scenario's proposed sites as its download lists them: each site with its names,
    its commune's and its province's (French and Arabic), its gain to one decimal and the
    gain's unit (``gain_measure``, in English); see :func:`name_sites`.

    The codes stay text as the database has them (``04.421``, not 4.421): see
    ``geo.export_sites.sites_bytes`` on what a CSV can keep.
    """
    return name_sites(
        results.get("sites") or [],
        units(conn, "communes").set_index("code"),
        units(conn, "provinces").set_index("code"),
        results.get("gain_measure"),
    )


def name_sites(
    sites: Sequence[Mapping[str, Any]],
    communes: pd.DataFrame,
    provinces: pd.DataFrame,
    unit: str | None,
) -> list[dict[str, Any]]:
    """``sites`` with their names, their commune's and their province's (French and Arabic,
    from ``communes`` and ``provinces`` indexed by code), the gain to one decimal and its
    ``unit`` (``gain_unit``: the CLI's English, or the page's language).

    A commune's site is named by the commune; a layer's or a file's site keeps its own
    names and gets its commune's beside them.
    """
    out = []
    for site in sites:
        commune, province = site.get("commune_code"), site.get("province_code")
        row = dict(site)
        if "site_id" in site:
            if commune in communes.index:
                row["commune_fr"] = communes.at[commune, "name_fr"]
                row["commune_ar"] = communes.at[commune, "name_ar"]
        elif commune in communes.index:
            row["name_fr"] = communes.at[commune, "name_fr"]
            row["name_ar"] = communes.at[commune, "name_ar"]
        if province in provinces.index:
            row["province_fr"] = provinces.at[province, "name_fr"]
            row["province_ar"] = provinces.at[province, "name_ar"]
        row["gain"] = None if site.get("gain") is None else round(float(site["gain"]), 1)
        row["gain_unit"] = unit
        out.append(row)
    return out
