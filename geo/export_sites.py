"""Proposed sites of a prioritisation scenario as GeoPackage, CSV, Excel (XLSX) or KML bytes
(for downloads), or a file (``walouja scenarios export``).

The codes (``commune_code`` 04.421.01.07, ``province_code`` 04.421, ``region_code`` 04) are
written exactly as the database holds them, as text. A GeoPackage (or GeoJSON) keeps them
text for every reader. A CSV cannot say a column's type: a spreadsheet opened by a double
click, or ``pandas.read_csv`` with its defaults, takes ``04`` for the number 4 and ``04.421``
for 4.421 (the commune codes, with three dots, stay text). Nothing written into a CSV value
stops that for every reader without changing the value for the others: a leading apostrophe
or an Excel formula (``="04"``) shows in pandas, QGIS and R as part of the code, and quotes
are ignored by Excel and pandas alike. So the CSV keeps the codes as they are, the same codes
other HCP tables join on, and says how to read them: pandas ``dtype=str`` (or
``dtype={"province_code": str, "region_code": str}``), Excel's Data › From Text/CSV with the
code columns set to Text, or the GeoPackage. The CSV follows the app's one convention
(:data:`geo.export.CSV_DIALECTS`): ``;`` and a decimal comma in French and Arabic, ``,`` and
a decimal point in English and on the command line, whole numbers without ``.0``. The XLSX workbook
is the spreadsheet user's file: its code cells are text cells, so Excel (and LibreOffice)
show ``04`` and ``04.421`` as written, whatever the computer's list separator. The KML is
for Google Earth and Google My Maps: each site a placemark named by its rank and its name
(``1 · Bsara``, or ``1 · لبصارة`` from the Arabic page), its other columns the placemark's
data, written by :mod:`geo.export`'s KML writer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.export import (
    CSV_DIALECTS,
    CsvDialect,
    ExportResult,
    check_writable,
    export_format,
    write_frame,
)
from walouja.errors import DataError

SITE_COLUMNS = (
    "rank",
    "site_id",
    "commune_code",
    "name_fr",
    "name_ar",
    "commune_fr",
    "commune_ar",
    "province_code",
    "province_fr",
    "province_ar",
    "region_code",
    "gain",
    "gain_unit",
    "cost_mad",
    "forced",
)
"""Columns written for each site (those the scenario has), then ``lon``/``lat`` or a point."""
SITE_FORMATS = ("gpkg", "csv", "xlsx", "kml")
"""The formats :func:`sites_bytes` writes (a download's)."""


def sites_frame(sites: Sequence[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """The sites (dicts with ``lon``, ``lat`` and some of ``SITE_COLUMNS``) as points, EPSG:4326.

    Raises
    ------
    DataError
        A site has no coordinates.
    """
    for i, site in enumerate(sites, start=1):
        if site.get("lon") is None or site.get("lat") is None:
            raise DataError(f"site {i} (rank {site.get('rank')}) has no coordinates")
    table = pd.DataFrame(list(sites))
    columns = [c for c in SITE_COLUMNS if c in table.columns]
    geometry = gpd.points_from_xy(
        [float(s["lon"]) for s in sites], [float(s["lat"]) for s in sites], crs="EPSG:4326"
    )
    return gpd.GeoDataFrame(table[columns].copy(), geometry=geometry, crs="EPSG:4326")


def placemark_names(frame: pd.DataFrame, lang: str = "fr") -> list[str]:
    """Each site's name in Google Earth: its rank and its name, ``1 · Bsara``.

    The name is the site's own in ``lang`` (``ar``: Arabic; any other: French), else in the
    other language, else its commune's (a layer's site without a name), else its id or its
    commune's code.
    """
    first, second = ("ar", "fr") if lang == "ar" else ("fr", "ar")
    order = [f"name_{first}", f"name_{second}", f"commune_{first}", f"commune_{second}"]
    columns = [c for c in (*order, "site_id", "commune_code") if c in frame.columns]
    names = []
    for row in frame.to_dict("records"):
        name = next((str(row[c]).strip() for c in columns if not _blank(row[c])), "")
        rank = row.get("rank")
        if rank is None or _blank(rank):
            names.append(name)
        else:
            names.append(f"{int(rank)} · {name}" if name else str(int(rank)))
    return names


def _blank(value: Any) -> bool:
    """Whether a cell holds nothing (missing, or only spaces)."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))


WORDED_FORMATS = ("csv", "xlsx", "kml")
"""The formats read by a person (a spreadsheet, Google Earth's balloon): ``forced`` is
written there as words, yes/no; a GeoPackage or GeoJSON keeps it a boolean for a GIS."""


def _as_written(
    frame: gpd.GeoDataFrame, fmt: str, lang: str, yes_no: tuple[str, str] = ("yes", "no")
) -> gpd.GeoDataFrame:
    """``frame`` as ``fmt`` writes it: in a CSV, a workbook or a KML whether a site was
    forced reads ``yes_no`` (a sheet showed ``True``/``False`` from the command line, where
    the page's download read yes/no); a KML's sites get their placemark names
    (:func:`placemark_names`) and a whole-number rank (GDAL's KML writes a 64-bit integer as
    text)."""
    if fmt in WORDED_FORMATS and "forced" in frame.columns:
        frame = frame.copy()
        frame["forced"] = frame["forced"].map(
            lambda v: None if _blank(v) else yes_no[0] if bool(v) else yes_no[1]
        )
    if fmt != "kml":
        return frame
    out = frame.copy()
    out.insert(0, "name", placemark_names(frame, lang))
    if "rank" in out.columns and out["rank"].notna().all():
        out["rank"] = out["rank"].astype("int32")
    return out


def sites_bytes(
    sites: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    layer: str = "proposed_sites",
    csv: CsvDialect = CSV_DIALECTS["en"],
    lang: str = "fr",
    yes_no: tuple[str, str] = ("yes", "no"),
) -> bytes:
    """The sites as the bytes of a ``gpkg`` (one point layer named ``layer``), ``csv``
    (UTF-8 with BOM, ``lon``/``lat`` columns, separator and decimal mark as ``csv`` says),
    ``xlsx`` file (one sheet, the CSV's columns) or ``kml`` (one placemark per site, named
    by its rank and its name in ``lang``: :func:`placemark_names`), written by
    :func:`geo.export.write_frame`. Whether a site was forced reads ``yes_no`` in a CSV, a
    workbook or a KML (the page's words), a boolean in a GeoPackage.

    The codes are text as the database holds them; a CSV reader must be told to keep them
    text (see the module's docstring for why the CSV does not disguise them)."""
    if fmt not in SITE_FORMATS:
        raise DataError(
            f"cannot write sites as {fmt!r}", hint=f"formats: {', '.join(SITE_FORMATS)}"
        )
    frame = _as_written(sites_frame(sites), fmt, lang, yes_no)
    with tempfile.TemporaryDirectory(prefix="walouja-sites-") as folder:
        path = Path(folder) / f"{layer}.{fmt}"
        write_frame(frame, path, fmt, layer=layer, csv=csv)
        return path.read_bytes()


def export_sites(
    sites: Sequence[Mapping[str, Any]],
    path: str | Path,
    *,
    fmt: str | None = None,
    layer: str = "proposed_sites",
) -> ExportResult:
    """Write the sites to ``path`` as ``export_layer`` writes a layer: GeoPackage, GeoJSON,
    CSV, an Excel workbook or KML (``fmt``, else from the extension; a KML's placemarks
    named by rank and French name, as :func:`placemark_names` says; whether a site was
    forced as the English page writes it, yes/no, except in a GeoPackage or GeoJSON, which
    keep a boolean), a file already there replaced, a folder that does not exist refused
    before anything is written.

    Raises
    ------
    DataError
        The format is unknown, ``path`` cannot be written, or a site has no coordinates.
    """
    path = Path(path)
    kind = export_format(path, fmt)
    check_writable(path)
    frame = _as_written(sites_frame(sites), kind, "fr")
    replaced = write_frame(frame, path, kind, layer=layer)
    return ExportResult(
        layer=layer, path=str(path), format=kind, rows=len(frame), replaced=replaced
    )
