"""`walouja equity` and `walouja gaps`: territorial inequality of service, and policy gaps.

Both run (or find the stored run of) the request through :mod:`walouja.services.equity` and
print it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import typer

from analysis.equity import INDICATORS, check_level, get_indicator
from analysis.gaps import STAGES
from geo import db
from geo.inputs import check_centre_type
from geo.maps import demo_rows
from walouja.cli._common import (
    check_detour,
    counted,
    echo_demo_note,
    emit_json,
    friendly,
    missing_capacity_option,
    settings,
)
from walouja.cli.analysis import (
    AsJson,
    Fresh,
    RunName,
    any_type,
    centres_used,
    detour_note,
    run_note,
    run_payload,
)
from walouja.limits import MAX_DETOUR, MAX_DISTANCE_KM, check_distance
from walouja.services.equity import RunOutcome, run_equity, run_gaps

# --------------------------------------------------------------------------- output


def _num(value: Any, digits: int = 3, *, inf: bool = False) -> str:
    if value is None:
        return "∞" if inf else "—"
    if not isinstance(value, float):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if 0 < abs(value) < 0.1:
        return f"{value:.3g}"  # access scores are small: keep three significant digits
    return f"{value:.{digits}f}"


# counts of persons or places: whole numbers (places still missing are rounded up)
_WHOLE = {"pwd", "pwd_beyond", "places"}
_WHOLE_UP = {"places_to_national"}


def _cell(key: str, value: Any, decimals: int | None = None) -> str:
    if key == "name_fr":
        return str(value)
    if isinstance(value, float) and np.isfinite(value) and key in _WHOLE | _WHOLE_UP:
        return f"{(math.ceil(value - 1e-9) if key in _WHOLE_UP else round(value)):,}"
    if decimals is not None and isinstance(value, float) and np.isfinite(value):
        return f"{value:,.{decimals}f}"
    return _num(value, 2)


def _decimals(values: Sequence[Any]) -> int | None:
    """One number of decimals for a column of figures, so that they line up.

    Small figures (access scores: 0.00165 and 0.0022 become 0.00165 and 0.00220) keep three
    significant digits on their typical (median) figure; others take the decimals their
    typical figure takes alone: none from 1,000, one from 100, else two (a column of
    distances read 162.9 beside 96.12). None for a column without a finite float.

    Examples
    --------
    >>> _decimals([162.94, 96.123, 14.3]), _decimals([158.8, 1147.3, 250.0])
    (2, 1)
    >>> _decimals([0.00165, 0.0022]), _decimals(["a", None])
    (5, None)
    """
    finite = [abs(v) for v in values if isinstance(v, float) and np.isfinite(v)]
    if not finite:
        return None
    small = [v for v in finite if v]
    if small and max(finite) < 0.1:
        return 2 - math.floor(math.log10(float(np.median(small))))
    typical = float(np.median(finite))
    return 0 if typical >= 1000 else 1 if typical >= 100 else 2


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    places = {k: _decimals([r.get(k) for r in rows]) for k, _ in columns}
    cells = [[_cell(k, r.get(k), places[k]) for k, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i < 2 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *(line(c) for c in cells)])


def _print_equity(out: RunOutcome) -> None:
    res = out.results
    ind = res["indicator"]
    idx = res["indices"]
    theil = idx["theil"]
    kind = out.params["centre_type"]
    centres = f"{kind} centres" if kind else "centres of every type"  # not "any type of centres"
    better = "higher is better" if ind["higher_is_better"] else "lower is better"
    # the unit only when the label does not already say it ("Places per 10,000 pwd")
    unit = "" if ind["unit"].lower() in ind["label"].lower() else f"{ind['unit']}, "
    about = f"{unit}{better}{detour_note(out.params, inside=True)}"
    label = str(ind["label"])
    # one pair of brackets: "2SFCA access (places per 10,000 pwd within 60 km; higher is
    # better)"
    label = f"{label[:-1]}; {about})" if label.endswith(")") else f"{label} ({about})"
    typer.echo(f"{label} — {centres}, by {res['by']} — {run_note(out)}")
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
                *([] if ind["name"] == "places_per_10k" else [("places_per_10k", "places/10k")]),
            ],
        )
    )


def _unknown_note(places: dict[str, Any], params: dict[str, Any]) -> str:
    """How centres of unknown capacity were counted (nothing when there are none)."""
    n = int(places.get("unknown_capacity") or 0)
    if not n:
        return ""
    each = float(places.get("unknown_capacity_places") or 0.0)
    centres = "1 centre" if n == 1 else f"{n:,} centres"
    how = (
        f"the median of the known ones, {each:,.0f} places each"
        if params.get("missing_capacity", "median") == "median" and each
        else f"{each:,.0f} places each"
    )
    return f" ({centres} of unknown capacity counted with {how})"


def _type_name(kind: str) -> str:
    """A centre type as a sentence names it: ``COAPH``, or ``centre of type other``."""
    return "centre of type other" if kind == "other" else kind


def _print_places(places: dict[str, Any], of: str, params: dict[str, Any]) -> None:
    """The national places rate and each region's against it."""
    typer.echo(
        f"national rate ({of}): {places['national_places_per_10k']:.2f} places per 10,000 pwd; "
        f"{counted(places['regions_below'], 'region')} below it" + _unknown_note(places, params)
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


def _print_gaps(out: RunOutcome) -> None:
    res = out.results
    prov = res["provinces_without_centre"]
    typer.echo(
        f"{prov['provinces_without']:,} of "
        f"{counted(prov['provinces_total'], 'province', 'provinces and prefectures')} "
        f"have no operating {_type_name(prov['centre_type'])} "
        f"({prov['pwd_in_them']:,.0f} persons with "
        f"disabilities) — {run_note(out)}"
    )
    for r in prov["rows"]:
        pipeline = [
            f"{r[s]:,} {s.replace('_', ' ')}" for s in ("under_construction", "planned") if r[s]
        ]
        extra = f" ({', '.join(pipeline)})" if pipeline else ""
        typer.echo(f"  {r['code']}  {r['name_fr']}  {r['pwd']:,.0f} pwd{extra}")
    places = res["places_per_pwd"]
    types = out.params.get("places_types")
    of = f"centres of type {', '.join(types)}" if types else "centres of every type"
    if not any(r.get("centres") for r in places["rows"]):
        # a rate of 0.00 and a table of zeros, "0 regions below it", read as a finding
        typer.echo(f"national rate ({of}): no operating centre, so no places to compare")
    else:
        _print_places(places, of, out.params)
    cities = res["accessible_cities"]
    typer.echo(f"Accessible Cities: {counted(cities['national']['communes'], 'commune')}")
    typer.echo(
        _table(
            cities["rows"],
            [("code", "code"), ("name_fr", "name"), *((s, s) for s in STAGES)],
        )
    )


_INDICATOR_WORDS = {
    "nearest_km": "km to the nearest centre",
    "coverage_share": "share of pwd within --threshold-km",
    "access": "2SFCA places per 10,000 pwd within --catchment-km",
    "places_per_10k": "places in the commune per 10,000 pwd",
}
_INDICATOR_HELP = "Per-commune indicator: " + ", ".join(
    f"{name} ({_INDICATOR_WORDS[name]})" if name in _INDICATOR_WORDS else name
    for name in INDICATORS
)


def equity_command(
    indicator: str = typer.Option(..., "--indicator", help=_INDICATOR_HELP),
    by: str = typer.Option(
        "region", "--by", help="Level of the table and rankings: region or province."
    ),
    centre_type: str = typer.Option(
        "COAPH", "--centre-type", help="COAPH, CAS, CAPE, EMF, CJPA, EPS, other or 'any'."
    ),
    threshold_km: float = typer.Option(
        30.0,
        "--threshold-km",
        help=f"Coverage threshold in km, up to {MAX_DISTANCE_KM:,}; beyond it need is unmet.",
    ),
    catchment_km: float = typer.Option(
        60.0, "--catchment-km", help=f"2SFCA catchment in km, up to {MAX_DISTANCE_KM:,}."
    ),
    method: str = typer.Option("2sfca", "--method", help="Access method: 2sfca or e2sfca."),
    detour_factor: float = typer.Option(
        1.0,
        "--detour-factor",
        help=f"Multiply straight-line km, 1 to {MAX_DETOUR} (e.g. 1.3 for road km).",
    ),
    missing_capacity: str = typer.Option(
        "median", "--missing-capacity", help="Unknown capacities: median, error or a number."
    ),
    fresh: Fresh = False,
    name: RunName = None,
    as_json: AsJson = False,
) -> None:
    """How unequally an indicator is spread over persons with disabilities (Gini, Theil...)."""
    indicator, by = indicator.strip().lower(), by.strip().lower()  # as types and methods are
    get_indicator(indicator)
    check_distance(threshold_km, "--threshold-km", "30")
    check_distance(catchment_km, "--catchment-km", "60")
    check_detour(detour_factor)
    check_level(by)
    kind = any_type(centre_type)
    strategy = missing_capacity_option(missing_capacity)
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
            missing_capacity=strategy,
            fresh=fresh,
            name=name,
        )
        demo = demo_rows(conn, centres_used(kind, out.params.get("statuses")))
    if as_json:
        emit_json(
            {
                **run_payload("equity", out),
                **out.results,
                "demo_rows": demo,
            }
        )
        return
    _print_equity(out)
    echo_demo_note(demo)


