"""File-level refusals and notes of imports carry a code the app words in French and Arabic.

Every bad file below is a real small file read or imported by the real functions; the test
checks the code raised, that its params are exactly the fields its texts show, and that the
French and Arabic texts come out filled in.
"""

from __future__ import annotations

import ast
import sqlite3
import string
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from app.i18n import LANGUAGES, error_texts, load_catalogues, note_text
from geo.candidate_sites import MAX_CANDIDATES, layer_candidates, load_candidates, read_points
from geo.importer import ImportReport, import_file
from geo.io_osm import read_osm_xml, read_overpass
from geo.io_read import CSV_VALUE_LIMIT, read_file
from geo.messages import ADVICE, FILE_ERRORS, NOTES, Advice, Note
from tests.geo.fixtures.support import (
    PROTECTED_XLSX,
    RABAT,
    WORD_97,
    ole2_file,
    require_layers,
    run_import,
)
from walouja.errors import ValidationError, WaloujaError
from walouja.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
IMPORT_PATH = ("io_read", "io_osm", "importer", "candidate_sites", "validate")
TEXTS = load_catalogues().texts


def _fields(*texts: str | None) -> set[str]:
    return {
        name for text in texts if text for _, name, _, _ in string.Formatter().parse(text) if name
    }


def _write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _xlsx(
    path: Path, columns: dict[str, list[str]], *, first_row: int = 1, sheet: str = "Feuil1"
) -> Path:
    """An Excel workbook written by GDAL (a second sheet when ``path`` exists); its rows
    moved down to start at ``first_row``."""
    import re

    import pandas as pd
    import pyogrio

    pyogrio.write_dataframe(pd.DataFrame(columns, dtype=object), path, driver="XLSX", layer=sheet)
    if first_row > 1:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                if name.endswith("sheet1.xml"):
                    data = re.sub(
                        rb'r="([A-Z]*)(\d+)"',
                        lambda m: b'r="%s%d"' % (m.group(1), int(m.group(2)) + first_row - 1),
                        data,
                    )
                zf.writestr(name, data)
    return path


