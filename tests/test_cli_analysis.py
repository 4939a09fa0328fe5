"""`walouja coverage` / `walouja access` and their run functions on the loaded national data.

Run-function tests work in a rolled-back transaction (``conn``) and may replace the centres
with their own; command tests go through the real CLI and delete the runs they store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from typer.testing import CliRunner, Result

from analysis.network import prepare_graph, travel_times
from geo import runs
from geo.inputs import load_centres, load_demand, read_road_graph
from walouja.cli import app
from walouja.errors import AnalysisError
from walouja.services.coverage import (
    NETWORK_RESULTS_VERSION,
    access_rows,
    coverage_rows,
    run_access,
    run_coverage,
)
from walouja.services.equity import run_equity

FIXTURE_OSM = Path(__file__).parent / "analysis" / "fixtures" / "grid_rabat.osm"

# centres placed for the tests: (external_id, type, capacity, lon, lat)
TEST_CENTRES = [
    ("t-rabat", "COAPH", 120, -6.8498, 34.0209),
    ("t-marrakech", "COAPH", 80, -8.0083, 31.6295),
    ("t-fes", "COAPH", None, -4.9998, 34.0331),
    ("t-agadir", "CAS", 60, -9.5981, 30.4278),
]


@pytest.fixture
def national(conn: Connection) -> Connection:
    """The rolled-back connection, failing (not skipping) when the communes are not loaded."""
    count = conn.execute(sa.text("SELECT to_regclass('public.communes')")).scalar()
    if count is None or conn.execute(sa.text("SELECT count(*) FROM communes")).scalar_one() == 0:
        pytest.fail("the communes are not loaded: run `walouja load` (make test does)")
    return conn


@pytest.fixture
def own_centres(national: Connection) -> Connection:
    """Only the test centres in the centres layer (inside the rolled-back transaction)."""
    national.execute(sa.text("DELETE FROM centres"))
    for ext, kind, cap, lon, lat in TEST_CENTRES:
        national.execute(
            sa.text(
                "INSERT INTO centres (external_id, name, centre_type, capacity, geom, source) "
                "VALUES (:ext, :name, :kind, :cap, "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test')"
            ),
            {"ext": ext, "name": f"Centre {ext}", "kind": kind, "cap": cap, "lon": lon, "lat": lat},
        )
    return national


def test_load_demand_gives_one_point_per_commune(national: Connection) -> None:
    demand = load_demand(national)
    n = national.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    assert len(demand) == n == demand["code"].nunique()
    assert {"code", "name_fr", "province_code", "region_code", "pwd", "lon", "lat"} <= set(
        demand.columns
    )
    assert demand["lon"].between(-17.5, -0.9).all()
    assert demand["lat"].between(20.5, 36.1).all()
    assert (demand["pwd"] >= 0).all()


def test_load_centres_filters_by_type_and_status(own_centres: Connection) -> None:
    every = load_centres(own_centres)
    assert len(every) == 4
    coaph = load_centres(own_centres, centre_type="coaph")
    assert sorted(coaph["name"]) == ["Centre t-fes", "Centre t-marrakech", "Centre t-rabat"]
    assert coaph["capacity"].isna().sum() == 1
    assert coaph["province_code"].notna().all()  # commune derived from the point
    own_centres.execute(
        sa.text("UPDATE centres SET status = 'planned' WHERE external_id = 't-fes'")
    )
    assert len(load_centres(own_centres, centre_type="COAPH")) == 2
    planned = load_centres(own_centres, statuses=("planned",))
    assert planned["name"].tolist() == ["Centre t-fes"]


def _national_pwd(conn: Connection) -> float:
    return float(conn.execute(sa.text("SELECT sum(pwd) FROM communes")).scalar_one())


def test_nearest_km_equals_postgis_sphere_distance(own_centres: Connection) -> None:
    outcome = run_coverage(own_centres, centre_type="COAPH", threshold=30.0, fresh=True)
    ours = {c["code"]: c["nearest_km"] for c in outcome.results["communes"]}
    expected: dict[str, float] = dict(
        own_centres.execute(
            sa.text(
                "SELECT m.code, min(ST_Distance(m.demand_point::geography, c.geom::geography, "
                "false)) / 1000 FROM communes m CROSS JOIN centres c "
                "WHERE c.centre_type = 'COAPH' GROUP BY m.code"
            )
        ).all()
    )
    assert len(ours) == len(expected) > 1000
    for code, km in expected.items():
        # PostGIS's sphere has radius 6371008.77 m, ours 6371008.8 m: 5e-9 apart
        assert ours[code] == pytest.approx(km, rel=1e-7, abs=1e-6), code
    assert outcome.results["n_centres"] == 3


def test_coverage_invariants_on_the_national_data(national: Connection) -> None:
    total = _national_pwd(national)
    n_communes = national.execute(sa.text("SELECT count(*) FROM communes")).scalar_one()
    previous = -1.0
    for threshold in (10.0, 20.0, 30.0, 60.0, 120.0):
        outcome = run_coverage(national, centre_type=None, threshold=threshold, fresh=True)
        covered = {}
        for by in ("commune", "province", "region", "nation"):
            rows = coverage_rows(national, outcome, by)
            codes = [r["code"] for r in rows]
            assert len(codes) == len(set(codes))
            assert sum(r["pwd"] for r in rows) == pytest.approx(total, rel=1e-9)
            covered[by] = sum(r["pwd_covered"] for r in rows)
            if by == "commune":
                assert len(rows) == n_communes  # every commune counted once
            else:
                assert sum(r["n_communes"] for r in rows) == n_communes
            for r in rows:
                assert 0 <= r["pwd_covered"] <= r["pwd"] + 1e-9
                assert r["pwd_covered"] + r["pwd_unserved"] == pytest.approx(r["pwd"])
        # the levels add up to the same national figure
        assert len({round(v, 6) for v in covered.values()}) == 1
        assert covered["nation"] >= previous  # monotone in the threshold
        previous = covered["nation"]


def test_province_rows_by_hand(own_centres: Connection) -> None:
    outcome = run_coverage(own_centres, centre_type="COAPH", threshold=30.0)
    communes = outcome.results["communes"]
    rows = {r["code"]: r for r in coverage_rows(own_centres, outcome, "province")}
    for code, row in rows.items():
        mine = [c for c in communes if c["province_code"] == code]
        pwd = sum(c["pwd"] for c in mine)
        covered = sum(c["pwd"] for c in mine if c["nearest_km"] <= 30.0)
        mean = sum(c["pwd"] * c["nearest_km"] for c in mine) / pwd
        assert row["pwd"] == pytest.approx(pwd)
        assert row["pwd_covered"] == pytest.approx(covered)
        assert row["share_covered"] == pytest.approx(covered / pwd)
        assert row["mean_distance_km"] == pytest.approx(mean)
        assert row["name_fr"]
    commune_rows = coverage_rows(own_centres, outcome, "commune")
    first = commune_rows[0]
    assert {"lon", "lat", "nearest_km", "nearest_centre"} <= set(first)


def test_the_same_request_is_served_from_the_store(own_centres: Connection) -> None:
    first = run_coverage(own_centres, centre_type="COAPH", threshold=30.0)
    again = run_coverage(own_centres, centre_type="COAPH", threshold=30.0)
    assert not first.reused
    assert again.reused
    assert again.run_id == first.run_id
    assert again.results == first.results
    other = run_coverage(own_centres, centre_type="COAPH", threshold=20.0)
    assert not other.reused
    own_centres.execute(sa.text("UPDATE centres SET capacity = 121 WHERE external_id = 't-rabat'"))
    changed = run_coverage(own_centres, centre_type="COAPH", threshold=30.0)
    assert not changed.reused
    assert changed.run_id != first.run_id


def test_access_totals_equal_reachable_capacity(own_centres: Connection) -> None:
    outcome = run_access(own_centres, method="2sfca", catchment_km=60.0, missing_capacity=100)
    assert outcome.results["capacity_filled"] == 1  # t-fes has no capacity
    communes = outcome.results["communes"]
    weighted = sum(c["pwd"] * c["access"] for c in communes)
    # every test centre has communes within 60 km, so sum of pwd x access = all places
    reachable = own_centres.execute(
        sa.text(
            "SELECT sum(coalesce(c.capacity, 100)) FROM centres c WHERE EXISTS (SELECT 1 "
            "FROM communes m WHERE ST_DWithin(m.demand_point::geography, c.geom::geography, "
            "60000, false))"
        )
    ).scalar_one()
    assert weighted == pytest.approx(float(reachable), rel=1e-9)
    nation = access_rows(own_centres, outcome, "nation")[0]
    assert nation["access"] * nation["pwd"] == pytest.approx(float(reachable), rel=1e-9)
    regions = access_rows(own_centres, outcome, "region")
    assert sum(r["pwd"] for r in regions) == pytest.approx(_national_pwd(own_centres))
    no_access = sum(c["pwd"] for c in communes if c["access"] == 0)
    assert nation["pwd_no_access"] == pytest.approx(no_access)
    assert 0 < no_access < nation["pwd"]


def test_e2sfca_steps_are_stored(own_centres: Connection) -> None:
    outcome = run_access(
        own_centres, method="e2sfca", catchment_km=60.0, centre_type="COAPH", missing_capacity=1
    )
    assert outcome.params["steps"] == [[20.0, 1.0], [40.0, 0.68], [60.0, 0.22]]
    assert max(c["access"] for c in outcome.results["communes"]) > 0


def test_missing_centres_are_clear_errors(national: Connection) -> None:
    national.execute(sa.text("DELETE FROM centres WHERE centre_type = 'CJPA'"))
    with pytest.raises(AnalysisError, match="no centre of type CJPA"):
        run_coverage(national, centre_type="CJPA", threshold=30.0)
    national.execute(sa.text("DELETE FROM centres"))
    with pytest.raises(AnalysisError, match="centres layer is empty"):
        run_access(national, method="2sfca", catchment_km=60.0)


def test_missing_capacity_names_the_centre(own_centres: Connection) -> None:
    fes = own_centres.execute(
        sa.text("SELECT id FROM centres WHERE external_id = 't-fes'")
    ).scalar_one()
    named = rf"centre 'Centre t-fes' \(id {fes}\) has no capacity \(1 of 3 centres have none\)"
    with pytest.raises(AnalysisError, match=named):
        run_access(
            own_centres,
            method="2sfca",
            catchment_km=60.0,
            centre_type="COAPH",
            missing_capacity="error",
        )
    # equity's access indicator checks the same way: the centre, not its position (2)
    with pytest.raises(AnalysisError, match=named) as caught:
        run_equity(own_centres, indicator="access", missing_capacity="error", fresh=True)
    assert caught.value.code == "centre_without_capacity"  # worded in the app's languages
    assert caught.value.params == {"name": "Centre t-fes", "id": fes, "missing": 1, "n": 3}

    # with no capacity known at all (the CAS here), the median has nothing to fill with:
    # access is refused with a code the app words, distance needs no places and is computed
    own_centres.execute(
        sa.text("UPDATE centres SET capacity = NULL WHERE external_id = 't-agadir'")
    )
    with pytest.raises(AnalysisError, match="no centre has a capacity") as caught:
        run_equity(own_centres, indicator="access", centre_type="CAS", fresh=True)
    assert caught.value.code == "no_capacity"  # as the app names it
    distance = run_equity(own_centres, indicator="nearest_km", centre_type="CAS", fresh=True)
    assert distance.results["capacity_filled"] == 1
    assert min(c["value"] for c in distance.results["communes"]) < 5  # Agadir's own commune


def test_coverage_in_minutes_over_a_road_network(own_centres: Connection) -> None:
    outcome = run_coverage(own_centres, centre_type="COAPH", threshold=30.0, osm_file=FIXTURE_OSM)
    assert outcome.params["unit"] == "min"
    assert outcome.params["network"]["file"] == "grid_rabat.osm"
    minutes = [c["nearest_min"] for c in outcome.results["communes"]]
    # the grid covers part of Rabat: communes there are on it, the rest of the country is off
    # the network (stored as null), never given a made-up time
    on = [m for m in minutes if m is not None]
    assert 0 < len(on) < len(minutes)
    assert all(np.isfinite(on))
    rows = coverage_rows(own_centres, outcome, "nation")
    assert "mean_time_min" in rows[0]
    assert 0 < rows[0]["pwd_covered"] < rows[0]["pwd"]
    assert rows[0]["pwd_unreachable"] > 0
    # the one COAPH centre near the grid is the fastest wherever a time exists, and none is
    # named where there is no time
    rabat_id = own_centres.execute(
        sa.text("SELECT id FROM centres WHERE external_id = 't-rabat'")
    ).scalar_one()
    for c in outcome.results["communes"]:
        if c["nearest_min"] is None:
            assert c["fastest_centre_id"] is None
            assert c["fastest_centre"] is None
        else:
            assert c["fastest_centre_id"] == rabat_id
            assert c["fastest_centre"] == "Centre t-rabat"
    commune_rows = coverage_rows(own_centres, outcome, "commune")
    assert {"nearest_min", "fastest_centre_id", "fastest_centre", "nearest_centre"} <= set(
        commune_rows[0]
    )
    assert {r["fastest_centre"] for r in commune_rows if r["nearest_min"] is not None} == {
        "Centre t-rabat"
    }


def test_the_fastest_centre_differs_from_the_straight_line_nearest(
    own_centres: Connection,
) -> None:
    # a COAPH centre just east of the grid, 1.4 km from its nearest road node: closer to the
    # communes there in a straight line than t-rabat, but slower to reach at 5 km/h off-road
    own_centres.execute(
        sa.text(
            "INSERT INTO centres (external_id, name, centre_type, capacity, geom, source) "
            "VALUES ('t-near', 'Centre t-near', 'COAPH', 10, "
            "ST_SetSRID(ST_MakePoint(-6.815, 34.006), 4326), 'test')"
        )
    )
    outcome = run_coverage(
        own_centres,
        centre_type="COAPH",
        threshold=30.0,
        osm_file=FIXTURE_OSM,
        connector_speed_kmh=5.0,
    )
    rows = [r for r in coverage_rows(own_centres, outcome, "commune") if r["nearest_min"]]
    assert rows
    centres = load_centres(own_centres, centre_type="COAPH").set_index("name")
    graph = prepare_graph(read_road_graph(FIXTURE_OSM))

    def alone(row: dict, centre: str) -> float:
        one = centres.loc[centre]
        times = travel_times(
            graph, [row["lon"]], [row["lat"]], [one["lon"]], [one["lat"]], connector_speed_kmh=5.0
        )
        return float(times.minutes[0])

    differ = 0
    for row in rows:
        assert row["fastest_centre_id"] == centres.loc[row["fastest_centre"], "id"]
        # the time reported is the time to the centre named
        assert alone(row, row["fastest_centre"]) == pytest.approx(row["nearest_min"], abs=1e-9)
        if row["nearest_centre"] != row["fastest_centre"]:
            differ += 1
            assert alone(row, row["nearest_centre"]) > row["nearest_min"]
    assert differ > 0
    touarga = next(r for r in rows if r["name_fr"] == "Touarga")
    assert touarga["nearest_centre"] == "Centre t-near"
    assert touarga["fastest_centre"] == "Centre t-rabat"


def test_travel_time_runs_stored_before_the_fastest_centre_are_not_reused(
    own_centres: Connection,
) -> None:
    first = run_coverage(own_centres, centre_type="COAPH", threshold=30.0, osm_file=FIXTURE_OSM)
    assert first.params["network"]["results_version"] == NETWORK_RESULTS_VERSION
    # the same request as stored before results named the fastest centre
    old_params = json.loads(json.dumps(first.params))
    del old_params["network"]["results_version"]
    old_results = json.loads(json.dumps(first.results))
    for c in old_results["communes"]:
        del c["fastest_centre_id"], c["fastest_centre"]
    fingerprint = runs.input_fingerprint(own_centres, ("communes", "centres"))
    old_id = runs.save_run(
        own_centres,
        kind="coverage",
        params=old_params,
        fingerprint=fingerprint,
        results=old_results,
        duration_s=None,
    )
    again = run_coverage(own_centres, centre_type="COAPH", threshold=30.0, osm_file=FIXTURE_OSM)
    assert again.reused
    assert again.run_id == first.run_id != old_id
    assert "fastest_centre" in again.results["communes"][0]


# --------------------------------------------------------------------------- the commands


_COMPUTED = re.compile(r"— run (\d+), computed in ")
"""How a command's heading names the run it has just computed and stored."""


