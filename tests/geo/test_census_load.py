"""The loaded reference geography meets the acceptance checks, in SQL on the real database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from typer.testing import CliRunner

from geo import census
from walouja.errors import DatabaseError
from walouja.settings import Settings

NATIONAL_POPULATION = 36_490_591


@pytest.fixture(scope="module")
def loaded(settings: Settings, engine: Engine) -> census.LoadResult:
    """Load the geography once for this module (a no-op when it is already current)."""
    return census.load_geography(settings)


@pytest.fixture
def db(loaded: census.LoadResult, conn: Connection) -> Connection:
    return conn


def _scalar(conn: Connection, sql: str) -> object:
    return conn.execute(sa.text(sql)).scalar_one()


def test_row_counts(db: Connection) -> None:
    assert _scalar(db, "SELECT count(*) FROM regions") == 12
    assert _scalar(db, "SELECT count(*) FROM provinces") == 83
    assert _scalar(db, "SELECT count(*) FROM provinces WHERE NOT is_nested") == 75
    assert _scalar(db, "SELECT count(*) FROM communes") == 1503
    nested = db.execute(
        sa.text("SELECT DISTINCT province_type, parent_code FROM provinces WHERE is_nested")
    ).all()
    assert nested == [("prefecture_of_arrondissements", "06.141")]
    # every commune belongs to one of the 75 tiling provinces
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM communes c JOIN provinces p ON p.code = c.province_code "
            "WHERE p.is_nested",
        )
        == 0
    )


@pytest.mark.parametrize("table", ["regions", "provinces", "communes"])
def test_every_geometry_is_a_valid_multipolygon(db: Connection, table: str) -> None:
    bad = _scalar(
        db,
        f"""
        SELECT count(*) FROM {table}
        WHERE NOT (ST_IsValid(geom) AND ST_IsValid(geom_display))
           OR GeometryType(geom) <> 'MULTIPOLYGON' OR GeometryType(geom_display) <> 'MULTIPOLYGON'
           OR ST_SRID(geom) <> 4326 OR ST_IsEmpty(geom) OR ST_IsEmpty(geom_display)
        """,
    )
    assert bad == 0


@pytest.mark.parametrize(
    ("table", "where"), [("communes", "TRUE"), ("provinces", "NOT a.is_nested AND NOT b.is_nested")]
)
def test_no_two_units_overlap_by_more_than_a_hundredth_of_a_km2(
    db: Connection, table: str, where: str
) -> None:
    overlapping = db.execute(
        sa.text(
            f"""
            SELECT a.code, b.code,
                   ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 1e6 AS km2
            FROM {table} a JOIN {table} b
              ON a.code < b.code AND a.geom && b.geom AND {where}
            WHERE ST_Relate(a.geom, b.geom, '2********')
            """
        )
    ).all()
    assert [row for row in overlapping if row.km2 > 0.01] == []


def test_the_communes_cover_morocco(db: Connection) -> None:
    union_km2 = float(
        _scalar(db, "SELECT ST_Area(ST_Union(geom)::geography) / 1e6 FROM communes")  # type: ignore[arg-type]
    )
    assert union_km2 == pytest.approx(686_000, rel=0.01)
    total_km2 = float(_scalar(db, "SELECT sum(area_km2) FROM communes"))  # type: ignore[arg-type]
    assert total_km2 == pytest.approx(union_km2, rel=1e-4)  # no overlaps to count twice


def test_area_is_geodesic_and_demand_points_lie_inside(db: Connection) -> None:
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM communes "
            "WHERE abs(area_km2 - ST_Area(geom::geography) / 1e6) > 1e-9 "
            "OR NOT ST_Contains(geom, demand_point)",
        )
        == 0
    )


def test_populations_and_persons_with_disabilities(db: Connection) -> None:
    assert _scalar(db, "SELECT sum(population) FROM communes") == NATIONAL_POPULATION
    pwd = float(_scalar(db, "SELECT sum(pwd) FROM communes"))  # type: ignore[arg-type]
    # HCP's national 4.8 % is rounded; the commune prevalences (one decimal each) give
    # 4.7500 %, 1.04 % below 0.048 x population: the rate rounds to HCP's 4.8.
    assert round(pwd / NATIONAL_POPULATION * 100, 1) == 4.8
    assert pwd == pytest.approx(0.048 * NATIONAL_POPULATION, rel=0.011)
    off = _scalar(
        db,
        "SELECT count(*) FROM communes "
        "WHERE abs(pwd - population * disability_prevalence / 100) > 1e-6 "
        "OR population_urban + population_rural <> population "
        "OR (population_male IS NOT NULL AND population_male + population_female <> population)",
    )
    assert off == 0


@pytest.mark.parametrize(
    ("table", "key", "where"),
    [("regions", "region_code", "TRUE"), ("provinces", "province_code", "NOT t.is_nested")],
)
def test_totals_equal_the_sums_of_their_communes(
    db: Connection, table: str, key: str, where: str
) -> None:
    rows = db.execute(
        sa.text(
            f"""
            SELECT t.code, t.population, s.population AS c_population, t.pwd, s.pwd AS c_pwd,
                   t.disability_prevalence, t.hcp_disability_prevalence
            FROM {table} t
            LEFT JOIN (SELECT {key} AS code, sum(population) AS population, sum(pwd) AS pwd
                       FROM communes GROUP BY {key}) s ON s.code = t.code
            WHERE {where}
            """
        )
    ).all()
    assert rows
    for row in rows:
        assert row.population == row.c_population, row.code
        assert row.pwd == pytest.approx(row.c_pwd, rel=1e-9), row.code
        if row.code != "12.066":
            # HCP's published rate, rounded to 0.1, agrees with the communes' pwd
            assert row.disability_prevalence == pytest.approx(
                row.hcp_disability_prevalence, abs=0.1
            ), row.code
    # Aousserd: three of its six communes take the province's 2.0 % although the other
    # three (1.4, 2.6, 0.7 %) imply they are higher, so the derived rate is lower.
    if table == "provinces":
        aousserd = next(r for r in rows if r.code == "12.066")
        assert aousserd.hcp_disability_prevalence == 2.0
        assert aousserd.disability_prevalence == pytest.approx(1.758, abs=0.001)


def test_casablancas_prefectures_of_arrondissements_make_up_the_city(db: Connection) -> None:
    nested = db.execute(
        sa.text(
            "SELECT sum(population), ST_Area(ST_Union(geom)::geography) / 1e6 "
            "FROM provinces WHERE is_nested"
        )
    ).one()
    city = db.execute(
        sa.text("SELECT population, area_km2 FROM communes WHERE code = '06.141.01.0'")
    ).one()
    assert nested[0] == city.population
    assert nested[1] == pytest.approx(city.area_km2, rel=1e-3)


def test_the_match_report_accounts_for_every_commune(db: Connection) -> None:
    methods: dict[str, int] = dict(
        db.execute(
            sa.text("SELECT match_method, count(*) FROM commune_match_report GROUP BY 1")
        ).all()
    )
    assert methods == {"direct": 1290, "crosswalk": 207, "dissolved_arrondissements": 6}
    assert (
        _scalar(
            db,
            "SELECT count(*) FROM communes c LEFT JOIN commune_match_report r USING (code) "
            "WHERE r.code IS NULL OR r.match_method <> c.match_method "
            "OR r.prevalence_imputed <> c.prevalence_imputed",
        )
        == 0
    )
    sums = db.execute(
        sa.text(
            "SELECT sum(n_centre_features), sum(n_arrondissements), "
            "count(*) FILTER (WHERE prevalence_imputed) FROM commune_match_report"
        )
    ).one()
    assert tuple(sums) == (149, 41, 4)
    imputed = db.execute(
        sa.text("SELECT code, province_code FROM communes WHERE prevalence_imputed ORDER BY code")
    ).all()
    assert [tuple(r) for r in imputed] == [
        ("12.066.01.03", "12.066"),
        ("12.066.03.03", "12.066"),
        ("12.066.03.09", "12.066"),
        ("12.391.05.05", "12.391"),
    ]


def test_provenance_is_recorded(db: Connection) -> None:
    rows = db.execute(
        sa.text(
            "SELECT layer, licence, is_demo FROM layer_sources "
            "WHERE layer IN ('regions', 'provinces', 'communes') ORDER BY layer"
        )
    ).all()
    assert [r.layer for r in rows] == ["communes", "provinces", "regions"]
    for row in rows:
        assert "CC BY 4.0" in row.licence
        assert "MIT" in row.licence
        assert row.is_demo is False


def test_the_national_commune_map_is_light(db: Connection) -> None:
    size = db.execute(
        sa.text(
            "SELECT sum(length(ST_AsGeoJSON(geom_display, 4))), sum(ST_NPoints(geom_display)), "
            "sum(ST_NPoints(geom)) FROM communes"
        )
    ).one()
    assert size[0] < 2_000_000  # bytes of geometry JSON, 4 decimals: well under 3 MB
    assert size[1] < size[2] / 5


def test_a_second_load_changes_nothing(settings: Settings, loaded: census.LoadResult) -> None:
    again = census.load_geography(settings)
    assert again.skipped
    assert not again.changed
    assert [t.rows for t in again.tables] == [12, 83, 1503]


def test_a_forced_rebuild_rewrites_no_row_and_places_layer_rows_again(
    settings: Settings, loaded: census.LoadResult, engine: Engine
) -> None:
    # a centre imported before the communes were loaded has no commune yet
    with engine.begin() as c:
        row = c.execute(
            sa.text("SELECT id, commune_code FROM centres WHERE commune_code IS NOT NULL LIMIT 1")
        ).one()
        # (the row trigger would place it again: write it as an import on empty communes did)
        c.execute(sa.text("SET LOCAL session_replication_role = replica"))
        c.execute(sa.text("UPDATE centres SET commune_code = NULL WHERE id = :i"), {"i": row.id})
    forced = census.load_geography(settings, force=True)
    assert not forced.skipped
    assert [t.line().split()[-1] for t in forced.tables] == ["unchanged"] * 3
    with engine.connect() as c:
        again = c.execute(
            sa.text("SELECT commune_code FROM centres WHERE id = :i"), {"i": row.id}
        ).scalar_one()
    assert again == row.commune_code


def test_the_cli_reports_unchanged_and_writes_the_match_report(
    loaded: census.LoadResult, tmp_path: Path
) -> None:
    from walouja.cli import app

    target = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["load", "--no-layers", "--report", str(target)])
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1503
    tanger = next(r for r in rows if r["code"] == "01.511.01.0")
    assert tanger["match_method"] == "dissolved_arrondissements"
    assert tanger["source_keys"] == "01.511.01.03|01.511.01.05|01.511.01.06|01.511.01.07"


def test_a_database_without_the_geography_tables_gets_a_clear_error(
    scratch_settings: Settings,
) -> None:
    with pytest.raises(DatabaseError, match="walouja db up"):
        census.load_geography(scratch_settings)
