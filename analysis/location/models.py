"""The two location-allocation models, named as the literature names them: MCLP and PMedian."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse

from analysis.location._base import (
    _FROM_START_OPTIONS,
    _IPM_FROM_NNZ,
    _TOL,
    Geography,
    SitingModel,
    _Built,
    _Clock,
    _Exact,
    _labels,
    make_rules,
    weighted_gini,
)
from analysis.location._cost import SparseCost, as_sparse
from analysis.location._milp import MilpBuilder, MilpOutcome
from analysis.location.results import EquityChange
from walouja.errors import AnalysisError, InfeasibleError

CostInput = NDArray[np.floating] | SparseCost

_K_MIN = 8  # pairs per demand point the truncated p-median starts from, at least
_REACH = 1.5  # the truncated p-median keeps pairs up to this × the warm start's distance
# p-medians with fewer pairs than this are solved whole in one go. The whole model's root LP
# grows fast with the pairs: national, p = 10, with the 44 COAPH fixed (54,073 pairs) 1.4 s
# whole vs 2.8 s truncated; with the 24 CAS (95,260) 19.9 s vs 8.0 s; with the 12 CJPA
# (165,091) 51.7 s vs 17.4 s, and p = 40 did not finish in 120 s whole vs 14.7 s truncated.
_FULL_BELOW = 60_000
_KICKS_WITHOUT_GAIN = 10  # the MCLP's iterated local search stops after this many idle kicks


def _rel_gap(upper: float, lower: float) -> float:
    """Relative gap of a minimisation between a solution's value and a proven bound."""
    if not np.isfinite(upper) or not np.isfinite(lower):
        return float("inf")
    return max(0.0, upper - lower) / max(abs(upper), 1e-12)


Labels = Sequence[Any] | NDArray[Any] | None
Positions = Sequence[int] | NDArray[Any] | None


def _capacities(
    values: float | Sequence[float] | NDArray[Any] | None, n: int, what: str
) -> NDArray[np.float64] | None:
    if values is None:
        return None
    cap = np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy()
    cap = np.where(np.isnan(cap), np.inf, cap)
    if np.any(cap < 0):
        raise AnalysisError(f"{what}: capacities must be ≥ 0 places")
    return cap