class _RunsRecorded(CliRunner):
    """A CLI runner that notes the id of every run its commands computed and stored."""

    def __init__(self) -> None:
        super().__init__()
        self.run_ids: set[int] = set()

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        """Run a command (``CliRunner.invoke``) and note the run it stored, if any."""
        result = super().invoke(*args, **kwargs)
        self.run_ids.update(int(found) for found in _COMPUTED.findall(result.stdout))
        try:
            out = json.loads(result.stdout)
        except ValueError:
            return result
        if isinstance(out, dict) and out.get("run_id") and not out.get("reused"):
            self.run_ids.add(int(out["run_id"]))
        return result


@pytest.fixture
def cli(engine: Engine) -> Iterator[_RunsRecorded]:
    """A CLI runner; deletes the runs its commands computed, and those only: every run
    stored after the test began went, another test run's on the same database too."""
    runner = _RunsRecorded()
    yield runner
    with engine.begin() as c:
        c.execute(
            sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": list(runner.run_ids)}
        )


@pytest.fixture
def stored_elsewhere(engine: Engine) -> Iterator[list[int]]:
    """Ids of runs another session stores during a test: still there once the test's own
    are deleted (this fixture is torn down after ``cli``), then deleted."""
    ids: list[int] = []
    yield ids
    with engine.begin() as c:
        kept = c.execute(
            sa.text("SELECT count(*) FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": ids}
        ).scalar_one()
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": ids})
    assert kept == len(ids), "the runs another session stored were deleted with the test's"


