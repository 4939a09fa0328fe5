"""The exact search's own paths: truncated p-median, MIP start, local search, silent HiGHS."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import analysis.location.models as models
from analysis.location import MCLP, PMedian, _milp
from analysis.location._base import _Clock, _highs_margin, _Kernel
from analysis.location._milp import MilpBuilder
from tests.analysis.location_cases import Instance, instance, meets_minimum, province_minimum
from tests.analysis.location_cases import covered as _covered
from tests.analysis.location_cases import median as _median


def _instance(seed: int, n_d: int = 50, n_c: int = 14, n_e: int = 2) -> Instance:
    return instance(seed, n_d, n_c, n_e, max_weight=30)


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def always_truncate(monkeypatch):
    """Force the truncated p-median on small instances, starting from one pair per demand."""
    monkeypatch.setattr(models, "_FULL_BELOW", 0)
    monkeypatch.setattr(models, "_K_MIN", 1)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_e", [0, 2])
@pytest.mark.parametrize("mip_start", [True, False])
def test_truncated_pmedian_equals_enumeration(always_truncate, seed, n_e, mip_start):
    dc, de, w, *_ = _instance(seed, n_e=n_e)
    p = 3
    best = min(_median(dc, de, w, s) for s in itertools.combinations(range(dc.shape[1]), p))
    model = PMedian.from_cost_matrix(dc, w, new=p, existing_cost_matrix=de if n_e else None)
    result = model.solve(mip_start=mip_start)
    assert result.optimal
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best, rel=1e-9)
    assert result.bound == pytest.approx(best, rel=1e-6)
    chosen = [s.candidate for s in result.sites]
    assert _median(dc, de, w, chosen) == pytest.approx(best, rel=1e-9)


def test_truncated_pmedian_keeps_the_rules(always_truncate):
    dc, de, w, prov_d, prov_c, prov_e = _instance(4, n_c=12)
    kwargs = {
        **province_minimum(de, prov_d, prov_c, prov_e, new=4),
        "forced": [5],
        "excluded": [0],
    }

    def ok(s):
        return 5 in s and 0 not in s and meets_minimum(prov_c, prov_e, s)

    subsets = [s for k in range(5) for s in itertools.combinations(range(12), k) if ok(s)]
    best = min(_median(dc, de, w, s) for s in subsets)
    result = PMedian.from_cost_matrix(dc, w, **kwargs).solve()
    assert result.optimal
    assert result.objective == pytest.approx(best, rel=1e-9)
    assert ok(tuple(s.candidate for s in result.sites))


def test_truncated_and_whole_pmedian_agree_on_points(monkeypatch):
    rng = np.random.default_rng(5)
    demand = pd.DataFrame(
        {
            "code": [f"c{i}" for i in range(150)],
            "lon": rng.uniform(-9.5, -2.0, 150),
            "lat": rng.uniform(29.5, 35.5, 150),
            "pwd": rng.uniform(10, 500, 150),
        }
    )
    whole = PMedian.from_frames(demand, new=6, province=None).solve()
    monkeypatch.setattr(models, "_FULL_BELOW", 0)
    monkeypatch.setattr(models, "_K_MIN", 2)
    truncated = PMedian.from_frames(demand, new=6, province=None).solve()
    assert whole.optimal
    assert truncated.optimal
    assert truncated.objective == pytest.approx(whole.objective, rel=1e-9)
    # the truncated model needed fewer pairs than the whole one
    assert truncated.n_variables < whole.n_variables


@pytest.mark.parametrize("seed", range(4))
def test_mip_start_never_changes_the_optimum(seed):
    dc, de, w, *_ = _instance(seed, n_c=12)
    best_cov = max(
        _covered(dc, de, w, 22.0, s) for k in range(4) for s in itertools.combinations(range(12), k)
    )
    best_med = min(_median(dc, de, w, s) for s in itertools.combinations(range(12), 3))
    for mip_start in (True, False):
        mclp = MCLP.from_cost_matrix(dc, w, radius=22.0, new=3, existing_cost_matrix=de)
        pmed = PMedian.from_cost_matrix(dc, w, new=3, existing_cost_matrix=de)
        assert mclp.solve(mip_start=mip_start).objective == pytest.approx(best_cov)
        assert pmed.solve(mip_start=mip_start).objective == pytest.approx(best_med)


def _greedy_then_improve(model: MCLP | PMedian, n_candidates: int) -> tuple[np.ndarray, np.ndarray]:
    """The greedy sites, and the model's local search from them (every candidate active)."""
    picks, _ = model.greedy()
    start = np.asarray(sorted(j for j, _ in picks), dtype=np.int64)
    found = model._improve(start, np.ones(n_candidates, dtype=bool), _Clock(0.0, None))
    return start, found


