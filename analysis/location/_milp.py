"""One exact MILP (or LP) call to HiGHS through ``highspy``, silent, with honest status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from walouja.errors import AnalysisError

_LOCK = threading.Lock()
_GRACE_S = 0.25  # past its time limit, HiGHS is interrupted
_KILL_AFTER_S = 2.0  # past its time limit, a solve in a process of its own is stopped
ISOLATE_FROM_NNZ = 2_000_000
"""Coefficients from which ``solve(isolate=True)`` runs HiGHS in a process of its own."""
_BANNER_DONE = False


def _run_cancellable(h: highspy.Highs) -> None:
    """Run ``h`` (its user interrupts handled) in a thread of its own while this one waits,
    so that Ctrl+C stops the solve at once and is raised here.

    Run in the calling thread, HiGHS's interrupt callbacks ran Python code there: a Ctrl+C
    pressed during one was raised inside the callback and lost (the command saved a scenario
    "error, gap 100 %" and exited 0), and otherwise waited for the whole solve to end.
    """
    h.startSolve()
    try:
        while not h.wait(0.1)[0]:
            pass
    except KeyboardInterrupt:
        h.cancelSolve()
        while not h.wait(0.1)[0]:  # the solver stops at its next check
            pass
        raise


def new_highs() -> highspy.Highs:
    """A silent ``highspy.Highs``.

    HiGHS prints its banner on C-level stdout the first time an instance is built in a
    process, before any option can turn output off; that first construction runs with file
    descriptor 1 pointed at ``/dev/null`` so nothing reaches a ``--json`` output.
    """
    global _BANNER_DONE
    with _LOCK:
        if _BANNER_DONE:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _BANNER_DONE = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class Dive:
    """What :meth:`MilpBuilder.dive` found, both on the site columns.

    ``root`` is the LP relaxation's solution (fractional); ``sites`` the integral solution
    the dive reached (0/1), ``None`` when time ran out first.
    """

    root: NDArray[np.float64]
    sites: NDArray[np.float64] | None


@dataclass(frozen=True)
class MilpOutcome:
    """What HiGHS returned: the solution (if any), its objective and how sure we are of it.

    ``objective`` and ``bound`` include the constant term (``offset``); ``bound`` is HiGHS's
    proven dual bound (the LP value for a relaxation).
    """

    status: str
    x: NDArray[np.float64] | None
    objective: float | None
    bound: float | None
    mip_gap: float | None
    solve_time_s: float
    n_variables: int
    n_constraints: int
    nodes: int = 0
    row_duals: NDArray[np.float64] | None = None


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

    @property
    def nnz(self) -> int:
        """Number of coefficients in the rows so far."""
        return int(sum(len(v) for v in self._v))

    @property
    def cost(self) -> NDArray[np.float64]:
        """Objective coefficients of every column so far."""
        return np.concatenate(self._cost) if self._cost else np.empty(0)

    def solve(
        self,
        *,
        maximize: bool,
        time_limit_s: float | None,
        mip_rel_gap: float,
        start: NDArray[np.float64] | None = None,
        relax: bool = False,
        offset: float = 0.0,
        options: dict[str, Any] | None = None,
        isolate: bool = False,
    ) -> MilpOutcome:
        """Solve exactly (up to ``mip_rel_gap``) within ``time_limit_s`` seconds.

        Parameters
        ----------
        maximize
            Objective sense.
        time_limit_s
            Wall-clock limit for HiGHS (``None``: none).
        mip_rel_gap
            Relative gap under which HiGHS declares optimality.
        start
            A feasible value for every column (a MIP start); HiGHS keeps it as its first
            incumbent, so the answer is never worse. It changes no proven bound.
        relax
            Solve the LP relaxation only (integrality dropped); ``row_duals`` then holds the
            duals of the rows in the builder's order.
        offset
            Constant term of the objective; HiGHS measures its relative gap on the objective
            with it, and ``objective`` and ``bound`` include it.
        options
            Extra HiGHS options.
        isolate
            With a time limit, solve a large model (``ISOLATE_FROM_NNZ`` coefficients or
            more) in a process of its own, stopped at the limit. HiGHS's presolve reads
            neither its clock nor a cancel request: on the national capacitated p-median
            (2.3 million assignment columns) a 57 s limit ended after 70 s, still
            presolving. A solve stopped that way returns no solution (status
            ``"time_limit"``), so the caller keeps its own start.
        """
        if self.n_cols == 0:
            return MilpOutcome("optimal", np.empty(0), offset, offset, 0.0, 0.0, 0, 0)
        if time_limit_s is not None and time_limit_s <= 0:
            raise AnalysisError(f"time limit must be positive, got {time_limit_s} s")
        if isolate and time_limit_s is not None and not relax and self.nnz >= ISOLATE_FROM_NNZ:
            return self._solve_apart(
                maximize=maximize,
                time_limit_s=time_limit_s,
                mip_rel_gap=mip_rel_gap,
                start=start,
                offset=offset,
                options=options or {},
            )
        cost = self.cost
        h = new_highs()
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        if time_limit_s is not None:
            h.setOptionValue("time_limit", float(time_limit_s))
        for key, value in (options or {}).items():
            h.setOptionValue(key, value)
        self._pass(h, maximize=maximize, offset=offset, relax=relax)
        if start is not None and not relax:
            x0 = np.asarray(start, dtype=float)
            h.setSolution(len(x0), np.arange(len(x0), dtype=np.int32), x0)
        t0 = time.perf_counter()
        timer = None
        if time_limit_s is not None:
            # HiGHS checks its time limit only between steps (a long root LP can overrun it by
            # many seconds): an interrupt at the deadline stops it inside the simplex too
            h.HandleUserInterrupt = True
            timer = threading.Timer(float(time_limit_s) + _GRACE_S, h.cancelSolve)
            timer.daemon = True
            timer.start()
        try:
            if timer is not None:
                _run_cancellable(h)
            else:
                h.run()
        finally:
            if timer is not None:
                timer.cancel()
        elapsed = time.perf_counter() - t0
        return self._outcome(h, cost, offset, relax, elapsed)

    def _solve_apart(
        self,
        *,
        maximize: bool,
        time_limit_s: float,
        mip_rel_gap: float,
        start: NDArray[np.float64] | None,
        offset: float,
        options: dict[str, Any],
    ) -> MilpOutcome:
        """:meth:`solve` in a child process (``python -m analysis.location._apart``), killed
        if it has not answered ``_KILL_AFTER_S`` after its time limit."""
        t0 = time.perf_counter()
        cost = self.cost
        with tempfile.TemporaryDirectory(prefix="walouja-highs-") as tmp:
            model, answer = Path(tmp) / "model.npz", Path(tmp) / "answer.npz"
            arrays = self._arrays(maximize=maximize, offset=offset, relax=False)
            settings = {
                "time_limit": float(time_limit_s),
                "mip_rel_gap": float(mip_rel_gap),
                "grace": _GRACE_S,
                "options": options,
            }
            payload: dict[str, Any] = {"settings": np.array(json.dumps(settings)), **arrays}
            if start is not None:
                payload["start"] = np.asarray(start, dtype=float)
            np.savez(model, **payload)
            child = subprocess.Popen(
                [sys.executable, "-m", "analysis.location._apart", str(model), str(answer)],
                cwd=str(Path(__file__).resolve().parents[2]),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            deadline = time_limit_s - (time.perf_counter() - t0) + _KILL_AFTER_S
            try:
                _, err = child.communicate(timeout=max(deadline, _KILL_AFTER_S))
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                result: dict[str, Any] = {
                    "status": "time_limit",
                    "dual_bound": np.inf,
                    "mip_gap": np.inf,
                    "nodes": 0,
                }
            except BaseException:  # Ctrl+C: the child goes with the command
                child.kill()
                child.communicate()
                raise
            else:
                if child.returncode != 0:
                    message = err.decode("utf-8", "replace").strip().splitlines()
                    raise AnalysisError(
                        "HiGHS failed in its own process: "
                        + (message[-1] if message else f"exit status {child.returncode}")
                    )
                with np.load(answer, allow_pickle=False) as got:
                    result = {
                        "status": str(got["status"]),
                        "x": got["x"] if "x" in got.files else None,
                        "dual_bound": float(got["dual_bound"]),
                        "mip_gap": float(got["mip_gap"]),
                        "nodes": int(got["nodes"]),
                    }
        elapsed = time.perf_counter() - t0
        return self._outcome_from(result, cost, offset, False, elapsed)

    def _pass(self, h: highspy.Highs, *, maximize: bool, offset: float, relax: bool) -> None:
        """Hand the model to ``h`` (integrality dropped when ``relax``)."""
        pass_model(h, self._arrays(maximize=maximize, offset=offset, relax=relax))

    def _arrays(self, *, maximize: bool, offset: float, relax: bool) -> dict[str, NDArray[Any]]:
        """The model as HiGHS's ``passModel`` takes it (column-wise), by argument name."""
        cost = self.cost
        integrality = np.concatenate(self._int)
        lb = np.concatenate(self._lb)
        ub = np.concatenate(self._ub)
        if self.n_rows:
            a = sparse.csc_matrix(
                (np.concatenate(self._v), (np.concatenate(self._r), np.concatenate(self._c))),
                shape=(self.n_rows, self.n_cols),
            )
            a.sum_duplicates()
            row_lo = np.concatenate(self._row_lo)
            row_hi = np.concatenate(self._row_hi)
        else:
            a = sparse.csc_matrix((0, self.n_cols))
            row_lo = row_hi = np.empty(0)
        inf = highspy.kHighsInf
        return {
            "shape": np.array([self.n_cols, self.n_rows], dtype=np.int64),
            "maximize": np.array(maximize),
            "offset": np.array(float(offset)),
            "cost": cost,
            "col_lo": np.where(np.isfinite(lb), lb, -inf),
            "col_hi": np.where(np.isfinite(ub), ub, inf),
            "row_lo": np.where(np.isfinite(row_lo), row_lo, -inf),
            "row_hi": np.where(np.isfinite(row_hi), row_hi, inf),
            "indptr": a.indptr.astype(np.int32),
            "indices": a.indices.astype(np.int32),
            "data": a.data.astype(float),
            "integrality": (
                np.zeros(self.n_cols, np.int32) if relax else integrality.astype(np.int32)
            ),
        }

    def dive(
        self,
        *,
        n_sites: int,
        maximize: bool,
        seconds: float,
        offset: float = 0.0,
        incumbent: float | None = None,
        rel_gap: float = 1e-4,
    ) -> Dive | None:
        """An integral LP solution found by diving, and the LP relaxation's own solution.

        The LP relaxation is solved, the site column with the largest fractional value is
        fixed to 1 and the LP solved again from its last basis, until no site column is
        fractional (Walouja's MCLP: about 17 re-solves and 0.3 s on the national p = 40
        instance, within 0.05 % of the optimum). Every row of the model holds in the answer,
        so its sites meet the request's rules. ``sites`` is ``None`` when time runs out or a
        re-solve fails before the dive ends; the result is ``None`` when the relaxation
        itself fails, or when the ``incumbent`` value (objective with ``offset``) is already
        within ``rel_gap`` of the LP's: no dive can then give HiGHS a much better start.
        """
        if self.n_cols == 0 or n_sites == 0:
            return None
        t_end = time.perf_counter() + seconds
        h = new_highs()
        self._pass(h, maximize=maximize, offset=offset, relax=True)
        ok = highspy.HighsModelStatus.kOptimal
        tol = 1e-6
        root: NDArray[np.float64] | None = None
        for step in range(n_sites):
            h.run()
            if h.getModelStatus() != ok:
                return None if root is None else Dive(root, None)
            if step == 0 and incumbent is not None:
                bound = float(h.getInfo().objective_function_value)
                if abs(bound - incumbent) <= rel_gap * max(1.0, abs(bound)):
                    return None
            x = np.asarray(h.getSolution().col_value[:n_sites], dtype=float)
            if root is None:
                root = x
            frac = (x > tol) & (x < 1.0 - tol)
            if not frac.any():
                return Dive(root, np.round(x))
            if time.perf_counter() > t_end:
                return Dive(root, None)
            j = int(np.argmax(np.where(frac, x, -1.0)))
            h.changeColBounds(j, 1.0, 1.0)
        return None if root is None else Dive(root, None)

    def _outcome(
        self,
        h: highspy.Highs,
        cost: NDArray[np.float64],
        offset: float,
        relax: bool,
        elapsed: float,
    ) -> MilpOutcome:
        return self._outcome_from(read_result(h, relax), cost, offset, relax, elapsed)

    def _outcome_from(
        self,
        result: dict[str, Any],
        cost: NDArray[np.float64],
        offset: float,
        relax: bool,
        elapsed: float,
    ) -> MilpOutcome:
        """The outcome of a solve from what :func:`read_result` read of it."""
        status = str(result["status"])
        x = result.get("x")
        duals = result.get("duals")
        objective = None if x is None else float(cost @ x) + offset
        if relax:
            bound = objective if status == "optimal" else None
            gap = 0.0 if status == "optimal" else None
            nodes = 0
        else:
            dual = float(result["dual_bound"])
            bound = dual if np.isfinite(dual) and abs(dual) < 1e300 else None
            gap_v = float(result["mip_gap"])
            gap = gap_v if np.isfinite(gap_v) and x is not None else None
            if x is not None and status == "optimal" and gap is None:
                gap = 0.0
            nodes = int(result["nodes"])
        return MilpOutcome(
            status=status,
            x=x,
            objective=objective,
            bound=bound,
            mip_gap=gap,
            solve_time_s=elapsed,
            n_variables=self.n_cols,
            n_constraints=self.n_rows,
            nodes=nodes,
            row_duals=duals,
        )


