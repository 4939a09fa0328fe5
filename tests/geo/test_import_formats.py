"""Imports per format, round trips through every export format, the all-or-nothing rule."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from geo.export import write_frame
from geo.io_read import read_file
from geo.layers import LayerFilter, read_layer
from geo.validate import Problem
from tests.geo.fixtures.support import (
    AGADIR,
    EXCEL_95,
    EXCEL_97,
    FES,
    OCEAN,
    POWERPOINT_97,
    PROTECTED_XLSX,
    RABAT,
    WORD_97,
    commune_at,
    count,
    handmade_xlsx,
    ole2_file,
    require_layers,
    run_import,
    write,
)
from walouja.errors import DataError, ValidationError

CENTRES_CSV = (
    "id;nom;nom_ar;type;capacité;services;lon;lat\n"
    f"T-1;Centre Al Amal;مركز الأمل;COAPH;120;orientation,paramedical;{FES[0]:.4f};{FES[1]:.4f}\n"
    f"T-2;EPS Annour;مؤسسة النور;EPS;;;{RABAT[0]:.4f};{RABAT[1]:.4f}\n"
    f"T-3;Centre Souss;مركز سوس;CAS;45;day care;{AGADIR[0]:.4f};{AGADIR[1]:.4f}\n"
).replace(".", ",")


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


@pytest.fixture
def centres_csv(tmp_path: Path) -> Path:
    # semicolons, decimal commas, a BOM, Arabic names: the way spreadsheets save CSV
    return write(tmp_path / "centres.csv", CENTRES_CSV, bom=True)


def test_semicolon_csv_with_bom_and_decimal_commas(db: Connection, centres_csv: Path) -> None:
    before = count(db, "centres")
    report = run_import(db, "centres", centres_csv)
    assert (report.inserted, report.updated, report.rejected) == (3, 0, 0)
    assert count(db, "centres") == before + 3
    frame = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["T-1"]}))
    row = frame.iloc[0]
    assert row["name_ar"] == "مركز الأمل"
    assert row["capacity"] == 120
    assert list(row["services"]) == ["orientation", "paramedical"]
    assert row["commune_code"] == commune_at(db, *FES)
    assert row["source"] == "test centres.csv"
    assert not row["is_demo"]


def test_arabic_indic_digits_are_read_as_numbers_and_dates(db: Connection, tmp_path: Path) -> None:
    # a sheet typed on an Arabic keyboard: "١٢٠" places was "not a number: ١٢٠"
    digits = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")
    lon, lat = f"{FES[0]:.4f}".translate(digits), f"{FES[1]:.4f}".translate(digits)
    path = write(
        tmp_path / "مراكز.csv",
        "id;الاسم;type;capacite;date_ouverture;lon;lat\n"
        f"T-AI-1;مركز الأرقام;COAPH;١٢٠;٢٠١٩-٠١-٠٢;{lon};{lat}\n"
        f"T-AI-2;مركز الأرقام الممتدة;CAS;۱٬۲۰۰;٠٢/٠١/٢٠١٩;{lon.replace('٫', ',')};{lat}\n",
        bom=True,
    )
    report = run_import(db, "centres", path)
    assert (report.inserted, report.rejected) == (2, 0), report.problems
    ids = LayerFilter(equals={"external_id": ["T-AI-1", "T-AI-2"]})
    got = read_layer(db, "centres", where=ids).set_index("external_id")
    assert got.loc["T-AI-1", "capacity"] == 120
    assert got.loc["T-AI-2", "capacity"] == 1200
    assert {str(v)[:10] for v in got["opened"]} == {"2019-01-02"}
    assert got.loc["T-AI-1", "commune_code"] == commune_at(db, *FES)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excels_unicode_text_utf16_is_read(db: Connection, tmp_path: Path, encoding: str) -> None:
    # Excel's "Unicode Text" (UTF-16 with a byte-order mark, tab separated), the way it keeps
    # Arabic in a text file, was refused as "not UTF-8 … most likely Windows-1252"
    text = CENTRES_CSV.replace(";", "\t").replace("\n", "\r\n")
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw  # the BOM Python's big-endian codec leaves out
    path = tmp_path / "centres_unicode.txt"
    path.write_bytes(raw)
    report = run_import(db, "centres", path)
    assert (report.inserted, report.rejected) == (3, 0)
    row = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["T-2"]})).iloc[0]
    assert row["name_ar"] == "مؤسسة النور"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_byte_order_mark_is_read(
    db: Connection, tmp_path: Path, encoding: str
) -> None:
    # some Windows tools save UTF-16 without a BOM: its NUL bytes made one column of the
    # header, refused as "no lon/lat columns"
    path = tmp_path / "centres_utf16.csv"
    path.write_bytes(CENTRES_CSV.replace("\n", "\r\n").encode(encoding))
    report = run_import(db, "centres", path)
    assert (report.inserted, report.rejected) == (3, 0)
    row = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["T-2"]})).iloc[0]
    assert (row["name"], row["name_ar"]) == ("EPS Annour", "مؤسسة النور")


@pytest.mark.parametrize("hint", ["sep=;", "SEP=;", "sep=;;;;;"])
def test_excels_separator_line_is_read_as_the_separator_not_a_row(
    db: Connection, tmp_path: Path, hint: str
) -> None:
    # a CSV that begins "sep=;" (Excel writes it, and French users add it so that Excel
    # splits the columns) was refused as having no lon/lat columns: its header read "sep="
    text = CENTRES_CSV.replace("T-3;Centre Souss;مركز سوس;CAS", "T-3;Centre Souss;مركز سوس;XYZ")
    path = write(tmp_path / "centres_sep.csv", f"{hint}\r\n{text}", bom=True)
    report = run_import(db, "centres", path, skip_invalid=True)
    assert (report.rows_read, report.inserted, report.rejected) == (3, 2, 1)
    # rows numbered as Excel shows them: the header row 1 (Excel hides the "sep=" line)
    assert [(p.row, p.field) for p in report.problems] == [(4, "centre_type")]


def test_arabic_headers_give_the_coordinates(db: Connection, tmp_path: Path) -> None:
    # a sheet kept in Arabic: its longitude and latitude columns were not found ("has no
    # geometry: no lon/lat ... columns")
    path = write(
        tmp_path / "مراكز.csv",
        "id,name,الاسم,centre_type,خط الطول,خط العرض\n"
        f"T-AR-1,Centre Fès,مركز فاس,COAPH,{FES[0]},{FES[1]}\n",
        bom=True,
    )
    report = run_import(db, "centres", path)
    assert (report.inserted, report.rejected) == (1, 0)
    assert not report.warnings  # every column read
    row = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["T-AR-1"]})).iloc[0]
    assert row["name_ar"] == "مركز فاس"
    assert row["commune_code"] == commune_at(db, *FES)


def test_reimport_changes_nothing(db: Connection, centres_csv: Path) -> None:
    run_import(db, "centres", centres_csv)
    history = count(db, "layer_history")
    again = run_import(db, "centres", centres_csv)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert count(db, "layer_history") == history


def test_changed_row_is_updated_in_place(db: Connection, centres_csv: Path, tmp_path: Path) -> None:
    run_import(db, "centres", centres_csv)
    changed = write(tmp_path / "c2.csv", CENTRES_CSV.replace(";120;", ";150;"), bom=True)
    report = run_import(db, "centres", changed)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    assert count(db, "centres", "external_id = 'T-1' AND capacity = 150") == 1


def test_dry_run_writes_nothing(db: Connection, centres_csv: Path) -> None:
    before, history = count(db, "centres"), count(db, "layer_history")
    report = run_import(db, "centres", centres_csv, dry_run=True)
    assert report.dry_run
    assert report.inserted == 3
    assert "would insert 3" in report.summary()
    assert (count(db, "centres"), count(db, "layer_history")) == (before, history)


def test_one_bad_row_refuses_the_whole_file(db: Connection, tmp_path: Path) -> None:
    text = CENTRES_CSV + "T-4;Bad;;hospital;;;-6,5;33,9\n"
    path = write(tmp_path / "bad.csv", text)
    before = count(db, "centres")
    report = run_import(db, "centres", path)
    assert report.refused
    assert not report.written
    assert list(report.problems) == [
        Problem(
            5,
            "centre_type",
            "unknown value 'hospital' (expected one of: COAPH, CAS, CAPE, EMF, CJPA, EPS, other)",
        )
    ]
    assert count(db, "centres") == before
    with pytest.raises(ValidationError) as err:
        run_import(db, "centres", path, raise_on_reject=True)
    assert err.value.problems[0][:2] == (5, "centre_type")
    kept = run_import(db, "centres", path, skip_invalid=True)
    assert (kept.inserted, kept.rejected, kept.refused) == (3, 1, False)
    assert count(db, "centres") == before + 3


def test_point_in_no_commune_is_outside_morocco(db: Connection, tmp_path: Path) -> None:
    path = write(
        tmp_path / "sea.csv", f"name,centre_type,lon,lat\nAtlantis,CAS,{OCEAN[0]},{OCEAN[1]}\n"
    )
    report = run_import(db, "centres", path)
    assert report.refused
    (problem,) = report.problems
    assert (problem.row, problem.field) == (2, "geometry")
    assert "in no commune" in problem.reason
    assert problem.code == "outside_communes"
    assert problem.params == {"lon": f"{OCEAN[0]:.5f}", "lat": f"{OCEAN[1]:.5f}"}


def test_duplicate_of_a_row_already_in_the_table(
    db: Connection, centres_csv: Path, tmp_path: Path
) -> None:
    run_import(db, "centres", centres_csv)
    # same type, same name without accents/case, ~15 m away, another id
    lat = FES[1] + 0.000135
    path = write(
        tmp_path / "dupe.csv",
        f"id,name,centre_type,lon,lat\nT-9,CENTRE AL-AMAL,COAPH,{FES[0]},{lat}\n",
    )
    report = run_import(db, "centres", path)
    (problem,) = report.problems
    assert problem.row == 2
    assert problem.field == "name"
    assert "already in centres" in problem.reason
    assert "external id T-1" in problem.reason
    assert "15 m apart" in problem.reason
    assert (problem.code, problem.params["other_external_id"]) == ("duplicate_in_table", "T-1")
    assert problem.params["distance"] == "15"


def test_wkt_csv_with_commas(db: Connection, tmp_path: Path) -> None:
    path = write(
        tmp_path / "stops.csv",
        "name,mode,wkt,wheelchair_boarding\n"
        '"Arrêt ""Bab Ftouh""",bus,"POINT (-4.9650 34.0580)",1\n',
    )
    report = run_import(db, "transport_stops", path)
    assert report.inserted == 1
    frame = read_layer(db, "transport_stops", where=LayerFilter(equals={"mode": ["bus"]}))
    row = frame[frame["name"] == 'Arrêt "Bab Ftouh"'].iloc[0]
    assert row["wheelchair_boarding"] == 1