def _sqlite_without_gpkg_tables(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE t (a)")
        con.commit()
    return path


def _geojson(path: Path, xy: tuple[float, float], epsg: int) -> Path:
    """A GeoJSON of one point whose crs member states ``epsg``."""
    crs = f'"crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::{epsg}"}}}},'
    return _write(
        path,
        f'{{"type":"FeatureCollection",{crs}"features":[{{"type":"Feature","properties":'
        f'{{"name":"A"}},"geometry":{{"type":"Point","coordinates":[{xy[0]},{xy[1]}]}}}}]}}',
    )


def _gpkg(path: Path, xy: tuple[float, float], epsg: int) -> Path:
    """A GeoPackage of one point whose CRS is ``epsg`` (whatever the coordinates are)."""
    import geopandas as gpd
    from shapely.geometry import Point

    gpd.GeoDataFrame({"name": ["A"]}, geometry=[Point(*xy)], crs=epsg).to_file(path)
    return path


Case = Callable[[Path, Connection], object]
HUGE = "x" * (CSV_VALUE_LIMIT + 1)  # longer than the longest value a CSV may hold
MADRID = "name;centre_type;lon;lat\nMadrid;CAS;-3.7;40.41\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"

CASES: list[tuple[str, Case]] = [
    ("xls_file", lambda d, c: read_file(_write(d / "centres.xls", b"\xd0\xcf\x11\xe0"))),
    (  # a Word 97-2003 document renamed .csv: it was "an Excel 97-2003 workbook (.xls)"
        "office_document",
        lambda d, c: read_file(ole2_file(d / "centres.csv", WORD_97)),
    ),
    ("protected_file", lambda d, c: read_file(ole2_file(d / "centres.xlsx", PROTECTED_XLSX))),
    ("empty_workbook", lambda d, c: read_file(_xlsx(d / "vide.xlsx", {"nom": []}))),
    (
        "sheet_header_not_first_row",
        lambda d, c: read_file(_xlsx(d / "titre.xlsx", {"nom": ["A"]}, first_row=3)),
    ),
    (
        "no_data_rows",
        lambda d, c: run_import(c, "centres", _write(d / "h.csv", "name,centre_type,lon,lat\n")),
    ),
    (
        "not_osm_xml",
        lambda d, c: read_osm_xml(
            _write(d / "k.xml", '<kml xmlns="http://www.opengis.net/kml/2.2"/>'), "centres"
        ),
    ),
    (
        "lonlat_in_given_crs_unstated",
        lambda d, c: run_import(
            c,
            "centres",
            _write(d / "c.csv", "name;centre_type;lon;lat\nA;CAS;-6.84;34.02\n"),
            crs="EPSG:26191",
        ),
    ),
    (
        "lonlat_in_projected_crs",
        lambda d, c: run_import(c, "beaches", _geojson(d / "b.geojson", (-6.84, 34.02), 26191)),
    ),
    (
        "lonlat_in_given_crs",
        lambda d, c: run_import(
            c, "beaches", _geojson(d / "b.geojson", (-6.84, 34.02), 4326), crs="EPSG:26191"
        ),
    ),
    (
        "given_crs_not_lonlat",
        lambda d, c: run_import(
            c, "beaches", _geojson(d / "b.geojson", (397000, 372000), 26191), crs="EPSG:4326"
        ),
    ),
    (
        "given_crs_not_lonlat_unstated",
        lambda d, c: run_import(
            c, "beaches", _write(d / "b.csv", "name;x;y\nA;397000;372000\n"), crs="EPSG:4326"
        ),
    ),
    (  # a GeoPackage that states degrees and holds metres
        "not_lonlat_in_degrees_crs",
        lambda d, c: run_import(c, "beaches", _gpkg(d / "b.gpkg", (397000, 372000), 4326)),
    ),
    ("no_such_file", lambda d, c: read_file(d / "absent.csv")),
    ("empty_file", lambda d, c: read_file(_write(d / "centres.csv", ""))),
    (  # it said "(0 bytes)" of a file of empty lines
        "blank_file",
        lambda d, c: read_file(_write(d / "centres.csv", "\r\n \r\n;;\r\n")),
    ),
    (  # a KML document of no placemark
        "no_data_rows",
        lambda d, c: run_import(
            c, "centres", _write(d / "points.kml", '<kml xmlns="http://www.opengis.net/kml/2.2"/>')
        ),
    ),
    (
        "not_utf8",
        lambda d, c: read_file(
            _write(d / "c.csv", "name;lon;lat\nCafé;-6.8;34\n".encode("cp1252"))
        ),
    ),
    ("unreadable_csv", lambda d, c: read_file(_write(d / "c.csv", f"{HUGE};lon\n"))),
    ("csv_line_error", lambda d, c: read_file(_write(d / "c.csv", f"name;lon\n{HUGE};1\n"))),
    ("unknown_extension", lambda d, c: read_file(_write(d / "centres.numbers", "PK"))),
    ("unknown_format", lambda d, c: read_file(_write(d / "c.csv", "a\n"), fmt="xls")),
    ("bad_zip", lambda d, c: read_file(_write(d / "feed.zip", "not a zip"))),
    ("bad_zip", lambda d, c: read_file(_write(d / "roads.zip", "not a zip"), fmt="shp")),
    ("bad_zip", lambda d, c: read_file(_write(d / "feed.zip", "not a zip"), fmt="gtfs")),
    ("zip_without_data", lambda d, c: read_file(_zip(d / "data.zip", {"readme.txt": "hello"}))),
    (  # a portal's zipped CSV: it said to "import a CSV, GeoJSON or GeoPackage file instead"
        "zip_holds_file",
        lambda d, c: read_file(_zip(d / "data.zip", {"export/centres.csv": "name;lon;lat\n"})),
    ),
    (
        "zip_without_shp",
        lambda d, c: read_file(_zip(d / "s.zip", {"roads.dbf": ""}), fmt="shp"),
    ),
    (
        "gtfs_without_stops",
        lambda d, c: read_file(_zip(d / "gtfs.zip", {"routes.txt": "route_id\n"}), fmt="gtfs"),
    ),
    (
        "gtfs_missing_column",
        lambda d, c: read_file(_write(d / "stops.txt", "stop_id,stop_name,stop_lat\n1,A,34\n")),
    ),
    (
        "gtfs_missing_column",
        lambda d, c: read_file(
            _zip(
                d / "gtfs.zip",
                {
                    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n1,A,34,-6.8\n",
                    "routes.txt": "route_id,route_type\nR,2\n",
                    "trips.txt": "trip_id\nT\n",
                    "stop_times.txt": "trip_id,stop_id\nT,1\n",
                },
            ),
            fmt="gtfs",
        ),
    ),
    ("not_this_format", lambda d, c: read_file(_write(d / "c.geojson", "not json"))),
    ("not_this_format", lambda d, c: read_file(_write(d / "c.gpkg", b"\x00" * 100))),
    ("empty_file", lambda d, c: read_file(_write(d / "c.geojson", ""))),
    (  # a CSV read as GeoJSON (--format geojson): GDAL gave a table without geometry
        "format_option_is_other",
        lambda d, c: read_file(_write(d / "c.csv", "name;lon;lat\nA;-6.8;34\n"), fmt="geojson"),
    ),
    (  # a CSV given --format osm: an XML syntax error said nothing of what the file is
        "format_option_is_other",
        lambda d, c: import_file(
            get_settings(), "centres", _write(d / "c.csv", "name;lon;lat\nA;-6.8;34\n"), fmt="osm"
        ),
    ),
    (  # an Excel workbook saved under a .csv name: it was "not UTF-8 (Windows-1252)"
        "format_is_other",
        lambda d, c: read_file(_xlsx(d / "centres.xlsx", {"nom": ["A"]}).rename(d / "c.csv")),
    ),
    (  # a portal's sign-in page saved under the data's name
        "html_page",
        lambda d, c: read_file(_write(d / "centres.csv", "<!DOCTYPE html><html><body/></html>")),
    ),
    (  # a title above the column names: it was "no lon/lat columns"
        "header_not_first_row",
        lambda d, c: run_import(
            c, "centres", _write(d / "c.csv", "Centres 2026;;;\nname;centre_type;lon;lat\n")
        ),
    ),
    (
        "format_not_imported",
        lambda d, c: read_file(_write(d / "centres.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")),
    ),
    (  # a screenshot of the table under the data's name: it was "not UTF-8 (Windows-1252)"
        "image_file",
        lambda d, c: read_file(_write(d / "centres.csv", PNG)),
    ),
    (  # a Shapefile's .dbf under a .csv name: it was "not UTF-8 (Windows-1252)"
        "binary_file",
        lambda d, c: read_file(_write(d / "centres.csv", b"\x03\x7e\x0c\x01\x02\x00" * 20)),
    ),
    ("unreadable_file", lambda d, c: read_file(_sqlite_without_gpkg_tables(d / "c.gpkg"))),
    ("osm_needs_layer", lambda d, c: read_file(_write(d / "sites.osm", "<osm/>"))),
    (  # the page's import takes the same path: a feed's stops are no beaches
        "gtfs_not_stops",
        lambda d, c: import_file(
            get_settings(),
            "beaches",
            _zip(d / "feed.zip", {"stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n1,A,34,-6\n"}),
        ),
    ),
    ("candidates_osm_file", lambda d, c: read_points(_write(d / "sites.osm", "<osm/>"))),
    (
        "candidates_duplicate_ids",
        lambda d, c: read_points(_write(d / "ids.csv", "id,lon,lat\nA,-6.8,34\nA,-7.6,33.6\n")),
    ),
    (
        "candidates_repeated_rows",
        lambda d, c: read_points(_write(d / "twice.csv", "nom,lon,lat\nA,-6.8,34\nA,-6.8,34\n")),
    ),
    (
        "osm_nothing_usable",
        lambda d, c: read_osm_xml(_write(d / "e.osm", '<osm version="0.6"></osm>'), "beaches"),
    ),
    ("unreadable_osm", lambda d, c: read_osm_xml(_write(d / "b.osm", "<osm><node"), "beaches")),
    (
        "osm_no_accessible_cities",
        lambda d, c: read_osm_xml(_write(d / "e.osm", "<osm/>"), "accessible_cities"),
    ),
    (
        "osm_unreachable",
        lambda d, c: read_overpass(
            "Martil",
            "beaches",
            overpass_url="http://127.0.0.1:9/api",
            nominatim_url="http://127.0.0.1:9/nominatim",
        ),
    ),
    (
        "no_geometry",
        lambda d, c: run_import(c, "centres", _write(d / "c.csv", "name;centre_type\nA;CAS\n")),
    ),
    (
        "repeated_column",
        lambda d, c: run_import(
            c, "centres", _write(d / "c.csv", "name;name;centre_type;lon;lat\nA;B;CAS;-6.8;34\n")
        ),
    ),
    (  # candidate sites read by the Prioritise page
        "repeated_column",
        lambda d, c: read_points(_write(d / "sites.csv", "name,lon,lon,lat\nA,-6.8,-6.9,34\n")),
    ),
    (
        "duplicate_column",
        lambda d, c: run_import(
            c, "centres", _write(d / "c.csv", "Nom;nom;centre_type;lon;lat\nA;B;CAS;-6.8;34\n")
        ),
    ),
    (
        "not_lonlat_without_crs",
        lambda d, c: run_import(c, "beaches", _write(d / "b.csv", "name;x;y\nA;500000;300000\n")),
    ),
    (
        "unknown_crs",
        lambda d, c: run_import(c, "beaches", _write(d / "b.csv", "name;x;y\nA;1;2\n"), crs="X:1"),
    ),
    (  # metres in a GeoJSON without a crs member (read as EPSG:4326)
        "geojson_not_lonlat",
        lambda d, c: run_import(
            c,
            "beaches",
            _write(
                d / "b.geojson",
                '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                '{"name":"A"},"geometry":{"type":"Point","coordinates":[500000,300000]}}]}',
            ),
        ),
    ),
    ("not_a_file", lambda d, c: read_file(d)),
    (
        "shapefile_part_missing",
        lambda d, c: read_file(_zip(d / "s.zip", {"roads.shp": "", "roads.dbf": ""}), fmt="shp"),
    ),
    (
        "cannot_set_field",
        lambda d, c: run_import(
            c, "beaches", _write(d / "b.csv", "name;lon;lat\nA;-6.8;34\n"), defaults={"colour": 1}
        ),
    ),
    (  # checked even when every row has its own type
        "bad_set_value",
        lambda d, c: run_import(
            c,
            "centres",
            _write(d / "c.csv", "name;centre_type;lon;lat\nA;COAPH;-6.8;34\n"),
            defaults={"centre_type": "COAHP"},
        ),
    ),
    (
        "import_refused",
        lambda d, c: run_import(
            c, "centres", _write(d / "c.csv", MADRID), dry_run=True, raise_on_reject=True
        ),
    ),
    (
        "import_nothing_valid",
        lambda d, c: run_import(
            c, "centres", _write(d / "c.csv", MADRID), skip_invalid=True, raise_on_reject=True
        ),
    ),
    ("candidates_no_coordinates", lambda d, c: read_points(_write(d / "s.csv", "name\nA\n"))),
    ("candidates_invalid_rows", lambda d, c: read_points(_write(d / "s.csv", "lon;lat\nx;34\n"))),
    ("candidates_empty", lambda d, c: read_points(_write(d / "s.csv", "lon;lat\n"))),
    (
        "candidates_not_lonlat",
        lambda d, c: read_points(_write(d / "s.csv", "x;y\n398000;372000\n")),
    ),
    ("layer_has_no_type", lambda d, c: layer_candidates(c, "beaches", type_value="sand")),
    (
        "too_many_candidates",
        lambda d, c: read_points(
            _write(d / "s.csv", "lon;lat\n" + "-6.8;34.0\n" * (MAX_CANDIDATES + 1))
        ),
    ),
    (
        "candidates_outside_communes",
        lambda d, c: load_candidates(c, _write(d / "s.csv", "lon;lat\n-3.7;40.41\n")),
    ),
]


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


