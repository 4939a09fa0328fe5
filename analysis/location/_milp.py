"""One exact MILP call to HiGHS (through ``scipy.optimize.milp``) with honest status reporting."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from walouja.errors import AnalysisError

_STATUS = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded", 4: "error"}


@dataclass(frozen=True)
class MilpOutcome:
    """What HiGHS returned: the solution (if any), its objective and how sure we are of it."""

    status: str
    x: NDArray[np.float64] | None
    objective: float | None
    bound: float | None
    mip_gap: float | None
    solve_time_s: float
    n_variables: int
    n_constraints: int


class MilpBuilder:
    """Collects columns and sparse rows, then hands them to HiGHS in one go."""

    def __init__(self) -> None:
        self._cost: list[NDArray[np.float64]] = []
        self._lb: list[NDArray[np.float64]] = []
        self._ub: list[NDArray[np.float64]] = []
        self._int: list[NDArray[np.int8]] = []
        self._r: list[NDArray[np.int64]] = []
        self._c: list[NDArray[np.int64]] = []
        self._v: list[NDArray[np.float64]] = []
        self._row_lo: list[NDArray[np.float64]] = []
        self._row_hi: list[NDArray[np.float64]] = []
        self.n_cols = 0
        self.n_rows = 0

    def add_columns(
        self,
        cost: NDArray[np.float64],
        *,
        lb: NDArray[np.float64] | float = 0.0,
        ub: NDArray[np.float64] | float = 1.0,
        integer: bool = False,
    ) -> int:
        """Add ``len(cost)`` columns; return the index of the first."""
        n = len(cost)
        first = self.n_cols
        self._cost.append(np.asarray(cost, dtype=float))
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
        self._int.append(np.full(n, 1 if integer else 0, dtype=np.int8))
        self.n_cols += n
        return first

    def add_cost(self, cols: NDArray[np.int64], values: NDArray[np.float64]) -> None:
        """Add ``values`` to the objective coefficients of existing columns ``cols``."""
        full = np.concatenate(self._cost) if len(self._cost) > 1 else self._cost[0]
        np.add.at(full, np.asarray(cols, dtype=np.int64), np.asarray(values, dtype=float))
        self._cost = [full]

    def add_rows(
        self,
        row: NDArray[np.int64],
        col: NDArray[np.int64],
        val: NDArray[np.float64],
        *,
        n_rows: int,
        lo: NDArray[np.float64] | float,
        hi: NDArray[np.float64] | float,
    ) -> int:
        """Add ``n_rows`` rows given as triplets with row indices local to them; return first."""
        first = self.n_rows
        self._r.append(np.asarray(row, dtype=np.int64) + first)
        self._c.append(np.asarray(col, dtype=np.int64))
        self._v.append(np.asarray(val, dtype=float))
        self._row_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n_rows,)).copy())
        self._row_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n_rows,)).copy())
        self.n_rows += n_rows
        return first

    def solve(
        self, *, maximize: bool, time_limit_s: float | None, mip_rel_gap: float
    ) -> MilpOutcome:
        """Solve exactly (up to ``mip_rel_gap``) within ``time_limit_s`` seconds."""
        if self.n_cols == 0:
            return MilpOutcome("optimal", np.empty(0), 0.0, 0.0, 0.0, 0.0, 0, 0)
        cost = np.concatenate(self._cost)
        sign = -1.0 if maximize else 1.0
        integrality = np.concatenate(self._int)
        bounds = Bounds(np.concatenate(self._lb), np.concatenate(self._ub))
        constraints = []
        if self.n_rows:
            a = sparse.csr_matrix(
                (np.concatenate(self._v), (np.concatenate(self._r), np.concatenate(self._c))),
                shape=(self.n_rows, self.n_cols),
            )
            constraints.append(
                LinearConstraint(a, np.concatenate(self._row_lo), np.concatenate(self._row_hi))
            )
        options: dict[str, object] = {"disp": False, "mip_rel_gap": mip_rel_gap}
        if time_limit_s is not None:
            if time_limit_s <= 0:
                raise AnalysisError(f"time limit must be positive, got {time_limit_s} s")
            options["time_limit"] = float(time_limit_s)
        start = time.perf_counter()
        res = milp(
            sign * cost,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options=options,
        )
        elapsed = time.perf_counter() - start
        status = _STATUS.get(int(res.status), "error")
        x = None if res.x is None else np.asarray(res.x, dtype=float)
        objective = None if x is None else float(cost @ x)
        dual = getattr(res, "mip_dual_bound", None)
        bound = None if dual is None or not np.isfinite(dual) else sign * float(dual)
        gap = getattr(res, "mip_gap", None)
        if x is not None and status == "optimal" and gap is None:
            gap = 0.0
        return MilpOutcome(
            status=status,
            x=x,
            objective=objective,
            bound=bound,
            mip_gap=None if gap is None else float(gap),
            solve_time_s=elapsed,
            n_variables=self.n_cols,
            n_constraints=self.n_rows,
        )
