"""`walouja prioritise` / `walouja scenarios` on a hand-made geography inside a rolled-back test.

Twelve communes on a line at latitude 33°, 0.1° of longitude apart (9.33 km), 100 persons
with disabilities each except communes 7 (300), 8 (1,000) and 9 (200); communes 0–5 in
province P1, 6–11 in P2; one operating COAPH on commune 0. Within 10 km the COAPH covers
communes 0 and 1 (200 persons); a site covers itself and its two neighbours, so the best
single new site is commune 8 (300 + 1,000 + 200 = 1,500 more; 7 gives 1,400, 9 gives 1,300).
It is also the p-median's best site: 2,500 person-steps against 3,300 for 7 and 3,600 for 9.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.candidate_sites import layer_candidates, parse_layer_set
from geo.runs import save_run
from walouja.errors import AnalysisError, DataError, InfeasibleError, NotFoundError
from walouja.services.prioritise import (
    candidates_changed,
    compare_scenarios,
    list_scenarios,
    load_scenario,
    run_prioritise,
)

LON0, LAT0, STEP = -7.0, 33.0, 0.1


def _code(k: int) -> str:
    return f"99.{901 + (k >= 6)}.01.{k:02d}"


@pytest.fixture
def line(conn: Connection) -> Connection:
    """The twelve-commune geography (and only it) inside the test's transaction."""
    for table in ("centres", "commune_match_report", "communes", "provinces", "regions"):
        if conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": f"public.{table}"}).scalar():
            conn.execute(sa.text(f"DELETE FROM {table}"))
    square = "ST_Multi(ST_MakeEnvelope(:lon - 0.05, :lat - 0.05, :lon + 0.05, :lat + 0.05, 4326))"
    figures = (
        "population, pwd, disability_prevalence, area_km2, geom, geom_display, source, is_demo"
    )
    values = f":pop, :pwd, 5.0, 100.0, {square}, {square}, 'test', true"
    conn.execute(
        sa.text(
            f"INSERT INTO regions (code, name_fr, name_ar, {figures}) "
            f"VALUES ('99', 'Ligne', 'خط', {values})"
        ),
        {"lon": LON0, "lat": LAT0, "pop": 48000, "pwd": 2100.0},
    )
    for code, name in (("99.901", "Ouest"), ("99.902", "Est")):
        conn.execute(
            sa.text(
                f"INSERT INTO provinces (code, name_fr, name_ar, province_type, region_code, "
                f"{figures}) VALUES (:code, :name, :name, 'province', '99', {values})"
            ),
            {"code": code, "name": name, "lon": LON0, "lat": LAT0, "pop": 24000, "pwd": 1000.0},
        )
    for k in range(12):
        pwd = {7: 300.0, 8: 1000.0, 9: 200.0}.get(k, 100.0)
        conn.execute(
            sa.text(
                "INSERT INTO communes (code, name_fr, name_ar, commune_type, province_code, "
                "region_code, population, population_urban, population_rural, "
                "disability_prevalence, pwd, pwd_urban, pwd_rural, match_method, area_km2, "
                f"geom, geom_display, demand_point, source, is_demo) VALUES (:code, :name, "
                ":name, 'rural', :prov, '99', :pop, 0, :pop, 5.0, :pwd, 0, :pwd, 'direct', "
                f"100.0, {square}, {square}, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), "
                "'test', true)"
            ),
            {
                "code": _code(k),
                "name": f"Commune {k}",
                "prov": "99.901" if k < 6 else "99.902",
                "pop": int(pwd * 20),
                "pwd": pwd,
                "lon": LON0 + STEP * k,
                "lat": LAT0,
            },
        )
    conn.execute(
        sa.text(
            "INSERT INTO centres (external_id, name, centre_type, capacity, status, geom, "
            "source, is_demo) VALUES ('t-coaph-0', 'COAPH test', 'COAPH', 50, 'operating', "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true)"
        ),
        {"lon": LON0, "lat": LAT0},
    )
    return conn


def test_mclp_picks_the_hand_checked_site_and_is_stored(line: Connection) -> None:
    first = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name="one")
    r = first.results
    assert not first.reused
    assert r["optimal"] is True
    assert r["gap"] == pytest.approx(0.0)
    assert r["n_existing"] == 1
    assert r["pwd_covered_before"] == pytest.approx(200.0)
    assert r["pwd_covered_after"] == pytest.approx(1700.0)
    assert [s["commune_code"] for s in r["sites"]] == [_code(8)]
    site = r["sites"][0]
    assert site["gain"] == pytest.approx(1500.0)
    assert site["rank"] == 1
    assert site["lon"] == pytest.approx(LON0 + 0.8)
    assert site["lat"] == pytest.approx(LAT0)
    assert r["greedy"]["shortfall"] == pytest.approx(0.0)
    again = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name="one")
    assert again.reused
    assert again.run_id == first.run_id
    assert any(s["id"] == first.run_id for s in list_scenarios(line))


def test_a_name_given_for_a_stored_scenario_is_kept(line: Connection) -> None:
    first = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0)
    # the same request with a name: the stored run takes it (it had none)
    named = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name="Plan A")
    assert named.reused
    assert named.run_id == first.run_id
    listed = {s["id"]: s for s in list_scenarios(line)}
    assert listed[first.run_id]["name"] == "Plan A"
    # another name: the run named "Plan A" keeps it, a copy carries "Plan B"
    other = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name="Plan B")
    assert other.reused
    assert other.run_id != first.run_id
    assert other.results == first.results
    names = {s["id"]: s["name"] for s in list_scenarios(line)}
    assert names[first.run_id] == "Plan A"
    assert names[other.run_id] == "Plan B"
    # each listed scenario says whether it was proven
    assert listed[first.run_id]["optimal"] is True
    assert listed[first.run_id]["status"] == "optimal"
    assert listed[first.run_id]["gap"] == 0.0


def test_the_pages_request_and_the_clis_are_one_scenario(line: Connection) -> None:
    # the page always sends the unit cost and its own time limit; the CLI its defaults
    page = run_prioritise(
        line, centre_type="COAPH", new=1, radius_km=10.0, cost_mad=5e6, time_limit_s=30.0
    )
    assert page.results["optimal"] is True
    assert page.results["total_cost_mad"] == pytest.approx(5e6)
    cli = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0)
    assert cli.reused
    assert cli.run_id == page.run_id
    # another cost is another scenario (the results carry the cost)
    dearer = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, cost_mad=6e6)
    assert not dearer.reused
    assert dearer.results["total_cost_mad"] == pytest.approx(6e6)


def test_per_province_minimum_holds(line: Connection) -> None:
    spread = run_prioritise(line, centre_type="COAPH", new=3, radius_km=10.0, min_per_province=2)
    provinces = [s["province_code"] for s in spread.results["sites"]]
    assert provinces.count("99.901") + 1 >= 2  # the COAPH on commune 0 counts for P1
    assert provinces.count("99.902") >= 2
    # e.g. sites 7 (6-7-8) and 10 (9-10-11) in P2 and 3 (2-3-4) in P1: three disjoint
    # triples besides the COAPH's pair leave one 100 uncovered, 2,400 - 100 (several ties)
    assert spread.results["objective"] == pytest.approx(2300.0)
    assert spread.results["optimal"] is True