@pytest.mark.parametrize(("code", "case"), CASES, ids=[code for code, _ in CASES])
def test_a_bad_file_is_refused_with_a_code_worded_in_every_language(
    code: str, case: Case, tmp_path: Path, db: Connection
) -> None:
    with pytest.raises(WaloujaError) as caught:
        case(tmp_path, db)
    exc = caught.value
    assert exc.code == code, exc
    message, hint = FILE_ERRORS[code]
    assert set(exc.params) == _fields(message, hint)
    # the CLI's English, unchanged; but for a hint the page words without the CLI's options
    shown = error_texts(exc, "en")
    assert shown[0] == exc.message
    if f"errors.{code}.hint.app" not in TEXTS["en"]:
        assert shown[1] == exc.hint
    for lang in ("fr", "ar"):
        text, tip = error_texts(exc, lang)
        assert text != exc.message, (lang, text)
        assert "{" not in text, (lang, text)
        if hint is not None:
            assert tip is not None
            assert tip != exc.hint, (lang, tip)
            assert "{" not in tip, (lang, tip)


def test_the_cases_cover_every_refusal_but_the_unreachable_place_search() -> None:
    assert {code for code, _ in CASES} == set(FILE_ERRORS) - {
        "osm_place_not_found",
        # needs a run without root's power: tests/test_cli_import_permissions.py
        "permission_denied",
    }