def test_local_search_improves_greedy_and_keeps_the_rules():
    dc, de, w, prov_d, prov_c, prov_e = _instance(8, n_d=120, n_c=30)
    cost = np.random.default_rng(1).integers(1, 4, 30).astype(float) * 1e6
    model = MCLP.from_cost_matrix(
        dc,
        w,
        radius=20.0,
        budget_mad=9e6,
        cost_mad=cost,
        min_per_province=1,
        demand_province=prov_d,
        candidate_province=prov_c,
        existing_province=prov_e,
        existing_cost_matrix=de,
        forced=[3],
    )
    start, better = _greedy_then_improve(model, 30)
    assert model._meets_rules(list(better))
    assert 3 in better
    improved, started = model._value(better), model._value(start)
    assert improved is not None
    assert started is not None
    assert improved >= started - 1e-9
    assert improved <= model.solve().objective + 1e-9


# seeds where the greedy start is not already a local optimum, with and without centres
@pytest.mark.parametrize(("seed", "n_e"), [(8, 0), (9, 0), (15, 0), (11, 1), (35, 1), (19, 2)])
def test_pmedian_swaps_end_where_no_single_swap_helps(seed, n_e):
    dc, de, w, *_ = _instance(seed, n_d=60, n_c=12, n_e=n_e)
    w[:3] = 0.0  # weightless demand changes nothing
    model = PMedian.from_cost_matrix(
        dc, w, new=4, existing_cost_matrix=de if n_e else None, forced=[1], excluded=[7]
    )
    start, found = _greedy_then_improve(model, 12)
    assert model._meets_rules(list(found))
    assert 1 in found
    assert 7 not in found
    value = _median(dc, de, w, found)
    assert model._value(found) == pytest.approx(value)
    assert value < _median(dc, de, w, start) - 1e-6
    # a local optimum of the interchange: no swap of a (non-forced) site for another helps
    for k in found:
        if k == 1:
            continue
        for j in set(range(12)) - set(found) - {7}:
            swapped = [s for s in found if s != k] + [j]
            assert _median(dc, de, w, swapped) >= value - 1e-9, (k, j)
    best = min(
        _median(dc, de, w, s)
        for s in itertools.combinations([j for j in range(12) if j != 7], 4)
        if 1 in s
    )
    assert value >= best - 1e-9
    assert model.solve().objective == pytest.approx(best)


def test_pmedian_swaps_leave_budgets_and_province_minimums_to_the_exact_search():
    dc, _, w, prov_d, prov_c, _ = _instance(5, n_d=60, n_c=12)
    budget = PMedian.from_cost_matrix(dc, w, budget_mad=3e6, cost_mad=1e6)
    start = np.array([0, 1, 2])
    assert list(budget._improve(start, np.ones(12, dtype=bool), _Clock(0.0, None))) == [0, 1, 2]
    per_province = PMedian.from_cost_matrix(
        dc,
        w,
        new=3,
        min_per_province=1,
        demand_province=prov_d,
        candidate_province=prov_c,
    )
    kept = per_province._improve(start, np.ones(12, dtype=bool), _Clock(0.0, None))
    assert list(kept) == [0, 1, 2]


@pytest.mark.parametrize("seed", range(3))
def test_iterated_local_search_keeps_the_rules_and_never_passes_the_optimum(seed):
    dc, de, w, *_ = _instance(seed, n_d=80, n_c=13, n_e=0)
    model = MCLP.from_cost_matrix(dc, w, radius=18.0, new=4, forced=[2], excluded=[5])
    best = max(
        _covered(dc, de, w, 18.0, s)
        for s in itertools.combinations([j for j in range(13) if j != 5], 4)
        if 2 in s
    )
    picks, _ = model.greedy()
    start = np.asarray(sorted(j for j, _ in picks), dtype=np.int64)
    active = np.ones(13, dtype=bool)
    descent = model._descend(start, active, float("inf"))
    iterated = model._improve(start, active, _Clock(0.0, None))
    # seeded: the same answer twice
    assert list(iterated) == list(model._improve(start, active, _Clock(0.0, None)))
    assert model._meets_rules(list(iterated))
    assert 2 in iterated
    assert 5 not in iterated
    found, first = model._value(iterated), model._value(descent)
    assert found is not None
    assert first is not None
    assert first - 1e-9 <= found <= best + 1e-9
    assert model.solve().objective == pytest.approx(best)