def test_compare_two_scenarios(line: Connection) -> None:
    free = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0)
    without_8 = run_prioritise(
        line, centre_type="COAPH", new=1, radius_km=10.0, excluded=[_code(8)]
    )
    # free: 200 + 1,500 (site 8); without 8: 200 + 1,400 (site 7 covers 6-7-8)
    assert free.results["objective"] == pytest.approx(1700.0)
    assert without_8.results["objective"] == pytest.approx(1600.0)
    diff = compare_scenarios(line, free.run_id, without_8.run_id)
    assert diff["params_differ"] == {"excluded": {"a": [], "b": [_code(8)]}}
    assert diff["headline"]["objective"] == {"a": 1700.0, "b": 1600.0}
    assert diff["sites_only_a"] == [_code(8)]
    assert diff["sites_only_b"] == [_code(7)]
    assert {r["province"] for r in diff["by_province"]} == {"99.901", "99.902"}
    p2 = next(r for r in diff["by_province"] if r["province"] == "99.902")
    assert p2["difference"] == pytest.approx(-100.0)  # 9 (200) lost, 6 (100) gained
    assert p2["name_fr"] == "Est"
    assert diff["site_names_ar"][_code(8)] == "Commune 8"  # the commune's own (Arabic) name


def test_pmedian_and_budget(line: Connection) -> None:
    pm = run_prioritise(line, centre_type="COAPH", model="pmedian", new=1, radius_km=10.0)
    assert pm.results["optimal"] is True
    assert pm.results["sites"][0]["commune_code"] == _code(8)
    assert pm.results["pwd_covered_after"] == pytest.approx(1700.0)
    budget = run_prioritise(
        line, centre_type="COAPH", budget_mad=10e6, cost_mad=4e6, radius_km=10.0
    )
    assert len(budget.results["sites"]) == 2
    assert budget.results["total_cost_mad"] == pytest.approx(8e6)


def test_a_budget_one_dirham_short_buys_one_centre_less(line: Connection) -> None:
    # HiGHS's tolerance once let three 5,000,000 MAD centres through a 14,999,999 budget
    for budget, count in ((15_000_000, 3), (14_999_999, 2), (14_999_999.5, 2)):
        r = run_prioritise(
            line, centre_type="COAPH", budget_mad=budget, cost_mad=5e6, radius_km=10.0
        ).results
        assert len(r["sites"]) == count, budget
        assert r["total_cost_mad"] <= budget
        assert r["optimal"] is True


def test_capacities_count_persons_served(line: Connection) -> None:
    # the COAPH has 50 places for the 200 persons of communes 0-1; a new centre with 600
    # places serves 600 wherever it reaches that many unserved persons (sites 7, 8 or 9)
    r = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, new_capacity=600).results
    assert r["optimal"] is True
    assert r["pwd_covered_before"] == pytest.approx(50.0)
    assert r["pwd_covered_after"] == pytest.approx(650.0)
    assert r["sites"][0]["commune_code"] in {_code(7), _code(8), _code(9)}
    assert r["sites"][0]["gain"] == pytest.approx(600.0)
    assert r["greedy"]["shortfall"] == pytest.approx(0.0)
    # 150 places: the unserved 150 of communes 0-1 (and 2) are as good a use as any other
    small = run_prioritise(line, centre_type="COAPH", new=3, radius_km=10.0, new_capacity=150)
    assert small.results["pwd_covered_after"] == pytest.approx(50.0 + 3 * 150.0)
    # the capacitated p-median serves everybody (5,000 places at site 8) by distance; its
    # coverage figures are the MCLP's: 50 served within 10 km before, 50 + 1,500 after
    for model in ("mclp", "pmedian"):
        both = run_prioritise(
            line, centre_type="COAPH", model=model, new=1, radius_km=10.0, new_capacity=5000
        ).results
        assert [s["commune_code"] for s in both["sites"]] == [_code(8)]
        assert both["pwd_covered_before"] == pytest.approx(50.0)
        assert both["pwd_covered_after"] == pytest.approx(1550.0)


def test_a_centre_without_capacity_counts_the_median_places(line: Connection) -> None:
    # a second COAPH, capacity unknown, on commune 11 (communes 10-11, 200 persons, in
    # reach): it gets the median of the known capacities, the 50 places of the first, not
    # unlimited places that would serve all 200
    _centre(line, "t-coaph-11", "COAPH", LON0 + STEP * 11)
    r = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, new_capacity=5000)
    assert r.params["missing_capacity"] == "median"
    assert r.results["capacity_filled"] == 1
    assert r.results["pwd_covered_before"] == pytest.approx(50.0 + 50.0)
    plain = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0).results
    assert "capacity_filled" not in plain  # without capacities, places do not count


def test_infeasible_and_bad_requests_name_the_problem(line: Connection) -> None:
    with pytest.raises(InfeasibleError, match="cannot pay for at least 2 centre"):
        # Ouest has the one COAPH and needs 1 more, Est needs 2: 15 M MAD, more than 6 M
        run_prioritise(line, centre_type="COAPH", budget_mad=6e6, cost_mad=5e6, min_per_province=2)
    # a budget below the price of one centre is refused whatever the other rules
    with pytest.raises(InfeasibleError, match="buys no COAPH centre, one costs 5,000,000") as got:
        run_prioritise(line, centre_type="COAPH", budget_mad=10)
    assert got.value.code == "budget_buys_nothing"
    assert got.value.params == {"budget": 10, "cost": 5e6, "type": "COAPH"}
    with pytest.raises(InfeasibleError, match="per province"):
        run_prioritise(line, centre_type="COAPH", new=1, min_per_province=2)
    with pytest.raises(NotFoundError, match="unknown model"):
        run_prioritise(line, new=1, model="pcenter")
    with pytest.raises(NotFoundError, match="unknown centre type"):
        run_prioritise(line, new=1, centre_type="XYZ")
    with pytest.raises(AnalysisError, match="--new"):
        run_prioritise(line)
    with pytest.raises(NotFoundError, match="no candidate site"):
        run_prioritise(line, new=1, forced=["00.000.00.0"])


