"""File-level messages of imports: why a whole file is refused, and notes about a file.

Rows are rejected with a code from ``geo.validate.REASONS``; this module does the same for
what concerns the whole file. Each message has a stable code and an English template filled
with named params:

- ``FILE_ERRORS``: refusals (unreadable file, unknown format, no coordinates...).
  ``file_error`` builds the ``DataError`` to raise, with the English ``message`` and ``hint``
  the CLI prints plus ``code`` and ``params``.
- ``NOTES``: warnings an import report lists (layers skipped, coordinates reprojected,
  a source's licence corrected...).
  A ``Note`` is the English text (a ``str``, so the CLI and the JSON report print it as
  before) that also carries its ``code`` and ``params``.
- ``ADVICE``: what to do about many rows rejected for one reason (no row has a ``mode``:
  give one with ``--set``), the lines an import report leads with. An ``Advice`` has a
  message and a hint, as a refusal has.

The app words them in the user's language by code: catalogue keys ``errors.<code>`` and
``errors.<code>.hint`` for refusals and advice (``errors.<code>.hint.app`` where the page
has its own way to do what the CLI's hint says), ``warnings.<code>`` for notes, with the
same ``{fields}``
(``data/i18n/errors.<lang>.json``; the English file says exactly what the templates say).
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from walouja.errors import DataError, ValidationError

FILE_ERRORS: dict[str, tuple[str, str | None]] = {
    "no_such_file": (
        "no such file: {path}",
        "check the file's name and the folder it is in (a path is relative to the folder the "
        "command runs in)",
    ),
    "permission_denied": (
        "cannot read {path}: permission denied",
        "the account Walouja runs as may not read this file, or enter a folder it is in: "
        "allow it to (chmod a+r on the file, a+x on its folders), or copy the file into a "
        "folder of your own and import the copy",
    ),
    "not_a_file": (
        "{path} is a folder, not a file",
        "give the file itself (a Shapefile's .shp, or its parts zipped together)",
    ),
    "bad_zip": (
        "{name} is not a readable zip file",
        "check that the download finished, or zip the files again (a GTFS feed or a shapefile "
        "with its .shp, .shx, .dbf and .prj)",
    ),
    "zip_without_data": (
        "{name} holds neither a Shapefile (.shp) nor a GTFS feed (stops.txt)",
        "zip the data itself: a Shapefile's .shp, .shx, .dbf and .prj files, or a GTFS "
        "feed's .txt files with its stops.txt; or import a CSV, GeoJSON or GeoPackage file "
        "instead",
    ),
    "zip_holds_file": (
        "{name} is a zip archive that holds {file}: a zip is read only when it holds a "
        "Shapefile or a GTFS feed",
        "unzip it (right-click, Extract all) and import {file}",
    ),
    "unknown_extension": (
        "cannot tell the format of {name}",
        "use a known extension or --format ({formats})",
    ),
    "xls_file": (
        "{name} is an Excel 97-2003 workbook (.xls), which Walouja does not read",
        "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx) (File > "
        "Save as > Excel Workbook), then import the .xlsx",
    ),
    "office_document": (
        "{name} is a {actual} document, not a table of data in the {expected} format",
        "Walouja reads tables, not documents: copy the table into Excel or LibreOffice Calc "
        "(one place per row, with its longitude and latitude), save it as an Excel workbook "
        "(.xlsx) or as CSV UTF-8, and import that file",
    ),
    "protected_file": (
        "{name} is protected by a password: its content is encrypted, and Walouja cannot read it",
        "open it with its password in Excel or LibreOffice, remove the password (Excel: File > "
        "Info > Protect Workbook > Encrypt with Password, then clear it), save it, and import "
        "it again",
    ),
    "empty_workbook": (
        "{name} holds no data: its sheets are empty",
        "type the column names in the first row of the first sheet and the places below, one "
        "per row; or check that this is the workbook you meant",
    ),
    "sheet_header_not_first_row": (
        "{name}: the first row of the sheet {sheet!r} is empty, and the column names must be "
        "in row 1 (the first cell with something in it is in row {row})",
        "delete the empty rows above the column names, save, and import the workbook again",
    ),
    "unknown_format": ("unknown format {format!r}", "formats: {formats}"),
    "format_option_is_other": (
        "{name} is not in the {expected} format: it is in the {actual} format",
        "leave --format out (the file's name says its format), or give --format {right}",
    ),
    "format_is_other": (
        "{name} is not in the {expected} format: it is in the {actual} format",
        "import it with --format {right}, or rename it to end in {ext}",
    ),
    "html_page": (
        "{name} is a web page (HTML), not {expected} data: the download may have saved the "
        "site's sign-in or error page",
        "download the file again (signed in to the site), check that it opens as a table or "
        "a map layer, then import it",
    ),
    "format_not_imported": (
        "{name} is not in the {expected} format: it is in the {actual} format, which Walouja "
        "does not import",
        "save the data as CSV, Excel (.xlsx), OpenDocument (.ods), GeoJSON, GeoPackage, a "
        "zipped Shapefile, GTFS or OpenStreetMap (.osm), and import that file",
    ),
    "image_file": (
        "{name} is not a {expected} file: it is an image ({actual})",
        "a picture of a table or a map cannot be imported: import the file its data were "
        "typed in or exported from (CSV, Excel .xlsx, OpenDocument .ods, GeoJSON, GeoPackage, "
        "KML, a zipped Shapefile)",
    ),
    "binary_file": (
        "{name} is not a text (CSV) file: it holds binary data, bytes no text holds (a "
        "program's own file, an image or an archive under a .csv name?)",
        "check that this is the file you meant (a CSV opens as text in Notepad): save the "
        "data as CSV UTF-8 from the program that made the file, or import that program's own "
        "file if Walouja reads it (.xlsx, .ods, .geojson, .gpkg, .kml, a zipped Shapefile)",
    ),
    "osm_needs_layer": (
        "OpenStreetMap files (.osm) are imported one layer at a time and are not accepted here",
        None,
    ),
    "gtfs_not_stops": (
        "{name} is a GTFS feed: its stops are transport stops, and go into no other layer",
        "import it into transport_stops: walouja import transport_stops {path}",
    ),
    "not_utf8": (
        "{name} is not UTF-8 text: line {line} holds a character saved in another encoding "
        "(most likely {encoding})",
        'save it as UTF-8 ("CSV UTF-8" in Excel or LibreOffice), or import the workbook '
        "itself (.xlsx or .ods)",
    ),
    "empty_file": (
        "{name} is empty",
        "the file holds nothing (0 bytes): save or download it again, check that it opens, "
        "then import it",
    ),
    "blank_file": (
        "{name} holds no text: only empty lines",
        "save or download it again, check that it opens with its rows, then import it",
    ),
    "no_data_rows": (
        "{name} has no data rows: nothing to import",
        "add the places below the header line, one per row (in GeoJSON or GeoPackage, one "
        "feature each; in KML, one placemark each)",
    ),
    "unreadable_csv": (
        "{name}: the header line holds a value longer than a million characters",
        "check that the file is CSV text with one line of column names, and close any quote "
        '(") left open in it',
    ),
    "csv_line_error": (
        "{name}: the row starting at line {line} holds a value longer than a million characters",
        'a quote (") left open makes the rest of the file one value: close it, or shorten '
        "the value",
    ),
    "not_this_format": (
        "{name} cannot be read as {format}",
        "check the file: it may be damaged, or saved in another format than its extension says",
    ),
    "unreadable_file": (
        "{name} cannot be read as {format}: it looks damaged or incomplete (GDAL: {detail})",
        "save or export it again from the program that made it, and import the new file",
    ),
    "zip_without_shp": ("{name} holds no .shp file", None),
    "gtfs_without_stops": ("{name} has no stops.txt", None),
    "gtfs_missing_column": ("{file} in {name} lacks the column {column}", None),
    "unknown_crs": (
        "{crs!r} is not a coordinate reference system Walouja knows",
        "give an EPSG code: EPSG:4326 for longitude/latitude in degrees, EPSG:26191 for "
        "Merchich / Nord Maroc metres",
    ),
    "not_lonlat_in_degrees_crs": (
        "{name}: the coordinates are not longitude/latitude although the file's CRS "
        "({crs}) is in degrees (they look like projected metres)",
        "the file states a wrong CRS: give the one the coordinates are in with --crs, which "
        "overrides it (for example --crs EPSG:26191 for Merchich / Nord Maroc)",
    ),
    "geojson_not_lonlat": (
        "{name}: the coordinates are not longitude/latitude (they look like projected "
        "metres), but a GeoJSON file is read as longitude/latitude (EPSG:4326) unless its crs "
        "member names another CRS",
        "give the CRS they are in (for example --crs EPSG:26191 for Merchich / Nord Maroc)",
    ),
    "given_crs_not_lonlat": (
        "{name}: the coordinates are not longitude/latitude (they look like projected "
        "metres), but the CRS given, {crs}, is in degrees; the file's own CRS is {file_crs}",
        "leave --crs out to read them in the file's own CRS, {file_crs}, or give the CRS "
        "they are in",
    ),
    "given_crs_not_lonlat_unstated": (
        "{name}: the coordinates are not longitude/latitude (they look like projected "
        "metres), but the CRS given, {crs}, is in degrees (the file states none)",
        "give the CRS they are in (for example --crs EPSG:26191 for Merchich / Nord Maroc)",
    ),
    "lonlat_in_projected_crs": (
        "{name}: the coordinates are longitude/latitude in degrees (they fall inside Morocco "
        "read as such), but the file's CRS, {crs}, is projected in metres",
        "the file states a wrong CRS: give --crs EPSG:4326, which overrides it",
    ),
    "lonlat_in_given_crs": (
        "{name}: the coordinates are longitude/latitude in degrees (they fall inside Morocco "
        "read as such), but the CRS given, {crs}, is projected in metres; the file's own CRS "
        "is {file_crs}",
        "leave --crs out to read them in the file's own CRS, {file_crs}, or give --crs EPSG:4326",
    ),
    "lonlat_in_given_crs_unstated": (
        "{name}: the coordinates are longitude/latitude in degrees (they fall inside Morocco "
        "read as such), but the CRS given, {crs}, is projected in metres (the file states "
        "none)",
        "leave --crs out: coordinates with no CRS are read as longitude/latitude",
    ),
    "shapefile_part_missing": (
        "{name}: the Shapefile {shp} has no {part} file beside it",
        "a Shapefile is several files with one name (.shp, .shx, .dbf, and .prj for its "
        "projection): copy or zip them together",
    ),
    "not_lonlat_without_crs": (
        "{name} has no coordinate reference system and its coordinates are not longitude/latitude",
        "give the CRS (for example --crs EPSG:26191 for Merchich / Nord Maroc) "
        "or save the file with its projection",
    ),
    "repeated_column": (
        "{name} has the column {column!r} {n} times",
        "keep one of them, or rename the others",
    ),
    "duplicate_column": (
        "{name}: the columns {columns} are the same field",
        "keep one of them (column names are compared without case or accents)",
    ),
    "header_not_first_row": (
        "{name}: the column names are in row {row}, but they must be in row 1",
        "delete the rows above the column names (a title, empty rows), save, and import the "
        "file again",
    ),
    "no_geometry": (
        "{name} has no geometry: no lon/lat (or longitude/latitude, x/y) columns and no WKT column",
        "add lon and lat columns in decimal degrees, or a WKT column",
    ),
    "cannot_set_field": ("cannot set {field!r} on layer {layer}", "fields: {fields}"),
    "bad_set_value": (
        "--set {field}={value} is refused: {reason}",
        "give {field} a value it takes (the rows that have their own keep it)",
    ),
    "import_refused": (
        "{layer}: import of {file} refused — {rejected} of {n} rows rejected, nothing written",
        "fix the rows listed (or import with --skip-invalid to keep the valid rows)",
    ),
    "import_nothing_valid": (
        "{layer}: nothing imported from {file} — all {n} rows were rejected, none is left to write",
        "fix the rows listed and import again",
    ),
    "osm_nothing_usable": ("{name}: no OpenStreetMap features of the kind {layer} holds", None),
    "osm_no_accessible_cities": (
        "accessible cities are not an OpenStreetMap feature",
        "import them from a CSV, GeoJSON or GeoPackage file",
    ),
    "unreadable_osm": ("cannot read {name} as OpenStreetMap XML: {detail}", None),
    "not_osm_xml": (
        "{name} is not OpenStreetMap XML: its root element is <{root}>, not <osm>",
        "Walouja reads OpenStreetMap .osm files, CSV, Excel (.xlsx), OpenDocument (.ods), "
        "GeoJSON, GeoPackage, Shapefile (zipped) and GTFS: save the data in one of these (a KML "
        "file as GeoJSON, with QGIS for example)",
    ),
    "osm_place_not_found": ("OpenStreetMap could not find the place {place!r}: {detail}", None),
    "osm_unreachable": (
        "cannot reach OpenStreetMap services: {detail}",
        "check the network, or import an .osm file instead",
    ),
    "candidates_no_coordinates": (
        "{name} has no coordinates: no lon/lat (or longitude/latitude) columns",
        "add lon and lat columns in decimal degrees (EPSG:4326)",
    ),
    "candidates_invalid_rows": (
        "{name}: {n} rows have no valid point",
        "give every row a longitude and a latitude in decimal degrees (EPSG:4326), or remove it",
    ),
    "candidates_empty": (
        "{name} holds no point",
        "add the candidate sites to the file, one row (or feature) per site with its lon and lat",
    ),
    "candidates_not_lonlat": (
        "{name}: the coordinates are not longitude/latitude (none lies within ±180/±90; "
        "they look like projected metres)",
        "give lon and lat in decimal degrees (EPSG:4326), or a GeoPackage, GeoJSON or "
        "shapefile that carries its projection",
    ),
    "candidates_osm_file": (
        "{name}: OpenStreetMap files are not accepted as candidate sites",
        "give the points as CSV (lon, lat columns), GeoJSON or GeoPackage, or import them "
        "into a layer and take that layer's sites",
    ),
    "candidates_duplicate_ids": (
        "{name}: the {column} {ids} is given to more than one site",
        "give every site its own {column} (forced and excluded sites are named by it)",
    ),
    "layer_has_no_type": ("the layer {layer} has no type to choose", "leave the type out"),
    "too_many_candidates": (
        "{name} holds {n:,} points; at most {maximum:,} candidate sites are allowed",
        "keep the most plausible sites, or use the communes as candidates",
    ),
    "candidates_repeated_rows": (
        "{name}: {n} rows repeat a site given above them (rows {rows})",
        "remove the repeated rows (each is listed with the row it repeats); if they are other "
        "sites, give each a name of its own",
    ),
    "candidates_outside_communes": (
        "{name}: {n} sites lie outside Morocco's communes",
        "check the coordinates (longitude first, decimal degrees); a site in Ceuta, Melilla, "
        "at sea or abroad cannot be placed: remove its row",
    ),
}
"""Why a whole file is refused: code -> (English message, English hint or None)."""

NOTES: dict[str, str] = {
    "several_layers": "{name} has {n} layers; read the first one ({first})",
    "several_layers_by_name": (
        "{name} has {n} layers; read {chosen}, named as the layer imported into (the first is "
        "{first})"
    ),
    "several_layers_points": (
        "{name} has {n} layers; read {chosen}, the first that holds points ({first}, the "
        "first layer, holds none)"
    ),
    "several_sheets": "{name} has {n} sheets; read the first that holds data ({sheet})",
    "several_sheets_by_name": (
        "{name} has {n} sheets; read {sheet}, named as the layer imported into"
    ),
    "several_sheets_coordinates": (
        "{name} has {n} sheets; read {sheet}, the first whose columns hold coordinates"
    ),
    "several_shapefiles": "{name} holds {n} Shapefiles; read {first}",
    "gtfs_entrances_left_out": (
        "{n} entrances, generic nodes or boarding areas (location_type 2-4) left out"
    ),
    "gtfs_platforms_folded": "{n} platforms folded into their parent stations",
    "gtfs_unserved_stops": "{n} stops served by no trip: mode {mode!r}, the feed's only mode",
    "gtfs_no_wheelchair_column": (
        "stops.txt has no wheelchair_boarding column: recorded as 0 (unknown)"
    ),
    "osm_objects_folded": (
        "{n} OpenStreetMap objects folded into a nearby object of the same kind and name "
        "(OSM maps one stop as platform, pole and station)"
    ),
    "communes_not_loaded": (
        "communes are not loaded: points checked against Morocco's bounding box only "
        "and commune_code left empty"
    ),
    "ignored_columns": "ignored {columns}: the commune is derived from the geometry",
    "unused_columns": "{n} columns left out, as {layer} has no such fields: {columns}",
    "another_layers_column": (
        "column {column!r} is the {field} of the layer {layer}: is {layer} the layer meant?"
    ),
    "unused_column_like": (
        "column {column!r} left out: did you mean {field}? Rename the column to have it read"
    ),
    "non_point_geometries": "{n} non-point geometries stored as a point on their surface",
    "coordinates_dms": (
        "{n} coordinates read from degrees, minutes and seconds (e.g. {example} as {value})"
    ),
    "coordinates_in_one_column": (
        "coordinates read from the column {column!r}, a latitude and a longitude in each cell"
    ),
    "cells_read_as_empty": (
        "{n} cells read as empty, as they say the value is not known: {markers} ({fields})"
    ),
    "assumed_lonlat": "{name} gives no CRS: coordinates read as longitude/latitude (EPSG:4326)",
    "reprojected": "reprojected from {crs} to EPSG:4326",
    "crs_overridden": "{name} states the CRS {file_crs}; read as {crs} as asked (--crs)",
    "maybe_moved": (
        "row {row} ({name}) lies {distance} m from {other_name} (table id {other_id}), of the "
        "same type and a similar name: if it is that place moved, the import adds it a second "
        "time — correct that entry instead (an export of the layer keeps its id)"
    ),
    "maybe_moved_more": (
        "{n} more rows lie 50 m to 1 km from an entry of the same type and a similar name"
    ),
    "source_column_not_used": (
        "the file's source column ({n} different values) was not used: each row added or "
        "changed is recorded under {source!r}, the source given"
    ),
    "source_column_used": (
        "each row is recorded under the source its file's source column names ({n} "
        "different values, e.g. {example!r}); give a source to record every row under it"
    ),
    "unchanged_keep_source": (
        "{n} unchanged rows keep the source they were recorded under (e.g. {example!r}): an "
        "import records its source on the rows it adds or changes only"
    ),
    "licence_updated": "licence of {source} updated: {old} → {new}",
    "licence_not_recorded": (
        "licence {licence} not recorded: no row of {layer} comes from {source} "
        "(rows left unchanged keep the source they were imported with)"
    ),
    "licence_not_given": (
        "no licence given for {source}: recorded as unknown — give it with --licence when it "
        "is known (walouja layers lists the licences recorded)"
    ),
}
"""Notes about a whole file that an import report lists: code -> English text."""


ADVICE: dict[str, tuple[str, str]] = {
    "field_missing_everywhere": (
        "no row has a {field}",
        "give every row one with --set {field}={example} (one of: {values})",
    ),
    "field_missing_in_rows": (
        "{n} of {total} rows have no {field}",
        "set one for the rows without it with --set {field}={example} (one of: {values}), or "
        "complete the file",
    ),
    "text_missing_everywhere": ("no row has a {field}", "add a {field} column to the file"),
    "text_missing_in_rows": (
        "{n} of {total} rows have no {field}",
        "complete the file, or import the other rows with --skip-invalid",
    ),
    "text_missing_in_rows_skipped": (
        "{n} of {total} rows have no {field}",
        "those rows are skipped: complete them in the file, then import it again to add them",
    ),
    "text_missing_in_rows_no_valid_row": (
        "{n} of {total} rows have no {field}",
        "complete the file: a row without one cannot be imported",
    ),
    "field_in_misspelt_column": (
        "no row has a {field}: the column {column!r} is not read as {field}",
        "rename the column {column!r} to {field}",
    ),
}
"""What to do about the rows an import rejected for lacking a required field: code ->
(English message, English hint). The report leads with these lines (``Advice``).