def _roundtrip_frame(db: Connection) -> gpd.GeoDataFrame:
    return read_layer(
        db, "centres", where=LayerFilter(equals={"external_id": ["T-1", "T-2", "T-3"]})
    )


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_export_then_import_round_trip(
    db: Connection, centres_csv: Path, tmp_path: Path, fmt: str
) -> None:
    run_import(db, "centres", centres_csv)
    original = _roundtrip_frame(db)
    path = tmp_path / f"out.{fmt}"
    write_frame(original, path, fmt, layer="centres")
    if fmt in ("csv", "geojson"):
        assert "مركز الأمل" in path.read_text(encoding="utf-8-sig")
    report = run_import(db, "centres", path)
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0)
    again = _roundtrip_frame(db)
    assert again["name_ar"].tolist() == original["name_ar"].tolist()


def test_zipped_shapefile_round_trip(db: Connection, centres_csv: Path, tmp_path: Path) -> None:
    run_import(db, "centres", centres_csv)
    frame = _roundtrip_frame(db)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    flat = frame.drop(columns=["id", "created_at", "updated_at"]).copy()
    flat["services"] = [";".join(v) for v in flat["services"]]
    flat.to_crs(26191).to_file(shp_dir / "centres.shp", encoding="utf-8")  # projected, with .prj
    archive = tmp_path / "centres.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    report = run_import(db, "centres", archive)
    assert (report.format, report.unchanged, report.rejected) == ("shp", 3, 0)
    assert any("reprojected from EPSG:26191" in w for w in report.warnings)


