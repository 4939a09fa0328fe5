"""What the Prioritise centres page shows: requests, solves, scenarios, the map and tables.

Solving and storing go through ``walouja.services.prioritise`` (the same functions as the
CLI), so a scenario computed in the app is the one ``walouja scenarios list`` shows; an
uploaded candidate file (read and located by ``geo.candidate_sites``) is solved and stored the
same way.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC
from typing import Any, Literal

import folium
import pandas as pd
import streamlit as st

from app import data, state
from app.components import mapview
from app.components.explorer import control_titles, source_credits
from app.components.figures import with_unit
from app.components.filters import shortened, type_tag
from app.components.tables import MISSING, screen_table
from app.context import app_settings
from app.i18n import bidi_own, current_language, is_rtl, join_list, name_column, t, tn
from app.shell import plain_markdown, typed_name
from geo import db, runs
from geo.candidate_sites import CandidateSites
from walouja.errors import InfeasibleError, ValidationError, WaloujaError
from walouja.services.prioritise import (
    DEFAULT_COST_MAD,
    HEADLINE_KEYS,
    Scenario,
    compare_scenarios,
    input_fingerprint,
    list_scenarios,
    load_scenario,
    name_sites,
    run_prioritise,
)

MODELS: tuple[str, ...] = ("mclp", "pmedian")
MODES: tuple[str, ...] = ("count", "budget")
CANDIDATE_SETS: tuple[str, ...] = ("communes", "layer", "upload")
# Walouja layers that can serve as candidate sites (point rows; others at a point on them)
CANDIDATE_LAYERS: tuple[str, ...] = ("centres", "transport_stops", "beaches", "accessible_cities")
DEFAULT_NEW = 5
DEFAULT_RADIUS_KM = 30.0
DEFAULT_BUDGET_MAD = 50_000_000.0
DEFAULT_TIME_LIMIT_S = 30.0
MIN_RADIUS_KM = 0.1
"""The radius box's lowest value (the command line takes any above 0: 100 m is the page's
step down from nothing)."""
MIN_TIME_LIMIT_S = 0.1
"""The time-limit box's lowest value (the command line takes any above 0)."""
PIPELINE_STATUSES: tuple[str, ...] = ("operating", "under_construction", "planned")
SITE_COLOUR = "#6a3d9a"
TOOLTIP_LIFT_PX = 16
"""A site's tooltip opens this far above its point: clear of its 26 px numbered marker."""
EXISTING_COLOUR = "#d62728"
SITE_CSS = (
    "<style>.walouja-site{background:" + SITE_COLOUR + ";color:#fff;border:2px solid #fff;"
    "border-radius:50%;width:26px;height:26px;line-height:22px;text-align:center;"
    "font:bold 13px/22px sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.5);}</style>"
)


@dataclass(frozen=True)
class Request:
    """What the planner asked for (the page's widgets)."""

    centre_type: str
    model: str
    radius_km: float
    new: int | None
    budget_mad: float | None
    cost_mad: float
    min_per_province: int
    include_pipeline: bool
    time_limit_s: float
    new_capacity: float | None = None
    forced: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # a site named twice (a link's p_force=X,X) is one site, as the service takes it
        object.__setattr__(self, "forced", tuple(dict.fromkeys(self.forced)))
        object.__setattr__(self, "excluded", tuple(dict.fromkeys(self.excluded)))

    @property
    def statuses(self) -> tuple[str, ...]:
        """Centre statuses counted as existing."""
        return PIPELINE_STATUSES if self.include_pipeline else ("operating",)

    def matches(self, params: Mapping[str, Any]) -> bool:
        """Whether a stored scenario's ``params`` answer this request (a run stored without
        its cost per centre was computed at its type's default)."""
        cost = params.get("cost_mad")
        kind = str(params.get("centre_type"))
        return (
            params.get("centre_type") == self.centre_type
            and params.get("model") == self.model
            and params.get("new") == self.new
            and _same(params.get("radius_km"), self.radius_km)
            and _same(params.get("budget_mad"), self.budget_mad)
            # 20 M MAD at 5 M a centre (4 sites) was shown as the answer at 2 M (10 sites)
            and _same(default_cost(kind) if cost is None else cost, self.cost_mad)
            and int(params.get("min_per_province") or 0) == self.min_per_province
            and sorted(params.get("statuses") or ()) == sorted(self.statuses)
            and _same(params.get("new_capacity"), self.new_capacity)
            and sorted(set(params.get("forced") or ())) == sorted(self.forced)
            and sorted(set(params.get("excluded") or ())) == sorted(self.excluded)
        )

    def clash(self) -> InfeasibleError | None:
        """The refusal of a site both kept and left out (a link's ``p_force=C&p_exclude=C``),
        as the analysis and the CLI refuse it; ``None`` when there is none."""
        both = [site for site in self.forced if site in set(self.excluded)]
        if not both:
            return None
        return InfeasibleError(
            f"forced/excluded: candidate {both[0]} is both forced and excluded",
            code="forced_and_excluded",
            params={"site": both[0]},
        )


REQUEST_KEYS: tuple[str, ...] = (
    "p_ctype", "p_model", "p_km", "p_minprov", "p_mode", "p_new", "p_budget", "p_cand",
    "p_cand_layer", "p_pipeline", "p_tl", "p_cap", "p_force", "p_exclude", "p_most",
)  # fmt: skip
"""Widget keys of the request (plus ``p_cost_<type>`` and ``p_cand_type_<layer>``)."""


def request_state(params: Mapping[str, Any]) -> dict[str, str]:
    """The page's address values that ask for a stored scenario's request again.

    Opening a saved scenario writes them to the address and lets the request widgets start
    from them, so the page shows the request the scenario answers. An uploaded file cannot
    be chosen again: the candidate set is then "upload", to be given anew.
    """
    from geo.candidate_sites import parse_layer_set

    kind = str(params.get("centre_type") or "COAPH")
    out = {
        "p_ctype": kind,
        "p_model": str(params.get("model") or "mclp"),
        "p_km": f"{float(params.get('radius_km') or DEFAULT_RADIUS_KM):g}",
        "p_minprov": str(int(params.get("min_per_province") or 0)),
        "p_tl": f"{float(params.get('time_limit_s') or DEFAULT_TIME_LIMIT_S):g}",
    }
    if params.get("budget_mad") is not None:
        out["p_mode"] = "budget"
        out["p_budget"] = f"{float(params['budget_mad']):.0f}"
        if params.get("new") is not None:  # at most so many within the budget
            out["p_most"] = str(int(params["new"]))
    else:
        out["p_mode"] = "count"
        out["p_new"] = str(int(params.get("new") or DEFAULT_NEW))
    if params.get("cost_mad") is not None:
        out[f"p_cost_{kind}"] = f"{float(params['cost_mad']):.0f}"
    if sorted(params.get("statuses") or ()) != ["operating"]:
        out["p_pipeline"] = "1"
    if params.get("new_capacity") is not None:
        out["p_cap"] = f"{float(params['new_capacity']):g}"
    for key, field in (("p_force", "forced"), ("p_exclude", "excluded")):
        if params.get(field):
            out[key] = ",".join(str(v) for v in params[field])
    source = params.get("candidates")
    if source is None:
        out["p_cand"] = "communes"
    elif (parsed := parse_layer_set(str(source))) is not None:
        out["p_cand"] = "layer"
        out["p_cand_layer"] = parsed[0]
        if parsed[1]:
            out[f"p_cand_type_{parsed[0]}"] = parsed[1]
    else:
        out["p_cand"] = "upload"
    return out


def _is_request_key(key: str) -> bool:
    name = key.split("~")[0]
    return name in REQUEST_KEYS or name.startswith(("p_cost_", "p_cand_type_"))


def wkey(name: str) -> str:
    """The widget key of the request field ``name`` (its address key).

    After "Open" the request widgets get new keys (``p_new~1``...): a browser keeps a keyed
    widget's value across reruns whatever the server says, so only new widgets start from
    the opened scenario's request, which :func:`open_request` writes to the address.
    """
    generation = int(st.session_state.get("p_gen", 0))
    return name if generation == 0 else f"{name}~{generation}"


def open_request(params: Mapping[str, Any]) -> None:
    """Make the request widgets start from a stored scenario's request on the next run."""
    for key in list(st.session_state):
        if _is_request_key(str(key)):
            del st.session_state[key]
    st.session_state["p_gen"] = int(st.session_state.get("p_gen", 0)) + 1
    for key in list(st.query_params):
        if _is_request_key(key):
            del st.query_params[key]
    for key, value in request_state(params).items():
        st.query_params[key] = value
    _remember_file(params)


REOPENED_FILE = "p_reopened_file"
"""Session key of the candidate file an opened scenario was computed on (its name)."""


def _remember_file(params: Mapping[str, Any]) -> None:
    """Keep the name of the file an opened scenario's candidates came from: the file box
    cannot be given it back, and the page asks for it (:func:`file_to_give_again`)."""
    from geo.candidate_sites import parse_layer_set, set_name

    source = params.get("candidates")
    if source is None or parse_layer_set(str(source)) is not None:
        st.session_state.pop(REOPENED_FILE, None)
    else:
        st.session_state[REOPENED_FILE] = set_name(str(source))


def file_to_give_again(upload: tuple[str, bytes] | None) -> str | None:
    """What to say when the file box is empty and the opened scenario was computed on a
    file: which file to give again to recompute or change it (``None``: nothing to say)."""
    name = st.session_state.get(REOPENED_FILE)
    if upload is not None or not isinstance(name, str):
        return None
    # the planner's file name, as typed: not read as Markdown
    return t("prioritise.upload_again", file=typed_name(name))


