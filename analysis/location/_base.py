"""What MCLP and p-median share: the rules on new sites, the exact solve, greedy, result tables."""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analysis.location._cost import SparseCost
from analysis.location._milp import MilpBuilder, MilpOutcome
from analysis.location.results import EquityChange, GreedySolution, LocationResult, SiteGain
from walouja.errors import AnalysisError, InfeasibleError

_TOL = 1e-9
_IPM_FROM_NNZ = 200_000  # models with this many coefficients get HiGHS's interior point root LP
# kernel search (large models only): cores of the candidates the LP relaxation opens at least
# this much, smallest core first; a core is skipped once it holds half the candidates
_KERNEL_THRESHOLDS = (0.2, 0.1, 0.05)
_LP_BOUND_PAD = 1e-6  # relative, on the interior-point LP value used as a bound
# HiGHS options when it starts from the local search's sites, which are at or near the optimum,
# so what is left is mostly the proof: its sub-MIP heuristics (RINS, RENS, ...) spend seconds
# re-finding the start, a restart redoes the root, and cuts separated at every node cost more
# than they close. Measured end to end (bench/README.md): national MCLP p=40 without centres
# 15.0 s -> 10.4 s; 20,000 x 2,000 p=50 without centres, 60 s limit, gap 0.41 % -> 0.28 %;
# national p-median without centres p=10 92.3 s -> 87.2 s. Same optima; only the search changes.
_FROM_START_OPTIONS: dict[str, Any] = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_allow_restart": False,
    "mip_allow_cut_separation_at_nodes": False,
}


@dataclass(frozen=True)
class Rules:
    """The constraints on the new sites (indices are candidate positions).

    Attributes
    ----------
    new
        Number of new centres (at most; fewer only when more would add nothing), or ``None``
        when only the budget limits them.
    budget_mad
        Budget for the new centres, in MAD, or ``None``.
    cost_mad
        Cost of each candidate site in MAD (zeros when no budget).
    min_per_province
        At least this many centres (existing + new) in every province.
    forced, excluded
        Candidates that must / must not be chosen.
    """

    new: int | None
    budget_mad: float | None
    cost_mad: NDArray[np.float64]
    min_per_province: int
    forced: NDArray[np.bool_]
    excluded: NDArray[np.bool_]


@dataclass(frozen=True)
class Geography:
    """Province/region labels of the demand, the candidates and the existing centres."""

    demand_province: NDArray[np.object_] | None
    demand_region: NDArray[np.object_] | None
    candidate_province: NDArray[np.object_] | None
    existing_province: NDArray[np.object_] | None


def _labels(values: Sequence[Any] | NDArray[Any] | None, n: int, what: str) -> NDArray[Any] | None:
    """An object array of ``n`` labels, or ``None``."""
    if values is None:
        return None
    arr = np.asarray(values, dtype=object)
    if arr.shape != (n,):
        raise AnalysisError(f"{what} has {arr.shape[0] if arr.ndim else 1} entries, expected {n}")
    return arr


def _mask(indices: Sequence[int] | NDArray[Any] | None, n: int, what: str) -> NDArray[np.bool_]:
    """A boolean mask of length ``n`` from candidate positions (or a mask)."""
    out = np.zeros(n, dtype=bool)
    if indices is None:
        return out
    arr = np.asarray(indices)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise AnalysisError(f"{what} mask has {arr.shape} entries, expected {n}")
        return arr.copy()
    arr = arr.astype(np.int64)
    if len(arr) and (arr.min() < 0 or arr.max() >= n):
        raise AnalysisError(f"{what}: candidate position out of range 0..{n - 1}")
    out[arr] = True
    return out


def make_rules(
    n_candidates: int,
    *,
    new: int | None,
    budget_mad: float | None,
    cost_mad: float | Sequence[float] | NDArray[np.floating] | None,
    min_per_province: int,
    forced: Sequence[int] | NDArray[Any] | None,
    excluded: Sequence[int] | NDArray[Any] | None,
) -> Rules:
    """Check and normalise the request on the new sites."""
    if new is None and budget_mad is None:
        raise AnalysisError(
            "say how many new centres (new=...) or give a budget (budget_mad=...)",
            hint="with a budget, give the cost per centre too (cost_mad=...)",
        )
    if new is not None and (int(new) != new or new < 0):
        raise AnalysisError(f"the number of new centres must be a whole number ≥ 0, got {new}")
    if budget_mad is not None:
        if not math.isfinite(budget_mad) or budget_mad < 0:
            raise AnalysisError(f"the budget must be a number ≥ 0 MAD, got {budget_mad}")
        if cost_mad is None:
            raise AnalysisError("a budget needs the cost of a new centre (cost_mad=...)")
    if cost_mad is None:
        cost = np.zeros(n_candidates)
    else:
        cost = np.broadcast_to(np.asarray(cost_mad, dtype=float), (n_candidates,)).copy()
        if not np.all(np.isfinite(cost)) or np.any(cost < 0):
            raise AnalysisError("every candidate's cost must be a finite number ≥ 0 MAD")
    if int(min_per_province) != min_per_province or min_per_province < 0:
        raise AnalysisError(f"the per-province minimum must be ≥ 0, got {min_per_province}")
    return Rules(
        new=None if new is None else int(new),
        budget_mad=None if budget_mad is None else float(budget_mad),
        cost_mad=cost,
        min_per_province=int(min_per_province),
        forced=_mask(forced, n_candidates, "forced"),
        excluded=_mask(excluded, n_candidates, "excluded"),
    )


def weighted_gini(values: NDArray[np.float64], weights: NDArray[np.float64]) -> float | None:
    """Weighted Gini index of ``values`` (``analysis.equity``'s when that module provides one)."""
    try:  # the equity module is the project's reference implementation when present
        from analysis import equity

        func = getattr(equity, "weighted_gini", None) or getattr(equity, "gini", None)
    except ImportError:
        func = None
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = np.isfinite(v) & (w > 0)
    v, w = v[keep], w[keep]
    if len(v) == 0 or w.sum() <= 0 or np.sum(w * v) <= 0:
        return None
    if func is not None:
        try:
            out = func(v, w)
            value = getattr(out, "value", out)
            return float(value)
        except (TypeError, ValueError):
            pass
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum_w = np.cumsum(w)
    cum_vw = np.cumsum(v * w)
    total_w, total_vw = cum_w[-1], cum_vw[-1]
    # Area under the Lorenz curve by trapezoids over population shares.
    prev = np.concatenate(([0.0], cum_vw[:-1]))
    area = np.sum(w / total_w * (prev + cum_vw) / (2.0 * total_vw))
    return float(1.0 - 2.0 * area)


class _Clock:
    """What is left of a time limit that covers the whole solve."""

    def __init__(self, start: float, limit_s: float | None) -> None:
        self.start = start
        self.limit_s = limit_s

    def left(self) -> float | None:
        """Seconds left (at least a millisecond, so HiGHS always gets a positive limit)."""
        if self.limit_s is None:
            return None
        return max(1e-3, self.limit_s - (time.perf_counter() - self.start))

    def share(self, fraction: float) -> float:
        """Seconds a step may spend: ``fraction`` of what is left (a minute without a limit)."""
        left = self.left()
        return fraction * (60.0 if left is None else left)


