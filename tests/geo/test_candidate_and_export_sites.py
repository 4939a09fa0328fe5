"""Candidate sites from a point file (located in communes) and proposed sites written out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point
from sqlalchemy.engine import Connection

from geo.candidate_sites import load_candidates, read_points
from geo.export_sites import sites_bytes
from geo.validate import Problem
from walouja.errors import DataError, ValidationError

SITES = [
    {
        "rank": 1,
        "commune_code": "01.511.01.0",
        "name_fr": "Tanger",
        "province_code": "01.511",
        "region_code": "01",
        "gain": 1234.5,
        "cost_mad": 5e6,
        "forced": False,
        "lon": -5.8,
        "lat": 35.76,
    },
    {
        "rank": 2,
        "commune_code": "04.421.01.0",
        "name_fr": "الرباط",
        "province_code": "04.421",
        "region_code": "04",
        "gain": 99.0,
        "cost_mad": 5e6,
        "forced": True,
        "lon": -6.84,
        "lat": 34.02,
    },
]


def test_sites_as_geopackage_read_back_as_ranked_points(tmp_path: Path) -> None:
    path = tmp_path / "sites.gpkg"
    path.write_bytes(sites_bytes(SITES, "gpkg"))
    frame = gpd.read_file(path, layer="proposed_sites")
    assert frame.crs.to_epsg() == 4326
    assert list(frame["rank"]) == [1, 2]
    assert list(frame["name_fr"]) == ["Tanger", "الرباط"]
    assert frame.geometry.x.round(2).tolist() == [-5.8, -6.84]
    assert frame["gain"].tolist() == [1234.5, 99.0]


def test_sites_as_csv_have_lon_lat_and_arabic_intact() -> None:
    raw = sites_bytes(SITES, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets show Arabic correctly
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"commune_code": str})
    assert list(table.columns[-2:]) == ["lon", "lat"]
    assert table["commune_code"].tolist() == ["01.511.01.0", "04.421.01.0"]
    assert table["name_fr"].iloc[1] == "الرباط"


def test_sites_as_an_excel_workbook_keep_codes_as_text_and_figures_as_numbers(
    tmp_path: Path,
) -> None:
    # the spreadsheet user's file: Excel shows a text cell as written ("04", "04.421"),
    # whatever its list separator, where a CSV needs an import dialog
    path = tmp_path / "sites.xlsx"
    path.write_bytes(sites_bytes(SITES, "xlsx"))
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["proposed_sites"]
    table = pyogrio.read_dataframe(path)  # read back by GDAL, with its defaults
    assert list(table.columns[-2:]) == ["lon", "lat"]
    assert table["region_code"].tolist() == ["01", "04"]
    assert table["province_code"].tolist() == ["01.511", "04.421"]
    assert table["name_fr"].tolist() == ["Tanger", "الرباط"]
    assert table["gain"].tolist() == [1234.5, 99.0]
    assert table["lon"].tolist() == [-5.8, -6.84]
    # in the sheet itself: the codes are shared strings (t="s"), the gains plain numbers
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<t>04</t>" in strings
    assert "<t>04.421</t>" in strings
    assert re.search(r'<c r="[A-Z]+2" t="s">', sheet)
    assert re.search(r'<c r="[A-Z]+2">\s*<v>1234.5</v>', sheet)


@pytest.mark.parametrize(("lang", "column"), [("fr", "name_fr"), ("ar", "name_ar")])
def test_a_saved_scenarios_sites_as_kml_are_placemarks_named_by_rank_and_name(
    conn: Connection, tmp_path: Path, lang: str, column: str
) -> None:
    # Google Earth and My Maps users had no file of the proposed sites to open, and the
    # command line's .kml named no placemark: each is now "1 · Bsara" ("1 · لبصارة" in Arabic)
    from geo.export_sites import export_sites
    from geo.io_read import read_kml
    from walouja.services.prioritise import load_scenario, named_sites, run_prioritise

    run_id = run_prioritise(conn, centre_type="COAPH", new=3, fresh=True).run_id
    sites = named_sites(conn, load_scenario(conn, run_id).results)
    assert [s["rank"] for s in sites] == [1, 2, 3]
    path = tmp_path / "sites.kml"
    path.write_bytes(sites_bytes(sites, "kml", lang=lang))
    assert "<kml" in path.read_text(encoding="utf-8")
    expected = [f"{s['rank']} · {s[column]}" for s in sites]
    # read back as the import reads a KML, and with GDAL's defaults
    table = read_kml(path)
    assert table.records["Name"].tolist() == expected
    assert table.records["rank"].tolist() == [1, 2, 3]
    assert table.records["name_ar"].tolist() == [s["name_ar"] for s in sites]  # Arabic intact
    assert table.records["commune_code"].tolist() == [s["commune_code"] for s in sites]
    assert table.records["gain"].tolist() == [s["gain"] for s in sites]
    assert "name" not in table.records.columns  # the placemark's name, not a data field too
    frame = pyogrio.read_dataframe(path)
    assert frame["Name"].tolist() == expected
    assert frame["rank"].dtype.kind == "i"  # an integer field (a 64-bit one was text)
    for point, site in zip(frame.geometry, sites, strict=True):
        assert (point.x, point.y) == pytest.approx((site["lon"], site["lat"]), abs=1e-9)
    # the command line's file (French names) is the download's
    french = tmp_path / "cli.kml"
    done = export_sites(sites, french)
    assert (done.format, done.rows) == ("kml", 3)
    assert read_kml(french).records["Name"].tolist() == [
        f"{s['rank']} · {s['name_fr']}" for s in sites
    ]


def test_a_layers_site_without_a_name_is_named_by_its_commune_in_google_earth() -> None:
    from geo.export_sites import placemark_names, sites_frame

    sites = [
        {**SITES[0], "site_id": "S1", "name_fr": "Centre Al Amal", "name_ar": "مركز الأمل"},
        {**SITES[1], "site_id": "S2", "name_fr": None, "commune_fr": "Rabat"},
        {**SITES[1], "rank": 3, "site_id": "S3", "name_fr": " ", "commune_ar": "الرباط"},
    ]
    frame = sites_frame(sites)
    assert placemark_names(frame, "fr") == ["1 · Centre Al Amal", "2 · Rabat", "3 · الرباط"]
    assert placemark_names(frame, "ar") == ["1 · مركز الأمل", "2 · Rabat", "3 · الرباط"]
    assert placemark_names(sites_frame([{"rank": 4, "lon": -6.0, "lat": 33.0}])) == ["4"]


def test_the_sites_codes_are_the_databases_as_text(conn: Connection, tmp_path: Path) -> None:
    # the codes are dotted text ("04.421.01.01"; province "04.421", region "04"): a CSV
    # cannot carry a column's type, so the file writes them exactly and the GeoPackage keeps
    # them as text for any reader
    rows = conn.exec_driver_sql(
        "(SELECT c.code, c.province_code, p.region_code, ST_X(ST_PointOnSurface(c.geom)), "
        "ST_Y(ST_PointOnSurface(c.geom)) FROM communes c JOIN provinces p "
        "ON p.code = c.province_code WHERE length(c.code) = 11 ORDER BY c.code LIMIT 2) "
        "UNION ALL (SELECT c.code, c.province_code, p.region_code, "
        "ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom)) FROM communes c "
        "JOIN provinces p ON p.code = c.province_code WHERE length(p.code) = 6 "
        "ORDER BY c.code LIMIT 3)"
    ).all()
    assert rows, "no communes in the test database: run `walouja load`"  # fail, never skip
    sites = [
        {"rank": i, "commune_code": c, "province_code": p, "region_code": r, "lon": x, "lat": y}
        for i, (c, p, r, x, y) in enumerate(rows, start=1)
    ]
    codes = ["commune_code", "province_code", "region_code"]
    expected = [[str(v) for v in row[:3]] for row in rows]
    raw = sites_bytes(sites, "csv").decode("utf-8-sig")
    for line, row in zip(raw.splitlines()[1:], expected, strict=True):
        assert line.split(",")[1:4] == row  # written exactly: "04", not 4
    as_text = pd.read_csv(io.StringIO(raw), dtype=dict.fromkeys(codes, str))
    assert as_text[codes].to_numpy().tolist() == expected
    # pandas' defaults keep the commune codes (two or three dots are no number)
    assert pd.read_csv(io.StringIO(raw))["commune_code"].tolist() == [r[0] for r in expected]
    path = tmp_path / "sites.gpkg"
    path.write_bytes(sites_bytes(sites, "gpkg"))
    assert gpd.read_file(path)[codes].to_numpy().tolist() == expected  # read with defaults


def test_a_site_without_coordinates_is_refused() -> None:
    with pytest.raises(DataError, match="site 1"):
        sites_bytes([{"rank": 1, "lon": None, "lat": 30.0}], "csv")
    with pytest.raises(DataError, match="cannot write") as refused:
        sites_bytes(SITES, "ods")
    assert refused.value.hint == "formats: gpkg, csv, xlsx, kml"


def test_points_from_csv_keep_ids_and_names(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id;nom;longitude;latitude\nA;Un;-6.84;34.02\nB;Deux;-8.0;31.6\n")
    points = read_points(path)
    assert points["label"].tolist() == ["A", "B"]
    assert points["name"].tolist() == ["Un", "Deux"]
    assert points["row"].tolist() == [2, 3]  # spreadsheet lines, the header being line 1
    assert points["name_ar"].isna().all()  # no Arabic column


def test_points_keep_an_arabic_name_where_the_file_gives_one(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "id;nom;nom_ar;lon;lat\nA;Rabat;الرباط;-6.84;34.02\nB;Marrakech; ;-8.0;31.6\n",
        encoding="utf-8",
    )
    points = read_points(path)
    assert points["name"].tolist() == ["Rabat", "Marrakech"]
    assert points["name_ar"].iloc[0] == "الرباط"
    assert pd.isna(points["name_ar"].iloc[1])  # blank is none
    # an Arabic name alone (the Arabic page's "الاسم" column) names the site in both
    arabic = tmp_path / "a.csv"
    arabic.write_text("id;الاسم;lon;lat\nA;الرباط;-6.84;34.02\nB;;-8.0;31.6\n", encoding="utf-8")
    points = read_points(arabic)
    assert points["name"].tolist() == ["الرباط", "B"]
    assert points["name_ar"].iloc[0] == "الرباط"


def test_points_without_ids_are_numbered_by_row(tmp_path: Path) -> None:
    path = tmp_path / "c.geojson"
    gpd.GeoDataFrame(
        {"x": [1, 2]}, geometry=gpd.points_from_xy([-6.84, -8.0], [34.02, 31.6]), crs=4326
    ).to_file(path, driver="GeoJSON")
    points = read_points(path)
    assert points["label"].tolist() == ["site-1", "site-2"]


def test_bad_rows_are_reported_by_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("lon,lat\n-6.8,34.0\n,34.1\n-6.8,200\nabc,34.2\n")
    with pytest.raises(ValidationError) as err:
        read_points(path)
    assert err.value.problems == [
        (3, "lon", "missing coordinate"),
        (4, "lat", "200.0 is not in ±90 degrees"),
        (5, "lon", "not a number: 'abc'"),
    ]
    # the same rows, coded for the app to word in French or Arabic
    assert [(p.row, p.code, dict(p.params)) for p in _coded(err.value)] == [
        (3, "missing_coordinate", {}),
        (4, "degrees_out_of_range", {"value": "200.0", "limit": "90"}),
        (5, "not_a_number", {"value": "abc"}),
    ]


def test_decimal_commas_are_read_as_imports_read_them(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("name;lon;lat\nA;-6,851;34,021\nB;-7,61;33,581\n")
    points = read_points(path)
    assert points["lon"].tolist() == [-6.851, -7.61]
    assert points["lat"].tolist() == [34.021, 33.581]


def test_a_repeated_id_is_refused_naming_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,lon,lat\nA,-6.85,34.02\nB,-7.6,33.58\nA,-7.6,33.6\nA,-5.0,34.0\n")
    with pytest.raises(ValidationError) as err:
        read_points(path)
    assert str(err.value) == (
        "dup.csv: the id 'A' is given to more than one site — give every site its own id "
        "(forced and excluded sites are named by it)"
    )
    assert err.value.problems == [
        (4, "id", "external id 'A' repeats row 2"),
        (5, "id", "external id 'A' repeats row 2"),
    ]
    # an id column left empty everywhere is no id: the rows number the sites
    blank = tmp_path / "blank.csv"
    blank.write_text("id,lon,lat\n,-6.85,34.02\n,-7.6,33.58\n")
    assert read_points(blank)["label"].tolist() == ["site-2", "site-3"]


def test_an_openstreetmap_file_is_not_a_candidate_set(tmp_path: Path) -> None:
    path = tmp_path / "t.osm"
    path.write_text('<osm version="0.6"><node id="1" lat="34.02" lon="-6.85"/></osm>')
    with pytest.raises(DataError) as err:
        read_points(path)
    assert str(err.value).startswith(
        "t.osm: OpenStreetMap files are not accepted as candidate sites — give the points as CSV"
    )


def _coded(exc: ValidationError) -> list[Problem]:
    """The error's rows as coded problems (every row has one)."""
    coded = [p for p in exc.details if isinstance(p, Problem)]
    assert len(coded) == len(exc.problems)
    return coded