``text_missing_in_rows`` says to import the other rows with ``--skip-invalid``; an import
that was given it, or that has no valid row to keep, takes one of its ``_skipped`` and
``_no_valid_row`` forms instead (``advice_for_import``)."""


SINGULAR: dict[str, str] = {
    "candidates_invalid_rows": "{name}: {n} row has no valid point",
    "candidates_outside_communes": "{name}: {n} site lies outside Morocco's communes",
    "candidates_repeated_rows": "{name}: {n} row repeats a site given above it (row {rows})",
    "import_refused": (
        "{layer}: import of {file} refused — {rejected} of {n} row rejected, nothing written"
    ),
    "import_nothing_valid": "{layer}: nothing imported from {file} — its only row was rejected",
    "field_missing_in_rows": "{n} of {total} rows has no {field}",
    "text_missing_in_rows": "{n} of {total} rows has no {field}",
    "text_missing_in_rows_skipped": "{n} of {total} rows has no {field}",
    "text_missing_in_rows_no_valid_row": "{n} of {total} rows has no {field}",
    "gtfs_entrances_left_out": (
        "{n} entrance, generic node or boarding area (location_type 2-4) left out"
    ),
    "gtfs_platforms_folded": "{n} platform folded into its parent station",
    "gtfs_unserved_stops": "{n} stop served by no trip: mode {mode!r}, the feed's only mode",
    "osm_objects_folded": (
        "{n} OpenStreetMap object folded into a nearby object of the same kind and name "
        "(OSM maps one stop as platform, pole and station)"
    ),
    "non_point_geometries": "{n} non-point geometry stored as a point on its surface",
    "coordinates_dms": (
        "{n} coordinate read from degrees, minutes and seconds ({example} as {value})"
    ),
    "unused_columns": "{n} column left out, as {layer} has no such field: {columns}",
    "cells_read_as_empty": (
        "{n} cell read as empty, as it says the value is not known: {markers} ({fields})"
    ),
    "maybe_moved_more": (
        "{n} more row lies 50 m to 1 km from an entry of the same type and a similar name"
    ),
    "source_column_not_used": (
        "the file's source column ({n} value) was not used: each row added or changed is "
        "recorded under {source!r}, the source given"
    ),
    "unchanged_keep_source": (
        "{n} unchanged row keeps the source it was recorded under ({example!r}): an import "
        "records its source on the rows it adds or changes only"
    ),
    "source_column_used": (
        "each row is recorded under the source its file's source column names ({n} value: "
        "{example!r}); give a source to record every row under it"
    ),
}
"""English refusals and notes for a count ``n`` of one: code -> text.