@dataclass(frozen=True)
class _Built:
    """A formulation's demand side: its constant term, and how to extend a MIP start.

    ``start`` maps the values of the site columns (0/1, in column order) to a value for
    every column of the builder: the best completion of those sites. ``bound``, when the
    model has one, computes a proven bound on the objective by other means than HiGHS (given
    a target value and seconds to spend), kept when HiGHS stops before proving a better one.
    """

    constant: float
    start: Callable[[NDArray[np.float64]], NDArray[np.float64]]
    bound: Callable[[float, float], float | None] | None = None


@dataclass(frozen=True)
class _Kernel:
    """What the kernel search gives the exact search: a start, the LP bound and its cost."""

    sites: NDArray[np.int64]
    lp_bound: float | None
    lp_seconds: float


def _highs_margin(kernel: _Kernel, left: float | None) -> float:
    """Seconds to keep back from HiGHS's limit after a kernel search, ``left`` seconds left.

    HiGHS looks at its clock between root LP solves only, and on a large model each takes up
    to about twice as long as the relaxation the kernel search just solved: HiGHS gets
    2.5 × that time less, but never loses more than a third of what is left. A relaxation
    that did not finish says nothing of HiGHS's: no margin then.
    """
    if kernel.lp_bound is None or left is None:
        return 0.0
    return min(2.5 * kernel.lp_seconds, left / 3.0)


@dataclass(frozen=True)
class _Exact:
    """What the exact search found: HiGHS's outcome (constant included) and the chosen sites."""

    outcome: MilpOutcome
    chosen: NDArray[np.int64] | None
    source: str


