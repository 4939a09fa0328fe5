"""Great-circle distances, nearest centres and catchment pairs via a KD-tree on unit vectors.

Points given as longitude/latitude (degrees, WGS 84) become 3-D unit vectors. The chord
between two unit vectors is monotone in the great-circle angle, so a Euclidean
``scipy.spatial.cKDTree`` on the vectors answers nearest-neighbour and radius queries on the
sphere exactly, nationwide, with no map projection. A chord ``c`` becomes kilometres by
``d = 2 R asin(c / 2)`` with ``R`` the mean Earth radius (IUGG, 6371.0088 km).

Straight-line distance underestimates road distance. ``detour_factor`` multiplies it to
estimate road kilometres; the literature finds circuity factors of about 1.2 to 1.4
(Ballou et al. 2002; Boscoe et al. 2012). The default, 1.0, means straight-line kilometres.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from walouja.errors import AnalysisError

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), kilometres."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def check_lonlat(
    lon: npt.ArrayLike, lat: npt.ArrayLike, *, what: str
) -> tuple[FloatArray, FloatArray]:
    """Return ``lon``, ``lat`` as float arrays, or an ``AnalysisError`` naming the bad row.

    Parameters
    ----------
    what
        What the points are ("demand point", "centre"), for the message.
    """
    lon_a = np.asarray(lon, dtype=np.float64).ravel()
    lat_a = np.asarray(lat, dtype=np.float64).ravel()
    if lon_a.shape != lat_a.shape:
        raise AnalysisError(f"{what}: {lon_a.size} longitudes but {lat_a.size} latitudes")
    bad = ~np.isfinite(lon_a) | ~np.isfinite(lat_a) | (np.abs(lon_a) > 180) | (np.abs(lat_a) > 90)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise AnalysisError(
            f"{what} {row}: coordinates ({lon_a[row]}, {lat_a[row]}) are not a valid lon/lat",
            hint="longitude must be in [-180, 180] and latitude in [-90, 90] degrees (WGS 84)",
        )
    return lon_a, lat_a


def check_detour(detour_factor: float) -> float:
    """Return ``detour_factor`` if it is a finite number >= 1, else an ``AnalysisError``."""
    value = float(detour_factor)
    if not np.isfinite(value) or value < 1.0:
        raise AnalysisError(
            f"detour factor {detour_factor} is not allowed",
            hint="use 1.0 for straight-line kilometres, or a circuity factor such as 1.3",
        )
    return value


def unit_vectors(lon: npt.ArrayLike, lat: npt.ArrayLike) -> FloatArray:
    """3-D unit vectors (n × 3) of points given in degrees."""
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: npt.ArrayLike) -> FloatArray:
    """Great-circle kilometres of chord lengths on the unit sphere."""
    c = np.clip(np.asarray(chord, dtype=np.float64), 0.0, 2.0)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(c / 2.0)


def km_to_chord(km: float) -> float:
    """Chord length on the unit sphere of a great-circle distance in kilometres."""
    angle = min(max(float(km), 0.0) / EARTH_RADIUS_KM, np.pi)
    return float(2.0 * np.sin(angle / 2.0))


def pair_km(u: FloatArray, v: FloatArray) -> FloatArray:
    """Great-circle kilometres between matching rows of two unit-vector arrays."""
    diff = u - v
    chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return chord_to_km(chord)


def great_circle_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle kilometres between matching points (arrays broadcast against each other)."""
    a, b, c, d = np.broadcast_arrays(
        np.asarray(lon1, dtype=np.float64),
        np.asarray(lat1, dtype=np.float64),
        np.asarray(lon2, dtype=np.float64),
        np.asarray(lat2, dtype=np.float64),
    )
    shape = a.shape
    km = pair_km(unit_vectors(a.ravel(), b.ravel()), unit_vectors(c.ravel(), d.ravel()))
    return km.reshape(shape)


def distance_matrix_km(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
) -> FloatArray:
    """Dense matrix (demand × centres) of great-circle kilometres; for small problems and tests.

    The chords come from the same KD-tree kernel as :func:`pairs_within`, so a pair gets the
    same floating-point distance from both.
    """
    u = unit_vectors(demand_lon, demand_lat)
    v = unit_vectors(centre_lon, centre_lat)
    out = np.empty((len(u), len(v)))
    if out.size == 0:
        return out
    found = cKDTree(u).sparse_distance_matrix(cKDTree(v), 2.5, output_type="ndarray")
    out[found["i"], found["j"]] = chord_to_km(found["v"])
    return out


@dataclass(frozen=True)
class Nearest:
    """Nearest centre of each demand point.

    Attributes
    ----------
    km
        Distance to the nearest centre (great-circle km × detour factor); ``inf`` when there
        are no centres.
    index
        Position of that centre in the centre arrays; -1 when there are no centres.
    detour_factor
        The factor applied to the straight-line distance.
    """

    km: FloatArray
    index: IntArray
    detour_factor: float


def nearest(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    *,
    detour_factor: float = 1.0,
    workers: int = -1,
) -> Nearest:
    """Exact nearest centre (great-circle) of every demand point.

    Parameters
    ----------
    detour_factor
        Multiplies the straight-line distance to estimate road distance (>= 1).
    workers
        Threads for the KD-tree query (-1: all cores).
    """
    factor = check_detour(detour_factor)
    dlon, dlat = check_lonlat(demand_lon, demand_lat, what="demand point")
    clon, clat = check_lonlat(centre_lon, centre_lat, what="centre")
    n = dlon.size
    if clon.size == 0:
        return Nearest(
            km=np.full(n, np.inf), index=np.full(n, -1, dtype=np.int64), detour_factor=factor
        )
    u = unit_vectors(dlon, dlat)
    v = unit_vectors(clon, clat)
    chord, idx = cKDTree(v).query(u, k=1, workers=workers)
    idx = np.asarray(idx, dtype=np.int64)
    km = chord_to_km(chord) * factor
    return Nearest(km=km, index=idx, detour_factor=factor)


