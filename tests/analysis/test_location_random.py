"""Random small requests, every rule mixed, checked against brute force (seeded, repeatable).

Each case draws a planar instance (``location_cases.instance``), a model, a radius, a count or
a budget, sometimes capacities (some existing centres without a known capacity), a
per-province minimum, forced and excluded sites. The answer must equal the best of every
subset of candidates that meets the rules, and the greedy solution must meet them too. This
is how the capacitated MCLP's filter of candidates near full centres was found.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from analysis.location import MCLP, PMedian
from tests.analysis.location_cases import assigned, covered, instance, median, served
from walouja.errors import AnalysisError, InfeasibleError

Case = tuple[str, int, Callable[[], Any], Callable[[Sequence[int]], float], Any, bool]


def _case(k: int) -> Case:
    """Request ``k``: its label, number of candidates, solve, objective of a site set, rules."""
    rng = np.random.default_rng(1000 + k)
    capacitated = rng.random() < 0.5
    n_c, n_d = int(rng.integers(3, 8)), int(rng.integers(5, 25))
    n_e = int(rng.integers(1 if capacitated else 0, 3))
    dc, de, w, prov_d, prov_c, prov_e = instance(
        int(rng.integers(1000)), n_d=n_d, n_c=n_c, n_e=n_e, min_weight=int(rng.integers(0, 2))
    )
    model = "mclp" if rng.random() < 0.6 else "pmedian"
    radius = float(rng.choice([15.0, 25.0, 40.0]))
    costs = rng.integers(1, 5, n_c).astype(float) * 1e6
    kw: dict[str, Any] = {}
    if rng.random() < 0.3:
        kw.update(budget_mad=float(rng.integers(2, 12)) * 1e6, cost_mad=costs)
    else:
        kw["new"] = int(rng.integers(0, n_c + 1))
    if rng.random() < 0.3:
        kw.update(
            min_per_province=int(rng.integers(1, 3)),
            demand_province=prov_d,
            candidate_province=prov_c,
            existing_province=prov_e,
        )
    forced = [int(rng.integers(n_c))] if rng.random() < 0.3 else []
    excluded = [int(j) for j in rng.choice(n_c, 2, replace=False) if j not in forced]
    excluded = excluded[: int(rng.integers(0, 3))] if rng.random() < 0.3 else []
    kw.update(forced=forced, excluded=excluded)
    cap = rng.integers(5, 60, n_c).astype(float)
    ecap = [float(x) if rng.random() < 0.7 else np.inf for x in rng.integers(5, 60, n_e)]
    if capacitated:
        kw["capacities"] = cap
        if n_e:
            kw["existing_capacities"] = ecap
    if n_e:
        kw["existing_cost_matrix"] = de

    def ok(s: Sequence[int]) -> bool:
        if "new" in kw and len(s) > kw["new"]:
            return False
        if "budget_mad" in kw and costs[list(s)].sum() > kw["budget_mad"]:
            return False
        if any(f not in s for f in forced) or any(e in s for e in excluded):
            return False
        need = kw.get("min_per_province", 0)
        for p in set(prov_d) if need else ():
            have = sum(prov_c[j] == p for j in s) + sum(prov_e[e] == p for e in range(n_e))
            if have < need:
                return False
        return True

    if model == "mclp":

        def value(s: Sequence[int]) -> float:
            if capacitated:
                return served(dc, de, w, radius, cap, ecap, s)
            return covered(dc, de, w, radius, s)

        def solve() -> Any:
            return MCLP.from_cost_matrix(dc, w, radius=radius, **kw).solve()

    else:

        def value(s: Sequence[int]) -> float:
            if capacitated:
                return assigned(dc, de, w, cap, ecap, s)
            v = median(dc, de, w, s) if (s or n_e) else np.inf
            return v if np.isfinite(v) else np.inf

        def solve() -> Any:
            return PMedian.from_cost_matrix(dc, w, **kw).solve()

    shown = {k: v for k, v in kw.items() if k in ("new", "budget_mad", "min_per_province")}
    label = (
        f"{model} n_d={n_d} n_c={n_c} n_e={n_e} r={radius:g} cap={capacitated} "
        f"forced={forced} excluded={excluded} {shown}"
    )
    return label, n_c, solve, value, ok, model == "mclp"


@pytest.mark.parametrize("k", range(200))
def test_random_request_matches_brute_force(k: int) -> None:
    label, n_c, solve, value, ok, maximize = _case(k)
    subsets = [s for r in range(n_c + 1) for s in itertools.combinations(range(n_c), r)]
    feasible = [v for v in (value(s) for s in subsets if ok(s)) if np.isfinite(v)]
    best = None if not feasible else (max(feasible) if maximize else min(feasible))
    try:
        result = solve()
    except (InfeasibleError, AnalysisError):
        assert best is None, label
        return
    assert best is not None, label
    tol = 1e-6 * max(1.0, abs(best))
    assert result.objective == pytest.approx(best, abs=tol), label
    chosen = tuple(sorted(s.candidate for s in result.sites))
    assert ok(chosen), label
    assert value(chosen) == pytest.approx(result.objective, abs=tol), label
    assert all(s.gain > 0 or s.forced for s in result.sites) or "min_per_province" in label
    greedy = tuple(sorted(s.candidate for s in result.greedy.sites))
    if result.greedy.objective is not None:
        assert ok(greedy), label
        assert value(greedy) == pytest.approx(result.greedy.objective, abs=tol), label
        worse = value(greedy) <= best + tol if maximize else value(greedy) >= best - tol
        assert worse, label
