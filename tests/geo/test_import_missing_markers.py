"""Cells that say a value is not known ("N/A", "-", « non disponible », « غير متوفر »), as
municipalities' spreadsheets write them: an optional field holding one is imported empty
(NULL) with one note saying how many and which; a required one is rejected as missing.

Every file is written in its real format and imported into the test database (rolled back).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection

from app.i18n import note_text
from geo.io_read import read_file
from geo.layers import get_layer
from geo.validate import MISSING_MARKERS, is_missing_marker, marker_key, validate_records
from tests.geo.fixtures.support import (
    AGADIR,
    FES,
    RABAT,
    handmade_xlsx,
    require_layers,
    run_import,
)

# a municipality's list of centres: capacities and opening dates not known, said in words
CENTRES: dict[str, list[object]] = {
    "external_id": ["MK-1", "MK-2", "MK-3", "MK-4", "MK-5", "MK-6"],
    "name": [
        "Centre MK A",
        "Centre MK B",
        "Centre MK C",
        "Centre MK D",
        "مركز MK ه",
        "Centre MK F",
    ],
    "centre_type": ["COAPH", "CAS", "CAS", "COAPH", "CAS", "EMF"],
    "capacity": ["N/A", "n/a", "0", "—", "غير متوفر", "35"],
    "opened": ["n.d.", "2019-04-01", "ND", "", "Non disponible", "2020-01-01"],
    "manager": ["N/A", "Association X", None, None, None, None],
    "lon": [FES[0], RABAT[0], AGADIR[0], FES[0] + 0.02, RABAT[0] + 0.02, AGADIR[0] + 0.02],
    "lat": [FES[1], RABAT[1], AGADIR[1], FES[1] + 0.02, RABAT[1] + 0.02, AGADIR[1] + 0.02],
}
# the cells read as empty: capacity N/A, n/a, —, غير متوفر; opened n.d., ND, Non disponible
READ_AS_EMPTY = 7
NOTE = (
    '7 cells read as empty, as they say the value is not known: "N/A" ×1, "n/a" ×1, "—" ×1, '
    '"غير متوفر" ×1, "n.d." ×1, "ND" ×1, "Non disponible" ×1 (capacity, opened)'
)
EXPECTED = [  # external_id, capacity, opened, manager (an optional text keeps its words)
    ("MK-1", None, None, "N/A"),
    ("MK-2", None, "2019-04-01", "Association X"),
    ("MK-3", 0, None, None),  # "0" is a count, not a marker
    ("MK-4", None, None, None),
    ("MK-5", None, None, None),
    ("MK-6", 35, "2020-01-01", None),
]


@pytest.fixture
def db(conn: Connection) -> Connection:
    require_layers(conn)
    return conn


def _kml(path: Path, frame: pd.DataFrame) -> Path:
    """A KML file as Google My Maps exports one: each row a placemark with data fields."""
    marks = []
    for row in frame.to_dict("records"):
        data = "".join(
            f'<Data name="{k}"><value>{"" if pd.isna(v) else v}</value></Data>'
            for k, v in row.items()
            if k not in ("name", "lon", "lat")
        )
        marks.append(
            f"<Placemark><name>{row['name']}</name><ExtendedData>{data}</ExtendedData>"
            f"<Point><coordinates>{row['lon']},{row['lat']}</coordinates></Point></Placemark>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><Folder><name>Centres</name>{''.join(marks)}</Folder></Document></kml>",
        encoding="utf-8",
    )
    return path


def _write(tmp_path: Path, fmt: str, data: dict[str, list[object]]) -> Path:
    """``data`` saved in ``fmt`` as the program a user has would save it."""
    frame = pd.DataFrame(data)
    if fmt == "csv":
        path = tmp_path / "centres.csv"
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
        return path
    if fmt in ("xlsx", "ods"):
        path = tmp_path / f"centres.{fmt}"
        pyogrio.write_dataframe(frame, path, driver=fmt.upper(), layer="Feuil1")
        return path
    if fmt == "kml":
        return _kml(tmp_path / "centres.kml", frame)
    points = [Point(x, y) for x, y in zip(frame.pop("lon"), frame.pop("lat"), strict=True)]
    gdf = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
    path = tmp_path / ("centres.geojson" if fmt == "geojson" else "centres.gpkg")
    gdf.to_file(path, driver="GeoJSON" if fmt == "geojson" else "GPKG")
    return path


def _stored(db: Connection) -> list[tuple[object, ...]]:
    rows = db.execute(
        sa.text(
            "SELECT external_id, capacity, opened::text, manager FROM centres "
            "WHERE external_id LIKE 'MK-%' ORDER BY external_id"
        )
    ).all()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods", "geojson", "gpkg", "kml"])
def test_optional_cells_saying_not_known_are_imported_empty_with_one_note(
    db: Connection, tmp_path: Path, fmt: str
) -> None:
    # every row was rejected: "capacity: not a number: 'N/A'", "opened: not a date: 'n.d.'"
    path = _write(tmp_path, fmt, CENTRES)
    report = run_import(db, "centres", path)
    assert (report.rejected, report.inserted) == (0, 6), report.problems
    assert _stored(db) == EXPECTED
    notes = [n for n in report.warnings if getattr(n, "code", "") == "cells_read_as_empty"]
    assert [str(n) for n in notes] == [NOTE]
    # the page words it in the user's language
    assert note_text(notes[0], "fr").startswith(
        "7 cellules lues comme vides, car elles indiquent que la valeur n'est pas connue : "
        '"N/A" ×1'
    )
    assert note_text(notes[0], "ar").startswith(
        "خلايا قُرئت فارغة لأنها تفيد بأن القيمة غير معروفة (7): "
    )


def test_a_required_field_saying_not_available_is_rejected_and_nothing_is_written(
    db: Connection, tmp_path: Path
) -> None:
    data = {k: list(v) for k, v in CENTRES.items()}
    data["centre_type"][2] = "N/A"  # row 4 of the sheet (header = 1)
    data["name"][4] = "n.d."  # row 6: a name that says it is not known
    for fmt in ("csv", "xlsx"):
        path = _write(tmp_path, fmt, data)
        report = run_import(db, "centres", path)
        assert report.refused
        assert [(p.row, p.field, p.reason) for p in report.problems] == [
            (4, "centre_type", "required value missing: 'N/A' says it is not known"),
            (6, "name", "required value missing: 'n.d.' says it is not known"),
        ]
        assert (report.inserted, report.updated) == (0, 0)
        assert _stored(db) == []  # the rows that were fine are not written either
        # as with an empty cell, the advice is to give the rows a type (--set, the page's box)
        assert [a.code for a in report.advice] == ["text_missing_in_rows", "field_missing_in_rows"]
        assert [a.field for a in report.advice] == ["name", "centre_type"]


def test_a_value_set_for_rows_without_one_fills_a_required_cell_saying_n_a(
    db: Connection, tmp_path: Path
) -> None:
    data = {k: list(v) for k, v in CENTRES.items()}
    data["centre_type"][2] = "N/A"
    path = _write(tmp_path, "xlsx", data)
    report = run_import(db, "centres", path, defaults={"centre_type": "other"})
    assert (report.rejected, report.inserted) == (0, 6), report.problems
    kind = db.execute(sa.text("SELECT centre_type FROM centres WHERE external_id = 'MK-3'"))
    assert kind.scalar_one() == "other"


def test_the_markers_are_few_and_none_is_a_value() -> None:
    # numbers, a name, words that may mean zero or a doubt, are read as what they say
    for value in ("0", "00", "-0", "12", "Nador", "NAN", "none", "néant", "?", "لا يوجد", "n"):
        assert not is_missing_marker(value), value
    for value in ("N/A", " n / a ", "#N/A", "N.D.", "nc", "- ", "–", "—", "Inconnu"):
        assert is_missing_marker(value), value
    assert all(marker_key(m) == m for m in MISSING_MARKERS)  # each is written as folded


def test_a_marker_in_a_yes_no_or_list_field_is_empty_and_takes_its_default() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Plage MK"],
            "blue_flag": ["N/A"],
            "wheelchair": ["غير متوفر"],
            "coast": ["-"],
            "lon": [str(AGADIR[0])],
            "lat": [str(AGADIR[1])],
        },
        index=pd.RangeIndex(2, 3),
    )
    result = validate_records(get_layer("beaches"), frame)
    assert result.problems == []
    row = result.rows.iloc[0]
    assert (row["blue_flag"], row["wheelchair"], row["coast"]) == (False, None, None)
    notes = [n for n in result.warnings if getattr(n, "code", "") == "cells_read_as_empty"]
    assert [getattr(n, "params", {})["n"] for n in notes] == [3]


def test_a_read_file_keeps_the_marker_text_for_validation(tmp_path: Path) -> None:
    # the readers hand over the cell as written; the common validation reads it
    path = _write(tmp_path, "xlsx", CENTRES)
    table = read_file(path, layer="centres")
    assert table.records["capacity"].tolist()[:2] == ["N/A", "n/a"]


def test_a_kmz_of_the_same_placemarks_is_read_so_too(db: Connection, tmp_path: Path) -> None:
    kml = _write(tmp_path, "kml", CENTRES)
    kmz = tmp_path / "centres.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.write(kml, "doc.kml")
    report = run_import(db, "centres", kmz)
    assert (report.rejected, report.inserted) == (0, 6), report.problems
    assert _stored(db) == EXPECTED


def test_excels_n_a_of_a_lookup_that_found_nothing_is_read_as_empty(
    db: Connection, tmp_path: Path
) -> None:
    # a capacity looked up in another sheet (=VLOOKUP) that found nothing: Excel keeps the
    # error value #N/A in the cell
    path = handmade_xlsx(
        tmp_path / "centres.xlsx",
        {
            "Feuil1": [
                ["external_id", "name", "centre_type", "capacity", "lon", "lat"],
                ["MK-1", "Centre MK A", "CAS", "LOOKUP", str(FES[0]), str(FES[1])],
                ["MK-2", "Centre MK B", "CAS", "12", str(RABAT[0]), str(RABAT[1])],
            ]
        },
    )
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = '<c r="D2" t="inlineStr"><is><t>LOOKUP</t></is></c>'
    assert cell in sheet
    error = '<c r="D2" t="e"><f>VLOOKUP(B2,Places!A:B,2,FALSE)</f><v>#N/A</v></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(cell, error).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    report = run_import(db, "centres", path)
    assert (report.rejected, report.inserted) == (0, 2), report.problems
    stored = db.execute(
        sa.text(
            "SELECT external_id, capacity FROM centres WHERE external_id LIKE 'MK-%' "
            "ORDER BY external_id"
        )
    ).all()
    assert [tuple(r) for r in stored] == [("MK-1", None), ("MK-2", 12)]
    assert [str(n) for n in report.warnings] == [
        '1 cell read as empty, as it says the value is not known: "#N/A" ×1 (capacity)'
    ]


def test_a_marker_that_is_a_fields_own_value_is_read_as_that_value() -> None:
    # GTFS's wheelchair_boarding reads "unknown" as its value 0: no cell read as empty
    stops = pd.DataFrame(
        {"name": ["Arrêt MK"], "mode": ["bus"], "wheelchair_boarding": ["unknown"]},
        index=pd.RangeIndex(2, 3),
    ).assign(lon=[str(RABAT[0])], lat=[str(RABAT[1])])
    result = validate_records(get_layer("transport_stops"), stops)
    assert result.problems == []
    assert result.rows.iloc[0]["wheelchair_boarding"] == 0
    assert not [n for n in result.warnings if getattr(n, "code", "") == "cells_read_as_empty"]
