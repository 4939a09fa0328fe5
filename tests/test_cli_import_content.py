"""`walouja import` of a CSV whose last line opens a quote it never closes, and of a file
under a .csv name that is no text at all (an image, a program's binary file): what the
command line says, and that it writes nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import Engine

from tests.geo.fixtures.support import POWERPOINT_97, WORD_97, ole2_file, require_layers

WALOUJA = [sys.executable, "-m", "walouja.cli"]


def _walouja(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (the test database from the environment)."""
    return subprocess.run([*WALOUJA, *args], capture_output=True, text=True, check=False)


def _centres(engine: Engine) -> int:
    with engine.connect() as c:
        require_layers(c)
        return int(c.execute(sa.text("SELECT count(*) FROM centres")).scalar_one())


def _png() -> bytes:
    """A real PNG image (a screenshot of a table, say)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 4), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ('name,centre_type,lon,lat\n"Centre A,CAS,-6.8,34.0\n', 2),  # the only data line
        ('name,centre_type,lon,lat\r\nB,CAS,-6.7,34.1\r\n"Centre A,CAS,-6.8,34.0', 3),
    ],
    ids=["only-line", "last-line"],
)
def test_a_quote_left_open_on_the_last_line_is_named(
    tmp_path: Path, engine: Engine, text: str, row: int
) -> None:
    # it was "only 1 of the header's 4 fields (a value or a ',' left out?)"
    before = _centres(engine)
    path = tmp_path / "centres.csv"
    path.write_text(text, encoding="utf-8")
    out = _walouja("import", "centres", str(path), "--json")
    assert out.returncode == 1, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert (report["refused"], report["inserted"]) == (True, 0)
    problems = [p for p in report["problems"] if p["row"] == row]
    assert [(p["field"], p["code"], p["params"]) for p in problems] == [
        ("row", "quote_left_open_last_line", {"line": str(row)})
    ]
    assert problems[0]["reason"] == (
        f"a quotation mark opened on line {row} is never closed: the rest of the line, to the "
        "end of the file, reads as one value (close the quote, or remove it)"
    )
    text_out = _walouja("import", "centres", str(path))
    assert f"row {row}, row: a quotation mark opened on line {row} is never" in text_out.stdout
    assert _centres(engine) == before


def test_an_image_under_a_csv_name_is_named_an_image(tmp_path: Path, engine: Engine) -> None:
    # it was "not UTF-8 text … (most likely Windows-1252) — save it as UTF-8"
    before = _centres(engine)
    path = tmp_path / "centres.csv"
    path.write_bytes(_png())
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr == (
        "walouja: centres.csv is not a CSV file: it is an image (PNG) — a picture of a table "
        "or a map cannot be imported: import the file its data were typed in or exported from "
        "(CSV, Excel .xlsx, OpenDocument .ods, GeoJSON, GeoPackage, KML, a zipped Shapefile)\n"
    )
    error = json.loads(_walouja("import", "centres", str(path), "--json").stdout)["error"]
    assert (error["code"], error["params"]) == (
        "image_file",
        {"name": "centres.csv", "expected": "CSV", "actual": "PNG"},
    )
    assert _centres(engine) == before


@pytest.mark.parametrize(
    ("tree", "actual"),
    [(WORD_97, "Word 97-2003 (.doc)"), (POWERPOINT_97, "PowerPoint 97-2003 (.ppt)")],
)
def test_a_word_or_powerpoint_file_under_a_csv_name_is_named_so(
    tmp_path: Path, engine: Engine, tree: dict[str, object], actual: str
) -> None:
    # both are OLE2 files, as an Excel 97-2003 workbook is: each was "an Excel 97-2003
    # workbook (.xls) … save it as an Excel workbook (.xlsx)"
    before = _centres(engine)
    path = ole2_file(tmp_path / "centres.csv", tree)
    out = _walouja("import", "centres", str(path))
    assert out.returncode == 1
    assert out.stderr.startswith(
        f"walouja: centres.csv is a {actual} document, not a table of data in the CSV format "
        "— Walouja reads tables, not documents: copy the table into Excel or LibreOffice Calc"
    )
    error = json.loads(_walouja("import", "centres", str(path), "--json").stdout)["error"]
    assert (error["code"], error["params"]) == (
        "office_document",
        {"name": "centres.csv", "expected": "CSV", "actual": actual},
    )
    assert _centres(engine) == before


@pytest.mark.parametrize(
    "content",
    [
        b"\x03\x7e\x0c\x01\x02\x00\x00\x00A\x00" * 40,  # a dBASE table's header and records
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(1, 256)),  # gzip
        bytes(range(1, 128)) * 4,  # control characters, no NUL, valid UTF-8
    ],
    ids=["nul-bytes", "gzip", "control-characters"],
)
def test_binary_data_under_a_csv_name_is_no_text_file(
    tmp_path: Path, engine: Engine, content: bytes
) -> None:
    # "not UTF-8 (most likely Windows-1252)", or for ASCII bytes "no data rows"
    before = _centres(engine)
    path = tmp_path / "centres.csv"
    path.write_bytes(content)
    out = _walouja("import", "centres", str(path), "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["error"]["code"] == "binary_file"
    assert out.stderr.startswith(
        "walouja: centres.csv is not a text (CSV) file: it holds binary data, bytes no text "
        "holds (a program's own file, an image or an archive under a .csv name?) — check that "
        "this is the file you meant"
    )
    assert _centres(engine) == before


def test_a_workbook_or_a_text_in_another_encoding_keeps_its_own_refusal(tmp_path: Path) -> None:
    # not called binary: a workbook names its extension, Windows-1252 text its encoding
    book = tmp_path / "book.csv"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert "rename it to end in .xlsx" in _walouja("import", "centres", str(book)).stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name;lon;lat\nCafé;-6.8;34\n".encode("cp1252"))
    assert "(most likely Windows-1252)" in _walouja("import", "centres", str(latin)).stderr