def test_builder_start_offset_and_relaxation():
    # max 3a + 2b + 4c with a + b + c <= 1: the start b = 1 is feasible, the optimum is c
    builder = MilpBuilder()
    builder.add_columns(np.array([3.0, 2.0, 4.0]), integer=True)
    builder.add_rows(np.zeros(3, np.int64), np.arange(3), np.ones(3), n_rows=1, lo=-np.inf, hi=1)
    out = builder.solve(
        maximize=True, time_limit_s=10, mip_rel_gap=0.0, start=np.array([0.0, 1.0, 0.0])
    )
    assert out.status == "optimal"
    assert out.objective == pytest.approx(4.0)
    lp = builder.solve(maximize=True, time_limit_s=10, mip_rel_gap=0.0, relax=True, offset=1.0)
    assert lp.bound == pytest.approx(5.0)
    # any price in [3, 4] on the row is optimal for the LP dual (c sits at its bound)
    assert lp.row_duals is not None
    assert 3.0 - 1e-9 <= lp.row_duals[0] <= 4.0 + 1e-9


def _kernel_case() -> MCLP:
    # A covers d1 + d2 (10 + 10), B covers d3 (5), C covers d4 + d5 (8 + 8), D and six
    # more sites cover one demand point of weight 1 each; two sites: A and C cover 36
    near = {0: [0, 1], 1: [2], 2: [3, 4]} | {j: [j + 2] for j in range(3, 10)}
    dc = np.full((12, 10), 100.0)
    for j, rows in near.items():
        dc[rows, j] = 0.0
    w = np.array([10.0, 10.0, 5.0, 8.0, 8.0] + [1.0] * 7)
    return MCLP.from_cost_matrix(dc, w, radius=1.0, new=2)


def test_lp_dive_replaces_a_poorer_start_hand_checked():
    model = _kernel_case()
    active_idx = np.flatnonzero(model._active({}))
    builder, x_of = model._site_columns(active_idx, {})
    built = model._build(builder, x_of)
    clock = _Clock(time.perf_counter(), None)

    def dive_from(start: list[int]) -> list[int]:
        return sorted(model._dive_start(builder, built, active_idx, {}, np.array(start), clock))

    # from the poor start {B, D} (6) the dive's LP opens A and C (36)
    assert dive_from([1, 3]) == [0, 2]
    # a start as good as the dive's is kept
    assert dive_from([0, 2]) == [0, 2]
    # no dive when the start is already within 0.01 % of the LP's value (36)
    n = len(active_idx)
    dive = builder.dive(n_sites=n, maximize=True, seconds=10, offset=built.constant)
    assert dive is not None
    assert dive.sites is not None
    assert sorted(active_idx[dive.sites > 0.5]) == [0, 2]
    # the LP relaxation's own solution comes with it: here already integral, A and C
    assert sorted(active_idx[dive.root > 0.5]) == [0, 2]
    assert builder.dive(n_sites=n, maximize=True, seconds=10, incumbent=36.0) is None
    assert builder.dive(n_sites=n, maximize=True, seconds=10, incumbent=6.0) is not None


def test_dive_start_solves_the_lp_support_exactly():
    # seeded 80 x 20, p = 4, 15 km: the root LP opens two sites whole and four at one half;
    # the greedy sites and the dive (fix the largest half to 1, polish) both stop at 363;
    # the core of the LP's six sites and the greedy ones, solved exactly, holds the
    # optimum, 369 (every 4 of the 20 candidates compared)
    dc, de, w, *_ = instance(48, 80, 20, 0, max_weight=30)
    model = MCLP.from_cost_matrix(dc, w, radius=15.0, new=4)
    best = max(_covered(dc, de, w, 15.0, s) for s in itertools.combinations(range(20), 4))
    assert best == pytest.approx(369.0)
    active_idx = np.flatnonzero(model._active({}))
    builder, x_of = model._site_columns(active_idx, {})
    built = model._build(builder, x_of)
    clock = _Clock(time.perf_counter(), None)
    dive = builder.dive(n_sites=len(active_idx), maximize=True, seconds=10, offset=built.constant)
    assert dive is not None
    assert dive.sites is not None
    assert sorted(np.round(dive.root[dive.root > 1e-6], 3)) == [0.5] * 4 + [1.0] * 2
    active = np.ones(model.n_candidates, dtype=bool)
    dived = model._polish(active_idx[dive.sites > 0.5], active, clock)
    assert model._value(dived) == pytest.approx(363.0)
    picks, _ = model.greedy()
    greedy = np.asarray(sorted(j for j, _ in picks), dtype=np.int64)
    assert model._value(greedy) == pytest.approx(363.0)
    start = model._dive_start(builder, built, active_idx, {}, greedy, clock)
    assert model._value(start) == pytest.approx(best)
    assert len(start) == 4