def test_a_test_deletes_its_own_runs_only(
    stored_elsewhere: list[int], cli: _RunsRecorded, engine: Engine
) -> None:
    # the runner deleted every run stored after the test began: another test run on the same
    # database (or the app in use) lost its runs, mid-test
    before = _json(cli.invoke(app, ["coverage", "--by", "nation", "--json", "--fresh"]))
    with engine.begin() as c:  # another session stores a run meanwhile
        other = run_coverage(c, centre_type=None, threshold=29.0, fresh=True)
    stored_elsewhere.append(other.run_id)
    text = cli.invoke(app, ["coverage", "--by", "nation", "--fresh"])
    assert text.exit_code == 0, text.output
    assert before["run_id"] in cli.run_ids
    assert len(cli.run_ids) == 2
    assert other.run_id not in cli.run_ids


def _json(result: object) -> dict:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_coverage_command_json(cli: CliRunner, national: Connection) -> None:
    args = ["coverage", "--threshold-km", "30", "--by", "province", "--json", "--fresh"]
    out = _json(cli.invoke(app, args))
    assert out["analysis"] == "coverage"
    assert out["by"] == "province"
    row = out["rows"][0]
    assert {"code", "name_fr", "pwd", "pwd_covered", "share_covered", "mean_distance_km"} <= set(
        row
    )
    assert sum(r["pwd"] for r in out["rows"]) == pytest.approx(_national_pwd(national))
    # both names, as equity's rows give them (coverage and access gave no Arabic name)
    names = national.execute(sa.text("SELECT code, name_ar FROM provinces")).tuples().all()
    arabic: dict[str, str] = dict(names)
    assert {r["code"]: r["name_ar"] for r in out["rows"]}.items() <= arabic.items()
    reach = _json(cli.invoke(app, ["access", "--by", "province", "--json"]))
    assert {r["code"]: r["name_ar"] for r in reach["rows"]}.items() <= arabic.items()
    # the same request again is served from the store
    again = _json(cli.invoke(app, args[:-1]))
    assert again["reused"]
    assert again["rows"] == out["rows"]


