"""Export filters read values as imports do; a box outside Morocco and unwritable paths are
refused with one clear line.

Three centres of our own (services: Y-1 education + day_care, Y-2 education, Y-3 none), two
beaches (Y-B1 Blue Flag, Y-B2 not) and three stops (wheelchair boarding yes, no, unknown)
near Rabat, so every count below is checked by reading the rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from geo.export import write_frame
from geo.layers import LayerFilter, check_bbox, read_layer
from tests.geo.fixtures.support import RABAT, require_layers, run_import, write
from walouja.errors import DataError

X, Y = RABAT
CENTRES = (
    "id,name,centre_type,services,lon,lat\n"
    f"Y-1,Centre Un,CAS,education;day_care,{X},{Y}\n"
    f"Y-2,Centre Deux,CAS,education,{X + 0.01},{Y}\n"
    f"Y-3,Centre Trois,CAS,,{X + 0.02},{Y}\n"
)
BEACHES = (
    f"id,name,blue_flag,lon,lat\nY-B1,Plage Une,oui,{X},{Y}\nY-B2,Plage Deux,non,{X + 0.01},{Y}\n"
)
STOPS = (
    "id,name,mode,wheelchair_boarding,lon,lat\n"
    f"Y-S1,Arret Un,tram,1,{X},{Y}\n"
    f"Y-S2,Arret Deux,tram,2,{X + 0.01},{Y}\n"
    f"Y-S3,Arret Trois,tram,0,{X + 0.02},{Y}\n"
)


@pytest.fixture
def rows(conn: Connection, tmp_path: Path) -> Connection:
    """Our centres, beaches and stops in the test's (rolled-back) transaction."""
    require_layers(conn)
    for layer, text in (("centres", CENTRES), ("beaches", BEACHES), ("transport_stops", STOPS)):
        report = run_import(conn, layer, write(tmp_path / f"{layer}.csv", text))
        assert report.inserted == text.count("\n") - 1, report.problems
    return conn


def _ids(conn: Connection, layer: str, **equals: list[str]) -> list[str]:
    ours = [f"Y-{k}" for k in ("1", "2", "3", "B1", "B2", "S1", "S2", "S3")]
    where = LayerFilter(equals={"external_id": ours, **equals})
    return sorted(read_layer(conn, layer, where=where)["external_id"])


def test_a_list_field_matches_rows_holding_the_value(rows: Connection) -> None:
    assert _ids(rows, "centres", services=["education"]) == ["Y-1", "Y-2"]
    assert _ids(rows, "centres", services=["Day care"]) == ["Y-1"]
    assert _ids(rows, "centres", services=["day_care", "education"]) == ["Y-1", "Y-2"]
    with pytest.raises(DataError, match="centres: services has no value 'foo'") as err:
        _ids(rows, "centres", services=["foo"])
    assert "education, vocational_training" in str(err.value)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("yes", ["Y-B1"]), ("oui", ["Y-B1"]), ("1", ["Y-B1"]), ("TRUE", ["Y-B1"]), ("no", ["Y-B2"])],
)
def test_a_boolean_takes_the_importers_words(
    rows: Connection, word: str, expected: list[str]
) -> None:
    assert _ids(rows, "beaches", blue_flag=[word]) == expected


def test_an_unknown_boolean_or_wheelchair_word_is_refused(rows: Connection) -> None:
    with pytest.raises(DataError, match="beaches: blue_flag has no value 'maybe'") as err:
        _ids(rows, "beaches", blue_flag=["maybe"])
    assert "yes/no, true/false, 1/0, oui/non" in str(err.value)
    with pytest.raises(DataError, match="wheelchair_boarding has no value 'sometimes'"):
        _ids(rows, "transport_stops", wheelchair_boarding=["sometimes"])


def test_wheelchair_boarding_takes_words_or_gtfs_codes(rows: Connection) -> None:
    assert _ids(rows, "transport_stops", wheelchair_boarding=["yes"]) == ["Y-S1"]
    assert _ids(rows, "transport_stops", wheelchair_boarding=["non"]) == ["Y-S2"]
    assert _ids(rows, "transport_stops", wheelchair_boarding=["0"]) == ["Y-S3"]


def test_a_box_must_meet_morocco(rows: Connection) -> None:
    rabat = (X - 0.1, Y - 0.1, X + 0.1, Y + 0.1)
    assert check_bbox(rabat) == rabat
    where = LayerFilter(equals={"external_id": ["Y-1"]}, bbox=rabat)
    assert read_layer(rows, "centres", where=where)["external_id"].tolist() == ["Y-1"]
    swapped = (Y - 0.1, X - 0.1, Y + 0.1, X + 0.1)
    with pytest.raises(DataError) as err:
        read_layer(rows, "centres", where=LayerFilter(bbox=swapped))
    assert "lies outside Morocco (latitude and longitude look swapped)" in str(err.value)
    assert "west,south,east,north" in str(err.value)
    with pytest.raises(DataError, match=r"the box 2,48,3,49 lies outside Morocco — give west"):
        check_bbox((2, 48, 3, 49))
    with pytest.raises(DataError, match="west must be less than east"):
        check_bbox((X + 0.1, Y, X - 0.1, Y + 0.1))


def test_unwritable_paths_are_refused_and_lose_nothing(rows: Connection, tmp_path: Path) -> None:
    frame = read_layer(rows, "centres", where=LayerFilter(equals={"external_id": ["Y-1"]}))
    folder = tmp_path / "d.csv"
    folder.mkdir()
    with pytest.raises(DataError, match=r"d\.csv: it is a folder — give a file name inside it"):
        write_frame(frame, folder, "csv", layer="centres")
    for fmt in ("csv", "gpkg", "geojson"):
        with pytest.raises(DataError, match=r"cannot write /proc/x\.\w+: no such file"):
            write_frame(frame, Path(f"/proc/x.{fmt}"), fmt, layer="centres")
    a_file = write(tmp_path / "notes.txt", "keep me")
    with pytest.raises(DataError, match=r"notes\.txt is a file, not a folder"):
        write_frame(frame, a_file / "x.csv", "csv", layer="centres")
    # a good export replaces the file once written and leaves no partial file behind
    kept = write(tmp_path / "c.csv", "old export")
    write_frame(frame, kept, "csv", layer="centres")
    assert "Centre Un" in kept.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "beaches.csv",
        "c.csv",
        "centres.csv",
        "d.csv",
        "notes.txt",
        "transport_stops.csv",
    ]


@pytest.mark.parametrize("word", ["en activité", "في طور البناء", "Operating", "tramway"])
def test_a_value_is_taken_in_the_words_an_import_takes(rows: Connection, word: str) -> None:
    # an import reads « en activité » as operating, and a filter refused it: "status has no
    # value 'en activité'"
    if word == "tramway":
        assert _ids(rows, "transport_stops", mode=[word]) == ["Y-S1", "Y-S2", "Y-S3"]
    elif word == "في طور البناء":
        assert _ids(rows, "centres", status=[word]) == []
    else:
        assert _ids(rows, "centres", status=[word]) == ["Y-1", "Y-2", "Y-3"]
