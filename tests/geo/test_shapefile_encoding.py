"""A Shapefile whose .dbf states no encoding (no .cpg, no language byte) keeps its Arabic
names: GDAL read them as ISO-8859-1 ("ÙØ­Ø·Ø©"), and the import wrote them so without a word."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.io_read import read_file

NAMES = ["محطة باب الأحد", "Arrêt Bab Chellah", "Gare de Salé"]


def _shapefile(folder: Path, encoding: str) -> Path:
    """Stops written in ``encoding`` with no .cpg and a zero language byte, as pyshp and
    many scripts leave a .dbf."""
    folder.mkdir()
    gdf = gpd.GeoDataFrame(
        {"name": NAMES, "mode": ["bus", "bus", "train"]},
        geometry=[Point(-6.84, 34.01), Point(-6.83, 34.02), Point(-6.80, 34.04)],
        crs="EPSG:4326",
    )
    shp = folder / "arrets.shp"
    gdf.to_file(shp, encoding=encoding)
    (folder / "arrets.cpg").unlink(missing_ok=True)
    dbf = folder / "arrets.dbf"
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0  # no language driver byte either
    dbf.write_bytes(bytes(raw))
    return shp


def _zipped(shp: Path) -> Path:
    target = shp.parent.parent / f"{shp.parent.name}.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, part.name)
    return target


@pytest.mark.parametrize("encoding", ["utf-8", "cp1256"])
@pytest.mark.parametrize("zipped", [False, True])
def test_a_shapefile_without_cpg_keeps_its_arabic_and_french_names(
    tmp_path: Path, encoding: str, zipped: bool
) -> None:
    shp = _shapefile(tmp_path / "arrets", encoding)
    table = read_file(_zipped(shp) if zipped else shp)
    assert list(table.records["name"]) == NAMES


def test_a_latin1_shapefile_without_cpg_is_read_as_before(tmp_path: Path) -> None:
    # French names only (no Arabic letter): GDAL's own reading, ISO-8859-1, is kept
    folder = tmp_path / "fr"
    folder.mkdir()
    gdf = gpd.GeoDataFrame(
        {"name": ["Arrêt Bab Chellah", "Gare de Salé"]},
        geometry=[Point(-6.83, 34.02), Point(-6.80, 34.04)],
        crs="EPSG:4326",
    )
    gdf.to_file(folder / "fr.shp", encoding="ISO-8859-1")
    (folder / "fr.cpg").unlink(missing_ok=True)
    raw = bytearray((folder / "fr.dbf").read_bytes())
    raw[29] = 0
    (folder / "fr.dbf").write_bytes(bytes(raw))
    table = read_file(folder / "fr.shp")
    assert list(table.records["name"]) == ["Arrêt Bab Chellah", "Gare de Salé"]


def test_a_shapefile_with_its_cpg_is_read_as_it_says(tmp_path: Path) -> None:
    folder = tmp_path / "cpg"
    folder.mkdir()
    gdf = gpd.GeoDataFrame({"name": NAMES}, geometry=[Point(-6.84, 34.01)] * 3, crs="EPSG:4326")
    gdf.to_file(folder / "s.shp", encoding="utf-8")
    assert (folder / "s.cpg").exists()
    assert list(read_file(folder / "s.shp").records["name"]) == NAMES
