"""Import and export from the Data page: uploads become files for ``geo.importer``; exports
become bytes for a download button. Nothing here touches SQL."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from app.components.figures import number
from app.context import app_settings
from app.i18n import (
    bidi_own,
    catalogues,
    current_language,
    error_texts,
    grouped,
    has_key,
    list_words,
    note_text,
    t,
    translate,
)
from app.shell import plain_markdown

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from geo.importer import ImportReport
    from geo.maps import LayerCount
    from geo.validate import Problem

IMPORT_LAYERS: tuple[str, ...] = ("centres", "accessible_cities", "transport_stops", "beaches")
EXPORT_FORMATS: dict[str, str] = {
    "gpkg": "gpkg",
    "geojson": "geojson",
    "csv": "csv",
    "xlsx": "xlsx",
    "kml": "kml",
}
"""Export formats: the ``fmt`` ``geo.export`` takes -> the file's extension (each shown as
:func:`export_format_label` words it)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file saved to a private temporary folder under its own name."""

    path: Path
    signature: str


@dataclass(frozen=True)
class OwnSources:
    """A file's own ``source`` column: how many different sources it names, and one."""

    n: int
    example: str


@dataclass(frozen=True)
class Checked:
    """A checked upload: its dry-run report, and the values chosen for what it lacks.

    ``missing`` names the required fields with a fixed list of values that some rows of the
    file leave empty (found by the first check, before any value was chosen for them);
    ``defaults`` holds the value chosen for each, which ``report`` was checked with, and
    ``crs`` the coordinate system it was checked with (empty: the file's own) and
    ``source`` the source given for every row (which decides what counts as another source's
    row; empty: each row's own, from the file's ``source`` column, the file's name for the
    others); ``own`` the sources that column names (None: the file has none).
    """

    upload: Upload
    file_id: str
    layer: str
    report: ImportReport
    missing: tuple[str, ...] = ()
    defaults: Mapping[str, str] = field(default_factory=dict)
    crs: str = ""
    source: str = ""
    own: OwnSources | None = None

    @property
    def accepted(self) -> int:
        """How many rows would be written."""
        return self.report.rows_read - self.report.rejected

    @property
    def choosing(self) -> bool:
        """Whether a field the page offers a value for (``missing``) has none chosen yet:
        choosing it may make rejected rows valid."""
        return any(name not in self.defaults for name in self.missing)


def own_sources(report: ImportReport) -> OwnSources | None:
    """The sources a file's ``source`` column names, when its rows keep them (the report of
    a check without a given source says so in a note); None for a file without one."""
    for note in report.warnings:
        if getattr(note, "code", None) in ("source_column_used", "source_column_not_used"):
            params = getattr(note, "params", {})
            return OwnSources(int(params["n"]), str(params.get("example", "")))
    return None


def missing_choices(layer: str, report: ImportReport) -> tuple[str, ...]:
    """The required fields with a fixed list of values that rows of the report lack.

    The page offers one value for all of those rows (the CLI's ``--set FIELD=VALUE``): a
    healthsites extract has no ``centre_type`` column at all.
    """
    from geo.layers import get_layer
    from geo.validate import MISSING_CODES

    # an empty cell, or one saying "N/A": the value set fills both
    lacking = {p.field for p in report.problems if p.code in MISSING_CODES}
    return tuple(
        f.name for f in get_layer(layer).fields if f.required and f.choices and f.name in lacking
    )


def field_choices(layer: str, name: str) -> tuple[str, ...]:
    """The values a field of ``layer`` allows."""
    from geo.layers import get_layer

    return next(f.choices for f in get_layer(layer).fields if f.name == name)


def choice_label(name: str, value: str, lang: str | None = None) -> str:
    """A value of an enumerated field in ``lang`` (``centre_type.COAPH``…), else as is."""
    lang = lang or current_language()
    key = f"{name}.{value}"
    return translate(key, lang) if has_key(key, lang) else value


def default_source(path: Path) -> str:
    """The source an import is recorded under unless the user words it (as the CLI records
    it: ``geo.importer.default_source``): the file's name, or for OpenStreetMap XML the
    OpenStreetMap contributors."""
    from geo.importer import default_source as geo_default

    return geo_default(path)


