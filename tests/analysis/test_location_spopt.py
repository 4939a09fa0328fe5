"""Same cost matrix, same optimum as PySAL spopt (MCLP and PMedian with predefined facilities)."""

from __future__ import annotations

import numpy as np
import pulp
import pytest
import spopt.locate as spopt_locate

from analysis.location import MCLP, PMedian
from tests.analysis.location_cases import instance


def _instance(seed: int, n_d: int = 60, n_c: int = 25, n_e: int = 3):
    dc, de, w, *_ = instance(seed, n_d, n_c, n_e, min_weight=1, max_weight=50)
    return dc, de, w


def _solver():
    return pulp.HiGHS(msg=False, gapRel=1e-9)


@pytest.mark.parametrize(("seed", "new"), [(0, 3), (1, 5), (2, 8)])
def test_mclp_same_objective_as_spopt(seed, new):
    dc, de, w = _instance(seed)
    full = np.hstack([dc, de])
    predefined = np.r_[np.zeros(dc.shape[1]), np.ones(de.shape[1])].astype(int)
    ref = spopt_locate.MCLP.from_cost_matrix(
        full,
        w,
        service_radius=18.0,
        p_facilities=new + de.shape[1],
        predefined_facilities_arr=predefined,
    ).solve(_solver())
    ours = MCLP.from_cost_matrix(dc, w, radius=18.0, new=new, existing_cost_matrix=de).solve()
    assert ours.optimal
    assert ours.objective == pytest.approx(pulp.value(ref.problem.objective), rel=1e-9)


@pytest.mark.parametrize(("seed", "new"), [(0, 2), (3, 4)])
def test_pmedian_same_objective_as_spopt(seed, new):
    dc, de, w = _instance(seed, n_d=40, n_c=15)
    full = np.hstack([dc, de])
    predefined = np.r_[np.zeros(dc.shape[1]), np.ones(de.shape[1])].astype(int)
    ref = spopt_locate.PMedian.from_cost_matrix(
        full, w, p_facilities=new + de.shape[1], predefined_facilities_arr=predefined
    ).solve(_solver())
    ours = PMedian.from_cost_matrix(dc, w, new=new, existing_cost_matrix=de).solve()
    assert ours.optimal
    assert ours.objective == pytest.approx(pulp.value(ref.problem.objective), rel=1e-7)
