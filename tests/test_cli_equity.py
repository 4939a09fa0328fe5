"""`walouja equity` and `walouja gaps` against the loaded national data in the test database."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analysis.distance import great_circle_km
from analysis.equity import equity_indices
from geo.inputs import load_demand
from walouja.services.equity import run_equity, run_gaps

WALOUJA = [sys.executable, "-m", "walouja.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WALOUJA, *args], capture_output=True, text=True, timeout=300, check=False
    )


def _json(*args: str) -> dict[str, Any]:
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def national(engine: Engine) -> dict[str, Any]:
    """Facts of the loaded data the answers are checked against."""
    with engine.connect() as c:
        communes = c.execute(
            sa.text("SELECT count(*), sum(pwd), count(*) FILTER (WHERE pwd > 0) FROM communes")
        ).one()
        if not communes[0]:
            pytest.fail("the communes layer is empty: run `walouja load` first", pytrace=False)
        return {
            "communes": int(communes[0]),
            "pwd": float(communes[1]),
            "with_pwd": int(communes[2]),
            "regions": c.execute(sa.text("SELECT count(*) FROM regions")).scalar_one(),
            "tiling": c.execute(
                sa.text("SELECT count(*) FROM provinces WHERE NOT is_nested")
            ).scalar_one(),
            "coaph": c.execute(
                sa.text(
                    "SELECT count(*) FROM centres WHERE centre_type = 'COAPH' "
                    "AND status = 'operating'"
                )
            ).scalar_one(),
        }


# ------------------------------------------------------------------ clear one-line errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["equity", "--indicator", "speed"], "unknown indicator 'speed'"),
        (["equity", "--indicator", "nearest_km", "--by", "canton"], "unknown level 'canton'"),
        (["equity", "--indicator", "access", "--centre-type", "XYZ"], "unknown centre type"),
        (["equity", "--indicator", "nearest_km", "--threshold-km", "-5"], "not a positive"),
        (
            ["equity", "--indicator", "access", "--missing-capacity", "lots"],
            "is not median, error or a number",
        ),
        (
            ["equity", "--indicator", "access", "--missing-capacity", "-1"],
            "walouja: --missing-capacity -1 is not a number of places (0 or more) — give median, "
            "error or a number of places such as 90",
        ),
        (
            ["gaps", "--missing-capacity", "-1"],
            "walouja: --missing-capacity -1 is not a number of places (0 or more) — give median "
            "or a number of places such as 90",
        ),
        (["gaps", "--centre-type", "XYZ"], "unknown centre type"),
        # it offered gaps "error", which gaps then refused
        (
            ["gaps", "--missing-capacity", "lots"],
            "--missing-capacity 'lots' is not median or a number — give median or a number of "
            "places such as 90",
        ),
    ],
)
def test_bad_requests_give_one_line(args: list[str], message: str) -> None:
    done = _run(*args)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("walouja: ")
    assert message in lines[0]
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ national data


def test_equity_by_region_json(national: dict[str, Any], forget_runs: list[int]) -> None:
    if national["coaph"] == 0:
        pytest.fail("no operating COAPH is loaded: run `walouja load`", pytrace=False)
    out = _json(
        "equity", "--indicator", "nearest_km", "--centre-type", "COAPH",
        "--threshold-km", "30", "--by", "region", "--fresh",
    )  # fmt: skip
    forget_runs.append(out["run_id"])
    assert out["reused"] is False
    assert out["params"]["indicator"] == "nearest_km"
    assert out["indicator"]["higher_is_better"] is False
    idx = out["indices"]
    assert 0 < idx["gini"] < 1
    theil = idx["theil"]
    assert abs(theil["between"] + theil["within"] - theil["total"]) < 1e-12
    assert abs(theil["within_between_sub"] + theil["within_sub"] - theil["within"]) < 1e-12
    assert idx["n"] == national["with_pwd"]  # a commune without pwd weighs nothing
    assert idx["pwd"] == round(national["pwd"])  # persons are whole numbers
    # one row per region, every commune counted once, persons add up to the nation (each
    # within half a person of its figure)
    units = out["units"]
    assert len(units) == national["regions"]
    assert sum(u["n_communes"] for u in units) == national["communes"]
    assert sum(u["pwd"] for u in units) == pytest.approx(national["pwd"], abs=len(units) / 2)
    assert all(u["name_fr"] and u["name_fr"] != u["code"] for u in units)
    # the communes' values reproduce the regions' pwd-weighted means
    communes = out["communes"]
    assert len(communes) == national["communes"]
    lor = out["lorenz"]
    assert len(lor["population_share"]) == 101
    assert lor["value_share"][0] == 0.0
    assert lor["value_share"][-1] == pytest.approx(1.0)
    assert np.all(np.diff(lor["value_share"]) >= -1e-12)
    assert all(lor["value_share"][i] <= lor["population_share"][i] + 1e-9 for i in range(101))
    ranked = [r["unmet_need_pkm"] for r in out["rankings"]["unmet_need"]]
    assert ranked == sorted(ranked, reverse=True)
    places = [r["places_per_10k"] for r in out["rankings"]["places_per_10k"]]
    assert places == sorted(places)
    worst = out["rankings"]["indicator"][0]
    assert worst["value"] == max(u["value"] for u in units)  # farthest region first
    # HCP's urban and rural prevalences differ from the commune's overall one, so the split
    # adds up to the total pwd only closely (within 0.01 % nationally)
    split = out["urban_rural"]["pwd_urban"] + out["urban_rural"]["pwd_rural"]
    assert split == pytest.approx(national["pwd"], rel=1e-4)
    # the same request on unchanged data is served from the store
    again = _json(
        "equity", "--indicator", "nearest_km", "--centre-type", "COAPH",
        "--threshold-km", "30", "--by", "region",
    )  # fmt: skip
    assert again["reused"] is True
    assert again["run_id"] == out["run_id"]
    assert again["indices"] == out["indices"]


def test_coverage_share_and_places_by_province(
    national: dict[str, Any], forget_runs: list[int]
) -> None:
    near = _json("equity", "--indicator", "nearest_km", "--by", "province", "--fresh")
    cov = _json("equity", "--indicator", "coverage_share", "--by", "province", "--fresh")
    forget_runs.extend([near["run_id"], cov["run_id"]])
    assert len(cov["units"]) == national["tiling"] == 75
    # the national covered share is the pwd within 30 km of a COAPH over all pwd
    by_code = {c["code"]: c for c in near["communes"]}
    within = sum(c["pwd"] for c in by_code.values() if c["value"] <= 30.0)
    # (each commune's persons a whole number, within half a person of its figure)
    slack = len(by_code) / 2 / national["pwd"]
    assert cov["indices"]["mean"] == pytest.approx(within / national["pwd"], abs=slack)
    per_unit = {u["code"]: u for u in cov["units"]}
    for u in near["units"]:
        assert per_unit[u["code"]]["share_beyond"] == pytest.approx(
            1 - per_unit[u["code"]]["value"], abs=1e-12
        )
    places = _json("equity", "--indicator", "places_per_10k", "--by", "province", "--fresh")
    forget_runs.append(places["run_id"])
    for u in places["units"]:
        assert u["value"] == pytest.approx(u["places_per_10k"], rel=1e-9, abs=1e-12)


def test_equity_text_says_its_unit_once_and_aligns_small_scores() -> None:
    done = _run("equity", "--indicator", "access", "--by", "region")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(
        "2SFCA access (places per 10,000 pwd within 60 km; higher is better) — COAPH centres"
    )
    # the table's rows: the text ends with a note on demonstration centres, not a row
    table = lines[lines.index(next(x for x in lines if x.startswith("code "))) + 2 :]
    table = [ln for ln in table if not ln.startswith("note: ")]
    scores = [ln.split()[-5] for ln in table]  # the access column, then rank and 3 more
    # one number of decimals for the whole column (0.00165 and 0.00220, not 0.0022)
    assert len({len(x.split(".")[1]) for x in scores}) == 1, scores
    every = _run("equity", "--indicator", "access", "--centre-type", "any").stdout
    assert "higher is better) — centres of every type, by region — " in every.splitlines()[0]
    # ordinary figures too: the distances read 162.9 above 96.12 and 14.30
    far = _run("equity", "--indicator", "nearest_km", "--by", "region").stdout.splitlines()
    rows = far[far.index(next(x for x in far if x.startswith("code "))) + 2 :]
    rows = [ln for ln in rows if not ln.startswith("note: ")]
    for column in (-5, -1):  # nearest_km, places/10k
        figures = [ln.split()[column] for ln in rows]
        assert len({len(x.split(".")[1]) for x in figures}) == 1, figures
    places = _run("equity", "--indicator", "places_per_10k", "--by", "region").stdout
    assert places.startswith("Places per 10,000 pwd (higher is better)")
    assert "places/10k" not in places  # the indicator is that column already


def test_equity_of_access_is_in_places_per_10k_as_access_gives_it(
    forget_runs: list[int],
) -> None:
    # it printed places per person ("mean 0.00279", a region's 0.00258) beside the table's
    # places/10k column, where `walouja access` and the page give 25.8 per 10,000
    out = _json("equity", "--indicator", "access", "--by", "region", "--catchment-km", "50")
    access = _json("access", "--by", "region", "--centre-type", "COAPH", "--catchment-km", "50")
    forget_runs.extend(r["run_id"] for r in (out, access) if not r["reused"])
    assert out["indicator"]["unit"] == "places per 10,000 pwd"
    assert out["indicator"]["label"] == "2SFCA access (places per 10,000 pwd within 50 km)"
    per_region = {r["code"]: r["access_per_10k"] for r in access["rows"]}
    assert {u["code"] for u in out["units"]} == set(per_region)
    for u in out["units"]:
        assert u["value"] == pytest.approx(per_region[u["code"]], rel=1e-9, abs=1e-9), u
    # the national mean is the pwd-weighted mean of the communes', in the same unit
    communes = out["communes"]
    mean = sum(c["value"] * c["pwd"] for c in communes) / sum(c["pwd"] for c in communes)
    assert out["indices"]["mean"] == pytest.approx(mean, rel=1e-4)
    assert 1 < out["indices"]["mean"] < 1000  # places per 10,000, not per person
    ranked = {r["code"]: r["value"] for r in out["rankings"]["indicator"]}
    assert ranked == {u["code"]: u["value"] for u in out["units"]}
    # an index of inequality is the same in either unit
    assert 0 < out["indices"]["gini"] < 1
    text = _run("equity", "--indicator", "access", "--by", "region", "--catchment-km", "50")
    lines = text.stdout.splitlines()
    assert lines[0].startswith(
        "2SFCA access (places per 10,000 pwd within 50 km; higher is better) — COAPH centres"
    )
    mean_words = lines[1].split()
    assert mean_words[0] == "mean"
    assert float(mean_words[1]) == pytest.approx(out["indices"]["mean"], abs=1e-3)
    first = next(u for u in out["units"] if u["code"] == "01")
    row = next(x for x in lines if x.startswith("01 "))
    assert f"{first['value']:.2f}" in row.split(), row
    help_text = _run("equity", "--help").stdout
    assert "access (2SFCA places per 10,000 pwd" in " ".join(help_text.replace("│", "").split())


def test_gaps_json(engine: Engine, national: dict[str, Any], forget_runs: list[int]) -> None:
    out = _json("gaps", "--fresh")
    forget_runs.append(out["run_id"])
    prov = out["provinces_without_centre"]
    assert prov["provinces_total"] == national["tiling"] == 75
    with engine.connect() as c:
        served = set(
            c.execute(
                sa.text(
                    "SELECT DISTINCT m.province_code FROM centres AS c "
                    "JOIN communes AS m ON m.code = c.commune_code "
                    "WHERE c.centre_type = 'COAPH' AND c.status = 'operating'"
                )
            ).scalars()
        )
        nested = set(c.execute(sa.text("SELECT code FROM provinces WHERE is_nested")).scalars())
    listed = {r["code"] for r in prov["rows"]}
    assert not listed & served
    assert not listed & nested
    assert len(listed) + len(served - nested) == national["tiling"]
    places = out["places_per_pwd"]
    assert len(places["rows"]) == national["regions"]
    total = sum(r["places"] for r in places["rows"])
    pwd = sum(r["pwd"] for r in places["rows"])
    assert places["national_places_per_10k"] == pytest.approx(total / pwd * 1e4)
    for r in places["rows"]:
        assert r["below_national"] == (r["places_per_10k"] < places["national_places_per_10k"])
    cities = out["accessible_cities"]
    assert len(cities["rows"]) == national["regions"]
    assert cities["national"]["communes"] == sum(r["communes"] for r in cities["rows"])
    # the text table counts places in whole numbers (still missing ones rounded up)
    lines = _run("gaps").stdout.splitlines()
    assert any(ln.startswith("national rate (centres of every type): ") for ln in lines)
    table = lines[next(i for i, ln in enumerate(lines) if "places to national" in ln) :]
    for r in places["rows"]:
        cells = next(ln.split() for ln in table if ln.split()[:1] == [r["code"]])
        assert f"{round(r['places']):,}" in cells
        assert cells[-1] == f"{math.ceil(r['places_to_national'] - 1e-9):,}"


# ------------------------------------------------------------------ run functions, own centres

# centres placed for the tests inside the rolled-back transaction: (id, type, capacity, lon, lat)
TEST_CENTRES = [
    ("t-rabat", "COAPH", 120, -6.8498, 34.0209),
    ("t-marrakech", "COAPH", 80, -8.0083, 31.6295),
    ("t-oujda", "COAPH", None, -1.9086, 34.6814),
    ("t-agadir", "CAS", 60, -9.5981, 30.4278),
    ("t-fes-planned", "COAPH", 50, -4.9998, 34.0331),
]


@pytest.fixture
def own_centres(conn: Connection) -> Connection:
    """The loaded geography with only the test centres (inside the rolled-back transaction)."""
    if not conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one():
        pytest.fail("the communes are not loaded: run `walouja load` (make test does)")
    conn.execute(sa.text("DELETE FROM centres"))
    conn.execute(sa.text("DELETE FROM accessible_cities"))
    for ext, kind, cap, lon, lat in TEST_CENTRES:
        conn.execute(
            sa.text(
                "INSERT INTO centres (external_id, name, centre_type, capacity, status, geom, "
                "source) VALUES (:ext, :name, :kind, :cap, :status, "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test')"
            ),
            {
                "ext": ext,
                "name": f"Centre {ext}",
                "kind": kind,
                "cap": cap,
                "status": "planned" if "planned" in ext else "operating",
                "lon": lon,
                "lat": lat,
            },
        )
    return conn


def test_run_equity_matches_a_brute_force_check(own_centres: Connection) -> None:
    out = run_equity(own_centres, indicator="nearest_km", by="province", centre_type="COAPH")
    assert out.reused is False
    res = out.results
    assert res["n_centres"] == 3  # the planned one and the CAS do not count
    # independent check: every commune against every operating COAPH, brute force
    demand = load_demand(own_centres)
    coaph = [c for c in TEST_CENTRES if c[1] == "COAPH" and "planned" not in c[0]]
    dist = great_circle_km(
        demand["lon"].to_numpy()[:, None],
        demand["lat"].to_numpy()[:, None],
        np.array([c[3] for c in coaph])[None, :],
        np.array([c[4] for c in coaph])[None, :],
    ).min(axis=1)
    values = {c["code"]: c["value"] for c in res["communes"]}
    np.testing.assert_allclose([values[c] for c in demand["code"]], dist, rtol=1e-12)
    ref = equity_indices(
        dist, demand["pwd"], groups=demand["region_code"], subgroups=demand["province_code"]
    )
    assert res["indices"]["gini"] == pytest.approx(ref.gini, abs=1e-12)
    assert res["indices"]["theil"]["total"] == pytest.approx(ref.theil.total, abs=1e-12)
    assert res["indices"]["theil"]["between"] == pytest.approx(ref.theil.between, abs=1e-12)
    assert res["indices"]["palma"] == pytest.approx(ref.palma, rel=1e-12)
    # unmet need beyond 30 km, per province, by hand from the same distances
    far = np.maximum(dist - 30.0, 0.0) * demand["pwd"].to_numpy()
    by_prov = pd.Series(far).groupby(demand["province_code"].to_numpy()).sum()
    for u in res["units"]:
        assert u["unmet_need_pkm"] == pytest.approx(by_prov[u["code"]], rel=1e-9, abs=1e-6)
    # Rabat's province has its COAPH's 120 places; Oujda's unknown capacity gets the median
    places = {u["code"]: u["places"] for u in res["units"] if u["places"]}
    assert sorted(places.values()) == [80.0, 100.0, 120.0]
    assert res["capacity_filled"] == 1
    again = run_equity(own_centres, indicator="nearest_km", by="province", centre_type="COAPH")
    assert again.reused is True
    assert again.run_id == out.run_id


def test_a_new_centre_makes_a_new_run(own_centres: Connection) -> None:
    before = run_equity(own_centres, indicator="nearest_km", by="region")
    far = max(before.results["communes"], key=lambda c: c["value"])
    own_centres.execute(
        sa.text(
            "INSERT INTO centres (external_id, name, centre_type, capacity, status, geom, "
            "source) SELECT 'test-far', 'Centre du Sud', 'COAPH', 40, 'operating', "
            "demand_point, 'test' FROM communes WHERE code = :code"
        ),
        {"code": far["code"]},
    )
    after = run_equity(own_centres, indicator="nearest_km", by="region")
    assert after.reused is False
    assert after.run_id != before.run_id
    values = {c["code"]: c["value"] for c in after.results["communes"]}
    assert values[far["code"]] == pytest.approx(0.0, abs=1e-6)
    assert after.results["indices"]["mean"] < before.results["indices"]["mean"]


def test_run_gaps_by_hand(own_centres: Connection) -> None:
    served = set(
        own_centres.execute(
            sa.text(
                "SELECT m.province_code FROM centres AS c JOIN communes AS m "
                "ON m.code = c.commune_code WHERE c.centre_type = 'COAPH' "
                "AND c.status = 'operating'"
            )
        ).scalars()
    )
    assert len(served) == 3  # Rabat, Marrakech and Oujda lie in three provinces
    for ext, stage, at in (
        ("ac-1", "completed", "t-rabat"),
        ("ac-2", "works_under_way", "t-agadir"),
    ):
        own_centres.execute(
            sa.text(
                "INSERT INTO accessible_cities (external_id, name, stage, geom, source) "
                "SELECT :ext, 'Ville test', :stage, c.geom, 'test' FROM centres AS c "
                "WHERE c.external_id = :at"
            ),
            {"ext": ext, "stage": stage, "at": at},
        )
    out = run_gaps(own_centres).results
    prov = out["provinces_without_centre"]
    assert prov["provinces_total"] == 75
    assert prov["provinces_without"] == 72
    assert not {r["code"] for r in prov["rows"]} & served
    fes = own_centres.execute(
        sa.text(
            "SELECT m.province_code FROM centres AS c JOIN communes AS m "
            "ON m.code = c.commune_code WHERE c.external_id = 't-fes-planned'"
        )
    ).scalar_one()
    assert next(r for r in prov["rows"] if r["code"] == fes)["planned"] == 1
    places = out["places_per_pwd"]
    national_pwd = own_centres.execute(sa.text("SELECT sum(pwd) FROM regions")).scalar_one()
    # operating places: 120 + 80 + 60, and Oujda's unknown capacity counts the median of
    # the known ones (80), as equity and access count it
    assert places["national_places_per_10k"] == pytest.approx(340 / float(national_pwd) * 1e4)
    assert places["unknown_capacity"] == 1
    assert places["unknown_capacity_places"] == 80.0
    as_zero = run_gaps(own_centres, missing_capacity=0).results["places_per_pwd"]
    assert as_zero["national_places_per_10k"] == pytest.approx(260 / float(national_pwd) * 1e4)
    assert places["regions_below"] == sum(r["below_national"] for r in places["rows"])
    cities = out["accessible_cities"]
    assert cities["national"]["completed"] == 1
    assert cities["national"]["works_under_way"] == 1
    assert cities["national"]["communes"] == 2
    rows = [r for r in cities["rows"] if r["communes"]]
    assert len(rows) == 2  # Rabat and Agadir are in two regions


def test_gaps_of_a_type_with_no_operating_centre_say_so_not_a_rate_of_zero(
    engine: Engine, forget_runs: list[int]
) -> None:
    # `walouja gaps --places-type other` printed "national rate (centres of type other): 0.00
    # places per 10,000 pwd; 0 regions below it" over a table of zeros, as a finding
    with engine.connect() as c:
        n = c.execute(
            sa.text("SELECT count(*) FROM centres WHERE centre_type = 'other'")
        ).scalar_one()
    assert n == 0, "expects the demonstration centres, which have no type 'other'"
    forget_runs.append(_json("gaps", "--places-type", "other", "--fresh")["run_id"])
    done = _run("gaps", "--places-type", "other")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    said = "national rate (centres of type other): no operating centre, so no places to compare"
    assert said in lines
    assert not any(line.startswith("code ") and "places/10k" in line for line in lines)
    # a type with centres still gets its rate and table
    coaph = _run("gaps", "--places-type", "COAPH").stdout
    assert "national rate (centres of type COAPH): " in coaph
    assert "places per 10,000 pwd;" in coaph