def open_linked_scenario() -> None:
    """Let the request's boxes start from the request of the scenario the address names,
    when the address carries nothing of a request and the boxes are not drawn yet (a link
    holding only ``scenario=ID``); once per scenario and session. A scenario that cannot be
    read is left to the page's own message."""
    linked = str(st.query_params.get("scenario", ""))
    if not linked.isdigit() or st.session_state.get("p_linked") == linked:
        return
    st.session_state["p_linked"] = linked
    asked = [*st.query_params, *map(str, st.session_state)]
    if any(_is_request_key(key) for key in asked):
        return
    try:
        params = load(int(linked))["params"]
    except WaloujaError:
        return
    for key, value in request_state(params).items():
        st.query_params[key] = value
    _remember_file(params)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b))


def commune_names() -> dict[str, str]:
    """``{code: "Commune (Province)"}`` in the page's language, for choosing sites by name."""
    communes = data.units("communes")
    provinces = data.units("provinces").set_index("code")[name_column()]
    column = name_column()
    return {
        str(code): f"{name} ({provinces.get(province, province)})"
        for code, name, province in zip(
            communes["code"], communes[column], communes["province_code"], strict=True
        )
    }


def default_cost(centre_type: str) -> float:
    """The default cost of one new centre of ``centre_type`` (MAD)."""
    return float(DEFAULT_COST_MAD.get(centre_type, DEFAULT_COST_MAD["other"]))


# ---- URL-backed numbers -------------------------------------------------------------------


def start_number(
    key: str, default: float, *, lo: float, hi: float, label: str | None = None
) -> float:
    """Start value of a keyed number input: its own value, else the URL's, else ``default``.

    A link's value the box cannot take (not a number, or outside ``lo``–``hi``) is noted
    under the box's ``label``, for :func:`say_link_refusals`: the page opened at the default
    without a word."""
    for candidate in (st.session_state.get(key), st.query_params.get(key)):
        try:
            value = float(candidate)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if math.isfinite(value) and lo <= value <= hi:
            return value
    _note_link_refusal(key, label, lo, hi, default)
    return default


def start_count(key: str, *, hi: int, label: str | None = None) -> int | None:
    """Start value of an optional count box (``None``: empty): its own value, else the
    URL's when a whole number from 1 to ``hi`` (another is noted as by :func:`start_number`)."""
    for candidate in (st.session_state.get(key), st.query_params.get(key)):
        if isinstance(candidate, int) and 1 <= candidate <= hi:
            return candidate
        if isinstance(candidate, str) and candidate.isdigit() and 1 <= int(candidate) <= hi:
            return int(candidate)
    _note_link_refusal(key, label, 1, hi, None)
    return None


_LINK_REFUSALS = "p_link_refusals"
"""Session key of the link values a request box could not take: box key → what to say."""


def _note_link_refusal(
    key: str, label: str | None, lo: float, hi: float, shown: float | None
) -> None:
    asked = st.query_params.get(key)
    if label is None or asked is None or st.session_state.get(key) is not None:
        return
    lang = current_language()
    text = t(
        "prioritise.link_value_refused",
        asked=bidi_own(plain_markdown(shortened(str(asked))), lang),
        box=label,
        lo=mapview.fmt_number(lo, decimals=_decimals(lo), lang=lang),
        hi=mapview.fmt_number(hi, decimals=_decimals(hi), lang=lang),
        shown="—" if shown is None else mapview.fmt_number(shown, decimals=_decimals(shown)),
    )
    st.session_state.setdefault(_LINK_REFUSALS, {})[key] = (text, shown)


def _same_number(a: Any, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), b)


def _decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def say_link_refusals() -> None:
    """Say each link value a request box could not take, and what the box shows instead,
    until the reader changes that box (as the Coverage page says a threshold it lacks)."""
    notes: dict[str, tuple[str, float | None]] = st.session_state.get(_LINK_REFUSALS, {})
    for key, (text, shown) in list(notes.items()):
        now = st.session_state.get(wkey(key))
        if _same_number(now, shown):
            st.info(text)
        else:
            del notes[key]