def test_every_code_has_its_text_and_hint_in_every_language() -> None:
    for lang in LANGUAGES:
        for code, (message, hint) in FILE_ERRORS.items():
            key = f"errors.{code}"
            assert key in TEXTS[lang], (lang, key)
            assert (f"{key}.hint" in TEXTS[lang]) == (hint is not None), (lang, key)
            assert _fields(TEXTS[lang][key], TEXTS[lang].get(f"{key}.hint")) == _fields(
                message, hint
            ), (lang, key)
        for code, text in NOTES.items():
            assert _fields(TEXTS[lang][f"warnings.{code}"]) == _fields(text), (lang, code)
    # the English catalogue says exactly what the CLI says
    for code, (message, hint) in FILE_ERRORS.items():
        assert TEXTS["en"][f"errors.{code}"] == message
        assert TEXTS["en"].get(f"errors.{code}.hint") == hint
    assert {code: TEXTS["en"][f"warnings.{code}"] for code in NOTES} == NOTES


def test_every_advice_is_worded_in_every_language_and_the_page_names_its_own_means() -> None:
    for lang in LANGUAGES:
        for code, (message, hint) in ADVICE.items():
            key = f"errors.{code}"
            assert _fields(TEXTS[lang][key], TEXTS[lang][f"{key}.hint"]) == _fields(
                message, hint
            ), (lang, code)
            if "--" in hint:  # a CLI option: the page says what to do on the page instead
                app_hint = TEXTS[lang][f"{key}.hint.app"]
                assert "--" not in app_hint, (lang, code)
                assert _fields(app_hint) <= _fields(hint), (lang, code)
    for code, (message, hint) in ADVICE.items():  # the English catalogue is the CLI's
        assert (TEXTS["en"][f"errors.{code}"], TEXTS["en"][f"errors.{code}.hint"]) == (
            message,
            hint,
        )
    tip = Advice(
        "field_missing_in_rows",
        {"n": 2, "total": 3, "field": "mode", "example": "bus", "values": "bus, tram"},
    )
    assert error_texts(tip, "fr") == (
        "2 lignes sur 3 n'ont pas de valeur pour mode",
        "choisissez ci-dessous la valeur que prendront les lignes qui n'en ont pas, ou "
        "complétez le fichier",
    )
    assert error_texts(tip, "en")[0] == tip.message == "2 of 3 rows have no mode"
    one = Advice("field_missing_in_rows", {**tip.params, "n": 1})
    assert error_texts(one, "ar")[0] == "سطر واحد من أصل 3 بلا قيمة للحقل mode"