STORED: list[int] = []
"""Ids of the scenarios the commands of this module computed and stored (``_cli``)."""
_NEW_SCENARIO = re.compile(r"^scenario (\d+)(?!\d| \(stored)", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def _forget_scenarios(engine: Engine) -> Iterator[None]:
    """Delete the scenarios this module's commands stored, once it is done: they stayed, and
    the Prioritise page's tests of the next run reopened them as their own (a scenario
    proven optimal is reused whatever its time limit: the page showed 20 s, not its 30)."""
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": STORED})
    STORED.clear()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``walouja ARGS``; note the scenario it computed and stored, if any."""
    done = subprocess.run(
        [sys.executable, "-m", "walouja.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == 0 and args[0] == "prioritise":
        try:
            out = json.loads(done.stdout)
        except ValueError:
            STORED.extend(int(found) for found in _NEW_SCENARIO.findall(done.stdout))
        else:
            if not out.get("reused"):
                STORED.append(int(out["run_id"]))
    return done


def test_the_scenarios_the_commands_store_are_noted_to_be_deleted() -> None:
    # each stayed in the database after the tests, and the next run's page tests took them
    # for their own; a stored one reused is another's and stays
    noted = len(STORED)
    done = _cli("prioritise", "--new", "1", "--radius-km", "29.5", "--fresh", "--json")
    run_id = json.loads(done.stdout)["run_id"]
    assert STORED[noted:] == [run_id]
    text = _cli("prioritise", "--new", "2", "--radius-km", "29.5", "--fresh")
    assert text.returncode == 0, text.stderr
    assert len(STORED) == noted + 2
    assert text.stdout.startswith(f"scenario {STORED[-1]}: ")
    again = _cli("prioritise", "--new", "1", "--radius-km", "29.5")
    assert again.stdout.startswith(f"scenario {run_id} (stored): ")
    assert len(STORED) == noted + 2


def _centre(conn: Connection, external_id: str, kind: str, lon: float) -> None:
    """An operating centre of ``kind`` without a capacity, on the test line at ``lon``."""
    conn.execute(
        sa.text(
            "INSERT INTO centres (external_id, name, centre_type, status, geom, source, is_demo) "
            "VALUES (:id, :name, :kind, 'operating', "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true)"
        ),
        {"id": external_id, "name": f"{kind} {external_id}", "kind": kind, "lon": lon, "lat": LAT0},
    )


def _commune_name(conn: Connection, code: str) -> str:
    return str(
        conn.execute(sa.text("SELECT name_fr FROM communes WHERE code = :c"), {"c": code}).scalar()
    )


def _eps(conn: Connection, k: int) -> None:
    _centre(conn, f"t-eps-{k}", "EPS", LON0 + STEP * k)


def test_a_layer_gives_the_candidate_sites(line: Connection) -> None:
    # EPS homes on communes 3 and 8 as the only candidate sites: 8 adds 1,500 (see above),
    # 3 only its own 100 + 100 + 100
    _eps(line, 3)
    _eps(line, 8)
    sites = layer_candidates(line, "centres", type_value="EPS")
    assert sorted(sites.frame["label"]) == ["centres:t-eps-3", "centres:t-eps-8"]
    assert sites.source.startswith("layer centres EPS#")
    assert parse_layer_set(sites.source) == ("centres", "EPS")
    assert parse_layer_set("sites.csv#0123") is None
    scenario = run_prioritise(
        line,
        centre_type="COAPH",
        new=1,
        radius_km=10.0,
        candidates=sites.frame,
        candidates_source=sites.source,
    )
    (site,) = scenario.results["sites"]
    assert (site["site_id"], site["commune_code"]) == ("centres:t-eps-8", _code(8))
    assert site["gain"] == pytest.approx(1500.0)
    assert scenario.params["candidates"] == sites.source
    # a moved row is another candidate set, not the stored scenario
    line.execute(
        sa.text(
            "UPDATE centres SET geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) "
            "WHERE external_id = 't-eps-3'"
        ),
        {"lon": LON0 + STEP * 4, "lat": LAT0},
    )
    assert layer_candidates(line, "centres", type_value="EPS").source != sites.source
    # the whole layer, and the refusals
    assert len(layer_candidates(line, "centres").frame) == 3  # with the COAPH
    assert layer_candidates(line, "centres", type_value="eps").source.startswith(
        "layer centres EPS#"
    )
    with pytest.raises(DataError, match=r"centres \(centre_type = CAPE\) holds no point"):
        layer_candidates(line, "centres", type_value="CAPE")
    with pytest.raises(DataError, match="the layer beaches has no type to choose"):
        layer_candidates(line, "beaches", type_value="sand")
    with pytest.raises(DataError, match="centre_type has no value 'EPZ'"):
        layer_candidates(line, "centres", type_value="EPZ")


def test_compare_tells_two_sites_in_one_commune_apart(line: Connection) -> None:
    _eps(line, 8)
    _centre(line, "t-eps-8b", "EPS", LON0 + STEP * 8 + 0.01)  # ~1 km east, same commune
    sites = layer_candidates(line, "centres", type_value="EPS")
    runs = [
        run_prioritise(
            line,
            centre_type="COAPH",
            new=1,
            radius_km=10.0,
            candidates=sites.frame,
            candidates_source=sites.source,
            forced=[site],
        )
        for site in ("centres:t-eps-8", "centres:t-eps-8b")
    ]
    assert {s["commune_code"] for r in runs for s in r.results["sites"]} == {_code(8)}
    diff = compare_scenarios(line, runs[0].run_id, runs[1].run_id)
    assert diff["sites_only_a"] == ["centres:t-eps-8"]
    assert diff["sites_only_b"] == ["centres:t-eps-8b"]
    assert diff["sites_both"] == []
    # the kept sites are named, not only given by their ids
    assert diff["params_differ"]["forced"] == {"a": ["centres:t-eps-8"], "b": ["centres:t-eps-8b"]}
    assert diff["site_names"]["centres:t-eps-8"] == "EPS t-eps-8"
    assert diff["site_names"]["centres:t-eps-8b"] == "EPS t-eps-8b"
    # the commune of the sites is named too (a commune's site is named by it)
    assert diff["site_names"][_code(8)] == _commune_name(line, _code(8))
    assert diff["objective_unit"] == {"a": "persons covered", "b": "persons covered"}
    with pytest.raises(DataError, match="compared with itself"):
        compare_scenarios(line, runs[0].run_id, runs[0].run_id)
    # an MCLP beside a p-median: no province figure is measured by both
    pm = run_prioritise(line, centre_type="COAPH", model="pmedian", new=1, radius_km=10.0)
    mixed = compare_scenarios(line, runs[0].run_id, pm.run_id)
    assert mixed["by_province_field"] is None
    assert mixed["by_province"] == []
    assert mixed["by_province_differs"] == "models"
    assert mixed["objective_unit"] == {"a": "persons covered", "b": "person-km"}
    # covered beside served within places: not alike either
    served = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, new_capacity=5000)
    apart = compare_scenarios(line, runs[0].run_id, served.run_id)
    assert (apart["by_province_field"], apart["by_province_differs"]) == (None, "places")


def test_cli_takes_candidate_sites_from_a_layer_or_a_file(tmp_path: Any) -> None:
    done = _cli(
        "prioritise", "--new", "2", "--candidates-layer", "centres",
        "--candidates-type", "EPS", "--json", "--fresh",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["params"]["candidates"].startswith("layer centres EPS#")
    assert len(out["sites"]) == 2
    assert all(s["site_id"].startswith("centres:") for s in out["sites"])
    path = tmp_path / "sites.csv"
    path.write_text("id;nom;lon;lat\nR1;Rabat;-6.8416;34.0209\nF1;Fès;-5.0003;34.0331\n")
    done = _cli("prioritise", "--new", "1", "--candidates", str(path), "--json", "--fresh")
    assert done.returncode == 0, done.stderr
    (site,) = json.loads(done.stdout)["sites"]
    assert site["site_id"] in {"R1", "F1"}


def test_cli_a_name_on_several_lines_is_listed_on_one(engine: Engine) -> None:
    # `--name $'Plan\nB'` was stored as typed: its line of `walouja scenarios list` broke in two
    done = _cli("prioritise", "--new", "1", "--radius-km", "29.5", "--name", "Plan\nB\t2026")
    assert done.returncode == 0, done.stderr
    run_id = int(done.stdout.split(":")[0].split()[1])
    listed = _cli("scenarios", "list").stdout.splitlines()
    (line,) = [x for x in listed if x.lstrip().startswith(f"{run_id} ")]
    assert line.endswith("“Plan B 2026”"), line
    with engine.begin() as c:
        c.execute(
            sa.text("UPDATE analysis_runs SET name = NULL WHERE id = :id AND name = :name"),
            {"id": run_id, "name": "Plan B 2026"},
        )


def test_cli_a_mistyped_site_of_a_file_is_refused_naming_the_closest(tmp_path: Any) -> None:
    # "--force r1" for the file's R1 said "no candidate site 'r1'" and how ids are made, not
    # which ids the file has: the closest is named, with its name
    path = tmp_path / "sites.csv"
    path.write_text("id;nom;lon;lat\nR1;Rabat;-6.8416;34.0209\nF1;Fès;-5.0003;34.0331\n")
    for typed in ("r1", "Rabat"):
        done = _cli("prioritise", "--new", "1", "--candidates", str(path), "--exclude", typed)
        assert done.returncode == 1
        assert done.stderr.startswith(
            f"walouja: excluded: no candidate site '{typed}' — name a candidate site by its "
            "id, such as R1 for Rabat: a file's id column"
        ), done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["prioritise", "--new", "1", "--candidates", "a.csv", "--candidates-layer", "beaches"],
            "give --candidates or --candidates-layer, not both",
        ),
        (["prioritise", "--new", "1", "--candidates-type", "EPS"], "needs --candidates-layer"),
        (["prioritise", "--new", "1", "--candidates-layer", "roads"], "unknown layer 'roads'"),
        (["prioritise", "--new", "1", "--model", "pcenter"], "unknown model 'pcenter'"),
        (["prioritise", "--new", "1", "--centre-type", "XYZ"], "unknown centre type"),
        (
            ["prioritise", "--new", "1", "--radius-km", "-3"],
            # it read "the radius must be a positive number of km, got -3.0"
            "--radius-km -3 is not a positive number of km — give a number above 0",
        ),
        (
            ["prioritise", "--new", "2", "--min-per-province", "1"],
            # the refusal named the constraint but not the options that change it
            "more than the 2 requested — ask for more new centres (--new), or lower "
            "--min-per-province",
        ),
        (
            ["prioritise", "--new", "2", "--force", "04.421.01.01"],
            # it said no more: what names a site; its example was that very code, which no
            # commune has (Rabat is 04.421.01.0): it is now the closest that exists
            "forced: no candidate site '04.421.01.01' — name a commune by its code, such as "
            "04.421.01.0 for Rabat;",
        ),
        (["prioritise"], "--new"),
        (["prioritise", "--new", "0"], "--new 0 asks for no new centre"),
        (
            ["prioritise", "--new", "3", "--budget-mad", "10"],
            "budget: 10 MAD buys no COAPH centre, one costs 5,000,000 MAD",
        ),
        # refused whether or not a proven scenario is stored (--time-limit -5 was then taken)
        (
            ["prioritise", "--new", "3", "--time-limit", "-5"],
            "--time-limit -5 is not a positive number of seconds — give the solver's time",
        ),
        # beyond the threads' longest timeout, the solver's timer died with a traceback
        (
            ["prioritise", "--new", "3", "--time-limit", "1e12"],
            "--time-limit 1e+12 is more than a day — give at most 86,400 seconds",
        ),
        (["prioritise", "--new", "3", "--cost-mad", "-5"], "--cost-mad -5 is not a cost — give"),
        # it said "HiGHS rejected the model", and no more
        (
            ["prioritise", "--new", "3", "--new-capacity", "1e15"],
            "--new-capacity 1e+15 is more places than a centre has — give at most 100,000 places",
        ),
        (
            ["prioritise", "--new", "3", "--new-capacity", "0"],
            "--new-capacity 0 leaves a new centre no places: it would serve nobody — give",
        ),
        (
            ["prioritise", "--new", "3", "--min-per-province", "-1"],
            "--min-per-province -1 is not a number of centres — give 0 (no minimum) to 100",
        ),
        (
            ["scenarios", "compare", "999999998", "999999999"],
            # it said no more: the ids are in the list
            "there is no stored analysis run 999999998 — `walouja scenarios list` gives the ids",
        ),
        (
            ["scenarios", "show", "999999999"],
            "there is no stored analysis run 999999999 — `walouja scenarios list` gives the ids",
        ),
        (["scenarios", "compare", "7", "7"], "scenario 7 compared with itself"),
    ],
)
def test_cli_errors_are_one_line(args: list[str], message: str) -> None:
    done = _cli(*args)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_says_served_when_centres_have_places() -> None:
    done = _cli("prioritise", "--new", "1", "--new-capacity", "100", "--radius-km", "30")
    assert done.returncode == 0, done.stderr
    assert "persons with disabilities served within 30 km" in done.stdout.splitlines()[0]
    # the plan's money is in MAD: what the proposal would cost at the default unit cost
    assert "cost of the new centres: 5,000,000 MAD (1 × 5,000,000 MAD)" in done.stdout


def test_cli_says_how_sites_that_all_fill_their_places_were_chosen() -> None:
    # 3 new COAPH of 100 places: nationally every site fills them, so the number served
    # does not choose the sites; the coverage does, and the output says so
    done = _cli("prioritise", "--new", "3", "--new-capacity", "100", "--radius-km", "30")
    assert done.returncode == 0, done.stderr
    assert (
        "note: among the sets of sites that serve as many persons, the one that brings the "
        "most within 30 km of a centre" in done.stdout
    )
    gains = [ln.split()[-1] for ln in done.stdout.splitlines() if re.match(r"\s+\d  \d", ln)]
    assert gains == ["100", "100", "100"], done.stdout


def test_cli_places_a_single_centre_by_comparing_every_candidate() -> None:
    # the national p-median with the COAPH fixed and one new centre used to stop at the
    # 60 s limit with no proven bound: one site to place is decided by trying each
    done = _cli("prioritise", "--new", "1", "--model", "pmedian", "--fresh")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert re.search(r"optimal \(each of the 1,\d{3} candidate sites compared\)", first), first
    done = _cli("prioritise", "--new", "1", "--model", "pmedian", "--fresh", "--json")
    out = json.loads(done.stdout)
    assert out["optimal"] is True
    assert out["solution_source"] == "enumeration"
    assert out["gap"] == 0.0
    assert len(out["sites"]) == 1


def test_cli_says_why_fewer_sites_than_asked_and_names_the_gain() -> None:
    done = _cli("prioritise", "--new", "2000")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    note = next(x for x in lines if x.startswith("note: only "))
    assert re.fullmatch(
        r"note: only \d{3} of the 2,000 new centres asked for add anything; the others would "
        r"cover nobody new",
        note,
    ), note
    assert "(persons newly covered)" in next(x for x in lines if x.startswith("rank"))
    done = _cli("prioritise", "--new", "2", "--model", "pmedian")
    first = done.stdout.splitlines()[0]
    # what the p-median minimised, before and after
    assert re.search(r"distance to the nearest centre × persons: [\d,]+ → [\d,]+ person-km", first)
    assert "(person-km saved)" in done.stdout


def test_cli_says_when_the_budget_pays_for_fewer_centres_than_asked() -> None:
    # --new 4 with a budget for 2 placed 2 and did not say why
    done = _cli("prioritise", "--new", "4", "--budget-mad", "12000000", "--time-limit", "20")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == (
        "note: the budget of 12,000,000 MAD pays for 2 new centres of 5,000,000 MAD, fewer "
        "than the 4 asked for"
    )
    assert sum(1 for x in lines if re.match(r"\s+\d+\s+\d\d\.\d{3}", x)) == 2
    # a percent as the gap writes one ("0.00 %" stood beside "gap 0.00%"); the line before
    # the demonstration data's note (7b67133)
    greedy = next(x for x in lines if x.startswith("greedy"))
    assert re.fullmatch(
        r"greedy \(the best site one at a time, for comparison\): objective [\d,]+, short by "
        r"\d+\.\d\d%",
        greedy,
    ), greedy
    enough = _cli("prioritise", "--new", "2", "--budget-mad", "12000000", "--time-limit", "20")
    # the budget pays for what was asked: no note but the demonstration data's (7b67133)
    notes = [x for x in enough.stdout.splitlines() if x.startswith("note:")]
    assert all(x.endswith("demonstration data, not real places") for x in notes), notes
    ids = [
        str(json.loads(_cli("prioritise", "--new", "2", *budget, "--json").stdout)["run_id"])
        for budget in (["--budget-mad", "12000000"], [])
    ]
    compared = _cli("scenarios", "compare", *ids).stdout.splitlines()
    # it read "request budget_mad: 12000000.0 → None"
    assert compared[0] == "request budget_mad: 12,000,000 → —"
    listed = _cli("scenarios", "list").stdout
    assert (
        "mclp COAPH, 2 new, budget 12,000,000 MAD at 5,000,000 MAD a centre, within 30 km, "
        "candidates communes" in listed
    )


def test_cli_exports_a_scenarios_sites_with_the_databases_codes(
    engine: Engine, tmp_path: Path
) -> None:
    # the CLI had no way to write the sites the app downloads; their codes must come back
    # as the database's ("04", not 4)
    done = _cli("prioritise", "--new", "3", "--time-limit", "20", "--json")
    assert done.returncode == 0, done.stderr
    run_id = json.loads(done.stdout)["run_id"]
    csv, gpkg = tmp_path / "sites.csv", tmp_path / "sites.gpkg"
    written = _cli("scenarios", "export", str(run_id), str(csv))
    assert written.returncode == 0, written.stderr
    assert written.stdout == f"scenario {run_id}: 3 proposed sites written to {csv} (csv)\n"
    as_json = _cli("scenarios", "export", str(run_id), str(gpkg), "--json")
    assert json.loads(as_json.stdout)["rows"] == 3
    codes = ["commune_code", "province_code", "region_code"]
    table = pd.read_csv(csv, dtype=dict.fromkeys(codes, str))
    with engine.connect() as c:
        truth = pd.read_sql(
            sa.text(
                "SELECT m.code AS commune_code, m.province_code, p.region_code, "
                "m.name_fr, m.name_ar, p.name_fr AS province_fr FROM communes m "
                "JOIN provinces p ON p.code = m.province_code WHERE m.code = ANY(:codes)"
            ),
            c,
            params={"codes": table["commune_code"].tolist()},
        ).set_index("commune_code")
    expected = truth.loc[table["commune_code"]].reset_index()
    cols = [*codes, "name_fr", "name_ar", "province_fr"]
    assert table[cols].to_numpy().tolist() == expected[cols].to_numpy().tolist()
    assert table["rank"].tolist() == [1, 2, 3]
    assert set(table["gain_unit"]) == {"persons newly covered"}
    # pandas' defaults keep the commune codes; the GeoPackage keeps every code for any reader
    assert pd.read_csv(csv)["commune_code"].tolist() == expected["commune_code"].tolist()
    frame = gpd.read_file(gpkg)
    assert frame[codes].to_numpy().tolist() == expected[codes].to_numpy().tolist()
    # and an Excel workbook, whose code cells are text
    book = tmp_path / "sites.xlsx"
    done = _cli("scenarios", "export", str(run_id), str(book))
    assert done.returncode == 0, done.stderr
    sheet = pyogrio.read_dataframe(book)
    assert sheet[codes].to_numpy().tolist() == expected[codes].to_numpy().tolist()
    # and KML for Google Earth: each placemark named by rank and name (it had no name),
    # by extension or --format, Arabic names intact among its data
    placemarks = tmp_path / "sites.kml"
    done = _cli("scenarios", "export", str(run_id), str(placemarks))
    assert done.stdout == f"scenario {run_id}: 3 proposed sites written to {placemarks} (kml)\n"
    earth = pyogrio.read_dataframe(placemarks)
    assert earth["Name"].tolist() == [f"{i} · {n}" for i, n in enumerate(table["name_fr"], 1)]
    assert earth["rank"].tolist() == [1, 2, 3]
    assert earth[[*codes, "name_ar"]].to_numpy().tolist() == (
        expected[[*codes, "name_ar"]].to_numpy().tolist()
    )
    assert earth.geometry.x.round(6).tolist() == table["lon"].round(6).tolist()
    assert earth.geometry.y.round(6).tolist() == table["lat"].round(6).tolist()
    forced = _cli("scenarios", "export", str(run_id), str(tmp_path / "earth"), "--format", "kml")
    assert forced.returncode == 0, forced.stderr
    # GDAL opens a KML by its extension: read it as the import reads one saved under any name
    from geo.io_read import read_kml

    assert read_kml(tmp_path / "earth").records["Name"].tolist() == earth["Name"].tolist()


def test_cli_export_says_kept_sites_in_words_as_the_english_page_does(
    engine: Engine, tmp_path: Path
) -> None:
    # the command line's CSV read "True"/"False" where the page's download read yes/no: a
    # spreadsheet's reader reads words (a French Excel keeps "True" as text), and the same
    # scenario's CSV is now the English page's, byte for byte; a GIS file keeps a boolean
    from streamlit.testing.v1 import AppTest

    with engine.connect() as c:
        figuig = c.execute(
            sa.text("SELECT code FROM communes WHERE name_fr = 'Figuig' LIMIT 1")
        ).scalar_one()
    done = _cli("prioritise", "--new", "2", "--force", figuig, "--time-limit", "20", "--json")
    assert done.returncode == 0, done.stderr
    run_id = json.loads(done.stdout)["run_id"]
    files = {}
    for fmt in ("csv", "xlsx", "kml", "geojson", "gpkg"):
        files[fmt] = tmp_path / f"sites.{fmt}"
        written = _cli("scenarios", "export", str(run_id), str(files[fmt]))
        assert written.returncode == 0, written.stderr
    table = pd.read_csv(files["csv"], dtype=str)
    expected = ["yes" if c == figuig else "no" for c in table["commune_code"]]
    assert expected.count("yes") == 1
    assert table["forced"].tolist() == expected
    for fmt in ("xlsx", "kml"):
        assert pyogrio.read_dataframe(files[fmt])["forced"].tolist() == expected, fmt
    for fmt in ("geojson", "gpkg"):
        kept = gpd.read_file(files[fmt])
        assert kept["forced"].tolist() == [c == figuig for c in kept["commune_code"]], fmt

    def page() -> None:
        import streamlit as st

        from app import prioritise_view as pv

        results = pv.load(st.session_state["run_id"])["results"]
        st.session_state["csv"] = pv.sites_file(results, "csv")

    at = AppTest.from_function(page, default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["run_id"] = run_id
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["csv"] == files["csv"].read_bytes()


def test_cli_export_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "sites.csv"
    done = _cli("scenarios", "export", "1", str(missing))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(f"walouja: cannot write {missing}: no such folder")
    nobody = _cli("prioritise", "--new", "1", "--radius-km", "2500", "--json")
    run_id = json.loads(nobody.stdout)["run_id"]
    empty = _cli("scenarios", "export", str(run_id), str(tmp_path / "none.csv"))
    assert empty.returncode == 1
    assert empty.stderr == (
        f"walouja: scenario {run_id} proposes no site: no new centre would add anything — "
        f"nothing to write; `walouja scenarios show {run_id}` gives its figures\n"
    )
    assert not (tmp_path / "none.csv").exists()


def test_cli_says_what_to_add_to_a_candidate_file_without_sites(tmp_path: Path) -> None:
    # "sites.csv holds no point" said no more
    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\n", encoding="utf-8")
    done = _cli("prioritise", "--new", "1", "--candidates", str(path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "walouja: sites.csv holds no point — add the candidate sites to the file, one row (or "
        "feature) per site with its lon and lat\n"
    )


def test_cli_says_when_no_new_centre_adds_anything() -> None:
    # within 2,500 km (all of Morocco) the existing COAPH cover everyone: it read "only 0 of
    # the 2 new centres asked for add anything; the others would cover nobody new"
    done = _cli("prioritise", "--new", "2", "--radius-km", "2500")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == (
        "note: none of the 2 new centres asked for adds anything; they would cover nobody new"
    )
    done = _cli("prioritise", "--new", "1", "--radius-km", "2500")
    assert done.stdout.splitlines()[1] == (
        "note: the new centre asked for adds nothing; it would cover nobody new"
    )
    # a budget instead of a count: no site had a variable, and the budget row over none
    # raised a traceback ("zero-size array to reduction operation maximum")
    done = _cli("prioritise", "--budget-mad", "20000000", "--radius-km", "2500")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == (
        "note: no new centre adds anything; any candidate site would cover nobody new"
    )


def test_cli_says_one_site_and_the_other_in_the_singular(tmp_path: Any) -> None:
    # two candidate sites 1 km apart in Fès: the second adds nobody once the first is open;
    # it read "only 1 of the 2 new centres asked for add anything; the others would ..."
    path = tmp_path / "sites.csv"
    path.write_text(
        "id,name,lon,lat\nS1,Site Fès A,-5.0012,34.0331\nS2,Site Fès B,-5.0020,34.0400\n",
        encoding="utf-8",
    )
    done = _cli("prioritise", "--new", "2", "--candidates", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == (
        "note: only 1 of the 2 new centres asked for adds anything; the other would cover "
        "nobody new"
    )


def test_cli_scenarios_show_and_list_say_how_each_was_proven() -> None:
    done = _cli("prioritise", "--new", "3", "--json")
    run_id = json.loads(done.stdout)["run_id"]
    shown = _cli("scenarios", "show", str(run_id))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("request: mclp COAPH, 3 new within 30 km, candidates communes")
    assert f"scenario {run_id}: MCLP, optimal;" in shown.stdout
    as_json = json.loads(_cli("scenarios", "show", str(run_id), "--json").stdout)
    assert as_json["run_id"] == run_id
    assert len(as_json["sites"]) == 3
    listed = _cli("scenarios", "list").stdout.splitlines()
    row = next(x for x in listed if x.split()[0] == str(run_id))
    assert " UTC " in row
    assert row.endswith("— optimal") or "— optimal  “" in row
    missing = _cli("scenarios", "show", "999999999")
    assert missing.returncode == 1
    assert "no stored analysis run" in missing.stderr


def test_cli_scenarios_list_json_is_valid() -> None:
    done = _cli("scenarios", "list", "--json")
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    assert all(set(r) >= {"id", "params", "created_at"} for r in rows)


def test_cli_compare_names_the_sites_and_the_objectives_units() -> None:
    ids = []
    for model in ("mclp", "pmedian"):
        # 10 new centres: the national p-median proves its answer in seconds
        done = _cli("prioritise", "--new", "10", "--model", model, "--json")
        assert done.returncode == 0, done.stderr
        ids.append(str(json.loads(done.stdout)["run_id"]))
    done = _cli("scenarios", "compare", *ids)
    assert done.returncode == 0, done.stderr
    objective = next(x for x in done.stdout.splitlines() if x.startswith("objective:"))
    assert objective.endswith("person-km")
    assert "persons covered →" in objective
    # the figures are named for people, not by their JSON keys
    assert "persons with disabilities covered after: " in done.stdout
    assert "pwd_covered_after" not in done.stdout
    assert "proven optimal: yes → yes" in done.stdout
    only = next(x for x in done.stdout.splitlines() if x.startswith(f"sites only in {ids[0]}:"))
    assert re.search(r"\d\d\.\d{3}\.\d\d\.\d\d \(\w", only), only  # code (commune)
    # two MCLP scenarios: the provinces whose coverage differs, by name, and the shared sites
    three = json.loads(_cli("prioritise", "--new", "3", "--json").stdout)["run_id"]
    four = json.loads(_cli("prioritise", "--new", "4", "--json").stdout)["run_id"]
    done = _cli("scenarios", "compare", str(three), str(four))
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    both = next(x for x in out if x.startswith("sites in both ("))
    assert re.search(r"\(\d\): \d\d\.\d{3}\.\d\d\.\d\d \(\w", both), both
    head = next(x for x in out if x.startswith("provinces whose persons with disabilities"))
    assert re.fullmatch(r"provinces whose .* covered after differs: \d+ \(\d+ unchanged\)", head)
    first_row = out[out.index(head) + 1]
    assert re.match(r"  \d\d\.\d{3}\s+\S", first_row), first_row  # code, then the name
    assert re.search(r"\(\+[\d,]+\)$", first_row), first_row


@pytest.mark.parametrize(
    ("args", "code", "params", "message"),
    [
        (
            ["--new", "2", "--min-per-province", "1"],
            "minimum_needs_more_centres",
            {"per_province": 1, "new": 2},
            "at least 1 per province: that needs ",
        ),
        (
            ["--budget-mad", "10000000", "--min-per-province", "1"],
            "minimum_over_budget",
            {"per_province": 1, "budget": 10_000_000},
            "budget: 10,000,000 MAD cannot pay for at least 1 centre per province",
        ),
        (
            ["--new", "3", "--candidates-layer", "beaches", "--min-per-province", "1"],
            "province_lacks_candidates",
            {"per_province": 1, "need": 1, "available": 0},
            "at least 1 per province: province ",
        ),
        (
            ["--new", "3", "--budget-mad", "10"],
            "budget_buys_nothing",
            {"budget": 10, "cost": 5_000_000, "type": "COAPH"},
            "budget: 10 MAD buys no COAPH centre, one costs 5,000,000 MAD",
        ),
    ],
)
def test_cli_json_gives_a_refusals_code_and_params_beside_its_message(
    args: list[str], code: str, params: dict[str, Any], message: str
) -> None:
    # a script tells the refusals apart by their code and reads their figures from params,
    # not by matching the English message (which the line on stderr keeps as it was)
    from walouja.errors import REQUEST_CODES

    done = _cli("prioritise", *args, "--json")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert list(error) == ["code", "params", "message", "hint"]
    assert error["code"] == code
    assert set(error["params"]) == set(REQUEST_CODES[code])
    assert {k: error["params"][k] for k in params} == params
    assert error["message"].startswith(message), error["message"]
    for value in error["params"].values():  # figures are numbers, names are text
        assert isinstance(value, int | float | str)
    if code == "minimum_needs_more_centres":
        assert f"needs {error['params']['needed']} new centres" in error["message"]
    if code == "province_lacks_candidates":
        assert f"province {error['params']['province']} needs" in error["message"]
    line = done.stderr.strip()
    assert line == f"walouja: {error['message']} — {error['hint']}"
    assert "Traceback" not in done.stderr


def test_cli_help_says_what_a_request_needs_and_its_bounds() -> None:
    # "--new: Number of new centres." left out that --new or --budget-mad must be given,
    # and the bounds of --new-capacity and --time-limit that the command then refuses
    shown = " ".join(re.sub("[│╭╮╰╯─]", " ", _cli("prioritise", "--help").stdout).split())
    assert "(--new or --budget-mad is required)" in shown
    assert "up to 100,000 (capacitated model)" in shown
    assert "up to a day (86,400)" in shown


def test_cli_reads_the_model_in_any_case() -> None:
    # "unknown model 'MCLP'", though the output itself writes MCLP and the types read in any case
    done = _cli("prioritise", "--new", "1", "--model", "MCLP", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["params"]["model"] == "mclp"


def test_cli_names_a_new_scenario_as_it_names_a_stored_one() -> None:
    # "(stored, named “…”)" for a stored scenario, and nothing for a new one given a name
    args = ("prioritise", "--new", "1", "--radius-km", "31.7", "--name", "Plan CLI")
    first = _cli(*args, "--fresh")
    assert first.returncode == 0, first.stderr
    assert re.match(r"scenario \d+ \(named “Plan CLI”\): MCLP", first.stdout), first.stdout
    again = _cli(*args)
    assert re.match(r"scenario \d+ \(stored, named “Plan CLI”\): MCLP", again.stdout)


def test_a_site_named_twice_is_kept_or_left_out_once(line: Connection) -> None:
    # `--force X --force X` was stored as [X, X] and compared as another request than X
    once = run_prioritise(
        line, centre_type="COAPH", new=2, radius_km=10.0, forced=[_code(3)], excluded=[_code(8)]
    )
    twice = run_prioritise(
        line,
        centre_type="COAPH",
        new=2,
        radius_km=10.0,
        forced=[_code(3), _code(3)],
        excluded=[_code(8), _code(8)],
    )
    assert twice.reused
    assert twice.run_id == once.run_id
    assert twice.params["forced"] == [_code(3)]
    assert twice.params["excluded"] == [_code(8)]


def test_a_blank_name_is_no_name(line: Connection) -> None:
    # `--name ""` and `--name "   "` were stored as such, listed as names
    for blank in ("", "   "):
        run = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name=blank)
        assert {s["id"]: s["name"] for s in list_scenarios(line)}[run.run_id] is None
    named = run_prioritise(line, centre_type="COAPH", new=1, radius_km=10.0, name="  Plan C ")
    assert {s["id"]: s["name"] for s in list_scenarios(line)}[named.run_id] == "Plan C"


def _first_commune(engine: Engine) -> str:
    with engine.connect() as c:
        return str(c.execute(sa.text("SELECT min(code) FROM communes")).scalar_one())


def test_cli_a_site_forced_twice_is_one_request(engine: Engine) -> None:
    code = _first_commune(engine)
    once = _cli("prioritise", "--new", "2", "--force", code, "--json")
    assert once.returncode == 0, once.stderr
    twice = _cli("prioritise", "--new", "2", "--force", code, "--force", code, "--json")
    assert twice.returncode == 0, twice.stderr
    out = json.loads(twice.stdout)
    assert out["params"]["forced"] == [code]
    assert out["run_id"] == json.loads(once.stdout)["run_id"]
    shown = _cli("scenarios", "show", str(out["run_id"])).stdout
    assert f"forced {code}\n" in shown.splitlines()[0] + "\n"


def test_cli_listings_tell_the_cost_of_a_centre_and_the_pipeline_apart() -> None:
    # 20 M MAD at 5 M (4 centres) and at 2 M (10 centres) were listed alike, and so were
    # requests with and without the centres decided counted as existing
    ids = {}
    for cost in ("5000000", "2000000"):
        done = _cli("prioritise", "--budget-mad", "20000000", "--cost-mad", cost, "--json")
        assert done.returncode == 0, done.stderr
        ids[cost] = json.loads(done.stdout)["run_id"]
    dearer = _cli("prioritise", "--new", "3", "--cost-mad", "7000000", "--json")
    ids["dearer"] = json.loads(dearer.stdout)["run_id"]
    pipeline = _cli("prioritise", "--new", "3", "--with-pipeline", "--json")
    assert pipeline.returncode == 0, pipeline.stderr
    out = json.loads(pipeline.stdout)
    assert out["params"]["statuses"] == ["operating", "planned", "under_construction"]
    ids["pipeline"] = out["run_id"]
    listed = {
        int(x.split()[0]): x for x in _cli("scenarios", "list").stdout.splitlines() if x.strip()
    }
    assert "budget 20,000,000 MAD at 5,000,000 MAD a centre within" in listed[ids["5000000"]]
    assert "budget 20,000,000 MAD at 2,000,000 MAD a centre within" in listed[ids["2000000"]]
    assert "candidates communes, 7,000,000 MAD a centre" in listed[ids["dearer"]]
    said = "with the centres under construction and planned"
    assert said in listed[ids["pipeline"]]
    shown = _cli("scenarios", "show", str(ids["pipeline"])).stdout
    assert shown.startswith("request: mclp COAPH, 3 new within 30 km, candidates communes, " + said)


def test_cli_says_no_proven_bound_as_the_page_does(engine: Engine) -> None:
    # a run stopped with no proven bound (the solver's gap 1) read "gap 100.00%"
    from geo import runs

    done = _cli("prioritise", "--new", "2", "--radius-km", "27.5", "--json")
    assert done.returncode == 0, done.stderr
    base = json.loads(done.stdout)
    params, run_id = base.pop("params"), base.pop("run_id")
    base.pop("reused")
    results = {**base, "optimal": False, "status": "time_limit", "gap": 1.0}
    with engine.begin() as c:
        found = runs.get_run(c, run_id)
        stopped = runs.save_run(
            c,
            kind="prioritise",
            params={**params, "time_limit_s": 1.0},
            fingerprint=found.fingerprint,
            results=results,
            duration_s=1.0,
        )
    STORED.append(stopped)
    row = next(
        x for x in _cli("scenarios", "list").stdout.splitlines() if x.split()[:1] == [str(stopped)]
    )
    assert row.endswith("— time limit, no proven bound"), row
    shown = _cli("scenarios", "show", str(stopped)).stdout
    assert "time_limit, no proven bound, from" in shown
    assert "100.00%" not in shown
    compared = _cli("scenarios", "compare", str(run_id), str(stopped)).stdout
    assert "proven gap: 0.00% → no proven bound" in compared, compared


def test_a_run_stored_with_a_site_twice_compares_as_the_same_request(line: Connection) -> None:
    # runs stored before sites were taken once held forced [X, X]: compared with forced [X]
    # they were reported as different requests
    from geo import runs

    once = run_prioritise(line, centre_type="COAPH", new=2, radius_km=10.0, forced=[_code(3)])
    found = runs.get_run(line, once.run_id)
    older = runs.save_run(
        line,
        kind="prioritise",
        params={**found.params, "forced": [_code(3), _code(3)]},
        fingerprint=found.fingerprint,
        results=found.results,
        duration_s=found.duration_s,
    )
    assert compare_scenarios(line, once.run_id, older)["params_differ"] == {}


_ADDED_EPS = "pytest-cli-layer-edit"
"""``external_id`` of the EPS home a test adds to the centres layer, and takes out again."""


def _eps_home(engine: Engine, *, add: bool) -> None:
    """Add the test's EPS home in Rabat to the centres layer, or take it out."""
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM centres WHERE external_id = :e"), {"e": _ADDED_EPS})
        if add:
            c.execute(
                sa.text(
                    "INSERT INTO centres (external_id, name, centre_type, status, geom, source, "
                    "commune_code) SELECT :e, 'EPS ajouté', 'EPS', 'operating', p, 'test', "
                    "(SELECT code FROM communes WHERE ST_Contains(geom, p) LIMIT 1) "
                    "FROM (SELECT ST_SetSRID(ST_MakePoint(-6.84, 34.02), 4326) AS p) AS v"
                ),
                {"e": _ADDED_EPS},
            )


def test_cli_says_when_a_scenarios_candidate_layer_has_changed(engine: Engine) -> None:
    # a scenario on the EPS homes was shown as the answer on the layer after a home was
    # added to it, and compare read "layer centres EPS → layer centres EPS"
    request = ["--new", "1", "--radius-km", "10", "--candidates-layer", "centres"]
    request += ["--candidates-type", "EPS", "--json"]
    note = "note: the layer centres EPS has changed since this scenario"
    _eps_home(engine, add=False)
    try:
        first = json.loads(_cli("prioritise", *request).stdout)["run_id"]
        shown = _cli("scenarios", "show", str(first))
        assert shown.returncode == 0, shown.stderr
        assert note not in shown.stdout
        _eps_home(engine, add=True)
        shown = _cli("scenarios", "show", str(first))
        assert shown.returncode == 0, shown.stderr
        # a centre added: the data it was computed on changed too (its figures are of then)
        lines = shown.stdout.splitlines()
        assert re.fullmatch(
            r"note: the communes or the centres have changed since this scenario was computed "
            r"\(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): its figures are those of then; `walouja "
            r"prioritise` with its options computes it on today's data",
            lines[1],
        ), lines[1]
        assert lines[2].startswith(note), shown.stdout
        as_json = json.loads(_cli("scenarios", "show", str(first), "--json").stdout)
        assert (as_json["candidates_changed"], as_json["data_changed"]) == (True, True)
        done = _cli("prioritise", *request)
        assert done.returncode == 0, done.stderr
        second = json.loads(done.stdout)
        assert not second["reused"]  # another candidate set: computed anew
        compared = _cli("scenarios", "compare", str(first), str(second["run_id"]))
        assert compared.returncode == 0, compared.stderr
        line = compared.stdout.splitlines()[0]
        assert re.fullmatch(
            r"request candidates: layer centres EPS \(as of \d{4}-\d\d-\d\d [\d:]{8} UTC\) → "
            r"layer centres EPS \(as of \d{4}-\d\d-\d\d [\d:]{8} UTC\)",
            line,
        ), line
        # the home taken out again: the first scenario answers the layer, the second not
        _eps_home(engine, add=False)
        again = _cli("scenarios", "show", str(first)).stdout
        assert note not in again
        assert "have changed since" not in again
        assert note in _cli("scenarios", "show", str(second["run_id"])).stdout
    finally:
        _eps_home(engine, add=False)


def test_only_a_layers_set_with_its_digest_can_be_told_changed(line: Connection) -> None:
    # communes, a file, and a layer's set stored without the digest of its rows (an older
    # run) cannot be told changed: they reopen as they were, with no note
    _eps(line, 8)
    now = layer_candidates(line, "centres", type_value="EPS").source
    assert candidates_changed(line, {"candidates": now}) is False
    assert candidates_changed(line, {"candidates": "layer centres EPS#0123456789abcdef"})
    assert candidates_changed(line, {}) is None
    assert candidates_changed(line, {"candidates": "sites.csv#0123456789abcdef"}) is None
    assert candidates_changed(line, {"candidates": "layer centres EPS"}) is None
    line.execute(sa.text("DELETE FROM centres WHERE centre_type = 'EPS'"))
    assert candidates_changed(line, {"candidates": now}) is True  # no EPS home left


def test_a_run_of_another_analysis_is_not_shown_as_a_scenario(line: Connection) -> None:
    # `walouja scenarios show 1` said "run 1 is a equity run"
    for kind in ("equity", "access"):
        run_id = save_run(line, kind=kind, params={}, fingerprint="f", results={}, duration_s=None)
        with pytest.raises(NotFoundError) as refused:
            load_scenario(line, run_id)
        assert refused.value.message == (
            f"run {run_id} is a saved {kind} analysis, not a prioritisation scenario"
        )


def test_cli_names_a_candidate_site_by_the_id_force_takes(tmp_path: Path) -> None:
    # a file's or a layer's proposed site was written by its name and commune only: keeping
    # it (--force) needed --json to find its id
    path = tmp_path / "sites.csv"
    path.write_text(
        "id,name,lon,lat\nOUJ-1,Site Oujda,-1.91,34.68\nTZ-7,Site Taza,-4.01,34.21\n",
        encoding="utf-8",
    )
    done = _cli("prioritise", "--new", "2", "--radius-km", "10", "--candidates", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    head = next(x for x in lines if x.startswith("rank"))
    assert re.fullmatch(r"rank\s+commune\s+name\s+gain\s+site\s+\(persons newly covered\)", head)
    rows = lines[lines.index(head) + 1 : lines.index(head) + 3]
    assert {row.split()[-1] for row in rows} == {"OUJ-1", "TZ-7"}, rows
    second = rows[1].split()[-1]
    kept = _cli(
        "prioritise", "--new", "2", "--radius-km", "10", "--candidates", str(path),
        "--force", second,
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    # and the site kept is said to be (nothing told it apart from the one proposed)
    lines = kept.stdout.splitlines()
    head = next(x for x in lines if x.startswith("rank"))
    assert re.fullmatch(r"rank\s+commune\s+name\s+gain\s+site\s+forced\s+\(.*\)", head), head
    rows = lines[lines.index(head) + 1 : lines.index(head) + 3]
    assert {tuple(row.split()[-2:]) for row in rows} == {
        (second, "yes"),
        ({"OUJ-1", "TZ-7"}.difference({second}).pop(), "no"),
    }, rows
    # the communes' sites need no other id than their code
    communes = _cli("prioritise", "--new", "1", "--radius-km", "10").stdout
    assert " site " not in next(x for x in communes.splitlines() if x.startswith("rank"))