def publish_number(key: str, value: float, default: float) -> None:
    """Write a number to the URL (``5`` rather than ``5.0``; removed when default)."""
    if math.isclose(value, default):
        state.remember(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    state.remember(key, text)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


# ---- the request's boxes and the solve's message -----------------------------------------


def type_glossary(types: Sequence[str]) -> str:
    """The help of the centre-type box: every type by its whole name, one a line (the box
    may be too narrow for them)."""
    from app.components.filters import type_choice

    return "\n".join(f"- {type_choice(kind)}" for kind in types)


def amount_mad(value: float) -> str:
    """An amount in dirhams as the page writes it (``50 000 000 MAD``, ``50,000,000 MAD``,
    ``50 000 000 درهم``): a number box cannot group its digits."""
    return t("prioritise.amount_mad", amount=mapview.fmt_number(value))


def solved_label(solved: Scenario) -> str:
    """What the progress box says once the solve is over: solved, already computed, or
    stopped at the time limit with the best sites found (not proven optimal)."""
    results = solved.results
    took = seconds(float(results.get("duration_s") or 0.0))
    proven = bool(results.get("optimal"))
    if solved.reused:
        key = "prioritise.solved_stored" if proven else "prioritise.solved_stored_unproven"
        return t(key, id=solved.run_id)
    if proven:
        return t("prioritise.solved", s=took)
    if results.get("status") == "time_limit":
        return t("prioritise.solved_time_limit", s=took)
    return t("prioritise.solved_unproven", s=took)


def seconds(value: float, *, lang: str | None = None) -> str:
    """A duration in seconds as the page writes it: to a tenth of a second, to a hundredth
    under 0,1 s ("Résolu en 0,03 s": "0,0 s" read as if it took no time)."""
    return mapview.fmt_number(value, decimals=1 if value >= 0.095 else 2, lang=lang)


def unproven_text(results: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The one message of a scenario not proven optimal: what it returned (the best sites
    found, and by what), how far they are proven to be from the best possible (or that no
    useful bound was proven), and what to do (more time, or fewer candidate sites).

    A gap of 100 % or more says only that no useful bound was proven yet.
    """
    gap = results.get("gap")
    useful = gap is not None and float(gap) < 1.0
    fields = {
        "gap": "—" if gap is None else mapview.fmt_number(100 * float(gap), decimals=2),
        "source": t(f"prioritise.source.{results.get('solution_source') or 'milp'}"),
    }
    status = str(results.get("status"))
    if status == "time_limit":
        limit = float(params.get("time_limit_s") or results.get("solve_time_s") or 0.0)
        return t(
            "prioritise.time_limit_gap" if useful else "prioritise.time_limit_nobound",
            limit=mapview.fmt_number(limit, decimals=0 if limit.is_integer() else 1),
            **fields,
        )
    return t(
        "prioritise.not_optimal" if useful else "prioritise.not_optimal_nobound",
        status=status,
        s=mapview.fmt_number(results.get("solve_time_s"), decimals=2),
        **fields,
    )


# ---- signed figures ------------------------------------------------------------------------

LRI, PDI = "\u2066", "\u2069"
"""Unicode's left-to-right isolate and its end: a signed figure kept as one run."""
FSI = "\u2068"
"""Unicode's first-strong isolate: a run laid out by its own first letter (a planner's name
for a scenario, in Arabic or Latin letters)."""


def isolated(
    text: str, *, direction: Literal["ltr", "auto"] = "ltr", lang: str | None = None
) -> str:
    """``text`` as one run of its own on a right-to-left page (left to right, or by its first
    letter with ``direction="auto"``), so that the figures beside it stay with their words;
    as is on a left-to-right page, and when empty."""
    if not text or not is_rtl(lang or current_language()):
        return text
    return f"{LRI if direction == 'ltr' else FSI}{text}{PDI}"


def signed(change: float, *, decimals: int = 0, lang: str | None = None) -> str:
    """A change as the page writes it, with its sign: ``+158 925``, ``-0,091``. On a
    right-to-left page the figure is isolated as one left-to-right run, so that its sign
    stays before it (it read ``158 925+`` and ``0,091-`` in Arabic)."""
    lang = lang or current_language()
    text = mapview.fmt_number(change, decimals=decimals, lang=lang)
    if text.lstrip("-").strip("0,.\u202f") == "":
        text = text.lstrip("-")  # "-0,000" is no change
    elif change > 0:
        text = f"+{text}"
    return f"{LRI}{text}{PDI}" if is_rtl(lang) else text


def delta_style(change: float, *, decimals: int = 0, inverse: bool = False) -> dict[str, Any]:
    """``st.metric``'s arrow and colour of a change (Streamlit reads them from a leading
    "-", which an isolated figure no longer has): up and green for a rise, down and red for
    a fall (``inverse``: a fall is the good news), none and grey for no change."""
    if round(change, decimals) == 0:
        return {"delta_arrow": "off", "delta_color": "gray"}
    rise = change > 0
    good = rise != inverse
    return {"delta_arrow": "up" if rise else "down", "delta_color": "green" if good else "red"}


# ---- solving and scenarios ---------------------------------------------------------------


def _solve_kwargs(request: Request) -> dict[str, Any]:
    return {
        "centre_type": request.centre_type,
        "model": request.model,
        "new": request.new,
        "radius_km": request.radius_km,
        "min_per_province": request.min_per_province,
        "budget_mad": request.budget_mad,
        "cost_mad": request.cost_mad,
        "time_limit_s": request.time_limit_s,
        "statuses": request.statuses,
        "new_capacity": request.new_capacity,
        "forced": request.forced,
        "excluded": request.excluded,
    }


def solve(request: Request, candidates: CandidateSites | None = None) -> Scenario:
    """Solve ``request`` (on the communes, or on uploaded ``candidates``) and store it; a
    stored scenario of the same request on unchanged data is returned as is.

    Raises ``WaloujaError`` (``InfeasibleError`` naming the constraint that cannot be met).
    """
    with db.connect(app_settings()) as conn:
        if candidates is None:
            return run_prioritise(conn, **_solve_kwargs(request))
        return run_prioritise(
            conn,
            candidates=candidates.frame,
            candidates_source=candidates.source,
            **_solve_kwargs(request),
        )


@st.cache_data(show_spinner=False, max_entries=32)
def _load(run_id: int, version: str) -> dict[str, Any]:
    with db.connect(app_settings()) as conn:
        scenario = load_scenario(conn, int(run_id))
        run = runs.get_run(conn, int(run_id))
    return {
        "id": scenario.run_id,
        "params": scenario.params,
        "results": scenario.results,
        "name": run.name,
        "created_at": run.created_at,
        "fingerprint": run.fingerprint,
    }


def load(run_id: int) -> dict[str, Any]:
    """A stored scenario as ``{"id", "params", "results", "name", "created_at",
    "fingerprint"}`` (cached per data version: a stored run's results never change; naming
    one clears the cache, see :func:`save_named`)."""
    return _load(int(run_id), data.data_version())


@st.cache_data(show_spinner=False, max_entries=2)
def _input_fingerprint(version: str) -> str:
    with db.connect(app_settings()) as conn:
        return input_fingerprint(conn)


def data_changed_note(scenario: Mapping[str, Any]) -> str | None:
    """What to know of a ``scenario`` (:func:`load`) computed before the communes or the
    centres changed: when it was computed, that its figures are those of then and how to
    recompute; ``None`` when the data are those it was computed on."""
    if scenario.get("fingerprint") == _input_fingerprint(data.data_version()):
        return None
    return t("prioritise.data_changed", when=isolated(utc_time(scenario.get("created_at"))))


def save_named(run_id: int, name: str) -> int:
    """Keep scenario ``run_id`` under ``name`` (its label in ``analysis_runs``); its id."""
    with db.connect(app_settings()) as conn:
        runs.rename_run(conn, int(run_id), name.strip())
    _load.clear()  # the cached scenario carries its old name
    return int(run_id)


def name_scenario(run_id: int) -> None:
    """The "Name" button's callback: keep scenario ``run_id`` under the name typed in
    ``p_name`` and show it, named, with the scenario boxes worded anew (``p_named`` holds
    ``(id, name)`` for the page's message, or the ``WaloujaError`` to show)."""
    name = str(st.session_state.get("p_name") or "").strip()
    if not name:
        return
    try:
        saved = save_named(int(run_id), name)
    except WaloujaError as exc:
        st.session_state["p_named"] = exc
        return
    st.session_state["p_run_id"] = saved
    st.session_state["p_named"] = (saved, name)
    state.relabel_selects()
    follow_scenario(saved)


def follow_scenario(run_id: int) -> None:
    """Point the box of scenarios to reopen and the comparison's B at ``run_id``, the
    scenario just computed or named (before they are drawn): they kept showing the one
    listed first when the page opened, and the new one was compared with nothing."""
    st.session_state["p_reload"] = int(run_id)
    st.session_state["p_cmp_b"] = int(run_id)


def scenarios(include: int | None = None) -> list[dict[str, Any]]:
    """Stored scenarios, newest first (id, name, created_at, params), with ``include`` (the
    scenario the page shows) even when it is older than the newest 200."""
    with db.connect(app_settings()) as conn:
        return list_scenarios(conn, include=include)


def compare(a: int, b: int) -> dict[str, Any]:
    """Two stored scenarios side by side (see ``walouja.services.prioritise.compare_scenarios``)."""
    with db.connect(app_settings()) as conn:
        return compare_scenarios(conn, int(a), int(b))


def describe(params: Mapping[str, Any], *, markdown: bool = False) -> str:
    """One translated line describing a request; ``markdown`` when the page shows it as
    Markdown (a caption): a file's name is then as typed (:func:`candidates_label`)."""
    amount = (
        t("prioritise.describe.budget", budget=mapview.fmt_number(params["budget_mad"]))
        if params.get("budget_mad") is not None
        else tn("prioritise.describe.new", int(params.get("new") or 0))
    )
    text = t(
        "prioritise.describe",
        model=t(f"prioritise.model.{params.get('model')}"),
        # a run of its own in Arabic: "COAPH، 5 مراكز" took the count into the acronym's
        # left-to-right run and read "(MCLP)، 5 ،COAPH مراكز جديدة"
        type=isolated(type_tag(params.get("centre_type"))),
        amount=amount,
        km=f"{float(params.get('radius_km') or 0):g}",
    )
    if params.get("budget_mad") is not None and params.get("new") is not None:
        # a budget and a count (`--budget-mad B --new N`) read as the budget alone
        text += " · " + t("prioritise.describe.most", n=mapview.fmt_number(int(params["new"])))
    cost = params.get("cost_mad")
    kind = str(params.get("centre_type"))
    if cost is not None and (
        params.get("budget_mad") is not None or not math.isclose(float(cost), default_cost(kind))
    ):
        # the cost of a centre: 20 M MAD at 5 M and at 2 M (4 or 10 sites) read alike
        text += " · " + t("prioritise.describe.cost", cost=mapview.fmt_number(float(cost)))
    if sorted(params.get("statuses") or ("operating",)) != ["operating"]:
        # the centres decided counted as existing: other sites than the request without
        text += " · " + t("prioritise.describe.pipeline")
    if params.get("min_per_province"):
        text += " · " + t("prioritise.describe.min", k=params["min_per_province"])
    if params.get("candidates"):
        text += " · " + candidates_label(str(params["candidates"]), markdown=markdown)
    if params.get("new_capacity") is not None:
        places = mapview.fmt_number(float(params["new_capacity"]))
        text += " · " + t("prioritise.describe.capacity", n=places)
    for field in ("forced", "excluded"):
        if params.get(field):  # each site once (an older run may hold one twice)
            text += " · " + t(f"prioritise.describe.{field}", n=len(set(params[field])))
    return text


def candidates_label(source: str, *, markdown: bool = False) -> str:
    """A stored candidate set (``layer centres EPS#…``, ``sites.csv#…``) in words; in a
    Markdown text (``markdown``) a file's name as typed (``plan_*urgent*_v2.csv`` read
    "plan_urgent_v2.csv" with *urgent* in italics)."""
    from geo.candidate_sites import parse_layer_set, set_name

    parsed = parse_layer_set(source)
    if parsed is None:
        # a file's own "#" kept ("sites#2.csv" read "sites")
        name = set_name(source)
        return t("prioritise.describe.file", file=typed_name(name) if markdown else name)
    layer, kind = parsed
    label = t(f"layer.{layer}") + (f" ({_type_word(layer, kind)})" if kind else "")
    return t("prioritise.describe.layer", layer=label)


def _type_word(layer: str, value: str) -> str:
    """A type in words (``EPS`` for centres, ``Tramway`` for ``tram``), as stored if unknown."""
    key = f"{layer_type_key(layer)}.{value}"
    word = t(key)
    if word == f"⟦{key}⟧" or word.endswith(f"({value})"):
        # unknown, or an Arabic name that ends with its acronym: the acronym, as in French
        # ("المراكز (EPS)", not "المراكز (مؤسسة الرعاية الاجتماعية (EPS))")
        return value
    return word.split(" — ")[0]


def same_candidates(
    params: Mapping[str, Any],
    candidate_set: str,
    layer: str | None,
    type_value: str | None,
    upload: tuple[str, bytes] | None = None,
    *,
    layer_source: str | None = None,
) -> bool:
    """Whether a stored scenario used the candidate set chosen on the page: the communes,
    the layer (and type) as its rows are now (``layer_source``: the set the page reads,
    ``None`` when the layer gives none), or the file in use (``upload``: its name and
    content, compared by the digest its stored set carries; any file's scenario while none
    is given).

    Another file given in place of the first showed the first file's sites with no word
    that they answer another request; so did a layer with a row added, moved or taken out
    since the scenario. A layer's scenario stored without a digest of its rows is taken to
    answer the layer (there is nothing to compare).
    """
    from geo.candidate_sites import parse_layer_set, set_digest

    source = params.get("candidates")
    if candidate_set == "communes":
        return source is None
    if source is None:
        return False
    parsed = parse_layer_set(str(source))
    if candidate_set == "layer":
        if parsed != (layer, type_value):
            return False
        stored = set_digest(str(source))
        return stored is None or (layer_source is not None and set_digest(layer_source) == stored)
    if parsed is not None:
        return False
    return upload is None or str(source).split("#")[-1] == file_digest(upload[1])


def layer_rows_changed(
    params: Mapping[str, Any],
    candidate_set: str,
    layer: str | None,
    type_value: str | None,
    layer_source: str | None,
) -> bool:
    """Whether a stored scenario took its sites from the layer (and type) chosen on the page
    when it held other rows (``layer_source``: the set the page reads now, ``None`` when the
    layer gives none): a row added, moved, edited or taken out since. ``False`` for another
    candidate set, and for a layer's set stored without the digest of its rows."""
    from geo.candidate_sites import parse_layer_set, set_digest

    source = params.get("candidates")
    if candidate_set != "layer" or not source:
        return False
    if parse_layer_set(str(source)) != (layer, type_value):
        return False
    stored = set_digest(str(source))
    if stored is None:
        return False
    return layer_source is None or set_digest(layer_source) != stored


def file_digest(content: bytes) -> str:
    """The digest of a candidate file's ``content`` that its stored set carries after ``#``
    (``sites.csv#<digest>``: ``geo.candidate_sites.load_candidates``)."""
    import hashlib

    return hashlib.sha256(content).hexdigest()[:16]


def candidates_left(params: Mapping[str, Any], sites: Any, n_communes: int) -> int | None:
    """How many candidate sites a stored scenario could choose from: its set less the sites
    left out; ``None`` when the page does not hold that set (another file or layer chosen
    since, or no file given yet).

    ``sites`` is the page's ``CandidateSites`` (or ``None``); its ``source`` names the set as
    the scenario stored it (a file's name and content, a layer and its rows).
    """
    source = params.get("candidates")
    if source is None:
        total = int(n_communes)
    elif sites is not None and str(getattr(sites, "source", "")) == str(source):
        total = len(sites.frame)
    else:
        return None
    return max(total - len(params.get("excluded") or []), 0)


def affordable(params: Mapping[str, Any]) -> int:
    """How many new centres a stored request's budget pays for at its cost per centre (0
    without a budget)."""
    budget, cost = params.get("budget_mad"), params.get("cost_mad")
    if budget is None or not cost or float(cost) <= 0:
        return 0
    return int(float(budget) // float(cost))


def utc_time(stamp: Any, *, seconds: bool = False) -> str:
    """When a scenario was computed (``created_at``: a time or its ISO text), to the minute
    (or second) and saying its zone: ``2026-11-30 21:53 UTC``. The database's UTC time,
    shown bare, read as Moroccan time an hour off; "—" when unknown.

    Examples
    --------
    >>> utc_time("2026-11-30T21:53:07.5+00:00"), utc_time("2026-11-30T22:53:07+01:00", seconds=True)
    ('2026-11-30 21:53 UTC', '2026-11-30 21:53:07 UTC')
    >>> utc_time(None)
    '—'
    """
    from datetime import datetime

    if stamp is None or stamp == "":
        return "—"
    when = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def scenario_label(row: Mapping[str, Any]) -> str:
    """How a stored scenario is listed: ``#12 — name — request``."""
    parts = [f"#{row['id']}"]
    if row.get("name"):
        parts.append(isolated(str(row["name"]), direction="auto"))
    parts.append(describe(row["params"]))
    # "2026-11-30 06:32" read "06:32 30-11-2026" in Arabic (each number a run of its own)
    parts.append(isolated(utc_time(row.get("created_at"))))
    return " — ".join(parts)


# ---- infeasible requests -------------------------------------------------------------------

CONSTRAINT_OF_CODE: dict[str, str] = {
    "budget_buys_nothing": "budget",
    "forced_over_budget": "budget",
    "minimum_over_budget": "budget",
    "minimum_needs_more_centres": "min_per_province",
    "province_lacks_candidates": "min_per_province",
    "forced_exceed_new": "new",
    "too_few_places": "capacity",
    "forced_and_excluded": "forced",
}
"""The rule each refusal of the analysis (``walouja.errors.REQUEST_CODES``) names; any
other refusal breaks the rules together (``all``)."""


def constraint_of(exc: InfeasibleError) -> str:
    """Which rule an infeasible request breaks: budget, min_per_province, new, capacity,
    forced or all (no single rule: the rules together), by the refusal's code."""
    return CONSTRAINT_OF_CODE.get(str(exc.code), "all")


def _mad(value: object) -> str:
    """An amount of a refusal's params as the page writes figures."""
    return mapview.fmt_number(float(str(value)))


def _province_named(code: str) -> str:
    """A province by its name in the page's language and its code (its code alone when the
    geography does not have it)."""
    named = data.units("provinces").set_index("code")[name_column()]
    return f"{named[code]} ({code})" if code in named.index else code


def _rules_broken(params: Mapping[str, Any]) -> str:
    """The rules a request sets (``no_feasible_set``'s params), listed in words."""
    rules = []
    if params.get("new") is not None:
        rules.append(tn("prioritise.count.new_centres", int(str(params["new"]))))
    if params.get("budget") is not None:
        rules.append(t("prioritise.infeasible.rule.budget", budget=_mad(params["budget"])))
    if params.get("per_province"):
        per_province = tn("prioritise.count.centres", int(str(params["per_province"])))
        rules.append(t("prioritise.infeasible.rule.per_province", per_province=per_province))
    if params.get("forced"):
        rules.append(tn("prioritise.infeasible.rule.forced", int(str(params["forced"]))))
    if params.get("capacities"):
        rules.append(t("prioritise.infeasible.rule.capacities"))
    return join_list(rules)


def infeasible_detail(
    exc: InfeasibleError,
    *,
    communes: bool = True,
    site_names: Mapping[str, str] | None = None,
) -> str | None:
    """The refusal worded in the page's language from its code and params (the figures as
    the page writes them), with what to change; None for a refusal without a known code.

    ``communes`` says whether the candidates are the communes (else a layer's or a file's
    sites, which the texts then call sites); ``site_names`` names the sites.
    """
    sites = "" if communes else "_sites"
    names = {**commune_names(), **(site_names or {})} if communes else dict(site_names or {})
    p = exc.params
    code = exc.code

    def count(key: str, name: str) -> str:
        return tn(key, int(str(p[name])))

    if code == "budget_buys_nothing":
        return t(
            "prioritise.infeasible.budget_buys_nothing",
            budget=_mad(p["budget"]),
            cost=_mad(p["cost"]),
            type=type_tag(str(p["type"])),
        )
    if code == "minimum_needs_more_centres":
        return t(
            "prioritise.infeasible.needs_new",
            per_province=count("prioritise.count.centres", "per_province"),
            needed=count("prioritise.count.new_centres", "needed"),
            asked=mapview.fmt_number(int(str(p["new"]))),
        )
    if code == "minimum_over_budget":
        return t(
            "prioritise.infeasible.needs_mad",
            budget=_mad(p["budget"]),
            per_province=count("prioritise.count.centres", "per_province"),
            needed=_mad(p["needed"]),
        )
    if code == "forced_and_excluded":
        site = str(p["site"])
        named = names.get(site, site)
        # a file's or a layer's site by its name as typed ("Site *A*" read "Site A" in italics)
        return t(
            f"prioritise.infeasible.both{sites}", site=plain_markdown(named) if sites else named
        )
    if code == "forced_exceed_new":
        return t(
            f"prioritise.infeasible.forced_count{sites}",
            kept=count(f"prioritise.count.{'sites' if sites else 'communes'}", "forced"),
            new=count("prioritise.count.new_centres", "new"),
            asked=count("prioritise.count.centres", "forced"),
        )
    if code == "forced_over_budget":
        return t(
            f"prioritise.infeasible.forced_cost{sites}",
            cost=_mad(p["cost"]),
            budget=_mad(p["budget"]),
        )
    if code == "too_few_places":
        return t(
            "prioritise.infeasible.too_few_places",
            places=_mad(p["places"]),
            demand=_mad(p["demand"]),
        )
    if code == "province_lacks_candidates":
        available = int(str(p["available"]))
        said = t(
            f"prioritise.infeasible.{'no_candidate' if available else 'no_candidate_none'}",
            province=_province_named(str(p["province"])),
            need=count("prioritise.count.new_centres", "need"),
            have=tn("prioritise.count.candidate_sites", available),
        )
        # the other provinces short too, all at once (an older refusal has no count)
        others = int(str(p.get("others") or 0))
        if others:
            said += " " + tn("prioritise.infeasible.no_candidate_others", others)
        # what to do, as every other refusal says: it said only what was missing
        return f"{said} {t(f'prioritise.infeasible.no_candidate_advice{sites}')}"
    if code == "no_feasible_set":
        return t("prioritise.infeasible.no_feasible_set", rules=_rules_broken(p))
    if code == "demand_without_site":
        point = str(p["point"])
        # the demand points are the communes, whatever the candidate sites
        commune = commune_names().get(point, point)
        return t("prioritise.infeasible.demand_without_site", commune=commune)
    return None


# ---- tables --------------------------------------------------------------------------------


def measure(results: Mapping[str, Any]) -> str:
    """What a scenario's objective, sites and tables count: its model without places per
    centre (``MCLP``: persons covered, ``PMedian``: person-km to the nearest centre); with
    places, ``served`` for the MCLP (persons served within the places) and ``assigned`` for
    the p-median (person-km to the centre that gives each person a place, every site's
    places filled at whatever distance).

    A p-median with places was read as ``served``: its person-km as "persons served", its
    km to the assigned centre as to the nearest."""
    if not within_places(results):
        return str(results.get("model"))
    return "assigned" if results.get("model") == "PMedian" else "served"


def within_places(results: Mapping[str, Any]) -> bool:
    """Whether a scenario had places per centre: its persons ``pwd_covered_before/after``
    are then served within the places (within the radius; for a p-median measured as the
    MCLP measures them), not covered."""
    return "capacitated" in str(results.get("gain_measure") or "")


def equity_why(results: Mapping[str, Any]) -> str:
    """Why a scenario has no equity index before its new centres, in the page's language:
    no existing centre, their places cannot take everyone (a p-median with places), or
    nobody was covered (or served) by them."""
    if not results.get("n_existing"):
        return t("prioritise.equity_why.no_centre")
    if measure(results) == "assigned":
        return t("prioritise.equity_why.places")
    return t("prioritise.equity_why.nobody")


def gain_unit(kind: str) -> str:
    """The translated unit of a site's gain (a :func:`measure`)."""
    return t(f"prioritise.gain.{kind}")


def site_name(site: Mapping[str, Any], lang: str | None = None) -> str:
    """A proposed site's own name in the page's language (Arabic when the site has one),
    else its French name, else its id."""
    arabic = (lang or current_language()) == "ar"
    for key in ("name_ar", "name_fr") if arabic else ("name_fr",):
        value = site.get(key)
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        if not missing and str(value).strip():
            return str(value)
    return str(site.get("site_id") or site.get("commune_code") or "")


@dataclass(frozen=True)
class Table:
    """A table of the page before it is drawn: ``frame`` under its own column names, the
    ``headers`` it shows, the ``decimals`` of its figures (written as the page writes them,
    see :func:`app.components.tables.screen_table`), and ``widths`` and ``helps`` of some
    columns."""

    frame: pd.DataFrame
    headers: dict[str, str]
    decimals: dict[str, int]
    widths: dict[str, int] = dataclasses.field(default_factory=dict)
    helps: dict[str, str] = dataclasses.field(default_factory=dict)
    row_height: int | None = None
    """Pixels of a row, tall enough for its texts to wrap (None: one line)."""

    @property
    def empty(self) -> bool:
        """Whether the table has no row."""
        return self.frame.empty

    def screen(self) -> tuple[Any, dict[str, Any]]:
        """``st.dataframe``'s ``data`` (a Styler: figures in the page's language, whatever
        the browser's locale) and ``column_config`` (mirrored in Arabic)."""
        return screen_table(
            self.frame,
            self.headers,
            {c: d for c, d in self.decimals.items() if c in self.frame.columns},
            widths=self.widths,
            helps=self.helps,
        )


def show_table(table: Table) -> None:
    """Draw ``table`` across the page (its rows as tall as :attr:`Table.row_height`)."""
    data, config = table.screen()
    height: int | Literal["auto", "content"] = "auto"
    if table.row_height is not None:
        # Streamlit's own height (at most 400 px) counts one-line rows: it cut the fifth of
        # five wrapped sites; the first ten show whole, more scroll
        rows = len(table.frame)
        height = "content" if rows <= SHOWN_ROWS else HEADER_PX + SHOWN_ROWS * table.row_height
    st.dataframe(
        data,
        hide_index=True,
        placeholder=MISSING,
        width="stretch",
        height=height,
        column_config=config,
        row_height=table.row_height,
    )


SHOWN_ROWS = 10
"""Rows a table of wrapped rows shows before it scrolls."""
HEADER_PX = 38
"""Pixels of a table's heading row and borders."""


TEXT_PX_PER_CHAR = 6.6
"""Pixels a letter or digit takes in a table's 14 px font, Latin or Arabic, a little over
what Chromium draws on average (6.0 for an Arabic name, 6.3 for a Latin one, 7 for a
digit); a space or a point takes half (:data:`NARROW`)."""
NARROW = frozenset(" .,;:'-()")
CELL_PADDING_PX = 16
"""Pixels of a table cell's padding, left and right together."""
LINE_PX = 20
"""Pixels of one line of wrapped text in a table row."""
TABLE_PX = 904
"""Pixels of a table across the page at 1366 px beside the sidebar (wider screens give more)."""
WRAP_ROW_PX = 65
"""The least row height at which Streamlit's grid wraps its texts (more than 4 rem)."""
MAX_LINES = 4
"""Lines a row grows to at most (about 130 characters in the sites column at 1366 px)."""


def text_px(text: str) -> float:
    """The width ``text`` takes in a table cell at most (an estimate on the safe side)."""
    narrow = sum(c in NARROW for c in text)
    return TEXT_PX_PER_CHAR * (len(text) - narrow) + TEXT_PX_PER_CHAR / 2 * narrow


def wrapped_row_height(frame: pd.DataFrame, widths: Mapping[str, int]) -> int | None:
    """The row height at which every text of ``frame``'s columns of ``widths`` reads whole at
    1366 px, wrapped on as many lines as its column needs (None when each fits on one line).

    The grid shares the room its columns leave in :data:`TABLE_PX` equally among them."""
    shown = [c for c in frame.columns if c in widths]
    spare = max(TABLE_PX - sum(widths[c] for c in shown), 0) / max(len(shown), 1)
    lines = 1
    for column in shown:
        if pd.api.types.is_numeric_dtype(frame[column]):
            continue
        room = max(widths[column] + spare - CELL_PADDING_PX, 1.0)
        longest = max((text_px(str(v)) for v in frame[column].dropna()), default=0.0)
        lines = max(lines, math.ceil(longest / room))
    if lines <= 1:
        return None
    return max(WRAP_ROW_PX, LINE_PX * min(lines, MAX_LINES) + CELL_PADDING_PX)


SITE_WIDTHS: dict[str, int] = {
    "rank": 55,
    "site_name": 165,
    "commune_name": 105,
    "province_name": 105,
    "gain": 130,
    "cumulative": 90,
    "cost_mad": 100,
    "kept": 60,
    "commune_code": 90,
}
"""Pixels of the sites table's columns: the whole table (900 px with a layer's sites and
kept ones) fits a 1366 px screen beside the sidebar in every language, headings included;
the commune's code comes last, and a layer's or a file's site id is left to the downloads
(and a file's, the planner's own, to the map's popups)."""


def sites_table(results: Mapping[str, Any]) -> Table:
    """The proposed sites by rank: name (a layer's or a file's site: its own name, then its
    commune), province, gain, cumulative gain, cost, kept (when the request kept any) and
    the commune's code last."""
    sites = pd.DataFrame(results.get("sites") or [])
    unit = measure(results)
    headers = {
        "rank": t("prioritise.col.rank"),
        "site_name": t("prioritise.col.site"),
        "commune_name": t("level.communes.one"),
        "province_name": t("level.provinces.one"),
        "gain": t(f"prioritise.col.gain.{unit}"),
        "cumulative": t("prioritise.col.cumulative"),
        "cost_mad": t("prioritise.col.cost"),
        "kept": t("prioritise.col.kept"),
        "commune_code": t("field.code"),
    }
    decimals = {"rank": 0, "gain": 0, "cumulative": 0, "cost_mad": 0}
    helps = {
        "gain": t("prioritise.col.gain_help", unit=gain_unit(unit)),
        "cumulative": t("prioritise.col.cumulative_help"),
    }
    if sites.empty:
        return Table(sites, headers, decimals)
    communes = data.units("communes").set_index("code")
    provinces = data.units("provinces").set_index("code")
    col = name_column()
    sites["commune_name"] = sites["commune_code"].map(communes[col])
    columns = ["rank", "commune_name"]
    if "site_id" in sites.columns:  # a layer's or a file's sites: their own name first
        names = [site_name(s) for s in results.get("sites") or []]
        twice = pd.Series(names).duplicated(keep=False).tolist()
        # two sites of one name are told apart by their id, as the lists of sites do
        sites["site_name"] = [
            f"{n} · {s.get('site_id')}" if dup else n
            for n, s, dup in zip(names, results.get("sites") or [], twice, strict=True)
        ]
        columns = ["rank", "site_name", "commune_name"]
    sites["province_name"] = sites["province_code"].map(provinces[col])
    sites["gain"] = pd.to_numeric(sites["gain"], errors="coerce")
    sites["cumulative"] = sites["gain"].cumsum()
    columns += ["province_name", "gain", "cumulative"]
    if "cost_mad" in sites.columns and sites["cost_mad"].notna().any():
        columns.append("cost_mad")
    if "forced" in sites.columns and sites["forced"].fillna(False).astype(bool).any():
        sites["kept"] = sites["forced"].map(lambda f: t("yes") if f else "")
        columns.append("kept")
    columns.append("commune_code")
    out = sites[columns].copy()
    out[["gain", "cumulative"]] = out[["gain", "cumulative"]].round(0)
    # long names (an Arabic "مؤسسة الرعاية الاجتماعية السلام — قصبة تادلة", a file's own
    # names) wrap in their column rather than being cut where the sites still look alike
    return Table(
        out,
        headers,
        decimals,
        widths=dict(SITE_WIDTHS),
        helps=helps,
        row_height=wrapped_row_height(out, SITE_WIDTHS),
    )


def _national(rows: pd.DataFrame, model: str) -> dict[str, Any]:
    """The nation's row from the regions': a figure unknown in one region is unknown for
    the nation (a sum skipping them read "0.0 km before, 0 saved" when no region had one)."""

    def figures(column: str) -> pd.Series:
        return pd.to_numeric(rows[column], errors="coerce").astype(float)

    pwd = figures("pwd")
    total: dict[str, Any] = {"pwd": pwd.sum()}
    if model == "MCLP":
        for c in ("covered_before", "covered_after", "gain"):
            total[c] = figures(c).sum(skipna=False)
        total["share_before"] = total["covered_before"] / total["pwd"]
        total["share_after"] = total["covered_after"] / total["pwd"]
    else:
        for c in ("mean_km_before", "mean_km_after"):
            person_km = (figures(c) * pwd).where(pwd > 0, 0.0)
            total[c] = person_km.sum(skipna=False) / total["pwd"]
        total["person_km_saved"] = figures("person_km_saved").sum(skipna=False)
    return total


UNIT_DECIMALS: dict[str, int] = {
    "pwd": 0,
    "covered_before": 0,
    "covered_after": 0,
    "gain": 0,
    "share_before": 1,
    "share_after": 1,
    "mean_km_before": 1,
    "mean_km_after": 1,
    "person_km_saved": 0,
}
"""Decimals of the before/after tables: persons whole, shares in % and km to a tenth."""


def unit_table(results: Mapping[str, Any], level: str) -> Table:
    """Before/after per ``province`` or ``region`` (regions start with the national row).

    Short headings, so that the table fits a 1366 px screen; each heading's tooltip says
    it in full.
    """
    model = str(results.get("model"))
    rows = pd.DataFrame(results.get(f"by_{level}") or [])
    # with places per centre the counts are persons served within the places, not covered
    verb = "served" if measure(results) == "served" else "covered"
    # a p-median with places: the km to the centre that gives each person a place (the
    # nearest may be full); "Distance after" read 166 km where the nearest was 20.5 km away
    km = "km_assigned" if measure(results) == "assigned" else "km"
    headers = {
        "code": t("field.code"),
        "name": t("field.name"),
        "pwd": t("prioritise.col.pwd"),
        "covered_before": t(f"prioritise.col.{verb}_before"),
        "covered_after": t(f"prioritise.col.{verb}_after"),
        "gain": t(f"prioritise.col.newly_{verb}"),
        "share_before": t("prioritise.col.share_before"),
        "share_after": t("prioritise.col.share_after"),
        "mean_km_before": t(f"prioritise.col.{km}_before"),
        "mean_km_after": t(f"prioritise.col.{km}_after"),
        "person_km_saved": t("prioritise.col.person_km_saved"),
    }
    helps = {
        "pwd": t("field.pwd"),
        "mean_km_before": t(f"prioritise.col.{km}_before_help"),
        "mean_km_after": t(f"prioritise.col.{km}_after_help"),
    }
    if rows.empty:
        return Table(rows, headers, dict(UNIT_DECIMALS), helps=helps)
    names = data.units(f"{level}s").set_index("code")[name_column()]
    rows = rows.rename(columns={level: "code"})
    rows.insert(1, "name", rows["code"].map(names))
    if level == "region":
        nation = {"code": "MA", "name": t("overview.national"), **_national(rows, model)}
        rows = pd.concat([pd.DataFrame([nation]), rows], ignore_index=True)
    if model == "MCLP":
        columns = [
            "code",
            "name",
            "pwd",
            "covered_before",
            "covered_after",
            "gain",
            "share_before",
            "share_after",
        ]
        out = rows[columns].copy()
        out[["share_before", "share_after"]] = (
            out[["share_before", "share_after"]].astype(float) * 100
        ).round(1)
        out[["pwd", "covered_before", "covered_after", "gain"]] = out[
            ["pwd", "covered_before", "covered_after", "gain"]
        ].round(0)
    else:
        columns = ["code", "name", "pwd", "mean_km_before", "mean_km_after", "person_km_saved"]
        out = rows[columns].copy()
        figures = ["pwd", "mean_km_before", "mean_km_after", "person_km_saved"]
        # unknown stays unknown ("—"): a column of None alone is not a number column
        out[figures] = out[figures].apply(pd.to_numeric, errors="coerce").astype(float)
        out[["mean_km_before", "mean_km_after"]] = out[["mean_km_before", "mean_km_after"]].round(1)
        out[["pwd", "person_km_saved"]] = out[["pwd", "person_km_saved"]].round(0)
    return Table(out, headers, dict(UNIT_DECIMALS), helps=helps)


# ---- map -----------------------------------------------------------------------------------


def markup_text(value: Any) -> str:
    """``value`` as text in a site's popup or tooltip (folium writes both as HTML inside a
    JavaScript template literal): a name or id from the planner's file is shown as typed,
    never read as markup or script.

    A site named ``<b>Nord</b>`` showed in bold, ``A & B <Sud>`` lost ``<Sud>``, and a
    backtick ended the map's script, which then drew no map at all.

    Examples
    --------
    >>> markup_text("Centre `Nord` & <Sud> ${x}")
    'Centre &#96;Nord&#96; &amp; &lt;Sud&gt; &#36;{x}'
    """
    import html

    return html.escape(str(value)).replace("`", "&#96;").replace("$", "&#36;")


def build_map(
    results: Mapping[str, Any], params: Mapping[str, Any], *, tiles: str, height: int = 560
) -> folium.Map:
    """Provinces coloured by the result after the new sites, existing centres of the type,
    and the proposed sites numbered by rank, with their radius. A site's popup names it (a
    layer's or a file's site, then its commune; a commune, in both languages), gives a
    file's site id, the commune's code, the marginal gain and the cost."""
    model = str(results.get("model"))
    statuses = set(params.get("statuses") or ("operating",))
    existing = [
        {**r, "status_label": t(f"status.{r['status']}")}
        for r in data.points("centres")
        if r["centre_type"] == params.get("centre_type") and r["status"] in statuses
    ]
    osm = "centres" in data.osm_layers() or any(r.get("from_osm") for r in existing)
    credits = [t("map.credit.hcp"), *([mapview.OSM_ATTRIBUTION] if osm else [])]
    # the imported sources of the centres drawn, as the Map explorer credits them
    credits.extend(source_credits({"centres": existing}))
    m = mapview.base_map(
        tiles=tiles,
        height=height,
        credits=credits,
        rtl=is_rtl(current_language()),
        titles=control_titles(),
    )
    m.get_root().header.add_child(folium.Element(SITE_CSS))  # type: ignore[attr-defined]
    by_province = {
        str(r["province"]): r for r in results.get("by_province") or [] if r.get("province")
    }
    if model == "MCLP":
        values = {
            c: (None if r.get("share_after") is None else 100 * float(r["share_after"]))
            for c, r in by_province.items()
        }
        served = measure(results) == "served"  # within the places of each centre
        label = t("prioritise.map.share_after_served" if served else "prioritise.map.share_after")
        unit, ramp, decimals = "%", "blue", 0
    else:
        values = {c: r.get("mean_km_after") for c, r in by_province.items()}
        # with places: the km to the centre that gives each person a place
        after = "km_after_assigned" if measure(results) == "assigned" else "km_after"
        label, unit, ramp, decimals = t(f"prioritise.map.{after}"), t("unit.km"), "orange", 0
    text, _count = data.boundaries_text("provinces")
    fmt = lambda v: mapview.fmt_number(v, decimals=decimals)  # noqa: E731
    classes = mapview.classify(list(values.values()), ramp=ramp)
    mapview.PolygonLayer(
        text,
        name=label,
        values={
            # "64%" in Arabic and English, "64 %" in French (it read "64 %" in every language)
            code: (classes.color(v), with_unit(fmt(v), unit))
            for code, v in values.items()
            if v is not None
        },
        fields=["name_fr", "name_ar", "_value", "pwd"],
        labels=[t("field.name_fr"), t("field.name_ar"), label, t("field.pwd")],
        name_field=name_column(),
        weight=0.6,
    ).add_to(m)
    mapview.add_points(
        m,
        existing,
        name=t("prioritise.map.existing", type=type_tag(params.get("centre_type"))),
        color_of=lambda _r: EXISTING_COLOUR,
        popup_fields=["name", "name_ar", "status_label"],
        popup_aliases=[t("field.name"), t("field.name_ar"), t("field.status")],
        tooltip_field="name",
        radius=5,
    )
    sites = list(results.get("sites") or [])
    km = float(params.get("radius_km") or 0)
    unit_gain = gain_unit(measure(results))
    group = folium.FeatureGroup(name=t("prioritise.map.sites"))
    circles = folium.FeatureGroup(name=t("prioritise.map.radius", km=f"{km:g}"), show=True)
    communes = data.units("communes").set_index("code")
    col = name_column()
    # "Code : 01" in French, "Code: 01" in English and Arabic
    colon = " :" if current_language() == "fr" else ":"

    def labelled(key: str, value: Any) -> str:
        return f"{t(key)}{colon} {value}"

    # a layer's site ids are Walouja's own (transport_stops:stop:bus:kénitra:1): its sites
    # are told by their names; a file's ids are the planner's, shown as given
    from geo.candidate_sites import parse_layer_set

    of_layer = parse_layer_set(str(params.get("candidates") or "")) is not None
    view = sites_bounds(sites, km) if sites else None
    for site in sites:
        code = site.get("commune_code")
        own = site_name(site)
        if of_layer and own == str(site.get("site_id")) and code in communes.index:
            own = str(communes.at[code, col])  # a layer's row without a name: its commune's
        name = own
        if "site_id" in site and code in communes.index:  # the site, then its commune
            commune = str(communes.at[code, col])
            if commune not in name:  # "EPS Annour — Mnasra" names its commune already
                name = f"{name} — {commune}"
        elif code in communes.index:  # a commune: both its names
            other = "name_fr" if col == "name_ar" else "name_ar"
            name = f"{communes.at[code, col]!s} — {communes.at[code, other]!s}"
        show_id = "site_id" in site and not of_layer
        gain = site.get("gain")
        lines = [
            f"<b>{t('prioritise.map.site_rank', rank=site['rank'])}</b>",
            markup_text(name),
            *(
                [labelled("prioritise.col.site_id", markup_text(site["site_id"]))]
                if show_id
                else []
            ),
            labelled("field.code", code),
            f"{t('prioritise.map.gain')}{colon} "
            + (
                f"{mapview.fmt_number(gain)} {unit_gain}"
                if gain is not None
                else t("prioritise.map.gain_unserved")
            ),
        ]
        if site.get("cost_mad") is not None:
            lines.append(labelled("prioritise.col.cost", mapview.fmt_number(site["cost_mad"])))
        location = [float(site["lat"]), float(site["lon"])]
        folium.Marker(
            location,
            icon=folium.DivIcon(
                html=f'<div class="walouja-site">{int(site["rank"])}</div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="walouja-site-icon",
            ),
            popup=folium.Popup("<br>".join(lines), max_width=300),
            # beside the numbered marker, not on it (a sticky tooltip sat on the number):
            # above it, or towards the map's middle near its sides
            tooltip=folium.Tooltip(
                f"{site['rank']}. {markup_text(own)}",
                sticky=False,
                direction=(side := tooltip_side(float(site["lon"]), view)),
                offset=TOOLTIP_OFFSETS[side],
            ),
        ).add_to(group)
        if km > 0:
            folium.Circle(
                location,
                radius=km * 1000,
                color=SITE_COLOUR,
                weight=1,
                fill=True,
                fill_opacity=0.06,
                interactive=False,
            ).add_to(circles)
    circles.add_to(m)
    group.add_to(m)
    legend = [
        mapview.legend_html(f"{label} ({unit})", classes, fmt=fmt, no_data=t("map.no_data")),
        "<br>".join(
            mapview.swatch_rows(
                {
                    t(
                        "prioritise.map.existing", type=type_tag(params.get("centre_type"))
                    ): EXISTING_COLOUR,
                    t("prioritise.map.sites"): SITE_COLOUR,
                }
            )
        ),
    ]
    # under a title that folds it away (on a phone it starts folded: open, it lay over a
    # third of the map and the sites there)
    mapview.Legend("<hr style='margin:4px 0'>".join(legend), title=t("map.legend")).add_to(m)
    if sites:
        # zoomed in quarter steps: at whole steps sites spread over the country took only
        # half the map (forty sites from Tangier to Lagouira drawn a third of its width)
        m.options["zoomSnap"] = ZOOM_SNAP
        m.fit_bounds(sites_bounds(sites, km))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


ZOOM_SNAP = 0.25
"""Zoom levels the proposed sites' map fits its view to (Leaflet's default is whole ones)."""
EDGE_SHARE = 0.25
"""Share of the view's width, from either side, where a site's tooltip opens towards the
map's middle instead of above the site (centred above a site near a side, a long name ran
past the map's edge: "…سة الرعاية الاجتماعية الرحمة — وجدة" lost its start and rank)."""
TOOLTIP_OFFSETS: dict[str, list[int]] = {
    "top": [0, -TOOLTIP_LIFT_PX],
    "left": [-TOOLTIP_LIFT_PX, 0],
    "right": [TOOLTIP_LIFT_PX, 0],
}
"""Where a site's tooltip sits from its point, by the side it opens on: clear of the
marker."""


def tooltip_side(lon: float, view: list[list[float]] | None) -> str:
    """The side a site's tooltip opens on (Leaflet's ``direction``): ``left`` for a site in
    the east of the ``view`` (``[[south, west], [north, east]]``), ``right`` in its west,
    else ``top``."""
    if view is None:
        return "top"
    west, east = view[0][1], view[1][1]
    share = (lon - west) / (east - west) if east > west else 0.5
    if share > 1 - EDGE_SHARE:
        return "left"
    return "right" if share < EDGE_SHARE else "top"


KM_PER_DEGREE = 111.32
"""Kilometres per degree of latitude (and of longitude at the equator)."""
MIN_PAD_DEG = 0.3
"""Margin around the sites when their radius is small (degrees)."""


def sites_bounds(sites: Sequence[Mapping[str, Any]], km: float) -> list[list[float]]:
    """``[[south, west], [north, east]]`` around the sites' circles of ``km``: a degree of
    longitude is shorter than one of latitude (by the cosine of the latitude), so a circle
    reaches further east and west in degrees than north and south."""
    north_south = max(km / KM_PER_DEGREE, MIN_PAD_DEG)
    south, west, north, east = 90.0, 180.0, -90.0, -180.0
    for site in sites:
        lat, lon = float(site["lat"]), float(site["lon"])
        east_west = max(km / (KM_PER_DEGREE * math.cos(math.radians(lat))), MIN_PAD_DEG)
        south, north = min(south, lat - north_south), max(north, lat + north_south)
        west, east = min(west, lon - east_west), max(east, lon + east_west)
    return [[south, west], [north, east]]


def request_dict(request: Request) -> dict[str, Any]:
    """The request as plain values (for messages and tests)."""
    return asdict(request)


# ---- files and comparisons ------------------------------------------------------------------


def read_candidates(name: str, content: bytes) -> Any:
    """An uploaded point file as ``geo.candidate_sites.CandidateSites`` (located in communes).

    Raises ``ValidationError`` (rows without a valid point, or outside Morocco) or
    ``DataError`` (unreadable file) for the page to show.
    """
    import tempfile
    from pathlib import Path

    from geo.candidate_sites import load_candidates

    # the file is read whole here: its folder goes with it (one was left in /tmp per upload)
    with tempfile.TemporaryDirectory(prefix="walouja-candidates-") as folder:
        path = Path(folder) / (Path(name).name or "candidates.csv")
        path.write_bytes(content)
        with db.connect(app_settings()) as conn:
            return load_candidates(conn, path)


def layer_types(layer: str) -> tuple[str, ...]:
    """The values of ``layer``'s type field (``()`` when it has none)."""
    from geo.layers import get_layer

    spec = get_layer(layer)
    return () if spec.type_field is None else tuple(spec.field(spec.type_field).choices)


def layer_type_key(layer: str) -> str:
    """The catalogue prefix that words ``layer``'s types (``centre_type.EPS``, ``mode.tram``)."""
    from geo.layers import get_layer

    return str(get_layer(layer).type_field)


def layer_sites(layer: str, type_value: str | None) -> Any:
    """The rows of a Walouja layer as ``geo.candidate_sites.CandidateSites``.

    Raises ``DataError`` (no rows of that type, too many rows) for the page to show.
    """
    from geo.candidate_sites import layer_candidates

    with db.connect(app_settings()) as conn:
        return layer_candidates(conn, layer, type_value=type_value)


@st.cache_data(show_spinner=False, max_entries=16)
def _layer_sites(layer: str, type_value: str | None, version: str) -> Any:
    return layer_sites(layer, type_value)


def cached_layer_sites(layer: str, type_value: str | None) -> Any:
    """:func:`layer_sites`, read again only when the data change."""
    return _layer_sites(layer, type_value, data.data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _file_sites(name: str, content: bytes, version: str) -> Any:
    return read_candidates(name, content)


def cached_file_sites(name: str, content: bytes) -> Any:
    """:func:`read_candidates`, read again only for another file or changed data."""
    return _file_sites(name, content, data.data_version())


KEPT_FILE = "p_file_kept"
"""Session key of the candidate file in use (``(name, content)``): the file box forgets its
file whenever it is not drawn (another candidate set looked at)."""


def kept_upload(uploaded: Any) -> tuple[str, bytes] | None:
    """The candidate file in use: the one in the file box (``uploaded``, kept from now on),
    else the one given before the box was last hidden."""
    if uploaded is not None:
        st.session_state[KEPT_FILE] = (str(uploaded.name), bytes(uploaded.getvalue()))
    kept = st.session_state.get(KEPT_FILE)
    return kept if isinstance(kept, tuple) else None


def forget_removed_file() -> None:
    """The file box's callback: a file the planner takes out of it (its ×) is forgotten."""
    if st.session_state.get("p_file") is None:
        st.session_state.pop(KEPT_FILE, None)


def site_choices(sites: Any) -> tuple[list[str], dict[str, str]]:
    """The ids of candidate ``sites`` (``CandidateSites``) and how to show each: its name (in
    Arabic on an Arabic page when it has one; its commune's when it has none), with its id
    when another site has the same name."""
    frame = sites.frame
    communes = commune_names()
    labels = frame["label"].astype(str).tolist()
    arabic = current_language() == "ar" and "name_ar" in frame.columns
    local = frame["name_ar"] if arabic else frame["name"]
    shown: list[str] = []
    for label, name, fallback, commune in zip(
        labels, local, frame["name"], frame["commune_code"].astype(str), strict=True
    ):
        own = next(
            (str(v).strip() for v in (name, fallback) if v is not None and not pd.isna(v)), ""
        )
        shown.append(own or communes.get(commune, "") or label)
    repeated = pd.Series(shown).duplicated(keep=False).to_numpy()
    names = {
        label: f"{text} · {label}" if twice and text != label else text
        for label, text, twice in zip(labels, shown, repeated, strict=True)
    }
    return labels, names


def rejected_rows(exc: ValidationError) -> pd.DataFrame:
    """The rows of a refused candidate file: row, field and reason, in the page's language
    (the English reason where a row carries no code)."""
    from app.dataio import problem_table
    from geo.validate import Problem

    details = [d for d in exc.details if isinstance(d, Problem)]
    if len(details) == len(exc.problems):
        return problem_table(details)
    return pd.DataFrame(
        exc.problems, columns=[t("data.col.row"), t("data.col.field"), t("data.col.reason")]
    )


SITE_DOWNLOADS: dict[str, str] = {
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "kml": "application/vnd.google-earth.kml+xml",
}
"""The formats the proposed sites download in (each a button), with their media type."""


def sites_file(results: Mapping[str, Any], fmt: str) -> bytes:
    """The proposed sites as CSV, XLSX, GeoPackage or KML bytes (written by
    ``geo.export_sites``).

    ``gain_unit`` is worded in the page's language, and so is ``forced`` in a CSV, XLSX or
    KML file (oui/non, نعم/لا, yes/no: a reader of the sheet or of Google Earth's balloon
    reads words, not ``True``); the GeoPackage keeps it a boolean field, for a GIS to filter
    on. A KML placemark is named by the site's rank and name, Arabic on the Arabic page
    (``1 · لبصارة``), French otherwise. Codes are text
    (``02.411``): the GeoPackage and the workbook store them as such; a CSV reader must be
    told (see the download's help). The CSV is written as every CSV the app downloads
    (``geo.export.CSV_DIALECTS``: ``;`` and a decimal comma in French and Arabic).
    """
    from geo.export import csv_dialect
    from geo.export_sites import sites_bytes

    named = name_sites(
        results.get("sites") or [],
        data.units("communes").set_index("code"),
        data.units("provinces").set_index("code"),
        gain_unit(measure(results)),  # in the page's language, as the table's heading says
    )
    # the CSV as every download of the app writes it: ';' and 5000000 in French
    lang = current_language()
    return sites_bytes(named, fmt, csv=csv_dialect(lang), lang=lang, yes_no=(t("yes"), t("no")))


def _show_param(key: str, value: Any, site_names: Mapping[str, str] | None = None) -> str:
    """A request's value in the page's language (model, candidate set and statuses by label,
    kept and left-out sites by name)."""
    if key == "model" and value:
        return t(f"prioritise.model.{value}")
    if key == "candidates":
        if not value:
            return t("prioritise.candidates.communes")
        # a cell of its own, as "Un par commune" beside it: "Sites du fichier …", not "sites"
        label = candidates_label(str(value))
        return label[:1].upper() + label[1:]
    if key == "statuses" and isinstance(value, list | tuple):
        return join_list(t(f"status.{v}") for v in value) or "—"
    if key in ("forced", "excluded") and isinstance(value, list | tuple):
        names = site_names or {}
        return join_list(names.get(str(v), str(v)) for v in value) or "—"
    if key == "missing_capacity" and value:
        return t(f"prioritise.missing_capacity.{value}")
    return _show(value)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if isinstance(value, float | int):
        return fmt_value(float(value))
    if isinstance(value, list | tuple):
        return join_list(map(str, value)) or "—"
    return str(value)


def fmt_value(value: float) -> str:
    """A figure for a comparison table (thin-space thousands, decimals only when small)."""
    if value.is_integer():
        return mapview.fmt_number(value)
    if abs(value) < 1:
        return mapview.fmt_number(value, decimals=4)
    return mapview.fmt_number(value, decimals=0 if abs(value) >= 100 else 2)


def fmt_gap(gap: Any, optimal: Any) -> str:
    """A scenario's proven gap to the optimum as the page's warning words it: a percentage
    (``0,00 %``), or "no proven bound" when none under 100 % was proven (the solver then
    reports 1, or nothing)."""
    if gap is None or not math.isfinite(float(gap)) or float(gap) >= 1.0:
        return "—" if optimal else t("prioritise.gap_no_bound")
    return percent(100 * float(gap), decimals=2)


def percent(value: float, *, decimals: int) -> str:
    """``value`` % as the page writes a share (``9,21 %`` in French, ``9.21%`` in English)."""
    return with_unit(mapview.fmt_number(value, decimals=decimals), "%")


def _layer_site_names(params: Mapping[str, Any]) -> dict[str, str]:
    """The names of the sites of a scenario's candidate layer (none for the communes or a
    file: a file's sites that no scenario proposed keep their id)."""
    from geo.candidate_sites import parse_layer_set

    source = params.get("candidates")
    parsed = None if source is None else parse_layer_set(str(source))
    if parsed is None:
        return {}
    try:
        return site_choices(cached_layer_sites(parsed[0], parsed[1]))[1]
    except WaloujaError:  # the layer has changed since: its sites keep their ids
        return {}


def compared_site_names(diff: Mapping[str, Any]) -> dict[str, str]:
    """How the comparison names each kept, left-out or proposed site, in the page's
    language: a commune by its name and province, a layer's site by its own name (Arabic
    on an Arabic page when it has one), a file's proposed site by the name it came with."""
    names = {str(k): str(v) for k, v in (diff.get("site_names") or {}).items()}
    if current_language() == "ar":
        names.update({str(k): str(v) for k, v in (diff.get("site_names_ar") or {}).items()})
    names.update(commune_names())
    for run in (diff.get("a"), diff.get("b")):
        if run is not None:
            names.update(_layer_site_names(load(int(run))["params"]))
    return names


def compare_table(diff: Mapping[str, Any]) -> pd.DataFrame:
    """The requests that differ and the headline figures of two scenarios, A beside B
    (columns ``what``, ``a``, ``b``; see :func:`compare_headers`)."""
    rows = []
    names = compared_site_names(diff)
    for key, pair in (diff.get("params_differ") or {}).items():
        shown = {side: _show_param(key, pair.get(side), names) for side in ("a", "b")}
        if key == "candidates" and shown["a"] == shown["b"]:
            # one layer edited in between (or two files of one name): when each took its
            # rows ("Sites de la couche Centres (EPS)" read alike on both sides)
            created = diff.get("created_at") or {}
            shown = {
                side: t(
                    "prioritise.compare_as_of",
                    label=label,
                    when=isolated(utc_time(created.get(side), seconds=True)),
                )
                for side, label in shown.items()
            }
        rows.append({"what": t(f"prioritise.param.{key}"), **shown})
    headline = diff.get("headline") or {}
    optimal = headline.get("optimal") or {}
    results = {
        side: load(int(diff[side]))["results"] for side in ("a", "b") if diff.get(side) is not None
    }
    counted = {side: measure(r) for side, r in results.items()}
    # a p-median with places counts its persons as the MCLP with places does: served
    places = {side: within_places(r) for side, r in results.items()}
    for key in HEADLINE_KEYS:
        pair = headline.get(key) or {}
        if key == "gap":
            a, b = (fmt_gap(pair.get(s), optimal.get(s)) for s in ("a", "b"))
        elif key == "objective" and len(set(counted.values())) > 1:
            # objectives of different measures, each with its unit: "1 233 999" persons
            # covered beside "36 395 847" person-km read as if B did thirty times better
            a, b = (
                f"{_show(pair.get(s))} {t(f'prioritise.objective.{counted[s]}')}"
                for s in ("a", "b")
            )
        elif key.startswith("pwd_covered_"):
            # with places per centre, the persons served within them, not those covered
            served = f" {t('prioritise.compare_served')}"
            a, b = (_show(pair.get(s)) + (served if places.get(s) else "") for s in ("a", "b"))
        else:
            a, b = _show(pair.get("a")), _show(pair.get("b"))
        rows.append({"what": t(f"prioritise.head.{key}"), "a": a, "b": b})
    return pd.DataFrame(rows, columns=["what", "a", "b"])


def compare_headers(diff: Mapping[str, Any]) -> dict[str, str]:
    """The headings of :func:`compare_table`."""
    return {
        "what": t("prioritise.compare_what"),
        "a": f"A (#{diff.get('a')})",
        "b": f"B (#{diff.get('b')})",
    }


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def _plain(text: object) -> str:
    """``text`` as itself in a cell of ``st.table`` (which reads its cells as Markdown: a
    name with ``*`` or ``_`` would lose them)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def compare_styler(diff: Mapping[str, Any]) -> Any:
    """The comparison as ``st.table`` draws it: every text whole (long lists of sites wrap
    within their cell), laid out as the page reads (in Arabic the labels on the right, then
    A, then B: the page's direction lays out an HTML table, and its cells align right)."""
    table = compare_table(diff).rename(columns=compare_headers(diff))
    styler = table.style.format(_plain).hide(axis="index")
    if is_rtl(current_language()):
        styler = styler.set_table_styles(
            [{"selector": "td, th", "props": "text-align: right !important;"}]
        )
    return styler


def compare_provinces(diff: Mapping[str, Any]) -> Table:
    """Provinces whose result differs between the two scenarios, largest difference first."""
    rows = pd.DataFrame(diff.get("by_province") or [])
    if rows.empty or "difference" not in rows.columns:
        return Table(rows, {}, {})
    rows = rows[rows["difference"].fillna(0).abs() > 1e-9].copy()
    if rows.empty:
        return Table(rows, {}, {})
    names = data.units("provinces").set_index("code")[name_column()]
    rows = rows.rename(columns={"province": "code"})
    rows["name"] = rows["code"].map(names)  # in the page's language
    rows = rows.reindex(rows["difference"].abs().sort_values(ascending=False).index)
    value_cols = [c for c in rows.columns if c.endswith(("_a", "_b")) or c == "difference"]
    rows = rows[["code", "name", *value_cols]]
    covered = any(c.startswith("covered") for c in value_cols)
    # persons in whole numbers, km to a tenth
    places = 0 if covered else 1
    rows[value_cols] = rows[value_cols].astype(float).round(places)
    after = t("prioritise.col.covered_after" if covered else "prioritise.col.km_after")
    headers = {
        "code": t("field.code"),
        "name": t("level.provinces.one"),
        **{c: f"{after} {c[-1].upper()}" for c in value_cols[:-1]},
        "difference": t("prioritise.compare_difference"),
    }
    return Table(rows, headers, dict.fromkeys(value_cols, places))


def aligned_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """``st.dataframe`` column settings of a table without figures (a refused file's rows):
    on a right-to-left page every column aligned to the right (the cells are drawn on a
    canvas the page's CSS does not reach)."""
    if not is_rtl(current_language()):
        return {}
    right: Literal["right"] = "right"
    return {str(c): st.column_config.Column(alignment=right) for c in frame.columns}
