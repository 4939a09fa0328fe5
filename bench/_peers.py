"""PySAL ``access`` set up the same way by every benchmark that compares with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from access import Access
from numpy.typing import NDArray


def cost_frame(dense_km: NDArray[np.float64]) -> pd.DataFrame:
    """The long ``origin, dest, km`` table PySAL ``access`` reads, from an n × m matrix."""
    n, m = dense_km.shape
    return pd.DataFrame(
        {
            "origin": np.repeat(np.arange(n), m),
            "dest": np.tile(np.arange(m), n),
            "km": dense_km.ravel(),
        }
    )


def pysal_access(
    pwd: NDArray[np.float64], capacity: NDArray[np.float64], cost: pd.DataFrame
) -> Access:
    """An ``Access`` over demand ``pwd`` (rows 0..n-1) and supply ``capacity`` (0..m-1)."""
    return Access(
        demand_df=pd.DataFrame({"geoid": np.arange(len(pwd)), "pwd": pwd}),
        demand_index="geoid",
        demand_value="pwd",
        supply_df=pd.DataFrame({"cid": np.arange(len(capacity)), "capacity": capacity}),
        supply_index="cid",
        supply_value="capacity",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="km",
    )