def test_a_line_is_not_a_candidate_site(tmp_path: Path) -> None:
    path = tmp_path / "c.geojson"
    gpd.GeoDataFrame(
        {"name": ["route", "site"]},
        geometry=[LineString([(-6.9, 34.0), (-6.8, 34.0)]), Point(-6.84, 34.02)],
        crs=4326,
    ).to_file(path, driver="GeoJSON")
    with pytest.raises(ValidationError) as err:
        read_points(path)
    assert err.value.problems == [(1, "geometry", "a LineString, not a point")]
    assert [(p.code, dict(p.params)) for p in _coded(err.value)] == [
        ("not_a_point", {"geom_type": "LineString"})
    ]


def test_a_file_without_coordinates_says_what_to_add(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name\nA\n")
    with pytest.raises(DataError, match="no lon/lat"):
        read_points(path)


def test_points_are_placed_in_their_commune_and_outsiders_refused(
    conn: Connection, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,lon,lat\nrabat,-6.8416,34.0209\nmarrakech,-8.0083,31.6458\n")
    got = load_candidates(conn, path)
    frame = got.frame
    assert frame["region_code"].tolist() == ["04", "07"]  # Rabat-Salé-Kénitra, Marrakech-Safi
    assert all(
        p.startswith(r) for p, r in zip(frame["province_code"], frame["region_code"], strict=True)
    )
    assert got.source.startswith("c.csv#")
    sea = tmp_path / "sea.csv"
    sea.write_text("id,lon,lat\nok,-6.8416,34.0209\nsea,-12.0,33.0\n")
    with pytest.raises(ValidationError) as err:
        load_candidates(conn, sea)
    assert [p[0] for p in err.value.problems] == [3]
    assert [(p.code, dict(p.params)) for p in _coded(err.value)] == [
        ("in_no_commune", {"lon": "-12.00000", "lat": "33.00000"})
    ]


def test_sites_in_metres_need_their_projection(tmp_path: Path) -> None:
    # Rabat and Fès in Merchich / Nord Maroc (EPSG:26191), metres
    metres = gpd.GeoSeries([Point(-6.84, 34.02), Point(-5.0, 34.03)], crs=4326).to_crs(26191)
    csv = tmp_path / "sites.csv"
    pd.DataFrame({"name": ["Rabat", "Fès"], "lon": metres.x, "lat": metres.y}).to_csv(
        csv, index=False
    )
    with pytest.raises(DataError, match="not longitude/latitude") as err:
        read_points(csv)
    assert err.value.code == "candidates_not_lonlat"
    assert "EPSG:4326" in str(err.value.hint)
    # the same points in a GeoPackage that carries its projection are read as degrees
    gpkg = tmp_path / "sites.gpkg"
    gpd.GeoDataFrame({"name": ["Rabat", "Fès"]}, geometry=metres).to_file(gpkg)
    back = read_points(gpkg)
    assert back["lon"].round(4).tolist() == [-6.84, -5.0]
    assert back["lat"].round(4).tolist() == [34.02, 34.03]


def test_one_report_names_rows_without_a_point_and_points_outside_morocco(
    conn: Connection, tmp_path: Path
) -> None:
    # a bad latitude, a point in Madrid and a row without coordinates: all three at once
    # (the Madrid row used to show up only after the others were fixed)
    path = tmp_path / "bad.csv"
    path.write_text("id,lon,lat\nB1,-6.8416,34.0209\nB2,-6.8,abc\nB3,-3.7038,40.4168\nB4,,\n")
    with pytest.raises(ValidationError) as err:
        load_candidates(conn, path)
    assert err.value.code == "candidates_invalid_rows"
    assert err.value.params["n"] == 3
    coded = sorted((p.row, p.field, p.code) for p in _coded(err.value))
    assert coded == [
        (3, "lat", "not_a_number"),
        (4, "geometry", "in_no_commune"),
        (5, "lat", "missing_coordinate"),
        (5, "lon", "missing_coordinate"),
    ]


def test_sites_csv_writes_whole_figures_without_a_decimal_and_huge_ones_as_they_are() -> None:
    # a cost of 5e6 was written "5000000.0"; a figure beyond 2**53 holds no exact integer
    # and stayed a float instead of stopping the download
    sites = [{**SITES[0], "cost_mad": 5e6, "gain": 1e20}, {**SITES[1], "cost_mad": None}]
    table = pd.read_csv(io.BytesIO(sites_bytes(sites, "csv")), dtype=str, encoding="utf-8-sig")
    assert table["cost_mad"].fillna("").tolist() == ["5000000", ""]
    assert [float(v) for v in table["gain"]] == [1e20, 99.0]


def test_candidate_sites_are_read_from_a_google_earth_kmz(tmp_path: Path) -> None:
    # a KML or KMZ of candidate sites was refused ("save it as GeoJSON or GeoPackage")
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Folder><name>Sites proposés</name>"
        "<Placemark><name>Terrain communal</name>"
        "<Point><coordinates>-5.0003,34.0331,410</coordinates></Point></Placemark>"
        "<Placemark><name>قطعة أرضية</name>"
        "<Point><coordinates>-6.8416,34.0209</coordinates></Point></Placemark>"
        "</Folder></Document></kml>"
    )
    path = tmp_path / "sites.kmz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("doc.kml", kml)
    points = read_points(path)
    assert list(points["name"]) == ["Terrain communal", "قطعة أرضية"]
    assert list(zip(points["lon"], points["lat"], strict=True)) == [
        (-5.0003, 34.0331),
        (-6.8416, 34.0209),
    ]
