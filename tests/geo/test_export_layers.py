"""Exports of layers and filtered subsets, and the CLI commands end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from typer.testing import CliRunner

from geo.export import export_format, write_frame
from geo.importer import ImportOptions, import_and_record
from geo.io_read import read_file
from geo.layers import LayerFilter, prune_sources, read_layer
from tests.geo.fixtures.support import FES, RABAT, commune_at, require_layers, run_import, write
from walouja.cli import app
from walouja.errors import DataError

CSV = (
    "id,name,name_ar,centre_type,status,lon,lat\n"
    f"X-1,Centre Ibn Sina,مركز ابن سينا,CAS,operating,{FES[0]},{FES[1]}\n"
    f"X-2,Centre Annakhil,مركز النخيل,EPS,planned,{RABAT[0]},{RABAT[1]}\n"
)


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def test_filters_select_subsets(db: Connection, tmp_path: Path) -> None:
    run_import(db, "centres", write(tmp_path / "c.csv", CSV))
    mine = LayerFilter(equals={"external_id": ["X-1", "X-2"]})
    assert len(read_layer(db, "centres", where=mine)) == 2
    cas = LayerFilter(equals={"external_id": ["X-1", "X-2"], "centre_type": ["CAS"]})
    assert read_layer(db, "centres", where=cas)["name"].tolist() == ["Centre Ibn Sina"]
    in_fes = LayerFilter(
        equals={"external_id": ["X-1", "X-2"]}, commune_codes=[commune_at(db, *FES)]
    )
    assert read_layer(db, "centres", where=in_fes)["external_id"].tolist() == ["X-1"]
    box = LayerFilter(equals={"external_id": ["X-1", "X-2"]}, bbox=(-7.0, 33.9, -6.7, 34.1))
    assert read_layer(db, "centres", where=box)["external_id"].tolist() == ["X-2"]
    real = LayerFilter(equals={"external_id": ["X-1", "X-2"]}, is_demo=True)
    assert read_layer(db, "centres", where=real).empty
    with pytest.raises(DataError, match="cannot filter centres on 'colour'"):
        read_layer(db, "centres", where=LayerFilter(equals={"colour": ["red"]}))
    # a type in any case is the stored one; a misspelt type or code is refused, not an empty
    # subset that looks like a layer without such rows
    cas_lower = LayerFilter(equals={"external_id": ["X-1", "X-2"], "centre_type": ["cas"]})
    assert read_layer(db, "centres", where=cas_lower)["name"].tolist() == ["Centre Ibn Sina"]
    with pytest.raises(DataError, match="centre_type has no value 'CASS'") as err:
        read_layer(db, "centres", where=LayerFilter(equals={"centre_type": ["CAS", "CASS"]}))
    assert "COAPH" in str(err.value.hint)
    province = commune_at(db, *FES).rsplit(".", 2)[0]
    assert (
        read_layer(db, "centres", where=LayerFilter(province_code=province))["external_id"]
        .str.startswith("X-")
        .sum()
        == 1
    )
    # a province and its region together select the province; another region is refused
    region = province.split(".")[0]
    both = LayerFilter(province_code=province, region_code=region)
    assert read_layer(db, "centres", where=both)["external_id"].str.startswith("X-").sum() == 1
    other = "01" if region != "01" else "02"
    with pytest.raises(DataError, match=f"province '{province}' is not in the region '{other}'"):
        read_layer(db, "centres", where=LayerFilter(province_code=province, region_code=other))
    for bad, what in (
        (LayerFilter(province_code="99.999"), "province"),
        (LayerFilter(region_code="99"), "region"),
        (LayerFilter(commune_codes=[commune_at(db, *FES), "01.999.99.99"]), "commune"),
    ):
        with pytest.raises(DataError, match=f"there is no {what} with the code"):
            read_layer(db, "centres", where=bad)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv", "xlsx", "kml"])
def test_arabic_survives_every_format(db: Connection, tmp_path: Path, fmt: str) -> None:
    run_import(db, "centres", write(tmp_path / "c.csv", CSV))
    frame = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["X-1", "X-2"]}))
    path = tmp_path / f"out.{fmt}"
    write_frame(frame, path, fmt, layer="centres")
    if fmt == "csv":
        back = pd.read_csv(path, encoding="utf-8-sig")
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert {"lon", "lat", "external_id"} <= set(back.columns)
    elif fmt == "xlsx":
        back = pyogrio.read_dataframe(path)  # a sheet: a table with lon/lat, as the CSV
        assert {"lon", "lat", "external_id"} <= set(back.columns)
    else:
        back = gpd.read_file(path)
        assert back.crs.to_epsg() == 4326
    assert sorted(back["name_ar"]) == sorted(["مركز ابن سينا", "مركز النخيل"])


def test_export_format_from_extension() -> None:
    assert export_format(Path("a.GPKG")) == "gpkg"
    assert export_format(Path("a.json")) == "geojson"
    assert export_format(Path("a.txt"), "csv") == "csv"
    assert export_format(Path("a.xlsx")) == "xlsx"
    with pytest.raises(DataError, match="cannot tell the export format"):
        export_format(Path("a.ods"))
    assert export_format(Path("a.geojson"), "GeoJSON") == "geojson"  # agreeing: fine


def test_a_format_that_contradicts_the_extension_is_refused() -> None:
    # a CSV written to a .gpkg file would not re-import ("cannot be read as GeoPackage")
    with pytest.raises(DataError, match=r"e12.gpkg names a gpkg file but --format is csv") as e:
        export_format(Path("e12.gpkg"), "csv")
    assert e.value.hint == "name the file e12.csv or leave --format out"
    with pytest.raises(DataError, match=r"^e12.xlsx names an xlsx file but"):  # not "a xlsx"
        export_format(Path("e12.xlsx"), "csv")


@pytest.fixture
def committed(engine: Engine) -> Iterator[None]:
    """Rows the CLI commits, removed (with their history) afterwards."""
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'X-%'"))
        c.execute(sa.text("DELETE FROM layer_history WHERE external_id LIKE 'X-%'"))
        prune_sources(c)


def test_cli_import_export_layers(committed: None, engine: Engine, tmp_path: Path) -> None:
    with engine.connect() as c:
        require_layers(c)
    runner = CliRunner()
    src = write(tmp_path / "c.csv", CSV)
    dry = runner.invoke(app, ["import", "centres", str(src), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["inserted"] == 2
    done = runner.invoke(app, ["import", "centres", str(src)])
    assert done.exit_code == 0
    assert "inserted 2" in done.stdout
    again = runner.invoke(app, ["import", "centres", str(src)])
    assert "2 unchanged" in again.stdout
    bad = write(tmp_path / "bad.csv", CSV.replace("CAS", "XYZ"))
    refused = runner.invoke(app, ["import", "centres", str(bad)])
    assert refused.exit_code == 1
    assert "row 2, centre_type: unknown value 'XYZ'" in refused.stdout
    out = tmp_path / "planned.geojson"
    exported = runner.invoke(
        app, ["export", "centres", str(out), "--where", "status=planned", "--no-demo", "--json"]
    )
    assert exported.exit_code == 0, exported.output
    result = json.loads(exported.stdout)
    back = gpd.read_file(out)
    assert result["rows"] == len(back)
    assert "X-2" in set(back["external_id"])
    assert set(back["status"]) == {"planned"}
    listing = runner.invoke(app, ["layers", "--json"])
    assert {r["layer"] for r in json.loads(listing.stdout)} >= {"centres", "beaches"}
    unknown = runner.invoke(app, ["export", "hospitals", str(out)])
    assert unknown.exit_code == 1
    assert "unknown layer 'hospitals'" in unknown.output


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "xlsx", "kml"])
def test_every_export_carries_each_rows_licence_and_reads_it_back(
    committed: None, engine: Engine, tmp_path: Path, fmt: str
) -> None:
    """Rows shared from healthsites.io (ODbL) keep their attribution in the file they are
    exported to, beside demonstration rows (CC0), and an import of that file elsewhere
    records it."""
    with engine.connect() as c:
        require_layers(c)
        demo_id, demo_licence = c.execute(
            sa.text(
                "SELECT t.external_id, s.licence FROM centres t JOIN layer_sources s "
                "ON s.layer = 'centres' AND s.row_source = t.source WHERE t.is_demo "
                "ORDER BY t.id LIMIT 1"
            )
        ).one()
    runner = CliRunner()
    src = write(tmp_path / "hs.csv", CSV)
    args = ["--source", "healthsites.io 2020", "--licence", "ODbL 1.0"]
    assert runner.invoke(app, ["import", "centres", str(src), *args]).exit_code == 0
    out = tmp_path / f"shared.{fmt}"
    where = f"external_id=X-1,X-2,{demo_id}"
    done = runner.invoke(app, ["export", "centres", str(out), "--where", where])
    assert done.exit_code == 0, done.output
    back = (
        pd.read_csv(out, encoding="utf-8-sig", dtype=str)
        if fmt == "csv"
        else pyogrio.read_dataframe(out)
        if fmt == "xlsx"
        else gpd.read_file(out)
    )
    licences = dict(zip(back["external_id"], back["licence"], strict=True))
    assert licences == {"X-1": "ODbL 1.0", "X-2": "ODbL 1.0", demo_id: demo_licence}
    columns = list(back.columns)
    assert columns.index("licence") == columns.index("source") + 1
    with engine.begin() as c:  # the receiving database: a scratch copy, rolled back below
        c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'X-%'"))
        c.execute(sa.text("DELETE FROM layer_sources WHERE row_source = 'healthsites.io 2020'"))
    with engine.connect() as c:
        trans = c.begin()
        try:
            report = import_and_record(
                c, "centres", read_file(out), ImportOptions(), source=out.name
            )
            assert report.inserted == 2  # the demonstration row is unchanged
            assert not [w for w in report.warnings if "licence" in str(w)]  # read, not left out
            entry = c.execute(
                sa.text(
                    "SELECT licence FROM layer_sources WHERE layer = 'centres' "
                    "AND row_source = 'healthsites.io 2020'"
                )
            ).scalar_one()
            assert entry == "ODbL 1.0"
        finally:
            trans.rollback()


@pytest.mark.parametrize("layer", ["centres", "beaches", "transport_stops", "accessible_cities"])
def test_a_kml_export_opens_in_google_earth_terms_and_imports_back_unchanged(
    engine: Engine, tmp_path: Path, layer: str
) -> None:
    # KML was offered by no export: a municipality working in Google Earth converted by hand
    with engine.connect() as c:
        require_layers(c)
    runner = CliRunner()
    out = tmp_path / f"{layer}.kml"
    done = runner.invoke(app, ["export", layer, str(out), "--json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)["rows"]
    assert rows > 0, "load the demonstration layers with `walouja load`"
    text = out.read_text(encoding="utf-8")
    assert text.count("<Placemark") == rows
    with engine.connect() as c:
        first = c.execute(sa.text(f"SELECT name FROM {layer} ORDER BY name LIMIT 1")).scalar_one()
    assert f"<name>{first}</name>" in text  # each placemark is named by its row's name
    again = runner.invoke(app, ["import", layer, str(out), "--dry-run", "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert (report["inserted"], report["updated"], report["unchanged"]) == (0, 0, rows)


@pytest.mark.parametrize("name", ["earth", "earth.txt"])
def test_a_kml_written_under_another_name_is_one_file(tmp_path: Path, name: str) -> None:
    # `walouja export beaches earth --format kml` (and `scenarios export`) made a folder
    # "earth" of two KML files: GDAL's KML writer knows a file by its .kml extension
    from geo.io_read import read_kml

    frame = gpd.GeoDataFrame(
        {"name": ["Plage Ain Diab", "شاطئ الصخيرات"]},
        geometry=gpd.points_from_xy([-7.67, -7.03], [33.59, 33.84]),
        crs="EPSG:4326",
    )
    out = tmp_path / name
    assert write_frame(frame, out, "kml", layer="beaches") is False
    assert out.is_file()
    assert read_kml(out).records["Name"].tolist() == ["Plage Ain Diab", "شاطئ الصخيرات"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no partial file left


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "kml"])
def test_an_exported_file_names_its_layer_as_walouja_does(tmp_path: Path, fmt: str) -> None:
    # a GeoJSON export was named by its temporary file: QGIS listed the layer of
    # "walouja_centres.geojson" as ".walouja_centres.partial"
    frame = gpd.GeoDataFrame(
        {"name": ["Centre Ibn Sina"]},
        geometry=gpd.points_from_xy([FES[0]], [FES[1]]),
        crs="EPSG:4326",
    )
    out = tmp_path / f"walouja_centres.{fmt}"
    write_frame(frame, out, fmt, layer="centres")
    assert [str(name) for name, _kind in pyogrio.list_layers(out)] == ["centres"]
