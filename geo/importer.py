"""Validated, all-or-nothing imports of files and OpenStreetMap features into the layer tables.

The pipeline: read the file (``geo.io_read``/``geo.io_osm``), run the pure row rules
(``geo.validate``), COPY the surviving rows into a temporary table, derive each row's commune
and look for duplicates already in the table with set-based SQL, then upsert by
``external_id`` — all in one transaction. A row whose id is another source's row for another
place is rejected instead of replacing it (``_ids_of_other_places``). When any row is
rejected the whole import is refused (nothing is written) unless ``skip_invalid`` is set, in
which case the valid rows are written and the rejected ones reported. ``dry_run`` does
everything and then rolls back. Re-importing the same file changes nothing: unchanged rows
are not updated. Its licence, when given, still corrects the provenance recorded for its
source (``record_import_source``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import provenance
from geo.db import connect
from geo.io_osm import read_osm_xml, read_overpass
from geo.io_read import (
    FORMATS,
    SourceTable,
    check_content,
    check_file,
    detect_format,
    display_name,
    read_file,
)
from geo.layers import LayerSpec, get_layer, prune_sources, record_source, source_licences
from geo.messages import Advice, Note, english, file_error, validation_error
from geo.validate import (
    DUPLICATE_METRES,
    Problem,
    advise,
    problem,
    similar_names,
    validate_records,
)
from walouja.settings import Settings

TEMP = "_walouja_import"
OSM_SOURCE = provenance.english("osm.source")
"""The source of OpenStreetMap imports unless one is given (an element's own ``source`` tag
is a mapping note, not the rows' provenance: ``geo.io_osm`` does not read it)."""
OSM_LICENCE = "ODbL 1.0"
SAME_PLACE_METRES = 1000.0
"""How far a row may lie from the row of another source whose id it gives and still be the
same place (with a similar name and the same type): a correction, not another place."""
MOVED_NOTES = 20
"""How many rows that may be a place moved an import report names (``_maybe_moved``)."""
PROVENANCE_NOTES = frozenset({"licence_updated", "licence_not_recorded", "licence_not_given"})
"""Codes of the notes about what an import did to ``layer_sources``."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or would do, for a dry run).

    ``refused`` is True when nothing was written because of rejected rows: rows were
    rejected and ``skip_invalid`` was not given, or every row was rejected (``skip_invalid``
    then leaves none to write: a batch job must not take that import for a success).
    ``warnings`` are English texts, most of them ``geo.messages.Note`` (with a code and
    params the app translates). ``advice`` says what to do about rows rejected for lacking
    a required field (``geo.validate.advise``): a report leads with it.
    """

    layer: str
    file: str
    format: str
    rows_read: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    refused: bool
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    duration_s: float = 0.0
    skip_invalid: bool = False
    advice: tuple[Advice, ...] = ()
    stated_licences: Mapping[str, str] = field(default_factory=dict)
    """The licence a file's ``licence`` column gives each source of its rows (an export's),
    recorded for a source that has no entry yet (``record_import_source``)."""
    licensed: bool = False
    """Whether every row of the file states its licence (an export's ``licence`` column):
    kept with the rows' own sources, the import then needs no licence from the user."""

    @property
    def written(self) -> bool:
        """Whether rows were changed (a licence correction alone changes no row)."""
        return not self.dry_run and not self.refused and (self.inserted + self.updated) > 0

    @property
    def provenance(self) -> tuple[str, ...]:
        """The notes about the sources' licences: corrected, or not recorded."""
        return tuple(w for w in self.warnings if getattr(w, "code", None) in PROVENANCE_NOTES)

    def summary(self) -> str:
        """One line for people."""
        if self.refused:
            return english(self.refusal_code, self.refusal_params())[0]
        verb = "would insert" if self.dry_run else "inserted"
        verb2 = "would update" if self.dry_run else "updated"
        skipped = (
            f", {self.rejected:,} rejected row{'' if self.rejected == 1 else 's'} skipped"
            if self.rejected
            else ""
        )
        return (
            f"{self.layer}: {self.file} ({self.format}) — {self.rows_read:,} "
            f"row{'' if self.rows_read == 1 else 's'} read, "
            f"{verb} {self.inserted:,}, {verb2} {self.updated:,}, {self.unchanged:,} unchanged"
            f"{skipped}{' (dry run, nothing written)' if self.dry_run else ''}"
        )

    @property
    def refusal_code(self) -> str:
        """Why a refused import wrote nothing (a ``geo.messages`` code): rows rejected
        (``import_refused``), or every row rejected although ``skip_invalid`` was given
        (``import_nothing_valid``)."""
        if self.skip_invalid and self.rejected >= self.rows_read:
            return "import_nothing_valid"
        return "import_refused"

    def refusal_params(self) -> dict[str, object]:
        """The values the refusal message shows (its code: ``refusal_code``)."""
        params: dict[str, object] = {"layer": self.layer, "file": self.file, "n": self.rows_read}
        if self.refusal_code == "import_refused":
            params["rejected"] = self.rejected
        return params

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        out = {
            k: v
            for k, v in self.__dict__.items()
            if k not in ("problems", "warnings", "advice", "stated_licences", "licensed")
        }
        out["advice"] = [a.as_dict() for a in self.advice]
        out["problems"] = [
            {
                "row": p.row,
                "field": p.field,
                "reason": p.reason,
                "code": p.code,
                # a bound (the largest value taken) as a number: 10000, not "10,000"
                "params": {k: _json_figure(v) for k, v in p.params.items()},
            }
            for p in self.problems
        ]
        out["warnings"] = list(self.warnings)
        # the same notes with their codes and values, for callers that word them themselves
        out["notes"] = [
            {
                "code": getattr(w, "code", None),
                "params": dict(getattr(w, "params", {})),
                "text": str(w),
            }
            for w in self.warnings
        ]
        out["summary"] = self.summary()
        return out


def _copy_rows(conn: Connection, spec: LayerSpec, rows: pd.DataFrame) -> None:
    """COPY the validated rows into the temporary table."""
    cols = ["row", "external_id", *spec.field_names, "is_demo", "source", "geom"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")

    def cell(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return "{" + ",".join(f'"{v}"' for v in value) + "}"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, float) and value != value:
            return None
        return value

    data = [rows[c].tolist() for c in cols[:-1]]
    geoms = [f"SRID=4326;POINT({x!r} {y!r})" for x, y in zip(rows["lon"], rows["lat"], strict=True)]
    for values in zip(*data, geoms, strict=True):
        writer.writerow(["" if (v := cell(x)) is None else v for x in values])
    buf.seek(0)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.copy_expert(
            f"COPY {TEMP} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, NULL '')", buf
        )
    finally:
        cur.close()


def _ids_of_other_places(conn: Connection, spec: LayerSpec, *, source: str) -> list[Problem]:
    """Rows whose id names a row of another source that is evidently another place.

    A row updates the row with its ``external_id`` (a file's ``id`` column, or the hash of
    type, name and position). When that row comes from another source (another
    organisation, whose ``1`` is not this file's ``1``) and is another place (a name that is
    not similar, more than ``SAME_PLACE_METRES`` away, or another type), the row is
    rejected instead of replacing it. The same source, or the same place under a corrected
    source, updates as before.
    """
    kind = f", i.{spec.type_field}, t.{spec.type_field}" if spec.type_field else ", NULL, NULL"
    rows = conn.execute(
        sa.text(
            f"SELECT i.row, i.external_id, i.name, t.id, t.name, t.source{kind}, "
            f"ST_DistanceSphere(i.geom, t.geom) FROM {TEMP} i JOIN {spec.table} t "
            "ON t.external_id = i.external_id "
            "WHERE t.source IS DISTINCT FROM coalesce(i.source, :source) ORDER BY i.row"
        ),
        {"source": source},
    ).all()
    problems: list[Problem] = []
    for row, ext, name, tid, tname, tsource, kind_new, kind_old, dist in rows:
        same = similar_names(name, tname) and dist <= SAME_PLACE_METRES and kind_new == kind_old
        if not same:
            problems.append(
                problem(
                    int(row),
                    "external_id",
                    "id_of_another_place",
                    external_id=ext,
                    name=name,
                    type=kind_new or "—",
                    other_name=tname,
                    other_type=kind_old or "—",
                    other_source=tsource,
                    other_id=tid,
                    # both rows side by side: the reader sees what differs (the name,
                    # the type, or the place); whole numbers read alike in every language
                    distance=f"{dist:.0f} m" if dist < 10_000 else f"{dist / 1000:.0f} km",
                )
            )
    return problems


def _maybe_moved(conn: Connection, spec: LayerSpec, *, rejected: list[int]) -> list[Note]:
    """Notes on new rows that may be a place already in the table, moved.

    A row that adds an entry (its id is not in the table) beside an entry of the same type
    with a similar name, farther than the duplicate rule's ``DUPLICATE_METRES`` but within
    ``SAME_PLACE_METRES``, may be that place with corrected coordinates: its hashed id
    (type, name, position) changed with them, so the import adds it a second time. It is
    said, not refused: two centres of one kind and name a few hundred metres apart exist.
    The first ``MOVED_NOTES`` rows are named, the others counted.
    """
    same_type = f"AND t.{spec.type_field} = i.{spec.type_field}" if spec.type_field else ""
    pairs = conn.execute(
        sa.text(
            f"SELECT i.row, i.name, t.id, t.name, ST_DistanceSphere(i.geom, t.geom) AS d "
            f"FROM {TEMP} i JOIN {spec.table} t ON ST_DWithin(t.geom, i.geom, :degrees) "
            f"AND t.external_id <> i.external_id {same_type} "
            "WHERE ST_DistanceSphere(i.geom, t.geom) BETWEEN :near AND :far "
            "AND i.row <> ALL(:rejected) "
            f"AND NOT EXISTS (SELECT 1 FROM {spec.table} u WHERE u.external_id = i.external_id) "
            f"AND NOT EXISTS (SELECT 1 FROM {TEMP} j WHERE j.external_id = t.external_id) "
            "ORDER BY i.row, d"
        ),
        {
            # a box wide enough for SAME_PLACE_METRES of longitude at Morocco's latitudes
            "degrees": SAME_PLACE_METRES / 80_000,
            "near": DUPLICATE_METRES,
            "far": SAME_PLACE_METRES,
            "rejected": rejected,
        },
    ).all()
    found: dict[int, Note] = {}
    for row, name, tid, tname, dist in pairs:
        if row in found or dist <= DUPLICATE_METRES or not similar_names(name, tname):
            continue
        found[row] = Note(
            "maybe_moved",
            row=int(row),
            name=name,
            other_name=tname,
            other_id=int(tid),
            distance=f"{dist:.0f}",
        )
    notes = list(found.values())
    if len(notes) > MOVED_NOTES:
        notes = [*notes[:MOVED_NOTES], Note("maybe_moved_more", n=len(notes) - MOVED_NOTES)]
    return notes


def _db_checks(
    conn: Connection, spec: LayerSpec, *, communes_loaded: bool, source: str
) -> list[Problem]:
    """Checks that need the database, on the rows in the temporary table (``source``: the
    import's, for the rows the file gives none)."""
    problems = _ids_of_other_places(conn, spec, source=source)
    if communes_loaded:  # set-based point in polygon, then the 2 km tolerance for the rest
        conn.execute(
            sa.text(
                f"UPDATE {TEMP} t SET commune_code = m.code FROM (SELECT DISTINCT ON (i.row) "
                f"i.row, c.code FROM {TEMP} i JOIN communes c ON ST_Intersects(c.geom, i.geom) "
                "ORDER BY i.row, c.code) m WHERE m.row = t.row"
            )
        )
        conn.execute(
            sa.text(
                f"UPDATE {TEMP} SET commune_code = walouja_commune_at(geom) "
                "WHERE commune_code IS NULL"
            )
        )
    if communes_loaded:
        for row, lon, lat in conn.execute(
            sa.text(
                f"SELECT row, ST_X(geom), ST_Y(geom) FROM {TEMP} "
                "WHERE commune_code IS NULL ORDER BY row"
            )
        ):
            problems.append(
                problem(
                    int(row), "geometry", "outside_communes", lon=f"{lon:.5f}", lat=f"{lat:.5f}"
                )
            )
    same_type = f"AND t.{spec.type_field} = i.{spec.type_field}" if spec.type_field else ""
    pairs = conn.execute(
        sa.text(
            f"SELECT i.row, i.name, t.id, t.name, t.external_id, "
            f"ST_DistanceSphere(i.geom, t.geom) AS d FROM {TEMP} i JOIN {spec.table} t "
            f"ON ST_DWithin(t.geom, i.geom, 0.0007) AND t.external_id <> i.external_id "
            f"{same_type} WHERE ST_DistanceSphere(i.geom, t.geom) <= 50 "
            "AND NOT EXISTS (SELECT 1 FROM "
            f"{TEMP} j WHERE j.external_id = t.external_id) ORDER BY i.row, d"
        )
    ).all()
    seen: set[int] = set()
    for row, name, tid, tname, text_id, dist in pairs:
        if row in seen or not similar_names(name, tname):
            continue
        seen.add(row)
        problems.append(
            problem(
                int(row),
                "name",
                "duplicate_in_table",
                other_name=tname,
                table=spec.table,
                other_id=tid,
                other_external_id=text_id,
                distance=f"{dist:.0f}",
            )
        )
    if spec.name == "accessible_cities":
        for row, code, other in conn.execute(
            sa.text(
                f"SELECT i.row, i.commune_code, coalesce(t.name, j.name) FROM {TEMP} i "
                f"LEFT JOIN {spec.table} t ON t.commune_code = i.commune_code "
                "AND t.external_id <> i.external_id "
                f"AND NOT EXISTS (SELECT 1 FROM {TEMP} k WHERE k.external_id = t.external_id) "
                f"LEFT JOIN {TEMP} j ON j.commune_code = i.commune_code AND j.row < i.row "
                "WHERE i.commune_code IS NOT NULL AND (t.id IS NOT NULL OR j.row IS NOT NULL) "
                "ORDER BY i.row"
            )
        ):
            problems.append(
                problem(int(row), "geometry", "commune_taken", commune=code, other_name=other)
            )
    return problems


def _kept_sources(conn: Connection, spec: LayerSpec, *, source: str) -> list[Note]:
    """A note on the rows left unchanged whose recorded source is not the one this import
    gives them (after ``_upsert``: the rows it wrote have theirs).

    An unchanged row is not written, its provenance included: re-importing an export with
    ``--source X`` said every row was recorded under X while the unchanged ones kept the
    source they had.
    """
    n, example = conn.execute(
        sa.text(
            f"SELECT count(*), min(t.source) FROM {TEMP} i JOIN {spec.table} t "
            "ON t.external_id = i.external_id "
            "WHERE t.source IS DISTINCT FROM coalesce(i.source, :source)"
        ),
        {"source": source},
    ).one()
    return [Note("unchanged_keep_source", n=int(n), example=example)] if n else []


def _upsert(
    conn: Connection, spec: LayerSpec, *, present: tuple[str, ...], source: str, is_demo: bool
) -> tuple[int, int]:
    fields = spec.field_names
    cols = ", ".join(fields)
    updatable = [f for f in fields if f in present or f == "name"]
    sets = ", ".join(f"{f} = EXCLUDED.{f}" for f in [*updatable, "geom", "source", "is_demo"])
    # a row whose data did not change is left alone, even if the file (source) is another
    old = ", ".join(f"{spec.table}.{f}" for f in [*updatable, "geom", "is_demo"])
    new = ", ".join(f"EXCLUDED.{f}" for f in [*updatable, "geom", "is_demo"])
    sql = (
        f"WITH up AS (INSERT INTO {spec.table} (external_id, {cols}, geom, source, is_demo, "
        "commune_code) "
        f"SELECT external_id, {cols}, geom, coalesce(source, :source), "
        "coalesce(is_demo, :is_demo), commune_code "
        f"FROM {TEMP} "
        "ORDER BY row "
        f"ON CONFLICT (external_id) DO UPDATE SET {sets} WHERE ({old}) IS DISTINCT FROM ({new}) "
        "RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
    )
    inserted, updated = conn.execute(sa.text(sql), {"source": source, "is_demo": is_demo}).one()
    return int(inserted), int(updated)


def import_table(
    conn: Connection,
    layer: str,
    table: SourceTable,
    *,
    source: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    crs: str | None = None,
    defaults: Mapping[str, Any] | None = None,
    is_demo: bool = False,
    raise_on_reject: bool = True,
    source_given: bool = False,
) -> ImportReport:
    """Validate ``table`` and write it into ``layer`` on ``conn`` (inside its transaction).

    Parameters
    ----------
    source
        Provenance stored on the rows (file name, organisation, "OpenStreetMap"...): on
        every row when ``source_given``, else on the rows the file's own ``source`` column
        leaves empty (a file citing its surveys row by row).
    source_given
        Whether the user stated ``source`` (the CLI's ``--source``): it then wins over a
        ``source`` column of the file, which is not used (a note says so and how many
        values it held).
    dry_run
        Validate and count, then roll back.
    skip_invalid
        Write the valid rows even when others are rejected (the report lists them). When
        every row is rejected the import is still refused (``import_nothing_valid``).
    crs
        The CRS the coordinates are in, overriding the file's (``--crs``).
    is_demo
        Whether the rows are demonstration data, unless the file has an ``is_demo`` column
        (an export's), whose values are kept.
    raise_on_reject
        Raise ``ValidationError`` when the import is refused, instead of returning a report
        with ``refused=True``.

    Raises
    ------
    DataError
        ``no_data_rows`` when ``table`` holds no row (a CSV header alone, an empty
        FeatureCollection), and the file-level refusals of ``validate_records``.
    """
    started = time.perf_counter()
    spec = get_layer(layer)
    if len(table.records) == 0:  # a header alone: say so rather than "0 rows read"
        raise file_error("no_data_rows", name=table.name)
    validated = validate_records(
        spec,
        table.records,
        table.geometry,
        crs=crs,
        stated_crs=table.crs,
        defaults={**table.defaults, **(defaults or {})},
        row_errors=table.row_errors,
        what=table.name,
        fmt=table.format,
    )
    problems = list(validated.problems)
    warnings = [*table.warnings, *validated.warnings]
    # the file's column, whichever of its rows are valid yet: a check whose rows all lack a
    # value still to be chosen says that the rows name sources of their own
    named = validated.sources
    if source_given and named:
        warnings.append(Note("source_column_not_used", n=len(named), source=source))
        validated.rows["source"] = None
    elif named:  # said, as the rows' provenance is then not the one shown
        warnings.append(Note("source_column_used", n=len(named), example=named[0]))
    inserted = updated = 0
    savepoint = conn.begin_nested()
    try:
        communes_loaded = _has_communes(conn) and bool(
            conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM communes)")).scalar()
        )
        if not communes_loaded:
            warnings.append(Note("communes_not_loaded"))
        conn.execute(
            sa.text(
                f"CREATE TEMP TABLE {TEMP} ON COMMIT DROP AS SELECT external_id, "
                f"{', '.join(spec.field_names)}, is_demo, source, geom, commune_code "
                f"FROM {spec.table} "
                "WITH NO DATA"
            )
        )
        conn.execute(sa.text(f"ALTER TABLE {TEMP} ADD COLUMN row integer"))
        if len(validated.rows):
            _copy_rows(conn, spec, validated.rows)
            conn.execute(sa.text(f"CREATE INDEX ON {TEMP} USING gist (geom)"))
            conn.execute(sa.text(f"CREATE INDEX ON {TEMP} (external_id)"))
            conn.execute(sa.text(f"ANALYZE {TEMP}"))
            problems.extend(_db_checks(conn, spec, communes_loaded=communes_loaded, source=source))
        problems.sort(key=lambda p: (p.row or 0, p.field))
        rejected_rows = sorted({p.row for p in problems if p.row is not None})
        if len(validated.rows):
            warnings.extend(_maybe_moved(conn, spec, rejected=rejected_rows))
        accepted = validated.total - len(rejected_rows)
        # --skip-invalid writes the valid rows: with none, the import wrote nothing
        refused = bool(rejected_rows) and (not skip_invalid or accepted == 0)
        if not refused and len(validated.rows):
            if rejected_rows:
                conn.execute(
                    sa.text(f"DELETE FROM {TEMP} WHERE row = ANY(:rows)"), {"rows": rejected_rows}
                )
            inserted, updated = _upsert(
                conn, spec, present=validated.present, source=source, is_demo=is_demo
            )
            warnings.extend(_kept_sources(conn, spec, source=source))
        report = ImportReport(
            layer=spec.name,
            file=table.name,
            format=table.format,
            rows_read=validated.total,
            accepted=0 if refused else accepted,
            rejected=len(rejected_rows),
            inserted=inserted,
            updated=updated,
            unchanged=0 if refused else accepted - inserted - updated,
            dry_run=dry_run,
            refused=refused,
            problems=tuple(problems),
            warnings=tuple(warnings),
            duration_s=round(time.perf_counter() - started, 3),
            skip_invalid=skip_invalid,
            advice=tuple(advise(spec, problems, validated.total, warnings)),
            stated_licences=_stated_licences(validated.rows, source),
            licensed=bool(
                len(validated.rows)
                and "licence" in validated.rows.columns
                and validated.rows["licence"].notna().all()
            ),
        )
        conn.execute(sa.text(f"DROP TABLE {TEMP}"))
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run or refused:
        savepoint.rollback()
    else:
        savepoint.commit()
    if refused and raise_on_reject:
        if report.refusal_code == "import_nothing_valid":
            raise validation_error(
                "import_nothing_valid",
                problems=[p.as_tuple() for p in problems],
                **report.refusal_params(),
            )
        raise validation_error(
            "import_refused",
            problems=[p.as_tuple() for p in problems],
            **report.refusal_params(),
        )
    return report


def _stated_licences(rows: pd.DataFrame, source: str) -> dict[str, str]:
    """The licence the file's ``licence`` column gives each source of ``rows`` (their own
    ``source``, else ``source``): the most frequent one when rows of a source differ."""
    if "licence" not in rows.columns or rows["licence"].isna().all():
        return {}
    pairs = pd.DataFrame(
        {"source": rows["source"].fillna(source), "licence": rows["licence"]}
    ).dropna()
    return {
        str(name): str(group["licence"].value_counts().index[0])
        for name, group in pairs.groupby("source")
    }


def _has_communes(conn: Connection) -> bool:
    return bool(conn.execute(sa.text("SELECT to_regclass('public.communes') IS NOT NULL")).scalar())


UNKNOWN_LICENCE = "unknown"
"""The licence recorded for a source nobody gave one for (the Data page asks for one and
suggests « inconnue » when nobody knows it; the command line's ``--licence`` is optional)."""


def record_import_source(
    conn: Connection,
    layer: str,
    source: str,
    licence: str | None,
    *,
    rows_written: bool = True,
    stated: Mapping[str, str] | None = None,
) -> tuple[Note, ...]:
    """Record the provenance of the rows an import wrote, and drop the sources left empty.

    Each source of a layer keeps its own entry (licence, demo mark): an import never
    overwrites another source's. Rows whose own ``source`` column names a source with no
    entry yet (a file citing its surveys row by row) get one, with the licence the file's
    ``licence`` column states for that source (``stated``: an export shared by another
    Walouja keeps its attribution), else the import's licence. The entry of ``source``
    takes a given ``licence`` (a correction of provenance, even when ``rows_written`` is
    False: a re-import of an unchanged file); without one a new entry takes the licence the
    file states, and an entry already recorded keeps its own.

    Returns
    -------
    tuple of Note
        ``licence_updated`` for each entry whose licence changed; ``licence_not_recorded``
        when a licence was given but no row of the layer comes from ``source`` and no new
        entry took it (unchanged rows keep the source they were imported with);
        ``licence_not_given`` when a new entry had no licence, given or stated, and was
        recorded with ``UNKNOWN_LICENCE``.
    """
    spec = get_layer(layer)
    before = source_licences(conn, spec.name)
    targets: set[str] = set()
    if rows_written:
        unrecorded = conn.execute(
            sa.text(
                f"SELECT DISTINCT t.source FROM {spec.table} t WHERE NOT EXISTS (SELECT 1 FROM "
                "layer_sources s WHERE s.layer = :l AND s.row_source = t.source)"
            ),
            {"l": spec.name},
        ).scalars()
        targets = {str(v) for v in unrecorded}
    if licence is not None:
        targets.add(source)
    stated = dict(stated or {})
    not_given: list[str] = []
    for row_source in sorted(targets):
        given = licence if row_source == source else None
        chosen = given or stated.get(row_source) or licence
        if chosen is None:
            # said as it is: a licence nobody gave is not one (it read "as given by the
            # importer", which the Sources page showed as if it were the source's terms)
            chosen = UNKNOWN_LICENCE
            not_given.append(row_source)
        all_demo = conn.execute(
            sa.text(
                f"SELECT coalesce(bool_and(is_demo), false) FROM {spec.table} WHERE source = :s"
            ),
            {"s": row_source},
        ).scalar_one()
        record_source(
            conn,
            layer,
            title=spec.title,
            source=row_source,
            licence=chosen,
            is_demo=bool(all_demo),
        )
    prune_sources(conn)
    after = source_licences(conn, spec.name)
    notes = [
        Note("licence_updated", source=name, old=before[name], new=after[name])
        for name in sorted(targets)
        if name in before and name in after and before[name] != after[name]
    ]
    if licence is not None and not any(n in after for n in targets):
        notes.append(Note("licence_not_recorded", licence=licence, layer=spec.name, source=source))
    if not_given:
        notes.append(Note("licence_not_given", source=", ".join(not_given)))
    return tuple(notes)


@dataclass(frozen=True)
class ImportOptions:
    """Options shared by the file and OpenStreetMap imports."""

    dry_run: bool = False
    skip_invalid: bool = False
    crs: str | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None
    licence: str | None = None
    raise_on_reject: bool = True
    source_given: bool = False
    """Whether ``source`` was stated by the user (the CLI's ``--source``): it then names
    every row's source, and a file's ``source`` column is not used. False keeps that column
    (each row its own source, ``source`` the rest)."""


def _json_figure(value: str | Decimal) -> str | int:
    """A problem's param for JSON: a whole ``Decimal`` as a number, another exactly as text
    (a float would write ``99999999999999.99`` as ``…999.98``); a text as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def default_source(path: str | Path, fmt: str | None = None) -> str:
    """The source an import of ``path`` is recorded under when the user gives none.

    The file's name (``centres_fes.csv``), from the CLI and the app alike, so the same file
    imported twice is one source; for OpenStreetMap XML (``fmt`` ``osm``, or a ``.osm`` or
    ``.xml`` file) ``OSM_SOURCE``.
    """
    path = Path(path)
    osm = (fmt or "").lower() == "osm" or (fmt is None and path.suffix.lower() in (".osm", ".xml"))
    return OSM_SOURCE if osm else display_name(path)


def default_licence(path: str | Path, fmt: str | None = None) -> str | None:
    """The licence of ``default_source``: ``OSM_LICENCE`` for OpenStreetMap XML, else None
    (the user states it)."""
    return OSM_LICENCE if default_source(path, fmt) == OSM_SOURCE else None


def import_file(
    settings: Settings,
    layer: str,
    path: str | Path,
    *,
    fmt: str | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import a file into a layer in one transaction (see the module docstring).

    The rows' source is ``options.source``, else ``default_source(path, fmt)``.
    """
    opts = options or ImportOptions()
    path = Path(path)
    spec = get_layer(layer)
    check_file(path)
    given = fmt is not None
    fmt = (fmt or detect_format(path)).lower()
    if fmt in FORMATS:  # a CSV given --format osm was refused with an XML syntax error
        check_content(path, fmt, given=given)
    if fmt == "gtfs" and spec.name != "transport_stops":
        # the ONCF feed imported as beaches gave its 33 railway stations as beaches
        raise file_error("gtfs_not_stops", name=path.name, path=str(path))
    table = (
        read_osm_xml(path, spec.name) if fmt == "osm" else read_file(path, fmt=fmt, layer=spec.name)
    )
    with connect(settings) as conn:
        return import_and_record(
            conn,
            spec.name,
            table,
            opts,
            source=opts.source or default_source(path, fmt),
            default_licence=default_licence(path, fmt),
        )


def import_osm_place(
    settings: Settings,
    layer: str,
    place: str,
    *,
    options: ImportOptions | None = None,
    overpass_url: str | None = None,
    nominatim_url: str | None = None,
) -> ImportReport:
    """Import the OpenStreetMap features of ``layer``'s kind inside ``place`` (Overpass)."""
    opts = options or ImportOptions()
    spec = get_layer(layer)
    table = read_overpass(place, spec.name, overpass_url=overpass_url, nominatim_url=nominatim_url)
    with connect(settings) as conn:
        return import_and_record(
            conn,
            spec.name,
            table,
            opts,
            source=opts.source or OSM_SOURCE,
            default_licence=OSM_LICENCE,
        )


def import_and_record(
    conn: Connection,
    layer: str,
    table: SourceTable,
    opts: ImportOptions,
    *,
    source: str,
    default_licence: str | None = None,
) -> ImportReport:
    """Import ``table`` into ``layer`` on ``conn`` and record its source's provenance.

    The source is recorded when rows were written, with ``opts.licence`` or else
    ``default_licence``. A licence given in ``opts`` is also recorded when no row changed (a
    re-import to correct it); ``default_licence`` alone then changes nothing. What changed in
    ``layer_sources`` is added to the report's notes (``ImportReport.provenance``). A dry run
    or a refused import records nothing.
    """
    report = import_table(
        conn,
        layer,
        table,
        source=source,
        dry_run=opts.dry_run,
        skip_invalid=opts.skip_invalid,
        crs=opts.crs,
        defaults=opts.defaults,
        raise_on_reject=opts.raise_on_reject,
        source_given=opts.source_given,
    )
    given = (opts.licence or "").strip() or None
    if report.dry_run or report.refused or (not report.written and given is None):
        return report
    notes = record_import_source(
        conn,
        layer,
        source,
        given or default_licence,
        rows_written=report.written,
        stated=report.stated_licences,
    )
    return dataclasses.replace(report, warnings=(*report.warnings, *notes))
