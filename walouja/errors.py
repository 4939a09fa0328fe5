"""The exceptions Walouja raises for conditions a user can fix (one module for all of them).

Every error carries a one-line ``message`` saying what happened and, where there is one,
a ``hint`` saying what to do. The CLI and the app show ``str(error)`` instead of a traceback.
Both are English; an error may also carry a stable ``code`` and the ``params`` its message
shows, so the app can word it in the user's language (catalogue keys ``errors.<code>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class WaloujaError(Exception):
    """Base class of every error meant for a user rather than a developer.

    Parameters
    ----------
    message
        What happened, in English (what the CLI and the logs print).
    hint
        What to do about it, in English; None when there is nothing to suggest.
    code
        A stable machine name of the condition (``"not_utf8"``...), or None. Interfaces
        that speak other languages look up their own text by it.
    params
        The values ``message`` and ``hint`` show (file name, line...), under the names
        the translated texts use as ``{fields}``.

    Attributes
    ----------
    message, hint, code
        As given.
    params
        A ``dict`` copy of ``params`` (empty when none were given).
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class ConfigError(WaloujaError, ValueError):
    """A setting (environment variable or ``.env`` entry) is missing or malformed."""


class DatabaseError(WaloujaError, ConnectionError):
    """The database cannot be reached or is not in the expected state."""


class PostGISMissingError(DatabaseError):
    """The database is reachable but the PostGIS extension is not available in it."""


class ClusterError(WaloujaError, RuntimeError):
    """The project-local PostgreSQL cluster could not be created, started or stopped."""


class DataError(WaloujaError, ValueError):
    """Input data (a file, a layer, a package table) is unusable as given."""


class ValidationError(DataError):
    """An import was refused: one or more rows failed validation.

    Attributes
    ----------
    problems
        One entry per rejected row: ``(row_number, field, reason)``.
    details
        The same rows as structured objects (``row``, ``field``, ``reason``, ``code``,
        ``params``) when the raiser has them, so an interface can word each reason in its
        own language; empty otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        problems: list[tuple[int | None, str, str]] | None = None,
        hint: str | None = None,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
        details: Sequence[object] | None = None,
    ) -> None:
        super().__init__(message, hint=hint, code=code, params=params)
        self.problems = problems or []
        self.details = list(details or [])


class NotFoundError(WaloujaError, LookupError):
    """A named thing (layer, centre type, run, commune) does not exist."""


class AnalysisError(WaloujaError, ValueError):
    """An analysis cannot run on the inputs given (empty layer, unknown type...)."""


class InfeasibleError(AnalysisError):
    """An optimisation problem has no solution; ``message`` names the constraint."""


REQUEST_CODES: Mapping[str, tuple[str, ...]] = {
    # raised by analysis.location when the rules of a request contradict each other
    "forced_and_excluded": ("site",),
    "forced_exceed_new": ("forced", "new"),
    "forced_over_budget": ("cost", "budget"),
    "province_lacks_candidates": ("per_province", "province", "need", "available", "others"),
    "minimum_needs_more_centres": ("per_province", "needed", "new"),
    "minimum_over_budget": ("per_province", "budget", "needed"),
    "too_few_places": ("places", "demand"),
    "no_feasible_set": ("new", "budget", "per_province", "forced", "capacities"),
    "demand_without_site": ("point",),
    # raised by analysis.location when the solver's time ran out before any solution
    "no_solution_in_time": ("status",),
    "no_solution": ("status",),
    # raised by walouja.services.prioritise before anything is solved
    "budget_buys_nothing": ("budget", "cost", "type"),
}
"""The codes of the refusals of a request for new centres, each with the names of its
``params``: a stable contract for the page, which words them from the code and params,
and for scripts reading ``walouja prioritise --json``.

Figures are plain numbers (amounts in MAD, counts of centres, places and persons), ``site``
and ``point`` a candidate's or a demand point's label, ``province`` a province's code;
``no_feasible_set`` gives ``None`` for the rules the request does not set (``capacities`` is
a boolean)."""
