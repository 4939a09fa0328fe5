"""Policy gaps on small hand-checked tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import gaps
from walouja.errors import AnalysisError


def _provinces() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["P1", "P2", "P3", "P4", "N1"],
            "name_fr": ["Un", "Deux", "Trois", "Quatre", "Imbriquée"],
            "name_ar": ["١", "٢", "٣", "٤", "ن"],
            "region_code": ["R1", "R1", "R2", "R2", "R2"],
            "pwd": [5000.0, 8000.0, 2000.0, 9000.0, 4000.0],
            "is_nested": [False, False, False, False, True],
        }
    )


def _regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["R1", "R2", "R3"],
            "name_fr": ["Nord", "Sud", "Est"],
            "name_ar": ["ش", "ج", "ق"],
            "pwd": [13_000.0, 11_000.0, 6_000.0],
        }
    )


def _centres() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "centre_type": ["COAPH", "COAPH", "COAPH", "COAPH", "CAS", "COAPH"],
            "status": [
                "operating",
                "closed",
                "under_construction",
                "planned",
                "operating",
                "planned",
            ],
            "capacity": [120.0, 50.0, 80.0, None, 30.0, 10.0],
            "province_code": ["P1", "P2", "P2", "P4", "P3", "P4"],
            "region_code": ["R1", "R1", "R1", "R2", "R2", "R2"],
        }
    )


def test_provinces_without_an_operating_coaph() -> None:
    out = gaps.provinces_without_centre(_provinces(), _centres(), centre_type="COAPH")
    # P1 has one; P2 only a closed one; P3 only a CAS; the nested prefecture is not counted
    assert out["code"].to_list() == ["P4", "P2", "P3"]  # largest pwd first
    rows = out.set_index("code")
    assert rows.loc["P2", "under_construction"] == 1
    assert rows.loc["P4", "planned"] == 2
    assert rows.loc["P3", "planned"] == 0
    cas = gaps.provinces_without_centre(_provinces(), _centres(), centre_type="CAS")
    assert "P3" not in set(cas["code"])


def test_places_rate_by_region_by_hand() -> None:
    rate = gaps.places_rate_by_region(_regions(), _centres())
    # operating places: R1 120, R2 30; national (120 + 30) / 30,000 pwd = 50 per 10,000
    assert rate.national_per_10k == pytest.approx(50.0)
    rows = rate.regions.set_index("code")
    assert rows.loc["R1", "places_per_10k"] == pytest.approx(120 / 13_000 * 1e4)
    assert rows.loc["R2", "places_per_10k"] == pytest.approx(30 / 11_000 * 1e4)
    assert rows.loc["R3", "places"] == 0.0
    assert not bool(rows.loc["R1", "below_national"])
    assert bool(rows.loc["R2", "below_national"])
    assert rows.loc["R2", "places_to_national"] == pytest.approx(50 * 1.1 - 30)
    assert rows.loc["R3", "places_to_national"] == pytest.approx(30.0)
    assert rows.loc["R1", "places_to_national"] == 0.0
    assert rate.regions["code"].to_list()[0] == "R3"  # lowest rate first
    assert rate.unknown_capacity == 0  # the unknown one is only planned
    only_cas = gaps.places_rate_by_region(_regions(), _centres(), centre_types=["CAS"])
    assert only_cas.national_per_10k == pytest.approx(10.0)


def test_unknown_capacity_counts_the_median_as_access_and_equity_do() -> None:
    centres = _centres()
    centres.loc[0, "capacity"] = None
    rate = gaps.places_rate_by_region(_regions(), centres)
    assert rate.unknown_capacity == 1
    # the only other operating centre (CAS, 30 places) gives the median: R1 30, R2 30
    assert rate.unknown_places == 30.0
    assert rate.national_per_10k == pytest.approx(60 / 30_000 * 1e4)
    assert rate.regions.set_index("code").loc["R1", "places"] == 30.0
    # or a number chosen: 0 counts it as no place at all
    zero = gaps.places_rate_by_region(_regions(), centres, missing_capacity=0)
    assert zero.national_per_10k == pytest.approx(10.0)
    assert zero.unknown_places == 0.0
    # with no capacity known at all there is no median: they count 0, and are reported
    centres.loc[4, "capacity"] = None
    none_known = gaps.places_rate_by_region(_regions(), centres)
    assert none_known.unknown_capacity == 2
    assert none_known.national_per_10k == 0.0
    with pytest.raises(AnalysisError, match="not median or a number"):
        gaps.places_rate_by_region(_regions(), centres, missing_capacity="mean")


def test_accessible_cities_by_stage_and_region() -> None:
    cities = pd.DataFrame(
        {
            "commune_code": ["a", "b", "c", "d"],
            "stage": ["completed", "works_under_way", "completed", "diagnostic_study"],
            "region_code": ["R1", "R1", "R2", "R1"],
            "pwd": [100.0, 200.0, 300.0, 50.0],
        }
    )
    out = gaps.accessible_cities_by_stage(_regions(), cities).set_index("code")
    assert out.loc["R1", "completed"] == 1
    assert out.loc["R1", "works_under_way"] == 1
    assert out.loc["R1", "diagnostic_study"] == 1
    assert out.loc["R1", "communes"] == 3
    assert out.loc["R1", "pwd"] == 350.0
    assert out.loc["R3", "communes"] == 0  # regions without a city are listed with zeros
    bad = cities.assign(stage=["completed", "ongoing", "completed", "completed"])
    with pytest.raises(AnalysisError, match="'ongoing' is not a programme stage"):
        gaps.accessible_cities_by_stage(_regions(), bad)


def test_gaps_report_is_strict_json() -> None:
    cities = pd.DataFrame(
        {"commune_code": ["a"], "stage": ["convention_signed"], "region_code": ["R2"]}
    )
    rep = gaps.gaps_report(_provinces(), _regions(), _centres(), cities)
    out = rep.as_dict()
    json.dumps(out, allow_nan=False)
    assert out["provinces_without_centre"]["provinces_total"] == 4
    assert out["provinces_without_centre"]["provinces_without"] == 3
    assert out["provinces_without_centre"]["pwd_in_them"] == 19_000.0
    assert out["places_per_pwd"]["regions_below"] == 2
    assert out["accessible_cities"]["national"]["convention_signed"] == 1
    assert out["accessible_cities"]["national"]["communes"] == 1
    with pytest.raises(AnalysisError, match="no provinces"):
        gaps.gaps_report(_provinces().iloc[0:0], _regions(), _centres(), cities)
    with pytest.raises(AnalysisError, match="lacks column"):
        gaps.provinces_without_centre(_provinces().drop(columns="is_nested"), _centres())
