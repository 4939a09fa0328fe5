"""`walouja import` of an Accessible Cities file whose budget is beyond any city's: the row is
refused with its row, field and the largest budget taken (100,000,000 MAD), nothing is
written; a budget of exactly that much is taken. Run as a user runs the command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.layers import prune_sources
from tests.geo.fixtures.support import RABAT, require_layers, write

WALOUJA = [sys.executable, "-m", "walouja.cli"]
TANGER = (-5.8340, 35.7595)
OUJDA = (-1.9086, 34.6814)
CSV = (
    "external_id,name,stage,budget_mad,lon,lat\n"
    f"CLI-BUD-1,Ville budget A,completed,100000000,{RABAT[0]},{RABAT[1]}\n"
    f"CLI-BUD-2,Ville budget B,completed,1500000000,{TANGER[0]},{TANGER[1]}\n"
    f"CLI-BUD-3,Ville budget C,works_under_way,100000000.01,{OUJDA[0]},{OUJDA[1]}\n"
)


def _walouja(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (the test database from the environment)."""
    return subprocess.run([*WALOUJA, *args], capture_output=True, text=True, check=False)


def _cities(engine: Engine) -> int:
    with engine.connect() as c:
        found = c.execute(
            sa.text("SELECT count(*) FROM accessible_cities WHERE external_id LIKE 'CLI-BUD-%'")
        )
        return int(found.scalar_one())


@pytest.fixture
def forget_cities(engine: Engine) -> Iterator[None]:
    """Rows a failing run would have written, removed with their history and sources."""
    yield
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM accessible_cities WHERE external_id LIKE 'CLI-BUD-%'"))
        c.execute(sa.text("DELETE FROM layer_history WHERE external_id LIKE 'CLI-BUD-%'"))
        prune_sources(c)


def test_a_budget_beyond_any_citys_is_a_refused_row_and_nothing_is_written(
    engine: Engine, tmp_path: Path, forget_cities: None
) -> None:
    # a city's budget of 1,500,000,000 MAD was taken (the column's limit was the bound), three
    # times the action plan's whole 2022 support programme
    with engine.connect() as c:
        require_layers(c)
    path = write(tmp_path / "villes.csv", CSV)
    out = _walouja("import", "accessible_cities", str(path), "--source", "test", "--licence", "x")
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert "2 of 3 rows rejected, nothing written" in lines[0], out.stdout
    assert "    row 3, budget_mad: too large (at most 100,000,000): 1500000000" in lines
    assert "    row 4, budget_mad: too large (at most 100,000,000): 100000000.01" in lines
    assert not [line for line in lines if "row 2" in line]  # exactly the bound is taken
    assert _cities(engine) == 0
    # the row at the bound alone: taken (a dry run writes nothing)
    alone = write(tmp_path / "ville.csv", "\n".join(CSV.splitlines()[:2]) + "\n")
    out = _walouja("import", "accessible_cities", str(alone), "--dry-run")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 row read, would insert 1" in out.stdout, out.stdout
    assert _cities(engine) == 0


def test_the_json_report_gives_the_largest_budget_as_a_number(
    engine: Engine, tmp_path: Path, forget_cities: None
) -> None:
    # "maximum": "100,000,000", the English text, where a program reads a number
    path = write(tmp_path / "villes.csv", CSV)
    out = _walouja("import", "accessible_cities", str(path), "--dry-run", "--json")
    report = json.loads(out.stdout)
    found = {p["row"]: p for p in report["problems"]}
    assert found[3]["code"] == "above_maximum"
    assert found[3]["params"] == {"maximum": 100_000_000, "value": "1500000000"}
    assert found[3]["reason"] == "too large (at most 100,000,000): 1500000000"
    assert found[4]["params"] == {"maximum": 100_000_000, "value": "100000000.01"}
    assert _cities(engine) == 0