def _calls(module: str) -> list[ast.Call]:
    tree = ast.parse((ROOT / "geo" / f"{module}.py").read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


@pytest.mark.parametrize("module", IMPORT_PATH)
def test_every_refusal_and_note_in_the_import_path_has_a_known_code(module: str) -> None:
    calls = _calls(module)
    bare = [c.lineno for c in calls if _name(c).endswith("Error") and _name(c) != "RowError"]
    assert bare == [], f"geo/{module}.py raises errors without a code at lines {bare}"
    for call in calls:
        if _name(call) in ("file_error", "validation_error", "Note"):
            first = call.args[0]
            assert isinstance(first, ast.Constant), (module, call.lineno)
            known = NOTES if _name(call) == "Note" else FILE_ERRORS
            assert first.value in known, (module, call.lineno, first.value)


def test_the_refusal_of_an_import_says_what_its_report_says(tmp_path: Path, db: Connection) -> None:
    path = _write(tmp_path / "c.csv", MADRID)
    report: ImportReport = run_import(db, "centres", path, dry_run=True)
    with pytest.raises(ValidationError) as caught:
        run_import(db, "centres", path, dry_run=True, raise_on_reject=True)
    assert caught.value.message == report.summary()
    assert report.summary() == (
        "centres: import of c.csv refused — 1 of 1 row rejected, nothing written"
    )
    assert caught.value.problems == [p.as_tuple() for p in report.problems]
    # the app names the layer by its label in the page's language; the CLI keeps `centres`
    assert error_texts(caught.value, "fr")[0] == (
        "Centres : import de c.csv refusé — lignes refusées : 1 sur 1 ; rien n'a été écrit"
    )
    assert error_texts(caught.value, "ar")[0].startswith("المراكز")
    assert "centres" not in error_texts(caught.value, "ar")[0]


def test_notes_about_a_file_are_english_for_the_cli_and_translated_for_the_app(
    tmp_path: Path, db: Connection
) -> None:
    stops = "stop_id,stop_name,stop_lat,stop_lon\nS1,Bab Rouah,34.0209,-6.8416\n"
    report = run_import(db, "transport_stops", _write(tmp_path / "stops.txt", stops), dry_run=True)
    (note,) = [
        w for w in report.warnings if isinstance(w, Note) and w.code == "gtfs_no_wheelchair_column"
    ]
    assert note == "stops.txt has no wheelchair_boarding column: recorded as 0 (unknown)"
    assert report.as_dict()["warnings"] == list(report.warnings)
    assert {
        "code": "gtfs_no_wheelchair_column",
        "params": dict(note.params),
        "text": str(note),
    } in report.as_dict()["notes"]
    assert note_text(note, "fr").startswith("stops.txt n'a pas de colonne wheelchair_boarding")
    assert note_text(note, "ar").startswith("لا يحتوي stops.txt على العمود wheelchair_boarding")
    assert note_text(note, "en") == note
    x, y = 397000.0, 372000.0  # Merchich / Nord Maroc metres near Rabat
    text = f"name;commune_code;x;y\nPlage;X;{x};{y}\n"
    report = run_import(
        db, "beaches", _write(tmp_path / "b.csv", text), crs="EPSG:26191", dry_run=True
    )
    codes = {w.code: w for w in report.warnings if isinstance(w, Note)}
    assert codes["ignored_columns"].params == {"columns": "commune_code"}
    assert note_text(codes["reprojected"], "fr") == (
        "coordonnées reprojetées de EPSG:26191 vers EPSG:4326"
    )
    assert note_text(codes["ignored_columns"], "ar").startswith("أعمدة تم تجاهلها: commune_code")
    assert note_text("a plain note", "ar") == "a plain note"
    path = _xlsx(tmp_path / "listes.xlsx", {"nom": ["A"], "lon": ["-6.8"], "lat": ["34"]})
    _xlsx(path, {"note": ["brouillon"]}, sheet="Notes")
    (sheets,) = read_file(path).warnings
    assert isinstance(sheets, Note)
    assert sheets.code == "several_sheets"
    assert note_text(sheets, "fr") == (
        "listes.xlsx contient 2 feuilles : seule la première qui contient des données "
        "(Feuil1) a été lue"
    )
    assert note_text(sheets, "ar").startswith("يحتوي listes.xlsx على عدة أوراق (2)")


def test_a_note_keeps_its_code_when_copied() -> None:
    import copy
    import pickle

    note = Note("several_layers", name="a.gpkg", n=2, first="roads")
    assert note == "a.gpkg has 2 layers; read the first one (roads)"
    for again in (copy.deepcopy(note), pickle.loads(pickle.dumps(note))):
        assert (again, again.code, again.params) == (note, note.code, note.params)


def test_an_error_without_a_code_or_a_text_keeps_its_english() -> None:
    plain = WaloujaError("something odd", hint="try again")
    assert error_texts(plain, "ar") == ("something odd", "try again")
    unknown = WaloujaError("odd", code="no_such_code", params={})
    assert error_texts(unknown, "fr") == ("odd", None)
    short = WaloujaError("centres.csv is empty", code="empty_file", params={})  # no {name}
    assert error_texts(short, "fr") == ("centres.csv is empty", None)


def test_a_rabat_point_is_a_valid_candidate(tmp_path: Path, db: Connection) -> None:
    sites = load_candidates(db, _write(tmp_path / "s.csv", f"lon;lat\n{RABAT[0]};{RABAT[1]}\n"))
    assert len(sites.frame) == 1  # the refusals above are not the only outcome


@pytest.mark.parametrize(
    ("code", "case"),
    [(code, case) for code, case in CASES if code in ("empty_file", "zip_without_data")],
)
def test_a_file_with_nothing_to_read_has_a_hint_in_every_language(
    code: str, case: Case, tmp_path: Path, db: Connection
) -> None:
    with pytest.raises(WaloujaError) as caught:
        case(tmp_path, db)
    assert caught.value.code == code
    assert caught.value.hint  # the CLI prints it under the refusal
    hints = {lang: error_texts(caught.value, lang)[1] for lang in LANGUAGES}
    assert all(hints.values()), hints
    assert len(set(hints.values())) == 3, hints