_PLACES_TYPE = typer.Option(
    None, "--places-type", help="Count places of these types only (repeatable; default all)."
)


def gaps_command(
    centre_type: str = typer.Option(
        "COAPH", "--centre-type", help="The type each province should have."
    ),
    places_type: list[str] = _PLACES_TYPE,
    missing_capacity: str = typer.Option(
        "median",
        "--missing-capacity",
        help="Places of a centre of unknown capacity: median (of the known ones) or a number.",
    ),
    fresh: Fresh = False,
    name: RunName = None,
    as_json: AsJson = False,
) -> None:
    """Policy gaps: provinces without a COAPH, regions short of places, Accessible Cities."""
    check_centre_type(centre_type)
    for kind in places_type or ():
        check_centre_type(kind)
    strategy = missing_capacity_option(missing_capacity, error_allowed=False)
    with db.connect(settings()) as conn:
        out = run_gaps(
            conn,
            centre_type=centre_type,
            places_types=places_type,
            fresh=fresh,
            name=name,
            missing_capacity=strategy,
        )
        # the centres of every status (the pipeline is listed) and the programme's cities
        demo = demo_rows(conn, {"centres": {}, "accessible_cities": {}})
    if as_json:
        emit_json(
            {
                **run_payload("gaps", out),
                **out.results,
                "demo_rows": demo,
            }
        )
        return
    _print_gaps(out)
    echo_demo_note(demo)


def register_equity(app: typer.Typer) -> None:
    """Add ``equity`` and ``gaps`` to ``app`` (called by ``walouja.cli.analysis.register``)."""
    app.command("equity")(friendly(equity_command))
    app.command("gaps")(friendly(gaps_command))