def test_shapefile_without_prj_in_metres_is_refused(db: Connection, tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"name": ["A"], "centre_type": ["CAS"]}, geometry=[Point(500000, 380000)], crs=None
    )
    gdf.to_file(tmp_path / "noprj.shp")
    from walouja.errors import DataError

    with pytest.raises(DataError, match="no coordinate reference system"):
        run_import(db, "centres", tmp_path / "noprj.shp")


def test_geojson_polygon_beach_becomes_a_point(db: Connection, tmp_path: Path) -> None:
    x, y = -9.6030, 30.4150
    gdf = gpd.GeoDataFrame(
        {"name": ["Plage test"], "blue_flag": ["oui"], "walkway_to_water": [True]},
        geometry=[Point(x, y).buffer(0.001)],
        crs=4326,
    )
    path = tmp_path / "beach.geojson"
    gdf.to_file(path, driver="GeoJSON")
    report = run_import(db, "beaches", path)
    assert report.inserted == 1
    assert "1 non-point geometry stored as a point on its surface" in report.warnings
    row = read_layer(db, "beaches", where=LayerFilter(equals={"name": ["Plage test"]})).iloc[0]
    assert row["blue_flag"]
    assert row["walkway_to_water"]
    assert not row["shade"]
    assert row["geom"].distance(Point(x, y)) < 0.001


