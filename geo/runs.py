"""Stored analysis runs (``analysis_runs``): save, find again on unchanged inputs, list, read.

A run is identified by its ``kind``, its ``params`` (compared as JSON) and the
``fingerprint`` of its input tables. :func:`input_fingerprint` hashes every row of each
table (all columns except area geometries, which are large and whose changes show up in the
derived columns kept beside them), so any insert, update or delete gives a new fingerprint
and an old run is never served for new data.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from walouja.errors import NotFoundError


@dataclass(frozen=True)
class Run:
    """One stored run."""

    id: int
    kind: str
    name: str | None
    params: dict[str, Any]
    fingerprint: str
    results: Any
    duration_s: float | None
    created_at: datetime


@dataclass(frozen=True)
class RunSummary:
    """A stored run without its results (for listings)."""

    id: int
    kind: str
    name: str | None
    params: dict[str, Any]
    fingerprint: str
    duration_s: float | None
    created_at: datetime
    headline: dict[str, Any] | None = None
    """A few top-level figures of the results when they are an object (``optimal``, ``gap``,
    ``status``, ``objective``, ``solution_source``), for listings; None otherwise."""


def to_jsonable(value: Any) -> Any:
    """``value`` with numpy scalars/arrays made plain and non-finite floats made ``None``.

    PostgreSQL's ``jsonb`` has no NaN or infinity; ``None`` (JSON ``null``) stands for them.
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def run_name(name: str | None) -> str | None:
    r"""A run's label as it is stored: on one line, trimmed, and ``None`` when blank (``""``
    or spaces only are no name: they were stored as such and listed as names). A line break
    or a tab is a space: ``--name $'Plan\nB'`` broke its line of ``walouja scenarios list``
    in two.

    >>> run_name("  COAPH 30 km  "), run_name("   "), run_name(None)
    ('COAPH 30 km', None, None)
    >>> run_name("Plan\nB\t2026")
    'Plan B 2026'
    """
    return None if name is None else (" ".join(name.split()) or None)


def _dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False, allow_nan=False)


_COLUMNS_SQL = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute AS a
WHERE a.attrelid = to_regclass(:name) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


def _table_digest(conn: Connection, table: str) -> str:
    regclass = conn.execute(sa.text("SELECT to_regclass(:name)"), {"name": f"public.{table}"})
    if regclass.scalar() is None:
        raise NotFoundError(
            f"input table {table} does not exist", hint="run `walouja db up` and `walouja load`"
        )
    columns = [
        str(name)
        for name, kind in conn.execute(sa.text(_COLUMNS_SQL), {"name": f"public.{table}"})
        if not (str(kind).startswith("geometry") and "point" not in str(kind).lower())
    ]
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c) for c in columns)
    # identifiers come from the catalogue (checked above) and are quoted, never user text
    sql = (
        "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
        f"FROM (SELECT md5(ROW({cols})::text) AS h FROM public.{quote(table)}) AS rows"
    )
    count, digest = conn.execute(sa.text(sql)).one()
    return f"{table}:{count}:{digest}"


def input_fingerprint(conn: Connection, tables: Sequence[str]) -> str:
    """MD5 over the content of the given tables (order of ``tables`` does not matter)."""
    parts = [_table_digest(conn, t) for t in sorted(set(tables))]
    return hashlib.md5(";".join(parts).encode(), usedforsecurity=False).hexdigest()


def _run(row: sa.Row[Any]) -> Run:
    return Run(
        id=int(row.id),
        kind=row.kind,
        name=row.name,
        params=row.params,
        fingerprint=row.fingerprint,
        results=row.results,
        duration_s=row.duration_s,
        created_at=row.created_at,
    )


