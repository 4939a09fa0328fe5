"""The exceptions Walouja raises for conditions a user can fix (one module for all of them).

Every error carries a one-line ``message`` saying what happened and, where there is one,
a ``hint`` saying what to do. The CLI and the app show ``str(error)`` instead of a traceback.
"""

from __future__ import annotations


class WaloujaError(Exception):
    """Base class of every error meant for a user rather than a developer."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

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
    """

    def __init__(
        self,
        message: str,
        *,
        problems: list[tuple[int | None, str, str]] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems or []


class NotFoundError(WaloujaError, LookupError):
    """A named thing (layer, centre type, run, commune) does not exist."""


class AnalysisError(WaloujaError, ValueError):
    """An analysis cannot run on the inputs given (empty layer, unknown type...)."""


class InfeasibleError(AnalysisError):
    """An optimisation problem has no solution; ``message`` names the constraint."""