def test_gtfs_feed(db: Connection, tmp_path: Path) -> None:
    feed = tmp_path / "feed.zip"
    with zipfile.ZipFile(feed, "w") as zf:
        zf.writestr(
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\n"
            "A,Tramway Rabat-Salé,https://example.org,Africa/Casablanca\n",
        )
        zf.writestr(
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding\n"
            "S1,Bab Lamrissa,34.0390,-6.8110,1,,0\n"
            "S1a,Bab Lamrissa quai 1,34.03905,-6.81105,0,S1,1\n"
            "S2,Hassan II,34.0440,-6.8030,0,,2\n"
            "S2e,Hassan II entrée,34.0441,-6.8031,2,S2,\n"
            "S3,Karima,34.0510,-6.7900,0,,\n",
        )
        zf.writestr("routes.txt", "route_id,route_type\nT1,0\n")
        zf.writestr("trips.txt", "route_id,service_id,trip_id\nT1,W,t1\n")
        zf.writestr(
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "t1,08:00:00,08:00:00,S1a,1\nt1,08:03:00,08:03:00,S2,2\n"
            "t1,08:06:00,08:06:00,S3,3\n",
        )
    report = run_import(db, "transport_stops", feed)
    assert (report.format, report.inserted, report.rejected) == ("gtfs", 3, 0)
    assert "1 platform folded into its parent station" in report.warnings
    ids = [f"gtfs:tramway-rabat-sale:S{i}" for i in (1, 2, 3)]
    frame = read_layer(db, "transport_stops", where=LayerFilter(equals={"external_id": ids}))
    got = dict(
        zip(
            frame["external_id"],
            zip(frame["mode"], frame["wheelchair_boarding"], strict=True),
            strict=True,
        )
    )
    assert got == {
        "gtfs:tramway-rabat-sale:S1": ("tram", 1),  # the platform's value, station said 0
        "gtfs:tramway-rabat-sale:S2": ("tram", 2),
        "gtfs:tramway-rabat-sale:S3": ("tram", 0),
    }
    assert run_import(db, "transport_stops", feed).unchanged == 3


def test_bare_stops_txt_needs_a_mode(db: Connection, tmp_path: Path) -> None:
    path = write(
        tmp_path / "stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nB1,Place Atlas,34.02,-4.99\n"
    )
    refused = run_import(db, "transport_stops", path)
    assert [(p.row, p.field) for p in refused.problems] == [(2, "mode")]
    ok = run_import(db, "transport_stops", path, defaults={"mode": "bus"})
    assert ok.inserted == 1


def test_accessible_cities_one_entry_per_commune(db: Connection, tmp_path: Path) -> None:
    text = (
        "name,stage,convention_date,lon,lat\n"
        f"Ville A,convention signée,2019-03-01,{RABAT[0]},{RABAT[1]}\n"
        f"Ville B,diagnostic,,{RABAT[0] + 0.001},{RABAT[1]}\n"
    )
    report = run_import(db, "accessible_cities", write(tmp_path / "ac.csv", text))
    (problem,) = report.problems
    assert problem.row == 3
    assert "already has an entry (Ville A)" in problem.reason
    assert (problem.code, problem.params["other_name"]) == ("commune_taken", "Ville A")