``n`` is the count the app's plural forms follow (``app.i18n.count_key``): the English
catalogue holds the same texts under ``errors.<code>.one`` or ``warnings.<code>.one``, and
French and Arabic their own forms there."""


def _template(code: str, plural: str, params: Mapping[str, object]) -> str:
    """``plural``, or the singular of ``code`` when its count ``n`` is 1."""
    n = params.get("n")
    return SINGULAR.get(code, plural) if n == 1 and not isinstance(n, bool) else plural


def _fill(template: str, params: Mapping[str, object]) -> str:
    """``template`` filled with ``params``, whole counts written as English writes them
    ("3,580"): a field given plainly (``{n}``, not ``{n:,}`` or ``{n!r}``) that holds an int.

    Examples
    --------
    >>> _fill("{n} of {total} rows, {m:,} points, {name!r}", {"n": 442, "total": 3580,
    ...     "m": 12000, "name": "a.csv"})
    "442 of 3,580 rows, 12,000 points, 'a.csv'"
    """
    plain = {
        name
        for _, name, spec, conv in string.Formatter().parse(template)
        if name and not spec and conv is None
    }
    values = {
        k: f"{v:,}" if k in plain and isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in params.items()
    }
    return template.format(**values)


def english(code: str, params: Mapping[str, object]) -> tuple[str, str | None]:
    """The English message and hint of the refusal ``code`` filled with ``params``.

    A message with a count takes its singular for one (``SINGULAR``).

    Raises
    ------
    KeyError
        ``code`` is not in ``FILE_ERRORS``, or a field of its texts is not in ``params``.
    """
    message, hint = FILE_ERRORS[code]
    message = _template(code, message, params)
    return _fill(message, params), None if hint is None else _fill(hint, params)


def file_error(code: str, /, **params: object) -> DataError:
    """The ``DataError`` refusing a file for ``code`` (English text from ``FILE_ERRORS``).

    Parameters
    ----------
    code
        A key of ``FILE_ERRORS``.
    **params
        The values its message and hint show (file name, line...).

    Examples
    --------
    >>> error = file_error("empty_file", name="centres.csv")
    >>> (error.message, error.code, error.params)
    ('centres.csv is empty', 'empty_file', {'name': 'centres.csv'})
    """
    message, hint = english(code, params)
    return DataError(message, hint=hint, code=code, params=params)


class _RowProblem(Protocol):
    """A rejected row that can give itself as ``(row, field, reason)``."""

    def as_tuple(self) -> tuple[int | None, str, str]: ...


def validation_error(
    code: str,
    /,
    problems: Sequence[tuple[int | None, str, str] | _RowProblem],
    **params: object,
) -> ValidationError:
    """As ``file_error``, for a ``ValidationError`` listing the rejected rows.

    ``problems`` are ``(row, field, reason)`` tuples, or objects with ``as_tuple()`` (such
    as ``geo.validate.Problem``, which carry a code); the latter are also kept as the
    error's ``details`` so an interface can word each reason in its own language.
    """
    message, hint = english(code, params)
    rows = [p if isinstance(p, tuple) else p.as_tuple() for p in problems]
    details = [p for p in problems if not isinstance(p, tuple)]
    return ValidationError(
        message, problems=rows, hint=hint, code=code, params=params, details=details
    )


class Note(str):
    """A note about a whole file: its English text (a ``str``), plus ``code`` and ``params``.

    A note with a count takes its singular for one (``SINGULAR``).

    Examples
    --------
    >>> note = Note("reprojected", crs="EPSG:26191")
    >>> (note, note.code, note.params)
    ('reprojected from EPSG:26191 to EPSG:4326', 'reprojected', {'crs': 'EPSG:26191'})
    """

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, /, **params: object) -> Note:
        self = super().__new__(cls, _fill(_template(code, NOTES[code], params), params))
        self.code = code
        self.params = dict(params)
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        """Rebuild from the code and params when copied or pickled."""
        return (self.code,), dict(self.params)


@dataclass(frozen=True)
class Advice:
    """What to do about rows an import rejected for one reason: an English ``message`` and
    ``hint`` (from ``ADVICE``) with the ``code`` and ``params`` they were built from.

    Examples
    --------
    >>> tip = Advice("field_missing_everywhere", {"field": "mode", "example": "bus",
    ...     "values": "bus, tram"})
    >>> str(tip)
    'no row has a mode — give every row one with --set mode=bus (one of: bus, tram)'
    """

    code: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        """What the rows have in common, in English (singular for a count of one)."""
        return _fill(_template(self.code, ADVICE[self.code][0], self.params), self.params)

    @property
    def hint(self) -> str:
        """What to do about it, in English (with the CLI's options)."""
        return _fill(ADVICE[self.code][1], self.params)

    @property
    def field(self) -> str:
        """The field the rows lack."""
        return str(self.params["field"])

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}"

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values: code, params, and the English text and hint."""
        return {
            "code": self.code,
            "params": dict(self.params),
            "text": self.message,
            "hint": self.hint,
        }


def advice_for_import(advice: Advice, *, skip_invalid: bool, valid: int) -> Advice:
    """``advice`` as the import that was run needs it: no hint to use an option it was
    given, or one that would write nothing.

    ``text_missing_in_rows`` says to import the other rows with ``--skip-invalid``. With it
    already given, those rows are skipped (``text_missing_in_rows_skipped``); with no valid
    row, the option would write nothing (``text_missing_in_rows_no_valid_row``). Other
    advice is returned as is: ``--set`` is advised only for a field some rows still lack,
    which a value given with ``--set`` leaves to none.

    Parameters
    ----------
    advice
        One line of advice of an import report.
    skip_invalid
        Whether the import was asked to skip the rejected rows.
    valid
        How many of the file's rows are valid (its rows less the rejected ones; a refused
        import's report counts none as accepted).

    Examples
    --------
    >>> tip = Advice("text_missing_in_rows", {"n": 2, "total": 5, "field": "name"})
    >>> advice_for_import(tip, skip_invalid=True, valid=3).hint
    'those rows are skipped: complete them in the file, then import it again to add them'
    >>> advice_for_import(tip, skip_invalid=False, valid=0).hint
    'complete the file: a row without one cannot be imported'
    >>> advice_for_import(tip, skip_invalid=False, valid=3) == tip
    True
    """
    if advice.code != "text_missing_in_rows":
        return advice
    if valid <= 0:
        return Advice("text_missing_in_rows_no_valid_row", advice.params)
    if skip_invalid:
        return Advice("text_missing_in_rows_skipped", advice.params)
    return advice
