"""Stored analysis runs and input fingerprints, against the real database (rolled back)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import db, migrate
from geo.runs import (
    find_run,
    get_run,
    input_fingerprint,
    list_runs,
    rename_run,
    save_run,
    to_jsonable,
)
from walouja.errors import NotFoundError
from walouja.settings import Settings


@pytest.fixture
def probe(conn: Connection) -> Connection:
    """A throw-away table with a point and a polygon column, inside the rolled-back test."""
    conn.execute(
        sa.text(
            "CREATE TABLE fp_probe (id int PRIMARY KEY, capacity int, "
            "geom geometry(Point, 4326), area geometry(MultiPolygon, 4326))"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO fp_probe VALUES "
            "(1, 10, ST_SetSRID(ST_MakePoint(-6.8, 34.0), 4326), NULL), "
            "(2, 20, ST_SetSRID(ST_MakePoint(-7.6, 33.6), 4326), NULL)"
        )
    )
    return conn


def test_save_then_find_the_same_request(conn: Connection) -> None:
    params = {"centre_type": "COAPH", "threshold_km": 30, "statuses": ["operating"]}
    run_id = save_run(
        conn,
        kind="coverage",
        params=params,
        fingerprint="abc",
        results={"rows": [{"code": "01", "share": 0.5}]},
        duration_s=0.25,
        name="first",
    )
    # same request, keys in another order and 30 written as 30.0: found
    again = find_run(
        conn,
        "coverage",
        {"statuses": ["operating"], "threshold_km": 30.0, "centre_type": "COAPH"},
        "abc",
    )
    assert again is not None
    assert again.id == run_id
    assert again.results == {"rows": [{"code": "01", "share": 0.5}]}
    assert again.name == "first"
    assert again.duration_s == 0.25
    # another threshold, another kind or other data: not found
    assert find_run(conn, "coverage", {**params, "threshold_km": 20}, "abc") is None
    assert find_run(conn, "access", params, "abc") is None
    assert find_run(conn, "coverage", params, "abd") is None


def test_an_optimal_run_matches_whatever_its_time_limit(conn: Connection) -> None:
    request = {"model": "mclp", "new": 3}
    optimal = save_run(
        conn,
        kind="k-limit",
        params={**request, "time_limit_s": 30.0},
        fingerprint="f",
        results={"optimal": True, "objective": 10.0},
        duration_s=1.0,
    )
    stopped = save_run(
        conn,
        kind="k-limit",
        params={**request, "new": 4, "time_limit_s": 1.0},
        fingerprint="f",
        results={"optimal": False, "objective": 9.0},
        duration_s=1.0,
    )
    wanted = {**request, "time_limit_s": 60.0}
    # the proven optimum is the answer under any time limit
    found = find_run(conn, "k-limit", wanted, "f", limit_key="time_limit_s")
    assert found is not None
    assert found.id == optimal
    # only with the key named, and only the time limit may differ
    assert find_run(conn, "k-limit", wanted, "f") is None
    assert find_run(conn, "k-limit", {**wanted, "new": 5}, "f", limit_key="time_limit_s") is None
    # a run stopped by its limit is no answer to a longer one
    longer = {**request, "new": 4, "time_limit_s": 60.0}
    assert find_run(conn, "k-limit", longer, "f", limit_key="time_limit_s") is None
    # its own request still finds it; an exact match wins over a newer optimal one
    same = find_run(conn, "k-limit", {**longer, "time_limit_s": 1.0}, "f", limit_key="time_limit_s")
    assert same is not None
    assert same.id == stopped
    newer = save_run(
        conn,
        kind="k-limit",
        params={**request, "time_limit_s": 5.0},
        fingerprint="f",
        results={"optimal": True, "objective": 10.0},
        duration_s=1.0,
    )
    exact = find_run(
        conn, "k-limit", {**request, "time_limit_s": 30.0}, "f", limit_key="time_limit_s"
    )
    assert exact is not None
    assert exact.id == optimal
    latest = find_run(conn, "k-limit", wanted, "f", limit_key="time_limit_s")
    assert latest is not None
    assert latest.id == newer


def test_latest_run_wins_and_listing(conn: Connection) -> None:
    first = save_run(conn, kind="k-test", params={}, fingerprint="f", results=[1], duration_s=1.0)
    second = save_run(conn, kind="k-test", params={}, fingerprint="f", results=[2], duration_s=1.0)
    found = find_run(conn, "k-test", {}, "f")
    assert found is not None
    assert found.id == second
    listed = list_runs(conn, "k-test")
    assert [r.id for r in listed] == [second, first]
    assert all(r.kind == "k-test" for r in listed)
    assert any(r.id == first for r in list_runs(conn))


def test_a_run_older_than_the_newest_is_listed_when_asked(conn: Connection) -> None:
    # the Prioritise page showed a scenario found already saved, older than the 200 newest,
    # and could neither reopen nor compare it: it was not in the list
    ids = [
        save_run(conn, kind="k-old", params={"n": n}, fingerprint="f", results={}, duration_s=1)
        for n in range(4)
    ]
    other = save_run(conn, kind="k-other", params={}, fingerprint="f", results={}, duration_s=1)
    newest = [r.id for r in list_runs(conn, "k-old", limit=2)]
    assert newest == [ids[3], ids[2]]
    assert [r.id for r in list_runs(conn, "k-old", limit=2, include=ids[0])] == [*newest, ids[0]]
    # already among the newest: listed once; of another kind, or missing: not listed
    assert [r.id for r in list_runs(conn, "k-old", limit=2, include=ids[3])] == newest
    assert [r.id for r in list_runs(conn, "k-old", limit=2, include=other)] == newest
    assert [r.id for r in list_runs(conn, "k-old", limit=2, include=10**9)] == newest


def test_get_run_and_missing_run(conn: Connection) -> None:
    run_id = save_run(
        conn, kind="k-test", params={"a": 1}, fingerprint="f", results={}, duration_s=None
    )
    assert get_run(conn, run_id).params == {"a": 1}
    with pytest.raises(NotFoundError, match="no stored analysis run"):
        get_run(conn, run_id + 1000)


def test_rename_run_labels_it_in_place(conn: Connection) -> None:
    run_id = save_run(conn, kind="k-test", params={}, fingerprint="f", results={}, duration_s=1)
    rename_run(conn, run_id, "plan A")
    assert get_run(conn, run_id).name == "plan A"
    assert [r.id for r in list_runs(conn, "k-test")] == [run_id]  # no copy
    rename_run(conn, run_id, None)
    assert get_run(conn, run_id).name is None
    with pytest.raises(NotFoundError, match="no stored analysis run"):
        rename_run(conn, run_id + 1000, "ghost")


def test_non_finite_numbers_are_stored_as_null(conn: Connection) -> None:
    results = {"km": np.array([1.5, np.inf, np.nan]), "n": np.int64(3)}
    run_id = save_run(
        conn, kind="k-test", params={}, fingerprint="f", results=results, duration_s=0
    )
    assert get_run(conn, run_id).results == {"km": [1.5, None, None], "n": 3}
    assert to_jsonable({"x": (math.nan, 2.0)}) == {"x": [None, 2.0]}


def test_fingerprint_changes_with_the_data(probe: Connection) -> None:
    base = input_fingerprint(probe, ["fp_probe"])
    assert input_fingerprint(probe, ["fp_probe"]) == base  # stable
    probe.execute(sa.text("UPDATE fp_probe SET capacity = 11 WHERE id = 1"))
    changed = input_fingerprint(probe, ["fp_probe"])
    assert changed != base
    probe.execute(sa.text("UPDATE fp_probe SET capacity = 10 WHERE id = 1"))
    assert input_fingerprint(probe, ["fp_probe"]) == base  # content, not history
    probe.execute(
        sa.text("UPDATE fp_probe SET geom = ST_SetSRID(ST_MakePoint(-6.9, 34), 4326) WHERE id = 2")
    )
    moved = input_fingerprint(probe, ["fp_probe"])
    assert moved not in {base, changed}
    probe.execute(sa.text("DELETE FROM fp_probe WHERE id = 2"))
    assert input_fingerprint(probe, ["fp_probe"]) not in {base, changed, moved}


def test_fingerprint_ignores_area_geometries(probe: Connection) -> None:
    base = input_fingerprint(probe, ["fp_probe"])
    probe.execute(
        sa.text(
            "UPDATE fp_probe SET area = "
            "ST_Multi(ST_Buffer(geom, 0.1))::geometry(MultiPolygon, 4326)"
        )
    )
    assert input_fingerprint(probe, ["fp_probe"]) == base


def test_fingerprint_of_several_tables_ignores_their_order(probe: Connection) -> None:
    both = input_fingerprint(probe, ["fp_probe", "layer_sources"])
    assert input_fingerprint(probe, ["layer_sources", "fp_probe"]) == both
    assert both != input_fingerprint(probe, ["fp_probe"])


def test_fingerprint_of_a_missing_table(conn: Connection) -> None:
    with pytest.raises(NotFoundError, match="input table no_such_table does not exist"):
        input_fingerprint(conn, ["no_such_table"])


def test_migration_0004_up_and_down(scratch_settings: Settings) -> None:
    migrate.upgrade(scratch_settings)
    with db.connect(scratch_settings) as c:
        assert c.execute(sa.text("SELECT to_regclass('public.analysis_runs')")).scalar()
    migrate.downgrade(scratch_settings, "0003")
    with db.connect(scratch_settings) as c:
        assert c.execute(sa.text("SELECT to_regclass('public.analysis_runs')")).scalar() is None
        assert db.current_revision(c) == "0003"
    migrate.upgrade(scratch_settings, "0004")
    with db.connect(scratch_settings) as c:
        assert db.current_revision(c) == "0004"
        assert c.execute(sa.text("SELECT count(*) FROM analysis_runs")).scalar_one() == 0