def pass_model(h: highspy.Highs, m: dict[str, NDArray[Any]]) -> None:
    """Hand ``h`` the model given as :meth:`MilpBuilder._arrays` gives it."""
    n_cols, n_rows = (int(v) for v in m["shape"])
    sense = highspy.ObjSense.kMaximize if bool(m["maximize"]) else highspy.ObjSense.kMinimize
    status = h.passModel(
        n_cols,
        n_rows,
        len(m["data"]),
        1,  # column-wise
        int(sense),
        float(m["offset"]),
        m["cost"],
        m["col_lo"],
        m["col_hi"],
        m["row_lo"],
        m["row_hi"],
        m["indptr"],
        m["indices"],
        m["data"],
        m["integrality"],
    )
    if status == highspy.HighsStatus.kError:
        raise AnalysisError("HiGHS rejected the model")


def read_result(h: highspy.Highs, relax: bool) -> dict[str, Any]:
    """What a finished solve of ``h`` gave: its status in Walouja's words, the solution (if
    any; ``x``), the row duals of a relaxation (``duals``), and for a MILP its proven bound
    (``dual_bound``), gap (``mip_gap``) and node count (``nodes``)."""
    ms = h.getModelStatus()
    info = h.getInfo()
    kms = highspy.HighsModelStatus
    if ms == kms.kOptimal:
        status = "optimal"
    elif ms in (kms.kTimeLimit, kms.kIterationLimit, kms.kSolutionLimit, kms.kInterrupt):
        status = "time_limit"
    elif ms == kms.kInfeasible:
        status = "infeasible"
    elif ms in (kms.kUnbounded, kms.kUnboundedOrInfeasible):
        status = "unbounded"
    else:
        status = "error"
    x = duals = None
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        if relax and sol.dual_valid:
            duals = np.asarray(sol.row_dual, dtype=float)
    return {
        "status": status,
        "x": x,
        "duals": duals,
        "dual_bound": float(info.mip_dual_bound),
        "mip_gap": float(info.mip_gap),
        "nodes": int(info.mip_node_count),
    }
