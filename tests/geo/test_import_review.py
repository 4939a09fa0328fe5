"""Imports a second review found mishandled: rows numbered after a value on several lines,
files with no rows, texts of other libraries, sources and ids of other organisations,
centres moved a little, a projected CRS given for degrees, columns nobody reads. Each test
imports a real small file and asserts what the user sees."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from geo.export import write_frame
from geo.importer import ImportOptions, ImportReport, default_source, import_and_record
from geo.io_read import read_file
from geo.layers import read_layer
from geo.messages import ADVICE, FILE_ERRORS, SINGULAR, Note, english
from tests.geo.fixtures.support import FES, RABAT, require_layers, run_import, write
from walouja.errors import DataError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


# 1. rows are numbered as a spreadsheet shows them


def test_rows_after_a_value_on_several_lines_keep_their_spreadsheet_number(
    db: Connection, tmp_path: Path
) -> None:
    text = (
        "name,centre_type,notes,lon,lat\n"  # row 1
        f'Centre Note,XXX,"ligne 1\nligne 2\nligne 3",{FES[0]},{FES[1]}\n'  # row 2, lines 2-4
        f"Centre Après,YYY,,{RABAT[0]},{RABAT[1]}\n"  # row 3
        "\n"  # row 4: a spreadsheet shows the empty line
        f"Centre Fin,ZZZ,,{RABAT[0]},{RABAT[1]}\n"  # row 5
    )
    report = run_import(db, "centres", write(tmp_path / "multi.csv", text), dry_run=True)
    assert [(p.row, p.field) for p in report.problems] == [
        (2, "centre_type"),
        (3, "centre_type"),
        (5, "centre_type"),
    ]


# 2. what other libraries say reaches no user: the file's fault and the fix, in our words


def test_a_long_note_is_read_and_a_value_over_a_million_characters_names_its_line(
    db: Connection, tmp_path: Path
) -> None:
    note = "n" * 200_000  # over the csv module's own limit (131,072)
    text = f"name,centre_type,notes,lon,lat\nCentre long,CAS,{note},{FES[0]},{FES[1]}\n"
    report = run_import(db, "centres", write(tmp_path / "long.csv", text), dry_run=True)
    assert (report.rows_read, report.rejected, report.inserted) == (1, 0, 1)
    # a quote left open on line 3 runs to the end of the file
    rest = "".join(f"Centre {i},CAS,,{FES[0]},{FES[1]}\n" for i in range(40_000))
    text = f'name,centre_type,notes,lon,lat\nCentre A,CAS,,{FES[0]},{FES[1]}\nB,CAS,"oops\n{rest}'
    with pytest.raises(DataError) as caught:
        read_file(write(tmp_path / "open.csv", text))
    assert caught.value.code == "csv_line_error"
    assert str(caught.value) == (
        "open.csv: the row starting at line 3 holds a value longer than a million characters"
        ' — a quote (") left open makes the rest of the file one value: close it, or shorten '
        "the value"
    )


def test_a_damaged_geojson_says_so_with_gdals_words_last(tmp_path: Path) -> None:
    path = write(tmp_path / "cut.geojson", '{"type":"FeatureCollection","features":[')
    with pytest.raises(DataError) as caught:
        read_file(path)
    assert caught.value.code == "unreadable_file"
    assert caught.value.message.startswith(
        "cut.geojson cannot be read as GeoJSON: it looks damaged or incomplete (GDAL: "
    )
    assert caught.value.hint == (
        "save or export it again from the program that made it, and import the new file"
    )


def test_an_unknown_crs_says_which_codes_to_give(db: Connection, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", f"name,centre_type,lon,lat\nA,CAS,{FES[0]},{FES[1]}\n")
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", path, crs="foo")
    assert caught.value.code == "unknown_crs"
    assert caught.value.params == {"crs": "foo"}  # PROJ's "Internal Proj Error" is not shown
    assert str(caught.value) == (
        "'foo' is not a coordinate reference system Walouja knows — give an EPSG code: "
        "EPSG:4326 for longitude/latitude in degrees, EPSG:26191 for Merchich / Nord Maroc metres"
    )


# 3. a count of one takes the singular, in the CLI's English and in the catalogues


def _catalogue(lang: str) -> dict[str, str]:
    path = ROOT / "data" / "i18n" / f"errors.{lang}.json"
    texts: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return texts


def test_one_non_point_geometry_is_one_in_english_and_french(
    db: Connection, tmp_path: Path
) -> None:
    square = "POLYGON ((-6.85 34.02, -6.84 34.02, -6.84 34.03, -6.85 34.03, -6.85 34.02))"
    path = write(tmp_path / "one.csv", f'name,wkt\nPlage carrée,"{square}"\n')
    report = run_import(db, "beaches", path, dry_run=True)
    (note,) = [w for w in report.warnings if getattr(w, "code", "") == "non_point_geometries"]
    assert note == "1 non-point geometry stored as a point on its surface"
    french = _catalogue("fr")["warnings.non_point_geometries.one"].format(**note.params)  # type: ignore[attr-defined]
    assert french == "1 géométrie non ponctuelle enregistrée comme un point de sa surface"
    assert str(Note("non_point_geometries", n=2)).startswith("2 non-point geometries stored")


def test_every_english_singular_is_the_catalogues_form_for_one() -> None:
    texts = {lang: _catalogue(lang) for lang in ("en", "fr", "ar")}
    for code, one in SINGULAR.items():
        key = f"{'errors' if code in FILE_ERRORS or code in ADVICE else 'warnings'}.{code}"
        assert texts["en"][f"{key}.one"] == one
        assert f"{key}.one" in texts["fr"]
        assert f"{key}.one" in texts["ar"]


def test_a_refusal_of_one_row_says_row() -> None:
    params = {"layer": "centres", "file": "c.csv", "rejected": 1, "n": 1}
    assert english("import_refused", params)[0] == (
        "centres: import of c.csv refused — 1 of 1 row rejected, nothing written"
    )
    assert english("import_refused", {**params, "n": 3})[0] == (
        "centres: import of c.csv refused — 1 of 3 rows rejected, nothing written"
    )


# 4. a source the user states wins over the file's source column


SOURCED = (
    "external_id,name,centre_type,source,lon,lat\n"
    f"src-1,Pharmacie Azzahra,other,bing,{FES[0]},{FES[1]}\n"
    f"src-2,Pharmacie Florida,other,survey,{RABAT[0]},{RABAT[1]}\n"
    f"src-3,Pharmacie Annour,other,bing,{RABAT[0] + 0.01},{RABAT[1]}\n"
)


def _sources(db: Connection) -> dict[str, str]:
    rows = db.execute(
        sa.text("SELECT external_id, source FROM centres WHERE external_id LIKE 'src-%'")
    )
    return {str(e): str(s) for e, s in rows}


def test_a_stated_source_is_every_rows_and_the_column_left_out_is_named(
    db: Connection, tmp_path: Path
) -> None:
    table = read_file(write(tmp_path / "sourced.csv", SOURCED))
    opts = ImportOptions(source="healthsites.io 2020", source_given=True)
    report = import_and_record(db, "centres", table, opts, source="healthsites.io 2020")
    assert report.inserted == 3
    assert _sources(db) == dict.fromkeys(("src-1", "src-2", "src-3"), "healthsites.io 2020")
    (note,) = [w for w in report.warnings if getattr(w, "code", "") == "source_column_not_used"]
    assert note == (
        "the file's source column (2 different values) was not used: each row added or "
        "changed is recorded under 'healthsites.io 2020', the source given"
    )
    entries = set(db.execute(sa.text("SELECT row_source FROM layer_sources")).scalars())
    assert "healthsites.io 2020" in entries
    assert not {"bing", "survey"} & entries


def test_without_a_stated_source_the_column_still_gives_each_row_its_own(
    db: Connection, tmp_path: Path
) -> None:
    path = write(tmp_path / "sourced.csv", SOURCED)
    report = import_and_record(
        db, "centres", read_file(path), ImportOptions(), source=default_source(path)
    )
    assert report.inserted == 3
    assert _sources(db) == {"src-1": "bing", "src-2": "survey", "src-3": "bing"}
    assert not any(getattr(w, "code", "") == "source_column_not_used" for w in report.warnings)
    # said, since the rows' provenance is not the source the report names
    (note,) = [w for w in report.warnings if getattr(w, "code", "") == "source_column_used"]
    assert note == (
        "each row is recorded under the source its file's source column names (2 different "
        "values, e.g. 'bing'); give a source to record every row under it"
    )


# 5. an id another organisation gave to another place does not replace it

MARRAKECH = (-8.0, 31.63)


def _import(db: Connection, tmp_path: Path, name: str, text: str, source: str) -> ImportReport:
    table = read_file(write(tmp_path / name, "id,name,centre_type,capacity,lon,lat\n" + text))
    opts = ImportOptions(
        source=source, source_given=True, licence="CC BY 4.0", raise_on_reject=False
    )
    return import_and_record(db, "centres", table, opts, source=source)


def _centre(db: Connection, external_id: str) -> tuple[str, str, str]:
    row = db.execute(
        sa.text("SELECT name, centre_type, source FROM centres WHERE external_id = :e"),
        {"e": external_id},
    ).one()
    return (str(row[0]), str(row[1]), str(row[2]))


def test_another_sources_id_for_another_place_is_rejected_naming_the_row(
    db: Connection, tmp_path: Path
) -> None:
    fes = f"4711,Centre Association A,CAS,30,{FES[0]},{FES[1]}\n"
    assert _import(db, tmp_path, "orgA.csv", fes, "Délégation Fès").inserted == 1
    marrakech = f"4711,Centre Association B,COAPH,60,{MARRAKECH[0]},{MARRAKECH[1]}\n"
    report = _import(db, tmp_path, "orgB.csv", marrakech, "Délégation Marrakech")
    assert report.refused
    assert (report.inserted, report.updated) == (0, 0)
    (only,) = report.problems
    assert (only.row, only.field, only.code) == (2, "external_id", "id_of_another_place")
    assert only.params["other_source"] == "Délégation Fès"
    assert only.params["distance"] == "387 km"
    # both rows side by side: what differs (here all of it) shows
    assert only.reason.startswith(
        "id '4711' already names 'Centre Association A' (CAS, source 'Délégation Fès', table id "
    )
    assert "387 km from this row's 'Centre Association B' (COAPH): another place" in only.reason
    assert only.reason.endswith(
        "another place, left unchanged — give this file's ids a prefix of their own, or "
        "leave the id column out; if it is that place, import the row under the source "
        "'Délégation Fès'"
    )
    assert _centre(db, "4711") == ("Centre Association A", "CAS", "Délégation Fès")


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (f"4711,Centre Al Wafae,CAS,30,{FES[0]},{FES[1]}\n", "another name"),
        (f"4711,Centre Association A,CAS,30,{FES[0] + 0.02},{FES[1]}\n", "1.8 km away"),
        (f"4711,Centre Association A,COAPH,30,{FES[0]},{FES[1]}\n", "another type"),
    ],
)
def test_each_sign_of_another_place_is_enough(
    db: Connection, tmp_path: Path, row: str, why: str
) -> None:
    fes = f"4711,Centre Association A,CAS,30,{FES[0]},{FES[1]}\n"
    _import(db, tmp_path, "orgA.csv", fes, "Délégation Fès")
    report = _import(db, tmp_path, "orgB.csv", row, "Délégation Meknès")
    assert [p.code for p in report.problems] == ["id_of_another_place"], why


def test_the_same_source_or_the_same_place_still_updates(db: Connection, tmp_path: Path) -> None:
    fes = f"4711,Centre Association A,CAS,30,{FES[0]},{FES[1]}\n"
    _import(db, tmp_path, "orgA.csv", fes, "Délégation Fès")
    # the same organisation moves and renames its centre: its own id, its own row
    moved = f"4711,Centre Al Amal,COAPH,45,{MARRAKECH[0]},{MARRAKECH[1]}\n"
    assert _import(db, tmp_path, "orgA.csv", moved, "Délégation Fès").updated == 1
    assert _centre(db, "4711") == ("Centre Al Amal", "COAPH", "Délégation Fès")
    # the same place under a corrected source: a similar name, 300 m away, the same type
    near = f"4711,Centre Al-Amal,COAPH,50,{MARRAKECH[0] + 0.003},{MARRAKECH[1]}\n"
    assert _import(db, tmp_path, "orgA.csv", near, "Délégation régionale Marrakech").updated == 1
    assert _centre(db, "4711") == ("Centre Al-Amal", "COAPH", "Délégation régionale Marrakech")


# 6. a centre moved a few hundred metres is said to be maybe the same place

FIRST = (
    "name,centre_type,capacity,lon,lat\n"
    "Centre Al Amal Rabat,COAPH,80,-6.8416,34.0209\n"
    f"Centre Annour Fès,CAS,40,{FES[0]},{FES[1]}\n"
)


def test_a_centre_moved_280_m_is_added_with_a_warning(db: Connection, tmp_path: Path) -> None:
    assert run_import(db, "centres", write(tmp_path / "c.csv", FIRST)).inserted == 2
    moved = FIRST.replace("-6.8416,34.0209", "-6.8436,34.0229")
    report = run_import(db, "centres", write(tmp_path / "c.csv", moved))
    assert (report.inserted, report.unchanged, report.rejected) == (1, 1, 0)
    (note,) = [w for w in report.warnings if getattr(w, "code", "") == "maybe_moved"]
    assert note.params["distance"] == "289"  # type: ignore[attr-defined]
    assert note.startswith(
        "row 2 (Centre Al Amal Rabat) lies 289 m from Centre Al Amal Rabat (table id "
    )
    assert note.endswith(
        "of the same type and a similar name: if it is that place moved, the import adds it "
        "a second time — correct that entry instead (an export of the layer keeps its id)"
    )


def test_within_50_m_is_still_a_duplicate_and_another_name_says_nothing(
    db: Connection, tmp_path: Path
) -> None:
    run_import(db, "centres", write(tmp_path / "c.csv", FIRST))
    near = FIRST.replace("-6.8416,34.0209", "-6.8419,34.0211")  # 36 m
    report = run_import(db, "centres", write(tmp_path / "near.csv", near))
    assert [p.code for p in report.problems] == ["duplicate_in_table"]
    assert not [w for w in report.warnings if getattr(w, "code", "") == "maybe_moved"]
    other = FIRST.replace("Al Amal Rabat,COAPH,80,-6.8416,34.0209", "Wafae,COAPH,8,-6.8436,34.0229")
    report = run_import(db, "centres", write(tmp_path / "other.csv", other))
    assert report.inserted == 1
    assert not [w for w in report.warnings if getattr(w, "code", "") == "maybe_moved"]


def test_the_report_names_twenty_moved_rows_and_counts_the_others(
    db: Connection, tmp_path: Path
) -> None:
    def centres(shift: float) -> str:
        rows = [f"Centre Atlas {i},CAS,{-7.6 + 0.02 * i + shift},33.55" for i in range(22)]
        return "name,centre_type,lon,lat\n" + "\n".join(rows) + "\n"

    run_import(db, "centres", write(tmp_path / "c.csv", centres(0.0)))
    report = run_import(db, "centres", write(tmp_path / "c.csv", centres(0.003)))
    assert report.inserted == 22
    codes = [getattr(w, "code", "") for w in report.warnings]
    assert codes.count("maybe_moved") == 20
    assert report.warnings[codes.index("maybe_moved_more")] == (
        "2 more rows lie 50 m to 1 km from an entry of the same type and a similar name"
    )


# 7. a projected CRS given for longitude/latitude is said once, for the whole file


def test_a_projected_crs_given_for_degrees_is_refused_once(db: Connection, tmp_path: Path) -> None:
    path = write(tmp_path / "deg.csv", FIRST)
    with pytest.raises(DataError) as caught:
        run_import(db, "centres", path, crs="EPSG:26191")
    assert caught.value.code == "lonlat_in_given_crs_unstated"
    assert str(caught.value) == (
        "deg.csv: the coordinates are longitude/latitude in degrees (they fall inside Morocco "
        "read as such), but the CRS given, EPSG:26191, is projected in metres (the file states "
        "none) — leave --crs out: coordinates with no CRS are read as longitude/latitude"
    )
    # a Shapefile whose .prj says Merchich but whose points are degrees: the file's CRS
    gdf = gpd.GeoDataFrame({"name": ["Plage p"]}, geometry=[Point(*RABAT)], crs=26191)
    gdf.to_file(tmp_path / "p.shp")
    with pytest.raises(DataError) as caught:
        run_import(db, "beaches", tmp_path / "p.shp")
    assert caught.value.code == "lonlat_in_projected_crs"
    assert str(caught.value) == (
        "p.shp: the coordinates are longitude/latitude in degrees (they fall inside Morocco "
        "read as such), but the file's CRS, EPSG:26191, is projected in metres — the file "
        "states a wrong CRS: give --crs EPSG:4326, which overrides it"
    )
    assert run_import(db, "beaches", tmp_path / "p.shp", crs="EPSG:4326").inserted == 1


# 8. columns no field reads are named, with the field a misspelt one was meant for


def test_columns_left_out_are_named_and_a_misspelt_one_gets_a_suggestion(
    db: Connection, tmp_path: Path
) -> None:
    text = (
        "Nom;Type;Capacité d'accueil;Servicess;Gestionaire;Date d'ouverture;Couleur;Étage;"
        "Longitude;Latitude\n"
        "Centre Typo Kénitra;COAPH;45;orientation;Association X;2019-01-01;bleu;2;"
        "-6,5802;34,2610\n"
    )
    report = run_import(db, "centres", write(tmp_path / "typo.csv", text), dry_run=True)
    notes = [w for w in report.warnings if getattr(w, "code", "").startswith("unused_")]
    assert notes == [
        "2 columns left out, as centres has no such fields: Couleur, Étage",
        'column "Capacité d\'accueil" left out: did you mean capacity? Rename the column to '
        "have it read",
        "column 'Servicess' left out: did you mean services? Rename the column to have it read",
        "column 'Gestionaire' left out: did you mean manager? Rename the column to have it read",
    ]  # "Date d'ouverture" is how the app heads the opening date: it is read as opened
    assert [n.params.get("field") for n in notes[1:]] == [  # type: ignore[attr-defined]
        "capacity",
        "services",
        "manager",
    ]


def test_an_export_reimports_without_a_note_on_its_columns(db: Connection, tmp_path: Path) -> None:
    path = tmp_path / "centres.csv"
    write_frame(read_layer(db, "centres").head(3), path, "csv", layer="centres")
    report = run_import(db, "centres", path, dry_run=True)
    assert report.unchanged == 3
    assert not [w for w in report.warnings if getattr(w, "code", "").startswith("unused_")]


# 9. rows that lack a required field: the report leads with what to do, once per field


def _stops(n: int) -> str:
    """A GTFS stops.txt alone (no routes to take the mode from) with ``n`` stops in Fès."""
    rows = "".join(f"S{i},Arrêt {i},{34.03 + i / 1000:.4f},-5.0{i % 10}\n" for i in range(n))
    return "stop_id,stop_name,stop_lat,stop_lon\n" + rows


def test_a_field_no_row_has_is_said_once_with_the_layers_values(
    db: Connection, tmp_path: Path
) -> None:
    report = run_import(db, "transport_stops", write(tmp_path / "stops.txt", _stops(12)))
    assert (report.rows_read, report.rejected) == (12, 12)
    assert {p.code for p in report.problems} == {"required_missing"}
    (advice,) = report.advice
    assert str(advice) == (
        "no row has a mode — give every row one with --set mode=bus "
        "(one of: bus, tram, train, coach, brt)"
    )
    assert report.as_dict()["advice"] == [
        {
            "code": "field_missing_everywhere",
            "params": {"field": "mode", "example": "bus", "values": "bus, tram, train, coach, brt"},
            "text": "no row has a mode",
            "hint": "give every row one with --set mode=bus (one of: bus, tram, train, coach, brt)",
        }
    ]
    done = run_import(
        db, "transport_stops", tmp_path / "stops.txt", defaults={"mode": "train"}, dry_run=True
    )
    assert (done.rejected, done.advice) == (0, ())  # as advised


def test_advice_counts_the_rows_and_names_a_misspelt_column(db: Connection, tmp_path: Path) -> None:
    text = (
        "name,typ,lon,lat\n"
        f"Centre A,COAPH,{FES[0]},{FES[1]}\n"
        f",CAS,{RABAT[0]},{RABAT[1]}\n"
        f"Centre C,CAS,-5.55,33.89\n"
    )
    report = run_import(db, "centres", write(tmp_path / "c.csv", text))
    assert [str(a) for a in report.advice] == [
        "no row has a centre_type: the column 'typ' is not read as centre_type — rename the "
        "column 'typ' to centre_type",
        "1 of 3 rows has no name — complete the file, or import the other rows with --skip-invalid",
    ]
    some = run_import(
        db, "centres", tmp_path / "c.csv", defaults={"centre_type": "CAS"}, dry_run=True
    )
    assert [a.code for a in some.advice] == ["text_missing_in_rows"]
    partial = write(
        tmp_path / "p.csv",
        f"name,centre_type,lon,lat\nA,,{FES[0]},{FES[1]}\nB,,{RABAT[0]},{RABAT[1]}\n"
        "C,CAS,-5.55,33.89\n",
    )
    (advice,) = run_import(db, "centres", partial, dry_run=True).advice
    assert str(advice) == (
        "2 of 3 rows have no centre_type — set one for the rows without it with "
        "--set centre_type=COAPH (one of: COAPH, CAS, CAPE, EMF, CJPA, EPS, other), or "
        "complete the file"
    )