def test_any_centre_type_is_the_default_of_coverage_and_access(cli: CliRunner) -> None:
    # 'any' is what both use when --centre-type is left out (and what equity accepts)
    for command in ("coverage", "access"):
        default = _json(cli.invoke(app, [command, "--by", "region", "--json"]))
        for word in ("any", "ALL"):
            named = _json(
                cli.invoke(app, [command, "--by", "region", "--centre-type", word, "--json"])
            )
            assert named["run_id"] == default["run_id"]
            assert named["rows"] == default["rows"]


def test_a_heading_names_the_statuses_other_than_operating(
    cli: CliRunner, national: Connection
) -> None:
    # "within 30 km of a COAPH centre (4 centres)" hid that only the planned ones counted
    planned = national.execute(
        sa.text("SELECT count(*) FROM centres WHERE centre_type = 'COAPH' AND status = 'planned'")
    ).scalar_one()
    args = ["--centre-type", "COAPH", "--status", "planned", "--by", "nation"]
    covered = cli.invoke(app, ["coverage", *args])
    assert covered.exit_code == 0, covered.output
    centres = "1 centre" if planned == 1 else f"{planned:,} centres"
    assert f"of a COAPH centre ({centres} planned), by nation" in covered.stdout
    reached = cli.invoke(app, ["access", *args, "--status", "under_construction"])
    assert reached.exit_code == 0, reached.output
    assert " centres planned or under construction, " in reached.stdout.splitlines()[0]
    usual = cli.invoke(app, ["coverage", "--centre-type", "COAPH", "--by", "nation"])
    assert "of a COAPH centre (" in usual.stdout
    assert "operating" not in usual.stdout.splitlines()[0]


