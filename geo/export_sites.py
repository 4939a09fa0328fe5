"""Proposed sites of a prioritisation scenario as GeoPackage, CSV or Excel (XLSX) bytes (for
downloads), or a file (``walouja scenarios export``).

The codes (``commune_code`` 04.421.01.01, ``province_code`` 04.421, ``region_code`` 04) are
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
show ``04`` and ``04.421`` as written, whatever the computer's list separator.
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


def sites_bytes(
    sites: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    layer: str = "proposed_sites",
    csv: CsvDialect = CSV_DIALECTS["en"],
) -> bytes:
    """The sites as the bytes of a ``gpkg`` (one point layer named ``layer``), ``csv``
    (UTF-8 with BOM, ``lon``/``lat`` columns, separator and decimal mark as ``csv`` says)
    or ``xlsx`` file (one sheet, the CSV's columns), written by
    :func:`geo.export.write_frame`.

    The codes are text as the database holds them; a CSV reader must be told to keep them
    text (see the module's docstring for why the CSV does not disguise them)."""
    if fmt not in ("gpkg", "csv", "xlsx"):
        raise DataError(f"cannot write sites as {fmt!r}", hint="formats: gpkg, csv, xlsx")
    frame = sites_frame(sites)
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
    CSV or an Excel workbook (``fmt``, else from the extension), a file already there
    replaced, a folder that does not exist refused before anything is written.

    Raises
    ------
    DataError
        The format is unknown, ``path`` cannot be written, or a site has no coordinates.
    """
    path = Path(path)
    kind = export_format(path, fmt)
    check_writable(path)
    frame = sites_frame(sites)
    replaced = write_frame(frame, path, kind, layer=layer)
    return ExportResult(
        layer=layer, path=str(path), format=kind, rows=len(frame), replaced=replaced
    )