@dataclass(frozen=True)
class Pairs:
    """Sparse demand–centre pairs within a distance, sorted by demand then centre.

    Attributes
    ----------
    demand
        Demand-point position of each pair.
    centre
        Centre position of each pair.
    km
        Distance of each pair (great-circle km × detour factor).
    n_demand, n_centres
        Sizes of the two point sets.
    """

    demand: IntArray
    centre: IntArray
    km: FloatArray
    n_demand: int
    n_centres: int

    def __len__(self) -> int:
        return int(self.km.size)


def iter_chord_pairs(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    max_chord: float,
    *,
    chunk_size: int = 4096,
) -> Iterator[tuple[int, int, npt.NDArray[np.int32], npt.NDArray[np.int32], FloatArray]]:
    """Candidate pairs whose unit-vector chord is at most ``max_chord``, chunk by chunk.

    The low-level search behind :func:`iter_pairs_within` and the access scores. Yields
    ``(start, stop, demand, centre, chord)``: the chunk covers demand positions
    ``start:stop``; ``demand`` is the position within the chunk. Pairs come in the KD-tree's
    order. Coordinates must already be checked (:func:`check_lonlat`).
    """
    dlon = np.asarray(demand_lon, dtype=np.float64)
    dlat = np.asarray(demand_lat, dtype=np.float64)
    n = dlon.size
    if n == 0 or np.asarray(centre_lon).size == 0:
        return
    centre_tree = cKDTree(unit_vectors(centre_lon, centre_lat))
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        chunk_tree = cKDTree(unit_vectors(dlon[start:stop], dlat[start:stop]))
        found = chunk_tree.sparse_distance_matrix(centre_tree, max_chord, output_type="ndarray")
        yield (
            start,
            stop,
            found["i"].astype(np.int32),
            found["j"].astype(np.int32),
            np.ascontiguousarray(found["v"]),
        )


def search_chord(max_km: float, detour_factor: float) -> float:
    """Chord radius that surely holds every pair within ``max_km`` (widened by 1e-9 relative)."""
    return km_to_chord(max_km / detour_factor) * (1.0 + 1e-9) + 1e-15


def iter_pairs_within(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    max_km: float,
    *,
    detour_factor: float = 1.0,
    chunk_size: int = 4096,
) -> Iterator[tuple[int, int, IntArray, IntArray, FloatArray]]:
    """Demand–centre pairs within ``max_km`` (inclusive), one chunk of demand points at a time.

    Yields ``(start, stop, demand, centre, km)``: the chunk's demand positions
    ``start:stop``, and for each pair its demand position *within the chunk*, its centre
    position and its distance, in the KD-tree's order. The radius search runs on the chord
    of ``max_km`` widened by a relative 1e-9, so no pair on the boundary is lost to rounding;
    the distance of each candidate (from the tree's own chord) then decides with ``<=``, as
    PySAL ``access`` does.
    """
    factor = check_detour(detour_factor)
    if not np.isfinite(max_km) or max_km < 0:
        raise AnalysisError(f"catchment distance {max_km} km is not a non-negative number")
    dlon, dlat = check_lonlat(demand_lon, demand_lat, what="demand point")
    clon, clat = check_lonlat(centre_lon, centre_lat, what="centre")
    for start, stop, di, ci, chord in iter_chord_pairs(
        dlon, dlat, clon, clat, search_chord(max_km, factor), chunk_size=chunk_size
    ):
        km = chord_to_km(chord) * factor
        keep = km <= max_km
        yield start, stop, di[keep].astype(np.int64), ci[keep].astype(np.int64), km[keep]


def pairs_within(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    centre_lon: npt.ArrayLike,
    centre_lat: npt.ArrayLike,
    max_km: float,
    *,
    detour_factor: float = 1.0,
    chunk_size: int = 4096,
) -> Pairs:
    """Every demand–centre pair whose distance is at most ``max_km`` (inclusive), sorted.

    See :func:`iter_pairs_within`; distances are great-circle km × ``detour_factor``.
    """
    clon = np.atleast_1d(np.asarray(centre_lon, dtype=np.float64))
    n = np.atleast_1d(np.asarray(demand_lon, dtype=np.float64)).size
    parts_d: list[IntArray] = []
    parts_c: list[IntArray] = []
    parts_k: list[FloatArray] = []
    for start, _, di, ci, km in iter_pairs_within(
        demand_lon,
        demand_lat,
        centre_lon,
        centre_lat,
        max_km,
        detour_factor=detour_factor,
        chunk_size=chunk_size,
    ):
        order = np.lexsort((ci, di))
        parts_d.append(di[order] + start)
        parts_c.append(ci[order])
        parts_k.append(km[order])
    if not parts_d:
        empty = np.empty(0, dtype=np.int64)
        return Pairs(empty, empty, np.empty(0), n, clon.size)
    return Pairs(
        demand=np.concatenate(parts_d),
        centre=np.concatenate(parts_c),
        km=np.concatenate(parts_k),
        n_demand=n,
        n_centres=clon.size,
    )
