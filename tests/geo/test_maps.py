"""Display layers read for the map: light GeoJSON, popup columns, filters, point lookup."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import db, maps
from walouja.errors import NotFoundError
from walouja.settings import Settings


@pytest.fixture
def loaded(conn: Connection) -> Connection:
    """The test database with its geography (``make test`` runs ``walouja load``)."""
    n = conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    assert n > 1000, "no national geography in the test database: run `walouja load`"
    return conn


def test_commune_polygons_are_light_geojson_with_popup_columns_only(loaded: Connection) -> None:
    rows = maps.boundaries(loaded, "communes")
    total = loaded.execute(
        sa.text("SELECT count(*) FROM communes WHERE geom_display IS NOT NULL")
    ).scalar_one()
    assert len(rows) == total
    assert set(rows[0]) == {
        "code", "name_fr", "name_ar", "population", "pwd", "disability_prevalence", "is_demo",
        "geometry",
    }  # fmt: skip
    geometry = json.loads(rows[0]["geometry"])
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    decimals = {len(d) for text in (r["geometry"] for r in rows[:50]) for d in
                re.findall(r"\.(\d+)", text)}  # fmt: skip
    assert max(decimals) <= maps.GEOJSON_DECIMALS


def test_filters_keep_one_region_or_one_province(loaded: Connection) -> None:
    units = maps.units(loaded, "communes")
    region = units["region_code"].iloc[0]
    province = units["province_code"].iloc[0]
    in_region = maps.boundaries(loaded, "communes", region_code=region)
    assert {r["code"] for r in in_region} == set(units.loc[units["region_code"] == region, "code"])
    in_province = maps.boundaries(loaded, "communes", province_code=province)
    assert 0 < len(in_province) < len(in_region) or len(in_region) == len(in_province)
    assert {r["code"] for r in in_province} <= {r["code"] for r in in_region}
    regions = maps.boundaries(loaded, "regions", region_code=region)
    assert [r["code"] for r in regions] == [region]


def test_provinces_map_leaves_out_the_nested_prefectures(loaded: Connection) -> None:
    tiling = loaded.execute(sa.text("SELECT count(*) FROM provinces WHERE NOT is_nested")).scalar()
    assert len(maps.boundaries(loaded, "provinces")) == tiling
    assert len(maps.units(loaded, "provinces")) == tiling


def test_a_click_finds_the_commune_under_it(loaded: Connection) -> None:
    code, lon, lat = loaded.execute(
        sa.text(
            "SELECT code, ST_X(demand_point), ST_Y(demand_point) FROM communes ORDER BY code "
            "LIMIT 1"
        )
    ).one()
    assert maps.unit_at(loaded, "communes", lon=lon, lat=lat) == code
    west, south, east, north = maps.unit_bounds(loaded, "communes", code)
    assert west <= lon <= east
    assert south <= lat <= north
    assert maps.unit_at(loaded, "communes", lon=-30.0, lat=30.0) is None  # the Atlantic


def test_unknown_level_or_unit_is_a_clear_error(loaded: Connection) -> None:
    with pytest.raises(NotFoundError, match="unknown map level"):
        maps.boundaries(loaded, "douars")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="no unit"):
        maps.unit_bounds(loaded, "communes", "99.999.99.9")


def test_counts_and_centre_summary_agree_with_the_tables(loaded: Connection) -> None:
    counts = maps.layer_counts(loaded)
    assert (
        counts["communes"].rows == loaded.execute(sa.text("SELECT count(*) FROM communes")).scalar()
    )
    operating = loaded.execute(
        sa.text(
            "SELECT count(*) FROM centres WHERE status = 'operating' AND commune_code IS NOT NULL"
        )
    ).scalar()
    summary = maps.centre_summary(loaded, "regions")
    assert int(summary["centres"].sum()) == operating
    points = maps.centre_points(loaded)
    assert all(p["status"] != "closed" for p in points)
    assert {"lon", "lat", "name", "centre_type", "capacity", "is_demo"} <= set(points[0])


def test_data_version_changes_when_a_layer_changes(loaded: Connection) -> None:
    before = maps.data_version(loaded)
    loaded.execute(
        sa.text(
            "INSERT INTO centres (external_id, name, centre_type, geom, source) VALUES "
            "('test-maps-1', 'Centre test', 'CAS', ST_SetSRID(ST_MakePoint(-7.6, 33.5), 4326), "
            "'test')"
        )
    )
    assert maps.data_version(loaded) != before


def test_an_empty_database_reads_as_empty_layers(scratch_settings: Settings) -> None:
    db.ensure_postgis(scratch_settings)
    with db.connect(scratch_settings) as c:
        assert maps.boundaries(c, "communes") == []
        assert maps.units(c, "regions").empty
        assert maps.centre_points(c) == []
        assert maps.sources(c).empty
        assert not any(count.exists for count in maps.layer_counts(c).values())
        assert maps.unit_at(c, "communes", lon=-7.0, lat=33.0) is None