class SitingModel(ABC):
    """Base of the location models: inputs fixed at construction, ``solve()`` returns a result."""

    model_name: ClassVar[str]
    maximize: ClassVar[bool]
    # whether large models run the kernel search before the exact MILP: its relaxation must
    # be quick next to the MILP (the MCLP's is; the p-median's assignment LP is not)
    kernel_search: ClassVar[bool] = False
    # whether other models start HiGHS from an LP dive when it beats the local search (the
    # MCLP's relaxation re-solves in milliseconds)
    lp_dive: ClassVar[bool] = False
    # HiGHS options of this model's exact search from a start, beside _FROM_START_OPTIONS
    start_options: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        *,
        weights: NDArray[np.float64],
        candidate_cost: SparseCost,
        existing_cost: SparseCost | None,
        rules: Rules,
        geography: Geography,
        capacities: NDArray[np.float64] | None,
        existing_capacities: NDArray[np.float64] | None,
        candidate_labels: NDArray[Any] | None = None,
        demand_labels: NDArray[Any] | None = None,
        candidate_lonlat: NDArray[np.float64] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        w = np.asarray(weights, dtype=float)
        if w.ndim != 1:
            raise AnalysisError("weights must be one number per demand point")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            bad = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
            raise AnalysisError(f"demand weight at position {bad} is {w[bad]}: must be ≥ 0")
        n_d, n_c = candidate_cost.shape
        if n_d != len(w):
            raise AnalysisError(f"cost matrix has {n_d} demand rows but {len(w)} weights")
        if n_c == 0:
            raise AnalysisError("there are no candidate sites")
        if existing_cost is not None and existing_cost.shape[0] != n_d:
            raise AnalysisError("existing-centre cost matrix has a different number of rows")
        self._w = w
        self._cand = candidate_cost
        self._exist = existing_cost
        self._n_existing = 0 if existing_cost is None else existing_cost.shape[1]
        self._rules = rules
        self._geo = geography
        self._cap = capacities
        self._ecap: NDArray[np.float64] | None = None
        if capacities is not None:
            self._ecap = (
                np.full(self._n_existing, np.inf)
                if existing_capacities is None
                else np.asarray(existing_capacities, dtype=float)
            )
        self._cand_labels = (
            np.asarray([str(i) for i in range(n_c)], dtype=object)
            if candidate_labels is None
            else np.asarray(candidate_labels, dtype=object)
        )
        self._dem_labels = (
            np.arange(n_d).astype(str).astype(object)
            if demand_labels is None
            else np.asarray(demand_labels, dtype=object)
        )
        self._lonlat = candidate_lonlat
        self._params = dict(params or {})
        self._before_cache: (
            tuple[float | None, NDArray[np.float64] | None, NDArray[np.float64] | None] | None
        ) = None
        self._check_rules()

    # ---- sizes -------------------------------------------------------------------------
    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return len(self._w)

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return self._cand.shape[1]

    @property
    def capacitated(self) -> bool:
        """True when sites serve at most their capacity."""
        return self._cap is not None

    # ---- what each model provides --------------------------------------------------------
    @abstractmethod
    def _useful(self) -> NDArray[np.bool_]:
        """Candidates that can improve the objective (the others need no variable)."""

    @abstractmethod
    def _build(self, builder: MilpBuilder, x_of: NDArray[np.int64]) -> _Built:
        """Add the demand side of the uncapacitated formulation (site columns come first)."""

    @abstractmethod
    def _state0(self) -> NDArray[np.float64]:
        """Per-demand state with the existing centres only (greedy and ranking)."""

    @abstractmethod
    def _gains(self, state: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[Any]]:
        """Marginal gain of every candidate given ``state`` (for choosing, and as reported)."""

    @abstractmethod
    def _apply(self, state: NDArray[np.float64], j: int) -> None:
        """Update ``state`` in place after opening candidate ``j``."""

    @abstractmethod
    def _objective_of(self, state: NDArray[np.float64]) -> float | None:
        """Objective value of a state (uncapacitated)."""

    @abstractmethod
    def _per_demand(self, state: NDArray[np.float64]) -> NDArray[np.float64]:
        """Per-demand value reported in the tables (covered share, or km)."""

    @abstractmethod
    def _capacitated_pairs(self) -> tuple[SparseCost, SparseCost | None]:
        """Pairs of the capacitated formulation (candidates, existing)."""

    @abstractmethod
    def _relaxed_bound(self) -> float | None:
        """The objective with every candidate open and no capacity: a bound no answer passes.

        A solve stopped early may prove only a weaker bound than this one (a p-median's
        below zero person-km); the reported bound and gap use the tighter of the two.
        """

    _gain_measure: ClassVar[str]
    _demand_must_be_served: ClassVar[bool]

    # ---- checks --------------------------------------------------------------------------
    def _province_deficits(self) -> dict[Any, int]:
        """New centres each province still needs to reach the minimum."""
        k = self._rules.min_per_province
        if k == 0:
            return {}
        cand_prov = self._geo.candidate_province
        if cand_prov is None:
            raise AnalysisError("a per-province minimum needs the candidates' province")
        if self._n_existing and self._geo.existing_province is None:
            raise AnalysisError("a per-province minimum needs the existing centres' province")
        provinces = (
            self._geo.demand_province if self._geo.demand_province is not None else cand_prov
        )
        existing = (
            pd.Series(self._geo.existing_province).value_counts()
            if self._n_existing and self._geo.existing_province is not None
            else pd.Series(dtype=int)
        )
        out: dict[Any, int] = {}
        for prov in pd.unique(pd.Series(provinces).dropna()):
            need = k - int(existing.get(prov, 0))
            if need > 0:
                out[prov] = need
        return out

    def _check_rules(self) -> None:
        r = self._rules
        labels = self._cand_labels
        both = r.forced & r.excluded
        if both.any():
            site = labels[np.flatnonzero(both)[0]]
            raise InfeasibleError(
                f"forced/excluded: candidate {site} is both forced and excluded",
                code="forced_and_excluded",
                params={"site": str(site)},
            )
        n_forced = int(r.forced.sum())
        if r.new is not None and n_forced > r.new:
            raise InfeasibleError(
                f"new centres: {n_forced} forced candidates exceed the {r.new} new "
                f"{_plural(r.new, 'centre')} requested",
                code="forced_exceed_new",
                params={"forced": n_forced, "new": r.new},
            )
        forced_cost = float(r.cost_mad[r.forced].sum())
        if r.budget_mad is not None and forced_cost > r.budget_mad + _TOL:
            raise InfeasibleError(
                f"budget: the forced candidates cost {forced_cost:,.0f} MAD, over the budget "
                f"of {r.budget_mad:,.0f} MAD",
                code="forced_over_budget",
                params={"cost": forced_cost, "budget": r.budget_mad},
            )
        deficits = self._province_deficits()
        if deficits:
            cand_prov = self._geo.candidate_province
            assert cand_prov is not None
            k = r.min_per_province
            needed_new = n_forced
            min_cost = forced_cost
            # every province short of candidates at once: named one at a time, a planner
            # fixed one, ran again and met the next
            short = [
                (prov, need, int(((cand_prov == prov) & ~r.excluded).sum()))
                for prov, need in deficits.items()
            ]
            short = [(prov, need, available) for prov, need, available in short if available < need]
            if short:
                prov, need, available = short[0]
                others = len(short) - 1
                more = f" (and {others} other {_plural(others, 'province')})" if others else ""
                raise InfeasibleError(
                    f"at least {k} per province: province {prov} needs {need} new "
                    f"{_plural(need, 'centre')} but has only {available} candidate "
                    f"{_plural(available, 'site')}{more}",
                    code="province_lacks_candidates",
                    params={
                        "per_province": k,
                        "province": str(prov),
                        "need": need,
                        "available": available,
                        "others": others,
                    },
                )
            for prov, need in deficits.items():
                in_prov = (cand_prov == prov) & ~r.excluded
                forced_here = int((in_prov & r.forced).sum())
                extra = max(0, need - forced_here)
                needed_new += extra
                if extra:
                    free = np.sort(r.cost_mad[in_prov & ~r.forced])
                    min_cost += float(free[:extra].sum())
            if r.new is not None and needed_new > r.new:
                raise InfeasibleError(
                    f"at least {k} per province: that needs {needed_new} new centres, more "
                    f"than the {r.new} requested",
                    code="minimum_needs_more_centres",
                    params={"per_province": k, "needed": needed_new, "new": r.new},
                )
            if r.budget_mad is not None and min_cost > r.budget_mad + _TOL:
                raise InfeasibleError(
                    f"budget: {r.budget_mad:,.0f} MAD cannot pay for at least {k} "
                    f"{_plural(k, 'centre')} per province, which needs at least "
                    f"{min_cost:,.0f} MAD",
                    code="minimum_over_budget",
                    params={"per_province": k, "budget": r.budget_mad, "needed": min_cost},
                )
        if self.capacitated and self._demand_must_be_served:
            assert self._cap is not None
            assert self._ecap is not None
            usable = np.sort(self._cap[~r.excluded])[::-1]
            if r.new is not None:
                usable = usable[: r.new]
            total = float(self._ecap.sum() + usable.sum())
            if total + _TOL < self._w.sum():
                demand = float(self._w.sum())
                raise InfeasibleError(
                    f"capacity: existing and new centres offer at most {total:,.0f} places "
                    f"for a demand of {demand:,.0f}",
                    hint="the capacitated p-median must serve everybody; use MCLP instead",
                    code="too_few_places",
                    params={"places": total, "demand": demand},
                )

    # ---- exact solve ---------------------------------------------------------------------
    def _active(self, deficits: dict[Any, int]) -> NDArray[np.bool_]:
        """Candidates that get a variable."""
        r = self._rules
        keep = self._useful() | r.forced
        if deficits:
            prov = self._geo.candidate_province
            assert prov is not None
            keep |= np.isin(prov, list(deficits))
        return keep & ~r.excluded

    def _add_site_rows(
        self, builder: MilpBuilder, active_idx: NDArray[np.int64], deficits: dict[Any, int]
    ) -> None:
        """Count, budget and per-province rows on the site variables (columns 0..n-1)."""
        r = self._rules
        n = len(active_idx)
        cols = np.arange(n, dtype=np.int64)
        if r.new is not None:
            builder.add_rows(
                np.zeros(n, np.int64), cols, np.ones(n), n_rows=1, lo=-np.inf, hi=r.new
            )
        if r.budget_mad is not None:
            coef, limit = _budget_row(r.cost_mad[active_idx], r.budget_mad)
            builder.add_rows(np.zeros(n, np.int64), cols, coef, n_rows=1, lo=-np.inf, hi=limit)
        if deficits:
            prov = self._geo.candidate_province
            assert prov is not None
            names = list(deficits)
            position = {p: i for i, p in enumerate(names)}
            act_prov = prov[active_idx]
            in_def = np.array([p in position for p in act_prov], dtype=bool)
            rows = np.array([position[p] for p in act_prov[in_def]], dtype=np.int64)
            builder.add_rows(
                rows,
                cols[in_def],
                np.ones(int(in_def.sum())),
                n_rows=len(names),
                lo=np.array([deficits[p] for p in names], dtype=float),
                hi=np.inf,
            )

    def solve(
        self,
        *,
        time_limit_s: float | None = 60.0,
        mip_rel_gap: float = 1e-7,
        mip_start: bool = True,
    ) -> LocationResult:
        """Solve exactly with HiGHS and return the result (never silently non-optimal).

        Parameters
        ----------
        time_limit_s
            Limit on the whole solve, in seconds; when it stops the search, the best solution
            found is returned with its gap to the proven bound (``optimal`` is then false
            unless the gap closed).
        mip_rel_gap
            Relative gap under which the solution is declared optimal.
        mip_start
            Hand HiGHS the greedy solution, improved by a local search, as its first
            incumbent. It never changes the optimum, only how fast it is found and proven.
        """
        start = time.perf_counter()
        if time_limit_s is not None and not time_limit_s > 0:
            raise AnalysisError(f"time limit must be positive, got {time_limit_s} s")
        clock = _Clock(start, time_limit_s)
        deficits = self._province_deficits()
        active = self._active(deficits)
        active_idx = np.flatnonzero(active).astype(np.int64)
        greedy_picks, greedy_obj = self._greedy_solution()
        greedy_set = np.asarray(sorted(j for j, _ in greedy_picks), dtype=np.int64)
        greedy_ok = greedy_obj is not None and self._meets_rules(list(greedy_set))
        if self.capacitated:
            exact = self._solve_capacitated(active_idx, deficits, clock, mip_rel_gap)
        elif (one := self._enumerate_one(active_idx)) is not None:
            exact = one
        else:
            incumbent = None
            if mip_start and greedy_ok:
                incumbent = self._improve(greedy_set[active[greedy_set]], active, clock)
            exact = self._solve_uncapacitated(active_idx, deficits, incumbent, clock, mip_rel_gap)
        if exact.outcome.status == "infeasible":
            raise self._infeasible()
        chosen, source = exact.chosen, exact.source
        if exact.outcome.status != "optimal" or chosen is None:
            # Time limit: the best of HiGHS's incumbent and the heuristic solutions that meet
            # the rules, reported with its gap to the proven bound.
            options: list[tuple[NDArray[np.int64], str]] = []
            if chosen is not None:
                options.append((chosen, source))
            if greedy_ok:
                options.append((greedy_set, "greedy"))
            if not options:
                raise self._no_solution(exact.outcome.status)
            values = [self._value(c) for c in (o[0] for o in options)]
            finite = [i for i, v in enumerate(values) if v is not None]
            if not finite:
                raise AnalysisError(
                    f"no solution meets the request ({exact.outcome.status})",
                    hint="raise the time limit" if exact.outcome.status == "time_limit" else None,
                    code="no_solution_in_time"
                    if exact.outcome.status == "time_limit"
                    else "no_solution",
                    params={"status": exact.outcome.status},
                )
            sign = -1.0 if self.maximize else 1.0
            best = min(finite, key=lambda i: (sign * values[i], i))  # type: ignore[operator]
            chosen, source = options[best]
        solve_s = exact.outcome.solve_time_s
        t1 = time.perf_counter()
        result = self._result(
            exact.outcome, chosen, 0.0, mip_rel_gap, greedy_picks, greedy_obj, source
        )
        build_s = (t1 - start - solve_s) + (time.perf_counter() - t1)
        return _with_times(result, build_s, solve_s)

    # ---- the exact search, piece by piece ----------------------------------------------------
    def _enumerate_one(self, active_idx: NDArray[np.int64]) -> _Exact | None:
        """One site left to choose: every candidate tried in turn, the best kept (exact).

        Without capacities, when the count of new sites (every one but one forced) or the
        budget leaves room for a single new site, the optimum is the candidate that gives the
        best objective when opened with the forced ones. Trying each (about 1,500
        evaluations on the national instance, a fraction of a second) proves it without a
        MILP, whose relaxation of a single site is weak: the national p-median with the 44
        COAPH fixed and one new centre did not prove any bound in 60 s (HiGHS's presolve
        probes every site against the one-site row and does not stop at its time limit).
        Ties go to the first candidate. ``None`` when the request is not of this kind or no
        candidate meets it (the MILP then says why).
        """
        r = self._rules
        forced = np.flatnonzero(r.forced)
        if self.capacitated:
            return None
        t0 = time.perf_counter()
        # every candidate the request allows is tried, those given a variable first (a tie
        # keeps one of them); the others add nobody new or are dominated, so the count said
        # ("each of the 1,503 candidate sites") is the candidate set's
        allowed = ~r.forced & ~r.excluded
        in_model = np.zeros(self.n_candidates, dtype=bool)
        in_model[active_idx] = True
        pool = np.r_[np.flatnonzero(allowed & in_model), np.flatnonzero(allowed & ~in_model)]
        room = len(pool) if r.new is None else r.new - len(forced)
        if r.budget_mad is not None:
            # how many of the cheapest candidates the budget left after the forced ones pays
            left = r.budget_mad - float(r.cost_mad[forced].sum()) + _TOL
            room = min(
                room, int(np.searchsorted(np.cumsum(np.sort(r.cost_mad[pool])), left, "right"))
            )
        if room != 1:
            return None
        base = self._state0()
        for j in forced:
            self._apply(base, int(j))
        # a budget or a per-province minimum leaves some candidates out
        check = r.budget_mad is not None or bool(self._province_deficits())
        sign = 1.0 if self.maximize else -1.0
        best_j, best_v = -1, -np.inf
        tried = 0
        for j in pool:
            if check and not self._meets_rules([*forced.tolist(), int(j)]):
                continue
            tried += 1
            state = base.copy()
            self._apply(state, int(j))
            value = self._objective_of(state)
            if value is not None and sign * value > best_v:
                best_j, best_v = int(j), sign * value
        if best_j < 0:
            return None
        objective = sign * best_v
        outcome = MilpOutcome(
            "optimal", None, objective, objective, 0.0, time.perf_counter() - t0, tried, 0
        )
        chosen = np.sort(np.r_[forced, best_j]).astype(np.int64)
        return _Exact(outcome, chosen, "enumeration")

    def _improve(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], clock: _Clock
    ) -> NDArray[np.int64]:
        """A better set of sites than ``chosen`` under the same rules (default: ``chosen``)."""
        return chosen

    def _site_columns(
        self, active_idx: NDArray[np.int64], deficits: dict[Any, int]
    ) -> tuple[MilpBuilder, NDArray[np.int64]]:
        """A builder holding the site variables and rows; and the candidate → column map."""
        x_of = np.full(self.n_candidates, -1, dtype=np.int64)
        x_of[active_idx] = np.arange(len(active_idx))
        builder = MilpBuilder()
        lb = self._rules.forced[active_idx].astype(float)
        builder.add_columns(np.zeros(len(active_idx)), lb=lb, ub=1.0, integer=True)
        self._add_site_rows(builder, active_idx, deficits)
        return builder, x_of

    def _solve_uncapacitated(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        incumbent: NDArray[np.int64] | None,
        clock: _Clock,
        mip_rel_gap: float,
    ) -> _Exact:
        """One MILP over the model's sparse formulation, warm-started from ``incumbent``."""
        builder, x_of = self._site_columns(active_idx, deficits)
        built = self._build(builder, x_of)
        start_x = None
        target = None
        large = builder.nnz >= _IPM_FROM_NNZ
        extra = None
        margin = 0.0
        if incumbent is not None and large and self.kernel_search:
            kernel = self._kernel_search(builder, built, active_idx, deficits, incumbent, clock)
            incumbent, extra = kernel.sites, kernel.lp_bound
            margin = _highs_margin(kernel, clock.left())
        elif incumbent is not None and self.lp_dive:
            incumbent = self._dive_start(builder, built, active_idx, deficits, incumbent, clock)
        if incumbent is not None:
            x_act = np.zeros(len(active_idx))
            x_act[x_of[incumbent]] = 1.0
            start_x = built.start(x_act)
            target = self._value(incumbent)
        if extra is None and built.bound is not None and target is not None:
            extra = built.bound(target, clock.share(0.1))
        # a large degenerate root LP takes the dual simplex minutes; the interior point
        # method (then crossover) solves it several times faster (20k x 2k MCLP: 7.7 s vs
        # 37 s). The same LP, the same proof: only the speed changes.
        options: dict[str, Any] = {"mip_lp_solver": "ipm"} if large else {}
        if start_x is not None:
            options.update(_FROM_START_OPTIONS | self.start_options)
        left = clock.left()
        outcome = builder.solve(
            maximize=self.maximize,
            time_limit_s=None if left is None else max(1e-3, left - margin),
            mip_rel_gap=mip_rel_gap,
            start=start_x,
            offset=built.constant,
            options=options,
        )
        if extra is not None and outcome.status != "optimal":
            tighter = outcome.bound is None or (
                extra < outcome.bound if self.maximize else extra > outcome.bound
            )
            if tighter:
                outcome = replace(outcome, bound=extra)
        return _Exact(
            outcome,
            None if outcome.x is None else self._decode(outcome, active_idx),
            "milp",
        )

    def _dive_start(
        self,
        builder: MilpBuilder,
        built: _Built,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        incumbent: NDArray[np.int64],
        clock: _Clock,
    ) -> NDArray[np.int64]:
        """The best start of ``incumbent``, an LP dive polished by the local search, and the
        kernel search's cores of the LP's support.

        On the national MCLP p = 40 without centres the iterated local search stops 0.57 %
        below the optimum and the dive, 0.3 s later, 0.04 % below; from there HiGHS's root
        takes 0.4 s instead of 5 s of cut rounds (bench/README.md). The dive's own LP then
        gives the cores (:meth:`_kernel_cores`): with the 18 operating CAPE fixed, p = 40,
        the start goes from 0.14 % below the optimum to the optimum in 0.4 s and HiGHS's
        proof from 4.5 s to 1.4 s. Only the start changes. Neither runs when the start is
        within 0.01 % of the LP's value (20k × 2k with the COAPH fixed: the dive took 0.66 s
        and HiGHS was as fast from the local search's start).
        """
        best = incumbent
        best_value = self._value(incumbent)
        dive = builder.dive(
            n_sites=len(active_idx),
            maximize=self.maximize,
            seconds=clock.share(0.1),
            offset=built.constant,
            incumbent=best_value,
        )
        if dive is None:
            return incumbent
        if dive.sites is not None:
            active = np.zeros(self.n_candidates, dtype=bool)
            active[active_idx] = True
            dived = self._polish(active_idx[dive.sites > 0.5], active, clock)
            if self._meets_rules(list(dived)) and self._improves(self._value(dived), best_value):
                best = dived
        # the cores are a step towards a start, not the search: a tenth of the time left
        return self._kernel_cores(
            active_idx, deficits, dive.root, best, clock, seconds=clock.share(0.1)
        )

    def _polish(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], clock: _Clock
    ) -> NDArray[np.int64]:
        """A local improvement of ``chosen`` under the same rules (default: ``chosen``)."""
        return chosen

    def _kernel_search(
        self,
        builder: MilpBuilder,
        built: _Built,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        incumbent: NDArray[np.int64],
        clock: _Clock,
    ) -> _Kernel:
        """A better MIP start from exact solves on small cores of candidates (kernel search).

        The LP relaxation of the whole model is solved once (interior point, no crossover);
        then, for each threshold in ``_KERNEL_THRESHOLDS``, the model restricted to the
        candidates the LP opens at least that much, plus the incumbent's sites, is solved by
        HiGHS from the incumbent (Angelelli, Mansini & Speranza's kernel search). A core is
        a few percent of the candidates and, its demand re-aggregated over fewer sites, a
        small model: on the 20,000 × 2,000 benchmark without existing centres the start
        reaches 1,415,874 this way, where 19 s of local search alone stop at 1,414,314 (the
        proven gap then falls from 0.51 % to 0.40 %). Every core solution meets the rules
        (the incumbent's sites and the forced ones are in every core), so only the start
        changes: the exact search over all candidates still decides the answer. The
        relaxation's value is a proven bound too (kept when HiGHS stops before a better one).
        """
        t0 = time.perf_counter()
        lp = builder.solve(
            maximize=self.maximize,
            time_limit_s=clock.share(0.3),
            mip_rel_gap=1e-9,
            relax=True,
            offset=built.constant,
            options={"solver": "ipm", "run_crossover": "off"},
        )
        lp_seconds = time.perf_counter() - t0
        if lp.x is None or lp.status != "optimal":
            return _Kernel(incumbent, None, lp_seconds)
        best = self._kernel_cores(active_idx, deficits, lp.x[: len(active_idx)], incumbent, clock)
        # the interior point method stops within ~1e-8 (relative) of the LP's value, on
        # either side: padded, the bound is safe and the gaps it gives change by 1e-6 at most
        assert lp.bound is not None
        pad = _LP_BOUND_PAD * max(1.0, abs(lp.bound))
        return _Kernel(best, lp.bound + pad if self.maximize else lp.bound - pad, lp_seconds)

    def _kernel_cores(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        x_lp: NDArray[np.float64],
        best: NDArray[np.int64],
        clock: _Clock,
        seconds: float | None = None,
    ) -> NDArray[np.int64]:
        """The best of ``best`` and the exact solutions of the cores of ``x_lp``'s support.

        For each threshold in ``_KERNEL_THRESHOLDS``, the model restricted to the candidates
        the LP solution ``x_lp`` (on ``active_idx``) opens at least that much, plus the sites
        of ``best`` and the forced ones, is solved by HiGHS from ``best``; a core holding
        half the candidates or more is not solved. Every core solution meets the rules.
        Each core gets a quarter of the time left, and all of them ``seconds`` at most.
        """
        best_value = self._value(best)
        if best_value is None:
            return best
        t_end = None if seconds is None else time.perf_counter() + seconds
        forced = np.flatnonzero(self._rules.forced)
        for threshold in _KERNEL_THRESHOLDS:
            limit = clock.share(0.25)
            if t_end is not None:
                limit = min(limit, t_end - time.perf_counter())
                if limit <= 0.01:
                    break
            core = np.union1d(np.union1d(active_idx[x_lp > threshold], best), forced)
            core = np.intersect1d(core, active_idx).astype(np.int64)
            if 2 * len(core) > len(active_idx):
                break
            sub, sub_x_of = self._site_columns(core, deficits)
            sub_built = self._build(sub, sub_x_of)
            x0 = np.zeros(len(core))
            x0[sub_x_of[best]] = 1.0
            outcome = sub.solve(
                maximize=self.maximize,
                time_limit_s=limit,
                mip_rel_gap=1e-7,
                start=sub_built.start(x0),
                offset=sub_built.constant,
                options=_FROM_START_OPTIONS | self.start_options,
            )
            if outcome.x is None:
                continue
            chosen = core[outcome.x[: len(core)] > 0.5]
            value = self._value(chosen)
            if self._improves(value, best_value):
                best, best_value = chosen, value
        return best

    def _solve_capacitated(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        clock: _Clock,
        mip_rel_gap: float,
    ) -> _Exact:
        """The capacitated assignment formulation, one MILP."""
        builder, x_of = self._site_columns(active_idx, deficits)
        self._build_capacitated(builder, x_of, active_idx)
        # all pairs (with capacities a demand may have to go far): the national p-median's
        # model is too large for HiGHS's presolve to read its clock, hence a process apart
        outcome = builder.solve(
            maximize=self.maximize,
            time_limit_s=clock.left(),
            mip_rel_gap=mip_rel_gap,
            isolate=True,
        )
        chosen = None if outcome.x is None else self._decode(outcome, active_idx)
        if chosen is not None and outcome.status != "optimal":
            # the MILP incumbent's objective is the capacitated assignment's (an LP)
            value = self._capacitated_assignment(self._open_mask(chosen))[0]
            outcome = replace(outcome, objective=value)
        return _Exact(outcome, chosen, "milp")

    def _value(self, chosen: NDArray[np.int64]) -> float | None:
        """Exact objective of a set of new sites (capacities included)."""
        if self.capacitated:
            return self._capacitated_assignment(self._open_mask(chosen))[0]
        state = self._state0()
        for j in chosen:
            self._apply(state, int(j))
        return self._objective_of(state)

    def _improves(self, value: float | None, than: float | None) -> bool:
        """Whether ``value`` is better than ``than`` in the model's sense, by more than a
        relative 1e-9 (a tie keeps what was found first); any value improves on none."""
        if value is None:
            return False
        if than is None:
            return True
        sign = 1.0 if self.maximize else -1.0
        return sign * (value - than) > 1e-9 * max(1.0, abs(than))

    def _open_mask(self, chosen: NDArray[np.int64]) -> NDArray[np.bool_]:
        mask = np.zeros(self.n_candidates, dtype=bool)
        mask[chosen] = True
        return mask

    def _meets_rules(self, picks: list[int]) -> bool:
        """Whether a set of new sites satisfies every rule of the request."""
        r = self._rules
        idx = np.asarray(picks, dtype=np.int64)
        mask = self._open_mask(idx)
        if r.new is not None and len(idx) > r.new:
            return False
        if r.budget_mad is not None and r.cost_mad[idx].sum() > r.budget_mad + _TOL:
            return False
        if np.any(r.forced & ~mask) or np.any(r.excluded & mask):
            return False
        deficits = self._province_deficits()
        if deficits:
            prov = self._geo.candidate_province
            assert prov is not None
            counts = pd.Series(prov[idx]).value_counts()
            if any(int(counts.get(p, 0)) < need for p, need in deficits.items()):
                return False
        return True

    def _greedy_solution(self) -> tuple[list[tuple[int, float]], float | None]:
        """Greedy picks and their exact objective (capacities included)."""
        picks, state = self.greedy()
        if self.capacitated:
            return picks, self._capacitated_assignment(
                self._open_mask(np.asarray([j for j, _ in picks], dtype=np.int64))
            )[0]
        return picks, self._objective_of(state)

    def _decode(self, outcome: MilpOutcome, active_idx: NDArray[np.int64]) -> NDArray[np.int64]:
        """Chosen candidate positions, or a clear error when HiGHS found none."""
        if outcome.status == "infeasible":
            raise self._infeasible()
        if outcome.x is None:
            raise self._no_solution(outcome.status)
        x = outcome.x[: len(active_idx)]
        return active_idx[x > 0.5]

    def _infeasible(self) -> InfeasibleError:
        """The refusal of a request no set of sites meets, naming the rules it sets."""
        r = self._rules
        n_forced = int(r.forced.sum())
        parts = []
        if r.new is not None:
            parts.append(f"{r.new} new centres")
        if r.budget_mad is not None:
            parts.append(f"a budget of {r.budget_mad:,.0f} MAD")
        if r.min_per_province:
            parts.append(f"at least {r.min_per_province} per province")
        if n_forced:
            parts.append(f"{n_forced} forced sites")
        if self.capacitated:
            parts.append("the capacities")
        return InfeasibleError(
            "no set of sites meets " + " with ".join(parts) + " together",
            code="no_feasible_set",
            params={
                "new": r.new,
                "budget": r.budget_mad,
                "per_province": r.min_per_province or None,
                "forced": n_forced or None,
                "capacities": bool(self.capacitated),
            },
        )

    @staticmethod
    def _no_solution(status: str) -> AnalysisError:
        """The refusal of a solve that ended (at the time limit, or otherwise) without any
        solution that meets the rules."""
        if status == "time_limit":
            return AnalysisError(
                f"HiGHS found no solution ({status})",
                hint="raise the time limit",
                code="no_solution_in_time",
                params={"status": status},
            )
        return AnalysisError(
            f"HiGHS found no solution ({status})", code="no_solution", params={"status": status}
        )

    # ---- capacitated formulation -----------------------------------------------------------
    def _build_capacitated(
        self, builder: MilpBuilder, x_of: NDArray[np.int64], active_idx: NDArray[np.int64]
    ) -> tuple[int, SparseCost, SparseCost | None, NDArray[np.bool_]]:
        """Assignment formulation with site capacities; return where its variables start."""
        assert self._cap is not None
        assert self._ecap is not None
        cand, exist = self._capacitated_pairs()
        keep = x_of[cand.cols] >= 0
        cand = cand.select(keep)
        n_c_pairs = cand.nnz
        rows = cand.rows
        cost = cand.cost
        if exist is not None:
            rows = np.concatenate((rows, exist.rows))
            cost = np.concatenate((cost, exist.cost))
        w = self._w[rows]
        coef = w if self.maximize else w * cost
        z0 = builder.add_columns(coef, lb=0.0, ub=1.0)
        n_pairs = len(rows)
        z_cols = z0 + np.arange(n_pairs, dtype=np.int64)
        served = np.zeros(self.n_demand, dtype=bool)
        served[rows] = True
        if self._demand_must_be_served and not served.all():
            bad = self._dem_labels[np.flatnonzero(~served)[0]]
            raise InfeasibleError(
                f"assignment: demand point {bad} has no site to go to",
                code="demand_without_site",
                params={"point": str(bad)},
            )
        # each demand: sum_j z_ij (≤ or =) 1
        builder.add_rows(
            rows,
            z_cols,
            np.ones(n_pairs),
            n_rows=self.n_demand,
            lo=1.0 if self._demand_must_be_served else -np.inf,
            hi=1.0,
        )
        # candidate capacity: sum_i w_i z_ij - cap_j x_j ≤ 0
        x_local = x_of[cand.cols]
        n_act = len(active_idx)
        builder.add_rows(
            np.concatenate((x_local, np.arange(n_act, dtype=np.int64))),
            np.concatenate((z_cols[:n_c_pairs], np.arange(n_act, dtype=np.int64))),
            np.concatenate((w[:n_c_pairs], -self._cap[active_idx])),
            n_rows=n_act,
            lo=-np.inf,
            hi=0.0,
        )
        if exist is not None:
            finite = np.isfinite(self._ecap)
            e_rows = exist.cols
            keep_e = finite[e_rows]
            builder.add_rows(
                e_rows[keep_e],
                z_cols[n_c_pairs:][keep_e],
                w[n_c_pairs:][keep_e],
                n_rows=self._n_existing,
                lo=-np.inf,
                hi=np.where(finite, self._ecap, np.inf),
            )
        # linking: z_ij ≤ x_j
        builder.add_rows(
            np.concatenate((np.arange(n_c_pairs), np.arange(n_c_pairs))).astype(np.int64),
            np.concatenate((z_cols[:n_c_pairs], x_local)),
            np.concatenate((np.ones(n_c_pairs), -np.ones(n_c_pairs))),
            n_rows=n_c_pairs,
            lo=-np.inf,
            hi=0.0,
        )
        return z0, cand, exist, served

    def _assignment_before(
        self,
    ) -> tuple[float | None, NDArray[np.float64] | None, NDArray[np.float64] | None]:
        """The capacitated assignment to the existing centres only (solved once per model)."""
        if self._before_cache is None:
            self._before_cache = self._capacitated_assignment(
                np.zeros(self.n_candidates, dtype=bool)
            )
        return self._before_cache

    def _capacitated_assignment(
        self, open_mask: NDArray[np.bool_], floor: NDArray[np.float64] | None = None
    ) -> tuple[float | None, NDArray[np.float64] | None, NDArray[np.float64] | None]:
        """Best assignment with the given candidates open (LP): objective, per-demand, per-site.

        ``floor`` (maximising models) is a share of each demand point that stays served: the
        assignment before new sites open. Among the many assignments serving the most
        persons the LP returned any, and one could move an existing centre's places from
        one town to another of equal weight, so that a province lost the persons it was
        served before (Rabat 32 → 0 with three new COAPH of 100 places). Keeping the earlier
        shares costs nothing: the earlier assignment is a flow of the smaller network, and
        augmenting it to a maximum flow never takes flow away from a demand. Should the LP
        still refuse it (round-off), the assignment is solved without the floor.
        """
        assert self._cap is not None
        open_idx = np.flatnonzero(open_mask).astype(np.int64)
        x_of = np.full(self.n_candidates, -1, dtype=np.int64)
        x_of[open_idx] = np.arange(len(open_idx))
        builder = MilpBuilder()
        builder.add_columns(np.zeros(len(open_idx)), lb=1.0, ub=1.0)
        try:
            z0, cand, exist, _ = self._build_capacitated(builder, x_of, open_idx)
        except InfeasibleError:
            return None, None, None
        if floor is not None and self.maximize:
            plain = self._capacitated_assignment(open_mask)
            kept = np.flatnonzero(floor > 1e-9)
            rows = cand.rows if exist is None else np.concatenate((cand.rows, exist.rows))
            pick = np.isin(rows, kept)
            local = np.searchsorted(kept, rows[pick])
            builder.add_rows(
                local.astype(np.int64),
                z0 + np.flatnonzero(pick).astype(np.int64),
                np.ones(int(pick.sum())),
                n_rows=len(kept),
                lo=floor[kept],
                hi=np.inf,
            )
            out = builder.solve(maximize=True, time_limit_s=None, mip_rel_gap=1e-9)
            if out.x is None or plain[0] is None:
                return plain
            value, share, served_by = self._capacitated_values(out.x, z0, cand, exist)
            if value < plain[0] - 1e-7 * max(1.0, abs(plain[0])):
                return plain  # the floor cost persons served: round-off, keep the optimum
            # the LP's tolerance leaves a share a hair under its floor (420 persons served
            # before, 419.999998 after): the floor holds, and the total is the optimum's
            share = np.where(share < floor, np.maximum(share, floor), share)
            return plain[0], share, served_by
        out = builder.solve(maximize=self.maximize, time_limit_s=None, mip_rel_gap=1e-9)
        if out.x is None:
            return None, None, None
        return self._capacitated_values(out.x, z0, cand, exist)

    def _capacitated_values(
        self,
        x: NDArray[np.float64],
        z0: int,
        cand: SparseCost,
        exist: SparseCost | None,
    ) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
        """Objective, per-demand value and persons served per candidate from a solution."""
        z = x[z0 : z0 + cand.nnz + (0 if exist is None else exist.nnz)]
        rows = cand.rows if exist is None else np.concatenate((cand.rows, exist.rows))
        cost = cand.cost if exist is None else np.concatenate((cand.cost, exist.cost))
        w = self._w[rows]
        share = np.bincount(rows, weights=z, minlength=self.n_demand)
        if self.maximize:
            objective = float(np.sum(w * z))
            per_demand = np.minimum(share, 1.0)
        else:
            objective = float(np.sum(w * cost * z))
            dist = np.bincount(rows, weights=z * cost, minlength=self.n_demand)
            per_demand = np.where(share > 0, dist / np.maximum(share, _TOL), np.inf)
        served_by = np.bincount(
            cand.cols, weights=w[: cand.nnz] * z[: cand.nnz], minlength=self.n_candidates
        )
        return objective, per_demand.astype(float), served_by.astype(float)

    # ---- greedy and ranking ----------------------------------------------------------------
    def _rank(self, chosen: NDArray[np.int64]) -> list[tuple[int, float]]:
        """Order the chosen sites by marginal gain (greedy order within the set)."""
        state = self._state0()
        left = [int(j) for j in chosen]
        order: list[tuple[int, float]] = []
        while left:
            score, real = self._gains(state)
            idx = np.asarray(left)
            best = int(idx[np.argmax(score[idx])])
            order.append((best, float(real[best])))
            self._apply(state, best)
            left.remove(best)
        return order

    def _without_idle(
        self, ranked: list[tuple[int, float]], tol: float = 0.0
    ) -> list[tuple[int, float]]:
        """The ranked sites less those that add nothing and that no rule needs.

        HiGHS may open sites that cover no one more (their variables cost nothing once every
        reachable person is covered), e.g. when more new centres are allowed than can help.
        A site whose gain at its rank is zero changes no demand's state, so dropping it leaves
        the objective and every other site's gain as they were; forced sites, and sites a
        per-province minimum needs, stay. With capacities the gain is the number of persons a
        site serves in the assignment, and ``tol`` absorbs the LP's round-off.
        """
        kept = list(ranked)
        for j, gain in reversed(ranked):
            if gain > tol or self._rules.forced[j]:
                continue
            trial = [site for site in kept if site[0] != j]
            if self._meets_rules([site for site, _ in trial]):
                kept = trial
        return kept

    def greedy(self) -> tuple[list[tuple[int, float]], NDArray[np.float64]]:
        """Greedy heuristic under the same rules: picks (site, gain) and the final state."""
        r = self._rules
        state = self._state0()
        picks: list[tuple[int, float]] = []
        taken = np.zeros(self.n_candidates, dtype=bool)
        deficits = dict(self._province_deficits())
        prov = self._geo.candidate_province
        budget_left = np.inf if r.budget_mad is None else r.budget_mad
        picks_left = np.inf if r.new is None else r.new
        ratio = r.budget_mad is not None and np.ptp(r.cost_mad) > 0

        def take(j: int, gain: float) -> None:
            nonlocal budget_left, picks_left
            picks.append((j, gain))
            taken[j] = True
            budget_left -= r.cost_mad[j]
            picks_left -= 1
            self._apply(state, j)
            if prov is not None and deficits.get(prov[j], 0) > 0:
                deficits[prov[j]] -= 1

        for first, first_gain in self._rank(np.flatnonzero(r.forced)):
            take(first, first_gain)
        while picks_left > 0:
            score, real = self._gains(state)
            eligible = ~taken & ~r.excluded
            outstanding = sum(v for v in deficits.values() if v > 0)
            if prov is not None and outstanding:
                in_def = np.isin(prov, [p for p, v in deficits.items() if v > 0])
                if picks_left <= outstanding:
                    eligible &= in_def
                if r.budget_mad is not None:
                    eligible &= self._affordable(budget_left, deficits, taken)
            else:
                eligible &= score > _TOL
                eligible &= r.cost_mad <= budget_left + _TOL
            if not eligible.any():
                break
            value = np.where(eligible, score, -np.inf)
            if ratio:
                value = np.where(eligible, score / np.maximum(r.cost_mad, _TOL), -np.inf)
            j = int(np.argmax(value))
            take(j, float(real[j]))
        return picks, state

    def _affordable(
        self, budget_left: float, deficits: dict[Any, int], taken: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Candidates whose cost still leaves enough to fill the provinces' deficits."""
        r = self._rules
        prov = self._geo.candidate_province
        assert prov is not None
        reserve_by: dict[Any, tuple[float, NDArray[np.float64]]] = {}
        reserve = 0.0
        for p, need in deficits.items():
            if need <= 0:
                continue
            costs = np.sort(r.cost_mad[(prov == p) & ~taken & ~r.excluded])
            reserve_by[p] = (float(costs[:need].sum()), costs[: need + 1])
            reserve += reserve_by[p][0]
        out = np.zeros(self.n_candidates, dtype=bool)
        for j in np.flatnonzero(~taken & ~r.excluded):
            after = reserve
            if prov[j] in reserve_by:
                total, cheapest = reserve_by[prov[j]]
                need = deficits[prov[j]]
                c_j = r.cost_mad[j]
                # opening j fills one unit of the deficit: the cheapest need-1 others remain
                after = reserve - total + (total - min(c_j, cheapest[need - 1]))
            out[j] = r.cost_mad[j] + after <= budget_left + _TOL
        return out

    # ---- result --------------------------------------------------------------------------
    def _site(self, j: int, rank: int, gain: float) -> SiteGain:
        lon = lat = None
        if self._lonlat is not None:
            lon, lat = float(self._lonlat[j, 0]), float(self._lonlat[j, 1])
        cost = float(self._rules.cost_mad[j]) if self._rules.cost_mad.any() else None
        return SiteGain(
            candidate=j,
            label=str(self._cand_labels[j]),
            rank=rank,
            gain=gain,
            forced=bool(self._rules.forced[j]),
            lon=lon,
            lat=lat,
            cost_mad=cost,
        )

    def _served_by_site(
        self, chosen: NDArray[np.int64]
    ) -> tuple[float, NDArray[np.float64], list[tuple[int, float]]]:
        """Capacitated assignment with ``chosen`` open: objective, per demand, sites by persons."""
        floor = self._assignment_before()[1] if self.maximize else None
        objective, after, served_by = self._capacitated_assignment(self._open_mask(chosen), floor)
        assert objective is not None
        assert after is not None
        assert served_by is not None
        tie = self._tie_order(chosen)
        ranked = sorted(
            ((int(j), float(served_by[j])) for j in chosen), key=lambda t: (-t[1], tie.get(t[0], 0))
        )
        return objective, after, ranked

    def _tie_order(self, chosen: NDArray[np.int64]) -> dict[int, int]:
        """Where each of ``chosen`` comes among sites serving as many persons (0 first)."""
        return {int(j): k for k, j in enumerate(chosen)}

    def _result(
        self,
        outcome: MilpOutcome,
        chosen: NDArray[np.int64],
        constant: float,
        mip_rel_gap: float,
        g_picks: list[tuple[int, float]],
        g_obj: float | None,
        source: str,
    ) -> LocationResult:
        bound = None if outcome.bound is None else outcome.bound + constant
        relaxed = self._relaxed_bound()
        if bound is not None and relaxed is not None:
            bound = min(bound, relaxed) if self.maximize else max(bound, relaxed)
        gain_measure = self._gain_measure
        if self.capacitated:
            objective, after, ranked = self._served_by_site(chosen)
            before_obj, before, _ = self._assignment_before()
            tol = 1e-9 * max(1.0, float(self._w.sum()))
            while len(kept := self._without_idle(ranked, tol)) < len(ranked):
                # a site serving no one leaves the same assignment feasible: same objective
                # (the new assignment may idle another site: again, until none is idle)
                chosen = np.asarray([j for j, _ in kept], dtype=np.int64)
                objective, after, ranked = self._served_by_site(chosen)
            gain_measure = "persons served by the site (capacitated assignment)"
        else:
            state = self._state0()
            before = self._per_demand(state)
            before_obj = self._objective_of(state)
            ranked = self._without_idle(self._rank(chosen))
            chosen = np.asarray([j for j, _ in ranked], dtype=np.int64)
            for j, _ in ranked:
                self._apply(state, j)
            after = self._per_demand(state)
            # the objective recomputed from the chosen sites: exact, free of MILP tolerances
            exact = self._objective_of(state)
            if exact is None:
                raise AnalysisError("the solution leaves demand without any centre")
            objective = float(exact)
        sites = tuple(self._site(j, k + 1, g) for k, (j, g) in enumerate(ranked))
        shortfall = shortfall_pct = None
        if g_obj is not None:
            shortfall = (objective - g_obj) if self.maximize else (g_obj - objective)
            shortfall_pct = 100.0 * shortfall / objective if objective else 0.0
        greedy = GreedySolution(
            objective=g_obj,
            sites=tuple(self._site(j, k + 1, g) for k, (j, g) in enumerate(g_picks)),
            shortfall=shortfall,
            shortfall_pct=shortfall_pct,
        )
        demand = pd.DataFrame(
            {
                "label": self._dem_labels,
                "province": self._geo.demand_province,
                "region": self._geo.demand_region,
                "weight": self._w,
                "before": before if before is not None else np.full(self.n_demand, np.nan),
                "after": after,
            }
        )
        by_province = (
            self._table(demand, "province") if self._geo.demand_province is not None else None
        )
        by_region = self._table(demand, "region") if self._geo.demand_region is not None else None
        equity = self._equity(demand, by_province)
        if outcome.status == "optimal":
            gap = 0.0 if outcome.mip_gap is None else max(0.0, outcome.mip_gap)
        elif bound is None or not objective:
            gap = float("inf")
        else:
            gap = max(0.0, (bound - objective) if self.maximize else (objective - bound))
            gap /= abs(objective)
        optimal = outcome.status == "optimal" and gap <= max(mip_rel_gap, 1e-9) * 1.0001
        total_cost = (
            float(self._rules.cost_mad[chosen].sum()) if self._rules.cost_mad.any() else None
        )
        return LocationResult(
            model=self.model_name,
            status=outcome.status,
            optimal=bool(optimal),
            objective=float(objective),
            objective_before=None
            if before_obj is None or not math.isfinite(before_obj)
            else float(before_obj),
            bound=bound,
            mip_gap=float(gap),
            solve_time_s=outcome.solve_time_s,
            build_time_s=0.0,
            n_variables=outcome.n_variables,
            n_constraints=outcome.n_constraints,
            gain_measure=gain_measure,
            sites=sites,
            greedy=greedy,
            demand=demand,
            by_province=by_province,
            by_region=by_region,
            equity=equity,
            total_cost_mad=total_cost,
            params=self._params,
            solution_source=source,
        )

    @abstractmethod
    def _table(self, demand: pd.DataFrame, level: str) -> pd.DataFrame:
        """Before/after aggregates per ``level`` (province or region)."""

    @abstractmethod
    def _equity(
        self, demand: pd.DataFrame, by_province: pd.DataFrame | None
    ) -> EquityChange | None:
        """Weighted Gini before/after."""


def _plural(n: int, noun: str) -> str:
    """``noun`` for one, ``nouns`` otherwise (the messages' counts read as English does)."""
    return noun if n == 1 else f"{noun}s"


def _with_times(result: LocationResult, build_s: float, solve_s: float) -> LocationResult:
    """The result with its timings set (dataclasses.replace keeps it frozen)."""
    return replace(result, build_time_s=build_s, solve_time_s=solve_s)


def _budget_row(cost: NDArray[np.float64], budget: float) -> tuple[NDArray[np.float64], float]:
    """The budget row's coefficients and limit, in a unit HiGHS cannot round past.

    HiGHS accepts a row violated by its feasibility tolerance after scaling: three centres
    of 5,000,000 MAD passed a budget of 14,999,999 MAD. Costs in whole MAD are counted in
    their greatest common divisor (5,000,000 here) and the budget rounded down to whole
    units (2), so the row is exact; other costs are scaled by the largest one.
    """
    whole = np.round(cost)
    if np.all(np.abs(cost - whole) <= 1e-6) and np.any(whole > 0) and whole.max() < 2**62:
        unit = float(np.gcd.reduce(whole[whole > 0].astype(np.int64)))
        return whole / unit, math.floor(budget / unit + 1e-9)
    # no site variable at all (every candidate useless at this radius): an empty row
    scale = (float(np.max(np.abs(cost))) if len(cost) else 0.0) or 1.0
    return cost / scale, budget / scale
