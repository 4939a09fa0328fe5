"""Read the tables the policy-gap checks need: provinces, regions, centres, accessible cities."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.inputs import table_exists
from walouja.errors import NotFoundError

GAP_TABLES: tuple[str, ...] = ("regions", "provinces", "communes", "centres", "accessible_cities")
"""Tables whose content the gap report depends on (for the run fingerprint)."""

_PROVINCES_SQL = """
SELECT code, name_fr, name_ar, region_code, COALESCE(pwd, 0) AS pwd, is_nested
FROM provinces
ORDER BY code
"""

_REGIONS_SQL = """
SELECT code, name_fr, name_ar, COALESCE(pwd, 0) AS pwd
FROM regions
ORDER BY code
"""

# every status: the gap check counts operating centres and lists the pipeline
_CENTRES_SQL = """
SELECT c.id, c.name, c.centre_type, c.status, c.capacity, c.commune_code,
       m.province_code, m.region_code
FROM centres AS c
LEFT JOIN communes AS m ON m.code = c.commune_code
ORDER BY c.id
"""

_CITIES_SQL = """
SELECT a.commune_code, a.stage, a.convention_date, m.region_code, m.province_code,
       m.name_fr AS commune_name_fr, m.pwd
FROM accessible_cities AS a
LEFT JOIN communes AS m ON m.code = a.commune_code
ORDER BY a.commune_code
"""


@dataclass(frozen=True)
class GapInputs:
    """The four tables of :func:`analysis.gaps.gaps_report`."""

    provinces: pd.DataFrame
    regions: pd.DataFrame
    centres: pd.DataFrame
    cities: pd.DataFrame


def _require(conn: Connection, table: str) -> None:
    if not table_exists(conn, table):
        raise NotFoundError(
            f"the {table} table does not exist", hint="run `walouja db up` then `walouja load`"
        )


def load_gap_inputs(conn: Connection) -> GapInputs:
    """Provinces, regions, centres of every status and accessible cities, as plain frames."""
    for table in GAP_TABLES:
        _require(conn, table)
    provinces = pd.read_sql_query(sa.text(_PROVINCES_SQL), conn)
    provinces["is_nested"] = provinces["is_nested"].fillna(False).astype(bool)
    regions = pd.read_sql_query(sa.text(_REGIONS_SQL), conn)
    centres = pd.read_sql_query(sa.text(_CENTRES_SQL), conn)
    centres["capacity"] = centres["capacity"].astype("float64")
    cities = pd.read_sql_query(sa.text(_CITIES_SQL), conn)
    return GapInputs(provinces=provinces, regions=regions, centres=centres, cities=cities)
