"""Access (2SFCA) per 10,000 persons with disabilities: the one place the score is scaled.

:func:`analysis.access.floating_catchment` gives each commune's score in places per person
with disabilities, as PySAL ``access`` does (0.00279). Every figure of access Walouja shows
is per 10,000 pwd (27.9), as the places per 10,000 pwd beside it, and comes from here:
``walouja access`` (its ``access_per_10k``; its ``access`` stays the score), ``walouja
equity --indicator access`` (the equity runs store it so), the Coverage and equity page and
the Map explorer (their commune table). The indices of inequality (Gini, Theil, Palma, CV,
max/min, the urban/rural ratio) are the same in either unit.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

import pandas as pd

__all__ = [
    "ACCESS_PER",
    "ACCESS_UNIT",
    "SCORE_UNIT",
    "access_indicator",
    "access_per_10k",
    "communes_per_10k",
    "equity_results",
]

ACCESS_PER = 10_000.0
"""Access is given in places per this many persons with disabilities."""

ACCESS_UNIT = "places per 10,000 pwd"
"""The unit access is given in (an equity run's ``indicator.unit``)."""

SCORE_UNIT = "places per pwd"
"""The score's own unit (``analysis.equity.INDICATORS["access"]``): that of the equity runs
of access stored before they were stored per 10,000 pwd."""

Score = TypeVar("Score", float, pd.Series)


def access_per_10k(score: Score) -> Score:
    """A 2SFCA score (places per pwd, a number or a column) per 10,000 pwd.

    Examples
    --------
    >>> round(access_per_10k(0.00279), 6)
    27.9
    >>> access_per_10k(pd.Series([0.0, 0.0025])).round(6).tolist()
    [0.0, 25.0]
    """
    return score * ACCESS_PER


def communes_per_10k(communes: pd.DataFrame) -> pd.DataFrame:
    """The commune table of :func:`analysis.equity.commune_indicators` with its ``access``
    per 10,000 pwd (a copy; the other columns as they are).

    Examples
    --------
    >>> frame = pd.DataFrame({"access": [0.00258, None], "places_per_10k": [25.8, 3.0]})
    >>> communes_per_10k(frame)["access"].round(6).tolist()
    [25.8, nan]
    >>> frame["access"].tolist()[0], communes_per_10k(frame)["places_per_10k"].tolist()
    (0.00258, [25.8, 3.0])
    """
    return communes.assign(access=access_per_10k(communes["access"].astype("float64")))


def access_indicator(params: dict[str, Any]) -> dict[str, str]:
    """The label, unit and description of the access indicator of an equity run of
    ``params`` (its ``method`` and ``catchment_km``), per 10,000 pwd.

    Examples
    --------
    >>> access_indicator({"method": "e2sfca", "catchment_km": 45.0})["label"]
    'E2SFCA access (places per 10,000 pwd within 45 km)'
    """
    method = str(params.get("method") or "2sfca").upper()
    km = f"{float(params.get('catchment_km') or 60.0):g}"
    # as the Coverage and equity page names it: "2SFCA access (places per 10,000 PwD within
    # 60 km)"
    return {
        "label": f"{method} access (places per 10,000 pwd within {km} km)",
        "unit": ACCESS_UNIT,
        "description": f"{method} score: places of the centres within {km} km shared among "
        "the pwd within their reach, per 10,000 pwd (higher is better)",
    }


def equity_results(results: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The results of an equity run with access per 10,000 pwd, whenever it was stored.

    The report of access (:meth:`analysis.equity.EquityReport.as_dict`) holds the score per
    pwd, which its indicator's unit (:data:`SCORE_UNIT`) says: its figures of the indicator
    (mean, min, max, the urban and rural means and their difference, every unit's, commune's
    and region's value) are multiplied by :data:`ACCESS_PER` and its label names the unit
    ("mean 0.00279" stood beside the places/10k column and ``walouja access``'s 27.9); the
    indices of inequality are left as they are. :func:`walouja.services.equity.run_equity`
    stores a run so, and reads a run stored before (in places per pwd) so. Results already
    per 10,000 pwd, and other indicators', are returned as they are.

    Examples
    --------
    >>> old = {"indicator": {"name": "access", "unit": "places per pwd"},
    ...     "indices": {"mean": 0.00279, "min": 0.0, "max": 0.0134, "gini": 0.456},
    ...     "urban_rural": {"urban_mean": 0.00276, "rural_mean": 0.00283, "ratio": 1.025,
    ...         "difference": 7e-05}, "units": [{"value": 0.00258, "places_per_10k": 25.8}],
    ...     "communes": [], "rankings": {"indicator": []}, "theil_by_region": []}
    >>> read = equity_results(old, {"method": "2sfca", "catchment_km": 60.0})
    >>> read["indicator"]["label"], read["indicator"]["unit"]
    ('2SFCA access (places per 10,000 pwd within 60 km)', 'places per 10,000 pwd')
    >>> round(read["indices"]["mean"], 6), read["indices"]["gini"]
    (27.9, 0.456)
    >>> round(read["urban_rural"]["difference"], 6), read["urban_rural"]["ratio"]
    (0.7, 1.025)
    >>> round(read["units"][0]["value"], 6), old["units"][0]["value"]
    (25.8, 0.00258)
    >>> equity_results(read, {}) == read  # a run stored per 10,000 pwd: as it is
    True
    """
    indicator = results.get("indicator")
    if not isinstance(indicator, dict) or indicator.get("name") != "access":
        return results
    if indicator.get("unit") != SCORE_UNIT:
        return results
    out = copy.deepcopy(results)

    def scale(row: Any, *keys: str) -> None:
        if not isinstance(row, dict):
            return
        for key in keys:
            if isinstance(row.get(key), int | float) and not isinstance(row.get(key), bool):
                row[key] = access_per_10k(float(row[key]))

    scale(out.get("indices"), "mean", "min", "max")
    scale(out.get("urban_rural"), "urban_mean", "rural_mean", "difference")
    rankings = out.get("rankings") or {}
    for row in (*out.get("units", []), *out.get("communes", []), *rankings.get("indicator", [])):
        scale(row, "value")
    for row in out.get("theil_by_region", []):
        scale(row, "mean")
    out["indicator"] = indicator | access_indicator(params)
    return out