def test_a_heading_says_distances_were_multiplied(cli: CliRunner) -> None:
    # a run with --detour-factor 1.3 was headed as one in straight-line km
    args = ["--by", "nation", "--detour-factor", "1.3"]
    covered = cli.invoke(app, ["coverage", *args])
    assert covered.exit_code == 0, covered.output
    assert covered.stdout.startswith(
        "Persons with disabilities within 30 km (straight-line km × 1.3) of a centre"
    )
    reached = cli.invoke(app, ["access", *args])
    assert reached.stdout.startswith("2SFCA access within 60 km (straight-line km × 1.3) to ")
    unequal = cli.invoke(app, ["equity", "--indicator", "nearest_km", "--detour-factor", "1.3"])
    assert unequal.stdout.startswith(
        "Distance to the nearest centre (km, lower is better; straight-line km × 1.3) — "
    )
    plain = cli.invoke(app, ["coverage", "--by", "nation"])
    assert "straight-line" not in plain.stdout


def test_coverage_command_by_commune_gives_demand_points(cli: CliRunner) -> None:
    out = _json(cli.invoke(app, ["coverage", "--by", "commune", "--json"]))
    row = out["rows"][0]
    assert {"lon", "lat", "nearest_km"} <= set(row)
    assert -17.5 < row["lon"] < -0.9
    assert 20.5 < row["lat"] < 36.1


