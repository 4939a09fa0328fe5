"""Location models against brute-force enumeration, hand-checked cases and the rules."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest

from analysis.location import MCLP, PMedian, SparseCost
from tests.analysis.location_cases import assigned as _assigned
from tests.analysis.location_cases import covered as _covered
from tests.analysis.location_cases import instance as _instance
from tests.analysis.location_cases import median as _median
from tests.analysis.location_cases import meets_minimum, province_minimum
from tests.analysis.location_cases import served as _served
from walouja.errors import AnalysisError, DataError, InfeasibleError, NotFoundError

T = TypeVar("T")


def _v(value: T | None) -> T:
    """The value of an optional result field that this test expects to be set."""
    assert value is not None
    return value


def _subsets(n_c, p, ok=lambda s: True):
    for k in range(p + 1):
        for s in itertools.combinations(range(n_c), k):
            if ok(s):
                yield s


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_mclp_matches_enumeration(seed):
    dc, de, w, *_ = _instance(seed)
    best = max(_covered(dc, de, w, 25.0, s) for s in _subsets(dc.shape[1], 3))
    result = MCLP.from_cost_matrix(dc, w, radius=25.0, new=3, existing_cost_matrix=de).solve()
    assert result.optimal
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best)
    chosen = [s.candidate for s in result.sites]
    assert _covered(dc, de, w, 25.0, chosen) == pytest.approx(best)
    assert result.objective_before == pytest.approx(_covered(dc, de, w, 25.0, ()))
    # marginal gains, in decreasing rank order, add up to the improvement
    gains = [s.gain for s in result.sites]
    assert sum(gains) == pytest.approx(result.objective - _v(result.objective_before))
    assert [s.rank for s in result.sites] == list(range(1, len(gains) + 1))
    assert _v(result.greedy.objective) <= result.objective + 1e-9
    assert result.greedy.shortfall == pytest.approx(result.objective - _v(result.greedy.objective))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_pmedian_matches_enumeration(seed):
    dc, de, w, *_ = _instance(seed)
    best = min(_median(dc, de, w, s) for s in _subsets(dc.shape[1], 3))
    result = PMedian.from_cost_matrix(dc, w, new=3, existing_cost_matrix=de).solve()
    assert result.optimal
    assert result.objective == pytest.approx(best)
    chosen = [s.candidate for s in result.sites]
    assert _median(dc, de, w, chosen) == pytest.approx(best)
    assert sum(s.gain for s in result.sites) == pytest.approx(
        _v(result.objective_before) - result.objective
    )
    assert _v(result.greedy.objective) >= result.objective - 1e-9


def test_pmedian_without_existing_centres_is_the_classic_p_median():
    dc, de, w, *_ = _instance(5, n_e=0)
    best = min(_median(dc, de, w, s) for s in itertools.combinations(range(dc.shape[1]), 3))
    result = PMedian.from_cost_matrix(dc, w, new=3).solve()
    assert result.objective == pytest.approx(best)
    assert result.objective_before is None
    assert result.sites[0].gain == np.inf
    assert result.to_dict()["sites"][0]["gain"] is None


@pytest.mark.parametrize("model", ["mclp", "pmedian"])
def test_existing_fixed_and_province_minimum_hold(model):
    dc, de, w, prov_d, prov_c, prov_e = _instance(7)
    kwargs = province_minimum(de, prov_d, prov_c, prov_e, new=4)

    def ok(s):
        return meets_minimum(prov_c, prov_e, s)

    if model == "mclp":
        best = max(_covered(dc, de, w, 25.0, s) for s in _subsets(dc.shape[1], 4, ok))
        result = MCLP.from_cost_matrix(dc, w, radius=25.0, **kwargs).solve()
    else:
        best = min(_median(dc, de, w, s) for s in _subsets(dc.shape[1], 4, ok))
        result = PMedian.from_cost_matrix(dc, w, **kwargs).solve()
    assert result.objective == pytest.approx(best)
    chosen = tuple(s.candidate for s in result.sites)
    assert ok(chosen)
    assert ok(tuple(s.candidate for s in result.greedy.sites))
    # existing centres are never lost: coverage/distance is at least as good as before
    assert set(_v(result.by_province).index) == {"A", "B", "C"}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_one_new_site_is_decided_by_comparing_every_candidate(seed):
    dc, de, w, *_ = _instance(seed)
    n_c = dc.shape[1]
    cover = MCLP.from_cost_matrix(dc, w, radius=25.0, new=1, existing_cost_matrix=de).solve()
    assert cover.optimal
    assert cover.solution_source == "enumeration"
    assert cover.mip_gap == 0.0
    assert cover.bound == pytest.approx(cover.objective)
    assert cover.objective == pytest.approx(max(_covered(dc, de, w, 25.0, [j]) for j in range(n_c)))
    median = PMedian.from_cost_matrix(dc, w, new=1, existing_cost_matrix=de).solve()
    assert median.optimal
    assert median.solution_source == "enumeration"
    assert median.objective == pytest.approx(min(_median(dc, de, w, [j]) for j in range(n_c)))
    # with one site forced, the second is the only one left to choose
    forced = MCLP.from_cost_matrix(
        dc, w, radius=25.0, new=2, existing_cost_matrix=de, forced=[0]
    ).solve()
    assert forced.solution_source == "enumeration"
    assert forced.objective == pytest.approx(
        max(_covered(dc, de, w, 25.0, [0, j]) for j in range(1, n_c))
    )
    # a budget that pays for one site at most, whatever it costs: the dearest are left out
    cost = np.linspace(1e6, 3e6, n_c)
    budget = MCLP.from_cost_matrix(
        dc, w, radius=25.0, existing_cost_matrix=de, budget_mad=2e6, cost_mad=cost
    ).solve()
    assert budget.solution_source == "enumeration"
    assert budget.objective == pytest.approx(
        max(_covered(dc, de, w, 25.0, [j]) for j in range(n_c) if cost[j] <= 2e6)
    )
    assert _v(budget.total_cost_mad) <= 2e6
    # two new sites go to HiGHS as before
    two = MCLP.from_cost_matrix(dc, w, radius=25.0, new=2, existing_cost_matrix=de).solve()
    assert two.solution_source == "milp"


def test_a_budget_when_no_candidate_can_add_anyone_proposes_nothing():
    # at 400 km one existing centre reaches everybody, so no candidate gets a variable: the
    # budget row over no site raised "zero-size array to reduction operation maximum"
    dc = np.array([[300.0, 350.0], [320.0, 10.0]])
    de = np.array([[100.0], [200.0]])
    result = MCLP.from_cost_matrix(
        dc, [10.0, 20.0], radius=400.0, existing_cost_matrix=de, budget_mad=2e7, cost_mad=5e6
    ).solve()
    assert result.optimal
    assert result.sites == ()
    assert result.objective == pytest.approx(30.0)


def test_budget_and_costs_respected():
    dc, de, w, *_ = _instance(11)
    cost = np.array([3, 1, 2, 5, 1, 4, 2, 2, 3], dtype=float) * 1e6
    budget = 6e6

    def ok(s):
        return cost[list(s)].sum() <= budget

    best = max(_covered(dc, de, w, 25.0, s) for s in _subsets(9, 9, ok))
    result = MCLP.from_cost_matrix(
        dc, w, radius=25.0, existing_cost_matrix=de, budget_mad=budget, cost_mad=cost
    ).solve()
    assert result.objective == pytest.approx(best)
    assert _v(result.total_cost_mad) <= budget
    assert sum(_v(s.cost_mad) for s in result.sites) == pytest.approx(result.total_cost_mad)
    assert sum(_v(s.cost_mad) for s in result.greedy.sites) <= budget


def test_infeasible_requests_name_the_constraint():
    dc, _de, w, prov_d, prov_c, prov_e = _instance(7)
    geo: dict[str, Any] = {
        "demand_province": prov_d,
        "candidate_province": prov_c,
        "existing_province": prov_e,
    }
    with pytest.raises(InfeasibleError, match="per province"):
        MCLP.from_cost_matrix(dc, w, radius=25.0, new=1, min_per_province=3, **geo).solve()
    with pytest.raises(InfeasibleError, match="budget"):
        MCLP.from_cost_matrix(
            dc, w, radius=25.0, budget_mad=1e6, cost_mad=2e6, min_per_province=1, **geo
        )
    only_a = np.where(prov_c == "C", "A", prov_c)
    with pytest.raises(InfeasibleError, match="province C"):
        PMedian.from_cost_matrix(
            dc, w, new=5, min_per_province=1, demand_province=prov_d, candidate_province=only_a
        )
    with pytest.raises(InfeasibleError, match="forced"):
        MCLP.from_cost_matrix(dc, w, radius=25.0, new=1, forced=[0, 1])
    with pytest.raises(InfeasibleError, match="both forced and excluded"):
        MCLP.from_cost_matrix(dc, w, radius=25.0, new=2, forced=[0], excluded=[0])
    with pytest.raises(AnalysisError, match="how many new centres"):
        MCLP.from_cost_matrix(dc, w, radius=25.0)


def test_each_refusal_carries_its_code_and_the_figures_it_names():
    # the page words a refusal from its code and params, and `walouja prioritise --json`
    # prints them: each names the figures of its English message, under REQUEST_CODES' names
    from walouja.errors import REQUEST_CODES

    dc, _de, w, prov_d, prov_c, prov_e = _instance(7)
    geo: dict[str, Any] = {
        "demand_province": prov_d,
        "candidate_province": prov_c,
        "existing_province": prov_e,
    }
    only_a = np.where(prov_c == "C", "A", prov_c)
    two_by_a: dict[str, Any] = {
        "demand_province": np.array(["A", "B"]),
        "candidate_province": ["A", "A", "B"],
    }
    ones = np.ones((2, 3))
    unreached = SparseCost.from_arrays([0, 0], [0, 1], [1.0, 3.0], (2, 2))
    cases: list[tuple[Any, str, dict[str, Any], str]] = [
        (
            lambda: MCLP.from_cost_matrix(dc, w, radius=25.0, new=2, forced=[4], excluded=[4]),
            "forced_and_excluded",
            {"site": "4"},
            "candidate 4 is both forced and excluded",
        ),
        (
            lambda: MCLP.from_cost_matrix(dc, w, radius=25.0, new=1, forced=[0, 1]),
            "forced_exceed_new",
            {"forced": 2, "new": 1},
            "2 forced candidates exceed the 1 new centre requested",
        ),
        (
            lambda: MCLP.from_cost_matrix(
                dc, w, radius=25.0, budget_mad=5e6, cost_mad=3e6, forced=[0, 1]
            ),
            "forced_over_budget",
            {"cost": 6e6, "budget": 5e6},
            "the forced candidates cost 6,000,000 MAD, over the budget of 5,000,000 MAD",
        ),
        (
            lambda: PMedian.from_cost_matrix(
                dc, w, new=5, min_per_province=1, demand_province=prov_d, candidate_province=only_a
            ),
            "province_lacks_candidates",
            {"per_province": 1, "province": "C", "need": 1, "available": 0, "others": 0},
            "province C needs 1 new centre but has only 0 candidate sites",
        ),
        (
            # every province short at once, the first named: one at a time, a planner met
            # the next only after fixing the first
            lambda: PMedian.from_cost_matrix(
                dc,
                w,
                new=5,
                min_per_province=1,
                demand_province=prov_d,
                candidate_province=np.full(len(prov_c), "A"),
            ),
            "province_lacks_candidates",
            {"per_province": 1, "province": "B", "need": 1, "available": 0, "others": 1},
            "province B needs 1 new centre but has only 0 candidate sites (and 1 other province)",
        ),
        (
            lambda: MCLP.from_cost_matrix(dc, w, radius=25.0, new=1, min_per_province=1, **geo),
            "minimum_needs_more_centres",
            {"per_province": 1, "new": 1},
            "at least 1 per province: that needs",
        ),
        (
            lambda: MCLP.from_cost_matrix(
                dc, w, radius=25.0, budget_mad=1e6, cost_mad=2e6, min_per_province=1, **geo
            ),
            "minimum_over_budget",
            {"per_province": 1, "budget": 1e6},
            "budget: 1,000,000 MAD cannot pay for at least 1 centre per province",
        ),
        (
            lambda: PMedian.from_cost_matrix(
                np.array([[5.0], [5.0]]), [10, 10], new=1, capacities=12
            ),
            "too_few_places",
            {"places": 12.0, "demand": 20.0},
            "offer at most 12 places for a demand of 20",
        ),
        (
            lambda: PMedian.from_cost_matrix(
                ones, [140.0, 10.0], new=2, capacities=[100, 100, 1], min_per_province=1, **two_by_a
            ).solve(),
            "no_feasible_set",
            {"new": 2, "budget": None, "per_province": 1, "forced": None, "capacities": True},
            "no set of sites meets 2 new centres with at least 1 per province with the capacities",
        ),
        (
            lambda: PMedian.from_cost_matrix(unreached, [5.0, 5.0], new=2).solve(),
            "demand_without_site",
            {"point": "1"},
            "demand point 1 has no existing centre and no candidate site",
        ),
        (
            lambda: PMedian.from_cost_matrix(unreached, [5.0, 5.0], new=2, capacities=10).solve(),
            "demand_without_site",
            {"point": "1"},
            "demand point 1 has no site to go to",
        ),
    ]
    for build, code, params, words in cases:
        with pytest.raises(InfeasibleError) as got:
            build()  # raised by the rules' checks, or once HiGHS finds nothing
        error = got.value
        assert words in error.message  # the English message is unchanged
        assert error.code == code
        assert set(error.params) == set(REQUEST_CODES[code]), error.params
        # figures the test cannot foresee (what the minimum needs) are checked by their type
        assert {k: error.params[k] for k in params} == params
        for value in error.params.values():
            assert value is None or isinstance(value, str | int | float | bool)
    needs = next(c for c in cases if c[1] == "minimum_needs_more_centres")
    with pytest.raises(InfeasibleError) as got:
        needs[0]()
    assert f"needs {got.value.params['needed']} new centres" in got.value.message


def test_forced_and_excluded_candidates():
    dc, de, w, *_ = _instance(3)
    free = MCLP.from_cost_matrix(dc, w, radius=25.0, new=2, existing_cost_matrix=de).solve()
    top = free.sites[0].candidate
    worst = int(np.argmin((dc <= 25).astype(float).T @ w))
    result = MCLP.from_cost_matrix(
        dc, w, radius=25.0, new=2, existing_cost_matrix=de, forced=[worst], excluded=[top]
    ).solve()
    chosen = {s.candidate for s in result.sites}
    assert worst in chosen
    assert top not in chosen
    assert next(s for s in result.sites if s.candidate == worst).forced

    def ok(s):
        return worst in s and top not in s

    best = max(_covered(dc, de, w, 25.0, s) for s in _subsets(9, 2, ok))
    assert result.objective == pytest.approx(best)


@pytest.mark.parametrize("seed", [9, 14, 15, 19, 0, 1])
def test_sites_that_add_nothing_are_not_proposed(seed):
    # more new centres allowed than can help: HiGHS is free to open idle sites (their
    # variables cost nothing), the answer must not list them
    dc, de, w, *_ = _instance(seed)
    every = tuple(range(dc.shape[1]))
    for result, best in (
        (
            MCLP.from_cost_matrix(dc, w, radius=25.0, new=9, existing_cost_matrix=de).solve(),
            _covered(dc, de, w, 25.0, every),
        ),
        (
            MCLP.from_cost_matrix(
                dc, w, radius=25.0, budget_mad=1e9, cost_mad=1e6, existing_cost_matrix=de
            ).solve(),
            _covered(dc, de, w, 25.0, every),
        ),
        (
            PMedian.from_cost_matrix(dc, w, new=9, existing_cost_matrix=de).solve(),
            _median(dc, de, w, every),
        ),
        (  # 30 places per centre: a site may be in reach of people and still serve no one
            MCLP.from_cost_matrix(
                dc,
                w,
                radius=25.0,
                new=9,
                existing_cost_matrix=de,
                capacities=np.full(9, 30.0),
                existing_capacities=[30.0, 30.0],
            ).solve(),
            _served(dc, de, w, 25.0, np.full(9, 30.0), [30.0, 30.0], every),
        ),
    ):
        assert result.objective == pytest.approx(best)
        assert all(s.gain > 1e-6 for s in result.sites)
        assert result.total_cost_mad in (None, pytest.approx(1e6 * len(result.sites)))


def test_idle_sites_stay_when_forced_or_needed_by_a_province():
    # demand A(0) B(10) C(20) D(30) on a line, 6 km radius: sites at 5 and 25 cover everyone;
    # the site at 15 (covering B and C) adds nothing to them, and the one at 60 no one
    demand = np.array([0.0, 10.0, 20.0, 30.0])
    sites = np.array([5.0, 25.0, 15.0, 60.0])
    dc = np.abs(demand[:, None] - sites[None, :])
    w = np.array([4.0, 3.0, 2.0, 1.0])
    free = MCLP.from_cost_matrix(dc, w, radius=6.0, new=4).solve()
    assert sorted(s.candidate for s in free.sites) == [0, 1]
    assert [s.gain for s in free.sites] == [7.0, 3.0]
    forced = MCLP.from_cost_matrix(dc, w, radius=6.0, new=4, forced=[2]).solve()
    assert sorted(s.candidate for s in forced.sites) == [0, 1, 2]
    idle = next(s for s in forced.sites if s.candidate == 2)
    assert idle.forced
    assert idle.gain == 0.0
    assert forced.objective == 10.0
    # D lies in province Z, whose only candidate is the site at 60: Z must have a centre
    geo: dict[str, Any] = {
        "demand_province": np.array(["Y", "Y", "Y", "Z"]),
        "candidate_province": np.array(["Y", "Y", "Y", "Z"]),
    }
    needed = MCLP.from_cost_matrix(dc, w, radius=6.0, new=4, min_per_province=1, **geo).solve()
    assert sorted(s.candidate for s in needed.sites) == [0, 1, 3]
    assert needed.objective == 10.0


def test_capacitated_mclp_matches_enumeration():
    dc, de, w, *_ = _instance(4, n_d=20, n_c=7)
    cap = np.array([15, 30, 10, 25, 20, 5, 40], dtype=float)
    ecap = [12.0, 8.0]
    best = max(_served(dc, de, w, 30.0, cap, ecap, s) for s in _subsets(7, 2))
    result = MCLP.from_cost_matrix(
        dc,
        w,
        radius=30.0,
        new=2,
        existing_cost_matrix=de,
        capacities=cap,
        existing_capacities=ecap,
    ).solve()
    assert result.objective == pytest.approx(best)
    assert result.objective_before == pytest.approx(_served(dc, de, w, 30.0, cap, ecap, ()))
    for site in result.sites:  # nobody is served beyond a site's places
        assert site.gain <= cap[site.candidate] + 1e-6


def test_capacitated_hand_checked():
    # two villages of 10 persons each 5 km from one candidate with 12 places: 12 are served
    dc = np.array([[5.0], [5.0]])
    result = MCLP.from_cost_matrix(dc, [10.0, 10.0], radius=10.0, new=1, capacities=12).solve()
    assert result.objective == pytest.approx(12.0)
    assert result.sites[0].gain == pytest.approx(12.0)
    # p-median must serve everybody: 12 places for 20 persons is infeasible, named
    with pytest.raises(InfeasibleError, match="capacity"):
        PMedian.from_cost_matrix(dc, [10.0, 10.0], new=1, capacities=12)


def test_capacitated_ties_go_to_the_sites_that_reach_the_most_persons():
    # three candidates, each beside one village (6, 100 and 50 persons) and with 5 places:
    # any two fill their places (10 served), so the number served does not choose; the two
    # that bring the most persons within reach do (100 + 50), the larger first
    dc = np.array(
        [
            [1.0, 90.0, 90.0],
            [90.0, 1.0, 90.0],
            [90.0, 90.0, 1.0],
        ]
    )
    for order in ([6.0, 100.0, 50.0], [50.0, 6.0, 100.0]):
        result = MCLP.from_cost_matrix(dc, order, radius=10.0, new=2, capacities=5).solve()
        assert result.optimal
        assert result.objective == pytest.approx(10.0)
        assert [order[s.candidate] for s in result.sites] == [100.0, 50.0]
        assert [s.gain for s in result.sites] == pytest.approx([5.0, 5.0])


def test_capacitated_ties_never_cost_a_person_served():
    # a site reaching many persons but with few places loses to one serving more: the
    # coverage only chooses among answers that serve as many as the optimum
    dc = np.array([[1.0, 90.0], [90.0, 1.0]])
    result = MCLP.from_cost_matrix(
        dc, [1000.0, 20.0], radius=10.0, new=1, capacities=[3.0, 15.0]
    ).solve()
    assert result.objective == pytest.approx(15.0)
    assert [s.candidate for s in result.sites] == [1]


@pytest.mark.parametrize("seed", range(12))
def test_capacitated_new_sites_take_no_one_served_before(seed):
    # the after assignment was solved apart from the before one, and among equal optima it
    # could give an existing centre's places to another town of the same weight: Rabat,
    # served 32 before three new COAPH of 100 places, was served 0 after. Equal weights
    # make such ties everywhere; each demand point is its own "province" here
    dc, de, w, *_ = _instance(seed, n_d=30, n_c=8, n_e=3, min_weight=10, max_weight=11)
    result = MCLP.from_cost_matrix(
        dc,
        w,
        radius=35.0,
        new=2,
        existing_cost_matrix=de,
        capacities=25.0,
        existing_capacities=[20.0, 30.0, 40.0],
        demand_province=[f"d{i}" for i in range(len(w))],
        candidate_province=["x"] * dc.shape[1],
        existing_province=["x"] * de.shape[1],
    ).solve()
    table = _v(result.by_province)
    assert (table["covered_after"] >= table["covered_before"] - 1e-9).all(), table[
        table["covered_after"] < table["covered_before"]
    ]
    assert table["covered_after"].sum() == pytest.approx(result.objective)


def test_capacitated_site_next_to_a_full_centre_serves():
    # 40 persons 2 km from an existing centre with 10 places: the candidate beside them, with
    # 30 places, serves the 30 the centre cannot (a village in reach of a centre is not
    # served when the centre is full)
    result = MCLP.from_cost_matrix(
        np.array([[1.0]]),
        [40.0],
        radius=10.0,
        new=1,
        existing_cost_matrix=np.array([[2.0]]),
        capacities=30,
        existing_capacities=[10.0],
    ).solve()
    assert result.objective_before == pytest.approx(10.0)
    assert result.objective == pytest.approx(40.0)
    assert [s.candidate for s in result.sites] == [0]
    assert result.sites[0].gain == pytest.approx(30.0)
    # the greedy counts the persons the full centre leaves unserved, too
    assert [s.candidate for s in result.greedy.sites] == [0]
    assert result.greedy.objective == pytest.approx(40.0)
    assert result.greedy.shortfall == pytest.approx(0.0)


def test_capacitated_greedy_shares_a_site_s_places_among_the_people_in_reach():
    # A (30 persons) and B (10) both within reach of sites 0 and 1 (20 places each), C (25)
    # of site 2 only (25 places). Greedy: site 2 serves C (25); then site 0 serves 20 of the
    # 40 in A and B (half of each is left: 15 + 5); site 1 then serves the other 20.
    dc = np.array([[1.0, 1.0, 50.0], [1.0, 1.0, 50.0], [50.0, 50.0, 1.0]])
    model = MCLP.from_cost_matrix(
        dc, [30.0, 10.0, 25.0], radius=10.0, new=3, capacities=[20.0, 20.0, 25.0]
    )
    result = model.solve()
    assert result.objective == pytest.approx(65.0)
    assert [s.candidate for s in result.greedy.sites] == [2, 0, 1]
    assert [s.gain for s in result.greedy.sites] == pytest.approx([25.0, 20.0, 20.0])
    assert result.greedy.objective == pytest.approx(65.0)


def test_capacitated_pmedian_matches_enumeration():
    dc, de, w, *_ = _instance(6, n_d=12, n_c=6)
    w = np.maximum(w, 1.0)
    cap = np.full(6, w.sum() / 3)
    ecap = [w.sum() / 4, w.sum() / 4]

    best = min(_assigned(dc, de, w, cap, ecap, s) for s in itertools.combinations(range(6), 2))
    result = PMedian.from_cost_matrix(
        dc, w, new=2, existing_cost_matrix=de, capacities=cap, existing_capacities=ecap
    ).solve()
    assert result.objective == pytest.approx(best, rel=1e-6)


def test_sparse_input_keeps_zero_distances():
    # candidate 0 sits on demand 0 (distance 0): dropping that pair would lose 50 persons
    cost = SparseCost.from_arrays([0, 1], [0, 1], [0.0, 3.0], (2, 2))
    result = MCLP.from_cost_matrix(cost, [50.0, 10.0], radius=5.0, new=1).solve()
    assert result.objective == 50.0
    assert result.sites[0].candidate == 0


def test_time_limit_returns_the_best_solution_with_its_gap():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 100, (400, 2))
    dc = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    w = rng.uniform(1, 10, 400)
    model = PMedian.from_cost_matrix(dc, w, new=40)
    error: AnalysisError | None = None
    try:
        result = model.solve(time_limit_s=0.3)
    except AnalysisError as exc:  # no solution at all within the limit: said, not hidden
        error = exc
    if error is not None:
        assert "time_limit" in str(error)
        assert (error.code, error.params) == ("no_solution_in_time", {"status": "time_limit"})
        return
    assert result.status == "time_limit"
    assert not result.optimal
    assert result.mip_gap > 0  # infinite when HiGHS proved no bound yet
    assert result.bound is None or result.bound <= result.objective
    assert len(result.sites) == 40
    # never worse than the greedy answer shown beside it
    assert result.objective <= _v(result.greedy.objective) + 1e-6
    assert result.solution_source in {"milp", "greedy"}
    assert result.to_dict()["gap"] is None or result.to_dict()["gap"] > 0


def test_result_is_frozen_and_complete():
    dc, de, w, prov_d, _, _ = _instance(2)
    regions = np.where(np.isin(prov_d, ["A", "B"]), "north", "south")
    result = MCLP.from_cost_matrix(
        dc,
        w,
        radius=25.0,
        new=2,
        existing_cost_matrix=de,
        demand_province=prov_d,
        demand_region=regions,
    ).solve()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.objective = 0  # type: ignore[misc]
    assert _v(result.by_province)["covered_after"].sum() == pytest.approx(result.objective)
    assert _v(result.by_region)["covered_before"].sum() == pytest.approx(result.objective_before)
    assert _v(result.by_region)["pwd"].sum() == pytest.approx(w.sum())
    assert result.equity is not None
    assert result.equity.gini_after is not None
    payload = result.to_dict()
    assert payload["optimal"] is True
    assert len(payload["by_province"]) == 3


# ---- the point adapter -----------------------------------------------------------------
def _frames():
    demand = pd.DataFrame(
        {
            "code": ["d0", "d1", "d2", "d3"],
            "lon": [0.0, -0.2, 1.0, 3.0],
            "lat": [0.0, 0.0, 0.0, 0.0],
            "pwd": [100.0, 50.0, 80.0, 30.0],
            "province_code": ["P1", "P1", "P2", "P2"],
            "region_code": ["R", "R", "R", "R"],
        }
    )
    existing = pd.DataFrame({"lon": [3.0], "lat": [0.0], "province_code": ["P2"], "capacity": [5]})
    return demand, existing


def test_frames_use_great_circle_km():
    demand, existing = _frames()
    # one degree of longitude on the equator is 111.195 km: d2 is 111.2 km from d0
    near = MCLP.from_frames(demand, None, existing, radius_km=111.1, new=1).solve()
    far = MCLP.from_frames(demand, None, existing, radius_km=111.3, new=1).solve()
    assert near.objective == pytest.approx(30 + 150)  # d0 covers d0 + d1 only
    assert far.objective == pytest.approx(30 + 230)  # d0 now also reaches d2
    assert far.sites[0].label == "d0"
    assert far.sites[0].lon == 0.0
    pm = PMedian.from_frames(demand, None, existing, new=1).solve()
    assert pm.optimal
    assert pm.sites[0].label == "d0"


def test_frames_accept_projected_geodataframes():
    import geopandas as gpd

    demand, existing = _frames()
    gdf = gpd.GeoDataFrame(
        demand.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(demand["lon"], demand["lat"]),
        crs=4326,
    ).to_crs(3857)
    result = MCLP.from_frames(gdf, None, existing, radius_km=111.3, new=1).solve()
    assert result.objective == pytest.approx(260)


def test_frames_report_bad_rows():
    demand, existing = _frames()
    bad = demand.assign(lat=[0.0, 95.0, 0.0, 0.0])
    with pytest.raises(DataError, match=r"row 1 \(code=d1\)"):
        MCLP.from_frames(bad, None, existing, radius_km=10, new=1)
    with pytest.raises(DataError, match="'pwd'"):
        MCLP.from_frames(demand.assign(pwd=[1.0, -2.0, 0, 0]), radius_km=10, new=1)
    with pytest.raises(DataError, match="missing column 'pwd'"):
        MCLP.from_frames(demand.drop(columns=["pwd"]), radius_km=10, new=1)
    with pytest.raises(NotFoundError, match="nowhere"):
        MCLP.from_frames(demand, None, existing, radius_km=10, new=1, forced=["nowhere"])
    with pytest.raises(AnalysisError, match="radius"):
        MCLP.from_frames(demand, None, existing, new=1)


def test_truncated_pmedian_from_points_equals_the_dense_model():
    from analysis.distance import distance_matrix_km

    rng = np.random.default_rng(9)
    demand = pd.DataFrame(
        {
            "code": [f"c{i}" for i in range(80)],
            "lon": rng.uniform(-9.5, -2.0, 80),
            "lat": rng.uniform(29.5, 35.5, 80),
            "pwd": rng.uniform(10, 500, 80),
        }
    )
    existing = pd.DataFrame({"lon": [-7.6, -5.0], "lat": [33.6, 34.0]})
    sparse_model = PMedian.from_frames(demand, None, existing, new=5, province=None)
    dc = distance_matrix_km(demand["lon"], demand["lat"], demand["lon"], demand["lat"])
    de = distance_matrix_km(demand["lon"], demand["lat"], existing["lon"], existing["lat"])
    dense = PMedian.from_cost_matrix(
        dc, demand["pwd"].to_numpy(), new=5, existing_cost_matrix=de
    ).solve()
    truncated = sparse_model.solve()
    assert truncated.objective == pytest.approx(dense.objective, rel=1e-9)
    assert truncated.n_variables == dense.n_variables < 80 * 80  # both truncated
    mclp = MCLP.from_frames(demand, None, existing, radius_km=60, new=5, province=None).solve()
    ref = MCLP.from_cost_matrix(
        dc, demand["pwd"].to_numpy(), radius=60, new=5, existing_cost_matrix=de
    )
    assert mclp.objective == pytest.approx(ref.solve().objective)


def test_covered_with_measures_any_set_of_sites() -> None:
    # demands of 100, 200, 300 at km 0, 10, 20; candidates a (km 0) and b (km 20); radius 5
    cost = np.array([[0.0, 20.0], [10.0, 10.0], [20.0, 0.0]])
    model = MCLP.from_cost_matrix(
        cost, np.array([100.0, 200.0, 300.0]), radius=5.0, new=1, candidate_labels=["a", "b"]
    )
    assert model.covered_with() == 0.0
    assert model.covered_with(["a"]) == 100.0
    assert model.covered_with(["a", "b"]) == 400.0
    capped = MCLP.from_cost_matrix(
        cost,
        np.array([100.0, 200.0, 300.0]),
        radius=5.0,
        new=1,
        candidate_labels=["a", "b"],
        capacities=np.array([50.0, 250.0]),
    )
    assert capped.covered_with(["a", "b"]) == pytest.approx(300.0)  # 50 + 250 places
    with pytest.raises(AnalysisError, match="no candidate site 'c'"):
        model.covered_with(["c"])


def test_the_relaxed_bound_opens_every_candidate() -> None:
    # the bound a stopped solve may not pass: every candidate open, no capacity
    cost = np.array([[0.0, 20.0], [10.0, 10.0], [20.0, 0.0]])
    w = np.array([100.0, 200.0, 300.0])
    mclp = MCLP.from_cost_matrix(cost, w, radius=5.0, new=1)
    assert mclp._relaxed_bound() == 400.0  # the middle demand is 10 km from both
    pmed = PMedian.from_cost_matrix(cost, w, new=1)
    assert pmed._relaxed_bound() == 200.0 * 10.0  # the ends at 0 km, the middle at 10
    bound = pmed._relaxed_bound()
    assert bound is not None
    assert pmed.solve().objective >= bound