def _ruled_models(seed: int) -> list[MCLP]:
    """Seeded 120 × 16 MCLPs with a per-province minimum, site ``seed`` forced and site
    ``15 - seed`` excluded: one with 4 new sites, one with an 8 M MAD budget."""
    dc, de, w, prov_d, prov_c, prov_e = _instance(seed, n_d=120, n_c=16)
    cost = np.random.default_rng(seed).integers(1, 4, 16).astype(float) * 1e6
    common: dict[str, Any] = {
        "radius": 20.0,
        "min_per_province": 1,
        "demand_province": prov_d,
        "candidate_province": prov_c,
        "existing_province": prov_e,
        "existing_cost_matrix": de,
        "forced": [seed],
        "excluded": [15 - seed],
    }
    return [
        MCLP.from_cost_matrix(dc, w, **common, **rules)
        for rules in ({"new": 4}, {"budget_mad": 8e6, "cost_mad": cost})
    ]


@pytest.mark.parametrize("seed", range(4))
def test_lp_dive_keeps_the_rules_and_never_passes_the_optimum(seed):
    for model in _ruled_models(seed):
        deficits = model._province_deficits()
        active_idx = np.flatnonzero(model._active(deficits))
        builder, x_of = model._site_columns(active_idx, deficits)
        model._build(builder, x_of)
        dive = builder.dive(n_sites=len(active_idx), maximize=True, seconds=10.0)
        assert dive is not None
        assert dive.sites is not None
        x = dive.sites
        assert set(np.unique(x)) <= {0.0, 1.0}
        dived = active_idx[x > 0.5]
        assert model._meets_rules(list(dived))
        assert seed in dived
        assert 15 - seed not in dived
        value = model._value(dived)
        assert value is not None
        assert value <= model.solve().objective + 1e-9


