"""Readers of the file formats layers are imported from: CSV, Excel (.xlsx, .xlsm) and
OpenDocument (.ods) workbooks, GeoJSON, GeoPackage, zipped Shapefile and GTFS. OpenStreetMap
lives in ``geo.io_osm``.

Every reader returns a ``SourceTable``: attribute columns whose index is the row number shown
to the user (CSV and workbooks: the spreadsheet row, the header being row 1; other formats:
the feature number from 1), and the geometries with the file's CRS when the format has
geometries.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import shutil
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from warnings import catch_warnings, simplefilter

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.messages import Note, file_error
from geo.validate import RowError, has_coordinates, layer_names, normalise_column
from walouja.errors import DataError

FORMATS = ("csv", "xlsx", "ods", "geojson", "gpkg", "kml", "shp", "gtfs", "osm")


@dataclass
class SourceTable:
    """What a reader found in a file, before validation."""

    records: pd.DataFrame
    geometry: gpd.GeoSeries | None
    format: str
    name: str
    warnings: list[str] = field(default_factory=list)  # often ``geo.messages.Note``
    defaults: dict[str, Any] = field(default_factory=dict)
    row_errors: dict[int, str] = field(default_factory=dict)
    crs: str | None = None


def display_name(path: Path) -> str:
    """The name of ``path`` for a message: its last part, or the path as given (``.``)."""
    return path.name or str(path)


def check_file(path: Path) -> None:
    """Refuse a path that does not exist or is a folder (``no_such_file``, ``not_a_file``),
    or that the account running Walouja may not read (``permission_denied``): a file without
    read permission, or in a folder it may not enter, gave a traceback."""
    try:
        if not path.exists():
            raise file_error("no_such_file", path=str(path))
        if path.is_dir():
            raise file_error("not_a_file", path=str(path))
        with path.open("rb"):
            pass
    except PermissionError:
        raise file_error("permission_denied", path=str(path)) from None


def detect_format(path: Path) -> str:
    """The format of ``path`` from its name (and, for .zip/.txt, from its content)."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".txt":
        head = _first_line(path.read_text(encoding="utf-8-sig", errors="replace"))
        return "gtfs" if "stop_id" in head and "stop_lat" in head else "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".gpkg":
        return "gpkg"
    if suffix == ".shp":
        return "shp"
    if suffix in (".osm", ".xml"):
        return "osm"
    if suffix == ".zip":
        with _open_zip(path) as zf:
            names = [n.lower() for n in zf.namelist()]
        if any(n.rsplit("/", 1)[-1] == "stops.txt" for n in names):
            return "gtfs"
        if any(n.endswith(".shp") for n in names):
            return "shp"
        if any(n.endswith(".kml") for n in names):
            return "kml"  # a KMZ (Google Earth's zipped KML) saved as .zip
        inside = [
            n.rsplit("/", 1)[-1]
            for n in names
            if n.endswith((".csv", ".xlsx", ".xlsm", ".ods", ".geojson", ".json", ".gpkg", ".osm"))
        ]
        if inside:
            # a portal's zipped CSV or GeoPackage: say which file to take out of it
            raise file_error("zip_holds_file", name=path.name, file=inside[0])
        raise file_error("zip_without_data", name=path.name)
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".ods":
        return "ods"
    if suffix == ".xls":
        # a Word or PowerPoint 97-2003 file renamed .xls is said to be what it is
        _refuse_office_document(path, "xls")
        # GDAL reads .xls only when built with FreeXL, which this one is not
        raise file_error("xls_file", name=display_name(path))
    if suffix in (".kml", ".kmz"):
        return "kml"  # Google Earth's and Google My Maps' files
    raise file_error("unknown_extension", name=display_name(path), formats=", ".join(FORMATS))


def _first_line(text: str) -> str:
    """The first line of ``text``, whatever its line endings (CR LF, LF or CR alone)."""
    return re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]


