"""Prioritise centres: where new centres help most (MCLP or p-median, solved exactly)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_folium import st_folium

from app import analyses, data, shell, state
from app import prioritise_view as pv
from app.components import figures, filters
from app.components.basemap import tiles_mode
from app.components.mapview import fmt_number
from app.components.tables import MISSING
from app.context import app_settings
from app.i18n import t, tn
from walouja import limits
from walouja.errors import InfeasibleError, NotFoundError, ValidationError, WaloujaError

shell.header("prioritise.title", "prioritise.intro")
if not shell.require_database() or not shell.require_geography():
    st.stop()
# the demonstration layers the page shows: the centres, and the layer of candidate sites once
# chosen (filled below; the stops or beaches proposed as sites went unmarked)
demo_slot = st.empty()
# a link naming only a scenario (its id, from `walouja scenarios list`) opens it as "Open"
# does: the request's boxes showed the defaults, said to have changed since the scenario
pv.open_linked_scenario()

# ---- the request ----------------------------------------------------------------------------
# the model's box gets the room its names need ("Couverture maximale (MCLP)" was cut)
c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
types = list(analyses.CENTRE_TYPES)
centre_type = c1.selectbox(
    t("analysis.centre_type"),
    types,
    key=pv.wkey("p_ctype"),
    index=state.start_index("p_ctype", types, "COAPH", widget=pv.wkey("p_ctype")),
    # the acronym (a whole name, "COAPH — centre d'orientation et d'assistance des
    # personnes handicapées", was cut at 1366 px), every type's whole name in the help
    format_func=filters.type_tag,
    help=pv.type_glossary(types),
    placeholder=t("streamlit.choose_option"),
)
state.publish("p_ctype", centre_type, "COAPH")
models = list(pv.MODELS)
model = c2.selectbox(
    t("prioritise.model"),
    models,
    key=pv.wkey("p_model"),
    index=state.start_index("p_model", models, "mclp", widget=pv.wkey("p_model")),
    format_func=lambda v: t(f"prioritise.model.{v}"),
    help=t("prioritise.model_help"),
    placeholder=t("streamlit.choose_option"),
)
state.publish("p_model", model, "mclp")
radius = c3.number_input(
    t("prioritise.radius"),
    # the command line's range (walouja.limits): a scenario of `--radius-km 400` reopened
    # at 30 km, said to have changed
    min_value=pv.MIN_RADIUS_KM,
    max_value=float(limits.MAX_DISTANCE_KM),
    step=5.0,
    format="%g",
    key=pv.wkey("p_km"),
    value=pv.start_number(
        "p_km",
        pv.DEFAULT_RADIUS_KM,
        lo=pv.MIN_RADIUS_KM,
        hi=limits.MAX_DISTANCE_KM,
        label=t("prioritise.radius"),
    ),
    help=t("prioritise.radius_help"),
)
pv.publish_number("p_km", float(radius), pv.DEFAULT_RADIUS_KM)
min_prov = c4.number_input(
    t("prioritise.min_per_province"),
    min_value=0,
    max_value=limits.MAX_PER_PROVINCE,
    step=1,
    key=pv.wkey("p_minprov"),
    value=int(
        pv.start_number(
            "p_minprov",
            0,
            lo=0,
            hi=limits.MAX_PER_PROVINCE,
            label=t("prioritise.min_per_province"),
        )
    ),
    help=t("prioritise.min_per_province_help"),
)
pv.publish_number("p_minprov", float(min_prov), 0)

d1, d2, d3, d4 = st.columns(4)
modes = list(pv.MODES)
mode = d1.radio(
    t("prioritise.mode"),
    modes,
    key=pv.wkey("p_mode"),
    index=state.start_index("p_mode", modes, "count", widget=pv.wkey("p_mode")),
    format_func=lambda v: t(f"prioritise.mode.{v}"),
    horizontal=True,
)
state.publish("p_mode", mode, "count")
new: int | None = None
budget: float | None = None
if mode == "count":
    new = int(
        d2.number_input(
            t("prioritise.new"),
            min_value=1,
            max_value=limits.MAX_NEW,
            step=1,
            key=pv.wkey("p_new"),
            value=int(
                pv.start_number(
                    "p_new", pv.DEFAULT_NEW, lo=1, hi=limits.MAX_NEW, label=t("prioritise.new")
                )
            ),
        )
    )
    pv.publish_number("p_new", float(new), pv.DEFAULT_NEW)
else:
    budget = float(
        d2.number_input(
            t("prioritise.budget"),
            min_value=0.0,
            max_value=float(limits.MAX_BUDGET_MAD),
            step=1_000_000.0,
            format="%.0f",
            key=pv.wkey("p_budget"),
            value=pv.start_number(
                "p_budget",
                pv.DEFAULT_BUDGET_MAD,
                lo=0,
                hi=limits.MAX_BUDGET_MAD,
                label=t("prioritise.budget"),
            ),
        )
    )
    pv.publish_number("p_budget", budget, pv.DEFAULT_BUDGET_MAD)
    # a number box cannot group digits: the amount as the page writes it ("50 000 000 MAD")
    d2.caption(pv.amount_mad(budget))
    # at most so many within the budget, as `--new N --budget-mad B` asks (empty: as many as
    # it pays for); such a scenario reopened without its count, said to have changed
    most = d2.number_input(
        t("prioritise.most_new"),
        min_value=1,
        max_value=limits.MAX_NEW,
        step=1,
        key=pv.wkey("p_most"),
        value=pv.start_count("p_most", hi=limits.MAX_NEW, label=t("prioritise.most_new")),
        placeholder=t("prioritise.most_new_placeholder"),
        help=t("prioritise.most_new_help"),
    )
    new = None if most is None else int(most)
    state.publish("p_most", new)
type_cost = pv.default_cost(str(centre_type))
cost_key = f"p_cost_{centre_type}"  # one value per type: a new type starts at its own default
cost = float(
    d3.number_input(
        t("prioritise.cost", type=filters.type_tag(str(centre_type))),
        min_value=float(limits.MIN_COST_MAD),
        max_value=float(limits.MAX_COST_MAD),
        step=100_000.0,
        format="%.0f",
        key=pv.wkey(cost_key),
        value=pv.start_number(
            cost_key,
            type_cost,
            lo=limits.MIN_COST_MAD,
            hi=limits.MAX_COST_MAD,
            label=t("prioritise.cost", type=filters.type_tag(str(centre_type))),
        ),
        help=t("prioritise.cost_help"),
    )
)
pv.publish_number(cost_key, cost, type_cost)
d3.caption(pv.amount_mad(cost))
sets = list(pv.CANDIDATE_SETS)
candidate_set = d4.radio(
    t("prioritise.candidates"),
    sets,
    key=pv.wkey("p_cand"),
    index=state.start_index("p_cand", sets, "communes", widget=pv.wkey("p_cand")),
    format_func=lambda v: t(f"prioritise.candidates.{v}"),
    help=t("prioritise.candidates_help"),
)
state.publish("p_cand", candidate_set, "communes")
upload: tuple[str, bytes] | None = None  # the candidate file in use: its name and content
cand_layer: str | None = None
cand_type: str | None = None
if candidate_set == "layer":
    l1, l2 = st.columns(2)
    layers = list(pv.CANDIDATE_LAYERS)
    cand_layer = l1.selectbox(
        t("prioritise.cand_layer"),
        layers,
        key=pv.wkey("p_cand_layer"),
        index=state.start_index("p_cand_layer", layers, layers[0], widget=pv.wkey("p_cand_layer")),
        format_func=lambda v: t(f"layer.{v}"),
        placeholder=t("streamlit.choose_option"),
    )
    state.publish("p_cand_layer", cand_layer, layers[0])
    kinds = pv.layer_types(str(cand_layer))
    if kinds:
        options = ["", *kinds]
        type_key = f"p_cand_type_{cand_layer}"
        chosen_kind = l2.selectbox(
            t("prioritise.cand_type"),
            options,
            key=pv.wkey(type_key),
            index=state.start_index(type_key, options, "", widget=pv.wkey(type_key)),
            format_func=lambda v: (
                t("prioritise.cand_type.all")
                if not v
                else t(f"{pv.layer_type_key(str(cand_layer))}.{v}")
            ),
            placeholder=t("streamlit.choose_option"),
        )
        state.publish(type_key, chosen_kind, "")
        cand_type = chosen_kind or None
    st.caption(t("prioritise.cand_layer_note"))
if candidate_set == "upload":
    # any file is taken: one Walouja cannot read is refused in the page's language
    # (Streamlit's own refusal of a type is an English tooltip)
    uploaded = st.file_uploader(
        t("prioritise.upload"), key="p_file", on_change=pv.forget_removed_file
    )
    # a file given before a look at the layers is still the one in use (the box, drawn anew,
    # had lost it, and "Propose sites" asked for a file again)
    upload = pv.kept_upload(uploaded)
    if uploaded is None and upload is not None:
        st.caption(t("prioritise.upload_kept", file=shell.typed_name(upload[0])))
    if (again := pv.file_to_give_again(upload)) is not None:
        st.info(again)
    st.caption(
        t("prioritise.upload_note")
        + " "
        + t("data.file_limit", mb=st.get_option("server.maxUploadSize"))
    )
with demo_slot.container():
    shell.demo_note(
        "centres", *([str(cand_layer)] if cand_layer and cand_layer != "centres" else [])
    )
# the candidate sites of a layer or a file, read once per choice (None for the communes, or
# when they cannot be read: the error shows at once, and again if the planner runs anyway)
sites_error: WaloujaError | None = None
sites = None
if candidate_set == "layer" and cand_layer is not None:
    try:
        sites = pv.cached_layer_sites(str(cand_layer), cand_type)
    except WaloujaError as exc:
        sites_error = exc
elif candidate_set == "upload" and upload is not None:
    try:
        sites = pv.cached_file_sites(*upload)
    except WaloujaError as exc:
        sites_error = exc


def show_sites_error(exc: WaloujaError) -> None:
    """Why the layer or the file gives no sites (a refused file: its rows, field and why)."""
    shell.show_error(exc)
    if isinstance(exc, ValidationError):
        rows = pv.rejected_rows(exc)
        st.dataframe(
            rows,
            hide_index=True,
            placeholder=MISSING,
            width="stretch",
            column_config=pv.aligned_columns(rows),
        )


if sites_error is not None:
    show_sites_error(sites_error)

# open when the address asks for an advanced option (a shared link, a reopened scenario: "Open"
# makes it anew); the key keeps it open or closed as the planner left it when the page above
# it changes
default_limit = f"{pv.DEFAULT_TIME_LIMIT_S:g}"
advanced_asked = (
    any(k in st.query_params for k in ("p_pipeline", "p_force", "p_exclude"))
    or st.query_params.get("p_cap", "0") not in ("0", "0.0")
    or st.query_params.get("p_tl", default_limit) != default_limit
)
with st.expander(t("prioritise.advanced"), expanded=advanced_asked, key=pv.wkey("p_advanced")):
    pipeline = st.checkbox(
        t("prioritise.include_pipeline"),
        key=pv.wkey("p_pipeline"),
        value=st.session_state.get("p_pipeline", st.query_params.get("p_pipeline") == "1"),
        help=t("prioritise.include_pipeline_help"),
    )
    state.publish("p_pipeline", "1" if pipeline else None)
    time_limit = st.number_input(
        t("prioritise.time_limit"),
        min_value=pv.MIN_TIME_LIMIT_S,
        max_value=float(limits.MAX_TIME_LIMIT_S),
        step=5.0,
        format="%g",
        key=pv.wkey("p_tl"),
        value=pv.start_number(
            "p_tl",
            pv.DEFAULT_TIME_LIMIT_S,
            lo=pv.MIN_TIME_LIMIT_S,
            hi=limits.MAX_TIME_LIMIT_S,
            label=t("prioritise.time_limit"),
        ),
        help=t("prioritise.time_limit_help"),
    )
    pv.publish_number("p_tl", float(time_limit), pv.DEFAULT_TIME_LIMIT_S)
    places = st.number_input(
        t("prioritise.new_capacity"),
        min_value=0.0,
        max_value=float(limits.MAX_PLACES),
        step=10.0,
        format="%.0f",
        key=pv.wkey("p_cap"),
        value=pv.start_number(
            "p_cap", 0.0, lo=0, hi=limits.MAX_PLACES, label=t("prioritise.new_capacity")
        ),
        help=t("prioritise.new_capacity_help"),
    )
    pv.publish_number("p_cap", float(places), 0.0)
    # the sites the planner wants, or cannot have: communes by name, or the candidate
    # layer's / file's sites by their id and name
    site_options: list[str] = []
    site_names: dict[str, str] = {}
    pick_words = tuple(f"prioritise.{w}_sites" for w in ("forced", "excluded", "pick"))
    if candidate_set == "communes":
        site_options = data.units("communes")["code"].astype(str).tolist()
        site_names = pv.commune_names()
        pick_words = ("prioritise.forced", "prioritise.excluded", "prioritise.pick_communes")
    elif sites is not None:
        site_options, site_names = pv.site_choices(sites)
    f1, f2 = st.columns(2)
    # no sites yet (a file still to give, or one refused): the address keeps the picks of a
    # shared link or a reopened scenario until the file is there
    waiting = candidate_set != "communes" and sites is None

    def pick(column: DeltaGenerator, key: str, label: str, taken: Sequence[str]) -> list[str]:
        if waiting:
            column.multiselect(
                t(label), [], key=f"{key}_waiting", disabled=True, placeholder=t(pick_words[2])
            )
            return [v for v in (st.query_params.get(key) or "").split(",") if v]
        # a site is kept or left out, not both: the other list's sites are not offered (but
        # one a link asks for in both stays in both, refused below, not dropped from one)
        options = [o for o in site_options if o not in set(taken) or o in both]
        # no choice is no default (None): Streamlit warns of a default, even an empty one,
        # for a widget whose value Session State holds (after a change of language)
        chosen = column.multiselect(
            t(label),
            options,
            key=pv.wkey(key),
            # a site named twice in a link (p_force=C,C) is asked for once
            default=list(dict.fromkeys(state.start_list(key, options, [], widget=pv.wkey(key))))
            or None,
            format_func=lambda c: site_names.get(c, c),
            placeholder=t(pick_words[2]),
            # Streamlit's bulk action reads "Select all" in English on every page, and
            # leaving every site out at once is no request a planner makes
            select_all=False,
        )
        state.publish_list(key, chosen, [])
        return chosen

    def in_box(key: str) -> set[str]:
        """The sites the box ``key`` holds, or the address asks for."""
        now = st.session_state.get(pv.wkey(key))
        if isinstance(now, list):
            return {str(v) for v in now}
        return {v for v in (st.query_params.get(key) or "").split(",") if v}

    # a link keeping and leaving out the same site (p_force=C&p_exclude=C) lost the keep and
    # solved with C left out: it stays in both boxes, and the request is refused as the CLI
    # refuses it
    both = in_box("p_force") & in_box("p_exclude")
    excluded_now = st.session_state.get(pv.wkey("p_exclude"))
    if not isinstance(excluded_now, list):
        excluded_now = state.start_list("p_exclude", site_options, [])
    forced = pick(f1, "p_force", pick_words[0], excluded_now)
    excluded = pick(f2, "p_exclude", pick_words[1], forced)

request = pv.Request(
    centre_type=str(centre_type),
    model=str(model),
    radius_km=float(radius),
    new=new,
    budget_mad=budget,
    cost_mad=cost,
    min_per_province=int(min_prov),
    include_pipeline=bool(pipeline),
    time_limit_s=float(time_limit),
    new_capacity=float(places) if places > 0 else None,
    forced=tuple(forced),
    excluded=tuple(excluded),
)
clash = request.clash()
if clash is not None and "p_infeasible" not in st.session_state:
    # said at once, below the button, with the refusal's words (no solve needed to know it)
    st.session_state["p_infeasible"] = clash

# a link's value a box could not take (opened at its default): said next to the button
pv.say_link_refusals()
if st.button(t("prioritise.run"), key="p_run", type="primary", icon=":material/play_arrow:"):
    st.session_state["p_asked"] = True  # the prompt to ask has done its work
    candidates = sites
    ok = True
    if candidate_set == "upload" and upload is None:
        st.warning(t("prioritise.upload_missing"))
        ok = False
    elif sites_error is not None:
        # said again here, under the button: with the advanced options open the file's error
        # is a screen above, and the click seemed to do nothing
        shell.show_error(sites_error)
        ok = False
    elif clash is not None:
        ok = False  # refused below: a site both kept and left out
    if ok:
        slot = st.empty()  # the progress box, replaced by a warning when nothing is proven
        unproven: pv.Scenario | None = None
        refused = False
        with slot.status(t("prioritise.solving"), expanded=False) as progress:
            st.write(t("prioritise.solving_steps"))
            try:
                solved = pv.solve(request, candidates)
            except InfeasibleError as exc:
                progress.update(label=t("prioritise.infeasible_label"), state="error")
                st.session_state["p_infeasible"] = exc
                refused = True
            except WaloujaError as exc:
                progress.update(label=t("prioritise.failed"), state="error")
                st.session_state["p_failed"] = exc
            else:
                progress.update(label=pv.solved_label(solved), state="complete")
                st.session_state["p_run_id"] = solved.run_id
                pv.follow_scenario(solved.run_id)
                st.session_state.pop("p_infeasible", None)
                st.session_state.pop("p_failed", None)
                unproven = None if solved.results.get("optimal") else solved
        if refused:
            # the error below says the request cannot be met and why: a red status box
            # above it said "cannot be met" a second time
            slot.empty()
        elif unproven is not None:
            # a status box has no state but a green check for "over": it gives way. The
            # scenario's own warning below says what a search stopped early returned (a second
            # warning here said it again); a stored one is still said to be reused
            if unproven.reused:
                slot.info(t("prioritise.solved_stored", id=unproven.run_id))
            else:
                slot.empty()

infeasible = st.session_state.pop("p_infeasible", None)
if isinstance(infeasible, InfeasibleError):
    constraint = t(f"prioritise.constraint.{pv.constraint_of(infeasible)}")
    st.error(t("prioritise.infeasible", constraint=constraint))
    # a layer's or a file's sites are called sites, by their names
    detail = pv.infeasible_detail(
        infeasible,
        communes=candidate_set == "communes",
        site_names=site_names,
    )
    st.info(detail if detail else t("prioritise.infeasible_raw", message=infeasible.message))
failed = st.session_state.pop("p_failed", None)
if isinstance(failed, WaloujaError):
    shell.show_error(failed)

# ---- the current scenario ---------------------------------------------------------------------
run_id: int | None = st.session_state.get("p_run_id")
linked = False  # named by the address (a shared link), not computed or opened here
if run_id is None and str(st.query_params.get("scenario", "")).isdigit():
    run_id = int(st.query_params["scenario"])
    linked = True
scenario = None
if run_id is not None:
    try:
        scenario = pv.load(int(run_id))
    except NotFoundError as exc:
        # a run of another analysis (a Coverage page's number) is there, not a scenario: it
        # read "no longer exists (database reloaded?)"
        missing = "not_a_scenario" if exc.code == "not_a_scenario" else "scenario_missing"
        st.info(t(f"prioritise.{missing}", id=run_id))
        st.session_state.pop("p_run_id", None)
    except WaloujaError as exc:
        shell.show_error(exc)
state.publish("scenario", None if scenario is None else scenario["id"])
if linked and scenario is not None and st.session_state.get("p_link_shown") != scenario["id"]:
    # the scenario a link shows is the one offered to reopen and compare, once: a link to
    # #12 offered the newest scenario in both boxes, and compared two others
    st.session_state["p_link_shown"] = scenario["id"]
    pv.follow_scenario(int(scenario["id"]))

if scenario is None:
    if not st.session_state.get("p_asked"):  # nothing asked yet: what to do
        st.info(t("prioritise.empty"))
else:
    params, res = scenario["params"], scenario["results"]
    st.header(t("prioritise.result_title", id=scenario["id"]))
    # the name as typed ("Plan *urgent*" read in italics, "$5 M$" as a formula)
    named = (
        t(
            "prioritise.scenario_name",
            name=pv.isolated(shell.plain_markdown(scenario["name"]), direction="auto"),
        )
        if scenario["name"]
        else ""
    )
    st.caption(pv.describe(params, markdown=True) + named)
    # the layer's rows as they are now: a row added, moved or taken out since is another
    # request, as another file is
    layer_source = None if sites is None else str(sites.source)
    rows_changed = pv.layer_rows_changed(
        params, str(candidate_set), cand_layer, cand_type, layer_source
    )
    if rows_changed and request.matches(params):
        # said of the layer: "the settings above changed" sent the planner to boxes that had not
        st.caption(
            t("prioritise.layer_changed", sites=pv.candidates_label(str(params["candidates"])))
        )
    elif not request.matches(params) or not pv.same_candidates(
        params, str(candidate_set), cand_layer, cand_type, upload, layer_source=layer_source
    ):
        st.caption(t("prioritise.stale"))
    changed = pv.data_changed_note(scenario)
    if changed is not None:
        st.caption(changed)
    solve_s = fmt_number(res.get("solve_time_s"), decimals=2)
    if res.get("optimal") and res.get("solution_source") == "enumeration":
        # a single new site to place: every candidate compared (n_variables counts them)
        n_tried = int(res.get("n_variables") or 0)
        st.success(tn("prioritise.optimal_enumerated", n_tried, s=solve_s))
    elif res.get("optimal"):
        n_vars = int(res.get("n_variables") or 0)
        st.success(tn("prioritise.optimal", n_vars, s=solve_s, vars=fmt_number(n_vars)))
    else:
        # one message: what a search stopped early returned, how far it is proven to be from
        # the best, and what to do about it
        st.warning(pv.unproven_text(res, params), icon=":material/timer_off:")
    km = f"{float(params.get('radius_km') or 0):g}"
    before, after = res.get("pwd_covered_before") or 0.0, res.get("pwd_covered_after") or 0.0
    share_b, share_a = res.get("share_covered_before"), res.get("share_covered_after")
    shared = share_a is not None and share_b is not None
    share = figures.with_unit(fmt_number(100 * (share_a or 0.0), decimals=1), "%")
    greedy = res.get("greedy") or {}
    shortfall = figures.with_unit(fmt_number(greedy.get("shortfall_pct"), decimals=2), "%")
    total_cost = res.get("total_cost_mad")
    # in millions, the unit in the label, so that the figure fits its column ("300 مليون د…"
    # was cut at 1366 px); the exact amount is in the help
    millions = None if total_cost is None else float(total_cost) / 1e6
    cost_shown = (
        "—"
        if millions is None
        else fmt_number(millions, decimals=0 if millions.is_integer() else 2)
    )
    # the figures' size follows their columns' (at 800 and 1024 px "1 151 955" read "1 151 9…")
    shown = [fmt_number(after), *([share] if shared else []), shortfall, cost_shown]
    m1, m2, m3, m4 = shell.fitted_figures(st, "prioritise", shown).columns(4)
    # persons covered, persons served within the places (MCLP), or person-km to the nearest
    # centre or, with places, to the centre that gives each person a place (p-median)
    counted = pv.measure(res)
    # with places per centre the persons within the radius are served within the places,
    # whichever the model (a p-median's measured as the MCLP measures them)
    places = pv.within_places(res)
    m1.metric(
        t(
            "prioritise.metric.served" if places else "prioritise.metric.covered",
            km=km,
        ),
        shown[0],
        # signed figures keep their sign before them in Arabic too ("+158 925")
        delta=pv.signed(after - before),
        help=t("prioritise.metric.covered_help", before=fmt_number(before)),
        **pv.delta_style(after - before),
    )
    if share_a is not None and share_b is not None:
        points = 100 * (share_a - share_b)
        m2.metric(
            # with places per centre, the share served within them ("0,3 %" was "Part couverte"
            # beside the 1 191 008 persons within 30 km of the scenario without places)
            t(
                "prioritise.metric.share_served" if places else "prioritise.metric.share",
                km=km,
            ),
            share,
            delta=f"{pv.signed(points, decimals=1)} {t('unit.points')}",
            **pv.delta_style(points, decimals=1),
        )
    m3.metric(
        t("prioritise.metric.greedy"),
        shortfall,
        help=t(
            "prioritise.metric.greedy_help",
            greedy=fmt_number(greedy.get("objective")),
            exact=fmt_number(res.get("objective")),
        ),
    )
    m4.metric(
        t("prioritise.metric.cost"),
        cost_shown,
        help=tn(
            "prioritise.metric.cost_help",
            len(res.get("sites") or []),
            total=fmt_number(total_cost),
        ),
    )
    st.caption(
        t(
            "prioritise.objective",
            objective=fmt_number(res.get("objective")),
            before=fmt_number(res.get("objective_before")),
            unit=t(f"prioritise.objective.{counted}"),
        )
        + " "
        + t("prioritise.greedy_note")
    )
    if res.get("capacity_filled"):
        st.caption(tn("prioritise.capacity_filled", int(res["capacity_filled"])))
    n_sites, asked = len(res.get("sites") or []), params.get("new")
    if res.get("model") == "MCLP" and params.get("new_capacity") is not None and n_sites > 1:
        # with few places almost any set of sites serves the optimum: how one was chosen
        st.caption(t("prioritise.capacity_ties", km=fmt_number(params.get("radius_km"))))
    if not n_sites:
        st.info(t("prioritise.no_sites"))
    elif asked is not None and n_sites < int(asked):
        left = pv.candidates_left(params, sites, len(data.units("communes")))
        paid = pv.affordable(params) if params.get("budget_mad") is not None else None
        if paid is not None and paid < int(asked):
            # a budget for fewer centres than the most asked for: it read "only 2 of the 5
            # new centres asked for add anything: no other candidate site would add a person",
            # where the budget paid for 2
            st.info(
                tn(
                    "prioritise.fewer_budget",
                    paid,
                    budget=pv.amount_mad(float(params["budget_mad"])),
                    cost=pv.amount_mad(float(params.get("cost_mad") or 0.0)),
                    asked=fmt_number(int(asked)),
                )
            )
            asked = paid  # what the budget pays for is what could be placed
        if n_sites >= int(asked):
            pass  # as many as the budget pays for, said above
        elif left is not None and n_sites >= left:
            # every candidate got a centre: there were no others (a file of three sites for
            # five centres read "no other candidate site would add a person covered")
            st.info(tn("prioritise.fewer_candidates", left, asked=int(asked)))
        else:
            # the others would add nothing (nobody more covered, no km saved): not proposed
            st.info(tn("prioritise.fewer_sites", n_sites, asked=int(asked)))
    elif asked is None and (affordable := pv.affordable(params)) > n_sites:
        # a budget for more centres than there were candidate sites: why the rest is left
        left = pv.candidates_left(params, sites, len(data.units("communes")))
        if left is not None and n_sites >= left:
            spent = float(res.get("total_cost_mad") or 0.0)
            budget_left = float(params.get("budget_mad") or 0.0) - spent
            st.info(
                tn(
                    "prioritise.fewer_candidates_budget",
                    left,
                    affordable=fmt_number(affordable),
                    unspent=pv.amount_mad(budget_left),
                )
            )
    fmap = pv.build_map(res, params, tiles=tiles_mode(app_settings().tiles))
    # the frame is named after what it shows (it was announced as "streamlit_folium.st_folium")
    frame_title = t("prioritise.map.frame", id=scenario["id"])
    with shell.name_frame("prio_map_frame", frame_title, height=560):
        st_folium(fmap, key="prio_map", height=560, use_container_width=True, returned_objects=[])

    tab_sites, tab_prov, tab_reg, tab_eq = st.tabs(
        [
            t("prioritise.tab_sites"),
            t("prioritise.tab_provinces"),
            t("prioritise.tab_regions"),
            t("prioritise.tab_equity"),
        ]
    )
    with tab_sites:
        pv.show_table(pv.sites_table(res))
        st.caption(t(f"prioritise.sites_note.{counted}", km=km))
        if res.get("sites"):
            stem = f"walouja_sites_{params.get('centre_type')}_{scenario['id']}"
            # one row of buttons as wide as their labels, wrapping on a narrow screen: four
            # equal columns cut "Télécharger les sites (GeoPackage)" and the KML's label short
            row = st.container(horizontal=True)
            for fmt, mime in pv.SITE_DOWNLOADS.items():
                row.download_button(
                    t(f"prioritise.download_{fmt}"),
                    pv.sites_file(res, fmt),
                    file_name=f"{stem}.{fmt}",
                    mime=mime,
                    key=f"p_dl_{fmt}",
                    help=t(f"prioritise.download_{fmt}_help"),
                )
    with tab_prov:
        pv.show_table(pv.unit_table(res, "province"))
        st.caption(t(f"prioritise.units_note.{counted}", km=km))
    with tab_reg:
        pv.show_table(pv.unit_table(res, "region"))
        st.caption(t(f"prioritise.units_note.{counted}", km=km))
    with tab_eq:
        eq = res.get("equity") or {}
        if eq.get("gini_after") is None:
            st.info(t("prioritise.equity_none"))
        else:
            e1, e2 = st.columns(2)
            before_gini = eq.get("gini_before")
            e1.metric(t("prioritise.gini_before"), fmt_number(before_gini, decimals=3))
            # the difference of the figures shown (rounded first), as a reader checks it
            gini_after = round(eq["gini_after"], 3)
            gini_change = None if before_gini is None else gini_after - round(before_gini, 3)
            e2.metric(
                t("prioritise.gini_after"),
                fmt_number(eq["gini_after"], decimals=3),
                delta=None if gini_change is None else pv.signed(gini_change, decimals=3),
                **(
                    {}
                    if gini_change is None
                    else pv.delta_style(gini_change, decimals=3, inverse=True)  # a fall: progress
                ),
            )
            if before_gini is None:
                # the index after the new centres exists: it said "cannot be computed" of both
                st.info(t("prioritise.equity_before_none", why=pv.equity_why(res)))
            st.caption(t(f"prioritise.equity_note.{counted}"))

# ---- scenarios: save, reload, compare ----------------------------------------------------------
st.divider()
st.header(t("prioritise.scenarios"))
# every run is kept (analysis_runs) and listed: a name only helps to find one again
st.caption(t("prioritise.scenarios_note"))
if scenario is not None:
    s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
    name = s1.text_input(
        t("prioritise.save_name"), key="p_name", placeholder=t("prioritise.save_placeholder")
    )
    # named before the page is drawn (a callback): the scenario's line above and the boxes of
    # scenarios below showed it without its name until the next click (a box keeps its label
    # in the browser until its value is sent anew)
    s2.button(
        t("prioritise.save"),
        key="p_save",
        disabled=not name.strip(),
        on_click=pv.name_scenario,
        args=(int(scenario["id"]),),
    )
    named_now = st.session_state.pop("p_named", None)
    if isinstance(named_now, WaloujaError):
        shell.show_error(named_now)
    elif named_now is not None:
        typed = pv.isolated(shell.plain_markdown(named_now[1]), direction="auto")
        st.success(t("prioritise.saved", id=named_now[0], name=typed))
try:
    # the scenario shown is offered even when older than the list's newest: a request found
    # already saved long ago was shown, and could be neither reopened nor compared
    stored = pv.scenarios(include=None if scenario is None else int(scenario["id"]))
except WaloujaError as exc:
    shell.show_error(exc)
    stored = []
if not stored:
    st.caption(t("prioritise.no_scenarios"))
else:
    labels = {int(r["id"]): pv.scenario_label(r) for r in stored}
    ids = list(labels)
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = r1.selectbox(
        t("prioritise.reload"),
        ids,
        key="p_reload",
        index=state.keep_or("p_reload", 0, 0),  # re-worded after a change of language, too
        format_func=labels.__getitem__,
        placeholder=t("streamlit.choose_option"),
    )
    if r2.button(t("prioritise.open"), key="p_open"):
        st.session_state["p_run_id"] = int(chosen)
        with shell.friendly():
            pv.open_request(pv.load(int(chosen))["params"])  # the page asks what it answers
        st.rerun()
    if len(ids) >= 2:
        st.markdown(f"**{t('prioritise.compare')}**")
        k1, k2 = st.columns(2)
        # named as a screen reader says them: a bare "A, combo box" said nothing of what
        # it chooses; the comparison's columns are A and B
        # A starts on the newest scenario other than B's: B follows the scenario shown, and
        # a link to the second newest (or a request answered again by it) showed it in both
        # boxes, compared with itself ("Choisissez deux scénarios différents")
        b_shown = st.session_state.get("p_cmp_b", ids[0])
        a_start = next(i for i, x in enumerate(ids) if x != b_shown)
        a = k1.selectbox(
            t("prioritise.compare_a"),
            ids,
            key="p_cmp_a",
            index=state.keep_or("p_cmp_a", a_start, 0),
            format_func=labels.__getitem__,
            placeholder=t("streamlit.choose_option"),
        )
        b = k2.selectbox(
            t("prioritise.compare_b"),
            ids,
            key="p_cmp_b",
            index=0,
            format_func=labels.__getitem__,
            placeholder=t("streamlit.choose_option"),
        )
        state.keep_or("p_cmp_b", 0, 0)  # re-worded after a change of language, too
        if a == b:
            st.caption(t("prioritise.compare_same"))
        else:
            with shell.friendly():
                diff = pv.compare(int(a), int(b))
                # a static table: lists of kept sites wrap whole, and it reads from the right
                # in Arabic as the page does
                st.table(pv.compare_styler(diff))
                st.caption(
                    t(
                        "prioritise.compare_sites",
                        a=len(diff["sites_only_a"]),
                        b=len(diff["sites_only_b"]),
                        both=len(diff["sites_both"]),
                    )
                )
                provinces = pv.compare_provinces(diff)
                if diff.get("by_province_field") is None:
                    # why: other models, persons covered beside served within places, or a
                    # p-median's km to the nearest centre beside one's to a centre with a place
                    why = {
                        "places": "prioritise.compare_places_differ",
                        "places_km": "prioritise.compare_places_km_differ",
                    }.get(str(diff.get("by_province_differs")), "prioritise.compare_models_differ")
                    st.caption(t(why))
                elif not provinces.empty:
                    pv.show_table(provinces)