# Workbooks, written by GDAL's own XLSX and ODS drivers: numbers in number cells, codes and
# decimal commas in text cells, Arabic text, a date and empty cells; read as a CSV is read.
SHEET: dict[str, list[object]] = {
    "id": ["04.421", "T-2", "T-3"],  # a code typed as text: not the number 4.421
    "nom": ["Centre Al Amal", "EPS Annour", "Centre Souss"],
    "nom_ar": ["مركز الأمل", "مؤسسة النور", "مركز سوس"],
    "type": ["COAPH", "EPS", "CAS"],
    "capacité": [120, None, 45],  # a number cell, an empty one
    "services": ["orientation,paramedical", None, "day care"],
    "ouverture": [date(2021, 9, 1), None, date(2019, 1, 7)],  # a date cell: an ignored column
    "lon": [FES[0], RABAT[0], AGADIR[0]],  # number cells
    "lat": [f"{FES[1]:.4f}".replace(".", ","), str(RABAT[1]), AGADIR[1]],  # text, text, number
}


def _workbook(path: Path, columns: Mapping[str, Sequence[object]], sheet: str = "Feuil1") -> Path:
    """``columns`` written by GDAL (the driver from the extension), cells typed as given."""
    driver = {".xlsx": "XLSX", ".ods": "ODS"}[path.suffix]
    pyogrio.write_dataframe(pd.DataFrame(columns), path, driver=driver, layer=sheet)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_workbook_imports_as_the_csv_does(db: Connection, tmp_path: Path, suffix: str) -> None:
    path = _workbook(tmp_path / f"centres{suffix}", SHEET)
    table = read_file(path)
    assert table.records.index.tolist() == [2, 3, 4]  # the rows the spreadsheet shows
    assert table.records.loc[2, "id"] == "04.421"
    assert table.records.loc[3, "capacité"] is None
    before = count(db, "centres")
    report = run_import(db, "centres", path)
    assert (report.inserted, report.updated, report.rejected) == (3, 0, 0), report.problems
    assert count(db, "centres") == before + 3
    frame = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["04.421"]}))
    row = frame.iloc[0]
    assert (row["name"], row["name_ar"], row["capacity"]) == ("Centre Al Amal", "مركز الأمل", 120)
    assert list(row["services"]) == ["orientation", "paramedical"]
    assert row["commune_code"] == commune_at(db, *FES)
    assert (round(frame.geometry.iloc[0].x, 4), round(frame.geometry.iloc[0].y, 4)) == FES
    souss = read_layer(db, "centres", where=LayerFilter(equals={"external_id": ["T-3"]}))
    assert souss.iloc[0]["capacity"] == 45


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_workbooks_rejected_rows_are_numbered_as_the_sheet_shows_them(
    db: Connection, tmp_path: Path, suffix: str
) -> None:
    columns = {k: [*v, None, None] for k, v in SHEET.items()}  # row 5 left empty
    columns["id"][4], columns["nom"][4], columns["type"][4] = "T-6", "Bad", "hospital"
    columns["lon"][4], columns["lat"][4] = "-6,5", "33,9"
    path = _workbook(tmp_path / f"bad{suffix}", columns)
    before = count(db, "centres")
    report = run_import(db, "centres", path)
    assert report.refused
    assert not report.written
    assert [(p.row, p.field, p.code) for p in report.problems] == [
        (6, "centre_type", "unknown_value")
    ]
    assert count(db, "centres") == before  # all or nothing, as for a CSV
    with pytest.raises(ValidationError) as err:
        run_import(db, "centres", path, raise_on_reject=True)
    assert err.value.problems[0][:2] == (6, "centre_type")


def test_a_workbook_with_a_wkt_column(db: Connection, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "stops.xlsx",
        {
            "name": ['Arrêt "Bab Ftouh"', "محطة باب الفتوح"],
            "mode": ["bus", "bus"],
            "wkt": ["POINT (-4.9650 34.0580)", "POINT (-4.9660 34.0590)"],
            "wheelchair_boarding": [1, 0],
        },
    )
    report = run_import(db, "transport_stops", path)
    assert (report.inserted, report.rejected) == (2, 0), report.problems
    frame = read_layer(db, "transport_stops", where=LayerFilter(equals={"mode": ["bus"]}))
    row = frame[frame["name"] == "محطة باب الفتوح"].iloc[0]
    assert row["wheelchair_boarding"] == 0


def test_a_workbook_of_several_sheets_says_which_was_read(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "listes.xlsx", SHEET, sheet="Centres")
    _workbook(path, {"note": ["brouillon"]}, sheet="Notes")
    table = read_file(path)
    assert len(table.records) == 3
    (note,) = table.warnings
    assert note == "listes.xlsx has 2 sheets; read the first that holds data (Centres)"


