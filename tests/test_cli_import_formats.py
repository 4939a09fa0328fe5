"""`walouja import` of a file whose content is not what its name or --format says, and of
text in an encoding a Windows tool chose: what the command line says, and that it writes
nothing when it refuses."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.geo.fixtures.support import FES, RABAT, require_layers

WALOUJA = [sys.executable, "-m", "walouja.cli"]
ROWS = {
    "external_id": ["CLI-F-1", "CLI-F-2"],
    "name": ["Centre format A", "مركز الصيغة ب"],
    "centre_type": ["COAPH", "CAS"],
    "lon": [FES[0], RABAT[0]],
    "lat": [FES[1], RABAT[1]],
}
CSV = pd.DataFrame(ROWS).to_csv(index=False, lineterminator="\r\n")


def _walouja(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (the test database from the environment)."""
    return subprocess.run([*WALOUJA, *args], capture_output=True, text=True, check=False)


def _xlsx(path: Path) -> Path:
    """A real Excel workbook (GDAL's XLSX driver) holding ``ROWS``, saved as ``path``."""
    book = path.with_name("book.xlsx")
    pyogrio.write_dataframe(pd.DataFrame(ROWS), book, driver="XLSX", layer="Feuil1")
    return book.rename(path)


def _count(engine: Engine) -> int:
    with engine.connect() as c:
        require_layers(c)
        return int(
            c.execute(
                sa.text("SELECT count(*) FROM centres WHERE external_id LIKE 'CLI-F-%'")
            ).scalar_one()
        )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_without_its_byte_order_mark_is_read(
    tmp_path: Path, engine: Engine, encoding: str
) -> None:
    # it was refused as "has no geometry: no lon/lat (or longitude/latitude, x/y) columns"
    path = tmp_path / "centres.csv"
    path.write_bytes(CSV.encode(encoding))
    out = _walouja("import", "centres", str(path), "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    assert '"inserted": 2' in out.stdout
    assert '"rejected": 0' in out.stdout
    assert _count(engine) == 0


def test_a_workbook_given_format_csv_is_named_a_workbook(tmp_path: Path, engine: Engine) -> None:
    # it said "centres.xlsx is not UTF-8 text … (most likely Windows-1252)"
    path = _xlsx(tmp_path / "centres.xlsx")
    out = _walouja("import", "centres", str(path), "--format", "csv")
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.xlsx is not in the CSV format: it is in the Excel (.xlsx) format — "
        "leave --format out (the file's name says its format), or give --format xlsx\n"
    )
    assert _count(engine) == 0
    # and as the hint says, without --format it is read
    done = _walouja("import", "centres", str(path), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would insert 2" in done.stdout


def test_a_workbook_saved_under_a_csv_name_says_how_to_import_it(
    tmp_path: Path, engine: Engine
) -> None:
    path = _xlsx(tmp_path / "centres.csv")
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.csv is not in the CSV format: it is in the Excel (.xlsx) format — "
        "import it with --format xlsx, or rename it to end in .xlsx\n"
    )
    done = _walouja("import", "centres", str(path), "--format", "xlsx", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert _count(engine) == 0


def test_a_csv_given_format_osm_is_named_a_csv(tmp_path: Path, engine: Engine) -> None:
    # it said "cannot read centres.csv as OpenStreetMap XML: syntax error: line 1, column 0"
    path = tmp_path / "centres.csv"
    path.write_text(CSV, encoding="utf-8")
    out = _walouja("import", "centres", str(path), "--format", "osm", "--json")
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.csv is not in the OpenStreetMap XML (.osm) format: it is in the CSV "
        "format — leave --format out (the file's name says its format), or give --format csv\n"
    )
    assert '"code": "format_option_is_other"' in out.stdout
    assert "Traceback" not in out.stderr
    assert _count(engine) == 0


def test_a_saved_sign_in_page_is_named_a_web_page(tmp_path: Path, engine: Engine) -> None:
    # a portal's sign-in page saved as centres.csv was "not in the CSV format: it is XML"
    path = tmp_path / "centres.csv"
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Connexion</title></head><body></body></html>\n"
    )
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.csv is a web page (HTML), not CSV data: the download may have saved "
        "the site's sign-in or error page — download the file again (signed in to the site), "
        "check that it opens as a table or a map layer, then import it\n"
    )
    assert _count(engine) == 0