class MCLP(SitingModel):
    r"""Maximal covering location problem (Church & ReVelle 1974), existing centres fixed.

    Choose new sites among candidates to maximise the demand (persons with disabilities)
    within ``radius`` of an open site, existing centres counting as open.

    Sparse formulation, exact. Let :math:`E_i` be true when an existing centre lies within the
    radius of demand :math:`i` (that demand is covered whatever we choose: a constant), and
    :math:`N_i` the candidates within the radius. Demands with the same :math:`N_i` are merged
    into one group :math:`g` with weight :math:`W_g` (a classic reduction that changes nothing
    in the optimum):

    .. math::

        \max \sum_{i: E_i} w_i + \sum_g W_g y_g \quad
        \text{s.t.}\quad y_g \le \sum_{j \in N_g} x_j,\;
        0 \le y_g \le 1,\; x_j \in \{0, 1\}

    Two more exact reductions: a group reachable from a single candidate :math:`j` needs no
    :math:`y_g` (its weight goes on :math:`x_j`), and a candidate whose uncovered demand is a
    subset of another's that costs no more (same province under a per-province minimum) gets
    no variable. Then the site rules: :math:`\sum_j x_j \le p` (new centres),
    :math:`\sum_j c_j x_j \le B`
    (budget), :math:`\sum_{j \in r} x_j \ge k - e_r` per province :math:`r` with :math:`e_r`
    existing centres, :math:`x_j = 1` forced, no variable for excluded candidates. Only pairs
    within the radius are ever stored, and candidates that cover no uncovered demand get no
    variable unless a rule needs them.

    With capacities (Current & Storbeck 1988), every site serves at most its places and the
    covered demand is the assignment :math:`z_{ij} \in [0,1]` over pairs within the radius:
    :math:`\max \sum w_i z_{ij}` s.t. :math:`\sum_j z_{ij} \le 1`,
    :math:`\sum_i w_i z_{ij} \le C_j x_j` (:math:`x_j = 1` for existing centres),
    :math:`z_{ij} \le x_j`. Among the sets of sites serving that optimum (with few places
    each set fills them), the one covering the most demand within the radius is kept (see
    :meth:`_solve_capacitated`).

    Build with :meth:`from_cost_matrix` (the core) or :meth:`from_frames` (a checked adapter
    over points), then call :meth:`solve`.
    """

    model_name: ClassVar[str] = "MCLP"
    maximize: ClassVar[bool] = True
    kernel_search: ClassVar[bool] = True
    lp_dive: ClassVar[bool] = True
    # HiGHS trusts its pseudocosts from the first branching on a variable: strong branching
    # was 80 % of the simplex iterations of the national p = 40 runs. With the 18 CAPE
    # fixed 6.7 -> 5.0 s, the 24 CAS 4.6 -> 2.6 s; without centres 12-28 s either way
    # across seeds (bench/README.md). Same optima; only the search changes.
    start_options: ClassVar[dict[str, Any]] = {"mip_pscost_minreliable": 0}
    _gain_measure: ClassVar[str] = "persons newly covered"
    _demand_must_be_served: ClassVar[bool] = False

    def __init__(self, *, radius: float, **kwargs: Any) -> None:
        self._radius = float(radius)
        super().__init__(**kwargs)
        self._cov = self._cand.select(self._cand.cost <= self._radius)
        if self._exist is not None:
            within = self._exist.select(self._exist.cost <= self._radius)
            self._covered0 = np.zeros(self.n_demand, dtype=bool)
            self._covered0[within.rows] = True
            self._exist_within: SparseCost | None = within
        else:
            self._covered0 = np.zeros(self.n_demand, dtype=bool)
            self._exist_within = None
        self._cov_csc = self._cov.indicator_csc()
        self._unserved0: NDArray[np.float64] | None = None
        # the local search's matrices (uncovered demand × candidates), built on first use
        self._ls: (
            tuple[sparse.csc_matrix, sparse.csr_matrix, sparse.csr_matrix, NDArray[np.float64]]
            | None
        ) = None

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix: CostInput,
        weights: Sequence[float] | NDArray[np.floating],
        *,
        radius: float,
        new: int | None = None,
        existing_cost_matrix: CostInput | None = None,
        budget_mad: float | None = None,
        cost_mad: float | Sequence[float] | NDArray[np.floating] | None = None,
        min_per_province: int = 0,
        demand_province: Labels = None,
        demand_region: Labels = None,
        candidate_province: Labels = None,
        existing_province: Labels = None,
        capacities: float | Sequence[float] | NDArray[Any] | None = None,
        existing_capacities: Sequence[float] | NDArray[Any] | None = None,
        forced: Positions = None,
        excluded: Positions = None,
        candidate_labels: Labels = None,
        demand_labels: Labels = None,
        candidate_lonlat: NDArray[np.float64] | None = None,
    ) -> MCLP:
        """An MCLP from demand × candidate costs (dense, or a ``SparseCost`` of the pairs
        within the radius) and, optionally, demand × existing-centre costs.

        Parameters
        ----------
        cost_matrix
            Demand × candidate costs (km). Sparse input needs only the pairs within ``radius``.
        weights
            Demand weight (persons with disabilities) per row.
        radius
            Covering radius, same unit as the costs.
        new
            Number of new centres (at most).
        existing_cost_matrix
            Demand × existing-centre costs; existing centres are always open.
        budget_mad, cost_mad
            Budget and the cost of each candidate (scalar or one per candidate).
        min_per_province
            At least this many centres, existing included, in every province of the demand.
        demand_province, demand_region, candidate_province, existing_province
            Labels for the per-province rule and the before/after tables.
        capacities, existing_capacities
            Places per candidate (scalar or array) and per existing centre (NaN: unlimited).
            Giving ``capacities`` switches to the capacitated formulation.
        forced, excluded
            Candidate positions (or boolean masks) that must / must not be chosen.
        candidate_labels, demand_labels, candidate_lonlat
            Identifiers and coordinates carried into the result.
        """
        return cls(
            radius=radius,
            **_common_kwargs(
                cost_matrix,
                weights,
                new=new,
                existing_cost_matrix=existing_cost_matrix,
                budget_mad=budget_mad,
                cost_mad=cost_mad,
                min_per_province=min_per_province,
                demand_province=demand_province,
                demand_region=demand_region,
                candidate_province=candidate_province,
                existing_province=existing_province,
                capacities=capacities,
                existing_capacities=existing_capacities,
                forced=forced,
                excluded=excluded,
                candidate_labels=candidate_labels,
                demand_labels=demand_labels,
                candidate_lonlat=candidate_lonlat,
                params={"model": "mclp", "radius": float(radius)},
            ),
        )

    @classmethod
    def from_frames(
        cls,
        demand: pd.DataFrame,
        candidates: pd.DataFrame | None = None,
        existing: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> MCLP:
        """A checked adapter over point tables; see :func:`analysis.location.frames.build`."""
        from analysis.location.frames import build

        model = build(cls, demand, candidates, existing, **kwargs)
        assert isinstance(model, MCLP)
        return model

    def covered_with(self, sites: Sequence[str] = ()) -> float:
        """Persons covered with the existing centres and the candidate ``sites`` open.

        Within the radius of an open centre; with capacities, the most persons the open
        centres' places serve within the radius (the capacitated assignment). It measures
        another model's answer (a p-median's sites) in this model's terms.

        Parameters
        ----------
        sites
            Candidate labels (as in ``SiteGain.label``).

        Raises
        ------
        AnalysisError
            A label that is not a candidate.
        """
        index = {str(label): j for j, label in enumerate(self._cand_labels)}
        unknown = [str(s) for s in sites if str(s) not in index]
        if unknown:
            raise AnalysisError(f"no candidate site {unknown[0]!r}")
        chosen = np.asarray([index[str(s)] for s in sites], dtype=np.int64)
        if self.capacitated:
            served, _, _ = self._capacitated_assignment(self._open_mask(chosen))
            return 0.0 if served is None else float(served)
        state = self._state0()
        for j in chosen:
            self._apply(state, int(j))
        return float(self._w.sum() - state.sum())

    # ---- uncapacitated formulation -----------------------------------------------------
    def _useful(self) -> NDArray[np.bool_]:
        # with capacities, demand within reach of an existing centre may find it full: every
        # candidate reaching someone can serve
        open_rows = (self._w > 0) if self.capacitated else ~self._covered0 & (self._w > 0)
        useful = np.zeros(self.n_candidates, dtype=bool)
        useful[self._cov.cols[open_rows[self._cov.rows]]] = True
        if not self.capacitated:
            useful &= ~self._dominated(open_rows, useful)
        return useful

    def _dominated(
        self, open_rows: NDArray[np.bool_], useful: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Candidates whose uncovered demand is a subset of a no-dearer other's (exact to drop).

        With at most ``p`` new sites, a dominated site can always be swapped for its dominator
        without losing coverage; costs and, with a per-province minimum, provinces must agree.
        """
        r = self._rules
        cols = np.flatnonzero(useful & ~r.excluded)
        if len(cols) < 2:
            return np.zeros(self.n_candidates, dtype=bool)
        a = self._cov_csc[:, cols][open_rows].astype(np.int32)
        a.data[:] = 1
        overlap = (a.T @ a).tocoo()
        size = np.asarray(a.sum(axis=0)).ravel()
        j, k = overlap.row, overlap.col
        cost = r.cost_mad[cols]
        sub = (j != k) & (overlap.data == size[j])
        strict = size[j] < size[k]
        cheaper = cost[k] < cost[j]
        tie = (cost[k] == cost[j]) & (k < j)
        dom = sub & (cost[k] <= cost[j]) & (strict | cheaper | tie)
        if r.min_per_province and self._geo.candidate_province is not None:
            prov = self._geo.candidate_province[cols]
            dom &= prov[j] == prov[k]
        out = np.zeros(self.n_candidates, dtype=bool)
        out[cols[j[dom]]] = True
        return out

    def _build(self, builder: MilpBuilder, x_of: NDArray[np.int64]) -> _Built:
        constant = float(self._w[self._covered0].sum())
        n_x = builder.n_cols
        cov = self._cov
        keep = (~self._covered0[cov.rows]) & (self._w[cov.rows] > 0) & (x_of[cov.cols] >= 0)
        rows = cov.rows[keep]
        cols = x_of[cov.cols[keep]]
        if len(rows) == 0:
            return _Built(constant, lambda x: np.asarray(x, dtype=float))
        order = np.lexsort((cols, rows))
        rows, cols = rows[order], cols[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        group_of: dict[bytes, int] = {}
        group_w: list[float] = []
        group_first: list[int] = []
        for s, e in zip(starts, ends, strict=True):
            key = cols[s:e].tobytes()
            g = group_of.get(key)
            if g is None:
                group_of[key] = len(group_w)
                group_w.append(float(self._w[rows[s]]))
                group_first.append(int(s))
            else:
                group_w[g] += float(self._w[rows[s]])
        weights_g = np.asarray(group_w)
        first = np.asarray(group_first, dtype=np.int64)
        lengths = ends[np.searchsorted(starts, first)] - first
        # a group reachable from one candidate only is covered exactly when that candidate
        # opens: its weight goes on the candidate's own column (no y, no row)
        single = lengths == 1
        if single.any():
            builder.add_cost(cols[first[single]], weights_g[single])
        first, lengths, weights_g = first[~single], lengths[~single], weights_g[~single]
        n_g = len(weights_g)
        if n_g == 0:
            return _Built(constant, lambda x: np.asarray(x, dtype=float))
        y0 = builder.add_columns(weights_g, lb=0.0, ub=1.0)
        # y_g - sum_{j in N_g} x_j <= 0
        seg = np.concatenate([np.arange(s, s + n) for s, n in zip(first, lengths, strict=True)])
        row_ids = np.repeat(np.arange(n_g, dtype=np.int64), lengths)
        builder.add_rows(
            np.concatenate((np.arange(n_g, dtype=np.int64), row_ids)),
            np.concatenate((y0 + np.arange(n_g, dtype=np.int64), cols[seg])),
            np.concatenate((np.ones(n_g), -np.ones(len(seg)))),
            n_rows=n_g,
            lo=-np.inf,
            hi=0.0,
        )
        member = sparse.csr_matrix((np.ones(len(seg)), (row_ids, cols[seg])), shape=(n_g, n_x))

        def start(x: NDArray[np.float64]) -> NDArray[np.float64]:
            # a group is covered (y = 1) as soon as one of its candidates is open
            x = np.asarray(x, dtype=float)
            return np.concatenate((x, np.minimum(1.0, member @ x)))

        x_cost = builder.cost[:n_x].copy()
        forced = x_of[np.flatnonzero(self._rules.forced & (x_of >= 0))]

        def bound(target: float, seconds: float) -> float | None:
            found = self._lagrangian(x_cost, weights_g, member, forced, target - constant, seconds)
            return None if found is None else found + constant

        return _Built(constant, start, bound)

    def _lagrangian(
        self,
        x_cost: NDArray[np.float64],
        weights_g: NDArray[np.float64],
        member: sparse.csr_matrix,
        forced: NDArray[np.int64],
        target: float,
        seconds: float,
    ) -> float | None:
        r"""Upper bound from the Lagrangian relaxation of the covering rows (subgradient).

        Pricing row :math:`y_g \le \sum_{j \in N_g} x_j` at :math:`\lambda_g \ge 0` leaves
        :math:`\sum_g \max(0, W_g - \lambda_g) + \max_{|S| \le p} \sum_{j \in S}
        (c_j + \sum_{g \ni j} \lambda_g)`, an upper bound for every :math:`\lambda`
        (Galvão & ReVelle 1996); its best value equals the LP bound. Only with a plain count
        of new sites (no budget, no per-province minimum); ``None`` otherwise. Returns the
        bound on the objective without the constant term.
        """
        r = self._rules
        if r.new is None or r.budget_mad is not None or self._province_deficits():
            return None
        n_x = len(x_cost)
        free = np.ones(n_x, dtype=bool)
        free[forced] = False
        p_free = r.new - len(forced)
        if p_free < 0:
            return None
        member_t = member.T.tocsr()
        sizes = np.maximum(1.0, np.asarray(member.sum(axis=1)).ravel())
        lam = weights_g / sizes
        best = np.inf
        mu, stall = 1.0, 0
        t_end = time.perf_counter() + seconds
        free_idx = np.flatnonzero(free)
        for _ in range(2_000):
            if time.perf_counter() > t_end:
                break
            value = x_cost + member_t @ lam
            x = np.zeros(n_x)
            x[forced] = 1.0
            v_free = value[free_idx]
            if 0 < p_free < len(free_idx):
                top = free_idx[np.argpartition(-v_free, p_free - 1)[:p_free]]
            else:
                top = free_idx if p_free else free_idx[:0]
            x[top[value[top] > 0]] = 1.0
            slack = weights_g - lam
            y = (slack > 0).astype(float)
            bound = float(np.sum(np.maximum(slack, 0.0)) + value @ x)
            if bound < best - 1e-9 * abs(best if np.isfinite(best) else bound):
                best, stall = bound, 0
            else:
                stall += 1
                if stall >= 15:
                    mu, stall = mu / 2.0, 0
                    if mu < 1e-4:
                        break
            sub = member @ x - y
            norm2 = float(sub @ sub)
            if norm2 == 0.0 or bound <= target:
                break
            lam = np.clip(lam - mu * (bound - target) / norm2 * sub, 0.0, weights_g)
        return None if not np.isfinite(best) else best

    # ---- local search for the MIP start ----------------------------------------------------
    def _improve(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], clock: _Clock
    ) -> NDArray[np.int64]:
        """Best-improvement add/swap local search (Teitz & Bart's interchange) from ``chosen``.

        Every move keeps the rules (count, budget, per-province minimum, forced and excluded
        sites). With a plain count of new sites (no budget, no per-province minimum) the
        search is iterated: a seeded kick swaps a few open sites for random others and the
        interchange runs again; the best set is kept, and the search stops
        after ``_KICKS_WITHOUT_GAIN`` (plus two per improvement found so far) kicks in a row
        that find nothing better, or at its share of the time limit. Only the MIP
        start uses it: the exact search decides the answer.
        """
        r = self._rules
        # on a large model the kernel search that follows (LP-guided exact cores) finds
        # better starts than more kicks would: the local search keeps a smaller share
        open_rows = ~self._covered0 & (self._w > 0)
        large = int(open_rows[self._cov.rows].sum()) >= _IPM_FROM_NNZ
        t_end = time.perf_counter() + clock.share(0.15 if large else 0.35)
        best = self._descend(chosen, active, t_end)
        if r.budget_mad is not None or self._province_deficits() or len(best) < 2:
            return best
        best_value = self._value(best)
        if best_value is None:
            return best
        rng = np.random.default_rng(0)
        movable = np.flatnonzero(~r.forced[best])
        misses = gains = 0
        # patience grows with success: an instance where kicks keep paying gets longer streaks
        while (
            misses < _KICKS_WITHOUT_GAIN + 2 * gains
            and time.perf_counter() < t_end
            and len(movable)
        ):
            size = int(rng.integers(1, max(2, min(len(movable), 1 + len(best) // 5)) + 1))
            drop = rng.choice(movable, min(size, len(movable)), replace=False)
            outside = np.flatnonzero(active & ~r.excluded & ~self._open_mask(best))
            fill = rng.choice(outside, min(len(drop), len(outside)), replace=False)
            kicked = np.union1d(np.delete(best, drop), fill).astype(np.int64)
            trial = self._descend(kicked, active, t_end)
            value = self._value(trial)
            if self._improves(value, best_value):
                best, best_value, misses = trial, value, 0
                gains += 1
                movable = np.flatnonzero(~r.forced[best])
            else:
                misses += 1
        return best

    def _polish(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], clock: _Clock
    ) -> NDArray[np.int64]:
        """Greedy adds and best-improvement swaps from ``chosen`` (see :meth:`_descend`)."""
        return self._descend(chosen, active, time.perf_counter() + clock.share(0.05))

    def _descend(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], t_end: float
    ) -> NDArray[np.int64]:
        """Greedy adds, then best-improvement swaps, from ``chosen`` until none helps."""
        r = self._rules
        if self._ls is None:
            rows = ~self._covered0 & (self._w > 0)
            a_csc = self._cov_csc[rows]
            self._ls = (a_csc, a_csc.tocsr(), a_csc.T.tocsr(), self._w[rows])
        a_csc, a_csr, a_t, w = self._ls
        if a_csc.nnz == 0:
            return chosen
        tol = 1e-9 * max(1.0, float(w.sum()))
        open_ = self._open_mask(chosen)
        addable = active & ~r.excluded
        cost = r.cost_mad
        budget = np.inf if r.budget_mad is None else r.budget_mad + _TOL
        most = np.inf if r.new is None else r.new
        prov = self._geo.candidate_province
        deficits = self._province_deficits()
        for _ in range(10_000):
            if time.perf_counter() > t_end:
                break
            count = a_csr @ open_.astype(float)
            gain = a_t @ (w * (count == 0))
            spent = float(cost[open_].sum())
            can_add = addable & ~open_ & (spent + cost <= budget)
            if open_.sum() < most and can_add.any():
                j = int(np.argmax(np.where(can_add, gain, -np.inf)))
                if gain[j] > tol:
                    open_[j] = True
                    continue
            out = np.flatnonzero(open_ & ~r.forced)
            cand = np.flatnonzero(addable & ~open_)
            if len(out) == 0 or len(cand) == 0:
                break
            only = w * (count == 1)
            loss = (a_t @ only)[out]
            # demand covered once, by the site leaving, and also by the site coming in
            back = (a_t[cand] @ sparse.diags(only) @ a_csc[:, out]).toarray()
            profit = gain[cand][:, None] - loss[None, :] + back
            feasible = spent - cost[out][None, :] + cost[cand][:, None] <= budget
            if deficits and prov is not None:
                new_in = pd.Series(prov[open_]).value_counts()
                for col, k in enumerate(out):
                    need = deficits.get(prov[k], 0)
                    if need and int(new_in.get(prov[k], 0)) <= need:
                        feasible[:, col] &= prov[cand] == prov[k]
            profit = np.where(feasible, profit, -np.inf)
            best = int(np.argmax(profit))
            j_in, k_out = np.unravel_index(best, profit.shape)
            if not profit[j_in, k_out] > tol:
                break
            open_[out[k_out]] = False
            open_[cand[j_in]] = True
        return np.flatnonzero(open_).astype(np.int64)

    # ---- greedy state: the weight still uncovered (with capacities: still unserved) -------
    def _state0(self) -> NDArray[np.float64]:
        if not self.capacitated:
            return np.where(self._covered0, 0.0, self._w)
        if self._unserved0 is None:
            # persons the existing centres leave unserved in their best assignment: near a
            # full centre a new site still has people to serve
            _, share, _ = self._assignment_before()
            served = np.zeros(self.n_demand) if share is None else share
            self._unserved0 = self._w * np.clip(1.0 - served, 0.0, 1.0)
        return self._unserved0.copy()

    def _gains(self, state: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[Any]]:
        gains = np.asarray(self._cov_csc.T @ state).ravel()
        if self.capacitated:
            assert self._cap is not None
            gains = np.minimum(gains, self._cap)  # a site serves at most its places
        return gains, gains

    def _apply(self, state: NDArray[np.float64], j: int) -> None:
        lo, hi = self._cov_csc.indptr[j], self._cov_csc.indptr[j + 1]
        rows = self._cov_csc.indices[lo:hi]
        if self.capacitated:
            assert self._cap is not None
            reach = float(state[rows].sum())
            if reach > self._cap[j]:
                # its places go to the unserved people in reach, in proportion
                state[rows] *= 1.0 - self._cap[j] / reach
                return
        state[rows] = 0.0

    def _objective_of(self, state: NDArray[np.float64]) -> float | None:
        return float(self._w.sum() - state.sum())

    def _per_demand(self, state: NDArray[np.float64]) -> NDArray[np.float64]:
        covered = np.where(self._w > 0, state == 0.0, self._covered0 | False)
        return covered.astype(float)

    def _capacitated_pairs(self) -> tuple[SparseCost, SparseCost | None]:
        return self._cov, self._exist_within

    def _solve_capacitated(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        clock: _Clock,
        mip_rel_gap: float,
    ) -> _Exact:
        """The capacitated MILP; then, among the answers serving as many persons, the one
        that brings the most persons within reach of a centre.

        With capacities far below the demand (the national case: a few thousand places for
        1.7 million persons with disabilities) almost every site fills its places, so a great
        many sets of sites serve the same optimum and HiGHS returned whichever it met first.
        A second MILP keeps the number served at its optimum (a floor on the same
        assignment) and maximises the uncapacitated coverage instead: the persons within the
        radius of a centre, existing or new, whether or not its places serve them. Only the
        choice among equal optima changes: the objective, its proof and its bound are the
        first MILP's. When the second MILP finds nothing better in the time left, the first
        answer stays.
        """
        exact = super()._solve_capacitated(active_idx, deficits, clock, mip_rel_gap)
        first = exact.outcome
        if first.status != "optimal" or exact.chosen is None or first.x is None:
            return exact
        left = clock.left()
        if first.objective is None or (left is not None and left < 1.0):
            return exact  # no time left to choose among the optima
        served = float(first.objective)
        chosen, seconds = self._most_covering(
            active_idx, deficits, clock, served, first.x, mip_rel_gap
        )
        timed = replace(first, solve_time_s=first.solve_time_s + seconds)
        return _Exact(timed, exact.chosen if chosen is None else chosen, exact.source)

    def _tie_order(self, chosen: NDArray[np.int64]) -> dict[int, int]:
        """Sites serving as many persons (each fills its places) in the order a greedy
        coverage would take them: first the one that brings the most persons within reach."""
        covered = self._covered0.copy()
        csc = self._cov_csc
        reach = {int(j): csc.indices[csc.indptr[j] : csc.indptr[j + 1]] for j in chosen}
        left = [int(j) for j in chosen]
        order: dict[int, int] = {}
        while left:
            gains = [float(self._w[reach[j][~covered[reach[j]]]].sum()) for j in left]
            best = left[int(np.argmax(gains))]
            covered[reach[best]] = True
            order[best] = len(order)
            left.remove(best)
        return order

    def _most_covering(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        clock: _Clock,
        served: float,
        first_x: NDArray[np.float64],
        mip_rel_gap: float,
    ) -> tuple[NDArray[np.int64] | None, float]:
        """The sites that cover the most persons while serving ``served`` (see above), None
        when they are not found; and HiGHS's time."""
        builder, x_of = self._site_columns(active_idx, deficits)
        z0, cand, exist, _ = self._build_capacitated(builder, x_of, active_idx)
        n_first = builder.n_cols
        rows = cand.rows if exist is None else np.concatenate((cand.rows, exist.rows))
        weight = self._w[rows]
        z_cols = z0 + np.arange(len(rows), dtype=np.int64)
        builder.add_cost(z_cols, -weight)  # the persons served: a floor, not the objective
        slack = 1e-7 * max(1.0, abs(served))
        builder.add_rows(
            np.zeros(len(rows), dtype=np.int64),
            z_cols,
            weight,
            n_rows=1,
            lo=served - slack,
            hi=np.inf,
        )
        # coverage of the demand no existing centre reaches: y_i ≤ Σ x_j over sites in reach
        cov = self._cov
        keep = (~self._covered0[cov.rows]) & (self._w[cov.rows] > 0) & (x_of[cov.cols] >= 0)
        groups, local = np.unique(cov.rows[keep], return_inverse=True)
        y0 = builder.add_columns(self._w[groups], lb=0.0, ub=1.0)
        n_g = len(groups)
        builder.add_rows(
            np.concatenate((np.arange(n_g, dtype=np.int64), local.astype(np.int64))),
            np.concatenate((y0 + np.arange(n_g, dtype=np.int64), x_of[cov.cols[keep]])),
            np.concatenate((np.ones(n_g), -np.ones(int(keep.sum())))),
            n_rows=n_g,
            lo=-np.inf,
            hi=0.0,
        )
        # the first answer as the start: its assignment, and whom its sites reach
        reach = np.zeros(n_g)
        np.add.at(reach, local, first_x[x_of[cov.cols[keep]]])
        start = np.concatenate((first_x[:n_first], np.minimum(1.0, np.round(reach))))
        second = builder.solve(
            maximize=True,
            time_limit_s=clock.left(),
            mip_rel_gap=mip_rel_gap,
            start=start,
        )
        if second.x is None:
            return None, second.solve_time_s
        chosen = active_idx[second.x[: len(active_idx)] > 0.5]
        value = self._capacitated_assignment(self._open_mask(chosen))[0]
        if value is None or value < served - 2 * slack:
            return None, second.solve_time_s
        return chosen, second.solve_time_s

    def _relaxed_bound(self) -> float | None:
        reach = self._covered0.copy()
        reach[self._cov.rows] = True
        return float(self._w[reach].sum())

    # ---- tables --------------------------------------------------------------------------
    def _table(self, demand: pd.DataFrame, level: str) -> pd.DataFrame:
        d = demand.assign(
            covered_before=demand["weight"] * demand["before"],
            covered_after=demand["weight"] * demand["after"],
        )
        t = d.groupby(level, sort=True)[["weight", "covered_before", "covered_after"]].sum()
        t = t.rename(columns={"weight": "pwd"})
        t["gain"] = t["covered_after"] - t["covered_before"]
        total = t["pwd"].where(t["pwd"] > 0)
        t["share_before"] = t["covered_before"] / total
        t["share_after"] = t["covered_after"] / total
        return t

    def _equity(
        self, demand: pd.DataFrame, by_province: pd.DataFrame | None
    ) -> EquityChange | None:
        if by_province is None:
            return None
        t = by_province[by_province["pwd"] > 0]
        return EquityChange(
            measure="weighted Gini of the provinces' covered share (weights: persons with "
            "disabilities)",
            gini_before=weighted_gini(t["share_before"].to_numpy(), t["pwd"].to_numpy()),
            gini_after=weighted_gini(t["share_after"].to_numpy(), t["pwd"].to_numpy()),
        )


class PMedian(SitingModel):
    r"""p-median problem (Hakimi 1964; ReVelle & Swain 1970), existing centres fixed.

    Choose new sites to minimise the weighted distance from each demand point to its nearest
    centre, existing centres counting as open.

    Truncated formulation, exact. Let :math:`D_i` be the distance from demand :math:`i` to
    its nearest existing centre (:math:`\infty` when there is none). A new site :math:`j`
    changes :math:`i`'s distance only if :math:`d_{ij} < D_i`, so only those pairs
    :math:`P` need a variable; every other pair would be dominated by the fixed centre
    (the reduction used for p-median with fixed facilities):

    .. math::

        \min \sum_i w_i D_i + \sum_{(i,j) \in P} w_i (d_{ij} - D_i) z_{ij}
        \quad\text{s.t.}\quad \sum_{j:(i,j)\in P} z_{ij} \le 1
        \;(= 1 \text{ when } D_i = \infty),\; z_{ij} \le x_j,\;
        z_{ij} \ge 0,\; x_j \in \{0,1\}

    (the constant term is left out where :math:`D_i=\infty`), with the same site rules as
    :class:`MCLP`. With no existing centre every pair is needed (a dense problem).

    With capacities the classic capacitated p-median is solved on all pairs (existing centres
    as fixed open sites): :math:`\sum_j z_{ij} = 1`, :math:`\sum_i w_i z_{ij} \le C_j x_j`;
    every person must be served, so too few places is infeasible.
    """

    model_name: ClassVar[str] = "PMedian"
    maximize: ClassVar[bool] = False
    _gain_measure: ClassVar[str] = "person-km saved"
    _demand_must_be_served: ClassVar[bool] = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._d0 = (
            self._exist.row_min() if self._exist is not None else np.full(self.n_demand, np.inf)
        )
        if self.capacitated:
            self._pairs = self._cand
        else:
            self._pairs = self._cand.select(self._cand.cost < self._d0[self._cand.rows])
        self._by_col: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
        finite = self._pairs.cost[np.isfinite(self._pairs.cost)]
        self._big = 2.0 * (float(finite.max()) if len(finite) else 1.0) + 1.0

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix: CostInput,
        weights: Sequence[float] | NDArray[np.floating],
        *,
        new: int | None = None,
        existing_cost_matrix: CostInput | None = None,
        budget_mad: float | None = None,
        cost_mad: float | Sequence[float] | NDArray[np.floating] | None = None,
        min_per_province: int = 0,
        demand_province: Labels = None,
        demand_region: Labels = None,
        candidate_province: Labels = None,
        existing_province: Labels = None,
        capacities: float | Sequence[float] | NDArray[Any] | None = None,
        existing_capacities: Sequence[float] | NDArray[Any] | None = None,
        forced: Positions = None,
        excluded: Positions = None,
        candidate_labels: Labels = None,
        demand_labels: Labels = None,
        candidate_lonlat: NDArray[np.float64] | None = None,
    ) -> PMedian:
        """A p-median from demand × candidate costs and, optionally, existing-centre costs.

        A ``SparseCost`` for the candidates must hold every pair closer than the demand's
        nearest existing centre (all pairs where there is none); for the existing centres
        only each row's nearest is needed (all pairs with capacities). Other parameters as
        in :meth:`MCLP.from_cost_matrix`.
        """
        return cls(
            **_common_kwargs(
                cost_matrix,
                weights,
                new=new,
                existing_cost_matrix=existing_cost_matrix,
                budget_mad=budget_mad,
                cost_mad=cost_mad,
                min_per_province=min_per_province,
                demand_province=demand_province,
                demand_region=demand_region,
                candidate_province=candidate_province,
                existing_province=existing_province,
                capacities=capacities,
                existing_capacities=existing_capacities,
                forced=forced,
                excluded=excluded,
                candidate_labels=candidate_labels,
                demand_labels=demand_labels,
                candidate_lonlat=candidate_lonlat,
                params={"model": "pmedian"},
            )
        )

    @classmethod
    def from_frames(
        cls,
        demand: pd.DataFrame,
        candidates: pd.DataFrame | None = None,
        existing: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> PMedian:
        """A checked adapter over point tables; see :func:`analysis.location.frames.build`."""
        from analysis.location.frames import build

        model = build(cls, demand, candidates, existing, **kwargs)
        assert isinstance(model, PMedian)
        return model

    def _useful(self) -> NDArray[np.bool_]:
        useful = np.zeros(self.n_candidates, dtype=bool)
        useful[self._pairs.cols[self._w[self._pairs.rows] > 0]] = True
        return useful

    def _build(self, builder: MilpBuilder, x_of: NDArray[np.int64]) -> _Built:
        pr = self._pairs
        return self._build_pairs(builder, x_of, pr.rows, pr.cols, pr.cost, self._d0)

    def _build_pairs(
        self,
        builder: MilpBuilder,
        x_of: NDArray[np.int64],
        rows: NDArray[np.int64],
        cols: NDArray[np.int64],
        cost: NDArray[np.float64],
        beyond: NDArray[np.float64],
    ) -> _Built:
        """Assignment over the given pairs; a demand assigned to none of them costs ``beyond``.

        ``beyond[i]`` is the distance to demand ``i``'s nearest existing centre, or, in a
        truncated model, the smallest distance of a pair left out (``inf``: ``i`` must be
        assigned to one of its pairs).
        """
        finite = np.isfinite(beyond)
        constant = float(np.sum(self._w[finite] * beyond[finite]))
        keep = (x_of[cols] >= 0) & (self._w[rows] > 0)
        rows, cols, cost = rows[keep], x_of[cols[keep]], cost[keep]
        need = ~finite & (self._w > 0)
        has_pair = np.zeros(self.n_demand, dtype=bool)
        has_pair[rows] = True
        if np.any(need & ~has_pair):
            bad = self._dem_labels[np.flatnonzero(need & ~has_pair)[0]]
            raise InfeasibleError(
                f"assignment: demand point {bad} has no existing centre and no candidate site",
                code="demand_without_site",
                params={"point": str(bad)},
            )
        n = len(rows)
        if n == 0:
            return _Built(constant, lambda x: np.asarray(x, dtype=float))
        w = self._w[rows]
        coef = np.where(finite[rows], w * (cost - np.where(finite, beyond, 0.0)[rows]), w * cost)
        z0 = builder.add_columns(coef, lb=0.0, ub=1.0)
        z_cols = z0 + np.arange(n, dtype=np.int64)
        # one assignment row per demand with pairs: <= 1 (a fallback cost) or == 1
        uniq, local = np.unique(rows, return_inverse=True)
        builder.add_rows(
            local.astype(np.int64),
            z_cols,
            np.ones(n),
            n_rows=len(uniq),
            lo=np.where(finite[uniq], -np.inf, 1.0),
            hi=1.0,
        )
        # z_ij - x_j <= 0
        idx = np.arange(n, dtype=np.int64)
        builder.add_rows(
            np.concatenate((idx, idx)),
            np.concatenate((z_cols, cols)),
            np.concatenate((np.ones(n), -np.ones(n))),
            n_rows=n,
            lo=-np.inf,
            hi=0.0,
        )

        def start(x: NDArray[np.float64]) -> NDArray[np.float64]:
            # each demand goes to its cheapest open pair (when that beats its fallback)
            x = np.asarray(x, dtype=float)
            value = np.where(x[cols] > 0.5, coef, np.inf)
            order = np.lexsort((value, local))
            head = order[np.r_[True, local[order][1:] != local[order][:-1]]]
            z = np.zeros(n)
            z[head[np.isfinite(value[head])]] = 1.0
            return np.concatenate((x, z))

        return _Built(constant, start)

    # ---- exact search on the nearest pairs, widened until it proves optimality -------------
    def _solve_uncapacitated(
        self,
        active_idx: NDArray[np.int64],
        deficits: dict[Any, int],
        incumbent: NDArray[np.int64] | None,
        clock: _Clock,
        mip_rel_gap: float,
    ) -> _Exact:
        r"""Exact p-median on each demand's nearest candidates, widened until proven optimal.

        Demand :math:`i` keeps only its :math:`k_i` nearest candidate pairs :math:`N_i`; not
        being assigned to any of them costs :math:`b_i`, the distance of the nearest pair
        left out (or of the nearest existing centre when every closer pair is kept). Any
        site choice costs at most as much in this truncated model as in the full one, since
        every site outside :math:`N_i` is at least :math:`b_i` away: the truncated optimum,
        and HiGHS's bound on it, are lower bounds :math:`L` on the true optimum. The truncated
        solution's true cost :math:`U` is an upper bound. When :math:`U - L` is within the gap
        the answer is proven optimal; otherwise every demand whose true distance exceeds its
        :math:`b_i` gets at least twice as many pairs (and every pair up to its true
        distance), and the model is solved again. The pairs are finite, so this ends, at worst
        with the full model. (Close to the radius-based scheme of García, Labbé & Marín 2011.)

        ``k_i`` starts with every pair up to the warm start's distance (so the warm start is
        priced exactly), and at least ``_K_MIN``.
        """
        pr = self._pairs
        act = np.zeros(self.n_candidates, dtype=bool)
        act[active_idx] = True
        keep = act[pr.cols] & (self._w[pr.rows] > 0)
        if int(keep.sum()) < _FULL_BELOW:
            return super()._solve_uncapacitated(active_idx, deficits, incumbent, clock, mip_rel_gap)
        rows, cols, cost = pr.rows[keep], pr.cols[keep], pr.cost[keep]
        order = np.lexsort((cols, cost, rows))
        rows, cols, cost = rows[order], cols[order], cost[order]
        n_row = np.bincount(rows, minlength=self.n_demand)
        first = np.cumsum(n_row) - n_row
        pos = np.arange(len(rows)) - first[rows]

        def upto(dist: NDArray[np.float64]) -> NDArray[np.int64]:
            """Per demand, how many of its pairs are at most ``dist`` away."""
            return np.bincount(rows[cost <= dist[rows]], minlength=self.n_demand)

        best: NDArray[np.int64] | None = None
        best_value = np.inf
        if incumbent is not None:
            value = self._value(incumbent)
            if value is not None:
                best, best_value = incumbent, value
        k = np.minimum(n_row, _K_MIN)
        if best is not None:
            k = np.maximum(k, upto(_REACH * self._distances(best)))
        lower = -np.inf
        solve_s = 0.0
        nodes = 0
        outcome: MilpOutcome | None = None
        proven = False
        while True:
            beyond = self._d0.copy()
            cut = k < n_row
            beyond[cut] = cost[first[cut] + k[cut]]
            sel = pos < k[rows]
            builder, x_of = self._site_columns(active_idx, deficits)
            built = self._build_pairs(builder, x_of, rows[sel], cols[sel], cost[sel], beyond)
            start_x = None
            if best is not None:
                x_act = np.zeros(len(active_idx))
                x_act[x_of[best]] = 1.0
                start_x = built.start(x_act)
            outcome = builder.solve(
                maximize=False,
                time_limit_s=clock.left(),
                mip_rel_gap=mip_rel_gap,
                start=start_x,
                offset=built.constant,
                options=None if start_x is None else _FROM_START_OPTIONS,
            )
            solve_s += outcome.solve_time_s
            nodes += outcome.nodes
            if outcome.status == "infeasible":
                return _Exact(outcome, None, "milp")
            if outcome.bound is not None:
                lower = max(lower, outcome.bound)
            found = None
            if outcome.x is not None:
                found = self._decode(outcome, active_idx)
                value = self._value(found)
                if value is not None and value < best_value:
                    best, best_value = found, value
            gap = _rel_gap(best_value, lower)
            if outcome.status != "optimal" or found is None:
                break
            if gap <= mip_rel_gap:
                proven = True
                break
            dist = self._distances(found)
            short = cut & (dist > beyond)
            if not short.any():
                # the truncation prices this solution exactly: HiGHS's own proof holds
                proven = True
                break
            k = np.where(short, np.minimum(n_row, np.maximum(2 * k, upto(_REACH * dist))), k)
        assert outcome is not None
        gap = _rel_gap(best_value, lower)
        status = "optimal" if proven else outcome.status
        if status == "optimal":
            gap = min(gap, mip_rel_gap)
        summary = replace(
            outcome,
            status=status,
            x=None,
            objective=None if best is None else float(best_value),
            bound=None if not np.isfinite(lower) else float(lower),
            mip_gap=gap if np.isfinite(gap) else None,
            solve_time_s=solve_s,
            nodes=nodes,
        )
        return _Exact(summary, best, "milp")

    # ---- local search for the MIP start ----------------------------------------------------
    def _improve(
        self, chosen: NDArray[np.int64], active: NDArray[np.bool_], clock: _Clock
    ) -> NDArray[np.int64]:
        r"""Best-improvement swaps (Teitz & Bart's interchange) from ``chosen``.

        The greedy start can be several per cent off on a p-median with few centres, and the
        truncated exact model keeps each demand's pairs up to ``_REACH`` × its distance in the
        start: a better start means a smaller model, and fewer widenings. Each swap is
        evaluated for every (incoming, outgoing) pair at once, as in Whitaker's fast
        interchange: with :math:`d^1_i, d^2_i` the distances from demand :math:`i` to its
        nearest and second-nearest open centre (existing ones included) and :math:`k_i` the
        nearest, opening :math:`j` and closing :math:`k` changes the objective by

        .. math::

            \sum_i w_i \min(0, d_{ij} - d^1_i)
            + \sum_{i: k_i = k} w_i (d^2_i - d^1_i)
            + \sum_{i: k_i = k,\, d_{ij} < d^2_i} w_i (\max(d_{ij}, d^1_i) - d^2_i).

        Only with a plain count of new sites (no budget, no per-province minimum); forced
        sites stay, excluded and inactive ones never enter. Only the MIP start uses it: the
        exact search decides the answer.
        """
        r = self._rules
        if r.budget_mad is not None or self._province_deficits() or len(chosen) == 0:
            return chosen
        t_end = time.perf_counter() + clock.share(0.2)
        pr = self._pairs
        live = self._w[pr.rows] > 0
        rows, cols = pr.rows[live], pr.cols[live]
        w = self._w[rows]
        cost = np.minimum(pr.cost[live], self._big)
        d0 = np.minimum(self._d0, self._big)
        n = self.n_candidates
        enter = active & ~r.excluded
        open_ = self._open_mask(chosen)
        start_value = self._value(chosen)
        tol = 1e-9 * max(1.0, float(np.sum(self._w * d0)))
        for _ in range(10_000):
            if time.perf_counter() > t_end:
                break
            d1, d2, near = _two_nearest(rows, cols, cost, open_, d0)
            gain = np.bincount(
                cols, weights=w * np.minimum(0.0, cost - d1[rows]), minlength=n
            )  # opening j, nothing closed (<= 0)
            out = np.flatnonzero(open_ & ~r.forced)
            cand = np.flatnonzero(enter & ~open_)
            if len(out) == 0 or len(cand) == 0:
                break
            slot = np.full(n, -1, dtype=np.int64)
            slot[out] = np.arange(len(out))
            # closing k: its demand falls back to the second-nearest centre
            k_i = np.where(near >= 0, slot[np.maximum(near, 0)], -1)
            mine = k_i >= 0
            loss = np.bincount(
                k_i[mine], weights=self._w[mine] * (d2[mine] - d1[mine]), minlength=len(out)
            )
            k_of = k_i[rows]
            hit = (k_of >= 0) & (cost < d2[rows])
            extra = np.bincount(
                cols[hit] * len(out) + k_of[hit],
                weights=w[hit] * (np.maximum(cost[hit], d1[rows[hit]]) - d2[rows[hit]]),
                minlength=n * len(out),
            ).reshape(n, len(out))
            delta = gain[cand][:, None] + loss[None, :] + extra[cand]
            best = int(np.argmin(delta))
            j_in, k_out = np.unravel_index(best, delta.shape)
            if not delta[j_in, k_out] < -tol:
                break
            open_[out[k_out]] = False
            open_[cand[j_in]] = True
        found = np.flatnonzero(open_).astype(np.int64)
        value = self._value(found)
        if value is None or (start_value is not None and value >= start_value):
            return chosen
        return found

    def _distances(self, chosen: NDArray[np.int64]) -> NDArray[np.float64]:
        """Distance from each demand to its nearest centre with ``chosen`` open."""
        state = self._state0()
        for j in chosen:
            self._apply(state, int(j))
        return state

    # ---- greedy state: current distance to the nearest centre ----------------------------
    def _state0(self) -> NDArray[np.float64]:
        return self._d0.copy()

    def _gains(self, state: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[Any]]:
        pr = self._pairs
        cur = state[pr.rows]
        w = self._w[pr.rows]
        score = w * np.maximum(0.0, np.minimum(cur, self._big) - pr.cost)
        gains = np.bincount(pr.cols, weights=score, minlength=self.n_candidates).astype(float)
        real = gains.copy()
        opens_new = np.bincount(
            pr.cols,
            weights=(~np.isfinite(cur) & (w > 0)).astype(float),
            minlength=self.n_candidates,
        )
        real[opens_new > 0] = np.inf
        return gains, real

    def _apply(self, state: NDArray[np.float64], j: int) -> None:
        if self._by_col is None:
            order = np.argsort(self._pairs.cols, kind="stable")
            indptr = np.searchsorted(self._pairs.cols[order], np.arange(self.n_candidates + 1))
            self._by_col = (order, indptr)
        order, indptr = self._by_col
        sel = order[indptr[j] : indptr[j + 1]]
        np.minimum.at(state, self._pairs.rows[sel], self._pairs.cost[sel])

    def _objective_of(self, state: NDArray[np.float64]) -> float | None:
        positive = self._w > 0
        if np.any(~np.isfinite(state[positive])):
            return None
        return float(np.sum(self._w[positive] * state[positive]))

    def _per_demand(self, state: NDArray[np.float64]) -> NDArray[np.float64]:
        return state.copy()

    def _capacitated_pairs(self) -> tuple[SparseCost, SparseCost | None]:
        return self._cand, self._exist

    def _relaxed_bound(self) -> float | None:
        best = self._d0.copy()
        np.minimum.at(best, self._pairs.rows, self._pairs.cost)
        positive = self._w > 0
        if not np.all(np.isfinite(best[positive])):
            return None
        return float(np.sum(self._w[positive] * best[positive]))

    def _table(self, demand: pd.DataFrame, level: str) -> pd.DataFrame:
        """Per ``level``: persons, mean km before and after, person-km saved.

        The km are to the nearest centre; with capacities, to the centre that gives each
        person a place (the nearest may be full). A figure that is not known stays missing
        (NaN): before, when no centre existed or the existing centres' places could not
        take everyone (a sum that skipped those persons read 0 km before, and a negative
        saving).
        """
        w = demand["weight"].to_numpy(dtype=float)
        d = demand.assign(
            wkm_before=_person_km(w, demand["before"].to_numpy(dtype=float)),
            wkm_after=_person_km(w, demand["after"].to_numpy(dtype=float)),
        )
        t = d.groupby(level, sort=True)[["weight", "wkm_before", "wkm_after"]].sum()
        # a group with one person of unknown distance has an unknown total
        unknown = d[["wkm_before", "wkm_after"]].isna().groupby(d[level], sort=True).any()
        t[["wkm_before", "wkm_after"]] = t[["wkm_before", "wkm_after"]].mask(unknown)
        t = t.rename(columns={"weight": "pwd"})
        total = t["pwd"].where(t["pwd"] > 0)
        t["mean_km_before"] = t["wkm_before"] / total
        t["mean_km_after"] = t["wkm_after"] / total
        t["person_km_saved"] = t["wkm_before"] - t["wkm_after"]
        return t.drop(columns=["wkm_before", "wkm_after"])

    def _equity(
        self, demand: pd.DataFrame, by_province: pd.DataFrame | None
    ) -> EquityChange | None:
        w = demand["weight"].to_numpy()
        before = demand["before"].to_numpy(dtype=float)
        after = demand["after"].to_numpy(dtype=float)
        # with capacities, the distance to the centre that gives each person a place
        to = "the assigned centre" if self.capacitated else "the nearest centre"
        return EquityChange(
            measure=f"weighted Gini of the distance to {to} (weights: persons with disabilities)",
            gini_before=None if np.any(~np.isfinite(before[w > 0])) else weighted_gini(before, w),
            gini_after=weighted_gini(after, w),
        )

    @property
    def _check_pairs(self) -> int:  # pragma: no cover - debugging aid
        return self._pairs.nnz


def _person_km(weights: NDArray[np.float64], km: NDArray[np.float64]) -> NDArray[np.float64]:
    """Persons × km per demand point: NaN where the km are not known (or infinite: no
    centre) for someone, 0 where nobody lives."""
    out = np.where(np.isfinite(km), weights * np.where(np.isfinite(km), km, 0.0), np.nan)
    return np.where(weights > 0, out, 0.0)


def _two_nearest(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    cost: NDArray[np.float64],
    open_: NDArray[np.bool_],
    fallback: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Per demand: distance to the nearest and second-nearest open site, and the nearest.

    ``fallback`` (the nearest existing centre, or a large number) stands for every centre
    outside the pairs; it is never closed, so it is reported as site ``-1``.
    """
    m = len(fallback)
    sel = open_[cols]
    r, c, v = rows[sel], cols[sel], cost[sel]
    order = np.lexsort((c, v, r))
    r, c, v = r[order], c[order], v[order]
    first = np.r_[True, r[1:] != r[:-1]] if len(r) else np.zeros(0, dtype=bool)
    pos = np.arange(len(r)) - np.maximum.accumulate(np.where(first, np.arange(len(r)), 0))
    v1 = np.full(m, np.inf)
    v2 = np.full(m, np.inf)
    c1 = np.full(m, -1, dtype=np.int64)
    v1[r[pos == 0]] = v[pos == 0]
    c1[r[pos == 0]] = c[pos == 0]
    v2[r[pos == 1]] = v[pos == 1]
    # the existing centres' distance is a third candidate for first or second place
    fb_first = fallback < v1
    d1 = np.where(fb_first, fallback, v1)
    near = np.where(fb_first, -1, c1)
    d2 = np.where(fb_first, v1, np.minimum(v2, fallback))
    return d1, d2, near


def _common_kwargs(
    cost_matrix: CostInput,
    weights: Sequence[float] | NDArray[np.floating],
    *,
    new: int | None,
    existing_cost_matrix: CostInput | None,
    budget_mad: float | None,
    cost_mad: float | Sequence[float] | NDArray[np.floating] | None,
    min_per_province: int,
    demand_province: Labels,
    demand_region: Labels,
    candidate_province: Labels,
    existing_province: Labels,
    capacities: float | Sequence[float] | NDArray[Any] | None,
    existing_capacities: Sequence[float] | NDArray[Any] | None,
    forced: Positions,
    excluded: Positions,
    candidate_labels: Labels,
    demand_labels: Labels,
    candidate_lonlat: NDArray[np.float64] | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Check the arguments both models share and turn them into constructor keywords."""
    cand = as_sparse(cost_matrix, what="cost matrix")
    w = np.asarray(weights, dtype=float).ravel()
    n_d, n_c = cand.shape
    exist = None
    if existing_cost_matrix is not None:
        exist = as_sparse(existing_cost_matrix, what="existing-centre cost matrix")
        if exist.shape[1] == 0:
            exist = None
    n_e = 0 if exist is None else exist.shape[1]
    rules = make_rules(
        n_c,
        new=new,
        budget_mad=budget_mad,
        cost_mad=cost_mad,
        min_per_province=min_per_province,
        forced=forced,
        excluded=excluded,
    )
    geography = Geography(
        demand_province=_labels(demand_province, n_d, "demand_province"),
        demand_region=_labels(demand_region, n_d, "demand_region"),
        candidate_province=_labels(candidate_province, n_c, "candidate_province"),
        existing_province=_labels(existing_province, n_e, "existing_province") if n_e else None,
    )
    params = dict(params)
    params.update(
        {
            "new": rules.new,
            "budget_mad": rules.budget_mad,
            "min_per_province": rules.min_per_province,
            "capacitated": capacities is not None,
        }
    )
    return {
        "weights": w,
        "candidate_cost": cand,
        "existing_cost": exist,
        "rules": rules,
        "geography": geography,
        "capacities": _capacities(capacities, n_c, "capacities"),
        "existing_capacities": _capacities(existing_capacities, n_e, "existing capacities")
        if n_e and existing_capacities is not None
        else None,
        "candidate_labels": _labels(candidate_labels, n_c, "candidate_labels"),
        "demand_labels": _labels(demand_labels, n_d, "demand_labels"),
        "candidate_lonlat": candidate_lonlat,
        "params": params,
    }