def test_an_empty_workbook_is_refused(tmp_path: Path) -> None:
    # GDAL writes a sheet without a cell for a table of no row
    path = _workbook(tmp_path / "vide.xlsx", {"nom": []})
    with pytest.raises(DataError) as caught:
        read_file(path)
    assert (caught.value.code, caught.value.message) == (
        "empty_workbook",
        "vide.xlsx holds no data: its sheets are empty",
    )


def test_a_workbook_whose_header_is_not_in_row_1_is_refused(tmp_path: Path) -> None:
    # the rows of a GDAL workbook moved down two rows, as a title and a blank line above
    path = _workbook(tmp_path / "titre.xlsx", SHEET)
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(moved, "w") as out:
        for member in src.namelist():
            data = src.read(member)
            if member.endswith("sheet1.xml"):
                data = re.sub(
                    rb'r="([A-Z]*)(\d+)"',
                    lambda m: b'r="%s%d"' % (m.group(1), int(m.group(2)) + 2),
                    data,
                )
            out.writestr(member, data)
    with pytest.raises(DataError) as caught:
        read_file(moved)
    assert caught.value.code == "sheet_header_not_first_row"
    assert caught.value.params == {"name": "moved.xlsx", "sheet": "Feuil1", "row": 3}


def test_an_xlsm_workbook_is_read_and_an_xls_one_refused_with_what_to_do(tmp_path: Path) -> None:
    xlsm = tmp_path / "centres.xlsm"
    _workbook(tmp_path / "centres.xlsx", SHEET).rename(xlsm)
    assert read_file(xlsm).records.loc[2, "id"] == "04.421"
    xls = write(tmp_path / "centres.xls", "\xd0\xcf")
    with pytest.raises(DataError) as caught:
        read_file(xls)
    assert caught.value.code == "xls_file"
    assert "(.xlsx)" in str(caught.value.hint)


@pytest.mark.parametrize(
    ("tree", "name", "actual"),
    [
        (WORD_97, "centres.csv", "Word 97-2003 (.doc)"),
        (WORD_97, "centres.xlsx", "Word 97-2003 (.doc)"),
        (WORD_97, "centres.xls", "Word 97-2003 (.doc)"),
        (POWERPOINT_97, "centres.csv", "PowerPoint 97-2003 (.ppt)"),
        (EXCEL_97, "centres.csv", None),
        (EXCEL_97, "centres.xls", None),
        (EXCEL_95, "centres.csv", None),
    ],
)
def test_a_word_or_powerpoint_file_is_told_from_an_excel_97_workbook(
    tmp_path: Path, tree: dict[str, object], name: str, actual: str | None
) -> None:
    # Word, Excel and PowerPoint 97-2003 files are OLE2 compound files, with the same first
    # bytes: a Word .doc renamed .csv was refused as "an Excel 97-2003 workbook (.xls)"
    path = ole2_file(tmp_path / name, tree)
    with pytest.raises(DataError) as caught:
        read_file(path)
    if actual is None:  # a workbook: saved again as .xlsx, it imports
        assert caught.value.code == "xls_file"
        assert caught.value.message == (
            f"{name} is an Excel 97-2003 workbook (.xls), which Walouja does not read"
        )
        return
    expected = {".csv": "CSV", ".xlsx": "Excel (.xlsx)", ".xls": "Excel 97-2003 (.xls)"}
    assert caught.value.code == "office_document"
    assert caught.value.params == {
        "name": name,
        "expected": expected[path.suffix],
        "actual": actual,
    }
    assert caught.value.message == (
        f"{name} is a {actual} document, not a table of data in the {expected[path.suffix]} format"
    )
    assert "copy the table into Excel or LibreOffice Calc" in str(caught.value.hint)


def test_an_ole2_file_of_another_program_is_no_excel_workbook(tmp_path: Path) -> None:
    # an Outlook message (.msg) is an OLE2 file too, of neither Word nor Excel
    message: dict[str, object] = {"__nameid_version1.0": {}, "__properties_version1.0": None}
    with pytest.raises(DataError) as caught:
        read_file(ole2_file(tmp_path / "centres.csv", message))
    assert caught.value.code == "binary_file"
    # a damaged OLE2 file named .xls, its directory cut off, is still said to be one
    damaged = tmp_path / "vieux.xls"
    damaged.write_bytes(ole2_file(tmp_path / "w.doc", WORD_97).read_bytes()[:600])
    with pytest.raises(DataError) as caught:
        read_file(damaged)
    assert caught.value.code == "xls_file"