def default_licence(path: Path) -> str:
    """The licence offered for a file: ODbL 1.0 for OpenStreetMap XML (as the CLI records
    it), otherwise none (the user states it)."""
    from geo.importer import default_licence as geo_default

    return geo_default(path) or ""


def expected_columns(layer: str) -> pd.DataFrame:
    """The columns a file for ``layer`` may have: name, required, values, other names.

    A field's values are its allowed values, or what kind of value it takes in the page's
    language (a date and its formats, yes/no, the GTFS wheelchair codes…); the other names
    are the column names the importer also reads as that field: the field's label in the
    page's language first (« Type de centre », as the app's tables head it), then its
    aliases (``nom``, ``capacite``…).
    """
    from geo.layers import get_layer

    spec = get_layer(layer)
    others: dict[str, list[str]] = {}
    for f in spec.fields:
        if has_key(f"field.{f.name}", current_language()):
            others[f.name] = [t(f"field.{f.name}")]
    for alias, target in spec.aliases.items():
        others.setdefault(target, []).append(alias)

    def row(column: str, required: bool, values: str, names: Sequence[str]) -> dict[str, str]:
        return {
            t("data.col.column"): column,
            t("data.col.required"): t("yes") if required else t("no"),
            t("data.col.values"): values,
            t("data.col.aliases"): list_words(names, current_language()) or "—",
        }

    rows = [
        row(
            f.name,
            f.required,
            (
                value_words(f.name, f.choices, current_language(), codes=True)
                + (t("data.kind.several") if f.kind == "enum_list" else "")
            )
            if f.choices
            else t(f"data.kind.{f.kind}"),
            others.get(f.name, []),
        )
        for f in spec.fields
    ]
    ids = [a for a in others.get("external_id", []) if a != "id"]
    rows.append(row("id", False, t("data.kind.id"), ids))
    rows.append(row("lon, lat | WKT | geometry", True, t("data.kind.geometry"), ()))
    return pd.DataFrame(rows)


def value_words(name: str, values: Sequence[str], lang: str, *, codes: bool = False) -> str:
    """The ``values`` of the field ``name`` listed in ``lang``: a status, a mode or a stage
    (:data:`geo.validate.LABELLED_VALUES`: the importer reads their labels) by its label
    (« en activité »), followed by its code when ``codes`` (« en activité (operating) »);
    a centre type "other" by its label and code (« Autre (other) »); other values, and
    every value on the English page (the command line's words), as they are."""
    from geo.validate import LABELLED_VALUES

    if lang == "en":
        return list_words(values, lang)
    if name not in LABELLED_VALUES:
        # the centre types are codes the page shows as they are (COAPH, EPS), except
        # "other", which it words (« Autre »): its label, and the code the importer reads
        worded = [
            f"{choice_label(name, v, lang)} ({v})"
            if v == "other" and choice_label(name, v, lang) != v
            else v
            for v in values
        ]
        return list_words(worded, lang)
    shown = []
    for value in values:
        label = choice_label(name, value, lang)
        shown.append(f"{label} ({value})" if codes and label != value else label)
    return list_words(shown, lang)


