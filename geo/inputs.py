"""Read the inputs of analyses: demand points, centres, unit names, road graphs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from walouja.errors import AnalysisError, DataError, NotFoundError

if TYPE_CHECKING:
    import networkx as nx

CENTRE_TYPES: tuple[str, ...] = ("COAPH", "CAS", "CAPE", "EMF", "CJPA", "EPS", "other")
"""Centre types of the ``centres`` layer (see the layers contract)."""

CENTRE_STATUSES: tuple[str, ...] = ("operating", "under_construction", "planned", "closed")

LEVEL_TABLES = {"commune": "communes", "province": "provinces", "region": "regions"}

_DEMAND_SQL = """
SELECT code, name_fr, name_ar, province_code, region_code, commune_type,
       population, pwd, pwd_urban, pwd_rural,
       ST_X(demand_point) AS lon, ST_Y(demand_point) AS lat
FROM communes
ORDER BY code
"""

_CENTRES_SQL = """
SELECT c.id, c.name, c.centre_type, c.capacity, c.commune_code, m.province_code,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM centres AS c
LEFT JOIN communes AS m ON m.code = c.commune_code
WHERE c.status IN :statuses
  AND (CAST(:centre_type AS text) IS NULL OR c.centre_type = :centre_type)
ORDER BY c.id
"""


def table_exists(conn: Connection, table: str) -> bool:
    """Whether ``public.<table>`` exists."""
    found = conn.execute(sa.text("SELECT to_regclass(:name)"), {"name": f"public.{table}"})
    return found.scalar() is not None


def _require(conn: Connection, table: str, what: str) -> None:
    if not table_exists(conn, table):
        raise NotFoundError(
            f"the {table} table does not exist, so there are no {what}",
            hint="run `walouja db up` then `walouja load`",
        )


def load_demand(conn: Connection) -> pd.DataFrame:
    """One row per commune: codes, names, population, persons with disabilities, demand point.

    Columns: code, name_fr, name_ar, province_code, region_code, commune_type, population,
    pwd, pwd_urban, pwd_rural, lon, lat. Raises ``AnalysisError`` when no commune is loaded.
    """
    _require(conn, "communes", "demand points")
    frame = pd.read_sql_query(sa.text(_DEMAND_SQL), conn)
    if frame.empty:
        raise AnalysisError(
            "the communes layer is empty: there is no demand to analyse",
            hint="load the geography with `walouja load`",
        )
    missing = frame[frame["lon"].isna() | frame["pwd"].isna()]
    if not missing.empty:
        row = missing.iloc[0]
        field = "demand_point" if pd.isna(row["lon"]) else "pwd"
        raise DataError(
            f"commune {row['code']}: {field} is missing ({len(missing)} communes in all)",
            hint="reload the geography with `walouja load`",
        )
    return frame


def check_centre_type(centre_type: str | None) -> str | None:
    """``centre_type`` if it is a known type (case-insensitive for the codes), else an error."""
    if centre_type is None:
        return None
    for known in CENTRE_TYPES:
        if centre_type.lower() == known.lower():
            return known
    raise NotFoundError(
        f"unknown centre type {centre_type!r}", hint=f"choose one of {', '.join(CENTRE_TYPES)}"
    )


def load_centres(
    conn: Connection,
    *,
    centre_type: str | None = None,
    statuses: Sequence[str] = ("operating",),
) -> pd.DataFrame:
    """Centres of one type (or all), with the given statuses.

    Columns: id, name, centre_type, capacity (float, NaN when unknown), commune_code,
    province_code, lon, lat. Raises ``NotFoundError`` for an unknown type or status and
    ``AnalysisError`` when no centre matches, saying whether the layer itself is empty.
    """
    kind = check_centre_type(centre_type)
    for status in statuses:
        if status not in CENTRE_STATUSES:
            raise NotFoundError(
                f"unknown centre status {status!r}",
                hint=f"choose among {', '.join(CENTRE_STATUSES)}",
            )
    if not statuses:
        raise AnalysisError("no centre status selected")
    _require(conn, "centres", "centres")
    stmt = sa.text(_CENTRES_SQL).bindparams(sa.bindparam("statuses", expanding=True))
    frame = pd.read_sql_query(stmt, conn, params={"statuses": list(statuses), "centre_type": kind})
    if frame.empty:
        total = conn.execute(sa.text("SELECT count(*) FROM centres")).scalar_one()
        which = ", ".join(statuses)
        if total == 0:
            raise AnalysisError(
                "the centres layer is empty",
                hint="load or import centres first (`walouja load`, `walouja import centres FILE`)",
                code="centres_empty",
            )
        label = f"of type {kind} " if kind else ""
        raise AnalysisError(
            f"no centre {label}with status {which} (the layer has {total} centres)",
            hint="choose another centre type or status",
            code="no_centres_of_type" if kind else "no_centres_with_status",
            params={"centre_type": kind or "", "status": which, "total": total},
        )
    frame["capacity"] = frame["capacity"].astype("float64")
    return frame


def load_unit_names(conn: Connection, level: str) -> pd.DataFrame:
    """Codes and names (``code``, ``name_fr``, ``name_ar``) of the units of a level."""
    if level == "nation":
        return pd.DataFrame({"code": ["MA"], "name_fr": ["Maroc"], "name_ar": ["المغرب"]})
    table = LEVEL_TABLES.get(level)
    if table is None:
        raise NotFoundError(
            f"unknown level {level!r}", hint="choose commune, province, region or nation"
        )
    _require(conn, table, f"{level} names")
    return pd.read_sql_query(
        sa.text(f"SELECT code, name_fr, name_ar FROM {table} ORDER BY code"), conn
    )


def read_road_graph(path: str | Path, *, simplify: bool = False) -> nx.MultiDiGraph:
    """Road graph from an OSM XML file (``.osm``), with osmnx; largest connected part only.

    Every way keeps its own edges by default: osmnx's simplification merges chains of
    ways into one edge whose ``highway`` and ``maxspeed`` are lists, and
    :func:`analysis.network.prepare_graph` would then time a primary + secondary chain at
    one speed (and a trunk + tertiary one at the tertiary's speed limit throughout), and
    points could no longer snap to the corners it removes.
    """
    import osmnx as ox

    file = Path(path)
    if not file.is_file():
        raise NotFoundError(f"road network file {file} does not exist")
    from osmnx._errors import InsufficientResponseError

    with file.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        # a GeoPackage or a CSV given as roads: the XML parser's codec error said nothing
        raise DataError(
            f"road network file {file} is not OSM XML (an .osm file begins with '<')",
            hint="export the roads of the area as an .osm file (e.g. from osmium or the OSM "
            "website); GeoPackages, shapefiles and CSV files are not road networks here",
        )
    try:
        return ox.graph_from_xml(file, simplify=simplify)
    except InsufficientResponseError:
        # osmnx words an empty file as an empty server response
        raise DataError(
            f"road network file {file} holds no roads",
            hint="export the roads of the area as an .osm file (e.g. from osmium or the OSM "
            "website)",
        ) from None
    except Exception as exc:  # osmnx raises assorted parser and value errors
        raise DataError(
            f"road network file {file} is not usable OSM XML: {exc}",
            hint="export an .osm file (e.g. from osmium or the OSM website)",
        ) from None


def fetch_road_graph(place: str, *, network_type: str = "drive") -> nx.MultiDiGraph:
    """Road graph of a named place from the Overpass API (needs the internet)."""
    import osmnx as ox

    try:
        return ox.graph_from_place(place, network_type=network_type, simplify=False)
    except Exception as exc:  # network errors, geocoding failures
        raise DataError(
            f"could not download the road network of {place!r}: {exc}",
            hint="check the place name and the internet connection, or pass an .osm file",
        ) from None
