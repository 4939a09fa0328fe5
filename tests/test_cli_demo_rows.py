"""The analysis commands say when the rows they used are demonstration data.

`walouja gaps` printed "31 of 75 provinces and prefectures have no operating COAPH (…)" and
no command said its centres were the generated demonstration centres (``is_demo``), as the
app does ("Centres : 488 sur 488 lignes sont des données de démonstration"). Now the text
ends with one note line and ``--json`` carries ``demo_rows``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.maps import demo_rows
from walouja.cli._common import demo_note

WALOUJA = [sys.executable, "-m", "walouja.cli"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WALOUJA, *args], capture_output=True, text=True, timeout=600, check=False
    )


def _demo(engine: Engine, where: str = "TRUE", table: str = "centres") -> int:
    with engine.connect() as c:
        n = c.execute(sa.text(f"SELECT count(*) FROM {table} WHERE is_demo AND {where}"))
        return int(n.scalar_one())


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["gaps"], "TRUE"),  # every status: the pipeline is listed
        (["coverage", "--centre-type", "COAPH"], "centre_type = 'COAPH' AND status = 'operating'"),
        (["access", "--by", "region"], "status = 'operating'"),
        (
            ["equity", "--indicator", "coverage_share", "--centre-type", "EPS"],
            "centre_type = 'EPS' AND status = 'operating'",
        ),
        (
            ["prioritise", "--new", "1", "--centre-type", "COAPH", "--time-limit", "60"],
            "centre_type = 'COAPH' AND status = 'operating'",
        ),
    ],
)
def test_the_demonstration_centres_used_are_said(
    engine: Engine, forget_runs: list[int], args: list[str], where: str
) -> None:
    expected = _demo(engine, where)
    assert expected, "the demonstration centres are loaded (`walouja load`)"
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    payload: dict[str, Any] = json.loads(done.stdout)
    forget_runs.append(int(payload["run_id"]))
    assert payload["demo_rows"] == {"centres": expected}
    text = _run(*args)  # the stored run: the same rows
    assert text.returncode == 0, text.stderr
    last = text.stdout.rstrip("\n").splitlines()[-1]
    assert last == f"note: {expected:,} of the centres used are demonstration data, not real places"
    assert text.stdout.count("demonstration") == 1


def test_a_layer_of_candidate_sites_is_said_too(engine: Engine, forget_runs: list[int]) -> None:
    args = ["prioritise", "--new", "1", "--candidates-layer", "beaches", "--time-limit", "60"]
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    forget_runs.append(int(payload["run_id"]))
    centres = _demo(engine, "centre_type = 'COAPH' AND status = 'operating'")
    assert payload["demo_rows"] == {
        "centres": centres,
        "candidate_sites": _demo(engine, table="beaches"),
    }
    shown = _run("scenarios", "show", str(payload["run_id"]))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.rstrip("\n").splitlines()[-1] == (
        f"note: {centres:,} of the centres used are demonstration data, not real places"
    )


def test_no_note_when_no_row_used_is_demonstration(conn: Connection) -> None:
    assert demo_rows(conn, {"centres": {"centre_type": ["COAPH"], "status": ["operating"]}})
    conn.execute(sa.text("UPDATE centres SET is_demo = false WHERE centre_type = 'COAPH'"))
    used = {"centres": {"centre_type": ["COAPH"], "status": ["operating"]}}
    assert demo_rows(conn, used) == {}
    assert demo_note(demo_rows(conn, used)) is None
    # the other types' rows are still counted, each filter as given
    assert demo_rows(conn, {"centres": {"centre_type": ["EPS"], "status": None}})["centres"] > 0
    assert demo_rows(conn, {"accessible_cities": {}}) == {}  # the programme's own facts