def reason_text(problem: Problem, lang: str | None = None) -> str:
    """Why a row was rejected, in ``lang`` (the session's by default).

    Worded from the problem's code and params (catalogue key ``reason.<code>``); the English
    reason when the code has no text in that language.
    """
    lang = lang or current_language()
    key = f"reason.{problem.code}"
    if not problem.code or key not in catalogues().texts.get(lang, {}):
        return problem.reason
    params = dict(problem.params)
    if problem.code in ("unknown_value", "unknown_values") and "expected" in params:
        # « en activité, en construction… », the words the page shows and the importer
        # reads, where the codes read English ("operating, under_construction…")
        params["expected"] = value_words(problem.field, str(params["expected"]).split(", "), lang)
    maximum = params.get("maximum")
    if isinstance(maximum, Decimal):
        # the largest value taken, a number the importer gives, as the page writes figures
        # (the English "10,000" read ten in French: "10 000"), exactly (cents when it has
        # any), and a year as it is (2100), as the English reason writes them
        decimals = max(0, -int(maximum.as_tuple().exponent))
        params["maximum"] = (
            number(maximum, decimals=decimals, lang=lang) if maximum >= 10_000 else str(maximum)
        )
    # a figure or code the file gave, on a right-to-left page, keeps its own order ("-5"
    # read "5-"; the values « 'x', 'y' » the other way round)
    for name in ("value", "minimum", "maximum"):
        if name in params:
            params[name] = bidi_own(str(params[name]), lang)
    if "values" in params:
        params["values"] = list_words(str(params["values"]).split(", "), lang, ", ")
    if problem.code == "invalid_geometry" and "detail" in params:
        params["detail"] = geometry_fault(str(params["detail"]), lang)
    if lang == "ar" and "distance" in params:
        # "79 km" in an Arabic sentence, where every other distance is written "79 كلم"
        params["distance"] = re.sub(r" km$", " كلم", re.sub(r" m$", " م", str(params["distance"])))
    return translate(key, lang, **params)


GEOMETRY_FAULTS: dict[str, str] = {
    "Self-intersection": "self_intersection",
    "Ring Self-intersection": "ring_self_intersection",
    "Hole lies outside shell": "hole_outside_shell",
    "Holes are nested": "nested_holes",
    "Interior is disconnected": "interior_disconnected",
    "Nested shells": "nested_shells",
    "Duplicate Rings": "duplicate_rings",
    "Too few points in geometry component": "too_few_points",
    "Invalid Coordinate": "invalid_coordinate",
    "Ring is not closed": "ring_not_closed",
}
"""GEOS's reasons for an invalid geometry (``shapely.is_valid_reason``) -> the catalogue key
``data.geometry_fault.<code>`` that words them."""


def geometry_fault(detail: str, lang: str) -> str:
    """GEOS's English reason for an invalid geometry (``Self-intersection[-6.75 34.05]``) in
    ``lang``, its place as longitude and latitude (``auto-intersection en (-6.75, 34.05)``);
    a reason GEOS words otherwise is kept as it is."""
    found = re.fullmatch(r"(.+?)\s*\[(\S+) (\S+)\]", detail.strip())
    code = GEOMETRY_FAULTS.get(found.group(1)) if found else None
    if found is None or code is None:
        return detail
    return translate(f"data.geometry_fault.{code}", lang, lon=found.group(2), lat=found.group(3))


def field_label(name: str, lang: str | None = None) -> str:
    """A field's name in ``lang`` when the catalogue has it (``field.<name>``), else as is."""
    lang = lang or current_language()
    return catalogues().texts.get(lang, {}).get(f"field.{name}", name)


def advice_lines(
    report: ImportReport, lang: str | None = None, *, skip_offered: bool = True
) -> list[str]:
    """What to do about the rows a report rejected for lacking a required field, one line
    each, worded in ``lang`` with the page's own means (the box that gives every row a
    value, not the CLI's ``--set``: catalogue keys ``errors.<code>.hint.app``).

    What the rows lack is named by the field's label in ``lang`` (as the rejected rows'
    table names it, and the box that sets it); the hint keeps the column name a file must
    use. ``skip_offered`` says whether the page
    draws the box that imports only the valid rows: without it (no row is valid yet), the
    advice does not point to it.
    """
    from geo.messages import Advice

    lang = lang or current_language()
    lines = []
    for advice in report.advice:
        field_name = advice.field
        label = field_label(field_name, lang)
        if label != field_name and lang != "ar" and label[1:2].islower():
            label = label[0].lower() + label[1:]  # mid-sentence: "no row has a centre type"
        # the hint keeps the column's name: it may say to add or rename a column
        worded = Advice(advice.code, {**advice.params, "field": label})
        message = error_texts(worded, lang, escape=plain_markdown)[0]
        hint = error_texts(advice, lang, escape=plain_markdown)[1]
        if advice.code == "text_missing_in_rows" and not skip_offered:
            hint = translate("data.advice.complete_file", lang)
        lines.append(f"{message} — {hint}" if hint else message)
    return lines


