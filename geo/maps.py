"""Read the display layers the app draws: light GeoJSON geometries and the figures popups show.

Geometries come from ``geom_display`` (the simplified copy) as GeoJSON with coordinates rounded
to 4 decimals (about 11 m), with only the columns the popups use, so the national commune map
stays light. Tables that are not there yet (a database before ``walouja load``) read as empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from walouja.errors import NotFoundError

Level = Literal["regions", "provinces", "communes"]
LEVELS: tuple[Level, ...] = ("regions", "provinces", "communes")
LAYER_TABLES: tuple[str, ...] = (
    "regions",
    "provinces",
    "communes",
    "centres",
    "accessible_cities",
    "transport_stops",
    "beaches",
)
GEOJSON_DECIMALS = 4

# Per level: the filter columns (region, province) and the extra WHERE clause. Table and
# column names come from these constants only, never from user input.
_LEVEL_SQL: dict[str, dict[str, str]] = {
    "regions": {"region": "code", "province": "NULL", "where": "TRUE"},
    "provinces": {"region": "region_code", "province": "code", "where": "NOT is_nested"},
    "communes": {"region": "region_code", "province": "province_code", "where": "TRUE"},
}


@dataclass(frozen=True)
class LayerCount:
    """How many rows a layer table holds, and how many are demonstration rows."""

    table: str
    exists: bool
    rows: int = 0
    demo_rows: int = 0


def _check_level(level: str) -> str:
    if level not in _LEVEL_SQL:
        raise NotFoundError(f"unknown map level {level!r}", hint=f"use one of {', '.join(LEVELS)}")
    return level


def table_exists(conn: Connection, table: str) -> bool:
    """Whether ``public.<table>`` exists."""
    found = conn.execute(sa.text("SELECT to_regclass(:name)"), {"name": f"public.{table}"})
    return found.scalar() is not None


def _columns(conn: Connection, table: str) -> set[str]:
    rows = conn.execute(
        sa.text(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = :t"
        ),
        {"t": table},
    )
    return {str(r[0]) for r in rows}


def layer_counts(conn: Connection) -> dict[str, LayerCount]:
    """Rows and demonstration rows of every layer table (absent tables count as empty)."""
    out: dict[str, LayerCount] = {}
    for table in LAYER_TABLES:
        if not table_exists(conn, table):
            out[table] = LayerCount(table=table, exists=False)
            continue
        demo = "count(*) FILTER (WHERE is_demo)" if "is_demo" in _columns(conn, table) else "0"
        rows, demo_rows = conn.execute(
            sa.text(f"SELECT count(*), {demo} FROM {table}")  # table from LAYER_TABLES
        ).one()
        out[table] = LayerCount(table=table, exists=True, rows=int(rows), demo_rows=int(demo_rows))
    return out


def demo_rows(
    conn: Connection, used: Mapping[str, Mapping[str, Sequence[str] | None]]
) -> dict[str, int]:
    """How many of the rows a result uses are demonstration rows (``is_demo``), per layer.

    ``used`` maps each layer table (one of :data:`LAYER_TABLES`) to the filters that chose
    its rows: a column and the values kept (``{"centres": {"centre_type": ["COAPH"],
    "status": ["operating"]}}``); a value of ``None`` keeps every row. Layers without
    demonstration rows among those used are left out, so ``{}`` means real data only. Absent
    tables, tables without ``is_demo`` and unknown columns count as no demonstration row
    (a column name is used only when the table has it; the values are bound parameters).
    """
    out: dict[str, int] = {}
    for table, filters in used.items():
        if table not in LAYER_TABLES or not table_exists(conn, table):
            continue
        columns = _columns(conn, table)
        if "is_demo" not in columns:
            continue
        where, params = ["is_demo"], {}
        for i, (column, values) in enumerate(filters.items()):
            if values is None:
                continue
            if column not in columns:
                where.append("FALSE")
                break
            where.append(f"{column}::text IN :v{i}")  # a column the table has, not user input
            params[f"v{i}"] = [str(v) for v in values]
        stmt = sa.text(f"SELECT count(*) FROM {table} WHERE {' AND '.join(where)}")
        for name in params:
            stmt = stmt.bindparams(sa.bindparam(name, expanding=True))
        n = int(conn.execute(stmt, params).scalar_one())
        if n:
            out[table] = n
    return out


def data_version(conn: Connection) -> str:
    """A short string that changes whenever a layer is loaded or edited (cache key)."""
    parts = []
    if table_exists(conn, "layer_sources"):
        stamp = conn.execute(sa.text("SELECT max(loaded_at)::text FROM layer_sources")).scalar()
        parts.append(str(stamp))
    for table in LAYER_TABLES:
        if table_exists(conn, table):
            cols = _columns(conn, table)
            stamp_col = "max(updated_at)::text" if "updated_at" in cols else "NULL"
            row = conn.execute(sa.text(f"SELECT count(*), {stamp_col} FROM {table}")).one()
            parts.append(f"{table}:{row[0]}:{row[1]}")
    return "|".join(parts)


def sources(conn: Connection) -> pd.DataFrame:
    """The provenance and licence of every loaded layer (``layer_sources``)."""
    columns = ["layer", "title", "source", "licence", "url", "attribution", "is_demo", "notes"]
    if not table_exists(conn, "layer_sources"):
        return pd.DataFrame(columns=[*columns, "loaded_at"])
    rows = conn.execute(
        sa.text(
            f"SELECT {', '.join(columns)}, loaded_at FROM layer_sources ORDER BY layer, row_source"
        )
    ).mappings()
    return pd.DataFrame([dict(r) for r in rows], columns=[*columns, "loaded_at"])


def units(conn: Connection, level: Level) -> pd.DataFrame:
    """The units of ``level`` without geometry: codes, names, parents and key figures.

    Columns: ``code, name_fr, name_ar, region_code, province_code, population, pwd,
    disability_prevalence, is_demo`` (plus ``commune_type`` for communes; ``province_code``
    is the unit's own code for provinces and null for regions).
    """
    spec = _LEVEL_SQL[_check_level(level)]
    columns = [
        "code",
        "name_fr",
        "name_ar",
        "region_code",
        "province_code",
        "commune_type",
        "population",
        "pwd",
        "disability_prevalence",
        "is_demo",
    ]
    if not table_exists(conn, level):
        return pd.DataFrame(columns=columns)
    extra = "commune_type" if level == "communes" else "NULL::text AS commune_type"
    sql = f"""
        SELECT code, name_fr, name_ar, {spec["region"]} AS region_code,
               {spec["province"]}::text AS province_code, {extra},
               population, pwd, disability_prevalence, is_demo
        FROM {level} WHERE {spec["where"]} ORDER BY code
    """
    rows = conn.execute(sa.text(sql)).mappings()
    return pd.DataFrame([dict(r) for r in rows], columns=columns)


def boundaries(
    conn: Connection,
    level: Level,
    *,
    region_code: str | None = None,
    province_code: str | None = None,
) -> list[dict[str, Any]]:
    """The display polygons of ``level`` (optionally within one region or province).

    Returns one dict per unit: ``code, name_fr, name_ar, population, pwd,
    disability_prevalence, is_demo`` and ``geometry`` (GeoJSON text of ``geom_display``,
    coordinates rounded to 4 decimals).
    """
    spec = _LEVEL_SQL[_check_level(level)]
    if not table_exists(conn, level):
        return []
    sql = f"""
        SELECT code, name_fr, name_ar, population, pwd, disability_prevalence, is_demo,
               ST_AsGeoJSON(geom_display, :decimals) AS geometry
        FROM {level}
        WHERE {spec["where"]}
          AND (CAST(:region AS text) IS NULL OR {spec["region"]} = :region)
          AND (CAST(:province AS text) IS NULL OR {spec["province"]} = :province)
          AND geom_display IS NOT NULL
        ORDER BY code
    """
    params = {"decimals": GEOJSON_DECIMALS, "region": region_code, "province": province_code}
    return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def unit_at(conn: Connection, level: Level, *, lon: float, lat: float) -> str | None:
    """The code of the unit of ``level`` containing the point, or None (sea, abroad)."""
    spec = _LEVEL_SQL[_check_level(level)]
    if not table_exists(conn, level):
        return None
    sql = f"""
        SELECT code FROM {level}
        WHERE {spec["where"]} AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
        ORDER BY code LIMIT 1
    """
    found = conn.execute(sa.text(sql), {"lon": lon, "lat": lat}).scalar()
    return None if found is None else str(found)


def unit_bounds(conn: Connection, level: Level, code: str) -> tuple[float, float, float, float]:
    """The bounding box ``(west, south, east, north)`` of one unit."""
    _check_level(level)
    if not table_exists(conn, level):
        raise NotFoundError(f"no {level} loaded", hint="run `walouja load`")
    row = conn.execute(
        sa.text(
            f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) "
            f"FROM (SELECT geom::box2d AS b FROM {level} WHERE code = :code) s"
        ),
        {"code": code},
    ).first()
    if row is None:
        raise NotFoundError(f"no unit {code!r} in {level}")
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _area_filter(alias: str) -> str:
    """WHERE fragment keeping points whose commune lies in :region / :province."""
    return (
        f"(CAST(:region AS text) IS NULL OR {alias}.region_code = :region) AND "
        f"(CAST(:province AS text) IS NULL OR {alias}.province_code = :province)"
    )


def _points(
    conn: Connection,
    table: str,
    columns: str,
    *,
    region: str | None,
    province: str | None,
    where: str = "TRUE",
) -> list[dict[str, Any]]:
    """Rows of a point layer: ``columns`` plus ``id, is_demo, from_osm`` (the row's source
    names OpenStreetMap or the ODbL, so its map needs the OSM credit), ``credit`` and
    ``licence`` (whom a map drawing the row credits, :func:`_credit_sql`) and ``lon, lat``."""
    if not table_exists(conn, table):
        return []
    if table_exists(conn, "communes"):
        join, area = "LEFT JOIN communes m ON m.code = p.commune_code", _area_filter("m")
    else:
        join, area = "", "TRUE"
    credit, credit_join = _credit_sql(conn, "p", table)
    sql = f"""
        SELECT p.id, {columns}, p.is_demo,
               coalesce(p.source, '') ~* '(openstreetmap|odbl)' AS from_osm, {credit},
               round(ST_X(p.geom)::numeric, 5)::float AS lon,
               round(ST_Y(p.geom)::numeric, 5)::float AS lat
        FROM {table} p {join} {credit_join}
        WHERE {where} AND {area}
        ORDER BY p.id
    """
    params = {"region": region, "province": province, "layer": table}
    rows = conn.execute(sa.text(sql), params).mappings()
    return [dict(r) for r in rows]


def _credit_sql(conn: Connection, alias: str, layer: str) -> tuple[str, str]:
    """The columns ``credit, licence`` of a row ``alias`` of ``layer`` (bound as ``:layer``),
    and the join they need: its source's attribution as ``layer_sources`` records it, else
    the source the row was imported under, and that source's licence (None when unknown)."""
    if not table_exists(conn, "layer_sources"):
        return f"{alias}.source AS credit, NULL::text AS licence", ""
    join = f"LEFT JOIN layer_sources s ON s.layer = :layer AND s.row_source = {alias}.source"
    return f"coalesce(s.attribution, {alias}.source) AS credit, s.licence", join


def centre_points(
    conn: Connection, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Centres (not closed) with ``name, name_ar, centre_type, capacity, status, lon, lat``."""
    return _points(
        conn,
        "centres",
        "p.name, p.name_ar, p.centre_type, p.capacity, p.status",
        region=region,
        province=province,
        where="p.status <> 'closed'",
    )


def stop_points(
    conn: Connection, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Transport stops with ``name, mode, operator, wheelchair_boarding, step_free,
    tactile_paving, lon, lat`` (wheelchair_boarding as in GTFS: 0 unknown, 1 yes, 2 no)."""
    return _points(
        conn,
        "transport_stops",
        "p.name, p.name_ar, p.mode, p.operator, p.wheelchair_boarding, p.step_free, "
        "p.tactile_paving",
        region=region,
        province=province,
    )


BEACH_EQUIPMENT: tuple[str, ...] = (
    "walkway_to_water",
    "amphibious_chair",
    "adapted_wc",
    "adapted_shower",
    "reserved_parking",
    "shade",
    "trained_staff",
)


def beach_points(
    conn: Connection, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Beaches with ``name, name_ar, blue_flag, equipment`` (how many of the 7 adapted
    equipments it has) and ``lon, lat``."""
    if not table_exists(conn, "beaches"):
        return []
    score = " + ".join(f"p.{c}::int" for c in BEACH_EQUIPMENT)
    return _points(
        conn,
        "beaches",
        f"p.name, p.name_ar, p.blue_flag, ({score}) AS equipment",
        region=region,
        province=province,
    )


def accessible_city_areas(
    conn: Connection, *, region: str | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """Communes of the Accessible Cities programme: ``code, name_fr, name_ar, stage,
    convention_date, is_demo, credit, licence`` and their display ``geometry`` (GeoJSON
    text)."""
    if not (table_exists(conn, "accessible_cities") and table_exists(conn, "communes")):
        return []
    credit, credit_join = _credit_sql(conn, "a", "accessible_cities")
    sql = f"""
        SELECT m.code, m.name_fr, m.name_ar, a.stage, a.convention_date::text AS convention_date,
               a.is_demo, {credit}, ST_AsGeoJSON(m.geom_display, :decimals) AS geometry
        FROM accessible_cities a JOIN communes m ON m.code = a.commune_code {credit_join}
        WHERE {_area_filter("m")}
        ORDER BY m.code
    """
    params = {
        "decimals": GEOJSON_DECIMALS,
        "region": region,
        "province": province,
        "layer": "accessible_cities",
    }
    return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def centre_summary(conn: Connection, level: Level) -> pd.DataFrame:
    """Operating centres per unit of ``level`` and type: ``code, centre_type, centres, places``."""
    columns = ["code", "centre_type", "centres", "places"]
    _check_level(level)
    if not (table_exists(conn, "centres") and table_exists(conn, "communes")):
        return pd.DataFrame(columns=columns)
    key = {"regions": "m.region_code", "provinces": "m.province_code", "communes": "m.code"}[level]
    sql = f"""
        SELECT {key} AS code, c.centre_type, count(*) AS centres,
               coalesce(sum(c.capacity), 0) AS places
        FROM centres c JOIN communes m ON m.code = c.commune_code
        WHERE c.status = 'operating'
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    rows = conn.execute(sa.text(sql)).mappings()
    return pd.DataFrame([dict(r) for r in rows], columns=columns)
