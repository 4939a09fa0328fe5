"""Location-allocation: where new centres help most (MCLP, p-median), solved exactly by HiGHS."""

from analysis.location._cost import SparseCost
from analysis.location.models import MCLP, PMedian
from analysis.location.results import EquityChange, GreedySolution, LocationResult, SiteGain

__all__ = [
    "MCLP",
    "EquityChange",
    "GreedySolution",
    "LocationResult",
    "PMedian",
    "SiteGain",
    "SparseCost",
]
