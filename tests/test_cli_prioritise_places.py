"""`walouja scenarios compare` and `walouja prioritise` say what a scenario with places per
centre counts: persons served within the places, and for a p-median the distance to the
centre that gives each person a place (the national database, through the command line).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo import runs
from walouja.services.prioritise import load_scenario

STORED: list[int] = []
"""Scenarios these tests computed, deleted afterwards (a stored one reused is another's)."""


@pytest.fixture(scope="module", autouse=True)
def _forget_stored(engine: Engine) -> Iterator[None]:
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM analysis_runs WHERE id = ANY(:ids)"), {"ids": STORED})
    STORED.clear()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "walouja.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _solved(*args: str) -> int:
    """Run ``walouja prioritise ARGS --json``; the scenario's id."""
    done = _cli("prioritise", *args, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    if not out.get("reused"):
        STORED.append(int(out["run_id"]))
    return int(out["run_id"])


def _line(text: str, start: str) -> str:
    return next(x for x in text.splitlines() if x.startswith(start))


def test_compare_says_persons_served_within_places_are_served() -> None:
    # B with 100 places per new centre: "persons with disabilities covered before:
    # 1,075,074 → 4,842", where 4,842 were persons served within the existing places
    covered = _solved("--new", "3", "--time-limit", "20")
    served = _solved("--new", "3", "--new-capacity", "100", "--time-limit", "20")
    done = _cli("scenarios", "compare", str(covered), str(served))
    assert done.returncode == 0, done.stderr
    for when in ("before", "after"):
        line = _line(done.stdout, f"persons with disabilities covered {when}: ")
        a, b = line.split(": ", 1)[1].split(" → ")
        assert b.endswith(" (served, places permitting)"), line
        assert "served" not in a, line
    # the other way round, the suffix follows its scenario
    done = _cli("scenarios", "compare", str(served), str(covered))
    line = _line(done.stdout, "persons with disabilities covered before: ")
    assert line.split(" → ")[0].endswith(" (served, places permitting)"), line
    assert not line.endswith("(served, places permitting)"), line
    json_diff = json.loads(_cli("scenarios", "compare", str(covered), str(served), "--json").stdout)
    assert json_diff["within_places"] == {"a": False, "b": True}


def test_a_p_median_with_places_counts_person_km_to_a_place(engine: Engine, tmp_path: Path) -> None:
    # twenty sites of 100,000 places: everyone gets a place, which the existing COAPH's
    # places cannot give; its objective is person-km, not "persons served"
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT code, ST_X(demand_point) AS lon, ST_Y(demand_point) AS lat "
                "FROM communes ORDER BY pwd DESC, code LIMIT 20"
            )
        ).all()
    sites = tmp_path / "twenty.csv"
    sites.write_text(
        "id;lon;lat\n" + "".join(f"S{r.code};{r.lon};{r.lat}\n" for r in rows), encoding="utf-8"
    )
    common = ("--model", "pmedian", "--new", "20", "--candidates", str(sites))
    places = _solved(*common, "--new-capacity", "100000", "--time-limit", "120")
    nearest = _solved(*common, "--time-limit", "120")
    shown = _cli("scenarios", "show", str(places))
    assert shown.returncode == 0, shown.stderr
    first = _line(shown.stdout, f"scenario {places}: ")
    # the existing centres' places cannot take everyone: no figure before
    assert "; distance to the centre that gives each a place × persons: — → " in first, first
    assert "nearest centre" not in first
    done = _cli("scenarios", "compare", str(nearest), str(places))
    assert done.returncode == 0, done.stderr
    objective = _line(done.stdout, "objective: ")
    a, b = objective.removeprefix("objective: ").split(" → ")
    assert a.endswith(" person-km"), objective
    assert b.endswith(" person-km to the assigned centre"), objective
    assert "persons served" not in objective
    assert _line(done.stdout, "provinces: ") == (
        "provinces: not compared (one measures the distance to the centre that gives each "
        "person a place, the other to the nearest centre)"
    )


def test_a_p_median_stored_with_0_km_before_reads_unknown(conn: Connection) -> None:
    # a p-median with places stored before its tables kept an unknown "before" missing: its
    # provinces and regions hold 0 km before and a negative saving; they read as unknown
    def table(level: str, before: float, saved: float) -> list[dict[str, object]]:
        return [
            {level: "01", "pwd": 100.0, "mean_km_before": before, "mean_km_after": 5.0,
             "person_km_saved": saved}
        ]  # fmt: skip

    legacy = {
        "model": "PMedian",
        "objective": 500.0,
        "objective_before": None,
        "gain_measure": "persons served by the site (capacitated assignment)",
        "by_province": table("province", 0.0, -500.0),
        "by_region": table("region", 0.0, -500.0),
    }
    known = {**legacy, "objective_before": 900.0}
    known["by_region"] = table("region", 9.0, 400.0)
    ids = [
        runs.save_run(
            conn,
            kind="prioritise",
            params={"model": "pmedian", "test": "legacy"},
            fingerprint="legacy",
            results=results,
            duration_s=1.0,
        )
        for results in (legacy, known)
    ]
    stored = load_scenario(conn, ids[0]).results
    for level in ("by_province", "by_region"):
        row = stored[level][0]
        assert (row["mean_km_before"], row["person_km_saved"]) == (None, None), row
        assert row["mean_km_after"] == 5.0
    # a before that was known stays as it was
    assert load_scenario(conn, ids[1]).results["by_region"] == table("region", 9.0, 400.0)