def test_an_opendocument_sheet_named_xlsx_imports_as_its_refusal_says(
    tmp_path: Path, engine: Engine
) -> None:
    # the refusal said "import it with --format ods", which then said it "cannot be read as
    # OpenDocument (.ods)"
    book = tmp_path / "book.ods"
    pyogrio.write_dataframe(pd.DataFrame(ROWS), book, driver="ODS", layer="Feuille1")
    path = book.rename(tmp_path / "centres.xlsx")
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr.endswith("— import it with --format ods, or rename it to end in .ods\n")
    done = _walouja("import", "centres", str(path), "--format", "ods", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would insert 2" in done.stdout
    assert _count(engine) == 0


def _centres_gdf() -> gpd.GeoDataFrame:
    frame = pd.DataFrame(ROWS)
    return gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=4326,
    )


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp"])
def test_a_file_saved_under_a_csv_name_imports_with_the_format_its_refusal_names(
    tmp_path: Path, engine: Engine, fmt: str
) -> None:
    # a GeoPackage saved as .csv, imported with --format gpkg as its refusal said, ended in
    # a traceback (GDAL read it as a CSV, by its extension); a zipped Shapefile or a GeoJSON
    # "cannot be read"
    if fmt == "shp":
        folder = tmp_path / "shp"
        folder.mkdir()
        _centres_gdf().to_file(folder / "centres.shp")
        source = tmp_path / "centres.zip"
        with zipfile.ZipFile(source, "w") as zf:
            for part in folder.iterdir():
                zf.write(part, part.name)
    else:
        source = tmp_path / f"centres.{fmt}"
        _centres_gdf().to_file(source, driver={"gpkg": "GPKG", "geojson": "GeoJSON"}[fmt])
    path = source.rename(tmp_path / "centres.csv")
    refused = _walouja("import", "centres", str(path))
    assert refused.returncode == 1
    assert f"— import it with --format {fmt}, or rename it to end in ." in refused.stderr
    out = _walouja("import", "centres", str(path), "--format", fmt, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "would insert 2" in out.stdout
    assert _count(engine) == 0


def test_a_gtfs_feed_saved_as_csv_imports_with_the_format_its_refusal_names(
    tmp_path: Path,
) -> None:
    # the refusal said "import it with --format gtfs", and doing so said "feed.csv is not
    # UTF-8 text (most likely Windows-1252)": the feed was opened as a zip only if named .zip
    path = tmp_path / "feed.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon,wheelchair_boarding\r\n"
            f"S1,Gare format A,{FES[1]},{FES[0]},1\r\n"
            f"S2,Gare format B,{RABAT[1]},{RABAT[0]},1\r\n",
        )
    refused = _walouja("import", "transport_stops", str(path), "--dry-run")
    assert refused.returncode == 1
    assert "import it with --format gtfs" in refused.stderr
    out = _walouja(
        "import", "transport_stops", str(path), "--format", "gtfs", "--set", "mode=train",
        "--dry-run", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert '"format": "gtfs"' in out.stdout
    assert '"inserted": 2' in out.stdout


# Google My Maps' export, as a municipality's clerk would send it: a folder ("layer") of
# placemarks with a name, a description and data fields; Google Earth adds a height
MY_MAPS_KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Centres de la commune</name>
    <Style id="icon-1899-0288D1-normal"><IconStyle><scale>1</scale></IconStyle></Style>
    <Folder>
      <name>Calque sans titre</name>
      <Placemark>
        <name>Centre KML A</name>
        <description>Ouvert en 2024</description>
        <styleUrl>#icon-1899-0288D1-normal</styleUrl>
        <ExtendedData>
          <Data name="external_id"><value>CLI-F-K1</value></Data>
          <Data name="type"><value>COAPH</value></Data>
          <Data name="capacite"><value>120</value></Data>
        </ExtendedData>
        <Point><coordinates>{FES[0]},{FES[1]},412</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>مركز KML ب</name>
        <ExtendedData>
          <Data name="external_id"><value>CLI-F-K2</value></Data>
          <Data name="type"><value>CAS</value></Data>
          <Data name="capacite"><value></value></Data>
        </ExtendedData>
        <Point><coordinates>{RABAT[0]},{RABAT[1]}</coordinates></Point>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""


@pytest.mark.parametrize("name", ["centres.kml", "centres.kmz", "centres.zip"])
def test_a_google_earth_or_my_maps_file_is_imported(
    tmp_path: Path, engine: Engine, name: str
) -> None:
    # a .kml or .kmz was refused ("save it as GeoJSON or GeoPackage, in QGIS…"): a clerk
    # with Google Earth or My Maps had to find QGIS first
    path = tmp_path / name
    if name == "centres.kml":
        path.write_text(MY_MAPS_KML, encoding="utf-8")
    else:  # a KMZ: the KML zipped as doc.kml (also when saved under a .zip name)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("doc.kml", MY_MAPS_KML)
    try:
        out = _walouja("import", "centres", str(path), "--source", "Commune (KML)")
        assert out.returncode == 0, out.stderr
        assert f"centres: {name} (kml) — 2 rows read, inserted 2" in out.stdout, out.stdout
        # the description is the one column no field reads; the style columns are not named
        assert "1 column left out, as centres has no such field: description" in out.stdout
        with engine.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT external_id, name, centre_type, capacity, ST_X(geom), ST_Y(geom), "
                    "ST_NDims(geom) FROM centres WHERE external_id LIKE 'CLI-F-K%' ORDER BY 1"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("CLI-F-K1", "Centre KML A", "COAPH", 120, FES[0], FES[1], 2),
            ("CLI-F-K2", "مركز KML ب", "CAS", None, RABAT[0], RABAT[1], 2),
        ]
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM centres WHERE external_id LIKE 'CLI-F-K%'"))
            c.execute(sa.text("DELETE FROM layer_history WHERE external_id LIKE 'CLI-F-K%'"))
            # its source's entry too: 'Commune (KML) · unknown' stayed on the Sources page
            # and in `walouja layers` of the test database, naming no row
            c.execute(sa.text("DELETE FROM layer_sources WHERE row_source = 'Commune (KML)'"))


def test_a_kml_saved_under_a_csv_name_imports_with_the_format_its_refusal_names(
    tmp_path: Path, engine: Engine
) -> None:
    path = tmp_path / "centres.csv"
    path.write_text(MY_MAPS_KML, encoding="utf-8")
    out = _walouja("import", "centres", str(path), "--dry-run")
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.csv is not in the CSV format: it is in the KML format — import it "
        "with --format kml, or rename it to end in .kml\n"
    )
    done = _walouja("import", "centres", str(path), "--format", "kml", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert '"inserted": 2' in done.stdout
    assert _count(engine) == 0


def test_a_kml_without_a_placemark_has_no_data_rows(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "vide.kml"
    path.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>')
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr.startswith("walouja: vide.kml has no data rows: nothing to import — ")
    assert "in KML, one placemark each" in out.stderr