def test_coverage_command_in_minutes_names_the_fastest_centre(
    cli: CliRunner, national: Connection
) -> None:
    args = ["coverage", "--osm", str(FIXTURE_OSM), "--threshold-min", "30", "--by", "commune"]
    out = _json(cli.invoke(app, [*args, "--json", "--fresh"]))
    assert out["params"]["unit"] == "min"
    ids = set(national.execute(sa.text("SELECT id FROM centres")).scalars())
    timed = [r for r in out["rows"] if r["nearest_min"] is not None]
    assert 0 < len(timed) < len(out["rows"])
    for row in out["rows"]:
        assert {"nearest_centre", "fastest_centre_id", "fastest_centre"} <= set(row)
        if row["nearest_min"] is None:
            assert row["fastest_centre_id"] is None
            assert row["fastest_centre"] is None
        else:
            assert row["fastest_centre_id"] in ids
            assert row["fastest_centre"]
    table = cli.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "stored run" in table.stdout
    header = table.stdout.splitlines()[1]
    assert "fastest centre" in header
    assert "nearest centre" not in header
    for row in timed:
        line = next(x for x in table.stdout.splitlines() if x.startswith(row["code"] + " "))
        assert row["fastest_centre"] in line


def test_access_command_json_and_table(cli: CliRunner) -> None:
    out = _json(
        cli.invoke(
            app,
            ["access", "--method", "e2sfca", "--catchment-km", "60", "--by", "region", "--json"],
        )
    )
    assert out["params"]["method"] == "e2sfca"
    assert len(out["rows"]) == 12
    assert {"code", "name_fr", "pwd", "access"} <= set(out["rows"][0])
    table = cli.invoke(app, ["access", "--by", "nation"])
    assert table.exit_code == 0
    assert "Maroc" in table.stdout
    assert "places/10k pwd" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # the types' list left out 'any', which these commands take
        (
            ["coverage", "--centre-type", "XYZ"],
            "unknown centre type 'XYZ' — choose one of COAPH, CAS, CAPE, EMF, CJPA, EPS, other "
            "or any (every type)",
        ),
        (["equity", "--indicator", "access", "--centre-type", "x"], "other or any (every type)"),
        (["coverage", "--by", "district"], "unknown level 'district'"),
        (["access", "--method", "3sfca"], "unknown access method '3sfca'"),
        (["coverage", "--threshold-km", "-5"], "--threshold-km -5 is not a positive number"),
        # it read "detour factor 0.5 is not allowed", naming no option
        (
            ["coverage", "--detour-factor", "0.5"],
            "--detour-factor 0.5 is below 1: a road is never shorter than the straight line — "
            "use 1 for straight-line kilometres",
        ),
        (["access", "--detour-factor", "nan"], "--detour-factor nan is not a finite number"),
        (["equity", "--indicator", "nearest_km", "--detour-factor", "0"], "--detour-factor 0 "),
        (["access", "--missing-capacity", "lots"], "or a number of places such as 90"),
        # taken and ignored without a road network, as --threshold-min is not
        (
            ["coverage", "--connector-speed", "-1"],
            "walouja: --connector-speed applies to travel times over a road network — add the "
            "network with --osm FILE, or leave the option out",
        ),
        (["coverage", "--max-snap-km", "5"], "walouja: --max-snap-km applies to travel times"),
        # it said "--connector-speed -1 is not a positive number of km/h", and no more
        (
            ["coverage", "--osm", str(FIXTURE_OSM), "--connector-speed", "-1"],
            "walouja: --connector-speed -1 is not a positive number of km/h — give a number above "
            "0 and at most 120 km/h, for example --connector-speed 30",
        ),
        (
            ["coverage", "--osm", str(FIXTURE_OSM), "--max-snap-km", "0"],
            "--max-snap-km 0 is not a positive number of km — give a number above 0",
        ),
        # it read "missing-capacity value -5.0 is not a non-negative number", with no hint
        (
            ["access", "--missing-capacity", "-5"],
            "walouja: --missing-capacity -5 is not a number of places (0 or more) — give median, "
            "error or a number of places such as 90",
        ),
    ],
)
def test_bad_requests_exit_1_with_one_line(cli: CliRunner, args: list[str], message: str) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


