"""Candidate sites for new centres from a point file, placed in their commune and province.

The file is read by ``geo.io_read`` (CSV with lon/lat columns, GeoJSON, GeoPackage, zipped
Shapefile); every point is located in a commune by the database's ``walouja_commune_at`` (point
in polygon, then the nearest commune within 2 km, as imports do). A row without valid
coordinates, or outside Morocco's communes, is reported with its row number and nothing is
returned: a candidate set is used whole or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from numpy.typing import NDArray
from sqlalchemy.engine import Connection

from geo.io_read import read_file
from geo.messages import file_error, validation_error
from geo.validate import (
    LAT_COLUMNS,
    LON_COLUMNS,
    Problem,
    normalise_column,
    parse_numbers,
    problem,
    refuse_clashing_columns,
    repeated_sites,
    row_problem,
)
from walouja.errors import DataError, ValidationError

MAX_CANDIDATES = 5_000
"""Most candidate sites one file may hold (the commune candidate set has 1,503)."""

ID_COLUMNS = ("id", "site_id", "external_id", "code", "identifiant")
NAME_COLUMNS = ("name", "nom", "name_fr", "site", "libelle", "label")
NAME_AR_COLUMNS = ("name_ar", "nom_ar", "name:ar", "الاسم")
"""Columns giving a site's Arabic name (optional), as the layers' imports read them."""

_LOCATE_SQL = """
SELECT p.i, c.code, c.province_code, c.region_code
FROM unnest(CAST(:lon AS double precision[]), CAST(:lat AS double precision[]))
     WITH ORDINALITY AS p(lon, lat, i)