def find_run(
    conn: Connection,
    kind: str,
    params: Mapping[str, Any],
    fingerprint: str,
    *,
    limit_key: str | None = None,
) -> Run | None:
    """The latest stored run of ``kind`` with the same ``params`` on the same inputs, if any.

    With ``limit_key`` (a parameter that only bounds the effort, such as a solver's time
    limit), a run whose ``params`` differ in that key alone also matches when its results say
    ``"optimal": true``: a proven optimum does not depend on how long the solver was allowed.
    A run with exactly the same ``params`` is preferred.
    """
    row = conn.execute(
        sa.text(
            "SELECT * FROM analysis_runs "
            "WHERE kind = :kind AND fingerprint = :fp AND ("
            "  params = CAST(:params AS jsonb)"
            "  OR (CAST(:limit_key AS text) IS NOT NULL"
            "      AND params - CAST(:limit_key AS text)"
            "          = CAST(:params AS jsonb) - CAST(:limit_key AS text)"
            "      AND jsonb_typeof(results) = 'object'"
            "      AND results -> 'optimal' = 'true'::jsonb)) "
            "ORDER BY (params = CAST(:params AS jsonb)) DESC, created_at DESC, id DESC LIMIT 1"
        ),
        {
            "kind": kind,
            "fp": fingerprint,
            "params": _dumps(params),
            "limit_key": limit_key,
        },
    ).first()
    return None if row is None else _run(row)


def save_run(
    conn: Connection,
    *,
    kind: str,
    params: Mapping[str, Any],
    fingerprint: str,
    results: Any,
    duration_s: float | None,
    name: str | None = None,
) -> int:
    """Store a run; return its id."""
    new_id = conn.execute(
        sa.text(
            "INSERT INTO analysis_runs (kind, name, params, fingerprint, results, duration_s) "
            "VALUES (:kind, :name, CAST(:params AS jsonb), :fp, CAST(:results AS jsonb), :dur) "
            "RETURNING id"
        ),
        {
            "kind": kind,
            "name": run_name(name),
            "params": _dumps(params),
            "fp": fingerprint,
            "results": _dumps(results),
            "dur": duration_s,
        },
    ).scalar_one()
    return int(new_id)


def rename_run(conn: Connection, run_id: int, name: str | None) -> None:
    """Give stored run ``run_id`` the label ``name`` (None or blank removes it; see
    :func:`run_name`), or ``NotFoundError``."""
    row = conn.execute(
        sa.text("UPDATE analysis_runs SET name = :name WHERE id = :id RETURNING id"),
        {"id": int(run_id), "name": run_name(name)},
    ).first()
    if row is None:
        raise NotFoundError(f"there is no stored analysis run {run_id}")


def get_run(conn: Connection, run_id: int) -> Run:
    """The stored run ``run_id``, or ``NotFoundError``."""
    row = conn.execute(
        sa.text("SELECT * FROM analysis_runs WHERE id = :id"), {"id": int(run_id)}
    ).first()
    if row is None:
        raise NotFoundError(f"there is no stored analysis run {run_id}")
    return _run(row)


_SUMMARY_SQL = (
    "SELECT id, kind, name, params, fingerprint, duration_s, created_at, "
    "CASE WHEN jsonb_typeof(results) = 'object' THEN jsonb_build_object("
    "  'optimal', results -> 'optimal', 'gap', results -> 'gap',"
    "  'status', results -> 'status', 'objective', results -> 'objective',"
    "  'solution_source', results -> 'solution_source') END AS headline "
    "FROM analysis_runs WHERE (CAST(:kind AS text) IS NULL OR kind = :kind) "
)


def list_runs(
    conn: Connection, kind: str | None = None, *, limit: int = 200, include: int | None = None
) -> list[RunSummary]:
    """Stored runs, newest first, without their results (a few headline figures only).

    ``include`` is a run listed even when it is older than the ``limit`` newest (the run a
    page shows, offered in its list of runs); it comes last, in its place by date.
    """
    rows = list(
        conn.execute(
            sa.text(_SUMMARY_SQL + "ORDER BY created_at DESC, id DESC LIMIT :limit"),
            {"kind": kind, "limit": int(limit)},
        )
    )
    if include is not None and all(int(r.id) != int(include) for r in rows):
        rows += list(
            conn.execute(sa.text(_SUMMARY_SQL + "AND id = :id"), {"kind": kind, "id": int(include)})
        )
    return [
        RunSummary(
            id=int(r.id),
            kind=r.kind,
            name=r.name,
            params=r.params,
            fingerprint=r.fingerprint,
            duration_s=r.duration_s,
            created_at=r.created_at,
            headline=r.headline,
        )
        for r in rows
    ]