def test_highs_prints_nothing_on_stdout():
    code = (
        "import numpy as np\n"
        "from analysis.location import MCLP\n"
        "d = np.array([[0.0, 5.0], [5.0, 0.0]])\n"
        "r = MCLP.from_cost_matrix(d, [1.0, 2.0], radius=1.0, new=1).solve()\n"
        "print('objective', r.objective)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout == "objective 2.0\n"


@pytest.mark.parametrize("seed", range(4))
def test_lagrangian_bound_is_valid_and_near_the_lp(seed):
    dc, de, w, *_ = _instance(seed, n_d=200, n_c=40)
    model = MCLP.from_cost_matrix(dc, w, radius=15.0, new=4, existing_cost_matrix=de, forced=[seed])
    active = model._active({})
    active_idx = np.flatnonzero(active)
    builder, x_of = model._site_columns(active_idx, {})
    built = model._build(builder, x_of)
    assert built.bound is not None
    optimum = model.solve().objective
    lagrangian = built.bound(optimum, 5.0)
    lp = builder.solve(
        maximize=True, time_limit_s=10, mip_rel_gap=0.0, relax=True, offset=built.constant
    )
    assert lagrangian is not None
    assert lagrangian >= optimum - 1e-6  # an upper bound on a maximum
    assert lp.bound is not None
    assert lagrangian >= lp.bound - 1e-6  # never better than the LP it relaxes
    assert lagrangian <= lp.bound * 1.02 + 1e-6  # and close to it


@pytest.fixture
def kernel_always(monkeypatch):
    """Treat every model as large: kernel search, interior-point root LP, short local search."""
    import analysis.location._base as base

    monkeypatch.setattr(base, "_IPM_FROM_NNZ", 0)
    monkeypatch.setattr(models, "_IPM_FROM_NNZ", 0)


def test_kernel_search_hand_checked(kernel_always):
    # _kernel_case: from the poor start {B, D} (6) the LP opens A and C, the core
    # {A, B, C, D} (4 of 10 sites) is solved exactly, and the LP's value (36) is the bound.
    model = _kernel_case()
    active_idx = np.flatnonzero(model._active({}))
    builder, x_of = model._site_columns(active_idx, {})
    built = model._build(builder, x_of)
    kernel = model._kernel_search(
        builder, built, active_idx, {}, np.array([1, 3]), _Clock(time.perf_counter(), None)
    )
    assert sorted(kernel.sites.tolist()) == [0, 2]
    assert model._value(kernel.sites) == pytest.approx(36.0)
    assert kernel.lp_bound is not None
    assert kernel.lp_bound == pytest.approx(36.0, rel=1e-5)
    assert kernel.lp_bound >= 36.0
    result = model.solve()
    assert result.optimal
    assert result.objective == pytest.approx(36.0)


@pytest.mark.parametrize("seed", range(4))
def test_kernel_search_keeps_the_rules_and_the_optimum(kernel_always, seed):
    for model, again in zip(_ruled_models(seed), _ruled_models(seed), strict=True):
        picks, _ = model.greedy()
        start = np.asarray(sorted(j for j, _ in picks), dtype=np.int64)
        active_idx = np.flatnonzero(model._active(model._province_deficits()))
        builder, x_of = model._site_columns(active_idx, model._province_deficits())
        built = model._build(builder, x_of)
        kernel = model._kernel_search(
            builder,
            built,
            active_idx,
            model._province_deficits(),
            start[np.isin(start, active_idx)],
            _Clock(time.perf_counter(), None),
        )
        assert model._meets_rules(list(kernel.sites))
        assert seed in kernel.sites
        assert 15 - seed not in kernel.sites
        found, started = model._value(kernel.sites), model._value(start)
        assert found is not None
        assert started is not None
        assert found >= started - 1e-9
        # the exact search over every candidate, with and without the kernel, agrees
        with_kernel = model.solve()
        assert with_kernel.optimal
        assert found <= with_kernel.objective + 1e-9
        assert kernel.lp_bound is not None
        assert kernel.lp_bound >= with_kernel.objective - 1e-6
        plain = again.solve(mip_start=False)
        assert with_kernel.objective == pytest.approx(plain.objective, rel=1e-9)


def test_highs_margin_after_a_kernel_search():
    solved = _Kernel(np.array([0]), lp_bound=10.0, lp_seconds=4.0)
    unsolved = _Kernel(np.array([0]), lp_bound=None, lp_seconds=18.0)
    assert _highs_margin(solved, 60.0) == pytest.approx(10.0)  # 2.5 x 4 s
    assert _highs_margin(solved, 15.0) == pytest.approx(5.0)  # at most a third of 15 s
    assert _highs_margin(solved, None) == 0.0  # no limit, no margin
    # an unfinished relaxation (the p-median's, say) must not starve HiGHS
    assert _highs_margin(unsolved, 42.0) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_large_pmedian_skips_the_kernel_search_and_keeps_the_optimum(
    kernel_always, monkeypatch, seed
):
    # the p-median's assignment LP is too slow to run before the MILP: never a kernel search
    assert not PMedian.kernel_search

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("kernel search on a p-median")

    monkeypatch.setattr(PMedian, "_kernel_search", refuse)
    dc, de, w, *_ = _instance(seed, n_c=12)
    best = min(_median(dc, de, w, s) for s in itertools.combinations(range(12), 3))
    result = PMedian.from_cost_matrix(dc, w, new=3, existing_cost_matrix=de).solve()
    assert result.optimal
    assert result.objective == pytest.approx(best)


_HARD_SOLVE = """
import numpy as np
from analysis.location import _milp
from analysis.location._milp import MilpBuilder

# a market split instance (Cornuejols and Dawande): four equality knapsacks over 34 binary
# variables, minutes of branching for HiGHS
rng = np.random.default_rng(1)
a = rng.integers(0, 100, size=(4, 34)).astype(float)
b = np.floor(a.sum(axis=1) / 2)
builder = MilpBuilder()
builder.add_columns(np.zeros(34), integer=True)
rows, cols = np.repeat(np.arange(4), 34), np.tile(np.arange(34), 4)
builder.add_rows(rows, cols, a.ravel(), n_rows=4, lo=b, hi=b)
print("solving", flush=True)
out = builder.solve(maximize=True, time_limit_s=600, mip_rel_gap=0.0)
print("finished", out.status, flush=True)
"""


def test_ctrl_c_stops_a_solve_at_once_and_is_raised():
    # HiGHS ran in the calling thread: a Ctrl+C waited for the whole solve (here its ten
    # minutes), or, pressed during one of its interrupt callbacks, was lost there and the
    # solve ended as "error" (a command saved that as a scenario and exited 0)
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-c", _HARD_SOLVE],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "solving\n"
        time.sleep(1.0)  # inside the branching
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)  # not the solve's ten minutes
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in err
    assert "finished" not in out


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every model solved apart (``solve(isolate=True)``) however small, and the command
    line of each child process started (the real one runs)."""
    monkeypatch.setattr(_milp, "ISOLATE_FROM_NNZ", 0)
    started: list[list[str]] = []
    popen = subprocess.Popen

    def record(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(list(args))
        return popen(args, **kwargs)

    monkeypatch.setattr(_milp.subprocess, "Popen", record)
    return started


def test_a_solve_apart_gives_what_the_solve_in_process_gives(children):
    # max 3a + 2b + 4c + 1 with a + b + c <= 1, from the start b = 1: c, objective 5
    builder = MilpBuilder()
    builder.add_columns(np.array([3.0, 2.0, 4.0]), integer=True)
    builder.add_rows(np.zeros(3, np.int64), np.arange(3), np.ones(3), n_rows=1, lo=-np.inf, hi=1)
    kwargs: dict[str, Any] = {
        "maximize": True,
        "time_limit_s": 30,
        "mip_rel_gap": 0.0,
        "start": np.array([0.0, 1.0, 0.0]),
        "offset": 1.0,
    }
    here = builder.solve(**kwargs)
    assert not children
    apart = builder.solve(**kwargs, isolate=True)
    assert len(children) == 1
    assert children[0][1:3] == ["-m", "analysis.location._apart"]
    assert apart.status == here.status == "optimal"
    assert apart.objective == here.objective == pytest.approx(5.0)
    assert apart.bound == pytest.approx(5.0)
    assert apart.x is not None
    assert apart.x.tolist() == pytest.approx([0.0, 0.0, 1.0])
    # without a time limit there is no deadline to keep: solved here
    builder.solve(**{**kwargs, "time_limit_s": None}, isolate=True)
    assert len(children) == 1


def test_a_solve_apart_past_its_limit_is_stopped_and_gives_no_answer(children, monkeypatch):
    # a child that has not answered by its deadline is killed: no solution, no bound, and
    # the caller keeps its own start
    monkeypatch.setattr(_milp, "_KILL_AFTER_S", 0.0)
    builder = MilpBuilder()
    builder.add_columns(np.array([3.0, 2.0, 4.0]), integer=True)
    builder.add_rows(np.zeros(3, np.int64), np.arange(3), np.ones(3), n_rows=1, lo=-np.inf, hi=1)
    out = builder.solve(maximize=True, time_limit_s=1e-3, mip_rel_gap=0.0, isolate=True)
    assert len(children) == 1
    assert out.status == "time_limit"
    assert out.x is None
    assert out.objective is None
    assert out.bound is None
    assert out.mip_gap is None


@pytest.mark.parametrize("seed", [3, 8])
def test_the_capacitated_pmedian_solved_apart_is_the_one_solved_in_process(children, seed):
    dc, de, w, *_ = _instance(seed, n_d=30, n_c=8)
    # two existing and two new centres, each with places for a third of the persons: the
    # places bind, and the four together serve everybody
    third = float(w.sum()) / 3.0
    kwargs: dict[str, Any] = {
        "new": 2,
        "existing_cost_matrix": de,
        "capacities": third,
        "existing_capacities": [third, third],
    }
    apart = PMedian.from_cost_matrix(dc, w, **kwargs).solve(time_limit_s=60)
    assert children  # the capacitated MILP went to a process of its own
    here = PMedian.from_cost_matrix(dc, w, **kwargs).solve(time_limit_s=None)
    assert apart.optimal
    assert here.optimal
    assert apart.objective == pytest.approx(here.objective)
    assert sorted(s.candidate for s in apart.sites) == sorted(s.candidate for s in here.sites)