LEFT JOIN communes AS c
       ON c.code = walouja_commune_at(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
ORDER BY p.i
"""


@dataclass(frozen=True)
class CandidateSites:
    """Candidate sites ready for a location model.

    Attributes
    ----------
    frame
        One row per site: ``label`` (unique id), ``name``, ``lon``, ``lat``, ``commune_code``,
        ``province_code``, ``region_code``; ``row`` is its row in the file.
    source
        ``"<file name>#<sha256 prefix>"``: identifies the set in a stored scenario.
    """

    frame: pd.DataFrame
    source: str


def _pick(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def _refuse_metres(lon: np.ndarray, lat: np.ndarray, name: str) -> None:
    """One error for a file in metres (Lambert, UTM) without its CRS, not one per row.

    Only when no coordinate of any point fits in degrees (metres in Morocco are thousands
    on both axes): a lon/lat file with a typo in some rows keeps its per-row errors.
    """
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any() and not np.any((np.abs(lon[ok]) <= 180) | (np.abs(lat[ok]) <= 90)):
        raise file_error("candidates_not_lonlat", name=name)


def _checked_ids(ids: pd.Series, rows: list[int], *, name: str, column: str) -> np.ndarray:
    """The candidates' ids as labels; a ``ValidationError`` naming repeated ids and rows.

    ``--force`` and ``--exclude`` name sites by id: a repeated id would name two sites.
    A file whose id column is empty on every row has no ids (``site-<row>`` labels);
    with some ids given, an empty one is taken from its row (``site-<row>``).
    """
    texts = [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in ids]
    if all(t is None for t in texts):
        return np.asarray([f"site-{r}" for r in rows], dtype=object)
    labels = [f"site-{r}" if t is None else t for t, r in zip(texts, rows, strict=True)]
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    for label, row in zip(labels, rows, strict=True):
        if label in first_row:
            problems.append(
                problem(
                    row,
                    column,
                    "duplicate_external_id",
                    external_id=label,
                    other_row=first_row[label],
                )
            )
        else:
            first_row[label] = row
    if problems:
        repeated = sorted({str(p.params["external_id"]) for p in problems}, key=labels.index)
        shown = ", ".join(repr(v) for v in repeated[:3]) + (" …" if len(repeated) > 3 else "")
        raise validation_error(
            "candidates_duplicate_ids", problems, name=name, column=column, ids=shown
        )
    return np.asarray(labels, dtype=object)


def read_points(path: str | Path) -> pd.DataFrame:
    """The points of a file: ``row``, ``label``, ``name``, ``name_ar``, ``lon``, ``lat`` (no
    database; ``name_ar`` is empty where the file gives no Arabic name).

    Raises
    ------
    DataError
        Unreadable file, no coordinates, too many points.
    ValidationError
        Rows without valid point coordinates (``problems``: row, field, reason).
    """
    path = Path(path)
    points, problems = _read_points(path)
    repeated = _repeated_rows(points, problems)
    if problems:
        raise _invalid_rows(problems + repeated, path.name)
    if repeated:
        raise _repeated_refusal(repeated, path.name)
    return points.drop(columns="given_name")


def _invalid_rows(problems: list[Problem], name: str) -> ValidationError:
    """One refusal listing every row's problem, in row order (the rows repeating another
    are listed, not counted among those without a valid point)."""
    ordered: list[Problem] = sorted(problems, key=lambda p: (p.row or 0, p.field))
    invalid = {p.row for p in problems if p.code not in REPEATED_CODES}
    return validation_error("candidates_invalid_rows", problems=ordered, name=name, n=len(invalid))


REPEATED_CODES = ("duplicate_site_in_file", "duplicate_point_in_file")
"""Reasons of a row repeating an earlier site of its file."""


def _repeated_rows(points: pd.DataFrame, problems: list[Problem]) -> list[Problem]:
    """The rows that repeat an earlier site of the file (a similar name, or none on either,
    within 50 m: the import's rule for its layers, ``geo.validate.repeated_sites``), among
    the rows with a valid point. The same site twice was two sites (``site-2``, ``site-4``)
    that a scenario could propose twice; a file is refused for them as a layer's import is."""
    bad = {p.row for p in problems}
    valid = ~points["row"].isin(bad) & np.isfinite(points["lon"]) & np.isfinite(points["lat"])
    rows = points[valid].set_index("row")[["lon", "lat", "given_name"]]
    found = repeated_sites(rows.rename(columns={"given_name": "name"}))
    return [
        problem(int(row), "name", values.pop("code"), **values) for row, values in found.items()
    ]


def _repeated_refusal(repeated: list[Problem], name: str) -> ValidationError:
    """The refusal of a file whose only problem is sites it gives twice."""
    ordered = sorted(repeated, key=lambda p: p.row or 0)
    return validation_error(
        "candidates_repeated_rows",
        problems=ordered,
        name=name,
        n=len(ordered),
        rows=", ".join(str(p.row) for p in ordered[:5]) + (" …" if len(ordered) > 5 else ""),
    )


def _read_points(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """:func:`read_points`'s table with every row (NaN where a row's point is not valid)
    and the rows' problems, so that a caller can report them with others at once."""
    try:
        table = read_file(path)
    except DataError as exc:
        if exc.code != "osm_needs_layer":
            raise
        # an OpenStreetMap file holds many kinds of features: which ones would be sites?
        raise file_error("candidates_osm_file", name=path.name) from None
    records = table.records
    refuse_clashing_columns(
        records.columns, {*LON_COLUMNS, *LAT_COLUMNS, *ID_COLUMNS, *NAME_COLUMNS}, path.name
    )
    columns = {normalise_column(c): str(c) for c in records.columns}
    rows = [int(r) for r in records.index]
    problems: list[Problem] = []
    if table.geometry is not None:
        geometry = table.geometry
        if geometry.crs is None and table.crs:
            geometry = geometry.set_crs(table.crs)
        if geometry.crs is not None and not geometry.crs.equals("EPSG:4326"):
            geometry = geometry.to_crs(4326)
        lon = np.full(len(records), np.nan)
        lat = np.full(len(records), np.nan)
        for k, geom in enumerate(geometry):
            if geom is None or geom.is_empty:
                problems.append(problem(rows[k], "geometry", "missing_geometry"))
            elif geom.geom_type != "Point":
                problems.append(
                    problem(rows[k], "geometry", "not_a_point", geom_type=geom.geom_type)
                )
            else:
                lon[k], lat[k] = geom.x, geom.y
        _refuse_metres(lon, lat, path.name)
    else:
        lon_col, lat_col = _pick(columns, LON_COLUMNS), _pick(columns, LAT_COLUMNS)
        if lon_col is None or lat_col is None:
            raise file_error("candidates_no_coordinates", name=path.name)
        # read as imports read numbers: a decimal comma ("33,5") or point, spaces ignored
        lon = parse_numbers(records[lon_col]).to_numpy(float)
        lat = parse_numbers(records[lat_col]).to_numpy(float)
        _refuse_metres(lon, lat, path.name)
        texts = {col: records[col].astype(object).tolist() for col in (lon_col, lat_col)}
        for k in range(len(records)):
            for field, value, limit in ((lon_col, lon[k], 180), (lat_col, lat[k], 90)):
                if not np.isfinite(value):
                    given = texts[field][k]
                    if given is None or pd.isna(given) or not str(given).strip():
                        problems.append(problem(rows[k], field, "missing_coordinate"))
                    else:
                        problems.append(
                            problem(rows[k], field, "not_a_number", value=str(given).strip())
                        )
                elif abs(value) > limit:
                    problems.append(
                        problem(rows[k], field, "degrees_out_of_range", value=value, limit=limit)
                    )
    for k, reason in table.row_errors.items():
        problems.append(row_problem(int(k), reason))
    if len(records) == 0 and not problems:
        raise file_error("candidates_empty", name=path.name)
    if len(records) > MAX_CANDIDATES:
        raise file_error(
            "too_many_candidates", name=path.name, n=len(records), maximum=MAX_CANDIDATES
        )
    id_col, name_col = _pick(columns, ID_COLUMNS), _pick(columns, NAME_COLUMNS)
    labels = (
        records[id_col].astype(str).str.strip().to_numpy(dtype=object)
        if id_col is not None
        else np.asarray([f"site-{r}" for r in rows], dtype=object)
    )
    if id_col is not None:
        labels = _checked_ids(records[id_col], rows, name=path.name, column=id_col)
    names = (
        records[name_col].astype(str).to_numpy(dtype=object)
        if name_col is not None
        else labels.copy()
    )
    ar_col = _pick(columns, NAME_AR_COLUMNS)
    names_ar = (
        _texts(records[ar_col]) if ar_col is not None else np.full(len(records), None, object)
    )
    if name_col is None and ar_col is not None:  # an Arabic name only: the site's name too
        names = np.asarray(
            [label if n is None else n for n, label in zip(names_ar, labels, strict=True)],
            dtype=object,
        )
    points = pd.DataFrame(
        {
            "row": rows,
            "label": labels,
            "name": names,
            "name_ar": names_ar,
            "lon": lon,
            "lat": lat,
            # the name the file gives (None for none), to find a site given twice
            "given_name": _texts(records[name_col])
            if name_col is not None
            else (names_ar if ar_col is not None else np.full(len(records), None, object)),
        }
    ).reset_index(drop=True)
    return points, problems


def _texts(values: pd.Series) -> NDArray[np.object_]:
    """Stripped texts, ``None`` where empty."""
    out = [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in values]
    return np.asarray(out, dtype=object)


def locate(conn: Connection, points: pd.DataFrame) -> pd.DataFrame:
    """``points`` (``lon``, ``lat``) with ``commune_code``, ``province_code``, ``region_code``
    (None where the point is in no commune)."""
    found = conn.execute(
        sa.text(_LOCATE_SQL),
        {"lon": [float(v) for v in points["lon"]], "lat": [float(v) for v in points["lat"]]},
    ).all()
    out = points.copy()
    out["commune_code"] = [r.code for r in found]
    out["province_code"] = [r.province_code for r in found]
    out["region_code"] = [r.region_code for r in found]
    return out


def load_candidates(conn: Connection, path: str | Path) -> CandidateSites:
    """Read a point file and place every point in its commune (see the module docstring).

    Raises
    ------
    ValidationError
        Rows without a valid point, or outside every commune (with their row numbers).
    """
    path = Path(path)
    points, problems = _read_points(path)
    repeated = _repeated_rows(points, problems)
    # the rows with a valid point are placed too, so that one report names every problem
    # (a point at sea as well as a row without coordinates), not one kind per upload
    bad = {p.row for p in problems}
    valid = ~points["row"].isin(bad) & np.isfinite(points["lon"]) & np.isfinite(points["lat"])
    points = locate(conn, points[valid]) if valid.any() else points.assign(commune_code=None)
    outside = points[points["commune_code"].isna()] if valid.any() else points.iloc[0:0]
    at_sea = [
        problem(int(row), "geometry", "in_no_commune", lon=f"{lon:.5f}", lat=f"{lat:.5f}")
        for row, lon, lat in zip(outside["row"], outside["lon"], outside["lat"], strict=True)
    ]
    if problems:
        raise _invalid_rows(problems + at_sea + repeated, path.name)
    if at_sea:
        listed: list[Problem] = sorted(at_sea + repeated, key=lambda p: p.row or 0)
        raise validation_error(
            "candidates_outside_communes",
            problems=listed,
            name=path.name,
            n=len(at_sea),
        )
    if repeated:
        raise _repeated_refusal(repeated, path.name)
    points = points.drop(columns="given_name")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return CandidateSites(frame=points, source=f"{path.name}#{digest}")


def layer_candidates(
    conn: Connection, layer: str, *, type_value: str | None = None
) -> CandidateSites:
    """The rows of a Walouja point layer (centres, stops, beaches, ...) as candidate sites.

    A site's ``label`` is ``<layer>:<external id>`` (``<layer>:<id>`` without one); a
    polygon or line row is placed at a point on its surface. ``type_value`` keeps the rows
    of one type (``centre_type`` ``EPS``, ``mode`` ``bus``...). The ``source`` names the
    layer and a digest of the rows' ids, places and last changes, so an edited layer is a new
    candidate set in the stored scenarios.

    Raises
    ------
    DataError
        Unknown layer or type, a type for a layer without types, no rows, or more than
        ``MAX_CANDIDATES`` rows.
    """
    from geo.layers import LayerFilter, get_layer, read_layer

    spec = get_layer(layer)
    where = None
    name = spec.name
    if type_value is not None:
        if spec.type_field is None:
            raise file_error("layer_has_no_type", layer=spec.name)
        # spelt as stored (``eps`` is ``EPS``), so the stored request names it one way
        known = {c.casefold(): c for c in spec.field(spec.type_field).choices}
        type_value = known.get(type_value.casefold(), type_value)
        where = LayerFilter(equals={spec.type_field: [type_value]})
        name = f"{spec.name} ({spec.type_field} = {type_value})"
    frame = read_layer(conn, spec.name, where=where)
    if frame.empty:
        raise file_error("candidates_empty", name=name)
    if len(frame) > MAX_CANDIDATES:
        raise file_error("too_many_candidates", name=name, n=len(frame), maximum=MAX_CANDIDATES)
    points = frame.geometry.where(frame.geometry.geom_type == "Point", frame.representative_point())
    ids = frame["external_id"].where(frame["external_id"].notna(), frame["id"].astype(str))
    names = frame["name"] if "name" in frame.columns else ids
    names_ar = (
        _texts(frame["name_ar"])
        if "name_ar" in frame.columns
        else np.full(len(frame), None, dtype=object)
    )
    located = locate(
        conn,
        pd.DataFrame(
            {
                "row": frame["id"].astype(int).to_numpy(),
                "label": [f"{spec.name}:{v}" for v in ids],
                "name": names.where(names.notna(), ids).astype(str).to_numpy(),
                "name_ar": names_ar,
                "lon": points.x.to_numpy(),
                "lat": points.y.to_numpy(),
            }
        ),
    )
    # an imported row is always in a commune (the import refuses others)
    located = located[located["commune_code"].notna()].reset_index(drop=True)
    if located.empty:
        raise file_error("candidates_empty", name=name)
    stamp = "|".join(
        f"{i}:{x:.7f}:{y:.7f}:{u}"
        for i, x, y, u in zip(
            frame["id"], points.x, points.y, frame["updated_at"].astype(str), strict=True
        )
    )
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return CandidateSites(frame=located, source=f"{layer_set_name(spec.name, type_value)}#{digest}")


def layer_set_name(layer: str, type_value: str | None = None) -> str:
    """How a layer's candidate set is named in a stored request, before its ``#digest``."""
    return f"layer {layer}" + (f" {type_value}" if type_value else "")


def set_name(source: str) -> str:
    """A stored candidate set's name without its ``#digest``: a file's name (which may hold
    a ``#`` of its own: ``sites#2.csv``) or a layer's set (``layer centres EPS``).

    Examples
    --------
    >>> set_name("sites#2.csv#0123abcd"), set_name("layer centres EPS#0123abcd")
    ('sites#2.csv', 'layer centres EPS')
    """
    return source.rsplit("#", 1)[0]


def set_digest(source: str) -> str | None:
    """The digest a stored candidate set carries after its last ``#`` (a file's content, a
    layer's rows); ``None`` for a set stored without one.

    Examples
    --------
    >>> set_digest("layer centres EPS#0123abcd"), set_digest("sites#2.csv#0123abcd")
    ('0123abcd', '0123abcd')
    >>> set_digest("layer centres EPS"), set_digest("sites.csv")
    (None, None)
    """
    name, _, digest = source.rpartition("#")
    hexadecimal = bool(digest) and all(c in "0123456789abcdef" for c in digest)
    return digest if name and hexadecimal else None


def parse_layer_set(source: str) -> tuple[str, str | None] | None:
    """``(layer, type)`` of a stored candidate set named by :func:`layer_set_name`; ``None``
    for a file's set (``sites.csv#…``).

    Only a Walouja layer's name, and one of its types, make a layer's set: a file called
    ``layer sites.csv`` was taken for a layer ``sites.csv`` (the page named its "sites of
    the layer ⟦layer.sites.csv⟧" and "Open" chose a layer). A file's name always ends with
    the extension of a format Walouja reads, which no layer or type name does.

    Examples
    --------
    >>> parse_layer_set("layer centres EPS#0123"), parse_layer_set("layer beaches#0123")
    (('centres', 'EPS'), ('beaches', None))
    >>> parse_layer_set("layer sites.csv#0123"), parse_layer_set("layer centres x.csv#0123")
    (None, None)
    >>> parse_layer_set("layer centres#1.csv#0123"), parse_layer_set("sites.csv#0123")
    (None, None)
    """
    from geo.layers import LAYERS

    name = set_name(source)
    if not name.startswith("layer "):
        return None
    layer, *kind = name.removeprefix("layer ").split(" ", 1)
    spec = LAYERS.get(layer)
    if spec is None or spec.name != layer:
        return None
    if not kind:
        return layer, None
    if spec.type_field is None or kind[0] not in spec.field(spec.type_field).choices:
        return None
    return layer, kind[0]