@pytest.mark.parametrize("name", ["centres.xlsx", "centres.csv", "centres.xls"])
def test_a_workbook_saved_with_a_password_is_said_to_be_protected(
    tmp_path: Path, name: str
) -> None:
    # Excel keeps a workbook saved with a password in an OLE2 file: it was "an Excel
    # 97-2003 workbook (.xls)", and the .xlsx Excel saved again the same
    with pytest.raises(DataError) as caught:
        read_file(ole2_file(tmp_path / name, PROTECTED_XLSX))
    assert caught.value.code == "protected_file"
    assert caught.value.params == {"name": name}
    assert caught.value.message == (
        f"{name} is protected by a password: its content is encrypted, and Walouja cannot read it"
    )
    assert "remove the password" in str(caught.value.hint)


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_file(write(tmp_path / "centres.xlsx", "id,name\n1,A\n"))
    # it said "cannot be read as Excel (.xlsx)", not what it is nor how to import it
    assert caught.value.code == "format_is_other"
    assert str(caught.value) == (
        "centres.xlsx is not in the Excel (.xlsx) format: it is in the CSV format — import it "
        "with --format csv, or rename it to end in .csv"
    )


def test_export_to_xlsx_then_import_gives_the_same_rows(
    db: Connection, centres_csv: Path, tmp_path: Path
) -> None:
    run_import(db, "centres", centres_csv)
    original = _roundtrip_frame(db)
    path = tmp_path / "out.xlsx"
    write_frame(original, path, "xlsx", layer="centres")
    report = run_import(db, "centres", path)
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0)
    again = _roundtrip_frame(db)
    columns = ["external_id", "name", "name_ar", "centre_type", "capacity", "commune_code"]
    pd.testing.assert_frame_equal(again[columns], original[columns])
    assert again.geometry.geom_equals_exact(original.geometry, 1e-7).all()


WORKBOOK_ROWS = [
    ["nom", "type", "lon", "lat"],
    ["Centre feuille A", "CAS", str(FES[0]), str(FES[1])],
    ["Centre feuille B", "COAPH", str(RABAT[0]), str(RABAT[1])],
]


@pytest.mark.parametrize(
    ("sheets", "note"),
    [
        (  # a notice first: it was read, and the workbook refused as having no lon/lat
            {"Lisez-moi": [["Notice"], ["Liste des centres, 2026"]], "Liste": WORKBOOK_ROWS},
            "centres.xlsx has 2 sheets; read Liste, the first whose columns hold coordinates",
        ),
        (  # an empty first sheet: "the first row of the sheet 'Liste' is empty" of row 1
            {"Feuil1": [], "Liste": WORKBOOK_ROWS},
            "centres.xlsx has 2 sheets; read the first that holds data (Liste)",
        ),
        (
            {
                "Plages": [["nom", "lon", "lat"], ["Plage", "-9.6", "30.4"]],
                "Centres": WORKBOOK_ROWS,
            },
            "centres.xlsx has 2 sheets; read Centres, named as the layer imported into",
        ),
        (  # a position in one column: the communes' sheet, with lon and lat, was read
            {
                "Feuil1": [
                    ["nom", "type", "Coordonnées GPS"],
                    ["Centre feuille A", "CAS", f"{FES[1]}, {FES[0]}"],
                    ["Centre feuille B", "COAPH", f"{RABAT[1]}, {RABAT[0]}"],
                ],
                "Communes": [["commune", "lon", "lat"], ["Fès", "-5.0", "34.0"]],
            },
            "centres.xlsx has 2 sheets; read the first that holds data (Feuil1)",
        ),
    ],
)
def test_the_sheet_of_a_workbook_that_holds_the_layer_is_read(
    db: Connection, tmp_path: Path, sheets: dict[str, list[list[str]]], note: str
) -> None:
    path = handmade_xlsx(tmp_path / "centres.xlsx", sheets)
    report = run_import(db, "centres", path, dry_run=True)
    assert (report.rows_read, report.inserted, report.rejected) == (2, 2, 0), report.problems
    assert note in report.warnings
