"""Imports of files a reviewer found mishandled: exports of demonstration rows, dates read
from GeoJSON, values too large for their column, empty layers, a given CRS, and files or
cells that are not what they seem. Each asserts what the user sees and that nothing else
was written."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from geo.export import write_frame
from geo.importer import import_file
from geo.io_read import read_file
from geo.layers import LayerFilter, get_layer, read_layer
from geo.validate import INT4_MAX, MAXIMUM
from tests.geo.fixtures.support import AGADIR, FES, RABAT, count, require_layers, run_import, write
from walouja.errors import DataError
from walouja.settings import Settings

DEMO_CSV = (
    "external_id,name,centre_type,capacity,status,opened,is_demo,lon,lat\n"
    f"D-1,Centre démo Fès,COAPH,40,operating,2016-12-01,True,{FES[0]},{FES[1]}\n"
    f"D-2,Centre démo Rabat,CAS,,planned,,true,{RABAT[0]},{RABAT[1]}\n"
)
IFRANE = (-5.1107, 33.5228)  # a commune without a demonstration accessible city


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def _demo_rows(db: Connection) -> gpd.GeoDataFrame:
    return read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["D-1", "D-2"]}))


def _geojson(path: Path, *features: tuple[dict[str, object], tuple[float, float]]) -> Path:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": list(xy)},
            }
            for props, xy in features
        ],
    }
    return write(path, json.dumps(collection, ensure_ascii=False))


# 1. an export of demonstration rows re-imports unchanged, and they stay demonstration rows


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_a_demonstration_export_reimports_unchanged_and_stays_demo(
    db: Connection, tmp_path: Path, fmt: str
) -> None:
    first = run_import(db, "centres", write(tmp_path / "demo.csv", DEMO_CSV))
    assert (first.inserted, first.rejected) == (2, 0)
    assert _demo_rows(db)["is_demo"].tolist() == [True, True]  # the file's value is kept
    path = tmp_path / f"export.{fmt}"
    write_frame(_demo_rows(db), path, fmt, layer="centres")
    again = run_import(db, "centres", path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    rows = _demo_rows(db)
    assert rows["is_demo"].tolist() == [True, True]
    assert rows["opened"].tolist()[0] == dt.date(2016, 12, 1)


def test_without_an_is_demo_column_rows_are_real_data(db: Connection, tmp_path: Path) -> None:
    plain = DEMO_CSV.replace(",is_demo", "").replace(",True", "").replace(",true", "")
    report = run_import(db, "centres", write(tmp_path / "real.csv", plain))
    assert report.inserted == 2
    assert _demo_rows(db)["is_demo"].tolist() == [False, False]


def test_an_is_demo_value_that_is_not_yes_or_no_is_rejected(db: Connection, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", DEMO_CSV.replace(",true,", ",maybe,"))
    before = count(db, "centres")
    report = run_import(db, "centres", path)
    assert [str(p) for p in report.problems] == ["row 3, is_demo: not yes/no: 'maybe'"]
    assert report.refused
    assert count(db, "centres") == before


# 2. dates as a GeoJSON reader gives them (datetimes at midnight, or with a time of day)


def test_geojson_dates_are_read_as_dates(db: Connection, tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "dated.geojson",
        ({"name": "Centre daté", "centre_type": "CAS", "opened": "2018-04-01"}, FES),
        ({"name": "Centre horodaté", "centre_type": "EMF", "opened": "2019-05-02T10:30:00"}, RABAT),
    )
    report = run_import(db, "centres", path)
    assert (report.inserted, report.rejected) == (2, 0)
    frame = read_layer(
        db, "centres", where=LayerFilter(equals={"name": ["Centre daté", "Centre horodaté"]})
    )
    assert sorted(frame["opened"]) == [dt.date(2018, 4, 1), dt.date(2019, 5, 2)]
    assert run_import(db, "centres", path).unchanged == 2


def test_accessible_cities_geojson_export_with_a_convention_date_reimports(
    db: Connection, tmp_path: Path
) -> None:
    text = (
        "external_id,name,stage,convention_date,start_year,end_year,budget_mad,lon,lat\n"
        f"V-1,Ville test,completed,2019-03-01,2019,2022,1250000.50,{IFRANE[0]},{IFRANE[1]}\n"
    )
    assert run_import(db, "accessible_cities", write(tmp_path / "v.csv", text)).inserted == 1
    frame = read_layer(db, "accessible_cities", where=LayerFilter(equals={"external_id": ["V-1"]}))
    path = tmp_path / "v.geojson"
    write_frame(frame, path, "geojson", layer="accessible_cities")
    report = run_import(db, "accessible_cities", path)
    assert (report.unchanged, report.rejected) == (1, 0)


# 3. values that overflow their column are rejected rows, before anything is written


def test_capacities_too_large_or_infinite_are_rejected_rows(db: Connection, tmp_path: Path) -> None:
    # a centre of 1,000,000,000 places was accepted (an integer's maximum was the bound):
    # the 340 EPS hold 31,590 places in all, the largest institution a few thousand
    text = (
        "name,centre_type,capacity,lon,lat\n"
        f"Centre juste,CAS,10000,{FES[0]},{FES[1]}\n"
        f"Centre inf,CAS,inf,{RABAT[0]},{RABAT[1]}\n"
        f"Centre énorme,CAS,1e400,{AGADIR[0]},{AGADIR[1]}\n"
        f"Centre trop,CAS,3000000000,{RABAT[0] + 0.05},{RABAT[1]}\n"
        f"Centre milliard,EPS,1000000000,{RABAT[0] + 0.1},{RABAT[1]}\n"
        f"Centre un de trop,EPS,10001,{AGADIR[0] + 0.1},{AGADIR[1]}\n"
    )
    path = write(tmp_path / "cap.csv", text)
    before = count(db, "centres")
    refused = run_import(db, "centres", path)
    assert [str(p) for p in refused.problems] == [
        "row 3, capacity: not a number: 'inf'",
        "row 4, capacity: not a number: '1e400'",
        "row 5, capacity: too large (at most 10,000): 3000000000",
        "row 6, capacity: too large (at most 10,000): 1000000000",
        "row 7, capacity: too large (at most 10,000): 10001",
    ]
    # the bound as a number, for each interface to write as it writes figures
    assert refused.problems[3].params == {"maximum": Decimal(10_000), "value": "1000000000"}
    assert refused.refused
    assert count(db, "centres") == before
    kept = run_import(db, "centres", path, skip_invalid=True)
    assert (kept.inserted, kept.rejected) == (1, 5)
    assert count(db, "centres", "name = 'Centre juste' AND capacity = 10000") == 1


def test_accessible_city_budgets_and_years_beyond_their_columns_are_rejected(
    db: Connection, tmp_path: Path
) -> None:
    # a city's budget is at most 100,000,000 MAD (the column took 99,999,999,999,999.99)
    text = (
        "name,stage,start_year,end_year,budget_mad,lon,lat\n"
        f"Ville A,completed,2019,2022,1e20,{FES[0]},{FES[1]}\n"
        f"Ville B,completed,2019,2022,inf,{RABAT[0]},{RABAT[1]}\n"
        f"Ville C,completed,2019,2101,,{AGADIR[0]},{AGADIR[1]}\n"
        f"Ville D,completed,2022,2019,99999999999999.99,{AGADIR[0] + 0.3},{AGADIR[1] + 0.3}\n"
        f"Ville E,completed,2019,2022,100000000.01,{RABAT[0] + 0.1},{RABAT[1]}\n"
        f"Ville F,completed,2019,2022,100000000,{FES[0] + 0.1},{FES[1]}\n"
    )
    before = count(db, "accessible_cities")
    report = run_import(db, "accessible_cities", write(tmp_path / "v.csv", text))
    assert [str(p) for p in report.problems] == [
        "row 2, budget_mad: too large (at most 100,000,000): 1e20",
        "row 3, budget_mad: not a number: 'inf'",
        "row 4, end_year: too large (at most 2100): 2101",
        "row 5, budget_mad: too large (at most 100,000,000): 99999999999999.99",
        "row 5, end_year: end_year 2019 is before start_year 2022",
        "row 6, budget_mad: too large (at most 100,000,000): 100000000.01",
    ]
    assert count(db, "accessible_cities") == before


# 3c, 3d. empty layers and folders


def test_an_empty_feature_collection_is_refused_as_an_empty_csv_is(
    db: Connection, tmp_path: Path
) -> None:
    empty = gpd.GeoDataFrame({"name": [], "centre_type": []}, geometry=[], crs=4326)
    empty.to_file(tmp_path / "e.gpkg", driver="GPKG")
    files = (
        write(tmp_path / "e.csv", "name,centre_type,lon,lat\n"),
        write(tmp_path / "e.geojson", '{"type":"FeatureCollection","features":[]}'),
        tmp_path / "e.gpkg",
    )
    for path in files:
        with pytest.raises(DataError) as caught:
            run_import(db, "centres", path)
        assert caught.value.code == "no_data_rows"
        assert caught.value.message == f"{path.name} has no data rows: nothing to import"


def test_a_folder_is_refused_by_its_path(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "adir.csv"
    folder.mkdir()
    with pytest.raises(DataError, match=r"adir\.csv is a folder, not a file") as caught:
        import_file(settings, "centres", folder)
    assert caught.value.code == "not_a_file"
    with pytest.raises(DataError, match=r"^\. is a folder"):
        import_file(settings, "centres", Path("."))


# 4. --crs overrides the CRS a file states


def test_given_crs_overrides_a_geojson_read_as_lonlat(db: Connection, tmp_path: Path) -> None:
    # Rabat's Hassan tower in Merchich / Nord Maroc metres, in a GeoJSON without a crs member
    x, y = gpd.GeoSeries([Point(-6.8228, 34.0240)], crs=4326).to_crs(26191).iloc[0].coords[0]
    path = _geojson(tmp_path / "m.geojson", ({"name": "Plage m"}, (x, y)))
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", path)
    assert str(caught.value) == (  # advice for a GeoJSON, whose missing crs member means degrees
        "m.geojson: the coordinates are not longitude/latitude (they look like projected "
        "metres), but a GeoJSON file is read as longitude/latitude (EPSG:4326) unless its crs "
        "member names another CRS — give the CRS they are in (for example --crs EPSG:26191 for "
        "Merchich / Nord Maroc)"
    )
    report = run_import(db, "beaches", path, crs="EPSG:26191")
    assert (report.inserted, report.rejected) == (1, 0)
    assert "m.geojson states the CRS EPSG:4326; read as EPSG:26191 as asked (--crs)" in (
        report.warnings
    )
    row = read_layer(db, "beaches", where=LayerFilter(equals={"name": ["Plage m"]})).iloc[0]
    assert row["geom"].distance(Point(-6.8228, 34.0240)) < 1e-5


@pytest.mark.parametrize("typed", ["EPSG 26191", "epsg : 26191", " epsg:26191 "])
def test_a_crs_typed_with_a_space_is_read_as_its_epsg_code(
    db: Connection, tmp_path: Path, typed: str
) -> None:
    # "EPSG 26191" typed in the Data page's box was "not a coordinate reference system
    # Walouja knows": the code was there, only the colon was missing
    x, y = gpd.GeoSeries([Point(-6.8228, 34.0240)], crs=4326).to_crs(26191).iloc[0].coords[0]
    path = write(tmp_path / "m.csv", f"name;x;y\nPlage m;{x:.2f};{y:.2f}\n")
    report = run_import(db, "beaches", path, crs=typed, dry_run=True)
    assert (report.inserted, report.rejected) == (1, 0)


def test_given_crs_overrides_a_shapefile_prj_with_a_note(db: Connection, tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"name": ["Plage p"]}, geometry=[Point(-6.8228, 34.0240)], crs=4326)
    gdf.to_crs(26191).to_file(tmp_path / "p.shp")
    same = run_import(db, "beaches", tmp_path / "p.shp", crs="EPSG:26191", dry_run=True)
    assert not any("states the CRS" in w for w in same.warnings)
    other = run_import(db, "beaches", tmp_path / "p.shp", crs="EPSG:26192", dry_run=True)
    assert "p.shp states the CRS EPSG:26191; read as EPSG:26192 as asked (--crs)" in (
        other.warnings
    )


def test_a_crs_given_against_the_files_own_names_both(db: Connection, tmp_path: Path) -> None:
    # a GeoPackage in Merchich / Nord Maroc metres, imported with --crs EPSG:4326 by mistake
    gdf = gpd.GeoDataFrame({"name": ["Plage g"]}, geometry=[Point(-6.8228, 34.0240)], crs=4326)
    gdf.to_crs(26191).to_file(tmp_path / "hs_26191.gpkg")
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", tmp_path / "hs_26191.gpkg", crs="EPSG:4326")
    assert caught.value.code == "given_crs_not_lonlat"
    assert str(caught.value) == (
        "hs_26191.gpkg: the coordinates are not longitude/latitude (they look like projected "
        "metres), but the CRS given, EPSG:4326, is in degrees; the file's own CRS is "
        "EPSG:26191 — leave --crs out to read them in the file's own CRS, EPSG:26191, or give "
        "the CRS they are in"
    )
    assert run_import(db, "beaches", tmp_path / "hs_26191.gpkg").inserted == 1  # as advised
    # the same points in degrees, with --crs EPSG:26191 by mistake
    gdf.to_file(tmp_path / "hs_4326.gpkg")
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", tmp_path / "hs_4326.gpkg", crs="EPSG:26191")
    assert caught.value.code == "lonlat_in_given_crs"
    assert caught.value.params["file_crs"] == "EPSG:4326"
    assert "the CRS given, EPSG:26191, is projected in metres" in caught.value.message
    # a GeoPackage that states degrees but holds metres: the file's CRS is the wrong one
    gdf.to_crs(26191).set_crs(4326, allow_override=True).to_file(tmp_path / "wrong.gpkg")
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", tmp_path / "wrong.gpkg")
    assert caught.value.code == "not_lonlat_in_degrees_crs"
    assert "the file's CRS (EPSG:4326) is in degrees" in caught.value.message
    assert caught.value.hint is not None
    assert "crs member" not in caught.value.hint  # no GeoJSON advice for a GeoPackage
    assert caught.value.hint.startswith("the file states a wrong CRS: give the one")


def test_a_crs_given_for_a_file_that_states_none_says_so(db: Connection, tmp_path: Path) -> None:
    x, y = gpd.GeoSeries([Point(*RABAT)], crs=4326).to_crs(26191).iloc[0].coords[0]
    metres = write(tmp_path / "m.csv", f"name;x;y\nPlage c;{x:.1f};{y:.1f}\n")
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", metres, crs="EPSG:4326")
    assert caught.value.code == "given_crs_not_lonlat_unstated"
    assert caught.value.message == (
        "m.csv: the coordinates are not longitude/latitude (they look like projected metres), "
        "but the CRS given, EPSG:4326, is in degrees (the file states none)"
    )
    assert run_import(db, "beaches", metres, crs="EPSG:26191").inserted == 1


# 5. files GDAL or the csv module would describe in their own words


def test_a_csv_with_carriage_return_line_endings_is_read(db: Connection, tmp_path: Path) -> None:
    text = f"name,centre_type,lon,lat\rCentre CR,CAS,{FES[0]},{FES[1]}\r"
    report = run_import(db, "centres", write(tmp_path / "cr.csv", text))
    assert (report.rows_read, report.inserted) == (1, 1)


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_a_shapefile_without_a_companion_file_names_it(tmp_path: Path, part: str) -> None:
    gdf = gpd.GeoDataFrame({"name": ["A"]}, geometry=[Point(*FES)], crs=4326)
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "c.shp")
    archive = tmp_path / "c.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            if file.suffix != part:
                zf.write(file, file.name)
    (folder / f"c{part}").unlink()
    for path in (folder / "c.shp", archive):
        with pytest.raises(DataError, match=rf"the Shapefile c\.shp has no \{part} file") as caught:
            read_file(path)
        assert caught.value.params == {"name": path.name, "shp": "c.shp", "part": part}


# 6, 7. GeoJSON properties that are booleans, lists or objects


def test_geojson_booleans_lists_and_objects(
    db: Connection, tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    path = _geojson(
        tmp_path / "w.geojson",
        ({"name": ["a", "b"], "centre_type": "COAPH", "capacity": {"x": 1}}, FES),
        ({"name": "Centre ok", "centre_type": "CAS", "services": ["medical", "day care"]}, RABAT),
        ({"name": "Centre bool", "centre_type": True}, AGADIR),
    )
    report = run_import(db, "centres", path, skip_invalid=True)
    assert [str(p) for p in report.problems] == [
        'row 1, capacity: a list or object, not a single value: {"x": 1}',
        'row 1, name: a list or object, not a single value: ["a", "b"]',
        "row 3, centre_type: unknown value 'true' (expected one of: COAPH, CAS, CAPE, EMF, "
        "CJPA, EPS, other)",
    ]
    row = read_layer(db, "centres", where=LayerFilter(equals={"name": ["Centre ok"]})).iloc[0]
    assert list(row["services"]) == ["day_care", "medical"]
    assert [str(w.message) for w in recwarn] == []  # no library warning reaches the user


# 7. rules between fields, plausible dates, GTFS stops without an id


def test_an_opening_date_in_the_future_is_refused_for_an_operating_centre(
    db: Connection, tmp_path: Path
) -> None:
    soon = dt.date.today() + dt.timedelta(days=400)
    text = (
        "name,centre_type,status,opened,lon,lat\n"
        f"Centre futur,CAS,operating,{soon},{FES[0]},{FES[1]}\n"
        f"Centre prévu,CAS,planned,{soon},{RABAT[0]},{RABAT[1]}\n"
        f"Centre absurde,CAS,planned,9999-12-31,{AGADIR[0]},{AGADIR[1]}\n"
        # a year alone, too early or too late: the same reason either way
        f"Centre ancien,CAS,planned,1850,{AGADIR[0] + 0.01},{AGADIR[1]}\n"
        f"Centre lointain,CAS,planned,2099,{AGADIR[0] + 0.02},{AGADIR[1]}\n"
    )
    latest = f"{dt.date.today().year + 10}-12-31"
    report = run_import(db, "centres", write(tmp_path / "d.csv", text))
    assert [str(p) for p in report.problems] == [
        f"row 2, opened: {soon} is in the future, but the status is 'operating'",
        f"row 4, opened: 9999-12-31 is not a plausible date (expected 1900-01-01 to {latest})",
        f"row 5, opened: 1850-01-01 is not a plausible date (expected 1900-01-01 to {latest})",
        f"row 6, opened: 2099-01-01 is not a plausible date (expected 1900-01-01 to {latest})",
    ]


def test_gtfs_stops_without_a_stop_id_are_rejected(db: Connection, tmp_path: Path) -> None:
    path = write(
        tmp_path / "stops.txt",
        "stop_id,stop_name,stop_lat,stop_lon\n"
        f"B1,Place Atlas,{FES[1]},{FES[0]}\n"
        f",Sans id,{RABAT[1]},{RABAT[0]}\n"
        f" ,Sans id non plus,{AGADIR[1]},{AGADIR[0]}\n",
    )
    before = count(db, "transport_stops")
    report = run_import(db, "transport_stops", path, defaults={"mode": "bus"})
    assert [str(p) for p in report.problems] == [
        "row 3, stop_id: required value missing",
        "row 4, stop_id: required value missing",
    ]
    assert report.refused
    assert count(db, "transport_stops") == before


def test_the_largest_values_accepted_fit_the_columns(db: Connection) -> None:
    """``geo.validate.MAXIMUM`` fits the column types the migrations create (a budget's is
    below its column's: no city's budget comes near it)."""
    for layer in ("centres", "accessible_cities"):
        for spec in get_layer(layer).fields:
            if spec.kind not in ("int", "number"):
                continue
            kind, precision, scale = db.execute(
                sa.text(
                    "SELECT data_type, numeric_precision, numeric_scale "
                    "FROM information_schema.columns WHERE table_name = :t AND column_name = :c"
                ),
                {"t": layer, "c": spec.name},
            ).one()
            largest = MAXIMUM.get(spec.name, INT4_MAX)
            if kind == "integer":
                assert largest <= 2**31 - 1, spec.name
            else:
                assert kind == "numeric", spec.name
                assert largest <= Decimal(10) ** (precision - scale) - Decimal(10) ** -scale


def test_a_csv_saved_by_french_excel_names_the_line_to_look_at(tmp_path: Path) -> None:
    # Excel's "CSV (séparateur: point-virgule)" is Windows-1252: the refusal named a byte
    # position ("invalid byte at position 48") that no spreadsheet shows
    path = tmp_path / "centres.csv"
    text = "nom;type;lon;lat\r\nCentre Rabat;CAS;-6,84;34,02\r\nCentre Fès;COAPH;-5,00;34,03\r\n"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DataError) as caught:
        read_file(path)
    assert caught.value.message == (
        "centres.csv is not UTF-8 text: line 3 holds a character saved in another encoding "
        "(most likely Windows-1252)"
    )
    assert caught.value.hint == (
        'save it as UTF-8 ("CSV UTF-8" in Excel or LibreOffice), or import the workbook '
        "itself (.xlsx or .ods)"
    )
    assert caught.value.params == {"name": "centres.csv", "line": 3, "encoding": "Windows-1252"}


def test_a_csv_saved_by_an_arabic_windows_names_windows_1256(tmp_path: Path) -> None:
    # the hint named Windows-1252 for bytes that Windows-1256 reads as the Arabic names
    path = tmp_path / "arrets.csv"
    text = (
        "nom;nom_ar;lon;lat\r\nArrêt Fès;محطة فاس;-5,00;34,03\r\n"
        "Bab Ftouh;باب الفتوح;-4,96;34,06\r\n"
    )
    path.write_bytes(text.encode("cp1256"))
    with pytest.raises(DataError) as caught:
        read_file(path)
    assert caught.value.params == {"name": "arrets.csv", "line": 2, "encoding": "Windows-1256"}
    assert caught.value.message.endswith("(most likely Windows-1256)")


def test_a_file_named_only_in_arabic_is_named(db: Connection, tmp_path: Path) -> None:
    # its name column الاسم is the Arabic name: every row was refused as having no name
    path = write(
        tmp_path / "plages.csv",
        "الاسم,خط الطول,خط العرض\n"
        "شاطئ الاختبار الأول,-6.8416,34.0209\n"
        "شاطئ الاختبار الثاني,-9.6,30.42\n",
    )
    report = run_import(db, "beaches", path)
    assert (report.inserted, report.rejected) == (2, 0), report.problems
    names = db.execute(
        sa.text(
            "SELECT name, name_ar FROM beaches "
            "WHERE name_ar IN ('شاطئ الاختبار الأول', 'شاطئ الاختبار الثاني') ORDER BY name"
        )
    ).all()
    assert sorted(tuple(r) for r in names) == sorted(
        [("شاطئ الاختبار الأول",) * 2, ("شاطئ الاختبار الثاني",) * 2]
    )
    # a file with both keeps its own Latin name
    both = write(
        tmp_path / "b.csv",
        "name,الاسم,lon,lat\nPlage Essai Trois,شاطئ الاختبار الثالث,-9.79,31.35\n",
    )
    run_import(db, "beaches", both)
    assert (
        db.execute(
            sa.text("SELECT name FROM beaches WHERE name_ar = 'شاطئ الاختبار الثالث'")
        ).scalar_one()
        == "Plage Essai Trois"
    )


def test_empty_lines_above_the_column_names_are_skipped_rows_keep_their_numbers(
    db: Connection, tmp_path: Path
) -> None:
    # a spreadsheet's empty first rows: the header was read as one empty column and every row
    # as having the wrong number of fields, refused as "no lon/lat columns"
    path = write(
        tmp_path / "vides.csv",
        f"\r\n;;;\r\nname;centre_type;lon;lat\r\nCentre A;CAS;{FES[0]};{FES[1]}\r\n"
        f"Centre B;XYZ;{RABAT[0]};{RABAT[1]}\r\n",
    )
    table = read_file(path)
    assert table.records.index.tolist() == [4, 5]  # the rows the spreadsheet shows
    report = run_import(db, "centres", path, dry_run=True)
    assert [(p.row, p.field, p.code) for p in report.problems] == [
        (5, "centre_type", "unknown_value")
    ]


def test_empty_lines_after_a_separator_line_keep_their_row_numbers(
    db: Connection, tmp_path: Path
) -> None:
    # Excel hides the "sep=;" line but shows the empty rows after it: the header is row 3,
    # and row B (row 5 in a spreadsheet) was reported as row 3
    path = write(
        tmp_path / "sep_vides.csv",
        f"sep=;\r\n\r\n;;;\r\nname;centre_type;lon;lat\r\nCentre A;CAS;{FES[0]};{FES[1]}\r\n"
        f"Centre B;XXX;{RABAT[0]};{RABAT[1]}\r\n",
    )
    assert read_file(path).records.index.tolist() == [4, 5]
    report = run_import(db, "centres", path, dry_run=True)
    assert [(p.row, p.field, p.code) for p in report.problems] == [
        (5, "centre_type", "unknown_value")
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_title_above_the_column_names_says_where_they_are(
    db: Connection, tmp_path: Path, suffix: str
) -> None:
    # it said the file had no lon/lat columns, which it has, one row down
    rows = [["name", "centre_type", "lon", "lat"], ["Centre A", "CAS", str(FES[0]), str(FES[1])]]
    path = tmp_path / f"liste{suffix}"
    if suffix == ".csv":
        write(path, "Liste des centres 2026;;;\n" + "".join(";".join(r) + "\n" for r in rows))
    else:
        import pandas as pd
        import pyogrio

        frame = pd.DataFrame(rows, columns=["Liste des centres 2026", "B", "C", "D"])
        pyogrio.write_dataframe(frame, path, driver="XLSX", layer="Feuil1")
    before = count(db, "centres")
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", path)
    assert caught.value.code == "header_not_first_row"
    assert str(caught.value) == (
        f"liste{suffix}: the column names are in row 2, but they must be in row 1 — delete the "
        "rows above the column names (a title, empty rows), save, and import the file again"
    )
    assert count(db, "centres") == before


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_title_without_a_separator_says_where_the_column_names_are(
    db: Connection, tmp_path: Path, sep: str
) -> None:
    # "Liste des centres 2026" alone on its line made the file one column: "no geometry"
    rows = [["name", "centre_type", "lon", "lat"], ["Centre A", "CAS", str(FES[0]), str(FES[1])]]
    body = "".join(sep.join(r) + "\r\n" for r in rows).replace(".", "," if sep == ";" else ".")
    path = write(tmp_path / "liste.csv", "Liste des centres 2026\r\n" + body)
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", path)
    assert caught.value.code == "header_not_first_row"
    assert caught.value.params["row"] == 2
    # a title above a position in one column ("Coordonnées GPS") too: "no geometry"
    pair = write(
        tmp_path / "paires.csv",
        f'Liste des centres 2026;;\r\nnom;type;Coordonnées GPS\r\nA;CAS;"{FES[1]}, {FES[0]}"\r\n',
    )
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", pair)
    assert (caught.value.code, caught.value.params["row"]) == ("header_not_first_row", 2)
    # a one-column file of WKT is no title above column names
    wkt = write(tmp_path / "wkt.csv", f"wkt\r\nPOINT ({FES[0]} {FES[1]})\r\n")
    assert read_file(wkt).records.columns.tolist() == ["wkt"]


def _two_layer_gpkg(path: Path, first: str, second: str) -> Path:
    """A GeoPackage whose first layer ``first`` holds a zone (a polygon) and whose second
    ``second`` holds two centres (points)."""
    from shapely.geometry import box

    zone = gpd.GeoDataFrame(
        {"name": ["Zone d'étude"], "centre_type": ["CAS"]},
        geometry=[box(FES[0] - 0.01, FES[1] - 0.01, FES[0] + 0.01, FES[1] + 0.01)],
        crs=4326,
    )
    centres = gpd.GeoDataFrame(
        {"name": ["Centre couche A", "Centre couche B"], "centre_type": ["CAS", "COAPH"]},
        geometry=[Point(*FES), Point(*RABAT)],
        crs=4326,
    )
    zone.to_file(path, layer=first)
    centres.to_file(path, layer=second)
    return path


@pytest.mark.parametrize(
    ("layers", "note"),
    [
        (
            ("zones", "etablissements"),
            "centres.gpkg has 2 layers; read etablissements, the first that holds points "
            "(zones, the first layer, holds none)",
        ),
        (
            ("zones", "Centres"),
            "centres.gpkg has 2 layers; read Centres, named as the layer imported into (the "
            "first is zones)",
        ),
    ],
)
def test_a_geopackage_of_zones_then_centres_gives_its_centres(
    db: Connection, tmp_path: Path, layers: tuple[str, str], note: str
) -> None:
    # its first layer, the zones, was read: each polygon imported as a centre at a point on
    # its surface, the centres left out, with a note that only the first layer was read
    path = _two_layer_gpkg(tmp_path / "centres.gpkg", *layers)
    report = run_import(db, "centres", path, dry_run=True)
    assert (report.rows_read, report.inserted, report.rejected) == (2, 2, 0)
    assert note in report.warnings
    assert not any(getattr(w, "code", "") == "non_point_geometries" for w in report.warnings)


def test_a_geopackage_names_the_layer_for_its_french_label(db: Connection, tmp_path: Path) -> None:
    path = _two_layer_gpkg(tmp_path / "donnees.gpkg", "centres", "plages")
    table = read_file(path, layer="beaches")
    assert table.records["name"].tolist() == ["Centre couche A", "Centre couche B"]
    assert [getattr(w, "code", "") for w in table.warnings] == ["several_layers_by_name"]


def test_coordinate_columns_with_a_note_in_brackets_are_read(
    db: Connection, tmp_path: Path
) -> None:
    # « Longitude (X) », « Latitude (Y) » as a GIS or a survey sheet heads them: refused as
    # having no lon/lat columns
    path = write(
        tmp_path / "releve.csv",
        "nom;type;Longitude (X);Latitude (Y);Altitude (m)\n"
        f"Centre relevé;CAS;{FES[0]};{FES[1]};410\n",
    )
    report = run_import(db, "centres", path, dry_run=True)
    assert (report.inserted, report.rejected) == (1, 0)
    assert "1 column left out, as centres has no such field: Altitude (m)" in report.warnings


def test_a_kml_file_is_read_and_a_renamed_one_named_a_kml(tmp_path: Path) -> None:
    kml = (
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>'
        "<name>Plages</name><Placemark><name>Plage A</name>"
        f"<Point><coordinates>{FES[0]},{FES[1]},12</coordinates></Point></Placemark>"
        "</Folder></Document></kml>"
    )
    table = read_file(write(tmp_path / "plages.kml", kml), layer="beaches")
    assert (table.format, list(table.records.columns)) == ("kml", ["Name"])
    assert list(table.records["Name"]) == ["Plage A"]
    assert table.geometry is not None
    assert [(p.x, p.y, p.has_z) for p in table.geometry] == [(FES[0], FES[1], False)]
    with pytest.raises(DataError) as caught:  # saved under a .csv name
        read_file(write(tmp_path / "plages.csv", kml))
    assert caught.value.code == "format_is_other"
    assert str(caught.value) == (
        "plages.csv is not in the CSV format: it is in the KML format — import it with "
        "--format kml, or rename it to end in .kml"
    )


def test_coordinates_in_degrees_minutes_and_seconds_are_read(
    db: Connection, tmp_path: Path
) -> None:
    # as a GPS or Google Earth writes them: every row was "not a number"
    path = write(
        tmp_path / "gps.csv",
        "name;centre_type;lon;lat\n"
        "Centre GPS A;CAS;5°00'01\"W;34°01'59\"N\n"
        "Centre GPS B;CAS;O 6° 50,496';N 34° 1,254'\n"
        "Centre GPS C;CAS;-6°50'75\";34°01'15\"\n",
    )
    report = run_import(db, "centres", path, skip_invalid=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert [(p.row, p.field, p.code) for p in report.problems] == [(4, "lon", "not_a_number")]
    assert (
        "5 coordinates read from degrees, minutes and seconds (e.g. 5°00'01\"W as -5.000278)"
        in report.warnings
    )
    rows = read_layer(db, "centres", where=LayerFilter(equals={"name": ["Centre GPS A"]}))
    point = rows.geometry.iloc[0]
    assert (round(point.x, 6), round(point.y, 6)) == (-5.000278, 34.033056)


def test_a_zipped_csv_says_to_unzip_it_and_which_file_to_import(tmp_path: Path) -> None:
    # it said the zip held "neither a Shapefile (.shp) nor a GTFS feed (stops.txt)"
    path = tmp_path / "centres_2026.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "export/centres_2026.csv", f"name;centre_type;lon;lat\nA;CAS;{FES[0]};{FES[1]}\n"
        )
    with pytest.raises(DataError) as caught:
        read_file(path)
    assert str(caught.value) == (
        "centres_2026.zip is a zip archive that holds centres_2026.csv: a zip is read only when "
        "it holds a Shapefile or a GTFS feed — unzip it (right-click, Extract all) and import "
        "centres_2026.csv"
    )


def test_a_latitude_and_longitude_in_one_column_are_read(db: Connection, tmp_path: Path) -> None:
    # "34.0331, -5.0003" as Google Maps copies a place's position: "no lon/lat columns"
    path = write(
        tmp_path / "positions.csv",
        "nom;type;Coordonnées GPS\n"
        f'Centre paire A;CAS;"{FES[1]}, {FES[0]}"\n'
        f"Centre paire B;COAPH;{RABAT[0]} {RABAT[1]}\n".replace(".", ",")
        + "Centre paire C;CAS;à compléter\n",
    )
    report = run_import(db, "centres", path, skip_invalid=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert [(p.row, p.field, p.code) for p in report.problems] == [
        (4, "Coordonnées GPS", "not_a_number")
    ]
    assert (
        "coordinates read from the column 'Coordonnées GPS', a latitude and a longitude in "
        "each cell"
    ) in report.warnings
    rows = read_layer(db, "centres", where=LayerFilter(equals={"name": ["Centre paire B"]}))
    point = rows.geometry.iloc[0]
    assert (round(point.x, 4), round(point.y, 4)) == RABAT  # given longitude first


def test_a_shapefile_given_another_format_is_named_a_shapefile(tmp_path: Path) -> None:
    # its .shp given --format csv was "not UTF-8 text … (most likely Windows-1252)"
    gpd.GeoDataFrame({"name": ["Centre A"]}, geometry=[Point(*FES)], crs=4326).to_file(
        tmp_path / "centres.shp"
    )
    with pytest.raises(DataError) as caught:
        read_file(tmp_path / "centres.shp", fmt="csv")
    assert str(caught.value) == (
        "centres.shp is not in the CSV format: it is in the Shapefile format — leave --format "
        "out (the file's name says its format), or give --format shp"
    )
    assert len(read_file(tmp_path / "centres.shp").records) == 1


def test_a_file_of_another_layer_says_which_layer_it_looks_like(
    db: Connection, tmp_path: Path
) -> None:
    stops = write(tmp_path / "gares.csv", f"name,mode,lon,lat\nGare A,train,{FES[0]},{FES[1]}\n")
    report = run_import(db, "centres", stops, dry_run=True)
    assert (
        "column 'mode' is the mode of the layer transport_stops: is transport_stops the layer "
        "meant?"
    ) in report.warnings
    right = run_import(db, "transport_stops", stops, dry_run=True)
    assert not any(getattr(w, "code", "") == "another_layers_column" for w in right.warnings)


def test_a_csv_given_format_gtfs_is_named_a_csv_and_a_stops_txt_still_reads(
    settings: Settings, tmp_path: Path
) -> None:
    # a centres CSV given --format gtfs was called "a GTFS feed: its stops are transport stops"
    path = write(tmp_path / "centres.csv", f"name,centre_type,lon,lat\nA,CAS,{FES[0]},{FES[1]}\n")
    with pytest.raises(DataError) as caught:
        import_file(settings, "centres", path, fmt="gtfs")
    assert caught.value.code == "format_option_is_other"
    assert caught.value.message == (
        "centres.csv is not in the GTFS format: it is in the CSV format"
    )
    stops = write(
        tmp_path / "arrets.csv", f"stop_id,stop_name,stop_lat,stop_lon\n1,Gare,{FES[1]},{FES[0]}\n"
    )
    assert read_file(stops, fmt="gtfs").records["name"].tolist() == ["Gare"]


def test_a_coordonnees_column_of_contact_details_is_no_position(
    db: Connection, tmp_path: Path
) -> None:
    # a "Coordonnées" column of telephone numbers and addresses was read as latitude/longitude
    # pairs: every row refused "Coordonnées: not a number", with a note that coordinates were
    # read from it; the file has no position, as it was said before pairs were read
    path = write(
        tmp_path / "contacts.csv",
        "nom;type;Coordonnées\nA;COAPH;0522 11 22 33\nB;CAS;Rue 5, Casablanca\n",
    )
    before = count(db, "centres")
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", path, skip_invalid=True)
    assert caught.value.code == "no_geometry"
    assert "coordinates read from" not in str(caught.value)
    assert count(db, "centres") == before


def test_a_column_named_as_another_layers_type_but_of_other_values_asks_nothing(
    db: Connection, tmp_path: Path
) -> None:
    # a beach's type « plage urbaine » asked "is centres the layer meant?", and a centre's
    # mode « gestion déléguée » "is transport_stops the layer meant?": neither is a value of
    # that layer's field
    beaches = write(
        tmp_path / "plages.csv",
        f"nom;type;lon;lat\nPlage A;plage urbaine;{AGADIR[0]};{AGADIR[1]}\n".replace(".", ","),
    )
    centres = write(
        tmp_path / "centres.csv",
        f"nom;type;mode;lon;lat\nCentre A;CAS;gestion déléguée;{FES[0]};{FES[1]}\n",
    )
    for layer, path in (("beaches", beaches), ("centres", centres)):
        report = run_import(db, layer, path, dry_run=True)
        notes = [w for w in report.warnings if getattr(w, "code", "") == "another_layers_column"]
        assert notes == [], (layer, report.warnings)
    # a centre's type in a file checked for the beaches still asks
    typed = write(
        tmp_path / "centres2.csv", f"nom;type;lon;lat\nCentre A;COAPH;{FES[0]};{FES[1]}\n"
    )
    report = run_import(db, "beaches", typed, dry_run=True)
    assert (
        "column 'type' is the centre_type of the layer centres: is centres the layer meant?"
    ) in report.warnings