@pytest.mark.parametrize(
    ("args", "same_as"),
    [
        (["coverage", "--by", "Nation", "--json"], ["coverage", "--by", "nation", "--json"]),
        (
            ["access", "--by", "NATION", "--missing-capacity", "Median", "--json"],
            ["access", "--by", "nation", "--missing-capacity", "median", "--json"],
        ),
        (
            ["equity", "--indicator", "Nearest_km", "--by", "Region", "--json"],
            ["equity", "--indicator", "nearest_km", "--by", "region", "--json"],
        ),
    ],
)
def test_levels_indicators_and_strategies_are_read_in_any_case(
    cli: CliRunner, args: list[str], same_as: list[str]
) -> None:
    # centre types, methods and formats were read in any case, but --by Province was
    # "unknown level 'Province'"
    done, expected = cli.invoke(app, args), cli.invoke(app, same_as)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["run_id"] == json.loads(expected.stdout)["run_id"]


@pytest.mark.parametrize(
    "command",
    [
        ["coverage", "--by", "nation"],
        ["access", "--by", "nation"],
        ["equity", "--indicator", "nearest_km", "--by", "region"],
        ["gaps"],
    ],
)
def test_a_blank_run_name_is_no_name_and_a_name_is_trimmed(
    cli: CliRunner, engine: Engine, command: list[str]
) -> None:
    # `--name "   "` was stored as the run's name (listed as a blank name on the Coverage
    # page) and `--name " Plan "` kept its spaces: only prioritise scenarios trimmed them
    def stored_name(run_id: int) -> str | None:
        with engine.connect() as c:
            found = c.execute(
                sa.text("SELECT name FROM analysis_runs WHERE id = :id"), {"id": run_id}
            )
            return found.scalar_one()

    blank = _json(cli.invoke(app, [*command, "--json", "--fresh", "--name", "   "]))
    assert stored_name(blank["run_id"]) is None
    # the same request again with an empty name leaves the stored run unnamed
    again = _json(cli.invoke(app, [*command, "--json", "--name", ""]))
    assert again["reused"]
    assert again["run_id"] == blank["run_id"]
    assert stored_name(blank["run_id"]) is None
    named = _json(cli.invoke(app, [*command, "--json", "--name", "  Plan Tanger 2026 "]))
    assert named["run_id"] == blank["run_id"]
    assert stored_name(named["run_id"]) == "Plan Tanger 2026"
