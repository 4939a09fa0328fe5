"""The one stored-or-computed path of every analysis run, and the outcome it returns."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from geo import runs


@dataclass(frozen=True)
class RunOutcome:
    """A computed or stored run.

    Attributes
    ----------
    run_id
        Id in ``analysis_runs``.
    reused
        True when the stored run of the same request on unchanged inputs was returned.
    params
        The request.
    results
        The JSON-ready answer, as stored.
    duration_s
        Time the computation took (None when unknown).
    copy_of
        The stored run, named otherwise, that ``run_id`` copies under the name asked for
        (None when the run was not copied).
    """

    run_id: int
    reused: bool
    params: dict[str, Any]
    results: dict[str, Any]
    duration_s: float | None
    copy_of: int | None = None


def stored_or_computed(
    conn: Connection,
    *,
    kind: str,
    tables: Sequence[str],
    params: dict[str, Any],
    compute: Callable[[], dict[str, Any]],
    fresh: bool = False,
    name: str | None = None,
    duration_in_results: bool = False,
    limit_key: str | None = None,
) -> RunOutcome:
    """The stored run of ``kind``/``params`` on unchanged ``tables``, else ``compute()`` stored.

    ``fresh`` recomputes even when a stored run matches; ``duration_in_results`` also writes
    the computation time into the results as ``duration_s``. With ``limit_key`` a stored
    optimal run that differs only in that parameter is reused (see ``geo.runs.find_run``).
    A ``name`` given for a stored run is not dropped: an unnamed run takes it, a run named
    otherwise is stored again under it (both names are then listed). A name is trimmed and
    a blank one is no name (:func:`geo.runs.run_name`), for every kind of run.
    """
    name = runs.run_name(name)
    fingerprint = runs.input_fingerprint(conn, tables)
    if not fresh:
        found = runs.find_run(conn, kind, params, fingerprint, limit_key=limit_key)
        if found is not None:
            run_id, copy_of = found.id, None
            if name is not None and name != found.name:
                # the name asked for is kept: an unnamed run takes it; a run named otherwise
                # keeps its own and a copy of it carries the new one (both can be listed)
                if found.name is None:
                    runs.rename_run(conn, found.id, name)
                else:
                    copy_of = found.id
                    run_id = runs.save_run(
                        conn,
                        kind=kind,
                        params=found.params,
                        fingerprint=found.fingerprint,
                        results=found.results,
                        duration_s=found.duration_s,
                        name=name,
                    )
            return RunOutcome(
                run_id, True, found.params, found.results, found.duration_s, copy_of=copy_of
            )
    start = time.perf_counter()
    results = runs.to_jsonable(compute())
    duration = time.perf_counter() - start
    if duration_in_results:
        results["duration_s"] = duration
    run_id = runs.save_run(
        conn,
        kind=kind,
        params=params,
        fingerprint=fingerprint,
        results=results,
        duration_s=duration,
        name=name,
    )
    return RunOutcome(run_id, False, params, results, duration)
