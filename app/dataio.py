"""Import and export from the Data page: uploads become files for ``geo.importer``; exports
become bytes for a download button. Nothing here touches SQL."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from app.context import app_settings
from app.i18n import catalogues, current_language, join_list, note_text, t, translate

if TYPE_CHECKING:
    from geo.importer import ImportReport
    from geo.validate import Problem

IMPORT_LAYERS: tuple[str, ...] = ("centres", "accessible_cities", "transport_stops", "beaches")
EXPORT_FORMATS: dict[str, str] = {"gpkg": "gpkg", "geojson": "geojson", "csv": "csv"}
UPLOAD_TYPES: list[str] = ["csv", "txt", "json", "geojson", "gpkg", "zip", "osm"]


@dataclass(frozen=True)
class Upload:
    """An uploaded file saved to a private temporary folder under its own name."""

    path: Path
    signature: str


def expected_columns(layer: str) -> pd.DataFrame:
    """The columns a file for ``layer`` may have: name, required, allowed values."""
    from geo.layers import get_layer

    spec = get_layer(layer)
    rows = [
        {
            t("data.col.column"): f.name,
            t("data.col.required"): t("yes") if f.required else t("no"),
            t("data.col.values"): join_list(f.choices) if f.choices else f.kind,
        }
        for f in spec.fields
    ]
    rows.append(
        {
            t("data.col.column"): "lon, lat | WKT | geometry",
            t("data.col.required"): t("yes"),
            t("data.col.values"): "EPSG:4326",
        }
    )
    return pd.DataFrame(rows)


def reason_text(problem: Problem, lang: str | None = None) -> str:
    """Why a row was rejected, in ``lang`` (the session's by default).

    Worded from the problem's code and params (catalogue key ``reason.<code>``); the English
    reason when the code has no text in that language.
    """
    lang = lang or current_language()
    key = f"reason.{problem.code}"
    if not problem.code or key not in catalogues().texts.get(lang, {}):
        return problem.reason
    return translate(key, lang, **problem.params)


def field_label(name: str, lang: str | None = None) -> str:
    """A field's name in ``lang`` when the catalogue has it (``field.<name>``), else as is."""
    lang = lang or current_language()
    return catalogues().texts.get(lang, {}).get(f"field.{name}", name)


def warning_lines(warnings: Sequence[str], lang: str | None = None) -> str:
    """The notes of an import report as a Markdown list, worded in ``lang``."""
    lang = lang or current_language()
    return "\n".join(f"- {note_text(w, lang)}" for w in warnings)


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


def save_upload(name: str, content: bytes, *, layer: str) -> Upload:
    """Write the uploaded bytes to a fresh temporary folder (the name keeps the format)."""
    folder = Path(tempfile.mkdtemp(prefix="walouja-upload-"))
    safe = Path(name).name or "upload"
    path = folder / safe
    path.write_bytes(content)
    return Upload(path=path, signature=f"{layer}:{safe}:{len(content)}:{hash(content)}")


def check_file(layer: str, path: Path) -> ImportReport:
    """Validate a file against ``layer`` without writing anything (a dry run)."""
    from geo.importer import ImportOptions, import_file

    return import_file(
        app_settings(),
        layer,
        path,
        options=ImportOptions(dry_run=True, raise_on_reject=False),
    )


def write_file(layer: str, path: Path) -> ImportReport:
    """Import a checked file for real, all or nothing, in one transaction."""
    from geo.importer import ImportOptions, import_file

    return import_file(app_settings(), layer, path, options=ImportOptions(raise_on_reject=True))


def export_bytes(layer: str, fmt: str, *, region: str | None = None) -> tuple[bytes, str, int]:
    """The layer (optionally one region) as file bytes, its file name and its row count."""
    from geo.export import export_layer
    from geo.layers import LayerFilter

    ext = EXPORT_FORMATS[fmt]
    name = f"walouja_{layer}{'_' + region if region else ''}.{ext}"
    folder = Path(tempfile.mkdtemp(prefix="walouja-export-"))
    result = export_layer(
        app_settings(),
        layer,
        folder / name,
        fmt=fmt,
        where=LayerFilter(region_code=region) if region else None,
    )
    return (folder / name).read_bytes(), name, result.rows