def warning_lines(warnings: Sequence[str], lang: str | None = None) -> str:
    """The notes of an import report as a Markdown list, worded in ``lang``, the file's
    name and values as typed."""
    lang = lang or current_language()
    return "\n".join(f"- {note_text(w, lang, escape=plain_markdown)}" for w in warnings)


def problem_table(problems: Sequence[Problem], lang: str | None = None) -> pd.DataFrame:
    """The rejected rows for people: row, field and reason, worded in ``lang``."""
    lang = lang or current_language()
    return pd.DataFrame(
        [(p.row, field_label(p.field, lang), reason_text(p, lang)) for p in problems],
        columns=[
            translate("data.col.row", lang),
            translate("data.col.field", lang),
            translate("data.col.reason", lang),
        ],
    )


WHOLE_PROBLEMS = 300
"""Most rejected rows shown as a table whose cells wrap (every reason whole); a longer list
is shown in the scrolling grid, its rows tall enough for the longest reason."""

REASON_CHARS_PER_LINE = 90
"""About how many characters of a reason one line of the grid's reason column holds (its
660 px: :func:`problem_widths`)."""


def problem_widths(problems: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Column settings of the rejected rows' grid: narrow row and field columns, and the
    rest of the 904 px a table has at 1366 px beside the sidebar for the reason (without a
    width of its own, the grid gave the row number a third of the table)."""
    row, field_name, reason = (str(c) for c in problems.columns[:3])
    return {row: {"width": 70}, field_name: {"width": 170}, reason: {"width": 660}}


def problem_row_height(problems: pd.DataFrame, *, most_lines: int = 6) -> int:
    """Pixels of each row of the rejected rows' grid: as many lines as its longest reason
    needs (at most ``most_lines``), the grid wrapping a text that does not fit one line."""
    longest = int(problems.iloc[:, 2].astype(str).map(len).max()) if len(problems) else 0
    lines = min(most_lines, max(1, -(-longest // REASON_CHARS_PER_LINE)))
    return 16 + 19 * lines


def export_format_label(fmt: str) -> str:
    """An export format as a person knows it: ``GeoPackage (.gpkg)``…, in the page's
    language."""
    return t(f"data.export_format.{fmt}")


def layers_table(
    counts: Sequence[LayerCount], lang: str | None = None
) -> tuple[pd.DataFrame, Styler]:
    """Rows and demonstration rows per layer, and the same table as shown: the figures
    written as ``lang`` writes them (``1 503`` in French and Arabic, ``1,503`` in English,
    whatever the browser's locale)."""
    lang = lang or current_language()
    rows, demo = translate("data.col.rows", lang), translate("data.col.demo_rows", lang)
    frame = pd.DataFrame(
        [
            {
                translate("data.layer", lang): translate(f"layer.{c.table}", lang),
                rows: c.rows,
                demo: c.demo_rows,
            }
            for c in counts
        ]
    )
    figure = partial(_figure, lang=lang)
    return frame, frame.style.format({rows: figure, demo: figure})


def _figure(value: object, *, lang: str) -> str:
    return grouped(int(value), lang)  # type: ignore[call-overload]


def save_upload(name: str, content: bytes, *, layer: str, replaces: Upload | None = None) -> Upload:
    """Write the uploaded bytes to a fresh temporary folder (the name keeps the format).

    ``replaces`` is the session's previous upload: its folder is deleted (one file per
    session on disk, not one per check).
    """
    if replaces is not None:
        discard(replaces)
    discard_stale()
    folder = Path(tempfile.mkdtemp(prefix="walouja-upload-"))
    safe = Path(name).name or "upload"
    path = folder / safe
    path.write_bytes(content)
    return Upload(path=path, signature=f"{layer}:{safe}:{len(content)}:{hash(content)}")


STALE_UPLOAD_S = 24 * 3600
"""Age after which an upload folder left behind (a tab closed after its check, a write that
failed) is deleted by the next upload."""


def discard_stale(now: float | None = None) -> int:
    """Delete the ``walouja-upload-`` folders older than :data:`STALE_UPLOAD_S`; how many."""
    now = time.time() if now is None else now
    gone = 0
    for folder in Path(tempfile.gettempdir()).glob("walouja-upload-*"):
        try:
            old = now - folder.stat().st_mtime > STALE_UPLOAD_S
        except OSError:
            continue
        if old and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


def discard(upload: Upload) -> None:
    """Delete an upload's temporary folder (nothing else: only a ``walouja-upload-`` one)."""
    folder = upload.path.parent
    if folder.name.startswith("walouja-upload-") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def check_file(
    layer: str,
    path: Path,
    *,
    defaults: Mapping[str, str] | None = None,
    crs: str | None = None,
    source: str | None = None,
) -> ImportReport:
    """Validate a file against ``layer`` without writing anything (a dry run).

    The valid rows are also matched against the layer, as an import of them would be: the
    report says how many would be added, updated or left unchanged.

    Parameters
    ----------
    defaults
        A value for each named field in the rows that leave it empty.
    crs
        The coordinate system of the file's coordinates when the file does not state it
        (the CLI's ``--crs``).
    source
        The source given for every row, as :func:`write_file` takes it; empty or None:
        each row's own, from the file's ``source`` column, and the file's name for the
        rows without one.
    """
    from geo.importer import ImportOptions, import_file

    return import_file(
        app_settings(),
        layer,
        path,
        options=ImportOptions(
            dry_run=True,
            raise_on_reject=False,
            skip_invalid=True,
            defaults=dict(defaults or {}),
            crs=crs or None,
            source=source or default_source(path),
            source_given=bool(source),
        ),
    )


def write_file(
    layer: str,
    path: Path,
    *,
    source: str,
    licence: str,
    skip_invalid: bool = False,
    defaults: Mapping[str, str] | None = None,
    crs: str | None = None,
) -> ImportReport:
    """Import a checked file for real, in one transaction.

    Parameters
    ----------
    source, licence
        Where the rows come from and under which licence (shown on the Sources page). A
        source is every row's, even when the file has a source column of its own (what the
        Source box shows is what is recorded); an empty one leaves that column to name each
        row's, and the file's name the others'.
    skip_invalid
        Write the valid rows and skip the rejected ones; otherwise any rejected row refuses
        the whole file.
    defaults
        A value for each named field in the rows that leave it empty.
    crs
        The coordinate system the file was checked with.
    """
    from geo.importer import ImportOptions, import_file

    options = ImportOptions(
        raise_on_reject=True,
        skip_invalid=skip_invalid,
        defaults=dict(defaults or {}),
        source=source or default_source(path),
        # a source shown in the box is every row's, as the CLI's --source is; none leaves a
        # file's own source column to name each row's, as the CLI does without --source
        source_given=bool(source),
        licence=licence,
        crs=crs or None,
    )
    return import_file(app_settings(), layer, path, options=options)


def export_bytes(layer: str, fmt: str, *, region: str | None = None) -> tuple[bytes, str, int]:
    """The layer (optionally one region) as file bytes, its file name and its row count.

    The file is written to a temporary folder, read, and the folder deleted. A CSV is
    written as every CSV the app downloads (``geo.export.CSV_DIALECTS``: ``;`` and a decimal
    comma in French and Arabic, as their Excel opens it); it imports back unchanged. A KML
    names its placemarks in the page's language (by their Arabic names on the Arabic page),
    and imports back unchanged too.
    """
    from geo.export import csv_dialect, export_layer
    from geo.layers import LayerFilter

    ext = EXPORT_FORMATS[fmt]
    # a CSV's separators are the page's language's: its name says which, as the Coverage
    # page's does (a French and an English file of one layer bore the same name)
    lang = f"_{current_language()}" if ext == "csv" else ""
    name = f"walouja_{layer}{'_' + region if region else ''}{lang}.{ext}"
    with tempfile.TemporaryDirectory(prefix="walouja-export-") as folder:
        result = export_layer(
            app_settings(),
            layer,
            Path(folder) / name,
            fmt=fmt,
            where=LayerFilter(region_code=region) if region else None,
            csv=csv_dialect(current_language()),
            lang=current_language(),  # a KML's placemarks named in Arabic on the Arabic page
        )
        return (Path(folder) / name).read_bytes(), name, result.rows
