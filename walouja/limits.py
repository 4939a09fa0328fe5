"""The ranges a request's figures must fall in, for the command line and the services.

A figure outside its range is refused in one line naming the option, the value given and
the range accepted (an ``AnalysisError``); the pages' number boxes stop within them.
"""

from __future__ import annotations

import math

from walouja.errors import AnalysisError

MAX_DISTANCE_KM = 2_500
"""The longest radius, threshold or catchment: Morocco is about 2,130 km from end to end
(Tangier to Lagouira), so a longer one reaches no one more."""
TOO_FAR = "farther than Morocco is long (about 2,100 km from end to end)"
"""Why a distance above ``MAX_DISTANCE_KM`` is refused."""
MAX_MINUTES = 1_440
"""The longest travel-time threshold: a day."""
MAX_SPEED_KMH = 120
"""The fastest speed a leg may be given: Morocco's highest speed limit."""
MAX_DETOUR = 5
"""The largest detour factor: a road five times as long as the straight line."""
MAX_PLACES = 100_000
"""The most places a centre may be given (a new centre's, or one of unknown capacity)."""
MAX_NEW = 10_000
"""The most new centres a request may ask for (Morocco has about 1,500 communes)."""
MAX_PER_PROVINCE = 100
"""The largest per-province minimum of new centres."""
MAX_BUDGET_MAD = 100_000_000_000
"""The largest budget, in MAD (the Prioritise page's bound)."""
MIN_COST_MAD = 1
"""The lowest cost of a new centre, in MAD: a free centre would let any budget buy every
candidate site."""
MAX_COST_MAD = 10_000_000_000
"""The highest cost of a new centre, in MAD (the Prioritise page's bound)."""
MAX_TIME_LIMIT_S = 86_400
"""The longest solver time limit, in seconds (a day)."""


def check_positive(
    value: float,
    option: str,
    unit: str,
    example: str,
    *,
    most: float | None = None,
    beyond: str | None = None,
) -> None:
    r"""An ``AnalysisError`` naming ``option`` unless ``value`` is a finite number above 0
    and, when ``most`` is given, at most ``most`` (``beyond`` says why a larger one is
    refused).

    Examples
    --------
    >>> try:
    ...     check_positive(-5.0, "--threshold-km", "km", "30")
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --threshold-km -5 is not a positive number of km
    give a number above 0, for example --threshold-km 30
    >>> try:
    ...     check_positive(-5.0, "--threshold-km", "km", "30", most=2500)
    ... except AnalysisError as exc:
    ...     print(exc.params)
    {'option': '--threshold-km', 'value': -5.0, 'unit': 'km', 'above': 0, 'at_most': 2500}
    >>> try:
    ...     check_positive(1e9, "--threshold-km", "km", "30", most=2500, beyond=TOO_FAR)
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --threshold-km 1e+09 is farther than Morocco is long (about 2,100 km from end to end)
    give a number above 0 and at most 2,500 km, for example --threshold-km 30
    """
    at_most = "" if most is None else f" and at most {most:,.0f} {unit}"
    hint = f"give a number above 0{at_most}, for example {option} {example}"
    # what the message names, for another program to word it (``--json``'s params)
    params = {"option": option, "value": _plain(value), "unit": unit, "above": 0}
    if most is not None:
        params["at_most"] = most
    if not (math.isfinite(value) and value > 0):
        raise AnalysisError(
            f"{option} {value:g} is not a positive number of {unit}", hint=hint, params=params
        )
    if most is not None and value > most:
        why = beyond or f"more than {most:,.0f} {unit}"
        raise AnalysisError(f"{option} {value:g} is {why}", hint=hint, params=params)


def check_distance(value: float, option: str, example: str) -> None:
    r"""``check_positive`` for a distance in km: above 0 and at most ``MAX_DISTANCE_KM``.

    Examples
    --------
    >>> check_distance(30.0, "--radius-km", "30")
    >>> try:
    ...     check_distance(5000.0, "--radius-km", "30")
    ... except AnalysisError as exc:
    ...     print(exc.message)
    --radius-km 5000 is farther than Morocco is long (about 2,100 km from end to end)
    """
    check_positive(value, option, "km", example, most=MAX_DISTANCE_KM, beyond=TOO_FAR)


def check_detour(value: float) -> None:
    r"""An ``AnalysisError`` naming ``--detour-factor`` unless ``value`` is a finite number
    from 1 to ``MAX_DETOUR`` (the analyses' own refusal said "detour factor 0.5 is not
    allowed", and 1e9 was taken).

    Examples
    --------
    >>> try:
    ...     check_detour(0.5)
    ... except AnalysisError as exc:
    ...     print(exc.message, exc.hint, sep="\n")
    --detour-factor 0.5 is below 1: a road is never shorter than the straight line
    use 1 for straight-line kilometres, or a circuity factor up to 5, such as 1.3
    >>> try:
    ...     check_detour(1e9)
    ... except AnalysisError as exc:
    ...     print(exc.message)
    --detour-factor 1e+09 is more than 5: a road five times as long as the straight line
    """
    if math.isfinite(value) and 1 <= value <= MAX_DETOUR:
        return
    if not math.isfinite(value):
        why = "not a finite number"
    elif value < 1:
        why = "below 1: a road is never shorter than the straight line"
    else:
        why = f"more than {MAX_DETOUR}: a road five times as long as the straight line"
    raise AnalysisError(
        f"--detour-factor {value:g} is {why}",
        hint=f"use 1 for straight-line kilometres, or a circuity factor up to {MAX_DETOUR}, "
        "such as 1.3",
        params={
            "option": "--detour-factor",
            "value": _plain(value),
            "at_least": 1,
            "at_most": MAX_DETOUR,
        },
    )


def _plain(value: float) -> float | str:
    """``value`` as JSON can carry it: a number, or ``inf``/``nan`` written out.

    Examples
    --------
    >>> _plain(2.5), _plain(float("inf"))
    (2.5, 'inf')
    """
    return value if math.isfinite(value) else f"{value:g}"