def _open_zip(path: Path) -> zipfile.ZipFile:
    """``path`` opened as a zip archive, or a ``bad_zip`` refusal (never a traceback)."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise file_error("bad_zip", name=path.name) from None


def _gtfs_table(files: dict[str, str], base: str, name: str, columns: list[str]) -> pd.DataFrame:
    """The ``columns`` of GTFS file ``base``, or a refusal naming the missing column."""
    table = read_csv_text(files[base], base)[0]
    for col in columns:
        if col not in table.columns:
            raise file_error("gtfs_missing_column", file=base, name=name, column=col)
    return table[columns]


_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 26}
"""Bytes no text file holds: control characters but tab, line ends, vertical tab and form
feed (a spreadsheet's line break in a cell, a page break) and DOS's end-of-file mark."""


def is_binary(raw: bytes) -> bool:
    r"""Whether ``raw`` (not UTF-16: its NUL bytes are text) is binary data rather than text:
    a NUL byte, or more than one byte in a hundred a control character no text holds.

    Examples
    --------
    >>> is_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), is_binary(b"GIF89a\x01\x02\x03")
    (True, True)
    >>> is_binary("name;lon\r\nCafé;-6.8\r\n".encode("cp1252")), is_binary(b"a\x0cb\x1a")
    (False, False)
    """
    sample = raw[:8192]
    return b"\x00" in sample or _mostly_controls(sample)


def _mostly_controls(codes: bytes | list[int]) -> bool:
    """Whether more than one of a hundred ``codes`` (bytes, or characters' code points) is
    a control character no text holds."""
    controls = sum(1 for code in codes if code in _CONTROL)
    return controls > 0 and controls * 100 >= len(codes)


def utf16_without_bom(raw: bytes) -> str | None:
    r"""``utf-16-le`` or ``utf-16-be`` when ``raw`` is UTF-16 text without its byte-order
    mark (as some Windows programs save a CSV), else None.

    Such text has a NUL byte beside every ASCII character (the separators, digits, line
    ends), always on the same side; UTF-8 and the Windows code pages never hold NUL bytes.

    Examples
    --------
    >>> utf16_without_bom("name,lon\r\nمحطة,-6.8\r\n".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_without_bom("name,lon\r\n".encode("utf-16-be"))
    'utf-16-be'
    >>> utf16_without_bom("name,lon\r\n".encode("utf-8")) is None
    True
    """
    sample = raw[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    high, low = sample[0::2].count(0), sample[1::2].count(0)  # NULs at even, odd offsets
    pairs = len(sample) // 2
    if low == 0 and high * 4 >= pairs:
        encoding = "utf-16-be"
    elif high == 0 and low * 4 >= pairs:
        encoding = "utf-16-le"
    else:
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    # NULs on one side by chance (binary data) decode to control characters
    return None if "\x00" in text or _mostly_controls([ord(c) for c in text[:4096]]) else encoding


def _decode(raw: bytes, name: str) -> str:
    if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and (
        encoding := utf16_without_bom(raw)
    ):
        # UTF-16 without its byte-order mark (saved so by some Windows tools): read as
        # UTF-8 its NUL bytes made one unreadable column, refused as "no lon/lat columns"
        return raw.decode(encoding)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (the way it keeps Arabic in a text file): UTF-16, tab
        # separated, its byte-order mark saying so; it was refused as "Windows-1252"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise file_error("not_utf8", name=name, line=1, encoding="UTF-16") from None
    if is_binary(raw):
        # a program's own file under a .csv name: "not UTF-8, most likely Windows-1252,
        # save it as UTF-8" (or, all ASCII, "no data rows") said nothing of what it is
        raise file_error("binary_file", name=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # the line a spreadsheet shows, not a byte offset no user can find
        line = raw[: exc.start].count(b"\n") + 1
        # the encoding the bytes most likely are: an Arabic Windows saves Windows-1256
        encoding = "Windows-1256" if text_encoding(raw) == "CP1256" else "Windows-1252"
        raise file_error("not_utf8", name=name, line=line, encoding=encoding) from None


SEPARATORS = (";", ",", "\t", "|")


def sniff_separator(header: str) -> str:
    """The field separator of a CSV header line: ``;``, ``,``, tab or ``|``."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


SEP_LINE = re.compile(r"sep=([;,\t|])\1*", re.IGNORECASE)
"""The first line Excel reads as the file's separator (``sep=;``), not as a row; a
spreadsheet that kept it as a row of its own writes it back padded (``sep=;;;;``)."""


def _names_below(text: str, row: int, *, lines: int = 10) -> int | None:
    r"""The row (``row``: the first line's) of the line among the next ``lines`` of ``text``
    that holds coordinate column names split by a separator, or None; only when the first
    line itself names no coordinates.

    Examples
    --------
    >>> _names_below("Liste des centres 2026\nname,lon,lat\nA,-6.8,34.0\n", 1)
    2
    >>> _names_below("wkt\nPOINT (-6.8 34.0)\n", 1), _names_below("Notice\n\nLisez-moi", 1)
    (None, None)
    """
    found = re.split(r"\r\n|\r|\n", text)
    if has_coordinates([found[0].strip()]):
        return None
    for i, line in enumerate(found[1 : lines + 1], start=1):
        if any(c in line for c in SEPARATORS):
            names = next(csv.reader([line], delimiter=sniff_separator(line)), [])
            if has_coordinates(n.strip() for n in names):
                return row + i
    return None


CSV_VALUE_LIMIT = 1_000_000
"""The most characters a CSV value may hold (the csv module's own limit is 131,072): a long
note or a WKT polygon of some 25,000 vertices fits. A longer value is nearly always a quote
left open, which makes the rest of the file one value. The messages say "a million"."""


def read_csv_text(text: str, name: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """Parse CSV text (any of the usual separators), every value as text.

    Returns the records, indexed by their row as a spreadsheet shows the file (the header is
    row 1, an empty line is a row, and a quoted value spanning several lines stays in one
    row), and the rows whose number of fields differs from the header's (a separator inside
    an unquoted value...).

    Raises
    ------
    DataError
        ``empty_file`` without even a header; ``unreadable_csv`` (in the header) or
        ``csv_line_error`` (the line its row starts on) for a value longer than
        ``CSV_VALUE_LIMIT``.
    """
    text = text.lstrip("\ufeff")
    original = text
    first = _first_line(text)
    hint = SEP_LINE.fullmatch(first)
    skipped = 0  # lines of the file before the header
    if hint is not None:
        # Excel's "sep=;" line says the separator; Excel does not show it as a row, so the
        # header stays row 1 (a file beginning so was read as one column named "sep=")
        sep = hint.group(1)
        text = re.sub(r"^(\r\n|\r|\n)", "", text[len(first) :])
        skipped = 1
    else:
        sep = sniff_separator(first)
    blank = re.match(r"(?:[ \t;,|]*(?:\r\n|\r|\n))+", text)
    if blank is not None:
        # empty lines above the column names (a spreadsheet's empty first rows, saved as
        # ";;;" or as nothing): the header
        # is the first line with text, and rows keep the numbers the spreadsheet shows
        lines = len(re.findall(r"\r\n|\r|\n", blank.group(0)))
        text = text[blank.end() :]
        skipped += lines
        sep = sniff_separator(_first_line(text)) if hint is None else sep
    else:
        lines = 0
    # the csv module's limit is the process's: every reader sets this same value
    csv.field_size_limit(CSV_VALUE_LIMIT)
    # newline="": lines may end with CR LF, LF or a lone CR (old Mac spreadsheets), and
    # line breaks inside quoted values are kept
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    try:
        header = next(reader)
    except StopIteration:
        # no byte, or empty lines only: "(0 bytes)" was said of a file of empty lines
        if original:
            raise file_error("blank_file", name=name) from None
        raise file_error("empty_file", name=name) from None
    except csv.Error:  # not strict about quotes: only a value over the limit stops it
        raise file_error("unreadable_csv", name=name) from None
    header = [h.strip() for h in header]
    width = len(header)
    if hint is None and not any(c in _first_line(text) for c in SEPARATORS):
        below = _names_below(text, 1 + lines)
        if below is not None:
            # a title line without a separator ("Liste des centres 2026") above the column
            # names: the file was read as one column and refused as having no lon/lat
            raise file_error("header_not_first_row", name=name, row=below)
    rows: list[list[str]] = []
    numbers: list[int] = []
    errors: dict[int, str] = {}
    # the header's, as a spreadsheet shows it: below the empty lines, after a "sep=" line
    # too (Excel hides that line, not the empty ones after it)
    row = 1 + lines
    start: int | None = None  # the line of ``text`` (from 0) the last row kept begins on
    while True:
        line = reader.line_num + 1 + skipped  # the line of the file the next record starts on
        begins = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise file_error("csv_line_error", name=name, line=line) from None
        row += 1
        if not record or all(not v.strip() for v in record):
            start = None
            continue
        start = begins
        if len(record) != width:
            spans = reader.line_num + skipped - line + 1  # lines of the file this record took
            if spans > 1 and any("\n" in v or "\r" in v for v in record):
                # a quote left open runs on to the next quote, or to the end of the file
                errors[row] = RowError("quote_left_open", line=line, lines=spans)
            elif len(record) < width:
                errors[row] = RowError("too_few_fields", found=len(record), expected=width, sep=sep)
            else:
                errors[row] = RowError(
                    "wrong_field_count", found=len(record), expected=width, sep=sep
                )
            record = [""] * width
        rows.append(record)
        numbers.append(row)
    if start is not None and _open_at_end(text, start, sep):
        # a quote never closed runs to the end of the file: on the last line alone, the
        # row was "1 of 3 fields (a value or a ',' left out?)"; over lines whose values
        # happened to fill the header's fields, a value such as "34.0\nB" not a number
        spans = reader.line_num - start  # lines of the file the last row took
        opened = start + 1 + skipped  # the line of the file it starts on
        errors[numbers[-1]] = (
            RowError("quote_left_open", line=opened, lines=spans)
            if spans > 1
            else RowError("quote_left_open_last_line", line=opened)
        )
        rows[-1] = [""] * width
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(numbers, dtype=int), dtype=object)
    frame = frame.map(lambda v: v if v.strip() else None)
    return frame, errors


def _open_at_end(text: str, line: int, sep: str) -> bool:
    r"""Whether the CSV ``text`` from its line ``line`` (from 0) on ends inside a quoted
    value: a quotation mark opened there and never closed.

    Examples
    --------
    >>> _open_at_end('name,lon\n"A,-6.8\n', 1, ","), _open_at_end('name,lon\n"A",-6.8\n', 1, ",")
    (True, False)
    """
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    if line >= len(starts):
        return False
    tail = io.StringIO(text[starts[line] :], newline="")
    reader = csv.reader(tail, delimiter=sep, skipinitialspace=True, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def read_csv(path: Path) -> SourceTable:
    """A CSV file: comma, semicolon, tab or pipe separated, UTF-8 with or without BOM."""
    frame, errors = read_csv_text(_decode(path.read_bytes(), path.name), path.name)
    return SourceTable(frame, None, "csv", path.name, row_errors=errors)


_FORMAT_LABEL = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shp": "Shapefile",
    "xlsx": "Excel (.xlsx)",
    "ods": "OpenDocument (.ods)",
    "kml": "KML",
}

_SHEET_DRIVER = {"xlsx": "XLSX", "ods": "ODS"}

# GDAL's name for a column whose first-row cell is empty
_UNNAMED = re.compile(r"Field\d+")

# how GDAL's ODS driver writes a number cell read as text (FIELD_TYPES=STRING): 16 decimals
_ODS_NUMBER = re.compile(r"-?\d+\.\d{16}")


def _sheet_value(value: Any, fmt: str) -> str | None:
    """A cell as the text a CSV would hold: None when empty or blank, a number cell as its
    shortest decimals (GDAL's ODS driver writes 35.7595 as ``35.7595000000000027``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    if not text.strip():
        return None
    if fmt == "ods" and _ODS_NUMBER.fullmatch(text):
        return np.format_float_positional(float(text), trim="-")
    return text


def read_sheet(path: Path, fmt: str = "xlsx", *, prefer: str | None = None) -> SourceTable:
    """An Excel (.xlsx, .xlsm) or OpenDocument (.ods) workbook, read as a CSV would be.

    The sheet named as the layer imported into (``prefer``), else the first whose columns
    hold coordinates, else the first that holds anything is read (a note names it when the
    workbook has several: ``_choose_sheet``), its first row being the column names. Every
    cell is read as the text the spreadsheet holds (GDAL's ``FIELD_TYPES=STRING``): a code
    typed ``04.421`` stays ``04.421``, a number cell gives its digits, and every value then
    goes through the CSV's validation. The records are indexed by their row in the sheet
    (the header is row 1: GDAL numbers the features so, empty rows included); empty rows
    are left out.

    Raises
    ------
    DataError
        ``empty_file``, ``not_this_format`` or ``unreadable_file`` for a file GDAL cannot
        read as ``fmt``; ``empty_workbook`` when no sheet holds a cell;
        ``sheet_header_not_first_row`` when the sheet's first row is empty.
    """
    name = path.name
    label = _FORMAT_LABEL[fmt]
    _not_empty(path)
    options = {"FIELD_TYPES": "STRING", "HEADERS": "FORCE"}
    uri = str(path)
    if path.suffix.lower() not in ((".ods",) if fmt == "ods" else (".xlsx", ".xlsm")):
        # GDAL knows a workbook by its extension: one saved as .csv, read with --format
        # xlsx as the refusal of its name advises, needs the driver named
        uri = f"{_SHEET_DRIVER[fmt]}:{path}"
    try:
        with catch_warnings():
            # GDAL's "more than one layer found" went to the terminal, beside the report
            simplefilter("ignore")
            if pyogrio.read_info(uri)["driver"] != _SHEET_DRIVER[fmt]:
                raise file_error("not_this_format", name=name, format=label)
            sheets = [str(s) for s in pyogrio.list_layers(uri)[:, 0]]
            frames = {
                sheet: pyogrio.read_dataframe(
                    uri, layer=sheet, read_geometry=False, fid_as_index=True, **options
                )
                for sheet in sheets
            }
        frames = {sheet: f for sheet, f in frames.items() if len(f.columns)}
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        detail = str(exc).splitlines()[0]
        if "not recognized as being in a supported file format" in detail:
            raise file_error("not_this_format", name=name, format=label) from None
        raise file_error("unreadable_file", name=name, format=label, detail=detail) from None
    if not frames:
        raise file_error("empty_workbook", name=name)
    sheet, note = _choose_sheet(frames, name, len(sheets), prefer)
    frame = frames[sheet]
    values = pd.DataFrame(
        {c: [_sheet_value(v, fmt) for v in frame[c].astype(object)] for c in frame.columns},
        index=pd.Index([int(i) for i in frame.index], dtype=int),
        dtype=object,
    )
    values = values[values.notna().any(axis=1)]
    unnamed = all(_UNNAMED.fullmatch(str(c)) for c in values.columns)
    if unnamed and 1 in values.index:
        # GDAL takes row 1 of the first sheet only as the column names (HEADERS=FORCE): of
        # another sheet it gave row 1 as data, and "the first row … is empty" was said of a
        # sheet whose row 1 holds the names
        header = [str(v).strip() if v is not None else "" for v in values.loc[1]]
        values = values.drop(index=1)
        values.columns = pd.Index(header)
        values = values.loc[
            :,
            [
                bool(h) or values[c].notna().any()
                for c, h in zip(values.columns, header, strict=True)
            ],
        ]
        unnamed = False
    if unnamed:
        # row 1 is empty: GDAL named the columns Field1, Field2...
        first = int(values.index[0]) if len(values) else 2
        raise file_error("sheet_header_not_first_row", name=name, sheet=sheet, row=first)
    values.columns = [str(c).strip() for c in values.columns]
    return SourceTable(values, None, fmt, name, [] if note is None else [note])


def _header(frame: pd.DataFrame) -> list[str]:
    """The column names of a sheet as GDAL read it: its columns, or its row 1 when GDAL gave
    that as data (``Field1``, ``Field2``... for a sheet other than the first)."""
    columns = [str(c) for c in frame.columns]
    if all(_UNNAMED.fullmatch(c) for c in columns) and 1 in frame.index:
        return [str(v) for v in frame.loc[1] if v is not None and str(v) != "nan"]
    return columns


def _choose_sheet(
    frames: Mapping[str, pd.DataFrame], name: str, n: int, prefer: str | None
) -> tuple[str, Note | None]:
    """The sheet of a workbook to read (``frames``: its sheets that hold something, in
    order; ``n``: how many it has), and the note that says which when it has several.

    The sheet named as the layer imported into (``prefer``: ``centres``, or its label:
    ``Plages``); else the first whose column names hold coordinates (``lon`` and ``lat``,
    or ``wkt``); else the first. A "Lisez-moi" sheet before the data was read, and the
    workbook refused as having no lon/lat columns.
    """
    sheets = list(frames)
    wanted = layer_names(prefer) if prefer else set()
    named = [s for s in sheets if normalise_column(s) in wanted]
    located = [s for s in sheets if has_coordinates(_header(frames[s]))]
    if named:
        sheet, code = named[0], "several_sheets_by_name"
    elif located:
        sheet, code = located[0], "several_sheets_coordinates"
    else:
        sheet, code = sheets[0], "several_sheets"
    if n <= 1:
        return sheet, None
    if sheet == sheets[0]:
        code = "several_sheets"
    if code == "several_sheets_by_name":
        return sheet, Note("several_sheets_by_name", name=name, n=n, sheet=sheet)
    if code == "several_sheets_coordinates":
        return sheet, Note("several_sheets_coordinates", name=name, n=n, sheet=sheet)
    return sheet, Note("several_sheets", name=name, n=n, sheet=sheet)


def _choose_layer(layers: Any, name: str, prefer: str | None) -> tuple[str | None, list[str]]:
    """The layer of a file with ``layers`` (pyogrio's names and geometry types) to read, and
    the note that says which when there are several.

    The layer named as the one imported into (``prefer``: ``beaches``, or its label in
    French, Arabic or English: ``Plages``, ``الشواطئ``); else the first,
    unless it holds no points and another does: a GeoPackage of zones then centres gave its
    zones' polygons as centres, each a point on its surface.
    """
    names = [str(layer[0]) for layer in layers]
    if len(names) <= 1:
        return (names[0] if names else None), []
    first = names[0]
    wanted = layer_names(prefer) if prefer else set()
    named = [n for n in names if normalise_column(n) in wanted]
    if named:
        chosen = named[0]
        note = Note("several_layers_by_name", name=name, n=len(names), chosen=chosen, first=first)
        return chosen, [] if chosen == first else [note]
    points = [str(layer[0]) for layer in layers if "point" in str(layer[1]).lower()]
    if points and points[0] != first and "point" not in str(layers[0][1]).lower():
        chosen = points[0]
        return chosen, [
            Note("several_layers_points", name=name, n=len(names), chosen=chosen, first=first)
        ]
    return first, [Note("several_layers", name=name, n=len(names), first=first)]


def _read_vector(
    uri: str, name: str, fmt: str, *, encoding: str | None = None, prefer: str | None = None
) -> SourceTable:
    warnings: list[str] = []
    try:
        layers = pyogrio.list_layers(uri)
        if len(layers) == 0:  # a KML document or a GeoPackage without any layer: no row
            empty = pd.DataFrame(index=pd.RangeIndex(1, 1))
            return SourceTable(empty, gpd.GeoSeries([], index=empty.index), fmt, name, [])
        layer, notes = _choose_layer(layers, name, prefer)
        warnings.extend(notes)
        if len(layers) > 1 and not notes:  # the layer named so, and first: said all the same
            warnings.append(Note("several_layers", name=name, n=len(layers), first=layer))
        with catch_warnings():
            # GDAL's and geopandas' remarks (a property parsed as JSON...) are not for users
            simplefilter("ignore")
            if encoding:
                gdf = gpd.read_file(uri, layer=layer, encoding=encoding)
            else:
                gdf = gpd.read_file(uri, layer=layer)
    except UnicodeDecodeError as exc:  # text GDAL's driver could not decode
        raise file_error(
            "unreadable_file", name=name, format=_FORMAT_LABEL[fmt], detail=str(exc)
        ) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        detail = str(exc).splitlines()[0]
        if "not recognized as being in a supported file format" in detail:
            # GDAL's own words (a file path, a '<DRIVER>:' prefix to try) help no user
            raise file_error("not_this_format", name=name, format=_FORMAT_LABEL[fmt]) from None
        raise file_error(
            "unreadable_file", name=name, format=_FORMAT_LABEL[fmt], detail=detail
        ) from None
    try:
        geom_name = gdf.geometry.name
    except AttributeError:
        # GDAL read a table without geometry: a CSV given --format geojson, for example
        raise file_error("not_this_format", name=name, format=_FORMAT_LABEL[fmt]) from None
    records = pd.DataFrame(gdf.drop(columns=[geom_name]))
    geometry = gdf.geometry
    index = pd.RangeIndex(1, len(gdf) + 1)
    records.index = index
    geometry.index = index
    return SourceTable(records, geometry, fmt, name, warnings)


def _not_empty(path: Path) -> Path:
    """``path``, or an ``empty_file`` refusal when it holds no byte."""
    if path.is_file() and path.stat().st_size == 0:
        raise file_error("empty_file", name=path.name)
    return path


def _named_uri(path: Path, driver: str, suffixes: tuple[str, ...]) -> str:
    """``path`` for GDAL, with its driver named when its extension is not the format's: GDAL
    chose a driver by the extension, and read a GeoPackage saved as .csv as a CSV (a
    traceback of undecodable bytes) when given ``--format gpkg`` as its refusal advised."""
    return str(path) if path.suffix.lower() in suffixes else f"{driver}:{path}"


def read_geojson(path: Path) -> SourceTable:
    """A GeoJSON file (RFC 7946 files are longitude/latitude)."""
    uri = _named_uri(_not_empty(path), "GeoJSON", (".geojson", ".json"))
    return _read_vector(uri, path.name, "geojson")


def read_gpkg(path: Path, *, prefer: str | None = None) -> SourceTable:
    """A GeoPackage: the layer named ``prefer`` (the layer imported into) when it has one,
    else its first layer, or its first layer of points when the first holds none."""
    uri = _named_uri(_not_empty(path), "GPKG", (".gpkg",))
    return _read_vector(uri, path.name, "gpkg", prefer=prefer)


# the columns GDAL's LIBKML driver gives every placemark (its style and time elements, its
# description), left out when no placemark of the file sets them: a My Maps file read eleven
# of them as columns no field reads
_KML_HOUSEKEEPING = {
    "id": None,
    "timestamp": None,
    "begin": None,
    "end": None,
    "altitudeMode": None,
    "tessellate": -1,
    "extrude": 0,
    "visibility": -1,
    "drawOrder": None,
    "icon": None,
    "snippet": None,
    "description": None,
}


_LIBKML_NAME_FIELD = threading.Lock()


@contextlib.contextmanager
def libkml_name_field(column: str) -> Iterator[None]:
    """GDAL's LIBKML driver reading and writing a placemark's ``<name>`` as the field
    ``column`` (its default: ``Name``).

    The setting is GDAL's, for the whole process: it is restored afterwards, and one KML is
    read or written under it at a time (the app's sessions are threads of one process).
    """
    with _LIBKML_NAME_FIELD:
        before = pyogrio.get_gdal_config_option("LIBKML_NAME_FIELD")
        pyogrio.set_gdal_config_options({"LIBKML_NAME_FIELD": column})
        try:
            yield
        finally:
            pyogrio.set_gdal_config_options({"LIBKML_NAME_FIELD": before})


_PLACEMARK_NAME = "walouja:placemark_name"
"""The column a placemark's ``<name>`` is read into, apart from a data field ``name``."""


def read_kml(path: Path, *, prefer: str | None = None) -> SourceTable:
    """A KML or KMZ file (Google Earth, Google My Maps): its placemarks, with their name
    (column ``Name``), description and extended data (``<Data name="type">``) as columns.

    A placemark with a data field ``name`` of its own is named by it: its ``<name>`` is the
    label Google Earth shows (Walouja's Arabic export labels a centre by its Arabic name and
    keeps its name in the data); GDAL read the two as ``Name`` and ``name2``.

    Of a file with several folders, the folder named as the layer imported into, else the
    first, as a GeoPackage's layers; heights are dropped (a placemark is a position on the
    map); KML is longitude/latitude by definition.
    """
    _not_empty(path)
    try:
        with libkml_name_field(_PLACEMARK_NAME):
            if path.suffix.lower() in (".kml", ".kmz"):
                table = _read_vector(str(path), path.name, "kml", prefer=prefer)
            else:
                # GDAL's KML drivers know a file by its extension only ("LIBKML:" finds no
                # file): a KML saved under another name is read from a copy named as one
                with tempfile.TemporaryDirectory() as tmp:
                    copy = Path(tmp) / ("doc.kmz" if zipfile.is_zipfile(path) else "doc.kml")
                    shutil.copyfile(path, copy)
                    table = _read_vector(str(copy), path.name, "kml", prefer=prefer)
    except DataError as exc:
        if exc.code != "unreadable_file" or "no container element" not in str(exc):
            raise
        # a bare <kml/>, holding neither a document nor a placemark: no row to import
        empty = pd.DataFrame(index=pd.RangeIndex(1, 1))
        return SourceTable(empty, gpd.GeoSeries([], index=empty.index), "kml", path.name, [])
    records = table.records
    if _PLACEMARK_NAME in records.columns:
        named = any(str(c).strip().lower() == "name" for c in records.columns)
        records = (
            records.drop(columns=[_PLACEMARK_NAME])
            if named
            else records.rename(columns={_PLACEMARK_NAME: "Name"})
        )
    unset = []
    for column, default in _KML_HOUSEKEEPING.items():
        if column in records.columns:
            values = records[column]
            if values.isna().all() or (default is not None and (values == default).all()):
                unset.append(column)
    ids = records["id"].dropna().astype(str) if "id" in records.columns else pd.Series([])
    made = ids.str.extract(r"^(.+)\.\d+$")[0] if len(ids) else pd.Series([])
    if len(ids) and made.notna().all() and made.nunique() == 1:
        # the placemarks' ids GDAL wrote ("centres.1", "centres.2"…, as Walouja's own
        # export does), not an id of the places: the rows' ids are in their data
        unset.append("id")
    table.records = records.drop(columns=unset)
    if table.geometry is not None:
        table.geometry = table.geometry.force_2d()
    return table


SHAPEFILE_PARTS = (".shx", ".dbf")
"""The files a Shapefile cannot be read without, beside its ``.shp`` (``.prj`` is optional)."""


def _require_parts(shp: str, names: list[str], where: str) -> None:
    """Refuse a Shapefile ``shp`` whose ``.shx`` or ``.dbf`` is not among ``names``.

    Without its ``.shx`` GDAL stops with advice about a config option; without its ``.dbf``
    it reads shapes with no attributes, and every row would lack its name.
    """
    stem = shp[: -len(".shp")].lower()
    present = {n.lower() for n in names}
    for part in SHAPEFILE_PARTS:
        if stem + part not in present:
            raise file_error(
                "shapefile_part_missing", name=where, shp=shp.rsplit("/", 1)[-1], part=part
            )


_ARABIC = re.compile("[\u0621-\u064a]")


def text_encoding(text: bytes) -> str | None:
    """The encoding ``text`` most likely is when it is not ASCII: ``UTF-8`` when it decodes
    as such, ``CP1256`` (Windows-1256, an Arabic Windows's) when that encoding reads most of
    its non-ASCII bytes as Arabic letters, else None (Windows-1252 and Latin-1 read French
    the same, and so does Windows-1256: its accented letters sit where Latin-1 has them).

    Examples
    --------
    >>> text_encoding("محطة Fès".encode("cp1256"))
    'CP1256'
    >>> text_encoding("Arrêt".encode("cp1252")) is None
    True
    """
    if text.isascii():
        return None
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "UTF-8"
    high = [b for b in text if b > 0x7F]
    arabic = sum(1 for b in high if _ARABIC.match(bytes([b]).decode("cp1256", "replace")))
    return "CP1256" if arabic * 2 > len(high) else None


def dbf_encoding(dbf: bytes, *, stated: bool) -> str | None:
    """The encoding to read a Shapefile's text with when it states none, else None (GDAL's
    own choice: its ``.cpg`` file, or the language byte of its ``.dbf``).

    Without either, GDAL reads the text as ISO-8859-1: the Arabic names of a ``.dbf``
    written in UTF-8 (as pyshp and many scripts write it, with no ``.cpg``) or by an Arabic
    Windows (Windows-1256) became ``Ù\u0085Ø­Ø·Ø©``, imported without a word. Text that is
    valid UTF-8 is read as UTF-8; text that Windows-1256 reads as Arabic letters for most
    of its non-ASCII bytes as Windows-1256 (its accented French letters sit where Latin-1
    has them, so a French name reads the same).

    Parameters
    ----------
    dbf
        The bytes of the ``.dbf`` file.
    stated
        Whether a ``.cpg`` file goes with it.

    Examples
    --------
    >>> header = bytes(8) + (33).to_bytes(2, "little") + bytes(23)
    >>> dbf_encoding(header + "محطة".encode("utf-8"), stated=False)
    'UTF-8'
    >>> dbf_encoding(header + "محطة".encode("cp1256"), stated=False)
    'CP1256'
    >>> dbf_encoding(header + "Arrêt".encode("latin-1"), stated=False) is None
    True
    """
    if stated or len(dbf) < 32 or dbf[29] != 0:  # a .cpg, or a language byte: GDAL's
        return None
    start = int.from_bytes(dbf[8:10], "little")
    return text_encoding(dbf[start:])


def read_shapefile(path: Path) -> SourceTable:
    """A Shapefile, plain or zipped (the .prj gives the CRS; the .cpg, or else its text
    itself, the encoding: :func:`dbf_encoding`)."""
    zipped = path.suffix.lower() == ".zip"
    if zipped or (path.is_file() and path.suffix.lower() != ".shp" and zipfile.is_zipfile(path)):
        with _open_zip(path) as zf:
            members = zf.namelist()
            shps = [n for n in members if n.lower().endswith(".shp")]
            if not shps:
                raise file_error("zip_without_shp", name=path.name)
            _require_parts(shps[0], members, path.name)
            stem = shps[0][: -len(".shp")].lower()
            named = {n.lower(): n for n in members}
            encoding = dbf_encoding(zf.read(named[stem + ".dbf"]), stated=stem + ".cpg" in named)
        # a zip under another name (--format shp) is named to GDAL in braces
        archive = str(path.resolve()) if zipped else "{" + str(path.resolve()) + "}"
        table = _read_vector(f"/vsizip/{archive}/{shps[0]}", path.name, "shp", encoding=encoding)
        if len(shps) > 1:
            table.warnings.append(
                Note("several_shapefiles", name=path.name, n=len(shps), first=shps[0])
            )
        return table
    encoding = None
    if path.suffix.lower() == ".shp" and path.is_file():
        _require_parts(path.name, [p.name for p in path.parent.iterdir()], path.name)
        parts = {p.name.lower(): p for p in path.parent.iterdir()}
        stem = path.name[: -len(".shp")].lower()
        encoding = dbf_encoding(parts[stem + ".dbf"].read_bytes(), stated=stem + ".cpg" in parts)
    return _read_vector(str(path), path.name, "shp", encoding=encoding)


FORMAT_NAMES = {
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
    "ods": "OpenDocument (.ods)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "kml": "KML",
    "shp": "Shapefile",
    "gtfs": "GTFS",
    "osm": "OpenStreetMap XML (.osm)",
    "pdf": "PDF",
    "zip": "ZIP",
    "xml": "XML",
    "png": "PNG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "tiff": "TIFF",
    "webp": "WebP",
    "bmp": "BMP",
    "xls": "Excel 97-2003 (.xls)",
    "doc": "Word 97-2003 (.doc)",
    "ppt": "PowerPoint 97-2003 (.ppt)",
}
"""Names of the formats a message names; proper nouns, the same in every language."""

_EXTENSIONS = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "ods": ".ods",
    "geojson": ".geojson",
    "gpkg": ".gpkg",
    "kml": ".kml",
    "shp": ".zip",
    "gtfs": ".zip",
    "osm": ".osm",
}

_XML_ROOT = re.compile(r"(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*<([A-Za-z_][\w.:-]*)", re.S)


def sniff_format(path: Path) -> str | None:
    """The format the first bytes of ``path`` show, whatever its name says, or None when
    they show none for certain (the reader of the format asked for then says what it finds).

    ``xlsx``, ``ods``, ``gtfs``, ``shp`` or ``zip`` for a zip archive (by its members),
    ``xls``, ``doc`` or ``ppt`` (an Excel, Word or PowerPoint 97-2003 file: an OLE2 file, by
    the stream its directory names at its top; ``encrypted`` for an Office file saved with a
    password; another OLE2 file shows none),
    ``gpkg`` (an SQLite database), ``pdf``, an image
    (``png``, ``jpeg``, ``gif``, ``tiff``, ``webp``, ``bmp``), ``osm`` or
    ``xml`` (by the root element), ``html`` (a web page), ``geojson`` (text opening with
    ``{``) and ``csv`` (text whose first line holds a separator; UTF-8, UTF-16 or a Windows
    code page).
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                lower = [n.lower() for n in names]
                if "xl/workbook.xml" in lower:
                    return "xlsx"
                if "mimetype" in names and zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    return "ods"
        except (zipfile.BadZipFile, OSError):
            return None
        if any(n.rsplit("/", 1)[-1] == "stops.txt" for n in lower):
            return "gtfs"
        return "shp" if any(n.endswith(".shp") for n in lower) else "zip"
    if head.startswith(OLE2_SIGNATURE):
        return _office_97_format(path)
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"%PDF"):
        return "pdf"
    if image := _image_format(head):
        return image
    if head.startswith(b"\x00\x00\x27\x0a"):  # a Shapefile's .shp (its file code, 9994)
        return "shp"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    elif encoding := utf16_without_bom(head):
        text = head.decode(encoding, errors="ignore")
    elif b"\x00" in head:
        return None  # binary, of no format named here
    else:
        text = head.decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        root = _XML_ROOT.match(text)
        tag = "" if root is None else root.group(1)
        if tag.lower() == "html" or re.match(r"<!doctype\s+html", text, re.IGNORECASE):
            return "html"
        return "osm" if tag == "osm" else "kml" if tag.lower() == "kml" else "xml"
    if text.startswith("{"):
        return "geojson"
    first = _first_line(text)
    return "csv" if SEP_LINE.fullmatch(first) or any(s in first for s in ";,\t|") else None


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE2 compound file: Word, Excel and PowerPoint 97-2003 files alike."""

_OFFICE_97_STREAMS = {
    "worddocument": "doc",
    "powerpoint document": "ppt",
    "workbook": "xls",
    "book": "xls",  # Excel 5.0/95
    # a workbook (or document) saved with a password: Office encrypts the .xlsx's zip and
    # keeps it in an OLE2 file ([MS-OFFCRYPTO]), whatever the name's extension
    "encryptedpackage": "encrypted",
}
"""The stream at the top of an OLE2 file that says which program's file it is (its names are
compared without case, as [MS-CFB] compares them)."""

_OLE2_NO_ENTRY = 0xFFFFFFFA
"""Sector numbers and directory entries above this mark a chain's end or no entry."""


def ole2_top_names(path: Path) -> set[str] | None:
    """The names of the streams and storages at the top of the OLE2 compound file ``path``
    (``WordDocument``, ``Workbook``...), as its directory lists them ([MS-CFB]), or None when
    no directory can be read there (not an OLE2 file, or a damaged one).

    The top only: a Word document holding an Excel table pasted as an object has that
    table's ``Workbook`` stream inside a storage of its own.
    """
    with path.open("rb") as fh:
        header = fh.read(512)
        if len(header) < 512 or not header.startswith(OLE2_SIGNATURE):
            return None
        shift = int.from_bytes(header[0x1E:0x20], "little")
        if shift not in (9, 12):  # 512- or 4096-byte sectors, the only sizes there are
            return None
        size = 1 << shift

        def sector(number: int) -> bytes | None:
            fh.seek((number + 1) * size)
            data = fh.read(size)
            return data if len(data) == size else None

        def numbers(data: bytes) -> list[int]:
            return [int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4)]

        # where the FAT's sectors are: 109 in the header, the rest in a chain of DIFAT sectors
        fat_sectors = numbers(header[0x4C:0x200])
        difat = int.from_bytes(header[0x44:0x48], "little")
        for _ in range(int.from_bytes(header[0x48:0x4C], "little")):
            data = sector(difat) if difat <= _OLE2_NO_ENTRY else None
            if data is None:
                break
            *more, difat = numbers(data)
            fat_sectors += more
        fat_sectors = [n for n in fat_sectors if n <= _OLE2_NO_ENTRY]
        per_sector = size // 4
        fat: dict[int, list[int]] = {}

        def following(number: int) -> int | None:
            index, offset = divmod(number, per_sector)
            if index >= len(fat_sectors):
                return None
            if index not in fat:
                data = sector(fat_sectors[index])
                if data is None:
                    return None
                fat[index] = numbers(data)
            return fat[index][offset]

        entries: list[tuple[str, int, int, int, int]] = []  # name, type, left, right, child
        number: int | None = int.from_bytes(header[0x30:0x34], "little")
        seen: set[int] = set()
        while number is not None and number <= _OLE2_NO_ENTRY and number not in seen:
            seen.add(number)
            data = sector(number)
            if data is None:
                break
            for at in range(0, size, 128):
                entry = data[at : at + 128]
                length = min(int.from_bytes(entry[0x40:0x42], "little"), 64)
                name = entry[: max(length - 2, 0)].decode("utf-16-le", errors="replace")
                left, right, child = numbers(entry[0x44:0x50])
                entries.append((name, entry[0x42], left, right, child))
            number = following(number)
    if not entries or entries[0][1] != 5:  # the first entry is the root storage's
        return None
    names: set[str] = set()
    todo, visited = [entries[0][4]], set()
    while todo:  # the root's children: a tree of siblings (left, right) under its child
        at = todo.pop()
        if at > _OLE2_NO_ENTRY or at >= len(entries) or at in visited:
            continue
        visited.add(at)
        name, kind, left, right, _child = entries[at]
        if kind in (1, 2):
            names.add(name)
        todo += [left, right]
    return names


def _office_97_format(path: Path) -> str | None:
    """``doc``, ``xls`` or ``ppt``: the Office 97-2003 file that the OLE2 file ``path`` is,
    by the stream at its top (``encrypted``: an Office file saved with a password); None for
    another OLE2 file (an Outlook message, an installer) or one whose directory cannot be
    read."""
    names = {n.casefold() for n in ole2_top_names(path) or ()}
    return next((fmt for stream, fmt in _OFFICE_97_STREAMS.items() if stream in names), None)


_IMAGES = ("png", "jpeg", "gif", "tiff", "webp", "bmp")


def _image_format(head: bytes) -> str | None:
    """The image format the first bytes ``head`` of a file show (``png``, ``jpeg``...), or
    None: a screenshot of a table saved under the data's name."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":  # its reserved bytes
        return "bmp"
    return None


def _is_stops_txt(path: Path) -> bool:
    """Whether the text file ``path`` begins as a GTFS ``stops.txt`` (a ``stop_id`` column)."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    encoding = utf16_without_bom(head)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    text = head.decode(encoding or "utf-8", errors="ignore")
    return "stop_id" in _first_line(text.lstrip("\ufeff"))


def check_content(path: Path, fmt: str, *, given: bool) -> None:
    """Refuse ``path`` when its content is of another format than ``fmt`` (the ``--format``
    given, or its name's).

    An Excel workbook given ``--format csv`` was refused as "not UTF-8 text (most likely
    Windows-1252)", a CSV given ``--format osm`` with an XML syntax error: the refusal now
    names the format the file is in and how to import it.

    Raises
    ------
    DataError
        ``xls_file`` for an Excel 97-2003 workbook; ``office_document`` for a Word or
        PowerPoint 97-2003 file; ``protected_file`` for an Office file saved with a
        password; ``html_page`` for a web page;
        ``format_option_is_other`` when
        ``--format`` (``given``) names another format than the file's content and name;
        ``format_is_other`` when the file's name does; ``image_file`` for an image (a PNG
        under a .csv name); ``format_not_imported`` for content of a format no reader takes
        (a PDF, a zip of other files, XML other than OSM's).
    """
    if not path.is_file():
        return
    actual = sniff_format(path)
    if actual is None or actual == fmt:
        return
    name = display_name(path)
    if actual == "xls":
        raise file_error("xls_file", name=name)
    _refuse_office_document(path, fmt, actual)
    if actual == "html":
        # a download that saved the site's sign-in or error page under the data's name
        raise file_error("html_page", name=name, expected=FORMAT_NAMES[fmt])
    if (fmt, actual) == ("gtfs", "csv") and _is_stops_txt(path):
        return  # a feed's stops.txt
    if (fmt, actual) in (("shp", "zip"), ("gtfs", "zip"), ("osm", "xml"), ("kml", "zip")):
        return  # a zip or XML file whose reader says what it lacks
    expected = FORMAT_NAMES[fmt]
    if actual in _IMAGES:
        # a PNG under a .csv name was "not UTF-8 text (most likely Windows-1252)"
        raise file_error("image_file", name=name, expected=expected, actual=FORMAT_NAMES[actual])
    if actual not in _EXTENSIONS:
        raise file_error(
            "format_not_imported", name=name, expected=expected, actual=FORMAT_NAMES[actual]
        )
    try:
        by_name: str | None = detect_format(path)
    except DataError:
        by_name = None
    params = {"name": name, "expected": expected, "actual": FORMAT_NAMES[actual]}
    if given and by_name == actual:
        raise file_error("format_option_is_other", **params, right=actual)
    ext = ".shp" if actual == "shp" and not zipfile.is_zipfile(path) else _EXTENSIONS[actual]
    raise file_error("format_is_other", **params, right=actual, ext=ext)


def _refuse_office_document(path: Path, fmt: str, actual: str | None = None) -> None:
    """Refuse ``path`` (read as ``fmt``) with ``office_document`` when it is a Word or
    PowerPoint 97-2003 file, with ``protected_file`` when it is an Office file saved with a
    password (``actual``: the format :func:`sniff_format` found, else read here): all are
    OLE2 files, as an Excel 97-2003 workbook is, and were refused as one."""
    if actual is None:
        actual = _office_97_format(path) if path.is_file() else None
    if actual == "encrypted":
        raise file_error("protected_file", name=display_name(path))
    if actual in ("doc", "ppt"):
        raise file_error(
            "office_document",
            name=display_name(path),
            expected=FORMAT_NAMES[fmt],
            actual=FORMAT_NAMES[actual],
        )


# GTFS route_type (basic and extended) -> our mode; None for modes we do not keep.
def gtfs_mode(route_type: Any) -> str | None:
    """Map a GTFS ``route_type`` to a transport_stops mode."""
    try:
        code = int(float(str(route_type)))
    except ValueError:
        return None
    basic = {0: "tram", 1: "tram", 2: "train", 3: "bus", 5: "tram", 11: "bus", 12: "tram"}
    if code in basic:
        return basic[code]
    for lo, hi, mode in (
        (100, 199, "train"),
        (200, 299, "coach"),
        (400, 499, "tram"),
        (700, 799, "bus"),
        (800, 899, "bus"),
        (900, 999, "tram"),
    ):
        if lo <= code <= hi:
            return mode
    return None


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "feed"


def read_gtfs(path: Path) -> SourceTable:
    """GTFS stops (a feed zip, or a bare ``stops.txt``) as transport stops.

    Stations and stops (``location_type`` 0 or 1) are kept; entrances, generic nodes and
    boarding areas are dropped. Platforms whose parent station is in the feed are folded into
    the station (the station's ``wheelchair_boarding``, or the platforms' when it says 0).
    The mode comes from the routes serving each stop (``routes.txt`` + ``trips.txt`` +
    ``stop_times.txt``) when the feed has them.
    """
    files: dict[str, str] = {}
    # a feed saved under another name (feed.csv) is still a zip: opened as text, it was
    # "not UTF-8 text", after a refusal that had advised --format gtfs (and a damaged .zip
    # stays a damaged zip)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        with _open_zip(path) as zf:
            for member in zf.namelist():
                base = member.rsplit("/", 1)[-1]
                if base in ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "agency.txt"):
                    files[base] = _decode(zf.read(member), f"{path.name}:{base}")
    else:
        files["stops.txt"] = _decode(path.read_bytes(), path.name)
    if "stops.txt" not in files:
        raise file_error("gtfs_without_stops", name=path.name)
    stops, stop_errors = read_csv_text(files["stops.txt"], "stops.txt")
    for col in ("stop_id", "stop_name", "stop_lat", "stop_lon"):
        if col not in stops.columns:
            raise file_error("gtfs_missing_column", file="stops.txt", name=path.name, column=col)
    warnings: list[str] = []
    loc = stops.get("location_type", pd.Series("", index=stops.index)).fillna("").str.strip()
    keep = loc.isin(["", "0", "1"])
    if (~keep).any():
        warnings.append(Note("gtfs_entrances_left_out", n=int((~keep).sum())))
    parent = stops.get("parent_station", pd.Series("", index=stops.index)).fillna("").str.strip()
    station_ids = set(stops.loc[keep & (loc == "1"), "stop_id"])
    child = keep & (loc != "1") & parent.isin(station_ids)
    wheel = (
        stops.get("wheelchair_boarding", pd.Series("", index=stops.index))
        .fillna("")
        .str.strip()
        .replace("", "0")
    )
    if child.any():
        warnings.append(Note("gtfs_platforms_folded", n=int(child.sum())))
        child_best: dict[str, str] = {}
        for pid, values in wheel[child].groupby(parent[child]):
            vals = set(values)
            child_best[str(pid)] = "1" if "1" in vals else ("2" if vals == {"2"} else "0")
        is_station = stops["stop_id"].isin(child_best.keys()) & (wheel == "0")
        wheel = wheel.where(~is_station, stops["stop_id"].map(child_best).fillna("0"))
    mode: pd.Series = pd.Series([None] * len(stops), index=stops.index, dtype=object)
    if {"routes.txt", "trips.txt", "stop_times.txt"} <= files.keys():
        routes = _gtfs_table(files, "routes.txt", path.name, ["route_id", "route_type"])
        trips = _gtfs_table(files, "trips.txt", path.name, ["trip_id", "route_id"])
        times = _gtfs_table(files, "stop_times.txt", path.name, ["trip_id", "stop_id"])
        served = times.drop_duplicates().merge(trips, on="trip_id").merge(routes, on="route_id")
        served["mode"] = served["route_type"].map(gtfs_mode)
        if child.any():
            to_parent = dict(zip(stops.loc[child, "stop_id"], parent[child], strict=True))
            served["stop_id"] = served["stop_id"].map(lambda s: to_parent.get(s, s))
        by_stop = (
            served.dropna(subset=["mode"])
            .groupby("stop_id")["mode"]
            .agg(lambda m: m.value_counts().index[0])
        )
        mode = stops["stop_id"].map(by_stop).astype(object)
        feed_modes = set(routes["route_type"].map(gtfs_mode).dropna())
        unserved = mode.isna() & keep & ~child
        if len(feed_modes) == 1 and unserved.any():
            only = feed_modes.pop()
            mode = mode.where(~unserved, only)
            warnings.append(Note("gtfs_unserved_stops", n=int(unserved.sum()), mode=only))
    operator = None
    if "agency.txt" in files:
        agency = read_csv_text(files["agency.txt"], "agency.txt")[0]
        if len(agency) == 1 and "agency_name" in agency.columns:
            operator = str(agency["agency_name"].iloc[0]).strip()
    feed = _slug(operator or path.stem.replace("stops", "") or "feed")
    kept = keep & ~child
    stop_id = stops["stop_id"].fillna("").astype(str).str.strip()
    for line in stops.index[kept & (stop_id == "")]:
        # GTFS requires stop_id: a made-up id would change with the feed's next edition
        stop_errors.setdefault(int(line), RowError("required_missing", field_name="stop_id"))
    records = pd.DataFrame(
        {
            "external_id": ("gtfs:" + feed + ":" + stop_id).where(stop_id != "", None),
            "name": stops["stop_name"],
            "lon": stops["stop_lon"],
            "lat": stops["stop_lat"],
            "wheelchair_boarding": wheel,
            "mode": mode,
            "operator": operator,
        },
        index=stops.index,
    )[kept]
    if "wheelchair_boarding" not in stops.columns:
        warnings.append(Note("gtfs_no_wheelchair_column"))
    return SourceTable(
        records, None, "gtfs", path.name, warnings, row_errors=stop_errors, crs="EPSG:4326"
    )


def read_file(path: str | Path, *, fmt: str | None = None, layer: str | None = None) -> SourceTable:
    """Read any supported file (the format from its name unless ``fmt`` is given); of a
    GeoPackage with several layers, the one named ``layer`` (the layer imported into)."""
    path = Path(path)
    check_file(path)
    given = fmt is not None
    fmt = (fmt or detect_format(path)).lower()
    readers: Mapping[str, Any] = {
        "csv": read_csv,
        "xlsx": lambda p: read_sheet(p, prefer=layer),
        "ods": lambda p: read_sheet(p, "ods", prefer=layer),
        "geojson": read_geojson,
        "gpkg": lambda p: read_gpkg(p, prefer=layer),
        "kml": lambda p: read_kml(p, prefer=layer),
        "shp": read_shapefile,
        "gtfs": read_gtfs,
    }
    if fmt in FORMATS:
        check_content(path, fmt, given=given)
    if fmt == "osm":
        raise file_error("osm_needs_layer")
    if fmt not in readers:
        raise file_error("unknown_format", format=fmt, formats=", ".join(FORMATS))
    table: SourceTable = readers[fmt](path)
    return table
