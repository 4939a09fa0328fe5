"""Export a layer, or a filtered subset, to GeoPackage, GeoJSON, CSV (UTF-8, Arabic intact)
or an Excel workbook.

Exported files import back unchanged: they carry ``external_id``, ``source`` and each row's
``licence`` (its source's, from ``layer_sources``: rows shared from a file keep their
attribution, ODbL for OpenStreetMap's); ``services`` is written as ``a;b``; CSV has
``lon``/``lat`` columns and a UTF-8 BOM so that spreadsheet programs show Arabic correctly.
An XLSX workbook (GDAL's XLSX driver, one sheet named after the layer) has the CSV's columns,
with text cells for text (a code such as ``04.421`` stays text in Excel, whatever its list
separator) and number cells for figures. A scenario's proposed sites are written the same way.

Every CSV follows one convention, :class:`CsvDialect`: UTF-8 with a byte-order mark, CRLF line
ends, whole numbers without ``.0``, and a separator and decimal mark chosen by language
(:data:`CSV_DIALECTS`): ``;`` and a decimal comma for French and Arabic, as a French or
Moroccan Excel opens a ``.csv`` by a double click, ``,`` and a decimal point for English (and
for the command line, which writes English). The importer reads both back.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.db import connect
from geo.io_read import libkml_name_field
from geo.layers import LayerFilter, get_layer, read_layer, source_licences
from walouja.errors import DataError
from walouja.settings import Settings

EXPORT_FORMATS = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".kml": "kml",
}
"""Formats of an export (an extension -> the format): each imports back."""


@dataclass(frozen=True)
class CsvDialect:
    """How a written CSV separates its fields and marks a decimal."""

    sep: str = ","
    decimal: str = "."


CSV_DIALECTS: dict[str, CsvDialect] = {
    "fr": CsvDialect(";", ","),
    "ar": CsvDialect(";", ","),
    "en": CsvDialect(",", "."),
}
"""The CSV convention of every download of the app, by the page's language. A French (or
Moroccan Arabic) Excel opens a ``.csv`` in columns when ``;`` separates its fields and a comma
marks its decimals, and puts each whole line in one cell when they are ``,`` and ``.``; an
English Excel expects ``,`` and ``.``. The command line writes the English one."""


PLACEMARK_LABEL = "placemark_label"
"""A column of a KML's rows that names each placemark (Google Earth's label) without being
written as one of its data: a layer's Arabic export labels a centre by its Arabic name and
keeps its ``name`` as data, which an import reads back (``geo.io_read.read_kml``)."""


def placemark_labels(frame: pd.DataFrame, lang: str) -> pd.Series | None:
    """Each row's label in Google Earth in ``lang``: in Arabic its ``name_ar``, else its
    ``name``; None in another language, or for a frame without Arabic names (each placemark
    is then named by its ``name``)."""
    if lang != "ar" or "name_ar" not in frame.columns or "name" not in frame.columns:
        return None
    arabic = frame["name_ar"].where(frame["name_ar"].map(_has_text))
    return arabic.fillna(frame["name"])


def _has_text(value: Any) -> bool:
    """Whether a cell holds text other than spaces."""
    return isinstance(value, str) and bool(value.strip())


def csv_dialect(lang: str) -> CsvDialect:
    """The CSV convention of a download in ``lang`` (French's for a language not listed)."""
    return CSV_DIALECTS.get(lang, CSV_DIALECTS["fr"])


@dataclass(frozen=True)
class ExportResult:
    """What was written where."""

    layer: str
    path: str
    format: str
    rows: int
    replaced: bool = False
    """Whether a file was already at ``path``: an export replaces it, and says so."""

    def summary(self) -> str:
        """One line for people."""
        rows = f"{self.rows:,} row{'' if self.rows == 1 else 's'}"
        replaced = ", replacing the file that was there" if self.replaced else ""
        return f"{self.layer}: {rows} written to {self.path} ({self.format}){replaced}"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return dict(self.__dict__)


def export_format(
    path: Path, fmt: str | None = None, *, formats: Mapping[str, str] = EXPORT_FORMATS
) -> str:
    """The export format from ``fmt`` or the file extension, one of ``formats``
    (an extension -> the format).

    Raises
    ------
    DataError
        The format is unknown, or ``fmt`` contradicts the file's known extension (a CSV
        written to ``layer.gpkg`` would not re-import).
    """
    known = list(dict.fromkeys(formats.values()))
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in known:
            raise DataError(f"cannot export to {fmt!r}", hint=f"formats: {', '.join(known)}")
        named = formats.get(path.suffix.lower())
        if named is not None and named != fmt:
            article = "an" if named[0] in "aeiox" else "a"  # an xlsx, a csv
            raise DataError(
                f"{path.name} names {article} {named} file but --format is {fmt}",
                hint=f"name the file {path.stem}.{fmt} or leave --format out",
            )
        return fmt
    found = formats.get(path.suffix.lower())
    if found is None:
        extensions = [f".{f}" for f in known]
        raise DataError(
            f"cannot tell the export format of {path.name}",
            hint=f"use {', '.join(extensions[:-1])} or {extensions[-1]} (or --format)",
        )
    return found


def to_flat(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make a layer frame writable by every format (lists joined, timestamps as text)."""
    out = frame.drop(columns=["id"], errors="ignore").copy()
    if "services" in out.columns:
        out["services"] = [
            ";".join(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else v
            for v in out["services"]
        ]
    for col in ("created_at", "updated_at"):
        if col in out.columns:
            out[col] = out[col].astype(str)
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    return out


def whole_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each float column whose values are all whole numbers as integers (a
    cost of ``5000000.0`` is written ``5000000``; an empty cell stays empty)."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            values = out[col].dropna()
            whole = values.map(lambda v: math.isfinite(v) and v.is_integer() and abs(v) < 2**53)
            if len(values) and whole.all():  # beyond 2**53 a float holds no exact integer
                out[col] = out[col].astype("Int64")
    return out


def _write(flat: gpd.GeoDataFrame, path: Path, fmt: str, *, layer: str, csv: CsvDialect) -> None:
    if fmt in ("csv", "xlsx"):
        table = pd.DataFrame(flat.drop(columns=[flat.geometry.name]))
        if fmt == "csv":
            table = whole_numbers(table)
        table["lon"] = flat.geometry.x.round(7)
        table["lat"] = flat.geometry.y.round(7)
        if fmt == "csv":
            table.to_csv(
                path,
                index=False,
                encoding="utf-8-sig",
                sep=csv.sep,
                decimal=csv.decimal,
                lineterminator="\r\n",
            )
        else:
            # a sheet name is at most 31 characters in Excel
            pyogrio.write_dataframe(table, path, driver="XLSX", layer=layer[:31])
    elif fmt == "gpkg":
        flat.to_file(path, layer=layer, driver="GPKG")
    elif fmt == "kml":
        # Google Earth's format: each row a placemark named by its name (PLACEMARK_LABEL's
        # when the frame has one), the other columns its data; KML is longitude/latitude by
        # definition
        label = PLACEMARK_LABEL if PLACEMARK_LABEL in flat.columns else "name"
        with libkml_name_field(label):
            flat.to_crs(4326).to_file(path, layer=layer, driver="LIBKML")
    else:
        # the collection's "name" (QGIS names the layer after it), not the temporary file's
        flat.to_file(path, layer=layer, driver="GeoJSON")


def check_writable(path: Path, *, what: str = "") -> None:
    """A ``DataError`` when ``path`` cannot be an output file.

    Refused: a folder, a path under a file, and a path whose folder does not exist (a
    mistyped folder is not created: the user names the folder, Walouja does not guess it).
    Checked before anything is read, so a mistyped path costs no database query.

    Parameters
    ----------
    path
        The file to write.
    what
        What is written, for the message ("the match report"); empty for an export.
    """
    target = f"{what} to {path}" if what else str(path)
    if path.is_dir():
        raise DataError(
            f"cannot write {target}: it is a folder",
            hint=f"give a file name inside it, for example {path / 'export.csv'}",
        )
    parent = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise DataError(
            f"cannot write {target}: {parent} is a file, not a folder",
            hint="choose another folder",
        )
    if not path.parent.exists():
        raise DataError(
            f"cannot write {target}: no such folder: {path.parent}",
            hint=f"create it first (mkdir -p {path.parent}), or choose a folder that exists",
        )


def write_frame(
    frame: gpd.GeoDataFrame,
    path: Path,
    fmt: str,
    *,
    layer: str,
    csv: CsvDialect = CSV_DIALECTS["en"],
) -> bool:
    """Write an exported frame to ``path`` in ``fmt``, replacing the file only once written.

    A CSV separates its fields and marks its decimals as ``csv`` says (see
    :data:`CSV_DIALECTS`).

    The file is written next to ``path`` under a temporary name and then renamed, so a
    failed export leaves an existing file as it was.

    Returns
    -------
    bool
        Whether a file was already at ``path`` (and has been replaced).

    Raises
    ------
    DataError
        ``path`` is a folder, its folder does not exist, or cannot be written to.
    """
    check_writable(path)
    flat = to_flat(frame)
    # the temporary file is named as its format's: GDAL knows a KML by its extension, and
    # given another name its KML writer made a folder of KML files where the file was asked
    named = EXPORT_FORMATS.get(path.suffix.lower()) == fmt
    partial = path.with_name(f".{path.stem}.partial{path.suffix if named else '.' + fmt}")
    replaced = path.exists()
    try:
        partial.open("wb").close()  # the folder takes a new file: GDAL's errors are vaguer
        partial.unlink()
        _write(flat, partial, fmt, layer=layer, csv=csv)
        partial.replace(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DataError(
            f"cannot write {path}: {reason.lower() if exc.strerror else reason}",
            hint="choose a folder you can write to",
        ) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return replaced


def with_licences(frame: gpd.GeoDataFrame, licences: Mapping[str, str]) -> gpd.GeoDataFrame:
    """``frame`` with a ``licence`` column after ``source``: each row's source's licence
    (``licences``: ``{row source: licence}``), empty for a source without an entry."""
    out = frame.copy()
    at = list(out.columns).index("source") + 1 if "source" in out.columns else len(out.columns)
    out.insert(at, "licence", out["source"].map(lambda s: licences.get(s) if s else None))
    return out


def export_layer(
    settings: Settings,
    layer: str,
    path: str | Path,
    *,
    fmt: str | None = None,
    where: LayerFilter | None = None,
    csv: CsvDialect = CSV_DIALECTS["en"],
    lang: str = "en",
) -> ExportResult:
    """Export ``layer`` (optionally filtered) to ``path`` (a CSV in the ``csv`` dialect).

    A KML's placemarks are named in ``lang`` (:func:`placemark_labels`: by their Arabic
    name in Arabic, by their name otherwise, as the command line writes them); each keeps
    its ``name`` and ``name_ar`` in its data, and imports back unchanged.

    A file already at ``path`` is replaced (``ExportResult.replaced`` says so); a folder
    that does not exist is not created (``check_writable``).
    """
    spec = get_layer(layer)
    path = Path(path)
    kind = export_format(path, fmt)
    check_writable(path)
    with connect(settings) as conn:
        frame = with_licences(
            read_layer(conn, spec.name, where=where), source_licences(conn, spec.name)
        )
    labels = placemark_labels(frame, lang) if kind == "kml" else None
    if labels is not None:
        frame = frame.assign(**{PLACEMARK_LABEL: labels})
    replaced = write_frame(frame, path, kind, layer=spec.name, csv=csv)
    return ExportResult(
        layer=spec.name, path=str(path), format=kind, rows=len(frame), replaced=replaced
    )
